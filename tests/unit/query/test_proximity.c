/*
 * Unit tests of the proximity part of the default ranking (proximity.h):
 * the pair tf against a brute-force count on random position lists, a
 * document with the query's words adjacent ranked above one with the
 * same words far apart (equal BM25), --explain's lines, the options.
 * (The naive oracle and pruned-equals-exhaustive in both rankings are in
 * test_search.c.)
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

#include "query/proximity.h"

static uint32_t brute_pair_tf(const uint32_t *a, uint32_t na, const uint32_t *b,
                              uint32_t nb, uint32_t window) {
    uint32_t tf = 0;
    for (uint32_t i = 0; i < na; i++) {
        int hit = 0;
        for (uint32_t j = 0; j < nb; j++) hit |= b[j] > a[i] && b[j] - a[i] <= window;
        tf += (uint32_t)hit;
    }
    return tf;
}

static unsigned rnd(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

/* Ascending distinct positions below 40. */
static uint32_t random_list(unsigned *s, uint32_t *out) {
    uint32_t n = 0;
    for (uint32_t p = 0; p < 40; p++)
        if (rnd(s) % 4 == 0) out[n++] = p;
    return n;
}

static void pair_tf_definition(void **state) {
    (void)state;
    /* a b . a . . b: a at 0 followed by b at 1; a at 3 by b at 6 (too far
     * for 2, within 3) */
    static const uint32_t a[] = {0, 3}, b[] = {1, 6};
    assert_int_equal(ngi_prox_pair_tf(a, 2, b, 2, 1), 1);
    assert_int_equal(ngi_prox_pair_tf(a, 2, b, 2, 2), 1);
    assert_int_equal(ngi_prox_pair_tf(a, 2, b, 2, 3), 2);
    assert_int_equal(ngi_prox_pair_tf(b, 2, a, 2, 2), 1); /* ordered: b then a */
    assert_int_equal(ngi_prox_pair_tf(a, 2, b, 0, 2), 0);
    unsigned s = 7;
    for (int i = 0; i < 2000; i++) {
        uint32_t x[40], y[40];
        uint32_t nx = random_list(&s, x), ny = random_list(&s, y), w = 1 + rnd(&s) % 5;
        uint32_t got = ngi_prox_pair_tf(x, nx, y, ny, w);
        assert_int_equal(got, brute_pair_tf(x, nx, y, ny, w));
        assert_true(got <= nx && got <= w * ny); /* the bound of proximity.h */
    }
}

/* ---- through the API ----------------------------------------------------- */

static void add(ng_index *ix, const char *id, const char *body) {
    ng_field f[2] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document d = {f, 2};
    assert_int_equal(ng_index_add(ix, &d), 0);
}

/* near: the words adjacent; far: the same words (same tfs, same length)
 * apart; filler documents so that the words have an idf. */
static ng_reader *near_far_index(const char *dir) {
    ng_index *ix = test_index_open(dir);
    add(ix, "far", "climate report shows warmer winters ahead for the river valley");
    add(ix, "near", "climate winters report shows warmer ahead for the river valley");
    for (int i = 0; i < 20; i++) {
        char id[16], body[64];
        snprintf(id, sizeof id, "f%d", i);
        snprintf(body, sizeof body, "filler text number %d about gardens", i);
        add(ix, id, body);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    return test_reader_open(dir);
}

static ng_results *search(ng_reader *r, const char *text, int rank, unsigned flags) {
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, text, strlen(text), 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.rank = rank;
    o.flags = flags;
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    ng_query_free(q);
    return res;
}

static void adjacent_words_rank_first(void **state) {
    (void)state;
    char *dir = test_make_tmp("ngprox");
    ng_reader *r = near_far_index(dir);
    /* plain BM25: the two documents tie (same tfs and length); the lower
     * id (far, added first) comes first */
    ng_results *bm = search(r, "climate winters", NG_RANK_BM25, 0);
    assert_int_equal(ng_results_count(bm), 2);
    assert_string_equal(ng_results_hit(bm, 0)->id, "far");
    assert_true(ng_results_hit(bm, 0)->score == ng_results_hit(bm, 1)->score);
    /* the default: the adjacent pair lifts near above far */
    ng_results *px = search(r, "climate winters", NG_RANK_PROXIMITY, 0);
    assert_string_equal(ng_results_hit(px, 0)->id, "near");
    assert_true(ng_results_hit(px, 0)->score > ng_results_hit(bm, 0)->score);
    assert_true(ng_results_hit(px, 1)->score == ng_results_hit(bm, 1)->score);
    ng_results_free(px);
    /* ordered: "winters climate" is not the pair found in near */
    px = search(r, "winters climate", NG_RANK_PROXIMITY, 0);
    assert_true(ng_results_hit(px, 0)->score == ng_results_hit(bm, 0)->score);
    ng_results_free(px);
    /* --explain names the pair and its tf; plain BM25 has no such line */
    px = search(r, "climate winters", NG_RANK_PROXIMITY, NG_SEARCH_EXPLAIN);
    const char *e = ng_results_hit(px, 0)->explain;
    assert_non_null(strstr(e, "BM25 + proximity"));
    assert_non_null(strstr(e, "pair climat winter: tf=1"));
    ng_results_free(px);
    ng_results_free(bm);
    bm = search(r, "climate winters", NG_RANK_BM25, NG_SEARCH_EXPLAIN);
    assert_null(strstr(ng_results_hit(bm, 0)->explain, "proximity"));
    ng_results_free(bm);
    ng_reader_free(r);
    test_dir_free(dir);
}

static void options_are_checked(void **state) {
    (void)state;
    char *dir = test_make_tmp("ngprox");
    ng_reader *r = near_far_index(dir);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "climate winters", 15, 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    assert_int_equal(o.rank, NG_RANK_PROXIMITY); /* the default */
    ng_results *res = NULL;
    o.rank = 7;
    assert_int_equal(ng_search(r, q, &o, &res), NG_EINVAL);
    assert_null(res);
    ng_search_options_init(&o);
    o.prox_weight = nan("");
    assert_int_equal(ng_search(r, q, &o, &res), NG_EINVAL);
    /* a larger weight or window changes the part */
    ng_search_options_init(&o);
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    double s1 = ng_results_hit(res, 0)->score;
    ng_results_free(res);
    o.prox_weight = 2.0;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_true(ng_results_hit(res, 0)->score > s1);
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    test_dir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pair_tf_definition),
        cmocka_unit_test(adjacent_words_rank_first),
        cmocka_unit_test(options_are_checked),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
