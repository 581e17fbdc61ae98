# related ID: the articles most like a stored one, without itself; search's
# output options; an unknown id and a missing id are errors
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" related -i ix --ids -k 3 ng-001
"$NG" related -i ix --json --no-snippets -k 2 ng-001 | python3 -c '
import sys, json
for line in sys.stdin:
    o = json.loads(line)
    print(o["id"], o["id"] != "ng-001", "score" in o)'
"$NG" related -i ix nope; echo "status $?"
"$NG" related -i ix; echo "status $?"
# --expand: RM3 feedback on an ordinary search
"$NG" search -i ix --ids -k 3 --expand --fb-docs 3 --fb-terms 5 treaty
"$NG" search -i ix --expand --fb-weight 2 treaty; echo "status $?"
