# --trec TAG, --ids, -l, -k
. "$ROOT/tests/cli/lib.sh"
mkindex
"$NG" search -i ix --trec myrun -k 5 'interest rates inflation'
"$NG" search -i ix --ids -k 3 'interest rates inflation'
"$NG" search -i ix -l -k 3 'interest rates inflation'
st "$NG" search -i ix --json --ids x
# BM25 parameters per query change the scores (not the matching set)
"$NG" search -i ix --trec k1b -k 3 --k1 1.2 --b 0.75 'interest rates inflation'
st "$NG" search -i ix --b 1.5 x
