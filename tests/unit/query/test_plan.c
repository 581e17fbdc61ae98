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

/* ---- small index helpers ------------------------------------------------ */

static void add_body(ng_index *ix, const char *id, const char *body) {
    ng_field f[2] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document doc = {f, 2};
    int rc = ng_index_add(ix, &doc);
    if (rc) fail_msg("add %s: %s", id, ng_index_errmsg(ix));
}

static ng_index *open_writer(const char *dir) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = 1;
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, &o);
    if (rc) fail_msg("open: %s", ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    return ix;
}

static ng_reader *open_reader(const char *dir) {
    ng_reader *r = NULL;
    int rc = ng_reader_open(&r, dir);
    if (rc) fail_msg("reader: %s", r ? ng_reader_errmsg(r) : ng_strerror(rc));
    return r;
}

/* Searches q (already parsed); returns the hits (k = 100), and the
 * first hit's id in first (may be NULL). */
static size_t hits_of(ng_reader *r, const ng_query *q, char *first,
                      size_t cap) {
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
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    add_body(ix, "a", "zebra crossing");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_reader *r = open_reader(dir);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    add_body(ix, "b", "zebu herd");
    assert_int_equal(ng_index_commit(ix), 0);
    int changed = 0;
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 1);
    /* the old snapshot is freed: the string must not have lived there
     * (AddressSanitizer reports a heap-use-after-free otherwise) */
    assert_string_equal(st.language, "english");
    ng_index_free(ix);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* ---- a query is planned at each search ------------------------------------ */

static void prefix_sees_terms_added_after_parse(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    add_body(ix, "a", "zebra crossing");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_reader *r = open_reader(dir);
    ng_query *q = parse(r, "zeb*");
    assert_int_equal(hits_of(r, q, NULL, 0), 1);
    add_body(ix, "b", "zebu herd");
    assert_int_equal(ng_index_commit(ix), 0);
    assert_int_equal(ng_reader_reopen(r, NULL), 0);
    assert_int_equal(hits_of(r, q, NULL, 0), 2); /* the same query */
    ng_query_free(q);
    /* parsed without a reader, for the index's language */
    assert_int_equal(ng_query_parse_for(&q, "en", 0, "zebu*", 5, 0), 0);
    assert_int_equal(hits_of(r, q, NULL, 0), 1);
    ng_query_free(q);
    ng_index_free(ix);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

static void search_refuses_a_query_of_another_language(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    add_body(ix, "a", "elections in France");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_reader(dir);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse_for(&q, "french", 0, "elections", 9, 0), 0);
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, NULL, &res), NG_EQUERY);
    assert_non_null(res);
    assert_non_null(strstr(ng_results_errmsg(res), "'french'"));
    assert_non_null(strstr(ng_results_errmsg(res), "'english'"));
    ng_results_free(res);
    ng_query_free(q);
    assert_int_equal(ng_query_parse_for(&q, "english", NG_ANALYZE_NO_STEM,
                                        "elections", 9, 0), 0);
    assert_int_equal(ng_search(r, q, NULL, &res), NG_EQUERY);
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* ---- prefixes ---------------------------------------------------------------- */

/* One idf for all the terms of a prefix: a misspelling seen once must not
 * outrank the common word (with an idf per term, it would: ~2.7 vs 0.07). */
static void prefix_is_one_blended_term(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    add_body(ix, "typo", "petrorusrance report");
    char id[16];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "p%02d", i);
        add_body(ix, id, "petroleum petroleum report");
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_reader(dir);
    ng_query *q = parse(r, "petro*");
    char first[32];
    assert_int_equal(hits_of(r, q, first, sizeof first), 21);
    assert_string_equal(first, "p00");
    ng_query_free(q);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* Past NG_MAX_PREFIX_EXPANSION terms, the most frequent are searched. */
static void prefix_limit_keeps_the_frequent_terms(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    char id[16], body[32];
    for (int i = 0; i < NG_MAX_PREFIX_EXPANSION + 50; i++) {
        snprintf(id, sizeof id, "r%d", i);
        snprintf(body, sizeof body, "qua%04dx", i);
        add_body(ix, id, body);
    }
    for (int i = 0; i < 3; i++) {
        snprintf(id, sizeof id, "f%d", i);
        add_body(ix, id, "quazzz");
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_reader(dir);
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
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* ---- stopwords ------------------------------------------------------------------ */

static void stopword_query_says_why(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-plan-test");
    ng_index *ix = open_writer(dir);
    add_body(ix, "hamlet", "To be, or not to be, that is the question");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = open_reader(dir);
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
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_language_outlives_reopen),
        cmocka_unit_test(prefix_sees_terms_added_after_parse),
        cmocka_unit_test(search_refuses_a_query_of_another_language),
        cmocka_unit_test(prefix_is_one_blended_term),
        cmocka_unit_test(prefix_limit_keeps_the_frequent_terms),
        cmocka_unit_test(stopword_query_says_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
