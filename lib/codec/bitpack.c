/*
 * bitpack.c — bit packing of 128 integers in the "vertical" 4-lane layout
 * of Lemire's SIMD-BP128: value i lives in lane i % 4, and the lanes are
 * packed side by side into 32-bit words, so one 16-byte load serves four
 * values. Unpacking is one routine per bit width, unrolled by macros and
 * written with GCC/clang vector types (SSE2 / NEON without intrinsics).
 */
#include <string.h>

#include "codec/codec.h"
#include "common/le.h"

/* Four 32-bit lanes; the vector extension of gcc and clang. */
typedef uint32_t ngi_v4 __attribute__((vector_size(16)));

/* -DNGI_CODEC_SCALAR forces the portable paths (to test them on x86). */
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__ &&              \
    !defined(NGI_CODEC_SCALAR)
#define NGI_VECTOR_LE 1 /* host words are the on-disk little-endian words */
#else
#define NGI_VECTOR_LE 0
#endif

unsigned ngi_bits_max(const uint32_t *v, size_t n) {
    uint32_t acc = 0;
    for (size_t i = 0; i < n; i++) acc |= v[i];
    return acc ? 32u - (unsigned)__builtin_clz(acc) : 0u;
}

static inline ngi_v4 v4_load(const uint8_t *p) {
    ngi_v4 v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void v4_store(uint32_t *p, ngi_v4 v) {
    memcpy(p, &v, sizeof v);
}

/* ---- unpacking: one unrolled routine per width --------------------- */

/* Step k of width B: the bit offset k*B within each lane is a compile-time
 * constant, so every branch below folds away. */
#define NGI_UNPACK_STEP(B, k)                                                            \
    do {                                                                                 \
        const unsigned bp_ = (k) * (B), w_ = bp_ / 32, s_ = bp_ % 32;                    \
        ngi_v4 v_ = v4_load(in + 16 * w_) >> s_;                                         \
        if (s_ + (B) > 32) v_ |= v4_load(in + 16 * (w_ + 1)) << ((32 - s_) & 31);        \
        v4_store(out + 4 * (k), v_ & mask);                                              \
    } while (0)

#define NGI_UNPACK_8(B, k)                                                               \
    NGI_UNPACK_STEP(B, k);                                                               \
    NGI_UNPACK_STEP(B, k + 1);                                                           \
    NGI_UNPACK_STEP(B, k + 2);                                                           \
    NGI_UNPACK_STEP(B, k + 3);                                                           \
    NGI_UNPACK_STEP(B, k + 4);                                                           \
    NGI_UNPACK_STEP(B, k + 5);                                                           \
    NGI_UNPACK_STEP(B, k + 6);                                                           \
    NGI_UNPACK_STEP(B, k + 7)

#define NGI_DEFINE_UNPACK(B)                                                             \
    static void unpack_##B(const uint8_t *restrict in, uint32_t *restrict out) {         \
        const uint32_t mask = (uint32_t)(0xffffffffu >> (32 - (B)));                     \
        NGI_UNPACK_8(B, 0);                                                              \
        NGI_UNPACK_8(B, 8);                                                              \
        NGI_UNPACK_8(B, 16);                                                             \
        NGI_UNPACK_8(B, 24);                                                             \
    }

static void unpack_0(const uint8_t *restrict in, uint32_t *restrict out) {
    (void)in;
    memset(out, 0, NGI_BLOCK * sizeof *out);
}

NGI_DEFINE_UNPACK(1)
NGI_DEFINE_UNPACK(2)
NGI_DEFINE_UNPACK(3)
NGI_DEFINE_UNPACK(4)
NGI_DEFINE_UNPACK(5)
NGI_DEFINE_UNPACK(6)
NGI_DEFINE_UNPACK(7)
NGI_DEFINE_UNPACK(8)
NGI_DEFINE_UNPACK(9)
NGI_DEFINE_UNPACK(10)
NGI_DEFINE_UNPACK(11)
NGI_DEFINE_UNPACK(12)
NGI_DEFINE_UNPACK(13)
NGI_DEFINE_UNPACK(14)
NGI_DEFINE_UNPACK(15)
NGI_DEFINE_UNPACK(16)
NGI_DEFINE_UNPACK(17)
NGI_DEFINE_UNPACK(18)
NGI_DEFINE_UNPACK(19)
NGI_DEFINE_UNPACK(20)
NGI_DEFINE_UNPACK(21)
NGI_DEFINE_UNPACK(22)
NGI_DEFINE_UNPACK(23)
NGI_DEFINE_UNPACK(24)
NGI_DEFINE_UNPACK(25)
NGI_DEFINE_UNPACK(26)
NGI_DEFINE_UNPACK(27)
NGI_DEFINE_UNPACK(28)
NGI_DEFINE_UNPACK(29)
NGI_DEFINE_UNPACK(30)
NGI_DEFINE_UNPACK(31)

static void unpack_32(const uint8_t *restrict in, uint32_t *restrict out) {
    memcpy(out, in, NGI_BLOCK * sizeof *out);
}

typedef void (*unpack_fn)(const uint8_t *restrict, uint32_t *restrict);

static const unpack_fn unpackers[33] = {
    unpack_0,  unpack_1,  unpack_2,  unpack_3,  unpack_4,  unpack_5,  unpack_6,
    unpack_7,  unpack_8,  unpack_9,  unpack_10, unpack_11, unpack_12, unpack_13,
    unpack_14, unpack_15, unpack_16, unpack_17, unpack_18, unpack_19, unpack_20,
    unpack_21, unpack_22, unpack_23, unpack_24, unpack_25, unpack_26, unpack_27,
    unpack_28, unpack_29, unpack_30, unpack_31, unpack_32};

/* Portable fallback for big-endian hosts: same layout, word by word. */
static void unpack_scalar(const uint8_t *in, unsigned bits, uint32_t *out) {
    uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
    for (unsigned k = 0; k < 32; k++) {
        unsigned bp = k * bits, w = bp / 32, s = bp % 32;
        for (unsigned l = 0; l < 4; l++) {
            uint64_t v = bits ? ngi_load_le32(in + 16 * w + 4 * l) >> s : 0;
            if (s + bits > 32)
                v |= (uint64_t)ngi_load_le32(in + 16 * (w + 1) + 4 * l) << (32 - s);
            out[4 * k + l] = (uint32_t)v & mask;
        }
    }
}

void ngi_unpack128(const uint8_t *in, unsigned bits, uint32_t out[NGI_BLOCK]) {
    NGI_ASSERT(bits <= 32);
    if (NGI_UNLIKELY(bits > 32)) bits = 32; /* callers validate; stay in bounds */
    if (NGI_VECTOR_LE)
        unpackers[bits](in, out);
    else
        unpack_scalar(in, bits, out);
}

/* out[i] = out[i-1] + 1 + out[i] with out[-1] = first - 1 (mod 2^32). */
#if defined(__SSE2__) && !defined(NGI_CODEC_SCALAR)
#include <emmintrin.h>
static void prefix_sum(uint32_t *out, uint32_t first) {
    /* Four lanes at a time: two shifted adds make the in-register prefix,
     * then the previous vector's last lane is broadcast and added. */
    const __m128i one = _mm_set1_epi32(1);
    __m128i run = _mm_set1_epi32((int)(first - 1));
    for (unsigned i = 0; i < NGI_BLOCK; i += 4) {
        __m128i x = _mm_loadu_si128((const __m128i *)(const void *)(out + i));
        x = _mm_add_epi32(x, one);
        x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
        x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
        x = _mm_add_epi32(x, run);
        _mm_storeu_si128((__m128i *)(void *)(out + i), x);
        run = _mm_shuffle_epi32(x, 0xff);
    }
}
#else
static void prefix_sum(uint32_t *out, uint32_t first) {
    uint32_t acc = first - 1;
    for (unsigned i = 0; i < NGI_BLOCK; i++) {
        acc += out[i] + 1;
        out[i] = acc;
    }
}
#endif

#if defined(__SSE2__) && NGI_VECTOR_LE
/* Unpacking and the prefix sum in one pass (widths 1..24, every block of
 * a long list): step k's four gaps are still in a register, so their
 * in-register prefix and the running id are added before the one store,
 * instead of a second pass that reloads and stores all 128 values. */
#define NGI_GAPS_STEP(B, k)                                                              \
    do {                                                                                 \
        const unsigned bp_ = (k) * (B), w_ = bp_ / 32, s_ = bp_ % 32;                    \
        ngi_v4 v_ = v4_load(in + 16 * w_) >> s_;                                         \
        if (s_ + (B) > 32) v_ |= v4_load(in + 16 * (w_ + 1)) << ((32 - s_) & 31);        \
        __m128i x_ = _mm_add_epi32((__m128i)(v_ & mask), one);                           \
        x_ = _mm_add_epi32(x_, _mm_slli_si128(x_, 4));                                   \
        x_ = _mm_add_epi32(x_, _mm_slli_si128(x_, 8));                                   \
        run = _mm_add_epi32(x_, run);                                                    \
        _mm_storeu_si128((__m128i *)(void *)(out + 4 * (k)), run);                       \
        run = _mm_shuffle_epi32(run, 0xff);                                              \
    } while (0)

#define NGI_GAPS_8(B, k)                                                                 \
    NGI_GAPS_STEP(B, k);                                                                 \
    NGI_GAPS_STEP(B, k + 1);                                                             \
    NGI_GAPS_STEP(B, k + 2);                                                             \
    NGI_GAPS_STEP(B, k + 3);                                                             \
    NGI_GAPS_STEP(B, k + 4);                                                             \
    NGI_GAPS_STEP(B, k + 5);                                                             \
    NGI_GAPS_STEP(B, k + 6);                                                             \
    NGI_GAPS_STEP(B, k + 7)

#define NGI_DEFINE_GAPS(B)                                                               \
    static void gaps_##B(const uint8_t *restrict in, uint32_t first,                     \
                         uint32_t *restrict out) {                                       \
        const uint32_t mask = (uint32_t)(0xffffffffu >> (32 - (B)));                     \
        const __m128i one = _mm_set1_epi32(1);                                           \
        __m128i run = _mm_set1_epi32((int)(first - 1));                                  \
        NGI_GAPS_8(B, 0);                                                                \
        NGI_GAPS_8(B, 8);                                                                \
        NGI_GAPS_8(B, 16);                                                               \
        NGI_GAPS_8(B, 24);                                                               \
    }

NGI_DEFINE_GAPS(1)
NGI_DEFINE_GAPS(2)
NGI_DEFINE_GAPS(3)
NGI_DEFINE_GAPS(4)
NGI_DEFINE_GAPS(5)
NGI_DEFINE_GAPS(6)
NGI_DEFINE_GAPS(7)
NGI_DEFINE_GAPS(8)
NGI_DEFINE_GAPS(9)
NGI_DEFINE_GAPS(10)
NGI_DEFINE_GAPS(11)
NGI_DEFINE_GAPS(12)
NGI_DEFINE_GAPS(13)
NGI_DEFINE_GAPS(14)
NGI_DEFINE_GAPS(15)
NGI_DEFINE_GAPS(16)
NGI_DEFINE_GAPS(17)
NGI_DEFINE_GAPS(18)
NGI_DEFINE_GAPS(19)
NGI_DEFINE_GAPS(20)
NGI_DEFINE_GAPS(21)
NGI_DEFINE_GAPS(22)
NGI_DEFINE_GAPS(23)
NGI_DEFINE_GAPS(24)

typedef void (*gaps_fn)(const uint8_t *restrict, uint32_t, uint32_t *restrict);

static const gaps_fn gap_unpackers[25] = {
    NULL,    gaps_1,  gaps_2,  gaps_3,  gaps_4,  gaps_5,  gaps_6,  gaps_7,  gaps_8,
    gaps_9,  gaps_10, gaps_11, gaps_12, gaps_13, gaps_14, gaps_15, gaps_16, gaps_17,
    gaps_18, gaps_19, gaps_20, gaps_21, gaps_22, gaps_23, gaps_24};
#define NGI_FUSED_GAPS 1
#else
#define NGI_FUSED_GAPS 0
#endif

uint64_t ngi_unpack128_gaps(const uint8_t *in, unsigned bits, uint32_t first,
                            uint32_t out[NGI_BLOCK]) {
    if (bits <= 24) {
        /* 128 gaps of <= 24 bits sum to < 2^31, so the 32-bit difference
         * between the last id and first + 127 is that sum, exactly. */
#if NGI_FUSED_GAPS
        if (bits)
            gap_unpackers[bits](in, first, out);
        else
#endif
        {
            ngi_unpack128(in, bits, out);
            prefix_sum(out, first);
        }
        uint32_t sum = out[NGI_BLOCK - 1] - first - (NGI_BLOCK - 1);
        return (uint64_t)first + sum + (NGI_BLOCK - 1);
    }
    ngi_unpack128(in, bits, out);
    uint64_t sum = 0; /* wide gaps (rare): a 64-bit sum exposes overflow */
    for (unsigned i = 0; i < NGI_BLOCK; i++) sum += out[i];
    prefix_sum(out, first);
    return (uint64_t)first + sum + (NGI_BLOCK - 1);
}

/* ---- packing (index time; one generic routine is fast enough) ------ */

void ngi_pack128(const uint32_t in[NGI_BLOCK], unsigned bits, uint8_t *out) {
    NGI_ASSERT(bits <= 32);
    if (NGI_UNLIKELY(bits > 32)) bits = 32;
    if (bits == 0) return;
    uint32_t mask = 0xffffffffu >> (32 - bits);
    ngi_v4 words[32];
    memset(words, 0, sizeof words);
    for (unsigned k = 0; k < 32; k++) {
        unsigned bp = k * bits, w = bp / 32, s = bp % 32;
        ngi_v4 v;
        memcpy(&v, in + 4 * k, sizeof v);
        v &= mask;
        words[w] |= v << s;
        if (s + bits > 32) words[w + 1] |= v >> (32 - s);
    }
    for (unsigned w = 0; w < bits; w++)
        for (unsigned l = 0; l < 4; l++)
            ngi_store_le32(out + 16 * w + 4 * l, words[w][l]);
}

/* ---- horizontal packing of short runs ------------------------------ */

void ngi_packn(const uint32_t *in, size_t n, unsigned bits, uint8_t *out) {
    uint64_t acc = 0;
    unsigned have = 0;
    uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
    for (size_t i = 0; i < n; i++) {
        acc |= (uint64_t)(in[i] & mask) << have;
        have += bits;
        while (have >= 8) {
            *out++ = (uint8_t)acc;
            acc >>= 8;
            have -= 8;
        }
    }
    if (have) *out = (uint8_t)acc;
}

void ngi_unpackn(const uint8_t *in, size_t n, unsigned bits, uint32_t *out) {
    uint64_t acc = 0;
    unsigned have = 0;
    uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
    for (size_t i = 0; i < n; i++) {
        while (have < bits) {
            acc |= (uint64_t)*in++ << have;
            have += 8;
        }
        out[i] = (uint32_t)acc & mask;
        acc >>= bits;
        have -= bits;
    }
}
