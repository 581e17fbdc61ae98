# timeline --collapse counts stories, not copies: a story counts once, in
# the bucket of its earliest copy
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q -i ix "$ROOT/tests/cli/data/syndicated.jsonl"
st "$NG" timeline -i ix --by month 'rates OR flood OR battery'
st "$NG" timeline -i ix --collapse --by month 'rates OR flood OR battery'
"$NG" timeline -i ix --collapse --json --by day 'rates'
