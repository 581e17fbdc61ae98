/*
 * Unit tests of the reader's error messages: calls that may run on one
 * reader in several threads at once (ng_reader_get, ng_timeline) keep
 * their message per thread, so that each thread reads its own; ng_timeline
 * says why it failed; a failed handle says why it did not open.
 */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testindex.h"

static char *small_index(void) {
    char *dir = test_make_tmp("ng-reader-errors");
    ng_index *ix = test_index_open(dir);
    ng_field f[3] = {{"id", "a", 1, NG_FIELD_ID},
                     {"body", "river flood", 11, NG_FIELD_BODY},
                     {"date", "2025-03-04", 10, NG_FIELD_DATE}};
    ng_document d = {f, 3};
    assert_int_equal(ng_index_add(ix, &d), 0);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    return dir;
}

static int no_bucket(void *ctx, const char *start, uint64_t count) {
    (void)ctx, (void)start, (void)count;
    return 0;
}

typedef struct worker {
    ng_reader *r;
    ng_query *q;
    int id;
    int wrong; /* messages that were not this thread's */
} worker;

/* Each thread fails lookups of ids of its own (and timelines with a
 * bucket of its own) and must read its own call's message every time. */
static void *fail_and_read(void *arg) {
    worker *w = arg;
    for (int i = 0; i < 3000; i++) {
        char id[64], by[32];
        snprintf(id, sizeof id, "missing-%d-%d", w->id, i);
        ng_doc *doc = NULL;
        if (ng_reader_get(w->r, id, strlen(id), &doc) != NG_ENOTFOUND ||
            !strstr(ng_reader_errmsg(w->r), id))
            w->wrong++;
        snprintf(by, sizeof by, "by%d-%d", w->id, i);
        if (ng_timeline(w->r, w->q, NULL, by, no_bucket, NULL) != NG_EINVAL ||
            !strstr(ng_reader_errmsg(w->r), by))
            w->wrong++;
    }
    return NULL;
}

static void messages_are_per_thread(void **state) {
    (void)state;
    char *dir = small_index();
    ng_reader *r = test_reader_open(dir);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "river", 5, 0), 0);
    worker w[3];
    pthread_t t[3];
    for (int i = 0; i < 3; i++) {
        w[i] = (worker){r, q, i, 0};
        assert_int_equal(pthread_create(&t[i], NULL, fail_and_read, &w[i]), 0);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].wrong, 0);
    }
    /* this thread made no failed call: it still reads the open's (none) */
    ng_doc *doc = NULL;
    assert_int_equal(ng_reader_get(r, "a", 1, &doc), 0);
    ng_doc_free(doc);
    ng_query_free(q);
    ng_reader_free(r);
    test_dir_free(dir);
}

static void timeline_says_why(void **state) {
    (void)state;
    char *dir = small_index();
    ng_reader *r = test_reader_open(dir);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, "river", 5, 0), 0);
    assert_int_equal(ng_timeline(r, q, NULL, "fortnight", no_bucket, NULL), NG_EINVAL);
    assert_non_null(strstr(ng_reader_errmsg(r), "unknown bucket 'fortnight'"));
    ng_search_options o;
    ng_search_options_init(&o);
    o.since = "2025-13-45";
    assert_int_equal(ng_timeline(r, q, &o, "month", no_bucket, NULL), NG_EINVAL);
    assert_non_null(strstr(ng_reader_errmsg(r), "2025-13-45"));
    o.since = NULL;
    assert_int_equal(ng_timeline(r, q, &o, "month", no_bucket, NULL), 0);
    /* a query parsed for another analyzer: NG_EQUERY, with a message */
    ng_query *other = NULL;
    assert_int_equal(ng_query_parse_for(&other, "french", 0, "river", 5, 0), 0);
    assert_int_equal(ng_timeline(r, other, NULL, "month", no_bucket, NULL), NG_EQUERY);
    assert_string_not_equal(ng_reader_errmsg(r), ng_strerror(0));
    assert_string_not_equal(ng_reader_errmsg(r), ng_strerror(NG_EQUERY));
    ng_query_free(other);
    ng_query_free(q);
    ng_reader_free(r);
    test_dir_free(dir);
}

static void failed_handle_says_why(void **state) {
    (void)state;
    ng_reader *r = NULL;
    assert_int_equal(ng_reader_open(&r, "/nonexistent/ng-reader-errors"), NG_ENOINDEX);
    assert_non_null(strstr(ng_reader_errmsg(r), "/nonexistent/ng-reader-errors"));
    ng_doc *doc = NULL;
    assert_int_equal(ng_reader_get(r, "a", 1, &doc), NG_ESTATE);
    assert_non_null(strstr(ng_reader_errmsg(r), "did not open"));
    assert_non_null(strstr(ng_reader_errmsg(r), "/nonexistent/ng-reader-errors"));
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), NG_ESTATE);
    ng_reader_free(r);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(messages_are_per_thread),
        cmocka_unit_test(timeline_says_why),
        cmocka_unit_test(failed_handle_says_why),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
