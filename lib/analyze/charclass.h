/* Character classes of the tokenizer: the byte tables, UTF-8 decoding
 * and the Unicode classes of code points. Included only by tokenizer.c,
 * whose per-character loops must inline them (no LTO here). The functions
 * keep the storage class they had there: adding `inline` to the plain
 * static ones changes gcc's inlining choices, and as they are the object
 * code of tokenizer.c is the same as before the split. */
#ifndef NGI_ANALYZE_CHARCLASS_H
#define NGI_ANALYZE_CHARCLASS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <utf8proc.h>

/* Character classes. */
enum {
    C_SEP = 0, /* separator (also invalid bytes inside a word scan) */
    C_WORD,    /* letter, or ASCII digit */
    C_WNUM,    /* non-ASCII number (Nd, Nl, No) */
    C_MARK,    /* combining mark */
    C_CJK,     /* Han, Hiragana, Katakana or Hangul letter */
    C_IGN,     /* default-ignorable format character (dropped in words) */
    C_APOS,    /* ' or U+2019 */
    C_DOT,     /* . */
    C_COMMA,   /* , */
    C_BAD      /* invalid UTF-8 byte */
};

#define S C_SEP
#define W C_WORD
#define A C_APOS
#define D C_DOT
#define C C_COMMA
static const uint8_t ascii_cls[128] = {
    S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S, S,
    S, S, S, S, S, S, S, S, S, S, S, S, S, A, S, S, S, S, C, S, D, S, W, W, W, W,
    W, W, W, W, W, W, S, S, S, S, S, S, S, W, W, W, W, W, W, W, W, W, W, W, W, W,
    W, W, W, W, W, W, W, W, W, W, W, W, W, S, S, S, S, S, S, W, W, W, W, W, W, W,
    W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, W, S, S, S, S, S,
};
#undef S
#undef W
#undef A
#undef D
#undef C

/* Flags of ASCII letters and digits for the word scanning loop (256
 * entries so that any byte indexes it; bytes >= 0x80 have none). */
enum { F_DIGIT = 1, F_ALPHA = 2 };
#define N F_DIGIT
#define L F_ALPHA
static const uint8_t alnum_flags[256] = {
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, N, N, N, N,
    N, N, N, N, N, N, 0, 0, 0, 0, 0, 0, 0, L, L, L, L, L, L, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0, 0, L, L, L, L, L, L, L,
    L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, L, 0, 0, 0, 0, 0,
};
#undef N
#undef L

static inline bool is_ascii_digit(uint8_t c) {
    return (unsigned)(c - '0') < 10u;
}

/* ---------------------------------------------------------------------
 * Decoding and classification.
 * ------------------------------------------------------------------- */

/* Decodes the sequence at s (n >= 1 bytes available, s[0] >= 0x80).
 * Returns its length, or 0 when s[0] does not start a valid sequence. */
static size_t utf8_decode(const uint8_t *s, size_t n, uint32_t *cp) {
    uint8_t c = s[0];
    if (c < 0xC2) return 0; /* continuation byte, or overlong C0/C1 */
    if (c < 0xE0) {
        if (n < 2 || (s[1] & 0xC0) != 0x80) return 0;
        *cp = ((uint32_t)(c & 0x1F) << 6) | (s[1] & 0x3F);
        return 2;
    }
    if (c < 0xF0) {
        if (n < 3 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80) return 0;
        if (c == 0xE0 && s[1] < 0xA0) return 0;  /* overlong */
        if (c == 0xED && s[1] >= 0xA0) return 0; /* surrogate */
        *cp =
            ((uint32_t)(c & 0x0F) << 12) | ((uint32_t)(s[1] & 0x3F) << 6) | (s[2] & 0x3F);
        return 3;
    }
    if (c > 0xF4 || n < 4 || (s[1] & 0xC0) != 0x80 || (s[2] & 0xC0) != 0x80 ||
        (s[3] & 0xC0) != 0x80)
        return 0;
    if (c == 0xF0 && s[1] < 0x90) return 0;  /* overlong */
    if (c == 0xF4 && s[1] >= 0x90) return 0; /* above U+10FFFF */
    *cp = ((uint32_t)(c & 0x07) << 18) | ((uint32_t)(s[1] & 0x3F) << 12) |
          ((uint32_t)(s[2] & 0x3F) << 6) | (s[3] & 0x3F);
    return 4;
}

/* Han, Hiragana, Katakana and Hangul blocks (letters in them are C_CJK). */
static bool in_cjk_block(uint32_t cp) {
    if (cp < 0x1100) return false;
    return (cp <= 0x11FF) ||                 /* Hangul Jamo */
           (cp >= 0x3005 && cp <= 0x3007) || /* 々 〆 〇 */
           (cp >= 0x3021 && cp <= 0x3029) || /* Hangzhou numerals */
           (cp >= 0x3038 && cp <= 0x303C) ||
           (cp >= 0x3041 && cp <= 0x30FF) ||   /* Hiragana, Katakana */
           (cp >= 0x3131 && cp <= 0x318E) ||   /* Hangul compat. Jamo */
           (cp >= 0x31F0 && cp <= 0x31FF) ||   /* Katakana ext. */
           (cp >= 0x3400 && cp <= 0x4DBF) ||   /* CJK ext. A */
           (cp >= 0x4E00 && cp <= 0x9FFF) ||   /* CJK unified */
           (cp >= 0xA960 && cp <= 0xA97F) ||   /* Hangul Jamo ext. A */
           (cp >= 0xAC00 && cp <= 0xD7FF) ||   /* Hangul syllables, ext. B */
           (cp >= 0xF900 && cp <= 0xFAFF) ||   /* CJK compatibility */
           (cp >= 0xFF66 && cp <= 0xFFDC) ||   /* halfwidth kana, Hangul */
           (cp >= 0x1B000 && cp <= 0x1B16F) || /* kana supplement, ext. */
           (cp >= 0x20000 && cp <= 0x3134F);   /* CJK ext. B..G */
}

/* CJK letters that continue the previous character rather than start one:
 * halfwidth (semi-)voiced marks and conjoining Hangul vowels/finals. */
static bool cjk_extender(uint32_t cp) {
    return cp == 0xFF9E || cp == 0xFF9F || (cp >= 0x1160 && cp <= 0x11FF) ||
           (cp >= 0xD7B0 && cp <= 0xD7FF);
}

/* Default-ignorable format characters that may sit inside a word. */
static bool ignorable_in_word(uint32_t cp) {
    return cp == 0x00AD || cp == 0x200C || cp == 0x200D || cp == 0x2060 || cp == 0xFEFF;
}

/* Scripts whose marks are diacritics (stripped): see TOKEN RULES. */
static bool marks_are_diacritics(uint32_t cp) {
    return cp < 0x0700 || /* Latin..Cyrillic, Hebrew, Arabic */
           (cp >= 0x0750 && cp <= 0x077F) || (cp >= 0x08A0 && cp <= 0x08FF) ||
           (cp >= 0x1AB0 && cp <= 0x1AFF) || /* combining marks ext. */
           (cp >= 0x1D00 && cp <= 0x1FFF) || /* phonetic, Latin/Greek ext. */
           (cp >= 0x20D0 && cp <= 0x20FF) || (cp >= 0x2C60 && cp <= 0x2C7F) ||
           (cp >= 0xA720 && cp <= 0xA7FF) || (cp >= 0xFB00 && cp <= 0xFDFF) ||
           (cp >= 0xFE20 && cp <= 0xFE2F) || (cp >= 0xFE70 && cp <= 0xFFEF);
}

static int classify(uint32_t cp) {
    if (cp == 0x2019) return C_APOS;
    switch (utf8proc_category((utf8proc_int32_t)cp)) {
    case UTF8PROC_CATEGORY_LU:
    case UTF8PROC_CATEGORY_LL:
    case UTF8PROC_CATEGORY_LT:
    case UTF8PROC_CATEGORY_LM:
    case UTF8PROC_CATEGORY_LO: return in_cjk_block(cp) ? C_CJK : C_WORD;
    case UTF8PROC_CATEGORY_ND:
    case UTF8PROC_CATEGORY_NL:
    case UTF8PROC_CATEGORY_NO: return in_cjk_block(cp) ? C_CJK : C_WNUM;
    case UTF8PROC_CATEGORY_MN:
    case UTF8PROC_CATEGORY_MC:
    case UTF8PROC_CATEGORY_ME: return C_MARK;
    case UTF8PROC_CATEGORY_CF: return ignorable_in_word(cp) ? C_IGN : C_SEP;
    default: return C_SEP;
    }
}

/* One CJK character (with its marks and extenders) is NFKC-stable when it
 * is a single code point of these ranges: copy it as it is. */
static bool cjk_stable(uint32_t cp) {
    return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
           (cp >= 0x3041 && cp <= 0x3096) || (cp >= 0x30A1 && cp <= 0x30FA) ||
           cp == 0x30FC || (cp >= 0xAC00 && cp <= 0xD7A3) ||
           (cp >= 0x20000 && cp <= 0x2A6DF);
}

/* End of the run of ASCII letters and digits starting at j: 16 bytes at
 * a time with SSE2 where available (most words end in the first block). */
static inline size_t alnum_end(const uint8_t *s, size_t j, size_t len) {
#ifdef __SSE2__
    /* x in [lo, lo + n) as bytes <=> (int8)(x - (lo + 128)) < n - 128. */
    const __m128i lower = _mm_set1_epi8(0x20);
    const __m128i a_lo = _mm_set1_epi8((char)('a' + 128));
    const __m128i a_n = _mm_set1_epi8((char)(26 - 128));
    const __m128i d_lo = _mm_set1_epi8((char)('0' + 128));
    const __m128i d_n = _mm_set1_epi8((char)(10 - 128));
    while (len - j >= 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + j));
        __m128i l = _mm_or_si128(v, lower);
        __m128i is_a = _mm_cmplt_epi8(_mm_sub_epi8(l, a_lo), a_n);
        __m128i is_d = _mm_cmplt_epi8(_mm_sub_epi8(v, d_lo), d_n);
        unsigned m = ~(unsigned)_mm_movemask_epi8(_mm_or_si128(is_a, is_d)) & 0xFFFFu;
        if (m) return j + (size_t)__builtin_ctz(m);
        j += 16;
    }
#endif
    while (j < len && alnum_flags[s[j]]) j++;
    return j;
}

static inline uint8_t ascii_lower(uint8_t c) {
    return (unsigned)(c - 'A') < 26u ? (uint8_t)(c + 32) : c;
}

#ifdef __SSE2__
/* Masks of 64 bytes at s: bit k of *alnum for an ASCII letter or digit at
 * s[k], of *high for a byte >= 0x80, of *joiner for ' . or ,. With
 * lowered, also the 64 bytes or-ed with 0x20 (ASCII letters lowercased),
 * which the gate and the stopword test reuse instead of loading again. */
static inline void block_masks_l(const uint8_t *s, uint64_t *alnum, uint64_t *high,
                                 uint64_t *joiner, __m128i *lowered) {
    const __m128i lower = _mm_set1_epi8(0x20);
    const __m128i a_lo = _mm_set1_epi8((char)('a' + 128));
    const __m128i a_n = _mm_set1_epi8((char)(26 - 128));
    const __m128i d_lo = _mm_set1_epi8((char)('0' + 128));
    const __m128i d_n = _mm_set1_epi8((char)(10 - 128));
    *alnum = *high = *joiner = 0;
    for (int b = 0; b < 4; b++) {
        __m128i v = _mm_loadu_si128((const __m128i *)(const void *)(s + 16 * b));
        __m128i l = _mm_or_si128(v, lower);
        if (lowered) lowered[b] = l;
        if (lowered) lowered[b] = l;
        __m128i is_a = _mm_cmplt_epi8(_mm_sub_epi8(l, a_lo), a_n);
        __m128i is_d = _mm_cmplt_epi8(_mm_sub_epi8(v, d_lo), d_n);
        __m128i is_j = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('\'')),
                                                 _mm_cmpeq_epi8(v, _mm_set1_epi8('.'))),
                                    _mm_cmpeq_epi8(v, _mm_set1_epi8(',')));
        *alnum |= (uint64_t)(unsigned)_mm_movemask_epi8(_mm_or_si128(is_a, is_d))
                  << (16 * b);
        *high |= (uint64_t)(unsigned)_mm_movemask_epi8(v) << (16 * b);
        *joiner |= (uint64_t)(unsigned)_mm_movemask_epi8(is_j) << (16 * b);
    }
}

static inline void block_masks(const uint8_t *s, uint64_t *alnum, uint64_t *high,
                               uint64_t *joiner) {
    block_masks_l(s, alnum, high, joiner, NULL);
}
#endif

#endif
