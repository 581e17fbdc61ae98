/*
 * analyze.h — internal interface of the analyzer module: the analyzer
 * handle, the term cache (raw word -> final term), stopwords, language
 * names and Unicode normalisation. The token rules are described at the
 * top of tokenizer.c.
 */
#ifndef NG_ANALYZE_H
#define NG_ANALYZE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common/buf.h"
#include "common/common.h"

struct sb_stemmer;

/* Words whose raw bytes (before normalisation) exceed this are skipped
 * without being normalised: no term can come out of them that is at most
 * NG_MAX_TOKEN_BYTES long except in absurd cases (thousands of marks). */
#define NGI_MAX_RAW_WORD 4096

/* ---------------------------------------------------------------------
 * Term cache (termcache.c): raw word bytes -> final term, so that the
 * normaliser, the stopword list and the stemmer run once per distinct
 * spelling. Bounded, with two generations: when the current table is full
 * it becomes the previous one (consulted on a miss, its hits copied
 * forward) and the older one is dropped, so hot words survive a rollover.
 * ------------------------------------------------------------------- */
#define NGI_TC_STOP (-1) /* cached verdict: a stopword */
#define NGI_TC_SKIP (-2) /* cached verdict: empty or too long */

/* A key and its value live in the slot itself when together they take at
 * most this many bytes (most words), so that a lookup touches one cache
 * line; longer ones live in the arena. */
#define NGI_TC_INLINE 20

typedef struct ngi_tc_slot {
    uint32_t tag;               /* high hash bits | 1; 0 = empty slot */
    uint32_t off;               /* arena offset of key + value, if not inline */
    uint16_t klen;              /* key length (<= NGI_MAX_RAW_WORD) */
    int16_t vlen;               /* value length, or NGI_TC_STOP / NGI_TC_SKIP */
    uint8_t inl[NGI_TC_INLINE]; /* inline key, then value */
} ngi_tc_slot;                  /* 32 bytes: two per cache line */

/* One generation: open addressing with linear probing. */
typedef struct ngi_tc_table {
    ngi_tc_slot *slots; /* 64-byte aligned; NULL for an absent generation */
    void *mem;          /* the allocation holding slots */
    uint32_t mask;      /* number of slots - 1 (a power of two minus 1) */
    uint32_t count;     /* used slots */
    ngi_buf arena;      /* long keys and values, back to back */
} ngi_tc_table;

typedef struct ngi_termcache {
    ngi_tc_table cur;   /* looked up first; receives every insert */
    ngi_tc_table prev;  /* the previous generation, looked up on a miss */
    uint32_t max_slots; /* per generation (a power of two) */
    size_t max_arena;   /* arena bytes per generation */
} ngi_termcache;

int ngi_termcache_init(ngi_termcache *tc);
/* Caps the cache's memory at about `bytes` (both generations; by default
 * 20 MiB): a writer under a small RAM budget gives its analyzers less. */
void ngi_termcache_set_limit(ngi_termcache *tc, size_t bytes);
void ngi_termcache_free(ngi_termcache *tc);
/* Inserts key -> value (vlen >= 0 bytes of val, or a negative verdict)
 * into the current generation. Returns a pointer to the stored value, or
 * NULL when it could not be stored (no memory): the cache is an
 * optimisation, callers go on. */
const uint8_t *ngi_termcache_put(ngi_termcache *tc, uint64_t hash, const uint8_t *key,
                                 size_t klen, const uint8_t *val, int vlen);
/* After a miss in the current generation: looks key up in the previous
 * one and, when found, copies it forward. Same results as the lookup. */
bool ngi_termcache_get_prev(ngi_termcache *tc, uint64_t hash, const uint8_t *key,
                            size_t klen, const uint8_t **val, int *vlen);

/* The tag stored in a slot: hash bits independent of the slot index
 * (which uses the low bits); never 0, which marks empty slots. */
static inline uint32_t ngi_tc_tag(uint64_t h) {
    return (uint32_t)(h >> 32) | 1u;
}

static inline bool ngi_tc_is_inline(size_t klen, int vlen) {
    return klen + (size_t)(vlen > 0 ? vlen : 0) <= NGI_TC_INLINE;
}

static inline uint64_t ngi_tc_load64(const uint8_t *p) {
    uint64_t v;
    memcpy(&v, p, 8);
    return v;
}

static inline uint32_t ngi_tc_load32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/* Compares n bytes with word loads (the last load overlaps the previous
 * one): cheaper than a memcmp call or a byte loop for words. */
static inline bool ngi_tc_equal(const uint8_t *a, const uint8_t *b, size_t n) {
    if (n >= 8) {
        for (size_t i = 0; i + 8 < n; i += 8)
            if (ngi_tc_load64(a + i) != ngi_tc_load64(b + i)) return false;
        return ngi_tc_load64(a + n - 8) == ngi_tc_load64(b + n - 8);
    }
    if (n >= 4)
        return ngi_tc_load32(a) == ngi_tc_load32(b) &&
               ngi_tc_load32(a + n - 4) == ngi_tc_load32(b + n - 4);
    for (size_t i = 0; i < n; i++)
        if (a[i] != b[i]) return false;
    return true;
}

/* Looks key up in table t. Returns true when found; then *vlen is the
 * value length (or NGI_TC_STOP / NGI_TC_SKIP) and *val points to the value
 * bytes (valid until the next put). Inline: it runs once per word. */
static inline bool ngi_tc_table_get(const ngi_tc_table *t, uint64_t hash,
                                    const uint8_t *key, size_t klen, const uint8_t **val,
                                    int *vlen) {
    uint32_t tag = ngi_tc_tag(hash);
    for (uint32_t i = (uint32_t)hash & t->mask;; i = (i + 1) & t->mask) {
        const ngi_tc_slot *s = &t->slots[i];
        if (s->tag == 0) return false;
        if (s->tag != tag || s->klen != klen) continue;
        const uint8_t *k = s->inl;
        if (!ngi_tc_is_inline(klen, s->vlen)) k = t->arena.data + s->off;
        if (!ngi_tc_equal(k, key, klen)) continue;
        *val = k + klen;
        *vlen = s->vlen;
        return true;
    }
}

/* Looks key up in both generations (see ngi_tc_table_get). */
static inline bool ngi_termcache_get(ngi_termcache *tc, uint64_t hash, const uint8_t *key,
                                     size_t klen, const uint8_t **val, int *vlen) {
    return ngi_tc_table_get(&tc->cur, hash, key, klen, val, vlen) ||
           ngi_termcache_get_prev(tc, hash, key, klen, val, vlen);
}

/* ---------------------------------------------------------------------
 * Stopwords and languages (stopwords.c, analyzer.c).
 * ------------------------------------------------------------------- */
/* Is term (folded, unstemmed) an English stopword? */
bool ngi_stopword_en(const uint8_t *term, size_t len);
#define NGI_STOPWORD_MAX 5 /* bytes of the longest English stopword */

/* A word of at most NGI_STOPWORD_MAX bytes packed into an integer, byte i
 * at bits 8i (so that a stopword check is one multiply, one load and one
 * compare: it runs for every short word of every scanned document). */
#define NGI_W2(a, b)          ((uint64_t)(a) | (uint64_t)(b) << 8)
#define NGI_W3(a, b, c)       (NGI_W2(a, b) | (uint64_t)(c) << 16)
#define NGI_W4(a, b, c, d)    (NGI_W3(a, b, c) | (uint64_t)(d) << 24)
#define NGI_W5(a, b, c, d, e) (NGI_W4(a, b, c, d) | (uint64_t)(e) << 32)
/* A perfect hash of the 33 stopwords into 64 slots (stopwords.c: two
 * words in one slot would not compile). */
#define NGI_STOP_SLOT(v) ((unsigned)(((uint64_t)(v)*0xde8de6bfb1f784e3ull) >> 58))
extern const uint64_t ngi_stop_table[64];
static inline bool ngi_stopword_packed(uint64_t v) {
    return ngi_stop_table[NGI_STOP_SLOT(v)] == v;
}

/* Canonical libstemmer name for a name or ISO 639 code ("en", "eng",
 * "English"), or NULL when unknown. The result is static. */
const char *ngi_language_canonical(const char *name);

/* ---------------------------------------------------------------------
 * The analyzer handle (analyzer.c creates it, tokenizer.c uses it).
 * ------------------------------------------------------------------- */
#define NGI_GATE2_BYTES (256 * 256 / 8) /* see ngi_analyzer_set_gate */
#define NGI_GK_BYTES    16              /* distinct bytes the block gate compares */
#define NGI_GK_PAIRS    24              /* (first, second) pairs it tests */
#define NGI_GK_ANY      0xFF            /* a pair whose second byte is any */
struct ng_analyzer {
    const char *language;       /* canonical libstemmer name (static) */
    unsigned flags;             /* ng_analyzer_flags */
    bool stop_en;               /* drop English stopwords */
    struct sb_stemmer *stemmer; /* NULL with NG_ANALYZE_NO_STEM */
    uint64_t invalid_bytes;     /* invalid UTF-8 bytes seen so far */
    ngi_termcache cache;        /* raw word -> term */
    ngi_buf raw;                /* scratch: a word's bytes after edits */
    ngi_buf term;               /* scratch: normalised term */
    ngi_buf cjk_prev;           /* scratch: previous CJK character */
    ngi_buf cjk_cur;            /* scratch: current CJK character */
    int32_t *ucs;               /* scratch: code points for utf8proc */
    size_t ucs_cap;             /* entries usable in ucs (one more exist) */
    /* The gate's keys for 64 bytes at a time (tokenizer.c, block_words_gated):
     * the ASCII bytes the gate tests, and its pairs as indexes into them
     * (second NGI_GK_ANY: any second byte). gate_simd false: per word. */
    bool gate_simd;
    bool gate_no_popcnt; /* tests: the block gate's SSE2-only build */
    bool gate_no_avx2;   /* tests: its build with popcnt, without AVX2 */
    uint8_t gk_n_bytes, gk_n_pairs, gk_n_first;
    uint8_t gk_bytes[NGI_GK_BYTES];
    uint8_t gk_first[NGI_GK_BYTES]; /* indexes of the first bytes */
    uint8_t gk_pairs[NGI_GK_PAIRS][2];
    bool gate_on;                   /* see ngi_analyzer_set_gate */
    bool gate[256];                 /* first bytes of the terms wanted */
    uint8_t gate2[NGI_GATE2_BYTES]; /* and their first two (bit c0 * 256 + c1) */
    uint32_t gated;                 /* words gated out by the last tokenize */
    uint32_t gated_last;            /* the last position among them */
};

/* Grep-style scans (the term filter of lib/index/filter.h) want only terms
 * beginning with a byte marked in first[] and, when they are 2 bytes long
 * or more, with a pair of bytes marked in pairs[] (bit c0 * 256 + c1), and
 * the number of the others. With the gate on, an ASCII word (plain, or
 * made by joiners: "U.S.", "don't", "1,000") that is
 * neither a stopword nor too long, and whose first letter, or first two
 * (lowercased), are not marked, is not emitted:
 * each ng_analyzer_tokenize call counts such words in a->gated (a token
 * each, as emitted ones) and keeps the last of their positions in
 * a->gated_last. They skip the term cache and the stemmer, which is what
 * makes scans fast. This is exact only when the stemmer keeps a word's
 * first two letters, as the English ones do (but for a 'y' second letter:
 * "dying" -> "die", "ay" -> "ai" in porter; such words are judged by their
 * first letter only), and a term of one letter is marked in pairs[] with
 * every second byte. For other languages the gate stays off and false is
 * returned. first = NULL turns it off. The tokenizer applies the gate to
 * 64 bytes of plain words at a time (block_words_gated: the tables'
 * pairs become the gk_* keys, compared with SSE2) unless the keys are too
 * many; the tokens and counts are the same as word by word. */
bool ngi_analyzer_set_gate(ng_analyzer *a, const bool first[256],
                           const uint8_t pairs[NGI_GATE2_BYTES]);

/* ---------------------------------------------------------------------
 * Unicode normalisation (normalize.c).
 * ------------------------------------------------------------------- */
/* NFKC + full case folding (+ marks stripped when strip_marks) of the
 * valid UTF-8 s[0..n); keeps only letters, marks, digits, '\'' and '.'.
 * Replaces out's content. Errors: NG_ENOMEM. */
int ngi_normalize(ng_analyzer *a, const uint8_t *s, size_t n, bool strip_marks,
                  ngi_buf *out);

#endif /* NG_ANALYZE_H */
