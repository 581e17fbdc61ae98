#!/usr/bin/env bash
# demo.sh — newsgrep in one minute (run by `make demo`): builds the command
# if needed, indexes the sample news articles in data/articles.jsonl into a
# temporary index and runs a few searches. NG=path/to/newsgrep skips the build.
set -euo pipefail
cd "$(dirname "$0")"
if [ -z "${NG:-}" ]; then
  NG=${BUILD:-build}/newsgrep
  [ -x "$NG" ] || make --no-print-directory BUILD="${BUILD:-build}" cli >&2
fi
ix=$(mktemp -d "${TMPDIR:-/tmp}/newsgrep-demo.XXXXXX")
trap 'rm -rf "$ix"' EXIT

# Shows a command line (arguments with spaces or quotes in single quotes),
# then runs it.
show() {
  local out="\$" a
  for a in "$@"; do
    a=${a//$ix//tmp/demo-index}
    case "$a" in *[\ \"\'\(\)*]*) a="'${a//\'/\'\\\'\'}'" ;; esac
    out+=" $a"
  done
  if [ -t 1 ]; then printf '\n\033[1m%s\033[0m\n' "$out"; else printf '\n%s\n' "$out"; fi
}
step() { show "$@"; "$@"; }

echo "newsgrep demo: $(wc -l < data/articles.jsonl) sample news articles, 2024-2025"
step "$NG" index -i "$ix" data/articles.jsonl
step "$NG" search -i "$ix" -k 3 '"Astana Declaration"'
step "$NG" search -i "$ix" -k 5 --since 2025-06-01 --until 2025-06-30 --sort date 'china OR rates OR heat'
step "$NG" search -i "$ix" -k 3 'title:treaty OR "good-neighborliness"'
step "$NG" search -i "$ix" --trec demo -k 3 'New York'
step "$NG" timeline -i "$ix" --by month 'china OR summit'
step "$NG" tokens "The U.S. and China's Treaty of Good-Neighborliness, Café Straße 北京大学"
step "$NG" stats -i "$ix"
