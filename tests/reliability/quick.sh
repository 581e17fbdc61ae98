#!/usr/bin/env bash
# quick.sh — a short pass of every reliability test (about a minute), for
# `make test`; `make stress` (stress.sh) runs the full-size versions.
# Env: NG, BUILD as for stress.sh. Last line: "reliability-quick: ...".
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
NG=${NG:-$PWD/$BUILD/newsgrep}
export NG
REL=tests/reliability OUT=$BUILD/reliability
mkdir -p "$OUT"
LIBS=${LIB_LIBS:-"$(pkg-config --libs libutf8proc libzstd libxxhash 2>/dev/null) -lstemmer -lpthread -lm"}  # from the Makefile
${CC:-cc} -shared -fPIC -O2 -o "$OUT/faultfs.so" $REL/faultfs.c -ldl &&
${CC:-cc} -std=c11 -O2 -g -D_GNU_SOURCE -Iinclude -o "$OUT/concurrency" \
  $REL/concurrency.c "$BUILD/libnewsgrep.a" $LIBS || { echo "reliability-quick: build FAILED"; exit 1; }
tmp=$(mktemp -d /tmp/ng_relq.XXXXXX); trap 'rm -rf "$tmp"' EXIT
status=0 lines=()
run() {  # run NAME CMD...
  local log=$tmp/$1.log
  if "${@:2}" >"$log" 2>&1; then lines+=("ok     $(tail -1 "$log")")
  else status=1; grep -v '^note: ' "$log" | tail -20; lines+=("FAILED $1: $(tail -1 "$log")"); fi
}
run limits env LIMITS_BIG=0 $REL/limits.sh
run locks $REL/locks.sh
run concurrency "$OUT/concurrency" "$tmp/conc" 12 30 3
run crash_kill env KILLS=12 CRASH_DOCS=3000 KILL_MAX_MS=300 CRASH_FINAL=0 TIME_LIMIT=60 $REL/crash_kill.sh
run faults env FAULTFS="$PWD/$OUT/faultfs.so" FAULT_MAX_PER_OP=2 $REL/faults.sh
run corruption env CORRUPT_CASES=0 TIME_LIMIT=30 $REL/corruption.sh
run crash_replay env REPLAY_RANDOM=0 REPLAY_DOCS=120 $REL/crash_replay.sh
printf '%s\n' "${lines[@]}"
if [ $status -eq 0 ]; then echo "reliability-quick: PASSED"; else echo "reliability-quick: FAILED"; fi
exit $status
