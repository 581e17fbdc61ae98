# Issue 12's fixture as HTML: the scraped page (../shared/fixtures) rebuilt
# with a top bar, section labels, two stories (the second's headline after
# its body), a "Recommended Articles" box with a Venezuela link, and a
# footer. Each story is a document of its own, titled by its headline; the
# Astana story is dated 2025-06-18 and does not match "Venezuela"; no
# chrome in either body.
. "$ROOT/tests/cli/lib.sh"
fx="$ROOT/../shared/fixtures/scraped-news-page.txt"
[ -f "$fx" ] || fx="/work/shared/fixtures/scraped-news-page.txt"
awk -v q="'" '
  function esc(s) { gsub(/&/, "\\&amp;", s); gsub(/</, "\\&lt;", s); return s }
  NF == 0 { next }
  NR == 1 { print "<html><head><title>" "News" "</title></head><body><div class=\"top-bar\">" esc($0) "</div>"; next }
  !h1 { h1 = $0; print "<div class=\"content\"><article><h1>" esc($0) "</h1>"; next }
  $0 == "China" { print "<a class=\"section\" href=\"/china\">China</a>"; next }
  $0 == h1 && !dated { next }
  /^2025-06-18/ { dated = 1; print "<p class=\"date\">" esc($0) "</p>"; next }
  $0 == h1 && dated && !second { second = 1; print "</article><article>"; next }
  /^Recommended Articles/ { print "</article></div><div class=\"recommend\"><h3>Recommended Articles</h3><ul><li><a href=\"/v\">" esc(last) "</a></li><li><a href=\"/c\">" esc(h1) "</a></li></ul></div><div class=\"footer\">Contact us | Privacy</div></body></html>"; next }
  second && $0 == last { next }
  second && length($0) < 90 && $0 ~ /Venezuela/ && !/\.$/ { print "<h2>" esc($0) "</h2>"; last = $0; next }
  { print "<p>" esc($0) "</p>" }
' "$fx" > page.html
"$NG" extract --json page.html > out.jsonl; echo "[exit $?]"
echo "documents: $(wc -l < out.jsonl)"
python3 - <<'PY'
import json
docs = [json.loads(l) for l in open('out.jsonl')]
for d in docs:
    b = d.get('body', '')
    print(repr(d.get('title')), d.get('date'),
          'Venezuela' in b, any(w in b for w in ('Skip to Content', 'Recommended Articles', 'Contact us', 'Feature Image')),
          len(b.split('\n')))
PY
