#!/usr/bin/env python3
"""index_stages.py PERF.DATA -- CPU of `newsgrep index` per stage, from a
`perf record --call-graph dwarf` profile: each sample is charged to the first
stage (in the order below) whose function is on its stack; prints the share
and the sample count of each stage. Used for bench/README.md, "Where
indexing time goes":
  perf record --call-graph dwarf,16384 -F 499 -o P newsgrep index -q --threads 1 -i IX DOCS
  bench/index_stages.py P
"""
import subprocess, collections, sys
out = subprocess.run(["perf","script","-i",sys.argv[1],"-F","tid,ip,sym"],capture_output=True,text=True).stdout
stages = [("store: word coding","ngi_wordcode_encode"),("store: training","ngi_wordcode_train"),("store: training","ZDICT_"),
 ("store: zstd","ZSTD_compress"),("signatures","ngi_sig_"),("analysis","ng_analyzer_tokenize"),
 ("memseg insert","add_buffered"),("flush: postings+lexicon","flush_term"),("flush: other","worker_flush"),("input: read+JSON","ngc_ingest_run"),("memseg other","ngi_memseg_add")]
cnt = collections.Counter(); tot=0
for block in out.split("\n\n"):
    lines=[l.strip() for l in block.strip().split("\n") if l.strip()]
    if not lines: continue
    tot+=1
    syms=[l.split(None,1)[1] if len(l.split(None,1))>1 else "" for l in lines[1:]]
    stage="other"
    for name,key in stages:
        if any(key in s for s in syms): stage=name; break
    cnt[stage]+=1
for k,v in cnt.most_common(): print("%-26s %5.1f%% %d"%(k,100*v/tot,v))
print("samples",tot)
