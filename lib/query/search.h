/*
 * search.h — the evaluation core shared by ng_search and ng_timeline:
 * a top-k collector and the per-segment evaluation driver (search.c).
 */
#ifndef NG_SEARCH_H
#define NG_SEARCH_H

#include "iter.h"

/* One collected hit. */
typedef struct ngi_hitent {
    double score;   /* canonical BM25 score */
    uint32_t doc;   /* global doc id (visiting order) */
    int32_t date;   /* days, for NG_SORT_DATE (NGI_NO_DATE = oldest) */
    uint32_t seg;   /* segment index */
    uint32_t local; /* doc id inside the segment */
    /* its external id, looked up at its first exact tie (NULL before):
     * a hit sifting through a heap of equal scores is compared many
     * times (search.c, id_first) */
    const char *id;
    size_t id_len;
} ngi_hitent;

/* Min-heap of the best k hits (the root is the worst kept). Equal
 * scores (and dates) rank the smaller external id first, compared as
 * bytes through snap, so the top k does not depend on how the collection
 * was split or numbered (see ng_search in newsgrep.h). */
typedef struct ngi_topk {
    ngi_hitent *e;            /* k slots */
    size_t n, k;              /* used, capacity */
    int by_date;              /* order newest first, then by score */
    const ngi_snapshot *snap; /* the hits' segments, for the ids of ties */
    /* Where the root's id falls in segment rt_seg's id order (the
     * positions [rt_lo, rt_hi) hold its equals), for the root of global
     * doc rt_doc; rt_ok = 0 until computed (search.c, beats_root). */
    uint32_t rt_doc, rt_seg, rt_lo, rt_hi;
    int rt_ok;
    /* A lower bound of the k-th best score known before any candidate
     * (search.c, seed_theta from the segments' SEED witnesses); 0 = none.
     * Set by ngi_search_run. */
    double seed;
} ngi_topk;

/* Called for every match the exhaustive path visits (timelines). */
typedef void (*ngi_match_fn)(void *arg, const ngi_segment *seg, uint32_t local);

/* What to compute. */
typedef struct ngi_search_plan {
    int exhaustive;        /* no pruning */
    int count;             /* exact total of matches */
    int32_t since;         /* --since in days, INT32_MIN = none */
    int32_t until;         /* --until in days, INT32_MAX = none */
    ngi_match_fn on_match; /* optional, exhaustive path only */
    void *arg;             /* for on_match */
} ngi_search_plan;

/* Runs the query over every segment into h; *total = matches counted
 * (exact when plan->count or the path is exhaustive, else 0). */
int ngi_search_run(ngi_sctx *c, const ngi_search_plan *p, ngi_topk *h, uint64_t *total);
/* Orders h->e best first (heap sort: destroys the heap order). */
void ngi_topk_sort(ngi_topk *h);

#endif /* NG_SEARCH_H */
