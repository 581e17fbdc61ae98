/*
 * segwrite.c — builds one segment file from terms given in byte order and
 * documents given in doc-id order: the postings go through the codec's
 * postings writer, the lexicon is front-coded in blocks of NGI_LEX_BLOCK
 * terms with a sparse index of block offsets, and the per-document tables
 * (norms, dates, title ends, ids) are laid out for O(1) access.
 * Used by both memseg flushes and merges. Byte grammar: lib/FORMAT.md.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "internal.h"
#include "seed.h"
#include "signature.h"
#include "spill.h"

#define DOCS_FLUSH_BYTES (1u << 20) /* docs stream written in pieces */

struct ngi_segwriter {
    ngi_file_writer *fw;         /* the file being written */
    ngi_postings_writer *pw;     /* codec writer on docs/pos */
    ngi_error *err;              /* caller's error detail */
    ngi_buf docs, pos;           /* postings streams */
    uint64_t docs_flushed;       /* docs-stream bytes already in the file */
    bool terms_done;             /* POST and POSN are written */
    bool docs_open;              /* the DOCS section is being streamed */
    ngi_buf lexi, lidx;          /* lexicon blocks, block offsets */
    char prev[NGI_MAX_TERM + 1]; /* previous term (front coding) */
    size_t prev_len;             /* bytes in prev */
    char cur[NGI_MAX_TERM + 1];  /* term being written */
    size_t cur_len;              /* bytes in cur */
    uint64_t docs_end, pos_end;  /* previous term's end offsets in block */
    uint64_t n_terms;            /* terms written */
    ngi_buf norms, dates, tend;  /* per-document tables */
    ngi_buf qlens;               /* QLEN: a byte per document */
    ngi_buf idof, idda;          /* id offsets and bytes */
    uint32_t n_docs;             /* documents given */
    uint32_t n_dated;            /* documents with a date */
    uint64_t total_len;          /* sum of document lengths */
    ngi_buf sums[3];             /* chunk sums of POST, POSN, LEXI */
    ngi_buf idsums[3];           /* and of IDDA, IDOF, IDIX (CSID) */
    ngi_buf colsums[5];          /* and of NORM, DATE, TEND, QLEN, DSRT (CSPD) */
    ngi_origin origin;           /* index id and settings */
    ngi_buf sources;             /* SRCS: u64 numbers of merged inputs */
    ngi_sign_writer *sign;       /* SIGN, when signatures are given */
    ngi_seed_writer *seed;       /* SEED: the terms' score witnesses */
    size_t spill_max;            /* pos and lexi go to files past this (0: never) */
    ngi_spill pos_spill;         /* positions written before w->pos */
    ngi_spill lexi_spill;        /* lexicon bytes written before w->lexi */
    char *dir;                   /* where the spill files go */
};

static const uint32_t chunked_tags[3] = {NGI_SEC_POST, NGI_SEC_POSN, NGI_SEC_LEX2};
/* Format 6's tables: NORM (as residuals), TEND, IDOF (sampled) and IDIX at
 * their smallest width. */
static const uint32_t id_tags[3] = {NGI_SEC_IDDA, NGI_SEC_IDOS, NGI_SEC_IDXW};
static const uint32_t col_tags[5] = {NGI_SEC_NRMR, NGI_SEC_DATE, NGI_SEC_TNDW,
                                     NGI_SEC_QLEN, NGI_SEC_DSRT};

int ngi_segwriter_create(ngi_segwriter **out, const char *dir, const char *name,
                         const ngi_origin *origin, ngi_error *err) {
    *out = NULL;
    ngi_segwriter *w = ngi_calloc(1, sizeof *w);
    if (!w) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    w->err = err;
    ngi_spill_init(&w->pos_spill);
    ngi_spill_init(&w->lexi_spill);
    if (ngi_postings_writer_create(&w->pw, &w->docs, &w->pos) != 0) {
        ngi_free(w);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    size_t dir_len = strlen(dir);
    if ((w->dir = ngi_malloc(dir_len + 1)) == NULL) {
        ngi_postings_writer_free(w->pw);
        ngi_free(w);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    memcpy(w->dir, dir, dir_len + 1);
    ngi_file_ident id = {{0}, ngi_file_number(name), 0};
    if (origin) {
        memcpy(id.index_id, origin->index_id, NGI_INDEX_ID_BYTES);
        w->origin = *origin;
    }
    if ((w->seed = ngi_malloc(sizeof *w->seed)) == NULL) {
        ngi_postings_writer_free(w->pw);
        ngi_free(w->dir);
        ngi_free(w);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    ngi_seed_writer_init(w->seed, w->origin.settings.k1, w->origin.settings.b);
    int rc = ngi_file_writer_create(&w->fw, dir, name, NGI_FILE_SEGMENT, &id, err);
    if (!rc) rc = ngi_file_writer_begin_chunked(w->fw, NGI_SEC_POST, &w->sums[0]);
    if (rc) {
        ngi_file_writer_abort(w->fw);
        ngi_postings_writer_free(w->pw);
        ngi_free(w->seed);
        ngi_free(w->dir);
        ngi_free(w);
        return rc;
    }
    *out = w;
    return 0;
}

void ngi_segwriter_skip_sync(ngi_segwriter *w) {
    ngi_file_writer_skip_sync(w->fw);
}

static void segwriter_free(ngi_segwriter *w) {
    ngi_postings_writer_free(w->pw);
    ngi_buf *bufs[] = {&w->docs,  &w->pos,  &w->lexi, &w->lidx, &w->norms,
                       &w->dates, &w->tend, &w->idof, &w->idda, &w->qlens};
    for (size_t i = 0; i < NGI_ARRAY_LEN(bufs); i++) ngi_buf_free(bufs[i]);
    for (size_t i = 0; i < 3; i++) ngi_buf_free(&w->sums[i]);
    for (size_t i = 0; i < 3; i++) ngi_buf_free(&w->idsums[i]);
    for (size_t i = 0; i < 5; i++) ngi_buf_free(&w->colsums[i]);
    ngi_buf_free(&w->sources);
    ngi_sign_writer_free(w->sign);
    ngi_seed_writer_free(w->seed);
    ngi_free(w->seed);
    ngi_spill_close(&w->pos_spill);
    ngi_spill_close(&w->lexi_spill);
    ngi_free(w->dir);
    ngi_free(w);
}

void ngi_segwriter_set_spill(ngi_segwriter *w, size_t bytes) {
    w->spill_max = bytes;
}

/* Moves a buffer past the spill bound to its temporary file. */
static int spill(ngi_segwriter *w, ngi_buf *b, ngi_spill *s) {
    if (!w->spill_max || b->len < w->spill_max) return 0;
    int rc = ngi_spill_put(s, w->dir, b->data, b->len, w->err);
    if (rc) return rc;
    ngi_buf_reset(b);
    return 0;
}

void ngi_segwriter_abort(ngi_segwriter *w) {
    if (!w) return;
    ngi_file_writer_abort(w->fw);
    segwriter_free(w);
}

static int nomem(ngi_segwriter *w) {
    return ngi_error_set(w->err, NG_ENOMEM, "out of memory writing a segment");
}

int ngi_segwriter_term_begin(ngi_segwriter *w, const char *term, size_t len) {
    NGI_ASSERT(len >= 1 && len <= NGI_MAX_TERM);
    memcpy(w->cur, term, len);
    w->cur_len = len;
    ngi_postings_writer_begin(w->pw);
    return 0;
}

int ngi_segwriter_posting(ngi_segwriter *w, uint32_t doc, uint32_t tf,
                          const uint32_t *positions, uint32_t doc_len) {
    int rc = ngi_postings_writer_add(w->pw, doc, tf, positions, doc_len);
    if (!rc) ngi_seed_posting(w->seed, tf, doc_len);
    if (rc == NG_ENOMEM) return nomem(w);
    if (rc) return ngi_error_set(w->err, rc, "postings writer failed");
    return 0;
}

static size_t common_prefix(const char *a, size_t na, const char *b, size_t nb) {
    size_t n = NGI_MIN(na, nb), i = 0;
    while (i < n && a[i] == b[i]) i++;
    return i;
}

/* A LEX2 entry up to min_dl (lib/FORMAT.md "Lexicon"): a hapax with a
 * short suffix and short postings costs 4 bytes besides its suffix. */
static int lex2_head(ngi_buf *b, unsigned flags, size_t shared, const char *suffix,
                     size_t suffix_len, const ngi_term_postings *tp) {
    bool short_suffix = suffix_len <= NGI_LEX_SUFFIX_MAX;
    unsigned kind = flags | (tp->df == 1 ? NGI_LEX_DF1 : 0) |
                    (short_suffix ? (unsigned)suffix_len << 4 : 0);
    bool packed = tp->docs_len >= 1 && tp->docs_len <= NGI_LEX_LENS_MAX &&
                  tp->pos_len <= NGI_LEX_LENS_MAX;
    int bad = ngi_buf_append_u8(b, (uint8_t)kind) ||
              ngi_buf_append_u8(b, (uint8_t)shared) ||
              (!short_suffix && ngi_buf_append_vbyte(b, suffix_len)) ||
              ngi_buf_append(b, suffix, suffix_len) ||
              (tp->df != 1 && ngi_buf_append_vbyte(b, tp->df));
    if (!bad && packed)
        bad = ngi_buf_append_u8(b, (uint8_t)(tp->docs_len | tp->pos_len << 4));
    else if (!bad)
        bad = ngi_buf_append_u8(b, 0) || ngi_buf_append_vbyte(b, tp->docs_len) ||
              ngi_buf_append_vbyte(b, tp->pos_len);
    /* the floor of min_dl's quantized length: still a lower bound */
    return bad || ngi_buf_append_u8(b, ngi_qlen_encode(tp->min_dl));
}

/* One lexicon entry (see lib/FORMAT.md "Lexicon"). */
static int lex_entry(ngi_segwriter *w, const ngi_term_postings *tp) {
    size_t shared = 0;
    if (w->n_terms % NGI_LEX_BLOCK == 0) {
        if (ngi_buf_append_le64(&w->lidx, w->lexi_spill.len + w->lexi.len))
            return NG_ENOMEM;
        w->docs_end = w->pos_end = 0;
    } else {
        shared = common_prefix(w->prev, w->prev_len, w->cur, w->cur_len);
    }
    /* Most terms occur once in one document: flags say which of the usual
     * values (gaps 0, cf == df, max_tf 1) are left out. */
    uint64_t docs_gap = tp->docs_off - w->docs_end;
    uint64_t pos_gap = tp->pos_off - w->pos_end;
    unsigned flags = (docs_gap ? NGI_LEX_DOCS_GAP : 0) | (pos_gap ? NGI_LEX_POS_GAP : 0) |
                     (tp->cf != tp->df ? NGI_LEX_TF : 0);
    size_t suffix = w->cur_len - shared;
    int bad = lex2_head(&w->lexi, flags, shared, w->cur + shared, suffix, tp);
    ngi_buf *b = &w->lexi;
    if (!bad && docs_gap) bad = ngi_buf_append_vbyte(b, docs_gap);
    if (!bad && pos_gap) bad = ngi_buf_append_vbyte(b, pos_gap);
    if (!bad && (flags & NGI_LEX_TF))
        bad = ngi_buf_append_vbyte(b, tp->cf - tp->df) ||
              ngi_buf_append_vbyte(b, tp->max_tf - 1);
    if (bad) return NG_ENOMEM;
    w->docs_end = tp->docs_off + tp->docs_len;
    w->pos_end = tp->pos_off + tp->pos_len;
    memcpy(w->prev, w->cur, w->cur_len);
    w->prev_len = w->cur_len;
    w->n_terms++;
    return 0;
}

int ngi_segwriter_term_end(ngi_segwriter *w) {
    ngi_term_postings tp;
    memset(&tp, 0, sizeof tp);
    int rc = ngi_postings_writer_end(w->pw, &tp);
    if (rc == NG_ENOMEM) return nomem(w);
    if (rc) return ngi_error_set(w->err, rc, "postings writer failed");
    tp.docs_off += w->docs_flushed; /* the codec counts from our buffers */
    tp.pos_off += w->pos_spill.len;
    if (w->docs.len >= DOCS_FLUSH_BYTES) { /* stream the docs to the file */
        if ((rc = ngi_file_writer_append(w->fw, w->docs.data, w->docs.len))) return rc;
        w->docs_flushed += w->docs.len;
        ngi_buf_reset(&w->docs);
    }
    if ((rc = spill(w, &w->pos, &w->pos_spill))) return rc;
    if (ngi_seed_term_end(w->seed, tp.docs_off, tp.df)) return nomem(w);
    if (tp.df == 0) return 0; /* every posting was dropped (merge) */
    if (tp.docs_off < w->docs_end || tp.pos_off < w->pos_end)
        return ngi_error_set(w->err, NG_EINVAL, "postings out of order");
    if (lex_entry(w, &tp)) return nomem(w);
    return spill(w, &w->lexi, &w->lexi_spill);
}

int ngi_segwriter_doc(ngi_segwriter *w, uint32_t len, int32_t date, uint32_t title_end,
                      const char *id, size_t id_len) {
    if (w->n_docs == UINT32_MAX - 1 || w->idda.len + id_len + 1 > UINT32_MAX)
        return ngi_error_set(w->err, NG_ELIMIT, "segment too large");
    int bad = ngi_buf_append_le32(&w->norms, len) ||
              ngi_buf_append_le32(&w->dates, (uint32_t)date) ||
              ngi_buf_append_le32(&w->tend, title_end) ||
              ngi_buf_append_u8(&w->qlens, ngi_qlen_encode(len)) ||
              ngi_buf_append_le32(&w->idof, (uint32_t)w->idda.len) ||
              ngi_buf_append_str(&w->idda, id, id_len);
    if (bad) return nomem(w);
    w->n_docs++;
    w->n_dated += date != NGI_NO_DATE;
    w->total_len += len;
    return 0;
}

int ngi_segwriter_doc_signature(ngi_segwriter *w, const uint8_t *sig) {
    int rc = ngi_sign_writer_add(&w->sign, w->n_docs - 1, sig);
    if (rc == NG_ENOMEM) return nomem(w);
    return rc ? ngi_error_set(w->err, rc, "signature out of order") : 0;
}

/* ---- the per-document tables built at finish -------------------------- */

static const char *id_at(const ngi_segwriter *w, uint32_t doc) {
    return (const char *)w->idda.data + ngi_load_le32(w->idof.data + 4 * doc);
}

static int cmp_ids(const void *a, const void *b, void *ctx) {
    const ngi_segwriter *w = ctx;
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    int c = strcmp(id_at(w, x), id_at(w, y));
    return c ? c : (x > y) - (x < y);
}

/* Rewrites n u32 entries in place as the smallest width that holds the
 * largest (format 5: NRMW, TNDW, IDOW, IDXW); the bytes now used. */
static size_t pack_width(uint8_t *p, size_t n) {
    uint32_t max = 0;
    for (size_t i = 0; i < n; i++) max = NGI_MAX(max, ngi_load_le32(p + 4 * i));
    unsigned w = ngi_uw_width(max);
    for (size_t i = 0; i < n; i++) { /* forward: entry i never passes 4 i */
        uint8_t b[4];
        ngi_store_le32(b, ngi_load_le32(p + 4 * i));
        memmove(p + w * i, b, w);
    }
    return w * n;
}

/* Format 6's NRMR: each length less its QLEN floor (lib/FORMAT.md), in
 * place; a length under 128 leaves 0, a longer one less than 1/16 of it. */
static void norm_residuals(ngi_segwriter *w) {
    for (size_t i = 0; i < w->n_docs; i++) {
        uint8_t *p = w->norms.data + 4 * i;
        ngi_store_le32(p, ngi_load_le32(p) - ngi_qlen_floor(w->qlens.data[i]));
    }
}

/* Format 6's IDOS, in place over the n_docs + 1 u32 offsets (the last is
 * IDDA's end): every NGI_ID_SAMPLE-th offset, then the end; the entries
 * now used. */
static size_t id_samples(ngi_segwriter *w) {
    size_t n = w->n_docs, k = 0;
    for (size_t i = 0; i < n; i += NGI_ID_SAMPLE, k++)
        memmove(w->idof.data + 4 * k, w->idof.data + 4 * i, 4);
    memmove(w->idof.data + 4 * k, w->idof.data + 4 * n, 4);
    return k + 1;
}

/* A per-document table (col_tags[k]) hashed in chunks too (CSPD), so
 * that readers verify it on first use instead of at open. */
static int col_section(ngi_segwriter *w, size_t k, const void *data, size_t len) {
    int rc = ngi_file_writer_begin_chunked(w->fw, col_tags[k], &w->colsums[k]);
    if (!rc) rc = ngi_file_writer_append(w->fw, data, len);
    return rc ? rc : ngi_file_writer_end(w->fw);
}

/* An id section (IDDA, IDOF, IDIX: id_tags[k]) hashed in chunks too, so
 * that a reader verifies only the pieces of the ids it reads (CSID). */
static int id_section(ngi_segwriter *w, size_t k, const void *data, size_t len) {
    int rc = ngi_file_writer_begin_chunked(w->fw, id_tags[k], &w->idsums[k]);
    if (!rc) rc = ngi_file_writer_append(w->fw, data, len);
    return rc ? rc : ngi_file_writer_end(w->fw);
}

/* IDIX: doc ids sorted by (id bytes, doc). */
static int write_id_index(ngi_segwriter *w) {
    uint32_t *ix = ngi_malloc(((size_t)w->n_docs + 1) * 4);
    if (!ix) return nomem(w);
    for (uint32_t i = 0; i < w->n_docs; i++) ix[i] = i;
    qsort_r(ix, w->n_docs, 4, cmp_ids, w);
    for (uint32_t i = 0; i < w->n_docs; i++) ngi_store_le32(&ix[i], ix[i]);
    int rc = id_section(w, 2, ix, pack_width((uint8_t *)ix, w->n_docs));
    ngi_free(ix);
    return rc;
}

static int cmp_dated(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

/* DSRT: (date, doc) of dated documents sorted by date then doc. The sort
 * key puts the biased date in the high half so u64 order is (date, doc). */
static int write_date_table(ngi_segwriter *w) {
    uint64_t *keys = ngi_malloc(((size_t)w->n_dated + 1) * 8);
    if (!keys) return nomem(w);
    size_t n = 0;
    for (uint32_t i = 0; i < w->n_docs; i++) {
        int32_t d = (int32_t)ngi_load_le32(w->dates.data + 4 * (size_t)i);
        if (d == NGI_NO_DATE) continue;
        uint32_t biased = (uint32_t)d ^ 0x80000000u;
        keys[n++] = ((uint64_t)biased << 32) | i;
    }
    qsort(keys, n, 8, cmp_dated);
    uint8_t *out = (uint8_t *)keys; /* rewrite in place: 8 bytes each */
    for (size_t i = 0; i < n; i++) {
        uint64_t k = keys[i];
        ngi_store_le32(out + 8 * i, (uint32_t)(k >> 32) ^ 0x80000000u);
        ngi_store_le32(out + 8 * i + 4, (uint32_t)k);
    }
    int rc = col_section(w, 4, out, n * 8);
    ngi_free(keys);
    return rc;
}

int ngi_segwriter_add_source(ngi_segwriter *w, uint64_t number) {
    return ngi_buf_append_le64(&w->sources, number) ? nomem(w) : 0;
}

/* SRCS: n:u32 0:u32 number:u64{n} */
static int write_sources(ngi_segwriter *w) {
    uint8_t h[8] = {0};
    ngi_store_le32(h, (uint32_t)(w->sources.len / 8));
    int rc = ngi_file_writer_begin(w->fw, NGI_SEC_SRCS);
    if (!rc) rc = ngi_file_writer_append(w->fw, h, sizeof h);
    if (!rc) rc = ngi_file_writer_append(w->fw, w->sources.data, w->sources.len);
    return rc ? rc : ngi_file_writer_end(w->fw);
}

/* SETS: language:char[32] analyzer_flags:u32 0:u32 k1:u64 b:u64 */
static int write_settings(ngi_segwriter *w) {
    uint8_t h[NGI_SETS_BYTES] = {0};
    const ngi_settings *st = &w->origin.settings;
    memcpy(h, st->language, strnlen(st->language, 31));
    ngi_store_le32(h + 32, st->analyzer_flags);
    uint64_t k1, b;
    memcpy(&k1, &st->k1, 8);
    memcpy(&b, &st->b, 8);
    ngi_store_le64(h + 40, k1);
    ngi_store_le64(h + 48, b);
    return ngi_file_writer_section(w->fw, NGI_SEC_SETS, h, sizeof h);
}

static int write_head(ngi_segwriter *w) {
    uint8_t h[NGI_HEAD_BYTES] = {0};
    ngi_store_le32(h, w->n_docs);
    ngi_store_le32(h + 4, w->n_dated);
    ngi_store_le64(h + 8, w->n_terms);
    ngi_store_le64(h + 16, w->total_len);
    ngi_store_le32(h + 24, NGI_LEX_BLOCK);
    return ngi_file_writer_section(w->fw, NGI_SEC_HEAD, h, sizeof h);
}

/* The section tag of the store's layout (lib/FORMAT.md). */
static uint32_t docs_tag(const ngi_docstore_writer *ds) {
    return ngi_docstore_writer_layout(ds) == 1 ? NGI_SEC_DOCS : NGI_SEC_DOC2;
}

/* Streams the docstore into its section: no copy of the whole store. */
static int write_docstore(ngi_segwriter *w, ngi_docstore_writer *ds) {
    int rc = w->docs_open ? 0 : ngi_file_writer_begin(w->fw, docs_tag(ds));
    if (rc) return rc;
    w->docs_open = true;
    rc = ngi_docstore_writer_finish_to(ds, w->fw);
    if (rc) {
        if (w->err->code != rc) /* a write error already names the file */
            ngi_error_set(w->err, rc, "docstore: %s", ng_strerror(rc));
        return rc;
    }
    return ngi_file_writer_end(w->fw);
}

int ngi_segwriter_docs_stream(ngi_segwriter *w, ngi_docstore_writer *ds) {
    int rc = ngi_segwriter_terms_done(w);
    if (!rc && !w->docs_open) rc = ngi_file_writer_begin(w->fw, docs_tag(ds));
    if (rc) return rc;
    w->docs_open = true;
    rc = ngi_docstore_writer_stream(ds, w->fw);
    if (rc && w->err->code != rc)
        ngi_error_set(w->err, rc, "docstore: %s", ng_strerror(rc));
    return rc;
}

/* A whole section hashed in chunks too (chunk sums k): what was spilled
 * to s, then the buffer's data. */
static int chunked_section(ngi_segwriter *w, size_t k, const ngi_spill *s,
                           const void *data, size_t len) {
    int rc = ngi_file_writer_begin_chunked(w->fw, chunked_tags[k], &w->sums[k]);
    if (!rc) rc = ngi_spill_copy(s, w->fw, w->err);
    if (!rc) rc = ngi_file_writer_append(w->fw, data, len);
    return rc ? rc : ngi_file_writer_end(w->fw);
}

static int write_chunk_sums(ngi_segwriter *w);

int ngi_segwriter_terms_done(ngi_segwriter *w) {
    if (w->terms_done) return 0;
    w->terms_done = true;
    int rc;
    if ((rc = ngi_file_writer_append(w->fw, w->docs.data, w->docs.len)) ||
        (rc = ngi_file_writer_end(w->fw)))
        return rc;
    ngi_buf_free(&w->docs);
    rc = chunked_section(w, 1, &w->pos_spill, w->pos.data, w->pos.len);
    ngi_buf_free(&w->pos);
    ngi_spill_close(&w->pos_spill);
    return rc;
}

/* A chunk sums section: CSUM (POST, POSN, LEXI), CSID (IDDA, IDOF,
 * IDIX) or CSPD (NORM, DATE, TEND, QLEN, DSRT), the same grammar. */
static int write_sums(ngi_segwriter *w, uint32_t tag, uint32_t n, const uint32_t *tags,
                      const ngi_buf *sums) {
    uint8_t h[16];
    ngi_store_le32(h, NGI_CHUNK_BYTES);
    ngi_store_le32(h + 4, n);
    int rc = ngi_file_writer_begin(w->fw, tag);
    if (!rc) rc = ngi_file_writer_append(w->fw, h, 8);
    for (size_t i = 0; i < n && !rc; i++) {
        ngi_store_le32(h, tags[i]);
        ngi_store_le32(h + 4, 0);
        ngi_store_le64(h + 8, sums[i].len / 8);
        rc = ngi_file_writer_append(w->fw, h, 16);
        if (!rc) rc = ngi_file_writer_append(w->fw, sums[i].data, sums[i].len);
    }
    return rc ? rc : ngi_file_writer_end(w->fw);
}

static int write_chunk_sums(ngi_segwriter *w) {
    int rc = write_sums(w, NGI_SEC_CSUM, 3, chunked_tags, w->sums);
    if (!rc) rc = write_sums(w, NGI_SEC_CSID, 3, id_tags, w->idsums);
    return rc ? rc : write_sums(w, NGI_SEC_CSPD, 5, col_tags, w->colsums);
}

/* SEED: the terms' score witnesses (seed.h). */
static int write_seed(ngi_segwriter *w) {
    ngi_buf b = {0};
    int rc = ngi_seed_section(w->seed, &b) ? nomem(w) : 0;
    ngi_seed_writer_free(w->seed);
    if (!rc) rc = ngi_file_writer_section(w->fw, NGI_SEC_SEED, b.data, b.len);
    ngi_buf_free(&b);
    return rc;
}

/* Big streams first, each buffer freed as soon as it is written. */
static int write_sections(ngi_segwriter *w, ngi_docstore_writer *ds) {
    int rc;
    if ((rc = ngi_segwriter_terms_done(w))) return rc;
    if ((rc = write_docstore(w, ds))) return rc;
    if ((rc = chunked_section(w, 2, &w->lexi_spill, w->lexi.data, w->lexi.len)))
        return rc;
    ngi_buf_free(&w->lexi);
    ngi_spill_close(&w->lexi_spill);
    if ((rc = ngi_file_writer_section(w->fw, NGI_SEC_LIDX, w->lidx.data, w->lidx.len)))
        return rc;
    /* DATE only when a document is dated (CSPD then counts no chunk) */
    norm_residuals(w);
    if ((rc = col_section(w, 0, w->norms.data, pack_width(w->norms.data, w->n_docs))) ||
        (w->n_dated && (rc = col_section(w, 1, w->dates.data, w->dates.len))) ||
        (rc = col_section(w, 2, w->tend.data, pack_width(w->tend.data, w->n_docs))))
        return rc;
    if ((rc = id_section(w, 0, w->idda.data, w->idda.len))) return rc;
    if ((rc = col_section(w, 3, w->qlens.data, w->qlens.len))) return rc;
    /* IDIX sorts by the u32 offsets, which IDOS then samples and packs */
    if ((rc = write_id_index(w))) return rc;
    if (ngi_buf_append_le32(&w->idof, (uint32_t)w->idda.len)) return nomem(w);
    if ((rc = id_section(w, 1, w->idof.data, pack_width(w->idof.data, id_samples(w)))))
        return rc;
    if ((rc = write_date_table(w)) || (rc = write_chunk_sums(w)) ||
        (rc = write_settings(w)) || (rc = write_sources(w)))
        return rc;
    if (w->sign && (rc = ngi_sign_writer_write(w->sign, w->fw, w->n_docs)))
        return rc == NG_EINVAL ? ngi_error_set(w->err, rc, "signatures missing") : rc;
    if ((rc = write_seed(w))) return rc;
    return write_head(w);
}

int ngi_segwriter_finish(ngi_segwriter *w, ngi_docstore_writer *ds, uint64_t *bytes) {
    int rc = write_sections(w, ds);
    if (rc) {
        if (!w->err->code) ngi_error_set(w->err, rc, "writing a segment");
        ngi_segwriter_abort(w);
        return rc;
    }
    rc = ngi_file_writer_finish(w->fw, bytes);
    w->fw = NULL;
    segwriter_free(w);
    return rc;
}
