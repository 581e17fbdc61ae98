# stats --json keys; stats text rows
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" stats -i ix --json | python3 -c '
import sys, json
o = json.loads(sys.stdin.read())
for k in ["documents","terms","segments","postings_bytes","positions_bytes","docstore_bytes","total_bytes"]:
    print(k, "ok" if isinstance(o[k], int) and o[k] > 0 else "BAD")
print("documents =", o["documents"], "language =", o["language"], "k1 =", o["k1"], "b =", o["b"])
print("sizes add up:", o["total_bytes"] >= o["postings_bytes"] + o["positions_bytes"] + o["docstore_bytes"])'
"$NG" stats -i ix | cut -c1-17
