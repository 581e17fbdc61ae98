/*
 * wordcode.c — the word-replacing transform of the document store (see
 * wordcode.h). A token is a maximal run of 2+ ASCII letters, with the
 * space before it when there is one. Code bytes are bytes that valid UTF-8
 * never holds (0xC0, 0xC1, 0xF5-0xFF) and C0 controls other than tab, LF
 * and CR; any such byte in the input is escaped, so arbitrary bytes
 * round-trip. Word k of the vocabulary is coded as
 *   k < 31:          ONE_CODES[k]
 *   k < 31 + 2304:   0xF6 + (j >> 8), j & 0xff       (j = k - 31)
 *   otherwise:       0xFF, j >> 8, j & 0xff          (j = k - 2335)
 * and ESC (0xF5) b stands for the literal byte b.
 */
#include "store/wordcode.h"

#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/hash.h"
#include "common/le.h"

#define ESC       0xF5
#define LEAD2     0xF6 /* 0xF6..0xFE: two-byte codes */
#define LEAD3     0xFF /* three-byte codes */
#define N_ONE     31
#define N_TWO     (9 * 256)
#define MIN_COUNT 2 /* a word seen once in the sample never pays */
#ifndef VOCAB_MAX   /* -D smaller for measurements (lib/FORMAT.md) */
#define VOCAB_MAX NGI_WC_MAX_WORDS
#endif

static const uint8_t ONE_CODES[N_ONE] = {0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07,
                                         0x08, 0x0B, 0x0C, 0x0E, 0x0F, 0x10, 0x11, 0x12,
                                         0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A,
                                         0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0xC0, 0xC1};

enum { LIT, ONE, TWO, THREE, ESCAPED };

static int byte_class(uint8_t b) {
    if (b == ESC) return ESCAPED;
    if (b == LEAD3) return THREE;
    if (b >= LEAD2) return TWO;
    if (b == 0xC0 || b == 0xC1) return ONE;
    if (b < 0x20 && b != '\t' && b != '\n' && b != '\r') return ONE;
    return LIT;
}

static int is_letter(uint8_t c) {
    return (uint8_t)((c | 0x20) - 'a') < 26;
}

#define PAD 32 /* the decoder copies words 32 bytes at a time */

/* A word as the encoder's lookup compares it: its bytes zero-padded to
 * 24, as three little-endian words. */
typedef struct {
    uint64_t w[3];
} wkey;

/* A vocabulary word as the encoder checks a match: key and length in one
 * cache line (a separate length array cost a second miss per token). */
typedef struct {
    wkey key;
    uint64_t len;
} wentry;
_Static_assert(sizeof(wentry) == 32, "an entry is half a cache line");

/* A slot of the encoder's table: word index + 1 in the low 17 bits (0 =
 * empty), 15 bits of the key's hash above. 4 bytes, so that the table of
 * the largest vocabulary (128k slots) stays in L2: the encoder is bound by
 * misses on it. The key is compared only when the tag matches. */
typedef uint32_t slot;
#define K1_BITS 17
#define K1_MASK ((1u << K1_BITS) - 1)
_Static_assert(NGI_WC_MAX_WORDS < (1u << K1_BITS), "word index overflows a slot");

struct ngi_wordcode {
    uint8_t *vocab; /* copy of the vocabulary, PAD zeros after it (open) */
    uint32_t n_words;
    uint32_t *off; /* offset of word k's bytes in vocab (open) */
    uint8_t *len;  /* its length (open) */
    /* What the decoder reads: word k is words[e >> 5 ..][0, e & 31) with
     * e = le32(dec + 4k); borrowed from a mapping (ngi_wordcode_map) or
     * built by open. Every entry is checked as it is used. */
    const uint8_t *words;
    size_t words_max; /* largest valid offset: words bytes - PAD */
    const uint8_t *dec;
    uint8_t *own_dec; /* dec when built by open */
    slot *slots;      /* encoder's lookup (open addressing) */
    uint32_t mask;    /* slots - 1 (power of two) */
    wentry *keys;     /* encoder: word k's key and length, 32-byte aligned */
    void *keys_mem;   /* the allocation keys lies in */

    uint8_t one_index[256]; /* decoder: k of a one-byte code */
    uint8_t cls[256];       /* byte_class of each byte */
};

/* Length of the token starting at src[i] (a space or a letter that
 * starts a letter run), or 0 when there is none; *run = its letter run. */
static size_t token_at(const uint8_t *src, size_t i, size_t n, size_t *run) {
    size_t s = src[i] == ' ' ? i + 1 : i, e = s;
    while (e < n && is_letter(src[e])) e++;
    *run = e - s;
    return e - i;
}

/* Whether a token may start at src[i]: a space, or the first letter of a
 * run. */
static int token_start(const uint8_t *src, size_t i) {
    return src[i] == ' ' || (is_letter(src[i]) && !(i && is_letter(src[i - 1])));
}

/* ---- training --------------------------------------------------------- */

/* A counted token: its bytes are in the sample. */
typedef struct {
    uint32_t off;
    uint32_t count; /* 0 = empty slot */
    uint8_t len;
} cword;

/* A kept word, its bytes inline so that qsort needs no context. */
typedef struct {
    uint8_t w[NGI_WC_MAX_WORD];
    uint8_t len;
    uint32_t count;
} kword;

typedef struct {
    cword *t;
    size_t mask, used;
    const uint8_t *sample;
} counter;

static int counter_grow(counter *c) {
    size_t cap = c->t ? (c->mask + 1) * 2 : 4096;
    cword *t = ngi_calloc(cap, sizeof *t);
    if (!t) return NG_ENOMEM;
    for (size_t i = 0; c->t && i <= c->mask; i++) {
        if (!c->t[i].count) continue;
        size_t h = (size_t)ngi_hash64(c->sample + c->t[i].off, c->t[i].len);
        while (t[h & (cap - 1)].count) h++;
        t[h & (cap - 1)] = c->t[i];
    }
    ngi_free(c->t);
    c->t = t;
    c->mask = cap - 1;
    return 0;
}

static int counter_add(counter *c, size_t off, size_t len) {
    if (2 * (c->used + 1) > c->mask + 1 && counter_grow(c)) return NG_ENOMEM;
    const uint8_t *w = c->sample + off;
    for (size_t h = (size_t)ngi_hash64(w, len);; h++) {
        cword *e = &c->t[h & c->mask];
        if (!e->count) {
            *e = (cword){(uint32_t)off, 1, (uint8_t)len};
            c->used++;
            return 0;
        }
        if (e->len == len && !memcmp(c->sample + e->off, w, len)) {
            e->count++;
            return 0;
        }
    }
}

/* Counts every codable token of the sample, as the encoder sees them. */
static int count_words(counter *c, size_t n) {
    const uint8_t *s = c->sample;
    for (size_t i = 0; i < n;) {
        size_t run, len;
        if (!token_start(s, i) || !(len = token_at(s, i, n, &run))) {
            i++;
            continue;
        }
        if (run >= 2 && len <= NGI_WC_MAX_WORD && counter_add(c, i, len))
            return NG_ENOMEM;
        i += len;
    }
    return 0;
}

/* Best first: count x length (the bytes a word covers), then bytes, so the
 * order (and the store) is deterministic. */
static int by_score(const void *a, const void *b) {
    const kword *x = a, *y = b;
    uint64_t sx = (uint64_t)x->count * x->len, sy = (uint64_t)y->count * y->len;
    if (sx != sy) return sx > sy ? -1 : 1;
    size_t m = x->len < y->len ? x->len : y->len;
    int c = memcmp(x->w, y->w, m);
    return c ? c : (int)x->len - (int)y->len;
}

static size_t code_len(size_t k) {
    return k < N_ONE ? 1 : k < N_ONE + N_TWO ? 2 : 3;
}

/* Appends, best first, the words whose code is shorter than they are. */
static int emit_vocab(const kword *w, size_t n, ngi_buf *out) {
    size_t k = 0;
    for (size_t i = 0; i < n && k < VOCAB_MAX; i++) {
        if (code_len(k) >= w[i].len) continue;
        if (ngi_buf_append_u8(out, w[i].len) || ngi_buf_append(out, w[i].w, w[i].len))
            return NG_ENOMEM;
        k++;
    }
    return 0;
}

/* The counted words seen MIN_COUNT times or more, with their bytes. */
static kword *kept_words(const counter *c, size_t *n) {
    size_t m = 0;
    for (size_t i = 0; i <= c->mask; i++) m += c->t[i].count >= MIN_COUNT;
    kword *k = ngi_malloc((m ? m : 1) * sizeof *k);
    if (!k) return NULL;
    for (size_t i = 0, j = 0; i <= c->mask; i++) {
        const cword *e = &c->t[i];
        if (e->count < MIN_COUNT) continue;
        memcpy(k[j].w, c->sample + e->off, e->len);
        k[j].len = e->len;
        k[j++].count = e->count;
    }
    *n = m;
    return k;
}

int ngi_wordcode_train(const uint8_t *sample, size_t n, ngi_buf *out) {
    counter c = {NULL, 0, 0, sample};
    if (n > UINT32_MAX) n = UINT32_MAX; /* offsets are u32 */
    int rc = counter_grow(&c) ? NG_ENOMEM : count_words(&c, n);
    size_t m = 0;
    kword *k = rc ? NULL : kept_words(&c, &m);
    ngi_free(c.t);
    if (!k) return NG_ENOMEM;
    qsort(k, m, sizeof *k, by_score);
    rc = emit_vocab(k, m, out);
    ngi_free(k);
    return rc;
}

/* ---- coding ----------------------------------------------------------- */

/* Indexes the vocabulary; NG_ECORRUPT unless it is a list of 1..MAX_WORD
 * byte words, at most MAX_WORDS of them. */
static int index_vocab(ngi_wordcode *wc, const uint8_t *v, size_t n) {
    size_t k = 0;
    for (size_t p = 0; p < n; k++) {
        if (k == NGI_WC_MAX_WORDS || !v[p] || v[p] > NGI_WC_MAX_WORD || v[p] > n - p - 1)
            return NG_ECORRUPT;
        p += 1 + (size_t)v[p];
    }
    wc->n_words = (uint32_t)k;
    wc->off = ngi_malloc((k ? k : 1) * sizeof *wc->off);
    wc->len = ngi_malloc(k ? k : 1);
    if (!wc->off || !wc->len) return NG_ENOMEM;
    if (!(wc->own_dec = ngi_malloc(4 * (k ? k : 1)))) return NG_ENOMEM;
    for (size_t p = 0, i = 0; i < k; i++) {
        wc->len[i] = v[p];
        wc->off[i] = (uint32_t)(p + 1);
        ngi_store_le32(wc->own_dec + 4 * i, (uint32_t)(p + 1) << 5 | v[p]);
        p += 1 + (size_t)v[p];
    }
    wc->words = v;
    wc->words_max = n;
    wc->dec = wc->own_dec;
    return 0;
}

static wkey key_of(const uint8_t *b) {
    return (wkey){{ngi_load_le64(b), ngi_load_le64(b + 8), ngi_load_le64(b + 16)}};
}

/* A multiplicative hash: XXH3 costs more than the rest of the encoder. */
static uint64_t key_hash(const wkey *k, size_t len) {
    uint64_t h = k->w[0] * 0x9E3779B97F4A7C15ull ^ k->w[1] * 0xC2B2AE3D27D4EB4Full ^
                 k->w[2] * 0x165667B19E3779F9ull ^ len;
    return h ^ h >> 29;
}

/* An open-addressing table of words [0, n) with room for 3n/2 of them. */
static slot *make_table(const ngi_wordcode *wc, uint32_t n, uint32_t *mask) {
    size_t cap = 64;
    while (cap < 3 * (size_t)n / 2) cap *= 2;
    slot *t = ngi_calloc(cap, sizeof *t);
    if (!t) return NULL;
    *mask = (uint32_t)(cap - 1);
    for (uint32_t k = 0; k < n; k++) {
        uint64_t h = key_hash(&wc->keys[k].key, wc->len[k]);
        size_t i = (size_t)h;
        while (t[i & *mask]) i++;
        /* a duplicate word is never found: harmless */
        t[i & *mask] = (uint32_t)(h >> 49) << K1_BITS | (k + 1);
    }
    return t;
}

static int build_lookup(ngi_wordcode *wc) {
    /* aligned so that an entry never straddles two cache lines */
    wc->keys_mem = ngi_malloc(((size_t)wc->n_words + 1) * sizeof *wc->keys);
    if (!wc->keys_mem) return NG_ENOMEM;
    wc->keys = (wentry *)(((uintptr_t)wc->keys_mem + sizeof(wentry) - 1) &
                          ~(uintptr_t)(sizeof(wentry) - 1));
    for (uint32_t k = 0; k < wc->n_words; k++) {
        uint8_t b[NGI_WC_MAX_WORD] = {0};
        memcpy(b, wc->vocab + wc->off[k], wc->len[k]);
        wc->keys[k].key = key_of(b);
        wc->keys[k].len = wc->len[k];
    }
    wc->slots = make_table(wc, wc->n_words, &wc->mask);
    return wc->slots ? 0 : NG_ENOMEM;
}

static void init_tables(ngi_wordcode *wc) {
    for (int b = 0; b < 256; b++) wc->cls[b] = (uint8_t)byte_class((uint8_t)b);
    for (int k = 0; k < N_ONE; k++) wc->one_index[ONE_CODES[k]] = (uint8_t)k;
}

int ngi_wordcode_open(ngi_wordcode **out, const uint8_t *vocab, size_t n, int encoder) {
    *out = NULL;
    ngi_wordcode *wc = ngi_calloc(1, sizeof *wc);
    if (!wc) return NG_ENOMEM;
    if (!(wc->vocab = ngi_calloc(n + PAD, 1))) {
        ngi_free(wc);
        return NG_ENOMEM;
    }
    if (n) memcpy(wc->vocab, vocab, n);
    init_tables(wc);
    int rc = index_vocab(wc, wc->vocab, n);
    if (!rc && encoder) rc = build_lookup(wc);
    if (rc) {
        ngi_wordcode_free(wc);
        return rc;
    }
    *out = wc;
    return 0;
}

int ngi_wordcode_map(ngi_wordcode **out, const uint8_t *words, size_t words_bytes,
                     const uint8_t *index, uint32_t n_words) {
    *out = NULL;
    if (n_words > NGI_WC_MAX_WORDS || (n_words && words_bytes < PAD) ||
        words_bytes > NGI_WC_MAX_WORDS_BYTES)
        return NG_ECORRUPT;
    ngi_wordcode *wc = ngi_calloc(1, sizeof *wc);
    if (!wc) return NG_ENOMEM;
    init_tables(wc);
    wc->n_words = n_words;
    wc->words = words;
    wc->words_max = n_words ? words_bytes - PAD : 0;
    wc->dec = index;
    *out = wc;
    return 0;
}

int ngi_wordcode_layout(const uint8_t *vocab, size_t n, ngi_buf *words, ngi_buf *index) {
    for (size_t p = 0; p < n; p += 1 + (size_t)vocab[p]) {
        if (!vocab[p] || vocab[p] > NGI_WC_MAX_WORD || vocab[p] > n - p - 1)
            return NG_ECORRUPT;
        if (ngi_buf_append_le32(index, (uint32_t)words->len << 5 | vocab[p]) ||
            ngi_buf_append(words, vocab + p + 1, vocab[p]))
            return NG_ENOMEM;
    }
    if (!n) return 0;
    uint8_t pad[PAD] = {0};
    return ngi_buf_append(words, pad, PAD) ? NG_ENOMEM : 0;
}

void ngi_wordcode_free(ngi_wordcode *wc) {
    if (!wc) return;
    ngi_free(wc->own_dec);
    ngi_free(wc->vocab);
    ngi_free(wc->off);
    ngi_free(wc->len);
    ngi_free(wc->slots);
    ngi_free(wc->keys_mem);
    ngi_free(wc);
}

/* The low m bytes (0..8) of a little-endian word. */
static uint64_t low_bytes(uint64_t v, size_t m) {
    return m >= 8 ? v : v & ((1ull << (8 * m)) - 1);
}

/* The key of the len-byte word at p, whose buffer goes on for at least
 * 24 bytes (so no copy is needed). */
static wkey key_at(const uint8_t *p, size_t len) {
    return (wkey){{low_bytes(ngi_load_le64(p), len),
                   len > 8 ? low_bytes(ngi_load_le64(p + 8), len - 8) : 0,
                   len > 16 ? low_bytes(ngi_load_le64(p + 16), len - 16) : 0}};
}

/* The key of the len-byte word at src[i], wherever it lies in src[0, n). */
static wkey key_in(const uint8_t *src, size_t i, size_t n, size_t len) {
    if (n - i >= 24) return key_at(src + i, len);
    uint8_t b[24] = {0};
    memcpy(b, src + i, len);
    return key_of(b);
}

/* Word index + 1 of the len-byte word of the given key in table t, or
 * 0. */
static uint32_t probe(const ngi_wordcode *wc, const slot *t, uint32_t mask,
                      const wkey *key, size_t len, uint64_t h) {
    uint32_t tag = (uint32_t)(h >> 49);
    for (size_t i = (size_t)h;; i++) {
        slot s = t[i & mask];
        if (!s) return 0;
        if (s >> K1_BITS != tag) continue;
        const wentry *v = &wc->keys[(s & K1_MASK) - 1];
        if (v->len == len && v->key.w[0] == key->w[0] && v->key.w[1] == key->w[1] &&
            v->key.w[2] == key->w[2])
            return s & K1_MASK;
    }
}

/* A token found ahead of the output, looked up in batches. */
typedef struct {
    size_t pos, len;
    wkey key;
    uint64_t h;
} token;

#define BATCH 16

#if defined(__GNUC__) || defined(__clang__)
#define PREFETCH(p) __builtin_prefetch(p)
#else
#define PREFETCH(p) ((void)(p))
#endif

static uint8_t *put_code(uint8_t *d, uint32_t k) {
    if (k < N_ONE) {
        *d++ = ONE_CODES[k];
    } else if (k < N_ONE + N_TWO) {
        k -= N_ONE;
        *d++ = (uint8_t)(LEAD2 + (k >> 8));
        *d++ = (uint8_t)k;
    } else {
        k -= N_ONE + N_TWO;
        *d++ = LEAD3;
        *d++ = (uint8_t)(k >> 8);
        *d++ = (uint8_t)k;
    }
    return d;
}

/* Finds up to BATCH codable tokens from src[*at], computing their keys
 * and prefetching their slots: the lookups are bound by cache misses
 * (the indexer thrashes the caches), which a batch overlaps. *at becomes
 * the end of the bytes scanned. */
static size_t find_tokens(const ngi_wordcode *wc, const uint8_t *src, size_t *at,
                          size_t n, token *t) {
    size_t m = 0, i = *at;
    while (i < n && m < BATCH) {
        size_t run, len;
        if (!token_start(src, i) || !(len = token_at(src, i, n, &run))) {
            i++;
            continue;
        }
        if (run >= 2 && len <= NGI_WC_MAX_WORD) {
            t[m].pos = i;
            t[m].len = len;
            t[m].key = key_in(src, i, n, len);
            t[m].h = key_hash(&t[m].key, len);
            PREFETCH(&wc->slots[t[m].h & wc->mask]);
            m++;
        }
        i += len;
    }
    *at = i;
    return m;
}

/* Copies src[0, n), escaping code bytes. */
static uint8_t *put_plain(const ngi_wordcode *wc, const uint8_t *src, size_t n,
                          uint8_t *d) {
    for (size_t i = 0; i < n; i++) {
        if (wc->cls[src[i]] != LIT) *d++ = ESC;
        *d++ = src[i];
    }
    return d;
}

size_t ngi_wordcode_encode(const ngi_wordcode *wc, const uint8_t *src, size_t n,
                           uint8_t *dst) {
    uint8_t *d = dst;
    token t[BATCH];
    for (size_t i = 0, scan = 0; scan < n;) {
        size_t m = find_tokens(wc, src, &scan, n, t);
        /* The batch's slots have arrived by now (the table fits in L2):
         * fetch the entries they name, which a match compares (the miss
         * on the entries took a third of the encoder's time). */
        for (size_t j = 0; j < m; j++) {
            slot s = wc->slots[t[j].h & wc->mask];
            if (s) PREFETCH(&wc->keys[(s & K1_MASK) - 1]);
        }
        for (size_t j = 0; j < m; j++) {
            d = put_plain(wc, src + i, t[j].pos - i, d);
            uint32_t k = probe(wc, wc->slots, wc->mask, &t[j].key, t[j].len, t[j].h);
            if (k) {
                d = put_code(d, k - 1);
            } else { /* letters and a space: never code bytes */
                memcpy(d, src + t[j].pos, t[j].len);
                d += t[j].len;
            }
            i = t[j].pos + t[j].len;
        }
        d = put_plain(wc, src + i, scan - i, d);
        i = scan;
    }
    return (size_t)(d - dst);
}

/* Index of the word coded at p (class c, lead byte b); advances p. The
 * caller has checked that the code's bytes are there. */
static uint32_t code_at(const ngi_wordcode *wc, int c, uint8_t b, const uint8_t **p) {
    const uint8_t *q = *p;
    if (c == ONE) return wc->one_index[b];
    if (c == TWO) {
        *p = q + 1;
        return N_ONE + ((uint32_t)(b - LEAD2) << 8 | q[0]);
    }
    *p = q + 2;
    return N_ONE + N_TWO + ((uint32_t)q[0] << 8 | q[1]);
}

/* Where word k's bytes are: -1 for a code past the vocabulary or an entry
 * out of bounds (a damaged mapped table), so that the decoder's PAD-byte
 * copy never leaves the words. */
static inline __attribute__((always_inline)) int
word_of(const ngi_wordcode *wc, uint32_t k, size_t *off, size_t *len) {
    if (k >= wc->n_words) return -1;
    uint32_t e = ngi_load_le32(wc->dec + 4 * (size_t)k);
    *off = e >> 5;
    *len = e & 31;
    return *len - 1 >= NGI_WC_MAX_WORD || *off > wc->words_max ? -1 : 0;
}

/* The bulk of the input: at least 2 more input bytes and PAD bytes of
 * room, so no bound is checked per byte. Returns the output length. */
static size_t decode_fast(const ngi_wordcode *wc, const uint8_t **pp, const uint8_t *end,
                          uint8_t *dst, size_t cap) {
    const uint8_t *p = *pp;
    size_t o = 0;
    while (end - p >= 3 && cap - o >= PAD) {
        uint8_t b = *p++;
        int c = wc->cls[b];
        if (c == LIT) {
            dst[o++] = b;
            continue;
        }
        if (c == ESCAPED) {
            dst[o++] = *p++;
            continue;
        }
        const uint8_t *at = p - 1;
        uint32_t k = code_at(wc, c, b, &p);
        size_t off, len;
        if (word_of(wc, k, &off, &len)) {
            p = at; /* the careful loop reports it */
            break;
        }
        memcpy(dst + o, wc->words + off, PAD);
        o += len;
    }
    *pp = p;
    return o;
}

int ngi_wordcode_decode(const ngi_wordcode *wc, const uint8_t *src, size_t n,
                        uint8_t *dst, size_t cap) {
    const uint8_t *p = src, *end = src + n;
    size_t o = decode_fast(wc, &p, end, dst, cap);
    while (p < end) {
        uint8_t b = *p++;
        int c = wc->cls[b];
        if (c == LIT || c == ESCAPED) {
            if (c == ESCAPED && p == end) return -1;
            if (o == cap) return -1;
            dst[o++] = c == LIT ? b : *p++;
            continue;
        }
        if (end - p < (c == ONE ? 0 : c == TWO ? 1 : 2)) return -1;
        uint32_t k = code_at(wc, c, b, &p);
        size_t off, len;
        if (word_of(wc, k, &off, &len) || len > cap - o) return -1;
        memcpy(dst + o, wc->words + off, len);
        o += len;
    }
    return o == cap ? 0 : -1;
}
