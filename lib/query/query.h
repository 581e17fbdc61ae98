/*
 * query.h — internal interface of the query engine: the parsed query tree
 * (struct ng_query), per-segment iterators over it, BM25 scoring and the
 * per-search context. Sections: "query tree" (parse.c), "iterators"
 * (iter.c), "search" (search.c), "presentation" (present.c, snippet.c).
 */
#ifndef NG_QUERY_H
#define NG_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/common.h"
#include "index/index.h"

/* ---- query tree (parse.c) ------------------------------------------- */

#define NGI_QNONE UINT32_MAX /* "no node" in child/sibling links */

enum ngi_qkind {
    NGI_Q_EMPTY = 0, /* matches nothing (a word that analysed to nothing) */
    NGI_Q_TERM,      /* one analysed term */
    NGI_Q_PHRASE,    /* words at relative positions, exact or ~slop */
    NGI_Q_GROUP,     /* boolean group: must / should / not children */
    NGI_Q_DATE,      /* date range filter (scores 0) */
    NGI_Q_NONE       /* matches nothing (a prefix with no expansion) */
};

/* How a child takes part in its group (Lucene's BooleanQuery model):
 * every MUST child matches, no NOT child matches, and when the group has
 * no MUST child at least one SHOULD child matches. The score is the sum
 * of the scores of the matching MUST and SHOULD children. */
enum ngi_occur { NGI_SHOULD = 0, NGI_MUST = 1, NGI_NOT = 2 };

/* Field restriction of a leaf. */
enum ngi_qfield { NGI_FIELD_ANY = 0, NGI_FIELD_TITLE = 1, NGI_FIELD_BODY = 2 };

typedef struct ngi_qnode {
    uint8_t kind;      /* an ngi_qkind */
    uint8_t occur;     /* an ngi_occur, relative to the parent group */
    uint8_t field;     /* an ngi_qfield (leaves) */
    uint32_t weight;   /* times this leaf occurs in the query (qtf) */
    uint32_t term;     /* TERM: index in the term table */
    uint32_t first;    /* PHRASE: first word in q->words */
    uint32_t n;        /* PHRASE: words; GROUP: children */
    uint32_t slop;     /* PHRASE: 0 = exact, N = within N extra positions */
    uint32_t child;    /* GROUP: first child node, or NGI_QNONE */
    uint32_t next;     /* next sibling in the parent group, or NGI_QNONE */
    uint32_t last;     /* GROUP: last child (for appends), or NGI_QNONE */
    int32_t since;     /* DATE: first day (inclusive), INT32_MIN = open */
    int32_t until;     /* DATE: last day (inclusive), INT32_MAX = open */
    uint32_t offset;   /* byte offset in the query text (messages) */
} ngi_qnode;

/* A word of a phrase. */
typedef struct ngi_qword {
    uint32_t term; /* index in the term table */
    uint32_t rel;  /* position relative to the phrase's first word */
} ngi_qword;

struct ng_query {
    ngi_error err;            /* parse error detail */
    size_t err_offset;        /* byte offset of the parse error */
    ngi_qnode *nodes;         /* the tree; nodes[root] is a GROUP */
    size_t n_nodes, cap_nodes;
    uint32_t root;            /* root group node */
    ngi_qword *words;         /* phrase words */
    size_t n_words, cap_words;
    ngi_buf term_bytes;       /* term strings, each NUL-terminated */
    uint32_t *term_off;       /* offset of term i in term_bytes */
    uint32_t *term_len;       /* bytes of term i */
    size_t n_terms, cap_terms;
    size_t n_leaf_words;      /* words counted against NG_MAX_QUERY_TERMS */
    ngi_buf prefixes;         /* folded prefix* words, each NUL-terminated */
    char language[32];        /* analyzer settings the query was made with */
    unsigned analyzer_flags;
};

/* Parses text with the given analyzers: `a` analyses words like the
 * index does; `fold` (flags + NO_STEM + NO_STOP) normalises prefixes.
 * snap (may be NULL: prefixes then expand to nothing) gives the lexicons
 * for prefix* expansion. Same errors and *out rules as ng_query_parse. */
int ngi_query_parse_with(ng_query **out, ng_analyzer *a, ng_analyzer *fold,
                         const ngi_snapshot *snap, const char *text,
                         size_t len, unsigned flags);

/* Appends a one-line rendering of the tree to out, e.g.
 * `(+a b -"c _ d"~2 title:e date:2025-01-01..)`; for tests and explain. */
int ngi_query_dump(const ng_query *q, ngi_buf *out);

static inline const char *ngi_query_term(const ng_query *q, uint32_t t) {
    return (const char *)q->term_bytes.data + q->term_off[t];
}

/* ---- BM25 ------------------------------------------------------------- */

/* Lucene's idf: ln(1 + (N - df + 0.5) / (df + 0.5)); always > 0. */
double ngi_bm25_idf(uint64_t n_docs, uint64_t df);

/* A term's score given A = weight * idf * (k1 + 1) and the document's
 * length normaliser K = k1 * (1 - b + b * dl / avgdl). Grows with tf and
 * shrinks with K, so (max tf, min dl) bounds a block. */
/* Bounds are compared with a relative slack so that summing them in a
 * different order than the scores (rounding) can never prune a winner. */
#define NGI_SLACK (1.0 + 1e-9)

static inline double ngi_bm25(double A, uint32_t tf, double K) {
    double t = (double)tf;
    return A * t / (t + K);
}

/* ---- iterators (iter.c) ---------------------------------------------- */

typedef struct ngi_sctx ngi_sctx;
typedef struct ngi_it ngi_it;

/* One node of the per-segment iterator tree. `doc` is the current match
 * (NGI_DOC_END when exhausted); advance() moves to the first match >= a
 * target. Scores are computed only at the current doc. */
struct ngi_it {
    uint32_t doc;          /* current matching local doc id */
    uint8_t kind;          /* an ngi_qkind */
    uint8_t field;         /* an ngi_qfield (TERM, PHRASE) */
    uint8_t occur;         /* occur in the parent group */
    ngi_sctx *ctx;         /* the search this iterator belongs to */
    const ngi_qnode *node; /* the query node it evaluates */
    double A;              /* weight * idf * (k1 + 1) (TERM, PHRASE) */
    double idf;            /* idf (TERM) or sum of words' idfs (PHRASE) */
    double ub;             /* upper bound of the score in this segment */
    uint64_t cost;         /* estimated matches (df), for leapfrog order */
    uint32_t tf;           /* tf at doc (field TERM, PHRASE), 0 = unknown */
    uint32_t blk_end;      /* last doc of the cached block bound */
    double blk_ub;         /* bound of the cached block */
    double blk_kmin;       /* K of the cached block's smallest doc length */
    double kmin;           /* K of the smallest doc length (bounds) */
    double floor;          /* root children: matches scoring <= floor may
                              be skipped (pruning); -1 = report all */
    /* TERM */
    ngi_cursor *cur;       /* the term's cursor */
    /* PHRASE */
    ngi_cursor **wcur;     /* one cursor per distinct word term */
    uint32_t *wmap;        /* word i -> index into wcur */
    uint32_t *wrel;        /* word i -> relative position */
    uint32_t n_words;      /* words (with repeats) */
    uint32_t n_wcur;       /* distinct word terms */
    uint32_t *lead;        /* wcur indexes by ascending df (leapfrog) */
    uint32_t slop;         /* 0 = exact */
    int needs_te;          /* phrase must look at the title/body boundary */
    uint32_t ph_end;       /* last doc of the phrase's cached block range */
    int ph_dead;           /* that range cannot beat floor (at that time) */
    /* GROUP */
    ngi_it **must;         /* MUST children, query order */
    ngi_it **should;       /* SHOULD children, query order */
    ngi_it **nots;         /* NOT children */
    ngi_it **mlead;        /* MUST children by ascending cost */
    uint32_t n_must, n_should, n_not;
    int need_should;       /* every MUST child is a date filter: a SHOULD
                              child must still match (filters do not make
                              the words optional) */
    /* DATE */
    const uint32_t *dates; /* ascending local doc ids in the range */
    size_t n_dates, i_date;
};

/* Per-search context: everything a search mutates lives here (the reader
 * is shared and read-only), so searches may run in parallel threads. */
struct ngi_sctx {
    const ngi_snapshot *snap;   /* the reader's snapshot */
    const ng_query *q;          /* the query */
    const ngi_segment *seg;     /* segment being evaluated */
    uint32_t seg_index;         /* its index in snap->segs */
    double k1, b, avgdl;        /* BM25 parameters of this search */
    uint64_t n_docs;            /* BM25's N (the snapshot's, + unseen) */
    double *idf;                /* per query term; 0 = term absent */
    uint64_t *df;               /* per query term: index-wide df */
    ngi_term_postings *tps;     /* [seg * n_terms + term] */
    uint8_t *found;             /* [seg * n_terms + term]: in that segment */
    uint32_t k_doc;             /* doc whose normaliser is cached */
    double k_val;               /* its K = k1 * (1 - b + b * dl / avgdl) */
    int err;                    /* sticky error (NG_ECORRUPT, NG_ENOMEM) */
    ngi_error *errd;            /* where details go */
    /* per-segment scratch (reset for each segment) */
    uint8_t *arena;             /* bump area for the iterator tree */
    size_t arena_used, arena_cap;
    ngi_buf extra;              /* void* of allocations beyond the arena */
    ngi_buf cursors;            /* ngi_cursor* opened for this segment */
    ngi_buf owned;              /* void* of docs_in_dates arrays to free */
    ngi_buf posscratch;         /* merged positions for proximity */
};

int ngi_sctx_init(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q,
                  double k1, double b, ngi_error *err);
/* Ranks as if the collection also held docs documents of tokens total
 * length that are not in the snapshot (ng_search_options.unseen_*):
 * recomputes N, avgdl and the idfs. Call right after ngi_sctx_init. */
void ngi_sctx_add_unseen(ngi_sctx *c, uint64_t docs, uint64_t tokens);
void ngi_sctx_free(ngi_sctx *c);
/* Builds the iterator tree of node for segment si (frees the previous
 * segment's tree). *out is NULL when the node cannot match there. */
int ngi_sctx_build(ngi_sctx *c, uint32_t si, ngi_it **out);
/* Extra filter of --since / --until for segment si (NULL: none). */
int ngi_sctx_date_filter(ngi_sctx *c, int32_t since, int32_t until,
                         ngi_it **out);

/* K of doc, cached for the current doc. */
double ngi_sctx_norm(ngi_sctx *c, uint32_t doc);

void ngi_it_advance(ngi_it *it, uint32_t target);
static inline void ngi_it_next(ngi_it *it) {
    if (it->doc != NGI_DOC_END) ngi_it_advance(it, it->doc + 1);
}
/* Score at it->doc (which must be a match). */
double ngi_it_score(ngi_it *it);
/* Block bound: returns the last doc of the block holding target (the
 * bound it->blk_ub holds for docs in [target, return]). */
uint32_t ngi_it_shallow(ngi_it *it, uint32_t target);
/* tf of a leaf at it->doc (for explain). */
uint32_t ngi_it_tf(ngi_it *it);

/* Phrase / proximity occurrences given the position lists of the words
 * (for tests: the exact definition used by the engine). */
uint32_t ngi_phrase_count(const uint32_t *const *pos, const uint32_t *npos,
                          const uint32_t *wmap, const uint32_t *wrel,
                          uint32_t n_words, uint32_t n_lists, uint32_t slop,
                          uint32_t title_end, int field, ngi_buf *scratch);

/* ---- presentation (snippet.c) ---------------------------------------- */

/* Builds the snippet of text (len bytes) for the query's positive terms:
 * appends the snippet to out and its highlight spans to spans. */
int ngi_snippet_build(ng_analyzer *a, const ng_query *q, const char *text,
                      size_t len, size_t target, ngi_buf *out,
                      ngi_buf *spans);

#endif /* NG_QUERY_H */
