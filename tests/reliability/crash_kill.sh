#!/usr/bin/env bash
# crash_kill.sh — crash safety: indexes a real corpus with --commit-every
# and SIGKILLs the writer (and now and then a `merge`) at random moments,
# restarting after each kill so that kills land in every phase (parsing,
# segment writes, merges, manifest swap). After EVERY kill: `check` exits
# 0, `stats` works, a search answers, no id ever seen committed is missing
# (ids seen by a reader DURING the killed run included), and sampled
# documents come back through `show --json` field for field.
# Env: KILLS (120), TIME_LIMIT (s, 200), COMMIT_EVERY (100), KILL_MAX_MS
# (700), CRASH_DOCS (6000; the run wraps around and re-adds them, so that
# replacements, deletes files and merges happen), CRASH_FINAL (1: finish
# with a full run without kills), MIN_KILLS (100: fewer kills fail the run).
# Last line: "crash_kill: K kills survived ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
KILLS=${KILLS:-120} TIME_LIMIT=${TIME_LIMIT:-200} N=${COMMIT_EVERY:-100}
KILL_MAX_MS=${KILL_MAX_MS:-700}
mk_work crash
corpus=$WORK/corpus.jsonl feed=$WORK/feed.jsonl idx=$WORK/idx
prepare_corpus "$corpus" "${CRASH_DOCS:-6000}"
total=$(wc -l < "$corpus")
echo "crash_kill: $CORPUS_DESC; commit every $N; up to $KILLS kills in ${TIME_LIMIT}s"

committed=$WORK/committed.ids   # every id seen in a committed state
RANDOM=${SEED:-$$}
kills=0 merge_kills=0 completed=0 in_swap=0 in_write=0 iter=0 prev_docs=0 pos=1 start=$SECONDS
shown=0

# A first commit without kills, so that an index exists from the start.
head -n 100 "$corpus" > "$feed"
ng index -i "$idx" --commit-every "$N" "$feed" >/dev/null 2>"$WORK/w.err" ||
  { fail "initial index run failed"; show_file "$WORK/w.err"; exit 1; }
ids_of "$idx" "$committed" || { fail "cannot list ids"; exit 1; }
prev_docs=$(wc -l < "$committed"); pos=$((prev_docs + 1))

rand_sleep() {  # rand_sleep MAX_MS
  local ms=$((RANDOM % ($1 + 1)))
  sleep "$((ms / 1000)).$(printf %03d $((ms % 1000)))"
}

# same_doc A B: the JSON objects in files A and B agree on id, title,
# body and date (jq when present, it starts faster than python3).
same_doc() {
  if command -v jq >/dev/null; then
    [ "$(jq -cS '{id, title, body, date}' < "$1")" = "$(jq -cS '{id, title, body, date}' < "$2")" ]
  else
    python3 -c 'import json, sys
a, b = (json.load(open(f)) for f in sys.argv[1:])
sys.exit(any(a.get(k) != b.get(k) for k in ("id", "title", "body", "date")))' "$1" "$2"
  fi
}

# show --json of a sampled id must give back the corpus line's fields.
verify_docs() {  # verify_docs IDS_FILE
  local n; n=$(wc -l < "$1"); [ "$n" -gt 0 ] || return 0
  local i id
  for i in 1 2 3; do
    id=$(sed -n "$(( (RANDOM * 32768 + RANDOM) % n + 1 ))p" "$1")
    [ -n "$id" ] || continue
    ng show -i "$idx" --json "$id" > "$WORK/show.out" 2>"$WORK/show.err" ||
      { fail "kill $kills: show $id failed (exit $?)"; show_file "$WORK/show.err"; continue; }
    line_of_id "$corpus" "$id" > "$WORK/expect.json"
    same_doc "$WORK/expect.json" "$WORK/show.out" ||
      { fail "kill $kills: show --json $id differs from its corpus line"; show_file "$WORK/show.out"; }
    shown=$((shown + 1))
  done
}

# Everything that must hold after a kill (or after any run).
verify_index() {  # verify_index MIN_DOCS WHAT
  local rc docs
  ng check -i "$idx" > "$WORK/check.out" 2>&1; rc=$?
  [ $rc -eq 0 ] || { fail "$2: check exit $rc"; show_file "$WORK/check.out"; }
  docs=$(docs_of "$idx")
  [ -n "$docs" ] || { fail "$2: stats --json failed"; return; }
  [ "$docs" -ge "$1" ] || fail "$2: documents went down: $docs < $1"
  ng search -i "$idx" -k 5 "oil prices" > /dev/null 2>"$WORK/s.err"; rc=$?
  [ $rc -le 1 ] || { fail "$2: search exit $rc"; show_file "$WORK/s.err"; }
  if ! ids_of "$idx" "$WORK/now.ids"; then
    fail "$2: listing ids failed"; show_file "$WORK/now.ids.err"; return
  fi
  local lost; lost=$(LC_ALL=C comm -23 "$committed" "$WORK/now.ids" | wc -l)
  if [ "$lost" -gt 0 ]; then
    fail "$2: $lost committed documents are missing, e.g. $(LC_ALL=C comm -23 "$committed" "$WORK/now.ids" | head -3 | tr '\n' ' ')"
  fi
  [ "$(wc -l < "$WORK/now.ids")" -eq "$docs" ] ||
    fail "$2: stats says $docs documents, the index lists $(wc -l < "$WORK/now.ids")"
  LC_ALL=C sort -u "$committed" "$WORK/now.ids" > "$WORK/union.ids" && mv "$WORK/union.ids" "$committed"
  verify_docs "$WORK/now.ids"
  prev_docs=$docs
}

while [ $kills -lt "$KILLS" ] && [ $((SECONDS - start)) -lt "$TIME_LIMIT" ]; do
  iter=$((iter + 1))
  if [ $((iter % 9)) -eq 0 ]; then
    what=merge
    "$NG" merge -i "$idx" >/dev/null 2>"$WORK/w.err" & wpid=$!
  else
    what=index
    # Once all are in, start anywhere and go round the whole corpus once
    # (re-adding replaces documents), so the writer always has work.
    if [ "$pos" -le "$total" ]; then
      tail -n +"$pos" "$corpus" > "$feed"
    else
      pos=$(( (RANDOM * 32768 + RANDOM) % total + 1 ))
      { tail -n +"$pos" "$corpus"; head -n $((pos - 1)) "$corpus"; } > "$feed"
    fi
    "$NG" index -i "$idx" --commit-every "$N" "$feed" >/dev/null 2>"$WORK/w.err" & wpid=$!
  fi
  rand_sleep "$KILL_MAX_MS"
  observed=0
  if [ $((RANDOM % 2)) -eq 0 ]; then
    # A reader while the writer works: what it sees is committed.
    ng search -i "$idx" --ids -k 1000000 "$MARK" 2>"$WORK/r.err" | LC_ALL=C sort > "$WORK/seen.ids"
    rc=${PIPESTATUS[0]}
    if [ "$rc" -le 1 ]; then
      observed=$(wc -l < "$WORK/seen.ids")
      LC_ALL=C sort -u "$committed" "$WORK/seen.ids" > "$WORK/union.ids" && mv "$WORK/union.ids" "$committed"
    else
      fail "reader during $what run failed (exit $rc)"; show_file "$WORK/r.err"
    fi
    rand_sleep 60
  fi
  kill -9 "$wpid" 2>/dev/null
  { wait "$wpid"; } 2>/dev/null; rc=$?
  if [ $rc -eq 137 ]; then
    kills=$((kills + 1)); [ $what = merge ] && merge_kills=$((merge_kills + 1))
    [ $((kills % 100)) -eq 0 ] && echo "note: $kills kills in $((SECONDS - start))s, $FAILS failures"
  elif [ $rc -eq 0 ]; then
    completed=$((completed + 1))
  else
    fail "$what run exited $rc before the kill"; show_file "$WORK/w.err"
  fi
  # Where did the kill land? Debris tells: a temp manifest (during the
  # swap) or more segment files than live segments (writing or merging).
  if [ $rc -eq 137 ]; then
    ls "$idx" | grep -q '^MANIFEST\.' && in_swap=$((in_swap + 1))
    live=$(ng stats -i "$idx" --json 2>/dev/null | tr ',{}' '\n\n\n' | sed -n 's/^ *"segments": *\([0-9]*\).*/\1/p')
    [ "$(ls "$idx" | grep -c '\.ngs$')" -gt "${live:-0}" ] && in_write=$((in_write + 1))
  fi
  min=$prev_docs; [ "$observed" -gt "$min" ] && min=$observed
  verify_index "$min" "kill $kills ($what)"
  [ $what = index ] && pos=$((prev_docs + 1))
  [ "$FAILS" -gt 20 ] && { echo "crash_kill: too many failures, stopping"; break; }
done

if [ "${CRASH_FINAL:-1}" = 1 ] && [ "$FAILS" -eq 0 ]; then
  # Nothing lost overall: one full run without kills must hold every doc.
  ng index -i "$idx" --commit-every 1000 "$corpus" >/dev/null 2>"$WORK/w.err" ||
    { fail "final full run failed"; show_file "$WORK/w.err"; }
  verify_index "$prev_docs" "final run"
  unique=$(sed -n 's/^{"id": "\([^"]*\)".*/\1/p' "$corpus" | LC_ALL=C sort -u | wc -l)
  [ "$prev_docs" -eq "$unique" ] || fail "final run: $prev_docs documents, corpus has $unique ids"
fi

MIN_KILLS=${MIN_KILLS:-100}  # stress-long: 1000
[ $kills -ge "$MIN_KILLS" ] || [ "${KILLS}" -lt "$MIN_KILLS" ] || fail "only $kills kills in ${TIME_LIMIT}s (want >= $MIN_KILLS)"
echo "crash_kill: kills that left debris: $in_write with unreferenced segment files (writing/merging), $in_swap with a temp manifest (during the swap)"
echo "crash_kill: $kills kills survived ($merge_kills during merge, $completed runs finished first), $shown documents verified by show, final $prev_docs docs, $FAILS failures, $((SECONDS - start))s"
[ "$FAILS" -eq 0 ]
