"""Writes bench/bench.py's results as results.json, results.md (a table per
corpus: newsgrep, each peer, and newsgrep/peer ratios) and latency.svg (p50
and mean per query type and engine, log scale; SVG written by hand so no
plotting library is needed). Standard library only.
"""

import json
import math
import os

PEERS = ("fts5", "xapian")
COLORS = {"newsgrep": "#d62728", "fts5": "#1f77b4", "xapian": "#2ca02c", "lucene": "#9467bd"}


def fmt(x, nd=2):
    if x is None:
        return "—"
    if isinstance(x, int):
        return "{:,}".format(x)
    if abs(x) >= 100:
        return "%.0f" % x
    if abs(x) >= 10:
        return "%.1f" % x
    return ("%." + str(nd) + "f") % x


def ratio(a, b):
    if a is None or b is None or b == 0:
        return "—"
    r = a / b
    return ("%.3f×" if r < 0.1 else "%.2f×") % r


def mib(b):
    return None if b is None else b / 2**20


def index_rows(c, engines):
    """[(label, {engine: value})] for the index part of a corpus table."""
    def get(e, f):
        ix = c["engines"].get(e, {}).get("index")
        if not ix or ix.get("rc") != 0:
            return None
        return f(ix)
    rows = [
        ("index wall s", lambda ix: ix["wall_s"]),
        ("index CPU s", lambda ix: ix["cpu_s"]),
        ("index peak RSS MiB", lambda ix: mib(ix.get("peak_rss_kb", 0) * 1024)),
        ("index MiB (total)", lambda ix: mib(ix.get("size_bytes"))),
        ("index MiB (without stored text)", lambda ix: mib(ix.get("size_no_text_bytes"))),
        ("document store, % of text", lambda ix: ix.get("docstore_pct_text")),
        ("after `newsgrep merge` (untimed, s)", lambda ix: ix.get("merge_wall_s")),
        ("merged: index MiB without stored text",
         lambda ix: mib(ix.get("merged_size_no_text_bytes"))),
        ("merged: document store, % of text", lambda ix: ix.get("merged_docstore_pct_text")),
    ]
    return [(label, {e: get(e, f) for e in engines}) for label, f in rows]


def query_rows(c, engines, qtypes):
    rows = []
    types = []
    for e in engines:
        for qt in c["engines"].get(e, {}).get("search", {}):
            if qt not in types:
                types.append(qt)
    order = [q for q in qtypes if q in types]
    for qt in order:
        for stat, lab in (("p50_ms", "p50"), ("mean_ms", "mean"), ("p95_ms", "p95"),
                          ("p99_ms", "p99")):
            vals = {}
            for e in engines:
                s = c["engines"].get(e, {}).get("search", {}).get(qt)
                vals[e] = s.get(stat) if s and "error" not in s else None
            rows.append(("%s %s ms" % (qtypes[qt], lab), vals))
    for qt in order:
        vals = {}
        for e in engines:
            s = c["engines"].get(e, {}).get("search", {}).get(qt)
            vals[e] = s.get("avg_returned") if s and "error" not in s else None
        rows.append(("%s: results per query" % qtypes[qt], vals))
    ov = c.get("overlap10") or {}
    for ref in engines:
        if ref == "newsgrep" or not any(ref in ov.get(e, {}) for e in engines):
            continue
        rows.append(("%s: top-10 overlap with %s" % (qtypes.get(ov["query_type"]), ref),
                     {e: 1.0 if e == ref else ov.get(e, {}).get(ref) for e in engines}))
    for m, lab in (("ndcg@10", "nDCG@10"), ("map@1000", "MAP@1000"), ("recall@100", "R@100")):
        vals = {}
        for e in engines:
            s = c["engines"].get(e, {}).get("search", {}).get("or1000")
            ev = (s or {}).get("eval")
            vals[e] = ev.get(m) if ev else None
        if any(v is not None for v in vals.values()):
            rows.append(("%s (OR top-1000 run)" % lab, vals))
    return rows


def corpus_table(c, engines, qtypes):
    peers = [e for e in engines if e != "newsgrep"]
    ng = "newsgrep" in engines
    L = ["## %s" % c["name"], ""]
    runs = ("median of up to %d timed runs (fewer when one run is slow; results.json: "
            "timed_runs)" % c["repeats"]) if c["repeats"] > 1 else "one timed run"
    line = "%s docs, %.1f MiB of text (title + body); queries: %s; %s, each after one " \
        "warm-up pass" % (fmt(c["docs"]), c["text_bytes"] / 2**20, c["queries"], runs)
    if c.get("date_window"):
        line += "; date filter %s..%s" % tuple(c["date_window"])
    L += [line, ""]
    head = "| measure | " + " | ".join(engines) + " |"
    sep = "|---|" + "---:|" * len(engines)
    if ng:
        head += "".join(" newsgrep/%s |" % p for p in peers)
        sep += "---:|" * len(peers)
    L += [head, sep]
    for label, vals in index_rows(c, engines) + query_rows(c, engines, qtypes):
        nd = 4 if label.startswith(("nDCG", "MAP", "R@")) else (1 if "results per" in label else 2)
        if "overlap" in label:
            nd = 2
        if "ms" in label.split():
            nd = 3
        row = "| %s | " % label + " | ".join(fmt(vals.get(e), nd) for e in engines) + " |"
        if ng:
            row += "".join(" %s |" % ("" if "overlap" in label else
                                      ratio(vals.get("newsgrep"), vals.get(p))) for p in peers)
        L.append(row)
    errs = []
    for e in engines:
        ee = c["engines"].get(e, {})
        if ee.get("error"):
            errs.append("%s: %s" % (e, ee["error"]))
        for qt, s in ee.get("search", {}).items():
            if s.get("error"):
                errs.append("%s %s: %s" % (e, qt, s["error"]))
            elif s.get("missing_queries"):
                errs.append("%s %s: %d queries without a latency line" % (
                    e, qt, s["missing_queries"]))
    if errs:
        L += ["", "Failures: " + "; ".join(errs) + "."]
    L.append("")
    return L


def micro_section(res):
    m = res.get("micro")
    if not m:
        return []
    L = ["## Micro-benchmarks (one core)", "", "| benchmark | result | command |", "|---|---:|---|"]
    for name, r in m.items():
        if r.get("error"):
            L.append("| %s | %s | |" % (name, r["error"]))
        else:
            L.append("| %s | %s %s | `%s` (exit %s) |" % (name, fmt(r.get("value")), r.get("unit", ""),
                                                      r.get("cmd", ""), r.get("rc")))
    L += ["", "Full outputs are in results.json.", ""]
    return L


SUMMARY_COLS = (
    ("index wall s", lambda c: _ix(c, "wall_s")),
    ("index MiB w/o text", lambda c: _ix(c, "size_no_text_bytes", 2**-20)),
    ("OR-10 p50 ms", lambda c: _q(c, "or10", "p50_ms")),
    ("OR-10 mean ms", lambda c: _q(c, "or10", "mean_ms")),
    ("AND-10 p50 ms", lambda c: _q(c, "and10", "p50_ms")),
    ("phrase-10 p50 ms", lambda c: _q(c, "phrase10", "p50_ms")),
    ("prefix-10 p50 ms", lambda c: _q(c, "prefix10", "p50_ms")),
    ("nDCG@10", lambda c: _ev(c, "ndcg@10")),
)


def _ix(c, key, scale=1.0):
    def get(e):
        ix = c["engines"].get(e, {}).get("index") or {}
        v = ix.get(key) if ix.get("rc") == 0 else None
        return None if v is None else v * scale
    return get


def _q(c, qt, key):
    def get(e):
        s = c["engines"].get(e, {}).get("search", {}).get(qt) or {}
        return None if s.get("error") else s.get(key)
    return get


def _ev(c, key):
    def get(e):
        s = c["engines"].get(e, {}).get("search", {}).get("or1000") or {}
        return (s.get("eval") or {}).get(key)
    return get


def summary(res):
    """One row per corpus: newsgrep's value (ratio to each peer)."""
    engines = res["engines"]
    peers = [e for e in engines if e != "newsgrep"]
    if "newsgrep" not in engines or not res["corpora"]:
        return []
    L = ["Each cell: newsgrep's figure (%s). Below 1× newsgrep is faster or smaller; "
         "for nDCG@10 above 1× is better." % ", ".join("newsgrep/" + p for p in peers), "",
         "| corpus | " + " | ".join(k for k, _f in SUMMARY_COLS) + " |",
         "|---|" + "---:|" * len(SUMMARY_COLS)]
    for c in res["corpora"]:
        cells = []
        for _k, f in SUMMARY_COLS:
            get = f(c)
            v = get("newsgrep")
            if v is None:
                cells.append("—")
                continue
            nd = 4 if _k == "nDCG@10" else 3 if "ms" in _k else 2
            cells.append("%s (%s)" % (fmt(v, nd), ", ".join(ratio(v, get(p)) for p in peers)))
        L.append("| %s | %s |" % (c["name"], " | ".join(cells)))
    L.append("")
    return L


def markdown(res):
    engines = res["engines"]
    qtypes = res["qtypes"]
    L = ["# newsgrep benchmark (%s mode)" % res["mode"], ""]
    L.append("- date %s; %s, %s cores; %s" % (
        res["date"], res["machine"]["cpu"], res["machine"]["cores"],
        ", ".join("%s %s" % kv for kv in sorted(res.get("versions", {}).items()))))
    L.append("- engines: %s; every engine is a compiled program (newsgrep's CLI batch mode, "
             "bench/peer_fts5.c, bench/peer_xapian.cc), so no interpreter or process start-up "
             "is timed" % ", ".join(engines))
    L.append("- latency: warm (one untimed pass over the query set first), single-threaded, "
             "per query from the query string to the top-k external ids and scores in memory, "
             "as each engine's own latency file reports it")
    L.append("- ratios are newsgrep/peer: below 1× newsgrep is faster / smaller; "
             "for nDCG, MAP, R@100 above 1× is better")
    if res.get("elapsed_s"):
        L.append("- whole run: %.0f s" % res["elapsed_s"])
    for n in res.get("notes", []):
        L.append("- **note**: %s" % n)
    L += ["", "![latency per query type](latency.svg)", ""]
    s = summary(res)
    if s:
        L += ["## Summary", ""] + s
    for c in res["corpora"]:
        L += corpus_table(c, engines, qtypes)
    L += micro_section(res)
    return "\n".join(L) + "\n"


# ------------------------------------------------------------------ svg

def svg(res):
    engines = res["engines"]
    qtypes = res["qtypes"]
    panels = []
    for c in res["corpora"]:
        types = [q for q in qtypes if any(
            q in c["engines"].get(e, {}).get("search", {}) for e in engines)]
        if types:
            panels.append((c, types))
    if not panels:
        return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'
    vals = [c["engines"][e]["search"][q][s]
            for c, types in panels for e in engines for q in types
            for s in ("p50_ms", "mean_ms")
            if c["engines"].get(e, {}).get("search", {}).get(q, {}).get(s)]
    lo = 10 ** math.floor(math.log10(max(min(vals), 1e-4))) if vals else 0.001
    hi = 10 ** math.ceil(math.log10(max(vals))) if vals else 1000
    if hi <= lo:
        hi = lo * 10
    W, PH, top, left = 900, 230, 40, 70
    H = top + len(panels) * (PH + 50) + 30
    o = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="11">' % (W, H),
         '<rect width="100%" height="100%" fill="white"/>',
         '<text x="%d" y="20" font-size="14" font-weight="bold">Query latency, ms (log scale): '
         'bar = p50, tick = mean; warm, single-threaded (%s mode)</text>' % (left, res["mode"])]
    for i, e in enumerate(engines):
        x = W - 330 + i * 105
        o.append('<rect x="%d" y="28" width="10" height="10" fill="%s"/>'
                 '<text x="%d" y="37">%s</text>' % (x, COLORS.get(e, "#888"), x + 14, e))

    def ypos(v, y0):
        v = min(max(v, lo), hi)
        return y0 + PH - PH * (math.log10(v) - math.log10(lo)) / (math.log10(hi) - math.log10(lo))
    for pi, (c, types) in enumerate(panels):
        y0 = top + 20 + pi * (PH + 50)
        o.append('<text x="%d" y="%d" font-weight="bold">%s (%s docs)</text>' % (
            left, y0 - 6, c["name"], "{:,}".format(c["docs"])))
        d = int(round(math.log10(lo)))
        while 10 ** d <= hi * 1.0001:
            y = ypos(10 ** d, y0)
            o.append('<line x1="%d" x2="%d" y1="%.1f" y2="%.1f" stroke="#ddd"/>'
                     '<text x="%d" y="%.1f" text-anchor="end">%g</text>' % (
                         left, W - 10, y, y, left - 4, y + 4, 10 ** d))
            d += 1
        gw = (W - 10 - left) / len(types)
        bw = min(28, (gw - 20) / max(1, len(engines)))
        for ti, q in enumerate(types):
            gx = left + ti * gw + (gw - bw * len(engines)) / 2
            o.append('<text x="%.1f" y="%d" text-anchor="middle">%s</text>' % (
                left + ti * gw + gw / 2, y0 + PH + 16, qtypes[q]))
            for ei, e in enumerate(engines):
                s = c["engines"].get(e, {}).get("search", {}).get(q, {})
                x = gx + ei * bw
                if not s.get("p50_ms"):
                    o.append('<text x="%.1f" y="%.1f" font-size="9" text-anchor="middle">n/a'
                             '</text>' % (x + bw / 2, y0 + PH - 3))
                    continue
                y = ypos(s["p50_ms"], y0)
                o.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s">'
                         '<title>%s %s p50 %.3f ms, mean %.3f ms</title></rect>' % (
                             x + 1, y, bw - 2, y0 + PH - y, COLORS.get(e, "#888"), e, q,
                             s["p50_ms"], s["mean_ms"]))
                ym = ypos(s["mean_ms"], y0)
                o.append('<line x1="%.1f" x2="%.1f" y1="%.1f" y2="%.1f" stroke="black" '
                         'stroke-width="2"/>' % (x + 1, x + bw - 1, ym, ym))
        o.append('<line x1="%d" x2="%d" y1="%d" y2="%d" stroke="black"/>' % (
            left, W - 10, y0 + PH, y0 + PH))
    o.append("</svg>")
    return "\n".join(o) + "\n"


def update_readme(res, readme, rel):
    """Replaces the <!-- MODE results --> section of bench/README.md with the
    summary of this run (so the README carries the latest figures)."""
    try:
        with open(readme, encoding="utf-8") as f:
            text = f.read()
    except OSError:
        return
    b, e = "<!-- %s results begin -->" % res["mode"], "<!-- %s results end -->" % res["mode"]
    if b not in text or e not in text:
        return
    body = ["Latest %s run (%s, %s cores; [full tables](%s/results.md)):" % (
        res["mode"], res["date"], res["machine"]["cores"], rel), ""] + summary(res)
    for n in res.get("notes", []):
        body.append("**Note**: %s" % n)
    new = text[:text.index(b) + len(b)] + "\n" + "\n".join(body) + "\n" + text[text.index(e):]
    with open(readme, "w", encoding="utf-8") as f:
        f.write(new)


def write_all(res, out):
    os.makedirs(out, exist_ok=True)
    for name, text in (("results.json", json.dumps(res, indent=1, sort_keys=False) + "\n"),
                       ("results.md", markdown(res)), ("latency.svg", svg(res))):
        tmp = os.path.join(out, name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as f:
            f.write(text)
        os.replace(tmp, os.path.join(out, name))
