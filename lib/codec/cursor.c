/*
 * cursor.c — reads one term's postings: decodes one block of 128 at a time,
 * skips whole blocks through the skip table, reports block-max bounds
 * without decoding, and decodes positions only when asked. Every byte is
 * treated as untrusted: offsets, widths and counts are checked before use,
 * and decoded doc ids must increase and stay below max_doc.
 */
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "codec/codec.h"
#include "codec/format.h"
#include "common/le.h"
#include "common/varint.h"

#define NONE UINT32_MAX /* "no block" / "before the first doc" */

static inline uint32_t skip_last(const ngi_cursor *c, uint32_t j) {
    return ngi_load_le32(c->skips + (size_t)j * NGI_SKIP_BYTES);
}

static void set_end(ngi_cursor *c) {
    c->doc = NGI_DOC_END;
    c->freq = 0;
    c->in_block = c->block_len;
}

/* ---- block decoding ------------------------------------------------ */

/* One varint: most postings' fit a byte (tails and compact lists are
 * decoded at every cursor open and block, once per segment). */
static inline int vb(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    if (NGI_LIKELY(*p < end && **p < 0x80)) {
        *v = *(*p)++;
        return 0;
    }
    return ngi_vbyte_get(p, end, v);
}

/* Decodes n variable-byte postings starting at doc id >= base. Ids
 * increase, so checking the last against max_doc checks them all (a gap
 * past 32 bits is damage, and 127 of them cannot overflow the sum). */
static int decode_vbyte(ngi_cursor *c, const uint8_t *p, uint32_t n, uint64_t base) {
    const uint8_t *end = c->docs_end;
    uint64_t next = base; /* smallest id the next posting may have */
    for (uint32_t i = 0; i < n; i++) {
        uint64_t v, t;
        if (vb(&p, end, &v) || v >> 33) return NG_ECORRUPT;
        c->docbuf[i] = (uint32_t)(next + (v >> 1));
        next += (v >> 1) + 1;
        if (v & 1) {
            c->tfbuf[i] = 0; /* tf - 1, as the packed blocks store it */
            continue;
        }
        if (vb(&p, end, &t) || t > UINT32_MAX - 2) return NG_ECORRUPT;
        c->tfbuf[i] = (uint32_t)t + 1;
    }
    return n && next - 1 >= c->max_doc ? NG_ECORRUPT : 0;
}

/* tfbuf keeps the stored tf - 1 (the cursor adds the one when it moves
 * onto a document: one add per visited posting instead of 128 per
 * block); a stored UINT32_MAX (tf 2^32) is damage, possible only at
 * width 32. */
static int tfs_wide_ok(const uint32_t *tf, unsigned bits) {
    if (NGI_LIKELY(bits < 32)) return 0;
    for (unsigned i = 0; i < NGI_BLOCK; i++)
        if (tf[i] == UINT32_MAX) return NG_ECORRUPT;
    return 0;
}

/* Decodes full block j (128 postings, bit-packed) at p. */
static int decode_full(ngi_cursor *c, const uint8_t *p, uint64_t base, uint32_t last) {
    if (c->docs_end - p < 2) return NG_ECORRUPT;
    unsigned bd = p[0], bt = p[1];
    if (bd > 32 || bt > 32) return NG_ECORRUPT;
    if ((size_t)(c->docs_end - p) - 2 < 16u * (bd + bt)) return NG_ECORRUPT;
    uint64_t got = ngi_unpack128_gaps(p + 2, bd, (uint32_t)base, c->docbuf);
    if (got != last || got >= c->max_doc) return NG_ECORRUPT;
    ngi_unpack128(p + 2 + 16u * bd, bt, c->tfbuf);
    return tfs_wide_ok(c->tfbuf, bt);
}

/* Decodes block j of a list with a skip table into docbuf/tfbuf. */
static int load_block(ngi_cursor *c, uint32_t j) {
    const uint8_t *e = c->skips + (size_t)j * NGI_SKIP_BYTES;
    uint32_t last = ngi_load_le32(e);
    uint64_t base = j ? (uint64_t)ngi_load_le32(e - NGI_SKIP_BYTES) + 1 : 0;
    /* Blocks only move forward: the new one must start after the old. */
    if (c->block != NONE && c->block_len && base <= c->docbuf[c->block_len - 1])
        return NG_ECORRUPT;
    uint32_t off = ngi_load_le32(e + 4);
    if (off >= (size_t)(c->docs_end - c->blocks)) return NG_ECORRUPT;
    const uint8_t *p = c->blocks + off;
    uint32_t n = NGI_BLOCK;
    int rc;
    if (j < c->df / NGI_BLOCK) {
        rc = decode_full(c, p, base, last);
    } else {
        n = c->df - j * NGI_BLOCK;
        rc = decode_vbyte(c, p, n, base);
        if (!rc && c->docbuf[n - 1] != last) rc = NG_ECORRUPT;
    }
    if (rc) { /* docbuf is half-written: leave the cursor at the end */
        c->block_len = 0;
        set_end(c);
        return rc;
    }
    c->block = c->shallow_block = j;
    c->block_len = n;
    c->in_block = 0;
    return 0;
}

/* ---- open / close -------------------------------------------------- */

static int open_positions(ngi_cursor *c, const ngi_term_postings *tp, const uint8_t *ps,
                          size_t ps_len) {
    if (!ps) return 0;
    if (tp->pos_off > ps_len || tp->pos_len > ps_len - tp->pos_off) return NG_ECORRUPT;
    c->pos = ps + tp->pos_off;
    c->pos_end = c->pos + tp->pos_len;
    return 0;
}

int ngi_cursor_open(ngi_cursor *c, const ngi_term_postings *tp,
                    const uint8_t *docs_stream, size_t docs_stream_len,
                    const uint8_t *pos_stream, size_t pos_stream_len, uint32_t max_doc) {
    memset(c, 0, offsetof(ngi_cursor, docbuf));
    c->block = c->in_block = c->shallow_block = NONE;
    c->pg_block = NONE;
    c->df = tp->df;
    c->max_doc = max_doc;
    c->term_max_tf = tp->max_tf;
    c->term_min_dl = tp->min_dl;
    if (tp->docs_off > docs_stream_len || tp->docs_len > docs_stream_len - tp->docs_off ||
        tp->df > max_doc)
        return NG_ECORRUPT;
    const uint8_t *d = docs_stream ? docs_stream + tp->docs_off : NULL;
    c->docs_end = d ? d + tp->docs_len : NULL;
    if (open_positions(c, tp, pos_stream, pos_stream_len)) return NG_ECORRUPT;
    if (tp->df == 0) return 0;
    if (!d) return NG_ECORRUPT;
    if (tp->df < NGI_COMPACT_DF) {
        /* Compact form: one variable-byte block, decoded now (a few bytes)
         * so that its exact bounds are known without a skip table. */
        c->n_blocks = 1;
        c->blocks = d;
        int rc = decode_vbyte(c, d, tp->df, 0);
        if (rc) return rc;
        c->block = c->shallow_block = 0;
        c->block_len = tp->df;
        return 0;
    }
    c->n_blocks = (tp->df + NGI_BLOCK - 1) / NGI_BLOCK;
    if ((uint64_t)c->n_blocks * NGI_SKIP_BYTES > tp->docs_len) return NG_ECORRUPT;
    c->skips = d;
    c->blocks = d + (size_t)c->n_blocks * NGI_SKIP_BYTES;
    return 0;
}

void ngi_cursor_close(ngi_cursor *c) {
    if (!c) return;
    ngi_buf_free(&c->posbuf);
    c->doc = NGI_DOC_END;
}

/* ---- moving -------------------------------------------------------- */

/* Moves to the first doc of the next block, or to the end. */
int ngi_cursor_next_block(ngi_cursor *c) {
    uint32_t j = c->block + 1; /* NONE + 1 == 0: the first block */
    if (c->doc == NGI_DOC_END || !c->skips || j >= c->n_blocks) {
        set_end(c);
        return 0;
    }
    int rc = load_block(c, j);
    if (rc) return rc;
    c->doc = c->docbuf[0];
    c->freq = c->tfbuf[0] + 1;
    return 0;
}

/* First skip entry j >= j0 whose last doc >= target (n_blocks if none):
 * galloping then binary search, so both short hops and long jumps are
 * cheap. Garbage entries only make it pick a block that load_block then
 * rejects or that still moves forward. */
static uint32_t skip_search(const ngi_cursor *c, uint32_t j0, uint32_t target) {
    uint32_t n = c->n_blocks;
    if (j0 >= n || skip_last(c, j0) >= target) return j0;
    uint64_t lo = j0, hi, step = 1;
    for (;;) {
        hi = lo + step;
        if (hi >= n) {
            hi = n;
            break;
        }
        if (skip_last(c, (uint32_t)hi) >= target) break;
        lo = hi;
        step *= 2;
    }
    while (hi - lo > 1) { /* skip_last(lo) < target <= skip_last(hi) */
        uint64_t mid = lo + (hi - lo) / 2;
        if (skip_last(c, (uint32_t)mid) >= target)
            hi = mid;
        else
            lo = mid;
    }
    return (uint32_t)hi;
}

/* Positions on the first doc >= target in the decoded block, from index
 * `from`; the caller knows the block's last doc is >= target. */
static inline void seek_in_block(ngi_cursor *c, uint32_t from, uint32_t target) {
    const uint32_t *b = c->docbuf + from;
    uint32_t n = c->block_len - from;       /* b[n - 1] >= target */
    if (b[0] < target) {                    /* else next(): no search */
        if (n > 8 && b[7] >= target) n = 8; /* a short hop (conjunctions) */
        /* branch-free halving: the probes' outcomes are data-dependent
         * coin flips, which a branch predictor only mispredicts */
        while (n > 1) {
            uint32_t half = n / 2;
            b += half & (0u - (uint32_t)(b[half - 1] < target)); /* no branch */
            n -= half;
        }
    }
    uint32_t lo = (uint32_t)(b - c->docbuf);
    c->in_block = lo;
    c->doc = c->docbuf[lo];
    c->freq = c->tfbuf[lo] + 1;
}

int ngi_cursor_advance(ngi_cursor *c, uint32_t target) {
    bool started = c->in_block != NONE;
    if (started && c->doc >= target) return 0; /* includes the end */
    if (c->block_len && c->docbuf[c->block_len - 1] >= target) {
        seek_in_block(c, started ? c->in_block + 1 : 0, target);
        return 0;
    }
    uint32_t j = c->skips ? skip_search(c, c->block + 1, target) : NONE;
    if (j >= c->n_blocks) {
        set_end(c);
        return 0;
    }
    int rc = load_block(c, j);
    if (rc) return rc;
    seek_in_block(c, 0, target);
    return 0;
}

/* ---- block-max bounds ---------------------------------------------- */

uint32_t ngi_cursor_shallow_advance(ngi_cursor *c, uint32_t target) {
    if (!c->skips) { /* compact form (or empty): its one decoded block */
        bool past = !c->block_len || c->docbuf[c->block_len - 1] < target;
        c->shallow_block = past ? NONE : 0;
        return past ? NGI_DOC_END : c->docbuf[c->block_len - 1];
    }
    uint32_t j0 = c->block == NONE ? 0 : c->block;
    uint32_t j = skip_search(c, j0, target);
    c->shallow_block = j < c->n_blocks ? j : NONE;
    return j < c->n_blocks ? skip_last(c, j) : NGI_DOC_END;
}

uint32_t ngi_cursor_block_max_tf(const ngi_cursor *c) {
    uint32_t j = c->shallow_block;
    if (j == NONE || j >= c->n_blocks) return 0;
    if (!c->skips) return c->term_max_tf;
    uint32_t tf = ngi_load_le16(c->skips + (size_t)j * NGI_SKIP_BYTES + 12);
    return tf == NGI_SKIP_TF_SATURATED ? NGI_MAX(c->term_max_tf, tf) : tf;
}

uint32_t ngi_cursor_block_min_dl(const ngi_cursor *c) {
    uint32_t j = c->shallow_block;
    if (j == NONE || j >= c->n_blocks) return UINT32_MAX;
    if (!c->skips) return c->term_min_dl;
    return ngi_load_le16(c->skips + (size_t)j * NGI_SKIP_BYTES + 14);
}

/* ---- positions ----------------------------------------------------- */

/* Start of the current block's positions group, or NULL if out of range. */
static const uint8_t *group_start(const ngi_cursor *c) {
    if (!c->skips) return c->pos;
    uint32_t off = ngi_load_le32(c->skips + (size_t)c->block * NGI_SKIP_BYTES + 8);
    return off < (size_t)(c->pos_end - c->pos) ? c->pos + off : NULL;
}

/* Sum of n <= 128 tfs (tfbuf holds tf - 1), four 32-bit lanes at a time
 * (the vector extension of gcc and clang): a block's tfs are summed at
 * every group a phrase opens. The low and high halves are summed apart, so that no lane can
 * overflow (at most 32 values of < 2^16 each). */
static uint64_t sum_tfs(const uint32_t *v, uint32_t n) {
    typedef uint32_t u32x4 __attribute__((vector_size(16)));
    NGI_ASSERT(n <= NGI_BLOCK);
    u32x4 lo = {0, 0, 0, 0}, hi = {0, 0, 0, 0};
    uint32_t i = 0;
    for (; i + 4 <= n; i += 4) {
        u32x4 x;
        memcpy(&x, v + i, sizeof x);
        lo += x & 0xffff;
        hi += x >> 16;
    }
    uint64_t s = (uint64_t)lo[0] + lo[1] + lo[2] + lo[3];
    s += ((uint64_t)hi[0] + hi[1] + hi[2] + hi[3]) << 16;
    for (; i < n; i++) s += v[i];
    return s + n;
}

/* Sets up the pg_* state for the decoded block, summed up to the current doc. */
static int group_open(ngi_cursor *c) {
    const uint8_t *group = group_start(c);
    if (!group) return NG_ECORRUPT;
    /* the current doc's offset and the group's size in one pass */
    uint64_t head = sum_tfs(c->tfbuf, c->in_block);
    uint64_t total = head + sum_tfs(c->tfbuf + c->in_block, c->block_len - c->in_block);
    /* Every position costs at least one bit: a count beyond 8 per byte is
     * damage, and this bounds the memory a bad tf can make us allocate. */
    if (total > 8 * (uint64_t)(c->pos_end - group)) return NG_ECORRUPT;
    c->pg_block = c->block;
    c->pg_idx = c->pg_decoded = NONE;
    c->pg_sum_idx = c->in_block;
    c->pg_walk = 0;
    c->pg_sum = head;
    c->pg_total = total;
    c->pg_walk_ptr = group;
    /* One position in the term's last byte: a bare position (format 6;
     * a chunk takes at least two bytes, so older files never match). */
    c->pg_bare = total == 1 && c->pos_end - group == 1;
    return 0;
}

/* Values in chunk k of the group: 128 but in the last chunk. */
static int chunk_count(const ngi_cursor *c, uint32_t k, uint32_t *n) {
    uint64_t first = (uint64_t)k * NGI_BLOCK;
    if (c->pg_total <= first) return NG_ECORRUPT; /* past the group */
    *n = c->pg_total - first >= NGI_BLOCK ? NGI_BLOCK : (uint32_t)(c->pg_total - first);
    return 0;
}

/* Size of the chunk of n values at p (0 when its bytes are bad); fills
 * the width and, when there are exceptions, where they start. */
static size_t chunk_size(const ngi_cursor *c, const uint8_t *p, uint32_t n,
                         unsigned *bits, const uint8_t **exc) {
    size_t avail = (size_t)(c->pos_end - p);
    if (p >= c->pos_end) return 0;
    unsigned b = p[0] & NGI_CHUNK_BITS;
    if (b < 1 || b > 32 || (p[0] & ~(NGI_CHUNK_BITS | NGI_CHUNK_EXC))) return 0;
    size_t size = 1 + (n == NGI_BLOCK ? 16u * b : ngi_packn_bytes(n, b));
    *bits = b;
    *exc = NULL;
    if (!(p[0] & NGI_CHUNK_EXC)) return size <= avail ? size : 0;
    if (avail < size + 2) return 0;
    unsigned n_exc = p[size], hb = p[size + 1];
    if (n_exc < 1 || n_exc > n || hb < 1 || hb > 32 - b) return 0;
    *exc = p + size;
    size += 2 + n_exc + ngi_packn_bytes(n_exc, hb);
    return size <= avail ? size : 0;
}

/* Walks chunk headers forward to chunk k (k <= the number of full
 * chunks); returns its first byte or NULL when the bytes are bad. */
static const uint8_t *walk_chunks(ngi_cursor *c, uint32_t k) {
    const uint8_t *p = c->pg_walk_ptr, *exc;
    unsigned bits;
    for (uint32_t at = c->pg_walk; at < k; at++) {
        size_t size = chunk_size(c, p, NGI_BLOCK, &bits, &exc);
        if (!size) return NULL;
        p += size;
    }
    c->pg_walk = k;
    c->pg_walk_ptr = p;
    return p;
}

/* Adds the exceptions at e (count, high width, indexes, high bits) to the
 * n values of width b in out. */
static int patch(uint32_t *out, uint32_t n, unsigned b, const uint8_t *e) {
    uint32_t high[NGI_BLOCK];
    unsigned n_exc = e[0], hb = e[1];
    ngi_unpackn(e + 2 + n_exc, n_exc, hb, high);
    for (unsigned k = 0; k < n_exc; k++) {
        if (e[2 + k] >= n) return NG_ECORRUPT;
        out[e[2 + k]] |= high[k] << b;
    }
    return 0;
}

/* Makes posbuf words 0..127 hold chunk k (n values) of the group decoded. */
static int decode_chunk(ngi_cursor *c, uint32_t k, uint32_t n) {
    if (c->pg_decoded == k) return 0;
    c->pg_decoded = NONE;
    const uint8_t *p = k >= c->pg_walk ? walk_chunks(c, k) : NULL, *exc;
    unsigned bits;
    if (!p || !chunk_size(c, p, n, &bits, &exc)) return NG_ECORRUPT;
    uint32_t *out = (uint32_t *)(void *)c->posbuf.data;
    if (n == NGI_BLOCK)
        ngi_unpack128(p + 1, bits, out);
    else
        ngi_unpackn(p + 1, n, bits, out);
    if (exc && patch(out, n, bits, exc)) return NG_ECORRUPT;
    c->pg_decoded = k;
    return 0;
}

/* Value x packed at width b (1..32) at in: bp128's vertical layout, or
 * bpn's horizontal one (little-endian bit order; exceptions always). */
static uint32_t packed_value(const uint8_t *in, bool vertical, unsigned b, uint32_t x) {
    uint32_t mask = 0xffffffffu >> (32 - b);
    if (vertical) {
        unsigned bp = (x / 4) * b, w = bp / 32, s = bp % 32, lane = x % 4;
        uint64_t v = ngi_load_le32(in + 16 * w + 4 * lane) >> s;
        if (s + b > 32)
            v |= (uint64_t)ngi_load_le32(in + 16 * (w + 1) + 4 * lane) << (32 - s);
        return (uint32_t)v & mask;
    }
    uint64_t bit = (uint64_t)x * b, v = 0;
    size_t first = bit / 8, last = (bit + b - 1) / 8;
    for (size_t i = last + 1; i-- > first;) v = v << 8 | in[i];
    return (uint32_t)(v >> (bit % 8)) & mask;
}

/* Values [at, at + take) of chunk k (n values) straight from its bytes,
 * exceptions included, without decoding the chunk (a document's few
 * positions; every exception index is still checked as patch() does). */
static int chunk_values(ngi_cursor *c, uint32_t k, uint32_t n, uint32_t at, uint32_t take,
                        uint32_t *out) {
    const uint8_t *p = k >= c->pg_walk ? walk_chunks(c, k) : NULL, *e;
    unsigned b;
    if (!p || !chunk_size(c, p, n, &b, &e)) return NG_ECORRUPT;
    for (uint32_t i = 0; i < take; i++)
        out[i] = packed_value(p + 1, n == NGI_BLOCK, b, at + i);
    if (!e) return 0;
    unsigned n_exc = e[0], hb = e[1];
    for (unsigned x = 0; x < n_exc; x++) {
        uint32_t idx = e[2 + x];
        if (idx >= n) return NG_ECORRUPT;
        if (idx >= at && idx - at < take)
            out[idx - at] |= packed_value(e + 2 + n_exc, false, hb, x) << b;
    }
    return 0;
}

/* Up to this many values of a chunk are read one by one (chunk_values);
 * more, and the chunk is decoded whole (decode_chunk, SIMD). */
#define NGI_POS_FEW 16

/* Copies group values [start, start + n) to out, chunk by chunk (chunks
 * only move forward: docs are visited in order). */
static int decode_range(ngi_cursor *c, uint64_t start, uint32_t n, uint32_t *out) {
    const uint32_t *chunk = (const uint32_t *)(const void *)c->posbuf.data;
    while (n) {
        uint32_t k = (uint32_t)(start / NGI_BLOCK), at = start % NGI_BLOCK, cnt;
        int rc = chunk_count(c, k, &cnt);
        if (rc) return rc;
        if (at >= cnt) return NG_ECORRUPT;
        uint32_t take = NGI_MIN(n, cnt - at);
        if (c->pg_decoded != k && take <= NGI_POS_FEW) {
            rc = chunk_values(c, k, cnt, at, take, out);
        } else if (!(rc = decode_chunk(c, k, cnt))) {
            memcpy(out, chunk + at, take * sizeof *out);
        }
        if (rc) return rc;
        out += take;
        start += take;
        n -= take;
    }
    return 0;
}

int ngi_cursor_positions(ngi_cursor *c, const uint32_t **positions) {
    *positions = NULL;
    if (!c->pos || c->in_block == NONE || c->doc == NGI_DOC_END) return NG_EINVAL;
    if (c->pos_check) {
        if (c->pos_check(c->pos_check_ctx, c->pos, (size_t)(c->pos_end - c->pos)))
            return NG_ECORRUPT;
        c->pos_check = NULL; /* once per cursor */
    }
    uint32_t *out;
    if (c->pg_block == c->block && c->pg_idx == c->in_block) {
        out = (uint32_t *)(void *)c->posbuf.data + NGI_BLOCK;
        *positions = out;
        return 0;
    }
    int rc = 0;
    if (c->pg_block != c->block || c->pg_sum_idx > c->in_block) rc = group_open(c);
    if (rc) return rc;
    c->pg_sum += sum_tfs(c->tfbuf + c->pg_sum_idx, c->in_block - c->pg_sum_idx);
    c->pg_sum_idx = c->in_block;
    if (ngi_buf_reserve(&c->posbuf, ((size_t)NGI_BLOCK + c->freq) * 4)) return NG_ENOMEM;
    c->pg_idx = NONE;
    out = (uint32_t *)(void *)c->posbuf.data + NGI_BLOCK;
    if (c->pg_bare)
        out[0] = *c->pg_walk_ptr; /* freq == 1: the group's one value */
    else if ((rc = decode_range(c, c->pg_sum, c->freq, out)))
        return rc;
    uint64_t acc = 0;
    for (uint32_t i = 0; i < c->freq; i++) {
        acc += out[i];
        out[i] = (uint32_t)acc;
    }
    if (acc > UINT32_MAX) return NG_ECORRUPT;
    c->pg_idx = c->in_block;
    *positions = out;
    return 0;
}
