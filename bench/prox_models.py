#!/usr/bin/env python3
"""Term-proximity models compared off-line (issue 16; bench/README.md,
"Term proximity"): re-ranks the plain BM25 top-1000 runs of
bench/prox_eval.sh with a proximity bonus computed here from each
document's positions (`newsgrep tokens`, as the index sees them) and
prints nDCG@10 (treceval.py) per collection and the mean.

    NG=build/newsgrep bench/prox_eval.sh WORKDIR      # makes WORKDIR/<c>.bm25.run, <c>.q
    NG=build/newsgrep bench/prox_models.py WORKDIR [MODEL...]

MODEL: pairs (the engine's model), bm25tp, rasolofo, mindist, allpairs,
sdm, song (default: all). Positions are cached in WORKDIR/<c>.pos.pickle.
The index's k1 = 1.2 and b = 0.75 are assumed (the collections' default).
"""
import json, math, os, pickle, re, subprocess, sys

K1, B = 1.2, 0.75
COLS = ["cranfield", "cisi", "med", "cacm", "npl"]
HERE = os.path.dirname(os.path.abspath(__file__))
SHARED = os.path.normpath(os.path.join(HERE, "..", "..", "shared"))
if not os.path.isdir(SHARED):
    SHARED = "/work/shared"
NG = os.environ.get("NG", "build/newsgrep")


def tokens(text):
    out = subprocess.run([NG, "tokens", "-"], input=text, capture_output=True,
                         text=True, check=True).stdout
    return [(l.split("\t")[0], int(l.split("\t")[1])) for l in out.splitlines()]


def prepare(work, c):
    """Positions per document and the queries' words, in order (a phrase
    of the query breaks the order: marked zqzsep)."""
    cache = os.path.join(work, c + ".pos.pickle")
    if os.path.exists(cache):
        return pickle.load(open(cache, "rb"))
    docs = [json.loads(l) for l in open(os.path.join(SHARED, "corpora", c, "docs.jsonl"))]
    parts = []
    for d in docs:  # zqzsep takes the title/body gap's position
        parts.append("zqzdoc")
        if d.get("title"):
            parts += [d["title"], "zqzsep"]
        parts.append(d.get("body", ""))
    pos, cur, start, i = {}, None, 0, -1
    for t, p in tokens("\n".join(parts)):
        if t.startswith("zqzdoc"):
            i += 1
            cur = pos[docs[i]["id"]] = {"pos": {}, "dl": 0}
            start = p + 1
        elif not t.startswith("zqzsep"):
            cur["pos"].setdefault(t, []).append(p - start)
            cur["dl"] += 1
    qs = {}
    for line in open(os.path.join(work, c + ".q")):
        qid, text = line.rstrip("\n").split("\t", 1)
        qs[qid] = [t for t, _ in tokens(re.sub(r'"[^"]*"', " zqzsep ", text))]
    data = {"docs": pos, "queries": qs}
    pickle.dump(data, open(cache, "wb"))
    return data


def load(work, c, memo={}):
    if c in memo:
        return memo[c]
    d = prepare(work, c)
    docs = d["docs"]
    d["N"] = len(docs)
    d["avgdl"] = sum(x["dl"] for x in docs.values()) / d["N"]
    df = {}
    for x in docs.values():
        for t in x["pos"]:
            df[t] = df.get(t, 0) + 1
    d["df"] = df
    run = {}
    for line in open(os.path.join(work, c + ".bm25.run")):
        q, _, doc, _, s, _ = line.split()
        run.setdefault(q, []).append((doc, float(s)))
    d["run"] = run
    memo[c] = d
    return d


def ndcg(work, c, scores):
    path = os.path.join(work, c + ".model.run")
    with open(path, "w") as f:
        for q, lst in scores.items():
            for r, (doc, s) in enumerate(sorted(lst, key=lambda x: -x[1])):
                f.write("%s Q0 %s %d %.9f m\n" % (q, doc, r + 1, s))
    j = json.loads(subprocess.run(
        [sys.executable, os.path.join(SHARED, "tools/peers/treceval.py"),
         os.path.join(SHARED, "corpora", c, "qrels.txt"), path, "--json"],
        capture_output=True, text=True, check=True).stdout)
    return j.get("mean", j)["ndcg@10"]


def evaluate(work, bonus, **kw):
    """nDCG@10 per collection of BM25 + bonus(doc, query words, idf, K)."""
    res = []
    for c in COLS:
        d = load(work, c)
        out = {}
        for q, lst in d["run"].items():
            words = d["queries"].get(q, [])
            idf = {t: math.log(1 + (d["N"] - d["df"].get(t, 0) + 0.5) /
                               (d["df"].get(t, 0) + 0.5)) for t in words}
            new = []
            for doc, s in lst:
                x = d["docs"][doc]
                K = K1 * (1 - B + B * x["dl"] / d["avgdl"])
                new.append((doc, s + bonus(x, words, idf, K, **kw)))
            out[q] = new
        res.append(ndcg(work, c, out))
    return res


def distinct(words):
    return [t for t in dict.fromkeys(words) if not t.startswith("zqz")]


def merged(x, qt):
    return sorted((p, i) for i, t in enumerate(qt) for p in x["pos"].get(t, []))


def followed(pa, pb, w):
    sb = set(pb)
    return sum(1 for p in pa if any(p + k in sb for k in range(1, w + 1)))


# ---- the models -----------------------------------------------------------

def pairs(x, words, idf, K, weight=0.5, window=2):
    """The engine's: ordered pairs of neighbouring query words."""
    seq = list(dict.fromkeys(words))
    s = 0.0
    for a, b in zip(seq, seq[1:]):
        if a.startswith("zqz") or b.startswith("zqz"):
            continue
        pa, pb = x["pos"].get(a), x["pos"].get(b)
        if pa and pb:
            tf = followed(pa, pb, window)
            s += weight * (K1 + 1) * tf / (tf + K)
    return s


def bm25tp(x, words, idf, K, weight=1.0, window=5, cap=True):
    """Buettcher et al. 2006."""
    qt = distinct(words)
    occ = merged(x, qt)
    acc = [0.0] * len(qt)
    for (p1, a), (p2, b) in zip(occ, occ[1:]):
        if a != b and 0 < p2 - p1 <= window:
            d2 = (p2 - p1) ** 2
            acc[a] += idf[qt[b]] / d2
            acc[b] += idf[qt[a]] / d2
    return sum(weight * words.count(t) * (min(1.0, idf[t]) if cap else idf[t]) *
               (K1 + 1) * acc[i] / (acc[i] + K) for i, t in enumerate(qt) if acc[i] > 0)


def rasolofo(x, words, idf, K, weight=1.0, window=5):
    """Rasolofo & Savoy 2003: every pair of query terms."""
    qt = distinct(words)
    s = 0.0
    for i in range(len(qt)):
        for j in range(i + 1, len(qt)):
            tp = sum(1.0 / (p - r) ** 2 for p in x["pos"].get(qt[i], [])
                     for r in x["pos"].get(qt[j], []) if 0 < abs(p - r) <= window)
            if tp:
                s += weight * (K1 + 1) * tp / (K + tp) * min(idf[qt[i]], idf[qt[j]])
    return s


def mindist(x, words, idf, K, weight=1.0, alpha=0.3):
    """Tao & Zhai 2007, as a bonus: log(1 + e^-d / alpha)."""
    occ = merged(x, distinct(words))
    ds = [p2 - p1 for (p1, a), (p2, b) in zip(occ, occ[1:]) if a != b and p2 > p1]
    return weight * math.log(1 + math.exp(-min(ds)) / alpha) if ds else 0.0


def allpairs(x, words, idf, K, weight=0.2, window=2):
    """Every pair of query words, either order."""
    qt = distinct(words)
    s = 0.0
    for i in range(len(qt)):
        for j in range(i + 1, len(qt)):
            pa, pb = x["pos"].get(qt[i]), x["pos"].get(qt[j])
            if pa and pb:
                sb = set(pb)
                tf = sum(1 for p in pa if any(p + k in sb or p - k in sb
                                              for k in range(1, window + 1)))
                s += weight * (K1 + 1) * tf / (tf + K) if tf else 0.0
    return s


def sdm(x, words, idf, K, lo=0.2, lu=0.1, window=8, pw="min"):
    """Neighbouring query words: ordered (adjacent) and unordered windows."""
    seq = list(dict.fromkeys(words))
    s = 0.0
    for a, b in zip(seq, seq[1:]):
        if a.startswith("zqz") or b.startswith("zqz"):
            continue
        pa, pb = x["pos"].get(a), x["pos"].get(b)
        if not pa or not pb:
            continue
        o = sum(1 for p in pa for r in pb if r - p == 1)
        u = sum(1 for p in pa for r in pb if 0 < abs(r - p) <= window)
        w = min(idf[a], idf[b]) if pw == "min" else 1.0
        s += w * (K1 + 1) * (lo * o / (o + K) + lu * u / (u + K))
    return s


def song(x, words, idf, K, xx=0.25, yy=0.3, dmax=10):
    """Song et al. 2008: tf replaced by span densities (a whole score, so
    returned as the difference to BM25)."""
    qt = distinct(words)
    spans, cur = [], []
    for p, t in merged(x, qt):
        if cur and (p - cur[-1][0] > dmax or any(t == u for _, u in cur)):
            spans.append(cur)
            cur = []
        cur.append((p, t))
    if cur:
        spans.append(cur)
    rc = [0.0] * len(qt)
    for sp in spans:
        n = len(sp)
        width = sp[-1][0] - sp[0][0] + 1 if n > 1 else 1
        for _, t in sp:
            rc[t] += (n / width) ** xx * n ** yy
    s = 0.0
    for i, t in enumerate(qt):
        tf = len(x["pos"].get(t, []))
        if tf:
            w = words.count(t) * idf[t] * (K1 + 1)
            s += w * rc[i] / (rc[i] + K) - w * tf / (tf + K)
    return s


GRID = {
    "pairs": [dict(weight=w, window=n) for w in (0.25, 0.5, 0.75, 1.0) for n in (1, 2, 3)],
    "bm25tp": [dict(weight=w) for w in (0.25, 0.5, 1.0, 2.0)] +
              [dict(window=n) for n in (3, 10, 50)] +
              [dict(weight=w, cap=False) for w in (0.1, 0.2, 0.3)],
    "rasolofo": [dict(weight=w) for w in (0.1, 0.25, 0.5, 1.0)],
    "mindist": [dict(weight=w, alpha=a) for w in (0.5, 1.0, 2.0) for a in (0.1, 0.3)],
    "allpairs": [dict(weight=w, window=n) for w, n in
                 ((0.2, 1), (0.2, 2), (0.1, 2), (0.3, 2), (0.2, 3))],
    "sdm": [dict(lo=o, lu=u) for o, u in
            ((0.1, 0), (0.2, 0), (0.4, 0), (0, 0.1), (0, 0.2), (0.1, 0.1), (0.2, 0.1))],
    "song": [dict(xx=a, yy=b, dmax=m) for a, b, m in
             ((0.25, 0.3, 10), (0.25, 0.3, 5), (0.1, 0.3, 10), (0.25, 0.5, 10),
              (0.0, 0.3, 10), (0.1, 0.2, 10))],
}


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    work = sys.argv[1]
    models = sys.argv[2:] or list(GRID)
    print("| model | setting | " + " | ".join(COLS) + " | mean |")
    print("|---|---|" + "---:|" * (len(COLS) + 1))
    r = evaluate(work, lambda *a, **k: 0.0)
    print("| BM25 | | " + " | ".join("%.4f" % v for v in r) + " | %.4f |" % (sum(r) / 5))
    for m in models:
        for kw in GRID[m]:
            r = evaluate(work, globals()[m], **kw)
            setting = " ".join("%s=%s" % kv for kv in kw.items())
            print("| %s | %s | " % (m, setting) + " | ".join("%.4f" % v for v in r) +
                  " | %.4f |" % (sum(r) / 5), flush=True)


if __name__ == "__main__":
    main()
