/*
 * charset.c — Latin-1 / Windows-1252 text told apart from UTF-8 and
 * converted to it (charset.h). The same rules as the CLI's
 * cli/input/charset.c, which converts with iconv; here a table, so that
 * the library needs no converter and cannot fail but for memory.
 */
#include <stdint.h>
#include <string.h>

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

bool ngi_looks_cp1252(const char *s, size_t len) {
    size_t multibyte = 0, invalid = 0;
    for (size_t i = 0; i < len;) {
        if ((unsigned char)s[i] < 0x80) { /* ASCII: the common case, */
            i++;                          /* skipped 8 bytes at a time */
            while (i + 8 <= len) {
                uint64_t x;
                memcpy(&x, s + i, 8);
                if (x & 0x8080808080808080ull) break;
                i += 8;
            }
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
