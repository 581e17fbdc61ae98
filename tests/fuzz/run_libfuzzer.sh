#!/usr/bin/env bash
# run_libfuzzer.sh — `make fuzz`: builds every tests/fuzz/fuzz_*.c as a
# libFuzzer binary (clang, -fsanitize=fuzzer,address,undefined) linked with
# the library and CLI sources built the same way, runs each for FUZZ_TIME
# seconds over a copy of its seed corpus tests/fuzz/corpus/<name>/, and
# prints executions and crashes per target. Exit 1 on any crash or build
# failure. Env: FUZZ_TIME (s, default 60), FUZZ_TARGETS (names, e.g.
# "postings segment"; default all), FUZZ_BUILD (default build/fuzz),
# FUZZ_CC (default clang), FUZZ_JOBS (parallel compiles, default 2),
# FUZZ_RUNS (stop each target after that many executions, and fail a target
# that ends with fewer; `make fuzz-long`: 10 M with FUZZ_TIME=0, no limit).
# A target stopped with SIGINT/SIGTERM (kill its fuzz_X process at a
# deadline) is reported with its count, not as a crash; the next one starts.
# Options of one target: tests/fuzz/fuzz_X.options (OSS-Fuzz's format:
# "[libfuzzer]", then "max_len = 1024" lines, each passed as -max_len=1024);
# FUZZ_MAX_LEN overrides max_len (the run with big inputs, see
# tests/reliability/README.md).
# FUZZ_RESUME=1: a long run spread over several sessions. The corpus a
# previous run grew in FUZZ_BUILD is kept (the seeds are added to it), and
# FUZZ_RUNS counts every run of the target recorded in $FUZZ_BUILD/ledger.tsv
# (one line per run: UTC end, commit, target, executions, CPU seconds,
# crashes, options, mode, code commit, ASan replay), so each target runs
# only what it still lacks. With FUZZ_RESUME=1 the ledger is the checked-in
# tests/fuzz/ledger.tsv (FUZZ_LEDGER overrides it), and the corpus starts
# from the checked-in tests/fuzz/grown/<name>/ too; at the end of each
# target its corpus is minimized (libFuzzer -merge=1) back into
# tests/fuzz/grown/<name>/, so that a session on another machine resumes
# (commit both).
# FUZZ_SAN=fast: fuzz with a throughput build (libFuzzer + UBSan, no ASan:
# 1.3 to 1.6 times the executions per CPU second), then replay every input
# of the final corpus and every crash with the ASan + UBSan build (the
# default, FUZZ_SAN=asan); a report in the replay fails the target (the
# ledger's last column says "ok N" or "FAILED"). FUZZ_UNTIL (a time
# `date -d` reads, e.g. 03:50): no target runs past it.
set -u
cd "$(dirname "$0")/../.." || exit 2
FUZZ_TIME=${FUZZ_TIME:-60}
CC=${FUZZ_CC:-clang}
OUT=${FUZZ_BUILD:-build/libfuzzer}
JOBS=${FUZZ_JOBS:-2}
MODE=${FUZZ_SAN:-asan}
san_flags() {  # san_flags MODE: the sanitizers of a build
  case $1 in
    asan) echo "-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" ;;
    fast) echo "-fsanitize=fuzzer,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" ;;
    *) return 1 ;;
  esac
}
san_flags "$MODE" >/dev/null || { echo "run_libfuzzer: FUZZ_SAN=$MODE: asan or fast"; exit 2; }
PKGS="libutf8proc libzstd libxxhash jansson libxml-2.0 zlib"
CFLAGS="-std=c11 -O1 -g -Wall -Wextra -D_GNU_SOURCE -Iinclude -Ilib -Icli $(pkg-config --cflags $PKGS 2>/dev/null)"
LIBS="$(pkg-config --libs $PKGS 2>/dev/null) -lstemmer -lpthread -lm"

command -v "$CC" >/dev/null || { echo "run_libfuzzer: $CC not found (make deps)"; exit 1; }
mkdir -p "$OUT/run" || exit 1

# ---- objects: lib/**/*.c and cli/**/*.c except cli/main.c ----------------
# One archive per mode in $OUT/MODE/ (the ASan build's objects stay in
# $OUT/asan/ when a fast run also needs them for its replay).
sources=$(ls lib/*/*.c lib/*.c cli/*.c cli/*/*.c 2>/dev/null | grep -v '^cli/main\.c$')
newest_header=$(ls -t include/*.h lib/*/*.h cli/*.h cli/*/*.h tests/reliability/*.h 2>/dev/null | head -1)
compile_one() {  # compile_one DIR SAN SRC: used through xargs
  local obj="$1/obj/${3%.c}.o"
  mkdir -p "$(dirname "$obj")"
  $CC $CFLAGS $2 -c "$3" -o "$obj" || { rm -f "$obj"; echo "run_libfuzzer: cannot compile $3" >&2; return 1; }
}
export -f compile_one; export CC CFLAGS
missing=0
build_archive() {  # build_archive MODE: $OUT/MODE/libng_fuzz.a
  local dir="$OUT/$1" san stale=() objs=() src o
  san=$(san_flags "$1")
  mkdir -p "$dir/obj" "$dir/bin" || return 1
  for src in $sources; do
    o="$dir/obj/${src%.c}.o"
    if [ ! -f "$o" ] || [ "$src" -nt "$o" ] || [ "$newest_header" -nt "$o" ]; then
      stale+=("$src")
    fi
  done
  if [ ${#stale[@]} -gt 0 ]; then
    echo "run_libfuzzer: compiling ${#stale[@]} sources with $CC $san"
    printf '%s\n' "${stale[@]}" | xargs -P "$JOBS" -I{} bash -c 'compile_one "$@"' _ "$dir" "$san" {}
  fi
  # An archive, so that a target links only what it uses: one broken source
  # fails the run but does not keep the other targets from running.
  for src in $sources; do
    o="$dir/obj/${src%.c}.o"
    if [ -f "$o" ]; then objs+=("$o"); else missing=$((missing + 1)); fi
  done
  rm -f "$dir/libng_fuzz.a"; ar rcs "$dir/libng_fuzz.a" "${objs[@]}"
}
build_archive "$MODE" || exit 1
if [ "$MODE" != asan ]; then build_archive asan || exit 1; fi
build_target() {  # build_target MODE NAME: $OUT/MODE/bin/NAME
  local dir="$OUT/$1"
  $CC $CFLAGS $(san_flags "$1") -o "$dir/bin/$2" "tests/fuzz/$2.c" "$dir/libng_fuzz.a" $LIBS \
    2>"$dir/bin/$2.log" || { cat "$dir/bin/$2.log"; return 1; }
}

# ---- build and run each target --------------------------------------------
# The libFuzzer flags of tests/fuzz/NAME.options ([libfuzzer] key = value).
target_options() {
  local f="tests/fuzz/$1.options" o=""
  if [ -f "$f" ]; then
    o=$(awk -F' *= *' '/^\[/ { in_lf = ($0 == "[libfuzzer]"); next }
                        in_lf && NF == 2 && $1 !~ /^[#;]/ { printf "-%s=%s ", $1, $2 }' "$f")
  fi
  if [ -n "${FUZZ_MAX_LEN:-}" ]; then
    o="$(sed 's/-max_len=[0-9]* *//' <<<"$o")-max_len=$FUZZ_MAX_LEN"
  fi
  echo "${o% }"
}
# The ledger: checked in when resuming, so that another machine resumes it.
if [ "${FUZZ_RESUME:-0}" = 1 ]; then LEDGER=${FUZZ_LEDGER:-tests/fuzz/ledger.tsv}
else LEDGER=${FUZZ_LEDGER:-$OUT/ledger.tsv}; fi
GROWN=${FUZZ_GROWN:-tests/fuzz/grown}
# Executions of target $1 recorded in the ledger (FUZZ_RESUME).
ledger_total() {
  if [ -f "$LEDGER" ]; then
    awk -F'\t' -v t="$1" '$3 == t { n += $4 } END { print n + 0 }' "$LEDGER"
  else echo 0; fi
}
# replay_asan NAME DIR...: every file under DIR... once through the ASan +
# UBSan build (file arguments: libFuzzer runs each whole, no mutation).
# Prints "ok N" or "FAILED (N inputs, log)"; status 1 on any report.
replay_asan() {
  local name=$1 bin="$OUT/asan/bin/$1" log="$OUT/run/$1/replay.log" n rc
  shift
  n=$(find "$@" -type f 2>/dev/null | wc -l)
  [ "$n" -eq 0 ] && { echo "ok 0"; return 0; }
  find "$@" -type f -print0 | ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    xargs -0 -n 256 "$bin" -timeout=10 -rss_limit_mb=2048 >"$log" 2>&1
  rc=$?
  if [ $rc -eq 0 ]; then echo "ok $n"; else echo "FAILED ($n inputs, $log)"; return 1; fi
}
# save_grown NAME BIN WORK: the corpus minimized (-merge=1) into
# $GROWN/NAME/, without the inputs tests/fuzz/corpus/NAME/ already holds.
save_grown() {
  local name=$1 bin=$2 work=$3 short=${1#fuzz_} tmp
  tmp="$work/merged"; rm -rf "$tmp"; mkdir -p "$tmp"
  "$bin" -merge=1 -timeout=10 -rss_limit_mb=2048 "$tmp" "$work/corpus" >"$work/merge.log" 2>&1 ||
    { echo "run_libfuzzer: $name: merge failed ($work/merge.log)"; return 1; }
  if [ -d "tests/fuzz/corpus/$short" ]; then
    local seeds
    seeds=$(find "tests/fuzz/corpus/$short" -type f -exec sha1sum {} + | cut -c1-40)
    for f in "$tmp"/*; do
      grep -q "$(sha1sum "$f" | cut -c1-40)" <<<"$seeds" && rm -f "$f"
    done
  fi
  rm -rf "$GROWN/$short"; mkdir -p "$GROWN"; mv "$tmp" "$GROWN/$short"
}
until_s=""
if [ -n "${FUZZ_UNTIL:-}" ]; then until_s=$(date -d "$FUZZ_UNTIL" +%s) || exit 2; fi
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
git diff --quiet HEAD -- lib cli include tests/fuzz 2>/dev/null || commit="$commit+changes"
# The code under test: the last commit that changed lib/, cli/ or include/.
code=$(git log -1 --format=%h -- lib cli include 2>/dev/null || echo unknown)
git diff --quiet HEAD -- lib cli include 2>/dev/null || code="$code+changes"
total_execs=0 total_crashes=0 status=0 lines=() targets=0
if [ "$missing" -gt 0 ]; then status=1; lines+=("build: $missing sources FAILED to compile"); fi
# The targets in FUZZ_TARGETS's order (the first ones get the time when a
# deadline stops the run), else all in name order.
target_files=$(ls tests/fuzz/fuzz_*.c)
if [ -n "${FUZZ_TARGETS:-}" ]; then
  target_files=$(for x in $FUZZ_TARGETS; do ls "tests/fuzz/fuzz_$x.c"; done) || exit 2
fi
for t in $target_files; do
  name=$(basename "$t" .c); short=${name#fuzz_}
  time_s=$FUZZ_TIME
  if [ -n "$until_s" ]; then
    left=$((until_s - $(date +%s)))
    if [ "$left" -le 0 ]; then lines+=("$name: not run (FUZZ_UNTIL=$FUZZ_UNTIL passed)"); continue; fi
    if [ "$time_s" -eq 0 ] || [ "$time_s" -gt "$left" ]; then time_s=$left; fi
  fi
  bin="$OUT/$MODE/bin/$name"; targets=$((targets + 1))
  if ! build_target "$MODE" "$name" || { [ "$MODE" != asan ] && ! build_target asan "$name"; }; then
    status=1; lines+=("$name: BUILD FAILED"); continue
  fi
  work="$OUT/run/$name"
  done_before=0 runs=${FUZZ_RUNS:-}
  if [ "${FUZZ_RESUME:-0}" = 1 ]; then
    done_before=$(ledger_total "$short")
    if [ -n "$runs" ]; then
      runs=$((FUZZ_RUNS - done_before))
      if [ "$runs" -le 0 ]; then
        lines+=("$name: $done_before executions in earlier runs (ledger), none to do"); continue
      fi
    fi
    [ -d "$work/artifacts" ] && [ -n "$(ls -A "$work/artifacts")" ] &&
      mv "$work/artifacts" "$work/artifacts.$(date -u +%Y%m%dT%H%M%S)"
    mkdir -p "$work/corpus" "$work/artifacts"
    [ -f "$work/log" ] && mv "$work/log" "$work/log.$(date -u +%Y%m%dT%H%M%S)"
    [ -d "$GROWN/$short" ] && cp -rL "$GROWN/$short/." "$work/corpus/"
  else
    rm -rf "$work"; mkdir -p "$work/corpus" "$work/artifacts"
  fi
  [ -d "tests/fuzz/corpus/$short" ] && cp -rL "tests/fuzz/corpus/$short/." "$work/corpus/"
  seeds=$(ls "$work/corpus" | wc -l)
  opts=$(target_options "$name")
  echo "run_libfuzzer: $name ($MODE) for ${time_s}s${runs:+ or $runs executions} over $seeds inputs${opts:+ ($opts)}"
  # -reload=0: no other process adds to this corpus, and rereading its
  # directory every second cost fuzz_query 4 % of its CPU at 1,257 inputs.
  TIMEFORMAT='%U %S'
  { time ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1} \
    "$bin" -max_total_time="$time_s" ${runs:+-runs=$runs} -timeout=10 -rss_limit_mb=2048 \
      -reload=0 $opts -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" \
      >"$work/log" 2>&1; } 2>"$work/cpu"
  rc=$?
  cpu=$(awk '{printf "%.1f", $1 + $2}' "$work/cpu" 2>/dev/null)
  execs=$(sed -n 's/^stat::number_of_executed_units: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
  rate=$(sed -n 's/^stat::average_exec_per_sec: *\([0-9]*\).*/\1/p' "$work/log" | tail -1)
  crashes=$(ls "$work/artifacts" | wc -l)
  # SIGINT/SIGTERM (a deadline): libFuzzer prints its stats and exits 72
  stopped=0
  if [ "$crashes" -eq 0 ] && grep -q 'libFuzzer: run interrupted' "$work/log"; then stopped=1; rc=0; fi
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes=1; fi
  replay="-"
  if [ "$MODE" != asan ]; then
    replay=$(replay_asan "$name" "$work/corpus" "$work/artifacts") || {
      status=1; lines+=("$name: ASan replay $replay"); }
  fi
  total_execs=$((total_execs + ${execs:-0})); total_crashes=$((total_crashes + crashes))
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%Y-%m-%dT%H:%MZ)" "$commit" "$short" \
    "${execs:-0}" "${cpu:-?}" "$crashes" "${opts:--}" "$MODE" "$code" "$replay" >>"$LEDGER"
  if [ "${FUZZ_RESUME:-0}" = 1 ] && [ "$crashes" -eq 0 ]; then
    save_grown "$name" "$bin" "$work" || status=1
  fi
  so_far=$((done_before + ${execs:-0}))
  if [ "$crashes" -gt 0 ]; then
    status=1
    grep -m1 -B2 -A25 'ERROR\|==ERROR\|runtime error\|fuzz_[a-z]*:\|deadly signal\|timeout' "$work/log" | head -60
    lines+=("$name: ${execs:-?} executions, $crashes CRASHES (artifacts: $work/artifacts, log: $work/log)")
  else
    lines+=("$name: ${execs:-0} executions (${rate:-?}/s, ${cpu:-?} CPU s, $MODE), 0 crashes, corpus $seeds -> $(ls "$work/corpus" | wc -l) inputs$([ "$replay" != - ] && echo ", ASan replay $replay")$([ $stopped = 1 ] && echo ", stopped by a signal")$([ "$done_before" -gt 0 ] && echo "; $so_far with the earlier runs of the ledger")")
    if [ -n "${FUZZ_RUNS:-}" ] && [ "$so_far" -lt "$FUZZ_RUNS" ]; then
      status=1; lines+=("$name: FEWER than FUZZ_RUNS=$FUZZ_RUNS executions")
    fi
  fi
done
printf '%s\n' "${lines[@]}"
echo "fuzz: $targets targets, $total_execs executions, $total_crashes crashes (${FUZZ_TIME}s each)"
exit $status
