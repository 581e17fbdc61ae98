#!/usr/bin/env bash
# crash_verify.sh STATE POINT VARIANT DURABLE VISIBLE — run by crashreplay
# on one replayed crash state (see crash_replay.sh). The index in
# STATE/idx must show one of the commits DURABLE..VISIBLE completely:
# `stats` opens it with that commit's document count, `check` exits 0,
# the list of every id and a content search give exactly that commit's
# answers, and one document is shown as in that commit. With DURABLE = 0 nothing was committed for sure: the index may
# also be absent or refused, but only cleanly (exit 2 and a message).
# For the "synced" variant, a writer must then work on the state and keep
# every document of the commit it found.
# Env: NG, REFS (ids and query answers of each commit: REFS/K.ids,
# REFS/K.q, one id REFS/K.first and its `show --json` REFS/K.show; K = 0 is
# the empty index), QUERY, MARK. Exit 0 = holds.
set -u
state=$1 point=$2 variant=$3 durable=$4 visible=$5
idx=$state/idx
CMD_TIMEOUT=${CMD_TIMEOUT:-30}
ng() { timeout -k 5 "$CMD_TIMEOUT" "$NG" "$@"; }
out=$state.out
bad() { echo "point $point $variant (durable $durable, visible $visible): $*"; exit 1; }

# A refusal must be clean: exit 2 and a "newsgrep:" message, never a crash.
clean_refusal() {  # clean_refusal RC ERRFILE
  [ "$1" -eq 2 ] && grep -q '^newsgrep: ' "$2"
}

ng stats -i "$idx" --json >"$out.stats" 2>"$out.err"; rc=$?
if [ $rc -ne 0 ]; then
  [ "$durable" -eq 0 ] || bad "stats exit $rc: $(head -c 300 "$out.err")"
  clean_refusal $rc "$out.err" || bad "stats did not refuse cleanly (exit $rc): $(head -c 300 "$out.err")"
  ng check -i "$idx" >"$out.check" 2>&1; rc=$?
  [ $rc -le 2 ] || bad "check crashed (exit $rc) on a refused index"
  exit 0
fi
docs=$(tr ',{}' '\n\n\n' <"$out.stats" | sed -n 's/^ *"documents": *\([0-9][0-9]*\).*/\1/p' | head -1)
[ -n "$docs" ] || bad "stats --json gave no document count"

ng check -i "$idx" >"$out.check" 2>&1; rc=$?
[ $rc -eq 0 ] || bad "check exit $rc: $(head -c 300 "$out.check")"

ng search -i "$idx" --ids -k 1000000 "$MARK" 2>"$out.err" | LC_ALL=C sort >"$out.ids"
rc=${PIPESTATUS[0]}
[ $rc -le 1 ] || bad "search $MARK exit $rc: $(head -c 300 "$out.err")"
ng search -i "$idx" --ids -k 1000000 "$QUERY" 2>"$out.err" | LC_ALL=C sort >"$out.q"
rc=${PIPESTATUS[0]}
[ $rc -le 1 ] || bad "search '$QUERY' exit $rc: $(head -c 300 "$out.err")"

# Which commit is it? It must be one that may have survived.
found=-1
for ((k = durable; k <= visible; k++)); do
  if cmp -s "$out.ids" "$REFS/$k.ids" && cmp -s "$out.q" "$REFS/$k.q"; then found=$k; break; fi
done
if [ $found -lt 0 ]; then
  n=$(wc -l <"$out.ids")
  want=$(for ((k = durable; k <= visible; k++)); do printf '%s ' "$(wc -l <"$REFS/$k.ids")"; done)
  bad "shows $n documents ('$QUERY': $(wc -l <"$out.q")), not the set of any commit $durable..$visible (counts: $want); e.g. missing: $(LC_ALL=C comm -13 "$out.ids" "$REFS/$durable.ids" | head -3 | tr '\n' ' ')"
fi
[ "$docs" -eq "$(wc -l <"$out.ids")" ] || bad "stats says $docs documents, the index lists $(wc -l <"$out.ids")"
if [ -s "$REFS/$found.first" ]; then
  id=$(cat "$REFS/$found.first")
  ng show -i "$idx" --json "$id" >"$out.show" 2>"$out.err" || bad "show $id exit $?: $(head -c 300 "$out.err")"
  cmp -s "$out.show" "$REFS/$found.show" || bad "show $id differs from commit $found's"
fi

# The next writer works on what the crash left and loses nothing.
if [ "$variant" = synced ]; then
  printf '{"id": "crashnew1", "title": "%s after the crash", "body": "one more"}\n' "$MARK" >"$out.new"
  ng index -i "$idx" --format jsonl "$out.new" >/dev/null 2>"$out.err"; rc=$?
  if [ $rc -ne 0 ]; then
    [ "$durable" -eq 0 ] && [ "$found" -eq 0 ] && clean_refusal $rc "$out.err" && exit 0
    bad "index after the crash exit $rc: $(head -c 300 "$out.err")"
  fi
  ng check -i "$idx" >"$out.check" 2>&1; rc=$?
  [ $rc -eq 0 ] || bad "check after the next writer exit $rc: $(head -c 300 "$out.check")"
  ng search -i "$idx" --ids -k 1000000 "$MARK" 2>"$out.err" | LC_ALL=C sort >"$out.ids2"
  { cat "$REFS/$found.ids"; echo crashnew1; } | LC_ALL=C sort >"$out.want"
  cmp -s "$out.ids2" "$out.want" ||
    bad "after the next writer: $(wc -l <"$out.ids2") documents, want commit $found's $(wc -l <"$REFS/$found.ids") + 1"
fi
exit 0
