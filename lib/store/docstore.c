/*
 * docstore.c — stored fields of a segment's documents: serialised
 * compactly, packed into blocks of about NGI_DOCSTORE_BLOCK raw bytes, each
 * block one zstd frame (optionally with a dictionary trained on the first
 * documents), followed by an offset table. A fetch decompresses one block.
 * Byte grammar: lib/FORMAT.md ("Document store").
 */
#include <string.h>
#define ZDICT_STATIC_LINKING_ONLY /* ZDICT_trainFromBuffer_fastCover */
#include <zdict.h>
#include <zstd.h>

#include "common/hash.h"
#include "common/le.h"
#include "common/varint.h"
#include "store/store.h"

#define BLOCK_ENTRY 16 /* comp_off u64, first_doc u32, raw_len u32 */
#define TRAILER 32
#define DS_MAGIC NGI_TAG('N', 'G', 'D', 'S')
#define MAX_RAW_BLOCK (1u << 30)    /* sane bound on one block's raw size */
#define DICT_MIN_DOCS 64            /* fewer sample docs: no dictionary */
#define DICT_SAMPLE_FACTOR 32       /* train on this many times dict size */
#define STREAM_BYTES (1u << 20)     /* blocks buffered before a sink write */

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
    ngi_buf_free(&w->btable);
    ngi_buf_free(&w->dtable);
    ngi_free(w);
}

size_t ngi_docstore_writer_memory(const ngi_docstore_writer *w) {
    return w->raw.cap + w->held.cap + w->blocks.cap + w->dict.cap +
           w->btable.cap + w->dtable.cap;
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

/* Records the open block in the table and compresses it (or holds it
 * raw while dictionary samples are still being collected). */
static int close_block(ngi_docstore_writer *w) {
    uint8_t e[BLOCK_ENTRY] = {0};
    ngi_store_le64(e, blocks_end(w)); /* fixed up later for held blocks */
    ngi_store_le32(e + 8, w->block_first);
    ngi_store_le32(e + 12, (uint32_t)w->raw.len);
    if (ngi_buf_reserve(&w->btable, BLOCK_ENTRY)) return NG_ENOMEM;
    int rc = w->pending ? ngi_buf_append(&w->held, w->raw.data, w->raw.len)
                        : compress_one(w, w->raw.data, w->raw.len);
    if (rc) return rc;
    ngi_buf_append(&w->btable, e, sizeof e); /* reserved: cannot fail */
    w->n_blocks++;
    w->block_first = w->n_docs;
    ngi_buf_reset(&w->raw);
    return 0;
}

/* Trains the dictionary on the held documents (each doc one sample). */
static int train_dict(ngi_docstore_writer *w) {
    size_t n = w->n_docs - (w->raw.len ? w->n_docs - w->block_first : 0);
    if (n < DICT_MIN_DOCS) return 0; /* too few samples: no dictionary */
    size_t *sizes = ngi_malloc(n * sizeof *sizes);
    if (!sizes || ngi_buf_reserve(&w->dict, w->dict_bytes)) {
        ngi_free(sizes);
        return NG_ENOMEM;
    }
    const uint8_t *dt = w->dtable.data, *bt = w->btable.data;
    for (uint32_t b = 0, d = 0; b < w->n_blocks; b++) {
        uint32_t end = b + 1 < w->n_blocks
            ? ngi_load_le32(bt + (b + 1) * BLOCK_ENTRY + 8) : (uint32_t)n;
        uint32_t raw_len = ngi_load_le32(bt + b * BLOCK_ENTRY + 12);
        for (; d < end; d++) {
            uint32_t next = d + 1 < end ? ngi_load_le32(dt + 4 * (d + 1))
                                        : raw_len;
            sizes[d] = next - ngi_load_le32(dt + 4 * d);
        }
    }
    /* fastCover with fixed parameters: the default trainer searches its
     * parameters and costs seconds per segment for little gain. */
    ZDICT_fastCover_params_t p = {0};
    p.k = 200;
    p.d = 8;
    p.f = 20;
    p.accel = 1;
    p.zParams.compressionLevel = w->level;
    size_t got = ZDICT_trainFromBuffer_fastCover(
        w->dict.data, w->dict_bytes, w->held.data, sizes, (unsigned)n, p);
    ngi_free(sizes);
    if (ZDICT_isError(got)) return 0; /* training may refuse: go without */
    w->dict.len = got;
    w->cdict = ZSTD_createCDict(w->dict.data, got, w->level);
    if (!w->cdict || ZSTD_isError(ZSTD_CCtx_refCDict(w->cctx, w->cdict)))
        return NG_ENOMEM;
    return 0;
}

/* Ends sample collection: trains, then compresses every held block. */
static int release_held(ngi_docstore_writer *w) {
    w->pending = 0;
    int rc = train_dict(w);
    if (rc) return rc;
    size_t off = 0;
    for (uint32_t b = 0; b < w->n_blocks; b++) {
        uint8_t *e = w->btable.data + b * BLOCK_ENTRY;
        uint32_t raw_len = ngi_load_le32(e + 12);
        ngi_store_le64(e, blocks_end(w));
        rc = compress_one(w, w->held.data + off, raw_len);
        if (rc) return rc;
        off += raw_len;
    }
    ngi_buf_free(&w->held);
    return 0;
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
    if (w->pending && w->held.len >= DICT_SAMPLE_FACTOR * w->dict_bytes &&
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
    size_t total = w->blocks.len + w->dict.len + w->btable.len +
                   w->dtable.len + TRAILER;
    if (!rc && ngi_buf_reserve(out, total)) rc = NG_ENOMEM;
    if (rc) return w->status = rc;
    ngi_buf_append(out, w->blocks.data, w->blocks.len);
    ngi_buf_append(out, w->dict.data, w->dict.len);
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
    uint64_t dict_hash;     /* XXH3 of the dictionary (scratch cache key) */
};

struct ngi_docstore_scratch {
    ZSTD_DCtx *dctx;        /* reused decompression context */
    ngi_buf raw;            /* the last decompressed block */
    uint64_t key_block;     /* XXH3 of that block's compressed bytes */
    uint64_t key_dict;      /* and of the dictionary it used */
    int valid;              /* raw holds a block */
};

static int ds_corrupt(ngi_error *err, const char *why) {
    return ngi_error_set(err, NG_ECORRUPT, "document store: %s", why);
}

/* Validates the geometry from the trailer and points into the section. */
static int open_layout(ngi_docstore_reader *r, const uint8_t *data,
                       size_t len, uint32_t n_docs, ngi_error *err) {
    if (len < TRAILER) return ds_corrupt(err, "section too short");
    const uint8_t *t = data + len - TRAILER;
    uint64_t blocks_bytes = ngi_load_le64(t);
    uint64_t dict_bytes = ngi_load_le32(t + 8);
    r->n_blocks = ngi_load_le32(t + 12);
    r->n_docs = ngi_load_le32(t + 16);
    if (ngi_load_le32(t + 28) != DS_MAGIC || ngi_load_le32(t + 20) ||
        ngi_load_le32(t + 24))
        return ds_corrupt(err, "bad trailer");
    if (r->n_docs != n_docs)
        return ds_corrupt(err, "document count disagrees with the segment");
    uint64_t tables = (uint64_t)r->n_blocks * BLOCK_ENTRY + 4ull * n_docs;
    if (blocks_bytes > len || dict_bytes > len - blocks_bytes ||
        tables != len - TRAILER - blocks_bytes - dict_bytes)
        return ds_corrupt(err, "section sizes out of bounds");
    if ((r->n_blocks == 0) != (n_docs == 0) || r->n_blocks > n_docs)
        return ds_corrupt(err, "bad block count");
    r->blocks = data;
    r->blocks_bytes = blocks_bytes;
    r->btable = data + blocks_bytes + dict_bytes;
    r->dtable = r->btable + (size_t)r->n_blocks * BLOCK_ENTRY;
    if (dict_bytes && !(r->ddict = ZSTD_createDDict(data + blocks_bytes,
                                                    (size_t)dict_bytes)))
        return ds_corrupt(err, "bad dictionary");
    r->dict_hash = ngi_hash64(data + blocks_bytes, (size_t)dict_bytes);
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
    ngi_free(s);
}

/* Decompresses block b into s->raw, unless it holds it already. The cache
 * key is the content (hash of the compressed bytes and of the dictionary),
 * so a scratch stays correct across readers, even freed ones. */
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
    if (ZSTD_getFrameContentSize(src, n) != raw)
        return ds_corrupt(err, "block size disagrees with its frame");
    ngi_buf_reset(&s->raw);
    if (ngi_buf_reserve(&s->raw, raw))
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    size_t got = r->ddict ? ZSTD_decompress_usingDDict(s->dctx, s->raw.data,
                                                       raw, src, n, r->ddict)
                          : ZSTD_decompressDCtx(s->dctx, s->raw.data, raw,
                                                src, n);
    if (ZSTD_isError(got) || got != raw)
        return ds_corrupt(err, "block does not decompress");
    s->raw.len = raw;
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

int ngi_docstore_get(const ngi_docstore_reader *r, uint32_t doc,
                     ngi_stored_doc *d, ngi_error *err) {
    ngi_docstore_scratch *s;
    if (ngi_docstore_scratch_create(&s))
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    int rc = ngi_docstore_get_scratch(r, s, doc, d, err);
    ngi_docstore_scratch_free(s);
    return rc;
}
