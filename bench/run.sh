#!/usr/bin/env bash
# bench/run.sh quick|full|build — newsgrep side by side with SQLite FTS5 and
# Xapian ("build" only compiles the peer programs and micro-benchmarks).
# Compiles the two peer programs into $BUILD/bench/, then runs bench/bench.py,
# which writes bench/results/<mode>/{results.md,results.json,latency.svg}.
# Environment: BUILD (default build; newsgrep = $BUILD/newsgrep),
# CORPORA (default ../shared/corpora), TOOLS (default ../shared/tools),
# BENCH_ONLY (comma list of corpora), BENCH_ENGINES (default newsgrep,fts5,xapian),
# BENCH_OUT (results directory, default bench/results/<mode>).
set -euo pipefail
mode=${1:-quick}
case "$mode" in quick|full|build) ;; *) echo "usage: $0 quick|full|build" >&2; exit 2 ;; esac
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
OUT=$BUILD/bench
mkdir -p "$OUT"

# On a fresh machine, install what is missing through the Makefile's deps
# target (Debian packages: libsqlite3-dev libxapian-dev g++ time python3 ...).
missing() {
  for t in pkg-config g++ xapian-config python3 zstd; do command -v "$t" >/dev/null 2>&1 || return 0; done
  [ -x /usr/bin/time ] || return 0
  pkg-config --exists sqlite3 jansson libutf8proc || return 0
  return 1
}
if missing; then
  echo "bench: installing the benchmark dependencies (make deps)" >&2
  make --no-print-directory deps >&2 || true
  if missing; then echo "bench: dependencies still missing; run make deps by hand" >&2; exit 2; fi
fi

# Rebuild a peer when its source is newer than the binary.
stale() { [ ! -x "$1" ] || [ "$2" -nt "$1" ]; }
if stale "$OUT/peer_fts5" bench/peer_fts5.c; then
  echo "bench: compiling peer_fts5" >&2
  ${CC:-cc} -std=c11 -O2 -Wall -Wextra -o "$OUT/peer_fts5" bench/peer_fts5.c \
    $(pkg-config --cflags --libs sqlite3 jansson libutf8proc)
fi
if stale "$OUT/peer_xapian" bench/peer_xapian.cc; then
  echo "bench: compiling peer_xapian" >&2
  ${CXX:-g++} -std=c++17 -O2 -Wall -Wextra -o "$OUT/peer_xapian" bench/peer_xapian.cc \
    $(xapian-config --cxxflags --libs) $(pkg-config --cflags --libs jansson)
fi

# Micro-benchmarks of other modules, when their sources exist; a failure
# here does not stop the engine comparison.
if [ -f bench/bench_analyzer.c ] && [ -f bench/bench_analyzer.mk ]; then
  make --no-print-directory -s -f bench/bench_analyzer.mk BUILD="$OUT" "$OUT/bench_analyzer" >&2 \
    || echo "bench: building bench_analyzer failed (continuing)" >&2
fi
if [ -f bench/bench_codec.c ] && { [ ! -x "$OUT/bench_codec" ] ||
     [ -n "$(find bench/bench_codec.c lib/codec lib/common -newer "$OUT/bench_codec" 2>/dev/null | head -1)" ]; }; then
  # same sources as bench/bench_codec.mk (lib/common + lib/codec), built here
  # because that .mk is meant to be included by the Makefile
  ${CC:-cc} -std=c11 -O2 -g -D_GNU_SOURCE -Iinclude -Ilib -o "$OUT/bench_codec" \
    bench/bench_codec.c lib/codec/*.c lib/common/*.c \
    $(pkg-config --cflags --libs libxxhash libzstd libutf8proc) -lm >&2 \
    || echo "bench: building bench_codec failed (continuing)" >&2
fi

[ "$mode" = build ] && exit 0

args=(--build "$BUILD" --corpora "$CORPORA" --tools "$TOOLS")
[ -n "${BENCH_ONLY:-}" ] && args+=(--only "$BENCH_ONLY")
[ -n "${BENCH_ENGINES:-}" ] && args+=(--engines "$BENCH_ENGINES")
[ -n "${BENCH_OUT:-}" ] && args+=(--out "$BENCH_OUT")
# Prefer Debian's python3 (the pyenv one works too: standard library only).
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
export PYTHONDONTWRITEBYTECODE=1  # no __pycache__ in the source tree
exec "$PY" bench/bench.py "$mode" "${args[@]}"
