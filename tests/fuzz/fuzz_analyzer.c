/*
 * fuzz_analyzer.c — libFuzzer target for the analyzer: tokenizes the input
 * with the default flags and with stemming and stopwords off, and aborts
 * when a token breaks the contract (offsets inside the input, start < end,
 * positions non-decreasing, 1..NG_MAX_TOKEN_BYTES term bytes), and when
 * the gate of grep-style scans (ngi_analyzer_set_gate) hides a token it
 * must not. Also built with tests/fuzz/replay.c to replay
 * tests/fuzz/corpus/analyzer/.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "analyze/analyze.h"
#include "newsgrep.h"

typedef struct check {
    size_t len;        /* input length */
    uint32_t last_pos; /* position of the previous token */
    size_t count;      /* tokens seen */
} check;

static int check_token(void *ctx, const ng_token *t) {
    check *c = ctx;
    if (t->term == NULL || t->term_len < 1 || t->term_len > NG_MAX_TOKEN_BYTES) abort();
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

static void run(const uint8_t *data, size_t size, const char *lang, unsigned flags) {
    ng_analyzer *a = NULL;
    if (ng_analyzer_create(&a, lang, flags) != 0) abort();
    for (int pass = 0; pass < 2; pass++) { /* the second pass hits the cache */
        check c = {size, 0, 0};
        int rc = ng_analyzer_tokenize(a, (const char *)data, size, 0, check_token, &c);
        if (rc != 0) abort();
    }
    ng_analyzer_free(a);
}

/* ---- the gate: exactly the ungated tokens whose terms it may not hide -- */

typedef struct gated_sum {
    const uint8_t *entries; /* filter entries: 1 byte, then 2 and 2 */
    uint64_t sum;           /* hash sum of the tokens the gate must keep */
    size_t count;           /* tokens emitted */
    uint32_t max_pos;       /* their last position */
} gated_sum;

/* A term the filter wants: one starting with one of its entries. */
static bool wanted(const gated_sum *g, const ng_token *t) {
    const uint8_t *e = g->entries, *term = (const uint8_t *)t->term;
    return term[0] == e[0] ||
           (t->term_len >= 2 && ((term[0] == e[1] && term[1] == e[2]) ||
                                 (term[0] == e[3] && term[1] == e[4])));
}

static int sum_token(void *ctx, const ng_token *t) {
    gated_sum *g = ctx;
    g->count++;
    if (t->position > g->max_pos) g->max_pos = t->position;
    if (!wanted(g, t)) return 0;
    uint64_t h = 1469598103934665603ull ^ t->position;
    for (size_t i = 0; i < t->term_len; i++)
        h = (h ^ (unsigned char)t->term[i]) * 1099511628211ull;
    g->sum += h;
    return 0;
}

static void mark_pair(uint8_t *pairs, unsigned c0, unsigned c1) {
    unsigned pair = c0 << 8 | c1;
    pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
}

/* The gate is set as lib/index/filter.h sets it for entries made of the
 * input's first 5 bytes (lowercased): a 1-byte entry marks every pair of
 * its byte, a 2-byte entry its pair. */
static void check_gate(const uint8_t *data, size_t size, const char *lang) {
    if (size < 5) return;
    uint8_t e[5];
    for (int i = 0; i < 5; i++)
        e[i] = data[i] >= 'A' && data[i] <= 'Z' ? data[i] | 0x20 : data[i];
    bool first[256] = {false};
    static uint8_t pairs[NGI_GATE2_BYTES];
    memset(pairs, 0, sizeof pairs);
    first[e[0]] = first[e[1]] = first[e[3]] = true;
    for (unsigned c1 = 0; c1 < 256; c1++) mark_pair(pairs, e[0], c1);
    mark_pair(pairs, e[1], e[2]);
    mark_pair(pairs, e[3], e[4]);
    ng_analyzer *a = NULL;
    if (ng_analyzer_create(&a, lang, NG_ANALYZE_DEFAULT) != 0) abort();
    gated_sum all = {e, 0, 0, 0}, some = all;
    if (ng_analyzer_tokenize(a, (const char *)data, size, 0, sum_token, &all)) abort();
    bool on = ngi_analyzer_set_gate(a, first, pairs);
    if (ng_analyzer_tokenize(a, (const char *)data, size, 0, sum_token, &some)) abort();
    if (some.sum != all.sum) abort(); /* a wanted token was hidden */
    uint32_t last = some.max_pos > a->gated_last ? some.max_pos : a->gated_last;
    if (on && (some.count + a->gated != all.count || (all.count && last != all.max_pos)))
        abort(); /* lengths or positions would differ */
    ng_analyzer_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    run(data, size, "english", NG_ANALYZE_DEFAULT);
    run(data, size, "english", NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP);
    run(data, size, "french", NG_ANALYZE_DEFAULT);
    check_gate(data, size, "english");
    check_gate(data, size, "porter");
    return 0;
}
