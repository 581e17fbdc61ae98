# lib.sh — helpers shared by the reliability scripts (sourced, not run):
# locating the newsgrep binary and the corpus, reading stats, listing the
# ids an index holds, checking exit codes, counting failures.
# Env: NG (newsgrep binary; default build/rel/newsgrep), CORPORA (default
# ../shared/corpora from the repository), WORK_ROOT (default /tmp).

REL_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$REL_DIR/../.." && pwd)
NG=${NG:-$ROOT/build/rel/newsgrep}
CORPORA=${CORPORA:-$ROOT/../shared/corpora}
MARK=ngrelmark          # added to every title: one query lists every doc
CMD_TIMEOUT=${CMD_TIMEOUT:-60}
FAILS=0                  # failures counted by fail()
export ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

[ -x "$NG" ] || { echo "$(basename "$0"): no newsgrep binary at $NG (set NG)"; exit 2; }

# mk_work NAME: a fresh work directory in $WORK, removed at exit unless
# KEEP_WORK=1 (call it in the main shell, not in $(...)).
mk_work() {
  WORK=$(mktemp -d "${WORK_ROOT:-/tmp}/ng_rel_$1.XXXXXX") || exit 2
  if [ "${KEEP_WORK:-0}" != 1 ]; then trap 'rm -rf "$WORK"' EXIT; fi
}

fail() {  # fail MESSAGE...: count and print a failure
  FAILS=$((FAILS + 1))
  echo "FAIL: $*"
}

# Prints the text of a file (for failure reports), indented, at most 15 lines.
show_file() { sed -n '1,15s/^/    | /p' "$1"; }

# prepare_corpus OUT N: the first N documents of reuters21578 with $MARK
# added to each title, or a generated corpus when the shared corpora are
# absent. Sets CORPUS_DESC.
prepare_corpus() {
  local out=$1 n=$2 src="$CORPORA/reuters21578/docs.jsonl.zst"
  if [ -f "$src" ] && command -v zstd >/dev/null; then
    zstd -dc --long=31 "$src" 2>/dev/null | head -n "$n" |
      sed "s/\"title\": \"/\"title\": \"$MARK /" > "$out"
    CORPUS_DESC="reuters21578 (first $(wc -l < "$out") docs, '$MARK' added to each title)"
  else
    gen_corpus "$out" "$n"
    CORPUS_DESC="GENERATED corpus of $n docs ($src absent)"
  fi
}

# gen_corpus OUT N: N synthetic news-like JSONL documents.
gen_corpus() {
  awk -v n="$2" -v mark="$MARK" 'BEGIN {
    split("oil price market bank rate trade tariff minister summit election vote storm " \
          "harvest cocoa wheat export import shares profit loss dollar yen growth " \
          "inflation talks treaty leaders signed declaration reuter company merger", w, " ");
    nw = length(w); srand(7);
    for (i = 1; i <= n; i++) {
      t = mark; for (j = 0; j < 5; j++) t = t " " w[int(rand() * nw) + 1];
      b = ""; m = 20 + int(rand() * 200);
      for (j = 0; j < m; j++) b = b w[int(rand() * nw) + 1] (j % 17 == 16 ? ". " : " ");
      printf "{\"id\": \"g%d\", \"title\": \"%s\", \"body\": \"%s\", \"date\": \"1987-%02d-%02d\"}\n",
        i, t, b, 1 + i % 12, 1 + i % 28;
    }
  }' > "$1"
}

# ng ARGS...: newsgrep bounded in time (exit 124 on a hang).
ng() { timeout -k 5 "$CMD_TIMEOUT" "$NG" "$@"; }

# docs_of DIR: live document count from `stats --json` (empty on error).
docs_of() {
  ng stats -i "$1" --json 2>/dev/null | tr ',{}' '\n\n\n' |
    sed -n 's/^ *"documents": *\([0-9][0-9]*\).*/\1/p' | head -1
}

# ids_of DIR OUT: sorted ids of every live document (via the title mark).
ids_of() {
  ng search -i "$1" --ids -k 1000000 "$MARK" 2>"$2.err" | LC_ALL=C sort > "$2"
  local rc=${PIPESTATUS[0]}
  # exit 1 = no match: an empty index is a valid answer
  [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]
}

# sanitizer_report FILE: true when FILE holds an ASan/UBSan/LSan report.
sanitizer_report() {
  grep -q 'ERROR: AddressSanitizer\|ERROR: LeakSanitizer\|runtime error:\|ERROR: UndefinedBehaviorSanitizer' "$1" 2>/dev/null
}

# crashed RC: true when RC means a signal (>= 128) or a timeout (124).
crashed() { [ "$1" -ge 124 ]; }

# line_of_id CORPUS ID: the corpus line of a document.
line_of_id() { grep -m1 -F "{\"id\": \"$2\"," "$1"; }
