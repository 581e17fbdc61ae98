/* Unit tests of lib/codec: bit packing at every width, posting lists of
 * edge and random sizes round-tripped through the writer and the cursor,
 * advance and shallow advance against a linear reference, and damaged
 * bytes (flipped, truncated) that must give NG_ECORRUPT, never a crash. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "codec/codec.h"
#include "codec/format.h"
#include "common/buf.h"
#include "common/fault.h"

/* ---- helpers ------------------------------------------------------- */

static uint64_t rng_state;

static uint64_t rnd(void) { /* xorshift64* */
    rng_state ^= rng_state >> 12;
    rng_state ^= rng_state << 25;
    rng_state ^= rng_state >> 27;
    return rng_state * 0x2545F4914F6CDD1Dull;
}

static uint32_t rnd_below(uint64_t n) {
    return n ? (uint32_t)(rnd() % n) : 0;
}

/* A reference posting list: doc ids, tfs, doc lengths, flat positions. */
typedef struct ref_list {
    uint32_t n;       /* documents */
    uint32_t *doc;    /* doc ids, ascending */
    uint32_t *tf;     /* tf of each doc */
    uint32_t *dl;     /* doc length of each doc */
    uint64_t *pstart; /* index of each doc's first position in pos */
    uint32_t *pos;    /* all positions */
    uint64_t n_pos;   /* positions in all */
} ref_list;

static int cmp_u32(const void *a, const void *b) {
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

enum { GAPS_DENSE, GAPS_SPARSE, GAPS_MIXED };

static uint32_t gen_gap(int mode, uint32_t n) {
    switch (mode) {
    case GAPS_DENSE: return 1 + rnd_below(3);
    case GAPS_SPARSE: return 1 + rnd_below((UINT32_MAX - 2) / (n + 1));
    default: return rnd_below(50) == 0 ? 1 + rnd_below(1u << 20) : 1 + rnd_below(40);
    }
}

static uint32_t gen_tf(int big) {
    uint32_t r = rnd_below(100);
    /* a few huge tfs (past the 16-bit skip bound) but not many: each
     * costs tf positions */
    if (big && r == 0 && rnd_below(8) == 0) return 1000 + rnd_below(70000);
    if (r < 60) return 1;
    if (r < 90) return 2 + rnd_below(4);
    return 6 + rnd_below(60);
}

static void gen_positions(ref_list *l, uint32_t i, int wide) {
    uint32_t tf = l->tf[i];
    uint32_t *p = l->pos + l->pstart[i];
    uint64_t range = wide ? (uint64_t)UINT32_MAX + 1 : (uint64_t)l->dl[i] + 3;
    for (uint32_t k = 0; k < tf; k++) p[k] = rnd_below(range);
    qsort(p, tf, sizeof *p, cmp_u32);
}

/* Builds a list of n docs; the last doc id is UINT32_MAX - 1 when
 * to_max is set. */
static ref_list gen_list(uint32_t n, int mode, int big_tf, int wide_pos, int to_max) {
    ref_list l = {0};
    l.n = n;
    l.doc = calloc(n + 1, sizeof *l.doc);
    l.tf = calloc(n + 1, sizeof *l.tf);
    l.dl = calloc(n + 1, sizeof *l.dl);
    l.pstart = calloc(n + 1, sizeof *l.pstart);
    uint64_t d = rnd_below(mode == GAPS_DENSE ? 10 : 100000);
    for (uint32_t i = 0; i < n; i++) {
        if (i) d += gen_gap(mode, n);
        l.doc[i] = (uint32_t)d;
        l.tf[i] = gen_tf(big_tf);
        l.dl[i] = l.tf[i] + (rnd_below(20) == 0 ? rnd_below(100000) : rnd_below(800));
        l.pstart[i] = l.n_pos;
        l.n_pos += l.tf[i];
    }
    if (to_max && n && (n == 1 || l.doc[n - 2] < UINT32_MAX - 1))
        l.doc[n - 1] = UINT32_MAX - 1;
    l.pos = calloc(l.n_pos + 1, sizeof *l.pos);
    for (uint32_t i = 0; i < n; i++) gen_positions(&l, i, wide_pos);
    return l;
}

static void free_list(ref_list *l) {
    free(l->doc);
    free(l->tf);
    free(l->dl);
    free(l->pstart);
    free(l->pos);
}

/* Streams holding one or more encoded terms. */
typedef struct streams {
    ngi_buf docs, pos;
} streams;

static void write_list(ngi_postings_writer *w, const ref_list *l, ngi_term_postings *tp) {
    ngi_postings_writer_begin(w);
    for (uint32_t i = 0; i < l->n; i++)
        assert_int_equal(ngi_postings_writer_add(w, l->doc[i], l->tf[i],
                                                 l->pos + l->pstart[i], l->dl[i]),
                         0);
    assert_int_equal(ngi_postings_writer_end(w, tp), 0);
}

/* Encodes a small decoy term, then l, so that l's offsets are not 0. */
static void encode(streams *s, const ref_list *l, ngi_term_postings *tp) {
    ngi_buf_init(&s->docs);
    ngi_buf_init(&s->pos);
    ngi_postings_writer *w;
    assert_int_equal(ngi_postings_writer_create(&w, &s->docs, &s->pos), 0);
    ngi_term_postings decoy;
    uint32_t p0 = 7;
    ngi_postings_writer_begin(w);
    assert_int_equal(ngi_postings_writer_add(w, 3, 1, &p0, 9), 0);
    assert_int_equal(ngi_postings_writer_end(w, &decoy), 0);
    write_list(w, l, tp);
    ngi_postings_writer_free(w);
}

static void check_stats(const ref_list *l, const ngi_term_postings *tp) {
    uint64_t cf = 0;
    uint32_t max_tf = 0, min_dl = UINT32_MAX;
    for (uint32_t i = 0; i < l->n; i++) {
        cf += l->tf[i];
        if (l->tf[i] > max_tf) max_tf = l->tf[i];
        if (l->dl[i] < min_dl) min_dl = l->dl[i];
    }
    assert_int_equal(tp->df, l->n);
    assert_true(tp->cf == cf);
    assert_int_equal(tp->max_tf, max_tf);
    if (l->n) assert_int_equal(tp->min_dl, min_dl);
}

static void check_positions(ngi_cursor *c, const ref_list *l, uint32_t i) {
    const uint32_t *p;
    assert_int_equal(ngi_cursor_positions(c, &p), 0);
    assert_memory_equal(p, l->pos + l->pstart[i], l->tf[i] * sizeof *p);
}

static void open_cursor(ngi_cursor *c, const streams *s, const ngi_term_postings *tp) {
    assert_int_equal(ngi_cursor_open(c, tp, s->docs.data, s->docs.len, s->pos.data,
                                     s->pos.len, UINT32_MAX),
                     0);
}

/* next() over everything, with positions for every `pos_every`-th doc. */
static void check_scan(const streams *s, const ref_list *l, const ngi_term_postings *tp,
                       uint32_t pos_every) {
    ngi_cursor c;
    open_cursor(&c, s, tp);
    for (uint32_t i = 0; i < l->n; i++) {
        assert_int_equal(ngi_cursor_next(&c), 0);
        assert_int_equal(c.doc, l->doc[i]);
        assert_int_equal(c.freq, l->tf[i]);
        if (i % pos_every == 0) check_positions(&c, l, i);
        if (i % 3 == 0) check_positions(&c, l, i); /* asked twice */
    }
    assert_int_equal(ngi_cursor_next(&c), 0);
    assert_int_equal(c.doc, NGI_DOC_END);
    assert_int_equal(ngi_cursor_next(&c), 0);
    assert_int_equal(c.doc, NGI_DOC_END);
    ngi_cursor_close(&c);
}

/* Index of the first doc >= target (l->n if none). */
static uint32_t ref_lower_bound(const ref_list *l, uint32_t target) {
    uint32_t lo = 0, hi = l->n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (l->doc[mid] >= target)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static uint32_t random_target(const ref_list *l, uint32_t cur) {
    uint32_t r = rnd_below(4);
    if (l->n == 0 || r == 0) return (uint32_t)rnd();
    uint32_t i = cur + rnd_below(r == 1 ? 3 : r == 2 ? 300 : l->n);
    if (i >= l->n) return l->doc[l->n - 1] + (uint32_t)rnd_below(3);
    return l->doc[i] - (rnd_below(2) && l->doc[i] > 0 ? 1 : 0);
}

/* Random mix of next and advance, compared with the reference. */
static void check_advance(const streams *s, const ref_list *l,
                          const ngi_term_postings *tp, unsigned rounds) {
    ngi_cursor c;
    open_cursor(&c, s, tp);
    uint32_t cur = 0; /* reference index of the cursor's doc */
    int started = 0;
    for (unsigned k = 0; k < rounds && !(started && c.doc == NGI_DOC_END); k++) {
        if (started && rnd_below(3) == 0) {
            assert_int_equal(ngi_cursor_next(&c), 0);
            cur++;
        } else {
            uint32_t target = random_target(l, cur);
            uint32_t want = ref_lower_bound(l, target);
            if (started && want < cur) want = cur; /* never moves back */
            assert_int_equal(ngi_cursor_advance(&c, target), 0);
            cur = want;
        }
        started = 1;
        if (cur >= l->n) {
            assert_int_equal(c.doc, NGI_DOC_END);
        } else {
            assert_int_equal(c.doc, l->doc[cur]);
            assert_int_equal(c.freq, l->tf[cur]);
            if (rnd_below(4) == 0) check_positions(&c, l, cur);
        }
    }
    ngi_cursor_close(&c);
}

/* shallow_advance and block bounds against the reference blocks of 128. */
static void check_shallow(const streams *s, const ref_list *l,
                          const ngi_term_postings *tp, unsigned rounds) {
    ngi_cursor c;
    open_cursor(&c, s, tp);
    uint64_t target64 = 0;
    for (unsigned k = 0; k < rounds; k++) {
        target64 += rnd_below(l->n ? (l->doc[l->n - 1] / 64) + 2 : 10);
        if (target64 > UINT32_MAX) break; /* targets only grow */
        uint32_t target = (uint32_t)target64;
        uint32_t block_before = c.block, doc_before = c.doc;
        uint32_t last = ngi_cursor_shallow_advance(&c, target);
        /* shallow advance decodes nothing and does not move */
        assert_int_equal(c.block, block_before);
        assert_int_equal(c.doc, doc_before);
        uint32_t i = ref_lower_bound(l, target);
        if (i == l->n) {
            assert_int_equal(last, NGI_DOC_END);
            break;
        }
        uint32_t b0 = l->n < 128 ? 0 : i / 128 * 128;
        uint32_t b1 = l->n < 128 ? l->n : NGI_MIN(b0 + 128, l->n);
        uint32_t max_tf = 0, min_dl = UINT32_MAX;
        for (uint32_t j = b0; j < b1; j++) {
            max_tf = NGI_MAX(max_tf, l->tf[j]);
            min_dl = NGI_MIN(min_dl, l->dl[j]);
        }
        assert_int_equal(last, l->doc[b1 - 1]);
        uint32_t got_tf = ngi_cursor_block_max_tf(&c);
        uint32_t got_dl = ngi_cursor_block_min_dl(&c);
        if (max_tf < 0xffff)
            assert_int_equal(got_tf, max_tf);
        else
            assert_true(got_tf >= max_tf);
        if (min_dl < 0xffff)
            assert_int_equal(got_dl, min_dl);
        else
            assert_true(got_dl <= min_dl && got_dl >= 0xffff);
        /* then really advance sometimes; the bounds must follow */
        if (rnd_below(2)) {
            assert_int_equal(ngi_cursor_advance(&c, target), 0);
            assert_int_equal(c.doc, l->doc[i]);
            assert_true(ngi_cursor_block_max_tf(&c) >= c.freq);
        }
    }
    ngi_cursor_close(&c);
}

static void round_trip(uint32_t n, int mode, int big_tf, int wide_pos, int to_max) {
    ref_list l = gen_list(n, mode, big_tf, wide_pos, to_max);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    check_stats(&l, &tp);
    check_scan(&s, &l, &tp, n > 20000 ? 7 : 1);
    check_advance(&s, &l, &tp, 2000);
    check_shallow(&s, &l, &tp, 300);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

/* ---- bit packing --------------------------------------------------- */

static void pack_round_trip_every_width(void **state) {
    (void)state;
    rng_state = 1;
    uint32_t in[NGI_BLOCK], out[NGI_BLOCK];
    uint8_t packed[16 * 32 + 16];
    for (unsigned bits = 0; bits <= 32; bits++) {
        for (int rep = 0; rep < 20; rep++) {
            uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
            for (unsigned i = 0; i < NGI_BLOCK; i++)
                in[i] = rep == 0 ? mask : (uint32_t)rnd() & mask;
            memset(packed, 0xa5, sizeof packed);
            ngi_pack128(in, bits, packed);
            for (unsigned i = 16 * bits; i < sizeof packed; i++)
                assert_int_equal(packed[i], 0xa5); /* wrote exactly 16*bits */
            ngi_unpack128(packed, bits, out);
            assert_memory_equal(in, out, sizeof in);
            assert_true(ngi_bits_max(in, NGI_BLOCK) <= bits);
        }
    }
}

static void pack_ignores_high_bits(void **state) {
    (void)state;
    uint32_t in[NGI_BLOCK], out[NGI_BLOCK];
    uint8_t packed[16 * 32];
    for (unsigned i = 0; i < NGI_BLOCK; i++) in[i] = 0xfffffff0u | (i & 15);
    ngi_pack128(in, 4, packed);
    ngi_unpack128(packed, 4, out);
    for (unsigned i = 0; i < NGI_BLOCK; i++) assert_int_equal(out[i], i & 15);
}

static void bits_max_values(void **state) {
    (void)state;
    uint32_t v[3] = {0, 0, 0};
    assert_int_equal(ngi_bits_max(v, 3), 0);
    v[1] = 1;
    assert_int_equal(ngi_bits_max(v, 3), 1);
    v[2] = 255;
    assert_int_equal(ngi_bits_max(v, 3), 8);
    v[0] = UINT32_MAX;
    assert_int_equal(ngi_bits_max(v, 3), 32);
    assert_int_equal(ngi_bits_max(v, 0), 0);
}

static void gaps_decode_matches_reference(void **state) {
    (void)state;
    rng_state = 2;
    uint32_t gap[NGI_BLOCK], out[NGI_BLOCK];
    uint8_t packed[16 * 32];
    for (unsigned bits = 0; bits <= 32; bits++) {
        uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
        for (unsigned i = 0; i < NGI_BLOCK; i++) gap[i] = (uint32_t)rnd() & mask;
        ngi_pack128(gap, bits, packed);
        uint32_t first = (uint32_t)rnd_below(1000);
        uint64_t last = ngi_unpack128_gaps(packed, bits, first, out);
        uint64_t want = first;
        for (unsigned i = 0; i < NGI_BLOCK; i++) {
            want += gap[i] + (i > 0);
            assert_int_equal(out[i], (uint32_t)want);
        }
        assert_true(last == want);
    }
}

static void packn_round_trip(void **state) {
    (void)state;
    rng_state = 3;
    uint32_t in[NGI_BLOCK], out[NGI_BLOCK];
    uint8_t packed[16 * 32 + 8];
    for (unsigned bits = 0; bits <= 32; bits++) {
        for (size_t n = 0; n <= NGI_BLOCK; n += 1 + n / 8) {
            uint32_t mask = bits ? 0xffffffffu >> (32 - bits) : 0;
            for (size_t i = 0; i < n; i++) in[i] = (uint32_t)rnd() & mask;
            size_t bytes = ngi_packn_bytes(n, bits);
            memset(packed, 0x5a, sizeof packed);
            ngi_packn(in, n, bits, packed);
            assert_int_equal(packed[bytes], 0x5a);
            ngi_unpackn(packed, n, bits, out);
            assert_memory_equal(in, out, n * sizeof *in);
        }
    }
}

/* ---- posting lists ------------------------------------------------- */

static const uint32_t edge_sizes[] = {1,   2,   3,   127, 128, 129,
                                      255, 256, 257, 383, 384, 385};

static void lists_of_edge_sizes(void **state) {
    (void)state;
    rng_state = 4;
    for (size_t k = 0; k < NGI_ARRAY_LEN(edge_sizes); k++)
        for (int mode = GAPS_DENSE; mode <= GAPS_MIXED; mode++) {
            round_trip(edge_sizes[k], mode, 0, 0, 0);
            round_trip(edge_sizes[k], mode, 1, 1, 1);
        }
}

static void lists_of_random_sizes(void **state) {
    (void)state;
    rng_state = 5;
    for (int k = 0; k < 12; k++) {
        uint32_t n = 1 + rnd_below(k < 3 ? 100000 : 3000);
        round_trip(n, k % 3, k % 2, k % 4 == 3, k % 5 == 0);
    }
}

static void empty_list(void **state) {
    (void)state;
    ref_list l = gen_list(0, GAPS_DENSE, 0, 0, 0);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    assert_int_equal(tp.df, 0);
    assert_true(tp.docs_len == 0 && tp.pos_len == 0);
    ngi_cursor c;
    open_cursor(&c, &s, &tp);
    assert_int_equal(ngi_cursor_shallow_advance(&c, 0), NGI_DOC_END);
    assert_int_equal(ngi_cursor_next(&c), 0);
    assert_int_equal(c.doc, NGI_DOC_END);
    ngi_cursor_close(&c);
    open_cursor(&c, &s, &tp);
    assert_int_equal(ngi_cursor_advance(&c, 5), 0);
    assert_int_equal(c.doc, NGI_DOC_END);
    ngi_cursor_close(&c);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

static void positions_only_when_asked(void **state) {
    (void)state;
    rng_state = 6;
    ref_list l = gen_list(1000, GAPS_MIXED, 0, 0, 0);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    ngi_cursor c; /* no positions stream at all: docs still decode */
    assert_int_equal(
        ngi_cursor_open(&c, &tp, s.docs.data, s.docs.len, NULL, 0, UINT32_MAX), 0);
    uint32_t n = 0;
    while (ngi_cursor_next(&c) == 0 && c.doc != NGI_DOC_END) n++;
    assert_int_equal(n, l.n);
    assert_null(c.posbuf.data); /* nothing was allocated */
    const uint32_t *p;
    assert_int_equal(ngi_cursor_positions(&c, &p), NG_EINVAL);
    ngi_cursor_close(&c);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

/* Mostly small position deltas with a few huge ones: the chunk must use
 * patched exceptions (header bit 0x80) and still round-trip. */
static void positions_exceptions(void **state) {
    (void)state;
    for (uint32_t n = 100; n <= 300; n += 200) {
        ref_list l = gen_list(n, GAPS_DENSE, 0, 0, 0);
        l.n_pos = 0;
        free(l.pos);
        l.pos = calloc(2 * n, sizeof *l.pos);
        for (uint32_t i = 0; i < n; i++) {
            l.tf[i] = 1 + (i % 3 == 0);
            l.pstart[i] = l.n_pos;
            l.pos[l.n_pos++] = i % 10 == 0 ? 100000u + i : i % 7;
            if (l.tf[i] == 2) l.pos[l.n_pos++] = (i % 50 == 0) ? UINT32_MAX : 200000u;
        }
        streams s;
        ngi_term_postings tp;
        encode(&s, &l, &tp);
        assert_true(s.pos.data[tp.pos_off] & 0x80);
        assert_true(tp.pos_len < 2u * l.n_pos + 50); /* not 4 bytes each */
        check_scan(&s, &l, &tp, 1);
        check_advance(&s, &l, &tp, 500);
        ngi_buf_free(&s.docs);
        ngi_buf_free(&s.pos);
        free_list(&l);
    }
}

/* A full chunk whose 128 values are all exceptions (the writer never
 * picks that width, a valid file may still hold it): the high bits are
 * horizontal whatever their count, both when a document's few positions
 * are read straight from the chunk (tf <= 16) and when it is decoded. */
static void positions_all_exceptions(void **state) {
    (void)state;
    enum { DOCS = 28, B = 2, HB = 3 };
    ref_list l = gen_list(DOCS, GAPS_DENSE, 0, 0, 0);
    uint32_t delta[NGI_BLOCK], low[NGI_BLOCK], high[NGI_BLOCK];
    for (uint32_t i = 0; i < NGI_BLOCK; i++) {
        low[i] = i % 4;
        high[i] = 1 + i % 7; /* >= 1: every value is an exception */
        delta[i] = low[i] | high[i] << B;
    }
    free(l.pos);
    l.pos = calloc(NGI_BLOCK, sizeof *l.pos);
    l.n_pos = 0;
    for (uint32_t i = 0; i < DOCS; i++) { /* 27 docs of 4, one of 20 */
        l.tf[i] = i == 9 ? 20 : 4;
        l.pstart[i] = l.n_pos;
        for (uint32_t j = 0; j < l.tf[i]; j++, l.n_pos++)
            l.pos[l.n_pos] = (j ? l.pos[l.n_pos - 1] : 0) + delta[l.n_pos];
    }
    assert_int_equal(l.n_pos, NGI_BLOCK);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    /* the positions rewritten by hand: one chunk, b = 2, 128 exceptions */
    uint8_t chunk[1 + 16 * B + 2 + NGI_BLOCK + 16 * HB];
    chunk[0] = B | NGI_CHUNK_EXC;
    ngi_pack128(low, B, chunk + 1);
    uint8_t *e = chunk + 1 + 16 * B;
    e[0] = NGI_BLOCK;
    e[1] = HB;
    for (uint32_t i = 0; i < NGI_BLOCK; i++) e[2 + i] = (uint8_t)i;
    ngi_packn(high, NGI_BLOCK, HB, e + 2 + NGI_BLOCK);
    assert_int_equal(ngi_packn_bytes(NGI_BLOCK, HB), 16 * HB);
    s.pos.len = 0;
    assert_int_equal(ngi_buf_append(&s.pos, chunk, sizeof chunk), 0);
    tp.pos_off = 0;
    tp.pos_len = sizeof chunk;
    check_scan(&s, &l, &tp, 1);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

/* One term of n docs (doc 2 i + 1, tf tfs[i], positions from pos, in
 * order) written to fresh streams. */
static void one_term(streams *s, ngi_term_postings *tp, uint32_t n, const uint32_t *tfs,
                     const uint32_t *pos) {
    ngi_buf_init(&s->docs);
    ngi_buf_init(&s->pos);
    ngi_postings_writer *w;
    assert_int_equal(ngi_postings_writer_create(&w, &s->docs, &s->pos), 0);
    ngi_postings_writer_begin(w);
    for (uint32_t i = 0, at = 0; i < n; at += tfs[i], i++)
        assert_int_equal(ngi_postings_writer_add(w, 2 * i + 1, tfs[i], pos + at, 50), 0);
    assert_int_equal(ngi_postings_writer_end(w, tp), 0);
    ngi_postings_writer_free(w);
}

/* Format 6's bare position: a term with one position below 256 stores it
 * as one byte, no chunk header; wider, or more positions (a second doc,
 * tf 2, or the last block of a longer list holding one), keep chunks.
 * All read back. A bare byte whose doc claims tf 2 is damage. */
static void bare_single_position(void **state) {
    (void)state;
    const uint32_t one[] = {1}, vals[] = {0, 7, 255, 256, 70000};
    for (size_t k = 0; k < sizeof vals / sizeof *vals; k++) {
        streams s;
        ngi_term_postings tp;
        one_term(&s, &tp, 1, one, &vals[k]);
        assert_int_equal(tp.pos_len, vals[k] < 256 ? 1 : vals[k] < 65536 ? 3 : 4);
        if (vals[k] < 256) assert_int_equal(s.pos.data[0], vals[k]);
        ngi_cursor c;
        open_cursor(&c, &s, &tp);
        assert_int_equal(ngi_cursor_next(&c), 0);
        const uint32_t *p;
        assert_int_equal(ngi_cursor_positions(&c, &p), 0);
        assert_int_equal(p[0], vals[k]);
        ngi_cursor_close(&c);
        ngi_buf_free(&s.docs);
        ngi_buf_free(&s.pos);
    }
    /* not bare: two docs of one position each, one doc of two, and 129
     * docs whose last block is one doc of tf 1 */
    uint32_t tfs[129], pos[258];
    for (uint32_t i = 0; i < 129; i++) tfs[i] = i == 0 ? 2 : 1;
    for (uint32_t i = 0; i < 258; i++) pos[i] = 3 + i % 2;
    const uint32_t two[] = {1, 1};
    struct {
        uint32_t n;
        const uint32_t *tfs;
    } cases[] = {{2, two}, {1, tfs}, {129, tfs}};
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        streams s;
        ngi_term_postings tp;
        one_term(&s, &tp, cases[k].n, cases[k].tfs, pos);
        assert_true(tp.pos_len >= 2);
        ngi_cursor c;
        open_cursor(&c, &s, &tp);
        for (uint32_t i = 0, at = 0; i < cases[k].n; at += cases[k].tfs[i], i++) {
            assert_int_equal(ngi_cursor_next(&c), 0);
            const uint32_t *p;
            assert_int_equal(ngi_cursor_positions(&c, &p), 0);
            assert_int_equal(p[0], pos[at]);
        }
        ngi_cursor_close(&c);
        ngi_buf_free(&s.docs);
        ngi_buf_free(&s.pos);
    }
    /* doc 5 with tf 2 (vposting: gap << 1, then tf - 2) over a bare byte */
    for (unsigned byte = 0; byte < 256; byte++) {
        uint8_t docs[2] = {10, 0}, posb[1] = {(uint8_t)byte};
        ngi_term_postings tp = {
            .df = 1, .cf = 2, .docs_len = 2, .pos_len = 1, .max_tf = 2, .min_dl = 1};
        ngi_cursor c;
        assert_int_equal(ngi_cursor_open(&c, &tp, docs, 2, posb, 1, UINT32_MAX), 0);
        assert_int_equal(ngi_cursor_next(&c), 0);
        assert_int_equal(c.freq, 2);
        const uint32_t *p;
        assert_int_equal(ngi_cursor_positions(&c, &p), NG_ECORRUPT);
        ngi_cursor_close(&c);
    }
}

/* One full block written by hand with 32-bit tfs: a stored tf - 1 of
 * UINT32_MAX (a tf of 2^32) is damage wherever it sits in the block; a
 * stored UINT32_MAX - 1 is the largest tf. */
static void full_block_tf_overflow(void **state) {
    (void)state;
    for (uint32_t at = 0; at < NGI_BLOCK; at += 37) {
        for (int bad = 0; bad < 2; bad++) {
            uint32_t gaps[NGI_BLOCK] = {0}, tfs[NGI_BLOCK] = {0};
            tfs[at] = bad ? UINT32_MAX : UINT32_MAX - 1;
            uint8_t d[16 + 2 + 16 * 32] = {0};
            d[0] = NGI_BLOCK - 1; /* skip entry: last doc 127, offsets 0 */
            d[12] = d[13] = 0xff; /* max_tf saturated */
            d[16] = 0;            /* bd: docs 0..127, gaps 0 */
            d[17] = 32;           /* bt */
            ngi_pack128(gaps, 0, d + 18);
            ngi_pack128(tfs, 32, d + 18);
            ngi_term_postings tp = {
                .df = NGI_BLOCK, .docs_len = sizeof d, .max_tf = UINT32_MAX};
            ngi_cursor c;
            assert_int_equal(ngi_cursor_open(&c, &tp, d, sizeof d, NULL, 0, UINT32_MAX),
                             0);
            int rc = ngi_cursor_advance(&c, at);
            if (bad) {
                assert_int_equal(rc, NG_ECORRUPT);
                assert_int_equal(c.doc, NGI_DOC_END);
            } else {
                assert_int_equal(rc, 0);
                assert_int_equal(c.doc, at);
                assert_true(c.freq == UINT32_MAX);
            }
            ngi_cursor_close(&c);
        }
    }
}

/* A block with tf and doc lengths past 16 bits: the skip entry saturates
 * and the bounds stay safe (tf from the term, dl clamped down). */
static void saturated_block_bounds(void **state) {
    (void)state;
    rng_state = 11;
    ref_list l = gen_list(300, GAPS_DENSE, 0, 0, 0);
    free(l.pos);
    l.n_pos = 0;
    for (uint32_t i = 0; i < l.n; i++) {
        l.tf[i] = i == 5 ? 70000 : 1;
        l.dl[i] = i < 128 ? 70000 + i : 10 + i;
        l.pstart[i] = l.n_pos;
        l.n_pos += l.tf[i];
    }
    l.pos = calloc(l.n_pos, sizeof *l.pos);
    for (uint32_t k = 0; k < 70000; k++) l.pos[l.pstart[5] + k] = 3 * k;
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    ngi_cursor c;
    open_cursor(&c, &s, &tp);
    assert_int_equal(ngi_cursor_shallow_advance(&c, 0), l.doc[127]);
    assert_int_equal(ngi_cursor_block_max_tf(&c), 70000);
    assert_int_equal(ngi_cursor_block_min_dl(&c), 0xffff);
    assert_int_equal(ngi_cursor_shallow_advance(&c, l.doc[128]), l.doc[255]);
    assert_int_equal(ngi_cursor_block_max_tf(&c), 1);
    assert_int_equal(ngi_cursor_block_min_dl(&c), 10 + 128);
    ngi_cursor_close(&c);
    check_scan(&s, &l, &tp, 1);
    check_shallow(&s, &l, &tp, 100);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

/* advance() jumps over blocks without reading them: a damaged block in
 * the middle goes unnoticed by a jump over it, but not by a scan. */
static void advance_never_decodes_skipped_blocks(void **state) {
    (void)state;
    rng_state = 12;
    ref_list l = gen_list(1000, GAPS_MIXED, 0, 0, 0);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    uint32_t n_blocks = (l.n + 127) / 128;
    uint8_t *term = s.docs.data + tp.docs_off;
    uint32_t off3 = term[3 * 16 + 4] | term[3 * 16 + 5] << 8 | term[3 * 16 + 6] << 16;
    term[n_blocks * 16 + off3] = 0xff; /* block 3's doc width: invalid */
    ngi_cursor c;
    open_cursor(&c, &s, &tp);
    assert_int_equal(ngi_cursor_advance(&c, l.doc[128 * 5 + 7]), 0);
    assert_int_equal(c.doc, l.doc[128 * 5 + 7]);
    assert_int_equal(ngi_cursor_shallow_advance(&c, l.doc[128 * 7]), l.doc[l.n - 1]);
    ngi_cursor_close(&c);
    open_cursor(&c, &s, &tp);
    int rc = 0;
    while (rc == 0 && c.doc != NGI_DOC_END) rc = ngi_cursor_next(&c);
    assert_int_equal(rc, NG_ECORRUPT);
    ngi_cursor_close(&c);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

/* Every (position, target) pair of a full block and of a variable-byte
 * tail: from doc i, advance(target) lands on the first doc >= target with
 * its tf (the in-block search halves without branches; tfs are kept as
 * stored, tf - 1, and the one is added on landing). */
static void advance_within_blocks_every_target(void **state) {
    (void)state;
    rng_state = 13;
    ref_list l = gen_list(128 + 77, GAPS_MIXED, 1, 0, 0);
    streams s;
    ngi_term_postings tp;
    encode(&s, &l, &tp);
    for (uint32_t i = 0; i < l.n; i++) {
        uint32_t blk_end = i < 128 ? 127 : l.n - 1;
        for (uint32_t target = l.doc[i] + 1; target <= l.doc[blk_end] + 1; target++) {
            uint32_t near = l.doc[ref_lower_bound(&l, target)] - 2;
            if (target - l.doc[i] > 300 && near > target) target = near; /* long gaps */
            ngi_cursor c;
            open_cursor(&c, &s, &tp);
            assert_int_equal(ngi_cursor_advance(&c, l.doc[i]), 0);
            assert_int_equal(c.freq, l.tf[i]);
            assert_int_equal(ngi_cursor_advance(&c, target), 0);
            uint32_t want = ref_lower_bound(&l, target);
            if (want >= l.n) {
                assert_int_equal(c.doc, NGI_DOC_END);
            } else {
                assert_int_equal(c.doc, l.doc[want]);
                assert_int_equal(c.freq, l.tf[want]);
            }
            ngi_cursor_close(&c);
        }
    }
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
    free_list(&l);
}

static void writer_rejects_bad_input(void **state) {
    (void)state;
    ngi_buf d = NGI_BUF_INIT, p = NGI_BUF_INIT;
    ngi_postings_writer *w;
    assert_int_equal(ngi_postings_writer_create(&w, &d, &p), 0);
    uint32_t pos[2] = {5, 3};
    ngi_postings_writer_begin(w);
    assert_int_equal(ngi_postings_writer_add(w, 10, 0, pos, 3), NG_EINVAL);
    assert_int_equal(ngi_postings_writer_add(w, 10, 2, pos, 3), NG_EINVAL);
    assert_int_equal(ngi_postings_writer_add(w, NGI_DOC_END, 1, pos, 3), NG_EINVAL);
    assert_int_equal(ngi_postings_writer_add(w, 10, 1, pos, 3), 0);
    assert_int_equal(ngi_postings_writer_add(w, 10, 1, pos, 3), NG_EINVAL);
    assert_int_equal(ngi_postings_writer_add(w, 9, 1, pos, 3), NG_EINVAL);
    assert_int_equal(ngi_postings_writer_add(w, 11, 1, pos, 3), 0);
    ngi_term_postings tp;
    assert_int_equal(ngi_postings_writer_end(w, &tp), 0);
    assert_int_equal(tp.df, 2);
    ngi_postings_writer_free(w);
    ngi_postings_writer_free(NULL);
    ngi_buf_free(&d);
    ngi_buf_free(&p);
}

static void writer_survives_allocation_failures(void **state) {
    (void)state;
    rng_state = 7;
    ref_list l = gen_list(700, GAPS_MIXED, 0, 0, 0);
    int failed = 0;
    for (long k = 0; k < 200; k++) {
        ngi_buf d = NGI_BUF_INIT, p = NGI_BUF_INIT;
        ngi_postings_writer *w = NULL;
        ngi_fault_alloc_after(k);
        int rc = ngi_postings_writer_create(&w, &d, &p);
        ngi_term_postings tp;
        if (!rc) {
            ngi_postings_writer_begin(w);
            for (uint32_t i = 0; i < l.n && !rc; i++)
                rc = ngi_postings_writer_add(w, l.doc[i], l.tf[i], l.pos + l.pstart[i],
                                             l.dl[i]);
            if (!rc) rc = ngi_postings_writer_end(w, &tp);
            /* sticky: the writer keeps refusing after a failure */
            if (rc) assert_int_equal(ngi_postings_writer_end(w, &tp), rc);
        }
        ngi_fault_alloc_after(-1);
        if (rc) {
            assert_int_equal(rc, NG_ENOMEM);
            failed++;
        }
        ngi_postings_writer_free(w);
        ngi_buf_free(&d);
        ngi_buf_free(&p);
    }
    assert_true(failed > 0);
    free_list(&l);
}

static void max_doc_is_enforced(void **state) {
    (void)state;
    rng_state = 8;
    for (int k = 0; k < 2; k++) {
        ref_list l = gen_list(k ? 300 : 50, GAPS_DENSE, 0, 0, 0);
        streams s;
        ngi_term_postings tp;
        encode(&s, &l, &tp);
        ngi_cursor c;
        uint32_t last = l.doc[l.n - 1];
        assert_int_equal(ngi_cursor_open(&c, &tp, s.docs.data, s.docs.len, s.pos.data,
                                         s.pos.len, last + 1),
                         0);
        ngi_cursor_close(&c);
        int rc = ngi_cursor_open(&c, &tp, s.docs.data, s.docs.len, s.pos.data, s.pos.len,
                                 last);
        while (rc == 0) {
            rc = ngi_cursor_next(&c);
            if (c.doc == NGI_DOC_END) break;
        }
        assert_int_equal(rc, NG_ECORRUPT);
        ngi_cursor_close(&c);
        ngi_buf_free(&s.docs);
        ngi_buf_free(&s.pos);
        free_list(&l);
    }
}

/* ---- damaged bytes ------------------------------------------------- */

/* Walks a (possibly damaged) list every way a query could; returns the
 * first error. Checks the promises that hold even on damaged input. */
static int walk(const ngi_term_postings *tp, const uint8_t *d, size_t dn,
                const uint8_t *p, size_t pn, uint32_t max_doc) {
    ngi_cursor c;
    int rc = ngi_cursor_open(&c, tp, d, dn, p, pn, max_doc);
    uint32_t steps = 0, prev = 0;
    while (rc == 0) {
        rc = ngi_cursor_next(&c);
        if (rc || c.doc == NGI_DOC_END) break;
        assert_true(c.doc < max_doc);
        assert_true(steps == 0 || c.doc > prev);
        assert_true(++steps <= tp->df);
        prev = c.doc;
        const uint32_t *pos;
        rc = ngi_cursor_positions(&c, &pos);
        for (uint32_t i = 1; rc == 0 && i < c.freq; i++)
            assert_true(pos[i] >= pos[i - 1]);
        (void)ngi_cursor_block_max_tf(&c);
    }
    ngi_cursor_close(&c);
    if (rc) return rc;
    rc = ngi_cursor_open(&c, tp, d, dn, p, pn, max_doc);
    for (uint32_t t = 0; rc == 0 && c.doc != NGI_DOC_END && t < 64; t++) {
        uint32_t target = t * (max_doc / 40);
        (void)ngi_cursor_shallow_advance(&c, target);
        (void)ngi_cursor_block_min_dl(&c);
        rc = ngi_cursor_advance(&c, target);
        if (rc == 0 && c.doc != NGI_DOC_END) assert_true(c.doc >= target);
    }
    ngi_cursor_close(&c);
    return rc;
}

/* Exact-size copy so that ASan sees any read past the end. */
static uint8_t *dup_bytes(const uint8_t *b, size_t n) {
    uint8_t *d = malloc(n ? n : 1);
    if (n) memcpy(d, b, n);
    return d;
}

static void corrupt_one(const ref_list *l, int big) {
    streams s;
    ngi_term_postings tp;
    encode(&s, l, &tp);
    uint32_t max_doc = l->doc[l->n - 1] + 1;
    /* the intact list walks cleanly */
    assert_int_equal(walk(&tp, s.docs.data, s.docs.len, s.pos.data, s.pos.len, max_doc),
                     0);
    const uint8_t *d0 = s.docs.data + tp.docs_off;
    const uint8_t *p0 = s.pos.data + tp.pos_off;
    ngi_term_postings t2 = tp;
    t2.docs_off = t2.pos_off = 0;
    size_t step = big ? 3 : 1;
    for (size_t i = 0; i < tp.docs_len; i += step) { /* flips in docs */
        uint8_t *d = dup_bytes(d0, tp.docs_len);
        d[i] ^= (uint8_t)(1u << (i % 8));
        if (i % 5 == 0) d[i] = 0xff;
        int rc = walk(&t2, d, tp.docs_len, p0, tp.pos_len, max_doc);
        assert_true(rc == 0 || rc == NG_ECORRUPT);
        free(d);
    }
    for (size_t i = 0; i < tp.pos_len; i += step * 2 + 1) { /* flips in positions */
        uint8_t *p = dup_bytes(p0, tp.pos_len);
        p[i] ^= (uint8_t)(0x80u >> (i % 8));
        if (i % 3 == 0) p[i] = (uint8_t)rnd();
        int rc = walk(&t2, d0, tp.docs_len, p, tp.pos_len, max_doc);
        assert_true(rc == 0 || rc == NG_ECORRUPT);
        free(p);
    }
    for (size_t n = 0; n < tp.docs_len; n += step) { /* truncated docs */
        uint8_t *d = dup_bytes(d0, n);
        t2.docs_len = n;
        assert_int_equal(walk(&t2, d, n, p0, tp.pos_len, max_doc), NG_ECORRUPT);
        free(d);
    }
    t2.docs_len = tp.docs_len;
    for (size_t n = 0; n < tp.pos_len; n += step * 2 + 1) { /* truncated positions */
        uint8_t *p = dup_bytes(p0, n);
        t2.pos_len = n;
        assert_int_equal(walk(&t2, d0, tp.docs_len, p, n, max_doc), NG_ECORRUPT);
        free(p);
    }
    t2.pos_len = tp.pos_len;
    /* lexicon fields that lie */
    const uint32_t dfs[] = {tp.df + 1, tp.df - 1, 127, 128, 129, 255, 257, UINT32_MAX};
    for (size_t k = 0; k < NGI_ARRAY_LEN(dfs); k++) {
        t2.df = dfs[k];
        int rc = walk(&t2, d0, tp.docs_len, p0, tp.pos_len, UINT32_MAX);
        assert_true(rc == 0 || rc == NG_ECORRUPT);
    }
    t2.df = tp.df;
    t2.docs_len = tp.docs_len + 1;
    assert_int_equal(walk(&t2, d0, tp.docs_len, p0, tp.pos_len, max_doc), NG_ECORRUPT);
    ngi_buf_free(&s.docs);
    ngi_buf_free(&s.pos);
}

static void damaged_lists_fail_cleanly(void **state) {
    (void)state;
    rng_state = 9;
    const uint32_t sizes[] = {1, 5, 127, 128, 300};
    for (size_t k = 0; k < NGI_ARRAY_LEN(sizes); k++) {
        ref_list l = gen_list(sizes[k], k % 2 ? GAPS_MIXED : GAPS_DENSE, 0, 0, 0);
        corrupt_one(&l, sizes[k] > 200);
        free_list(&l);
    }
}

static void random_garbage_fails_cleanly(void **state) {
    (void)state;
    rng_state = 10;
    uint8_t d[600], p[600];
    for (int k = 0; k < 3000; k++) {
        for (size_t i = 0; i < sizeof d; i++)
            d[i] = (uint8_t)rnd(), p[i] = (uint8_t)rnd();
        ngi_term_postings tp = {0};
        tp.df = 1 + rnd_below(k % 2 ? 127 : 1000);
        tp.docs_len = rnd_below(sizeof d);
        tp.pos_len = rnd_below(sizeof p);
        tp.max_tf = (uint32_t)rnd();
        uint8_t *dd = dup_bytes(d, tp.docs_len), *pp = dup_bytes(p, tp.pos_len);
        int rc = walk(&tp, dd, tp.docs_len, pp, tp.pos_len, k % 3 ? UINT32_MAX : 100000);
        assert_true(rc == 0 || rc == NG_ECORRUPT);
        free(dd);
        free(pp);
    }
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pack_round_trip_every_width),
        cmocka_unit_test(pack_ignores_high_bits),
        cmocka_unit_test(bits_max_values),
        cmocka_unit_test(gaps_decode_matches_reference),
        cmocka_unit_test(packn_round_trip),
        cmocka_unit_test(empty_list),
        cmocka_unit_test(lists_of_edge_sizes),
        cmocka_unit_test(lists_of_random_sizes),
        cmocka_unit_test(positions_only_when_asked),
        cmocka_unit_test(advance_never_decodes_skipped_blocks),
        cmocka_unit_test(advance_within_blocks_every_target),
        cmocka_unit_test(positions_exceptions),
        cmocka_unit_test(positions_all_exceptions),
        cmocka_unit_test(bare_single_position),
        cmocka_unit_test(full_block_tf_overflow),
        cmocka_unit_test(saturated_block_bounds),
        cmocka_unit_test(writer_rejects_bad_input),
        cmocka_unit_test(writer_survives_allocation_failures),
        cmocka_unit_test(max_doc_is_enforced),
        cmocka_unit_test(damaged_lists_fail_cleanly),
        cmocka_unit_test(random_garbage_fails_cleanly),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
