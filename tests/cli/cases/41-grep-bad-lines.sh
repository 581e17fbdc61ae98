# grep-style search reports every malformed JSONL line, also those that
# hold no word of the query (each line is parsed before the query's words
# are looked for: every document's length counts in BM25), lists the
# matches of the good lines and exits 2
. "$ROOT/tests/cli/lib.sh"
printf '%s\n' '{"id":"1","title":"Oil prices","body":"Oil prices rose."}' \
  '{"id":"2","title":"broken", "body": "no zeppelin here' \
  '{"id":"3","title":"Zeppelin","body":"A zeppelin flew over oil fields."}' \
  'not json at all' '{"id":"5","title":"Wheat","body":"Wheat \u00e9t\u00e9 harvest"}' > bad.jsonl
st "$NG" --no-snippets oil bad.jsonl
st "$NG" --no-snippets zzzz bad.jsonl
st "$NG" --count wheat bad.jsonl
