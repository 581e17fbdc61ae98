/*
 * tokenizer.c — UTF-8 text to tokens (term, position, byte offsets): word
 * scanning with an ASCII fast path, CJK bigrams, and the per-word pipeline
 * (term cache -> normalise -> stopwords -> stem). The index and the query
 * parser both call this, so a query word and a text word meet as equal
 * terms exactly when these rules make them equal.
 *
 * TOKEN RULES (what a token is)
 * - Input is UTF-8, decoded strictly (RFC 3629 by hand here, for speed;
 *   utf8proc does the rest): lone continuation bytes, overlong forms,
 *   surrogates, code points above U+10FFFF and truncated sequences are
 *   invalid. Each invalid byte is a separator and is counted
 *   (ng_analyzer_invalid_bytes). NUL and other controls are separators.
 * - A word is a run of letters, digits and marks (Unicode categories L*,
 *   N*, M*); default-ignorable format characters inside it (soft hyphen,
 *   ZWJ, ZWNJ, word joiner, BOM) are dropped. Everything else separates
 *   words: punctuation, symbols, emoji, spaces, hyphens ("Good-Neighborliness"
 *   gives "good" and "neighborli" at consecutive positions).
 * - Joiners inside a word (both sides word characters):
 *   apostrophe (' or U+2019): "don't", "o'brien" stay one word (U+2019 is
 *     stored as '). A final "'s" / "’s" is dropped: "China's" -> "china"
 *     (its span ends before the apostrophe).
 *   dot: between single letters it makes an acronym and is removed:
 *     "U.S." and "U.S" -> "us", "e.g." -> "eg" (a trailing dot belongs to
 *     the acronym's span). Between ASCII digits it is a decimal point and
 *     is kept: "3.5", "192.168.0.1". Otherwise it separates.
 *   comma: thousands separators are removed when a pure ASCII number is
 *     followed by ",ddd" (exactly three digits): "1,000" -> "1000",
 *     "155,221" -> "155221"; "1,2" gives "1" and "2".
 * - Normalisation: NFKC, full case folding, diacritics stripped
 *   ("Café" -> "cafe", "Straße" -> "strasse", "ＡＢＣ" -> "abc"). Marks
 *   are stripped only in words written entirely in scripts where they are
 *   diacritics (Latin, Greek, Cyrillic, Armenian, Hebrew, Arabic); in
 *   Indic, Thai, etc. they are vowels and are kept. Only letters, marks,
 *   digits and the kept joiners survive NFKC ("⑴" -> "1", "½" -> "12").
 *   Plain ASCII words are lowercased through a table and never reach
 *   utf8proc. Stemmers therefore see unaccented words, in every language.
 * - Han, Hiragana, Katakana and Hangul runs give overlapping bigrams
 *   ("北京大学" -> 北京 京大 大学 at consecutive positions; a lone
 *   character is a unigram). Each bigram's span covers its two characters
 *   (with their combining marks). CJK characters are NFKC-folded but keep
 *   their marks (が stays が), and are never stopped or stemmed.
 * - English stopwords (stopwords.c; "us" is not one) are dropped when the
 *   language is english/porter; other languages have no stopword list.
 *   Then the Snowball stemmer of the language runs (not on numbers).
 * - Positions: every word, stopword, skipped word and bigram takes one
 *   position (starting at first_position, saturating at UINT32_MAX), so
 *   "Treaty of Friendship" puts treaty at p and friendship at p + 2.
 * - Limits: a term longer than NG_MAX_TOKEN_BYTES (255) bytes after
 *   normalisation and stemming is skipped, as is any word whose raw bytes
 *   exceed NGI_MAX_RAW_WORD (4096); both still take a position. Scripts
 *   written without spaces other than CJK (Thai, Khmer, ...) therefore
 *   give one word per space-separated run, often skipped as too long.
 * - Offsets are byte offsets into the caller's text, start inclusive, end
 *   exclusive: in "Le café, naïve" cafe spans [3, 8).
 */
#include <libstemmer.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
#include <immintrin.h>
#endif
#include <utf8proc.h>

#include "analyze.h"
#include "charclass.h"
#include "common/hash.h"
#include "common/le.h"

/* Plain ASCII words are looked up in the term cache this many words after
 * their slot was prefetched: the cache is larger than L2, and waiting for
 * one slot a word dominated the analyzer's time. Other words first drain
 * the queue, so tokens keep their text order. */
#define TOK_AHEAD 8

/* The tokenizer's state for one ng_analyzer_tokenize call. */
typedef struct tok {
    ng_analyzer *a;   /* the analyzer (scratch buffers, cache, stemmer) */
    const uint8_t *s; /* the caller's text */
    size_t len;       /* bytes in s */
    uint32_t pos;     /* position of the next word */
    ng_token_fn fn;   /* the caller's callback */
    void *ctx;        /* its context */
    size_t stall;     /* block_words_gated made no progress: bytes to scan
                       * one word at a time (to the first troublesome word's end) */
    unsigned q_head;  /* first pending plain word in q */
    unsigned q_len;   /* pending plain words */
    struct {
        uint64_t h;   /* hash of the word's bytes */
        size_t i;     /* its first byte in the text */
        size_t n;     /* its length */
        uint32_t pos; /* its position */
    } q[TOK_AHEAD];   /* plain ASCII words whose cache slot is prefetched */
} tok;

/* Class of the character at i (< len) and its length in *n. */
static inline int char_at(const tok *t, size_t i, uint32_t *cp, size_t *n) {
    uint8_t c = t->s[i];
    *n = 1;
    if (c < 0x80) {
        *cp = c;
        return ascii_cls[c];
    }
    size_t k = utf8_decode(t->s + i, t->len - i, cp);
    if (!k) {
        *cp = 0xFFFD;
        return C_BAD;
    }
    *n = k;
    return classify(*cp);
}

static inline bool starts_word(int cls) {
    return cls == C_WORD || cls == C_WNUM || cls == C_MARK;
}

/* Takes the next position; positions saturate instead of wrapping. */
static inline uint32_t next_pos(tok *t) {
    uint32_t p = t->pos;
    if (p != UINT32_MAX) t->pos++;
    return p;
}

static inline int emit(tok *t, const uint8_t *term, size_t n, uint32_t pos, size_t start,
                       size_t end) {
    ng_token tk = {(const char *)term, n, pos, start, end};
    return t->fn(t->ctx, &tk);
}

/* ---------------------------------------------------------------------
 * Words: raw bytes -> term (cache, normalise, stop, stem).
 * ------------------------------------------------------------------- */

/* Only digits and dots: numbers are not stemmed. */
static bool is_number(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (!is_ascii_digit(s[i]) && s[i] != '.') return false;
    return true;
}

/* Terms made only of joiners (left after normalisation removed
 * everything else) are not words. */
static bool only_joiners(const uint8_t *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (s[i] != '\'' && s[i] != '.') return false;
    return true;
}

/* Folds a raw word into a->term: a lowercase table for ASCII, utf8proc
 * for the rest. */
static int fold(ng_analyzer *a, const uint8_t *key, size_t klen, bool nonascii,
                bool keepmarks) {
    ngi_buf *tb = &a->term;
    if (nonascii) return ngi_normalize(a, key, klen, !keepmarks, tb);
    ngi_buf_reset(tb); /* room for NGI_MAX_RAW_WORD reserved at create */
    for (size_t i = 0; i < klen; i++) {
        uint8_t c = key[i];
        tb->data[i] = (unsigned)(c - 'A') < 26u ? (uint8_t)(c + 32) : c;
    }
    tb->len = klen;
    return 0;
}

/* The verdict on a folded term: *val and *vlen (the stem, or the term
 * itself), or a negative verdict in *vlen. */
static int verdict(ng_analyzer *a, const uint8_t *term, size_t n, const uint8_t **val,
                   int *vlen) {
    *val = term;
    if (n == 0 || n > NG_MAX_TOKEN_BYTES || only_joiners(term, n)) {
        *vlen = NGI_TC_SKIP;
        return 0;
    }
    *vlen = (int)n;
    if (a->stop_en && ngi_stopword_en(term, n)) {
        *vlen = NGI_TC_STOP;
    } else if (a->stemmer && !is_number(term, n)) {
        const sb_symbol *st = sb_stemmer_stem(a->stemmer, term, (int)n);
        if (!st) return NG_ENOMEM;
        int sl = sb_stemmer_length(a->stemmer);
        if (sl > NG_MAX_TOKEN_BYTES)
            *vlen = NGI_TC_SKIP;
        else if (sl > 0)
            *val = st, *vlen = sl;
    }
    return 0;
}

/* Caches key -> value; *val then points to the cached copy (or stays on
 * its own buffer when the cache is out of memory). */
static void remember(ng_analyzer *a, uint64_t h, const uint8_t *key, size_t klen,
                     const uint8_t **val, int vlen) {
    const uint8_t *kept = ngi_termcache_put(&a->cache, h, key, klen, *val, vlen);
    if (kept) *val = kept;
}

/* Cache miss: computes the term and caches it (kept out of line so that
 * the hit path stays small). An ASCII word with capitals ("The") is also
 * looked up and cached under its lowercase form, so that case variants
 * share one stemmer run (for ASCII, the lowercase form is its own key). */
static __attribute__((noinline)) int miss(ng_analyzer *a, uint64_t h, const uint8_t *key,
                                          size_t klen, bool nonascii, bool keepmarks,
                                          const uint8_t **val, int *vlen) {
    if (ngi_termcache_get_prev(&a->cache, h, key, klen, val, vlen)) return 0;
    int rc = fold(a, key, klen, nonascii, keepmarks);
    if (rc) return rc;
    uint8_t *term = a->term.data;
    size_t n = a->term.len;
    bool alias = !nonascii && memcmp(term, key, n) != 0;
    uint64_t th = alias ? ngi_hash64(term, n) : 0;
    if (alias && ngi_termcache_get(&a->cache, th, term, n, val, vlen)) {
        if (*vlen > 0) memcpy(term, *val, (size_t)*vlen); /* a stable copy */
        *val = term;
        remember(a, h, key, klen, val, *vlen);
        return 0;
    }
    rc = verdict(a, term, n, val, vlen);
    if (rc) return rc;
    const uint8_t *computed = *val;
    if (alias) remember(a, th, term, n, val, *vlen);
    *val = computed; /* the put above may have moved cached values */
    remember(a, h, key, klen, val, *vlen);
    return 0;
}

/* Emits the word whose raw bytes are key (cache first). */
static inline int emit_word_h(tok *t, uint64_t h, const uint8_t *key, size_t klen,
                              bool nonascii, bool keepmarks, uint32_t pos, size_t start,
                              size_t end) {
    ng_analyzer *a = t->a;
    const uint8_t *val;
    int vlen;
    if (!ngi_tc_table_get(&a->cache.cur, h, key, klen, &val, &vlen)) {
        int rc = miss(a, h, key, klen, nonascii, keepmarks, &val, &vlen);
        if (rc) return rc;
    }
    if (vlen < 0) return 0;
    return emit(t, val, (size_t)vlen, pos, start, end);
}

static inline int emit_word(tok *t, const uint8_t *key, size_t klen, bool nonascii,
                            bool keepmarks, uint32_t pos, size_t start, size_t end) {
    return emit_word_h(t, ngi_hash64(key, klen), key, klen, nonascii, keepmarks, pos,
                       start, end);
}

/* Emits the oldest pending plain word. */
static inline int q_pop(tok *t) {
    unsigned k = t->q_head;
    t->q_head = (k + 1) % TOK_AHEAD;
    t->q_len--;
    size_t i = t->q[k].i, n = t->q[k].n;
    return emit_word_h(t, t->q[k].h, t->s + i, n, false, false, t->q[k].pos, i, i + n);
}

/* Emits every pending plain word (before any other kind of token, so
 * tokens keep their text order). */
static int q_drain(tok *t) {
    int rc = 0;
    while (t->q_len && !rc) rc = q_pop(t);
    return rc;
}

/* ---------------------------------------------------------------------
 * Word scanning: units (runs of word characters) glued by joiners.
 * ------------------------------------------------------------------- */

/* A maximal run of word characters. */
typedef struct unit {
    size_t start, end; /* its bytes in the text */
    size_t n_base;     /* letters and digits (not marks) */
    bool letter1;      /* the first base character is a letter */
    bool all_digit;    /* only ASCII digits (and nothing else) */
    bool first_digit;  /* starts with an ASCII digit */
    bool last_digit;   /* ends with an ASCII digit */
    bool nonascii;     /* has a non-ASCII character */
    bool keepmarks;    /* has a character of a script whose marks stay */
    bool has_ign;      /* has ignorable characters to drop */
} unit;

/* A word being assembled from units. Its key is the text span
 * [start, term_end) unless an edit (a dropped or replaced byte) happened;
 * then it is a->raw. */
typedef struct word {
    size_t start;    /* first byte of the word */
    size_t raw_from; /* text bytes from here are not yet copied to raw */
    size_t term_end; /* end of the last accepted unit */
    bool edited;     /* the key is a->raw */
    bool toolong;    /* raw bytes exceed NGI_MAX_RAW_WORD */
    bool nonascii;   /* some unit has non-ASCII characters */
    bool keepmarks;  /* some unit needs its marks kept */
} word;

/* Adds one non-ASCII character of class cls to u; false when it is not a
 * word character (the unit ends). */
static bool unit_add_unicode(unit *u, int cls, uint32_t cp) {
    if (cls == C_IGN) {
        u->has_ign = true;
        return true;
    }
    if (cls != C_WORD && cls != C_WNUM && cls != C_MARK) return false;
    u->nonascii = true;
    if (!marks_are_diacritics(cp)) u->keepmarks = true;
    if (cls != C_MARK) {
        if (u->n_base == 0) u->letter1 = cls == C_WORD;
        u->n_base++;
        u->last_digit = false;
    }
    return true;
}

static void scan_unit(const tok *t, size_t i, unit *u) {
    const uint8_t *s = t->s;
    unsigned seen = 0; /* F_* flags of the ASCII characters */
    *u = (unit){.start = i};
    for (;;) {
        size_t j = i; /* the ASCII fast path: one table lookup a byte */
        while (j < t->len && alnum_flags[s[j]]) seen |= alnum_flags[s[j++]];
        if (j > i) {
            if (u->n_base == 0)
                u->first_digit = is_ascii_digit(s[i]), u->letter1 = !u->first_digit;
            u->n_base += j - i;
            u->last_digit = is_ascii_digit(s[j - 1]);
            i = j;
        }
        if (i >= t->len || s[i] < 0x80) break;
        uint32_t cp;
        size_t n;
        int cls = char_at(t, i, &cp, &n);
        if (!unit_add_unicode(u, cls, cp)) break;
        i += n;
    }
    u->end = i;
    u->all_digit = u->n_base > 0 && !(seen & F_ALPHA) && !u->nonascii;
}

/* Copies text bytes [raw_from, upto) to the raw key. */
static void raw_flush(tok *t, word *w, size_t upto) {
    ngi_buf *r = &t->a->raw;
    size_t n = upto - w->raw_from;
    if (r->len + n > NGI_MAX_RAW_WORD)
        w->toolong = true;
    else if (n)
        memcpy(r->data + r->len, t->s + w->raw_from, n), r->len += n;
    w->raw_from = upto;
}

/* Replaces the skip bytes at `at` by repl (rlen <= 1 byte) in the key. */
static void edit(tok *t, word *w, size_t at, size_t skip, const char *repl, size_t rlen) {
    ngi_buf *r = &t->a->raw;
    if (!w->edited) ngi_buf_reset(r), w->raw_from = w->start;
    w->edited = true;
    raw_flush(t, w, at);
    if (rlen && r->len + rlen <= NGI_MAX_RAW_WORD)
        memcpy(r->data + r->len, repl, rlen), r->len += rlen;
    w->raw_from = at + skip;
}

/* Adds unit u to the word (dropping its ignorable characters). */
static void accept(tok *t, word *w, const unit *u) {
    w->nonascii |= u->nonascii;
    w->keepmarks |= u->keepmarks;
    w->term_end = u->end;
    if (!u->has_ign) return;
    for (size_t i = u->start; i < u->end;) {
        uint32_t cp;
        size_t n;
        if (char_at(t, i, &cp, &n) == C_IGN) edit(t, w, i, n, "", 0);
        i += n;
    }
}

/* Joiner at i: its class (C_APOS, C_DOT, C_COMMA) and byte length, or 0. */
static size_t joiner_at(const tok *t, size_t i, int *jc) {
    const uint8_t *s = t->s + i;
    if (*s == '\'' || *s == '.' || *s == ',') {
        *jc = ascii_cls[*s];
        return 1;
    }
    if (s[0] == 0xE2 && t->len - i >= 3 && s[1] == 0x80 && s[2] == 0x99) {
        *jc = C_APOS; /* U+2019 */
        return 3;
    }
    return 0;
}

static bool gated_key(tok *t, const uint8_t *key, size_t klen, size_t avail,
                      uint32_t pos);

/* Emits the finished word spanning [start, end) of the text. */
static int finish(tok *t, word *w, size_t end) {
    uint32_t pos = next_pos(t);
    const uint8_t *key = t->s + w->start;
    size_t klen = w->term_end - w->start;
    if (w->edited) {
        raw_flush(t, w, w->term_end);
        key = t->a->raw.data;
        klen = t->a->raw.len;
    }
    if (w->toolong || klen > NGI_MAX_RAW_WORD || klen == 0) return 0;
    size_t avail = w->edited ? klen : t->len - w->start;
    if (!w->nonascii && t->a->gate_on && gated_key(t, key, klen, avail, pos)) return 0;
    return emit_word(t, key, klen, w->nonascii, w->keepmarks, pos, w->start, end);
}

/* Decides whether joiner jc (at i, jl bytes) glues the following unit v to
 * the word. Returns 1 to glue, 0 to end the word, 2 for a possessive. */
static int glue(tok *t, word *w, int jc, size_t i, size_t jl, const unit *v,
                const unit *prev, bool acronym_ok, bool numeric) {
    size_t k = i + jl;
    if (jc == C_APOS) {
        if (v->end - v->start == 1 && (t->s[k] | 0x20) == 's') return 2;
        edit(t, w, i, jl, "'", 1);
        return 1;
    }
    if (jc == C_DOT) {
        if (acronym_ok && v->n_base == 1 && v->letter1) {
            edit(t, w, i, jl, "", 0);
            return 1;
        }
        return prev->last_digit && v->first_digit; /* decimal point, kept */
    }
    if (numeric && v->all_digit && v->end - v->start == 3) {
        edit(t, w, i, jl, "", 0); /* thousands separator */
        return 1;
    }
    return 0;
}

/* Scans the word starting at i (a word character); *next gets the byte
 * where scanning resumes. */
static int scan_word(tok *t, size_t i, size_t *next) {
    word w = {i, i, i, false, false, false, false};
    unit u, v;
    scan_unit(t, i, &u);
    accept(t, &w, &u);
    bool acronym_ok = u.n_base == 1 && u.letter1, acronym = false;
    bool numeric = u.all_digit;
    size_t end = u.end;
    for (;;) {
        int jc;
        size_t jl = end < t->len ? joiner_at(t, end, &jc) : 0;
        if (!jl || end + jl >= t->len) break;
        uint32_t cp;
        size_t n;
        if (!starts_word(char_at(t, end + jl, &cp, &n))) break;
        scan_unit(t, end + jl, &v);
        int g = glue(t, &w, jc, end, jl, &v, &u, acronym_ok, numeric);
        if (g == 0) break;
        if (g == 2) { /* possessive: the span ends before the apostrophe */
            *next = v.end;
            return finish(t, &w, end);
        }
        acronym |= acronym_ok && jc == C_DOT && v.n_base == 1 && v.letter1;
        acronym_ok = acronym_ok && jc == C_DOT && v.n_base == 1 && v.letter1;
        numeric = numeric && jc == C_COMMA;
        accept(t, &w, &v);
        u = v;
        end = v.end;
    }
    if (acronym && end < t->len && t->s[end] == '.') end++;
    *next = end;
    return finish(t, &w, end);
}

/* ---------------------------------------------------------------------
 * CJK runs: overlapping bigrams of characters.
 * ------------------------------------------------------------------- */

/* End of the CJK character starting at i: marks and extenders follow. */
static size_t cjk_char_end(const tok *t, size_t i) {
    while (i < t->len && t->s[i] >= 0x80) {
        uint32_t cp;
        size_t n;
        int cls = char_at(t, i, &cp, &n);
        if (cls != C_MARK && !(cls == C_CJK && cjk_extender(cp))) break;
        i += n;
    }
    return i;
}

/* Normalises the character s[0..n) into out (empty when absurdly long). */
static int cjk_fold(ng_analyzer *a, const uint8_t *s, size_t n, uint32_t cp,
                    size_t cp_len, ngi_buf *out) {
    ngi_buf_reset(out);
    if (n > NGI_MAX_RAW_WORD) return 0;
    if (n == cp_len && cjk_stable(cp)) return ngi_buf_append(out, s, n);
    return ngi_normalize(a, s, n, false, out);
}

static int emit_cjk(tok *t, const ngi_buf *x, const ngi_buf *y, size_t start,
                    size_t end) {
    uint32_t pos = next_pos(t);
    ngi_buf *tb = &t->a->term;
    size_t n = x->len + (y ? y->len : 0);
    if (x->len == 0 || (y && y->len == 0) || n > NG_MAX_TOKEN_BYTES) return 0;
    ngi_buf_reset(tb); /* tb has room for NGI_MAX_RAW_WORD bytes */
    memcpy(tb->data, x->data, x->len);
    if (y) memcpy(tb->data + x->len, y->data, y->len);
    return emit(t, tb->data, n, pos, start, end);
}

static int scan_cjk(tok *t, size_t i, size_t *next) {
    ng_analyzer *a = t->a;
    size_t prev_start = i, count = 0;
    int rc = 0;
    while (i < t->len && t->s[i] >= 0x80) {
        uint32_t cp;
        size_t n;
        if (char_at(t, i, &cp, &n) != C_CJK) break;
        size_t start = i;
        i = cjk_char_end(t, i + n);
        rc = cjk_fold(a, t->s + start, i - start, cp, n, &a->cjk_cur);
        if (!rc && count) rc = emit_cjk(t, &a->cjk_prev, &a->cjk_cur, prev_start, i);
        if (rc) break;
        ngi_buf tmp = a->cjk_prev;
        a->cjk_prev = a->cjk_cur;
        a->cjk_cur = tmp;
        prev_start = start;
        count++;
    }
    *next = i;
    if (!rc && count == 1) rc = emit_cjk(t, &a->cjk_prev, NULL, prev_start, i);
    return rc;
}

/* ---------------------------------------------------------------------
 * The entry point.
 * ------------------------------------------------------------------- */

/* Does the ASCII word ending at j end there for sure? True at the end of
 * the text, before an ASCII separator, and before a joiner (' . ,) that
 * is not followed by a word character: then no rule can extend it. */
static inline bool plain_end(const tok *t, size_t j) {
    if (j >= t->len) return true;
    uint8_t c = t->s[j];
    if (c >= 0x80) return false;
    if (ascii_cls[c] == C_SEP) return true;
    return j + 1 >= t->len || (t->s[j + 1] < 0x80 && !alnum_flags[t->s[j + 1]]);
}

/* What becomes of a plain ASCII word before the term cache: a stopword
 * (dropped), counted but not emitted (the gate of ngi_analyzer_set_gate),
 * or passed on. */
enum { GATE_PASS, GATE_COUNT, GATE_STOP };

/* Stopwords are recognised here, before the term cache, in every mode: a
 * third of news words are stopwords, and their cache lookups cost more. */
static inline bool plain_stopword(const uint8_t *s, size_t n, size_t avail) {
    uint64_t v = 0, low = ((uint64_t)1 << (8 * n)) - 1;
    if (avail >= 8) {
        v = ngi_load_le64(s) & low; /* one load for most words */
    } else {
        for (size_t k = 0; k < n; k++) v |= (uint64_t)s[k] << (8 * k);
    }
    /* | 0x20: lowercase, and digits stay digits */
    return ngi_stopword_packed(v | (0x2020202020ull & low));
}

static inline int gate_word(const ng_analyzer *a, const uint8_t *s, size_t n,
                            size_t avail) {
    if (a->stop_en && n <= NGI_STOPWORD_MAX && plain_stopword(s, n, avail))
        return GATE_STOP;
    if (!a->gate_on || n > NG_MAX_TOKEN_BYTES) return GATE_PASS;
    uint8_t c0 = ascii_lower(s[0]), c1 = n > 1 ? ascii_lower(s[1]) : 'y';
    if (c1 == 'y') /* "dying" -> "die": only the first letter is kept */
        return a->gate[c0] ? GATE_PASS : GATE_COUNT;
    unsigned pair = (unsigned)c0 << 8 | c1;
    return a->gate2[pair >> 3] >> (pair & 7) & 1 ? GATE_PASS : GATE_COUNT;
}

/* The gate for an ASCII word that joiners or dropped characters made
 * (finish: "U.S." -> "US", "don't", "1,000" -> "1000", "3.5"): its key is
 * the term before stemming but for case, as a plain word's bytes are, so
 * gate_word judges it alike. True when it is not emitted: a stopword, or
 * counted. (The gate's pairs are those of the query's terms, joiners
 * included: "3.5" is judged by "3.".) */
static bool gated_key(tok *t, const uint8_t *key, size_t klen, size_t avail,
                      uint32_t pos) {
    int g = gate_word(t->a, key, klen, avail);
    if (g == GATE_COUNT) {
        t->a->gated++;
        if (pos > t->a->gated_last) t->a->gated_last = pos;
    }
    return g != GATE_PASS;
}

/* The ASCII fast path: the plain word [i, j) goes straight to the cache.
 * Inlined into both word finders: a call per word was measurable. */
static inline __attribute__((always_inline)) int fast_word(tok *t, size_t i, size_t j) {
    uint32_t pos = next_pos(t);
    if (j - i > NGI_MAX_RAW_WORD) return 0;
    int g = gate_word(t->a, t->s + i, j - i, t->len - i);
    if (g != GATE_PASS) { /* a stopword, or counted and not emitted */
        if (g == GATE_COUNT) t->a->gated++, t->a->gated_last = pos;
        return 0;
    }
    int rc = t->q_len == TOK_AHEAD ? q_pop(t) : 0;
    uint64_t h = ngi_hash64(t->s + i, j - i);
    const ngi_tc_table *c = &t->a->cache.cur, *p = &t->a->cache.prev;
    __builtin_prefetch(&c->slots[(uint32_t)h & c->mask]);
    if (p->slots) /* where a word missing from the current one is found */
        __builtin_prefetch(&p->slots[(uint32_t)h & p->mask]);
    unsigned k = (t->q_head + t->q_len++) % TOK_AHEAD;
    t->q[k].h = h;
    t->q[k].i = i;
    t->q[k].n = j - i;
    t->q[k].pos = pos;
    return rc;
}

#ifdef __SSE2__
/* Hands the plain words that lie wholly in the 64 bytes from i (which is
 * not inside a word) to fast_word, in order, and returns where the scalar
 * loop resumes: before the first word it cannot decide from the block (a
 * joiner or a non-ASCII byte next to it, or the block's end). A plain
 * word is what plain_end() accepts; most words of Latin-script news are
 * plain, and finding them 64 bytes at a time is what makes the analyzer
 * (and grep-style scans, with the gate) fast. */
static size_t block_words(tok *t, size_t i, int *rc) {
    uint64_t A, H, J;
    block_masks(t->s + i, &A, &H, &J);
    uint64_t usable = H ? (H & -H) - 1 : ~(uint64_t)0; /* before any high byte */
    uint64_t starts = A & ~(A << 1), ends = A & ~(A >> 1);
    size_t done = 0;
    *rc = 0;
    while (starts) {
        unsigned k = (unsigned)__builtin_ctzll(starts);
        unsigned e = (unsigned)__builtin_ctzll(ends >> k) + k; /* last byte */
        if (e >= 62 || !(usable >> (e + 1) & 1)) break;        /* may go on, or high */
        if ((J >> (e + 1) & 1) && ((A | H) >> (e + 2) & 1)) break; /* glued */
        if ((*rc = fast_word(t, i + k, i + e + 1))) break;
        done = e + 1;
        starts &= starts - 1;
    }
    return i + done;
}

/* Set bits of x. Without -mpopcnt, __builtin_popcountll is a libgcc call
 * (a twentieth of grep mode's time went to it), and the bit-twiddling
 * below was still 6% of grep mode's instructions: hw (a constant in each
 * of block_words_gated's two builds) picks the popcnt instruction where
 * the CPU has it. */
static inline unsigned popcount64(uint64_t x, bool hw) {
    if (hw) return (unsigned)__builtin_popcountll(x);
    x -= (x >> 1) & 0x5555555555555555ull;
    x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
    x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
    return (unsigned)((x * 0x0101010101010101ull) >> 56);
}

/* Positions n words after p, saturating like next_pos. */
static inline uint32_t pos_after(uint32_t p, unsigned n) {
    return p > UINT32_MAX - n ? UINT32_MAX : p + n;
}

/* Bit k set for the words starting at k (a bit of starts) that may pass
 * the gate: their first byte, lowercased, is a key's first byte and their
 * second (or any, for such keys) its second; or, judged like gate_word by
 * their first byte alone, one-letter words and words with a second 'y'.
 * A superset of the words gate_word lets pass, from a few compares per 16
 * bytes. */
static inline uint64_t block_eq(const __m128i l[4], uint8_t c) {
    const __m128i key = _mm_set1_epi8((char)c);
    /* unrolled by hand: gcc -O2 kept the loop and spilled l[] to memory */
    uint64_t m0 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(l[0], key));
    uint64_t m1 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(l[1], key));
    uint64_t m2 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(l[2], key));
    uint64_t m3 = (unsigned)_mm_movemask_epi8(_mm_cmpeq_epi8(l[3], key));
    return m0 | m1 << 16 | m2 << 32 | m3 << 48;
}

/* Each key's mask is built in registers from the lowered block (low, as
 * block_masks_low stored it; the loads are forwarded from those stores):
 * a loop over the blocks that or-ed into eq[] in memory, after zeroing it
 * (a rep stos), took a fifth of the tokenizer's samples in grep mode. */
static inline __attribute__((always_inline)) uint64_t
gate_keys(const ng_analyzer *a, const uint64_t eq[], uint64_t y, uint64_t starts,
          uint64_t ends) {
    uint64_t first = 0, cand;
    for (unsigned k = 0; k < a->gk_n_first; k++) first |= eq[a->gk_first[k]];
    cand = first & (ends | y >> 1);
    for (unsigned k = 0; k < a->gk_n_pairs; k++) {
        unsigned second = a->gk_pairs[k][1];
        uint64_t next = second == NGI_GK_ANY ? ~(uint64_t)0 : eq[second] >> 1;
        cand |= eq[a->gk_pairs[k][0]] & next;
    }
    return cand & starts;
}

static inline __attribute__((always_inline)) uint64_t
gate_cands(const ng_analyzer *a, const uint8_t *low, uint64_t starts, uint64_t ends) {
    __m128i l[4];
    for (int b = 0; b < 4; b++)
        l[b] = _mm_load_si128((const __m128i *)(const void *)(low + 16 * b));
    uint64_t eq[NGI_GK_BYTES];
    for (unsigned k = 0; k < a->gk_n_bytes; k++) eq[k] = block_eq(l, a->gk_bytes[k]);
    return gate_keys(a, eq, block_eq(l, 'y'), starts, ends);
}

/* block_masks_l, storing the lowered bytes to low[0, 64) (32-byte aligned). */
static inline __attribute__((always_inline)) void
block_masks_low(const uint8_t *s, uint64_t *A, uint64_t *H, uint64_t *J, uint8_t *low) {
    __m128i l[4];
    block_masks_l(s, A, H, J, l);
    for (int b = 0; b < 4; b++) _mm_store_si128((__m128i *)(void *)(low + 16 * b), l[b]);
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* The same with AVX2, 32 bytes a compare (built for CPUs that have it,
 * picked at run time: the SSE2 compares and movemasks of 64 bytes were a
 * fifth of grep mode's instructions). */
__attribute__((target("avx2"))) static inline void
block_masks_low_avx2(const uint8_t *s, uint64_t *A, uint64_t *H, uint64_t *J,
                     uint8_t *low) {
    const __m256i lower = _mm256_set1_epi8(0x20);
    const __m256i a_lo = _mm256_set1_epi8((char)('a' + 128));
    const __m256i a_n = _mm256_set1_epi8((char)(26 - 128));
    const __m256i d_lo = _mm256_set1_epi8((char)('0' + 128));
    const __m256i d_n = _mm256_set1_epi8((char)(10 - 128));
    uint64_t al = 0, hi = 0, jo = 0;
    for (int b = 0; b < 2; b++) {
        __m256i v = _mm256_loadu_si256((const __m256i *)(const void *)(s + 32 * b));
        __m256i l = _mm256_or_si256(v, lower);
        _mm256_store_si256((__m256i *)(void *)(low + 32 * b), l);
        __m256i is_a = _mm256_cmpgt_epi8(a_n, _mm256_sub_epi8(l, a_lo));
        __m256i is_d = _mm256_cmpgt_epi8(d_n, _mm256_sub_epi8(v, d_lo));
        __m256i is_j =
            _mm256_or_si256(_mm256_or_si256(_mm256_cmpeq_epi8(v, _mm256_set1_epi8('\'')),
                                            _mm256_cmpeq_epi8(v, _mm256_set1_epi8('.'))),
                            _mm256_cmpeq_epi8(v, _mm256_set1_epi8(',')));
        al |= (uint64_t)(uint32_t)_mm256_movemask_epi8(_mm256_or_si256(is_a, is_d))
              << (32 * b);
        hi |= (uint64_t)(uint32_t)_mm256_movemask_epi8(v) << (32 * b);
        jo |= (uint64_t)(uint32_t)_mm256_movemask_epi8(is_j) << (32 * b);
    }
    *A = al;
    *H = hi;
    *J = jo;
}

__attribute__((target("avx2"))) static inline uint64_t block_eq_avx2(const __m256i l[2],
                                                                     uint8_t c) {
    const __m256i key = _mm256_set1_epi8((char)c);
    uint64_t m0 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(l[0], key));
    uint64_t m1 = (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(l[1], key));
    return m0 | m1 << 32;
}

__attribute__((target("avx2"))) static inline uint64_t
gate_cands_avx2(const ng_analyzer *a, const uint8_t *low, uint64_t starts,
                uint64_t ends) {
    __m256i l[2];
    for (int b = 0; b < 2; b++)
        l[b] = _mm256_load_si256((const __m256i *)(const void *)(low + 32 * b));
    uint64_t eq[NGI_GK_BYTES];
    for (unsigned k = 0; k < a->gk_n_bytes; k++) eq[k] = block_eq_avx2(l, a->gk_bytes[k]);
    return gate_keys(a, eq, block_eq_avx2(l, 'y'), starts, ends);
}
#define HAVE_ISA_BUILDS 1
#endif

/* The bytes of a word of 1..NGI_STOPWORD_MAX bytes, by its length. */
static const uint64_t short_mask[NGI_STOPWORD_MAX + 1] = {
    0, 0xff, 0xffff, 0xffffff, 0xffffffff, 0xffffffffffull};

/* Bit k set for the short words of `shorts` (starting at k, ending at the
 * next bit of ends) that are stopwords. low holds the block's 64 bytes
 * lowercased (| 0x20, digits unchanged) and 8 zero bytes after them, so
 * that one load serves every word (the word's own bytes are kept by
 * short_mask, as plain_stopword keeps them). This test of each short
 * word was the tokenizer's hottest loop in grep mode: plain_stopword's
 * length-dependent mask, its two 32-bit loads and its end-of-text check
 * cost ~40 instructions a word. */
static inline uint64_t block_stopwords(const uint8_t *low, uint64_t shorts,
                                       uint64_t ends) {
    uint64_t stop = 0;
    for (; shorts; shorts &= shorts - 1) {
        unsigned k = (unsigned)__builtin_ctzll(shorts);
        unsigned n = (unsigned)__builtin_ctzll(ends >> k) + 1;
        uint64_t v;
        memcpy(&v, low + k, 8); /* SSE2 is x86: little-endian, like the packing */
        v &= short_mask[n];
        stop |= (uint64_t)ngi_stopword_packed(v) << k;
    }
    return stop;
}

/* block_words with the gate on: the plain words of the block are found
 * as block_words finds them, but all at once: the words no key can pass
 * are counted by popcount (stopwords, found among the short ones,
 * excepted), and only the others go through fast_word. Same tokens,
 * positions and counts as block_words. This is grep mode's inner loop. */
static inline __attribute__((always_inline)) size_t
block_words_gated_(tok *t, size_t i, int *rc, bool hw, bool avx2) {
    ng_analyzer *a = t->a;
    const uint8_t *s = t->s + i;
    uint64_t A, H, J;
    /* the block lowercased, and 8 zero bytes for block_stopwords' loads */
    _Alignas(32) uint8_t low[64 + 32];
#ifdef HAVE_ISA_BUILDS
    if (avx2)
        block_masks_low_avx2(s, &A, &H, &J, low);
    else
#endif
        block_masks_low(s, &A, &H, &J, low);
    *rc = 0;
    if (!A && !H) return i + 64; /* separators and unglued joiners only */
    uint64_t usable = H ? (H & -H) - 1 : ~(uint64_t)0; /* before any high byte */
    uint64_t starts = A & ~(A << 1), ends = A & ~(A >> 1);
    /* Words block_words stops at: they may go on past the block, touch a
     * high byte, or are glued by a joiner to what follows. */
    uint64_t bad = ends & ((uint64_t)3 << 62 | ~(usable >> 1) | (J >> 1 & (A | H) >> 2));
    uint64_t good = starts;
    if (bad) {
        unsigned fb = (unsigned)__builtin_ctzll(bad);
        uint64_t upto = starts & (fb == 63 ? ~(uint64_t)0 : ((uint64_t)2 << fb) - 1);
        unsigned sb = 63u - (unsigned)__builtin_clzll(upto); /* the bad word's start */
        good = starts & (((uint64_t)1 << sb) - 1);
    }
    if (!good) { /* the first word is troublesome, or a high byte comes first */
        t->stall =
            bad ? (size_t)__builtin_ctzll(bad) + 1 : (size_t)__builtin_ctzll(H) + 1;
        return i;
    }
    unsigned last = 63u - (unsigned)__builtin_clzll(good);
    size_t done = (size_t)__builtin_ctzll(ends >> last) + last + 1;
    uint64_t cand, stop = 0;
#ifdef HAVE_ISA_BUILDS
    if (avx2)
        cand = gate_cands_avx2(a, low, good, ends);
    else
#endif
        cand = gate_cands(a, low, good, ends);
    if (a->stop_en) {
        uint64_t shorts =
            good & ~cand & (ends | ends >> 1 | ends >> 2 | ends >> 3 | ends >> 4);
        memset(low + 64, 0, 8);
        stop = block_stopwords(low, shorts, ends);
    }
    uint32_t base = t->pos;
    for (uint64_t c = cand; c; c &= c - 1) {
        unsigned k = (unsigned)__builtin_ctzll(c);
        unsigned e = (unsigned)__builtin_ctzll(ends >> k) + k;
        t->pos = pos_after(base, popcount64(starts & (((uint64_t)1 << k) - 1), hw));
        if ((*rc = fast_word(t, i + k, i + e + 1))) return i;
    }
    uint64_t gated = good & ~cand & ~stop;
    if (gated) {
        unsigned g = 63u - (unsigned)__builtin_clzll(gated);
        uint32_t p = pos_after(base, popcount64(starts & (((uint64_t)1 << g) - 1), hw));
        a->gated += popcount64(gated, hw);
        if (p > a->gated_last) a->gated_last = p;
    }
    t->pos = pos_after(base, popcount64(good, hw));
    return i + done;
}

/* block_words_gated_ built three times: SSE2 only, with popcnt, and with
 * AVX2 and popcnt; the best the CPU has is picked once per tokenize call
 * (__builtin_cpu_supports reads a word libgcc filled in at start-up). */
enum { ISA_SSE2, ISA_POPCNT, ISA_AVX2 };

static size_t block_words_gated_sw(tok *t, size_t i, int *rc) {
    return block_words_gated_(t, i, rc, false, false);
}

#ifdef HAVE_ISA_BUILDS
__attribute__((target("popcnt"))) static size_t block_words_gated_hw(tok *t, size_t i,
                                                                     int *rc) {
    return block_words_gated_(t, i, rc, true, false);
}

__attribute__((target("avx2,popcnt"))) static size_t
block_words_gated_avx2(tok *t, size_t i, int *rc) {
    return block_words_gated_(t, i, rc, true, true);
}
#endif

static inline size_t block_words_gated(tok *t, size_t i, int *rc, int isa) {
#ifdef HAVE_ISA_BUILDS
    if (isa == ISA_AVX2) return block_words_gated_avx2(t, i, rc);
    if (isa == ISA_POPCNT) return block_words_gated_hw(t, i, rc);
#else
    (void)isa;
#endif
    return block_words_gated_sw(t, i, rc);
}

/* The best build of block_words_gated_ for this CPU, within the test
 * switches of the analyzer. */
static int gate_isa(const ng_analyzer *a) {
#ifdef HAVE_ISA_BUILDS
    if (a->gate_no_popcnt || !__builtin_cpu_supports("popcnt")) return ISA_SSE2;
    if (a->gate_no_avx2 || !__builtin_cpu_supports("avx2")) return ISA_POPCNT;
    return ISA_AVX2;
#else
    (void)a;
    return ISA_SSE2;
#endif
}
#endif

int ng_analyzer_tokenize(ng_analyzer *a, const char *text, size_t len,
                         uint32_t first_position, ng_token_fn fn, void *ctx) {
    if (!a || !fn || (!text && len)) return NG_EINVAL;
    tok t = {a, (const uint8_t *)text, len, first_position, fn, ctx, 64, 0, 0, {{0}}};
    a->gated = a->gated_last = 0;
    const uint8_t *s = t.s;
    size_t i = 0, scalar_until = 0; /* block_words failed: scalar until */
#ifdef __SSE2__
    int isa = a->gate_on && a->gate_simd ? gate_isa(a) : 0;
#endif
    while (i < len) {
        uint8_t c = s[i];
        int rc;
#ifdef __SSE2__
        if (i >= scalar_until && len - i >= 64 && c < 0x80 &&
            !(i && alnum_flags[s[i - 1]])) {
            size_t next = a->gate_on && a->gate_simd ? block_words_gated(&t, i, &rc, isa)
                                                     : block_words(&t, i, &rc);
            if (rc) return rc;
            if (next == i) scalar_until = i + (a->gate_on && a->gate_simd ? t.stall : 64);
            i = next;
            continue;
        }
#endif
        if (c < 0x80) {
            if (!alnum_flags[c]) {
                i++;
                continue;
            }
            size_t j = alnum_end(s, i + 1, len);
            if (plain_end(&t, j)) {
                rc = fast_word(&t, i, j);
                i = j;
            } else if (!(rc = q_drain(&t))) {
                rc = scan_word(&t, i, &i);
            }
        } else {
            uint32_t cp;
            size_t n;
            int cls = char_at(&t, i, &cp, &n);
            if (cls == C_BAD) a->invalid_bytes++;
            if (starts_word(cls)) {
                if (!(rc = q_drain(&t))) rc = scan_word(&t, i, &i);
            } else if (cls == C_CJK) {
                if (!(rc = q_drain(&t))) rc = scan_cjk(&t, i, &i);
            } else {
                i += n;
                continue;
            }
        }
        if (rc) return rc;
    }
    return q_drain(&t);
}
