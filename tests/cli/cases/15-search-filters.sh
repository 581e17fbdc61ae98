# dates (--since/--until in several forms, date: ranges), --sort date, --all, AND/OR/NOT, fields, prefix, phrase slop
. "$ROOT/tests/cli/lib.sh"
mkindex
q() { echo "# $*"; "$NG" search -i ix --ids "$@"; echo "[exit $?]"; }
q --since 2025-06-01 --until 2025-06-30 china
q --since "1 June 2025" --until "June 18, 2025" china
q 'china AND date:2025-06-01..2025-06-16'
q --sort date -k 4 'summit OR rates'
q --all 'china summit astana'
q 'china AND summit AND NOT declaration'
q '+astana -trade'
q '(fed OR ecb) rates'
q 'title:astana'
q 'body:"heat wave"'
q 'kazakh*'
q '"signed declaration"~3'
q 'Good-Neighborliness'
q "China's"
q 'U.S. tariffs'
q 'cafe'
q '北京大学'
q 'Straßen'
q 'STRASSEN'
q --since 2026-01-01 china
st "$NG" search -i ix --since yesterday china
