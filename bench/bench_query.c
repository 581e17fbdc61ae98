/*
 * bench_query.c — query latency of the engine (not part of `make test`):
 * runs a qid<TAB>query file against an index as OR, AND (--all) and
 * phrase queries, top-k, warm (one untimed pass first), single-threaded,
 * timing parse + search + external ids per query like the CLI's batch
 * mode, and prints p50 / p95 / mean per mode (optionally the exhaustive
 * path too, for the speed-up of pruning).
 * Usage: bench_query INDEX QUERIES.tsv [K] [--exhaustive]
 * INDEX may be DIR1:DIR2:... (several indexes as one, ng_reader_open_many).
 * Env: BENCH_CPU=1 (thread CPU time), BENCH_REPS=R (best of R),
 * BENCH_MODE=0|1|2 (one mode), BENCH_SLOW=MS (list slow queries),
 * BENCH_VERIFY=1 (check pruned == exhaustive instead of timing),
 * BENCH_RANK=bm25 (plain BM25 instead of the default ranking).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsgrep.h"

#define MAXQ 10000

/* Wall clock, or this thread's CPU time with BENCH_CPU=1 (shared,
 * overloaded machines: wall time then mostly measures the scheduler). */
static double now_ms(void) {
    static int cpu = -1;
    if (cpu < 0) cpu = getenv("BENCH_CPU") != NULL;
    struct timespec t;
    clock_gettime(cpu ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* ng_search_options.rank: BENCH_RANK=bm25 for plain BM25. */
static int rank_option(void) {
    const char *r = getenv("BENCH_RANK");
    return r && !strcmp(r, "bm25") ? NG_RANK_BM25 : NG_RANK_PROXIMITY;
}

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Phrase mode: the query's quotes removed, then quoted as one phrase. */
static void as_mode(const char *q, int mode, char *out, size_t cap) {
    if (mode != 2) {
        snprintf(out, cap, "%s", q);
        return;
    }
    size_t n = 0;
    out[n++] = '"';
    for (const char *p = q; *p && n + 2 < cap; p++)
        if (*p != '"') out[n++] = *p;
    out[n++] = '"';
    out[n] = 0;
}

static double one(ng_reader *r, const char *q, int mode, size_t k, unsigned sflags,
                  size_t *hits) {
    char text[4096];
    as_mode(q, mode, text, sizeof text);
    double t0 = now_ms();
    ng_query *qq = NULL;
    ng_results *res = NULL;
    int rc = ng_query_parse(&qq, r, text, strlen(text), mode == 1 ? NG_QUERY_ALL : 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = k;
    o.flags = sflags;
    o.rank = rank_option();
    if (!rc) rc = ng_search(r, qq, &o, &res);
    double t = now_ms() - t0;
    *hits = rc ? 0 : ng_results_count(res);
    ng_results_free(res);
    ng_query_free(qq);
    return t;
}

static void run_mode(ng_reader *r, char **qs, size_t n, int mode, size_t k,
                     unsigned sflags, const char *name) {
    static double ms[MAXQ];
    size_t hits, total_hits = 0;
    for (size_t i = 0; i < n; i++) one(r, qs[i], mode, k, sflags, &hits);
    double sum = 0;
    /* BENCH_REPS=R: each query's best of R timed runs (noisy machines) */
    int reps = getenv("BENCH_REPS") ? atoi(getenv("BENCH_REPS")) : 1;
    for (size_t i = 0; i < n; i++) {
        ms[i] = one(r, qs[i], mode, k, sflags, &hits);
        for (int j = 1; j < reps; j++) {
            double t = one(r, qs[i], mode, k, sflags, &hits);
            if (t < ms[i]) ms[i] = t;
        }
        if (getenv("BENCH_SLOW") && ms[i] > atof(getenv("BENCH_SLOW")))
            fprintf(stderr, "slow %s %.2f ms: %s\n", name, ms[i], qs[i]);
        sum += ms[i];
        total_hits += hits;
    }
    qsort(ms, n, sizeof *ms, cmp_d);
    printf("%-18s n=%zu  p50 %.3f ms  p95 %.3f ms  mean %.3f ms  max %.2f ms  hits %zu\n",
           name, n, ms[n / 2], ms[n * 95 / 100], sum / (double)n, ms[n - 1], total_hits);
}

/* Pruned and exhaustive top-k must agree exactly (ids and scores). */
static size_t verify(ng_reader *r, char **qs, size_t n, size_t k) {
    size_t bad = 0;
    for (int mode = 0; mode < 3; mode++)
        for (size_t i = 0; i < n; i++) {
            char text[4096];
            as_mode(qs[i], mode, text, sizeof text);
            ng_query *q = NULL;
            if (ng_query_parse(&q, r, text, strlen(text), mode == 1 ? NG_QUERY_ALL : 0)) {
                ng_query_free(q);
                continue;
            }
            ng_search_options o;
            ng_search_options_init(&o);
            o.k = k;
            o.rank = rank_option();
            ng_results *a = NULL, *b = NULL;
            int ra = ng_search(r, q, &o, &a);
            o.flags = NG_SEARCH_EXHAUSTIVE;
            int rb = ng_search(r, q, &o, &b);
            int ok = !ra && !rb && ng_results_count(a) == ng_results_count(b);
            for (size_t j = 0; ok && j < ng_results_count(a); j++)
                ok = !strcmp(ng_results_hit(a, j)->id, ng_results_hit(b, j)->id) &&
                     ng_results_hit(a, j)->score == ng_results_hit(b, j)->score;
            if (!ok) {
                fprintf(stderr, "MISMATCH mode %d: %s\n", mode, text);
                bad++;
            }
            ng_results_free(a);
            ng_results_free(b);
            ng_query_free(q);
        }
    printf("verify: %zu queries x 3 modes, %zu mismatches\n", n, bad);
    return bad;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: bench_query INDEX QUERIES.tsv [K] [--exhaustive]\n");
        return 2;
    }
    size_t k = argc > 3 ? (size_t)atoi(argv[3]) : 10;
    int exh = argc > 4 && !strcmp(argv[4], "--exhaustive");
    ng_reader *r;
    const char *dirs[64];
    size_t nd = 0;
    for (char *p = argv[1], *next; p && nd < 64; p = next) {
        if ((next = strchr(p, ':'))) *next++ = 0;
        dirs[nd++] = p;
    }
    if (ng_reader_open_many(&r, dirs, nd, 0)) {
        fprintf(stderr, "cannot open %s\n", argv[1]);
        return 2;
    }
    FILE *f = fopen(argv[2], "r");
    if (!f) return 2;
    static char *qs[MAXQ];
    size_t n = 0;
    char line[4096];
    while (n < MAXQ && fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        tab[strcspn(tab, "\r\n")] = 0;
        qs[n++] = strdup(tab + 1);
    }
    fclose(f);
    if (getenv("BENCH_VERIFY")) return verify(r, qs, n, k) != 0;
    static const char *names[] = {"OR", "AND", "phrase"};
    const char *only = getenv("BENCH_MODE"); /* "0" OR, "1" AND, "2" phrase */
    for (int mode = 0; mode < 3; mode++) {
        if (only && atoi(only) != mode) continue;
        char name[64];
        snprintf(name, sizeof name, "%s top-%zu", names[mode], k);
        run_mode(r, qs, n, mode, k, 0, name);
        if (exh) {
            snprintf(name, sizeof name, "%s exhaustive", names[mode]);
            run_mode(r, qs, n, mode, k, NG_SEARCH_EXHAUSTIVE, name);
        }
    }
    for (size_t i = 0; i < n; i++) free(qs[i]);
    ng_reader_free(r);
    return 0;
}
