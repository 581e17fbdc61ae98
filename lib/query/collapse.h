/*
 * collapse.h — syndicated copies collapsed (issue 16): near-duplicate
 * clusters among the matching documents, from the signatures stored per
 * segment (lib/index/signature.h). Used by ng_search (one result per
 * cluster) and ng_timeline (stories, not copies).
 */
#ifndef NG_QUERY_COLLAPSE_H
#define NG_QUERY_COLLAPSE_H

#include "search.h"

typedef struct ngi_collapse ngi_collapse;

/* Runs the search like ngi_search_run, but keeps in h the best hit of
 * each cluster, at most k of them, best first (h is sorted). The pool of
 * candidates starts at 2k + 20 and grows x4 while it is full and holds
 * fewer than k clusters. *out (free with ngi_collapse_free) records the
 * hits folded under each kept one. A note on documents without a
 * signature goes to c->warning. */
int ngi_collapse_search(ngi_sctx *c, const ngi_search_plan *p, ngi_topk *h, size_t k,
                        uint64_t *total, ngi_collapse **out);
/* Copies the folded hits' external ids (they outlive the snapshot). */
int ngi_collapse_resolve(ngi_collapse *cl, const ngi_snapshot *snap, ngi_error *err);
/* Ids folded under kept hit i, best first; *ids borrowed. */
size_t ngi_collapse_similar(const ngi_collapse *cl, size_t i, const char *const **ids);
void ngi_collapse_free(ngi_collapse *cl);

/* A dated match of a timeline. */
typedef struct ngi_dated_match {
    int32_t day;            /* days since 1970-01-01 */
    const ngi_segment *seg; /* its segment */
    uint32_t local;         /* doc in the segment */
} ngi_dated_match;

/* Sorts m[0..n) by date and keeps the first document of each cluster
 * (connected components of "estimated Jaccard >= threshold", candidates
 * from 12 LSH bands of the signatures); *n_out = the stories kept at the
 * front of m. *unsigned_docs = matches without a signature (each its own
 * story). */
int ngi_collapse_stories(ngi_dated_match *m, size_t n, size_t *n_out,
                         uint64_t *unsigned_docs, ngi_error *err);

#endif /* NG_QUERY_COLLAPSE_H */
