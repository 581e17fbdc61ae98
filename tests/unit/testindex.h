/*
 * testindex.h — what the API-level unit tests share: an index in a
 * temporary directory (one indexing thread, so that segments come out the
 * same every run), a reader on it, the directory removed, and the
 * allocation-failure loop (each allocation of an operation failed in turn:
 * NG_ENOMEM every time, no leak under ASan, and success at the end).
 */
#ifndef NG_TESTINDEX_H
#define NG_TESTINDEX_H

#include <string.h>

#include "common/fault.h"
#include "newsgrep.h"
#include "unit/testdir.h"

/* An index opened for writing in dir; fails the test when it cannot. */
static inline ng_index *test_index_open(const char *dir) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = 1;
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, &o);
    if (rc) fail_msg("open %s: %s", dir, ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    return ix;
}

static inline ng_reader *test_reader_open(const char *dir) {
    ng_reader *r = NULL;
    int rc = ng_reader_open(&r, dir);
    if (rc) fail_msg("reader %s: %s", dir, r ? ng_reader_errmsg(r) : ng_strerror(rc));
    return r;
}

/* Removes a directory made by test_make_tmp and frees its name. */
static inline void test_dir_free(char *dir) {
    test_rm_rf(dir);
    free(dir);
}

/* For k = 0, 1, ... below max: run(ctx) with every allocation after the
 * first k failing (ngi_fault_alloc_after); it must return 0 or NG_ENOMEM.
 * Then done(ctx, rc) (injection off) checks the result when rc is 0 and
 * frees what run made. Stops at the first success and returns its k; fails
 * the test when none succeeds. */
static inline long test_alloc_failures(long max, int (*run)(void *ctx),
                                       void (*done)(void *ctx, int rc), void *ctx) {
    for (long k = 0; k < max; k++) {
        ngi_fault_alloc_after(k);
        int rc = run(ctx);
        ngi_fault_alloc_after(-1);
        if (rc != 0 && rc != NG_ENOMEM)
            fail_msg("allocation %ld failed: %s, not NG_ENOMEM", k, ng_strerror(rc));
        done(ctx, rc);
        if (rc == 0) return k;
    }
    fail_msg("no success within %ld allocations", max);
    return -1;
}

/* The allocation-failure test of a search-like call: a reader, a query,
 * options, and which of the (two) calls under test runs. A test's own
 * context struct starts with one, so that its run and done callbacks get
 * the whole context. */
typedef struct test_search_run {
    ng_reader *r;
    ng_query *q;
    ng_search_options o;
    int which;       /* the call under test, 0 or 1 */
    ng_results *res; /* what it returned */
} test_search_run;

/* Opens a reader on dir, parses query and sets flags in the options, runs
 * test_alloc_failures for which = 0 and 1 (ctx = s), and frees them. */
static inline void test_search_alloc_failures(test_search_run *s, const char *dir,
                                              const char *query, unsigned flags,
                                              int (*run)(void *ctx),
                                              void (*done)(void *ctx, int rc)) {
    s->r = test_reader_open(dir);
    assert_int_equal(ng_query_parse(&s->q, s->r, query, strlen(query), 0), 0);
    ng_search_options_init(&s->o);
    s->o.flags = flags;
    for (s->which = 0; s->which < 2; s->which++) test_alloc_failures(2000, run, done, s);
    ng_query_free(s->q);
    ng_reader_free(s->r);
    s->q = NULL;
    s->r = NULL;
}

#endif /* NG_TESTINDEX_H */
