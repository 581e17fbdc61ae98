/*
 * plan.h — a query planned against one snapshot: the per-search context
 * (ngi_sctx). ngi_sctx_init looks every query term up in every segment,
 * expands every prefix in every segment's lexicon, and derives the BM25
 * statistics (df, idf, N, avgdl); ngi_sctx_build then builds a segment's
 * iterator tree (iter.h) from those lookups. Everything a search mutates
 * lives here (the reader is shared and read-only), so searches may run in
 * parallel threads.
 */
#ifndef NG_PLAN_H
#define NG_PLAN_H

#include "bm25.h"
#include "index/index.h"
#include "query.h"

typedef struct ngi_it ngi_it;
struct ng_query_stats;

/* A prefix* in this snapshot: the terms it matches, scored together as
 * one term (Lucene's SynonymQuery: tf summed over the terms, one df, the
 * largest of theirs), so that a rare misspelling ranks no higher than the
 * common word it resembles. */
typedef struct ngi_pexp {
    uint64_t df;            /* blended df: the largest df of its terms */
    double idf;             /* idf of df */
    ngi_term_postings *tps; /* the kept terms' postings, by segment */
    uint32_t *seg_start;    /* [n_segs + 1]: segment s owns tps[seg_start[s]
                                .. seg_start[s + 1]) */
} ngi_pexp;

typedef struct ngi_sctx {
    const ngi_snapshot *snap;           /* the reader's snapshot */
    const ng_query *q;                  /* the query */
    const ngi_segment *seg;             /* segment being evaluated */
    const uint8_t *norms;               /* its length table (ngi_segment_norms) */
    unsigned norms_w;                   /* bytes per length there */
    const uint32_t *nbase;              /* added to them, by QLEN byte: 0s, or
                                         * (format 6) ngi_qlen_floor(q) */
    const uint8_t *qlens;               /* its quantized lengths, or NULL */
    uint32_t seg_index;                 /* its index in snap->segs */
    double k1, b, avgdl;                /* BM25 parameters of this search */
    uint64_t n_docs;                    /* BM25's N (the snapshot's, + unseen) */
    double *idf;                        /* per query term; 0 = term absent */
    uint64_t *df;                       /* per query term: index-wide df */
    ngi_term_postings *tps;             /* [seg * n_terms + term] */
    uint8_t *found;                     /* [seg * n_terms + term]: in that segment */
    ngi_pexp *pexp;                     /* per node (PREFIX nodes), or NULL */
    char warning[256];                  /* "" or a note for the results */
    uint32_t k_doc;                     /* doc whose normaliser is cached */
    double k_val;                       /* its K = k1 * (1 - b + b * dl / avgdl) */
    double kq[256];                     /* K of ngi_qlen_floor(q), this search's */
    int kq_ready;                       /* kq is filled */
    uint64_t base_docs;                 /* N before unseen_*: the snapshot's or given */
    uint64_t base_tokens;               /* total length before unseen_* */
    const struct ng_query_stats *given; /* score with these (or NULL) */
    struct ng_query_stats *collect;     /* note the statistics here (or NULL) */
    int err;                            /* sticky error (NG_ECORRUPT, NG_ENOMEM) */
    double prox_weight;                 /* proximity part's weight; 0 = plain BM25 */
    uint32_t prox_window;               /* its largest distance (proximity.h) */
    struct ngi_prox *prox;              /* this segment's proximity terms, or NULL */
    ngi_error *errd;                    /* where details go */
    /* per-segment scratch (reset for each segment) */
    uint8_t *arena; /* bump area for the iterator tree */
    size_t arena_used, arena_cap;
    ngi_buf extra;      /* void* of allocations beyond the arena */
    ngi_buf cursors;    /* ngi_cursor* opened for this segment */
    ngi_buf owned;      /* void* of docs_in_dates arrays to free */
    ngi_buf posscratch; /* merged positions for proximity */
} ngi_sctx;

/* Plans q against snap (term lookups, prefix expansion, statistics).
 * Errors: NG_ENOMEM, NG_ECORRUPT (details in *err). */
int ngi_sctx_init(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q, double k1,
                  double b, ngi_error *err);
/* As ngi_sctx_init; with given, N, the total length and every df (the
 * choice of a prefix's terms too) come from given (distributed search:
 * the whole collection's statistics); with collect, the snapshot's N,
 * total length and dfs (every term of every prefix) are noted there
 * (ng_query_stats_get). Errors: also NG_EQUERY (given was gathered for
 * other analyzer settings). */
int ngi_sctx_init_with(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q,
                       double k1, double b, const struct ng_query_stats *given,
                       struct ng_query_stats *collect, ngi_error *err);
/* Ranks as if the collection also held docs documents of tokens total
 * length that are not in the snapshot (ng_search_options.unseen_*):
 * recomputes N, avgdl and the idfs. Call right after ngi_sctx_init. */
void ngi_sctx_add_unseen(ngi_sctx *c, uint64_t docs, uint64_t tokens);
void ngi_sctx_free(ngi_sctx *c);
/* Builds the iterator tree of the query for segment si (frees the
 * previous segment's tree). *out is NULL when nothing there can match. */
int ngi_sctx_build(ngi_sctx *c, uint32_t si, ngi_it **out);
/* Extra filter of --since / --until for the current segment (NULL: none). */
int ngi_sctx_date_filter(ngi_sctx *c, int32_t since, int32_t until, ngi_it **out);

/* ---- for the iterators ------------------------------------------------ */

/* The iterator of node ni in the current segment, or NULL. */
ngi_it *ngi_sctx_build_node(ngi_sctx *c, uint32_t ni);
/* Zeroed memory that lives until the next segment; NULL sets c->err. */
void *ngi_sctx_alloc(ngi_sctx *c, size_t n);
/* Records the first error of the search. */
static inline void ngi_sctx_fail(ngi_sctx *c, int rc) {
    if (!c->err) c->err = rc;
}
/* The current segment's per-document tables (NGI_SEG_NORMS, ...) checked
 * before first use (ngi_segment_need); 0 or the error, recorded. */
int ngi_sctx_need(ngi_sctx *c, unsigned tables);
/* A cursor on tp in the current segment, positioned on its first doc. */
ngi_cursor *ngi_sctx_cursor(ngi_sctx *c, const ngi_term_postings *tp);
/* The same without the first block decoded (its doc reads 0 until the
 * first ngi_cursor_advance): for cursors whose first move is a skip. */
ngi_cursor *ngi_sctx_cursor_unstarted(ngi_sctx *c, const ngi_term_postings *tp);
/* Query term t's postings in the current segment, or NULL. */
const ngi_term_postings *ngi_sctx_term(const ngi_sctx *c, uint32_t t);
/* K of a document length, and of doc (cached for the current doc). */
static inline double ngi_sctx_norm_of(const ngi_sctx *c, uint32_t dl) {
    return ngi_bm25_norm(c->k1, c->b, c->avgdl, dl);
}
/* A length below NGI_QLEN_EXACT is its own quantized byte, and kq holds
 * its K computed as ngi_sctx_norm_of does: the same double, without a
 * read of the larger exact table. */
static inline double ngi_sctx_norm(ngi_sctx *c, uint32_t doc) {
    if (doc != c->k_doc) {
        c->k_doc = doc;
        uint8_t q = c->qlens ? c->qlens[doc] : NGI_QLEN_EXACT;
        c->k_val =
            q < NGI_QLEN_EXACT
                ? c->kq[q]
                : ngi_sctx_norm_of(c, c->nbase[q] +
                                          ngi_norms_doc_len(c->norms, c->norms_w, doc));
    }
    return c->k_val;
}
/* A lower bound of doc's K (its quantized length's), or of every K when
 * the segment has no quantized lengths: never above ngi_sctx_norm. */
static inline double ngi_sctx_norm_low(const ngi_sctx *c, uint32_t doc) {
    return c->qlens ? c->kq[c->qlens[doc]] : c->kq[0];
}

#endif /* NG_PLAN_H */
