/*
 * charset.c — Latin-1 / Windows-1252 text told apart from UTF-8 and
 * converted to it (charset.h), and the public ng_text_to_utf8 over it,
 * which the command's readers use too: one rule for every caller. A table,
 * not iconv, so that the library needs no converter and cannot fail but
 * for memory (tests/unit/extract/test_charset.c checks it against iconv).
 */
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "extract/charset.h"

size_t ngi_utf8_char(const char *s, size_t len) {
    unsigned char c = (unsigned char)s[0];
    size_t n = c < 0x80         ? 1
               : (c >> 5) == 6  ? 2
               : (c >> 4) == 14 ? 3
               : (c >> 3) == 30 ? 4
                                : 0;
    if (!n || n > len || c == 0) return 0;
    for (size_t k = 1; k < n; k++)
        if (((unsigned char)s[k] & 0xC0) != 0x80) return 0;
    if (n == 1) return 1;
    unsigned cp = c & (0x7F >> n);
    for (size_t k = 1; k < n; k++) cp = (cp << 6) | ((unsigned char)s[k] & 0x3F);
    bool overlong =
        (n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000);
    if (overlong || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return 0;
    return n;
}

/* The first byte >= 0x80 at or after i, or len. Grep mode runs every
 * JSONL line through ngi_looks_cp1252, and most of a line is ASCII: 32
 * bytes a step with SSE2 (it was 8 bytes a step, 4% of grep mode's CPU
 * on wikipedia_en). */
static size_t skip_ascii(const char *s, size_t i, size_t len) {
#ifdef __SSE2__
    while (len - i >= 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(const void *)(s + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(const void *)(s + i + 16));
        unsigned m = (unsigned)_mm_movemask_epi8(_mm_or_si128(a, b));
        if (m) {
            unsigned ma = (unsigned)_mm_movemask_epi8(a);
            return i + (ma ? (size_t)__builtin_ctz(ma)
                           : 16 + (size_t)__builtin_ctz((unsigned)_mm_movemask_epi8(b)));
        }
        i += 32;
    }
#endif
    while (i + 8 <= len) {
        uint64_t x;
        memcpy(&x, s + i, 8);
        if (x & 0x8080808080808080ull) break;
        i += 8;
    }
    while (i < len && (unsigned char)s[i] < 0x80) i++;
    return i;
}

bool ngi_looks_cp1252(const char *s, size_t len) {
    size_t multibyte = 0, invalid = 0;
    for (size_t i = 0; i < len;) {
        if ((unsigned char)s[i] < 0x80) { /* ASCII: the common case */
            i = skip_ascii(s, i + 1, len);
            continue;
        }
        size_t n = ngi_utf8_char(s + i, len - i);
        if (n)
            multibyte++, i += n;
        else
            invalid++, i++;
    }
    /* A UTF-8 text with a few damaged bytes stays UTF-8; Latin-1 text
     * forms a valid sequence only by accident ("Ã" then "©"), rarely. */
    return invalid > 0 && multibyte <= invalid / 8;
}

/* Windows-1252 0x80..0x9F; 0xFFFD for the five bytes it leaves undefined.
 * 0xA0..0xFF are U+00A0..U+00FF (Latin-1). */
static const uint16_t c1_chars[32] = {
    0x20AC, 0xFFFD, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0xFFFD, 0x017D, 0xFFFD,
    0xFFFD, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0xFFFD, 0x017E, 0x0178};

int ngi_cp1252_to_utf8(const char *s, size_t len, ngi_buf *out) {
    if (len > (SIZE_MAX - 1) / 3 || ngi_buf_reserve(out, len * 3 + 1) != 0)
        return NG_ENOMEM; /* at most 3 bytes a character */
    uint8_t *o = out->data + out->len;
    for (size_t i = 0; i < len; i++) {
        unsigned c = (unsigned char)s[i];
        if (c >= 0x80 && c < 0xA0) c = c1_chars[c - 0x80];
        if (c < 0x80) {
            *o++ = (uint8_t)c;
        } else if (c < 0x800) {
            *o++ = (uint8_t)(0xC0 | c >> 6);
            *o++ = (uint8_t)(0x80 | (c & 0x3F));
        } else {
            *o++ = (uint8_t)(0xE0 | c >> 12);
            *o++ = (uint8_t)(0x80 | (c >> 6 & 0x3F));
            *o++ = (uint8_t)(0x80 | (c & 0x3F));
        }
    }
    out->len = (size_t)(o - out->data);
    return 0;
}

/* True when s[0..len) has a byte that is not part of a valid UTF-8
 * character, or a NUL (NG_TEXT_REPLACE changes both). */
static bool needs_replace(const char *s, size_t len) {
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c && c < 0x80 ? 1 : ngi_utf8_char(s + i, len - i);
        if (!n) return true;
        i += n;
    }
    return false;
}

/* Appends s[0..len) to out with each invalid byte and NUL as U+FFFD. */
static int replace_invalid(const char *s, size_t len, ngi_buf *out) {
    if (len > (SIZE_MAX - 1) / 3 || ngi_buf_reserve(out, len * 3 + 1) != 0)
        return NG_ENOMEM; /* a byte becomes 3 at most */
    uint8_t *o = out->data + out->len;
    for (size_t i = 0; i < len;) {
        size_t n = ngi_utf8_char(s + i, len - i);
        if (n) {
            memcpy(o, s + i, n);
            o += n, i += n;
        } else {
            memcpy(o, "\xEF\xBF\xBD", 3);
            o += 3, i++;
        }
    }
    out->len = (size_t)(o - out->data);
    return 0;
}

/* Replaces the text in *b (or data, when b is empty) by its repaired copy
 * when it needs one. */
static int replace_pass(const char *data, size_t len, ngi_buf *b) {
    const char *s = b->data ? (const char *)b->data : data;
    size_t n = b->data ? b->len : len;
    if (!needs_replace(s, n)) return 0;
    ngi_buf r = NGI_BUF_INIT;
    if (replace_invalid(s, n, &r) != 0) return NG_ENOMEM;
    ngi_buf_free(b);
    *b = r;
    return 0;
}

int ng_text_to_utf8(const char *data, size_t len, unsigned flags, char **out,
                    size_t *out_len, int *encoding) {
    if (out) *out = NULL;
    if (out_len) *out_len = 0;
    if (encoding) *encoding = NG_TEXT_UTF8;
    if (!out || !out_len || (!data && len) ||
        (flags & ~(unsigned)(NG_TEXT_REPLACE | NG_TEXT_UTF8_ONLY)))
        return NG_EINVAL;
    ngi_buf b = NGI_BUF_INIT;
    bool cp1252 = !(flags & NG_TEXT_UTF8_ONLY) && len && ngi_looks_cp1252(data, len);
    int rc = cp1252 ? ngi_cp1252_to_utf8(data, len, &b) : 0;
    if (rc == 0 && (flags & NG_TEXT_REPLACE)) rc = replace_pass(data, len, &b);
    if (rc == 0 && b.data) rc = ngi_buf_reserve(&b, 1);
    if (rc != 0) {
        ngi_buf_free(&b);
        return rc;
    }
    if (encoding && cp1252) *encoding = NG_TEXT_CP1252;
    *out_len = b.data ? b.len : len;
    if (!b.data) return 0;
    b.data[b.len] = 0;
    *out = (char *)ngi_buf_steal(&b);
    return 0;
}

void ng_text_free(char *text) {
    ngi_free(text);
}
