/*
 * seed.c — the SEED section (seed.h, lib/FORMAT.md): per-term witnesses
 * of the K-th best BM25 term score, written at every flush and merge,
 * read by a binary search on the term's docs offset, verified against
 * the postings by `check`.
 */
#include <math.h>
#include <string.h>

#include "common/le.h"
#include "seed.h"
#include "segment_impl.h"

static const uint32_t seed_levels[NGI_SEED_NLEVELS] = {10, 100, 1000, 10000};
static const uint32_t seed_tfs[NGI_SEED_NTF] = {1, 2, 3, 4, 6, 8};

#define HEAD_BYTES(L)  (8u + 4u * (L))
#define ENTRY_BYTES(L) (8u + 2u * (L))

/* ---- writer ------------------------------------------------------------ */

void ngi_seed_writer_init(ngi_seed_writer *w, double k1, double b) {
    memset(w, 0, sizeof *w);
    w->lo = 256;
    w->hi = 256; /* none touched */
    w->k1 = k1 > 0 ? k1 : 1.2;
    w->b = b >= 0 && b <= 1 ? b : 0.75;
}

void ngi_seed_writer_free(ngi_seed_writer *w) {
    ngi_buf_free(&w->out);
}

/* BM25's term factor tf / (tf + K) at the estimated avgdl: what the
 * choice of witness maximises (any choice is safe). */
static double factor(const ngi_seed_writer *w, uint32_t tf, uint8_t code) {
    double avgdl = w->n_post ? (double)w->sum_len / (double)w->n_post : 1.0;
    double K = w->k1 * (1.0 - w->b + w->b * (double)ngi_qlen_ceil(code) / avgdl);
    return (double)tf / ((double)tf + K);
}

/* For level K: the tf threshold and code whose pair is best, from the
 * smallest code where each threshold's postings reach K. */
static void choose(const ngi_seed_writer *w, const uint8_t codes[NGI_SEED_NTF],
                   uint8_t *tf, uint8_t *code) {
    double best = -1.0;
    *tf = 0, *code = 255;
    for (unsigned j = 0; j < NGI_SEED_NTF; j++) {
        if (codes[j] == 255) continue; /* not reached, or unbounded lengths */
        double f = factor(w, seed_tfs[j], codes[j]);
        if (f > best) best = f, *tf = (uint8_t)seed_tfs[j], *code = codes[j];
    }
}

int ngi_seed_term_end(ngi_seed_writer *w, uint64_t docs_off, uint32_t df) {
    int rc = 0;
    if (w->lo > 255) return 0; /* no posting */
    if (df >= seed_levels[0]) {
        uint8_t at[NGI_SEED_NLEVELS][NGI_SEED_NTF]; /* smallest code reaching K */
        memset(at, 255, sizeof at);
        for (unsigned j = 0; j < w->nj; j++) {
            uint64_t cum = 0;
            unsigned l = 0, reach = 0; /* the scan ends at the last level reached */
            while (reach < NGI_SEED_NLEVELS && seed_levels[reach] <= w->cnt[j]) reach++;
            for (unsigned c = w->lo; c <= w->hi && l < reach; c++) {
                cum += w->hist[j][c];
                while (l < reach && cum >= seed_levels[l]) at[l++][j] = (uint8_t)c;
            }
        }
        uint8_t e[ENTRY_BYTES(NGI_SEED_NLEVELS)];
        ngi_store_le64(e, docs_off);
        for (unsigned l = 0; l < NGI_SEED_NLEVELS; l++)
            choose(w, at[l], &e[8 + 2 * l], &e[9 + 2 * l]);
        rc = ngi_buf_append(&w->out, e, sizeof e) ? NG_ENOMEM : 0;
        w->n += !rc;
    }
    /* most terms have one posting: one store, not six memsets */
    for (unsigned j = 0; j < w->nj; j++) {
        if (w->lo == w->hi)
            w->hist[j][w->lo] = 0;
        else
            memset(&w->hist[j][w->lo], 0, (w->hi - w->lo + 1) * sizeof w->hist[j][0]);
    }
    memset(w->cnt, 0, sizeof w->cnt);
    w->lo = w->hi = 256;
    w->nj = 0;
    return rc;
}

int ngi_seed_section(const ngi_seed_writer *w, ngi_buf *out) {
    uint8_t h[HEAD_BYTES(NGI_SEED_NLEVELS)] = {NGI_SEED_VERSION, NGI_SEED_NLEVELS};
    ngi_store_le32(h + 4, w->n);
    for (unsigned l = 0; l < NGI_SEED_NLEVELS; l++)
        ngi_store_le32(h + 8 + 4 * l, seed_levels[l]);
    return ngi_buf_append(out, h, sizeof h) ||
                   ngi_buf_append(out, w->out.data, w->out.len)
               ? NG_ENOMEM
               : 0;
}

/* ---- reader ------------------------------------------------------------ */

int ngi_seed_open(ngi_segment *s, ngi_error *err) {
    s->seed = NULL;
    if (!ngi_file_reader_has(s->fr, NGI_SEC_SEED))
        return 0; /* written before seeds: none */
    const uint8_t *p;
    size_t len;
    int rc = ngi_file_reader_section(s->fr, NGI_SEC_SEED, &p, &len, err);
    if (rc) return rc;
    if (len < 8 || p[0] != NGI_SEED_VERSION || p[1] < 1 || p[1] > NGI_WITNESS_MAX ||
        p[2] || p[3])
        return ngi_seg_corrupt(s, err, "seed section of unknown parameters");
    unsigned L = p[1];
    uint32_t n = ngi_load_le32(p + 4);
    if (len < HEAD_BYTES(L) || (len - HEAD_BYTES(L)) / ENTRY_BYTES(L) != n ||
        (len - HEAD_BYTES(L)) % ENTRY_BYTES(L))
        return ngi_seg_corrupt(s, err, "seed section size does not match its count");
    for (unsigned l = 0; l < L; l++) {
        uint32_t k = ngi_load_le32(p + 8 + 4 * l);
        if (!k || (l && k <= ngi_load_le32(p + 4 + 4 * l)))
            return ngi_seg_corrupt(s, err, "seed levels not increasing");
    }
    s->seed = p;
    s->seed_levels = L;
    s->seed_n = n;
    return 0;
}

/* The section's checksum, once per open segment (first use): a flipped
 * byte could raise a threshold past a winner. */
static int verify_once(const ngi_segment *s, ngi_error *err) {
    ngi_segment *m = (ngi_segment *)s; /* the flag is the only mutable state */
    return ngi_seg_verify_once(s, &m->seed_state, NGI_SEC_SEED, "SEED", err);
}

/* Index of the entry for docs_off, or seed_n. */
static size_t find_entry(const ngi_segment *s, uint64_t docs_off) {
    const uint8_t *e = s->seed + HEAD_BYTES(s->seed_levels);
    size_t lo = 0, hi = s->seed_n, w = ENTRY_BYTES(s->seed_levels);
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        uint64_t x = ngi_load_le64(e + mid * w);
        if (x == docs_off) return mid;
        if (x < docs_off)
            lo = mid + 1;
        else
            hi = mid;
    }
    return s->seed_n;
}

int ngi_segment_witness(const ngi_segment *s, const ngi_term_postings *tp, ngi_witness *w,
                        ngi_error *err) {
    w->n = 0;
    if (!s->seed || tp->df < ngi_load_le32(s->seed + 8)) return 0;
    ngi_segment *m = (ngi_segment *)s; /* the count is the only mutable state */
    if (atomic_load_explicit(&m->seed_asks, memory_order_relaxed) < NGI_SEED_AFTER) {
        atomic_fetch_add_explicit(&m->seed_asks, 1, memory_order_relaxed);
        return 0;
    }
    int rc = verify_once(s, err);
    if (rc) return rc;
    size_t i = find_entry(s, tp->docs_off);
    if (i == s->seed_n) return 0;
    const uint8_t *e =
        s->seed + HEAD_BYTES(s->seed_levels) + i * ENTRY_BYTES(s->seed_levels);
    for (unsigned l = 0; l < s->seed_levels; l++) {
        uint8_t tf = e[8 + 2 * l], code = e[9 + 2 * l];
        if (!tf || code == 255) continue;
        w->count[w->n] = ngi_load_le32(s->seed + 8 + 4 * l);
        w->tf[w->n] = tf;
        w->max_dl[w->n++] = ngi_qlen_ceil(code);
    }
    return 0;
}

/* ---- check ------------------------------------------------------------- */

int ngi_seed_check_term(const ngi_segment *s, const ngi_term_postings *tp, size_t *at,
                        ngi_error *err) {
    if (!s->seed || *at >= s->seed_n) return 0;
    unsigned L = s->seed_levels;
    const uint8_t *e = s->seed + HEAD_BYTES(L) + *at * ENTRY_BYTES(L);
    uint64_t off = ngi_load_le64(e);
    if (off < tp->docs_off) return ngi_seg_corrupt(s, err, "seed entry names no term");
    if (off > tp->docs_off) return 0;
    ++*at;
    uint32_t got[NGI_WITNESS_MAX] = {0};
    ngi_cursor c;
    int rc = ngi_segment_cursor(s, tp, &c, err);
    if (rc) return rc;
    while (!(rc = ngi_cursor_next(&c)) && c.doc != NGI_DOC_END) {
        uint32_t dl = ngi_segment_doc_len(s, c.doc);
        for (unsigned l = 0; l < L; l++)
            got[l] += e[8 + 2 * l] && c.freq >= e[8 + 2 * l] && e[9 + 2 * l] != 255 &&
                      dl <= ngi_qlen_ceil(e[9 + 2 * l]);
    }
    ngi_cursor_close(&c);
    if (rc) return ngi_seg_corrupt(s, err, "postings disagree with the lexicon");
    for (unsigned l = 0; l < L; l++)
        if (e[8 + 2 * l] && e[9 + 2 * l] != 255 &&
            got[l] < ngi_load_le32(s->seed + 8 + 4 * l))
            return ngi_seg_corrupt(s, err, "seed witness disagrees with the postings");
    return 0;
}

int ngi_seed_check_end(const ngi_segment *s, size_t at, ngi_error *err) {
    if (s->seed && at != s->seed_n)
        return ngi_seg_corrupt(s, err, "seed entry names no term");
    return 0;
}
