#!/usr/bin/env bash
# stress.sh — `make stress`: the long reliability runs, bounded to about 8
# minutes on a 2-core machine: limits, locks, one writer + many readers (also
# under ASan with leak detection), SIGKILL crash safety, replayed power cuts
# (crash_replay.sh), and, against an
# ASan + UBSan + LeakSanitizer build of the CLI, limits, injected I/O faults
# and corrupted files. Prints each
# part's result line and a summary line; exit 1 on any failure.
# Env: NG, BUILD, LIB_LIBS (from the Makefile); STRESS_RAM=1 adds ram_budget.sh (peak
# RSS while indexing wikipedia_en, ~1 more minute); STRESS_ASAN=0 skips the ASan build
# (the corruption run then uses $NG); ASAN_BUILD (default $BUILD-asan, or
# build/asan when BUILD=build, the directory `make check-asan` uses).
set -u
cd "$(dirname "$0")/../.." || exit 2
BUILD=${BUILD:-build}
NG=${NG:-$PWD/$BUILD/newsgrep}
export NG
REL=tests/reliability OUT=$BUILD/reliability
mkdir -p "$OUT"
start=$SECONDS results=() status=0
SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
LIBS=${LIB_LIBS:-"$(pkg-config --libs libutf8proc libzstd libxxhash 2>/dev/null) -lstemmer -lpthread -lm"}  # from the Makefile
CC=${CC:-cc}

part() {  # part NAME CMD...: runs one part, keeps its last line
  local log=$OUT/$1.log t0=$SECONDS
  echo "== $1"
  "${@:2}" 2>&1 | tee "$log" | grep -v '^note: ' | tail -n 25
  local rc=${PIPESTATUS[0]}
  local last; last=$(tail -1 "$log")
  if [ "$rc" -eq 0 ]; then results+=("ok     $1 ($((SECONDS - t0))s): $last")
  else status=1; results+=("FAILED $1 ($((SECONDS - t0))s, exit $rc): $last"); fi
}

# ---- tools -----------------------------------------------------------------
$CC -shared -fPIC -O2 -Wall -Wextra -o "$OUT/faultfs.so" $REL/faultfs.c -ldl ||
  { echo "stress: cannot build faultfs.so"; exit 1; }
$CC -std=c11 -O2 -g -Wall -Wextra -D_GNU_SOURCE -Iinclude -o "$OUT/concurrency" \
  $REL/concurrency.c "$BUILD/libnewsgrep.a" $LIBS ||
  { echo "stress: cannot build concurrency"; exit 1; }
NG_ASAN=$NG
if [ "${STRESS_ASAN:-1}" = 1 ]; then
  if [ "$BUILD" = build ]; then ASAN_BUILD=${ASAN_BUILD:-build/asan}; else ASAN_BUILD=${ASAN_BUILD:-${BUILD%/}-asan}; fi
  echo "== ASan build in $ASAN_BUILD"
  if make --no-print-directory BUILD="$ASAN_BUILD" OPT="-O1 -g" SANITIZE="$SAN" all >"$OUT/asan-build.log" 2>&1 &&
     $CC -std=c11 -O1 -g $SAN -D_GNU_SOURCE -Iinclude -o "$OUT/concurrency-asan" \
       $REL/concurrency.c "$ASAN_BUILD/libnewsgrep.a" $LIBS >>"$OUT/asan-build.log" 2>&1; then
    NG_ASAN=$PWD/$ASAN_BUILD/newsgrep
  else
    tail -20 "$OUT/asan-build.log"; status=1; results+=("FAILED asan build (see $OUT/asan-build.log)")
  fi
fi
# verify_asan_link_order=0: faultfs.so is preloaded ahead of the ASan runtime.
export ASAN_OPTIONS=abort_on_error=1:detect_leaks=1:verify_asan_link_order=0
export UBSAN_OPTIONS=halt_on_error=1:abort_on_error=1:print_stacktrace=1

# ---- the runs ----------------------------------------------------------------
tmp=$(mktemp -d /tmp/ng_stress.XXXXXX); trap 'rm -rf "$tmp"' EXIT
part limits env NG="$NG_ASAN" $REL/limits.sh
part locks env NG="$NG_ASAN" $REL/locks.sh
part concurrency "$OUT/concurrency" "$tmp/conc" 40 50 3
if [ -x "$OUT/concurrency-asan" ]; then
  part concurrency-asan "$OUT/concurrency-asan" "$tmp/conc-asan" 25 40 3
fi
part crash_kill env KILLS="${KILLS:-110}" TIME_LIMIT="${CRASH_TIME:-240}" $REL/crash_kill.sh
part faults env NG="$NG_ASAN" FAULTFS="$PWD/$OUT/faultfs.so" TIME_LIMIT="${FAULT_TIME:-100}" $REL/faults.sh
part corruption env NG="$NG_ASAN" TIME_LIMIT="${CORRUPT_TIME:-160}" $REL/corruption.sh
part crash_replay $REL/crash_replay.sh
[ "${STRESS_RAM:-0}" = 1 ] && part ram_budget $REL/ram_budget.sh

echo "== summary"
printf '%s\n' "${results[@]}"
if [ $status -eq 0 ]; then echo "stress: PASSED in $((SECONDS - start))s"
else echo "stress: FAILED in $((SECONDS - start))s"; fi
exit $status
