# the default output: rank, score, date, title, id, snippet with [highlights]
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" search -i ix '"Astana Declaration"'
echo "[exit $?]"
NEWSGREP_INDEX=ix "$NG" search -k 2 'New York'
# --explain adds the per-term breakdown under each result
"$NG" search -i ix --explain -k 1 'astana declaration' | grep -c '^    | .*astana'
