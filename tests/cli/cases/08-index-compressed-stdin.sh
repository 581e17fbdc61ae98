# .gz and .zst (also --long=31) inputs, and stdin (JSONL and text)
. "$ROOT/tests/cli/lib.sh"
gzip -c "$DATA/articles.jsonl" > a.jsonl.gz
zstd -q --long=31 -c "$DATA/articles.jsonl" > b.jsonl.zst
"$NG" index -q -i gz a.jsonl.gz; echo "[gz exit $?]"
"$NG" index -q -i zst b.jsonl.zst; echo "[zst exit $?]"
"$NG" count -i gz '"Astana Declaration"'
"$NG" count -i zst '"Astana Declaration"'
cat b.jsonl.zst | "$NG" index -q -i stdin -; echo "[stdin zst exit $?]"
printf 'Notes from Astana\nThe declaration was signed on Tuesday.\n' | "$NG" index -q -i stdin -
"$NG" show -i stdin stdin
"$NG" count -i stdin astana
printf 'truncated' | gzip -c | head -c 20 > broken.txt.gz
st "$NG" index -q -i broken broken.txt.gz
