/*
 * plan.c — what a parsed query means for one snapshot: every term looked
 * up in every segment, every prefix expanded in every segment's lexicon
 * (so a query parsed before ng_reader_reopen sees the terms added since),
 * the index-wide statistics of BM25, and the per-segment iterator trees
 * built from those lookups in an arena that later segments reuse.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iter.h"
#include "proximity.h"
#include "qstats.h"

/* ---- arena ---------------------------------------------------------------- */

/* Arena memory as it is (a cursor, whose open zeroes its state but not
 * its two 512-byte buffers: 1 KiB of stores per cursor per segment). */
static void *sctx_alloc_raw(ngi_sctx *c, size_t n) {
    n = n ? (n + 15) & ~(size_t)15 : 16;
    if (c->arena && c->arena_used + n <= c->arena_cap) {
        void *p = c->arena + c->arena_used;
        c->arena_used += n;
        return p;
    }
    return NULL;
}

void *ngi_sctx_alloc(ngi_sctx *c, size_t n) {
    void *p = sctx_alloc_raw(c, n);
    if (p) {
        memset(p, 0, n);
        return p;
    }
    p = ngi_calloc(1, n ? n : 1);
    if (p && ngi_buf_append(&c->extra, &p, sizeof p)) {
        ngi_free(p);
        p = NULL;
    }
    if (!p) ngi_sctx_fail(c, NG_ENOMEM);
    return p;
}

/* Frees the previous segment's iterators; grows the arena when it was too
 * small, so later segments and searches allocate nothing. */
static void sctx_reset(ngi_sctx *c) {
    ngi_cursor **cur = (ngi_cursor **)c->cursors.data;
    for (size_t i = 0; i < c->cursors.len / sizeof *cur; i++) ngi_cursor_close(cur[i]);
    ngi_buf_reset(&c->cursors);
    void **v = (void **)c->owned.data;
    for (size_t i = 0; i < c->owned.len / sizeof *v; i++) ngi_free(v[i]);
    ngi_buf_reset(&c->owned);
    v = (void **)c->extra.data;
    size_t n_extra = c->extra.len / sizeof *v;
    for (size_t i = 0; i < n_extra; i++) ngi_free(v[i]);
    ngi_buf_reset(&c->extra);
    if (n_extra) {
        size_t cap = c->arena_cap ? c->arena_cap * 4 : 64 * 1024;
        uint8_t *a = ngi_malloc(cap);
        if (a) {
            ngi_free(c->arena);
            c->arena = a;
            c->arena_cap = cap;
        }
    }
    c->arena_used = 0;
}

/* ---- term lookups ----------------------------------------------------------- */

static int lookup_terms(ngi_sctx *c) {
    const ng_query *q = c->q;
    for (size_t s = 0; s < c->snap->n_segs; s++)
        for (size_t t = 0; t < q->n_terms; t++) {
            ngi_term_postings *tp = &c->tps[s * q->n_terms + t];
            ngi_error e; /* "not found" is the common case, not an error */
            ngi_error_clear(&e);
            int rc = ngi_segment_lookup(c->snap->segs[s], ngi_query_term(q, (uint32_t)t),
                                        q->term_len[t], tp, &e);
            if (rc == NG_ENOTFOUND) continue;
            if (rc) {
                ngi_error_copy(c->errd, &e);
                return rc;
            }
            c->found[s * q->n_terms + t] = 1;
            c->df[t] += tp->df;
        }
    for (size_t t = 0; t < q->n_terms; t++) {
        const char *term = ngi_query_term(q, (uint32_t)t);
        if (c->collect && ngi_qstats_note(c->collect, term, q->term_len[t], c->df[t]))
            return NG_ENOMEM;
        if (c->given) c->df[t] = ngi_qstats_df(c->given, term, q->term_len[t]);
    }
    return 0;
}

const ngi_term_postings *ngi_sctx_term(const ngi_sctx *c, uint32_t t) {
    size_t i = (size_t)c->seg_index * c->q->n_terms + t;
    return c->found[i] ? &c->tps[i] : NULL;
}

/* ---- prefix expansion --------------------------------------------------------- */

/* A term of some segment starting with the prefix. */
typedef struct pcand {
    const char *s;        /* term bytes (in the collector's names) */
    uint32_t off, len;    /* where they are there, before s is set */
    uint32_t seg;         /* segment */
    uint64_t df;          /* after aggregation: the term's index-wide df */
    int keep;             /* among the terms searched */
    ngi_term_postings tp; /* its postings in seg */
} pcand;

typedef struct pcollect {
    ngi_buf cands; /* pcand */
    ngi_buf names; /* term bytes, back to back */
    uint32_t seg;  /* segment being enumerated */
} pcollect;

static int collect_cb(void *ctx, const char *term, size_t len,
                      const ngi_term_postings *tp) {
    pcollect *pc = ctx;
    pcand e = {NULL, (uint32_t)pc->names.len, (uint32_t)len, pc->seg, 0, 0, *tp};
    if (ngi_buf_append(&pc->names, term, len) || ngi_buf_append(&pc->cands, &e, sizeof e))
        return NG_ENOMEM;
    return 0;
}

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl) {
    int r = memcmp(a, b, NGI_MIN(al, bl));
    return r ? r : (al > bl) - (al < bl);
}

static int cmp_term_seg(const void *x, const void *y) {
    const pcand *a = x, *b = y;
    int r = cmp_bytes(a->s, a->len, b->s, b->len);
    return r ? r : (a->seg > b->seg) - (a->seg < b->seg);
}

/* Most frequent first; ties by term, so the choice is deterministic. */
static int cmp_df_term(const void *x, const void *y) {
    const pcand *a = *(const pcand *const *)x, *b = *(const pcand *const *)y;
    if (a->df != b->df) return a->df < b->df ? 1 : -1;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

static int cmp_seg_term(const void *x, const void *y) {
    const pcand *a = x, *b = y;
    if (a->seg != b->seg) return a->seg < b->seg ? -1 : 1;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

/* Gives every candidate its term's index-wide df; returns the number of
 * distinct terms and, in firsts, the first candidate of each. */
static size_t aggregate(pcand *v, size_t n, pcand **firsts) {
    size_t d = 0;
    for (size_t i = 0, j; i < n; i = j) {
        uint64_t df = 0;
        for (j = i; j < n && !cmp_bytes(v[i].s, v[i].len, v[j].s, v[j].len); j++)
            df += v[j].tp.df;
        for (size_t k = i; k < j; k++) v[k].df = df;
        firsts[d++] = &v[i];
    }
    return d;
}

/* Keeps at most NG_MAX_PREFIX_EXPANSION terms, the most frequent, and
 * says so in c->warning when it drops some. */
static void keep_frequent(ngi_sctx *c, const ngi_qnode *n, pcand *v, size_t nv,
                          pcand **firsts, size_t distinct) {
    size_t keep = distinct;
    if (distinct > NG_MAX_PREFIX_EXPANSION) {
        qsort(firsts, distinct, sizeof *firsts, cmp_df_term);
        keep = NG_MAX_PREFIX_EXPANSION;
        if (!c->warning[0])
            snprintf(c->warning, sizeof c->warning,
                     "%.*s* matches %zu terms: searched the %d most frequent",
                     (int)NGI_MIN(n->n, 64u), ngi_query_prefix(c->q, n), distinct,
                     NG_MAX_PREFIX_EXPANSION);
    }
    for (size_t i = 0; i < keep; i++) firsts[i]->keep = 1;
    for (size_t i = 1; i < nv; i++) /* the other segments of a kept term */
        if (!v[i].keep && v[i - 1].keep &&
            !cmp_bytes(v[i].s, v[i].len, v[i - 1].s, v[i - 1].len))
            v[i].keep = 1;
}

/* Fills e from the candidates: kept ones grouped by segment, blended df
 * = the largest df of the kept terms. */
static int fill_pexp(ngi_sctx *c, ngi_pexp *e, pcand *v, size_t nv) {
    size_t nk = 0;
    for (size_t i = 0; i < nv; i++)
        if (v[i].keep) v[nk++] = v[i];
    if (nk) qsort(v, nk, sizeof *v, cmp_seg_term);
    size_t ns = c->snap->n_segs;
    e->tps = ngi_malloc((nk ? nk : 1) * sizeof *e->tps);
    e->seg_start = ngi_calloc(ns + 1, sizeof *e->seg_start);
    if (!e->tps || !e->seg_start) return NG_ENOMEM;
    for (size_t i = 0; i < nk; i++) {
        e->tps[i] = v[i].tp;
        e->seg_start[v[i].seg + 1]++;
        e->df = NGI_MAX(e->df, v[i].df);
    }
    for (size_t s = 0; s < ns; s++) e->seg_start[s + 1] += e->seg_start[s];
    e->idf = e->df ? ngi_bm25_idf(c->n_docs, e->df) : 0.0;
    return 0;
}

/* A term of the given statistics, for choosing the most frequent. */
typedef struct gterm {
    const char *s;
    uint32_t len;
    uint64_t df;
    size_t i; /* index in the statistics */
} gterm;

static int cmp_gterm(const void *x, const void *y) {
    const gterm *a = x, *b = y;
    if (a->df != b->df) return a->df < b->df ? 1 : -1;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

/* keep_frequent with the collection's statistics: the prefix's terms and
 * dfs are the given ones (terms absent here included), so every part
 * searches the same terms and blends them with the same df, which it
 * returns in *df. */
static int keep_given(ngi_sctx *c, const ngi_qnode *n, pcand *v, size_t nv,
                      pcand **firsts, size_t distinct, uint64_t *df) {
    const ng_query_stats *g = c->given;
    size_t lo, hi;
    ngi_qstats_prefix(g, ngi_query_prefix(c->q, n), n->n, &lo, &hi);
    size_t total = hi - lo, keep = NGI_MIN(total, (size_t)NG_MAX_PREFIX_EXPANSION);
    gterm *gt = ngi_malloc((total ? total : 1) * sizeof *gt);
    uint8_t *kept = ngi_calloc(total ? total : 1, 1);
    if (!gt || !kept) {
        ngi_free(gt);
        ngi_free(kept);
        return NG_ENOMEM;
    }
    for (size_t i = 0; i < total; i++)
        gt[i] = (gterm){ngi_qstats_term(g, lo + i), g->t[lo + i].len, g->t[lo + i].df,
                        lo + i};
    if (total > keep) {
        qsort(gt, total, sizeof *gt, cmp_gterm);
        if (!c->warning[0])
            snprintf(c->warning, sizeof c->warning,
                     "%.*s* matches %zu terms: searched the %d most frequent",
                     (int)NGI_MIN(n->n, 64u), ngi_query_prefix(c->q, n), total,
                     NG_MAX_PREFIX_EXPANSION);
    }
    *df = 0;
    for (size_t i = 0; i < keep; i++) {
        kept[gt[i].i - lo] = 1;
        *df = NGI_MAX(*df, gt[i].df);
    }
    for (size_t i = 0; i < distinct; i++) {
        size_t gi = ngi_qstats_find(g, firsts[i]->s, firsts[i]->len);
        firsts[i]->keep = gi != SIZE_MAX && gi >= lo && gi < hi && kept[gi - lo];
    }
    for (size_t i = 1; i < nv; i++) /* the other segments of a kept term */
        if (!v[i].keep && v[i - 1].keep &&
            !cmp_bytes(v[i].s, v[i].len, v[i - 1].s, v[i - 1].len))
            v[i].keep = 1;
    ngi_free(gt);
    ngi_free(kept);
    return 0;
}

static int note_terms(ngi_sctx *c, pcand **firsts, size_t distinct) {
    for (size_t i = 0; i < distinct; i++)
        if (ngi_qstats_note(c->collect, firsts[i]->s, firsts[i]->len, firsts[i]->df))
            return NG_ENOMEM;
    return 0;
}

static int expand(ngi_sctx *c, const ngi_qnode *n, ngi_pexp *e) {
    pcollect pc = {NGI_BUF_INIT, NGI_BUF_INIT, 0};
    int rc = 0;
    for (size_t s = 0; s < c->snap->n_segs && !rc; s++) {
        ngi_error err;
        ngi_error_clear(&err);
        pc.seg = (uint32_t)s;
        rc = ngi_segment_prefix(c->snap->segs[s], ngi_query_prefix(c->q, n), n->n,
                                collect_cb, &pc, &err);
        if (rc > 0) rc = 0; /* the enumeration's own stop values */
        if (rc && rc != NG_ENOMEM) ngi_error_copy(c->errd, &err);
    }
    pcand *v = (pcand *)pc.cands.data;
    size_t nv = pc.cands.len / sizeof *v;
    pcand **firsts = rc ? NULL : ngi_malloc((nv ? nv : 1) * sizeof *firsts);
    if (!rc && !firsts) rc = NG_ENOMEM;
    if (!rc) {
        for (size_t i = 0; i < nv; i++) v[i].s = (const char *)pc.names.data + v[i].off;
        if (nv)
            qsort(v, nv, sizeof *v, cmp_term_seg); /* v is NULL when nothing matched */
        size_t distinct = aggregate(v, nv, firsts);
        uint64_t gdf = 0;
        if (c->collect) rc = note_terms(c, firsts, distinct);
        if (rc) {
        } else if (c->given) {
            rc = keep_given(c, n, v, nv, firsts, distinct, &gdf);
        } else {
            keep_frequent(c, n, v, nv, firsts, distinct);
        }
        if (!rc) rc = fill_pexp(c, e, v, nv);
        if (!rc && c->given) {
            e->df = gdf;
            e->idf = gdf ? ngi_bm25_idf(c->n_docs, gdf) : 0.0;
        }
    }
    ngi_free(firsts);
    ngi_buf_free(&pc.cands);
    ngi_buf_free(&pc.names);
    return rc;
}

/* Expands the prefixes of the tree under node ni (not the nodes that
 * normalisation merged into others). */
static int expand_under(ngi_sctx *c, uint32_t ni) {
    const ngi_qnode *n = &c->q->nodes[ni];
    if (n->kind == NGI_Q_PREFIX) return expand(c, n, &c->pexp[ni]);
    int rc = 0;
    if (n->kind == NGI_Q_GROUP)
        for (uint32_t k = n->child; k != NGI_QNONE && !rc; k = c->q->nodes[k].next)
            rc = expand_under(c, k);
    return rc;
}

static int expand_prefixes(ngi_sctx *c) {
    const ng_query *q = c->q;
    if (!q->n_prefix_nodes) return 0;
    if (!(c->pexp = ngi_calloc(q->n_nodes, sizeof *c->pexp))) return NG_ENOMEM;
    return expand_under(c, q->root);
}

/* ---- context ---------------------------------------------------------------- */

/* A query's words were analysed with its language and flags: against an
 * index analysed otherwise they would silently match the wrong terms. */
static int check_analyzer(const ng_query *q, const ngi_snapshot *snap, ngi_error *err) {
    const ngi_settings *st = &snap->settings;
    if (!strcmp(q->language, st->language) && q->analyzer_flags == st->analyzer_flags)
        return 0;
    return ngi_error_set(err, NG_EQUERY,
                         "the query was parsed for language '%s' (analyzer "
                         "flags %u) but the index uses '%s' (flags %u): parse "
                         "it for this index",
                         q->language, q->analyzer_flags, st->language,
                         st->analyzer_flags);
}

/* Statistics gathered with other analyzer settings count other terms. */
static int check_given(const ng_query *q, const ng_query_stats *g, ngi_error *err) {
    if (!g ||
        (!strcmp(q->language, g->language) && q->analyzer_flags == g->analyzer_flags))
        return 0;
    return ngi_error_set(err, NG_EQUERY,
                         "the statistics were gathered for language '%s' "
                         "(analyzer flags %u) but the query is for '%s' "
                         "(flags %u)",
                         g->language, g->analyzer_flags, q->language, q->analyzer_flags);
}

int ngi_sctx_init(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q, double k1,
                  double b, ngi_error *err) {
    return ngi_sctx_init_with(c, snap, q, k1, b, NULL, NULL, err);
}

int ngi_sctx_init_with(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q,
                       double k1, double b, const ng_query_stats *given,
                       ng_query_stats *collect, ngi_error *err) {
    memset(c, 0, sizeof *c);
    c->snap = snap;
    c->q = q;
    c->k1 = k1;
    c->b = b;
    c->given = given;
    c->collect = collect;
    c->base_docs = given ? given->docs : snap->max_doc;
    c->base_tokens = given ? given->tokens : snap->total_len;
    c->n_docs = c->base_docs;
    /* the snapshot's own average when it is the source: the same double */
    c->avgdl = given ? (c->n_docs ? (double)c->base_tokens / (double)c->n_docs : 0)
                     : snap->avg_doc_len;
    if (!(c->avgdl > 0)) c->avgdl = 1.0;
    c->errd = err;
    c->k_doc = NGI_DOC_END;
    int rc = check_analyzer(q, snap, err);
    if (!rc) rc = check_given(q, given, err);
    if (rc) return rc;
    size_t nt = q->n_terms ? q->n_terms : 1, ns = snap->n_segs ? snap->n_segs : 1;
    c->idf = ngi_calloc(nt, sizeof *c->idf);
    c->df = ngi_calloc(nt, sizeof *c->df);
    c->tps = ngi_calloc(nt * ns, sizeof *c->tps);
    c->found = ngi_calloc(nt * ns, 1);
    /* one arena sized for the tree, so segments allocate nothing */
    size_t est = (q->n_nodes + q->n_words) *
                     (sizeof(ngi_it) + sizeof(ngi_cursor) + 8 * sizeof(void *)) +
                 1024;
    c->arena_cap = NGI_MIN(est, (size_t)256 * 1024);
    c->arena = ngi_malloc(c->arena_cap);
    if (!c->arena) c->arena_cap = 0;
    if (!c->idf || !c->df || !c->tps || !c->found || !c->arena)
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    rc = lookup_terms(c);
    if (!rc) rc = expand_prefixes(c);
    if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
    if (rc) return rc;
    for (size_t t = 0; t < q->n_terms; t++)
        if (c->df[t]) c->idf[t] = ngi_bm25_idf(c->n_docs, c->df[t]);
    return 0;
}

void ngi_sctx_add_unseen(ngi_sctx *c, uint64_t docs, uint64_t tokens) {
    if (!docs) return;
    c->n_docs = c->base_docs + docs;
    double total = (double)c->base_tokens + (double)tokens;
    c->avgdl = total > 0 ? total / (double)c->n_docs : 1.0;
    c->kq_ready = 0; /* K of every quantized length changes with avgdl */
    for (size_t t = 0; t < c->q->n_terms; t++)
        if (c->df[t]) c->idf[t] = ngi_bm25_idf(c->n_docs, c->df[t]);
    for (size_t i = 0; c->pexp && i < c->q->n_nodes; i++)
        if (c->pexp[i].df) c->pexp[i].idf = ngi_bm25_idf(c->n_docs, c->pexp[i].df);
}

void ngi_sctx_free(ngi_sctx *c) {
    sctx_reset(c);
    ngi_buf_free(&c->cursors);
    ngi_buf_free(&c->owned);
    ngi_buf_free(&c->extra);
    ngi_buf_free(&c->posscratch);
    ngi_free(c->arena);
    ngi_free(c->idf);
    ngi_free(c->df);
    ngi_free(c->tps);
    ngi_free(c->found);
    for (size_t i = 0; c->pexp && i < c->q->n_nodes; i++) {
        ngi_free(c->pexp[i].tps);
        ngi_free(c->pexp[i].seg_start);
    }
    ngi_free(c->pexp);
    memset(c, 0, sizeof *c);
}

int ngi_sctx_need(ngi_sctx *c, unsigned tables) {
    int rc = ngi_segment_need(c->seg, tables, c->errd);
    if (rc) ngi_sctx_fail(c, rc);
    return rc;
}

ngi_cursor *ngi_sctx_cursor(ngi_sctx *c, const ngi_term_postings *tp) {
    ngi_cursor *cur = ngi_sctx_cursor_unstarted(c, tp);
    int rc;
    if (cur && (rc = ngi_cursor_next(cur))) {
        ngi_sctx_fail(c, rc);
        return NULL;
    }
    return cur;
}

ngi_cursor *ngi_sctx_cursor_unstarted(ngi_sctx *c, const ngi_term_postings *tp) {
    ngi_cursor *cur = sctx_alloc_raw(c, sizeof *cur);
    if (!cur) cur = ngi_sctx_alloc(c, sizeof *cur);
    if (!cur) return NULL;
    int rc = ngi_segment_cursor(c->seg, tp, cur, c->errd);
    if (rc) {
        ngi_sctx_fail(c, rc);
        return NULL;
    }
    if (ngi_buf_append(&c->cursors, &cur, sizeof cur)) {
        ngi_cursor_close(cur);
        ngi_sctx_fail(c, NG_ENOMEM);
        return NULL;
    }
    return cur;
}

/* ---- iterator trees ------------------------------------------------------------ */

static ngi_it *new_it(ngi_sctx *c, const ngi_qnode *n, int kind) {
    ngi_it *it = ngi_sctx_alloc(c, sizeof *it);
    if (!it) return NULL;
    it->kind = (uint8_t)kind;
    it->field = n ? n->field : 0;
    if (it->field && ngi_sctx_need(c, NGI_SEG_TITLE_ENDS)) return NULL;
    it->node = n;
    it->ctx = c;
    it->blk_ub = -1.0;
    it->floor = -1.0;
    return it;
}

ngi_it *ngi_sctx_build_node(ngi_sctx *c, uint32_t ni) {
    const ngi_qnode *n = &c->q->nodes[ni];
    if (n->kind == NGI_Q_EMPTY) return NULL;
    ngi_it *it = new_it(c, n, n->kind);
    if (!it) return NULL;
    int rc;
    switch (n->kind) {
    case NGI_Q_TERM: rc = ngi_term_build(c, it, n); break;
    case NGI_Q_PREFIX: rc = ngi_prefix_build(c, it, n); break;
    case NGI_Q_PHRASE: rc = ngi_phrase_build(c, it, n); break;
    case NGI_Q_GROUP: rc = ngi_group_build(c, it, n); break;
    default: rc = ngi_date_build(c, it, n->since, n->until); break;
    }
    return rc || c->err ? NULL : it;
}

/* ngi_qlen_floor of every QLEN byte (format 6's lengths are residuals
 * over it), and zeros for the lengths of older formats. */
/* (q | 128): the shift of the branch not taken stays in range too */
#define QF(q)   ((q) < 128 ? (q) : (16u + ((q)&15)) << ((((q) | 128) >> 4) - 5))
#define QF4(q)  QF(q), QF(q + 1), QF(q + 2), QF(q + 3)
#define QF16(q) QF4(q), QF4(q + 4), QF4(q + 8), QF4(q + 12)
#define QF64(q) QF16(q), QF16(q + 16), QF16(q + 32), QF16(q + 48)
static const uint32_t qlen_floors[256] = {QF64(0u), QF64(64u), QF64(128u), QF64(192u)};
static const uint32_t no_floors[256];

/* K of every quantized length, once per search (N and avgdl are fixed by
 * then: ngi_sctx_add_unseen comes right after init). */
static void fill_kq(ngi_sctx *c) {
    for (unsigned q = 0; q < 256; q++)
        c->kq[q] = ngi_sctx_norm_of(c, ngi_qlen_floor((uint8_t)q));
    c->kq_ready = 1;
}

int ngi_sctx_build(ngi_sctx *c, uint32_t si, ngi_it **out) {
    sctx_reset(c);
    c->seg_index = si;
    c->seg = c->snap->segs[si];
    *out = NULL;
    if (ngi_sctx_need(c, NGI_SEG_NORMS)) return c->err;
    bool residual;
    c->norms = ngi_segment_norms(c->seg, &c->norms_w, &residual);
    c->nbase = residual ? qlen_floors : no_floors;
    c->qlens = ngi_segment_qlens(c->seg);
    if (!c->kq_ready) fill_kq(c);
    c->k_doc = NGI_DOC_END;
    *out = ngi_sctx_build_node(c, c->q->root);
    ngi_prox_setup(c, *out); /* before any bound is read */
    return c->err;
}

int ngi_sctx_date_filter(ngi_sctx *c, int32_t since, int32_t until, ngi_it **out) {
    ngi_it *it = new_it(c, NULL, NGI_Q_DATE);
    *out = it && !ngi_date_build(c, it, since, until) ? it : NULL;
    return c->err;
}
