# HTML extraction: og:title, <title> minus site suffix, <h1>; dates; boilerplate dropped;
# two <article>s on one page = two documents; entities; a windows-1252 page
. "$ROOT/tests/cli/lib.sh"
for f in "$DATA"/html/*.html; do
  echo "== $(basename "$f")"
  "$NG" index --dry-run --format html "$f" | sed "s|$DATA/html/||g"
done
