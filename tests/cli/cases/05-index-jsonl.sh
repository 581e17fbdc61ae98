# indexing the sample articles: summary on stderr, stats, check
. "$ROOT/tests/cli/lib.sh"
"$NG" index -i ix "$DATA/articles.jsonl" 2>&1 | mask_time
"$NG" stats -i ix --json | grep -o '"documents":[0-9]*,"deleted":[0-9]*'
"$NG" stats -i ix | grep -E '^(documents|deleted|segments|language|bm25) '
st "$NG" check -i ix
# indexing the same file again replaces every document
"$NG" index -i ix "$DATA/articles.jsonl" 2>&1 | mask_time
"$NG" count -i ix astana
