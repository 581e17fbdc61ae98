# search --collapse: copies of a story (byline, sign-off, a changed word;
# other titles, sources and dates) fold under the best-scoring one with
# "and N similar"; --show-similar names them; --json lists them; a copy
# that dropped a paragraph (Jaccard under 0.8) stays a result of its own
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q -i ix "$ROOT/tests/cli/data/syndicated.jsonl"
st "$NG" search -i ix --no-snippets 'interest rates inflation'
st "$NG" search -i ix --collapse --no-snippets 'interest rates inflation'
st "$NG" search -i ix --show-similar --no-snippets -k 3 'governor OR valley'
"$NG" search -i ix --collapse --json --no-snippets 'river flood'
"$NG" search -i ix --collapse --ids 'river flood'
st "$NG" search -i ix --collapse --sort date --ids 'rates OR flood'
