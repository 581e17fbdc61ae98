#!/usr/bin/env bash
# Term proximity (issue 16) on the five test collections: nDCG@10 of the OR
# top-1000 run (treceval.py) for each ranking setting given, one markdown
# row per setting with the mean of the five, then the best peer's figure
# (bench/README.md, Lucene / Xapian / FTS5) and the +2 % target.
#   NG=build/newsgrep bench/prox_eval.sh [WORKDIR] [-- 'LABEL=OPTIONS' ...]
# Default settings: 'bm25=--rank bm25' and 'default=' (today's default).
# Example: bench/prox_eval.sh /tmp/pe -- 'w0.5=--prox-weight 0.5' 'win3=--prox-window 3'
# TREC_COLS=adi bench/prox_eval.sh /tmp/pe: other collections (no peer rows).
set -eu
# shellcheck source=SCRIPTDIR/trec_lib.sh
. "$(dirname "$0")/trec_lib.sh" "$@"
configs=("${TREC_ARGS[@]}")
[ ${#configs[@]} -gt 0 ] || configs=("bm25=--rank bm25" "default=")
COLS=$TREC_COLS
for c in $COLS; do trec_prepare "$c"; done
echo "| setting | options | ${COLS// / | } | mean |"
echo "|---|---|$(for c in $COLS; do printf -- '---:|'; done)---:|"
for cfg in "${configs[@]}"; do
  label=${cfg%%=*}
  opts=${cfg#*=}
  row="| $label | \`${opts:-(none)}\` |"
  for c in $COLS; do
    # shellcheck disable=SC2086  # opts is a list of options
    trec_run "$work/$c.$label.run" -i "$work/$c.ix" --queries "$work/$c.q" -k 1000 \
      --trec "$label" $opts
  done
  # shellcheck disable=SC2086  # COLS is a list of names
  row+=$(python3 - "$SHARED" "$work" "$label" $COLS <<'PY'
import json, subprocess, sys
shared, work, label, cols = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
vals = []
for c in cols:
    j = json.loads(subprocess.run(
        [sys.executable, shared + "/tools/peers/treceval.py",
         "%s/corpora/%s/qrels.txt" % (shared, c), "%s/%s.%s.run" % (work, c, label),
         "--json"], capture_output=True, text=True, check=True).stdout)
    vals.append(j.get("mean", j)["ndcg@10"])
print(" " + " | ".join("%.4f" % v for v in vals) + " | %.4f |" % (sum(vals) / len(vals)))
PY
)
  echo "$row"
done
# The best of Lucene 4.10, Xapian and FTS5 (bench/README.md, peers section).
[ "$COLS" = "cranfield cisi med cacm npl" ] || exit 0
echo "| best peer | | 0.3665 | 0.3811 | 0.6900 | 0.4833 | 0.4390 | 0.4720 |"
echo "| target (+2 %) | | 0.3738 | 0.3887 | 0.7038 | 0.4930 | 0.4478 | 0.4814 |"
