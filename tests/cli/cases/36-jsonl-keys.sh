# JSONL exports with other key names are searchable; keys are checked
. "$ROOT/tests/cli/lib.sh"
# common news-export names: headline, content, url, published
cat > export.jsonl <<'JSON'
{"url":"https://example.com/a","headline":"Wheat harvest record","content":"Farmers report a record wheat harvest.","published":"2025-06-17T10:00:00Z","source":"Example Wire"}
{"url":"https://example.com/b","headline":"Oil prices","text":"Oil prices fell.","publishedAt":"June 18, 2025"}
JSON
st "$NG" index -q -i ix export.jsonl
"$NG" search -i ix --ids wheat
"$NG" search -i ix --ids --since 2025-06-18 oil
"$NG" show -i ix --json https://example.com/a
# --source-field gives the source role (search --json shows it)
"$NG" index -q -i ix2 --source-field source export.jsonl
"$NG" search -i ix2 --json wheat | grep -o '"source":"[^"]*"'
# a file whose documents have no text under any known key: said once, with its keys
printf '{"id":"1","hed":"Wheat","copy":"wheat text"}\n{"id":"2","hed":"Oil","copy":"oil text"}\n' > odd.jsonl
st "$NG" index -i ix3 odd.jsonl 2>&1 | mask_time
st "$NG" index -q -i ix3 --title-field hed --body-field copy odd.jsonl
"$NG" search -i ix3 --ids wheat
# keys: NUL and empty keys are refused, a BOM on the first line is not
printf '\xEF\xBB\xBF{"id":"b1","title":"bom first line"}\n' > bom.jsonl
printf '{"id":"k1","bo\\u0000dy":"x"}\n{"id":"k2","":"x"}\n{"id":"k3","body":"x","body":"y"}\n' >> bom.jsonl
st "$NG" index -i ix4 bom.jsonl 2>&1 | mask_time
# grep mode: no id needed, documents are PATH:LINE
printf '{"headline":"Wheat again","content":"more wheat"}\n{"headline":"Oil","content":"oil"}\n' > noid.jsonl
st "$NG" --ids wheat noid.jsonl
