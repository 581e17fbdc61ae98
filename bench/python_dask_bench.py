#!/usr/bin/python3
"""Bench of newsgrep.dask: build and search a corpus on 1, 2 and 4 local
Dask workers (one thread each), against one in-process index.

  /usr/bin/python3 bench/python_dask_bench.py [--corpus ../shared/corpora/wikipedia_en]
      [--split] [--limit N] [--workers 1,2,4] [--queries 200]

--split first cuts the articles into news-sized pieces with
../shared/tools/split_paragraphs.py (as bench/README.md does). Prints, for
each worker count: build time; per-query latency (one query per call: two
rounds of one task per shard) and batch time per query (search_many), each
as a ratio to the in-process Reader over one index measured in the same
run; the scatter/gather overhead (the Dask search against an in-process
Reader over the same shard directories, which does the same work in one
process); shard sizes on disk and the workers' memory (RSS now, peak). A
sample of the queries is checked to rank bit for bit like the one index.
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


def du(path):
    return sum(f.stat().st_size for f in Path(path).rglob("*") if f.is_file())


def memory_kib():
    """VmRSS and VmHWM of this process (run on each worker)."""
    out = {}
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(("VmRSS:", "VmHWM:")):
                out[line.split(":")[0]] = int(line.split()[1])
    return out["VmRSS"], out["VmHWM"]


def prepare(args, tmp):
    """Four JSONL input files (round robin) and the queries (1-3 words of
    sampled titles), streamed: the corpus is never held in memory."""
    src = Path(args.corpus) / "docs.jsonl.zst"
    if not src.exists():
        sys.exit(f"{src}: missing (see ../shared/corpora/README.md)")
    if args.split:
        split = tmp / "split.jsonl"
        tool = REPO.parent / "shared" / "tools" / "split_paragraphs.py"
        subprocess.run([sys.executable, str(tool), str(src), str(split)], check=True)
        src = split
    files = [open(tmp / f"part{j}.jsonl", "w") for j in range(4)]
    rng = random.Random(7)
    titles, n = [], 0
    for d in read_jsonl(str(src)):
        if args.limit and n >= args.limit:
            break
        files[n % 4].write(json.dumps(d) + "\n")
        n += 1
        if len(titles) < 4000:
            titles.append(d.get("title") or "")
        elif rng.random() < 4000 / n:
            titles[rng.randrange(4000)] = d.get("title") or ""
    for f in files:
        f.close()
    words = [w for t in titles for w in t.lower().split() if w.isalpha() and len(w) > 3]
    queries = [" ".join(rng.sample(words, rng.randint(1, 3))) for _ in range(args.queries)]
    return [f.name for f in files], n, src, queries


def latencies(search, queries):
    for q in queries[:20]:
        search(q)  # warm
    lat = []
    for q in queries:
        t, _ = timed(lambda: search(q))
        lat.append(t)
    return statistics.median(lat)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", default=str(REPO.parent / "shared" / "corpora" / "wikipedia_en"))
    ap.add_argument("--split", action="store_true", help="split articles into paragraphs")
    ap.add_argument("--limit", type=int, default=0, help="first N documents (0 = all)")
    ap.add_argument("--workers", default="1,2,4")
    ap.add_argument("--queries", type=int, default=200)
    args = ap.parse_args()
    from distributed import Client, LocalCluster

    tmp = Path(tempfile.mkdtemp(prefix="ng-dask-bench-"))
    parts, n_docs, src, queries = prepare(args, tmp)
    mb = sum(os.path.getsize(p) for p in parts) / 1e6
    print(f"corpus {src.name} ({Path(args.corpus).name}{', split' if args.split else ''}): "
          f"{n_docs} documents, {mb:.1f} MB JSONL; {len(queries)} queries of 1-3 title "
          f"words, k=10; {os.cpu_count()} cores")
    opts = dict(k=10, fields=False, snippets=False)

    # In process: one index, one Reader.
    def build_one():
        with newsgrep.Index(tmp / "single") as ix:
            for p in parts:
                ix.add_many(read_jsonl(p))
    t_build1, _ = timed(build_one)
    single = newsgrep.Reader(tmp / "single")
    lat_in = latencies(lambda q: single.search(q, **opts), queries)
    size1 = du(tmp / "single")
    print(f"in-process     build {t_build1:6.2f} s   query median {lat_in * 1e3:7.2f} ms"
          f"   index {size1 / 1e6:.0f} MB ({size1 / n_docs:.0f} B/doc;"
          f" {size1 / (mb * 1e6):.2f}x the JSONL)")

    for n in [int(x) for x in args.workers.split(",")]:
        cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                               dashboard_address=None, silence_logs=40)
        client = Client(cluster)
        root = tmp / f"shards{n}"
        t_build, shards = timed(lambda: ShardedIndex.build(client, parts, str(root), n))
        med = latencies(lambda q: shards.search(q, **opts), queries)
        t_batch, got = timed(lambda: shards.search_many(queries, **opts))
        # The same shards searched in this process (ng_reader_open_many):
        # the same search work, no scatter/gather.
        dirs = sorted(str(p) for p in root.glob("shard-*"))
        with newsgrep.Reader(dirs) as multi:
            med_multi = latencies(lambda q: multi.search(q, **opts), queries)
        for q, g in list(zip(queries, got))[:50]:
            e = single.search(q, **opts)
            assert [(h.id, h.score) for h in g] == [(h.id, h.score) for h in e], q
        mem = client.run(memory_kib)
        rss = max(v[0] for v in mem.values()) / 1024
        hwm = max(v[1] for v in mem.values()) / 1024
        sizes = [du(d) for d in dirs]
        batch = t_batch / len(queries)
        print(f"{n} worker(s)    build {t_build:6.2f} s ({t_build / t_build1:4.2f}x in-process)"
              f"   query median {med * 1e3:7.2f} ms ({med / lat_in:5.1f}x;"
              f" scatter/gather +{(med - med_multi) * 1e3:.2f} ms over the shards"
              f" in process, {med_multi * 1e3:.2f} ms)"
              f"   batch {batch * 1e3:6.2f} ms/query ({batch / lat_in:4.2f}x)"
              f"   shard {max(sizes) / 1e6:.0f} MB max"
              f"   worker RSS {rss:.0f} MiB (peak {hwm:.0f} MiB)")
        shards.close()
        client.close()
        cluster.close()
    single.close()
    subprocess.run(["rm", "-rf", str(tmp)])


if __name__ == "__main__":
    main()
