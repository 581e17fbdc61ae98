/*
 * bench.c — ng_unstable_codec_bench, the decode-throughput hook of the
 * public header's unstable section: unpacks pseudo-random blocks of a given
 * width over and over, so bench/ can time the codec through the public API.
 */
#include "codec/codec.h"

/* Blocks kept in the working set (at 32 bits: 128 KiB, inside L2). */
#define BENCH_RING 256

NG_API uint64_t ng_unstable_codec_bench(unsigned bits, uint64_t n_blocks) {
    if (bits > 32 || n_blocks == 0) return 0;
    uint8_t *packed = ngi_malloc((size_t)BENCH_RING * 16u * (bits ? bits : 1));
    if (!packed) return 0;
    uint32_t in[NGI_BLOCK], out[NGI_BLOCK];
    uint64_t x = 0x9e3779b97f4a7c15ull; /* xorshift state (local) */
    uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
    for (unsigned b = 0; b < BENCH_RING; b++) {
        for (unsigned i = 0; i < NGI_BLOCK; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            in[i] = (uint32_t)x & mask;
        }
        ngi_pack128(in, bits, packed + (size_t)b * 16u * bits);
    }
    volatile uint32_t sink = 0; /* keeps the decodes observable */
    for (uint64_t k = 0; k < n_blocks; k++) {
        ngi_unpack128(packed + (size_t)(k % BENCH_RING) * 16u * bits, bits, out);
        sink = sink + out[k & (NGI_BLOCK - 1)];
    }
    ngi_free(packed);
    return n_blocks * NGI_BLOCK;
}
