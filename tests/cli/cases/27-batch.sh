# batch mode: --queries FILE.tsv --trec TAG, --warmup, --latency qid<TAB>ms<TAB>returned<TAB>total
. "$ROOT/tests/cli/lib.sh"
mkindex
printf '1\tastana declaration\n2\tinterest rates\n\n3\t"new york"\n4\tzzzqqq\n' > q.tsv
st "$NG" search -i ix --queries q.tsv --trec tag -k 3 --warmup 2 --latency lat.tsv
awk -F'\t' '{ ok = ($2 ~ /^[0-9]+\.[0-9]+$/) ? "ms-ok" : "ms-BAD"; print $1, ok, $3, $4 }' lat.tsv
"$NG" search -i ix --queries q.tsv --trec tag -k 2 --all
printf '1\tastana\nbroken line\n2\t"unclosed\n' > bad.tsv
st "$NG" search -i ix --queries bad.tsv --trec t
