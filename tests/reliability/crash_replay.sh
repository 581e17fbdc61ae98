#!/usr/bin/env bash
# crash_replay.sh — crash consistency without the page cache (issue 17).
# Records, with the LD_PRELOAD shim crashrec.so, every file-system change
# of a run of writers: `index` with several commits, `delete`, `index` with
# replacements, `merge`. Then crashreplay rebuilds the states a power cut
# could leave at every fsync/rename boundary, dropping data and directory
# entries not yet made durable by an fsync (all of it, as zeros, cut
# inside a write, or random subsets; see crashreplay.c), and crash_verify.sh
# asserts on each: the last durable commit (or a later one that may have
# landed) is there whole — same documents, same count, same answers to a
# content search, one document shown in full — and `check` passes; the
# next writer works on it.
# The recorder is checked first: replaying the whole log must give the
# very files the writers left.
# Env: NG; REPLAY_RANDOM (random variants per point, 2); REPLAY_SEED (1);
# REPLAY_DOCS (240); CRASHREC / CRASHREPLAY (prebuilt shim and replayer;
# built into $WORK otherwise); KEEP_WORK=1 keeps the states of failures.
# Last line: "crash_replay: ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
mk_work replay
start=$SECONDS
CC=${CC:-cc}
SHIM=${CRASHREC:-$WORK/crashrec.so} REPLAY=${CRASHREPLAY:-$WORK/crashreplay}
if [ -z "${CRASHREC:-}" ]; then
  $CC -shared -fPIC -O2 -Wall -Wextra -o "$SHIM" "$REL_DIR/crashrec.c" -ldl -lpthread ||
    { echo "crash_replay: cannot build crashrec.so"; exit 1; }
fi
if [ -z "${CRASHREPLAY:-}" ]; then
  $CC -std=c11 -O2 -Wall -Wextra -o "$REPLAY" "$REL_DIR/crashreplay.c" ||
    { echo "crash_replay: cannot build crashreplay"; exit 1; }
fi

corpus=$WORK/corpus.jsonl root=$WORK/root log=$WORK/ops.log refs=$WORK/refs
idx=$root/idx
prepare_corpus "$corpus" "${REPLAY_DOCS:-240}"
total=$(wc -l <"$corpus")
QUERY=${QUERY:-oil}
mkdir -p "$root" "$refs"
echo "crash_replay: $CORPUS_DESC"

# rec ARGS...: a writer with its file-system changes recorded.
rec() {
  CRASHREC_DIR=$root CRASHREC_LOG=$log LD_PRELOAD=$SHIM timeout -k 5 "$CMD_TIMEOUT" "$NG" "$@"
}
commits() { "$REPLAY" "$log" info | sed -n 's/^commits //p'; }
live_ids() { ng search -i "$idx" --ids -k 1000000 "$MARK" 2>/dev/null | LC_ALL=C sort; }

# phase NAME WANT_DOCS ARGS...: one recorded writer; afterwards the live
# index must hold WANT_DOCS documents; remembers which commit ended it.
phase_names=() phase_commits=()
phase() {
  local name=$1 want=$2; shift 2
  rec "$@" >/dev/null 2>"$WORK/w.err" || { fail "$name: exit $?"; show_file "$WORK/w.err"; return; }
  live_ids >"$WORK/live_$name.ids"
  local n; n=$(wc -l <"$WORK/live_$name.ids")
  [ "$n" -eq "$want" ] || fail "$name: the live index has $n documents, want $want"
  phase_names+=("$name"); phase_commits+=("$(commits)")
}

n1=$((total * 2 / 3)) n_del=10 n_rep=20
head -n "$n1" "$corpus" >"$WORK/feed1"
sed -n "$((n1 - n_rep + 1)),\$p" "$corpus" >"$WORK/feed2"   # 20 replacements, the rest new
del_ids=$(head -n $((n1 - n_rep)) "$WORK/feed1" | sed -n 's/^{"id": "\([^"]*\)".*/\1/p' | awk 'NR % 5 == 3' | head -n "$n_del")
n_del=$(echo $del_ids | wc -w)
phase index1 "$n1" index -i "$idx" --commit-every $((n1 / 4)) "$WORK/feed1"
phase delete $((n1 - n_del)) delete -i "$idx" $del_ids
phase index2 $((total - n_del)) index -i "$idx" --commit-every $(( (total - n1 + n_rep) / 2 )) "$WORK/feed2"
phase merge $((total - n_del)) merge -i "$idx"
[ "$FAILS" -eq 0 ] || { echo "crash_replay: the recorded runs failed"; exit 1; }
"$REPLAY" "$log" info | sed 's/^/crash_replay: log: /'

# The recorder and the replayer agree with the real file system.
n_commits=$("$REPLAY" "$log" refs "$refs") || { fail "replaying the refs failed"; exit 1; }
diff -r "$root" "$refs/final" >"$WORK/diff.out" 2>&1 ||
  { fail "replaying the whole log does not give the files the writers left"; show_file "$WORK/diff.out"; }

# The answers of every commit (0 = nothing committed: no documents).
: >"$refs/0.ids"; : >"$refs/0.q"
for ((k = 1; k <= n_commits; k++)); do
  ng search -i "$refs/ref_$k/idx" --ids -k 1000000 "$MARK" 2>/dev/null | LC_ALL=C sort >"$refs/$k.ids"
  ng search -i "$refs/ref_$k/idx" --ids -k 1000000 "$QUERY" 2>/dev/null | LC_ALL=C sort >"$refs/$k.q"
  # one stored document, shown in full (the last id: the newest segment)
  tail -n 1 "$refs/$k.ids" >"$refs/$k.first"
  if [ -s "$refs/$k.first" ]; then
    ng show -i "$refs/ref_$k/idx" --json "$(cat "$refs/$k.first")" >"$refs/$k.show" 2>/dev/null ||
      fail "commit $k: show fails on the committed state itself"
  fi
  ng check -i "$refs/ref_$k/idx" >/dev/null 2>&1 || fail "commit $k: check fails on the committed state itself"
done
# Each phase's last commit is what the live index showed after it.
for i in "${!phase_names[@]}"; do
  k=${phase_commits[$i]}
  cmp -s "$refs/$k.ids" "$WORK/live_${phase_names[$i]}.ids" ||
    fail "commit $k (end of ${phase_names[$i]}): $(wc -l <"$refs/$k.ids") documents, the live index had $(wc -l <"$WORK/live_${phase_names[$i]}.ids")"
done
[ "$(wc -l <"$refs/$n_commits.q")" -gt 0 ] || fail "the query '$QUERY' matches nothing: it would prove little"
echo "crash_replay: $n_commits commits; documents per commit: $(for ((k = 1; k <= n_commits; k++)); do printf '%s ' "$(wc -l <"$refs/$k.ids")"; done)"
[ "$FAILS" -eq 0 ] || { echo "crash_replay: FAILED before the replay"; exit 1; }

export NG REFS=$refs QUERY MARK
"$REPLAY" "$log" run "$WORK" "$REL_DIR/crash_verify.sh" "${REPLAY_RANDOM:-2}" "${REPLAY_SEED:-1}" |
  tee "$WORK/replay.out"
rc=${PIPESTATUS[0]}
[ "$rc" -eq 0 ] || fail "replayed crash states failed (exit $rc)"
summary=$(tail -1 "$WORK/replay.out")
echo "crash_replay: ${summary#crashreplay: } ($((SECONDS - start))s)"
[ "$FAILS" -eq 0 ]
