/*
 * proximity.h — the term-proximity part of the default ranking: ordered
 * pairs of neighbouring query words, scored like BM25 terms (the ordered
 * window feature of the sequential-dependence model, Metzler & Croft
 * 2005, with BM25's saturation as in Rasolofo & Savoy's BM25TP).
 *
 * The pairs: the root's children that are not excluded, in query order
 * (byte offset), skipping stopwords and date filters; two neighbours of
 * that sequence that are both plain words (no field, not a phrase, prefix
 * or group) and different terms a, b form the pair (a, b). In a document,
 * tf(a, b) = the occurrences of a followed by an occurrence of b at most
 * `window` positions later (stopwords count in positions, so window 2
 * lets one word or stopword stand between them). The part added to the
 * BM25 score is, over the pairs,
 *
 *     coef(a, b) * tf(a, b) / (tf(a, b) + K)
 *     coef(a, b) = weight * min(1, qtf(a), qtf(b)) * (k1 + 1)
 *
 * with K the document's BM25 length normaliser. It does not depend on
 * idf: on the five test collections an idf-weighted pair did no better
 * (bench/README.md). Bounds: tf(a, b) <= tf(a) and <= window * tf(b); a
 * pair counts only where both words are, so its bound is charged to one
 * of them (the rarer: its list is the one MaxScore scans anyway).
 */
#ifndef NG_PROXIMITY_H
#define NG_PROXIMITY_H

#include "iter.h"

/* Defaults of ng_search_options.prox_weight / prox_window. */
#define NGI_PROX_WEIGHT 0.5
#define NGI_PROX_WINDOW 2u

/* One pair in the current segment. */
typedef struct ngi_prox_pair {
    ngi_it *a, *b; /* the words' iterators (a then b in the query) */
    double coef;   /* weight * min(1, qtf(a), qtf(b)) * (k1 + 1) */
} ngi_prox_pair;

/* The pairs of one segment's root (ngi_sctx.prox). */
typedef struct ngi_prox {
    ngi_prox_pair *pairs; /* query order */
    uint32_t n;           /* pairs */
    uint32_t window;      /* largest distance from a to b */
} ngi_prox;

/* Finds the pairs of root (the tree of the current segment) whose words
 * are both in the segment, and adds each one's bound to the rarer word's
 * it->ub and it->prox_ub; sets c->prox (NULL: no proximity part here). */
void ngi_prox_setup(ngi_sctx *c, ngi_it *root);

/* A bound on document d's proximity part from the words' tfs at d (no
 * positions decoded); every root child must be advanced to d. */
double ngi_prox_doc_bound(ngi_sctx *c, uint32_t d);

/* Document d's proximity part (decodes the words' positions at d). */
double ngi_prox_doc_score(ngi_sctx *c, uint32_t d);

/* Appends the --explain lines of d's proximity part (indent spaces). */
void ngi_prox_explain(ngi_sctx *c, uint32_t d, int indent, ngi_buf *o);

/* tf(a, b) on position lists (ascending): the positions of a followed by
 * one of b within window positions (the definition; tests use it). */
uint32_t ngi_prox_pair_tf(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                          uint32_t window);

#endif /* NG_PROXIMITY_H */
