/*
 * bm25.h — the scorer: Okapi BM25 with Lucene's idf. Every score of the
 * engine is ngi_bm25(A, tf, K) with A = weight * idf * (k1 + 1) and K the
 * document's length normaliser; bounds use the same function with a
 * larger tf or a smaller K, so they can never fall below a score.
 */
#ifndef NG_BM25_H
#define NG_BM25_H

#include <stdint.h>

/* Lucene's idf: ln(1 + (N - df + 0.5) / (df + 0.5)); always > 0. */
double ngi_bm25_idf(uint64_t n_docs, uint64_t df);

/* K = k1 * (1 - b + b * dl / avgdl): grows with the document length. */
static inline double ngi_bm25_norm(double k1, double b, double avgdl, uint32_t dl) {
    return k1 * (1.0 - b + b * (double)dl / avgdl);
}

/* A term's score given A = weight * idf * (k1 + 1) and the document's
 * length normaliser K. Grows with tf and shrinks with K, so (max tf,
 * min dl) bounds a block. */
static inline double ngi_bm25(double A, uint32_t tf, double K) {
    double t = (double)tf;
    return A * t / (t + K);
}

/* Bounds are compared with a relative slack so that summing them in a
 * different order than the scores (rounding) can never prune a winner. */
#define NGI_SLACK (1.0 + 1e-9)

#endif /* NG_BM25_H */
