/*
 * docstore_read.c — reading a document store (docstore.c writes it).
 * Layout 1 (DOCS): the offset table validated at open, the vocabulary
 * decompressed at the first fetch. Layout 2 (DOC2): nothing read at open
 * but the trailer; a fetch checks the table entries and offsets of its
 * block, decodes words straight from the mapped word table and verifies
 * the block's check. Both: the zstd dictionary digested at the first
 * fetch, and fetches through a scratch that keeps a zstd context and the
 * last decompressed block, so that consecutive fetches from one block (a
 * merge, a page of results, check) decompress it once.
 * Byte grammar: lib/FORMAT.md ("Document store").
 */
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#define ZSTD_STATIC_LINKING_ONLY /* ZSTD_createDDict_byReference */
#include <zstd.h>

#include "common/hash.h"
#include "common/le.h"
#include "common/varint.h"
#include "store/docstore.h"

/* ---- reader ----------------------------------------------------------- */

struct ngi_docstore_reader {
    int layout;            /* 1 or 2 */
    size_t entry;          /* bytes of a block table entry */
    int coded;             /* blocks are word-coded */
    const uint8_t *blocks; /* compressed blocks (borrowed) */
    uint64_t blocks_bytes; /* bytes of all blocks */
    const uint8_t *btable; /* n_blocks entries (borrowed) */
    const uint8_t *dtable; /* n_docs u32 (borrowed) */
    uint32_t n_blocks;     /* blocks */
    uint32_t n_docs;       /* documents */
    const uint8_t *dict;   /* the zstd dictionary (borrowed) */
    size_t dict_len;       /* 0: none */
    ZSTD_DDict *ddict;     /* read-only, shareable; set at the first fetch */
    const uint8_t *zvocab; /* the stored vocabulary (borrowed) */
    size_t zvocab_len;     /* its bytes; 0: blocks are not word-coded */
    /* The dictionary and (layout 1) the vocabulary's decoder, loaded at the
     * first fetch: opening a reader must stay cheap (searches without
     * snippets never fetch), and a layout 1 vocabulary takes ~1.5 ms to
     * decompress and index. Layout 2 maps its decoder at open. */
    pthread_mutex_t vocab_lock;
    atomic_int vocab_state; /* VOCAB_* */
    ngi_wordcode *wc;       /* set before vocab_state becomes VOCAB_READY */
    uint64_t dict_hash;     /* XXH3 of dictionary + vocabulary (cache key) */
};

enum { VOCAB_UNLOADED, VOCAB_READY, VOCAB_BAD };

struct ngi_docstore_scratch {
    ZSTD_DCtx *dctx;    /* reused decompression context */
    ngi_buf raw;        /* the last decompressed block */
    ngi_buf tx;         /* its word-coded form (zstd's output) */
    uint64_t key_block; /* XXH3 of that block's compressed bytes */
    uint64_t key_dict;  /* and of the dictionary it used */
    int key_layout;     /* layout 2 keys: block check and offsets seed */
    int valid;          /* raw holds a block */
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
    if (raw == ZSTD_CONTENTSIZE_UNKNOWN || raw == ZSTD_CONTENTSIZE_ERROR || raw == 0 ||
        raw > MAX_VOCAB_RAW)
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

/* Digests the dictionary (by reference: the mapping outlives the reader's
 * use of it) and, layout 1, decodes the vocabulary. */
static int prepare(ngi_docstore_reader *r) {
    if (r->dict_len && !r->ddict &&
        !(r->ddict = ZSTD_createDDict_byReference(r->dict, r->dict_len)))
        return NG_ECORRUPT;
    return r->layout == 1 && r->zvocab_len ? decode_vocab(r) : 0;
}

/* Makes the dictionary and r->wc usable (once per reader, whichever thread comes first). */
static int load_vocab(const ngi_docstore_reader *cr, ngi_error *err) {
    ngi_docstore_reader *r = (ngi_docstore_reader *)cr; /* lazy state only */
    if (r->dict_len == 0 && (r->layout == 2 || !r->zvocab_len)) return 0;
    int state = atomic_load_explicit(&r->vocab_state, memory_order_acquire);
    if (state == VOCAB_UNLOADED) {
        pthread_mutex_lock(&r->vocab_lock);
        state = atomic_load_explicit(&r->vocab_state, memory_order_relaxed);
        int rc = state == VOCAB_UNLOADED ? prepare(r) : 0;
        if (rc == NG_ECORRUPT)
            state = VOCAB_BAD;
        else if (!rc && state == VOCAB_UNLOADED)
            state = VOCAB_READY;
        atomic_store_explicit(&r->vocab_state, state, memory_order_release);
        pthread_mutex_unlock(&r->vocab_lock);
        if (rc == NG_ENOMEM) /* not sticky: a later fetch may succeed */
            return ngi_error_set(err, rc, "out of memory");
    }
    return state == VOCAB_READY ? 0 : ds_corrupt(err, "bad dictionary or vocabulary");
}

/* Validates the geometry from the trailer and points into the section. */
static int open_layout(ngi_docstore_reader *r, const uint8_t *data, size_t len,
                       uint32_t n_docs, ngi_error *err) {
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
    r->dict = data + blocks_bytes;
    r->dict_len = (size_t)dict_bytes;
    r->dict_hash = ngi_hash64(data + blocks_bytes, (size_t)extra);
    r->zvocab = data + blocks_bytes + dict_bytes;
    r->zvocab_len = (size_t)vocab_bytes;
    r->coded = vocab_bytes > 0;
    return 0;
}

/* Layout 2: the geometry from the trailer; nothing else is read. */
static int open_layout2(ngi_docstore_reader *r, const uint8_t *data, size_t len,
                        uint32_t n_docs, ngi_error *err) {
    const uint8_t *t = data + len - TRAILER;
    uint64_t blocks_bytes = ngi_load_le64(t);
    uint64_t dict_bytes = ngi_load_le32(t + 8);
    uint64_t words_bytes = ngi_load_le32(t + 20);
    uint32_t n_words = ngi_load_le32(t + 24);
    r->n_blocks = ngi_load_le32(t + 12);
    r->n_docs = ngi_load_le32(t + 16);
    if (r->n_docs != n_docs)
        return ds_corrupt(err, "document count disagrees with the segment");
    uint64_t tables = (uint64_t)r->n_blocks * BLOCK_ENTRY2 + 4ull * n_docs;
    uint64_t extra = dict_bytes + words_bytes + 4ull * n_words;
    if (blocks_bytes > len || extra > len - blocks_bytes ||
        tables != len - TRAILER - blocks_bytes - extra)
        return ds_corrupt(err, "section sizes out of bounds");
    if ((r->n_blocks == 0) != (n_docs == 0) || r->n_blocks > n_docs)
        return ds_corrupt(err, "bad block count");
    if ((n_words == 0) != (words_bytes == 0)) return ds_corrupt(err, "bad word table");
    r->blocks = data;
    r->blocks_bytes = blocks_bytes;
    r->dict = data + blocks_bytes;
    r->dict_len = (size_t)dict_bytes;
    const uint8_t *words = r->dict + dict_bytes;
    r->btable = words + words_bytes + 4ull * n_words;
    r->dtable = r->btable + (size_t)r->n_blocks * BLOCK_ENTRY2;
    r->coded = n_words > 0;
    if (!n_words) return 0;
    int rc = ngi_wordcode_map(&r->wc, words, (size_t)words_bytes, words + words_bytes,
                              n_words);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    return rc ? ds_corrupt(err, "bad word table") : 0;
}

static uint64_t block_off(const ngi_docstore_reader *r, uint32_t b) {
    return b < r->n_blocks ? ngi_load_le64(r->btable + (size_t)b * r->entry)
                           : r->blocks_bytes;
}
static uint32_t block_first(const ngi_docstore_reader *r, uint32_t b) {
    return b < r->n_blocks ? ngi_load_le32(r->btable + (size_t)b * r->entry + 8)
                           : r->n_docs;
}
static uint32_t block_raw(const ngi_docstore_reader *r, uint32_t b) {
    return ngi_load_le32(r->btable + (size_t)b * r->entry + 12);
}
static uint64_t block_check(const ngi_docstore_reader *r, uint32_t b) {
    return ngi_load_le64(r->btable + (size_t)b * r->entry + 16);
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
    if ((b == 0 && (off != 0 || first != 0)) || end <= off || end > r->blocks_bytes ||
        last <= first || last > r->n_docs || raw == 0 || raw > MAX_RAW_BLOCK)
        return -1;
    if (doc_off(r, first) != 0) return -1;
    for (uint32_t d = first + 1; d < last; d++)
        if (doc_off(r, d) <= doc_off(r, d - 1)) return -1;
    return doc_off(r, last - 1) < raw ? 0 : -1;
}

int ngi_docstore_reader_open(ngi_docstore_reader **out, const uint8_t *data, size_t len,
                             uint32_t n_docs, ngi_error *err) {
    *out = NULL;
    ngi_docstore_reader *r = ngi_calloc(1, sizeof *r);
    if (!r) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    if (pthread_mutex_init(&r->vocab_lock, NULL)) {
        ngi_free(r);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    atomic_init(&r->vocab_state, VOCAB_UNLOADED);
    uint32_t magic = len >= TRAILER ? ngi_load_le32(data + len - 4) : 0;
    r->layout = magic == DS2_MAGIC ? 2 : 1;
    r->entry = r->layout == 2 ? BLOCK_ENTRY2 : BLOCK_ENTRY;
    int rc = r->layout == 2 ? open_layout2(r, data, len, n_docs, err)
                            : open_layout(r, data, len, n_docs, err);
    for (uint32_t b = 0; !rc && r->layout == 1 && b < r->n_blocks; b++)
        if (check_block(r, b)) rc = ds_corrupt(err, "bad offset table");
    if (rc) {
        ngi_docstore_reader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

int ngi_docstore_reader_layout(const ngi_docstore_reader *r) {
    return r->layout;
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
        if (block_first(r, mid) <= doc)
            lo = mid;
        else
            hi = mid;
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
    size_t got =
        r->ddict ? ZSTD_decompress_usingDDict(s->dctx, out->data, size, src, n, r->ddict)
                 : ZSTD_decompressDCtx(s->dctx, out->data, size, src, n);
    if (ZSTD_isError(got) || got != size) return NG_ECORRUPT;
    out->len = size;
    return 0;
}

/* Decompresses block b (raw bytes, or word-coded ones: at most two bytes
 * per raw byte) into s->raw. */
static int unpack_block(const ngi_docstore_reader *r, ngi_docstore_scratch *s,
                        const uint8_t *src, size_t n, uint32_t raw) {
    unsigned long long size = ZSTD_getFrameContentSize(src, n);
    if (!r->coded) {
        if (size != raw) return NG_ECORRUPT;
        return inflate(r, s, src, n, &s->raw, raw);
    }
    if (size == 0 || size > 2ull * raw) return NG_ECORRUPT;
    int rc = inflate(r, s, src, n, &s->tx, (size_t)size);
    if (!rc) rc = ngi_buf_reserve(&s->raw, raw) ? NG_ENOMEM : 0;
    if (!rc && ngi_wordcode_decode(r->wc, s->tx.data, s->tx.len, s->raw.data, raw))
        rc = NG_ECORRUPT;
    if (!rc) s->raw.len = raw;
    return rc;
}

/* Decompresses block b into s->raw, unless it holds it already. The cache
 * key is the content (hash of the compressed bytes and of the dictionary
 * and vocabulary), so a scratch stays correct across readers, even freed
 * ones. */
static int load_block(const ngi_docstore_reader *r, uint32_t b, ngi_docstore_scratch *s,
                      ngi_error *err) {
    const uint8_t *src = r->blocks + block_off(r, b);
    size_t n = (size_t)(block_off(r, b + 1) - block_off(r, b));
    uint32_t raw = block_raw(r, b);
    uint64_t key = ngi_hash64(src, n);
    if (s->valid && s->key_layout == 1 && s->key_block == key &&
        s->key_dict == r->dict_hash && s->raw.len == raw)
        return 0;
    s->valid = 0;
    int rc = load_vocab(r, err);
    if (rc) return rc;
    ngi_buf_reset(&s->raw);
    rc = unpack_block(r, s, src, n, raw);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) return ds_corrupt(err, "block does not decompress");
    s->key_block = key;
    s->key_dict = r->dict_hash;
    s->key_layout = 1;
    s->valid = 1;
    return 0;
}

/* Layout 2: block b's table entries (its own and the next one's first doc
 * and offset) and doc offsets must make sense before anything is read;
 * the decoded bytes must match the block's check, which covers them all
 * (docstore.h). The cache key is that check and the offsets' seed: equal
 * keys mean equal bytes and boundaries, in any reader. */
static int load_block2(const ngi_docstore_reader *r, uint32_t b, uint32_t doc,
                       ngi_docstore_scratch *s, ngi_error *err) {
    uint64_t off = block_off(r, b), end = block_off(r, b + 1);
    uint32_t first = block_first(r, b), last = block_first(r, b + 1);
    uint32_t raw = block_raw(r, b);
    if (off >= end || end > r->blocks_bytes || first > doc || doc >= last ||
        last > r->n_docs || raw == 0 || raw > MAX_RAW_BLOCK || doc_off(r, first) != 0)
        return ds_corrupt(err, "bad offset table");
    for (uint32_t d = first + 1; d < last; d++)
        if (doc_off(r, d) <= doc_off(r, d - 1))
            return ds_corrupt(err, "bad offset table");
    if (doc_off(r, last - 1) >= raw) return ds_corrupt(err, "bad offset table");
    uint64_t seed = ngi_docstore_block_seed(r->dtable, first, last),
             want = block_check(r, b);
    if (s->valid && s->key_layout == 2 && s->key_block == want && s->key_dict == seed &&
        s->raw.len == raw)
        return 0;
    s->valid = 0;
    int rc = load_vocab(r, err);
    if (rc) return rc;
    ngi_buf_reset(&s->raw);
    rc = unpack_block(r, s, r->blocks + off, (size_t)(end - off), raw);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) return ds_corrupt(err, "block does not decompress");
    if (ngi_docstore_block_check(s->raw.data, raw, seed) != want)
        return ds_corrupt(err, "block checksum mismatch");
    s->key_block = want;
    s->key_dict = seed;
    s->key_layout = 2;
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
    if (ngi_vbyte_get(&p, end, &n) || n > (uint64_t)(end - p) / 3) return NG_ECORRUPT;
    ngi_buf_reset(&d->storage);
    ngi_free(d->fields);
    d->n_fields = 0;
    if (!(d->fields = ngi_calloc(n ? n : 1, sizeof *d->fields)) ||
        ngi_buf_reserve(&d->storage, (size_t)(end - p) + 2 * n))
        return NG_ENOMEM;
    for (uint64_t i = 0; i < n; i++) {
        const uint8_t *name, *value;
        if (ngi_vbyte_get(&p, end, &role) || role > INT32_MAX) return NG_ECORRUPT;
        if (get_bytes(&p, end, &nl)) return NG_ECORRUPT;
        name = p - nl;
        if (memchr(name, 0, (size_t)nl)) return NG_ECORRUPT;
        if (ngi_vbyte_get(&p, end, &vl) || vl > (uint64_t)(end - p)) return NG_ECORRUPT;
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

int ngi_docstore_get_scratch(const ngi_docstore_reader *r, ngi_docstore_scratch *s,
                             uint32_t doc, ngi_stored_doc *d, ngi_error *err) {
    if (doc >= r->n_docs)
        return ngi_error_set(err, NG_EINVAL, "document %u out of range (%u)", doc,
                             r->n_docs);
    uint32_t b = find_block(r, doc);
    int rc = r->layout == 2 ? load_block2(r, b, doc, s, err) : load_block(r, b, s, err);
    if (rc) return rc;
    uint32_t start = doc_off(r, doc);
    uint32_t end =
        doc + 1 < block_first(r, b + 1) ? doc_off(r, doc + 1) : block_raw(r, b);
    rc = parse_doc(s->raw.data + start, s->raw.data + end, d);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) {
        ngi_stored_doc_free(d);
        return ds_corrupt(err, "malformed document");
    }
    return 0;
}
