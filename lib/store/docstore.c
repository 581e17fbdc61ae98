/*
 * docstore.c — stored fields of a segment's documents: serialised
 * compactly, packed into blocks of about NGI_DOCSTORE_BLOCK raw bytes, each
 * block one zstd frame (optionally with a word vocabulary and a zstd
 * dictionary trained on the first documents: the block is then word-coded,
 * wordcode.h, before zstd), followed by an offset table. A fetch
 * decompresses one block.
 * Byte grammar: lib/FORMAT.md ("Document store").
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>
#include <zstd.h>

#include "common/hash.h"
#include "common/le.h"
#include "common/varint.h"
#include "store/store.h"
#include "store/wordcode.h"

#define BLOCK_ENTRY 16 /* comp_off u64, first_doc u32, raw_len u32 */
#define TRAILER 32
#define DS_MAGIC NGI_TAG('N', 'G', 'D', 'S')
#define MAX_RAW_BLOCK (1u << 30)    /* sane bound on one block's raw size */
#define DICT_MIN_DOCS 64            /* fewer sample docs: no dictionary */
#define DICT_SAMPLE_FACTOR 32       /* train on this many times dict size */
#ifndef VOCAB_SAMPLE
#define VOCAB_SAMPLE (16u << 20)    /* and on at least this many raw bytes */
#endif
#define STREAM_BYTES (1u << 20)     /* blocks buffered before a sink write */
#define VOCAB_LEVEL 9               /* zstd level of the stored vocabulary */
#define MAX_VOCAB_RAW ((size_t)NGI_WC_MAX_WORDS * (NGI_WC_MAX_WORD + 1))

/* ---- writer ----------------------------------------------------------- */

struct ngi_docstore_writer {
    ZSTD_CCtx *cctx;       /* reused for every block */
    ZSTD_CDict *cdict;     /* trained dictionary, or NULL */
    int level;             /* zstd level */
    size_t block_bytes;    /* raw block target */
    size_t dict_bytes;     /* dictionary size wanted (0: none) */
    int pending;           /* still collecting dictionary samples */
    ngi_buf raw;           /* the open block, raw */
    ngi_buf held;          /* closed raw blocks awaiting the dictionary */
    ngi_buf blocks;        /* compressed blocks not yet streamed */
    ngi_file_writer *sink; /* where blocks are streamed, or NULL */
    uint64_t sunk;         /* block bytes already written to sink */
    ngi_buf dict;          /* the dictionary bytes */
    ngi_buf vocab;         /* the vocabulary, raw (wordcode.h) */
    ngi_buf zvocab;        /* and as stored: one zstd frame, or empty */
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
    ngi_docstore_writer *w = ngi_calloc(1, sizeof *w);
    if (!w) return NG_ENOMEM;
    w->cctx = ZSTD_createCCtx();
    if (!w->cctx) {
        ngi_free(w);
        return NG_ENOMEM;
    }
    /* A 4-byte content checksum per frame makes a damaged block fail to
     * decompress instead of yielding wrong text (cost: 4 bytes a block). */
    if (ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_compressionLevel,
                                            zstd_level)) ||
        ZSTD_isError(ZSTD_CCtx_setParameter(w->cctx, ZSTD_c_checksumFlag, 1))) {
        ngi_docstore_writer_free(w);
        return NG_EINVAL;
    }
    w->level = zstd_level;
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

size_t ngi_docstore_writer_memory(const ngi_docstore_writer *w) {
    return w->raw.cap + w->held.cap + w->blocks.cap + w->dict.cap +
           w->vocab.cap + w->zvocab.cap + w->tx.cap + w->btable.cap +
           w->dtable.cap;
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

/* Compresses raw[0, n) as one frame appended to w->blocks. */
static int compress_one(ngi_docstore_writer *w, const uint8_t *raw, size_t n) {
    size_t bound = ZSTD_compressBound(n);
    if (ngi_buf_reserve(&w->blocks, bound)) return NG_ENOMEM;
    uint8_t *dst = w->blocks.data + w->blocks.len;
    size_t c = ZSTD_compress2(w->cctx, dst, bound, raw, n);
    if (ZSTD_isError(c)) return NG_ENOMEM; /* only allocation can fail */
    w->blocks.len += c;
    if (w->sink && w->blocks.len >= STREAM_BYTES) return sink_blocks(w);
    return 0;
}

/* End (exclusive) of doc d inside its raw block, given the block's first
 * doc past it (`last`) and raw length. */
static uint32_t doc_end(const ngi_docstore_writer *w, uint32_t d,
                        uint32_t last, uint32_t raw_len) {
    return d + 1 < last ? ngi_load_le32(w->dtable.data + 4 * (size_t)(d + 1))
                        : raw_len;
}

/* Word-codes docs [first, last) of a raw block one by one (so that each
 * is a dictionary sample of its own), appending to w->tx; sizes[d - first]
 * receives each coded length when sizes is not NULL. */
static int encode_docs(ngi_docstore_writer *w, const uint8_t *raw,
                       uint32_t raw_len, uint32_t first, uint32_t last,
                       size_t *sizes) {
    if (ngi_buf_reserve(&w->tx, 2 * (size_t)raw_len)) return NG_ENOMEM;
    for (uint32_t d = first; d < last; d++) {
        uint32_t a = ngi_load_le32(w->dtable.data + 4 * (size_t)d);
        uint32_t b = doc_end(w, d, last, raw_len);
        size_t n = ngi_wordcode_encode(w->wc, raw + a, b - a,
                                       w->tx.data + w->tx.len);
        w->tx.len += n;
        if (sizes) sizes[d - first] = n;
    }
    return 0;
}

/* Compresses a closed raw block (docs [first, last)), word-coded when
 * there is a vocabulary. */
static int compress_block(ngi_docstore_writer *w, const uint8_t *raw,
                          uint32_t raw_len, uint32_t first, uint32_t last) {
    if (!w->wc) return compress_one(w, raw, raw_len);
    ngi_buf_reset(&w->tx);
    int rc = encode_docs(w, raw, raw_len, first, last, NULL);
    return rc ? rc : compress_one(w, w->tx.data, w->tx.len);
}

/* Records the open block in the table and compresses it (or holds it
 * raw while dictionary samples are still being collected). */
static int close_block(ngi_docstore_writer *w) {
    uint8_t e[BLOCK_ENTRY] = {0};
    ngi_store_le64(e, blocks_end(w)); /* fixed up later for held blocks */
    ngi_store_le32(e + 8, w->block_first);
    ngi_store_le32(e + 12, (uint32_t)w->raw.len);
    if (ngi_buf_reserve(&w->btable, BLOCK_ENTRY)) return NG_ENOMEM;
    int rc = w->pending ? ngi_buf_append(&w->held, w->raw.data, w->raw.len)
                        : compress_block(w, w->raw.data, (uint32_t)w->raw.len,
                                         w->block_first, w->n_docs);
    if (rc) return rc;
    ngi_buf_append(&w->btable, e, sizeof e); /* reserved: cannot fail */
    w->n_blocks++;
    w->block_first = w->n_docs;
    ngi_buf_reset(&w->raw);
    return 0;
}

static uint32_t held_first(const ngi_docstore_writer *w, uint32_t b) {
    return b < w->n_blocks
        ? ngi_load_le32(w->btable.data + (size_t)b * BLOCK_ENTRY + 8)
        : w->block_first;
}
static uint32_t held_raw(const ngi_docstore_writer *w, uint32_t b) {
    return ngi_load_le32(w->btable.data + (size_t)b * BLOCK_ENTRY + 12);
}

/* Learns the vocabulary from the held blocks; the store is word-coded
 * from then on, unless no word paid. */
static int train_vocab(ngi_docstore_writer *w) {
    int rc = ngi_wordcode_train(w->held.data, w->held.len, &w->vocab);
    if (rc || !w->vocab.len) return rc;
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
    size_t c = ZSTD_compress2(cc, w->zvocab.data, bound, w->vocab.data,
                              w->vocab.len);
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
            if (encode_docs(w, raw, held_raw(w, b), first, last,
                            sizes + first))
                return NULL;
            continue;
        }
        for (uint32_t d = first; d < last; d++)
            sizes[d] = doc_end(w, d, last, held_raw(w, b)) -
                       ngi_load_le32(w->dtable.data + 4 * (size_t)d);
    }
    return w->wc ? w->tx.data : w->held.data;
}

/* Trains the zstd dictionary on the n held documents (one sample each). */
static int train_dict(ngi_docstore_writer *w, const uint8_t *samples,
                      const size_t *sizes, uint32_t n) {
    if (ngi_buf_reserve(&w->dict, w->dict_bytes)) return NG_ENOMEM;
    /* fastCover with fixed parameters: the default trainer searches its
     * parameters and costs seconds per segment for little gain. */
    ZDICT_fastCover_params_t p = {0};
    p.k = 200;
    p.d = 8;
    p.f = 20;
    p.accel = 1;
    p.zParams.compressionLevel = w->level;
    size_t got = ZDICT_trainFromBuffer_fastCover(
        w->dict.data, w->dict_bytes, samples, sizes, n, p);
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
        ngi_store_le64(w->btable.data + (size_t)b * BLOCK_ENTRY, blocks_end(w));
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
    return d > VOCAB_SAMPLE ? d : VOCAB_SAMPLE;
}

static int add_doc(ngi_docstore_writer *w, const ng_field *fields,
                   size_t n_fields) {
    size_t size = doc_size(fields, n_fields);
    if (size > MAX_RAW_BLOCK || w->n_docs == UINT32_MAX) return NG_ELIMIT;
    int rc;
    /* Close the block before it would exceed the target, so blocks stay
     * near block_bytes; a document larger than a block gets its own. */
    if (w->raw.len && w->raw.len + size > w->block_bytes &&
        (rc = close_block(w)))
        return rc;
    /* zstd suggests ~100x the dictionary size of samples; 32x measured as
     * good at a third of the training time and held memory. */
    if (w->pending && w->held.len >= sample_bytes(w) &&
        (rc = release_held(w)))
        return rc;
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

static void fill_trailer(uint8_t *t, const ngi_docstore_writer *w) {
    memset(t, 0, TRAILER);
    ngi_store_le64(t, blocks_end(w));
    ngi_store_le32(t + 8, (uint32_t)w->dict.len);
    ngi_store_le32(t + 12, w->n_blocks);
    ngi_store_le32(t + 16, w->n_docs);
    ngi_store_le32(t + 20, (uint32_t)w->zvocab.len);
    ngi_store_le32(t + 28, DS_MAGIC);
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

int ngi_docstore_writer_finish_to(ngi_docstore_writer *w,
                                  ngi_file_writer *fw) {
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
    size_t total = w->blocks.len + w->dict.len + w->zvocab.len +
                   w->btable.len + w->dtable.len + TRAILER;
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

/* ---- reader ----------------------------------------------------------- */

struct ngi_docstore_reader {
    const uint8_t *blocks;  /* compressed blocks (borrowed) */
    uint64_t blocks_bytes;  /* bytes of all blocks */
    const uint8_t *btable;  /* n_blocks entries (borrowed) */
    const uint8_t *dtable;  /* n_docs u32 (borrowed) */
    uint32_t n_blocks;      /* blocks */
    uint32_t n_docs;        /* documents */
    ZSTD_DDict *ddict;      /* read-only, shareable across threads */
    const uint8_t *zvocab;  /* the stored vocabulary (borrowed) */
    size_t zvocab_len;      /* its bytes; 0: blocks are not word-coded */
    /* The vocabulary's decoder, loaded at the first fetch: opening a
     * reader must stay cheap (searches without snippets never fetch), and
     * a vocabulary takes ~1.5 ms to decompress and index. */
    pthread_mutex_t vocab_lock;
    atomic_int vocab_state; /* VOCAB_* */
    ngi_wordcode *wc;       /* set before vocab_state becomes VOCAB_READY */
    uint64_t dict_hash;     /* XXH3 of dictionary + vocabulary (cache key) */
};

enum { VOCAB_UNLOADED, VOCAB_READY, VOCAB_BAD };

struct ngi_docstore_scratch {
    ZSTD_DCtx *dctx;        /* reused decompression context */
    ngi_buf raw;            /* the last decompressed block */
    ngi_buf tx;             /* its word-coded form (zstd's output) */
    uint64_t key_block;     /* XXH3 of that block's compressed bytes */
    uint64_t key_dict;      /* and of the dictionary it used */
    int valid;              /* raw holds a block */
};

static int ds_corrupt(ngi_error *err, const char *why) {
    return ngi_error_set(err, NG_ECORRUPT, "document store: %s", why);
}

/* Decompresses and indexes the vocabulary (one zstd frame) into r->wc:
 * NG_ECORRUPT, NG_ENOMEM. */
static int decode_vocab(ngi_docstore_reader *r) {
    const uint8_t *z = r->zvocab;
    size_t n = r->zvocab_len;
    unsigned long long raw = ZSTD_getFrameContentSize(z, n);
    if (raw == ZSTD_CONTENTSIZE_UNKNOWN || raw == ZSTD_CONTENTSIZE_ERROR ||
        raw == 0 || raw > MAX_VOCAB_RAW)
        return NG_ECORRUPT;
    uint8_t *v = ngi_malloc((size_t)raw);
    if (!v) return NG_ENOMEM;
    size_t got = ZSTD_decompress(v, (size_t)raw, z, n);
    int rc = ZSTD_isError(got) || got != raw
                 ? NG_ECORRUPT
                 : ngi_wordcode_open(&r->wc, v, (size_t)raw, 0); /* copies */
    ngi_free(v);
    return rc;
}

/* Makes r->wc usable (once per reader, whichever thread comes first). */
static int load_vocab(const ngi_docstore_reader *cr, ngi_error *err) {
    ngi_docstore_reader *r = (ngi_docstore_reader *)cr; /* lazy state only */
    int state = atomic_load_explicit(&r->vocab_state, memory_order_acquire);
    if (state == VOCAB_UNLOADED) {
        pthread_mutex_lock(&r->vocab_lock);
        state = atomic_load_explicit(&r->vocab_state, memory_order_relaxed);
        int rc = state == VOCAB_UNLOADED ? decode_vocab(r) : 0;
        if (rc == NG_ECORRUPT) state = VOCAB_BAD;
        else if (!rc && state == VOCAB_UNLOADED) state = VOCAB_READY;
        atomic_store_explicit(&r->vocab_state, state, memory_order_release);
        pthread_mutex_unlock(&r->vocab_lock);
        if (rc == NG_ENOMEM) /* not sticky: a later fetch may succeed */
            return ngi_error_set(err, rc, "out of memory");
    }
    return state == VOCAB_READY ? 0 : ds_corrupt(err, "bad vocabulary");
}

/* Validates the geometry from the trailer and points into the section. */
static int open_layout(ngi_docstore_reader *r, const uint8_t *data,
                       size_t len, uint32_t n_docs, ngi_error *err) {
    if (len < TRAILER) return ds_corrupt(err, "section too short");
    const uint8_t *t = data + len - TRAILER;
    uint64_t blocks_bytes = ngi_load_le64(t);
    uint64_t dict_bytes = ngi_load_le32(t + 8);
    uint64_t vocab_bytes = ngi_load_le32(t + 20);
    r->n_blocks = ngi_load_le32(t + 12);
    r->n_docs = ngi_load_le32(t + 16);
    if (ngi_load_le32(t + 28) != DS_MAGIC || ngi_load_le32(t + 24))
        return ds_corrupt(err, "bad trailer");
    if (r->n_docs != n_docs)
        return ds_corrupt(err, "document count disagrees with the segment");
    uint64_t tables = (uint64_t)r->n_blocks * BLOCK_ENTRY + 4ull * n_docs;
    uint64_t extra = dict_bytes + vocab_bytes;
    if (blocks_bytes > len || extra > len - blocks_bytes ||
        tables != len - TRAILER - blocks_bytes - extra)
        return ds_corrupt(err, "section sizes out of bounds");
    if ((r->n_blocks == 0) != (n_docs == 0) || r->n_blocks > n_docs)
        return ds_corrupt(err, "bad block count");
    r->blocks = data;
    r->blocks_bytes = blocks_bytes;
    r->btable = data + blocks_bytes + extra;
    r->dtable = r->btable + (size_t)r->n_blocks * BLOCK_ENTRY;
    if (dict_bytes && !(r->ddict = ZSTD_createDDict(data + blocks_bytes,
                                                    (size_t)dict_bytes)))
        return ds_corrupt(err, "bad dictionary");
    r->dict_hash = ngi_hash64(data + blocks_bytes, (size_t)extra);
    r->zvocab = data + blocks_bytes + dict_bytes;
    r->zvocab_len = (size_t)vocab_bytes;
    return 0;
}

static uint64_t block_off(const ngi_docstore_reader *r, uint32_t b) {
    return b < r->n_blocks ? ngi_load_le64(r->btable + (size_t)b * BLOCK_ENTRY)
                           : r->blocks_bytes;
}
static uint32_t block_first(const ngi_docstore_reader *r, uint32_t b) {
    return b < r->n_blocks
        ? ngi_load_le32(r->btable + (size_t)b * BLOCK_ENTRY + 8) : r->n_docs;
}
static uint32_t block_raw(const ngi_docstore_reader *r, uint32_t b) {
    return ngi_load_le32(r->btable + (size_t)b * BLOCK_ENTRY + 12);
}
static uint32_t doc_off(const ngi_docstore_reader *r, uint32_t d) {
    return ngi_load_le32(r->dtable + 4 * (size_t)d);
}

/* Block b: non-empty compressed range, at least one doc, doc offsets
 * strictly increasing from 0 and inside the raw size. */
static int check_block(const ngi_docstore_reader *r, uint32_t b) {
    uint64_t off = block_off(r, b), end = block_off(r, b + 1);
    uint32_t first = block_first(r, b), last = block_first(r, b + 1);
    uint32_t raw = block_raw(r, b);
    if ((b == 0 && (off != 0 || first != 0)) || end <= off ||
        end > r->blocks_bytes || last <= first || last > r->n_docs ||
        raw == 0 || raw > MAX_RAW_BLOCK)
        return -1;
    if (doc_off(r, first) != 0) return -1;
    for (uint32_t d = first + 1; d < last; d++)
        if (doc_off(r, d) <= doc_off(r, d - 1)) return -1;
    return doc_off(r, last - 1) < raw ? 0 : -1;
}

int ngi_docstore_reader_open(ngi_docstore_reader **out, const uint8_t *data,
                             size_t len, uint32_t n_docs, ngi_error *err) {
    *out = NULL;
    ngi_docstore_reader *r = ngi_calloc(1, sizeof *r);
    if (!r) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    if (pthread_mutex_init(&r->vocab_lock, NULL)) {
        ngi_free(r);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    atomic_init(&r->vocab_state, VOCAB_UNLOADED);
    int rc = open_layout(r, data, len, n_docs, err);
    for (uint32_t b = 0; !rc && b < r->n_blocks; b++)
        if (check_block(r, b)) rc = ds_corrupt(err, "bad offset table");
    if (rc) {
        ngi_docstore_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

void ngi_docstore_reader_free(ngi_docstore_reader *r) {
    if (!r) return;
    ZSTD_freeDDict(r->ddict);
    ngi_wordcode_free(r->wc);
    pthread_mutex_destroy(&r->vocab_lock);
    ngi_free(r);
}

void ngi_stored_doc_init(ngi_stored_doc *d) {
    d->fields = NULL;
    d->n_fields = 0;
    ngi_buf_init(&d->storage);
}

void ngi_stored_doc_free(ngi_stored_doc *d) {
    if (!d) return;
    ngi_free(d->fields);
    ngi_buf_free(&d->storage);
    ngi_stored_doc_init(d);
}

/* The block holding doc: the last block whose first doc is <= doc. */
static uint32_t find_block(const ngi_docstore_reader *r, uint32_t doc) {
    uint32_t lo = 0, hi = r->n_blocks; /* answer in [lo, hi) */
    while (hi - lo > 1) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (block_first(r, mid) <= doc) lo = mid;
        else hi = mid;
    }
    return lo;
}

int ngi_docstore_scratch_create(ngi_docstore_scratch **out) {
    *out = NULL;
    ngi_docstore_scratch *s = ngi_calloc(1, sizeof *s);
    if (!s) return NG_ENOMEM;
    if (!(s->dctx = ZSTD_createDCtx())) {
        ngi_free(s);
        return NG_ENOMEM;
    }
    *out = s;
    return 0;
}

void ngi_docstore_scratch_free(ngi_docstore_scratch *s) {
    if (!s) return;
    ZSTD_freeDCtx(s->dctx);
    ngi_buf_free(&s->raw);
    ngi_buf_free(&s->tx);
    ngi_free(s);
}

/* Decompresses frame src[0, n) into out (exactly size bytes). */
static int inflate(const ngi_docstore_reader *r, ngi_docstore_scratch *s,
                   const uint8_t *src, size_t n, ngi_buf *out, size_t size) {
    ngi_buf_reset(out);
    if (ngi_buf_reserve(out, size)) return NG_ENOMEM;
    size_t got = r->ddict ? ZSTD_decompress_usingDDict(s->dctx, out->data,
                                                       size, src, n, r->ddict)
                          : ZSTD_decompressDCtx(s->dctx, out->data, size, src,
                                                n);
    if (ZSTD_isError(got) || got != size) return NG_ECORRUPT;
    out->len = size;
    return 0;
}

/* Decompresses block b (raw bytes, or word-coded ones: at most two bytes
 * per raw byte) into s->raw. */
static int unpack_block(const ngi_docstore_reader *r, ngi_docstore_scratch *s,
                        const uint8_t *src, size_t n, uint32_t raw) {
    unsigned long long size = ZSTD_getFrameContentSize(src, n);
    if (!r->zvocab_len) {
        if (size != raw) return NG_ECORRUPT;
        return inflate(r, s, src, n, &s->raw, raw);
    }
    if (size == 0 || size > 2ull * raw) return NG_ECORRUPT;
    int rc = inflate(r, s, src, n, &s->tx, (size_t)size);
    if (!rc) rc = ngi_buf_reserve(&s->raw, raw) ? NG_ENOMEM : 0;
    if (!rc && ngi_wordcode_decode(r->wc, s->tx.data, s->tx.len, s->raw.data,
                                   raw))
        rc = NG_ECORRUPT;
    if (!rc) s->raw.len = raw;
    return rc;
}

/* Decompresses block b into s->raw, unless it holds it already. The cache
 * key is the content (hash of the compressed bytes and of the dictionary
 * and vocabulary), so a scratch stays correct across readers, even freed
 * ones. */
static int load_block(const ngi_docstore_reader *r, uint32_t b,
                      ngi_docstore_scratch *s, ngi_error *err) {
    const uint8_t *src = r->blocks + block_off(r, b);
    size_t n = (size_t)(block_off(r, b + 1) - block_off(r, b));
    uint32_t raw = block_raw(r, b);
    uint64_t key = ngi_hash64(src, n);
    if (s->valid && s->key_block == key && s->key_dict == r->dict_hash &&
        s->raw.len == raw)
        return 0;
    s->valid = 0;
    int rc = r->zvocab_len ? load_vocab(r, err) : 0;
    if (rc) return rc;
    ngi_buf_reset(&s->raw);
    rc = unpack_block(r, s, src, n, raw);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) return ds_corrupt(err, "block does not decompress");
    s->key_block = key;
    s->key_dict = r->dict_hash;
    s->valid = 1;
    return 0;
}

/* One length-prefixed string: vbyte length then bytes, inside [p, end). */
static int get_bytes(const uint8_t **p, const uint8_t *end, uint64_t *len) {
    if (ngi_vbyte_get(p, end, len) || *len > (uint64_t)(end - *p)) return -1;
    *p += *len;
    return 0;
}

/* Parses a serialised doc into d (storage: name NUL value NUL ...). */
static int parse_doc(const uint8_t *p, const uint8_t *end, ngi_stored_doc *d) {
    uint64_t n, role, nl, vl;
    /* Every field takes at least 3 bytes: bounds n before allocating. */
    if (ngi_vbyte_get(&p, end, &n) || n > (uint64_t)(end - p) / 3)
        return NG_ECORRUPT;
    ngi_buf_reset(&d->storage);
    ngi_free(d->fields);
    d->n_fields = 0;
    if (!(d->fields = ngi_calloc(n ? n : 1, sizeof *d->fields)) ||
        ngi_buf_reserve(&d->storage, (size_t)(end - p) + 2 * n))
        return NG_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *name, *value;
        if (ngi_vbyte_get(&p, end, &role) || role > INT32_MAX)
            return NG_ECORRUPT;
        if (get_bytes(&p, end, &nl)) return NG_ECORRUPT;
        name = p - nl;
        if (memchr(name, 0, (size_t)nl)) return NG_ECORRUPT;
        if (ngi_vbyte_get(&p, end, &vl) || vl > (uint64_t)(end - p))
            return NG_ECORRUPT;
        value = p;
        p += vl;
        ng_field *f = &d->fields[i];
        f->role = (int)role;
        f->value_len = (size_t)vl;
        /* storage was reserved above, so these appends never move it. */
        f->name = (const char *)d->storage.data + d->storage.len;
        ngi_buf_append_str(&d->storage, (const char *)name, (size_t)nl);
        f->value = (const char *)d->storage.data + d->storage.len;
        ngi_buf_append_str(&d->storage, (const char *)value, (size_t)vl);
    }
    d->n_fields = (size_t)n;
    return p == end ? 0 : NG_ECORRUPT;
}

int ngi_docstore_get_scratch(const ngi_docstore_reader *r,
                             ngi_docstore_scratch *s, uint32_t doc,
                             ngi_stored_doc *d, ngi_error *err) {
    if (doc >= r->n_docs)
        return ngi_error_set(err, NG_EINVAL, "document %u out of range (%u)",
                             doc, r->n_docs);
    uint32_t b = find_block(r, doc);
    int rc = load_block(r, b, s, err);
    if (rc) return rc;
    uint32_t start = doc_off(r, doc);
    uint32_t end = doc + 1 < block_first(r, b + 1) ? doc_off(r, doc + 1)
                                                   : block_raw(r, b);
    rc = parse_doc(s->raw.data + start, s->raw.data + end, d);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) {
        ngi_stored_doc_free(d);
        return ds_corrupt(err, "malformed document");
    }
    return 0;
}
