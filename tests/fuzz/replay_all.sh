#!/usr/bin/env bash
# Replays every fuzz corpus: runs each $BUILD/fuzz/fuzz_X_replay over
# tests/fuzz/corpus/X/ (usage: replay_all.sh BUILD/fuzz). A crash or
# abort fails the run. Last line: "fuzz-replay: N inputs, C crashes".
set -u
dir=${1:?usage: replay_all.sh BUILD/fuzz}
root=$(cd "$(dirname "$0")" && pwd)
total=0 crashes=0
for bin in "$dir"/fuzz_*_replay; do
  [ -x "$bin" ] || continue
  name=$(basename "$bin"); name=${name#fuzz_}; name=${name%_replay}
  corpus="$root/corpus/$name"
  if [ ! -d "$corpus" ]; then echo "skip $name (no corpus at $corpus)"; continue; fi
  out=$("$bin" "$corpus" 2>&1); rc=$?
  n=$(printf '%s\n' "$out" | sed -n 's/^replay: \([0-9]*\) inputs$/\1/p' | tail -1)
  if [ $rc -ne 0 ] || [ -z "$n" ]; then
    crashes=$((crashes + 1))
    echo "---- $name (exit $rc)"; printf '%s\n' "$out" | tail -30
  else
    echo "ok   $name ($n inputs)"
    total=$((total + n))
  fi
done
echo "fuzz-replay: $total inputs, $crashes crashes"
[ "$crashes" -eq 0 ]
