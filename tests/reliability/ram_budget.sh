#!/usr/bin/env bash
# ram_budget.sh — the RAM budget holds: indexes wikipedia_en (417 MB of
# text; reuters21578 when absent, with a budget small enough to flush)
# with --ram-mb RAM_MB and measures the peak RSS of the writer with
# /usr/bin/time; it must stay within the budget plus 20%, and the index
# must hold every document and pass `check`.
# Env: RAM_MB (default 256, the CLI default), RAM_CORPUS (a .jsonl[.zst]).
# Last line: "ram_budget: peak RSS ..."; exit 1 on failure. Not part of
# the default `make stress` (about a minute); STRESS_RAM=1 adds it.
set -u
. "$(dirname "$0")/lib.sh"
mk_work ram
src=${RAM_CORPUS:-$CORPORA/wikipedia_en/docs.jsonl.zst}
budget=${RAM_MB:-256}
if [ ! -f "$src" ]; then
  src=$WORK/corpus.jsonl; prepare_corpus "$src" 21577; budget=${RAM_MB:-8}
  echo "ram_budget: wikipedia_en absent; $CORPUS_DESC with --ram-mb $budget"
fi
# The budget covers the .zst window (128 MiB for wikipedia_en): under
# about 192 MiB the command refuses the file, so index the text instead.
case $src in *.zst) if [ "$budget" -lt 192 ]; then
  zstd -q -dc --long=31 "$src" > "$WORK/corpus.jsonl" && src=$WORK/corpus.jsonl; fi ;; esac
[ -x /usr/bin/time ] || { echo "ram_budget: /usr/bin/time missing (apt-get install time)"; exit 1; }
/usr/bin/time -f 'peak_rss_kb=%M wall_s=%e' -o "$WORK/time" \
  "$NG" index -i "$WORK/idx" --ram-mb "$budget" "$src" >/dev/null 2>"$WORK/err" ||
  { fail "indexing failed (exit $?)"; show_file "$WORK/err"; }
peak_kb=$(sed -n 's/.*peak_rss_kb=\([0-9]*\).*/\1/p' "$WORK/time")
wall=$(sed -n 's/.*wall_s=\([0-9.]*\).*/\1/p' "$WORK/time")
limit_kb=$((budget * 1024 * 12 / 10))
[ -n "$peak_kb" ] && [ "$peak_kb" -le "$limit_kb" ] ||
  fail "peak RSS ${peak_kb:-?} KiB over the budget + 20% ($limit_kb KiB)"
ng check -i "$WORK/idx" >"$WORK/check" 2>&1 || { fail "check exit $?"; show_file "$WORK/check"; }
docs=$(docs_of "$WORK/idx")
case $src in *.zst) want=$(zstd -dc --long=31 "$src" | wc -l) ;; *) want=$(wc -l < "$src") ;; esac
[ "${docs:-0}" -eq "$want" ] || fail "index holds ${docs:-?} documents, the corpus $want"
echo "ram_budget: peak RSS $((peak_kb / 1024)) MiB with --ram-mb $budget (limit $((limit_kb / 1024)) MiB), $docs docs of $(basename "$(dirname "$src")") in ${wall}s, $FAILS failures"
[ "$FAILS" -eq 0 ]
