# several indexes searched as one: -i repeated, $NEWSGREP_INDEX a list
. "$ROOT/tests/cli/lib.sh"
head -n 12 "$DATA/articles.jsonl" >a.jsonl
tail -n +13 "$DATA/articles.jsonl" >b.jsonl
"$NG" index -q -i all a.jsonl b.jsonl
"$NG" index -q -i ia a.jsonl
"$NG" index -q -i ib b.jsonl
# the same results, scores and counts as the index of everything
for q in 'astana OR summit' 'climate change' 'sum*' '"central asia"' 'election date:2025'; do
  "$NG" search -i all --json -k 20 "$q" >one.txt
  "$NG" search -i ia -i ib --json -k 20 "$q" >two.txt
  cmp -s one.txt two.txt && echo "same: $q" || { echo "DIFFERENT: $q"; diff one.txt two.txt | head; }
done
"$NG" count -i ia -i ib astana
"$NG" timeline -i ia -i ib --by year astana
"$NG" search -i ia -i ib --ids -k 3 astana
"$NG" show -i ia -i ib ng-001 | head -n 2
"$NG" stats -i ia -i ib | grep -E '^(index|documents|segments) '
NEWSGREP_INDEX=ia:ib "$NG" count astana
NEWSGREP_INDEX=ia:ib: "$NG" stats | grep -E '^documents '
# the parts of one search must differ in ids and agree in language
st "$NG" count -i ia -i all astana
"$NG" index -q -i fr --lang french b.jsonl
st "$NG" count -i ia -i fr astana
st "$NG" count -i ia -i nowhere astana
# commands that write take one index
NEWSGREP_INDEX=ia:ib st "$NG" merge
NEWSGREP_INDEX=ia:ib st "$NG" index -q a.jsonl
