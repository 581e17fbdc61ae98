/*
 * Unit tests of syndicated copies collapsed (lib/query/collapse.c): copies
 * of a story in different segments fold under the best-scoring one; the
 * clusters follow deletes, replacements (same id re-indexed) and merges;
 * k results are still returned when copies fill the first ranks; a
 * timeline counts stories once, at their first date.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testindex.h"

static const char *story =
    "The central bank raised its benchmark interest rate by half a percentage point on "
    "Tuesday, the largest increase in more than two decades, as policymakers moved to "
    "cool "
    "inflation that has climbed to its highest level since the early eighties. The "
    "governor "
    "told reporters that further increases were likely in the coming months and that the "
    "bank would act forcefully to bring prices under control. Markets had expected the "
    "move, and government bond yields rose modestly after the announcement.";

static void add(ng_index *ix, const char *id, const char *date, const char *title,
                const char *body) {
    ng_field f[4] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"title", title, strlen(title), NG_FIELD_TITLE},
                     {"body", body, strlen(body), NG_FIELD_BODY},
                     {"date", date, strlen(date), NG_FIELD_DATE}};
    ng_document doc = {f, 4};
    if (ng_index_add(ix, &doc)) fail_msg("add %s: %s", id, ng_index_errmsg(ix));
}

/* Copy number i of the story: a byline and a sign-off of its own. */
static void add_copy(ng_index *ix, const char *id, const char *date, int i) {
    char body[2048];
    snprintf(body, sizeof body, "Copy %d (Wire) - %s Reported by desk %d.", i, story, i);
    add(ix, id, date, "Rates raised", body);
}

/* Unrelated documents about rates, each its own story. */
static void add_others(ng_index *ix, int n) {
    for (int i = 0; i < n; i++) {
        char id[32], body[512];
        snprintf(id, sizeof id, "other%d", i);
        snprintf(body, sizeof body,
                 "Opinion %d: interest rates and inflation in district %d, where %d "
                 "households with variable loans of type %d felt the rate change.",
                 i, i * 7, i * 13, i * 3);
        add(ix, id, "2025-03-10", "Rates opinion", body);
    }
}

/* The search's hits as "id(n similar)" joined by spaces. */
static void collapsed(const char *dir, const char *query, size_t k, char *out,
                      size_t cap) {
    ng_reader *r = test_reader_open(dir);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, query, strlen(query), 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = k;
    o.flags |= NG_SEARCH_COLLAPSE;
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    size_t len = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ng_results_count(res); i++) {
        const char *const *ids;
        size_t n = ng_results_similar(res, i, &ids);
        len += (size_t)snprintf(out + len, cap - len, "%s%s(%zu)", i ? " " : "",
                                ng_results_hit(res, i)->id, n);
        for (size_t j = 0; j < n; j++) assert_non_null(ids[j]);
    }
    assert_int_equal(ng_results_similar(res, ng_results_count(res), NULL), 0);
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
}

static void clusters_follow_segments_deletes_replacements_merges(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-collapse-test");
    ng_index *ix = test_index_open(dir);
    add_copy(ix, "a", "2025-03-04", 1);
    add_others(ix, 2);
    assert_int_equal(ng_index_commit(ix), 0); /* segment 1 */
    add_copy(ix, "b", "2025-03-05", 2);
    assert_int_equal(ng_index_commit(ix), 0); /* segment 2 */
    add_copy(ix, "c", "2025-03-06", 3);
    assert_int_equal(ng_index_commit(ix), 0); /* segment 3 */
    char got[512];
    collapsed(dir, "governor bank forcefully", 10, got, sizeof got);
    /* one story: the best of a, b, c first, the two others folded */
    assert_non_null(strstr(got, "(2)"));
    assert_null(strstr(got, "(1)"));
    char first = got[0];

    /* delete the shown copy: another copy takes its place, one folded */
    char id[2] = {first, 0};
    assert_int_equal(ng_index_delete(ix, id, 1), 0);
    assert_int_equal(ng_index_commit(ix), 0);
    collapsed(dir, "governor bank forcefully", 10, got, sizeof got);
    assert_non_null(strstr(got, "(1)"));
    assert_null(strstr(got, id[0] == 'a' ? "a(" : id[0] == 'b' ? "b(" : "c("));

    /* replace one remaining copy by another text: nothing folds */
    const char *left = got[0] == 'a' || got[0] == 'b' || got[0] == 'c' ? got : NULL;
    assert_non_null(left);
    char rid[2] = {left[0], 0};
    add(ix, rid, "2025-03-07", "Rates raised",
        "The governor of the bank spoke forcefully about football, gardening and the "
        "weather in the mountains, and nothing else at all, for an hour.");
    assert_int_equal(ng_index_commit(ix), 0);
    collapsed(dir, "governor bank forcefully", 10, got, sizeof got);
    assert_null(strstr(got, "(1)"));

    /* put a copy back under a new id, then merge everything: it folds again */
    add_copy(ix, "d", "2025-03-08", 4);
    assert_int_equal(ng_index_commit(ix), 0);
    collapsed(dir, "governor bank forcefully", 10, got, sizeof got);
    assert_non_null(strstr(got, "(1)"));
    char before[512];
    snprintf(before, sizeof before, "%s", got);
    assert_int_equal(ng_index_merge(ix), 0);
    ng_index_free(ix);
    collapsed(dir, "governor bank forcefully", 10, got, sizeof got);
    assert_string_equal(got, before);
    test_dir_free(dir);
}

static void k_results_despite_many_copies(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-collapse-test");
    ng_index *ix = test_index_open(dir);
    for (int i = 0; i < 120; i++) { /* more copies than the first pool (2k + 20) */
        char id[16];
        snprintf(id, sizeof id, "copy%03d", i);
        add_copy(ix, id, "2025-03-04", i);
    }
    add_others(ix, 5);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char got[4096];
    /* k = 7 of 6 stories: the pool must grow until it holds every match,
     * whichever ranks first (the others may outrank the copies) */
    collapsed(dir, "interest rate inflation bank", 7, got, sizeof got);
    int n = 0;
    for (const char *p = got; (p = strchr(p, '(')); p++) n++;
    assert_int_equal(n, 6); /* the story once + the 5 others */
    assert_non_null(strstr(got, "(119)"));
    test_dir_free(dir);
}

static int count_bucket(void *ctx, const char *start, uint64_t count) {
    char *out = ctx;
    size_t len = strlen(out);
    snprintf(out + len, 256 - len, "%s=%llu ", start, (unsigned long long)count);
    return 0;
}

static void timeline_counts_stories(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-collapse-test");
    ng_index *ix = test_index_open(dir);
    add_copy(ix, "a", "2025-03-04", 1);
    add_copy(ix, "b", "2025-04-05", 2); /* a copy a month later */
    add_others(ix, 2);                  /* March */
    add(ix, "may", "2025-05-02", "Rates", "The rate of growth slowed in May.");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r = test_reader_open(dir);
    assert_int_equal(ng_reader_unsigned_docs(r), 0);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "rate", 4, 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    char plain[256] = "", stories[256] = "";
    assert_int_equal(ng_timeline(r, q, &o, "month", count_bucket, plain), 0);
    o.flags |= NG_SEARCH_COLLAPSE;
    assert_int_equal(ng_timeline(r, q, &o, "month", count_bucket, stories), 0);
    assert_string_equal(plain, "2025-03-01=3 2025-04-01=1 2025-05-01=1 ");
    assert_string_equal(stories, "2025-03-01=3 2025-04-01=0 2025-05-01=1 ");
    ng_query_free(q);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* One collapsed search (which == 0) or timeline under allocation failures. */
typedef struct collapse_run {
    test_search_run s; /* first: the callbacks' ctx */
    char buckets[256];
} collapse_run;

static int collapse_once(void *ctx) {
    collapse_run *c = ctx;
    test_search_run *s = &c->s;
    s->res = NULL;
    c->buckets[0] = '\0';
    return s->which ? ng_timeline(s->r, s->q, &s->o, "month", count_bucket, c->buckets)
                    : ng_search(s->r, s->q, &s->o, &s->res);
}

static void collapse_done(void *ctx, int rc) {
    collapse_run *c = ctx;
    if (rc == 0 && !c->s.which) assert_int_equal(ng_results_count(c->s.res), 4);
    if (rc == 0 && c->s.which) assert_string_equal(c->buckets, "2025-03-01=4 ");
    ng_results_free(c->s.res);
}

/* Every allocation failure of a collapsed search or timeline gives
 * NG_ENOMEM and leaks nothing (ASan); once allocations succeed, the
 * results come. */
static void allocation_failures_are_clean(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-collapse-test");
    ng_index *ix = test_index_open(dir);
    add_copy(ix, "a", "2025-03-04", 1);
    add_copy(ix, "b", "2025-04-05", 2);
    add_others(ix, 3);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    collapse_run c = {0};
    test_search_alloc_failures(&c.s, dir, "rate", NG_SEARCH_COLLAPSE | NG_SEARCH_SNIPPETS,
                               collapse_once, collapse_done);
    test_dir_free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(clusters_follow_segments_deletes_replacements_merges),
        cmocka_unit_test(k_results_despite_many_copies),
        cmocka_unit_test(timeline_counts_stories),
        cmocka_unit_test(allocation_failures_are_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
