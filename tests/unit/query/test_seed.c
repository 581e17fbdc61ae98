/*
 * Unit tests of the seeded top-k threshold (lib/index/seed.h, SEED;
 * lib/query/search.c, seed_theta): corpora where the seed is exactly the
 * k-th best score (ties at it), where deleted documents, witness sets of
 * several terms in one segment, or filters would make a careless seed
 * prune a winner, and where only the sum over segments reaches k. Each
 * checks pruned == exhaustive (ids and scores) and seed <= the k-th best
 * score; a seed computed from the smallest length instead of the
 * largest, without the deleted documents, summed within a segment or
 * applied under filters fails them.
 */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testindex.h"

#include "query/search.h"

typedef struct hit {
    char id[32];
    double score;
} hit;

static void add(ng_index *ix, const char *id, const char *body, const char *date) {
    ng_field f[3];
    size_t n = 0;
    f[n++] = (ng_field){"id", id, strlen(id), NG_FIELD_ID};
    f[n++] = (ng_field){"body", body, strlen(body), NG_FIELD_BODY};
    if (date) f[n++] = (ng_field){"date", date, strlen(date), NG_FIELD_DATE};
    ng_document d = {f, n};
    if (ng_index_add(ix, &d)) fail_msg("add %s: %s", id, ng_index_errmsg(ix));
}

/* n documents "id-prefix NN" with the given body (and date). */
static void add_n(ng_index *ix, const char *prefix, int n, const char *body,
                  const char *date) {
    char id[32];
    for (int i = 0; i < n; i++) {
        snprintf(id, sizeof id, "%s%02d", prefix, i);
        add(ix, id, body, date);
    }
}

static void del(ng_index *ix, const char *id) {
    assert_int_equal(ng_index_delete(ix, id, strlen(id)), 0);
}

static ng_query *parse(ng_reader *r, const char *q) {
    ng_query *qq = NULL;
    if (ng_query_parse(&qq, r, q, strlen(q), 0)) fail_msg("parse %s", q);
    return qq;
}

/* ng_search's hits (k, flags, since); their count. */
static size_t search(ng_reader *r, const char *q, size_t k, unsigned flags,
                     const char *since, hit *out) {
    ng_query *qq = parse(r, q);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = k;
    o.flags = flags;
    o.since = since;
    ng_results *res = NULL;
    if (ng_search(r, qq, &o, &res))
        fail_msg("search %s: %s", q, res ? ng_results_errmsg(res) : "?");
    size_t n = ng_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const ng_hit *h = ng_results_hit(res, i);
        snprintf(out[i].id, sizeof out[i].id, "%s", h->id);
        out[i].score = h->score;
    }
    ng_results_free(res);
    ng_query_free(qq);
    return n;
}

/* The seed ngi_search_run computes for q at k (plain BM25, no filter). */
static double seed_of(ng_reader *r, const char *q, size_t k) {
    ng_query *qq = parse(r, q);
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    ngi_sctx c;
    ngi_error err;
    ngi_error_clear(&err);
    assert_int_equal(
        ngi_sctx_init(&c, snap, qq, snap->settings.k1, snap->settings.b, &err), 0);
    ngi_topk h = {.k = k, .snap = snap};
    h.e = calloc(k, sizeof *h.e);
    ngi_search_plan p = {.since = INT32_MIN, .until = INT32_MAX};
    uint64_t total;
    assert_int_equal(ngi_search_run(&c, &p, &h, &total), 0);
    double s = h.seed;
    free(h.e);
    ngi_sctx_free(&c);
    ng_query_free(qq);
    return s;
}

#define MAXHITS 256

/* A segment gives witnesses after NGI_SEED_AFTER asks (one-shot searches
 * do not pay for verifying SEED): searches enough to pass it. */
static ng_reader *open_warm(const char *dir, const char *q) {
    ng_reader *r = test_reader_open(dir);
    assert_true(seed_of(r, q, 10) == 0); /* not yet */
    for (int i = 0; i < NGI_SEED_AFTER; i++) seed_of(r, q, 10);
    return r;
}

/* Pruned == exhaustive for every k up to the matches + 2, and the seed
 * never above the k-th best score (0 when fewer match). Returns the
 * seed at k_ret. */
static double expect_exact(ng_reader *r, const char *q, const char *since, size_t k_ret) {
    hit all[MAXHITS], h[MAXHITS];
    size_t n = search(r, q, MAXHITS, NG_SEARCH_EXHAUSTIVE, since, all);
    assert_true(n > 0 && n < MAXHITS);
    double ret = -1;
    for (size_t k = 1; k <= n + 2; k++) {
        size_t m = search(r, q, k, 0, since, h);
        if (m != (k < n ? k : n)) fail_msg("'%s' k %zu: %zu hits of %zu", q, k, m, n);
        for (size_t i = 0; i < m; i++)
            if (strcmp(h[i].id, all[i].id) || h[i].score != all[i].score)
                fail_msg("'%s' k %zu rank %zu: %s %.17g, want %s %.17g", q, k, i, h[i].id,
                         h[i].score, all[i].id, all[i].score);
        if (since) continue; /* seed_of runs without the filter */
        double s = seed_of(r, q, k);
        if (k <= n ? s > all[k - 1].score : s != 0)
            fail_msg("'%s' k %zu: seed %.17g above the k-th score", q, k, s);
        if (k == k_ret) ret = s;
    }
    return ret;
}

/* 3 documents of length 1, 12 of length 3, 8 of length 6, all with
 * alpha once: the 10th best score for "alpha" is length 3's, tied 12
 * times, and the stored witness (10 documents of length <= 3) is exactly
 * it: a seed from the smallest length (1) would prune them all. */
static void seed_is_the_kth_score(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-seed");
    ng_index *ix = test_index_open(dir);
    add_n(ix, "s", 3, "alpha", NULL);
    add_n(ix, "m", 12, "alpha brisk crane", NULL);
    add_n(ix, "l", 8, "alpha brisk crane drift ember flint", NULL);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_warm(dir, "alpha");
    hit all[MAXHITS];
    assert_int_equal(search(r, "alpha", MAXHITS, NG_SEARCH_EXHAUSTIVE, NULL, all), 23);
    double s = expect_exact(r, "alpha", NULL, 10);
    assert_true(s == all[9].score && all[3].score == all[14].score);
    assert_true(expect_exact(r, "alpha brisk", NULL, 10) > 0);
    assert_int_equal(ng_reader_check(r), 0);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* The same with 6 of the 12 length-3 documents deleted: 9 live ones
 * reach length 3, so the 10th best is a length-6 document; the witness
 * of 10 counts 6 deleted documents and must not seed k = 10. */
static void seed_counts_deleted_documents(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-seed");
    ng_index *ix = test_index_open(dir);
    add_n(ix, "s", 3, "alpha", NULL);
    add_n(ix, "m", 12, "alpha brisk crane", NULL);
    add_n(ix, "l", 8, "alpha brisk crane drift ember flint", NULL);
    assert_int_equal(ng_index_commit(ix), 0);
    for (int i = 0; i < 6; i++) {
        char id[32];
        snprintf(id, sizeof id, "m%02d", i);
        del(ix, id);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_warm(dir, "alpha");
    assert_true(expect_exact(r, "alpha", NULL, 10) == 0);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* One segment where alpha's and beta's witnesses of 10 are the same 10
 * documents: only 10 documents score that high, not 20, so k = 15 must
 * not be seeded by adding the two terms' counts. */
static void seed_witnesses_overlap_in_a_segment(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-seed");
    ng_index *ix = test_index_open(dir);
    add_n(ix, "ab", 10, "alpha beta", NULL);
    add_n(ix, "a", 20, "alpha brisk crane drift ember flint gale hail", NULL);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_warm(dir, "alpha beta");
    assert_true(expect_exact(r, "alpha beta", NULL, 15) == 0);
    assert_true(expect_exact(r, "beta alpha", NULL, 10) > 0);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* Three segments with 10 gamma documents each: no segment reaches 15,
 * their sum does (distinct documents), up to 30. */
static void seed_adds_segments(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-seed");
    ng_index *ix = test_index_open(dir);
    static const char *const pre[3][2] = {{"a", "b"}, {"c", "d"}, {"e", "f"}};
    for (int s = 0; s < 3; s++) {
        add_n(ix, pre[s][0], 5, "gamma brisk", NULL);
        add_n(ix, pre[s][1], 5, "gamma brisk crane drift ember flint gale hail", NULL);
        assert_int_equal(ng_index_commit(ix), 0);
    }
    ng_index_free(ix);
    ng_reader *r = open_warm(dir, "gamma");
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.segments, 3);
    assert_true(expect_exact(r, "gamma", NULL, 15) > 0);
    assert_true(expect_exact(r, "gamma", NULL, 30) > 0);
    assert_true(expect_exact(r, "gamma", NULL, 31) == 0);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* Filters take the witnesses out of the results: NOT, MUST, a date
 * range, a field restriction. 12 short alpha documents (witnesses)
 * carry brisk and are dated 2020; 10 longer ones are not. */
static void seed_off_under_filters(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-seed");
    ng_index *ix = test_index_open(dir);
    add_n(ix, "w", 12, "alpha brisk", "2020-01-01");
    add_n(ix, "x", 10, "alpha crane drift ember flint gale", "2021-01-01");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_warm(dir, "alpha");
    assert_true(expect_exact(r, "alpha", NULL, 10) > 0);
    hit h[MAXHITS];
    assert_int_equal(search(r, "alpha -brisk", 5, 0, NULL, h), 5);
    assert_true(h[0].id[0] == 'x' && h[4].id[0] == 'x');
    expect_exact(r, "alpha -brisk", NULL, 0);
    expect_exact(r, "alpha +crane", NULL, 0);
    expect_exact(r, "alpha title:crane", NULL, 0);
    assert_int_equal(search(r, "alpha", 5, 0, "2021-01-01", h), 5);
    assert_true(h[0].id[0] == 'x' && h[4].id[0] == 'x');
    expect_exact(r, "alpha", "2021-01-01", 0);
    ng_reader_free(r);
    test_dir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(seed_is_the_kth_score),
        cmocka_unit_test(seed_counts_deleted_documents),
        cmocka_unit_test(seed_witnesses_overlap_in_a_segment),
        cmocka_unit_test(seed_adds_segments),
        cmocka_unit_test(seed_off_under_filters),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
