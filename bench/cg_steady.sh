#!/usr/bin/env bash
# Steady-state instructions and simulated branch mispredicts per query
# (valgrind --tool=callgrind --branch-sim=yes), load-independent:
# two runs that differ only in the number of timed passes, subtracted, so
# start-up, index opening and first-touch work (checksums, lexicon keys,
# id ranks) cancel out.
#   bench/cg_steady.sh ng BENCH_QUERY INDEX QUERIES.tsv MODE K   (MODE 0 OR, 1 AND)
#   bench/cg_steady.sh pisa PISA_SEARCH INDEX QUERIES.tsv or|and K
# newsgrep: BENCH_REPS=3 minus BENCH_REPS=1 (2 passes); PISA: --warmup 2
# minus --warmup 0 (2 passes). valgrind 3.19 does not run AVX-512 code:
# build PISA with -march=x86-64-v3 for this (bench/README.md, s7-qpath).
set -eu
[ $# -eq 6 ] || { sed -n 6,7p "$0" >&2; exit 2; }
kind=$1 bin=$2 idx=$3 q=$4 mode=$5 k=$6
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=$(wc -l <"$q")
cg() { valgrind --tool=callgrind --branch-sim=yes --callgrind-out-file="$1" "${@:2}" >/dev/null 2>&1; }
if [ "$kind" = ng ]; then
  BENCH_REPS=1 BENCH_MODE=$mode cg "$tmp/a" "$bin" "$idx" "$q" "$k"
  BENCH_REPS=3 BENCH_MODE=$mode cg "$tmp/b" "$bin" "$idx" "$q" "$k"
else
  cg "$tmp/a" "$bin" "$idx" "$q" "$k" --mode "$mode" --warmup 0
  cg "$tmp/b" "$bin" "$idx" "$q" "$k" --mode "$mode" --warmup 2
fi
tot() { awk '/^events:/{for(i=2;i<=NF;i++)e[i]=$i} /^(totals|summary):/{for(i=2;i<=NF;i++)print e[i], $i}' "$1"; }
join <(tot "$tmp/a" | sort) <(tot "$tmp/b" | sort) |
  awk -v n="$n" '{d[$1]=($3-$2)/(2*n)} END {printf "per query: Ir %.0f  branches %.0f  mispredicts %.0f\n", d["Ir"], d["Bc"]+d["Bi"], d["Bcm"]+d["Bim"]}'
