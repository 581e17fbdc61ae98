#!/usr/bin/env bash
# Query expansion (search --expand, RM3) on the five test collections:
# nDCG@10, MAP@1000 (treceval.py) and R@1000 of the OR top-1000 run, plain
# BM25 against --expand with the given feedback options (default Anserini's:
# --fb-docs 10 --fb-terms 10 --fb-weight 0.5); both with --rank bm25 (RM3
# over plain BM25, as bench/README.md reports it).
#   NG=build/newsgrep bench/rm3_eval.sh [WORKDIR] [-- FEEDBACK OPTIONS]
# Prints one markdown row per collection and a mean row.
set -eu
# shellcheck source=SCRIPTDIR/trec_lib.sh
. "$(dirname "$0")/trec_lib.sh" "$@"
fb=("${TREC_ARGS[@]}")
echo "| collection | nDCG@10 BM25 | nDCG@10 +RM3 | MAP BM25 | MAP +RM3 | R@1000 BM25 | R@1000 +RM3 |"
echo "|---|---:|---:|---:|---:|---:|---:|"
for c in $TREC_COLS; do
  d="$SHARED/corpora/$c"
  trec_prepare "$c"
  trec_run "$work/$c.bm25" -i "$work/$c.ix" --queries "$work/$c.q" -k 1000 --trec bm25 --rank bm25
  trec_run "$work/$c.rm3" -i "$work/$c.ix" --queries "$work/$c.q" -k 1000 --trec rm3 --rank bm25 --expand "${fb[@]}"
  python3 - "$SHARED/tools/peers/treceval.py" "$d/qrels.txt" "$work/$c.bm25" "$work/$c.rm3" "$c" <<'PY'
import json, subprocess, sys
tool, qrels, runs, name = sys.argv[1], sys.argv[2], sys.argv[3:5], sys.argv[5]
rel = {}
for line in open(qrels):
    q, _, d, r = line.split()[:4]
    if int(r) > 0:
        rel.setdefault(q, set()).add(d)
def r1000(run):
    got = {}
    for line in open(run):
        q, _, d = line.split()[:3]
        got.setdefault(q, []).append(d)
    v = [len(rel[q] & set(got.get(q, [])[:1000])) / len(rel[q]) for q in rel]
    return sum(v) / len(v)
m = []
for run in runs:
    j = json.loads(subprocess.run([sys.executable, tool, qrels, run, "--json"],
                                  capture_output=True, text=True, check=True).stdout)
    j = j.get("mean", j)
    m.append((j["ndcg@10"], j["map@1000"], r1000(run)))
print("| %s | %.4f | %.4f | %.4f | %.4f | %.4f | %.4f |" % (
    name, m[0][0], m[1][0], m[0][1], m[1][1], m[0][2], m[1][2]))
PY
done
