#!/usr/bin/env python3
"""newsgrep side by side with SQLite FTS5 and Xapian (driven by bench/run.sh).

  bench.py quick|full --build BUILD [--corpora DIR] [--out DIR] [--only a,b]

Per corpus: index with every engine (wall, CPU, peak RSS via GNU time, size
total and without stored text), then warm single-threaded query latency per
query type (OR top-10 / top-1000, AND top-10, phrase top-10, prefix, date
filter) from each engine's own per-query latency file, and nDCG@10 / MAP /
R@100 with the test collections' qrels. Writes results.json, results.md and
latency.svg into --out. Standard library only.
"""

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import queries as qmod  # noqa: E402
import report  # noqa: E402

ENGINES = ("newsgrep", "fts5", "xapian")
# query types: name -> (mode, k, query set, filtered by date)
QTYPES = {
    "or10": ("or", 10, "base", False),
    "or1000": ("or", 1000, "base", False),
    "and10": ("and", 10, "base", False),
    "phrase10": ("phrase", 10, "base", False),
    "prefix10": ("or", 10, "prefix", False),
    "date10": ("or", 10, "base", True),
}
QTYPE_LABEL = {"or10": "OR top-10", "or1000": "OR top-1000", "and10": "AND top-10",
               "phrase10": "phrase top-10", "prefix10": "prefix top-10",
               "date10": "date-filtered OR top-10"}
# a further timed run of one engine x query type only starts within this
# many seconds of the first one
REPEAT_BUDGET_S = {"quick": 4.0, "full": 12.0}
DATE_WINDOW = ("1987-04-01", "1987-04-30")  # reuters21578 (5,660 of 21,577 docs)
GEN_DATE_WINDOW = ("2024-04-01", "2024-04-30")


def say(msg):
    print("[bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------ corpora

def plan(mode, corpora):
    """The corpus list of a mode: dicts with name, source, query sets, repeats."""
    tc = ["cranfield", "cisi", "med", "cacm", "npl"]
    if not os.path.isdir(corpora):
        return [dict(name="generated", kind="generated", docs=None, nq=100, prefix=40,
                     repeats=3, types=list(QTYPES), date=GEN_DATE_WINDOW)]
    if mode == "quick":
        return [
            dict(name="cranfield", kind="testcol", types=["or1000", "and10", "phrase10"],
                 repeats=3),
            dict(name="reuters21578", kind="news", nq=60, prefix=40, repeats=3,
                 types=list(QTYPES), date=DATE_WINDOW),
            dict(name="wikipedia_en-split-30k", kind="wikislice", nq=60, prefix=40, repeats=3,
                 types=[t for t in QTYPES if t != "date10"]),
        ]
    out = [dict(name=n, kind="testcol", types=["or1000", "and10", "phrase10"],
                repeats=3) for n in tc]
    out.append(dict(name="reuters21578", kind="news", nq=200, prefix=100, repeats=3,
                    types=list(QTYPES), date=DATE_WINDOW))
    out.append(dict(name="wikipedia_en-split", kind="wikisplit", nq=200, prefix=100, repeats=1,
                    types=[t for t in QTYPES if t != "date10"]))
    out.append(dict(name="wikipedia_en", kind="wiki", nq=200, prefix=100, repeats=1,
                    types=[t for t in QTYPES if t != "date10"]))
    return out


def run(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def zstd_to(src, dst):
    if not os.path.exists(dst):
        with open(dst + ".tmp", "wb") as f:
            run(["zstd", "-q", "-d", "-c", "--long=31", src], stdout=f)
        os.replace(dst + ".tmp", dst)
    return dst


def split_wiki(corpora, cache, tools):
    """The whole wikipedia_en split into news-sized documents (cached)."""
    dst = os.path.join(cache, "wikipedia_en-split.jsonl")
    if not os.path.exists(dst):
        say("splitting wikipedia_en into news-sized documents (cached in %s)" % dst)
        run([sys.executable, os.path.join(tools, "split_paragraphs.py"),
             os.path.join(corpora, "wikipedia_en", "docs.jsonl.zst"), dst + ".tmp"])
        os.replace(dst + ".tmp", dst)
    return dst


def wiki_slice(corpora, cache, tools, n=30000):
    """First n split documents; from the full split when cached, else from
    splitting only the first articles (cheap)."""
    dst = os.path.join(cache, "wikipedia_en-split-30k.jsonl")
    if os.path.exists(dst):
        return dst
    full = os.path.join(cache, "wikipedia_en-split.jsonl")
    if not os.path.exists(full):
        head = os.path.join(cache, "wikipedia_en-head.jsonl")
        with open(head, "wb") as f:
            p1 = subprocess.Popen(["zstd", "-q", "-d", "-c", "--long=31",
                                   os.path.join(corpora, "wikipedia_en", "docs.jsonl.zst")],
                                  stdout=subprocess.PIPE)
            for i, line in enumerate(p1.stdout):
                if i >= 4000:
                    break
                f.write(line)
            p1.kill()
            p1.wait()
        full = os.path.join(cache, "wikipedia_en-head-split.jsonl")
        run([sys.executable, os.path.join(tools, "split_paragraphs.py"), head, full],
            stderr=subprocess.DEVNULL)
        os.remove(head)
    with open(full, "rb") as src, open(dst + ".tmp", "wb") as out:
        for i, line in enumerate(src):
            if i >= n:
                break
            out.write(line)
    os.replace(dst + ".tmp", dst)
    if full.endswith("-head-split.jsonl"):
        os.remove(full)
    return dst


def corpus_docs(c, corpora, cache, tools):
    k = c["kind"]
    if k == "generated":
        dst = os.path.join(cache, "generated.jsonl")
        if not os.path.exists(dst):
            run([sys.executable, os.path.join(HERE, "gen_corpus.py"), dst, "20000"])
        return dst
    if k == "testcol":
        return os.path.join(corpora, c["name"], "docs.jsonl")
    if k in ("news", "wiki"):
        src = os.path.join(corpora, c["name"], "docs.jsonl.zst")
        return zstd_to(src, os.path.join(cache, c["name"] + ".jsonl"))
    if k == "wikisplit":
        return split_wiki(corpora, cache, tools)
    return wiki_slice(corpora, cache, tools)


def corpus_stats(path):
    """docs and UTF-8 bytes of title + "\\n" + body (cached next to the file
    when it is in the cache)."""
    side = path + ".stats.json"
    if os.path.exists(side) and os.path.getmtime(side) >= os.path.getmtime(path):
        with open(side) as f:
            return json.load(f)
    n = tb = dated = 0
    with open(path, encoding="utf-8") as f:
        for line in f:
            if not line.strip():
                continue
            d = json.loads(line)
            n += 1
            tb += len((str(d.get("title") or "") + "\n" + str(d.get("body") or "")).encode())
            dated += bool(d.get("date"))
    st = {"docs": n, "text_bytes": tb, "dated_docs": dated, "jsonl_bytes": os.path.getsize(path)}
    try:
        with open(side, "w") as f:
            json.dump(st, f)
    except OSError:
        pass
    return st


def base_queries(c, docs, corpora, cache, tools, work):
    """(path, source description) of the corpus's base query set."""
    k = c["kind"]
    if k == "testcol":
        return os.path.join(corpora, c["name"], "queries.tsv"), "the collection's own queries"
    if k == "generated":
        return os.path.join(cache, "generated.queries.tsv"), "generated with the corpus"
    # make_queries.py on the corpus itself (wiki split: on the full articles,
    # so the full and split corpora answer the same queries)
    src = docs
    if k == "wikisplit":
        src = zstd_to(os.path.join(corpora, "wikipedia_en", "docs.jsonl.zst"),
                      os.path.join(cache, "wikipedia_en.jsonl"))
    gen = os.path.join(cache, "%s.make_queries.%d.tsv" % (os.path.basename(src), c["nq"]))
    if not os.path.exists(gen):
        run([sys.executable, os.path.join(tools, "make_queries.py"), src, gen + ".tmp",
             str(c["nq"])], stdout=subprocess.DEVNULL)
        os.replace(gen + ".tmp", gen)
    desc = "%d from make_queries.py (seed 20261129)" % len(qmod.read_tsv(gen))
    if k != "news":
        return gen, desc
    adhoc = os.path.join(tools, "peers", "queries", "reuters-adhoc.tsv")
    merged = os.path.join(work, "queries.base.tsv")
    qmod.write_tsv(merged, qmod.read_tsv(adhoc) + qmod.read_tsv(gen))
    return merged, "peers/queries/reuters-adhoc.tsv (50) + " + desc


# ------------------------------------------------------------------ measuring

def parse_time_v(path):
    res = {}
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            if k == "Maximum resident set size (kbytes)":
                res["peak_rss_kb"] = int(v)
            elif k == "User time (seconds)":
                res["user_s"] = float(v)
            elif k == "System time (seconds)":
                res["sys_s"] = float(v)
    return res


def measured(cmd, timeout, stdout_path, log):
    """Run cmd (argv) under GNU time -v and timeout; wall via perf_counter."""
    fd, tpath = tempfile.mkstemp(prefix="bench-time-")
    os.close(fd)
    full = ["/usr/bin/time", "-v", "-o", tpath, "timeout", "-k", "5", str(timeout)] + cmd
    with open(stdout_path or os.devnull, "wb") as so, open(log, "ab") as lg:
        lg.write(("$ %s\n" % " ".join(cmd)).encode())
        lg.flush()
        t0 = time.perf_counter()
        rc = subprocess.run(full, stdout=so, stderr=lg).returncode
        wall = time.perf_counter() - t0
    res = parse_time_v(tpath)
    os.remove(tpath)
    res.update(rc=rc, wall_s=wall, timed_out=rc in (124, 137))
    res["cpu_s"] = res.get("user_s", 0) + res.get("sys_s", 0)
    return res


def dir_size(path):
    total = 0
    for root, _dirs, names in os.walk(path):
        for n in names:
            try:
                total += os.lstat(os.path.join(root, n)).st_size
            except OSError:
                pass
    return total


def percentile(s, p):
    if not s:
        return None
    x = (len(s) - 1) * p / 100.0
    lo = int(x)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (x - lo)


def latency_stats(ms):
    s = sorted(ms)
    return {"n": len(s), "p50_ms": percentile(s, 50), "p95_ms": percentile(s, 95),
            "p99_ms": percentile(s, 99), "mean_ms": sum(s) / len(s) if s else None,
            "max_ms": s[-1] if s else None}


def read_latency(path):
    rows = []
    if not os.path.exists(path):
        return rows
    with open(path, encoding="utf-8") as f:
        for line in f:
            p = line.rstrip("\n").split("\t")
            try:
                rows.append((p[0], float(p[1]), int(p[2]) if len(p) > 2 else -1,
                             int(p[3]) if len(p) > 3 else -1))
            except (ValueError, IndexError):
                continue
    return rows


def median(xs):
    xs = sorted(x for x in xs if x is not None)
    if not xs:
        return None
    m = len(xs) // 2
    return xs[m] if len(xs) % 2 else (xs[m - 1] + xs[m]) / 2


# ------------------------------------------------------------------ engines

class Engine:
    def __init__(self, name, exe, ng=False):
        self.name = name      # engine name
        self.exe = exe        # program
        self.ng = ng          # newsgrep (different command line)

    def index_cmd(self, docs, out):
        if self.ng:
            return [self.exe, "index", "-i", out, "--quiet", docs]
        return [self.exe, "index", docs, out]

    def search_cmd(self, ix, qfile, mode, k, lat, date, warmup):
        if self.ng:
            cmd = [self.exe, "search", "-i", ix, "--queries", qfile, "--trec", self.name,
                   "-k", str(k), "--warmup", str(warmup), "--latency", lat]
            if mode == "and":
                cmd.append("--all")
            if date:
                cmd += ["--since", date[0], "--until", date[1]]
            return cmd
        cmd = [self.exe, "search", ix, qfile, str(k), "--mode", mode, "--latency", lat,
               "--warmup", str(warmup), "--tag", self.name]
        if date:
            cmd += ["--since", date[0], "--until", date[1]]
        return cmd

    def query_file(self, src, mode, work):
        """newsgrep gets the same queries rewritten into its own syntax."""
        if not self.ng:
            return src
        dst = os.path.join(work, "ng.%s.%s" % (mode, os.path.basename(src)))
        qs = [(q, qmod.newsgrep_query(t, mode)) for q, t in qmod.read_tsv(src)]
        qmod.write_tsv(dst, [(q, t) for q, t in qs if t])
        return dst


def ng_quiet_supported(exe):
    try:
        p = subprocess.run([exe, "index", "--help"], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=10)
        return b"--quiet" in p.stdout
    except (OSError, subprocess.TimeoutExpired):
        return False


def ng_stats(exe, ix):
    try:
        p = subprocess.run([exe, "stats", "-i", ix, "--json"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=60)
        return json.loads(p.stdout.decode() or "{}")
    except (OSError, ValueError, subprocess.TimeoutExpired):
        return {}


def ng_merged(exe, ix, text_bytes, timeout, log):
    """Sizes after `newsgrep merge` into one segment (what FTS5's
    'optimize' and Xapian's compact() do inside their timed indexing)."""
    m = measured([exe, "merge", "-i", ix], timeout, None, log)
    s = ng_stats(exe, ix)
    if m["rc"] != 0 or not isinstance(s.get("docstore_bytes"), int):
        return {"merged_error": "merge rc=%s" % m["rc"]}
    size = dir_size(ix)
    return {"merge_wall_s": m["wall_s"],
            "merged_size_no_text_bytes": size - s["docstore_bytes"],
            "merged_docstore_pct_text": 100.0 * s["docstore_bytes"] / text_bytes}


def evaluate(qrels_path, run_path, qids):
    sys.path.insert(0, os.path.join(ARGS.tools, "peers"))
    import treceval  # noqa: E402
    qrels = treceval.read_qrels(qrels_path)
    mean, _per, _n = treceval.evaluate(qrels, treceval.read_run(run_path), qids, depth=1000)
    return {k: mean[k] for k in ("ndcg@10", "map@1000", "recall@100", "mrr@10")}


# make bench should finish within 30 minutes on this 2-core machine: the
# whole-article wikipedia (the same text as the split one, indexed last)
# skips an engine whose time on the split corpus says it would not fit.
FULL_BUDGET_S = 28 * 60
SPENT = {}  # engine -> seconds of its last big-corpus pass (index + queries)


def over_budget(c, e, t_start):
    if c["kind"] != "wiki" or e.name not in SPENT:
        return None
    est = SPENT[e.name]
    if time.time() - t_start + est <= FULL_BUDGET_S:
        return None
    return ("skipped to keep make bench within %d minutes: this engine took %.0f s on the "
            "split corpus (same text), %.0f s of the budget were used" % (
                FULL_BUDGET_S // 60, est, time.time() - t_start))


def index_measured(e, docs, ix, timeout, log, mode):
    """Builds the index; when that is cheap, builds it again (up to 3 times
    within REPEAT_BUDGET_S) and reports the median wall, CPU and peak RSS."""
    t0 = time.time()
    runs = []
    while len(runs) < 3:
        if runs:
            if time.time() - t0 > REPEAT_BUDGET_S[mode]:
                break
            shutil.rmtree(ix, ignore_errors=True)
        r = measured(e.index_cmd(docs, ix), timeout, None, log)
        runs.append(r)
        if r["rc"] != 0:
            return r
    out = dict(runs[-1])
    for key in ("wall_s", "cpu_s", "user_s", "sys_s", "peak_rss_kb"):
        out[key] = median([x.get(key) for x in runs])
    out["runs"] = len(runs)
    out["wall_s_runs"] = [x["wall_s"] for x in runs]
    return out


def bench_corpus(c, engines, corpora, cache, tools, work_root, mode, t_start):
    work = os.path.join(work_root, c["name"])
    if os.path.exists(work):
        shutil.rmtree(work)
    os.makedirs(work)
    log = os.path.join(work, "bench.log")
    docs = corpus_docs(c, corpora, cache, tools)
    st = corpus_stats(docs)
    qbase, qdesc = base_queries(c, docs, corpora, cache, tools, work)
    base = qmod.read_tsv(qbase)
    if c["kind"] == "testcol":
        qdesc += " (%d)" % len(base)
    sets = {"base": qbase}
    if "prefix10" in c["types"]:
        sets["prefix"] = os.path.join(work, "queries.prefix.tsv")
        qmod.write_tsv(sets["prefix"], qmod.prefix_queries(base, c["prefix"]))
    qrels = os.path.join(corpora, c["name"], "qrels.txt") if c["kind"] == "testcol" else None
    res = {"name": c["name"], "kind": c["kind"], "docs_file": os.path.basename(docs),
           "queries": qdesc, "query_counts": {k: len(qmod.read_tsv(v)) for k, v in sets.items()},
           "repeats": c["repeats"], "date_window": c.get("date"), "engines": {}, **st}
    say("%s: %d docs, %.1f MiB text; queries: %s" % (c["name"], st["docs"],
                                                    st["text_bytes"] / 2**20, qdesc))
    subprocess.run(["cat", docs], stdout=subprocess.DEVNULL)  # same page-cache state
    timeout_ix = 1800 if mode == "full" else 300
    timeout_q = 900 if mode == "full" else 120
    for e in engines:
        er = res["engines"].setdefault(e.name, {})
        skip = over_budget(c, e, t_start)
        if skip:
            say("%s %s: %s" % (c["name"], e.name, skip))
            er["error"] = skip
            continue
        t_engine = time.time()
        ix = os.path.join(work, "ix." + e.name)
        r = index_measured(e, docs, ix, timeout_ix, log, mode)
        er["index"] = r
        if r["rc"] != 0:
            say("%s %s: index FAILED rc=%s (log %s)" % (c["name"], e.name, r["rc"], log))
            er["error"] = "index failed rc=%s" % r["rc"]
            continue
        r["size_bytes"] = dir_size(ix)
        r["size_no_text_bytes"] = r["size_bytes"]
        if e.ng:
            s = ng_stats(e.exe, ix)
            er["stats"] = s
            if isinstance(s.get("docstore_bytes"), int):
                r["size_no_text_bytes"] = r["size_bytes"] - s["docstore_bytes"]
                r["docstore_pct_text"] = 100.0 * s["docstore_bytes"] / st["text_bytes"]
            else:
                r["size_no_text_bytes"] = None
        say("%s %s: index %.2f s wall, %.2f s CPU, %.0f MiB RSS, %.1f MiB" % (
            c["name"], e.name, r["wall_s"], r["cpu_s"], r.get("peak_rss_kb", 0) / 1024,
            r["size_bytes"] / 2**20))
        er["search"] = {}
        for qt in c["types"]:
            qm, k, qs, dated = QTYPES[qt]
            date = c.get("date") if dated else None
            qfile = e.query_file(sets[qs], qm, work)
            nq = len(qmod.read_tsv(qfile))
            runs = []
            t_type = time.time()
            for rep in range(c["repeats"]):
                if rep and time.time() - t_type > REPEAT_BUDGET_S[mode]:
                    break  # "median of several runs where cheap"
                lat = os.path.join(work, "%s.%s.%d.lat" % (e.name, qt, rep))
                runp = os.path.join(work, "%s.%s.run" % (e.name, qt))
                r = measured(e.search_cmd(ix, qfile, qm, k, lat, date, 1), timeout_q, runp, log)
                rows = read_latency(lat)
                if r["rc"] != 0 or not rows:
                    runs.append({"error": "rc=%s%s, %d latency rows" % (
                        r["rc"], " (timeout)" if r["timed_out"] else "", len(rows))})
                    break
                ls = latency_stats([x[1] for x in rows])
                ls["avg_returned"] = sum(x[2] for x in rows) / len(rows)
                ls["zero_hit"] = sum(1 for x in rows if x[2] == 0)
                ls["missing_queries"] = nq - len(rows)
                ls["search_rss_kb"] = r.get("peak_rss_kb")
                runs.append(ls)
            sr = {"mode": qm, "k": k, "queries": nq, "runs": runs, "timed_runs": len(runs)}
            ok = [x for x in runs if "error" not in x]
            if not ok:
                sr["error"] = runs[-1]["error"] if runs else "not run"
                say("%s %s %s: FAILED %s" % (c["name"], e.name, qt, sr["error"]))
            else:
                for key in ("p50_ms", "p95_ms", "p99_ms", "mean_ms", "avg_returned", "zero_hit",
                            "missing_queries"):
                    sr[key] = median([x[key] for x in ok])
                if qrels and qt == "or1000":
                    sr["eval"] = evaluate(qrels, runp, [q for q, _t in base])
                say("%s %s %s: p50 %.3f ms, mean %.3f ms%s" % (
                    c["name"], e.name, qt, sr["p50_ms"], sr["mean_ms"],
                    (", nDCG@10 %.4f" % sr["eval"]["ndcg@10"]) if "eval" in sr else ""))
            er["search"][qt] = sr
        if e.ng:  # after the searches, which ran on the index as built
            er["index"].update(ng_merged(e.exe, ix, st["text_bytes"], timeout_ix, log))
        shutil.rmtree(ix, ignore_errors=True)
        if c["kind"] == "wikisplit":
            SPENT[e.name] = time.time() - t_engine
    res["overlap10"] = overlaps(work, [e.name for e in engines],
                                "or10" if "or10" in c["types"] else "or1000")
    return res


def top10(path):
    """{qid: [docid...]} of the first 10 lines per query of a TREC run."""
    out = {}
    if not os.path.exists(path):
        return out
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            p = line.split()
            if len(p) >= 6 and len(out.setdefault(p[0], [])) < 10:
                out[p[0]].append(p[2])
    return out


def overlaps(work, names, qt):
    """Agreement of rankings: mean share of engine B's top 10 that is also
    in engine A's top 10, over the queries where B returned something."""
    runs = {n: top10(os.path.join(work, "%s.%s.run" % (n, qt))) for n in names}
    res = {"query_type": qt}
    for a in names:
        for b in names:
            vals = [len(set(runs[a].get(q, [])) & set(lb)) / len(lb)
                    for q, lb in runs[b].items() if lb]
            if vals and a != b:
                res.setdefault(a, {})[b] = sum(vals) / len(vals)
    return res


# ------------------------------------------------------------------ micro

def micro_benchmarks(build, mode, cache):
    """bench_analyzer (MB/s per corpus) and bench_codec (integers/s), when
    run.sh could build them (their sources belong to the analyzer and codec
    engineers; see their headers)."""
    out = {}
    ana = os.path.join(build, "bench", "bench_analyzer")
    inputs = ["reuters21578"] + (["wikipedia_en"] if mode == "full" else [])
    inputs = [n for n in inputs if os.path.exists(os.path.join(cache, n + ".jsonl"))] or \
        ["generated"]
    for name in inputs:
        key = "analyzer " + name
        path = os.path.join(cache, name + ".jsonl")
        if not os.access(ana, os.X_OK):
            out[key] = {"error": "not built (%s missing)" % ana}
            break
        if os.path.exists(path):
            out[key] = micro_run([ana, path], r"([0-9.]+) MB/s", "MB/s")
    codec = os.path.join(build, "bench", "bench_codec")
    if mode == "quick":
        out["codec"] = {"error": "full mode only (bench_codec takes minutes on a loaded 2-core machine)"}
    elif os.access(codec, os.X_OK):
        out["codec"] = micro_run([codec], r"^mean\s+([0-9.]+)", "G int/s (bit unpack, mean of widths)")
    else:
        out["codec"] = {"error": "not built (%s missing)" % codec}
    return out


def micro_run(cmd, pattern, unit):
    import re
    say("running %s" % " ".join(cmd))
    try:
        p = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, timeout=300)
    except subprocess.TimeoutExpired:
        return {"error": "timeout", "cmd": " ".join(cmd)}
    text = p.stdout.decode("utf-8", "replace")
    m = re.search(pattern, text, re.M)
    return {"rc": p.returncode, "value": float(m.group(1)) if m else None, "unit": unit,
            "cmd": " ".join([os.path.basename(cmd[0])] + [os.path.basename(x) for x in cmd[1:]]),
            "output": text[-2500:]}


def machine_info():
    cpu = "?"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return {"cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release()}


def versions(build):
    v = {}
    try:
        v["sqlite"] = subprocess.run(["pkg-config", "--modversion", "sqlite3"],
                                     stdout=subprocess.PIPE).stdout.decode().strip()
        v["xapian"] = subprocess.run(["xapian-config", "--version"],
                                     stdout=subprocess.PIPE).stdout.decode().split()[-1]
        p = subprocess.run([os.path.join(build, "newsgrep"), "--version"], stdout=subprocess.PIPE,
                           stderr=subprocess.DEVNULL, timeout=10)
        line = p.stdout.decode().strip().splitlines()[0] if p.stdout else "?"
        v["newsgrep"] = line[len("newsgrep "):] if line.startswith("newsgrep ") else line
    except (OSError, IndexError, subprocess.TimeoutExpired):
        pass
    return v


def main():
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("mode", choices=("quick", "full"))
    ap.add_argument("--build", default="build")
    ap.add_argument("--corpora", default=os.path.join(HERE, "..", "..", "shared", "corpora"))
    ap.add_argument("--tools", default=os.path.join(HERE, "..", "..", "shared", "tools"))
    ap.add_argument("--out")
    ap.add_argument("--only", help="comma list of corpus names")
    ap.add_argument("--engines", default=",".join(ENGINES))
    ARGS = args = ap.parse_args()
    args.corpora = os.path.abspath(args.corpora)
    args.tools = os.path.abspath(args.tools)
    build = os.path.abspath(args.build)
    out = os.path.abspath(args.out or os.path.join(HERE, "results", args.mode))
    cache = os.path.join(build, "bench", "cache")
    work_root = os.path.join(build, "bench", "work", args.mode)
    for d in (out, cache, work_root):
        os.makedirs(d, exist_ok=True)
    t_start = time.time()
    notes = []
    engines = []
    wanted = args.engines.split(",")
    ng = os.path.join(build, "newsgrep")
    if "newsgrep" in wanted:
        if os.access(ng, os.X_OK):
            e = Engine("newsgrep", ng, ng=True)
            if not ng_quiet_supported(ng):
                e.index_cmd = lambda d, o, _e=e: [_e.exe, "index", "-i", o, d]
            engines.append(e)
        else:
            notes.append("newsgrep not measured: %s is missing (build it with make)" % ng)
    for p in ("fts5", "xapian"):
        if p in wanted:
            engines.append(Engine(p, os.path.join(build, "bench", "peer_" + p)))
    corpora_plan = plan(args.mode, args.corpora)
    if corpora_plan[0]["kind"] == "generated":
        notes.append("%s is absent: the figures below are for a SMALL GENERATED corpus "
                     "(bench/gen_corpus.py), not for real text" % args.corpora)
    if args.only:
        keep = set(args.only.split(","))
        corpora_plan = [c for c in corpora_plan if c["name"] in keep]
    res = {"mode": args.mode, "date": datetime.datetime.utcnow().isoformat(timespec="seconds") + "Z",
           "machine": machine_info(), "versions": versions(build),
           "engines": [e.name for e in engines], "qtypes": QTYPE_LABEL, "corpora": [],
           "notes": notes}
    if any(c["kind"] == "generated" for c in corpora_plan):
        gq = os.path.join(cache, "generated.queries.tsv")
        if not os.path.exists(gq):
            run([sys.executable, os.path.join(HERE, "gen_corpus.py"),
                 os.path.join(cache, "generated.jsonl"), "20000"])
    for c in corpora_plan:
        try:
            res["corpora"].append(bench_corpus(c, engines, args.corpora, cache, args.tools,
                                               work_root, args.mode, t_start))
        except (subprocess.CalledProcessError, OSError) as ex:
            say("%s: skipped (%s)" % (c["name"], ex))
            notes.append("%s skipped: %s" % (c["name"], ex))
        report.write_all(res, out)  # partial results survive an interrupted run
    res["micro"] = micro_benchmarks(build, args.mode, cache)
    res["elapsed_s"] = time.time() - t_start
    report.write_all(res, out)
    if out == os.path.join(HERE, "results", args.mode):
        report.update_readme(res, os.path.join(HERE, "README.md"), "results/" + args.mode)
    say("done in %.0f s: %s/results.md" % (res["elapsed_s"], out))
    sys.stdout.write(open(os.path.join(out, "results.md"), encoding="utf-8").read())


if __name__ == "__main__":
    main()
