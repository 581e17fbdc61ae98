/*
 * segment.c — the reader of one segment file: opens the container (no
 * checksum pass), validates every section's size against the counts of the
 * HEAD section, then serves lexicon lookups (binary search over the sparse
 * block index, then a scan of one front-coded block), prefix enumeration,
 * posting cursors, O(1) per-document facts, ids and stored fields. check()
 * verifies checksums and decodes everything. Grammar: lib/FORMAT.md.
 */
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/le.h"
#include "common/varint.h"
#include "segment_impl.h"
#include "seed.h"
#include "signature.h"

static int corrupt(const ngi_segment *s, ngi_error *err, const char *what) {
    return ngi_seg_corrupt(s, err, what);
}

/* ---- open ------------------------------------------------------------- */

static int section(ngi_segment *s, uint32_t tag, const uint8_t **p, size_t *len,
                   size_t want, ngi_error *err) {
    int rc = ngi_file_reader_section(s->fr, tag, p, len, err);
    if (rc) return rc;
    if (want != SIZE_MAX && *len != want)
        return corrupt(s, err, "section size does not match the counts");
    return 0;
}

/* The small sections every query depends on, verified at open (a few
 * bytes per document): a flipped byte in them would change answers, not
 * fail them. The big ones (POST, POSN, LEXI) are verified per chunk on
 * first use; DOCS by zstd's frame checksums on every fetch. */
static const uint32_t small_sections[] = {
    NGI_SEC_HEAD, NGI_SEC_LIDX, NGI_SEC_NORM, NGI_SEC_DATE, NGI_SEC_TEND, NGI_SEC_IDDA,
    NGI_SEC_IDOF, NGI_SEC_IDIX, NGI_SEC_DSRT, NGI_SEC_CSUM, NGI_SEC_SETS, NGI_SEC_SRCS};
/* With a CSID section the id sections (IDDA, IDOF, IDIX: ~17 bytes per
 * document, half of what open hashed) are verified per 16 KiB piece when
 * an id is read, like the big sections: a first query reads ten ids. */
static bool id_section(uint32_t tag) {
    return tag == NGI_SEC_IDDA || tag == NGI_SEC_IDOF || tag == NGI_SEC_IDIX;
}
/* With a CSPD section the per-document tables (NORM, DATE, TEND, QLEN,
 * DSRT: 13 to 21 bytes per document, most of what open still hashed) are
 * verified whole when a caller first needs them (ngi_segment_need): a
 * first query reads NORM and QLEN, not DATE, TEND or DSRT. */
static const uint32_t col_tags[NGI_SEG_COLS] = {NGI_SEC_NORM, NGI_SEC_DATE, NGI_SEC_TEND,
                                                NGI_SEC_QLEN, NGI_SEC_DSRT};
static bool col_section(uint32_t tag) {
    for (size_t i = 0; i < NGI_SEG_COLS; i++)
        if (col_tags[i] == tag) return true;
    return false;
}

/* Prefixes err's message (which names the file) with "corrupt index: ",
 * as every damage report of a segment reads. */
static int as_corrupt(ngi_error *err, int rc) {
    char msg[NGI_ERRMSG_MAX];
    snprintf(msg, sizeof msg, "%s", ngi_error_message(err));
    return ngi_error_set(err, rc, "corrupt index: %s", msg);
}

static int verify_small(ngi_segment *s, ngi_error *err) {
    s->ids_lazy = ngi_file_reader_has(s->fr, NGI_SEC_CSID);
    s->cols_lazy = ngi_file_reader_has(s->fr, NGI_SEC_CSPD);
    for (size_t i = 0; i < NGI_ARRAY_LEN(small_sections); i++) {
        if (s->ids_lazy && id_section(small_sections[i])) continue;
        if (s->cols_lazy && col_section(small_sections[i])) continue;
        int rc = ngi_file_reader_verify_section(s->fr, small_sections[i], err);
        if (rc) return as_corrupt(err, rc);
    }
    int rc = s->ids_lazy ? ngi_file_reader_verify_section(s->fr, NGI_SEC_CSID, err) : 0;
    if (!rc && s->cols_lazy)
        rc = ngi_file_reader_verify_section(s->fr, NGI_SEC_CSPD, err);
    return rc ? as_corrupt(err, rc) : 0;
}

/* The manifest entry and the header must name the same file of the same
 * index: catches a segment copied in from elsewhere under a live name. */
static int check_ident(ngi_segment *s, const uint8_t *index_id, ngi_error *err) {
    if (!index_id) return 0;
    ngi_file_ident want = {{0}, ngi_file_number(s->name), 0};
    memcpy(want.index_id, index_id, NGI_INDEX_ID_BYTES);
    int rc = ngi_file_reader_check_ident(s->fr, &want, err);
    return rc ? as_corrupt(err, rc) : 0;
}

static int read_head(ngi_segment *s, const ngi_segment_entry *e, ngi_error *err) {
    const uint8_t *h;
    size_t len;
    int rc = section(s, NGI_SEC_HEAD, &h, &len, NGI_HEAD_BYTES, err);
    if (rc) return rc;
    s->n_docs = ngi_load_le32(h);
    s->n_dated = ngi_load_le32(h + 4);
    s->n_terms = ngi_load_le64(h + 8);
    s->total_len = ngi_load_le64(h + 16);
    if (ngi_load_le32(h + 24) != NGI_LEX_BLOCK || s->n_docs == UINT32_MAX ||
        s->n_dated > s->n_docs || s->n_terms > (uint64_t)SIZE_MAX / 16)
        return corrupt(s, err, "bad header");
    if (s->n_docs != e->n_docs)
        return corrupt(s, err, "document count differs from the manifest");
    s->n_blocks = (s->n_terms + NGI_LEX_BLOCK - 1) / NGI_LEX_BLOCK;
    return 0;
}

static int check_lidx(ngi_segment *s, ngi_error *err) {
    uint64_t prev = 0;
    for (uint64_t b = 0; b < s->n_blocks; b++) {
        uint64_t off = ngi_load_le64(s->lidx + 8 * b);
        if ((b == 0 && off != 0) || (b > 0 && off <= prev) || off >= s->lexi_len)
            return corrupt(s, err, "bad lexicon block index");
        prev = off;
    }
    return 0;
}

/* Entries of the id offset table: n_docs + 1, or in format 6 (IDOS) one
 * per NGI_ID_SAMPLE ids and the end. */
static size_t id_entries(const ngi_segment *s) {
    return s->v6 ? ((size_t)s->n_docs + NGI_ID_SAMPLE - 1) / NGI_ID_SAMPLE + 1
                 : (size_t)s->n_docs + 1;
}

/* IDOS against IDDA, every id: each sample is the offset of its id, ids
 * are non-empty and NUL-terminated, the last ends IDDA. */
static int check_id_samples(const ngi_segment *s, ngi_error *err) {
    const uint8_t *p = s->idda, *end = s->idda + s->idda_len;
    for (uint32_t i = 0; i < s->n_docs; i++) {
        if (i % NGI_ID_SAMPLE == 0 &&
            ngi_load_uw(s->idof, s->idof_w, i / NGI_ID_SAMPLE) != (size_t)(p - s->idda))
            return corrupt(s, err, "bad id table");
        const uint8_t *z = memchr(p, 0, (size_t)(end - p));
        if (!z || z == p) return corrupt(s, err, "bad id table");
        p = z + 1;
    }
    if (ngi_load_uw(s->idof, s->idof_w, id_entries(s) - 1) != s->idda_len || p != end)
        return corrupt(s, err, "bad id table end");
    return 0;
}

int ngi_seg_check_ids(const ngi_segment *s, ngi_error *err) {
    uint32_t prev = 0;
    int rc = s->v6 ? check_id_samples(s, err) : 0;
    for (uint32_t i = 0; !rc && !s->v6 && i <= s->n_docs; i++) {
        uint32_t off = ngi_load_uw(s->idof, s->idof_w, i);
        if (off > s->idda_len) return corrupt(s, err, "id offset out of range");
        if (i == 0 ? off != 0 : off <= prev + 1 || s->idda[off - 1] != 0)
            return corrupt(s, err, "bad id table");
        if (i == s->n_docs && off != s->idda_len)
            return corrupt(s, err, "bad id table end");
        prev = off;
    }
    if (rc) return rc;
    for (uint32_t i = 0; i < s->n_docs; i++)
        if (ngi_load_uw(s->idix, s->idix_w, i) >= s->n_docs)
            return corrupt(s, err, "bad id index");
    return 0;
}

static int check_dsrt(const ngi_segment *s, ngi_error *err) {
    for (uint32_t i = 0; i < s->n_dated; i++)
        if (ngi_load_le32(s->dsrt + 8 * (size_t)i + 4) >= s->n_docs)
            return corrupt(s, err, "bad date table");
    return 0;
}

/* CSUM: chunk_bytes:u32 n:u32 then n x (tag:u32 0:u32 count:u64
 * sum:u64{count}), for POST, POSN and LEXI in this order; CSID the same
 * for IDDA, IDOF, IDIX; CSPD for NORM, DATE, TEND, QLEN, DSRT. */
static int read_sums(ngi_segment *s, uint32_t tag, uint32_t n_tags, const uint32_t *tags,
                     ngi_chunked **ck, const uint8_t *const *data, const size_t *lens,
                     ngi_error *err) {
    const uint8_t *p;
    size_t len;
    int rc = ngi_file_reader_section(s->fr, tag, &p, &len, err);
    if (rc) return rc;
    if (len < 8 || ngi_load_le32(p) != NGI_CHUNK_BYTES || ngi_load_le32(p + 4) != n_tags)
        return corrupt(s, err, "bad chunk checksum table");
    size_t at = 8;
    for (uint32_t i = 0; i < n_tags; i++) {
        if (len - at < 16 || ngi_load_le32(p + at) != tags[i] ||
            ngi_load_le32(p + at + 4) != 0)
            return corrupt(s, err, "bad chunk checksum table");
        uint64_t n = ngi_load_le64(p + at + 8);
        at += 16;
        if (n > (len - at) / 8) return corrupt(s, err, "bad chunk checksum table");
        rc = ngi_chunked_init(ck[i], data[i], lens[i], p + at, n);
        if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
        if (rc) return corrupt(s, err, "chunk checksums do not fit a section");
        at += 8 * (size_t)n;
    }
    return at == len ? 0 : corrupt(s, err, "bad chunk checksum table");
}

static int read_chunk_sums(ngi_segment *s, ngi_error *err) {
    const uint32_t tags[3] = {NGI_SEC_POST, NGI_SEC_POSN,
                              s->lex2 ? NGI_SEC_LEX2 : NGI_SEC_LEXI};
    ngi_chunked *ck[3] = {&s->ck_post, &s->ck_posn, &s->ck_lexi};
    const uint8_t *data[3] = {s->post, s->posn, s->lexi};
    size_t lens[3] = {s->post_len, s->posn_len, s->lexi_len};
    int rc = read_sums(s, NGI_SEC_CSUM, 3, tags, ck, data, lens, err);
    if (rc || !s->ids_lazy) return rc;
    const uint32_t id_tags[3] = {NGI_SEC_IDDA,
                                 s->v6       ? NGI_SEC_IDOS
                                 : s->packed ? NGI_SEC_IDOW
                                             : NGI_SEC_IDOF,
                                 s->packed ? NGI_SEC_IDXW : NGI_SEC_IDIX};
    ngi_chunked *id_ck[3] = {&s->ck_idda, &s->ck_idof, &s->ck_idix};
    const uint8_t *id_data[3] = {s->idda, s->idof, s->idix};
    size_t id_lens[3] = {s->idda_len, s->idof_w * id_entries(s),
                         s->idix_w * (size_t)s->n_docs};
    return read_sums(s, NGI_SEC_CSID, 3, id_tags, id_ck, id_data, id_lens, err);
}

/* CSPD (after read_qlens: a segment with CSPD has QLEN). */
static int read_col_sums(ngi_segment *s, ngi_error *err) {
    if (!s->cols_lazy) return 0;
    if (!s->qlen) return corrupt(s, err, "bad chunk checksum table");
    size_t n = s->n_docs;
    ngi_chunked *ck[NGI_SEG_COLS];
    for (size_t i = 0; i < NGI_SEG_COLS; i++) ck[i] = &s->ck_cols[i];
    const uint8_t *data[NGI_SEG_COLS] = {s->norm, s->date, s->tend, s->qlen, s->dsrt};
    size_t lens[NGI_SEG_COLS] = {s->norm_w * n, s->date ? 4 * n : 0, s->tend_w * n, n,
                                 8 * (size_t)s->n_dated};
    const uint32_t tags5[NGI_SEG_COLS] = {s->v6 ? NGI_SEC_NRMR : NGI_SEC_NRMW,
                                          NGI_SEC_DATE, NGI_SEC_TNDW, NGI_SEC_QLEN,
                                          NGI_SEC_DSRT};
    return read_sums(s, NGI_SEC_CSPD, NGI_SEG_COLS, s->packed ? tags5 : col_tags, ck,
                     data, lens, err);
}

static int read_settings(ngi_segment *s, ngi_error *err) {
    const uint8_t *p;
    size_t len;
    int rc = section(s, NGI_SEC_SETS, &p, &len, NGI_SETS_BYTES, err);
    if (rc) return rc;
    ngi_settings *st = &s->origin.settings;
    if (memchr(p, 0, 32) == NULL || ngi_load_le32(p + 36) != 0)
        return corrupt(s, err, "bad settings section");
    memcpy(st->language, p, 32);
    st->analyzer_flags = ngi_load_le32(p + 32);
    uint64_t k1 = ngi_load_le64(p + 40), b = ngi_load_le64(p + 48);
    memcpy(&st->k1, &k1, 8);
    memcpy(&st->b, &b, 8);
    memcpy(s->origin.index_id, ngi_file_reader_ident(s->fr)->index_id,
           NGI_INDEX_ID_BYTES);
    if ((rc = section(s, NGI_SEC_SRCS, &p, &len, SIZE_MAX, err))) return rc;
    if (len < 8 || ngi_load_le32(p + 4) != 0 || (len - 8) / 8 != ngi_load_le32(p) ||
        (len - 8) % 8)
        return corrupt(s, err, "bad sources section");
    s->srcs = p + 8;
    s->n_srcs = (len - 8) / 8;
    return 0;
}

/* HEAD's total_len is the sum of the norms (BM25's avgdl depends on it). */
static int check_norms(const ngi_segment *s, ngi_error *err) {
    uint64_t total = 0;
    uint64_t count[256] = {0}; /* format 6: the residuals' bases, by QLEN */
    for (uint32_t i = 0; s->v6 && i < s->n_docs; i++) count[s->qlen[i]]++;
    for (unsigned q = NGI_QLEN_EXACT; q < 256; q++)
        total += count[q] * ngi_qlen_floor((uint8_t)q);
    for (unsigned q = 0; q < NGI_QLEN_EXACT; q++) total += count[q] * q;
    /* the width fixed outside each loop, so that it vectorizes */
    const uint8_t *p = s->norm;
    size_t n = s->n_docs;
    if (s->norm_w == 1)
        for (size_t i = 0; i < n; i++) total += p[i];
    else if (s->norm_w == 2)
        for (size_t i = 0; i < n; i++) total += ngi_load_le16(p + 2 * i);
    else
        for (size_t i = 0; i < n; i++) total += ngi_load_uw(p, s->norm_w, i);
    return total == s->total_len
               ? 0
               : corrupt(s, err, "document lengths disagree with the header");
}

/* DOC2 when the segment has it (written since the in-place layout), else
 * the DOCS of older segments. */
static uint32_t docs_tag(const ngi_segment *s) {
    return ngi_file_reader_has(s->fr, NGI_SEC_DOC2) ? NGI_SEC_DOC2 : NGI_SEC_DOCS;
}

/* QLEN (quantized lengths, one byte per document) is optional: segments
 * written before it have none and queries read NORM alone. When present it
 * is verified here like the other small sections, since a flipped byte
 * would change answers (it stands for the length below 128). */
static int read_qlens(ngi_segment *s, ngi_error *err) {
    size_t len;
    if (ngi_file_reader_section(s->fr, NGI_SEC_QLEN, &s->qlen, &len, NULL)) {
        s->qlen = NULL; /* format 6's lengths need it */
        return s->v6 ? corrupt(s, err, "section QLEN missing") : 0;
    }
    if (len != s->n_docs)
        return corrupt(s, err, "section size does not match the counts");
    if (s->cols_lazy) return 0; /* on first use (ngi_segment_need) */
    int rc = ngi_file_reader_verify_section(s->fr, NGI_SEC_QLEN, err);
    return rc ? as_corrupt(err, rc) : 0;
}

/* A table of n entries: u32 (format 3, 4), or (format 5, s->packed) of
 * the width its length gives, 1..4 bytes (any width when n = 0). */
static int width_section(ngi_segment *s, uint32_t tag4, uint32_t tag5, const uint8_t **p,
                         unsigned *w, size_t n, ngi_error *err) {
    size_t len;
    *w = 4;
    if (!s->packed) return section(s, tag4, p, &len, 4 * n, err);
    int rc = section(s, tag5, p, &len, SIZE_MAX, err);
    if (rc || (n == 0 && len == 0)) return rc;
    if (n == 0 || len % n || len / n < 1 || len / n > 4)
        return corrupt(s, err, "section size does not match the counts");
    *w = (unsigned)(len / n);
    return 0;
}

/* DATE: in format 5 left out when no document is dated. */
static int date_section(ngi_segment *s, ngi_error *err) {
    size_t len;
    if (s->packed && !s->n_dated && !ngi_file_reader_has(s->fr, NGI_SEC_DATE)) {
        s->date = NULL;
        return 0;
    }
    return section(s, NGI_SEC_DATE, &s->date, &len, 4 * (size_t)s->n_docs, err);
}

static int read_sections(ngi_segment *s, ngi_error *err) {
    size_t n = s->n_docs, len;
    const uint8_t *docs;
    int rc;
    s->v6 = ngi_file_reader_has(s->fr, NGI_SEC_NRMR);
    s->packed = s->v6 || ngi_file_reader_has(s->fr, NGI_SEC_NRMW);
    s->lex2 = ngi_file_reader_has(s->fr, NGI_SEC_LEX2);
    uint32_t lex_tag = s->lex2 ? NGI_SEC_LEX2 : NGI_SEC_LEXI;
    if ((rc = section(s, NGI_SEC_POST, &s->post, &s->post_len, SIZE_MAX, err)) ||
        (rc = section(s, NGI_SEC_POSN, &s->posn, &s->posn_len, SIZE_MAX, err)) ||
        (rc = section(s, lex_tag, &s->lexi, &s->lexi_len, SIZE_MAX, err)) ||
        (rc = section(s, NGI_SEC_LIDX, &s->lidx, &len, 8 * s->n_blocks, err)) ||
        (rc = width_section(s, NGI_SEC_NORM, s->v6 ? NGI_SEC_NRMR : NGI_SEC_NRMW,
                            &s->norm, &s->norm_w, n, err)) ||
        (rc = date_section(s, err)) ||
        (rc = width_section(s, NGI_SEC_TEND, NGI_SEC_TNDW, &s->tend, &s->tend_w, n,
                            err)) ||
        (rc = section(s, NGI_SEC_DSRT, &s->dsrt, &len, 8 * (size_t)s->n_dated, err)) ||
        (rc = width_section(s, NGI_SEC_IDOF, s->v6 ? NGI_SEC_IDOS : NGI_SEC_IDOW,
                            &s->idof, &s->idof_w, id_entries(s), err)) ||
        (rc = section(s, NGI_SEC_IDDA, &s->idda, &s->idda_len, SIZE_MAX, err)) ||
        (rc = width_section(s, NGI_SEC_IDIX, NGI_SEC_IDXW, &s->idix, &s->idix_w, n,
                            err)) ||
        (rc = section(s, docs_tag(s), &docs, &s->docs_len, SIZE_MAX, err)))
        return rc;
    if (s->idda_len > UINT32_MAX) return corrupt(s, err, "id table too big");
    if ((rc = read_chunk_sums(s, err)) || (rc = read_qlens(s, err)) ||
        (rc = read_col_sums(s, err)) || (rc = read_settings(s, err)))
        return rc;
    if (!s->cols_lazy && ((rc = check_norms(s, err)) || (rc = check_dsrt(s, err))))
        return rc;
    if ((rc = check_lidx(s, err))) return rc;
    if (!s->ids_lazy && (rc = ngi_seg_check_ids(s, err))) return rc;
    rc = ngi_docstore_reader_open(&s->ds, docs, s->docs_len, s->n_docs, err);
    if (!rc && ngi_docstore_reader_layout(s->ds) != (docs_tag(s) == NGI_SEC_DOCS ? 1 : 2))
        rc = ngi_error_set(err, NG_ECORRUPT,
                           "document store: layout differs from its tag");
    if (rc && rc != NG_ENOMEM)
        return ngi_error_set(err, NG_ECORRUPT, "corrupt index: segment %s: docstore: %s",
                             s->name, ngi_error_message(err));
    return rc;
}

static uint32_t popcount_bits(const uint8_t *bits, uint32_t n_docs) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < n_docs; i++) c += (bits[i >> 3] >> (i & 7)) & 1;
    return c;
}

static int read_deletes(ngi_segment *s, const ngi_segment_entry *e, ngi_error *err) {
    if (!e->deletes[0]) {
        if (e->n_deleted)
            return corrupt(s, err,
                           "the manifest counts deleted documents "
                           "but names no deletes file");
        return 0;
    }
    ngi_file_ident want;
    ngi_seg_deletes_ident(s, e->deletes, &want);
    int rc = ngi_deletes_read(s->dir, e->deletes, s->n_docs, s->bound ? &want : NULL,
                              &s->dels, err);
    if (rc) return rc == NG_ECORRUPT ? as_corrupt(err, rc) : rc;
    s->n_deleted = popcount_bits(s->dels, s->n_docs);
    if (s->n_deleted != e->n_deleted)
        return ngi_error_set(err, NG_ECORRUPT,
                             "corrupt index: %s: %u documents deleted, the "
                             "manifest says %u",
                             e->deletes, s->n_deleted, e->n_deleted);
    char path[4096];
    struct stat st;
    if (ngi_path_join(path, sizeof path, s->dir, e->deletes) == 0 && stat(path, &st) == 0)
        s->dels_bytes = (uint64_t)st.st_size;
    return 0;
}

int ngi_segment_open(ngi_segment **out, const char *dir, const uint8_t *index_id,
                     const ngi_segment_entry *e, ngi_error *err) {
    *out = NULL;
    size_t dl = strlen(dir);
    ngi_segment *s = ngi_calloc(1, sizeof *s + dl + 1);
    if (!s) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    memcpy(s->dir, dir, dl + 1);
    atomic_init(&s->refs, 1);
    snprintf(s->name, sizeof s->name, "%s", e->name);
    snprintf(s->dels_name, sizeof s->dels_name, "%s", e->deletes);
    int rc = ngi_file_reader_open(&s->fr, dir, e->name, NGI_FILE_SEGMENT, err);
    s->bound = index_id != NULL;
    if (!rc) rc = check_ident(s, index_id, err);
    if (!rc) rc = verify_small(s, err);
    if (!rc) rc = read_head(s, e, err);
    if (!rc) rc = read_sections(s, err);
    if (!rc) rc = ngi_sign_open(s, err);
    if (!rc) rc = ngi_seed_open(s, err);
    if (!rc) rc = read_deletes(s, e, err);
    if (rc) {
        ngi_segment_unref(s);
        return rc;
    }
    *out = s;
    return 0;
}

void ngi_segment_ref(ngi_segment *s) {
    atomic_fetch_add(&s->refs, 1);
}

void ngi_segment_unref(ngi_segment *s) {
    if (!s || atomic_fetch_sub(&s->refs, 1) != 1) return;
    ngi_docstore_reader_free(s->ds);
    ngi_chunked_free(&s->ck_post);
    ngi_chunked_free(&s->ck_posn);
    ngi_chunked_free(&s->ck_lexi);
    ngi_chunked_free(&s->ck_idda);
    for (size_t i = 0; i < NGI_SEG_COLS; i++) ngi_chunked_free(&s->ck_cols[i]);
    ngi_chunked_free(&s->ck_idof);
    ngi_chunked_free(&s->ck_idix);
    ngi_free(atomic_load(&s->lex_keys));
    ngi_free(atomic_load(&s->id_ranks));
    ngi_file_reader_close(s->fr);
    ngi_free(s->dels);
    ngi_free(s);
}

uint32_t ngi_segment_n_docs(const ngi_segment *s) {
    return s->n_docs;
}
uint32_t ngi_segment_n_deleted(const ngi_segment *s) {
    return s->n_deleted;
}
uint64_t ngi_segment_n_terms(const ngi_segment *s) {
    return s->n_terms;
}
uint64_t ngi_segment_total_len(const ngi_segment *s) {
    return s->total_len;
}
const char *ngi_segment_name(const ngi_segment *s) {
    return s->name;
}
const uint8_t *ngi_segment_deletes(const ngi_segment *s) {
    return s->dels;
}
const uint8_t *ngi_segment_sources(const ngi_segment *s, size_t *n) {
    *n = s->n_srcs;
    return s->srcs;
}
const ngi_origin *ngi_segment_origin(const ngi_segment *s) {
    return &s->origin;
}
const uint8_t *ngi_segment_index_id(const ngi_segment *s) {
    return ngi_file_reader_ident(s->fr)->index_id;
}
const char *ngi_segment_deletes_name(const ngi_segment *s) {
    return s->dels_name;
}
const ngi_docstore_reader *ngi_segment_docstore(const ngi_segment *s) {
    return s->ds;
}

/* Drops the whole pages inside [p, p + len) from the resident set. The
 * mapping is read-only and shared, so touching them again just re-reads
 * them from the page cache. */
static void drop_pages(const uint8_t *p, size_t len) {
    long ps = sysconf(_SC_PAGESIZE);
    if (ps <= 0 || !p || !len) return;
    uintptr_t a = ((uintptr_t)p + (uintptr_t)ps - 1) & ~((uintptr_t)ps - 1);
    uintptr_t e = ((uintptr_t)p + len) & ~((uintptr_t)ps - 1);
    if (e > a) madvise((void *)a, e - a, MADV_DONTNEED); /* a hint only */
}

void ngi_segment_drop_postings_before(const ngi_segment *s, uint64_t docs_off,
                                      uint64_t pos_off) {
    drop_pages(s->post, (size_t)NGI_MIN(docs_off, (uint64_t)s->post_len));
    drop_pages(s->posn, (size_t)NGI_MIN(pos_off, (uint64_t)s->posn_len));
}

void ngi_segment_drop_lexicon_before(const ngi_segment *s, const uint8_t *p) {
    if (p >= s->lexi && p <= s->lexi + s->lexi_len)
        drop_pages(s->lexi, (size_t)(p - s->lexi));
}

void ngi_segment_drop_pages(const ngi_segment *s, bool postings, bool docs) {
    if (postings) {
        drop_pages(s->post, s->post_len);
        drop_pages(s->posn, s->posn_len);
    }
    const uint8_t *d;
    size_t n;
    ngi_error scratch;
    if (docs && !ngi_file_reader_section(s->fr, docs_tag(s), &d, &n, &scratch))
        drop_pages(d, n);
}

/* ---- lexicon ---------------------------------------------------------- */

static int lexi_damaged(const ngi_segment *s, ngi_error *err) {
    return corrupt(s, err,
                   s->lex2 ? "section LEX2 checksum mismatch"
                           : "section LEXI checksum mismatch");
}

int ngi_lex_iter_seek(ngi_lex_iter *it, const ngi_segment *s, uint64_t block,
                      ngi_error *err) {
    it->s = s;
    it->idx = block * NGI_LEX_BLOCK;
    it->len = 0;
    it->docs_end = it->pos_end = 0;
    it->fresh = true;
    if (block >= s->n_blocks) {
        it->p = it->end = s->lexi + s->lexi_len;
        it->idx = s->n_terms;
        return 0;
    }
    it->p = s->lexi + ngi_load_le64(s->lidx + 8 * block);
    it->end = block + 1 < s->n_blocks ? s->lexi + ngi_load_le64(s->lidx + 8 * (block + 1))
                                      : s->lexi + s->lexi_len;
    if (ngi_chunked_verify(&s->ck_lexi, (uint64_t)(it->p - s->lexi),
                           (uint64_t)(it->end - it->p))) {
        it->p = it->end;      /* the next entry fails to decode, too */
        it->idx = s->n_terms; /* and iteration stops */
        return lexi_damaged(s, err);
    }
    return 0;
}

static int get64(ngi_lex_iter *it, uint64_t *v) {
    return ngi_vbyte_get(&it->p, it->end, v);
}

static int get8(ngi_lex_iter *it, uint64_t *v) {
    if (it->p >= it->end) return -1;
    *v = *it->p++;
    return 0;
}

/* LEX2's df, docs_len, pos_len and min_dl (lib/FORMAT.md "Lexicon"). */
static int lex2_counts(ngi_lex_iter *it, unsigned kind, uint64_t *df, uint64_t *dl,
                       uint64_t *pl, uint64_t *md) {
    uint64_t lens, q;
    *df = 1;
    if ((!(kind & NGI_LEX_DF1) && get64(it, df)) || get8(it, &lens)) return -1;
    if (lens) { /* docs_len 1..15 | pos_len 0..15 << 4 */
        if (!(lens & 15)) return -1;
        *dl = lens & 15;
        *pl = lens >> 4;
    } else if (get64(it, dl) || get64(it, pl)) {
        return -1;
    }
    if (get8(it, &q)) return -1;
    *md = ngi_qlen_floor((uint8_t)q);
    return 0;
}

static int lex_postings(ngi_lex_iter *it, unsigned kind) {
    const ngi_segment *s = it->s;
    unsigned flags = kind & 7;
    uint64_t df, cfx = 0, dd = 0, dl, pd = 0, pl, mt = 0, md;
    if ((s->lex2
             ? lex2_counts(it, kind, &df, &dl, &pl, &md)
             : (get64(it, &df) || get64(it, &dl) || get64(it, &pl) || get64(it, &md))) ||
        ((flags & NGI_LEX_DOCS_GAP) && get64(it, &dd)) ||
        ((flags & NGI_LEX_POS_GAP) && get64(it, &pd)) ||
        ((flags & NGI_LEX_TF) && (get64(it, &cfx) || get64(it, &mt))))
        return -1;
    mt += 1;
    if (df == 0 || df > s->n_docs || cfx > UINT64_MAX - df || mt == 0 ||
        mt > UINT32_MAX || md > UINT32_MAX || (!s->lex2 && kind > 7))
        return -1;
    if (dd > s->post_len || dl > s->post_len || pd > s->posn_len || pl > s->posn_len)
        return -1;
    uint64_t doff = it->docs_end + dd, poff = it->pos_end + pd;
    if (doff > s->post_len - dl || poff > s->posn_len - pl) return -1;
    ngi_term_postings *tp = &it->tp;
    tp->df = (uint32_t)df;
    tp->cf = df + cfx;
    tp->docs_off = doff;
    tp->docs_len = dl;
    tp->pos_off = poff;
    tp->pos_len = pl;
    tp->max_tf = (uint32_t)mt;
    tp->min_dl = (uint32_t)md;
    it->docs_end = doff + dl;
    it->pos_end = poff + pl;
    return 0;
}

int ngi_lex_iter_next(ngi_lex_iter *it, ngi_error *err) {
    const ngi_segment *s = it->s;
    if (it->idx >= s->n_terms) return 0;
    if (it->idx % NGI_LEX_BLOCK == 0 && !it->fresh) {
        int rc = ngi_lex_iter_seek(it, s, it->idx / NGI_LEX_BLOCK, err);
        if (rc) return rc;
    }
    bool first = it->fresh;
    it->fresh = false;
    uint64_t shared, suffix;
    unsigned kind;
    if (s->lex2) { /* kind:u8 shared:u8 [suffix_len:vbyte] */
        uint64_t k;
        if (get8(it, &k) || get8(it, &shared) || (k >> 4 == 0 && get64(it, &suffix)))
            return corrupt(s, err, "bad lexicon entry");
        kind = (unsigned)(k & 15);
        if (k >> 4) suffix = k >> 4;
    } else {
        if (get64(it, &shared) || get64(it, &suffix))
            return corrupt(s, err, "bad lexicon entry");
        kind = (unsigned)(suffix & 7);
        suffix >>= 3;
    }
    if (shared > it->len || (first && shared != 0) || suffix > NGI_MAX_TERM - shared ||
        shared + suffix == 0 || suffix > (uint64_t)(it->end - it->p))
        return corrupt(s, err, "bad lexicon entry");
    memcpy(it->term + shared, it->p, suffix);
    it->p += suffix;
    it->len = shared + suffix;
    it->term[it->len] = '\0';
    if (lex_postings(it, kind)) return corrupt(s, err, "bad lexicon entry");
    it->idx++;
    return 1;
}

static int cmp_bytes(const char *a, size_t na, const char *b, size_t nb) {
    return ngi_seg_cmp_bytes(a, na, b, nb);
}

/* First term of block b (shared length 0 by construction). */
static int block_first(const ngi_segment *s, uint64_t b, const char **t, size_t *len) {
    uint64_t off = ngi_load_le64(s->lidx + 8 * b);
    const uint8_t *p = s->lexi + off;
    const uint8_t *end = s->lexi + s->lexi_len;
    /* shared, length and flags, and at most NGI_MAX_TERM bytes */
    uint64_t want = NGI_MIN((uint64_t)s->lexi_len - off, 2 * 10 + NGI_MAX_TERM);
    if (ngi_chunked_verify(&s->ck_lexi, off, want)) return -1;
    uint64_t shared, n;
    if (s->lex2) { /* kind:u8 shared:u8 [suffix_len:vbyte] */
        if (end - p < 2) return -1;
        n = p[0] >> 4;
        shared = p[1];
        p += 2;
        if (n == 0 && ngi_vbyte_get(&p, end, &n)) return -1;
    } else {
        if (ngi_vbyte_get(&p, end, &shared) || ngi_vbyte_get(&p, end, &n)) return -1;
        n >>= 3; /* flags */
    }
    if (shared != 0 || n == 0 || n > NGI_MAX_TERM || n > (uint64_t)(end - p)) return -1;
    *t = (const char *)p;
    *len = n;
    return 0;
}

/* A term's first 8 bytes as a big-endian number, zero-padded: ordered
 * like the terms (never above a longer term's key with the same start). */
static uint64_t key8(const char *t, size_t len) {
    uint64_t k = 0;
    for (size_t i = 0; i < 8; i++) k = k << 8 | (i < len ? (uint8_t)t[i] : 0);
    return k;
}

/* Lookups before a segment builds its block keys: a one-shot search
 * never pays for reading (and verifying) every lexicon block. */
#define NGI_LEX_KEYS_AFTER 256

/* The block keys (segment_impl.h), or NULL: built once the segment has
 * served NGI_LEX_KEYS_AFTER lookups (the first thread to publish wins). */
static const uint64_t *lex_keys(const ngi_segment *s) {
    ngi_segment *m = (ngi_segment *)s; /* a cache: the only mutable state */
    uint64_t *keys = atomic_load_explicit(&m->lex_keys, memory_order_acquire);
    if (keys || atomic_fetch_add(&m->lex_lookups, 1) < NGI_LEX_KEYS_AFTER) return keys;
    if (!(keys = ngi_malloc(s->n_blocks * sizeof *keys))) return NULL;
    for (uint64_t b = 0; b < s->n_blocks; b++) {
        const char *t;
        size_t tl;
        if (block_first(s, b, &t, &tl)) { /* the search reports it */
            ngi_free(keys);
            atomic_store(&m->lex_lookups, 0); /* not again at every lookup */
            return NULL;
        }
        keys[b] = key8(t, tl);
    }
    uint64_t *none = NULL;
    if (!atomic_compare_exchange_strong(&m->lex_keys, &none, keys)) {
        ngi_free(keys);
        keys = none;
    }
    return keys;
}

/* The last block whose first term is < key (or <= key when inclusive);
 * block 0 when none is. With block keys, the range is first narrowed to
 * the blocks whose key equals the term's (the others' order is known). */
static int find_block(const ngi_segment *s, const char *key, size_t len, bool inclusive,
                      uint64_t *block, ngi_error *err) {
    uint64_t lo = 0, hi = s->n_blocks; /* answer in [lo, hi) */
    const uint64_t *keys = hi > 1 ? lex_keys(s) : NULL;
    if (keys) {
        uint64_t k = key8(key, len), a = 0, b = hi, c = 0, e = hi;
        while (a < b) { /* a = first block with key >= k */
            uint64_t mid = a + (b - a) / 2;
            if (keys[mid] < k)
                a = mid + 1;
            else
                b = mid;
        }
        for (c = a; c < e;) { /* c = first block with key > k */
            uint64_t mid = c + (e - c) / 2;
            if (keys[mid] <= k)
                c = mid + 1;
            else
                e = mid;
        }
        /* blocks before a start below the term, from c on above it */
        lo = a ? a - 1 : 0;
        hi = c;
        if (hi <= lo) hi = lo + 1;
    }
    while (hi - lo > 1) {
        uint64_t mid = lo + (hi - lo) / 2;
        const char *t;
        size_t tl;
        if (block_first(s, mid, &t, &tl)) return corrupt(s, err, "bad lexicon block");
        int c = cmp_bytes(t, tl, key, len);
        if (c < 0 || (inclusive && c == 0))
            lo = mid;
        else
            hi = mid;
    }
    *block = lo;
    return 0;
}

int ngi_segment_lookup(const ngi_segment *s, const char *term, size_t len,
                       ngi_term_postings *tp, ngi_error *err) {
    if (s->n_terms == 0 || len == 0 || len > NGI_MAX_TERM) return NG_ENOTFOUND;
    uint64_t b;
    int rc = find_block(s, term, len, true, &b, err);
    if (rc) return rc;
    ngi_lex_iter it;
    if ((rc = ngi_lex_iter_seek(&it, s, b, err))) return rc;
    for (int i = 0; i < NGI_LEX_BLOCK; i++) {
        rc = ngi_lex_iter_next(&it, err);
        if (rc <= 0) return rc ? rc : NG_ENOTFOUND;
        int c = cmp_bytes(it.term, it.len, term, len);
        if (c == 0) {
            *tp = it.tp;
            return 0;
        }
        if (c > 0) break;
    }
    return NG_ENOTFOUND;
}

int ngi_segment_prefix(const ngi_segment *s, const char *prefix, size_t len,
                       ngi_term_fn fn, void *ctx, ngi_error *err) {
    if (s->n_terms == 0) return 0;
    uint64_t b = 0;
    int rc = len ? find_block(s, prefix, len, false, &b, err) : 0;
    if (rc) return rc;
    ngi_lex_iter it;
    if ((rc = ngi_lex_iter_seek(&it, s, b, err))) return rc;
    while ((rc = ngi_lex_iter_next(&it, err)) == 1) {
        int c = memcmp(it.term, prefix, NGI_MIN(it.len, len));
        if (c > 0) break; /* past every term with this prefix */
        if (c < 0 || it.len < len) continue;
        if ((rc = fn(ctx, it.term, it.len, &it.tp))) return rc;
    }
    return rc < 0 ? rc : 0; /* 1: stopped past the prefix */
}

/* The cursor's positions hook: the chunks under [p, p + len) of POSN. */
static int check_positions(const void *ctx, const uint8_t *p, size_t len) {
    const ngi_segment *s = ctx;
    return ngi_chunked_verify(&s->ck_posn, (uint64_t)(p - s->posn), len);
}

int ngi_segment_cursor(const ngi_segment *s, const ngi_term_postings *tp, ngi_cursor *c,
                       ngi_error *err) {
    if (tp->docs_off > s->post_len || tp->docs_len > s->post_len - tp->docs_off ||
        tp->pos_off > s->posn_len || tp->pos_len > s->posn_len - tp->pos_off ||
        tp->df > s->n_docs)
        return corrupt(s, err, "postings offsets out of range");
    /* A term's docs bytes are read by nearly every use: verify them now
     * (once per chunk per process); its positions only when a phrase or
     * field restriction first reads them. */
    if (ngi_chunked_verify(&s->ck_post, tp->docs_off, tp->docs_len))
        return corrupt(s, err, "section POST checksum mismatch");
    int rc =
        ngi_cursor_open(c, tp, s->post, s->post_len, s->posn, s->posn_len, s->n_docs);
    if (rc == NG_ECORRUPT) return corrupt(s, err, "bad postings");
    if (rc) return ngi_error_set(err, rc, "opening a cursor");
    if (tp->pos_len) {
        c->pos_check = check_positions;
        c->pos_check_ctx = s;
    }
    return 0;
}

/* ---- per-document facts ------------------------------------------------ */

enum { COL_NORM, COL_DATE, COL_TEND, COL_QLEN, COL_DSRT };

/* Column i (and its structure) verified once: two threads may both hash
 * it; both agree. A damaged table stays damaged: every use fails. */
static int need_col(const ngi_segment *s, size_t i, ngi_error *err) {
    ngi_segment *m = (ngi_segment *)s; /* the state is the cache of a const reader */
    int st = atomic_load(&m->cols_state[i]);
    if (st == 0) {
        st = ngi_chunked_verify(&s->ck_cols[i], 0, s->ck_cols[i].len) ? -1 : 1;
        if (st == 1 && i == COL_NORM)
            st = ngi_chunked_verify(&s->ck_cols[COL_QLEN], 0, s->n_docs) ? -2 : 1;
        if (st == 1 && i == COL_NORM && check_norms(s, NULL)) st = -3;
        if (st == 1 && i == COL_DSRT && check_dsrt(s, NULL)) st = -3;
        atomic_store(&m->cols_state[i], st);
    }
    if (st == 1) return 0;
    if (st == -3)
        return corrupt(s, err,
                       i == COL_NORM ? "document lengths disagree with the header"
                                     : "bad date table");
    char what[64];
    snprintf(what, sizeof what, "section %s checksum mismatch",
             st == -2    ? "QLEN"
             : s->v6     ? (const char *[]){"NRMR", "DATE", "TNDW", "QLEN", "DSRT"}[i]
             : s->packed ? (const char *[]){"NRMW", "DATE", "TNDW", "QLEN", "DSRT"}[i]
                         : (const char *[]){"NORM", "DATE", "TEND", "QLEN", "DSRT"}[i]);
    return corrupt(s, err, what);
}

int ngi_segment_need(const ngi_segment *s, unsigned tables, ngi_error *err) {
    if (!s->cols_lazy) return 0; /* verified at open */
    int rc = 0;
    if (tables & NGI_SEG_NORMS) rc = need_col(s, COL_NORM, err);
    if (!rc && (tables & NGI_SEG_DATES)) rc = need_col(s, COL_DATE, err);
    if (!rc && (tables & NGI_SEG_TITLE_ENDS)) rc = need_col(s, COL_TEND, err);
    return rc;
}

uint32_t ngi_segment_doc_len(const ngi_segment *s, uint32_t doc) {
    NGI_ASSERT(doc < s->n_docs);
    uint32_t base = s->v6 ? ngi_qlen_floor(s->qlen[doc]) : 0;
    return base + ngi_load_uw(s->norm, s->norm_w, doc);
}

const uint8_t *ngi_segment_norms(const ngi_segment *s, unsigned *width, bool *residual) {
    *width = s->norm_w;
    *residual = s->v6;
    return s->norm;
}

const uint8_t *ngi_segment_qlens(const ngi_segment *s) {
    return s->qlen;
}

int32_t ngi_segment_doc_date(const ngi_segment *s, uint32_t doc) {
    NGI_ASSERT(doc < s->n_docs);
    return s->date ? (int32_t)ngi_load_le32(s->date + 4 * (size_t)doc) : NGI_NO_DATE;
}

uint32_t ngi_segment_title_end(const ngi_segment *s, uint32_t doc) {
    NGI_ASSERT(doc < s->n_docs);
    return ngi_load_uw(s->tend, s->tend_w, doc);
}

bool ngi_segment_is_deleted(const ngi_segment *s, uint32_t doc) {
    NGI_ASSERT(doc < s->n_docs);
    return s->dels && ((s->dels[doc >> 3] >> (doc & 7)) & 1);
}

static int32_t dsrt_date(const ngi_segment *s, size_t i) {
    return (int32_t)ngi_load_le32(s->dsrt + 8 * i);
}

/* First entry of the date table with date >= d. */
static size_t dsrt_lower(const ngi_segment *s, int64_t d) {
    size_t lo = 0, hi = s->n_dated;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (dsrt_date(s, mid) < d)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

int ngi_segment_docs_in_dates(const ngi_segment *s, int32_t since, int32_t until,
                              uint32_t **docs, size_t *n, ngi_error *err) {
    *docs = NULL;
    *n = 0;
    if (since == NGI_NO_DATE) since = NGI_NO_DATE + 1; /* undated never match */
    int rc = s->cols_lazy ? need_col(s, COL_DSRT, err) : 0;
    if (rc) return rc;
    size_t a = dsrt_lower(s, since), b = dsrt_lower(s, (int64_t)until + 1);
    size_t cnt = b > a ? b - a : 0;
    uint32_t *d = ngi_malloc((cnt ? cnt : 1) * sizeof *d);
    if (!d) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < cnt; i++) d[i] = ngi_load_le32(s->dsrt + 8 * (a + i) + 4);
    qsort(d, cnt, sizeof *d, cmp_u32);
    *docs = d;
    *n = cnt;
    return 0;
}

int ngi_seg_verify_once(const ngi_segment *s, atomic_int *state, uint32_t tag,
                        const char *name, ngi_error *err) {
    int st = atomic_load_explicit(state, memory_order_acquire);
    if (st == 0) {
        ngi_error quiet;
        ngi_error_clear(&quiet);
        st = ngi_file_reader_verify_section(s->fr, tag, &quiet) ? -1 : 1;
        atomic_store_explicit(state, st, memory_order_release);
    }
    return st == 1
               ? 0
               : ngi_error_set(err, NG_ECORRUPT,
                               "corrupt index: segment %s: section %s checksum mismatch",
                               s->name, name);
}

/* ---- ids and stored fields ----------------------------------------------- */

/* Format 6: from the id's sample, past the NUL terminators of the ids
 * before it in its group of NGI_ID_SAMPLE. The pieces read are verified,
 * and the whole group's structure checked as format 5 checked one id's
 * (a group is under 8 short ids): inside IDDA, each id non-empty and
 * terminated, the last one ending at the next sample. */
static int doc_id_sampled(const ngi_segment *s, uint32_t doc, const char **id,
                          size_t *len, ngi_error *err) {
    size_t k = doc / NGI_ID_SAMPLE;
    if (ngi_chunked_verify(&s->ck_idof, s->idof_w * (uint64_t)k, 2 * s->idof_w))
        return corrupt(s, err, "section IDOS checksum mismatch");
    uint32_t lo = ngi_load_uw(s->idof, s->idof_w, k);
    uint32_t hi = ngi_load_uw(s->idof, s->idof_w, k + 1);
    if (lo >= hi || hi > s->idda_len || (k == 0 && lo != 0))
        return corrupt(s, err, "bad id table");
    if (ngi_chunked_verify(&s->ck_idda, lo, hi - lo))
        return corrupt(s, err, "section IDDA checksum mismatch");
    uint32_t first = (uint32_t)k * NGI_ID_SAMPLE;
    uint32_t n = NGI_MIN((uint32_t)NGI_ID_SAMPLE, s->n_docs - first);
    const uint8_t *p = s->idda + lo, *end = s->idda + hi;
    for (uint32_t i = first; i < first + n; i++) {
        const uint8_t *z = memchr(p, 0, (size_t)(end - p));
        if (!z || z == p) return corrupt(s, err, "bad id table");
        if (i == doc) {
            *id = (const char *)p;
            *len = (size_t)(z - p);
        }
        p = z + 1;
    }
    return p == end ? 0 : corrupt(s, err, "bad id table");
}

int ngi_segment_doc_id(const ngi_segment *s, uint32_t doc, const char **id, size_t *len,
                       ngi_error *err) {
    *id = "";
    *len = 0;
    if (doc >= s->n_docs) return ngi_error_set(err, NG_EINVAL, "bad doc id");
    if (s->v6) {
        /* a damaged group hands back no id, not a neighbour's */
        int rc = doc_id_sampled(s, doc, id, len, err);
        if (rc) *id = "", *len = 0;
        return rc;
    }
    /* Lazy ids: the pieces read are verified, and this id's bounds and
     * terminator checked (open checked every id otherwise). */
    if (ngi_chunked_verify(&s->ck_idof, s->idof_w * (uint64_t)doc, 2 * s->idof_w))
        return corrupt(s, err,
                       s->packed ? "section IDOW checksum mismatch"
                                 : "section IDOF checksum mismatch");
    uint32_t a = ngi_load_uw(s->idof, s->idof_w, doc);
    uint32_t b = ngi_load_uw(s->idof, s->idof_w, (size_t)doc + 1);
    if (s->ids_lazy && (a >= b || b > s->idda_len || (doc == 0 && a != 0)))
        return corrupt(s, err, "bad id table");
    if (ngi_chunked_verify(&s->ck_idda, a, b - a))
        return corrupt(s, err, "section IDDA checksum mismatch");
    if (s->ids_lazy && s->idda[b - 1] != 0) return corrupt(s, err, "bad id table");
    *id = (const char *)s->idda + a;
    *len = b - a - 1;
    return 0;
}

/* IDIX entry i, verified (lazy ids) and in range: 0, or NG_ECORRUPT. */
static int idix_at(const ngi_segment *s, size_t i, uint32_t *doc, ngi_error *err) {
    if (ngi_chunked_verify(&s->ck_idix, s->idix_w * (uint64_t)i, s->idix_w))
        return corrupt(s, err,
                       s->packed ? "section IDXW checksum mismatch"
                                 : "section IDIX checksum mismatch");
    *doc = ngi_load_uw(s->idix, s->idix_w, i);
    return *doc < s->n_docs ? 0 : corrupt(s, err, "bad id index");
}

/* Compares the id of IDIX entry i with id[0..len) into *c. */
static int cmp_idix(const ngi_segment *s, size_t i, const char *id, size_t len,
                    uint32_t *doc, int *c, ngi_error *err) {
    const char *x;
    size_t xl;
    int rc = idix_at(s, i, doc, err);
    if (!rc) rc = ngi_segment_doc_id(s, *doc, &x, &xl, err);
    if (!rc) *c = ngi_seg_cmp_bytes(x, xl, id, len);
    return rc;
}

int ngi_segment_find_id(const ngi_segment *s, const char *id, size_t len, uint32_t *doc,
                        ngi_error *err) {
    size_t lo = 0, hi = s->n_docs;
    uint32_t d;
    int c, rc;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if ((rc = cmp_idix(s, mid, id, len, &d, &c, err))) return rc;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    /* Several versions may share an id (all but one deleted): prefer the
     * live one. */
    bool found = false;
    for (size_t i = lo; i < s->n_docs; i++) {
        if ((rc = cmp_idix(s, i, id, len, &d, &c, err))) return rc;
        if (c != 0) break;
        *doc = d;
        found = true;
        if (!ngi_segment_is_deleted(s, d)) return 0;
    }
    return found ? 0 : NG_ENOTFOUND;
}

/* Requests before a segment builds its id ranks: a top-10 search with a
 * few ties never reads the whole of IDIX. */
#define NGI_ID_RANKS_AFTER 256

/* IDIX inverted, or NULL when it is damaged (not a permutation). */
static uint32_t *build_id_ranks(const ngi_segment *s) {
    if (ngi_chunked_verify(&s->ck_idix, 0, 4 * (uint64_t)s->n_docs)) return NULL;
    uint32_t *r = ngi_malloc((s->n_docs ? s->n_docs : 1) * sizeof *r);
    if (!r) return NULL;
    memset(r, 0xff, s->n_docs * sizeof *r);
    for (uint32_t i = 0; i < s->n_docs; i++) {
        uint32_t d = ngi_load_le32(s->idix + 4 * (size_t)i);
        if (d >= s->n_docs || r[d] != UINT32_MAX) {
            ngi_free(r);
            return NULL;
        }
        r[d] = i;
    }
    return r;
}

const uint32_t *ngi_segment_id_ranks(const ngi_segment *s) {
    ngi_segment *m = (ngi_segment *)s; /* a cache: mutable state */
    uint32_t *r = atomic_load_explicit(&m->id_ranks, memory_order_acquire);
    if (r || atomic_fetch_add(&m->id_rank_asks, 1) != NGI_ID_RANKS_AFTER) return r;
    if (!(r = build_id_ranks(s))) return NULL; /* not again: asks went past */
    uint32_t *none = NULL;
    if (!atomic_compare_exchange_strong(&m->id_ranks, &none, r)) {
        ngi_free(r);
        r = none;
    }
    return r;
}

int ngi_segment_id_range(const ngi_segment *s, const char *id, size_t len, uint32_t *lo,
                         uint32_t *hi, ngi_error *err) {
    size_t a = 0, b = s->n_docs;
    uint32_t d;
    int c, rc;
    while (a < b) { /* the first entry whose id is >= id */
        size_t mid = a + (b - a) / 2;
        if ((rc = cmp_idix(s, mid, id, len, &d, &c, err))) return rc;
        if (c < 0)
            a = mid + 1;
        else
            b = mid;
    }
    *lo = (uint32_t)a;
    for (; a < s->n_docs; a++) { /* past the equal ones */
        if ((rc = cmp_idix(s, a, id, len, &d, &c, err))) return rc;
        if (c != 0) break;
    }
    *hi = (uint32_t)a;
    return 0;
}

int ngi_segment_fetch(const ngi_segment *s, ngi_docstore_scratch *scratch, uint32_t doc,
                      ngi_stored_doc *d, ngi_error *err) {
    int rc = ngi_docstore_get_scratch(s->ds, scratch, doc, d, err);
    if (rc == NG_ECORRUPT) {
        char msg[NGI_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", ngi_error_message(err));
        return ngi_error_set(err, rc, "corrupt index: segment %s: %s", s->name, msg);
    }
    return rc;
}

/* ---- sizes ------------------------------------------------------------- */

void ngi_segment_sizes_get(const ngi_segment *s, ngi_segment_sizes *out) {
    out->postings = s->post_len;
    out->positions = s->posn_len;
    out->lexicon = s->lexi_len + 8 * s->n_blocks;
    out->docstore = s->docs_len;
    out->total = ngi_file_reader_size(s->fr) + s->dels_bytes;
    out->other =
        out->total - out->postings - out->positions - out->lexicon - out->docstore;
}
