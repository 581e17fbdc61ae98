# Every input kind in every encoding the readers meet, read through the
# library's ng_text_to_utf8 (the command had its own copy of the rules,
# with iconv, until 0.5): UTF-8, UTF-8 with a byte order mark, Windows-1252
# (with the C1 quotes and euro, and an undefined byte), Latin-1, UTF-8 with
# one damaged byte (stays UTF-8, the byte kept), binary (skipped), JSONL
# with lines of each encoding, gzip, Markdown, stdin. The stored bytes are
# shown exactly (od) and as JSON (invalid bytes and NUL as U+FFFD), the index is searched for the converted words.
. "$ROOT/tests/cli/lib.sh"
mkdir in
printf 'Caf\xc3\xa9 cr\xc3\xa8me\nThe caf\xc3\xa9 on the Stra\xc3\x9fe.\n' > in/utf8.txt
printf '\xef\xbb\xbfBOM title \xc3\xa9t\xc3\xa9\nBody of the BOM file, na\xc3\xafve.\n' > in/bom.txt
printf '\xef\xbb\xbf# Marked \xc3\xa9t\xc3\xa9\n\nSome **bold** words.\n' > in/bom.md
printf '\x93Quoted\x94 caf\xe9\nPrice 5 \x80, odd \x81 byte, na\xefve \x96 dash.\n' > in/cp1252.txt
printf 'Gar\xe7on fran\xe7ais\nZ\xfcrich und M\xfcnchen, gro\xdfe Stra\xdfe.\n' > in/latin1.txt
printf 'Caf\xc3\xa9 cr\xc3\xa8me \xc3\xa0 la gr\xc3\xa8ve\nOne bad byte \xff in \xc3\xa9t\xc3\xa9 text.\n' > in/damaged.txt
printf 'hello\0world\0\1\2\3\xe9\xff' > in/data.bin
printf 'Gzip caf\xe9\nZipped na\xefve text.\n' | gzip -n > in/gz.txt.gz
{
  printf '\xef\xbb\xbf{"id":"j-bom","title":"BOM line caf\xc3\xa9","body":"first"}\n'
  printf '{"id":"j-utf8","title":"Stra\xc3\x9fe","body":"na\xc3\xafve"}\n'
  printf '{"id":"j-cp1252","title":"\x93Caf\xe9\x94","body":"5 \x80 cr\xe8me"}\n'
  printf '{"id":"j-latin1","title":"M\xfcnchen","body":"gro\xdfe"}\n'
  printf '{"id":"j-damaged","title":"caf\xc3\xa9 \xc3\xa9t\xc3\xa9 \xc3\xa0 \xff","body":"x"}\n'
  printf '{"id":"j-nul","title":"nul","body":"a\\u0000b"}\n'
} > in/mixed.jsonl
"$NG" index -i ix in 2>&1 | mask_time
printf 'Stdin caf\xe9\nFrom the pipe, cr\xe8me.\n' | "$NG" index -i ix --format text - 2>&1 | mask_time
for id in in/utf8.txt in/bom.txt in/bom.md in/cp1252.txt in/latin1.txt in/damaged.txt \
          in/gz.txt.gz j-bom j-utf8 j-cp1252 j-latin1 j-damaged stdin; do
  echo "== $id"
  "$NG" show -i ix "$id" | od -An -c | sed 's/ *$//'
done
# JSON output: invalid bytes and NUL as U+FFFD
"$NG" show -i ix --json j-damaged
"$NG" show -i ix --json j-nul
for q in cafe creme strasse naive munchen grosse zurich garcon ete quoted; do
  echo "== $q: $("$NG" search -i ix --ids "$q" | sort | tr '\n' ' ')"
done
"$NG" extract --json in/cp1252.txt in/latin1.txt in/bom.txt
