#!/bin/sh
# make bench-extract: runs ng_extract_html over the webextract set
# (../shared/corpora/webextract), scores it with the shared scorer
# (trafilatura's with/without segments, title and date agreement), and
# times extraction against indexing the extracted text.
#   CC=cc BUILD=build LIBS="..." bench/extract_bench.sh [WEBEXTRACT_TAR]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD:-build}
tar=${1:-$root/../shared/corpora/webextract/webextract.tar.zst}
score=$root/../shared/tools/extraction/score.py
work=${TMPDIR:-/tmp}/ng-bench-extract
mkdir -p "$work"
if [ ! -f "$work/webextract/evaldata.json" ]; then
  zstd -dc --long=27 "$tar" | tar -x -C "$work"
fi
${CC:-cc} -O2 -I"$root/include" $(pkg-config --cflags libxml-2.0) -o "$work/extract_eval" "$root/bench/extract_eval.c" \
  "$root/$build/libnewsgrep.a" ${LIBS:-} $(pkg-config --libs libxml-2.0)
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
ev = json.load(open(w + '/webextract/evaldata.json', encoding='utf-8'))
with open(w + '/list.tsv', 'w') as f:
    for url, it in ev.items():
        f.write(w + '/webextract/html/' + it['file'] + '\t' + (url if url.startswith('http') else '') + '\n')
PY
"$work/extract_eval" < "$work/list.tsv" > "$work/pred.jsonl" 2> "$work/time.txt"
scores=$(python3 "$score" "$work/pred.jsonl" "$work/webextract" | head -1)
# Indexing cost of the same pages' extracted text, for the time per MB.
python3 - "$work" <<'PY'
import json, sys
w = sys.argv[1]
with open(w + '/docs.jsonl', 'w') as out:
    for line in open(w + '/pred.jsonl', encoding='utf-8'):
        d = json.loads(line)
        out.write(json.dumps({'id': d['file'], 'title': d['title'], 'body': d['body']}) + '\n')
PY
rm -rf "$work/ix"
# CPU time of the index command (the machine may be shared).
icpu=$(python3 -c 'import resource, subprocess, sys
subprocess.run(sys.argv[1:], check=True)
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(r.ru_utime + r.ru_stime)' "$root/$build/newsgrep" index -q -i "$work/ix" "$work/docs.jsonl")
python3 - "$scores" "$(cat "$work/time.txt")" "$icpu" <<'PY'
import sys
s = sys.argv[1].split()
v = dict(zip(s[0::2], s[1::2]))
t = sys.argv[2].split()
pages, nbytes, secs, parse_secs = int(t[1]), int(t[3]), float(t[5]), float(t[7])
index_secs = float(sys.argv[3])
mb = nbytes / 1e6
def f(x): return x.split('/')[0] if '/' not in x else x
title = s[s.index('title') + 2].strip('()'); date = s[s.index('date') + 2].strip('()')
print('| extractor | P | R | F1 | title | date | pages/s | MB/s |')
print('|---|---:|---:|---:|---:|---:|---:|---:|')
print(f"| newsgrep ng_extract_html (this run) | {v['precision']} | {v['recall']} | {v['F1']} | {title} | {date} | {pages/secs:.0f} | {mb/secs:.1f} |")
print('| newsgrep before issue 12 (cli/html.c) | 0.735 | 0.880 | 0.801 | 0.55 | 0.57 | | |')
print('| trafilatura 2.2.0 (published) | 0.906 | 0.943 | 0.924 | | | | |')
print('| justext 3.0.2 (published) | 0.864 | 0.859 | 0.862 | | | | |')
print('| readability-lxml 0.8.4.1 (published) | 0.898 | 0.764 | 0.826 | | | | |')
print()
print(f'{pages} pages, {mb:.1f} MB of HTML, CPU seconds: extraction {secs:.2f} s '
      f'({1000*secs/mb:.1f} ms/MB, {mb/secs:.0f} MB/s on one core); libxml2\'s bare parse of the '
      f'same pages {parse_secs:.2f} s (extraction costs {secs/parse_secs:.2f}x the parse alone); '
      f'indexing the extracted text {index_secs:.2f} s ({1000*index_secs/mb:.1f} ms per MB of HTML; '
      f'extraction/indexing {secs/index_secs:.2f}).')
PY
