#!/usr/bin/env python3
"""Per-page diff of an extraction against webextract, to find the largest
classes of error (make bench-extract writes the prediction file).

  extract_diff.py PRED.jsonl WEBEXTRACT_DIR [text|title|date|all] [--limit N]

text: pages sorted by lost segments (missed 'with' + kept 'without'), each
with its missed and kept segments; title / date: every page whose title or
date differs from the set's, with ours and theirs.  Scoring is that of
../shared/tools/extraction/score.py (whitespace-normalized substrings, title
compared case-insensitively, date as YYYY-MM-DD)."""
import json, os, re, sys

args = [a for a in sys.argv[1:] if not a.startswith('--')]
limit = 10**9
if '--limit' in sys.argv:
    limit = int(sys.argv[sys.argv.index('--limit') + 1])
    args = [a for a in args if a != str(limit)]
pred_path, root = args[0], args[1]
what = args[2] if len(args) > 2 else 'all'
ev = json.load(open(os.path.join(root, 'evaldata.json'), encoding='utf-8'))
pred = {}
for line in open(pred_path, encoding='utf-8'):
    if line.strip():
        d = json.loads(line)
        pred[os.path.basename(d['file'])] = d
norm = lambda t: re.sub(r'\s+', ' ', t or '').strip()
cut = lambda t, n=100: t if len(t) <= n else t[:n] + '...'
rows = []
for url, it in ev.items():
    f = os.path.basename(it['file'])
    m = pred.get(f, {})
    body = norm(m.get('body'))
    missed = [w for w in it['with'] if norm(w) not in body]
    kept = [w for w in it['without'] if norm(w) in body]
    rows.append((f, url, it, m, missed, kept))
if what in ('text', 'all'):
    bad = sorted((r for r in rows if r[4] or r[5]), key=lambda r: -(len(r[4]) + len(r[5])))
    print(f'== text: {len(bad)} pages lose segments '
          f'(missed {sum(len(r[4]) for r in rows)}, kept boilerplate {sum(len(r[5]) for r in rows)})')
    for f, url, it, m, missed, kept in bad[:limit]:
        print(f'{f} {url}  missed {len(missed)}/{len(it["with"])} kept {len(kept)}/{len(it["without"])}')
        for w in missed: print('   - ' + cut(norm(w)))
        for w in kept: print('   + ' + cut(norm(w)))
if what in ('title', 'all'):
    bad = [r for r in rows if r[2].get('title') and
           norm(r[3].get('title')).lower() != norm(r[2]['title']).lower()]
    print(f'== title: {len(bad)} pages differ')
    for f, url, it, m, _, _ in bad[:limit]:
        print(f'{f} {url}\n   set: {norm(it["title"])!r}\n   ours: {norm(m.get("title"))!r}')
if what in ('date', 'all'):
    bad = [r for r in rows if r[2].get('date') and (r[3].get('date') or '') != r[2]['date'][:10]]
    print(f'== date: {len(bad)} pages differ')
    for f, url, it, m, _, _ in bad[:limit]:
        print(f'{f} {url}  set {it["date"][:10]} ours {m.get("date")}')
