/*
 * buf.c — the growable byte buffer.
 */
#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "le.h"
#include "varint.h"

void ngi_buf_init(ngi_buf *b) {
    b->data = NULL;
    b->len = b->cap = 0;
}

void ngi_buf_free(ngi_buf *b) {
    ngi_free(b->data);
    ngi_buf_init(b);
}

int ngi_buf_reserve(ngi_buf *b, size_t extra) {
    if (extra <= b->cap - b->len) return 0;
    if (extra > SIZE_MAX / 2 - b->len) return NG_ENOMEM;
    size_t want = b->len + extra;
    size_t cap = b->cap ? b->cap : 64;
    while (cap < want) cap *= 2;
    uint8_t *d = ngi_realloc(b->data, cap);
    if (!d) return NG_ENOMEM;
    b->data = d;
    b->cap = cap;
    return 0;
}

int ngi_buf_append(ngi_buf *b, const void *data, size_t len) {
    if (len == 0) return 0;
    if (ngi_buf_reserve(b, len)) return NG_ENOMEM;
    memcpy(b->data + b->len, data, len);
    b->len += len;
    return 0;
}

int ngi_buf_append_u8(ngi_buf *b, uint8_t v) {
    if (ngi_buf_reserve(b, 1)) return NG_ENOMEM;
    b->data[b->len++] = v;
    return 0;
}

int ngi_buf_append_le32(ngi_buf *b, uint32_t v) {
    if (ngi_buf_reserve(b, 4)) return NG_ENOMEM;
    ngi_store_le32(b->data + b->len, v);
    b->len += 4;
    return 0;
}

int ngi_buf_append_le64(ngi_buf *b, uint64_t v) {
    if (ngi_buf_reserve(b, 8)) return NG_ENOMEM;
    ngi_store_le64(b->data + b->len, v);
    b->len += 8;
    return 0;
}

int ngi_buf_append_vbyte(ngi_buf *b, uint64_t v) {
    if (ngi_buf_reserve(b, NGI_VBYTE_MAX)) return NG_ENOMEM;
    b->len += ngi_vbyte_put(b->data + b->len, v);
    return 0;
}

int ngi_buf_append_str(ngi_buf *b, const char *s, size_t n) {
    if (ngi_buf_reserve(b, n + 1)) return NG_ENOMEM;
    memcpy(b->data + b->len, s, n);
    b->data[b->len + n] = '\0';
    b->len += n + 1;
    return 0;
}

int ngi_buf_printf(ngi_buf *b, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) return NG_EINVAL;
    if (ngi_buf_reserve(b, (size_t)n + 1)) return NG_ENOMEM;
    va_start(ap, fmt);
    vsnprintf((char *)b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return 0;
}
