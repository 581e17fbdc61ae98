#!/usr/bin/env bash
# bench/first_query.sh — the first query (issue 20): one-shot `newsgrep
# search` from process start to last byte, top-10, on wikipedia_en split
# into paragraphs, with the index unmerged (as `index` leaves it) and merged,
# next to the peers the issue names: `sqlite3` answering the same query
# one-shot from a contentless FTS5 table, GNU grep --version, zstd
# --version, /bin/true. Every command is spawned in turn (round robin, so
# all see the same machine load) by bench/spawn_time.c, which reports wall
# p50/mean and the CPU time (user + system) of the child. Then the library
# path in one process (bench/first_query_lib.c: ng_reader_open + first
# ng_search + fetch + snippets on a fresh reader each time).
#
#   make first-query            (or BUILD=... bench/first_query.sh)
# Env: BUILD (newsgrep = $BUILD/newsgrep), RUNS (default 60), QUERY
# (default "french revolution"), BASE_NG (an older newsgrep binary: also
# measured, with indexes it builds itself, for a before/after in one run),
# CORPORA, TOOLS, FQ_OUT (results, default bench/results/first-query).
# Indexes and the FTS5 database are cached in $BUILD/bench/work/first-query
# (delete it after a format change).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
BUILD=${BUILD:-build}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
TOOLS=${TOOLS:-$ROOT/../shared/tools}
RUNS=${RUNS:-60}
QUERY=${QUERY:-french revolution}
OUT=${FQ_OUT:-bench/results/first-query}
NG=$(cd "$BUILD" && pwd)/newsgrep
B=$BUILD/bench
W=$B/work/first-query
mkdir -p "$B/cache" "$W" "$OUT"
say() { echo "first-query: $*" >&2; }

cc=${CC:-cc}
$cc -std=c11 -O2 -Wall -Wextra -o "$B/spawn_time" bench/spawn_time.c
$cc -std=c11 -O2 -Wall -Wextra -Iinclude -o "$B/first_query_lib" bench/first_query_lib.c \
  "$BUILD/libnewsgrep.a" $(pkg-config --libs libutf8proc libzstd libxxhash) -lstemmer \
  -lpthread -lm -ldl
if [ ! -x "$B/peer_fts5" ] || [ bench/peer_fts5.c -nt "$B/peer_fts5" ]; then
  $cc -std=c11 -O2 -Wall -Wextra -o "$B/peer_fts5" bench/peer_fts5.c \
    $(pkg-config --cflags --libs sqlite3 jansson libutf8proc)
fi

docs=$B/cache/wikipedia_en-split.jsonl
if [ ! -s "$docs" ]; then
  say "splitting wikipedia_en into paragraphs (cached in $docs)"
  python3 "$TOOLS/split_paragraphs.py" "$CORPORA/wikipedia_en/docs.jsonl.zst" "$docs.tmp"
  mv "$docs.tmp" "$docs"
fi

# build_indexes BINARY PREFIX: PREFIX-unmerged (as index leaves it) and
# PREFIX-merged (newsgrep merge of a copy).
build_indexes() {
  local exe=$1 p=$2
  if [ ! -f "$p-unmerged/MANIFEST" ]; then
    say "indexing with $exe -> $p-unmerged"
    rm -rf "$p-unmerged" "$p-merged"
    "$exe" index -i "$p-unmerged" --quiet "$docs"
  fi
  if [ ! -f "$p-merged/MANIFEST" ]; then
    rm -rf "$p-merged"; cp -r "$p-unmerged" "$p-merged"
    "$exe" merge -i "$p-merged" >/dev/null
  fi
}
build_indexes "$NG" "$W/ng"
[ -n "${BASE_NG:-}" ] && build_indexes "$BASE_NG" "$W/base"
if [ ! -f "$W/fts5/fts5.db" ]; then
  say "building the FTS5 peer database"
  rm -rf "$W/fts5"; "$B/peer_fts5" index "$docs" "$W/fts5" >&2
fi
segs=$(ls "$W/ng-unmerged"/seg_*.ngs | wc -l)

# sqlite3 one-shot: the peer's query (bm25 top-10 joined to the ids).
fq=$(echo "$QUERY" | sed 's/ / OR /g')
sql="SELECT ids.docid FROM (SELECT rowid AS rid, bm25(fts) AS s FROM fts WHERE fts MATCH '$fq' ORDER BY s LIMIT 10) AS r JOIN ids ON ids.rowid = r.rid ORDER BY r.s;"

cmds=(/bin/true -- grep --version -- zstd --version -- "$NG" --version
  -- sqlite3 "$W/fts5/fts5.db" "$sql"
  -- "$NG" search -i "$W/ng-unmerged" "$QUERY"
  -- "$NG" search -i "$W/ng-unmerged" --no-snippets "$QUERY"
  -- "$NG" search -i "$W/ng-unmerged" --ids "$QUERY"
  -- "$NG" search -i "$W/ng-merged" "$QUERY"
  -- "$NG" search -i "$W/ng-merged" --no-snippets "$QUERY"
  -- "$NG" search -i "$W/ng-merged" --ids "$QUERY")
if [ -n "${BASE_NG:-}" ]; then
  cmds+=(-- "$BASE_NG" --version
    -- "$BASE_NG" search -i "$W/base-unmerged" "$QUERY"
    -- "$BASE_NG" search -i "$W/base-merged" "$QUERY")
fi
say "spawning ${#cmds[@]} words of commands, $RUNS runs each (round robin)"
raw=$W/spawn.txt
"$B/spawn_time" "$RUNS" --warmup 3 "${cmds[@]}" >"$raw"
lib=$W/lib.txt
: >"$lib"
for ix in ng-unmerged ng-merged; do
  echo "# $ix" >>"$lib"
  "$B/first_query_lib" "$W/$ix" "$QUERY" "$RUNS" >>"$lib"
done

{
  echo "# First query (issue 20): one-shot search, process start to last byte"
  echo
  echo "$(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)."
  echo "wikipedia_en split into $(wc -l <"$docs") paragraphs; unmerged index: $segs segments."
  echo "Query: \`$QUERY\`, top-10. $RUNS runs of each command, round robin"
  echo "(\`bench/first_query.sh\`; \`bench/spawn_time.c\`). cpu = user + system"
  echo "time of the child: on a loaded machine the wall time swings, the CPU time much less."
  echo
  echo "| command | wall p50 ms | wall mean ms | wall min ms | cpu p50 ms |"
  echo "|---|---:|---:|---:|---:|"
  while read -r p50 mean min p90 cpu n rest; do
    rest=${rest//$W\//}; rest=${rest//$ROOT\//}; rest=${rest//$(dirname "$NG")\//}
    [ "${#rest}" -gt 90 ] && rest="${rest:0:87}..."
    echo "| \`$rest\` | $p50 | $mean | $min | $cpu |"
  done <"$raw"
  echo
  echo "In-process (\`first_query_lib\`, a fresh reader per run; ms):"
  echo
  echo '```'
  cat "$lib"
  echo '```'
} >"$OUT/results.md"
cat "$OUT/results.md"
