/*
 * fuzz_analyzer.c — libFuzzer target for the analyzer: tokenizes the input
 * with the default flags and with stemming and stopwords off, and aborts
 * when a token breaks the contract (offsets inside the input, start < end,
 * positions non-decreasing, 1..NG_MAX_TOKEN_BYTES term bytes). Also built
 * with tests/fuzz/replay.c to replay tests/fuzz/corpus/analyzer/.
 */
#include <stdint.h>
#include <stdlib.h>

#include "newsgrep.h"

typedef struct check {
    size_t len;        /* input length */
    uint32_t last_pos; /* position of the previous token */
    size_t count;      /* tokens seen */
} check;

static int check_token(void *ctx, const ng_token *t) {
    check *c = ctx;
    if (t->term == NULL || t->term_len < 1 || t->term_len > NG_MAX_TOKEN_BYTES)
        abort();
    if (t->start >= t->end || t->end > c->len) abort();
    if (c->count && t->position < c->last_pos) abort();
    /* Touch every term byte so that ASan sees out-of-bounds terms. */
    volatile unsigned sum = 0;
    for (size_t i = 0; i < t->term_len; i++) sum += (unsigned char)t->term[i];
    (void)sum;
    c->last_pos = t->position;
    c->count++;
    return 0;
}

static void run(const uint8_t *data, size_t size, const char *lang,
                unsigned flags) {
    ng_analyzer *a = NULL;
    if (ng_analyzer_create(&a, lang, flags) != 0) abort();
    for (int pass = 0; pass < 2; pass++) { /* the second pass hits the cache */
        check c = {size, 0, 0};
        int rc = ng_analyzer_tokenize(a, (const char *)data, size, 0,
                                      check_token, &c);
        if (rc != 0) abort();
    }
    ng_analyzer_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run(data, size, "english", NG_ANALYZE_DEFAULT);
    run(data, size, "english", NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP);
    run(data, size, "french", NG_ANALYZE_DEFAULT);
    return 0;
}
