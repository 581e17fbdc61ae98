#!/usr/bin/env bash
# faults.sh — injected I/O failures: on an index that already holds a
# commit, runs `newsgrep index --commit-every` (more documents: segment
# writes, merges, manifest swaps) under the faultfs.so LD_PRELOAD shim,
# failing the k-th write / fsync / rename / creating open with ENOSPC and
# with EIO, for every k the run makes (sampled when there are many). Each
# run must exit 2 with a "newsgrep:" message naming the error; afterwards
# `check` passes, every document of the earlier commit is there, and a new
# writer works (a leftover temp file or lock must not block it).
# Env: FAULTFS (path of faultfs.so; built into $WORK when unset),
# FAULT_MAX_PER_OP (k values per op and errno, default 30), TIME_LIMIT (s).
# The same for `merge` and `delete` runs on the same index.
# Last line: "faults: C cases ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
mk_work faults
MAX_PER_OP=${FAULT_MAX_PER_OP:-30} TIME_LIMIT=${TIME_LIMIT:-150}
so=${FAULTFS:-}
if [ -z "$so" ]; then
  so=$WORK/faultfs.so
  ${CC:-cc} -shared -fPIC -O2 -o "$so" "$REL_DIR/faultfs.c" -ldl || { echo "faults: cannot build faultfs.so"; exit 1; }
fi
corpus=$WORK/corpus.jsonl
prepare_corpus "$corpus" 1500
head -n 400 "$corpus" > "$WORK/a.jsonl"                  # the earlier commit
sed -n '401,1400p' "$corpus" > "$WORK/b.jsonl"            # the faulted run
sed -n '1401,1500p' "$corpus" > "$WORK/c.jsonl"           # the next writer
base=$WORK/base w=$WORK/idx start=$SECONDS
echo "faults: $CORPUS_DESC; faulted run adds 1000 docs with --commit-every 250"

ng index -i "$base" --commit-every 150 "$WORK/a.jsonl" >/dev/null 2>"$WORK/err" ||
  { fail "building the base index failed"; show_file "$WORK/err"; exit 1; }
ng merge -i "$base" >/dev/null 2>&1   # one segment, so that later merges have work
head -n 50 "$WORK/a.jsonl" > "$WORK/a2.jsonl"
ng index -i "$base" "$WORK/a2.jsonl" >/dev/null 2>&1  # replacements: a deletes file
ids_of "$base" "$WORK/base.ids" || { fail "cannot list base ids"; exit 1; }
base_docs=$(wc -l < "$WORK/base.ids")

# The writer commands put under faults (PHASE selects one).
del_ids=$(sed -n '3p;77p;150p;333p' "$WORK/a.jsonl" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p')
phase_cmd() {
  case $PHASE in
    index) echo index -i "$w" --commit-every 250 "$WORK/b.jsonl" ;;
    merge) echo merge -i "$w" ;;
    delete) echo delete -i "$w" $del_ids ;;
  esac
}
faulted_run() {  # faulted_run OP NTH ERRNO: run the phase on a fresh copy of base
  rm -rf "$w" "$WORK/counts"; cp -a "$base" "$w"
  LD_PRELOAD=$so FAULTFS_DIR=$w FAULTFS_OP=$1 FAULTFS_NTH=$2 FAULTFS_ERRNO=$3 \
  FAULTFS_COUNT=$WORK/counts \
    timeout -k 5 "$CMD_TIMEOUT" "$NG" $(phase_cmd) >"$WORK/out" 2>"$WORK/err"
}

cases=0 skipped=0 swallowed=0
declare -A per_op
one_case() {  # one_case OP K ERRNO
  local op=$1 k=$2 e=$3 rc what="$PHASE: $1 #$2 $3"
  faulted_run "$op" "$k" "$e"; rc=$?
  if ! grep -q '^failed [1-9]' "$WORK/counts" 2>/dev/null; then  # any process
    skipped=$((skipped + 1)); return   # this run made fewer calls
  fi
  cases=$((cases + 1)); per_op[$op]=$(( ${per_op[$op]:-0} + 1 ))
  local msg; [ "$e" = EIO ] && msg="Input/output error" || msg="No space left on device"
  if crashed $rc; then fail "$what: writer crashed or hung (exit $rc)"; show_file "$WORK/err"
  elif [ $rc -eq 0 ]; then swallowed=$((swallowed + 1)); fail "$what: the failure was swallowed (exit 0)"
  elif [ $rc -ne 2 ]; then fail "$what: exit $rc, want 2"; show_file "$WORK/err"
  elif ! grep -q '^newsgrep: ' "$WORK/err" || ! grep -q "$msg" "$WORK/err"; then
    fail "$what: message lacks 'newsgrep:' or '$msg'"; show_file "$WORK/err"
  fi
  ng check -i "$w" >"$WORK/check" 2>&1 || { fail "$what: check exit $? afterwards"; show_file "$WORK/check"; }
  if ids_of "$w" "$WORK/now.ids"; then
    # A failed delete may still have committed: its ids may go.
    local lost; lost=$(LC_ALL=C comm -23 "$WORK/base.ids" "$WORK/now.ids" |
      { if [ "$PHASE" = delete ]; then grep -vxF "$del_ids"; else cat; fi; } | wc -l)
    [ "$lost" -eq 0 ] || fail "$what: $lost documents of the earlier commit are missing"
  else
    fail "$what: search failed afterwards"; show_file "$WORK/now.ids.err"
  fi
  ng index -i "$w" "$WORK/c.jsonl" >/dev/null 2>"$WORK/err2" ||
    { fail "$what: the next writer failed (exit $?)"; show_file "$WORK/err2"; }
  local d; d=$(docs_of "$w")
  [ -n "$d" ] && [ "$d" -ge $((base_docs + 96)) ] || fail "$what: after the next writer: ${d:-?} docs"
  ng check -i "$w" >"$WORK/check" 2>&1 || { fail "$what: check exit $? after the next writer"; show_file "$WORK/check"; }
}

declare -A calls
run_phase() {  # run_phase PHASE: every k of every op of one writer command
  PHASE=$1
  # The calls of one clean run, per op.
  faulted_run all 0 ENOSPC; rc=$?
  [ $rc -eq 0 ] || { fail "$PHASE: clean run under the shim exited $rc"; show_file "$WORK/err"; return; }
  calls=()
  while read -r op n; do calls[$op]=$n; done < <(awk '{ s[$1] += $2 } END { for (k in s) print k, s[k] }' "$WORK/counts")
  echo "faults: a clean $PHASE run makes write ${calls[write]}, fsync ${calls[fsync]}, rename ${calls[rename]}, create ${calls[create]} calls in the index directory"

  for op in write fsync rename create; do
    n=${calls[$op]:-0}
    [ "$n" -gt 0 ] || { echo "faults: no $op calls to fail"; continue; }
    step=$(( (n + MAX_PER_OP - 1) / MAX_PER_OP ))
    for ((k = 1; k <= n; k += step)); do
      for e in ENOSPC EIO; do
        [ $((SECONDS - start)) -lt "$TIME_LIMIT" ] || break 2
        one_case "$op" "$k" "$e"
      done
    done
    # The last call (usually the manifest rename or the directory fsync).
    [ $(( (n - 1) % step )) -eq 0 ] || one_case "$op" "$n" EIO
  done
}

run_phase index
run_phase merge
run_phase delete
# A disk that stays full: every write after the 3rd fails.
PHASE=index FAULTFS_STICKY=1 one_case write 3 ENOSPC

summary=""; for op in write fsync rename create; do summary+="$op ${per_op[$op]:-0}, "; done
echo "faults: $cases fault-injection cases (${summary%, }; $skipped not reached), $swallowed swallowed, $FAILS failures, $((SECONDS - start))s"
[ "$FAILS" -eq 0 ]
