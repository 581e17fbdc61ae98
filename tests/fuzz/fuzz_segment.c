/*
 * fuzz_segment.c — libFuzzer target for segment opening: the input
 * (layout in tests/reliability/fuzz_inputs.h) is written as a segment file
 * (and optionally its deletion file) in a private temporary directory,
 * opened with ngi_segment_open, and every read path the query side uses
 * is exercised: lexicon walk and lookups, cursors, per-document facts, ids,
 * stored fields, date ranges and the full check. Damaged bytes must give
 * NG_ECORRUPT (or similar), never a crash, an overrun or a hang.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../reliability/fuzz_inputs.h"
#include "common/le.h"
#include "index/index.h"

#define MAX_TERMS    512  /* terms walked per input */
#define MAX_POSTINGS 2048 /* postings read per term */
#define MAX_DOCS     256  /* documents inspected per input */

static char tmpdir[256]; /* created once per process; test code only */

static void remove_scratch(void) {
    char path[512];
    snprintf(path, sizeof path, "%s/seg_000001.ngs", tmpdir);
    unlink(path);
    snprintf(path, sizeof path, "%s/seg_000001_1.ngd", tmpdir);
    unlink(path);
    rmdir(tmpdir);
}

static const char *scratch_dir(void) {
    if (tmpdir[0]) return tmpdir;
    const char *base = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
    snprintf(tmpdir, sizeof tmpdir, "%s/ng_fuzz_segment_XXXXXX", base);
    if (!mkdtemp(tmpdir)) abort();
    atexit(remove_scratch);
    return tmpdir;
}

static void put_file(const char *dir, const char *name, const uint8_t *d, size_t n) {
    char path[512];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    unlink(path); /* a fresh inode: earlier maps of the old file stay valid */
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0) abort();
    while (n > 0) {
        ssize_t w = write(fd, d, n);
        if (w <= 0) abort();
        d += w;
        n -= (size_t)w;
    }
    close(fd);
}

/* Walks a term's postings, reading positions now and then. */
static void walk_postings(const ngi_segment *s, const ngi_term_postings *tp) {
    ngi_cursor c;
    ngi_error err = {0, ""};
    if (ngi_segment_cursor(s, tp, &c, &err)) return;
    uint32_t n = ngi_segment_n_docs(s);
    for (int i = 0; i < MAX_POSTINGS; i++) {
        if (ngi_cursor_next(&c) || c.doc == NGI_DOC_END) break;
        if (c.doc >= n) {
            fprintf(stderr, "fuzz_segment: doc %u >= n_docs %u\n", c.doc, n);
            abort();
        }
        const uint32_t *pos;
        if ((i & 3) == 0 && ngi_cursor_positions(&c, &pos)) break;
    }
    ngi_cursor_close(&c);
}

typedef struct walk_ctx {
    const ngi_segment *s; /* the segment walked */
    int terms;            /* terms seen so far */
} walk_ctx;

static int on_term(void *ctx, const char *term, size_t len, const ngi_term_postings *tp) {
    walk_ctx *w = ctx;
    ngi_term_postings again;
    ngi_error err = {0, ""};
    (void)ngi_segment_lookup(w->s, term, len, &again, &err);
    walk_postings(w->s, tp);
    return ++w->terms >= MAX_TERMS;
}

/* Per-document facts, ids, stored fields. */
static void walk_docs(const ngi_segment *s) {
    uint32_t n = ngi_segment_n_docs(s);
    ngi_error err = {0, ""};
    ngi_docstore_scratch *scratch = NULL;
    if (ngi_docstore_scratch_create(&scratch)) return;
    for (uint32_t d = 0; d < n && d < MAX_DOCS; d++) {
        (void)ngi_segment_doc_len(s, d);
        (void)ngi_segment_doc_date(s, d);
        (void)ngi_segment_title_end(s, d);
        (void)ngi_segment_is_deleted(s, d);
        const char *id;
        size_t id_len;
        uint32_t found;
        if (ngi_segment_doc_id(s, d, &id, &id_len, &err) == 0)
            (void)ngi_segment_find_id(s, id, id_len, &found, &err);
        if (d % 8 == 0) {
            ngi_stored_doc sd;
            ngi_stored_doc_init(&sd);
            (void)ngi_segment_fetch(s, scratch, d, &sd, &err);
            ngi_stored_doc_free(&sd);
        }
    }
    ngi_docstore_scratch_free(scratch);
    (void)ngi_segment_find_id(s, "no-such-id", 10, &(uint32_t){0}, &err);
}

static void exercise(const ngi_segment *s, size_t size) {
    ngi_segment_sizes sz;
    ngi_segment_sizes_get(s, &sz);
    (void)ngi_segment_n_deleted(s);
    (void)ngi_segment_n_terms(s);
    (void)ngi_segment_total_len(s);
    (void)ngi_segment_name(s);
    ngi_error err = {0, ""};
    walk_ctx w = {s, 0};
    (void)ngi_segment_prefix(s, "", 0, on_term, &w, &err);
    static const char *probes[] = {"a", "the", "zzzz", "reuter", "\xff"};
    for (size_t i = 0; i < sizeof probes / sizeof probes[0]; i++) {
        ngi_term_postings tp;
        if (ngi_segment_lookup(s, probes[i], strlen(probes[i]), &tp, &err) == 0)
            walk_postings(s, &tp);
        w.terms = MAX_TERMS - 8;
        (void)ngi_segment_prefix(s, probes[i], 1, on_term, &w, &err);
    }
    walk_docs(s);
    uint32_t *docs = NULL;
    size_t n = 0;
    if (ngi_segment_docs_in_dates(s, INT32_MIN, INT32_MAX, &docs, &n, &err) == 0)
        ngi_free(docs);
    /* The full check decodes everything: on a quarter of the inputs only,
     * chosen by size so that a replay does the same. */
    if (size % 4 == 0) (void)ngi_segment_check(s, &err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < FUZZ_SEGMENT_HEADER) return 0;
    const char *dir = scratch_dir();
    ngi_segment_entry e;
    memset(&e, 0, sizeof e);
    e.n_docs = ngi_load_le32(data);
    e.n_deleted = ngi_load_le32(data + 4);
    size_t seg_len = ngi_load_le32(data + 8);
    data += FUZZ_SEGMENT_HEADER;
    size -= FUZZ_SEGMENT_HEADER;
    if (seg_len > size) seg_len = size;
    snprintf(e.name, sizeof e.name, "seg_000001.ngs");
    put_file(dir, e.name, data, seg_len);
    if (size > seg_len) {
        snprintf(e.deletes, sizeof e.deletes, "seg_000001_1.ngd");
        put_file(dir, e.deletes, data + seg_len, size - seg_len);
    }
    ngi_segment *s = NULL;
    ngi_error err = {0, ""};
    if (ngi_segment_open(&s, dir, NULL, &e, &err) == 0) {
        exercise(s, size);
        ngi_segment_unref(s);
    }
    return 0;
}
