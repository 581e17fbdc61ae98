# field names in any case; an unknown field is an error naming the known
# ones; a query of stopwords only says why nothing matches; a prefix is
# one blended term (prefix line in --explain)
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" search -i ix --ids -k 2 'Title:astana'
st "$NG" search -i ix --ids 'foo:oil'
st "$NG" search -i ix --ids 'to be or not to be'
st "$NG" 'the of and' "$DATA/articles.jsonl"
"$NG" search -i ix --explain -k 1 'summ*' | grep -c 'prefix summ\*'
