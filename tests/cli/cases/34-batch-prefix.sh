# batch queries are plain text, but word* is still a prefix (same hits as a single search)
. "$ROOT/tests/cli/lib.sh"
mkindex
printf '1\tastan*\n2\tAND summ* "new york" (\n' > q.tsv
st "$NG" search -i ix --queries q.tsv --trec t -k 3
st "$NG" search -i ix --ids -k 3 'astan*'
