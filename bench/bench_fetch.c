/*
 * bench_fetch.c — document-store costs seen through the public API: the
 * time to fetch the stored fields of a top-10 page (searches with
 * NG_SEARCH_FETCH minus the same searches without), and the time of
 * ng_index_merge on an index of many segments. Public API only, so the
 * same program links against two builds of the library (bench/fetch.sh
 * compares them in one run).
 *
 *   bench_fetch INDEX_DIR ROUNDS    (INDEX_DIR is merged at the end)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsgrep.h"

static const char *const queries[] = {
    "oil",        "trade",  "bank",     "market",   "government", "prices", "shares",
    "company",    "profit", "minister", "election", "music",      "film",   "sport",
    "technology", "growth", "dollar",   "stocks",   "wheat",      "coffee",
};
#define N_QUERIES (sizeof queries / sizeof queries[0])

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static int die(const char *what, const char *msg) {
    fprintf(stderr, "bench_fetch: %s: %s\n", what, msg);
    return 2;
}

/* Seconds for every query, rounds times, with search flags. */
static int time_searches(ng_reader *r, ng_query **q, int rounds, unsigned flags,
                         double *secs) {
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 10;
    o.flags = flags;
    double t0 = now();
    for (int k = 0; k < rounds; k++)
        for (size_t i = 0; i < N_QUERIES; i++) {
            ng_results *res = NULL;
            int rc = ng_search(r, q[i], &o, &res);
            if (rc) return die("search", res ? ng_results_errmsg(res) : ng_strerror(rc));
            ng_results_free(res);
        }
    *secs = now() - t0;
    return 0;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: bench_fetch INDEX_DIR ROUNDS\n");
        return 2;
    }
    int rounds = atoi(argv[2]);
    ng_reader *r = NULL;
    if (ng_reader_open(&r, argv[1]))
        return die(argv[1], r ? ng_reader_errmsg(r) : "cannot open");
    ng_stats st;
    ng_reader_stats(r, &st);
    ng_query *q[N_QUERIES];
    for (size_t i = 0; i < N_QUERIES; i++)
        if (ng_query_parse(&q[i], r, queries[i], strlen(queries[i]), 0))
            return die(queries[i], ng_query_errmsg(q[i]));
    double plain, fetch;
    int rc = time_searches(r, q, 1, NG_SEARCH_FETCH, &fetch); /* warm up */
    if (!rc) rc = time_searches(r, q, rounds, 0, &plain);
    if (!rc) rc = time_searches(r, q, rounds, NG_SEARCH_FETCH, &fetch);
    for (size_t i = 0; i < N_QUERIES; i++) ng_query_free(q[i]);
    ng_reader_free(r);
    if (rc) return rc;
    double per = (fetch - plain) / ((double)rounds * N_QUERIES);
    ng_index *ix = NULL;
    if (ng_index_open(&ix, argv[1], NULL))
        return die("open writer", ix ? ng_index_errmsg(ix) : "failed");
    double t0 = now();
    if (ng_index_merge(ix)) return die("merge", ng_index_errmsg(ix));
    double merge = now() - t0;
    ng_index_free(ix);
    printf("segments %llu docs %llu top10_fetch_us %.1f merge_s %.3f\n",
           (unsigned long long)st.segments, (unsigned long long)st.documents, per * 1e6,
           merge);
    return 0;
}
