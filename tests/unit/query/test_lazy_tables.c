/*
 * Unit tests of the per-document tables verified on first use (CSPD,
 * issue 20's first query): NORM with QLEN, DATE, TEND and DSRT are not
 * hashed when a reader opens; a flipped byte in one gives NG_ECORRUPT to
 * the first search that reads it, never another answer (issue 17), and
 * searches that do not read it still answer.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testdir.h"
#include "unit/testfile.h"

#include "common/le.h"
#include "newsgrep.h"

static ng_index *writer(const char *dir) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = 1;
    o.ram_mb = 16;
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, &o);
    if (rc) fail_msg("open %s: %s", dir, ix ? ng_index_errmsg(ix) : "");
    return ix;
}

/* One search of text on dir: its return code (the message in msg). */
static int search_rc(const char *dir, const char *text, int sort, const char *since,
                     char *msg, size_t cap) {
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, text, strlen(text), 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.sort = sort;
    o.since = since;
    ng_results *res = NULL;
    int rc = ng_search(r, q, &o, &res);
    if (rc == 0) assert_true(ng_results_count(res) > 0);
    snprintf(msg, cap, "%s", res ? ng_results_errmsg(res) : ng_reader_errmsg(r));
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    return rc;
}

/* The per-document tables (CSPD: NORM and QLEN, DATE, TEND, DSRT) are
 * verified on first use, not at open: a flipped byte in one opens, a
 * search that does not read it answers, and one that reads it fails. */
static void per_document_tables_fail_on_use(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    char id[32], body[256], date[16];
    for (int i = 0; i < 300; i++) {
        snprintf(id, sizeof id, "doc-%04d", i);
        snprintf(body, sizeof body, "common word%d and more text %d", i, i);
        snprintf(date, sizeof date, "2020-%02d-%02d", 1 + i % 12, 1 + i % 28);
        ng_field f[4] = {{"id", id, strlen(id), NG_FIELD_ID},
                         {"title", "a title", 7, NG_FIELD_TITLE},
                         {"body", body, strlen(body), NG_FIELD_BODY},
                         {"date", date, 10, NG_FIELD_DATE}};
        ng_document d = {f, 4};
        assert_int_equal(ng_index_add(ix, &d), 0);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096], msg[512];
    snprintf(p, sizeof p, "%.3000s/seg_000001.ngs", dir);
    size_t len;
    uint8_t *orig = slurp(p, &len);
    uint8_t *copy = malloc(len);
    struct {
        const char *tag;
        size_t at;
        const char *query; /* reads the table */
        int sort;
        const char *since;
    } cases[] = {
        {"NORM", 40, "common", NG_SORT_SCORE, NULL},      /* a document length */
        {"QLEN", 10, "common", NG_SORT_SCORE, NULL},      /* a quantized length */
        {"DATE", 8, "common", NG_SORT_DATE, NULL},        /* sorting by date */
        {"TEND", 12, "title:title", NG_SORT_SCORE, NULL}, /* a field */
        {"DSRT", 4, "common", NG_SORT_SCORE, "2020-06"},  /* a date range */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t off = 0, slen = 0;
        find_section(orig, len, cases[k].tag, &off, &slen);
        assert_true(cases[k].at < slen);
        memcpy(copy, orig, len);
        copy[off + cases[k].at] ^= 0x04;
        spill(p, copy, len);
        bool reads_lengths = k < 2;
        if (!reads_lengths) /* a search that does not read the table answers */
            assert_int_equal(
                search_rc(dir, "common", NG_SORT_SCORE, NULL, msg, sizeof msg), 0);
        int rc = search_rc(dir, cases[k].query, cases[k].sort, cases[k].since, msg,
                           sizeof msg);
        if (rc != NG_ECORRUPT || !strstr(msg, "seg_000001.ngs") ||
            !strstr(msg, cases[k].tag))
            fail_msg("%s: rc %d, message %s", cases[k].tag, rc, msg);
    }
    spill(p, orig, len);
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++)
        assert_int_equal(search_rc(dir, cases[k].query, cases[k].sort, cases[k].since,
                                   msg, sizeof msg),
                         0);
    free(orig);
    free(copy);
    test_rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_document_tables_fail_on_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
