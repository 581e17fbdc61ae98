#!/usr/bin/python3
"""Bench of newsgrep.dask: build and search a corpus on 1, 2 and 4 local
Dask workers (one thread each), against one in-process index.

  /usr/bin/python3 bench/python_dask_bench.py [--corpus ../shared/corpora/reuters21578]
      [--workers 1,2,4] [--queries 200]

Prints build time, per-query latency (one query per call: two rounds of one
task per shard) and batch throughput (search_many), each as a ratio to the
in-process Reader measured in the same run.
"""

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "python"))
import newsgrep  # noqa: E402
from newsgrep.dask import ShardedIndex, read_jsonl  # noqa: E402


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return time.perf_counter() - t, out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpora" / "reuters21578"))
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    src = Path(args.corpus) / "docs.jsonl.zst"
    if not src.exists():
        sys.exit(f"{src}: missing (see ../shared/corpora/README.md)")
    from distributed import Client, LocalCluster

    tmp = Path(tempfile.mkdtemp(prefix="ng-dask-bench-"))
    docs = list(read_jsonl(str(src)))
    parts = []
    for j in range(4):  # four input files, read by tasks on the workers
        p = tmp / f"part{j}.jsonl"
        with open(p, "w") as f:
            for d in docs[j::4]:
                f.write(json.dumps(d) + "\n")
        parts.append(str(p))
    rng = random.Random(7)
    words = [w for d in rng.sample(docs, 2000) for w in (d.get("title") or "").lower().split()
             if w.isalpha() and len(w) > 3]
    queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(args.queries)]
    mb = sum(os.path.getsize(p) for p in parts) / 1e6
    print(f"corpus {src.parent.name}: {len(docs)} documents, {mb:.1f} MB JSONL; "
          f"{len(queries)} queries of 1-3 title words; {os.cpu_count()} cores")

    # In process: one index, one Reader.
    def build_one():
        with newsgrep.Index(tmp / "single") as ix:
            for p in parts:
                ix.add_many(read_jsonl(p))
    t_build1, _ = timed(build_one)
    with newsgrep.Reader(tmp / "single") as r:
        for q in queries[:20]:
            r.search(q, fields=False, snippets=False)  # warm
        lat = []
        for q in queries:
            t, _ = timed(lambda: r.search(q, k=10, fields=False, snippets=False))
            lat.append(t)
    lat_in = statistics.median(lat)
    print(f"in-process     build {t_build1:6.2f} s   query median {lat_in * 1e3:7.2f} ms")

    for n in [int(x) for x in args.workers.split(",")]:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
        root = tmp / f"shards{n}"
        t_build, shards = timed(lambda: ShardedIndex.build(client, parts, str(root), n))
        for q in queries[:20]:
            shards.search(q, fields=False, snippets=False)
        lat = []
        for q in queries:
            t, _ = timed(lambda: shards.search(q, k=10, fields=False, snippets=False))
            lat.append(t)
        t_batch, _ = timed(lambda: shards.search_many(queries, k=10, fields=False,
                                                      snippets=False))
        med = statistics.median(lat)
        print(f"{n} worker(s)    build {t_build:6.2f} s ({t_build / t_build1:4.2f}x in-process)"
              f"   query median {med * 1e3:7.2f} ms ({med / lat_in:5.1f}x)"
              f"   batch {t_batch / len(queries) * 1e3:6.2f} ms/query ({t_batch / len(queries) / lat_in:4.2f}x)")
        shards.close()
        client.close()
        cluster.close()
    subprocess.run(["rm", "-rf", str(tmp)])


if __name__ == "__main__":
    main()
