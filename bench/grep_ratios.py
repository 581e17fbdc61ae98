#!/usr/bin/env python3
"""Medians, means and per-query ratios of a grep_bench.py run made with
--baseline: newsgrep ("after"), the baseline ("before") and GNU grep.

    bench/grep_ratios.py bench/results/grep/results.json
"""
import json
import statistics as st
import sys


def main():
    d = json.load(open(sys.argv[1]))
    for name, c in d["corpora"].items():
        qs = c["queries"]
        for m in ("wall", "cpu"):
            v = {e: [q[e][m] for q in qs] for e in ("newsgrep", "before", "grep")}
            med = {e: st.median(x) for e, x in v.items()}
            mean = {e: st.mean(x) for e, x in v.items()}
            ra = [q["newsgrep"][m] / q["grep"][m] for q in qs]
            rb = [q["before"][m] / q["grep"][m] for q in qs]
            print("%s, %d queries, %s: median before %.3f after %.3f grep %.3f; "
                  "mean %.3f %.3f %.3f; before/grep %.2f/%.2f after/grep %.2f/%.2f "
                  "after/before %.2f/%.2f (median/mean); per query after/grep "
                  "%.1f-%.1f-%.1f, before/grep %.1f-%.1f-%.1f (min-median-max)"
                  % (name, len(qs), m, med["before"], med["newsgrep"], med["grep"],
                     mean["before"], mean["newsgrep"], mean["grep"],
                     med["before"] / med["grep"], mean["before"] / mean["grep"],
                     med["newsgrep"] / med["grep"], mean["newsgrep"] / mean["grep"],
                     med["newsgrep"] / med["before"], mean["newsgrep"] / mean["before"],
                     min(ra), st.median(ra), max(ra), min(rb), st.median(rb), max(rb)))


if __name__ == "__main__":
    main()
