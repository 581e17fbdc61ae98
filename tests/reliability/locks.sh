#!/usr/bin/env bash
# locks.sh — one writer at a time, across processes: while a writer works
# (held open on a FIFO so the timing is certain), a second `index`, a
# `delete` and a `merge` are refused with exit 2 and "index is locked",
# and readers still answer; after the writer is SIGKILLed, the lock it
# left does not block the next writer, and the index checks clean.
# Last line: "locks: N checks ..."; exit 1 on any failure.
set -u
. "$(dirname "$0")/lib.sh"
mk_work locks
checks=0 idx=$WORK/idx
prepare_corpus "$WORK/corpus.jsonl" 300
head -n 200 "$WORK/corpus.jsonl" > "$WORK/a.jsonl"
sed -n '201,250p' "$WORK/corpus.jsonl" > "$WORK/b.jsonl"
sed -n '251,300p' "$WORK/corpus.jsonl" > "$WORK/c.jsonl"
ng index -i "$idx" "$WORK/a.jsonl" >/dev/null 2>"$WORK/err" || { fail "first index failed"; show_file "$WORK/err"; exit 1; }

mkfifo "$WORK/fifo"
"$NG" index -i "$idx" --format jsonl - < "$WORK/fifo" >/dev/null 2>"$WORK/w1.err" & w1=$!
exec 3>"$WORK/fifo"           # the writer waits on stdin while it holds the lock
head -n 20 "$WORK/b.jsonl" >&3
held=0
for _ in $(seq 100); do      # until the writer has taken the lock (<= 10 s)
  # /proc/locks, not flock(1): a probe that takes the lock, even for an
  # instant, can make the writer itself fail with "index is locked".
  if [ -f "$idx/LOCK" ] && grep -q ":$(stat -c %i "$idx/LOCK") " /proc/locks; then held=1; break; fi
  sleep 0.1
done
checks=$((checks + 1))
if [ $held = 0 ]; then
  fail "the writer did not take the lock (no flock on $idx/LOCK)"
  kill -0 $w1 2>/dev/null && echo "    the writer is still running" ||
    { wait $w1; echo "    the writer exited with status $?:"; show_file "$WORK/w1.err"; }
fi

refused() {  # refused WHAT CMD...: must exit 2 with "index is locked"
  checks=$((checks + 1))
  "${@:2}" >/dev/null 2>"$WORK/err"; local rc=$?
  if [ $rc -ne 2 ] || ! grep -q "^newsgrep: .*index is locked" "$WORK/err"; then
    fail "$1 while another writer works: exit $rc, want 2 and 'index is locked'"; show_file "$WORK/err"
  fi
}
refused "a second index" ng index -i "$idx" "$WORK/c.jsonl"
refused "delete" ng delete -i "$idx" "$(sed -n 's/^{"id": "\([^"]*\)".*/\1/p;q' "$WORK/a.jsonl")"
refused "merge" ng merge -i "$idx"
checks=$((checks + 1))
ng search -i "$idx" -k 3 "oil" >/dev/null 2>"$WORK/err"; rc=$?
[ $rc -le 1 ] || { fail "a reader while the writer works: exit $rc"; show_file "$WORK/err"; }

kill -9 $w1; { wait $w1; } 2>/dev/null; exec 3>&-
checks=$((checks + 1))
[ -f "$idx/LOCK" ] || echo "note: no LOCK file left behind (nothing to test there)"
ng index -i "$idx" "$WORK/c.jsonl" >/dev/null 2>"$WORK/err" ||
  { fail "the writer after a SIGKILLed one: exit $?"; show_file "$WORK/err"; }
checks=$((checks + 1))
ng check -i "$idx" >"$WORK/err" 2>&1 || { fail "check after the kill: exit $?"; show_file "$WORK/err"; }
d=$(docs_of "$idx"); checks=$((checks + 1))
[ "${d:-0}" -ge 250 ] || fail "after the kill and the next writer: ${d:-?} docs, want >= 250"

echo "locks: $checks checks, $FAILS failures"
[ "$FAILS" -eq 0 ]
