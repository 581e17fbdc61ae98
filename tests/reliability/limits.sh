#!/usr/bin/env bash
# limits.sh — named limits give clear answers: a document over the size
# limit (--max-doc-mb, default 64 MiB) is skipped with a "newsgrep:
# FILE:LINE:" message while the rest is committed (exit 2); a token over
# NG_MAX_TOKEN_BYTES (255) is skipped, one at the limit is kept; a query
# nested deeper than NG_MAX_QUERY_DEPTH (32), one with more than
# NG_MAX_QUERY_TERMS (256) terms, and a prefix* expanding to more than
# NG_MAX_PREFIX_EXPANSION (1024) terms each get exit 2 and a message.
# Env: LIMITS_BIG (1: also the default 64 MiB limit with a 65 MiB doc).
# Last line: "limits: N checks ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
mk_work limits
checks=0
expect() {  # expect WANT_RC GREP_RE WHAT CMD...: exit code and stderr pattern
  local want=$1 re=$2 what=$3; shift 3
  checks=$((checks + 1))
  "$@" >"$WORK/out" 2>"$WORK/err"; local rc=$?
  if [ "$rc" != "$want" ]; then fail "$what: exit $rc, want $want"; show_file "$WORK/err"; return 1; fi
  if [ -n "$re" ] && ! grep -qiE "$re" "$WORK/err"; then
    fail "$what: stderr does not match /$re/"; show_file "$WORK/err"; return 1
  fi
  return 0
}
doc() {  # doc ID TITLE BODY_FILE: one JSONL line (body read from a file)
  printf '{"id": "%s", "title": "%s", "body": "%s", "date": "2025-06-17"}\n' "$1" "$2" "$(cat "$3")"
}

# ---- document size ---------------------------------------------------------
echo "small document about oil" > "$WORK/small"
yes 'harvest' | head -c $((3 * 1024 * 1024 / 2)) | tr '\n' ' ' > "$WORK/big"   # 1.5 MiB
{ doc s1 "first" "$WORK/small"; doc big1 "too big" "$WORK/big"; doc s2 "second" "$WORK/small"; } > "$WORK/size.jsonl"
expect 2 "^newsgrep: .*size\.jsonl:2:" "a 1.5 MiB document over --max-doc-mb 1" \
  ng index -i "$WORK/i1" --max-doc-mb 1 "$WORK/size.jsonl"
grep -qiE 'large|size|limit|MiB|MB' "$WORK/err" || fail "size message does not say what is wrong: $(head -1 "$WORK/err")"
checks=$((checks + 1))
[ "$(docs_of "$WORK/i1")" = 2 ] || fail "after skipping the big document: $(docs_of "$WORK/i1") docs, want 2"
expect 0 "" "show s2 after the skip" ng show -i "$WORK/i1" s2
checks=$((checks + 1)); ng show -i "$WORK/i1" big1 >/dev/null 2>&1 && fail "the skipped document is in the index"
expect 0 "" "the same document under --max-doc-mb 2" ng index -i "$WORK/i2" --max-doc-mb 2 "$WORK/size.jsonl"
[ "$(docs_of "$WORK/i2")" = 3 ] || fail "with --max-doc-mb 2: $(docs_of "$WORK/i2") docs, want 3"
if [ "${LIMITS_BIG:-1}" = 1 ]; then
  yes 'harvest' | head -c $((65 * 1024 * 1024)) | tr '\n' ' ' > "$WORK/huge"
  { doc s1 "first" "$WORK/small"; doc huge "65 MiB" "$WORK/huge"; doc s2 "second" "$WORK/small"; } > "$WORK/huge.jsonl"
  rm -f "$WORK/huge"
  expect 2 "^newsgrep: .*huge\.jsonl:2:" "a 65 MiB document under the default limit" \
    ng index -i "$WORK/i3" "$WORK/huge.jsonl"
  [ "$(docs_of "$WORK/i3")" = 2 ] || fail "after skipping the 65 MiB document: $(docs_of "$WORK/i3") docs, want 2"
  rm -f "$WORK/huge.jsonl"
fi

# ---- memory: documents and compressed input stay within --ram-mb ------------
# The budget covers what the writer holds, not the program's own image (which
# an ASan build, as `make stress` uses, makes larger): peaks are measured
# above FLOOR_KB, the same command's peak on a one-line input.
FLOOR_KB=0
peak_ok() {  # peak_ok WHAT MAX_MIB CMD...: exit status kept in $rc, peak RSS at most FLOOR + MAX_MIB
  local what=$1 max=$2; shift 2
  checks=$((checks + 1))
  /usr/bin/time -f '%M' -o "$WORK/rss" "$@" >"$WORK/out" 2>"$WORK/err"; rc=$?
  local kb; kb=$(tail -1 "$WORK/rss")
  [ "${kb:-0}" -le $((FLOOR_KB + max * 1024)) ] ||
    fail "$what: peak RSS $((kb / 1024)) MiB, over $max MiB above the program's own $((FLOOR_KB / 1024)) MiB"
}
if [ -x /usr/bin/time ]; then
  echo "one line" > "$WORK/one"
  doc floor "one line" "$WORK/one" > "$WORK/floor.jsonl"
  /usr/bin/time -f '%M' -o "$WORK/rss" "$NG" index -i "$WORK/m0" --ram-mb 16 "$WORK/floor.jsonl" >/dev/null 2>&1
  FLOOR_KB=$(tail -1 "$WORK/rss")
  for i in 1 2 3; do
    yes "grain$i harvest" | head -c $((6 * 1024 * 1024)) | tr '\n' ' ' > "$WORK/mid"
    doc "m$i" "six MiB $i" "$WORK/mid"
  done > "$WORK/mid.jsonl"
  rm -f "$WORK/mid"
  # 6 MiB documents at --ram-mb 16: refused by name, without holding them
  peak_ok "6 MiB documents at --ram-mb 16" 19 timeout 60 "$NG" index -i "$WORK/m1" --ram-mb 16 "$WORK/mid.jsonl"
  [ "$rc" = 2 ] && grep -q -- "--ram-mb" "$WORK/err" ||
    { fail "6 MiB documents at --ram-mb 16: exit $rc, want 2 and a message naming --ram-mb"; show_file "$WORK/err"; }
  # three of them on three threads at --ram-mb 128: indexed one at a time
  peak_ok "three 6 MiB documents, 3 threads, --ram-mb 128" 154 \
    timeout 60 "$NG" index -i "$WORK/m2" --threads 3 --ram-mb 128 "$WORK/mid.jsonl"
  [ "$rc" = 0 ] && [ "$(docs_of "$WORK/m2")" = 3 ] || fail "three 6 MiB documents: exit $rc, $(docs_of "$WORK/m2") docs"
  rm -f "$WORK/mid.jsonl"
  # a zstd frame asking for a 2 GiB window (zstd --long=31 from a pipe): refused
  head -c $((200 * 1024 * 1024)) /dev/zero | zstd -q --long=31 -c > "$WORK/bomb.jsonl.zst"
  peak_ok "a 2 GiB-window .zst at the default budget" 64 timeout 60 "$NG" index -i "$WORK/z1" "$WORK/bomb.jsonl.zst"
  [ "$rc" = 2 ] && grep -q -- "window.*--zstd-long" "$WORK/err" ||
    { fail "2 GiB-window .zst: exit $rc, want 2 and a message naming --zstd-long"; show_file "$WORK/err"; }
  printf '{"id":"z","body":"zstd long window"}\n' | zstd -q --long=31 -c > "$WORK/long.jsonl.zst"
  expect 0 "" "a --long=31 .zst with --zstd-long" ng index -i "$WORK/z2" --zstd-long "$WORK/long.jsonl.zst"
  rm -f "$WORK/bomb.jsonl.zst"
  # an HTML page of 399,000 <p> (3.2 MB, well under the page limit of
  # --ram-mb 96, 4.8-5.6 MB by build and machine): its parse tree alone
  # took 193 MiB; now refused by name, unparsed
  awk 'BEGIN { printf "<html><body>"; for (i = 0; i < 399000; i++) printf "<p>w</p>"; print "</body></html>" }' > "$WORK/dense.html"
  peak_ok "an HTML page of 399,000 elements at --ram-mb 96" 96 timeout 120 "$NG" index -i "$WORK/h1" --ram-mb 96 "$WORK/dense.html"
  [ "$rc" = 2 ] && grep -q -- "elements would take.*--ram-mb" "$WORK/err" ||
    { fail "HTML page of 399,000 elements: exit $rc, want 2 and a message naming --ram-mb"; show_file "$WORK/err"; }
  rm -f "$WORK/dense.html"
fi

# ---- token length ------------------------------------------------------------
long=$(printf 'q%.0s' $(seq 300)) edge=$(printf 'z%.0s' $(seq 255))
printf 'alpha %s omega %s' "$long" "$edge" > "$WORK/tok"
doc t1 "tokens" "$WORK/tok" > "$WORK/tok.jsonl"
expect 0 "" "a document with a 300-byte token" ng index -i "$WORK/i4" "$WORK/tok.jsonl"
expect 0 "" "its other words are indexed" ng search -i "$WORK/i4" --ids omega
checks=$((checks + 1))
ng search -i "$WORK/i4" --ids "$long" >/dev/null 2>&1 && fail "the 300-byte token was indexed"
expect 0 "" "tokens of a 300-byte word" ng tokens --no-stem --no-stop "alpha $long omega"
grep -q "$long" "$WORK/out" && fail "tokens printed the 300-byte token"
grep -q omega "$WORK/out" || fail "tokens lost the word after the long token"
expect 0 "" "tokens of a 255-byte word" ng tokens --no-stem --no-stop "$edge"
grep -q "$edge" "$WORK/out" || fail "a 255-byte token (at the limit) was dropped"

# ---- queries -----------------------------------------------------------------
words=""; for i in $(seq 1100); do words+="pfx$(printf %04d "$i")w "; done
printf '%s' "$words" > "$WORK/pfx"
{ doc p1 "prefixes oil" "$WORK/pfx"; doc p2 "oil prices" "$WORK/small"; } > "$WORK/pfx.jsonl"
expect 0 "" "index 1100 words with one prefix" ng index -i "$WORK/i5" "$WORK/pfx.jsonl"
deep=$(printf '(%.0s' $(seq 40))oil$(printf ')%.0s' $(seq 40))
ok=$(printf '(%.0s' $(seq 10))oil$(printf ')%.0s' $(seq 10))
expect 2 "^newsgrep: .*(deep|depth|nest)" "a query nested 40 deep" ng search -i "$WORK/i5" "$deep"
expect 0 "" "a query nested 10 deep" ng search -i "$WORK/i5" "$ok"
many=""; for i in $(seq 300); do many+="term$(printf %03d "$i")x "; done
expect 2 "^newsgrep: .*(terms|too many|limit)" "a query with 300 terms" ng search -i "$WORK/i5" "$many"
# past NG_MAX_PREFIX_EXPANSION terms the most frequent are searched, with a note
expect 0 "^newsgrep: note: pfx\* matches 1100 terms: searched the 1024 most frequent" "pfx* expanding to 1100 terms" ng search -i "$WORK/i5" 'pfx*'
expect 0 "" "pfx00* expanding to 99 terms" ng search -i "$WORK/i5" 'pfx00*'
expect 0 "" "count of pfx00*" ng count -i "$WORK/i5" 'pfx00*'
grep -qx 1 "$WORK/out" || fail "count pfx00* printed $(head -c 80 "$WORK/out"), want 1"
expect 2 "^newsgrep: " "an unclosed quote" ng search -i "$WORK/i5" '"oil prices'

echo "limits: $checks checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
