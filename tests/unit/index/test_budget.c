/*
 * Unit tests of the writer's RAM accounting (issues 11 and 20, "Memory"):
 * the split of the budget between threads, their memsegs and caches, the
 * store's training sample and the merges (budget.c); and the segment
 * writer's spill of its positions and lexicon buffers to an unnamed
 * temporary file (spill.c), which must give the same segment.
 */
#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "unit/testdir.h"

#include "index/budget.h"
#include "index/index.h"
#include "index/internal.h"
#include "store/store.h"

#define MIB ((size_t)1 << 20)

/* ---- the split ---------------------------------------------------------- */

static void split_fits_the_budget(void **state) {
    (void)state;
    const size_t mibs[] = {1, 8, 16, 29, 32, 48, 64, 96, 128, 256, 512, 4096};
    const unsigned threads[] = {1, 2, 4, 8, 64};
    for (size_t i = 0; i < sizeof mibs / sizeof *mibs; i++)
        for (size_t j = 0; j < sizeof threads / sizeof *threads; j++)
            for (int exact = 0; exact < 2; exact++) {
                size_t ram = mibs[i] * MIB;
                ngi_budget b;
                ngi_budget_split(ram, threads[j], exact, &b);
                assert_true(b.threads >= 1 && b.threads <= threads[j]);
                if (exact) assert_int_equal(b.threads, threads[j]);
                /* What the threads hold at once stays inside the budget
                 * (their fixed costs too, where the budget affords them). */
                size_t held =
                    b.inflight_cap + b.threads * (b.cache_bytes + b.memseg_limit);
                assert_true(held <= ram);
                if (!exact && ram >= 32 * MIB)
                    assert_true(held + b.threads * NGI_THREAD_FIXED <= ram);
                assert_true(b.batch_bytes <= b.inflight_cap);
                assert_true(b.store_sample <= 16 * MIB);
                if (!exact && ram >= 16 * MIB)
                    assert_true(b.store_sample <= b.memseg_limit / 4);
                assert_true(b.merge_fan_in >= 2);
                assert_true(b.merge_window > 0 && b.spill_bytes >= MIB);
            }
}

static void small_budgets_use_fewer_threads(void **state) {
    (void)state;
    ngi_budget b;
    ngi_budget_split(29 * MIB, 8, false, &b); /* the CLI's --ram-mb 32 */
    assert_int_equal(b.threads, 1);
    ngi_budget_split(64 * MIB, 8, false, &b);
    assert_true(b.threads >= 2 && b.threads <= 4);
    ngi_budget_split(256 * MIB, 2, false, &b); /* the default keeps its threads */
    assert_int_equal(b.threads, 2);
    ngi_budget_split(29 * MIB, 8, true, &b); /* a count asked for is kept */
    assert_int_equal(b.threads, 8);
    /* A larger budget never gives a thread less. */
    ngi_budget prev;
    ngi_budget_split(16 * MIB, 2, true, &prev);
    for (size_t mib = 17; mib <= 1024; mib++) {
        ngi_budget_split(mib * MIB, 2, true, &b);
        assert_true(b.memseg_limit >= prev.memseg_limit);
        assert_true(b.merge_fan_in >= prev.merge_fan_in);
        prev = b;
    }
}

static void merges_are_bounded(void **state) {
    (void)state;
    ngi_budget b;
    ngi_budget_split(29 * MIB, 2, false, &b);
    /* At --ram-mb 32, the windows of the inputs of one merge take at most
     * a quarter of the budget: about 6 inputs, not 200. */
    assert_true(b.merge_fan_in >= 2 && b.merge_fan_in <= 10);
    assert_true(b.merge_fan_in * (3 * b.merge_window + NGI_MERGE_SOURCE_FIXED) <=
                29 * MIB / 4);
    assert_true(b.spill_bytes <= 29 * MIB / 4);
    ngi_budget_split(256 * MIB, 2, false, &b);
    assert_true(b.merge_fan_in >= 40); /* the default merges as before */
}

/* ---- the spill ---------------------------------------------------------- */

#define SP_TERMS 300
#define SP_DOCS  200
#define SP_LEN   100

static bool has(uint32_t t, uint32_t d) {
    return (t + d) % 3 == 0;
}
static uint32_t tf_of(uint32_t t, uint32_t d) {
    return 1 + (t + d) % 4;
}
static uint32_t pos_of(uint32_t t, uint32_t i) {
    return 2 * i + t % 5;
}

/* A segment of SP_TERMS terms over SP_DOCS documents, its buffers spilled
 * past `spill` bytes (0: never). */
static void write_segment(const char *dir, const char *name, size_t spill) {
    ngi_error err = {0, ""};
    ngi_segwriter *w;
    assert_int_equal(ngi_segwriter_create(&w, dir, name, NULL, &err), 0);
    ngi_segwriter_set_spill(w, spill);
    uint32_t pos[8];
    for (uint32_t t = 0; t < SP_TERMS; t++) {
        char term[16];
        int n = snprintf(term, sizeof term, "t%05u", t);
        assert_int_equal(ngi_segwriter_term_begin(w, term, (size_t)n), 0);
        for (uint32_t d = 0; d < SP_DOCS; d++) {
            if (!has(t, d)) continue;
            for (uint32_t i = 0; i < tf_of(t, d); i++) pos[i] = pos_of(t, i);
            assert_int_equal(ngi_segwriter_posting(w, d, tf_of(t, d), pos, SP_LEN), 0);
        }
        assert_int_equal(ngi_segwriter_term_end(w), 0);
    }
    ngi_docstore_writer *ds;
    assert_int_equal(ngi_docstore_writer_create(&ds, 3), 0);
    for (uint32_t d = 0; d < SP_DOCS; d++) {
        char id[16];
        int n = snprintf(id, sizeof id, "d%u", d);
        assert_int_equal(ngi_segwriter_doc(w, SP_LEN, NGI_NO_DATE, 0, id, (size_t)n), 0);
        ng_field f = {"id", id, (size_t)n, NG_FIELD_ID};
        assert_int_equal(ngi_docstore_writer_add(ds, &f, 1), 0);
    }
    assert_int_equal(ngi_segwriter_finish(w, ds, NULL), 0);
    ngi_docstore_writer_free(ds);
}

/* Every term's postings and positions read back as written. */
static void check_segment(const char *dir, const char *name) {
    ngi_error err = {0, ""};
    ngi_segment_entry e = {{0}, {0}, SP_DOCS, 0};
    snprintf(e.name, sizeof e.name, "%s", name);
    ngi_segment *s;
    assert_int_equal(ngi_segment_open(&s, dir, NULL, &e, &err), 0);
    assert_int_equal(ngi_segment_check(s, &err), 0);
    assert_int_equal(ngi_segment_n_terms(s), SP_TERMS);
    for (uint32_t t = 0; t < SP_TERMS; t++) {
        char term[16];
        int n = snprintf(term, sizeof term, "t%05u", t);
        ngi_term_postings tp;
        assert_int_equal(ngi_segment_lookup(s, term, (size_t)n, &tp, &err), 0);
        ngi_cursor c;
        assert_int_equal(ngi_segment_cursor(s, &tp, &c, &err), 0);
        uint32_t d = 0;
        while (ngi_cursor_next(&c) == 0 && c.doc != NGI_DOC_END) {
            while (!has(t, d)) d++;
            assert_int_equal(c.doc, d);
            assert_int_equal(c.freq, tf_of(t, d));
            const uint32_t *p;
            assert_int_equal(ngi_cursor_positions(&c, &p), 0);
            for (uint32_t i = 0; i < c.freq; i++) assert_int_equal(p[i], pos_of(t, i));
            d++;
        }
        ngi_cursor_close(&c);
        while (d < SP_DOCS && !has(t, d)) d++;
        assert_int_equal(d, SP_DOCS);
    }
    ngi_segment_unref(s);
}

static size_t file_size(const char *dir, const char *name) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    size_t n = (size_t)ftell(f);
    fclose(f);
    return n;
}

static size_t count_files(const char *dir) {
    DIR *d = opendir(dir);
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d))) n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
    closedir(d);
    return n;
}

static void spilled_segment_reads_the_same(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-budget");
    write_segment(dir, "seg_000001.ngs", 0);
    write_segment(dir, "seg_000002.ngs", 64); /* spills after nearly every term */
    /* Same bytes but for the file number: the same size. */
    assert_int_equal(file_size(dir, "seg_000001.ngs"), file_size(dir, "seg_000002.ngs"));
    check_segment(dir, "seg_000001.ngs");
    check_segment(dir, "seg_000002.ngs");
    assert_int_equal(count_files(dir), 2); /* the temporary files had no name */
    test_rm_rf(dir);
    free(dir);
}

/* A merge within tiny limits (windows, spill, store sample) gives the
 * same postings and passes check. */
static void merge_within_limits(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-budget");
    write_segment(dir, "seg_000001.ngs", 0);
    write_segment(dir, "seg_000002.ngs", 0);
    ngi_error err = {0, ""};
    ngi_segment *segs[2];
    for (int i = 0; i < 2; i++) {
        ngi_segment_entry e = {{0}, {0}, SP_DOCS, 0};
        snprintf(e.name, sizeof e.name, "seg_00000%d.ngs", i + 1);
        assert_int_equal(ngi_segment_open(&segs[i], dir, NULL, &e, &err), 0);
    }
    ngi_merge_limits lim = {4096, 4096, 64};
    uint32_t n_docs = 0;
    assert_int_equal(ngi_merge_segments_within(segs, 2, dir, "seg_000003.ngs", &lim,
                                               &n_docs, NULL, &err),
                     0);
    assert_int_equal(n_docs, 2 * SP_DOCS);
    for (int i = 0; i < 2; i++) ngi_segment_unref(segs[i]);
    ngi_segment_entry e = {{0}, {0}, 2 * SP_DOCS, 0};
    snprintf(e.name, sizeof e.name, "seg_000003.ngs");
    ngi_segment *m;
    assert_int_equal(ngi_segment_open(&m, dir, NULL, &e, &err), 0);
    assert_int_equal(ngi_segment_check(m, &err), 0);
    ngi_term_postings tp;
    assert_int_equal(ngi_segment_lookup(m, "t00007", 6, &tp, &err), 0);
    uint32_t df = 0;
    for (uint32_t d = 0; d < SP_DOCS; d++) df += has(7, d);
    assert_int_equal(tp.df, 2 * df);
    ngi_segment_unref(m);
    test_rm_rf(dir);
    free(dir);
}

/* A commit with more new segments than the budget affords open at once
 * merges them first: every document is there, fewer segments are open,
 * and the index checks. */
static void many_flushes_merge_before_commit(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-budget");
    ng_index_options o;
    ng_index_options_init(&o);
    o.ram_mb = 1; /* a flush every few documents */
    o.threads = 1;
    ng_index *ix;
    assert_int_equal(ng_index_open(&ix, dir, &o), 0);
    char body[4096];
    const unsigned n = 600;
    for (unsigned i = 0; i < n; i++) {
        size_t len = 0;
        for (unsigned w = 0; w < 300; w++)
            len += (size_t)snprintf(body + len, sizeof body - len, "w%u ",
                                    (i * 7 + w) % 997);
        char id[16];
        int il = snprintf(id, sizeof id, "doc%u", i);
        ng_field f[2] = {{"id", id, (size_t)il, NG_FIELD_ID},
                         {"body", body, len, NG_FIELD_BODY}};
        ng_document d = {f, 2};
        assert_int_equal(ng_index_add(ix, &d), 0);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ngi_manifest m;
    ngi_manifest_init(&m);
    assert_int_equal(ngi_manifest_read(dir, &m, NULL), 0);
    ngi_budget b;
    ngi_budget_split(MIB, 1, true, &b);
    assert_true(m.n_segments <= b.max_open);
    assert_true(m.next_file > 2 * b.max_open); /* many flushes and merges */
    uint64_t docs = 0;
    for (size_t i = 0; i < m.n_segments; i++) docs += m.segments[i].n_docs;
    assert_int_equal(docs, n);
    ngi_manifest_free(&m);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    ngi_error err = {0, ""};
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    for (size_t i = 0; i < snap->n_segs; i++)
        assert_int_equal(ngi_segment_check(snap->segs[i], &err), 0);
    ng_doc *doc;
    assert_int_equal(ng_reader_get(r, "doc599", 6, &doc), 0);
    ng_doc_free(doc);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(split_fits_the_budget),
        cmocka_unit_test(small_budgets_use_fewer_threads),
        cmocka_unit_test(merges_are_bounded),
        cmocka_unit_test(spilled_segment_reads_the_same),
        cmocka_unit_test(merge_within_limits),
        cmocka_unit_test(many_flushes_merge_before_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
