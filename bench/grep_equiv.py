#!/usr/bin/env python3
"""grep mode equals an index, on real corpora: same ids, scores, titles,
dates and snippets, and the same number of matches.

    bench/grep_equiv.py --build build [--corpora DIR] [--docs 3000] [--k 20]

For reuters21578 (all of it, the 50 peers/queries/reuters-adhoc.tsv
queries) and the first --docs articles of wikipedia_en (the same words
grep_bench.py uses, titles of its articles and quoted pairs of their
words), builds an index with `newsgrep index` from the same JSONL file and
runs every query both ways: `newsgrep search -i IX --json -k K Q` and
`newsgrep --json -k K Q FILE` (grep mode; its ids are FILE:LINE, mapped
back to the line's own id), then `--count` both ways. Also the same with
--all and with the query as one phrase. Prints each difference and exits
1 if any; standard library only. tests/cli/cases/35 and 40 check the same
on small made-up files (every CI run); this checks it at scale.
"""

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile

sys.dont_write_bytecode = True
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)

WIKI_WORDS = ("war", "university", "music", "population", "zeppelin", "saxophone",
              "marmalade", "quasar")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode not in (0, 1):
        raise SystemExit("failed (%d): %s\n%s" % (p.returncode, " ".join(cmd), p.stderr))
    return p.stdout


def prepare(src, dst, n):
    """The first n lines of the zstd corpus src into dst; line -> id."""
    ids = []
    with open(dst, "wb") as out:
        p = subprocess.Popen(["zstd", "-q", "-d", "-c", "--long=31", src],
                             stdout=subprocess.PIPE)
        for line in p.stdout:
            if n and len(ids) >= n:
                break
            out.write(line)
            ids.append(str(json.loads(line)["id"]))
        p.kill()
        p.wait()
    return ids


def count(text):
    m = re.search(r"^(\d+) matching documents?$", text, re.M)
    return m.group(1) if m else text[-200:]


def results(text, ids=None):
    out = []
    for line in text.splitlines():
        r = json.loads(line)
        if ids is not None:  # FILE:LINE -> the line's id
            r["id"] = ids[int(r["id"].rsplit(":", 1)[1]) - 1]
        r.pop("source", None)
        out.append(r)
    return out


def queries_for(name, path, ids, seed=20261207):
    if name == "reuters21578":
        tsv = os.path.join(ROOT, "..", "shared", "tools", "peers", "queries",
                           "reuters-adhoc.tsv")
        with open(tsv) as f:
            return [l.rstrip("\n").split("\t", 1)[1] for l in f if "\t" in l]
    rnd = random.Random(seed)
    qs = list(WIKI_WORDS)
    with open(path) as f:
        docs = [json.loads(l) for l in f]
    for d in rnd.sample(docs, 12):
        words = [w for w in d["body"].split() if w.isalpha() and len(w) > 3]
        qs.append(d["title"])
        if len(words) >= 2:
            i = rnd.randrange(len(words) - 1)
            qs.append('"%s %s"' % (words[i], words[i + 1]))
            qs.append("%s %s" % (d["title"].split()[0], rnd.choice(words)))
    return qs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpora", default=os.path.join(ROOT, "..", "shared", "corpora"))
    ap.add_argument("--docs", type=int, default=3000, help="wikipedia_en articles")
    ap.add_argument("--k", type=int, default=20)
    a = ap.parse_args()
    ng = os.path.abspath(os.path.join(a.build, "newsgrep"))
    bad = checked = 0
    with tempfile.TemporaryDirectory(prefix="grep-equiv-") as tmp:
        for name, n in (("reuters21578", 0), ("wikipedia_en", a.docs)):
            src = os.path.join(a.corpora, name, "docs.jsonl.zst")
            if not os.path.exists(src):
                print("SKIPPED %s: no %s" % (name, src))
                continue
            path = os.path.join(tmp, name + ".jsonl")
            ids = prepare(src, path, n)
            ix = os.path.join(tmp, name + ".ix")
            run([ng, "index", "-q", "-i", ix, path])
            qs = queries_for(name, path, ids)
            variants = []
            for q in qs:
                variants += [([], q), (["--all"], q)]
                words = q.replace('"', "").split()
                if len(words) > 1:
                    variants.append(([], '"%s"' % " ".join(words)))
            for opts, q in variants:
                k = ["-k", str(a.k)]
                x = results(run([ng, "search", "-i", ix, "--json"] + k + opts + ["--", q]))
                y = results(run([ng, "--json"] + k + opts + ["--", q, path]), ids)
                cx = count(run([ng, "search", "-i", ix, "--count"] + opts + ["--", q]))
                cy = count(run([ng, "--count"] + opts + ["--", q, path]))
                checked += 1
                if x != y or cx != cy:
                    bad += 1
                    print("DIFFER %s %s %r: count %s vs %s" % (name, " ".join(opts), q, cx, cy))
                    for i, (p, r) in enumerate(zip(x, y)):
                        if p != r:
                            print("  #%d index %s\n     grep  %s" % (i + 1, p, r))
                            break
            print("%s: %d documents, %d queries (with --all and as phrases) compared"
                  % (name, len(ids), len(variants)))
    print("grep-equiv: %d compared, %d differ" % (checked, bad))
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
