#!/usr/bin/env bash
# The HTTP API of `newsgrep serve` under load, next to the same queries run
# in process. Prints a Markdown table: throughput and p50 / p99 latency at
# 1, 8 and 64 connections (bench/serve_load.c, one epoll client), for
# ids only (fields=id,score: the work of `search --queries`) and for whole
# hits (title, date, snippet, highlights: what the page asks), and the HTTP
# overhead = HTTP p50 at 1 connection - in-process p50.
#   bench/serve.sh INDEX QUERIES.tsv [SECONDS per run, default 5]
# Needs make cli bench-tools (BUILD=build by default). Bounded: 6 runs.
set -eu
ix=$1 queries=$2 secs=${3:-5}
build=${BUILD:-build}
ng=$build/newsgrep load=$build/bench/serve_load
tmp=$(mktemp -d); trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$tmp"' EXIT
pid=

# In process: the same queries, parsed and counted as the API does (ids).
TIMEFORMAT='%U %S'
cpu=$( { time "$ng" search -i "$ix" --queries "$queries" --trec x --count --warmup 4 \
         --latency "$tmp/lat" >/dev/null; } 2>&1 )
nq=$(wc -l <"$tmp/lat")
inproc_cpu=$(echo "$cpu" | awk -v n="$nq" '{printf "%.3f", ($1 + $2) * 1000 / (n * 5)}')
inproc=$(cut -f2 "$tmp/lat" | sort -g | awk '{a[NR]=$1} END {printf "%.3f", a[int((NR+1)/2)]}')
inproc99=$(cut -f2 "$tmp/lat" | sort -g | awk '{a[NR]=$1} END {i=int(NR*0.99); if(i<1)i=1; printf "%.3f", a[i]}')

"$ng" serve -i "$ix" --listen 127.0.0.1:0 --threads "${THREADS:-2}" 2>"$tmp/log" &
pid=$!
for _ in $(seq 100); do port=$(sed -n 's|.*http://127.0.0.1:\([0-9]*\)/.*|\1|p' "$tmp/log"); [ -n "$port" ] && break; sleep 0.05; done
"$load" "$port" "$queries" 4 1 'fields=id,score' >/dev/null  # warm the page cache

echo "| request | connections | throughput /s | p50 ms | p99 ms | p50 HTTP part ms |"
echo "|---|---:|---:|---:|---:|---:|"
echo "| in process (\`search --queries --count\`) | – | – | $inproc | $inproc99 | – |"
set -- $("$load" "$port" healthz 1 "$secs")
echo "| GET /healthz (HTTP alone) | 1 | ${8%/s} | ${10} | ${13} | ${10} |"
p50_ids_1=
for fields in 'fields=id,score' ''; do
  name=$([ -n "$fields" ] && echo "ids (fields=id,score)" || echo "whole hits + snippets")
  for c in 1 8 64; do
    t0=$(awk '{print $14 + $15}' /proc/$pid/stat)
    line=$(SERVE_LOAD_LAT=$([ -n "$fields" ] && [ "$c" = 1 ] && echo "$tmp/http" || true) \
           "$load" "$port" "$queries" "$c" "$secs" "k=10${fields:+&$fields}")
    set -- $line
    # connections N requests N errors N throughput X/s p50 X ms p99 X ms mean X ms
    echo "| $name | $c | ${8%/s} | ${10} | ${13} | ${19} |"
    if [ -n "$fields" ] && [ "$c" = 1 ]; then
      p50_ids_1=${10}
      server_cpu=$(awk -v a="$t0" -v n="$4" -v hz="$(getconf CLK_TCK)" '{printf "%.3f", ($14 + $15 - a) * 1000 / hz / n}' /proc/$pid/stat)
    fi
  done
done
echo
echo "CPU per query: server $server_cpu ms per ids request (1 connection), in process $inproc_cpu ms:" \
  "$(awk -v a="$server_cpu" -v b="$inproc_cpu" 'BEGIN {printf "%.3f", a - b}') ms of CPU for HTTP"
awk -v h="$p50_ids_1" -v i="$inproc" 'BEGIN {printf "HTTP overhead at p50, 1 connection: %.3f ms (%.3f - %.3f)\n", h - i, h, i}'
# Paired: per query, the median of its HTTP latencies minus its in-process
# latency; the median of those differences over the queries.
sort -k1,1 -k2,2g "$tmp/http" | awk -F'\t' '
  function flush() { if (n) printf "%s\t%s\n", q, v[int((n + 1) / 2)]; n = 0 }
  $1 != q { flush(); q = $1 } { v[++n] = $2 } END { flush() }' >"$tmp/http_med"
cut -f1,2 "$tmp/lat" | sort -k1,1 >"$tmp/in"
join -t "$(printf '\t')" "$tmp/http_med" "$tmp/in" | awk -F'\t' '{print $2 - $3}' | sort -g |
  awk '{a[NR]=$1} END {printf "HTTP overhead per query, paired (median over %d queries of HTTP median - in process): %.3f ms\n", NR, a[int((NR+1)/2)]}'
