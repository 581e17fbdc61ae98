/*
 * first_query_lib.c — the first query as a library user pays it, inside
 * one process: ng_reader_open, ng_query_parse, the first ng_search (ids
 * only, + stored fields, + snippets) and ng_reader_free, each run on a
 * fresh reader (the page cache is warm, as for a one-shot command).
 * Prints, per mode, p50 and mean in ms of: open, search, total (wall),
 * and the p50 of the process CPU time of the whole run (on a loaded
 * machine the wall time moves, the CPU time much less).
 *
 *   first_query_lib INDEX QUERY [RUNS]
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsgrep.h"

static double now_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static double cpu_ms(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double p50(double *x, int n) {
    qsort(x, (size_t)n, sizeof *x, cmp_double);
    return x[n / 2];
}

static double mean(const double *x, int n) {
    double s = 0;
    for (int i = 0; i < n; i++) s += x[i];
    return s / n;
}

/* One fresh reader, one search with flags; adds the phase times. */
static void run(const char *dir, const char *text, unsigned flags, double *t_open,
                double *t_search, double *t_total, double *t_cpu) {
    double c0 = cpu_ms(), t0 = now_ms();
    ng_reader *r;
    if (ng_reader_open(&r, dir)) {
        fprintf(stderr, "first_query_lib: %s\n", r ? ng_reader_errmsg(r) : "open failed");
        exit(1);
    }
    double t1 = now_ms();
    ng_query *q;
    if (ng_query_parse(&q, r, text, strlen(text), 0)) {
        fprintf(stderr, "first_query_lib: %s\n", q ? ng_query_errmsg(q) : "parse failed");
        exit(1);
    }
    ng_search_options o;
    ng_search_options_init(&o);
    o.flags = flags;
    ng_results *res;
    if (ng_search(r, q, &o, &res)) {
        fprintf(stderr, "first_query_lib: %s\n", res ? ng_results_errmsg(res) : "failed");
        exit(1);
    }
    size_t bytes = 0;
    for (size_t i = 0; i < ng_results_count(res); i++) {
        const ng_hit *h = ng_results_hit(res, i);
        bytes += strlen(h->id) + (h->title ? strlen(h->title) : 0) +
                 (h->snippet ? strlen(h->snippet) : 0);
    }
    double t2 = now_ms();
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    double t3 = now_ms();
    *t_cpu = cpu_ms() - c0;
    *t_open = t1 - t0;
    *t_search = t2 - t1;
    *t_total = t3 - t0;
    if (!bytes) fprintf(stderr, "first_query_lib: no results\n");
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: first_query_lib INDEX QUERY [RUNS]\n");
        return 2;
    }
    int n = argc > 3 ? atoi(argv[3]) : 30;
    if (n < 1) n = 1;
    static const struct {
        const char *name;
        unsigned flags;
    } modes[] = {{"ids", 0},
                 {"fetch", NG_SEARCH_FETCH},
                 {"snippets", NG_SEARCH_FETCH | NG_SEARCH_SNIPPETS}};
    double *o = calloc((size_t)n, sizeof *o), *s = calloc((size_t)n, sizeof *s),
           *t = calloc((size_t)n, sizeof *t), *c = calloc((size_t)n, sizeof *c);
    if (!o || !s || !t || !c) return 2;
    printf("mode\topen_p50\topen_mean\tsearch_p50\tsearch_mean\ttotal_p50\ttotal_mean"
           "\tcpu_p50\n");
    for (size_t m = 0; m < sizeof modes / sizeof modes[0]; m++) {
        double w[4];
        run(argv[1], argv[2], modes[m].flags, &w[0], &w[1], &w[2],
            &w[3]); /* page cache */
        for (int i = 0; i < n; i++)
            run(argv[1], argv[2], modes[m].flags, &o[i], &s[i], &t[i], &c[i]);
        double om = mean(o, n), sm = mean(s, n), tm = mean(t, n);
        printf("%s\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\t%.3f\n", modes[m].name, p50(o, n),
               om, p50(s, n), sm, p50(t, n), tm, p50(c, n));
    }
    free(c);
    free(o);
    free(s);
    free(t);
    return 0;
}
