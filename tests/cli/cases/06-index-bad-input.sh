# bad lines are reported as FILE:LINE and skipped; the rest is committed; exit 2
. "$ROOT/tests/cli/lib.sh"
cat > bad.jsonl <<'JSON'
{"id":"a1","title":"Good one","body":"The summit in Astana ended."}
{"id":"a2","title":"broken" "body":"x"}
{"title":"no id here","body":"text"}

{"id":"a3","title":"Third","body":"More text","date":"17 June 2025"}
{"id":"a4","title":"Odd date","body":"text","date":"sometime"}
not json at all
{"id":"a5","title":"Unterminated
{"id":"a6","title":"trailing"} extra
{"id":"a7","title":"Bad escape \q","body":"x"}
JSON
# invalid UTF-8 is not an error (the analyzer copes); escapes and surrogate pairs decode
printf '{"id":"a8","title":"Invalid UTF-8 \xff\xfe is fine","body":"caf\\u00e9 \\ud83d\\ude00 \\ud800 lone"}\n' >> bad.jsonl
"$NG" index -i ix bad.jsonl missing.jsonl > out.txt 2> err.txt
echo "[exit $?]"
cat out.txt
mask_time < err.txt
"$NG" search -i ix --ids "summit OR third OR odd OR cafe"
"$NG" show -i ix --json a4
"$NG" show -i ix a3
"$NG" show -i ix --json a8
"$NG" search -i ix --ids cafe
