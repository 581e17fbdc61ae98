#!/usr/bin/env bash
# Hostile input for `newsgrep serve`: huge and malformed requests, slow
# clients, path traversal in /api/doc/, query bombs and bytes that are not
# UTF-8. After each, the server must still answer /healthz at once.
#   NG=build/newsgrep ROOT=. tests/serve/hostile.sh
here=$(cd "$(dirname "$0")" && pwd)
. "$here/lib.sh"
need curl
TMPDIR=$(mktemp -d); trap 'stop_server; rm -rf "$TMPDIR"' EXIT
IX=$TMPDIR/ix
# two dates 8000 years apart: a timeline by day would have 2.9 million periods
printf '%s\n' '{"id":"old","title":"Ancient aardvark","date":"0001-01-01","body":"aardvark"}' \
  '{"id":"new","title":"Future aardvark","date":"8000-12-31","body":"aardvark"}' >"$TMPDIR/far.jsonl"
"$NG" index -i "$IX" "$ROOT/data/articles.jsonl" "$TMPDIR/far.jsonl" 2>/dev/null || { echo "FAIL index"; exit 1; }
start_server "$TMPDIR/log" -i "$IX" --threads 2 --timeout 2
PORT=${URL##*:}

alive() {  # alive NAME: /healthz answers within a second
  local code
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$URL/healthz")
  if [ "$code" = 200 ]; then ok "$1: still answering"; else fail "$1: still answering" "healthz: $code"; fi
}
raw() {  # raw BYTES: sends BYTES on a new connection, prints the status line
  timeout 5 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "%b" "$1" >&3; head -1 <&3 | tr -d "\r"' _ "$1" 2>/dev/null
}
status_in() {  # status_in NAME GOT WANT...: GOT is one of WANT
  local name=$1 got=$2; shift 2
  for w in "$@"; do [ "$got" = "$w" ] && { ok "$name ($got)"; return; }; done
  fail "$name" "status '$got', expected one of: $*"
}

# ---- huge requests: refused by size, nothing read beyond the bound
big=$(head -c 100000 /dev/zero | tr '\0' 'a')
status_in "a 100 kB URL" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/search?q=$big")" 414 431 400
status_in "a 100 kB header" "$(curl -s -o /dev/null -w '%{http_code}' -H "X-Big: $big" "$URL/healthz")" 431 400 413
hdrs=(); for i in $(seq 3000); do hdrs+=(-H "X-H$i: $i"); done
status_in "3000 headers" "$(curl -s -o /dev/null -w '%{http_code}' "${hdrs[@]}" "$URL/healthz")" 431 400 413
status_in "a 10 MB body" "$(head -c 10000000 /dev/zero | curl -s -o /dev/null -w '%{http_code}' -X GET --data-binary @- "$URL/api/search?q=x")" 413 000
alive "huge requests"

# ---- malformed requests
status_in "garbage request line" "$(raw 'GARBAGE\r\n\r\n')" "HTTP/1.1 400 Bad Request" "HTTP/1.0 400 Bad Request" ""
status_in "no URL" "$(raw 'GET\r\n\r\n')" "HTTP/1.1 400 Bad Request" "HTTP/1.0 400 Bad Request" ""
status_in "unknown HTTP version" "$(raw 'GET / HTTP/9.9\r\nHost: x\r\n\r\n')" "HTTP/1.1 505 HTTP Version Not Supported" "HTTP/1.1 400 Bad Request" ""
status_in "HTTP/1.1 without Host" "$(raw 'GET /healthz HTTP/1.1\r\n\r\n')" "HTTP/1.1 400 Bad Request" "HTTP/1.1 200 OK"
status_in "binary junk" "$(raw '\x00\x01\x02\xff\xfe\r\n\r\n')" "HTTP/1.1 400 Bad Request" "HTTP/1.0 400 Bad Request" ""
status_in "bad percent escapes" "$(curl -s -o /dev/null -w '%{http_code}' "$URL/api/search?q=%zz%4")" 200 400
status_in "a bad Content-Length" "$(raw 'GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: -5\r\n\r\n')" "HTTP/1.1 400 Bad Request" "HTTP/1.1 413 Content Too Large" "HTTP/1.1 413 Payload Too Large"
alive "malformed requests"

# ---- slow clients: one byte now and then does not hold a thread, and an
# idle connection is closed after --timeout (2 s here)
slow_pids=()
for i in $(seq 40); do
  ( exec 3<>/dev/tcp/127.0.0.1/"$PORT"; printf 'GET /healthz HTTP/1.1\r\nHo' >&3; exec sleep 8 ) 2>/dev/null &
  slow_pids+=($!)
done
sleep 0.3
t0=$(date +%s%N)
alive "40 slow clients"
ms=$(( ($(date +%s%N) - t0) / 1000000 ))
[ "$ms" -lt 1000 ] && ok "answered in ${ms} ms beside them" || fail "answered beside slow clients" "$ms ms"
t0=$(date +%s)
got=$(timeout 8 bash -c 'exec 3<>/dev/tcp/127.0.0.1/'"$PORT"'; printf "GET /healthz HTTP/1.1\r\nHo" >&3; cat <&3; echo EOF' 2>/dev/null)
dt=$(( $(date +%s) - t0 ))
if [ "$got" = "EOF" ] && [ "$dt" -le 5 ]; then ok "a stalled request is closed after the timeout (${dt} s)"
else fail "a stalled request is closed after the timeout" "after $dt s: '$got'"; fi
kill "${slow_pids[@]}" 2>/dev/null; wait "${slow_pids[@]}" 2>/dev/null

# ---- path traversal: ids are looked up, never opened as files
for p in "/api/doc/../../etc/passwd" "/api/doc/..%2f..%2fetc%2fpasswd" "/api/doc/%2e%2e/MANIFEST" \
         "/../../etc/passwd" "/%2e%2e/%2e%2e/etc/passwd" "/app.js/../../MANIFEST" "/cli/serve/app.js" \
         "/api/doc//etc/passwd"; do
  code=$(curl -s --path-as-is -o "$TMPDIR/body" -w '%{http_code}' "$URL$p")
  if [ "$code" = 404 ] && ! grep -q 'root:' "$TMPDIR/body" && grep -q '"error":' "$TMPDIR/body"; then ok "traversal $p: 404"
  else fail "traversal $p" "status $code: $(head -c 200 "$TMPDIR/body")"; fi
done
BODY=$(curl -s --path-as-is "$URL/api/doc/../../etc/passwd")
case "$BODY" in *"no document with id '../../etc/passwd'"*) ok "traversal: the id is only an id" ;; *) fail "traversal: the id is only an id" "$BODY" ;; esac
alive "path traversal"

# ---- query bombs and bytes that are not UTF-8
deep=$(printf '%.0s(' $(seq 200))x$(printf '%.0s)' $(seq 200))
expect "200 parentheses" 400 "/api/search?q=$deep" '"error":"query: '
terms=$(for i in $(seq 300); do printf 'w%d+' "$i"; done)
expect "300 terms" 400 "/api/search?q=${terms}x" '"error":"query: '
expect "a one-letter prefix" 200 "/api/search?q=a*&k=100" '"total":'
expect "k=100 offset=10000" 200 "/api/search?q=said&k=100&offset=10000" '"count":0'
get "invalid UTF-8 in q" 400 "/api/search?q=%ff%fe%22" || get "invalid UTF-8 in q" 200 "/api/search?q=%ff%fe%22"
if printf '%s' "$BODY" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1; then ok "invalid UTF-8: the answer is UTF-8"; else fail "invalid UTF-8: the answer is UTF-8" "$BODY"; fi
get "invalid UTF-8 in an id" 404 "/api/doc/%ff%c0" && { printf '%s' "$BODY" | iconv -f UTF-8 -t UTF-8 >/dev/null 2>&1 && ok "invalid UTF-8 id: the answer is UTF-8" || fail "invalid UTF-8 id" "$BODY"; }
expect "a control character in q" 200 "/api/search?q=said%01%1b%5b31m" '"query":"said\u0001\u001B[31m"'
expect "a timeline of 2.9 million days" 400 "/api/timeline?q=aardvark&by=day" \
  '"error":"timeline: more than 20000 periods by day; choose a longer period'
expect "the same by month" 400 "/api/timeline?q=aardvark&by=month" '"error":"timeline: more than 20000 periods by month'
expect "by year: 8000 periods" 200 "/api/timeline?q=aardvark&by=year" '"total":2'
expect "by day, dates narrowed" 200 "/api/timeline?q=aardvark&by=day&until=0100" '"total":1'
alive "query bombs"

# ---- many clients at once
pids=()
for i in $(seq 100); do curl -s -o /dev/null -w '%{http_code}\n' --max-time 10 "$URL/api/search?q=said&k=5" >>"$TMPDIR/codes" & pids+=($!); done
wait "${pids[@]}"
[ "$(sort -u "$TMPDIR/codes")" = 200 ] && ok "100 clients at once" || fail "100 clients at once" "$(sort "$TMPDIR/codes" | uniq -c)"
alive "the end"
stop_server && ok "stops cleanly" || fail "stops cleanly"
finish
