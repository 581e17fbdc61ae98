#!/usr/bin/env bash
# The whole test suite: unit tests (cmocka), fuzz-corpus replays, CLI golden
# tests, the install test and the build test. Ends with one summary line; exit 1 on failure.
set -u
make=("$@")
summary=() status=0
run() {  # run NAME TARGET
  local log; log=$(mktemp)
  if "${make[@]}" --no-print-directory "$2" >"$log" 2>&1; then
    summary+=("$1 ok: $(tail -1 "$log")")
  else
    status=1; cat "$log"; summary+=("$1 FAILED: $(tail -1 "$log")")
  fi
  rm -f "$log"
}
# TEST_STEPS lets the sanitizer run skip the install test (an ASan-built
# shared library cannot be loaded by a program built without ASan).
for step in ${TEST_STEPS:-unit fuzz-replay cli serve install build reliability python}; do
  case $step in
    unit) run unit unit ;;
    fuzz-replay) run fuzz-replay fuzz-replay ;;
    cli) run cli cli-test ;;
    serve) run serve serve-test ;;
    install) run install install-test ;;
    build) run build build-test ;;
    reliability) run reliability reliability-quick ;;
    python) run python python-test ;;
  esac
done
printf '%s\n' "${summary[@]}"
if [ $status -eq 0 ]; then echo "newsgrep test suite: PASSED"; else echo "newsgrep test suite: FAILED"; fi
exit $status
