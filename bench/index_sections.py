#!/usr/bin/env python3
"""index_sections.py DIR... -- bytes per section tag, summed over the
seg_*.ngs files of each index directory (read from each file's section
table, lib/FORMAT.md part 1), biggest first, and the total without the
document store (DOCS/DOC2). For bench/README.md's size tables."""
import collections, glob, os, struct, sys

tot = collections.Counter()
for d in sys.argv[1:]:
    for f in sorted(glob.glob(os.path.join(d, "seg_*.ngs"))):
        with open(f, "rb") as fh:
            b = fh.read()
        table, n = struct.unpack_from("<QI", b, len(b) - 40)
        for i in range(n):
            tag, _, _, length, _ = struct.unpack_from("<IIQQQ", b, table + 32 * i)
            tot[struct.pack("<I", tag).decode()] += length
for k, v in sorted(tot.items(), key=lambda x: -x[1]):
    print(f"{k} {v / 1048576:8.2f} MiB {v}")
print("without the store %.2f MiB" % (sum(v for k, v in tot.items() if k not in ("DOCS", "DOC2")) / 1048576))
