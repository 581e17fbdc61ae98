/*
 * seed.h — the SEED section (lib/FORMAT.md): for each term of df >= the
 * smallest level, and for each level K (10, 100, 1000, 10000), a witness
 * (tf, quantized length) such that at least K of the term's postings in
 * the segment have tf >= that tf and length <= that code's largest
 * length. BM25 grows with tf and shrinks with the length for every
 * k1 >= 0, b in [0, 1] and avgdl, so those K documents score at least
 * bm25(tf, length) for the term whatever the query's statistics: a
 * lower bound of the k-th best score that seeds the top-k threshold
 * (lib/query/search.c, seed_theta). The witness is chosen at write time
 * to maximise BM25's term factor under the index's k1 and b, which only
 * makes it tighter, never unsafe.
 */
#ifndef NG_INDEX_SEED_H
#define NG_INDEX_SEED_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "index.h"

#define NGI_SEC_SEED     NGI_TAG('S', 'E', 'E', 'D')
#define NGI_SEED_VERSION 1
#define NGI_SEED_NLEVELS 4 /* what the writer stores: K = 10, 100, 1000, 10000 */
#define NGI_SEED_NTF     6 /* tf thresholds tried: 1, 2, 3, 4, 6, 8 */

/* ---- writer (segwrite.c) ---------------------------------------------- */

typedef struct ngi_seed_writer {
    uint32_t hist[NGI_SEED_NTF][256]; /* current term: postings by (tf >= T[j], code) */
    unsigned lo, hi;                  /* codes touched (lo > 255: none) */
    unsigned nj;                      /* tf thresholds touched: hist[0 .. nj) */
    uint32_t cnt[NGI_SEED_NTF];       /* current term: postings with tf >= T[j] */
    uint64_t sum_len, n_post;         /* every posting so far: avgdl estimate */
    double k1, b;                     /* the index's BM25 settings */
    ngi_buf out;                      /* entries */
    uint32_t n;                       /* entries in out */
} ngi_seed_writer;

void ngi_seed_writer_init(ngi_seed_writer *w, double k1, double b);
void ngi_seed_writer_free(ngi_seed_writer *w);
/* One posting of the current term. */
static inline void ngi_seed_posting(ngi_seed_writer *w, uint32_t tf, uint32_t dl) {
    static const uint32_t T[NGI_SEED_NTF] = {1, 2, 3, 4, 6, 8};
    unsigned c = ngi_qlen_encode(dl), j = 0;
    for (; j < NGI_SEED_NTF && tf >= T[j]; j++) w->hist[j][c]++, w->cnt[j]++;
    if (j > w->nj) w->nj = j;
    if (c < w->lo) w->lo = c;
    if (c > w->hi || w->hi > 255) w->hi = c;
    w->sum_len += dl;
    w->n_post++;
}
/* Ends the current term (its docs_off and df): appends its entry when df
 * reaches the smallest level. 0 or NG_ENOMEM. */
int ngi_seed_term_end(ngi_seed_writer *w, uint64_t docs_off, uint32_t df);
/* The section's bytes (header + entries) into out. 0 or NG_ENOMEM. */
int ngi_seed_section(const ngi_seed_writer *w, ngi_buf *out);

/* ---- reader (segment.c, segcheck.c) ------------------------------------ */

/* The largest length whose quantized code is q (q < 255; 255 has none). */
static inline uint32_t ngi_qlen_ceil(uint8_t q) {
    return q < NGI_QLEN_EXACT ? q : ngi_qlen_floor((uint8_t)(q + 1)) - 1;
}

struct ngi_segment;
/* Validates the section's header and size at open (none: s->seed NULL). */
int ngi_seed_open(struct ngi_segment *s, ngi_error *err);
/* `check`: called for each term in lexicon order; when the next entry
 * (*at, start at 0) names this term, decodes its postings and verifies
 * every witness (at least K postings with tf >= tf and length <= the
 * code's largest). An entry naming no term is corrupt. */
int ngi_seed_check_term(const struct ngi_segment *s, const ngi_term_postings *tp,
                        size_t *at, ngi_error *err);
/* After the last term: every entry was matched. */
int ngi_seed_check_end(const struct ngi_segment *s, size_t at, ngi_error *err);

#endif /* NG_INDEX_SEED_H */
