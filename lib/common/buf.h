/*
 * buf.h — the one growable byte buffer of the project. Appends grow
 * geometrically; a failed growth leaves the buffer as it was and returns
 * NG_ENOMEM. Scratch buffers are reused with ngi_buf_reset (keeps memory).
 */
#ifndef NG_BUF_H
#define NG_BUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "common.h"

typedef struct ngi_buf {
    uint8_t *data; /* bytes [0, len) are valid; NULL when cap == 0 */
    size_t len;    /* bytes in use */
    size_t cap;    /* bytes allocated */
} ngi_buf;

#define NGI_BUF_INIT                                                                     \
    { NULL, 0, 0 }

void ngi_buf_init(ngi_buf *b);
void ngi_buf_free(ngi_buf *b);
/* Ensures room for `extra` more bytes. */
int ngi_buf_reserve(ngi_buf *b, size_t extra);
int ngi_buf_append(ngi_buf *b, const void *data, size_t len);
int ngi_buf_append_u8(ngi_buf *b, uint8_t v);
int ngi_buf_append_le32(ngi_buf *b, uint32_t v);
int ngi_buf_append_le64(ngi_buf *b, uint64_t v);
/* Appends a LEB128-style variable-byte integer (7 bits a byte, low first). */
int ngi_buf_append_vbyte(ngi_buf *b, uint64_t v);
/* Appends a NUL-terminated copy of s[0..n) and returns 0 (the NUL is part of
 * len). */
int ngi_buf_append_str(ngi_buf *b, const char *s, size_t n);
/* Appends printf output (no NUL counted in len, but one is kept after). */
int ngi_buf_printf(ngi_buf *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

static inline void ngi_buf_reset(ngi_buf *b) {
    b->len = 0;
}

/* Gives the caller ownership of the bytes; the buffer becomes empty. */
static inline uint8_t *ngi_buf_steal(ngi_buf *b) {
    uint8_t *d = b->data;
    b->data = NULL;
    b->len = b->cap = 0;
    return d;
}

#endif /* NG_BUF_H */
