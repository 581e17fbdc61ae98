#!/usr/bin/env bash
# newsgrep as a peerbench engine (used by bench/peers.sh). Like
# ../shared/tools/peers/engine_newsgrep.sh, but the queries are first
# rewritten by bench/queries.py into newsgrep's syntax (words and "phrases"
# only), so stray punctuation in the test collections' queries -- "(", ":",
# "-word", "AND" -- cannot act as query operators; the peers' analyzers drop
# that punctuation too.
#   engine_newsgrep.sh index DOCS OUT
#   engine_newsgrep.sh search INDEX QUERIES K --mode M --latency FILE [--warmup N]
set -eu
export PYTHONDONTWRITEBYTECODE=1
NG=${NG:?set NG to the newsgrep binary}
HERE=$(cd "$(dirname "$0")" && pwd)
cmd=$1; shift
case "$cmd" in
  index) exec "$NG" index -i "$2" "$1" ;;
  search)
    ix=$1 q=$2 k=$3; shift 3; mode=or lat=/dev/null warm=1
    while [ $# -gt 0 ]; do case "$1" in
      --mode) mode=$2; shift 2;; --latency) lat=$2; shift 2;; --warmup) warm=$2; shift 2;;
      *) shift;; esac; done
    tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
    python3 - "$q" "$mode" >"$tmp" <<PY
import sys
sys.path.insert(0, "$HERE")
import queries
for qid, text in queries.read_tsv(sys.argv[1]):
    t = queries.newsgrep_query(text, sys.argv[2])
    if t:
        print("%s\t%s" % (qid, t))
PY
    extra=(); [ "$mode" = and ] && extra=(--all)
    "$NG" search -i "$ix" --queries "$tmp" -k "$k" --trec newsgrep --warmup "$warm" \
      --latency "$lat" "${extra[@]}" ;;
  *) echo "usage: $0 index|search ..." >&2; exit 2 ;;
esac
