#!/usr/bin/env bash
# measure_rates.sh: executions per CPU second of the ASan + UBSan and the fast
# builds of run_libfuzzer.sh (FUZZ_SAN=fast), same seeds, same -seed, a fixed
# -runs per target, two alternating runs each. B: its FUZZ_BUILD; T: targets.
# Prints: target mode runs cpu-s exec/cpu-s corpus-size.
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d)
B=${B:-build/libfuzzer}
declare -A N=([analyzer]=4000 [html]=2000 [text]=6000 [wordcode]=10000 [query]=10000 [segment]=20000 [jsonl]=30000 [postings]=300000 [date]=500000)
for t in ${T:-analyzer html text wordcode query segment jsonl postings date}; do
  opts=$(awk -F' *= *' '/^\[/{f=($0=="[libfuzzer]");next} f&&NF==2&&$1!~/^[#;]/{printf "-%s=%s ",$1,$2}' tests/fuzz/fuzz_$t.options 2>/dev/null)
  for m in asan fast asan fast; do
    d=$tmp/mc_$t; rm -rf $d; mkdir -p $d; cp tests/fuzz/corpus/$t/* $d/
    TIMEFORMAT='%U %S'
    c=$( { time ASAN_OPTIONS=detect_leaks=1 $B/$m/bin/fuzz_$t -runs=${N[$t]} -seed=1 -reload=0 -timeout=10 $opts $d >"$tmp/log" 2>&1; } 2>&1 | awk '{print $1+$2}')
    echo "$t $m ${N[$t]} $c $(awk -v n=${N[$t]} -v c=$c 'BEGIN{printf "%.0f", n/c}') $(ls $d | wc -l)"
  done
done
rm -rf "$tmp"
