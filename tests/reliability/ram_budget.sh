#!/usr/bin/env bash
# ram_budget.sh — the RAM budget holds at every budget: indexes wikipedia_en
# (417 MB of text; reuters21578 when absent, with budgets small enough to
# flush) with --ram-mb N for each N of RAM_BUDGETS and measures the peak
# RSS of the whole command with /usr/bin/time; it must stay within N plus
# 20%, and each index must hold every document and pass `check`.
# Env: RAM_BUDGETS (default "32 48 64 96 128 256 512"; RAM_MB=N runs one),
# RAM_CORPUS (a .jsonl[.zst]).
# Last line: "ram_budget: ..."; exit 1 on failure. Not part of the default
# `make stress` (about 5 minutes on 2 cores); STRESS_RAM=1 adds it.
set -u
CMD_TIMEOUT=${CMD_TIMEOUT:-600} # `check` of a 220 MB index on a loaded machine
. "$(dirname "$0")/lib.sh"
mk_work ram
src=${RAM_CORPUS:-$CORPORA/wikipedia_en/docs.jsonl.zst}
budgets=${RAM_BUDGETS:-${RAM_MB:-32 48 64 96 128 256 512}}
if [ ! -f "$src" ]; then
  src=$WORK/corpus.jsonl; prepare_corpus "$src" 21577; budgets=${RAM_BUDGETS:-${RAM_MB:-8 16 32}}
  echo "ram_budget: wikipedia_en absent; $CORPUS_DESC with --ram-mb $budgets"
fi
[ -x /usr/bin/time ] || { echo "ram_budget: /usr/bin/time missing (apt-get install time)"; exit 1; }
case $src in *.zst) want=$(zstd -dc --long=31 "$src" | wc -l) ;; *) want=$(wc -l < "$src") ;; esac
# The budget covers the .zst window (128 MiB for wikipedia_en): under
# about 192 MiB the command refuses the file, so those budgets index the
# text instead.
text=$src
case $src in *.zst) text=$WORK/corpus.jsonl; zstd -q -dc --long=31 "$src" > "$text" ;; esac
table=""
for budget in $budgets; do
  in=$src
  [ "$budget" -lt 192 ] && in=$text
  rm -rf "$WORK/idx"
  /usr/bin/time -f 'peak_rss_kb=%M wall_s=%e' -o "$WORK/time" \
    "$NG" index -i "$WORK/idx" --ram-mb "$budget" "$in" >/dev/null 2>"$WORK/err" ||
    { fail "--ram-mb $budget: indexing failed (exit $?)"; show_file "$WORK/err"; continue; }
  peak_kb=$(sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p' "$WORK/time")
  wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$WORK/time")
  limit_kb=$((budget * 1024 * 12 / 10))
  [ -n "$peak_kb" ] && [ "$peak_kb" -le "$limit_kb" ] ||
    fail "--ram-mb $budget: peak RSS ${peak_kb:-?} KiB over the budget + 20% ($limit_kb KiB)"
  ng check -i "$WORK/idx" >"$WORK/check" 2>&1 ||
    { fail "--ram-mb $budget: check exit $?"; show_file "$WORK/check"; }
  docs=$(docs_of "$WORK/idx")
  [ "${docs:-0}" -eq "$want" ] || fail "--ram-mb $budget: index holds ${docs:-?} documents, the corpus $want"
  line="--ram-mb $budget: peak RSS $((${peak_kb:-0} / 1024)) MiB (limit $((limit_kb / 1024))), ${wall}s"
  echo "$line"
  table="$table${table:+; }$budget→$((${peak_kb:-0} / 1024))"
done
echo "ram_budget: peak RSS MiB by --ram-mb $table; $want docs of $(basename "$(dirname "$src")"), $FAILS failures"
[ "$FAILS" -eq 0 ]
