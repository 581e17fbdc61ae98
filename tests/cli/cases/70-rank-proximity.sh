# the default ranking adds a proximity part (pairs of neighbouring query
# words); --rank bm25 gives plain BM25, the scores of earlier versions
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" search -i ix --trec prox -k 3 'interest rates inflation'
"$NG" search -i ix --trec bm25 -k 3 --rank bm25 'interest rates inflation'
"$NG" search -i ix --trec prox -k 3 --rank proximity --prox-weight 1 --prox-window 5 'interest rates inflation'
# --explain shows the part, pair by pair; not with --rank bm25
"$NG" search -i ix --explain -k 1 --no-snippets 'astana declaration summit'
"$NG" search -i ix --explain -k 1 --no-snippets --rank bm25 'astana declaration summit'
# one word: nothing to pair, plain BM25
"$NG" search -i ix --trec one -k 2 'astana'
"$NG" search -i ix --trec one -k 2 --rank bm25 'astana'
st "$NG" search -i ix --rank tfidf astana
st "$NG" search -i ix --prox-window 0 astana
st "$NG" search -i ix --prox-weight -1 astana
st "$NG" search -i ix --prox-weight 0 astana
