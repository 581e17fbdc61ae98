# check: exit 0 intact; a damaged file is named and the exit status is 2
. "$ROOT/tests/cli/lib.sh"
mkindex
st "$NG" check -i ix
# flip bytes in the middle of every segment file
for f in ix/*; do
  case "$(basename "$f")" in LOCK|MANIFEST*) continue ;; esac
  size=$(stat -c %s "$f")
  printf '\xde\xad\xbe\xef' | dd of="$f" bs=1 seek=$((size / 2)) conv=notrunc 2>/dev/null
done
"$NG" check -i ix 2> err.txt
echo "[exit $?]"
grep -c '^newsgrep: check: ix: .*\(corrupt\|checksum\|damaged\)' err.txt
# a truncated manifest
mkindex_fresh() { rm -rf ix2; "$NG" index -q -i ix2 "$DATA/articles.jsonl"; }
mkindex_fresh
for f in ix2/MANIFEST*; do : > "$f"; done
"$NG" search -i ix2 astana > /dev/null 2> err2.txt
echo "[exit $?]"
grep -c '^newsgrep: ix2' err2.txt
