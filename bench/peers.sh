#!/usr/bin/env bash
# bench/peers.sh CORPUS [peerbench options...] — newsgrep, SQLite FTS5,
# Xapian and Lucene 4.10 side by side through ../shared/tools/peers/peerbench.py
# (its own Python/Java peers), with newsgrep plugged in via
# bench/engine_newsgrep.sh. CORPUS is a corpus name under $CORPORA
# (cranfield, cisi, ...), a corpus directory, or "wikipedia_en-split" (the
# cached split file of bench/run.sh with the wikipedia make_queries set), or
# "wikipedia_en" (the whole articles with the same queries).
# Keeps results.md + results.json in bench/results/peers/<name>/; the
# indexes, runs and logs stay in $BUILD/bench/peers-out/<name>/.
# Lucene needs: apt-get install liblucene4.10-java openjdk-17-jdk-headless
# (not part of make deps; peerbench skips it with a reason when absent).
set -euo pipefail
[ $# -ge 1 ] || { sed -n '2,12p' "$0" >&2; exit 2; }
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
corpus=$1; shift
SCRATCH=$ROOT/$BUILD/bench/peers
# the shared folder may be read-only: work on a copy (its build/ caches the
# compiled Xapian and Lucene programs between runs)
mkdir -p "$SCRATCH"
cp -r "$TOOLS/peers/." "$SCRATCH/"
chmod -R u+w "$SCRATCH"
export NG=$ROOT/$BUILD/newsgrep
eng=()
if [ -x "$NG" ]; then
  eng=(--engine "newsgrep=$ROOT/bench/engine_newsgrep.sh index {docs} {out}"
       "$ROOT/bench/engine_newsgrep.sh search {index} {queries} {k} --mode {mode} --latency {latency} --warmup {warmup}")
else
  echo "peers.sh: $NG missing: peers only" >&2
fi
case "$corpus" in
  wikipedia_en-split|wikipedia_en)
    name=$corpus
    docs=$ROOT/$BUILD/bench/cache/$corpus.jsonl
    q=$(ls "$ROOT/$BUILD/bench/cache/"wikipedia_en.jsonl.make_queries.*.tsv 2>/dev/null | head -1)
    [ -f "$docs" ] && [ -n "$q" ] || { echo "peers.sh: run bench/run.sh full first (split cache)" >&2; exit 2; }
    src=(--docs "$docs" --queries "$q" --name "$name") ;;
  reuters21578) name=$corpus
    src=(--corpus "$CORPORA/$corpus" --queries "$TOOLS/peers/queries/reuters-adhoc.tsv") ;;
  */*) name=$(basename "$corpus"); src=(--corpus "$corpus") ;;
  *) name=$corpus; src=(--corpus "$CORPORA/$corpus") ;;
esac
out=$ROOT/$BUILD/bench/peers-out/$name
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
"$PY" "$SCRATCH/peerbench.py" "${src[@]}" --peers fts5,xapian,lucene --outdir "$out" \
  --reference lucene "${eng[@]}" "$@"
dest=$ROOT/bench/results/peers/$name
mkdir -p "$dest"
cp "$out/results.md" "$out/results.json" "$dest/"
echo "peers.sh: $dest/results.md" >&2
