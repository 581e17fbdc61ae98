#!/usr/bin/env bash
# fetch.sh — top-10 fetch time and merge time of two builds of the library,
# in one run (alternating, so the shared machine's load hits both alike).
#
#   bench/fetch.sh OLD_BUILD NEW_BUILD [CORPUS...]
#
# OLD_BUILD / NEW_BUILD: build directories holding libnewsgrep.a (e.g. a
# `git archive` of an older commit built with `make lib`, and build/).
# CORPUS: names under ../shared/corpora (default: reuters21578 bbc). Each
# corpus is indexed once by NEW_BUILD's newsgrep into segments of 500
# documents; every round merges a fresh copy with each build.
set -eu
old=$1 new=$2
shift 2
corpora=${*:-reuters21578 bbc}
rounds=${ROUNDS:-3}
here=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d /tmp/ng-fetch-XXXXXX)
trap 'rm -rf "$work"' EXIT
flags="$(pkg-config --libs libutf8proc libzstd libxxhash) -lstemmer -lpthread -lm"
for b in old new; do
  dir=${!b}
  cc -std=c11 -O2 -D_GNU_SOURCE -I"$here/include" -DNG_STATIC_BUILD \
     -o "$work/bench_$b" "$here/bench/bench_fetch.c" "$dir/libnewsgrep.a" $flags
done
for c in $corpora; do
  src=$here/../shared/corpora/$c/docs.jsonl
  [ -f "$src" ] || { zstd -dcq "$src.zst" > "$work/$c.jsonl"; src=$work/$c.jsonl; }
  "$new/newsgrep" index -q -i "$work/$c.idx" --threads 1 --commit-every 500 "$src"
  for i in $(seq "$rounds"); do
    for b in old new; do
      rm -rf "$work/copy"; cp -r "$work/$c.idx" "$work/copy"
      printf '%s %s round %s: ' "$c" "$b" "$i"
      "$work/bench_$b" "$work/copy" 20
    done
  done
done
