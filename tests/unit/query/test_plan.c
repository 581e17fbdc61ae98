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

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(stats_language_outlives_reopen),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
