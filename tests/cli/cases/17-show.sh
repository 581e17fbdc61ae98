# show: the stored document; --json gives back the input line's keys and values
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" show -i ix ng-017
"$NG" show -i ix --json ng-015
for id in ng-001 ng-015 ng-018; do
  "$NG" show -i ix --json "$id" > got.json
  grep "\"id\": \"$id\"" "$DATA/articles.jsonl" > want.json
  python3 -c 'import json,sys; a,b=[json.load(open(f)) for f in sys.argv[1:3]]; print(sys.argv[3], "same keys, order and values" if a==b and list(a)==list(b) else "DIFFERENT")' got.json want.json "$id"
done
st "$NG" show -i ix no-such-id
