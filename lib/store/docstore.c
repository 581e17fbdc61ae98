/*
 * docstore.c — stored fields of a segment's documents: serialised
 * compactly, packed into blocks of about NGI_DOCSTORE_BLOCK raw bytes, each
 * block one zstd frame (optionally with a word vocabulary and a zstd
 * dictionary trained on the first documents: the block is then word-coded,
 * wordcode.h, before zstd), followed by an offset table. This file
 * writes it; docstore_read.c reads it (a fetch decompresses one block).
 * Byte grammar: lib/FORMAT.md ("Document store").
 */
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>
#include <zstd.h>

#include "common/hash.h"
#include "common/le.h"
#include "common/varint.h"
#include "store/docstore.h"

#define DICT_MIN_DOCS      64 /* fewer sample docs: no dictionary */
#define DICT_SAMPLE_FACTOR 32 /* train on this many times dict size */
#ifndef VOCAB_SAMPLE
#define VOCAB_SAMPLE (16u << 20) /* and on at least this many raw bytes */
#endif
#define STREAM_BYTES (1u << 20) /* blocks buffered before a sink write */
#define VOCAB_LEVEL  9          /* zstd level of the stored vocabulary */

/* ---- writer ----------------------------------------------------------- */

struct ngi_docstore_writer {
    ZSTD_CCtx *cctx;       /* reused for every block */
    ZSTD_CDict *cdict;     /* trained dictionary, or NULL */
    int level;             /* zstd level */
    size_t block_bytes;    /* raw block target */
    size_t dict_bytes;     /* dictionary size wanted (0: none) */
    size_t sample_cap;     /* raw bytes held for training at most (0: default) */
    int pending;           /* still collecting dictionary samples */
    ngi_buf raw;           /* the open block, raw */
    ngi_buf held;          /* closed raw blocks awaiting the dictionary */
    ngi_buf blocks;        /* compressed blocks not yet streamed */
    ngi_file_writer *sink; /* where blocks are streamed, or NULL */
    uint64_t sunk;         /* block bytes already written to sink */
    ngi_buf dict;          /* the dictionary bytes */
    ngi_buf vocab;         /* the vocabulary, raw (wordcode.h) */
    ngi_buf zvocab;        /* and as stored: one zstd frame (layout 1) or
                              words + index (layout 2), or empty */
    uint32_t words_len;    /* layout 2: bytes of the words in zvocab */
    uint32_t n_words;      /* layout 2: index entries after them */
    int layout;            /* 1 (DOCS) or 2 (DOC2, the default) */
    bool reusable;         /* trained on a full sample (or adopted such a
                              training): a next writer may adopt it */
    size_t entry;          /* bytes of a block table entry */
    ngi_wordcode *wc;      /* its encoder, or NULL: blocks stored raw */
    ngi_buf tx;            /* word-coded bytes of the block being closed */
    ngi_buf btable;        /* BLOCK_ENTRY bytes per closed block */
    ngi_buf dtable;        /* u32 per doc: offset inside its block */
    uint32_t n_docs;       /* documents added */
    uint32_t block_first;  /* first doc of the open block */
    uint32_t n_blocks;     /* closed blocks */
    int status;            /* sticky error */
};

int ngi_docstore_writer_create_opts(ngi_docstore_writer **out, int zstd_level,
                                    size_t block_bytes, size_t dict_bytes) {
    *out = NULL;
    if (zstd_level == NGI_DOCSTORE_LEVEL_RAW && dict_bytes) return NG_EINVAL;
    ngi_docstore_writer *w = ngi_calloc(1, sizeof *w);
    if (!w) return NG_ENOMEM;
    w->cctx = ZSTD_createCCtx();
    if (!w->cctx) {
        ngi_free(w);
        return NG_ENOMEM;
    }
    /* A 4-byte content checksum per frame makes a damaged block fail to
     * decompress instead of yielding wrong text (cost: 4 bytes a block). */
    if ((zstd_level != NGI_DOCSTORE_LEVEL_RAW &&
         ZSTD_isError(
             ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel, zstd_level))) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1))) {
        ngi_docstore_writer_free(w);
        return NG_EINVAL;
    }
    w->level = zstd_level;
    w->layout = 2;
    w->entry = BLOCK_ENTRY2;
    w->block_bytes = block_bytes ? block_bytes : NGI_DOCSTORE_BLOCK;
    w->dict_bytes = dict_bytes;
    w->pending = dict_bytes > 0;
    *out = w;
    return 0;
}

int ngi_docstore_writer_create(ngi_docstore_writer **out, int zstd_level) {
    return ngi_docstore_writer_create_opts(out, zstd_level, NGI_DOCSTORE_BLOCK,
                                           NGI_DOCSTORE_DICT);
}

int ngi_docstore_writer_set_layout(ngi_docstore_writer *w, int layout) {
    if ((layout != 1 && layout != 2) || w->n_docs) return NG_EINVAL;
    w->layout = layout;
    w->entry = layout == 1 ? BLOCK_ENTRY : BLOCK_ENTRY2;
    return 0;
}

int ngi_docstore_writer_layout(const ngi_docstore_writer *w) {
    return w->layout;
}

uint64_t ngi_docstore_block_seed(const uint8_t *offsets, uint32_t first, uint32_t last) {
    return ngi_hash64(offsets + 4 * (size_t)first, 4 * (size_t)(last - first)) ^
           ((uint64_t)first << 32 | last);
}

uint64_t ngi_docstore_block_check(const uint8_t *raw, size_t raw_len, uint64_t seed) {
    return XXH3_64bits_withSeed(raw, raw_len, seed);
}

void ngi_docstore_writer_free(ngi_docstore_writer *w) {
    if (!w) return;
    ZSTD_freeCCtx(w->cctx);
    ZSTD_freeCDict(w->cdict);
    ngi_buf_free(&w->raw);
    ngi_buf_free(&w->held);
    ngi_buf_free(&w->blocks);
    ngi_buf_free(&w->dict);
    ngi_buf_free(&w->vocab);
    ngi_buf_free(&w->zvocab);
    ngi_wordcode_free(w->wc);
    ngi_buf_free(&w->tx);
    ngi_buf_free(&w->btable);
    ngi_buf_free(&w->dtable);
    ngi_free(w);
}

void ngi_docstore_writer_set_sample(ngi_docstore_writer *w, size_t bytes) {
    w->sample_cap = bytes;
}

size_t ngi_docstore_writer_memory(const ngi_docstore_writer *w) {
    return w->raw.cap + w->held.cap + w->blocks.cap + w->dict.cap + w->vocab.cap +
           w->zvocab.cap + w->tx.cap + w->btable.cap + w->dtable.cap;
}

/* Offset of the next compressed block from the section start. */
static uint64_t blocks_end(const ngi_docstore_writer *w) {
    return w->sunk + w->blocks.len;
}

/* Writes the buffered compressed blocks to the sink. */
static int sink_blocks(ngi_docstore_writer *w) {
    int rc = ngi_file_writer_append(w->sink, w->blocks.data, w->blocks.len);
    if (rc) return rc;
    w->sunk += w->blocks.len;
    ngi_buf_reset(&w->blocks);
    return 0;
}

#define ZSTD_RAW_BLOCK_MAX ((size_t)128 << 10) /* RFC 8878: Block_Maximum_Size */

/* Bytes raw_frame writes for n bytes of content. */
static size_t raw_frame_bound(size_t n) {
    return 4 + 1 + 8 + 3 * (n / ZSTD_RAW_BLOCK_MAX + 1) + n + 4;
}

/* Writes src[0, n) as one zstd frame of raw blocks (NGI_DOCSTORE_LEVEL_RAW):
 * magic, a single-segment header with the content size, blocks of at most
 * 128 KiB, the low 4 bytes of XXH64 as the content checksum (as
 * ZSTD_c_checksumFlag writes it). Returns the frame's length. */
static size_t raw_frame(uint8_t *dst, const uint8_t *src, size_t n) {
    uint8_t *o = dst;
    ngi_store_le32(o, ZSTD_MAGICNUMBER);
    o += 4;
    /* Frame_Header_Descriptor: FCS field size code (bits 6-7),
     * Single_Segment (bit 5), Content_Checksum (bit 2). */
    unsigned fcs = n < 256 ? 0 : n < 65536 + 256 ? 1 : n <= UINT32_MAX ? 2 : 3;
    *o++ = (uint8_t)(fcs << 6 | 1u << 5 | 1u << 2);
    if (fcs == 0) {
        *o++ = (uint8_t)n;
    } else if (fcs == 1) {
        ngi_store_le16(o, (uint16_t)(n - 256));
        o += 2;
    } else if (fcs == 2) {
        ngi_store_le32(o, (uint32_t)n);
        o += 4;
    } else {
        ngi_store_le64(o, (uint64_t)n);
        o += 8;
    }
    size_t i = 0;
    do {
        size_t b = n - i < ZSTD_RAW_BLOCK_MAX ? n - i : ZSTD_RAW_BLOCK_MAX;
        uint32_t h = (uint32_t)(b << 3) | (i + b == n ? 1u : 0u); /* type 0: raw */
        o[0] = (uint8_t)h, o[1] = (uint8_t)(h >> 8), o[2] = (uint8_t)(h >> 16);
        memcpy(o + 3, src + i, b);
        o += 3 + b;
        i += b;
    } while (i < n);
    ngi_store_le32(o, (uint32_t)XXH64(src, n, 0));
    return (size_t)(o + 4 - dst);
}

/* Compresses raw[0, n) as one frame appended to w->blocks. */
static int compress_one(ngi_docstore_writer *w, const uint8_t *raw, size_t n) {
    bool stored = w->level == NGI_DOCSTORE_LEVEL_RAW;
    size_t bound = stored ? raw_frame_bound(n) : ZSTD_compressBound(n);
    if (ngi_buf_reserve(&w->blocks, bound)) return NG_ENOMEM;
    uint8_t *dst = w->blocks.data + w->blocks.len;
    size_t c =
        stored ? raw_frame(dst, raw, n) : ZSTD_compress2(w->cctx, dst, bound, raw, n);
    if (ZSTD_isError(c)) return NG_ENOMEM; /* only allocation can fail */
    w->blocks.len += c;
    if (w->sink && w->blocks.len >= STREAM_BYTES) return sink_blocks(w);
    return 0;
}

/* End (exclusive) of doc d inside its raw block, given the block's first
 * doc past it (`last`) and raw length. */
static uint32_t doc_end(const ngi_docstore_writer *w, uint32_t d, uint32_t last,
                        uint32_t raw_len) {
    return d + 1 < last ? ngi_load_le32(w->dtable.data + 4 * (size_t)(d + 1)) : raw_len;
}

/* Word-codes docs [first, last) of a raw block one by one (so that each
 * is a dictionary sample of its own), appending to w->tx; sizes[d - first]
 * receives each coded length when sizes is not NULL. */
static int encode_docs(ngi_docstore_writer *w, const uint8_t *raw, uint32_t raw_len,
                       uint32_t first, uint32_t last, size_t *sizes) {
    if (ngi_buf_reserve(&w->tx, 2 * (size_t)raw_len)) return NG_ENOMEM;
    for (uint32_t d = first; d < last; d++) {
        uint32_t a = ngi_load_le32(w->dtable.data + 4 * (size_t)d);
        uint32_t b = doc_end(w, d, last, raw_len);
        size_t n = ngi_wordcode_encode(w->wc, raw + a, b - a, w->tx.data + w->tx.len);
        w->tx.len += n;
        if (sizes) sizes[d - first] = n;
    }
    return 0;
}

/* Compresses a closed raw block (docs [first, last)), word-coded when
 * there is a vocabulary. */
static int compress_block(ngi_docstore_writer *w, const uint8_t *raw, uint32_t raw_len,
                          uint32_t first, uint32_t last) {
    if (!w->wc) return compress_one(w, raw, raw_len);
    ngi_buf_reset(&w->tx);
    int rc = encode_docs(w, raw, raw_len, first, last, NULL);
    return rc ? rc : compress_one(w, w->tx.data, w->tx.len);
}

/* Records the open block in the table and compresses it (or holds it
 * raw while dictionary samples are still being collected). */
static int close_block(ngi_docstore_writer *w) {
    uint8_t e[BLOCK_ENTRY2] = {0};
    ngi_store_le64(e, blocks_end(w)); /* fixed up later for held blocks */
    ngi_store_le32(e + 8, w->block_first);
    ngi_store_le32(e + 12, (uint32_t)w->raw.len);
    if (w->layout == 2)
        ngi_store_le64(e + 16, ngi_docstore_block_check(
                                   w->raw.data, w->raw.len,
                                   ngi_docstore_block_seed(w->dtable.data, w->block_first,
                                                           w->n_docs)));
    if (ngi_buf_reserve(&w->btable, w->entry)) return NG_ENOMEM;
    int rc = w->pending ? ngi_buf_append(&w->held, w->raw.data, w->raw.len)
                        : compress_block(w, w->raw.data, (uint32_t)w->raw.len,
                                         w->block_first, w->n_docs);
    if (rc) return rc;
    ngi_buf_append(&w->btable, e, w->entry); /* reserved: cannot fail */
    w->n_blocks++;
    w->block_first = w->n_docs;
    ngi_buf_reset(&w->raw);
    return 0;
}

static uint32_t held_first(const ngi_docstore_writer *w, uint32_t b) {
    return b < w->n_blocks ? ngi_load_le32(w->btable.data + (size_t)b * w->entry + 8)
                           : w->block_first;
}
static uint32_t held_raw(const ngi_docstore_writer *w, uint32_t b) {
    return ngi_load_le32(w->btable.data + (size_t)b * w->entry + 12);
}

/* Layout 2 stores the vocabulary as it is read: words back to back, then
 * an index of u32 entries (wordcode.h), so a reader decodes straight from
 * the mapping instead of decompressing and indexing ~600 KB per segment. */
static int layout_vocab(ngi_docstore_writer *w) {
    ngi_buf idx = NGI_BUF_INIT;
    int rc = ngi_wordcode_layout(w->vocab.data, w->vocab.len, &w->zvocab, &idx);
    w->words_len = (uint32_t)w->zvocab.len;
    w->n_words = (uint32_t)(idx.len / 4);
    if (!rc) rc = ngi_buf_append(&w->zvocab, idx.data, idx.len) ? NG_ENOMEM : 0;
    ngi_buf_free(&idx);
    return rc ? rc : ngi_wordcode_open(&w->wc, w->vocab.data, w->vocab.len, 1);
}

/* Learns the vocabulary from the held blocks; the store is word-coded
 * from then on, unless no word paid. */
static int train_vocab(ngi_docstore_writer *w) {
    int rc = ngi_wordcode_train(w->held.data, w->held.len, &w->vocab);
    if (rc || !w->vocab.len) return rc;
    if (w->layout == 2) return layout_vocab(w);
    size_t bound = ZSTD_compressBound(w->vocab.len);
    ZSTD_CCtx *cc = ZSTD_createCCtx();
    if (!cc || ngi_buf_reserve(&w->zvocab, bound)) {
        ZSTD_freeCCtx(cc);
        return NG_ENOMEM;
    }
    /* With a checksum, like the blocks: a damaged vocabulary must not
     * decode documents into other words. */
    ZSTD_CCtx_setParameter(cc, ZSTD_c_compressionLevel, VOCAB_LEVEL);
    ZSTD_CCtx_setParameter(cc, ZSTD_c_checksumFlag, 1);
    size_t c = ZSTD_compress2(cc, w->zvocab.data, bound, w->vocab.data, w->vocab.len);
    ZSTD_freeCCtx(cc);
    if (ZSTD_isError(c)) return NG_ENOMEM; /* only allocation can fail */
    w->zvocab.len = c;
    return ngi_wordcode_open(&w->wc, w->vocab.data, w->vocab.len, 1);
}

/* The held documents as stored before zstd (word-coded into w->tx, or the
 * held bytes), each doc's length in sizes. */
static const uint8_t *held_samples(ngi_docstore_writer *w, size_t *sizes) {
    const uint8_t *raw = w->held.data;
    ngi_buf_reset(&w->tx);
    for (uint32_t b = 0; b < w->n_blocks; raw += held_raw(w, b), b++) {
        uint32_t first = held_first(w, b), last = held_first(w, b + 1);
        if (w->wc) {
            if (encode_docs(w, raw, held_raw(w, b), first, last, sizes + first))
                return NULL;
            continue;
        }
        for (uint32_t d = first; d < last; d++)
            sizes[d] = doc_end(w, d, last, held_raw(w, b)) -
                       ngi_load_le32(w->dtable.data + 4 * (size_t)d);
    }
    return w->wc ? w->tx.data : w->held.data;
}

/* fastCover's frequency tables take 6 x 2^f bytes (f = 20: 6 MiB): under
 * a sample cap, at most half the sample. */
static unsigned train_log(const ngi_docstore_writer *w) {
    unsigned f = 20;
    while (w->sample_cap && f > 14 && ((size_t)12 << f) > w->sample_cap) f--;
    return f;
}

/* Trains the zstd dictionary on the n held documents (one sample each). */
static int train_dict(ngi_docstore_writer *w, const uint8_t *samples, const size_t *sizes,
                      uint32_t n) {
    if (ngi_buf_reserve(&w->dict, w->dict_bytes)) return NG_ENOMEM;
    /* fastCover with fixed parameters: the default trainer searches its
     * parameters and costs seconds per segment for little gain. */
    ZDICT_fastCover_params_t p = {0};
    p.k = 200;
    p.d = 8;
    p.f = train_log(w);
    p.accel = 1;
    p.zParams.compressionLevel = w->level;
    size_t got = ZDICT_trainFromBuffer_fastCover(w->dict.data, w->dict_bytes, samples,
                                                 sizes, n, p);
    if (ZDICT_isError(got)) return 0; /* training may refuse: go without */
    w->dict.len = got;
    w->cdict = ZSTD_createCDict(w->dict.data, got, w->level);
    if (!w->cdict || ZSTD_isError(ZSTD_CCtx_refCDict(w->cctx, w->cdict)))
        return NG_ENOMEM;
    return 0;
}

/* How many of the n held documents the dictionary is trained on: the
 * first DICT_SAMPLE_FACTOR x its size of (coded) bytes, as training time
 * grows with the sample and more buys little. */
static uint32_t dict_samples(const ngi_docstore_writer *w, const size_t *sizes,
                             uint32_t n) {
    size_t total = 0, cap = DICT_SAMPLE_FACTOR * w->dict_bytes;
    uint32_t m = 0;
    while (m < n && total < cap) total += sizes[m++];
    return m < DICT_MIN_DOCS && n >= DICT_MIN_DOCS ? DICT_MIN_DOCS : m;
}

/* Ends sample collection: learns the vocabulary and the dictionary from
 * the held blocks (none under DICT_MIN_DOCS documents), then compresses
 * every held block. */
static int release_held(ngi_docstore_writer *w) {
    w->pending = 0;
    uint32_t n = w->block_first; /* documents in the held blocks */
    if (!n) return 0;
    int rc = n >= DICT_MIN_DOCS ? train_vocab(w) : 0;
    size_t *sizes = rc ? NULL : ngi_malloc((n ? n : 1) * sizeof *sizes);
    const uint8_t *samples = sizes ? held_samples(w, sizes) : NULL;
    if (!samples) rc = NG_ENOMEM;
    if (!rc && n >= DICT_MIN_DOCS)
        rc = train_dict(w, samples, sizes, dict_samples(w, sizes, n));
    size_t off = 0;
    for (uint32_t b = 0, d = 0; !rc && b < w->n_blocks; b++) {
        size_t len = 0;
        for (; d < held_first(w, b + 1); d++) len += sizes[d];
        ngi_store_le64(w->btable.data + (size_t)b * w->entry, blocks_end(w));
        rc = compress_one(w, samples + off, len);
        off += len;
    }
    ngi_free(sizes);
    ngi_buf_free(&w->held);
    ngi_buf_free(&w->tx); /* blocks come one at a time from now on */
    return rc;
}

static size_t vlen(uint64_t v) {
    size_t n = 1;
    while (v >= 0x80) {
        v >>= 7;
        n++;
    }
    return n;
}

static size_t doc_size(const ng_field *f, size_t n) {
    size_t s = vlen(n);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(f[i].name);
        s += vlen((unsigned)f[i].role) + vlen(nl) + nl + vlen(f[i].value_len) +
             f[i].value_len;
    }
    return s;
}

/* Appends the serialised document; room is reserved by the caller. */
static void put_doc(ngi_buf *b, const ng_field *f, size_t n) {
    uint8_t *p = b->data + b->len;
    p += ngi_vbyte_put(p, n);
    for (size_t i = 0; i < n; i++) {
        size_t nl = strlen(f[i].name);
        p += ngi_vbyte_put(p, (unsigned)f[i].role);
        p += ngi_vbyte_put(p, nl);
        memcpy(p, f[i].name, nl);
        p += nl;
        p += ngi_vbyte_put(p, f[i].value_len);
        if (f[i].value_len) memcpy(p, f[i].value, f[i].value_len);
        p += f[i].value_len;
    }
    b->len = (size_t)(p - b->data);
}

/* Raw bytes held before training the vocabulary and the dictionary. */
static size_t sample_bytes(const ngi_docstore_writer *w) {
    size_t d = DICT_SAMPLE_FACTOR * w->dict_bytes;
    d = d > VOCAB_SAMPLE ? d : VOCAB_SAMPLE;
    return w->sample_cap && w->sample_cap < d ? w->sample_cap : d;
}

static int add_doc(ngi_docstore_writer *w, const ng_field *fields, size_t n_fields) {
    size_t size = doc_size(fields, n_fields);
    if (size > MAX_RAW_BLOCK || w->n_docs == UINT32_MAX) return NG_ELIMIT;
    int rc;
    /* Close the block before it would exceed the target, so blocks stay
     * near block_bytes; a document larger than a block gets its own. */
    if (w->raw.len && w->raw.len + size > w->block_bytes && (rc = close_block(w)))
        return rc;
    /* zstd suggests ~100x the dictionary size of samples; 32x measured as
     * good at a third of the training time and held memory. */
    if (w->pending && w->held.len >= sample_bytes(w)) {
        if ((rc = release_held(w))) return rc;
        /* a full sample (not a small remainder) that taught something */
        w->reusable = w->vocab.len || w->dict.len;
    }
    if (ngi_buf_reserve(&w->raw, size) || ngi_buf_reserve(&w->dtable, 4))
        return NG_ENOMEM;
    ngi_buf_append_le32(&w->dtable, (uint32_t)w->raw.len); /* reserved */
    put_doc(&w->raw, fields, n_fields);
    w->n_docs++;
    return 0;
}

int ngi_docstore_writer_add(ngi_docstore_writer *w, const ng_field *fields,
                            size_t n_fields) {
    if (w->status) return w->status;
    int rc = add_doc(w, fields, n_fields);
    if (rc == NG_ENOMEM) w->status = rc; /* state may be half-updated */
    return rc;
}

/* Takes prev's vocabulary and dictionary instead of training: training
 * (counting the words of a 16 MiB sample, fastCover on 2 MiB) cost ~8% of
 * indexing CPU when every flushed segment trained its own, and a writer
 * that adopts compresses each block as it closes instead of holding the
 * sample. Each segment still stores its own copy. */
int ngi_docstore_writer_adopt(ngi_docstore_writer *w, const ngi_docstore_writer *prev) {
    if (!prev || !prev->reusable || prev->layout != w->layout ||
        prev->level != w->level || prev->dict_bytes != w->dict_bytes ||
        prev->block_bytes != w->block_bytes)
        return 0;
    if (w->n_docs || w->status || !w->pending) return NG_EINVAL;
    int rc = 0;
    if (prev->vocab.len) {
        if (ngi_buf_append(&w->vocab, prev->vocab.data, prev->vocab.len) ||
            ngi_buf_append(&w->zvocab, prev->zvocab.data, prev->zvocab.len))
            rc = NG_ENOMEM;
        w->words_len = prev->words_len;
        w->n_words = prev->n_words;
        if (!rc) rc = ngi_wordcode_open(&w->wc, w->vocab.data, w->vocab.len, 1);
    }
    if (!rc && prev->dict.len) {
        if (ngi_buf_append(&w->dict, prev->dict.data, prev->dict.len) ||
            !(w->cdict = ZSTD_createCDict(w->dict.data, w->dict.len, w->level)) ||
            ZSTD_isError(ZSTD_CCtx_refCDict(w->cctx, w->cdict)))
            rc = NG_ENOMEM;
    }
    if (rc) return w->status = rc;
    w->pending = 0;
    w->reusable = true;
    return 0;
}

static void fill_trailer(uint8_t *t, const ngi_docstore_writer *w) {
    memset(t, 0, TRAILER);
    ngi_store_le64(t, blocks_end(w));
    ngi_store_le32(t + 8, (uint32_t)w->dict.len);
    ngi_store_le32(t + 12, w->n_blocks);
    ngi_store_le32(t + 16, w->n_docs);
    if (w->layout == 1) {
        ngi_store_le32(t + 20, (uint32_t)w->zvocab.len);
        ngi_store_le32(t + 28, DS_MAGIC);
    } else {
        ngi_store_le32(t + 20, w->words_len);
        ngi_store_le32(t + 24, w->n_words);
        ngi_store_le32(t + 28, DS2_MAGIC);
    }
}

static void put_trailer(ngi_buf *out, const ngi_docstore_writer *w) {
    uint8_t t[TRAILER];
    fill_trailer(t, w);
    ngi_buf_append(out, t, sizeof t); /* reserved by the caller */
}

/* Closes the last block and compresses what is still held. */
static int close_all(ngi_docstore_writer *w) {
    int rc = 0;
    if (w->raw.len) rc = close_block(w);
    if (!rc && w->pending) rc = release_held(w);
    return rc;
}

int ngi_docstore_writer_stream(ngi_docstore_writer *w, ngi_file_writer *fw) {
    if (w->status) return w->status;
    w->sink = fw;
    int rc = sink_blocks(w);
    if (rc) w->status = rc;
    return rc;
}

int ngi_docstore_writer_finish_to(ngi_docstore_writer *w, ngi_file_writer *fw) {
    if (w->status) return w->status;
    int rc = w->sink == fw ? 0 : ngi_docstore_writer_stream(w, fw);
    if (!rc) rc = close_all(w);
    if (!rc) rc = sink_blocks(w);
    ngi_buf_free(&w->blocks); /* nothing else uses the memory now */
    uint8_t t[TRAILER];
    fill_trailer(t, w);
    if (!rc) rc = ngi_file_writer_append(fw, w->dict.data, w->dict.len);
    if (!rc) rc = ngi_file_writer_append(fw, w->zvocab.data, w->zvocab.len);
    if (!rc) rc = ngi_file_writer_append(fw, w->btable.data, w->btable.len);
    if (!rc) rc = ngi_file_writer_append(fw, w->dtable.data, w->dtable.len);
    if (!rc) rc = ngi_file_writer_append(fw, t, sizeof t);
    if (rc) w->status = rc;
    return rc;
}

int ngi_docstore_writer_finish(ngi_docstore_writer *w, ngi_buf *out) {
    if (w->status) return w->status;
    if (w->sink) return w->status = NG_EINVAL; /* blocks are in the file */
    int rc = close_all(w);
    size_t total = w->blocks.len + w->dict.len + w->zvocab.len + w->btable.len +
                   w->dtable.len + TRAILER;
    if (!rc && ngi_buf_reserve(out, total)) rc = NG_ENOMEM;
    if (rc) return w->status = rc;
    ngi_buf_append(out, w->blocks.data, w->blocks.len);
    ngi_buf_append(out, w->dict.data, w->dict.len);
    ngi_buf_append(out, w->zvocab.data, w->zvocab.len);
    ngi_buf_append(out, w->btable.data, w->btable.len);
    ngi_buf_append(out, w->dtable.data, w->dtable.len);
    put_trailer(out, w);
    return 0;
}
