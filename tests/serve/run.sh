#!/usr/bin/env bash
# The server tests: the API (api.sh), hostile requests (hostile.sh) and the
# page in headless Chromium (browser.sh). Each starts its own server on a
# free port. Last line: "serve: N passed, F failed".
#   NG=build/newsgrep tests/serve/run.sh [NAME...]
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${NG:?set NG to the newsgrep binary}"
case "$NG" in /*) ;; *) NG="$PWD/$NG" ;; esac
export NG ROOT="$root" LC_ALL=C.UTF-8 TZ=UTC
names=("$@")
[ ${#names[@]} -eq 0 ] && names=(api hostile browser)
passed=0 failed=0 status=0
for n in "${names[@]}"; do
  [ -f "$here/$n.sh" ] || continue
  out=$(env -u NEWSGREP_INDEX timeout 300 bash "$here/$n.sh" 2>&1); rc=$?
  echo "$out"
  line=$(echo "$out" | tail -1)
  p=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\1/p')
  f=$(echo "$line" | sed -n 's/.*: \([0-9]*\) passed, \([0-9]*\) failed$/\2/p')
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0}))
  if [ $rc -ne 0 ]; then status=1; [ "${f:-0}" = 0 ] && failed=$((failed + 1)); fi
done
echo "serve: $passed passed, $failed failed"
exit $status
