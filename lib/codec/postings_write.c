/*
 * postings_write.c — encodes one term's postings at a time: doc-id gaps and
 * tfs in bit-packed blocks of 128 with a variable-byte tail, one skip entry
 * per block, and the positions of each block as one group of PFOR chunks
 * (bit-packed, wide values patched) in the positions stream. Byte grammar:
 * lib/FORMAT.md.
 */
#include <string.h>

#include "codec/codec.h"
#include "codec/format.h"
#include "common/le.h"
#include "common/varint.h"

struct ngi_postings_writer {
    ngi_buf *docs;            /* docs stream (borrowed) */
    ngi_buf *pos;             /* positions stream (borrowed) */
    ngi_buf blocks;           /* this term's blocks, copied after its skips */
    ngi_buf skips;            /* this term's skip entries */
    ngi_buf pdelta;           /* position deltas of the pending block (u32) */
    uint32_t bdoc[NGI_BLOCK]; /* pending block: doc ids */
    uint32_t btf[NGI_BLOCK];  /* ... tfs */
    uint32_t bdl[NGI_BLOCK];  /* ... doc lengths */
    uint32_t n;               /* docs pending in the block */
    uint32_t n_blocks;        /* blocks flushed for this term */
    uint32_t df;              /* docs added to this term */
    uint64_t cf;              /* sum of their tfs */
    uint32_t max_tf;          /* largest tf of the term */
    uint32_t min_dl;          /* smallest doc length of the term */
    uint32_t prev_last;       /* last doc id of the previous block */
    uint64_t docs_start;      /* docs->len when the term began */
    uint64_t pos_start;       /* pos->len when the term began */
    int err;                  /* sticky error: 0 or NG_E* */
};

int ngi_postings_writer_create(ngi_postings_writer **out, ngi_buf *docs,
                               ngi_buf *positions) {
    *out = NULL;
    if (!docs || !positions) return NG_EINVAL;
    ngi_postings_writer *w = ngi_calloc(1, sizeof *w);
    if (!w) return NG_ENOMEM;
    w->docs = docs;
    w->pos = positions;
    ngi_postings_writer_begin(w);
    *out = w;
    return 0;
}

void ngi_postings_writer_free(ngi_postings_writer *w) {
    if (!w) return;
    ngi_buf_free(&w->blocks);
    ngi_buf_free(&w->skips);
    ngi_buf_free(&w->pdelta);
    ngi_free(w);
}

void ngi_postings_writer_begin(ngi_postings_writer *w) {
    ngi_buf_reset(&w->blocks);
    ngi_buf_reset(&w->skips);
    ngi_buf_reset(&w->pdelta);
    w->n = w->n_blocks = w->df = 0;
    w->cf = 0;
    w->max_tf = 0;
    w->min_dl = UINT32_MAX;
    w->prev_last = 0;
    w->docs_start = w->docs->len;
    w->pos_start = w->pos->len;
}

static int fail(ngi_postings_writer *w, int code) {
    if (code < 0 && !w->err) w->err = code;
    return code;
}

/* ---- positions groups ---------------------------------------------- */

/* Bytes of a chunk of n values packed at b bits with exc exceptions whose
 * high parts take hb bits. */
static size_t chunk_cost(size_t n, unsigned b, size_t exc, unsigned hb) {
    size_t base = n == NGI_BLOCK ? 16u * b : ngi_packn_bytes(n, b);
    return 1 + base + (exc ? 2 + exc + ngi_packn_bytes(exc, hb) : 0);
}

/* The width (>= 1) that makes the chunk smallest, values wider than it
 * becoming patched exceptions (PFOR, like Zukowski et al.). */
static unsigned best_width(const uint32_t *v, size_t n, unsigned *mb_out) {
    size_t count[33] = {0};
    for (size_t i = 0; i < n; i++) count[v[i] ? 32 - __builtin_clz(v[i]) : 0]++;
    unsigned mb = 32;
    while (mb > 1 && count[mb] == 0) mb--;
    unsigned best = mb;
    size_t best_cost = chunk_cost(n, mb, 0, 0), exc = 0;
    for (unsigned b = mb - 1; b >= 1; b--) {
        exc += count[b + 1];
        size_t cost = chunk_cost(n, b, exc, mb - b);
        if (cost < best_cost) best = b, best_cost = cost;
    }
    *mb_out = mb;
    return best;
}

/* Appends one positions chunk (see lib/FORMAT.md): header, the low `b` bits
 * of every value, then the exceptions' indexes and high bits. The width is
 * >= 1 so that every position costs at least one bit and a reader can
 * bound counts by bytes. */
static int put_chunk(ngi_buf *out, const uint32_t *v, size_t n) {
    unsigned mb, b = best_width(v, n, &mb);
    uint32_t high[NGI_BLOCK];
    uint8_t idx[NGI_BLOCK];
    size_t exc = 0;
    for (size_t i = 0; i < n; i++)
        if (b < 32 && v[i] >> b) idx[exc] = (uint8_t)i, high[exc++] = v[i] >> b;
    size_t size = chunk_cost(n, b, exc, mb - b);
    if (ngi_buf_reserve(out, size)) return NG_ENOMEM;
    uint8_t *o = out->data + out->len;
    *o++ = (uint8_t)(b | (exc ? NGI_CHUNK_EXC : 0));
    if (n == NGI_BLOCK) {
        ngi_pack128(v, b, o);
        o += 16u * b;
    } else {
        ngi_packn(v, n, b, o);
        o += ngi_packn_bytes(n, b);
    }
    if (exc) {
        *o++ = (uint8_t)exc;
        *o++ = (uint8_t)(mb - b);
        memcpy(o, idx, exc);
        ngi_packn(high, exc, mb - b, o + exc);
    }
    out->len += size;
    return 0;
}

/* Writes the pending block's position deltas as one group. */
static int put_positions_group(ngi_postings_writer *w) {
    const uint32_t *v = (const uint32_t *)(void *)w->pdelta.data;
    size_t n = w->pdelta.len / sizeof(uint32_t);
    for (size_t i = 0; i < n; i += NGI_BLOCK) {
        int rc = put_chunk(w->pos, v + i, NGI_MIN(n - i, (size_t)NGI_BLOCK));
        if (rc) return rc;
    }
    ngi_buf_reset(&w->pdelta);
    return 0;
}

/* ---- doc blocks ---------------------------------------------------- */

/* The first gap of a block is relative to prev_last + 1 (0 for the first
 * block of a term), later ones to the previous doc + 1. */
static uint32_t block_base(const ngi_postings_writer *w) {
    return w->n_blocks ? w->prev_last + 1 : 0;
}

static int put_full_block(ngi_postings_writer *w, ngi_buf *b) {
    uint32_t gap[NGI_BLOCK], tfm[NGI_BLOCK];
    uint32_t prev = block_base(w);
    for (unsigned i = 0; i < NGI_BLOCK; i++) {
        gap[i] = w->bdoc[i] - prev;
        prev = w->bdoc[i] + 1;
        tfm[i] = w->btf[i] - 1;
    }
    unsigned bd = ngi_bits_max(gap, NGI_BLOCK), bt = ngi_bits_max(tfm, NGI_BLOCK);
    if (ngi_buf_reserve(b, 2 + 16u * (bd + bt))) return NG_ENOMEM;
    uint8_t *o = b->data + b->len;
    o[0] = (uint8_t)bd;
    o[1] = (uint8_t)bt;
    ngi_pack128(gap, bd, o + 2);
    ngi_pack128(tfm, bt, o + 2 + 16u * bd);
    b->len += 2 + 16u * (bd + bt);
    return 0;
}

/* Variable-byte postings: (gap << 1 | tf==1), then tf-2 when tf > 1. */
static int put_vbyte_block(ngi_postings_writer *w, ngi_buf *b) {
    uint32_t prev = block_base(w);
    for (unsigned i = 0; i < w->n; i++) {
        uint64_t gap = (uint64_t)(w->bdoc[i] - prev);
        prev = w->bdoc[i] + 1;
        int rc = ngi_buf_append_vbyte(b, gap << 1 | (w->btf[i] == 1));
        if (!rc && w->btf[i] > 1) rc = ngi_buf_append_vbyte(b, w->btf[i] - 2);
        if (rc) return rc;
    }
    return 0;
}

static int put_skip(ngi_postings_writer *w, uint64_t docs_off) {
    uint64_t pos_off = w->pos->len - w->pos_start;
    if (docs_off > UINT32_MAX || pos_off > UINT32_MAX) return NG_ELIMIT;
    uint32_t max_tf = 0, min_dl = UINT32_MAX;
    for (unsigned i = 0; i < w->n; i++) {
        max_tf = NGI_MAX(max_tf, w->btf[i]);
        min_dl = NGI_MIN(min_dl, w->bdl[i]);
    }
    uint8_t e[NGI_SKIP_BYTES];
    ngi_store_le32(e, w->bdoc[w->n - 1]);
    ngi_store_le32(e + 4, (uint32_t)docs_off);
    ngi_store_le32(e + 8, (uint32_t)pos_off);
    /* 16-bit bounds stay safe: a saturated max tf means "see the term's
     * max_tf", and clamping min dl down keeps it a lower bound. */
    ngi_store_le16(e + 12, (uint16_t)NGI_MIN(max_tf, 0xffffu));
    ngi_store_le16(e + 14, (uint16_t)NGI_MIN(min_dl, 0xffffu));
    return ngi_buf_append(&w->skips, e, sizeof e);
}

/* Flushes the pending docs as a skip-table block (full or tail). */
static int flush_block(ngi_postings_writer *w) {
    uint64_t docs_off = w->blocks.len;
    int rc = put_skip(w, docs_off);
    if (!rc)
        rc = w->n == NGI_BLOCK ? put_full_block(w, &w->blocks)
                               : put_vbyte_block(w, &w->blocks);
    if (!rc) rc = put_positions_group(w);
    if (rc) return rc;
    w->n_blocks++;
    w->prev_last = w->bdoc[w->n - 1];
    w->n = 0;
    return 0;
}

/* ---- adding and ending --------------------------------------------- */

static int append_deltas(ngi_postings_writer *w, const uint32_t *p, uint32_t tf) {
    if (ngi_buf_reserve(&w->pdelta, (size_t)tf * sizeof(uint32_t))) return NG_ENOMEM;
    uint32_t *o = (uint32_t *)(void *)(w->pdelta.data + w->pdelta.len);
    uint32_t prev = 0;
    for (uint32_t i = 0; i < tf; i++) {
        if (p[i] < prev) return NG_EINVAL;
        o[i] = p[i] - prev;
        prev = p[i];
    }
    w->pdelta.len += (size_t)tf * sizeof(uint32_t);
    return 0;
}

int ngi_postings_writer_add(ngi_postings_writer *w, uint32_t doc, uint32_t tf,
                            const uint32_t *positions, uint32_t doc_len) {
    if (w->err) return w->err;
    if (tf == 0 || !positions || doc == NGI_DOC_END) return NG_EINVAL;
    uint32_t last = w->n ? w->bdoc[w->n - 1] : w->prev_last;
    if (w->df > 0 && doc <= last) return NG_EINVAL;
    if (w->df == UINT32_MAX - 1) return fail(w, NG_ELIMIT);
    int rc = append_deltas(w, positions, tf);
    if (rc) return rc == NG_EINVAL ? rc : fail(w, rc);
    w->bdoc[w->n] = doc;
    w->btf[w->n] = tf;
    w->bdl[w->n] = doc_len;
    w->n++;
    w->df++;
    w->cf += tf;
    w->max_tf = NGI_MAX(w->max_tf, tf);
    w->min_dl = NGI_MIN(w->min_dl, doc_len);
    if (w->n == NGI_BLOCK) {
        rc = flush_block(w);
        if (rc) return fail(w, rc);
    }
    return 0;
}

/* A term's only position, below 256, as its one byte, without a chunk
 * header (format 6, lib/FORMAT.md "bare position"): most terms of a
 * segment occur once, and this is a third of their positions bytes. */
static int put_bare_position(ngi_postings_writer *w) {
    uint32_t v;
    memcpy(&v, w->pdelta.data, sizeof v);
    if (v > 255) return put_positions_group(w);
    ngi_buf_reset(&w->pdelta);
    return ngi_buf_append_u8(w->pos, (uint8_t)v);
}

/* Lists of df < NGI_BLOCK: the compact form, a lone variable-byte block. */
static int end_compact(ngi_postings_writer *w) {
    int rc = put_vbyte_block(w, w->docs);
    if (!rc) rc = w->cf == 1 ? put_bare_position(w) : put_positions_group(w);
    w->n = 0;
    return rc;
}

static int end_with_skips(ngi_postings_writer *w) {
    int rc = w->n ? flush_block(w) : 0;
    if (!rc) rc = ngi_buf_append(w->docs, w->skips.data, w->skips.len);
    if (!rc) rc = ngi_buf_append(w->docs, w->blocks.data, w->blocks.len);
    return rc;
}

int ngi_postings_writer_end(ngi_postings_writer *w, ngi_term_postings *out) {
    memset(out, 0, sizeof *out);
    if (w->err) return w->err;
    int rc = w->df < NGI_COMPACT_DF ? end_compact(w) : end_with_skips(w);
    if (rc) return fail(w, rc);
    out->df = w->df;
    out->cf = w->cf;
    out->docs_off = w->docs_start;
    out->docs_len = w->docs->len - w->docs_start;
    out->pos_off = w->pos_start;
    out->pos_len = w->pos->len - w->pos_start;
    out->max_tf = w->max_tf;
    out->min_dl = w->df ? w->min_dl : 0;
    ngi_postings_writer_begin(w);
    return 0;
}
