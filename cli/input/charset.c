/*
 * charset.c — text that is not UTF-8. Old archives and pages without a
 * declared charset are often Latin-1 or Windows-1252 (its superset); read
 * as UTF-8 their accented letters are invalid bytes ("Café" indexed as
 * "caf"). These helpers tell the two apart and convert with glibc's iconv.
 */
#include <errno.h>
#include <iconv.h>
#include <string.h>

#include "ingest.h"

size_t ngc_utf8_char(const char *s, size_t len) {
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

bool ngc_looks_cp1252(const char *s, size_t len) {
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
        size_t n = ngc_utf8_char(s + i, len - i);
        if (n)
            multibyte++, i += n;
        else
            invalid++, i++;
    }
    /* A UTF-8 text with a few damaged bytes stays UTF-8; Latin-1 text
     * forms a valid sequence only by accident ("Ã" then "©"), rarely. */
    return invalid > 0 && multibyte <= invalid / 8;
}

int ngc_cp1252_to_utf8(const char *s, size_t len, ngc_buf *out) {
    iconv_t cd = iconv_open("UTF-8", "WINDOWS-1252");
    if (cd == (iconv_t)-1) return -1;
    out->len = 0;
    char *in = (char *)(uintptr_t)s;
    size_t left = len;
    int rc = 0;
    while (left && rc == 0) {
        if (ngc_buf_reserve(out, left * 3 + 4) < 0) {
            rc = -1;
            break;
        }
        char *o = out->data + out->len;
        size_t room = out->cap - out->len;
        size_t r = iconv(cd, &in, &left, &o, &room);
        out->len = (size_t)(o - out->data);
        if (r == (size_t)-1 && errno == EILSEQ) { /* 0x81 0x8D 0x8F 0x90 0x9D */
            rc = ngc_buf_add(out, "\xEF\xBF\xBD", 3);
            in++, left--;
        } else if (r == (size_t)-1 && errno != E2BIG) {
            rc = -1;
        }
    }
    iconv_close(cd);
    return rc;
}
