#!/usr/bin/env bash
# bench/selftest.sh — checks that bench/peer_fts5 and bench/peer_xapian give
# the same TREC runs (documents, ranks, scores) as the shared Python peers
# (../shared/tools/peers) on the peers' selftest corpus and on Cranfield, in
# or/and/phrase modes, and that the rewriting of queries for newsgrep keeps
# words and phrases. Prints "N passed, M failed"; exit 1 on any failure.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
bench/run.sh build || exit 1
B=$BUILD/bench
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cp -r "$TOOLS/peers" "$tmp/peers"; chmod -R u+w "$tmp/peers"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1
pass=0 fail=0
check() { if "$@"; then pass=$((pass + 1)); else fail=$((fail + 1)); echo "FAIL: $*" >&2; fi; }
sets=("$TOOLS/peers/selftest/docs.jsonl $TOOLS/peers/selftest/queries.tsv selftest")
[ -f "$CORPORA/cranfield/docs.jsonl" ] && sets+=("$CORPORA/cranfield/docs.jsonl $CORPORA/cranfield/queries.tsv cranfield") \
  || echo "selftest: $CORPORA/cranfield absent, checking the selftest corpus only" >&2
for s in "${sets[@]}"; do
  read -r docs q name <<<"$s"
  for p in fts5 xapian; do
    "$B/peer_$p" index "$docs" "$tmp/c.$p.$name" 2>/dev/null
    "$PY" "$tmp/peers/peer_$p.py" index "$docs" "$tmp/p.$p.$name" 2>/dev/null
    for m in or and phrase; do
      "$B/peer_$p" search "$tmp/c.$p.$name" "$q" 100 --mode "$m" --latency "$tmp/l" --tag t >"$tmp/c.run"
      "$PY" "$tmp/peers/peer_$p.py" search "$tmp/p.$p.$name" "$q" 100 --mode "$m" --latency "$tmp/l" --tag t >"$tmp/p.run"
      check cmp -s "$tmp/c.run" "$tmp/p.run"
      check test "$(wc -l <"$tmp/l")" -eq "$(grep -c $'\t' "$q")"
    done
  done
done
check "$PY" - <<PY
import sys
sys.path.insert(0, "bench")
import queries as q
assert q.newsgrep_query('what laws (e.g. U.S.) AND -be obeyed', 'or') == 'what laws e.g U.S and be obeyed'
assert q.newsgrep_query('"crude oil" prices', 'or') == '"crude oil" prices'
assert q.newsgrep_query('"crude oil" prices', 'phrase') == '"crude oil prices"'
assert q.newsgrep_query('oil pric*', 'or') == 'oil pric*'
assert q.newsgrep_query('unbalanced "quote', 'or') == 'unbalanced quote'
assert q.prefix_queries([('1', 'oil prices rising')], 5, seed=1)[0][1].endswith('*')
PY
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
