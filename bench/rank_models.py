#!/usr/bin/env python3
"""Ranking models beyond the engine's, scored in full off-line (issue 16;
bench/README.md, "Tried next: ... session 6"): every document holding a
query word is scored here from its positions (prox_models.py's cache of
`newsgrep tokens`), the top 1000 go to treceval.py, nDCG@10 per collection
(cranfield cisi med cacm npl, then adi, held out) and the five's mean.
`bm25` and `default` reproduce the engine's figures to the fourth digit.

    NG=build/newsgrep bench/prox_eval.sh WORKDIR       # makes WORKDIR/<c>.q
    TREC_COLS=adi NG=build/newsgrep bench/prox_eval.sh WORKDIR
    NG=build/newsgrep bench/rank_models.py WORKDIR GROUP...

GROUP: check (bm25, default), sdm, span, span2, lm, dfr, blend, bm25l, qtf, grid
(a joint grid of k1, b, pair weight, unordered-window weight, qtf
exponent and BM25+'s delta over cached per-candidate features, numpy;
prints min over the five of nDCG@10 / target, the mean, the setting and
the six figures).
"""
import itertools, math, os, pickle, subprocess, sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import prox_models as pm  # noqa: E402

SHARED = pm.SHARED
sys.path.insert(0, os.path.join(SHARED, "tools", "peers"))
import treceval  # noqa: E402

K1, B = 1.2, 0.75
NG = pm.NG
WORK = None  # set by main


def tokens_pos(text):
    out = subprocess.run([NG, "tokens", "-"], input=text, capture_output=True,
                         text=True, check=True).stdout
    return [(l.split("\t")[0], int(l.split("\t")[1])) for l in out.splitlines()]


class Col:
    def __init__(self, c):
        self.name = c
        d = pm.prepare(WORK, c)
        self.docs = d["docs"]
        self.ids = list(self.docs)
        self.N = len(self.docs)
        self.total = sum(x["dl"] for x in self.docs.values())
        self.avgdl = self.total / self.N
        self.df, self.cf, self.post = {}, {}, {}
        for did, x in self.docs.items():
            for t, p in x["pos"].items():
                self.df[t] = self.df.get(t, 0) + 1
                self.cf[t] = self.cf.get(t, 0) + len(p)
                self.post.setdefault(t, []).append(did)
        self.qrels = treceval.read_qrels(os.path.join(SHARED, "corpora", c, "qrels.txt"))
        qc = os.path.join(WORK, c + ".qparsed.pickle")
        if os.path.exists(qc):
            self.queries = pickle.load(open(qc, "rb"))
        else:
            self.queries = {}
            for line in open(os.path.join(WORK, c + ".q")):
                qid, text = line.rstrip("\n").split("\t", 1)
                parts = text.split('"')
                seq = []  # ('w', term) or ('p', [(term, relpos)...])
                for i, seg in enumerate(parts):
                    toks = tokens_pos(seg) if seg.strip() else []
                    if i % 2 == 1 and len(toks) > 1:
                        p0 = toks[0][1]
                        seq.append(("p", [(t, p - p0) for t, p in toks]))
                    elif i % 2 == 1 and toks:
                        seq.append(("w", toks[0][0]))
                    else:
                        seq += [("w", t) for t, _ in toks]
                self.queries[qid] = seq
            pickle.dump(self.queries, open(qc, "wb"))

    def idf(self, t):
        df = self.df.get(t, 0)
        return math.log(1 + (self.N - df + 0.5) / (df + 0.5))


def phrase_tf(x, ph):
    lists = [set(x["pos"].get(t, ())) for t, _ in ph]
    if not all(lists):
        return 0
    t0, r0 = ph[0]
    return sum(1 for p in x["pos"][t0] if all(p - r0 + r in lists[i]
                                              for i, (t, r) in enumerate(ph)))


class Q:
    """A parsed query: distinct words with qtf (first-occurrence order),
    phrases, the pair sequence."""
    def __init__(self, col, seq):
        self.qtf = {}
        self.phr = []
        order = []  # sequence of items for pairs: term or None (phrase)
        for kind, v in seq:
            if kind == "w":
                if v not in self.qtf:
                    order.append(v)
                self.qtf[v] = self.qtf.get(v, 0) + 1
            else:
                self.phr.append(v)
                order.append(None)
        self.order = order
        self.terms = list(self.qtf)
        self.idf = {t: col.idf(t) for t in self.terms}
        self.nwords = sum(self.qtf.values())
        pairs = []
        for a, b in zip(order, order[1:]):
            if a and b and a != b:
                pairs.append((a, b))
        self.pairs = pairs


def run_model(col, model, **kw):
    """model(col, q, x) -> score or None; returns {qid: {doc: score}}."""
    run = {}
    for qid, seq in col.queries.items():
        q = Q(col, seq)
        cand = set()
        for t in q.terms:
            cand.update(col.post.get(t, ()))
        for ph in q.phr:
            cand.update(col.post.get(ph[0][0], ()))
        res = {}
        for did in cand:
            s = model(col, q, col.docs[did], **kw)
            if s is not None:
                res[did] = s
        top = sorted(res.items(), key=lambda x: (-x[1], x[0]))[:1000]
        run[qid] = dict(top)
    return run


def ndcg(col, run):
    mean, per, n = treceval.evaluate(col.qrels, run)
    return mean["ndcg@10"], per


# ---- models -------------------------------------------------------------

def Knorm(col, x, k1=K1, b=B):
    return k1 * (1 - b + b * x["dl"] / col.avgdl)


def bm25_part(col, q, x, k1=K1, b=B, qw=None):
    K = Knorm(col, x, k1, b)
    s = 0.0
    for t in q.terms:
        tf = len(x["pos"].get(t, ()))
        if tf:
            w = q.qtf[t] if qw is None else qw(q, t)
            s += w * q.idf[t] * (k1 + 1) * tf / (tf + K)
    for ph in q.phr:
        tf = phrase_tf(x, ph)
        if tf:
            idf = sum(col.idf(t) for t, _ in ph)
            s += idf * (k1 + 1) * tf / (tf + K)
    return s


def followed(pa, pb, w):
    j = 0
    tf = 0
    for p in pa:
        while j < len(pb) and pb[j] <= p:
            j += 1
        if j == len(pb):
            break
        tf += pb[j] - p <= w
    return tf


def unordered(pa, pb, w):
    """SDM's unordered window: occurrences of a with b within a window
    of w positions (either side): |pa - pb| < w."""
    sb = pb
    tf = 0
    j = 0
    for p in pa:
        while j < len(sb) and sb[j] <= p - w:
            j += 1
        k = j
        hit = False
        while k < len(sb) and sb[k] < p + w:
            if sb[k] != p:
                hit = True
                break
            k += 1
        tf += hit
    return tf


def pairs_part(col, q, x, K, weight=0.5, window=2, uw=0.0, uwin=8, k1=K1):
    s = 0.0
    for a, b in q.pairs:
        pa, pb = x["pos"].get(a), x["pos"].get(b)
        if pa and pb:
            w = min(1, q.qtf[a], q.qtf[b])
            tf = followed(pa, pb, window)
            if tf and weight:
                s += weight * w * (k1 + 1) * tf / (tf + K)
            if uw:
                tu = unordered(pa, pb, uwin)
                if tu:
                    s += uw * w * (k1 + 1) * tu / (tu + K)
    return s


def bm25(col, q, x, k1=K1, b=B):
    return bm25_part(col, q, x, k1, b)


def default(col, q, x, weight=0.5, window=2, uw=0.0, uwin=8, k1=K1, b=B, qw=None):
    K = Knorm(col, x, k1, b)
    return bm25_part(col, q, x, k1, b, qw) + pairs_part(col, q, x, K, weight, window, uw, uwin, k1)


def evaluate(cols, model, **kw):
    return [ndcg(c, run_model(c, model, **kw))[0] for c in cols]


def fmt(label, vals, adi=None):
    m = sum(vals) / len(vals)
    s = "| %s | %s | %.4f |" % (label, " ".join("%.4f" % v for v in vals), m)
    if adi is not None:
        s += " %.4f |" % adi
    return s


FIVE = ["cranfield", "cisi", "med", "cacm", "npl"]

LOG2E = math.log2(math.e)


def mincover(x, terms):
    """Tao & Zhai: (span, mincover, matched) over the query's distinct
    words present in x."""
    occ = sorted((p, i) for i, t in enumerate(terms) for p in x["pos"].get(t, ()))
    m = len({i for _, i in occ})
    if m < 2:
        return None
    span = occ[-1][0] - occ[0][0]
    # shortest window holding every matched word
    need = m
    cnt = {}
    best = span
    lo = 0
    for hi, (p, i) in enumerate(occ):
        cnt[i] = cnt.get(i, 0) + 1
        if cnt[i] == 1:
            need -= 1
        while need == 0:
            w = p - occ[lo][0]
            if w < best:
                best = w
            j = occ[lo][1]
            cnt[j] -= 1
            if cnt[j] == 0:
                need += 1
            lo += 1
    return span, best, m


def span_model(col, q, x, base=True, weight=1.0, alpha=0.3, kind="cover", norm=True):
    s = default(col, q, x) if base == "default" else bm25(col, q, x)
    r = mincover(x, q.terms)
    if r:
        span, cover, m = r
        d = (cover if kind == "cover" else span) / (m if norm else 1)
        s += weight * math.log(1 + math.exp(-d) / alpha)
    return s


def lm_dir(col, q, x, mu=1000.0):
    s = 0.0
    dl = x["dl"]
    for t in q.terms:
        tf = len(x["pos"].get(t, ()))
        if tf:
            p = col.cf[t] / col.total
            s += q.qtf[t] * math.log(1 + tf / (mu * p))
    for ph in q.phr:
        tf = phrase_tf(x, ph)
        if tf:
            s += math.log(1 + tf / (mu * 1e-6))
    return s + q.nwords * math.log(mu / (dl + mu))


def dph_term(col, tf, dl, cf):
    f = tf / dl
    if f >= 1:
        return 0.0
    norm = (1 - f) ** 2 / (tf + 1)
    return norm * (tf * math.log2(tf * col.avgdl / dl * col.N / cf) +
                   0.5 * math.log2(2 * math.pi * tf * (1 - f)))


def pl2_term(col, tf, dl, cf, c=1.0):
    tfn = tf * math.log2(1 + c * col.avgdl / dl)
    lam = cf / col.N
    return (tfn * math.log2(tfn / lam) + (lam - tfn) * LOG2E +
            0.5 * math.log2(2 * math.pi * tfn)) / (tfn + 1)


def dfr(col, q, x, dm="dph", c=1.0, prox=0.0, scale=1.0):
    s = 0.0
    dl = x["dl"]
    for t in q.terms:
        tf = len(x["pos"].get(t, ()))
        if tf:
            cf = col.cf[t]
            s += q.qtf[t] * (dph_term(col, tf, dl, cf) if dm == "dph"
                             else pl2_term(col, tf, dl, cf, c))
    for ph in q.phr:
        tf = phrase_tf(x, ph)
        if tf:
            s += scale * sum(col.idf(t) for t, _ in ph)
    s *= scale
    if prox:
        s += pairs_part(col, q, x, Knorm(col, x), prox)
    return s


def blend(col, q, x, other="dph", beta=0.5, mu=1000.0):
    """default + beta * another model's per-term scores (term-separable)."""
    s = default(col, q, x)
    dl = x["dl"]
    for t in q.terms:
        tf = len(x["pos"].get(t, ()))
        if tf:
            cf = col.cf[t]
            if other == "dph":
                v = dph_term(col, tf, dl, cf)
            elif other == "pl2":
                v = pl2_term(col, tf, dl, cf)
            else:
                v = math.log(1 + tf / (mu * cf / col.total))
            s += beta * q.qtf[t] * v
    return s


def bm25l(col, q, x, delta=0.5, k1=K1, b=B, prox=0.5):
    s = 0.0
    nb = 1 - b + b * x["dl"] / col.avgdl
    for t in q.terms:
        tf = len(x["pos"].get(t, ()))
        if tf:
            c = tf / nb + delta
            s += q.qtf[t] * q.idf[t] * (k1 + 1) * c / (k1 + c)
    for ph in q.phr:
        tf = phrase_tf(x, ph)
        if tf:
            c = tf / nb + delta
            s += sum(col.idf(t) for t, _ in ph) * (k1 + 1) * c / (k1 + c)
    if prox:
        s += pairs_part(col, q, x, Knorm(col, x, k1, b), prox)
    return s


# query-term weights for long queries
def qw_sqrt(q, t):
    return math.sqrt(q.qtf[t])


def qw_log(q, t):
    return 1 + math.log(q.qtf[t])


def qw_lenadapt(L):
    """saturate qtf (binary) only when the query has more than L words."""
    def f(q, t):
        return q.qtf[t] if q.nwords <= L else 1.0
    return f


def qw_k3len(c):
    """Xapian's k3 saturation, k3 = c * query length in words: short
    queries' repeats saturate, long queries' count almost linearly."""
    def f(q, t):
        k3 = c * q.nwords
        return (k3 + 1) * q.qtf[t] / (k3 + q.qtf[t])
    return f


def qw_k3len_inv(c):
    """k3 = c / length (long queries saturate their repeats more)."""
    def f(q, t):
        k3 = c / q.nwords
        return (k3 + 1) * q.qtf[t] / (k3 + q.qtf[t])
    return f


GROUPS = {
    "sdm": [("default+unord8 uw%.2f" % u, default, dict(uw=u)) for u in (0.1, 0.2, 0.3, 0.5)] +
           [("pairs w0.25 + unord8 uw0.25", default, dict(weight=0.25, uw=0.25)),
            ("default+unord4 uw0.2", default, dict(uw=0.2, uwin=4)),
            ("default+unord16 uw0.2", default, dict(uw=0.2, uwin=16)),
            ("unord8 only uw0.5", default, dict(weight=0.0, uw=0.5))],
    "span2": [("default span w1 a1 norm", span_model, dict(base="default", kind="span", weight=1.0, alpha=1.0)),
              ("default cover w0.5 a1 unnormalised", span_model, dict(base="default", kind="cover", weight=0.5, alpha=1.0, norm=False))],
    "span": [("%s %s w%g a%g norm%s" % (base, kind, w, a, n), span_model,
              dict(base=base, kind=kind, weight=w, alpha=a, norm=n))
             for base in ("default",) for kind in ("cover", "span")
             for w, a in ((0.5, 0.3), (1.0, 0.3), (1.0, 1.0), (2.0, 0.3)) for n in (True,)] +
            [("default cover w1 a0.3 unnormalised", span_model,
              dict(base="default", kind="cover", weight=1.0, alpha=0.3, norm=False))],
    "lm": [("LM dirichlet mu%d" % m, lm_dir, dict(mu=m)) for m in (300, 1000, 2000)],
    "dfr": [("DPH", dfr, dict(dm="dph")),
            ("PL2 c1", dfr, dict(dm="pl2", c=1.0)),
            ("PL2 c3", dfr, dict(dm="pl2", c=3.0)),
            ("PL2 c7", dfr, dict(dm="pl2", c=7.0)),
            ("DPH + pairs 0.5", dfr, dict(dm="dph", prox=0.5)),
            ("DPH + pairs 1", dfr, dict(dm="dph", prox=1.0))],
    "blend": [("default + %g*%s" % (bb, o), blend, dict(other=o, beta=bb))
              for o in ("dph", "lm") for bb in (0.25, 0.5, 1.0)],
    "bm25l": [("BM25L d%g + pairs" % d, bm25l, dict(delta=d)) for d in (0.25, 0.5)],
    "qtf": [("qtf sqrt", default, dict(qw=qw_sqrt)),
            ("qtf 1+log", default, dict(qw=qw_log))] +
           [("qtf binary when > %d words" % L, default, dict(qw=qw_lenadapt(L)))
            for L in (10, 20, 40)] +
           [("k3 = %g*len" % cc, default, dict(qw=qw_k3len(cc))) for cc in (0.05, 0.1, 0.3, 1)] +
           [("k3 = %g/len" % cc, default, dict(qw=qw_k3len_inv(cc))) for cc in (3, 10, 30, 100)],
}


def build(c):
    path = os.path.join(WORK, c + ".feat.pickle")
    if os.path.exists(path):
        return pickle.load(open(path, "rb"))
    col = Col(c)
    out = {"avgdl": col.avgdl, "qrels": col.qrels, "queries": {}}
    for qid, seq in col.queries.items():
        q = Q(col, seq)
        cand = set()
        for t in q.terms:
            cand.update(col.post.get(t, ()))
        for ph in q.phr:
            cand.update(col.post.get(ph[0][0], ()))
        cand = sorted(cand)
        T = len(q.terms) + len(q.phr)
        tf = np.zeros((len(cand), T))
        po = np.zeros((len(cand), max(1, len(q.pairs))))
        pu = np.zeros((len(cand), max(1, len(q.pairs))))
        dl = np.zeros(len(cand))
        for i, did in enumerate(cand):
            x = col.docs[did]
            dl[i] = x["dl"]
            for j, t in enumerate(q.terms):
                tf[i, j] = len(x["pos"].get(t, ()))
            for j, ph in enumerate(q.phr):
                tf[i, len(q.terms) + j] = phrase_tf(x, ph)
            for j, (a, b) in enumerate(q.pairs):
                pa, pb = x["pos"].get(a), x["pos"].get(b)
                if pa and pb:
                    po[i, j] = followed(pa, pb, 2)
                    pu[i, j] = unordered(pa, pb, 8)
        idf = np.array([q.idf[t] for t in q.terms] +
                       [sum(col.idf(t) for t, _ in ph) for ph in q.phr])
        qtf = np.array([q.qtf[t] for t in q.terms] + [1] * len(q.phr), dtype=float)
        if not q.pairs:
            po[:] = 0
            pu[:] = 0
        out["queries"][qid] = dict(ids=np.array(cand), tf=tf, po=po, pu=pu, dl=dl,
                                   idf=idf, qtf=qtf, nw=q.nwords)
    pickle.dump(out, open(path, "wb"))
    return out


def evaluate_fast(F, k1=1.2, b=0.75, pw=0.5, uw=0.0, qp=1.0, delta=0.0):
    vals = []
    for qid, judged in F["qrels"].items():
        f = F["queries"].get(qid)
        if f is None or len(f["ids"]) == 0:
            vals.append(0.0)
            continue
        K = k1 * (1 - b + b * f["dl"] / F["avgdl"])
        tf = f["tf"]
        A = (f["qtf"] ** qp) * f["idf"] * (k1 + 1)
        part = np.where(tf > 0, tf / (tf + K[:, None]) + delta / (k1 + 1), 0.0)
        s = part @ A
        if pw:
            s += pw * (k1 + 1) * (f["po"] / (f["po"] + K[:, None])).sum(1)
        if uw:
            s += uw * (k1 + 1) * (f["pu"] / (f["pu"] + K[:, None])).sum(1)
        # top 10 by score, ties: docid desc byte-wise
        idx = np.argsort(-s, kind="stable")[:40]
        top = sorted(((s[i], f["ids"][i]) for i in idx),
                     key=lambda x: (x[0], x[1].encode()), reverse=True)[:10]
        dcg = sum(judged.get(d, 0) / math.log2(r + 2) for r, (_, d) in enumerate(top)
                  if judged.get(d, 0) > 0)
        ideal = sorted((r for r in judged.values() if r > 0), reverse=True)[:10]
        idcg = sum(g / math.log2(i + 2) for i, g in enumerate(ideal))
        vals.append(dcg / idcg if idcg else 0.0)
    return sum(vals) / len(vals)


TARGET = [0.3738, 0.3887, 0.7038, 0.4930, 0.4478]


GROUPS["check"] = [("bm25", bm25, {}), ("default", default, {})]


def grid():
    Fs = [build(c) for c in FIVE + ["adi"]]
    for k1, b, pw, uw, qp, dl in itertools.product(
            (0.9, 1.2, 1.6), (0.6, 0.75, 0.9), (0, 0.5, 1.0),
            (0, 0.2), (0, 0.5, 1.0), (0, 0.25)):
        v = [evaluate_fast(F, k1, b, pw, uw, qp, dl) for F in Fs]
        ratio = min(v[i] / TARGET[i] for i in range(5))
        print("%.4f %.4f %s %s" % (ratio, sum(v[:5]) / 5, (k1, b, pw, uw, qp, dl),
                                   " ".join("%.4f" % x for x in v)), flush=True)


def main():
    global WORK
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    WORK = sys.argv[1]
    cols = None
    for g in sys.argv[2:]:
        if g == "grid":
            grid()
            continue
        cols = cols or [Col(c) for c in FIVE + ["adi"]]
        for label, m, kw in GROUPS[g]:
            v = evaluate(cols, m, **kw)
            print(fmt(label, v[:5], v[5]), flush=True)


if __name__ == "__main__":
    main()
