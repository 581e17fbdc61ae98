/*
 * Unit tests of queries made from documents (lib/query/feedback.c):
 * ng_related ranks a near-copy of a document first and leaves the document
 * itself out; NG_SEARCH_EXPAND (RM3) finds a document sharing the feedback
 * documents' terms but none of the query's, keeps plain BM25 when it adds
 * nothing, and prunes like the exhaustive path.
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

static char *make_tmp(void) {
    return test_make_tmp("ng-feedback-test");
}

static void add(ng_index *ix, const char *id, const char *title, const char *body) {
    ng_field f[3] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"title", title, strlen(title), NG_FIELD_TITLE},
                     {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document doc = {f, 3};
    if (ng_index_add(ix, &doc)) fail_msg("add %s: %s", id, ng_index_errmsg(ix));
}

/* Filler: 200 documents of pseudo-random words w0..w399 (fixed seed). */
static void add_filler(ng_index *ix, size_t n) {
    uint32_t s = 12345;
    char body[2048], id[32];
    for (size_t i = 0; i < n; i++) {
        size_t len = 0;
        for (int w = 0; w < 40; w++) {
            s = s * 1103515245u + 12345u;
            len +=
                (size_t)snprintf(body + len, sizeof body - len, "w%u ", (s >> 16) % 400);
        }
        snprintf(id, sizeof id, "f%zu", i);
        add(ix, id, "filler", body);
        if (i % 70 == 69) assert_int_equal(ng_index_commit(ix), 0);
    }
}

static void related_ranks_a_near_copy_first(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = test_index_open(dir);
    add_filler(ix, 200);
    add(ix, "orig", "Glacier retreat in the Karakoram",
        "Satellite surveys show the Karakoram glaciers thinning; hydrologists "
        "warn that meltwater rivers in the valleys will shrink after a peak.");
    assert_int_equal(ng_index_commit(ix), 0);
    add(ix, "other", "Glacier tours", "Tourists visit a glacier in the Alps by train.");
    add(ix, "copy", "Karakoram glacier retreat, satellites show",
        "Satellite surveys show the Karakoram glaciers thinning fast; "
        "hydrologists warn meltwater rivers in the valleys will shrink soon.");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = test_reader_open(dir);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 5;
    o.flags = NG_SEARCH_FETCH | NG_SEARCH_SNIPPETS;
    ng_results *res = NULL;
    assert_int_equal(ng_related(r, "orig", 4, &o, &res), 0);
    assert_true(ng_results_count(res) >= 2);
    assert_string_equal(ng_results_hit(res, 0)->id, "copy");
    assert_string_equal(ng_results_hit(res, 1)->id, "other");
    assert_non_null(ng_results_hit(res, 0)->snippet);
    for (size_t i = 0; i < ng_results_count(res); i++)
        assert_string_not_equal(ng_results_hit(res, i)->id, "orig");
    ng_results_free(res);
    /* its query is a bag of weighted terms: plain BM25 whatever the rank
     * (no word order to pair) */
    o.flags = 0;
    assert_int_equal(ng_related(r, "orig", 4, &o, &res), 0);
    ng_search_options ob = o;
    ob.rank = NG_RANK_BM25;
    ng_results *rb = NULL;
    assert_int_equal(ng_related(r, "orig", 4, &ob, &rb), 0);
    assert_int_equal(ng_results_count(res), ng_results_count(rb));
    for (size_t i = 0; i < ng_results_count(res); i++)
        assert_true(ng_results_hit(res, i)->score == ng_results_hit(rb, i)->score);
    ng_results_free(rb);
    ng_results_free(res);
    /* k is honoured after the document itself is dropped */
    o.k = 1;
    assert_int_equal(ng_related(r, "orig", 4, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 1);
    ng_results_free(res);
    /* an unknown id: NG_ENOTFOUND with a message */
    assert_int_equal(ng_related(r, "nope", 4, &o, &res), NG_ENOTFOUND);
    assert_non_null(strstr(ng_results_errmsg(res), "nope"));
    ng_results_free(res);
    assert_int_equal(ng_related(NULL, "orig", 4, &o, &res), NG_EINVAL);
    ng_reader_free(r);
    test_dir_free(dir);
}

static void search(ng_reader *r, const char *text, const ng_search_options *o,
                   ng_results **res) {
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, text, strlen(text), 0), 0);
    int rc = ng_search(r, q, o, res);
    if (rc) fail_msg("search: %s", *res ? ng_results_errmsg(*res) : ng_strerror(rc));
    ng_query_free(q);
}

static int has(const ng_results *res, const char *id) {
    for (size_t i = 0; i < ng_results_count(res); i++)
        if (!strcmp(ng_results_hit(res, i)->id, id)) return 1;
    return 0;
}

static void expand_adds_feedback_terms(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = test_index_open(dir);
    add_filler(ix, 200);
    char id[16];
    for (int i = 0; i < 5; i++) {
        snprintf(id, sizeof id, "a%d", i);
        add(ix, id, "volcano eruption", "volcano lava ash plume eruption evacuation");
    }
    add(ix, "x", "ash plume", "lava ash plume forced an evacuation");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = test_reader_open(dir);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 20;
    ng_results *plain = NULL, *exp = NULL, *exh = NULL;
    search(r, "volcano", &o, &plain);
    assert_false(has(plain, "x"));
    o.flags = NG_SEARCH_EXPAND;
    o.fb_docs = 5;
    search(r, "volcano", &o, &exp);
    assert_true(has(exp, "x"));
    assert_true(has(exp, "a0"));
    /* pruned equals exhaustive on the weighted query */
    o.flags |= NG_SEARCH_EXHAUSTIVE;
    search(r, "volcano", &o, &exh);
    assert_int_equal(ng_results_count(exp), ng_results_count(exh));
    for (size_t i = 0; i < ng_results_count(exp); i++)
        assert_true(fabs(ng_results_hit(exp, i)->score - ng_results_hit(exh, i)->score) <
                    1e-9);
    ng_results_free(exp);
    ng_results_free(exh);
    /* no feedback terms: plain BM25, same hits and scores */
    o.flags = NG_SEARCH_EXPAND;
    o.fb_terms = 0;
    search(r, "volcano", &o, &exp);
    assert_int_equal(ng_results_count(exp), ng_results_count(plain));
    for (size_t i = 0; i < ng_results_count(exp); i++)
        assert_true(ng_results_hit(exp, i)->score == ng_results_hit(plain, i)->score);
    ng_results_free(exp);
    /* a bad weight */
    o.fb_terms = 10;
    o.fb_original_weight = 1.5;
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "volcano", 7, 0), 0);
    assert_int_equal(ng_search(r, q, &o, &exp), NG_EINVAL);
    ng_query_free(q);
    ng_results_free(plain);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* One expanded search (which == 0) or related search under allocation
 * failures. */
static int feedback_once(void *ctx) {
    test_search_run *f = ctx;
    f->res = NULL;
    return f->which ? ng_related(f->r, "a", 1, &f->o, &f->res)
                    : ng_search(f->r, f->q, &f->o, &f->res);
}

static void feedback_done(void *ctx, int rc) {
    test_search_run *f = ctx;
    if (rc == 0) assert_true(ng_results_count(f->res) >= 1);
    ng_results_free(f->res);
}

/* Every allocation failure gives NG_ENOMEM (or a failed handle) and leaks
 * nothing (ASan); once allocations succeed, the results come. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = test_index_open(dir);
    add_filler(ix, 60);
    add(ix, "a", "volcano eruption", "volcano lava ash plume");
    add(ix, "b", "volcano ash", "lava ash plume evacuation");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    test_search_run f = {0};
    test_search_alloc_failures(&f, dir, "volcano", NG_SEARCH_EXPAND | NG_SEARCH_SNIPPETS,
                               feedback_once, feedback_done);
    test_dir_free(dir);
}

/* related leaves out the article's syndicated copies (signatures: Jaccard
 * >= 0.8 over 5-word shingles) and still returns k articles, however many
 * copies rank above them. */
static void related_leaves_out_copies(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = test_index_open(dir);
    add_filler(ix, 200);
    static const char story[] =
        "Satellite surveys published on Monday show the Karakoram glaciers thinning "
        "for the first time in decades, and hydrologists warn that the meltwater "
        "rivers feeding the valleys below will shrink once the summer peak has "
        "passed, leaving farmers in the lowlands short of water for their crops "
        "within a generation unless new reservoirs are built in the mountains.";
    add(ix, "orig", "Karakoram glaciers thin", story);
    char body[1024], id[32];
    for (int i = 0; i < 12; i++) { /* copies: a byline and a sign-off added */
        snprintf(id, sizeof id, "copy%02d", i);
        snprintf(body, sizeof body, "By Staff Reporter %d. %s Copyright wire service.", i,
                 story);
        add(ix, id, "Glaciers in the Karakoram are thinning", body);
    }
    add(ix, "rel1", "Karakoram meltwater and farmers",
        "Farmers in the Karakoram valleys depend on glacier meltwater rivers for crops.");
    add(ix, "rel2", "New reservoirs planned",
        "Hydrologists warn that Karakoram glaciers and meltwater rivers will shrink; "
        "reservoirs in the mountains could store water for farmers.");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = test_reader_open(dir);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 2;
    ng_results *res = NULL;
    assert_int_equal(ng_related(r, "orig", 4, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 2);
    for (size_t i = 0; i < ng_results_count(res); i++) {
        const char *got = ng_results_hit(res, i)->id;
        assert_true(strcmp(got, "rel1") == 0 || strcmp(got, "rel2") == 0);
    }
    ng_results_free(res);
    /* a copy's related articles leave out the original and the other copies */
    assert_int_equal(ng_related(r, "copy03", 6, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 2);
    for (size_t i = 0; i < ng_results_count(res); i++)
        assert_memory_equal(ng_results_hit(res, i)->id, "rel", 3);
    ng_results_free(res);
    ng_reader_free(r);
    test_dir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(related_ranks_a_near_copy_first),
        cmocka_unit_test(related_leaves_out_copies),
        cmocka_unit_test(expand_adds_feedback_terms),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
