/*
 * buf.h — the command's one growable buffer and its one array-growth rule.
 * The command may use only the library's public header, so it cannot share
 * lib/common/buf.h; these are its own, used by every file of cli/.
 */
#ifndef NGC_BUF_H
#define NGC_BUF_H

#include <stddef.h>

typedef struct ngc_buf {
    char *data; /* bytes (NUL-terminated when ngc_buf_cstr was called) */
    size_t len; /* bytes used */
    size_t cap; /* bytes allocated */
} ngc_buf;

/* All return 0, or -1 when out of memory. */
int ngc_buf_reserve(ngc_buf *b, size_t extra);
int ngc_buf_add(ngc_buf *b, const void *p, size_t n);
int ngc_buf_addc(ngc_buf *b, char c);
const char *ngc_buf_cstr(ngc_buf *b);
void ngc_buf_free(ngc_buf *b);

/* Doubles an array of *cap items of `size` bytes each (64 items when it is
 * empty): returns the new array and sets *cap, or returns NULL and leaves
 * the array and *cap as they were when out of memory. */
void *ngc_grow(void *items, size_t *cap, size_t size);

#endif /* NGC_BUF_H */
