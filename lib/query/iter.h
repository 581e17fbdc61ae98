/*
 * iter.h — per-segment iterators over the planned query: one node kind per
 * file (iter_term.c: term and prefix; iter_phrase.c: phrase and
 * proximity; iter_group.c: boolean groups; iter_date.c: date ranges),
 * dispatched inline below. An iterator is the common header below plus the
 * fields of its kind (a tagged union on `kind`).
 */
#ifndef NG_ITER_H
#define NG_ITER_H

#include "plan.h"

typedef struct ngi_it_term {
    ngi_cursor *cur; /* the term's cursor */
} ngi_it_term;

typedef struct ngi_it_prefix {
    ngi_cursor **heap; /* the expansions' cursors, a min-heap by doc */
    uint32_t n;        /* cursors */
} ngi_it_prefix;

typedef struct ngi_it_phrase {
    ngi_cursor **wcur; /* one cursor per distinct word term */
    uint32_t *wmap;    /* word i -> index into wcur */
    uint32_t *wrel;    /* word i -> relative position */
    uint32_t *lead;    /* wcur indexes by ascending df (leapfrog) */
    uint32_t n_words;  /* words (with repeats) */
    uint32_t n_wcur;   /* distinct word terms */
    uint32_t slop;     /* 0 = exact */
    int needs_te;      /* must look at the title/body boundary */
    uint32_t end;      /* last doc of the cached block range */
    int dead;          /* that range cannot beat floor (at that time) */
} ngi_it_phrase;

typedef struct ngi_it_group {
    ngi_it **must;   /* MUST children, query order */
    ngi_it **should; /* SHOULD children, query order */
    ngi_it **nots;   /* NOT children */
    ngi_it **mlead;  /* MUST children by ascending cost */
    uint32_t n_must, n_should, n_not;
    int need_should; /* every MUST child is a date filter: a SHOULD
                              child must still match (filters do not make
                              the words optional) */
} ngi_it_group;

typedef struct ngi_it_date {
    const uint32_t *docs; /* ascending local doc ids in the range */
    size_t n, i;          /* docs, current index */
} ngi_it_date;

/* `doc` is the current match (NGI_DOC_END when exhausted); advance moves
 * to the first match >= a target. Scores are computed only at `doc`. */
struct ngi_it {
    uint32_t doc;          /* current matching local doc id */
    uint8_t kind;          /* an ngi_qkind: which union member is live */
    uint8_t field;         /* an ngi_qfield (leaves) */
    uint8_t occur;         /* occur in the parent group */
    ngi_sctx *ctx;         /* the search this iterator belongs to */
    const ngi_qnode *node; /* the query node it evaluates */
    double A;              /* weight * idf * (k1 + 1) (leaves) */
    double idf;            /* idf (term, prefix); sum of idfs (phrase) */
    double ub;             /* upper bound of the score in this segment */
    uint64_t cost;         /* estimated matches (df), for leapfrog order */
    uint32_t tf;           /* tf at doc (phrase, prefix, field term) */
    uint32_t blk_end;      /* last doc of the cached block bound */
    double blk_ub;         /* bound of the cached block */
    double blk_kmin;       /* K of the cached block's smallest doc length */
    double kmin;           /* K of the smallest doc length (bounds) */
    double floor;          /* root children: matches scoring <= floor may
                              be skipped (pruning); -1 = report all */
    double prox_ub;        /* bound of its proximity part (proximity.h),
                              included in ub and the block bounds */
    union {
        ngi_it_term term;
        ngi_it_prefix pre;
        ngi_it_phrase ph;
        ngi_it_group grp;
        ngi_it_date date;
    };
};

/* Per kind: build (0, or -1 when the node cannot match in this segment)
 * and seek (to the first match >= target). */
int ngi_term_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n);
void ngi_term_seek(ngi_it *it, uint32_t target);
uint32_t ngi_term_shallow(ngi_it *it, uint32_t target);
int ngi_prefix_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n);
void ngi_prefix_seek(ngi_it *it, uint32_t target);
int ngi_phrase_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n);
void ngi_phrase_seek(ngi_it *it, uint32_t target);
int ngi_group_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n);
void ngi_group_seek(ngi_it *it, uint32_t target);
double ngi_group_score(ngi_it *g);
int ngi_date_build(ngi_sctx *c, ngi_it *it, int32_t since, int32_t until);
void ngi_date_seek(ngi_it *it, uint32_t target);

/* ---- dispatch on the kind (inline: the hot loops of search.c) ------ */

static inline void ngi_it_advance(ngi_it *it, uint32_t target) {
    if (it->doc >= target) return;
    if (it->kind == NGI_Q_TERM && !it->field) { /* the cursor directly */
        /* to the next doc (a conjunction's lead, a released candidate):
         * the cursor's inline step */
        int rc = target == it->doc + 1 ? ngi_cursor_next(it->term.cur)
                                       : ngi_cursor_advance(it->term.cur, target);
        if (rc) ngi_sctx_fail(it->ctx, rc);
        it->doc = it->ctx->err ? NGI_DOC_END : it->term.cur->doc;
        return;
    }
    switch (it->kind) {
    case NGI_Q_TERM: ngi_term_seek(it, target); break;
    case NGI_Q_PREFIX: ngi_prefix_seek(it, target); break;
    case NGI_Q_PHRASE: ngi_phrase_seek(it, target); break;
    case NGI_Q_GROUP: ngi_group_seek(it, target); break;
    default: ngi_date_seek(it, target); break;
    }
}

static inline void ngi_it_next(ngi_it *it) {
    if (it->doc == NGI_DOC_END) return;
    if (it->kind == NGI_Q_TERM && !it->field) { /* the cursor's own step, inline */
        int rc = ngi_cursor_next(it->term.cur);
        if (rc) ngi_sctx_fail(it->ctx, rc);
        it->doc = it->ctx->err ? NGI_DOC_END : it->term.cur->doc;
        return;
    }
    ngi_it_advance(it, it->doc + 1);
}

/* tf of a leaf at it->doc (0 for groups and dates). */
static inline uint32_t ngi_it_tf(const ngi_it *it) {
    switch (it->kind) {
    case NGI_Q_TERM: return it->field ? it->tf : it->term.cur->freq;
    case NGI_Q_PREFIX:
    case NGI_Q_PHRASE: return it->tf;
    default: return 0;
    }
}

/* Score at it->doc (which must be a match). */
static inline double ngi_it_score(ngi_it *it) {
    switch (it->kind) {
    case NGI_Q_TERM:
    case NGI_Q_PREFIX:
    case NGI_Q_PHRASE:
        return ngi_bm25(it->A, ngi_it_tf(it), ngi_sctx_norm(it->ctx, it->doc));
    case NGI_Q_GROUP: return ngi_group_score(it);
    default: return 0.0;
    }
}

/* Block bound: returns the last doc of the block holding target (the
 * bound it->blk_ub holds for docs in [target, return]). */
static inline uint32_t ngi_it_shallow(ngi_it *it, uint32_t target) {
    if (it->kind == NGI_Q_TERM) /* the cached block first: no call */
        return it->blk_ub >= 0 && target <= it->blk_end ? it->blk_end
                                                        : ngi_term_shallow(it, target);
    it->blk_ub = it->ub; /* no block facts: the segment's bound */
    it->blk_kmin = it->kmin;
    return NGI_DOC_END;
}

/* A bound on the score at it->doc that needs no exact document length:
 * for plain terms the tf there with the larger of the block's smallest K
 * and klow (a lower bound of the document's K, ngi_sctx_norm_low), the
 * block bound otherwise. Call ngi_it_shallow first. */
static inline double ngi_it_tf_bound(const ngi_it *it, double klow) {
    if (it->kind == NGI_Q_TERM && !it->field)
        return ngi_bm25(it->A, it->term.cur->freq, NGI_MAX(it->blk_kmin, klow)) +
               it->prox_ub;
    return it->blk_ub;
}

/* Phrase / proximity occurrences given the position lists of the words
 * (for tests: the exact definition used by the engine). */
uint32_t ngi_phrase_count(const uint32_t *const *pos, const uint32_t *npos,
                          const uint32_t *wmap, const uint32_t *wrel, uint32_t n_words,
                          uint32_t n_lists, uint32_t slop, uint32_t title_end, int field,
                          ngi_buf *scratch);

#endif /* NG_ITER_H */
