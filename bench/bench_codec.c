/*
 * bench_codec.c — decode throughput of lib/codec: bit unpacking per width,
 * unpacking with the doc-id prefix sum, and a realistic posting list read
 * with next() / advance(). Prints integers per CPU-second (best of 5 runs).
 *
 * Build and run (or `make BUILD=build/x bench-codec` with bench/bench_codec.mk):
 *   make BUILD=build/b lib && cc -std=c11 -O2 -Iinclude -Ilib -D_GNU_SOURCE \
 *     bench/bench_codec.c build/b/lib/codec/\*.o build/b/lib/common/\*.o \
 *     -o build/b/bench_codec && build/b/bench_codec
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "codec/codec.h"

#define RING    256 /* blocks in the working set (<= 128 KiB) */
#define REPEATS 5   /* best of */

/* CPU time of this thread: the machine is shared, and time spent
 * descheduled must not count as decoding time. */
static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static uint64_t rng = 88172645463325252ull;
static uint32_t rnd(void) {
    rng ^= rng << 13, rng ^= rng >> 7, rng ^= rng << 17;
    return (uint32_t)(rng >> 16);
}

static uint32_t sink; /* keeps results observable */

/* Billions of integers per second unpacking `bits`-wide blocks. */
static double bench_unpack(unsigned bits, int gaps) {
    static uint8_t packed[RING * 16 * 32];
    uint32_t in[NGI_BLOCK], out[NGI_BLOCK];
    uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
    for (unsigned b = 0; b < RING; b++) {
        for (unsigned i = 0; i < NGI_BLOCK; i++) in[i] = rnd() & mask;
        ngi_pack128(in, bits, packed + (size_t)b * 16 * bits);
    }
    const unsigned iters = 1500; /* RING * 128 * iters = 49M integers */
    double best = 1e30;
    for (int r = 0; r < REPEATS; r++) {
        double t0 = now();
        for (unsigned it = 0; it < iters; it++)
            for (unsigned b = 0; b < RING; b++) {
                const uint8_t *p = packed + (size_t)b * 16 * bits;
                if (gaps)
                    sink += (uint32_t)ngi_unpack128_gaps(p, bits, b, out);
                else
                    ngi_unpack128(p, bits, out);
                sink += out[b & 127];
            }
        double dt = now() - t0;
        if (dt < best) best = dt;
    }
    return (double)RING * NGI_BLOCK * iters / best / 1e9;
}

/* A posting list of n docs with mostly small gaps and tfs, like a common
 * news term, plus positions. */
static void build_list(uint32_t n, ngi_buf *docs, ngi_buf *pos, ngi_term_postings *tp) {
    ngi_postings_writer *w;
    if (ngi_postings_writer_create(&w, docs, pos)) exit(1);
    ngi_postings_writer_begin(w);
    uint32_t doc = 0, p[64];
    for (uint32_t i = 0; i < n; i++) {
        doc += 1 + (rnd() % 16 == 0 ? rnd() % 200 : rnd() % 6);
        uint32_t tf = rnd() % 3 == 0 ? 1 + rnd() % 8 : 1;
        for (uint32_t k = 0; k < tf; k++) p[k] = k * 37 + rnd() % 30;
        if (ngi_postings_writer_add(w, doc, tf, p, 300 + rnd() % 500)) exit(1);
    }
    if (ngi_postings_writer_end(w, tp)) exit(1);
    ngi_postings_writer_free(w);
}

static void bench_list(void) {
    ngi_buf docs = NGI_BUF_INIT, pos = NGI_BUF_INIT;
    ngi_term_postings tp;
    const uint32_t n = 1000000;
    build_list(n, &docs, &pos, &tp);
    printf("list: %u docs, docs stream %.2f bytes/posting, positions %.2f "
           "bytes/position\n",
           n, (double)tp.docs_len / n, (double)tp.pos_len / (double)tp.cf);
    double best_next = 1e30, best_adv = 1e30, best_pos = 1e30;
    uint64_t advanced = 0;
    for (int r = 0; r < REPEATS; r++) {
        ngi_cursor c;
        double t0 = now();
        ngi_cursor_open(&c, &tp, docs.data, docs.len, pos.data, pos.len, UINT32_MAX);
        while (ngi_cursor_next(&c) == 0 && c.doc != NGI_DOC_END) sink += c.freq;
        ngi_cursor_close(&c);
        double t1 = now();
        ngi_cursor_open(&c, &tp, docs.data, docs.len, pos.data, pos.len, UINT32_MAX);
        uint32_t target = 0;
        advanced = 0;
        while (ngi_cursor_advance(&c, target) == 0 && c.doc != NGI_DOC_END) {
            target = c.doc + 1000; /* a rare term's gaps: most blocks skipped */
            advanced++;
        }
        ngi_cursor_close(&c);
        double t2 = now();
        ngi_cursor_open(&c, &tp, docs.data, docs.len, pos.data, pos.len, UINT32_MAX);
        for (uint32_t i = 0; i < 100000; i++) {
            const uint32_t *pp;
            if (ngi_cursor_next(&c) || ngi_cursor_positions(&c, &pp)) break;
            sink += pp[0];
        }
        ngi_cursor_close(&c);
        double t3 = now();
        if (t1 - t0 < best_next) best_next = t1 - t0;
        if (t2 - t1 < best_adv) best_adv = t2 - t1;
        if (t3 - t2 < best_pos) best_pos = t3 - t2;
    }
    printf("next() over the list: %.0f M postings/s (%.2f G integers/s, doc+tf)\n",
           n / best_next / 1e6, 2.0 * n / best_next / 1e9);
    printf("advance(doc+1000): %.1f ns per call (%llu calls)\n",
           best_adv / (double)advanced * 1e9, (unsigned long long)advanced);
    printf("next()+positions(): %.0f M docs/s\n", 100000 / best_pos / 1e6);
    ngi_buf_free(&docs);
    ngi_buf_free(&pos);
}

int main(int argc, char **argv) {
    (void)argv;
    int quick = argc > 1;
    printf("bits  unpack(G int/s)  unpack+prefix-sum(G int/s)\n");
    double sum = 0, sum_gaps = 0;
    for (unsigned bits = 0; bits <= 32; bits++) {
        if (quick && bits % 4) continue;
        double u = bench_unpack(bits, 0), g = bench_unpack(bits, 1);
        sum += u;
        sum_gaps += g;
        printf("%4u  %15.2f  %26.2f\n", bits, u, g);
    }
    unsigned widths = quick ? 9 : 33;
    printf("mean  %15.2f  %26.2f\n", sum / widths, sum_gaps / widths);
    double t0 = now();
    uint64_t n = ng_unstable_codec_bench(8, 400000);
    printf("ng_unstable_codec_bench(8): %.2f G int/s\n", (double)n / (now() - t0) / 1e9);
    bench_list();
    return sink == 12345 ? 1 : 0;
}
