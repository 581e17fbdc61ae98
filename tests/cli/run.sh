#!/usr/bin/env bash
# CLI golden tests. Each case is tests/cli/cases/NAME.sh (commands run with
# bash in a fresh temporary directory) with its exact expected stdout
# (NAME.out), expected exit status (NAME.status) and, where it matters,
# expected stderr (NAME.err). The scripts see NG (the binary), DATA (the
# repository's data/ folder) and ROOT (the repository).
#   NG=build/newsgrep tests/cli/run.sh [--update] [NAME...]
# --update rewrites the expected files from the actual output (review the
# diff before keeping it). A case that exits with 77 is skipped (it needs
# something absent, e.g. ../shared; its stderr says what). Last line:
# "cli: N passed, F failed" (", S skipped" when some were).
set -u
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
: "${NG:?set NG to the newsgrep binary}"
case "$NG" in /*) ;; *) NG="$PWD/$NG" ;; esac
update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
names=("$@")
if [ ${#names[@]} -eq 0 ]; then
  for f in "$here"/cases/*.sh; do names+=("$(basename "$f" .sh)"); done
fi
passed=0 failed=0 skipped=0 failed_names=()
for name in "${names[@]}"; do
  script="$here/cases/$name.sh"
  work=$(mktemp -d "${TMPDIR:-/tmp}/ngcli.XXXXXX")
  (cd "$work" && env -u NEWSGREP_INDEX -u NO_COLOR NG="$NG" DATA="$root/data" ROOT="$root" \
      TMPDIR="$work" LC_ALL=C.UTF-8 TZ=UTC timeout 120 bash "$script" >"$work/.out" 2>"$work/.err")
  status=$?
  exp="$here/cases/$name"
  if [ $status -eq 77 ] && [ "$(cat "$exp.status" 2>/dev/null)" != 77 ]; then
    skipped=$((skipped + 1)); echo "skip $name: $(head -1 "$work/.err")"
    rm -rf "$work"; continue
  fi
  if [ $update -eq 1 ]; then
    cp "$work/.out" "$exp.out"
    echo "$status" >"$exp.status"
    if [ -f "$exp.err" ] || [ -s "$work/.err" ]; then cp "$work/.err" "$exp.err"; fi
  fi
  ok=1
  if ! diff -u --label "$name.out (expected)" --label "$name.out (actual)" "$exp.out" "$work/.out" >"$work/.diff" 2>&1; then ok=0; fi
  if [ -f "$exp.err" ] && ! diff -u --label "$name.err (expected)" --label "$name.err (actual)" "$exp.err" "$work/.err" >>"$work/.diff" 2>&1; then ok=0; fi
  want=$(cat "$exp.status" 2>/dev/null || echo missing)
  if [ "$want" != "$status" ]; then ok=0; echo "exit status: expected $want, got $status" >>"$work/.diff"; fi
  if [ $ok -eq 1 ]; then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); failed_names+=("$name")
    echo "FAIL $name"; sed 's/^/    /' "$work/.diff" | head -80
    if [ ! -f "$exp.err" ] && [ -s "$work/.err" ]; then echo "    stderr:"; sed 's/^/    /' "$work/.err" | head -20; fi
  fi
  rm -rf "$work"
done
[ $failed -gt 0 ] && echo "failed: ${failed_names[*]}"
echo "cli: $passed passed, $failed failed$([ $skipped -gt 0 ] && echo ", $skipped skipped")"
[ $failed -eq 0 ]
