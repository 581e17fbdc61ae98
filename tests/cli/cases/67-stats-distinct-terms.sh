# stats counts distinct terms: a term held by several segments counts once,
# so the figure is the same before and after a merge
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" index -q -i ix "$DATA/articles.jsonl"
"$NG" stats -i ix | grep -E '^(terms|segments) '
"$NG" stats -i ix --json | grep -o '"terms":[0-9]*'
"$NG" merge -i ix
"$NG" stats -i ix | grep -E '^(terms|segments) '
