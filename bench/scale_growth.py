#!/usr/bin/env python3
"""How each engine grows with the corpus, from bench/scale.sh's runs.

  scale_growth.py DIR [SIZE...]   (bench/results/scale: DIR/<size>/results.json;
                                  default every size there: pass the sizes of
                                  one run, so that the figures share a run)

Writes DIR/growth.md (per engine and size: documents, index build s, index
MiB, build and search peak RSS, p50 / p99 ms of OR and AND top-10 and
top-1000 and of phrase top-10 over the whole query set, and the growth
factor from the smallest size to the largest) and DIR/growth.svg (the same
figures as small line charts, one per measure, log-scaled: an engine whose
cost grows with the corpus climbs). The SVG is written by hand, so that the
chart needs no matplotlib. Standard library only.
"""
import json
import math
import os
import sys

sys.dont_write_bytecode = True
ORDER = ("newsgrep", "pisa", "lucene", "fts5")
COLORS = {"newsgrep": "#d62728", "pisa": "#1f77b4", "lucene": "#2ca02c", "fts5": "#9467bd"}
SIZE_ORDER = ("350k", "1m", "4m")
QUERIES = (("or", 10), ("and", 10), ("or", 1000), ("and", 1000), ("phrase", 10))


def load(root, only):
    runs = {}
    for size in SIZE_ORDER:
        if only and size not in only:
            continue
        p = os.path.join(root, size, "results.json")
        if os.path.exists(p):
            with open(p) as f:
                runs[size] = json.load(f)
    return runs


def search_of(engine, mode, k):
    for s in engine.get("searches", []):
        if s.get("mode") == mode and s.get("k") == k and s.get("rc") == 0:
            return s
    return None


def facts(runs):
    """{engine: {size: {measure: value}}}"""
    out = {}
    for size, r in runs.items():
        for name, e in r.get("engines", {}).items():
            ix = e.get("index") or {}
            if ix.get("rc") != 0:
                continue
            f = out.setdefault(name, {}).setdefault(size, {})
            f["docs"] = r["corpus"]["docs"]
            f["build_s"] = ix.get("wall_s")
            f["build_cpu_s"] = (ix.get("user_s") or 0) + (ix.get("sys_s") or 0)
            f["index_mib"] = (ix.get("size_bytes") or 0) / 2**20
            f["build_rss_mib"] = (ix.get("peak_rss_kb") or 0) / 1024
            rss = [s.get("peak_rss_kb") or 0 for s in e.get("searches", []) if s.get("rc") == 0]
            f["search_rss_mib"] = max(rss) / 1024 if rss else None
            for mode, k in QUERIES:
                s = search_of(e, mode, k)
                if s:
                    f["%s%d_p50" % (mode, k)] = s["latency"]["p50_ms"]
                    f["%s%d_p99" % (mode, k)] = s["latency"]["p99_ms"]
    return out


def fmt(v, nd=3):
    if v is None:
        return ""
    if v >= 100:
        return "%.0f" % v
    if v >= 10:
        return "%.1f" % v
    return "%.*f" % (nd, v)


def growth_md(runs, fx):
    sizes = [s for s in SIZE_ORDER if s in runs]
    names = sorted(fx, key=lambda n: ORDER.index(n) if n in ORDER else 99)
    L = ["# bench-scale: growth from %s to %s documents\n" % (sizes[0], sizes[-1]),
         "From `bench/scale.sh %s` (results in the size directories; machine, load and"
         % " ".join(sizes),
         "notes in each one's `sets.md`). Latency: warm, single-threaded, over the whole",
         "query set (200 mixed + 224 web queries), ms; RSS: peak resident MiB of the",
         "index build and of the search process (largest over the modes); build CPU s =",
         "user + system (the wall time swings with the machine's load). x = largest",
         "size / smallest. Chart: [growth.svg](growth.svg).\n"]
    cols = [("docs", "docs", 0), ("build_s", "build s", 1), ("build_cpu_s", "build CPU s", 1),
            ("index_mib", "index MiB", 1),
            ("build_rss_mib", "build RSS", 0), ("search_rss_mib", "search RSS", 0)]
    for mode, k in QUERIES:
        cols.append(("%s%d" % (mode, k), "%s top-%d p50 / p99" % (mode.upper(), k), None))
    L.append("| engine | size | " + " | ".join(c[1] for c in cols) + " |")
    L.append("|---|---|" + "---:|" * len(cols))
    for n in names:
        rows = [(s, fx[n][s]) for s in sizes if s in fx[n]]
        for s, f in rows:
            cells = []
            for key, _label, nd in cols:
                if nd is None:
                    a, b = f.get(key + "_p50"), f.get(key + "_p99")
                    cells.append("%s / %s" % (fmt(a), fmt(b)) if a is not None else "")
                elif key == "docs":
                    cells.append("{:,}".format(f[key]))
                else:
                    cells.append(fmt(f.get(key), nd))
            L.append("| %s | %s | %s |" % (n, s, " | ".join(cells)))
        if len(rows) >= 2:
            (_s0, a), (_s1, b) = rows[0], rows[-1]
            cells = []
            for key, _label, nd in cols:
                if nd is None:
                    pa, pb = a.get(key + "_p50"), b.get(key + "_p50")
                    qa, qb = a.get(key + "_p99"), b.get(key + "_p99")
                    cells.append("x%.1f / x%.1f" % (pb / pa, qb / qa) if pa and pb and qa and qb
                                 else "")
                else:
                    va, vb = a.get(key), b.get(key)
                    cells.append("x%.1f" % (vb / va) if va and vb else "")
            L.append("| %s | growth | %s |" % (n, " | ".join(cells)))
    return "\n".join(L) + "\n"


def svg_chart(runs, fx):
    sizes = [s for s in SIZE_ORDER if s in runs]
    names = sorted(fx, key=lambda n: ORDER.index(n) if n in ORDER else 99)
    panels = [("or10_p50", "OR top-10 p50 ms"), ("and10_p50", "AND top-10 p50 ms"),
              ("or1000_p50", "OR top-1000 p50 ms"), ("phrase10_p50", "phrase top-10 p50 ms"),
              ("or10_p99", "OR top-10 p99 ms"), ("build_cpu_s", "index build CPU s"),
              ("index_mib", "index MiB"), ("search_rss_mib", "search peak RSS MiB")]
    pw, ph, cols = 250, 190, 4
    rows = (len(panels) + cols - 1) // cols
    W, H = cols * pw + 20, rows * ph + 70
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="11">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="10" y="18" font-size="14">newsgrep and peers, wikipedia_en split into %s '
         'documents (bench/scale.sh; log scale)</text>' % " / ".join(sizes)]
    lx = 10
    for n in names:
        o.append('<rect x="%d" y="28" width="12" height="12" fill="%s"/>' % (lx, COLORS.get(n, "#777")))
        o.append('<text x="%d" y="38">%s</text>' % (lx + 16, n))
        lx += 30 + 7 * len(n)
    for i, (key, title) in enumerate(panels):
        x0, y0 = 10 + (i % cols) * pw, 55 + (i // cols) * ph
        left, top, w, h = x0 + 42, y0 + 20, pw - 62, ph - 55
        vals = [fx[n][s][key] for n in names for s in sizes
                if s in fx[n] and fx[n][s].get(key)]
        o.append('<text x="%d" y="%d" font-weight="bold">%s</text>' % (x0 + 4, y0 + 12, title))
        o.append('<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#999"/>'
                 % (left, top, w, h))
        if not vals:
            continue
        lo = math.floor(math.log10(min(vals)))
        hi = max(math.ceil(math.log10(max(vals))), lo + 1)

        def ypos(v):
            return top + h - (math.log10(v) - lo) / (hi - lo) * h

        def xpos(j):
            return left + (w * (j + 0.5) / len(sizes))

        for d in range(int(lo), int(hi) + 1):
            y = ypos(10 ** d)
            o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#eee"/>'
                     % (left, left + w, y, y))
            o.append('<text x="%d" y="%.1f" text-anchor="end">%g</text>'
                     % (left - 3, y + 4, 10.0 ** d))
        for j, s in enumerate(sizes):
            o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>'
                     % (xpos(j), top + h + 14, s))
        for n in names:
            pts = [(xpos(j), ypos(fx[n][s][key])) for j, s in enumerate(sizes)
                   if s in fx[n] and fx[n][s].get(key)]
            c = COLORS.get(n, "#777")
            if len(pts) >= 2:
                o.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>'
                         % (c, " ".join("%.1f,%.1f" % p for p in pts)))
            for p in pts:
                o.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (p[0], p[1], c))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def main():
    root = sys.argv[1]
    runs = load(root, sys.argv[2:])
    if not runs:
        sys.exit("scale_growth.py: no <size>/results.json in %s" % root)
    fx = facts(runs)
    with open(os.path.join(root, "growth.md"), "w") as f:
        f.write(growth_md(runs, fx))
    with open(os.path.join(root, "growth.svg"), "w") as f:
        f.write(svg_chart(runs, fx))
    print("scale_growth.py: %s/growth.md, growth.svg" % root, file=sys.stderr)


main()
