#!/usr/bin/env bash
# The search page in a real browser: headless Chromium loads the page with
# a query, runs its scripts, and the test reads the rendered DOM (titles,
# highlights, paging, the timeline, errors, and documents holding HTML
# shown as text, not run).
#   NG=build/newsgrep ROOT=. tests/serve/browser.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need curl chromium
TMPDIR=$(mktemp -d); trap 'stop_server; rm -rf "$TMPDIR"' EXIT
IX=$TMPDIR/ix
cat >"$TMPDIR/xss.jsonl" <<'JSONL'
{"id":"xss-1","title":"<script>document.body.setAttribute('data-pwned','title')</script>Zebra <b>bold</b> crossing","date":"2025-05-02","body":"Zebra herds <img src=x onerror=\"document.body.setAttribute('data-pwned','img')\"> cross </p><script>document.body.setAttribute('data-pwned','body')</script> the river."}
{"id":"<img src=x onerror=alert(1)>","title":"Zebra id with markup","date":"2025-05-03","body":"Zebra stripes."}
JSONL
"$NG" index -i "$IX" "$ROOT/data/articles.jsonl" "$TMPDIR/xss.jsonl" 2>/dev/null || { echo "FAIL index"; exit 1; }
start_server "$TMPDIR/log" -i "$IX" --threads 2

# dom PATH: the page's DOM after its scripts ran, into $DOM
dom() {
  local profile; profile=$(mktemp -d "$TMPDIR/chrome.XXXXXX")
  DOM=$(timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --virtual-time-budget=5000 --dump-dom "$URL$1" 2>/dev/null)
  rm -rf "$profile"
}
has() {  # has NAME TEXT...: every TEXT in $DOM
  local name=$1; shift
  for t in "$@"; do
    case "$DOM" in *"$t"*) ;; *) fail "$name" "DOM lacks: $t" "DOM: $(echo "$DOM" | grep -o '<main.*' | head -c 400)"; return ;; esac
  done
  ok "$name"
}
count() { printf '%s' "$DOM" | grep -o "$1" | wc -l; }
same() {  # same NAME GOT WANT
  if [ "$2" = "$3" ]; then ok "$1"; else fail "$1" "got '$2', expected '$3'"; fi
}

# A person's way: load /, type a query in the box, press Enter (DevTools
# protocol, tests/serve/cdp_type.py).
if command -v python3 >/dev/null 2>&1; then
  DOM=$(timeout 90 python3 "$here/cdp_type.py" "$URL/" 'treaty "border"' 2>&1)
  has "typed query: the address" "$URL/?q=treaty+%22border%22"
  has "typed query: results" "Results 1–4 of 4 matching documents" '<mark>treaty</mark>' '<mark>border</mark>'
  has "typed query: the timeline" '<rect x="'
else
  echo "SKIP typing a query: python3 is not installed (make deps installs it)"
fi

dom "/?q=said"
has "page ran its scripts" '<body data-ready="1">'
same "ten results" "$(count '<li class="hit">')" 10
first=$("$NG" search -i "$IX" --json -k 1 said | sed 's/.*"title":"\([^"]*\)".*/\1/')
has "titles link to the article" "<a class=\"title\" href=\"/article?id=ng-023\">$first</a>"
spans=$(curl -s "$URL/api/search?q=said" | grep -o '\[[0-9]*,[0-9]*\]' | wc -l)
same "highlights: a <mark> per span" "$(count '<mark>said</mark>')" "$spans"
has "summary" "Results 1–10 of 16 matching documents ("
has "next page link" '<a id="next" rel="next" href="/?q=said&amp;offset=10">'
has "no previous page" '<a id="prev" rel="prev" hidden="">'
has "the query in the box and the title" 'value="said"' '<title>said · newsgrep</title>'
buckets=$(curl -s "$URL/api/timeline?q=said" | grep -o '"period"' | wc -l)
same "timeline: a bar per bucket" "$(count '<rect ')" "$buckets"
has "timeline: counts" 'data-period="2025-06-01" data-count="7"' '<title>2025-06: 7 documents</title>'
has "timeline: a bar links to its period" 'href="/?q=said&amp;since=2025-06&amp;until=2025-06"'
has "timeline: axis" '<span id="axis-first">2024-07</span><span id="axis-last">2025-06</span>'

dom "/?q=said&offset=10"
has "page 2: summary" "Results 11–16 of 16 matching documents"
same "page 2: six results" "$(count '<li class="hit">')" 6
has "page 2: previous page link" '<a id="prev" rel="prev" href="/?q=said">'
has "page 2: no next page" '<a id="next" rel="next" hidden="">'

dom "/?q=said&since=2025-06&sort=date&by=year"
has "date filter" "of 7 matching documents"
has "sort by date: newest first" "$(printf '2025-06-24 · ')"
has "filters kept in the form" 'value="2025-06"'
has "timeline by year" 'Matching documents by year (7 with a date)'

dom "/?q=a+AND+(b"
has "query error shown" '<p id="error-text">query: unclosed parenthesis at position 6</p>' \
  "$(printf 'a AND (b\n      ^')"
same "query error: no results" "$(count '<li class="hit">')" 0

dom "/?q=zebra"
has "markup in a title is text" '&lt;script&gt;document.body.setAttribute(' '&lt;b&gt;bold&lt;/b&gt; crossing'
has "markup in a snippet is text" '&lt;img src=x onerror='
has "markup in an id is text" "$(printf '2025-05-03 · &lt;img src=x onerror=alert(1)&gt;')"
case "$DOM" in *'data-pwned="'*) fail "no script from a document ran" "$(echo "$DOM" | grep -o '<body[^>]*>')" ;; *) ok "no script from a document ran" ;; esac
same "no element from a document" "$(count '<b>bold')$(count '<img')" "00"

dom "/article?id=xss-1"
has "article page" '<body data-ready="1">' '<h1 id="title">&lt;script&gt;' '&lt;/p&gt;&lt;script&gt;'
case "$DOM" in *'data-pwned="'*) fail "article: no script ran" ;; *) ok "article: no script ran" ;; esac
dom "/article?id=%3Cimg%20src%3Dx%20onerror%3Dalert(1)%3E"
has "article by an id with markup" '<h1 id="title">Zebra id with markup</h1>'
dom "/article?id=nope"
has "article not found" "<p id=\"error-text\">no document with id 'nope'</p>"

# One screenshot, for the README (SHOT=FILE).
if [ -n "${SHOT:-}" ]; then
  profile=$(mktemp -d "$TMPDIR/chrome.XXXXXX")
  timeout 60 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync --hide-scrollbars \
    --user-data-dir="$profile" --virtual-time-budget=5000 --window-size=900,620 \
    --screenshot="$SHOT" "$URL/?q=said&by=week" >/dev/null 2>&1
fi
finish
