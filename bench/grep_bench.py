#!/usr/bin/env python3
"""grep-style search without an index: newsgrep against ripgrep and GNU grep.

    make bench-grep                                   # BUILD=build by default
    bench/grep_bench.py --build build/gb [--only reuters21578] [--corpora DIR]
                        [--out bench/results/grep] [--repeat 3] [--wiki-queries 20]

Issue 5: "It must be quick enough to replace `grep -ril` on a few hundred
megabytes: compare it with ripgrep on reuters21578 and wikipedia_en."

Every engine runs once per query as a whole process on the decompressed
docs.jsonl (wall clock from fork to exit, one untimed warm-up, then the
median of --repeat runs, page cache warm):

  newsgrep   $BUILD/newsgrep --color=never -k 10 QUERY FILE
             (the warm-up adds --count: the exact number of matching documents)
  ripgrep    rg -i -F -c -e W1 -e W2 -e "P Q" FILE        (lines = documents)
  GNU grep   LC_ALL=C.UTF-8 grep -i -F -c -e W1 ... FILE

The query's bare words (stop words dropped, as newsgrep's analyzer drops them)
and its quoted phrases (one literal pattern each) are the alternatives of
rg/grep. Their counts are substring matches; a further untimed `-w` run gives
whole-word counts for the sanity column. Standard library only.
"""

import argparse
import datetime
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ in the source tree
HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import queries as qmod  # noqa: E402  (bench/queries.py: query clean-up, stop words)
import bench as benchlib  # noqa: E402  (bench/bench.py: machine_info)

CORPORA = ("reuters21578", "wikipedia_en")
ENGINES = ("newsgrep", "rg", "grep")  # + "before" (--baseline), after newsgrep
BASELINE = {}  # "before": the --baseline binary, run like newsgrep
RUN_TIMEOUT_S = 600
# wikipedia_en: fixed single words (document frequency in the 30,729 articles,
# rg -w) + make_queries.py's titles, title+word pairs and quoted phrases
WIKI_COMMON = ("war", "university", "music", "population")     # 4k-9k articles
WIKI_RARE = ("zeppelin", "saxophone", "marmalade", "quasar")   # 20-150 articles
MAKE_QUERIES_N = 200  # the same file name (and seed) as bench/bench.py's cache


def say(msg):
    print("[grep-bench %s] %s" % (time.strftime("%H:%M:%S"), msg), file=sys.stderr, flush=True)


# ------------------------------------------------------------------ data

def decompress(src, dst):
    """bench.py's cache convention: $BUILD/bench/cache/<corpus>.jsonl."""
    if not os.path.exists(dst):
        say("decompressing %s -> %s" % (src, dst))
        with open(dst + ".tmp", "wb") as f:
            subprocess.run(["zstd", "-q", "-d", "-c", "--long=31", src], stdout=f, check=True)
        os.replace(dst + ".tmp", dst)
    return dst


def reuters_queries(tools, cache, n):
    src = os.path.join(tools, "peers", "queries", "reuters-adhoc.tsv")
    return qmod.read_tsv(src), "peers/queries/reuters-adhoc.tsv (%d news queries)" % len(qmod.read_tsv(src))


def wiki_queries(tools, cache, docs, n):
    gen = os.path.join(cache, "%s.make_queries.%d.tsv" % (os.path.basename(docs), MAKE_QUERIES_N))
    if not os.path.exists(gen):
        say("generating queries with make_queries.py (cached in %s)" % gen)
        subprocess.run([sys.executable, os.path.join(tools, "make_queries.py"), docs,
                        gen + ".tmp", str(MAKE_QUERIES_N)], stdout=subprocess.DEVNULL, check=True)
        os.replace(gen + ".tmp", gen)
    fixed = [("c%d" % (i + 1), w) for i, w in enumerate(WIKI_COMMON)]
    fixed += [("r%d" % (i + 1), w) for i, w in enumerate(WIKI_RARE)]
    m = max(0, n - len(fixed))
    gq = qmod.read_tsv(gen)[:m]
    desc = ("%d fixed single words (%d common: %s; %d rare: %s) + the first %d of "
            "make_queries.py (seed 20261129: titles, title word + body word, quoted phrases)"
            % (len(fixed), len(WIKI_COMMON), ", ".join(WIKI_COMMON), len(WIKI_RARE),
               ", ".join(WIKI_RARE), len(gq)))
    return fixed + gq, desc


def split_query(ngq):
    """newsgrep query (words and "phrases") -> (words, phrases)."""
    words, phrases = [], []
    parts = ngq.split('"')
    for i, seg in enumerate(parts):
        if i % 2 == 1:
            if seg.strip():
                phrases.append(" ".join(seg.split()))
        else:
            words += seg.split()
    return words, phrases


_STOPWORD = {}


def is_stopword(ng, word):
    """Whether newsgrep's analyzer drops the word (`newsgrep tokens` prints
    nothing); bench/queries.py's list when the command fails."""
    w = word.lower()
    if w not in _STOPWORD:
        p = subprocess.run([ng, "tokens", "--", w], capture_output=True, text=True)
        _STOPWORD[w] = (not p.stdout.strip()) if p.returncode == 0 else (w in qmod._STOP)
    return _STOPWORD[w]


def grep_patterns(ng, ngq):
    """The literal alternatives for rg/grep: bare words without the stop words
    newsgrep drops, phrases whole; de-duplicated, order kept."""
    words, phrases = split_query(ngq)
    pats = [w for w in words if not is_stopword(ng, w)] + phrases
    seen, out = set(), []
    for p in pats:
        if p.lower() not in seen:
            seen.add(p.lower())
            out.append(p)
    return out


# ------------------------------------------------------------------ running

def run_once(cmd, env, outpath):
    """(wall s, peak RSS KiB, cpu s, exit status or -signal, stdout text)."""
    with open(outpath, "wb") as out, open(outpath + ".err", "wb") as err:
        t0 = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        deadline = t0 + RUN_TIMEOUT_S
        while True:
            pid, status, ru = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if time.perf_counter() > deadline:
                p.kill()
                pid, status, ru = os.wait4(p.pid, 0)
                break
            time.sleep(0.0005 if time.perf_counter() - t0 < 0.05 else 0.005)
        wall = time.perf_counter() - t0
        p.returncode = 0  # reaped by wait4; keep Popen from waiting again
    rc = os.waitstatus_to_exitcode(status)
    with open(outpath, "rb") as f:
        text = f.read().decode("utf-8", "replace")
    with open(outpath + ".err", "rb") as f:
        errtext = f.read().decode("utf-8", "replace").strip()
    return {"wall": wall, "rss_kib": ru.ru_maxrss, "cpu": ru.ru_utime + ru.ru_stime,
            "rc": rc, "out": text, "err": errtext[-300:]}


def parse_count(engine, res):
    if engine in ("newsgrep", "before"):
        m = re.search(r"^(\d+) matching documents?$", res["out"], re.M)
        return int(m.group(1)) if m else None
    s = res["out"].strip()
    if res["rc"] == 1 and not s:
        return 0  # rg -c prints nothing when nothing matched
    try:
        return int(s.splitlines()[-1])
    except (ValueError, IndexError):
        return None


def commands(engine, ng, ngq, pats, path, k):
    """(timed command, warm-up command, whole-word count command or None)."""
    if engine in ("newsgrep", "before"):
        base = [BASELINE.get(engine, ng), "--color=never", "-k", str(k)]
        return base + ["--", ngq, path], base + ["--count", "--", ngq, path], None
    e = []
    for p in pats:
        e += ["-e", p]
    prog = ["rg", "--no-config"] if engine == "rg" else ["grep"]
    cmd = prog + ["-i", "-F", "-c"] + e + [path]
    return cmd, cmd, prog + ["-i", "-F", "-w", "-c"] + e + [path]


def bench_corpus(name, docs, qs, ng, repeat, k, tmp):
    env_ng = dict(os.environ)
    env_rg = dict(os.environ)
    env_grep = dict(os.environ, LC_ALL="C.UTF-8")
    envs = {"newsgrep": env_ng, "before": env_ng, "rg": env_rg, "grep": env_grep}
    # warm the page cache with the whole file
    with open(docs, "rb") as f:
        while f.read(1 << 24):
            pass
    rows = []
    t_start = time.time()
    for i, (qid, text) in enumerate(qs):
        ngq = qmod.newsgrep_query(text, "or")
        pats = grep_patterns(ng, ngq)
        row = {"qid": qid, "text": text, "newsgrep_query": ngq, "patterns": pats}
        for eng in engines():
            if eng not in ("newsgrep", "before") and not pats:
                row[eng] = {"skipped": "no pattern"}
                continue
            cmd, warm, wcmd = commands(eng, ng, ngq, pats, docs, k)
            outp = os.path.join(tmp, "%s.out" % eng)
            w = run_once(warm, envs[eng], outp)
            r = {"cmd": cmd, "count": parse_count(eng, w), "warmup_wall": w["wall"],
                 "walls": [], "rss_kib": w["rss_kib"], "cpus": [], "rcs": [w["rc"]]}
            if eng in ("newsgrep", "before"):
                r["count_wall"] = w["wall"]
                r["returned"] = len(re.findall(r"^\s*\d+\s+-?\d+\.\d+\s", w["out"], re.M))
            if w["rc"] not in (0, 1):
                r["error"] = w["err"] or "exit status %d" % w["rc"]
            if wcmd:
                ww = run_once(wcmd, envs[eng], outp)
                r["count_w"] = parse_count(eng, ww)
            for _ in range(repeat):
                x = run_once(cmd, envs[eng], outp)
                r["walls"].append(x["wall"])
                r["cpus"].append(x["cpu"])
                r["rss_kib"] = max(r["rss_kib"], x["rss_kib"])
                r["rcs"].append(x["rc"])
                if x["rc"] not in (0, 1) and "error" not in r:
                    r["error"] = x["err"] or "exit status %d" % x["rc"]
            r["wall"] = statistics.median(r["walls"]) if r["walls"] else None
            r["cpu"] = statistics.median(r["cpus"]) if r["cpus"] else None
            row[eng] = r
        rows.append(row)
        ng_ = row["newsgrep"]
        say("%s %d/%d %-5s newsgrep %.3fs (%s docs)%s  rg %s  grep %s   %s" % (
            name, i + 1, len(qs), qid, ng_["wall"], ng_["count"],
            "  before %s (%s docs)" % (fmt_s(row["before"].get("wall")), row["before"].get("count"))
            if "before" in row else "",
            fmt_s(row["rg"].get("wall")), fmt_s(row["grep"].get("wall")), ngq[:50]))
    return rows, time.time() - t_start


def fmt_s(x):
    return "—" if x is None else "%.3fs" % x


# ------------------------------------------------------------------ summary

def engines():
    return ENGINES[:1] + tuple(BASELINE) + ENGINES[1:]


def summarize(rows):
    s = {}
    for eng in engines():
        rs = [r[eng] for r in rows if "wall" in r[eng] and r[eng]["wall"] is not None]
        walls = [r["wall"] for r in rs]
        if not walls:
            continue
        s[eng] = {
            "queries": len(walls),
            "median_s": statistics.median(walls),
            "mean_s": statistics.fmean(walls),
            "max_s": max(walls),
            "total_s": sum(walls),
            "cpu_mean_s": statistics.fmean(r["cpu"] for r in rs),
            "peak_rss_mib": max(r["rss_kib"] for r in rs) / 1024.0,
            "median_rss_mib": statistics.median(r["rss_kib"] for r in rs) / 1024.0,
            "errors": sum(1 for r in rs if "error" in r),
            "matched_docs_total": sum(r["count"] or 0 for r in rs),
        }
        if eng not in ("newsgrep", "before"):
            s[eng]["matched_docs_w_total"] = sum(r.get("count_w") or 0 for r in rs)
    for ng in ("newsgrep", "before"):
        if ng not in s:
            continue
        for peer in ("before", "rg", "grep"):
            if peer in s and peer != ng:
                # over the queries both engines ran
                both = [r for r in rows if r[peer].get("wall") and r[ng].get("wall")]
                s[ng]["vs_" + peer] = {
                    "median_ratio": s[ng]["median_s"] / s[peer]["median_s"],
                    "mean_ratio": s[ng]["mean_s"] / s[peer]["mean_s"],
                    "per_query_ratio_median": statistics.median(
                        r[ng]["wall"] / r[peer]["wall"] for r in both) if both else None,
                }
    return s


def suspicious(rows):
    """Queries where newsgrep matched far fewer documents than rg's whole-word
    count (newsgrep stems, so it should usually find at least as many)."""
    out = []
    for r in rows:
        n, rgw = r["newsgrep"].get("count"), r["rg"].get("count_w")
        if r["newsgrep"].get("error"):
            out.append((r, "newsgrep failed: %s" % r["newsgrep"]["error"]))
        elif n is None:
            out.append((r, "newsgrep printed no count"))
        elif rgw and n < 0.5 * rgw:
            out.append((r, "newsgrep %d vs rg -w %d (%.0f%%)" % (n, rgw, 100.0 * n / rgw)))
    return out


def far_more(rows):
    """Queries where newsgrep matched more than twice rg's whole-word count
    (stemming conflates words; worth a look, not necessarily wrong)."""
    out = []
    for r in rows:
        n, rgw = r["newsgrep"].get("count"), r["rg"].get("count_w")
        if n is not None and rgw is not None and n > 2 * max(rgw, 1) and n - rgw >= 10:
            out.append((r, "newsgrep %d vs rg -w %d" % (n, rgw)))
    return out


def ratio(x):
    if x is None:
        return "—"
    return ("%.2f×" % x) if x < 10 else ("%.0f×" % x)


def sec(x):
    if x is None:
        return "—"
    return "%.3f" % x if x < 10 else "%.1f" % x


def machine_info():
    def first(cmd):
        try:
            return subprocess.run(cmd, capture_output=True, text=True).stdout.strip().splitlines()[0]
        except (OSError, IndexError):
            return "?"
    cpu = benchlib.machine_info()["cpu"]
    mem = "?"
    try:
        with open("/proc/meminfo") as f:
            mem = "%.1f GiB" % (int(f.readline().split()[1]) / 1048576.0)
    except (OSError, ValueError, IndexError):
        pass
    return {"host": platform.node(), "kernel": platform.release(), "cpu": cpu,
            "cores": os.cpu_count(), "memory": mem, "load_avg_at_start": os.getloadavg(),
            "rg": first(["rg", "--version"]), "grep": first(["grep", "--version"]),
            "zstd": first(["zstd", "--version"]), "python": platform.python_version(),
            "locale_for_grep": "LC_ALL=C.UTF-8"}


def binary_info(ng):
    h = hashlib.sha256()
    with open(ng, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    ver = subprocess.run([ng, "-V"], capture_output=True, text=True).stdout.strip()
    commit = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", "HEAD"],
                            capture_output=True, text=True).stdout.strip()
    # read-only: --no-optional-locks keeps git from refreshing the shared index
    changed = subprocess.run(["git", "--no-optional-locks", "-C", ROOT, "status", "--porcelain",
                              "--", "lib", "cli", "include"],
                             capture_output=True, text=True).stdout.splitlines()
    mt = datetime.datetime.fromtimestamp(os.path.getmtime(ng), datetime.timezone.utc)
    return {"path": ng, "version": ver, "sha256": h.hexdigest()[:16],
            "mtime": mt.strftime("%Y-%m-%dT%H:%M:%SZ"), "git_head": commit or "?",
            "uncommitted_source_files": len(changed)}


def write_md(path, meta, results):
    L = []
    A = L.append
    A("# grep-style search: newsgrep vs ripgrep vs GNU grep")
    A("")
    A("Run %s by `bench/grep_bench.py` (`make bench-grep`). Issue 5: *\"It must be quick "
      "enough to replace `grep -ril` on a few hundred megabytes\"*." % meta["date"])
    A("")
    b, m = meta["binary"], meta["machine"]
    dirty = b.get("uncommitted_source_files", 0)
    A("- newsgrep binary: `%s` (%s, sha256 %s…, built %s, checkout HEAD %s%s)"
      % (b["path"], b["version"], b["sha256"], b["mtime"], b["git_head"],
         ", **%d files of lib/ cli/ include/ changed or new since HEAD**" % dirty if dirty else ""))
    A("- machine: %s, %s cores, %s RAM, Linux %s; load average at start %s — **shared with "
      "other engineers' builds, so absolute times drift; compare the ratios**"
      % (m["cpu"], m["cores"], m["memory"], m["kernel"],
         " ".join("%.2f" % x for x in m["load_avg_at_start"])))
    A("- tools: %s; %s (run with `LC_ALL=C.UTF-8`); Python %s"
      % (m["rg"], m["grep"], m["python"]))
    A("- timing: each command is a whole process (fork to exit, wall clock), one untimed "
      "warm-up, then the median of %d runs; page cache warm (the file is read once before "
      "the corpus starts). Peak RSS = `ru_maxrss` of the process (for rg it includes the "
      "mmap'ed file). CPU = user + sys." % meta["repeat"])
    A("")
    A("**Not the same work.** `rg`/`grep` scan for literal, case-insensitive substrings and "
      "count matching lines. newsgrep (grep mode) parses every JSON line, tokenizes, folds "
      "and stems the text, builds a temporary inverted index in `$TMPDIR`, ranks every match "
      "by BM25 and prints the top %d with snippets. The ratio is what a user waits for, not a "
      "like-for-like comparison of scanning speed." % meta["k"])
    A("")
    A("Commands per query (FILE = the decompressed `docs.jsonl`, one document per line):")
    A("")
    A("| engine | command |")
    A("|---|---|")
    A("| newsgrep | `newsgrep --color=never -k %d QUERY FILE` (the warm-up run adds `--count` "
      "for the matched-documents column) |" % meta["k"])
    A("| ripgrep | `rg --no-config -i -F -c -e W1 -e W2 -e \"P Q\" FILE` |")
    A("| GNU grep | `LC_ALL=C.UTF-8 grep -i -F -c -e W1 -e W2 -e \"P Q\" FILE` |")
    if meta.get("baseline"):
        bb = meta["baseline"]
        A("| before | the newsgrep command with `%s` (%s, sha256 %s…, checkout HEAD %s): "
          "`--baseline`, run right after newsgrep for each query |"
          % (bb["path"], bb["version"], bb["sha256"], bb["git_head"]))
    A("")
    A("The rg/grep patterns are the query's bare words without the stop words newsgrep drops "
      "(asked from `newsgrep tokens`) and each quoted phrase as one literal. Matched docs for rg/grep is "
      "the count of matching lines (= documents): substring matches (`oil` also counts "
      "`soil`), in brackets the whole-word count (`-w`, one untimed run). rg/grep also match the "
      "JSON keys and the metadata fields that newsgrep does not index (reuters21578: `topics`, "
      "`places`, `lewissplit`, `cgisplit`, …; so `split` matches every line), newsgrep only "
      "the title and body, stemmed (`oil` = `oils`).")
    A("")
    A("## Summary")
    A("")
    A("Ratio newsgrep/peer: below 1× newsgrep is faster.")
    A("")
    A("| corpus | docs | MB | queries | engine | median s/query | mean s/query | max s | CPU s mean "
      "| peak RSS MiB | newsgrep/engine (median, mean) | matched docs, sum over queries |")
    A("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|---|---:|")
    for name, c in results.items():
        if "skipped" in c:
            A("| %s | | | | %s | | | | | | | |" % (name, c["skipped"]))
            continue
        s = c["summary"]
        first = True
        for eng in engines():
            if eng not in s:
                continue
            e = s[eng]
            if eng == "newsgrep":
                rr = "1×"
            elif eng == "before":
                v, w = s["newsgrep"].get("vs_before", {}), e.get("vs_grep", {})
                rr = "%s, %s (before/grep: %s, %s)" % (
                    ratio(v.get("median_ratio")), ratio(v.get("mean_ratio")),
                    ratio(w.get("median_ratio")), ratio(w.get("mean_ratio")))
            else:
                v = s["newsgrep"].get("vs_" + eng, {})
                rr = "%s, %s" % (ratio(v.get("median_ratio")), ratio(v.get("mean_ratio")))
            md = "%d" % e["matched_docs_total"]
            if "matched_docs_w_total" in e:
                md += " (-w %d)" % e["matched_docs_w_total"]
            lead = ("| %s | %d | %.0f | %d " % (name, c["docs"], c["bytes"] / 1e6, e["queries"])
                    if first else "| | | | ")
            first = False
            A("%s| %s | %s | %s | %s | %s | %.0f | %s | %s |" % (
                lead, eng, sec(e["median_s"]), sec(e["mean_s"]), sec(e["max_s"]),
                sec(e["cpu_mean_s"]), e["peak_rss_mib"], rr, md))
    A("")
    for name, c in results.items():
        if "skipped" in c:
            continue
        A("## %s" % name)
        A("")
        A("%d documents, %.1f MB of JSONL (`%s`); queries: %s; %.0f s for the whole corpus."
          % (c["docs"], c["bytes"] / 1e6, c["file"], c["queries_source"], c["elapsed_s"]))
        A("")
        sus = c["suspicious"]
        if sus:
            A("**Matched-document check** — queries where newsgrep found fewer than half of "
              "rg's whole-word count, or failed:")
            A("")
            for s in sus:
                A("- `%s` %s: %s" % (s["qid"], s["query"], s["why"]))
            A("")
        else:
            A("Matched-document check: no query where newsgrep found fewer than half of rg's "
              "whole-word count.")
            A("")
        fm = c.get("far_more", [])
        if fm:
            A("Queries where newsgrep matched more than twice rg's whole-word count (stemming "
              "conflates words, e.g. `university`/`universe` → `univers`, `wells` → `well`; "
              "a phrase ending in a stop word matches like its other words alone):")
            A("")
            for s in fm:
                A("- `%s` %s: %s" % (s["qid"], s["query"], s["why"]))
            A("")
        bcol = "before" in c["summary"]
        A("| qid | query | newsgrep s |%s rg s | grep s | newsgrep/rg | newsgrep/grep | newsgrep docs |"
          " rg docs (-w) | grep docs (-w) |" % (" before s |" if bcol else ""))
        A("|---|---|---:|%s---:|---:|---:|---:|---:|---:|---:|" % ("---:|" if bcol else ""))
        for r in c["queries"]:
            n, g, gr = r["newsgrep"], r["rg"], r["grep"]
            q = r["text"].replace("|", "\\|")
            rr = (n["wall"] / g["wall"]) if g.get("wall") and n.get("wall") else None
            rgr = (n["wall"] / gr["wall"]) if gr.get("wall") and n.get("wall") else None
            bw = (" %s |" % sec(r["before"].get("wall"))) if bcol else ""
            err = " (error)" if n.get("error") else ""

            def cnt(x):
                if "count" not in x:
                    return "—"
                return "%s (%s)" % (x["count"], x.get("count_w"))
            A("| %s | %s | %s%s |%s %s | %s | %s | %s | %s | %s | %s |" % (
                r["qid"], q, sec(n.get("wall")), err, bw, sec(g.get("wall")), sec(gr.get("wall")),
                ratio(rr), ratio(rgr), n.get("count"), cnt(g), cnt(gr)))
        A("")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(L))


# ------------------------------------------------------------------ main

def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--build", default=os.environ.get("BUILD", "build"),
                    help="build directory holding the newsgrep binary (default $BUILD or build)")
    ap.add_argument("--corpora", default=os.path.join(ROOT, "..", "shared", "corpora"))
    ap.add_argument("--only", default="", help="comma-separated corpus list (default: %s)"
                    % ",".join(CORPORA))
    ap.add_argument("--out", default=os.path.join(ROOT, "bench", "results", "grep"))
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per query (median)")
    ap.add_argument("-k", type=int, default=10, help="newsgrep results per query")
    ap.add_argument("--baseline", default="",
                    help="another build directory: its newsgrep runs as engine 'before' "
                         "(before/after ratios from one run)")
    ap.add_argument("--baseline-rev", default="", help="the commit --baseline was built from")
    ap.add_argument("--wiki-queries", type=int, default=20,
                    help="size of the wikipedia_en query set (default 20: keeps the run "
                         "near 10 minutes with a slow newsgrep)")
    a = ap.parse_args()

    corpora = os.path.abspath(a.corpora)
    tools = os.path.join(os.path.dirname(corpora), "tools")
    if not os.path.isdir(corpora):
        say("SKIPPED: %s is absent; this benchmark needs the shared reuters21578 and "
            "wikipedia_en corpora (../shared/corpora)" % corpora)
        return 0
    build = os.path.abspath(a.build)
    ng = os.path.join(build, "newsgrep")
    if not os.access(ng, os.X_OK):
        say("error: %s not found; build it first (make BUILD=%s)" % (ng, a.build))
        return 2
    for tool in ("rg", "grep", "zstd"):
        if not shutil.which(tool):
            say("error: %s is not installed (apt-get install ripgrep grep zstd)" % tool)
            return 2
    only = [x for x in a.only.replace(",", " ").split()] or list(CORPORA)
    for x in only:
        if x not in CORPORA:
            say("error: unknown corpus %s (known: %s)" % (x, ", ".join(CORPORA)))
            return 2
    cache = os.path.join(build, "bench", "cache")
    tmp = os.path.join(build, "bench", "grep")
    os.makedirs(cache, exist_ok=True)
    os.makedirs(tmp, exist_ok=True)
    os.makedirs(a.out, exist_ok=True)

    if a.baseline:
        BASELINE["before"] = os.path.join(os.path.abspath(a.baseline), "newsgrep")
        if not os.access(BASELINE["before"], os.X_OK):
            say("error: %s not found" % BASELINE["before"])
            return 2
    meta = {"date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": machine_info(), "binary": binary_info(ng), "repeat": a.repeat, "k": a.k,
            "tmpdir": os.environ.get("TMPDIR") or "/tmp"}
    if a.baseline:
        meta["baseline"] = binary_info(BASELINE["before"])
        meta["baseline"]["git_head"] = a.baseline_rev or "?"
    say("newsgrep %s (%s); results -> %s" % (ng, meta["binary"]["version"], a.out))
    results = {}
    t0 = time.time()
    for name in only:
        src = os.path.join(corpora, name, "docs.jsonl.zst")
        if not os.path.exists(src):
            say("skipping %s: %s is absent" % (name, src))
            results[name] = {"skipped": "%s absent" % src}
            continue
        docs = decompress(src, os.path.join(cache, name + ".jsonl"))
        with open(docs, "rb") as f:
            ndocs = sum(1 for line in f if line.strip())
        if name == "reuters21578":
            qs, qdesc = reuters_queries(tools, cache, 50)
        else:
            qs, qdesc = wiki_queries(tools, cache, docs, a.wiki_queries)
        say("%s: %d docs, %.0f MB, %d queries" % (name, ndocs, os.path.getsize(docs) / 1e6, len(qs)))
        rows, elapsed = bench_corpus(name, docs, qs, ng, a.repeat, a.k, tmp)
        results[name] = {
            "file": os.path.relpath(docs, ROOT), "docs": ndocs, "bytes": os.path.getsize(docs),
            "queries_source": qdesc, "elapsed_s": elapsed, "summary": summarize(rows),
            "suspicious": [{"qid": r["qid"], "query": r["text"], "why": why}
                           for r, why in suspicious(rows)],
            "far_more": [{"qid": r["qid"], "query": r["text"], "why": why}
                         for r, why in far_more(rows)],
            "queries": rows,
        }
    meta["elapsed_s"] = time.time() - t0
    with open(os.path.join(a.out, "results.json"), "w", encoding="utf-8") as f:
        json.dump({"meta": meta, "corpora": results}, f, indent=1, ensure_ascii=False)
    write_md(os.path.join(a.out, "results.md"), meta, results)
    say("done in %.0f s: %s" % (meta["elapsed_s"], os.path.join(a.out, "results.md")))
    for name, c in results.items():
        s = c.get("summary", {})
        if "newsgrep" in s:
            v = s["newsgrep"]
            say("%s: newsgrep median %.3fs mean %.3fs; /rg %s; /grep %s" % (
                name, v["median_s"], v["mean_s"],
                ratio(v.get("vs_rg", {}).get("median_ratio")),
                ratio(v.get("vs_grep", {}).get("median_ratio"))))
            if "before" in s:
                b = s["before"]
                say("%s: before median %.3fs mean %.3fs; /grep %s; newsgrep/before %s" % (
                    name, b["median_s"], b["mean_s"],
                    ratio(b.get("vs_grep", {}).get("median_ratio")),
                    ratio(v.get("vs_before", {}).get("median_ratio"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
