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
#include "index/index.h"
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
        {"NRMR", 40, "common", NG_SORT_SCORE, NULL},      /* a document length */
        {"QLEN", 10, "common", NG_SORT_SCORE, NULL},      /* a quantized length */
        {"DATE", 8, "common", NG_SORT_DATE, NULL},        /* sorting by date */
        {"TNDW", 12, "title:title", NG_SORT_SCORE, NULL}, /* a field */
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

/* Adds an undated document with a title. */
static void add_doc(ng_index *ix, const char *id, const char *body) {
    ng_field f[3] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"title", "a title", 7, NG_FIELD_TITLE},
                     {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document d = {f, 3};
    assert_int_equal(ng_index_add(ix, &d), 0);
}

/* The best hit's id for text (static; n hits expected). */
static const char *top_hit(ng_reader *r, const char *text, size_t n) {
    static char id[64];
    ng_query *q = NULL;
    assert_int_equal(ng_query_parse(&q, r, text, strlen(text), 0), 0);
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, NULL, &res), 0);
    assert_int_equal(ng_results_count(res), n);
    snprintf(id, sizeof id, "%s", ng_results_hit(res, 0)->id);
    ng_results_free(res);
    ng_query_free(q);
    return id;
}

/* Format 5's tables take the width their largest value needs (format 6's
 * lengths are residuals over QLEN's floor, 31744 for every length past it:
 * a length of 100,002 leaves 68,258, 3 bytes an entry), DATE is left out
 * when nothing is dated, LEX2 escapes a long suffix and long postings; the
 * id offsets are sampled (IDOS: one for both ids, and the end); all answer
 * as the u32 tables did and pass check. */
static void packed_tables_take_their_width(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-packed");
    ng_index *ix = writer(dir);
    size_t n_long = 100000;
    char *body = malloc(2 * n_long + 64);
    for (size_t i = 0; i < n_long; i++) memcpy(body + 2 * i, "x ", 2);
    strcpy(body + 2 * n_long, "pneumonoultramicroscopic");
    add_doc(ix, "long", body);
    add_doc(ix, "short", "x y z pneumonoultramicroscopic");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096];
    snprintf(p, sizeof p, "%.3000s/seg_000001.ngs", dir);
    size_t len, off = 0, slen = 0;
    uint8_t *f = slurp(p, &len);
    find_section(f, len, "NRMR", &off, &slen);
    assert_int_equal(slen, 2 * 3);
    /* 100000 x, "title"; "short" is under 128: exact in QLEN */
    assert_int_equal(ngi_load_uw(f + off, 3, 0), 100002 - ngi_qlen_floor(255));
    assert_int_equal(ngi_load_uw(f + off, 3, 1), 0);
    find_section(f, len, "TNDW", &off, &slen);
    assert_int_equal(slen, 2);
    find_section(f, len, "IDOS", &off, &slen);
    assert_int_equal(slen, 2);
    assert_int_equal(f[off + 1], strlen("long") + 1 + strlen("short") + 1);
    find_section(f, len, "IDXW", &off, &slen);
    assert_int_equal(slen, 2);
    assert_int_equal(ngi_load_uw(f + off, 1, 0), 0); /* "long" < "short" */
    find_section(f, len, "LEX2", &off, &slen);
    const uint8_t *t = f + len - 40;
    for (uint32_t i = 0; i < ngi_load_le32(t + 8); i++)
        assert_memory_not_equal(f + ngi_load_le64(t) + 32 * i, "DATE", 4);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), 0);
    assert_string_equal(top_hit(r, "pneumonoultramicroscopic", 2), "short");
    assert_string_equal(top_hit(r, "x", 2), "long"); /* tf 100000 */
    const ngi_segment *seg = ngi_reader_snapshot(r)->segs[0];
    ngi_error err = {0};
    assert_int_equal(ngi_segment_need(seg, NGI_SEG_NORMS, &err), 0);
    assert_int_equal(ngi_segment_doc_len(seg, 0), 100002);
    ng_reader_free(r);
    free(f);
    free(body);
    test_rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(per_document_tables_fail_on_use),
        cmocka_unit_test(packed_tables_take_their_width),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
