/*
 * Unit tests of what a query becomes against a snapshot: statistics that
 * outlive a reopen, queries parsed before a reopen that see the new terms
 * (planning happens in ng_search, not in the parser), prefix scoring and
 * its expansion limit, field names and stopword-only queries.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testdir.h"

#include "newsgrep.h"

/* ---- a small index, its writer and a reader -------------------------- */

typedef struct fixture {
    char *dir;
    ng_index *ix; /* writer (open until fx_close) */
    ng_reader *r; /* reader of the last fx_commit */
} fixture;

static void fx_open(fixture *f) {
    f->dir = test_make_tmp("ng-plan-test");
    f->r = NULL;
    f->ix = NULL;
    int rc = ng_index_open(&f->ix, f->dir, NULL);
    if (rc) fail_msg("open: %s", f->ix ? ng_index_errmsg(f->ix) : ng_strerror(rc));
}

static void fx_add(fixture *f, const char *id, const char *body) {
    ng_field fl[2] = {{"id", id, strlen(id), NG_FIELD_ID},
                      {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document doc = {fl, 2};
    int rc = ng_index_add(f->ix, &doc);
    if (rc) fail_msg("add %s: %s", id, ng_index_errmsg(f->ix));
}

/* Commits, then opens the reader or moves it to the new commit. */
static void fx_commit(fixture *f) {
    assert_int_equal(ng_index_commit(f->ix), 0);
    int rc = f->r ? ng_reader_reopen(f->r, NULL) : ng_reader_open(&f->r, f->dir);
    if (rc) fail_msg("reader: %s", f->r ? ng_reader_errmsg(f->r) : ng_strerror(rc));
}

/* A new index of one document; returns its reader. */
static ng_reader *fx_one(fixture *f, const char *id, const char *body) {
    fx_open(f);
    fx_add(f, id, body);
    fx_commit(f);
    return f->r;
}

static void fx_close(fixture *f) {
    ng_index_free(f->ix);
    ng_reader_free(f->r);
    test_rm_rf(f->dir);
    free(f->dir);
}

/* Searches q (already parsed); returns the hits (k = 100), and the
 * first hit's id in first (may be NULL). */
static size_t hits_of(ng_reader *r, const ng_query *q, char *first, size_t cap) {
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 100;
    ng_results *res = NULL;
    int rc = ng_search(r, q, &o, &res);
    if (rc) fail_msg("search: %s", res ? ng_results_errmsg(res) : ng_strerror(rc));
    size_t n = ng_results_count(res);
    if (first) snprintf(first, cap, "%s", n ? ng_results_hit(res, 0)->id : "");
    ng_results_free(res);
    return n;
}

static ng_query *parse(ng_reader *r, const char *text) {
    ng_query *q = NULL;
    int rc = ng_query_parse(&q, r, text, strlen(text), 0);
    if (rc) fail_msg("parse %s: %s", text, q ? ng_query_errmsg(q) : ng_strerror(rc));
    return q;
}

/* ---- statistics outlive a reopen ---------------------------------------- */

static void stats_language_outlives_reopen(void **state) {
    (void)state;
    fixture f;
    ng_reader *r = fx_one(&f, "a", "zebra crossing");
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    fx_add(&f, "b", "zebu herd");
    assert_int_equal(ng_index_commit(f.ix), 0);
    int changed = 0;
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 1);
    /* the old snapshot is freed: the string must not have lived there
     * (AddressSanitizer reports a heap-use-after-free otherwise) */
    assert_string_equal(st.language, "english");
    fx_close(&f);
}

/* ---- a query is planned at each search ------------------------------------ */

static void prefix_sees_terms_added_after_parse(void **state) {
    (void)state;
    fixture f;
    ng_reader *r = fx_one(&f, "a", "zebra crossing");
    ng_query *q = parse(r, "zeb*");
    assert_int_equal(hits_of(r, q, NULL, 0), 1);
    fx_add(&f, "b", "zebu herd");
    fx_commit(&f);
    assert_int_equal(hits_of(r, q, NULL, 0), 2); /* the same query */
    ng_query_free(q);
    /* parsed without a reader, for the index's language */
    assert_int_equal(ng_query_parse_for(&q, "en", 0, "zebu*", 5, 0), 0);
    assert_int_equal(hits_of(r, q, NULL, 0), 1);
    ng_query_free(q);
    fx_close(&f);
}

static void search_refuses_a_query_of_another_language(void **state) {
    (void)state;
    fixture f;
    ng_reader *r = fx_one(&f, "a", "elections in France");
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse_for(&q, "french", 0, "elections", 9, 0), 0);
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, NULL, &res), NG_EQUERY);
    assert_non_null(res);
    assert_non_null(strstr(ng_results_errmsg(res), "'french'"));
    assert_non_null(strstr(ng_results_errmsg(res), "'english'"));
    ng_results_free(res);
    ng_query_free(q);
    assert_int_equal(
        ng_query_parse_for(&q, "english", NG_ANALYZE_NO_STEM, "elections", 9, 0), 0);
    assert_int_equal(ng_search(r, q, NULL, &res), NG_EQUERY);
    ng_results_free(res);
    ng_query_free(q);
    fx_close(&f);
}

/* A failed reader handle has no snapshot: parse and search refuse it. */
static void failed_reader_is_refused(void **state) {
    (void)state;
    ng_reader *r = NULL;
    assert_int_equal(ng_reader_open(&r, "/nonexistent/ng-plan-test"), NG_ENOINDEX);
    assert_non_null(r);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "oil", 3, 0), NG_EINVAL);
    assert_null(q);
    assert_int_equal(ng_query_parse_for(&q, "english", 0, "oil", 3, 0), 0);
    ng_results *res = (ng_results *)1;
    assert_int_equal(ng_search(r, q, NULL, &res), NG_EINVAL);
    assert_null(res);
    ng_query_free(q);
    ng_reader_free(r);
}

/* ---- prefixes ---------------------------------------------------------------- */

/* One idf for all the terms of a prefix: a misspelling seen once must not
 * outrank the common word (with an idf per term, it would: ~2.7 vs 0.07). */
static void prefix_is_one_blended_term(void **state) {
    (void)state;
    fixture f;
    fx_open(&f);
    fx_add(&f, "typo", "petrorusrance report");
    char id[16];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "p%02d", i);
        fx_add(&f, id, "petroleum petroleum report");
    }
    fx_commit(&f);
    ng_reader *r = f.r;
    ng_query *q = parse(r, "petro*");
    char first[32];
    assert_int_equal(hits_of(r, q, first, sizeof first), 21);
    assert_string_equal(first, "p00");
    ng_query_free(q);
    fx_close(&f);
}

/* Past NG_MAX_PREFIX_EXPANSION terms, the most frequent are searched. */
static void prefix_limit_keeps_the_frequent_terms(void **state) {
    (void)state;
    fixture f;
    fx_open(&f);
    char id[16], body[32];
    for (int i = 0; i < NG_MAX_PREFIX_EXPANSION + 50; i++) {
        snprintf(id, sizeof id, "r%d", i);
        snprintf(body, sizeof body, "qua%04dx", i);
        fx_add(&f, id, body);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "f%d", i);
        fx_add(&f, id, "quazzz");
    }
    fx_commit(&f);
    ng_reader *r = f.r;
    ng_query *q = parse(r, "qua*");
    ng_search_options o;
    ng_search_options_init(&o);
    o.flags = NG_SEARCH_COUNT;
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    /* quazzz (df 3) and the first 1023 rare terms */
    assert_int_equal(ng_results_total(res), 3 + NG_MAX_PREFIX_EXPANSION - 1);
    assert_non_null(strstr(ng_results_warning(res), "qua* matches 1075 terms"));
    ng_results_free(res);
    ng_query_free(q);
    fx_close(&f);
}

/* ---- stopwords ------------------------------------------------------------------ */

static void stopword_query_says_why(void **state) {
    (void)state;
    fixture f;
    ng_reader *r = fx_one(&f, "hamlet", "To be, or not to be, that is the question");
    ng_query *q = parse(r, "to be or not to be");
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, NULL, &res), 0);
    assert_int_equal(ng_results_count(res), 0);
    assert_non_null(ng_results_warning(res));
    assert_non_null(strstr(ng_results_warning(res), "stopword"));
    ng_results_free(res);
    ng_query_free(q);
    q = parse(r, "question");
    assert_int_equal(ng_search(r, q, NULL, &res), 0);
    assert_int_equal(ng_results_count(res), 1);
    assert_null(ng_results_warning(res));
    ng_results_free(res);
    ng_query_free(q);
    fx_close(&f);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_language_outlives_reopen),
        cmocka_unit_test(prefix_sees_terms_added_after_parse),
        cmocka_unit_test(search_refuses_a_query_of_another_language),
        cmocka_unit_test(failed_reader_is_refused),
        cmocka_unit_test(prefix_is_one_blended_term),
        cmocka_unit_test(prefix_limit_keeps_the_frequent_terms),
        cmocka_unit_test(stopword_query_says_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
