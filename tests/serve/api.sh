#!/usr/bin/env bash
# The JSON API of `newsgrep serve`, with curl: every endpoint, every error,
# the security headers, and a commit picked up without a restart.
#   NG=build/newsgrep ROOT=. tests/serve/api.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need curl
TMPDIR=$(mktemp -d); trap 'stop_server; rm -rf "$TMPDIR"' EXIT
IX=$TMPDIR/ix
"$NG" index -i "$IX" "$ROOT/data/articles.jsonl" 2>/dev/null || { echo "FAIL index"; exit 1; }
start_server "$TMPDIR/log" -i "$IX" --threads 2

# ---- /api/search
expect "search: hits as search --json, total, time" 200 "/api/search?q=treaty&k=2" \
  '"query":"treaty","total":3,"offset":0,"k":2,"count":2,"took_ms":' \
  '"hits":[{"id":"ng-030","score":3.645851,"title":"Kyrgyzstan and Tajikistan sign border treaty' \
  '"highlights":[[47,53]]'
want=$("$NG" search -i "$IX" --json -k 2 treaty | tr '\n' ',' | sed 's/,$//')
case "$BODY" in *"\"hits\":[$want]}"*) ok "search: hits equal search --json" ;;
  *) fail "search: hits equal search --json" "want: ${want:0:200}" "body: ${BODY:0:300}" ;; esac
expect "search: offset pages" 200 "/api/search?q=said&k=5&offset=10" '"total":16' '"offset":10' '"count":5'
expect "search: offset past the end" 200 "/api/search?q=said&offset=100" '"total":16' '"count":0,' '"hits":[]'
expect "search: sort by date" 200 "/api/search?q=said&sort=date&k=1&fields=date" '"hits":[{"date":"2025-06-24"}]'
expect "search: fields" 200 "/api/search?q=treaty&k=1&fields=id,title" '"hits":[{"id":"ng-030","title":"Kyrgyzstan'
lacks "search: fields leave out the rest" '"snippet"'
expect "search: since/until" 200 "/api/search?q=said&since=2025-06&until=2025-06-30" '"total":7'
expect "search: all=1" 200 "/api/search?q=treaty+said&all=1" "\"total\":$("$NG" count -i "$IX" --all treaty said),"
expect "search: no match" 200 "/api/search?q=zzyzx" '"total":0' '"hits":[]'
expect "search: default rank, proximity" 200 "/api/search?q=interest+rates+inflation&k=1&fields=id,score" \
  '"hits":[{"id":"ng-004","score":10.575883}]'
expect "search: rank=bm25" 200 "/api/search?q=interest+rates+inflation&k=1&fields=id,score&rank=bm25" \
  '"hits":[{"id":"ng-004","score":9.89063}]'
expect "search: prefix warning free" 200 "/api/search?q=trea*&k=1" '"total":'
expect "search: stopwords only warn" 200 "/api/search?q=the" '"warning":'
expect "search: collapse=1 lists similar ids" 200 "/api/search?q=treaty&k=2&fields=id&collapse=1" \
  '"hits":[{"id":"ng-030","similar":[]}'
expect "error: collapse" 400 "/api/search?q=x&collapse=yes" "collapse: '0' or '1', not 'yes'"
expect "timeline: collapse=1" 200 "/api/timeline?q=said&by=month&collapse=1" '"total":16'

# ---- search errors: 400 with the command's messages
expect "error: missing q" 400 "/api/search" '{"error":"missing QUERY (q=)"}'
expect "error: empty q" 400 "/api/search?q=" '"error":"missing QUERY (q=)"'
expect "error: syntax, with position" 400 "/api/search?q=a+AND+(b" '"error":"query: unclosed parenthesis at position 6","position":6'
"$NG" search -i "$IX" 'a AND (b' 2>"$TMPDIR/cmd.err"
case "$(head -1 "$TMPDIR/cmd.err")" in "newsgrep: query: unclosed parenthesis at position 6") ok "error: same message as the command" ;;
  *) fail "error: same message as the command" "$(head -1 "$TMPDIR/cmd.err")" ;; esac
expect "error: unknown field" 400 "/api/search?q=nofield:x" '"error":"query: ' '"position":0'
long=$(head -c 2100 /dev/zero | tr '\0' 'a')
expect "error: q too long" 400 "/api/search?q=$long" '"error":"q: 2100 bytes, the limit is 2048"'
expect "error: k=0" 400 "/api/search?q=x&k=0" '"error":"k needs a positive number, not '"'0'"'"'
expect "error: k=abc" 400 "/api/search?q=x&k=abc" "k needs a positive number, not 'abc'"
expect "error: k too big" 400 "/api/search?q=x&k=101" '"error":"k: at most 100, not 101"'
expect "error: offset negative" 400 "/api/search?q=x&offset=-1" "offset needs a non-negative number, not '-1'"
expect "error: offset too big" 400 "/api/search?q=x&offset=10001" '"error":"offset: at most 10000, not 10001"'
expect "error: since not a date" 400 "/api/search?q=x&since=2025-13" "\"error\":\"since '2025-13': not a date:" '"position":'
expect "error: until not a date" 400 "/api/search?q=x&until=2025-02-30" "until '2025-02-30': not a date: "
expect "error: sort" 400 "/api/search?q=x&sort=size" "\"error\":\"sort: 'score' or 'date', not 'size'\""
expect "error: rank" 400 "/api/search?q=x&rank=tfidf" "\"error\":\"rank: 'proximity' or 'bm25', not 'tfidf'\""
expect "error: fields" 400 "/api/search?q=x&fields=id,body" "fields: unknown field 'body'"
expect "error: all" 400 "/api/search?q=x&all=yes" "all: '0' or '1', not 'yes'"
expect "error: unknown parameter" 400 "/api/search?q=x&sicne=2025" "\"error\":\"unknown parameter 'sicne'\""
expect "error: parameter twice" 400 "/api/search?q=x&q=y" "parameter 'q' given twice"
expect "error: NUL in a parameter" 400 "/api/search?q=a%00b" "q: contains a NUL byte"
many=$(for i in $(seq 17); do printf 'p%d=1&' "$i"; done)
expect "error: too many parameters" 400 "/api/search?${many}q=x" '"error":"too many parameters"'

# ---- /api/timeline
expect "timeline: buckets" 200 "/api/timeline?q=said&by=month" '"by":"month","total":16' \
  '{"period":"2025-03-01","count":1},{"period":"2025-04-01","count":0}' '{"period":"2025-06-01","count":7}'
expect "timeline: default by month, since" 200 "/api/timeline?q=said&since=2025-06" '"by":"month"' '"buckets":[{"period":"2025-06-01","count":7}]'
expect "timeline: by year" 200 "/api/timeline?q=said&by=year" '"buckets":[{"period":"2024-01-01","count":6},{"period":"2025-01-01","count":10}]'
expect "timeline error: missing q" 400 "/api/timeline?by=day" "missing QUERY"
expect "timeline error: by" 400 "/api/timeline?q=x&by=hour" "by: day, week, month or year, not 'hour'"
expect "timeline error: query" 400 "/api/timeline?q=%22open" '"error":"query: ' '"position":'
expect "timeline error: date" 400 "/api/timeline?q=x&until=soon" "until 'soon': not a date"
expect "timeline error: unknown parameter" 400 "/api/timeline?q=x&k=3" "unknown parameter 'k'"

# ---- /api/doc/ID
expect "doc: as show --json" 200 "/api/doc/ng-030" "$("$NG" show -i "$IX" --json ng-030)"
expect "doc: not found" 404 "/api/doc/ng-999" "\"error\":\"no document with id 'ng-999'\""
expect "doc: missing id" 400 "/api/doc/" '"error":"missing ID (/api/doc/ID)"'
longid=$(head -c 1100 /dev/zero | tr '\0' 'x')
expect "doc: id too long" 400 "/api/doc/$longid" "the id is 1100 bytes, the limit is 1024"
expect "doc: parameters refused" 400 "/api/doc/ng-030?x=1" "unknown parameter 'x'"

# ---- /api/stats, /healthz
expect "stats: as stats --json" 200 "/api/stats" '{"documents":31,"deleted":0,' '"language":"english","indexes":["'
expect "healthz" 200 "/healthz" '{"status":"ok","reopens":0}'
expect "stats: parameters refused" 400 "/api/stats?x=1" "unknown parameter 'x'"

# ---- routes, methods, headers
expect "unknown endpoint" 404 "/api/nope" '"error":"no such endpoint: /api/nope"'
expect "unknown page" 404 "/nope.html" '"error":"not found: /nope.html"'
CURLX=(-X POST); expect "POST refused" 405 "/api/search?q=x" "method POST not allowed"
CURLX=(-X DELETE); expect "DELETE refused" 405 "/api/doc/ng-030" "not allowed"
CURLX=(-X POST --data abc); expect "POST with a body refused" 405 "/api/search?q=x" "not allowed"
CURLX=(-X GET --data abc); expect "a GET body refused" 413 "/api/search?q=x" "a request body is not accepted"
CURLX=()
curl -sI "$URL/api/search?q=x" >"$TMPDIR/h"
for h in "Content-Security-Policy: default-src 'none'; script-src 'self'" "X-Content-Type-Options: nosniff" \
         "Content-Type: application/json; charset=utf-8" "Cache-Control: no-store" "X-Frame-Options: DENY"; do
  if tr -d '\r' <"$TMPDIR/h" | grep -qF "$h"; then ok "header: ${h%%:*}"; else fail "header: $h" "$(cat "$TMPDIR/h")"; fi
done
curl -sI -X POST "$URL/" | tr -d '\r' | grep -q '^Allow: GET, HEAD$' && ok "405 names the methods" || fail "405 names the methods"
expect "page: /" 200 "/" "<!doctype html>"
curl -sI "$URL/" | tr -d '\r' | grep -q "^Content-Type: text/html; charset=utf-8$" && ok "page: content type" || fail "page: content type"
[ "$(curl -s -I "$URL/" | tr -d '\r' | grep -c 'Content-Security-Policy')" = 1 ] && ok "page: CSP" || fail "page: CSP"

# ---- a commit is picked up without a restart; merge while answering
printf '{"id":"late-1","title":"Zanzibar spice harvest","date":"2025-07-01","body":"Zanzibar cloves."}\n' >"$TMPDIR/late.jsonl"
expect "before the commit" 200 "/api/search?q=zanzibar" '"total":0'
"$NG" index -i "$IX" "$TMPDIR/late.jsonl" 2>/dev/null
expect "after the commit" 200 "/api/search?q=zanzibar" '"total":1' '"id":"late-1"'
expect "healthz counts the reopen" 200 "/healthz" '"reopens":1'
( for i in $(seq 40); do curl -s -o /dev/null -w '%{http_code}\n' "$URL/api/search?q=said&k=3"; done >"$TMPDIR/codes" ) &
loop=$!
for i in 1 2 3; do "$NG" index -i "$IX" "$TMPDIR/late.jsonl" 2>/dev/null; "$NG" merge -i "$IX" >/dev/null; done
wait $loop
if [ "$(sort -u "$TMPDIR/codes")" = 200 ]; then ok "answers during index and merge"; else fail "answers during index and merge" "$(sort "$TMPDIR/codes" | uniq -c)"; fi
expect "the last commit served" 200 "/api/stats" '"documents":32'

# ---- a damaged commit: the previous snapshot keeps answering, once logged
cp "$IX/MANIFEST" "$TMPDIR/manifest.good"
printf 'not a manifest' >"$TMPDIR/manifest.bad" && mv "$TMPDIR/manifest.bad" "$IX/MANIFEST"
expect "damaged MANIFEST: still answering" 200 "/api/search?q=zanzibar" '"total":1'
expect "damaged MANIFEST: healthz says why" 200 "/healthz" '"status":"ok"' '"reopen_error":"'
sleep 0.6; curl -s -o /dev/null "$URL/healthz"
n=$(grep -c "reopen failed, still serving the previous commit" "$TMPDIR/log")
[ "$n" = 1 ] && ok "damaged MANIFEST: logged once" || fail "damaged MANIFEST: logged once" "$n times: $(cat "$TMPDIR/log")"
cp "$TMPDIR/manifest.good" "$TMPDIR/manifest.new" && mv "$TMPDIR/manifest.new" "$IX/MANIFEST"
sleep 0.6
expect "repaired MANIFEST: reopened" 200 "/healthz" '"status":"ok"'
lacks "repaired MANIFEST: no error left" 'reopen_error'

stop_server && ok "stops cleanly on SIGTERM" || fail "stops cleanly on SIGTERM"
grep -q "newsgrep: serve: stopped" "$TMPDIR/log" && ok "says it stopped" || fail "says it stopped" "$(cat "$TMPDIR/log")"

# ---- start-up errors
"$NG" serve -i "$TMPDIR/none" --listen 127.0.0.1:0 2>"$TMPDIR/e"; rc=$?
[ $rc = 2 ] && grep -q "no index here" "$TMPDIR/e" && ok "no index: exit 2" || fail "no index: exit 2" "rc=$rc $(cat "$TMPDIR/e")"
"$NG" serve -i "$IX" --listen localhost 2>"$TMPDIR/e"; rc=$?
[ $rc = 2 ] && grep -q -- "--listen: ADDRESS:PORT" "$TMPDIR/e" && ok "bad --listen: exit 2" || fail "bad --listen" "rc=$rc $(cat "$TMPDIR/e")"
"$NG" serve -i "$IX" --threads 0 2>"$TMPDIR/e"; rc=$?
[ $rc = 2 ] && grep -q -- "--threads: 1 to 256" "$TMPDIR/e" && ok "bad --threads: exit 2" || fail "bad --threads" "rc=$rc $(cat "$TMPDIR/e")"

# ---- several indexes as one (-i repeated, or $NEWSGREP_INDEX with colons)
IX2=$TMPDIR/ix2
"$NG" index -i "$IX2" "$ROOT/data/html" 2>/dev/null
start_server "$TMPDIR/log2" -i "$IX" -i "$IX2" --threads 2
grep -q "2 indexes" "$TMPDIR/log2" && ok "two indexes: started" || fail "two indexes: started" "$(cat "$TMPDIR/log2")"
n1=$("$NG" count -i "$IX" said); n2=$("$NG" count -i "$IX2" said)
expect "two indexes: one search" 200 "/api/search?q=said&k=1" "\"total\":$((n1 + n2)),"
id2=$("$NG" search -i "$IX2" --ids -k 1 said)
# the id escaped as the page escapes it (encodeURIComponent): with a
# relative ROOT it starts with "./", which curl would drop from a raw path
expect "two indexes: a document of the second" 200 "/api/doc/$(printf %s "$id2" | sed "s/%/%25/g; s/#/%23/g; s/?/%3F/g; s,/,%2F,g")" '"title":'
expect "two indexes: stats" 200 "/api/stats" "\"indexes\":[\"$IX\",\"$IX2\"]"
printf '{"id":"late-2","title":"Zanzibar again","date":"2025-07-02","body":"Zanzibar."}\n' >"$TMPDIR/late2.jsonl"
"$NG" index -i "$IX2" "$TMPDIR/late2.jsonl" 2>/dev/null
expect "two indexes: a commit to the second picked up" 200 "/api/search?q=zanzibar" '"total":2'
stop_server
NEWSGREP_INDEX="$IX:$IX2" start_server "$TMPDIR/log3"
expect "NEWSGREP_INDEX with colons" 200 "/api/stats" "\"indexes\":[\"$IX\",\"$IX2\"]"
stop_server
"$NG" serve -i "$IX" -i "$IX" --listen 127.0.0.1:0 2>"$TMPDIR/e"; rc=$?
[ $rc = 2 ] && grep -q "ids must be unique" "$TMPDIR/e" && ok "the same index twice: refused" || fail "the same index twice" "rc=$rc $(cat "$TMPDIR/e")"
finish
