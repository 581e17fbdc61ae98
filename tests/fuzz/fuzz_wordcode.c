/*
 * fuzz_wordcode.c — libFuzzer target for the document store's word coder
 * (lib/store/wordcode.h). Input: u16 vocabulary length, the vocabulary,
 * then coded bytes. Any vocabulary must open or be refused, any coded
 * bytes must decode or be refused, never crash or overrun; and a
 * vocabulary trained on the input must round-trip the input exactly.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "store/wordcode.h"

static void decode_any(const uint8_t *data, size_t size) {
    if (size < 2) return;
    size_t vn = (size_t)(data[0] | data[1] << 8);
    if (vn > size - 2) vn = size - 2;
    ngi_wordcode *wc = NULL;
    if (ngi_wordcode_open(&wc, data + 2, vn, 0) != 0) return;
    const uint8_t *src = data + 2 + vn;
    size_t n = size - 2 - vn, cap = 4 * n + 64;
    uint8_t *dst = malloc(cap);
    if (dst) {
        (void)ngi_wordcode_decode(wc, src, n, dst, cap);
        (void)ngi_wordcode_decode(wc, src, n, dst, n); /* too small, maybe */
    }
    free(dst);
    ngi_wordcode_free(wc);
}

static void round_trip(const uint8_t *data, size_t size) {
    ngi_buf vocab = NGI_BUF_INIT;
    ngi_wordcode *enc = NULL, *dec = NULL;
    uint8_t *coded = malloc(2 * size + 1), *back = malloc(size + 1);
    if (!coded || !back || ngi_wordcode_train(data, size, &vocab) ||
        ngi_wordcode_open(&enc, vocab.data, vocab.len, 1) ||
        ngi_wordcode_open(&dec, vocab.data, vocab.len, 0))
        abort(); /* a trained vocabulary must open */
    size_t n = ngi_wordcode_encode(enc, data, size, coded);
    if (n > 2 * size || ngi_wordcode_decode(dec, coded, n, back, size) != 0 ||
        memcmp(back, data, size) != 0)
        abort();
    ngi_wordcode_free(enc);
    ngi_wordcode_free(dec);
    ngi_buf_free(&vocab);
    free(coded);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    decode_any(data, size);
    round_trip(data, size);
    return 0;
}
