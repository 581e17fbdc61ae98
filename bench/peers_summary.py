#!/usr/bin/env python3
"""Summarises bench/results/peers/<corpus>/results.json (written by
bench/peers.sh through ../shared/tools/peers/peerbench.py) into
bench/results/peers/summary.md: nDCG@10 of every engine on every test
collection, and the top-10 latency (p50 / mean) and index figures of every
corpus; the same text replaces the <!-- peers results --> section of
bench/README.md.  Usage: peers_summary.py [RESULTS_DIR]
"""
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ORDER = ["newsgrep", "lucene", "xapian", "fts5"]


def load(d):
    out = {}
    for name in sorted(os.listdir(d)):
        p = os.path.join(d, name, "results.json")
        if os.path.exists(p):
            with open(p, encoding="utf-8") as f:
                out[name] = json.load(f)
    return out


def engines_of(res):
    names = [e for e, v in res["engines"].items() if v.get("available")]
    return sorted(names, key=lambda e: ORDER.index(e) if e in ORDER else 99)


def search(res, e, mode, k):
    for s in res["engines"][e].get("searches", []):
        if s["mode"] == mode and s["k"] == k and not s.get("error"):
            return s
    return None


def f(x, nd):
    return "—" if x is None else ("%." + str(nd) + "f") % x


def quality(all_res):
    rows = [(c, r) for c, r in all_res.items() if r["corpus"].get("qrels")]
    if not rows:
        return []
    engines = [e for e in ORDER if any(e in engines_of(r) for _c, r in rows)]
    L = ["nDCG@10 (OR, top-1000 run; `treceval.py`):", "",
         "| collection | " + " | ".join(engines) + " | best peer |", "|---|" + "---:|" * (len(engines) + 1)]
    for c, r in rows:
        vals = {}
        for e in engines:
            ks = sorted({s["k"] for s in r["engines"].get(e, {}).get("searches", [])}, reverse=True)
            s = search(r, e, "or", ks[0]) if e in r["engines"] and ks else None
            vals[e] = (s or {}).get("eval", {}).get("ndcg@10")
        peers = [v for e, v in vals.items() if e != "newsgrep" and v is not None]
        L.append("| %s | %s | %s |" % (c, " | ".join(f(vals[e], 4) for e in engines),
                                       f(max(peers) if peers else None, 4)))
    return L + [""]


def latency(all_res):
    L = []
    for c, r in all_res.items():
        if r["corpus"].get("qrels"):
            continue  # latency on the tiny test collections: see their own tables
        engines = engines_of(r)
        L += ["%s (%s docs), top-10, p50 / mean ms; index build s and MiB (the whole "
              "directory: newsgrep's includes its document store, the peers store no text):" % (
            c, "{:,}".format(r["corpus"]["docs"])), "",
              "| engine | OR | AND | phrase | index s | index MiB |", "|---|---:|---:|---:|---:|---:|"]
        for e in engines:
            cells = []
            for m in ("or", "and", "phrase"):
                s = search(r, e, m, 10)
                lat = (s or {}).get("latency") or {}
                cells.append("%s / %s" % (f(lat.get("p50_ms"), 3), f(lat.get("mean_ms"), 3)))
            ix = r["engines"][e].get("index") or {}
            size = ix.get("size_bytes")
            cells += [f(ix.get("wall_s"), 1), f(size / 2**20 if size else None, 1)]
            L.append("| %s | %s |" % (e, " | ".join(cells)))
        L.append("")
    return L


def main():
    d = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "results", "peers")
    all_res = load(d)
    if not all_res:
        raise SystemExit("no results under %s" % d)
    dates = sorted(r["date"] for r in all_res.values())
    body = ["Through `bench/peers.sh` (the shared peerbench: FTS5 via Python's sqlite3, Xapian's "
            "C++ search, Lucene 4.10 in the JVM, newsgrep's batch mode); runs %s .. %s; "
            "per-corpus tables in [results/peers/](results/peers/)." % (dates[0], dates[-1]), ""]
    body += quality(all_res) + latency(all_res)
    with open(os.path.join(d, "summary.md"), "w", encoding="utf-8") as fo:
        fo.write("# newsgrep, FTS5, Xapian and Lucene 4.10 (peerbench)\n\n" + "\n".join(body))
    readme = os.path.join(HERE, "README.md")
    text = open(readme, encoding="utf-8").read()
    b, e = "<!-- peers results begin -->", "<!-- peers results end -->"
    if b in text and e in text:
        text = text[:text.index(b) + len(b)] + "\n" + "\n".join(body) + "\n" + text[text.index(e):]
        with open(readme, "w", encoding="utf-8") as fo:
            fo.write(text)
    print("\n".join(body))


main()
