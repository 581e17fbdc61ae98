# shellcheck shell=bash disable=SC2034  # sourced: the callers use TREC_ARGS
# Shared by bench/prox_eval.sh and bench/rm3_eval.sh (sourced, with the
# script's arguments): the five test collections' indexes and OR query
# files in a work directory.
#   . "$(dirname "$0")/trec_lib.sh" "$@"
# Sets NG (absolute), HERE (bench/), SHARED (../shared), work (the first
# argument, or a new temporary directory), TREC_ARGS (the arguments after
# `--`) and TREC_COLS (the collections: $TREC_COLS from the environment,
# e.g. TREC_COLS=adi for a held-out check, or the five).
# trec_prepare C makes $work/C.ix and $work/C.q unless they exist.
# trec_run OUT ARGS... runs `newsgrep search ARGS` (a --queries batch) into
# OUT; a batch with skipped queries (exit 2, each named on stderr, e.g. one
# over 256 terms in an index without stopwords) goes on with the others.
export PYTHONDONTWRITEBYTECODE=1
NG=${NG:?set NG to the newsgrep binary}
case "$NG" in /*) ;; *) NG="$PWD/$NG" ;; esac
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SHARED=$(cd "$HERE/../../shared" 2>/dev/null && pwd || echo /work/shared)
work=${1:-$(mktemp -d)}
[ $# -gt 0 ] && shift
[ "${1:-}" = "--" ] && shift
TREC_ARGS=("$@")
TREC_COLS=${TREC_COLS:-cranfield cisi med cacm npl}
mkdir -p "$work"

trec_prepare() {
  local d="$SHARED/corpora/$1"
  [ -d "$work/$1.ix" ] || "$NG" index -q -i "$work/$1.ix" "$d/docs.jsonl"
  [ -s "$work/$1.q" ] || python3 - "$d/queries.tsv" >"$work/$1.q" <<PY
import sys
sys.path.insert(0, "$HERE")
import queries
for qid, text in queries.read_tsv(sys.argv[1]):
    t = queries.newsgrep_query(text, "or")
    if t:
        print("%s\t%s" % (qid, t))
PY
}

trec_run() {
  local out=$1 rc=0
  shift
  "$NG" search "$@" >"$out" || rc=$?
  if [ $rc -eq 2 ] && [ -s "$out" ]; then
    echo "trec_run: $out: queries skipped (see above); the run has the others" >&2
  elif [ $rc -ne 0 ]; then
    return $rc
  fi
}
