#!/usr/bin/env bash
# Runs cmocka test programs and sums their results. Prints each program's
# failures in full and a last line "unit: N passed, F failed (P programs)".
set -u
passed=0 failed=0 programs=0 broken=0
for t in "$@"; do
  programs=$((programs + 1))
  out=$("$t" 2>&1); rc=$?
  p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ "$rc" -ne 0 ] || [ -n "${f:-}" ] || [ -z "${p:-}" ]; then
    broken=$((broken + 1))
    echo "---- $t (exit $rc)"; printf '%s\n' "$out" | grep -v '^\[ \(RUN\|       OK\) ' | tail -40
  else
    echo "ok   $t ($p tests)"
  fi
done
echo "unit: $passed passed, $failed failed ($programs programs, $broken with failures)"
[ "$broken" -eq 0 ]
