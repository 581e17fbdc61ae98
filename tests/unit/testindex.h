/*
 * testindex.h — what the API-level unit tests share: an index in a
 * temporary directory (one indexing thread, so that segments come out the
 * same every run), a reader on it, the directory removed, and the
 * allocation-failure loop (each allocation of an operation failed in turn:
 * NG_ENOMEM every time, no leak under ASan, and success at the end).
 */
#ifndef NG_TESTINDEX_H
#define NG_TESTINDEX_H

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

#endif /* NG_TESTINDEX_H */
