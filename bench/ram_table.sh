#!/usr/bin/env bash
# ram_table.sh — peak RSS of `newsgrep index` against --ram-mb, for the
# table in bench/README.md ("RAM budget"). Indexes wikipedia_en three ways
# at each budget: the shared .zst (128 MiB window), the same text
# recompressed with `zstd --long=31` from a pipe (2 GiB window, no size in
# the header) and uncompressed. A budget holds when the peak RSS
# (/usr/bin/time) is at most the budget + 20%; a .zst whose window the
# budget cannot hold is refused, naming the option (a "refused" cell).
#   NG=build/newsgrep bench/ram_table.sh [BUDGETS...]   (default 32 ... 4096)
# Env: CORPUS (the .jsonl.zst), WORK (scratch, default /tmp/ng_ramtable),
# OUT (the Markdown table, default bench/results/ram/ram_table.md).
set -u
cd "$(dirname "$0")/.." || exit 2
NG=${NG:-build/newsgrep}
CORPUS=${CORPUS:-../shared/corpora/wikipedia_en/docs.jsonl.zst}
WORK=${WORK:-/tmp/ng_ramtable}
OUT=${OUT:-bench/results/ram/ram_table.md}
budgets=("$@"); [ ${#budgets[@]} -gt 0 ] || budgets=(32 64 128 256 512 1024 2048 4096)
[ -f "$CORPUS" ] || { echo "ram_table: $CORPUS absent"; exit 2; }
mkdir -p "$WORK" "$(dirname "$OUT")"
plain=$WORK/docs.jsonl long=$WORK/long31.jsonl.zst
[ -f "$plain" ] || zstd -q -dc --long=31 "$CORPUS" > "$plain"
[ -f "$long" ] || zstd -q --long=31 -3 -T2 -c < "$plain" > "$long"
want=$(wc -l < "$plain")
cell() {  # cell BUDGET INPUT: one run, prints "RSS MiB (x.xx of budget)" or "refused"
  local b=$1 in=$2
  rm -rf "$WORK/idx"
  /usr/bin/time -f '%M %e' -o "$WORK/time" "$NG" index -q -i "$WORK/idx" --ram-mb "$b" "$in" \
    >/dev/null 2>"$WORK/err"
  local rc=$? kb s docs
  read -r kb s < "$WORK/time"
  if [ $rc -ne 0 ] && grep -q "window" "$WORK/err"; then echo "refused"; return; fi
  docs=$("$NG" stats -i "$WORK/idx" 2>/dev/null | awk '/^documents/ {print $2}' | tr -d ,)
  local note=""
  [ "${docs:-0}" = "$want" ] || note=" (${docs:-?} docs!)"
  [ $((kb / 1024)) -le $((b * 12 / 10)) ] || note="$note **over**"
  printf '%d MiB, %.1f s (%.2f×)%s' $((kb / 1024)) "$s" "$(echo "$kb / 1024 / $b" | bc -l)" "$note"
}
{
  echo "| --ram-mb | limit (+20%) | docs.jsonl.zst (window 128 MiB) | --long=31 .zst (window 2 GiB) | docs.jsonl (plain) |"
  echo "|---:|---:|---|---|---|"
  for b in "${budgets[@]}"; do
    echo "| $b | $((b * 12 / 10)) | $(cell "$b" "$CORPUS") | $(cell "$b" "$long") | $(cell "$b" "$plain") |"
  done
} | tee "$OUT"
rm -rf "$WORK/idx"
