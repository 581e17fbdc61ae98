#!/usr/bin/env bash
# bench/index_peers.sh DOCS.jsonl [ROUNDS] — indexing only: newsgrep's
# `index` (and, with NG_BASE=path, an older binary) next to SQLite FTS5 and
# Lucene 4.10 (../shared/tools/peers: FTS5 with its `optimize`, Lucene with
# its forceMerge(1), both single-threaded) on the same file, the engines
# alternated in each round so that they share the machine's load. Prints
# one line per build (wall s, user + sys s, peak RSS, index MiB and, for
# newsgrep, MiB without the document store) and, per round, newsgrep's wall
# ratio to each peer. Env: NG (default build/newsgrep), NG_BASE, PEERS
# (default fts5,lucene), TOOLS, OUT (scratch, default $TMPDIR/ng-index-peers).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
docs=${1:?usage: index_peers.sh DOCS.jsonl [ROUNDS]}
rounds=${2:-2}
NG=${NG:-$ROOT/build/newsgrep}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
PEERS=${PEERS:-fts5,lucene}
OUT=${OUT:-${TMPDIR:-/tmp}/ng-index-peers}
mkdir -p "$OUT"
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3

# build NAME CMD... : runs CMD under GNU time, prints "NAME wall cpu rss"
build() {
  local name=$1; shift
  rm -rf "$OUT/ix-$name"
  /usr/bin/time -f "%e %U %S %M" -o "$OUT/time-$name" "$@" >/dev/null 2>"$OUT/log-$name" ||
    { echo "$name: failed (see $OUT/log-$name)" >&2; return 1; }
  read -r wall user sys rss <"$OUT/time-$name"
  local mib extra=""
  mib=$(du -sb "$OUT/ix-$name" | awk '{printf "%.1f", $1 / 1048576}')
  case "$name" in ng*)
    local ds
    ds=$("${NG}" stats --json -i "$OUT/ix-$name" | sed -n 's/.*"docstore_bytes": *\([0-9]*\).*/\1/p')
    extra=$(du -sb "$OUT/ix-$name" | awk -v d="${ds:-0}" '{printf " w/o store %.1f MiB", ($1 - d) / 1048576}')
  esac
  printf '%-8s wall %6.2f s  cpu %6.2f s  rss %4d MiB  index %6.1f MiB%s\n' "$name" "$wall" \
    "$(echo "$user + $sys" | bc)" $((rss / 1024)) "$mib" "$extra"
  echo "$wall" >"$OUT/wall-$name"
}

for r in $(seq 1 "$rounds"); do
  echo "round $r ($(date -u +%H:%M:%S), load $(cut -d' ' -f1-3 /proc/loadavg))"
  build ng "$NG" index -q -i "$OUT/ix-ng" "$docs"
  [ -n "${NG_BASE:-}" ] && build ngbase "$NG_BASE" index -q -i "$OUT/ix-ngbase" "$docs"
  case ",$PEERS," in *,fts5,*)
    build fts5 "$PY" "$TOOLS/peers/peer_fts5.py" index "$docs" "$OUT/ix-fts5" ;; esac
  case ",$PEERS," in *,lucene,*)
    build lucene "$TOOLS/peers/peer_lucene.sh" index "$docs" "$OUT/ix-lucene" ;; esac
  for p in ngbase fts5 lucene; do
    [ -s "$OUT/wall-$p" ] || continue
    printf '  newsgrep / %s wall: %.3f\n' "$p" "$(echo "$(cat "$OUT/wall-ng") / $(cat "$OUT/wall-$p")" | bc -l)"
  done
  rm -f "$OUT"/wall-*
done
