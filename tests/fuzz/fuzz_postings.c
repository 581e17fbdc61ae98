/*
 * fuzz_postings.c — libFuzzer target for the posting decoder: arbitrary
 * bytes become one term's docs and positions streams (layout in
 * tests/reliability/fuzz_inputs.h) and a cursor walks them with a random
 * mix of next / advance / positions / shallow_advance. The decoder must
 * never crash, read out of bounds or loop, and every doc id it reports must
 * increase, reach the advance target and stay below max_doc.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../reliability/fuzz_inputs.h"
#include "codec/codec.h"
#include "common/le.h"

#define MAX_OPS 4096 /* bounds the work per input */

/* A broken promise of the cursor: report and crash so libFuzzer keeps it. */
static void violated(const char *what, uint32_t a, uint32_t b) {
    fprintf(stderr, "fuzz_postings: %s (%u, %u)\n", what, a, b);
    abort();
}

static uint32_t next_rand(uint32_t *s) {
    *s ^= *s << 13;
    *s ^= *s >> 17;
    *s ^= *s << 5;
    return *s;
}

/* Checks a move of the cursor from prev (NONE before the first doc). */
static void check_move(const ngi_cursor *c, uint64_t prev, uint32_t target,
                       uint32_t max_doc) {
    if (c->doc == NGI_DOC_END) return;
    if (prev != UINT64_MAX && c->doc <= prev)
        violated("doc ids must increase", (uint32_t)prev, c->doc);
    if (c->doc < target) violated("advance stopped before target", c->doc, target);
    if (c->doc >= max_doc) violated("doc id >= max_doc", c->doc, max_doc);
}

/* Reads every position of the current doc (ASan sees any overrun). */
static int read_positions(ngi_cursor *c) {
    const uint32_t *pos = NULL;
    int rc = ngi_cursor_positions(c, &pos);
    if (rc) return rc;
    volatile uint32_t sink = 0;
    for (uint32_t i = 0; i < c->freq; i++) sink += pos[i];
    (void)sink;
    return 0;
}

static uint32_t clamp_target(uint64_t t) {
    return t >= NGI_DOC_END ? NGI_DOC_END - 1 : (uint32_t)t;
}

/* One operation; returns non-zero when the walk is over. *moved is set
 * once the cursor stands on a document (before that c->doc means nothing). */
static int step(ngi_cursor *c, uint32_t r, uint32_t max_doc, int with_pos, int *moved) {
    uint64_t prev = *moved ? c->doc : UINT64_MAX;
    uint32_t base = *moved ? c->doc : 0;
    if ((r & 7) < 5 || (r & 7) == 7) *moved = 1;
    switch (r & 7) {
    case 4: {
        uint32_t target = clamp_target((uint64_t)base + 1 + (r >> 8) % 1000);
        if (ngi_cursor_advance(c, target)) return 1;
        check_move(c, prev, target, max_doc);
        return c->doc == NGI_DOC_END;
    }
    case 5: return with_pos && *moved ? read_positions(c) != 0 : 0;
    case 6: {
        uint32_t target = clamp_target((uint64_t)base + (r >> 8) % 5000);
        uint32_t last = ngi_cursor_shallow_advance(c, target);
        (void)last;
        (void)ngi_cursor_block_max_tf(c);
        (void)ngi_cursor_block_min_dl(c);
        return 0;
    }
    case 7: {
        uint32_t target = clamp_target((uint64_t)base + 1 + (r >> 4));
        if (ngi_cursor_advance(c, target)) return 1;
        check_move(c, prev, target, max_doc);
        return c->doc == NGI_DOC_END;
    }
    default:
        if (ngi_cursor_next(c)) return 1;
        check_move(c, prev, 0, max_doc);
        return c->doc == NGI_DOC_END;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < FUZZ_POSTINGS_HEADER) return 0;
    uint32_t max_doc = ngi_load_le32(data);
    if (max_doc == 0) max_doc = 1u << 24;
    ngi_term_postings tp;
    memset(&tp, 0, sizeof tp);
    tp.df = ngi_load_le32(data + 4);
    size_t docs_len = ngi_load_le32(data + 8);
    tp.max_tf = ngi_load_le32(data + 12);
    tp.min_dl = ngi_load_le32(data + 16);
    uint32_t seed = ngi_load_le32(data + 20) | 0x80000000u; /* never 0 */
    tp.cf = ngi_load_le64(data + 24);
    const uint8_t *body = data + FUZZ_POSTINGS_HEADER;
    size_t rest = size - FUZZ_POSTINGS_HEADER;
    if (docs_len > rest) docs_len = rest;
    int with_pos = !(seed & 1);
    /* Exact-size heap copies so ASan flags any read past either stream. */
    uint8_t *docs = malloc(docs_len ? docs_len : 1);
    uint8_t *pos = malloc(rest - docs_len ? rest - docs_len : 1);
    if (!docs || !pos) abort();
    memcpy(docs, body, docs_len);
    memcpy(pos, body + docs_len, rest - docs_len);
    tp.docs_len = docs_len;
    tp.pos_len = with_pos ? rest - docs_len : 0;
    ngi_cursor c;
    int rc = ngi_cursor_open(&c, &tp, docs, docs_len, with_pos ? pos : NULL,
                             with_pos ? rest - docs_len : 0, max_doc);
    if (rc == 0) {
        int moved = 0;
        for (int i = 0; i < MAX_OPS; i++)
            if (step(&c, next_rand(&seed), max_doc, with_pos, &moved)) break;
        ngi_cursor_close(&c);
    }
    free(docs);
    free(pos);
    return 0;
}
