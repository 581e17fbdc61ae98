/*
 * le.h — little-endian loads and stores through memcpy (never pointer
 * casts), so on-disk bytes are read the same way on every machine and
 * without alignment or aliasing trouble.
 */
#ifndef NG_LE_H
#define NG_LE_H

#include <stdint.h>
#include <string.h>

static inline uint16_t ngi_load_le16(const void *p) {
    uint8_t b[2];
    memcpy(b, p, 2);
    return (uint16_t)(b[0] | (b[1] << 8));
}

static inline uint32_t ngi_load_le32(const void *p) {
    uint8_t b[4];
    memcpy(b, p, 4);
    return (uint32_t)b[0] | ((uint32_t)b[1] << 8) | ((uint32_t)b[2] << 16) |
           ((uint32_t)b[3] << 24);
}

static inline uint64_t ngi_load_le64(const void *p) {
    const uint8_t *b = p;
    return (uint64_t)ngi_load_le32(b) | ((uint64_t)ngi_load_le32(b + 4) << 32);
}

static inline void ngi_store_le16(void *p, uint16_t v) {
    uint8_t b[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    memcpy(p, b, 2);
}

static inline void ngi_store_le32(void *p, uint32_t v) {
    uint8_t b[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16),
                    (uint8_t)(v >> 24)};
    memcpy(p, b, 4);
}

static inline void ngi_store_le64(void *p, uint64_t v) {
    ngi_store_le32(p, (uint32_t)v);
    ngi_store_le32((uint8_t *)p + 4, (uint32_t)(v >> 32));
}

/* Entry i of a table of w-byte little-endian integers (w 1..4): the
 * per-document tables of format 5 take the smallest width that holds
 * their largest value (lib/FORMAT.md, "Sections"). */
static inline uint32_t ngi_load_uw(const uint8_t *p, unsigned w, size_t i) {
    p += (size_t)w * i;
    switch (w) {
    case 1: return p[0];
    case 2: return ngi_load_le16(p);
    case 3: return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16);
    default: return ngi_load_le32(p);
    }
}

/* Bytes (1..4) that hold max. */
static inline unsigned ngi_uw_width(uint32_t max) {
    return max < (1u << 8) ? 1 : max < (1u << 16) ? 2 : max < (1u << 24) ? 3 : 4;
}

#endif /* NG_LE_H */
