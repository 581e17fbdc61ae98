# --json: one object per line with id, score, title, date, source, snippet, highlights
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" search -i ix --json -k 3 'treaty'
"$NG" search -i ix --json --no-snippets -k 2 'fusion'
# every highlight span lies inside the snippet and covers a query word
"$NG" search -i ix --json -k 5 'summit' | python3 -c '
import sys, json
for line in sys.stdin:
    o = json.loads(line)
    s = o["snippet"].encode()
    print(o["id"], [s[a:b].decode() for a, b in o["highlights"]])'
