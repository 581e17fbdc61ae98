#!/usr/bin/env python3
"""Splits a peerbench run of bench/scale.sh by query set (ids m... = the
corpus' make_queries set, w... = bench/queries/web.tsv) and prints one
markdown table per set: p50 / mean ms per engine, mode and K, and
newsgrep's ratio to each peer (same run). Also the index build table.

  scale_report.py OUTDIR      (peerbench's --outdir: results.json, latency/)
Standard library only.
"""
import json
import os
import sys

sys.dont_write_bytecode = True
SETS = (("m", "mixed (make_queries.py, 200)"), ("w", "web (bench/queries/web.tsv, 224)"))
ORDER = ("newsgrep", "pisa", "lucene", "fts5", "xapian")


def pct(v, p):
    v = sorted(v)
    return v[min(len(v) - 1, int(p * len(v)))] if v else None


def read_lat(path):
    rows = {}
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 2 and not line.startswith("#"):
                try:
                    rows[parts[0]] = float(parts[1])
                except ValueError:
                    pass
    return rows


def fmt(x, nd=3):
    return "" if x is None else ("%.*f" % (nd, x))


def main():
    out = sys.argv[1]
    res = json.load(open(os.path.join(out, "results.json")))
    engines = {n: e for n, e in res.get("engines", {}).items() if e.get("index")}
    names = sorted(engines, key=lambda n: ORDER.index(n) if n in ORDER else 99)
    c = res.get("corpus", {})
    m = res.get("machine", {})
    print("# bench-scale: %s\n" % c.get("name", ""))
    print("- docs: %s; machine: %s, %s cores; date %s" % (c.get("docs"), m.get("cpu"),
                                                         m.get("cores"), res.get("date", "")))
    print("- warm, single-threaded, per query inside each engine's process "
          "(peerbench.py); ratio = newsgrep / peer from this run\n")
    print("## Index build\n")
    print("| engine | build s | peak RSS MiB | index MiB |")
    print("|---|---:|---:|---:|")
    for n in names:
        ix = engines[n]["index"]
        print("| %s | %s | %s | %s |" % (n, fmt(ix.get("wall_s"), 1),
                                         fmt((ix.get("peak_rss_kb") or 0) / 1024.0, 0),
                                         fmt((ix.get("size_bytes") or 0) / 2**20, 1)))
    lat = os.path.join(out, "latency")
    for prefix, label in SETS:
        print("\n## %s\n" % label)
        head = "| mode | K | " + " | ".join("%s p50 / mean" % n for n in names)
        head += " | " + " | ".join("ng/%s p50, mean" % n for n in names if n != "newsgrep")
        print(head + " |")
        print("|---|---:|" + "---:|" * (2 * len(names) - 1))
        for mode in ("or", "and", "phrase"):
            for k in (10, 1000):
                cells, stat = [], {}
                for n in names:
                    p = os.path.join(lat, "%s.%s.k%d.tsv" % (n, mode, k))
                    if not os.path.exists(p):
                        cells.append("")
                        continue
                    v = [ms for q, ms in read_lat(p).items() if q.startswith(prefix)]
                    if not v:
                        cells.append("")
                        continue
                    stat[n] = (pct(v, 0.5), sum(v) / len(v))
                    cells.append("%s / %s" % (fmt(stat[n][0]), fmt(stat[n][1])))
                if not stat:
                    continue
                ratios = []
                for n in names:
                    if n == "newsgrep":
                        continue
                    if "newsgrep" in stat and n in stat and stat[n][0] and stat[n][1]:
                        ratios.append("%.2f, %.2f" % (stat["newsgrep"][0] / stat[n][0],
                                                      stat["newsgrep"][1] / stat[n][1]))
                    else:
                        ratios.append("")
                print("| %s | %d | %s | %s |" % (mode, k, " | ".join(cells), " | ".join(ratios)))


main()
