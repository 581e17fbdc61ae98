/*
 * bm25.c — BM25's idf (the per-document formula and the length
 * normaliser are inline in bm25.h: they run once per scored posting).
 */
#include <math.h>

#include "bm25.h"

double ngi_bm25_idf(uint64_t n_docs, uint64_t df) {
    double N = (double)n_docs, d = (double)df;
    if (d > N) N = d; /* cannot happen in a sound index; keeps idf > 0 */
    return log(1.0 + (N - d + 0.5) / (d + 0.5));
}
