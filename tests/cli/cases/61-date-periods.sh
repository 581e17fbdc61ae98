# one date reader (ng_date_parse) for documents, --since/--until and date:
# month names in eight languages; partial dates are periods (--since 1987-10
# = from October 1st, --until 1987 = to December 31st); impossible dates and
# offsets are refused with the reason
. "$ROOT/tests/cli/lib.sh"
cat > d.jsonl <<'EOF2'
{"id":"d1","date":"1987-09-30","body":"oil"}
{"id":"d2","date":"1 octobre 1987","body":"oil"}
{"id":"d3","date":"31. Oktober 1987","body":"oil"}
{"id":"d4","date":"Sun, 1 Nov 1987 10:00:00 +0100","body":"oil"}
{"id":"d5","date":"5 de mayo de 1988","body":"oil"}
{"id":"d6","date":"12 января 1989","body":"oil"}
{"id":"d7","date":"31 dicembre 1988","body":"oil"}
{"id":"d8","date":"1º de março de 1988","body":"oil"}
{"id":"d9","date":"1 mei 1988","body":"oil"}
EOF2
"$NG" index -q -i ix d.jsonl
q() { echo "# $*"; "$NG" search -i ix --ids --sort date -k 20 "$@" | tr '\n' ' '; echo "[exit ${PIPESTATUS[0]}]"; }
q --since 1987-10 --until 1987-10 oil
q --until 1987 oil
q --since 'October 1987' --until 'Nov 1987' oil
q --since 1989 oil
q 'oil AND date:1987-10..1988'
q 'oil AND date:1988'
q 'oil AND date:..1987-10'
"$NG" timeline -i ix --by year --since 1988 --until 1988 oil
st "$NG" search -i ix --since 2025-02-29 oil
st "$NG" search -i ix --until '2025-06-17T10:00:00+99:99' oil
st "$NG" search -i ix --since 0000-01-01 oil
st "$NG" search -i ix 'oil AND date:2025-02-29'
