#!/usr/bin/env bash
# The whole test suite: unit tests (cmocka), fuzz-corpus replays, CLI golden
# tests and the install test. Ends with one summary line; exit 1 on failure.
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
run unit unit
run fuzz-replay fuzz-replay
run cli cli-test
run install install-test
printf '%s\n' "${summary[@]}"
if [ $status -eq 0 ]; then echo "newsgrep test suite: PASSED"; else echo "newsgrep test suite: FAILED"; fi
exit $status
