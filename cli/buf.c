/*
 * buf.c — the command's growable byte buffer and array growth (buf.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"

int ngc_buf_reserve(ngc_buf *b, size_t extra) {
    if (b->cap - b->len > extra) return 0;
    if (extra > SIZE_MAX / 2 - b->len) return -1;
    size_t cap = b->cap ? b->cap : 256;
    while (cap - b->len <= extra) cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) return -1;
    b->data = p;
    b->cap = cap;
    return 0;
}

int ngc_buf_add(ngc_buf *b, const void *p, size_t n) {
    if (ngc_buf_reserve(b, n) < 0) return -1;
    if (n) memcpy(b->data + b->len, p, n);
    b->len += n;
    return 0;
}

int ngc_buf_addc(ngc_buf *b, char c) {
    return ngc_buf_add(b, &c, 1);
}

const char *ngc_buf_cstr(ngc_buf *b) {
    if (ngc_buf_reserve(b, 1) < 0) return NULL;
    b->data[b->len] = '\0';
    return b->data;
}

void ngc_buf_free(ngc_buf *b) {
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void *ngc_grow(void *items, size_t *cap, size_t size) {
    size_t n = *cap ? *cap : 32;
    if (n > SIZE_MAX / 2 / size) return NULL;
    void *p = realloc(items, 2 * n * size);
    if (p) *cap = 2 * n;
    return p;
}
