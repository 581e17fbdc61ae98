#!/usr/bin/env bash
# bench/scale.sh [350k|1m|4m]... — `make bench-scale`: newsgrep next to PISA,
# Lucene 4.10 and SQLite FTS5 on wikipedia_en split into paragraphs
# (350k: split_paragraphs.py's default 1,500 bytes, 350,321 documents;
# 1m: --max-bytes 150, 1,064,496 documents) or sentences (4m:
# bench/split_sentences.py, sentences packed up to 150 bytes and long ones
# cut at clause boundaries, 3,953,793 documents; split_paragraphs.py never
# cuts a paragraph, so it stops near 1.06 M), with two query sets run as one
# file so that every engine indexes once: the corpus' make_queries.py set
# (200 mixed queries, ids m...) and bench/queries/web.tsv (224 two-to-four
# word web queries written by hand, not drawn from the text, ids w...).
# OR, AND and phrase, top-10 and top-1000, warm, single-threaded, through
# ../shared/tools/peers/peerbench.py; bench/scale_report.py then splits the
# latencies by query set into bench/results/scale/<size>/results.md with
# each peer's figure and newsgrep's ratio to it from the same run.
# Env: SCALE_PEERS (default lucene,fts5), PISA_BIN (default the peers'
# build/pisa/bin; PISA is skipped when absent: build it with
# ../shared/tools/peers/native/pisa/build.sh, about 2 minutes),
# PISA_INDEX_350k / PISA_INDEX_1m / PISA_INDEX_4m (a PISA index built
# before, copied),
# SCALE_KS (default 10,1000), SCALE_MODES (default or,and,phrase),
# SCALE_PEERS_4m (the peers at 4m, default lucene: FTS5's OR queries at 1m
# already took minutes per pass), BUILD, CORPORA, TOOLS. After the sizes,
# bench/scale_growth.py writes bench/results/scale/growth.md and the chart
# growth.svg from every size's results.json.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
SCRATCH=$ROOT/$BUILD/bench/peers
mkdir -p "$SCRATCH" "$ROOT/$BUILD/bench/cache"
cp -r "$TOOLS/peers/." "$SCRATCH/"
chmod -R u+w "$SCRATCH"
export NG=$ROOT/$BUILD/newsgrep
[ -x "$NG" ] || { echo "scale.sh: $NG missing (make all)" >&2; exit 2; }
PISA_BIN=${PISA_BIN:-$TOOLS/peers/build/pisa/bin}
PY=python3; [ -x /usr/bin/python3 ] && PY=/usr/bin/python3
sizes=("$@"); [ ${#sizes[@]} -gt 0 ] || sizes=(350k 4m)
for size in "${sizes[@]}"; do
  splitter=$TOOLS/split_paragraphs.py peers=${SCALE_PEERS:-lucene,fts5}
  case "$size" in
    350k) maxb=1500 ;;
    1m) maxb=150 ;;
    4m) maxb=150 splitter=$ROOT/bench/split_sentences.py peers=${SCALE_PEERS_4m:-lucene} ;;
    *) echo "scale.sh: size is 350k, 1m or 4m" >&2; exit 2 ;;
  esac
  cache=$ROOT/$BUILD/bench/cache
  docs=$cache/wikipedia_en-$size.jsonl
  [ -s "$docs" ] || "$PY" "$splitter" "$CORPORA/wikipedia_en/docs.jsonl.zst" \
    "$docs" --max-bytes "$maxb"
  q=$cache/scale-$size.tsv
  if [ ! -s "$q" ]; then
    # make_queries.py draws from documents of 500 bytes or more: the
    # sentence split has none, so 4m takes the 350k split's mixed set (the
    # same text; the same queries at both sizes)
    qdocs=$docs
    if [ "$size" = 4m ]; then
      qdocs=$cache/wikipedia_en-350k.jsonl
      [ -s "$qdocs" ] || "$PY" "$TOOLS/split_paragraphs.py" \
        "$CORPORA/wikipedia_en/docs.jsonl.zst" "$qdocs"
    fi
    "$PY" "$TOOLS/make_queries.py" "$qdocs" "$q.mixed" 200 1
    { sed 's/^w/m/' "$q.mixed"; cat "$ROOT/bench/queries/web.tsv"; } >"$q"
  fi
  eng=(--engine "newsgrep=$ROOT/bench/engine_newsgrep.sh index {docs} {out}"
       "$ROOT/bench/engine_newsgrep.sh search {index} {queries} {k} --mode {mode} --latency {latency} --warmup {warmup}")
  pisa_index="env PISA_BIN=$PISA_BIN $TOOLS/peers/peer_pisa.sh index {docs} {out}"
  # PISA_INDEX_<size>=DIR: copy an index built before (its build takes
  # minutes; its figure in the build table is then the copy's)
  pre=PISA_INDEX_$size
  [ -n "${!pre:-}" ] && pisa_index="cp -r ${!pre} {out}"
  if [ -x "$PISA_BIN/pisa_search" ]; then
    eng+=(--engine "pisa=$pisa_index"
          "env PISA_BIN=$PISA_BIN $TOOLS/peers/peer_pisa.sh search {index} {queries} {k} --mode {mode} --latency {latency} --warmup {warmup}")
  else
    echo "scale.sh: no PISA in $PISA_BIN: PISA skipped" >&2
  fi
  out=$ROOT/$BUILD/bench/scale-out/$size
  "$PY" "$SCRATCH/peerbench.py" --docs "$docs" --queries "$q" --name "wikipedia_en-$size" \
    --peers "$peers" --modes "${SCALE_MODES:-or,and,phrase}" --ks "${SCALE_KS:-10,1000}" \
    --outdir "$out" --reference lucene "${eng[@]}"
  dest=$ROOT/bench/results/scale/$size
  mkdir -p "$dest"
  cp "$out/results.md" "$out/results.json" "$dest/"
  "$PY" "$ROOT/bench/scale_report.py" "$out" >"$dest/sets.md"
  echo "scale.sh: $dest/sets.md" >&2
done
"$PY" "$ROOT/bench/scale_growth.py" "$ROOT/bench/results/scale" "${sizes[@]}"
