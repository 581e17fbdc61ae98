# A batch query over the limit of 256 terms (a test collection's long query
# in an index without stopwords, e.g. cisi 90) is reported on one line with
# its id and skipped; the batch goes on and exits 2 at the end. The library
# used to accept it in plain mode and refuse it at search ("invalid
# argument", no id).
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q --no-stop -i ix "$DATA/articles.jsonl"
{
  printf '1\tastana declaration\n'
  printf '90\tthe'; for i in $(seq 1 300); do printf ' w%d' "$i"; done; printf '\n'
  printf '3\tinterest rates\n'
} > q.tsv
st "$NG" search -i ix --queries q.tsv --trec tag -k 2 --latency lat.tsv
cut -f1 lat.tsv
