/*
 * filter.c — building the term filter of grep-style scans (filter.h).
 */
#include <stdlib.h>

#include "filter.h"

ngi_filter *ngi_filter_create(void) {
    return ngi_calloc(1, sizeof(ngi_filter));
}

void ngi_filter_free(ngi_filter *f) {
    if (!f) return;
    ngi_free(f->entries);
    ngi_free(f->text);
    ngi_free(f);
}

static int grow(void **p, size_t *cap, size_t need, size_t elem) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *q = ngi_realloc(*p, c * elem);
    if (!q) return NG_ENOMEM;
    *p = q;
    *cap = c;
    return 0;
}

/* Text offsets are kept in the bytes pointers until seal (the text may
 * move while it grows). */
int ngi_filter_add(ngi_filter *f, const char *s, size_t len, bool prefix) {
    if (f->sealed || !len) return NG_EINVAL;
    if (grow((void **)&f->entries, &f->cap, f->n + 1, sizeof *f->entries) ||
        grow((void **)&f->text, &f->text_cap, f->text_len + len, 1))
        return NG_ENOMEM;
    memcpy(f->text + f->text_len, s, len);
    f->entries[f->n++] =
        (ngi_filter_entry){(const char *)(uintptr_t)f->text_len, len, prefix};
    f->text_len += len;
    return 0;
}

static int by_first_byte(const void *a, const void *b) {
    const ngi_filter_entry *x = a, *y = b;
    unsigned cx = (unsigned char)x->bytes[0], cy = (unsigned char)y->bytes[0];
    return cx < cy ? -1 : cx > cy;
}

static void build_gate(ngi_filter *f) {
    for (unsigned c = 0; c < 256; c++) f->gate_first[c] = f->start[c + 1] > f->start[c];
    for (size_t i = 0; i < f->n; i++) {
        const ngi_filter_entry *e = &f->entries[i];
        unsigned c0 = (unsigned char)e->bytes[0];
        if (e->len == 1) {
            memset(f->gate_pairs + c0 * 32, 0xff, 32);
        } else {
            unsigned pair = c0 << 8 | (unsigned char)e->bytes[1];
            f->gate_pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
        }
    }
}

int ngi_filter_seal(ngi_filter *f) {
    if (f->sealed) return NG_EINVAL;
    for (size_t i = 0; i < f->n; i++)
        f->entries[i].bytes = f->text + (uintptr_t)f->entries[i].bytes;
    if (f->n) qsort(f->entries, f->n, sizeof *f->entries, by_first_byte);
    size_t i = 0;
    for (unsigned c = 0; c <= 256; c++) {
        f->start[c] = (uint32_t)i;
        while (c < 256 && i < f->n && (unsigned char)f->entries[i].bytes[0] == c) i++;
    }
    build_gate(f);
    f->sealed = true;
    return 0;
}
