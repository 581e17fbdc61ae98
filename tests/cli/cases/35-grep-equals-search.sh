# grep-style search keeps only the documents with a query word, yet ranks
# and scores exactly like an index of every document (same titles, same
# scores, same order), for words, phrases, prefixes, fields and NOT
. "$ROOT/tests/cli/lib.sh"
"$NG" index -q -i ix "$DATA/articles.jsonl"
ranked() { grep -o '"score":[^,]*,"title":"[^"]*"'; }
for q in 'summit water' '"Astana Declaration"' 'neighbo*' 'title:china -chips' \
         'oil AND prices' 'kazakh* OR "green energy"' 'the of'; do
  a=$("$NG" search -i ix --json -k 10 "$q" | ranked)
  b=$("$NG" --json -k 10 "$q" "$DATA/articles.jsonl" | ranked)
  n=$(printf '%s' "$a" | grep -c score)
  if [ "$a" = "$b" ]; then echo "same: $q ($n results)"; else echo "DIFFER: $q"; diff <(echo "$a") <(echo "$b"); fi
done
