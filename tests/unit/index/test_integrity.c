/*
 * Unit tests of the index's integrity guards (issue 17): a directory with
 * index files but no manifest is refused and left intact, and recover
 * brings every document back; files are bound to their index and number
 * (a segment of another index, an older deletes file under a newer name);
 * damaged small sections and postings give NG_ECORRUPT, never another
 * answer; a missing segment is named; a failed merge after a commit is
 * reported as such (NG_EMERGE) with the documents committed.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit/testdir.h"
#include "unit/testfile.h"

#include "common/hash.h"
#include "common/le.h"
#include "index/index.h"

/* ---- write(2) interposed: ENOSPC for one file name ---------------------- */

static const char *fail_writes_to; /* path suffix, or NULL */

ssize_t write(int fd, const void *buf, size_t n) {
    if (fail_writes_to) {
        char link[64], path[4096];
        snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
        ssize_t k = readlink(link, path, sizeof path - 1);
        size_t m = strlen(fail_writes_to);
        if (k >= (ssize_t)m && memcmp(path + k - (ssize_t)m, fail_writes_to, m) == 0) {
            errno = ENOSPC;
            return -1;
        }
    }
    return syscall(SYS_write, fd, buf, n);
}

/* ---- helpers ------------------------------------------------------------- */

static void add(ng_index *ix, const char *id, const char *body) {
    char title[64];
    snprintf(title, sizeof title, "title of %s", id);
    ng_field f[3] = {{"id", id, strlen(id), NG_FIELD_ID},
                     {"title", title, strlen(title), NG_FIELD_TITLE},
                     {"body", body, strlen(body), NG_FIELD_BODY}};
    ng_document d = {f, 3};
    int rc = ng_index_add(ix, &d);
    if (rc) fail_msg("add %s: %s", id, ng_index_errmsg(ix));
}

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

/* Three commits: 40 documents, 5 replaced, 3 deleted. */
static void build(const char *dir) {
    char id[32], body[128];
    for (int c = 0; c < 3; c++) {
        ng_index *ix = writer(dir);
        for (int i = 0; i < 15; i++) {
            int n = c == 2 ? i * 3 : c * 15 + i; /* commit 2 replaces some */
            snprintf(id, sizeof id, "doc-%03d", n);
            snprintf(body, sizeof body, "common word%d version%d alpha%d", n, c, n % 7);
            add(ix, id, body);
            if (c == 2 && i >= 5) break;
        }
        if (c == 1)
            for (int k = 3; k < 6; k++) {
                snprintf(id, sizeof id, "doc-%03d", k * 4 + 1);
                assert_int_equal(ng_index_delete(ix, id, strlen(id)), 0);
            }
        assert_int_equal(ng_index_commit(ix), 0);
        ng_index_free(ix);
    }
}

/* "id=body-version" of every live document, one line each, sorted. */
static char *live_docs(const char *dir) {
    ng_reader *r;
    int rc = ng_reader_open(&r, dir);
    if (rc) fail_msg("reader %s: %s", dir, ng_reader_errmsg(r));
    size_t cap = 1 << 16, len = 0;
    char *out = calloc(1, cap);
    for (int n = 0; n < 60; n++) {
        char id[32];
        snprintf(id, sizeof id, "doc-%03d", n);
        ng_doc *d;
        if (ng_reader_get(r, id, strlen(id), &d) != 0) continue;
        const ng_field *b = ng_doc_field_by_role(d, NG_FIELD_BODY);
        len += (size_t)snprintf(out + len, cap - len, "%s=%.*s\n", id, (int)b->value_len,
                                b->value);
        ng_doc_free(d);
    }
    ng_reader_free(r);
    return out;
}

/* "name size" of every file but LOCK, sorted by readdir order made
 * stable: names are compared one by one. */
static char *listing(const char *dir) {
    char *out = calloc(1, 1 << 14);
    size_t len = 0;
    char names[64][128];
    int n = 0;
    DIR *d = opendir(dir);
    struct dirent *e;
    while ((e = readdir(d)) && n < 64)
        if (e->d_name[0] != '.' && strcmp(e->d_name, "LOCK"))
            snprintf(names[n++], 128, "%.100s", e->d_name);
    closedir(d);
    qsort(names, (size_t)n, 128, (int (*)(const void *, const void *))strcmp);
    for (int i = 0; i < n; i++) {
        char p[4096];
        struct stat st;
        snprintf(p, sizeof p, "%.3000s/%.100s", dir, names[i]);
        stat(p, &st);
        len += (size_t)snprintf(out + len, (1 << 14) - len, "%s %lld\n", names[i],
                                (long long)st.st_size);
    }
    return out;
}

static void path_of(char *out, const char *dir, const char *name) {
    snprintf(out, 4096, "%.3000s/%.200s", dir, name);
}

static void copy_file(const char *from, const char *to) {
    FILE *a = fopen(from, "rb"), *b = fopen(to, "wb");
    assert_non_null(a);
    assert_non_null(b);
    char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, a)) > 0) fwrite(buf, 1, n, b);
    fclose(a);
    fclose(b);
}

static uint64_t lines(const char *s) {
    uint64_t n = 0;
    for (; *s; s++) n += *s == '\n';
    return n;
}

/* ---- a missing MANIFEST -------------------------------------------------- */

static void missing_manifest_refused_then_recovered(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    build(dir);
    char *before = live_docs(dir);
    char p[4096];
    path_of(p, dir, "MANIFEST");
    assert_int_equal(unlink(p), 0);
    char *files = listing(dir);

    ng_index *ix = NULL;
    ng_index_options o;
    ng_index_options_init(&o);
    assert_int_equal(ng_index_open(&ix, dir, &o), NG_ECORRUPT);
    assert_non_null(strstr(ng_index_errmsg(ix), "manifest is missing"));
    assert_non_null(strstr(ng_index_errmsg(ix), "recover"));
    assert_non_null(strstr(ng_index_errmsg(ix), dir));
    ng_index_free(ix);
    o.create = 0;
    assert_int_equal(ng_index_open(&ix, dir, &o), NG_ECORRUPT);
    ng_index_free(ix);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "manifest is missing"));
    ng_reader_free(r);
    char *after_refusal = listing(dir);
    assert_string_equal(files, after_refusal); /* nothing removed */

    ng_recover_report rep;
    assert_int_equal(ng_index_recover(&ix, dir, &rep), 0);
    ng_index_free(ix);
    assert_int_equal(rep.damaged, 0);
    assert_int_equal(rep.documents, lines(before));
    assert_int_equal(rep.documents, 27); /* 30 ids, 3 deleted */
    char *after = live_docs(dir);
    assert_string_equal(before, after); /* every document, newest version */
    /* An index that opens is not "recovered" again. */
    assert_int_equal(ng_index_recover(&ix, dir, &rep), NG_EINVAL);
    assert_non_null(strstr(ng_index_errmsg(ix), "intact"));
    ng_index_free(ix);
    ix = writer(dir); /* and the next writer works */
    add(ix, "doc-999", "new one");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    free(before);
    free(after);
    free(files);
    free(after_refusal);
    test_rm_rf(dir);
    free(dir);
}

/* Merge inputs left behind (a crash between the merge's commit and its
 * cleanup) and a lost MANIFEST: recover must not bring back duplicates
 * or deleted documents; a damaged segment is set aside. */
static void recover_after_merge_leftovers(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    char *keep = test_make_tmp("ng-integrity-keep");
    build(dir);
    DIR *d = opendir(dir);
    struct dirent *e;
    char a[4096], b[4096];
    while ((e = readdir(d))) /* keep the pre-merge files */
        if (!strncmp(e->d_name, "seg_", 4) || !strncmp(e->d_name, "del_", 4)) {
            path_of(a, dir, e->d_name);
            path_of(b, keep, e->d_name);
            copy_file(a, b);
        }
    closedir(d);
    ng_index *ix = writer(dir);
    assert_int_equal(ng_index_delete(ix, "doc-000", 7), 0);
    assert_int_equal(ng_index_merge(ix), 0);
    ng_index_free(ix);
    char *before = live_docs(dir);
    d = opendir(keep);
    while ((e = readdir(d)))
        if (e->d_name[0] != '.') {
            path_of(a, keep, e->d_name);
            path_of(b, dir, e->d_name);
            copy_file(a, b);
        }
    closedir(d);
    /* and a damaged copy of the first segment under a free number */
    path_of(a, keep, "seg_000001.ngs");
    path_of(b, dir, "seg_000100.ngs");
    copy_file(a, b);
    FILE *f = fopen(b, "r+b");
    fseek(f, 200, SEEK_SET);
    fputc(0x5a, f);
    fclose(f);
    path_of(a, dir, "MANIFEST");
    unlink(a);
    ng_recover_report rep;
    assert_int_equal(ng_index_recover(&ix, dir, &rep), 0);
    ng_index_free(ix);
    assert_int_equal(rep.damaged, 1);
    assert_int_equal(rep.documents, lines(before));
    char *after = live_docs(dir);
    assert_string_equal(before, after);
    path_of(b, dir, "seg_000100.ngs.damaged");
    assert_int_equal(access(b, F_OK), 0); /* set aside, not deleted */
    free(before);
    free(after);
    test_rm_rf(keep);
    free(keep);
    test_rm_rf(dir);
    free(dir);
}

/* ---- identity: files copied in ------------------------------------------ */

static void foreign_segment_is_refused(void **state) {
    (void)state;
    char *x = test_make_tmp("ng-integrity-x");
    char *y = test_make_tmp("ng-integrity-y");
    for (int k = 0; k < 2; k++) { /* same names, same counts */
        ng_index *ix = writer(k ? y : x);
        add(ix, "a", k ? "other text" : "some text");
        assert_int_equal(ng_index_commit(ix), 0);
        ng_index_free(ix);
    }
    char a[4096], b[4096];
    path_of(a, y, "seg_000001.ngs");
    path_of(b, x, "seg_000001.ngs");
    copy_file(a, b);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, x), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "seg_000001.ngs"));
    assert_non_null(strstr(ng_reader_errmsg(r), "another index"));
    ng_reader_free(r);
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, x, NULL), NG_ECORRUPT);
    ng_index_free(ix);
    test_rm_rf(x);
    test_rm_rf(y);
    free(x);
    free(y);
}

static void older_deletes_under_newer_name(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    add(ix, "a", "alpha");
    add(ix, "b", "beta");
    add(ix, "c", "gamma");
    assert_int_equal(ng_index_commit(ix), 0); /* seg_000001 */
    assert_int_equal(ng_index_delete(ix, "a", 1), 0);
    assert_int_equal(ng_index_commit(ix), 0); /* del_000002 */
    assert_int_equal(ng_index_delete(ix, "b", 1), 0);
    assert_int_equal(ng_index_commit(ix), 0); /* del_000003 */
    ng_index_free(ix);
    char a[4096], b[4096];
    path_of(a, dir, "del_000002.ngd");
    path_of(b, dir, "del_000003.ngd");
    /* the old file may be gone already; rebuild it from a reader's view */
    if (access(a, F_OK) != 0) {
        ngi_error err = {0, ""};
        uint8_t bits[1] = {1}; /* only "a" deleted */
        ngi_file_ident id = {{0}, 2, 1};
        ngi_manifest m;
        assert_int_equal(ngi_manifest_read(dir, &m, &err), 0);
        memcpy(id.index_id, m.index_id, NGI_INDEX_ID_BYTES);
        ngi_manifest_free(&m);
        assert_int_equal(ngi_deletes_write(dir, "del_000002.ngd", bits, 3, &id, &err), 0);
    }
    copy_file(a, b); /* "b" would come back */
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "del_000003.ngd"));
    assert_non_null(strstr(ng_reader_errmsg(r), "written as file 2"));
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* ---- damaged bytes: an error, never another answer ---------------------- */

/* Looks a term up and reads its postings: 0, or the first error. */
static ngi_error term_err;

static int read_term(ng_reader *r, const char *term) {
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    ngi_error *err = &term_err;
    for (size_t s = 0; s < snap->n_segs; s++) {
        ngi_term_postings tp;
        int rc = ngi_segment_lookup(snap->segs[s], term, strlen(term), &tp, err);
        if (rc == NG_ENOTFOUND) continue;
        if (rc) return rc;
        ngi_cursor c;
        if ((rc = ngi_segment_cursor(snap->segs[s], &tp, &c, err))) return rc;
        while ((rc = ngi_cursor_next(&c)) == 0 && c.doc != NGI_DOC_END) {
            const uint32_t *pos;
            if ((rc = ngi_cursor_positions(&c, &pos))) break;
        }
        ngi_cursor_close(&c);
        if (rc) return rc;
    }
    return 0;
}

static void damaged_sections_fail(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    char id[32], body[256];
    for (int i = 0; i < 300; i++) { /* "common" gets a blocked list */
        snprintf(id, sizeof id, "doc-%04d", i);
        snprintf(body, sizeof body, "common word%d and more text %d", i, i);
        add(ix, id, body);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096];
    path_of(p, dir, "seg_000001.ngs");
    size_t len;
    uint8_t *orig = slurp(p, &len);
    uint8_t *copy = malloc(len);
    struct {
        const char *tag;
        size_t at;
        bool at_open;
    } cases[] = {
        {"HEAD", 16, true}, /* total_len */
        {"POST", 0, false}, /* the first postings bytes */
        {"POSN", 0, false}, /* positions: on first use */
        {"LEX2", 2, false}, /* the lexicon */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t off = 0, slen = 0;
        find_section(orig, len, cases[k].tag, &off, &slen);
        assert_true(cases[k].at < slen);
        memcpy(copy, orig, len);
        copy[off + cases[k].at] ^= 0x04;
        spill(p, copy, len);
        ng_reader *r;
        int rc = ng_reader_open(&r, dir);
        if (cases[k].at_open) {
            assert_int_equal(rc, NG_ECORRUPT);
        } else {
            assert_int_equal(rc, 0);
            rc = read_term(r, "common");
            if (rc == 0) rc = read_term(r, "word7");
            if (rc == 0) rc = read_term(r, "zzz"); /* the lexicon's end */
            assert_int_equal(rc, NG_ECORRUPT);
        }
        const char *msg = cases[k].at_open ? ng_reader_errmsg(r) : term_err.msg;
        if (!strstr(msg, "seg_000001.ngs") || !strstr(msg, "corrupt"))
            fail_msg("%s: message %s", cases[k].tag, msg);
        ng_reader_free(r);
    }
    /* The document store (DOC2, read in place): opening reads none of it;
     * a fetch from a damaged block, or through a damaged word table, fails. */
    size_t doff = 0, dlen = 0;
    find_section(orig, len, "DOC2", &doff, &dlen);
    const uint8_t *dt = orig + doff + dlen - 32;
    size_t at_words = (size_t)ngi_load_le64(dt) + ngi_load_le32(dt + 8);
    assert_true(ngi_load_le32(dt + 24) > 0); /* word-coded */
    /* The ids (CSID: verified per piece when an id is read, not at open):
     * an id's digit, an offset, an IDIX entry. */
    size_t ioff = 0, ilen = 0;
    struct {
        const char *tag;
        size_t at;
    } lazy[] = {{"DOC2", 1}, {"DOC2", at_words}, {"IDDA", 3}, {"IDOS", 41}, {"IDXW", 6}};
    for (size_t k = 0; k < sizeof lazy / sizeof *lazy; k++) {
        find_section(orig, len, lazy[k].tag, &ioff, &ilen);
        assert_true(lazy[k].at < ilen);
        memcpy(copy, orig, len);
        copy[ioff + lazy[k].at] ^= 0x20;
        spill(p, copy, len);
        ng_reader *r;
        assert_int_equal(ng_reader_open(&r, dir), 0);
        int rc = 0;
        for (int i = 0; i < 300 && !rc; i++) {
            snprintf(id, sizeof id, "doc-%04d", i);
            ng_doc *d = NULL;
            rc = ng_reader_get(r, id, strlen(id), &d);
            ng_doc_free(d);
        }
        assert_int_equal(rc, NG_ECORRUPT);
        const char *msg = ng_reader_errmsg(r);
        if (!strstr(msg, "seg_000001.ngs") || !strstr(msg, "corrupt"))
            fail_msg("%s +%zu: message %s", lazy[k].tag, lazy[k].at, msg);
        ng_reader_free(r);
    }
    spill(p, orig, len);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(read_term(r, "common"), 0);
    ng_reader_free(r);
    free(orig);
    free(copy);
    test_rm_rf(dir);
    free(dir);
}

/* Rewrites the checksums of section tag, of the section table and of the
 * file after its bytes were changed: damage the checksums cannot see. */
static void reseal(uint8_t *f, size_t len, const char *tag) {
    const uint8_t *t = f + len - 40;
    uint64_t table = ngi_load_le64(t);
    uint32_t n = ngi_load_le32(t + 8);
    for (uint32_t i = 0; i < n; i++) {
        uint8_t *e = f + table + 32 * i;
        if (memcmp(e, tag, 4)) continue;
        size_t off = (size_t)ngi_load_le64(e + 8), slen = (size_t)ngi_load_le64(e + 16);
        ngi_store_le64(e + 24, ngi_hash64(f + off, slen));
    }
    ngi_store_le64(f + len - 40 + 16, ngi_hash64(f + table, 32 * (size_t)n));
    ngi_store_le64(f + len - 16, ngi_hash64(f, len - 16));
}

/* Rewrites the chunk sums that CSID or CSPD (sums) keeps of section tag
 * (a section under 16 KiB: one piece), then reseals both sections. */
static void reseal_chunked(uint8_t *f, size_t len, const char *sums, const char *tag) {
    size_t off = 0, slen = 0, coff = 0, clen = 0;
    find_section(f, len, tag, &off, &slen);
    find_section(f, len, sums, &coff, &clen);
    assert_true(slen < 16384);
    for (size_t at = coff + 8; at + 16 <= coff + clen;) {
        uint64_t n = ngi_load_le64(f + at + 8);
        if (memcmp(f + at, tag, 4) == 0) {
            assert_int_equal(n, slen ? 1 : 0);
            if (n) ngi_store_le64(f + at + 16, ngi_hash64(f + off, slen));
        }
        at += 16 + 8 * (size_t)n;
    }
    reseal(f, len, tag);
    reseal(f, len, sums);
}

/* A length that disagrees with its QLEN byte under valid checksums:
 * `check` names it (the query would trust QLEN as the length below 128).
 * Format 6 keeps lengths as residuals over QLEN's floor (NRMR), so the
 * damage is a residual past its step: doc b's length is below 128, its
 * residual must be 0; with 1 (and the header's total_len made to agree)
 * only the QLEN check can see it. */
static void check_verifies_quantized_lengths(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    add(ix, "a", "one two three");
    add(ix, "b", "four five six seven");
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096];
    path_of(p, dir, "seg_000001.ngs");
    size_t len, off = 0, slen = 0;
    uint8_t *f = slurp(p, &len);
    find_section(f, len, "QLEN", &off, &slen);
    assert_int_equal(slen, 2);
    size_t noff = 0, nlen = 0, hoff = 0, hlen = 0;
    find_section(f, len, "NRMR", &noff, &nlen);
    assert_int_equal(nlen, 2); /* one byte a document */
    assert_int_equal(f[noff + 1], 0);
    assert_true(f[off + 1] > 0 && f[off + 1] < 100); /* doc b, < 128: exact */
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), 0);
    ng_reader_free(r);
    f[noff + 1] = 1;
    reseal_chunked(f, len, "CSPD", "NRMR");
    find_section(f, len, "HEAD", &hoff, &hlen);
    ngi_store_le64(f + hoff + 16, ngi_load_le64(f + hoff + 16) + 1);
    reseal(f, len, "HEAD");
    spill(p, f, len);
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "quantized lengths"));
    ng_reader_free(r);
    free(f);
    test_rm_rf(dir);
    free(dir);
}

/* Every document of a writer: id "k-" + k copies of 'x' (lengths 3..),
 * body of k % 7 * 60 + 1 words (lengths past 128 have residuals). */
static void add_varied(ng_index *ix, int n) {
    char id[400], *body = malloc(8 * 400 + 1);
    for (int k = 0; k < n; k++) {
        int m = snprintf(id, sizeof id, "%d-", k);
        for (int i = 0; i < k % 300; i++) id[m++] = 'x';
        id[m] = 0;
        size_t bl = 0;
        for (int w = 0; w < k % 7 * 60 + 1; w++)
            bl += (size_t)sprintf(body + bl, "w%d ", (k + w) % 50);
        add(ix, id, body);
    }
    free(body);
}

/* Format 6's sampled id offsets (IDOS) and residual lengths (NRMR) in a
 * segment of n documents: every id, of 3 to 300 bytes (offsets past 16
 * bits), is found by number and by id; every length agrees with its QLEN
 * byte and holds its body's words; `check` passes (total_len, QLEN). */
static void sampled_ids_in(uint32_t n) {
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    add_varied(ix, (int)n);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), 0);
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    assert_int_equal(snap->n_segs, 1);
    const ngi_segment *seg = snap->segs[0];
    ngi_error err = {0};
    assert_int_equal(ngi_segment_need(seg, NGI_SEG_NORMS, &err), 0);
    unsigned w;
    bool residual;
    assert_non_null(ngi_segment_norms(seg, &w, &residual));
    assert_true(residual);
    for (uint32_t d = 0; d < n; d++) {
        char want[400];
        int m = snprintf(want, sizeof want, "%u-", d);
        for (uint32_t i = 0; i < d % 300; i++) want[m++] = 'x';
        const char *id;
        size_t len;
        assert_int_equal(ngi_segment_doc_id(seg, d, &id, &len, &err), 0);
        assert_int_equal(len, (size_t)m);
        assert_memory_equal(id, want, len);
        uint32_t found = UINT32_MAX;
        assert_int_equal(ngi_segment_find_id(seg, want, (size_t)m, &found, &err), 0);
        assert_int_equal(found, d);
        /* the title adds a few tokens to the body's words */
        uint32_t dl = ngi_segment_doc_len(seg, d);
        assert_true(dl >= d % 7 * 60 + 1 && dl <= d % 7 * 60 + 8);
        assert_int_equal(ngi_segment_qlens(seg)[d], ngi_qlen_encode(dl));
    }
    assert_int_equal(ngi_segment_doc_id(seg, n, &(const char *){0}, &(size_t){0}, &err),
                     NG_EINVAL);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

/* One id, a group exactly full, one past it, and 301 (38 groups, the last
 * of 5). */
static void sampled_ids_and_residual_lengths(void **state) {
    (void)state;
    const uint32_t sizes[] = {1, 8, 9, 301};
    for (size_t i = 0; i < sizeof sizes / sizeof *sizes; i++) sampled_ids_in(sizes[i]);
}

/* Damage to IDOS or IDDA that checksums cannot see (resealed): a sample
 * one byte late, an id's terminator overwritten (two ids run together),
 * an empty id. Reading the ids fails with NG_ECORRUPT, never another id,
 * and `check` fails too. */
static void sampled_ids_damage_is_caught(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    char id[32];
    for (int i = 0; i < 20; i++) {
        snprintf(id, sizeof id, "doc-%04d", i);
        add(ix, id, "some words here");
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096];
    path_of(p, dir, "seg_000001.ngs");
    size_t len, soff = 0, slen = 0, ioff = 0, ilen = 0;
    uint8_t *orig = slurp(p, &len), *f = malloc(len);
    find_section(orig, len, "IDOS", &soff, &slen);
    find_section(orig, len, "IDDA", &ioff, &ilen);
    assert_int_equal(slen, 4);               /* ceil(20 / 8) + 1 = 4 entries, u8 */
    assert_int_equal(orig[soff + 1], 8 * 9); /* "doc-0008" starts at 72 */
    assert_int_equal(ilen, 20 * 9);
    struct {
        const char *tag;
        size_t at;
        uint8_t to;
    } cases[] = {
        {"IDOS", 1, 8 * 9 + 1},   /* sample 1 one byte late */
        {"IDOS", 3, 20 * 9 - 1},  /* the end one byte short */
        {"IDDA", 9 * 3 + 8, 'x'}, /* doc 3's NUL: doc 3 and 4 run together */
        {"IDDA", 9 * 7 + 8, 'x'}, /* doc 7's NUL: the group runs past its end */
        {"IDDA", 9 * 10, 0},      /* doc 10 starts with NUL: empty */
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t off = 0, sl = 0;
        memcpy(f, orig, len);
        find_section(f, len, cases[k].tag, &off, &sl);
        f[off + cases[k].at] = cases[k].to;
        reseal_chunked(f, len, "CSID", cases[k].tag);
        spill(p, f, len);
        ng_reader *r;
        assert_int_equal(ng_reader_open(&r, dir), 0);
        int rc = 0;
        for (int i = 0; i < 20 && !rc; i++) {
            snprintf(id, sizeof id, "doc-%04d", i);
            ng_doc *d = NULL;
            rc = ng_reader_get(r, id, strlen(id), &d);
            if (!rc) {
                const ng_field *fi = ng_doc_field_by_role(d, NG_FIELD_ID);
                assert_memory_equal(fi->value, id, strlen(id)); /* never another */
            }
            ng_doc_free(d);
        }
        if (rc != NG_ECORRUPT) fail_msg("%s +%zu: rc %d", cases[k].tag, cases[k].at, rc);
        assert_non_null(strstr(ng_reader_errmsg(r), "id"));
        ng_reader_free(r);
        assert_int_equal(ng_reader_open(&r, dir), 0);
        const ngi_segment *seg = ngi_reader_snapshot(r)->segs[0];
        for (uint32_t d = 0; d < 20; d++) { /* a failed read hands back no id */
            const char *got = NULL;
            size_t got_len = 99;
            ngi_error e = {0};
            if (ngi_segment_doc_id(seg, d, &got, &got_len, &e)) {
                assert_int_equal(got_len, 0);
                assert_string_equal(got, "");
            }
        }
        ng_reader_free(r);
        assert_int_equal(ng_reader_open(&r, dir), 0);
        assert_int_equal(ng_reader_check(r), NG_ECORRUPT);
        ng_reader_free(r);
    }
    free(orig);
    free(f);
    test_rm_rf(dir);
    free(dir);
}

/* A SEED witness that claims more than the postings hold, under valid
 * checksums: `check` names it (a search would trust it as a lower bound
 * of the k-th score and prune winners). A damaged SEED byte fails the
 * first witness read (a search's), never silently. */
static void check_verifies_seed_witnesses(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    char id[32];
    for (int i = 0; i < 12; i++) {
        snprintf(id, sizeof id, "d%02d", i);
        add(ix, id, i < 10 ? "common word" : "common word brisk crane drift");
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    char p[4096];
    path_of(p, dir, "seg_000001.ngs");
    size_t len, off = 0, slen = 0;
    uint8_t *f = slurp(p, &len);
    find_section(f, len, "SEED", &off, &slen);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), 0);
    const ngi_segment *seg = ngi_reader_snapshot(r)->segs[0];
    ngi_term_postings tp;
    ngi_witness w;
    assert_int_equal(ngi_segment_lookup(seg, "common", 6, &tp, NULL), 0);
    for (int i = 0; i <= NGI_SEED_AFTER; i++) { /* none before: one-shot searches */
        assert_int_equal(ngi_segment_witness(seg, &tp, &w, NULL), 0);
        assert_true(i == NGI_SEED_AFTER || w.n == 0);
    }
    uint32_t dl = ngi_segment_doc_len(seg, 0); /* the 10 short documents' */
    assert_true(dl > 1 && dl < 100 && ngi_segment_doc_len(seg, 11) > dl);
    assert_true(w.n == 1 && w.count[0] == 10 && w.tf[0] == 1 && w.max_dl[0] == dl);
    ng_reader_free(r);
    size_t e = off + 8 + 4 * f[off + 1]; /* entries: docs_off, then (tf, dlq) */
    while (ngi_load_le64(f + e) != tp.docs_off) e += 8 + 2 * (size_t)f[off + 1];
    assert_int_equal(f[e + 9], dl);
    uint8_t *orig = malloc(len);
    memcpy(orig, f, len);
    f[e + 9] = (uint8_t)(dl - 1); /* 10 documents of length <= dl - 1: false */
    reseal(f, len, "SEED");
    spill(p, f, len);
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "seed witness"));
    ng_reader_free(r);
    orig[e + 9] = (uint8_t)(dl - 1); /* the same byte, checksums left alone */
    spill(p, orig, len);
    assert_int_equal(ng_reader_open(&r, dir), 0);
    seg = ngi_reader_snapshot(r)->segs[0];
    ngi_error err;
    ngi_error_clear(&err);
    assert_int_equal(ngi_segment_lookup(seg, "common", 6, &tp, NULL), 0);
    for (int i = 0; i < NGI_SEED_AFTER; i++)
        assert_int_equal(ngi_segment_witness(seg, &tp, &w, &err), 0);
    assert_int_equal(ngi_segment_witness(seg, &tp, &w, &err), NG_ECORRUPT);
    assert_non_null(strstr(err.msg, "SEED checksum"));
    ng_reader_free(r);
    free(orig);
    free(f);
    test_rm_rf(dir);
    free(dir);
}

static void missing_segment_is_named(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    build(dir);
    char p[4096];
    path_of(p, dir, "seg_000002.ngs");
    assert_int_equal(unlink(p), 0);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), NG_ECORRUPT);
    assert_non_null(strstr(ng_reader_errmsg(r), "seg_000002.ngs"));
    assert_non_null(strstr(ng_reader_errmsg(r), "missing"));
    ng_reader_free(r);
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, dir, NULL), NG_ECORRUPT);
    assert_non_null(strstr(ng_index_errmsg(ix), "seg_000002.ngs"));
    ng_index_free(ix);
    test_rm_rf(dir);
    free(dir);
}

/* ---- a failed merge after a commit -------------------------------------- */

static void merge_failure_after_commit(void **state) {
    (void)state;
    char *dir = test_make_tmp("ng-integrity");
    ng_index *ix = writer(dir);
    char id[32];
    int rc = 0;
    for (int i = 0; i < 10 && rc == 0; i++) { /* the 10th fills tier 0 */
        snprintf(id, sizeof id, "doc-%d", i);
        add(ix, id, "text");
        if (i == 9) fail_writes_to = "/seg_000011.ngs"; /* the merge's */
        rc = ng_index_commit(ix);
    }
    fail_writes_to = NULL;
    assert_int_equal(rc, NG_EMERGE);
    assert_non_null(strstr(ng_index_errmsg(ix), "commit succeeded"));
    assert_non_null(strstr(ng_index_errmsg(ix), "No space left on device"));
    ng_index_free(ix);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, 10);
    assert_int_equal(ng_reader_check(r), 0);
    ng_reader_free(r);
    test_rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(missing_manifest_refused_then_recovered),
        cmocka_unit_test(recover_after_merge_leftovers),
        cmocka_unit_test(foreign_segment_is_refused),
        cmocka_unit_test(older_deletes_under_newer_name),
        cmocka_unit_test(damaged_sections_fail),
        cmocka_unit_test(check_verifies_quantized_lengths),
        cmocka_unit_test(sampled_ids_and_residual_lengths),
        cmocka_unit_test(sampled_ids_damage_is_caught),
        cmocka_unit_test(check_verifies_seed_witnesses),
        cmocka_unit_test(missing_segment_is_named),
        cmocka_unit_test(merge_failure_after_commit),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
