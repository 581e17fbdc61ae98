/*
 * hash.h — hashing (term interning, id lookup) and checksums (file
 * footers), both XXH3 from libxxhash.
 */
#ifndef NG_HASH_H
#define NG_HASH_H

#include <stddef.h>
#include <stdint.h>

#define XXH_INLINE_ALL
#include <xxhash.h>

static inline uint64_t ngi_hash64(const void *data, size_t len) {
    return XXH3_64bits(data, len);
}

/* Streaming checksum, for files written in pieces. */
typedef XXH3_state_t ngi_checksum_state;

static inline void ngi_checksum_init(ngi_checksum_state *s) {
    XXH3_64bits_reset(s);
}
static inline void ngi_checksum_update(ngi_checksum_state *s, const void *d, size_t n) {
    XXH3_64bits_update(s, d, n);
}
static inline uint64_t ngi_checksum_final(const ngi_checksum_state *s) {
    return XXH3_64bits_digest(s);
}

#endif /* NG_HASH_H */
