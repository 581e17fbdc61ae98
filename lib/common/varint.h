/*
 * varint.h — variable-byte integers (7 data bits a byte, low bits first,
 * high bit set on every byte but the last). Decoding is bounds-checked: a
 * truncated or over-long varint in a damaged file is reported, never read
 * past the end.
 */
#ifndef NG_VARINT_H
#define NG_VARINT_H

#include <stddef.h>
#include <stdint.h>

/* Longest encoding of a 64-bit value. */
#define NGI_VBYTE_MAX 10

/* Writes v at out (room for NGI_VBYTE_MAX bytes); returns bytes written. */
static inline size_t ngi_vbyte_put(uint8_t *out, uint64_t v) {
    size_t n = 0;
    while (v >= 0x80) {
        out[n++] = (uint8_t)(v | 0x80);
        v >>= 7;
    }
    out[n++] = (uint8_t)v;
    return n;
}

/* Reads one varint from *p (not beyond end) into *v and advances *p.
 * Returns 0, or -1 when the bytes end early or the value overflows. */
static inline int ngi_vbyte_get(const uint8_t **p, const uint8_t *end, uint64_t *v) {
    const uint8_t *q = *p;
    uint64_t r = 0;
    for (unsigned shift = 0; shift < 64; shift += 7) {
        if (q >= end) return -1;
        uint8_t byte = *q++;
        r |= (uint64_t)(byte & 0x7f) << shift;
        if (!(byte & 0x80)) {
            if (shift == 63 && byte > 1) return -1;
            *v = r;
            *p = q;
            return 0;
        }
    }
    return -1;
}

/* As ngi_vbyte_get, for values that must fit in 32 bits. */
static inline int ngi_vbyte_get32(const uint8_t **p, const uint8_t *end, uint32_t *v) {
    uint64_t w;
    if (ngi_vbyte_get(p, end, &w) != 0 || w > UINT32_MAX) return -1;
    *v = (uint32_t)w;
    return 0;
}

#endif /* NG_VARINT_H */
