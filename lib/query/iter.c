/*
 * iter.c — per-segment iterators over the query tree: term (with optional
 * title:/body: restriction), phrase and proximity (conjunction from the
 * rarest word, positions read only for candidates), boolean groups
 * (leapfrog AND, union OR, exclusion) and date ranges; BM25 scoring and
 * block-max bounds. The per-search context owns all mutable state.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "query.h"

/* ---- BM25 ---------------------------------------------------------------- */

double ngi_bm25_idf(uint64_t n_docs, uint64_t df) {
    double N = (double)n_docs, d = (double)df;
    if (d > N) N = d; /* cannot happen in a sound index; keeps idf > 0 */
    return log(1.0 + (N - d + 0.5) / (d + 0.5));
}

static double norm_of(const ngi_sctx *c, uint32_t dl) {
    return c->k1 * (1.0 - c->b + c->b * (double)dl / c->avgdl);
}

double ngi_sctx_norm(ngi_sctx *c, uint32_t doc) {
    if (doc != c->k_doc) {
        c->k_doc = doc;
        c->k_val = norm_of(c, ngi_segment_doc_len(c->seg, doc));
    }
    return c->k_val;
}

/* ---- context and arena ---------------------------------------------------- */

static void fail(ngi_sctx *c, int rc) {
    if (!c->err) c->err = rc;
}

static void *sctx_alloc(ngi_sctx *c, size_t n) {
    n = n ? (n + 15) & ~(size_t)15 : 16;
    if (c->arena && c->arena_used + n <= c->arena_cap) {
        void *p = c->arena + c->arena_used;
        c->arena_used += n;
        memset(p, 0, n);
        return p;
    }
    void *p = ngi_calloc(1, n);
    if (p && ngi_buf_append(&c->extra, &p, sizeof p)) {
        ngi_free(p);
        p = NULL;
    }
    if (!p) fail(c, NG_ENOMEM);
    return p;
}

/* Frees the previous segment's iterators; grows the arena when it was too
 * small, so later segments and searches allocate nothing. */
static void sctx_reset(ngi_sctx *c) {
    ngi_cursor **cur = (ngi_cursor **)c->cursors.data;
    for (size_t i = 0; i < c->cursors.len / sizeof *cur; i++)
        ngi_cursor_close(cur[i]);
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

int ngi_sctx_init(ngi_sctx *c, const ngi_snapshot *snap, const ng_query *q,
                  double k1, double b, ngi_error *err) {
    memset(c, 0, sizeof *c);
    c->snap = snap;
    c->q = q;
    c->k1 = k1;
    c->b = b;
    c->avgdl = snap->avg_doc_len > 0 ? snap->avg_doc_len : 1.0;
    c->n_docs = snap->max_doc;
    c->errd = err;
    c->k_doc = NGI_DOC_END;
    size_t nt = q->n_terms ? q->n_terms : 1, ns = snap->n_segs ? snap->n_segs : 1;
    c->idf = ngi_calloc(nt, sizeof *c->idf);
    c->df = ngi_calloc(nt, sizeof *c->df);
    c->tps = ngi_calloc(nt * ns, sizeof *c->tps);
    c->found = ngi_calloc(nt * ns, 1);
    /* one arena sized for the tree, so segments allocate nothing */
    size_t est = (q->n_nodes + q->n_words) *
                 (sizeof(ngi_it) + sizeof(ngi_cursor) + 8 * sizeof(void *)) + 1024;
    c->arena_cap = NGI_MIN(est, (size_t)256 * 1024);
    c->arena = ngi_malloc(c->arena_cap);
    if (!c->arena) c->arena_cap = 0;
    if (!c->idf || !c->df || !c->tps || !c->found || !c->arena)
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    for (size_t s = 0; s < snap->n_segs; s++)
        for (size_t t = 0; t < q->n_terms; t++) {
            ngi_term_postings *tp = &c->tps[s * q->n_terms + t];
            ngi_error e; /* "not found" is the common case, not an error */
            ngi_error_clear(&e);
            int rc = ngi_segment_lookup(snap->segs[s], ngi_query_term(q, (uint32_t)t),
                                        q->term_len[t], tp, &e);
            if (rc == NG_ENOTFOUND) continue;
            if (rc) {
                ngi_error_copy(err, &e);
                return rc;
            }
            c->found[s * q->n_terms + t] = 1;
            c->df[t] += tp->df;
        }
    for (size_t t = 0; t < q->n_terms; t++)
        if (c->df[t]) c->idf[t] = ngi_bm25_idf(snap->max_doc, c->df[t]);
    return 0;
}

void ngi_sctx_add_unseen(ngi_sctx *c, uint64_t docs, uint64_t tokens) {
    if (!docs) return;
    c->n_docs = c->snap->max_doc + docs;
    double total = (double)c->snap->total_len + (double)tokens;
    c->avgdl = total > 0 ? total / (double)c->n_docs : 1.0;
    for (size_t t = 0; t < c->q->n_terms; t++)
        if (c->df[t]) c->idf[t] = ngi_bm25_idf(c->n_docs, c->df[t]);
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
    memset(c, 0, sizeof *c);
}

static ngi_cursor *open_cursor(ngi_sctx *c, uint32_t term) {
    const ngi_term_postings *tp = &c->tps[c->seg_index * c->q->n_terms + term];
    ngi_cursor *cur = sctx_alloc(c, sizeof *cur);
    if (!cur) return NULL;
    int rc = ngi_segment_cursor(c->seg, tp, cur, c->errd);
    if (rc) {
        fail(c, rc);
        return NULL;
    }
    if (ngi_buf_append(&c->cursors, &cur, sizeof cur)) {
        ngi_cursor_close(cur);
        fail(c, NG_ENOMEM);
        return NULL;
    }
    if ((rc = ngi_cursor_next(cur))) {
        fail(c, rc);
        return NULL;
    }
    return cur;
}

static int term_here(const ngi_sctx *c, uint32_t term) {
    return c->found[c->seg_index * c->q->n_terms + term] != 0;
}

static const ngi_term_postings *tp_of(const ngi_sctx *c, uint32_t term) {
    return &c->tps[c->seg_index * c->q->n_terms + term];
}

/* ---- term ------------------------------------------------------------------ */

/* tf of the cursor's current doc inside the iterator's field. */
static uint32_t field_tf(ngi_it *it) {
    ngi_cursor *cur = it->cur;
    const uint32_t *pos;
    int rc = ngi_cursor_positions(cur, &pos);
    if (rc) {
        fail(it->ctx, rc);
        return 0;
    }
    uint32_t te = ngi_segment_title_end(it->ctx->seg, cur->doc), n = 0;
    for (uint32_t i = 0; i < cur->freq; i++)
        n += (pos[i] < te) == (it->field == NGI_FIELD_TITLE);
    return n;
}

static void term_settle(ngi_it *it) {
    ngi_cursor *cur = it->cur;
    while (it->field && cur->doc != NGI_DOC_END) {
        it->tf = field_tf(it);
        if (it->tf || it->ctx->err) break;
        int rc = ngi_cursor_next(cur);
        if (rc) fail(it->ctx, rc);
        if (it->ctx->err) break;
    }
    it->doc = it->ctx->err ? NGI_DOC_END : cur->doc;
}

static void term_seek(ngi_it *it, uint32_t target) {
    int rc = ngi_cursor_advance(it->cur, target);
    if (rc) fail(it->ctx, rc);
    term_settle(it);
}

static int build_term(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    if (!term_here(c, n->term) || !(it->cur = open_cursor(c, n->term)))
        return -1;
    const ngi_term_postings *tp = tp_of(c, n->term);
    it->idf = c->idf[n->term];
    it->A = (double)n->weight * it->idf * (c->k1 + 1.0);
    it->kmin = norm_of(c, tp->min_dl);
    it->ub = ngi_bm25(it->A, tp->max_tf, it->kmin);
    it->cost = tp->df;
    term_settle(it);
    return 0;
}

/* ---- phrase and proximity --------------------------------------------------- */

typedef struct pent {
    uint32_t pos;  /* position */
    uint32_t list; /* which word list */
} pent;

static int cmp_pent(const void *a, const void *b) {
    uint32_t x = ((const pent *)a)->pos, y = ((const pent *)b)->pos;
    return x < y ? -1 : x > y;
}

static int side_ok(uint32_t p, uint32_t te, int field) {
    if (field == NGI_FIELD_TITLE) return p < te;
    if (field == NGI_FIELD_BODY) return p >= te;
    return 1;
}

static uint32_t exact_count(const uint32_t *const *pos, const uint32_t *npos,
                            const uint32_t *wmap, const uint32_t *wrel,
                            uint32_t n_words, uint32_t te, int field) {
    uint32_t ptr[NG_MAX_QUERY_TERMS] = {0}, count = 0;
    uint32_t l0 = wmap[0], last_rel = wrel[n_words - 1];
    for (uint32_t j = 0; j < npos[l0]; j++) {
        if (pos[l0][j] < wrel[0]) continue;
        uint32_t s = pos[l0][j] - wrel[0];
        if ((s < te) != (s + last_rel < te)) continue;
        if (field && !side_ok(s, te, field)) continue;
        uint32_t i = 1;
        for (; i < n_words; i++) {
            const uint32_t *p = pos[wmap[i]], np = npos[wmap[i]];
            uint32_t want = s + wrel[i];
            while (ptr[i] < np && p[ptr[i]] < want) ptr[i]++;
            if (ptr[i] == np || p[ptr[i]] != want) break;
        }
        count += i == n_words;
    }
    return count;
}

static uint32_t sloppy_count(const uint32_t *const *pos, const uint32_t *npos,
                             const uint32_t *wmap, uint32_t n_words,
                             uint32_t n_lists, uint32_t slop, uint32_t te,
                             int field, ngi_buf *scratch) {
    size_t m = 0;
    for (uint32_t l = 0; l < n_lists; l++) m += npos[l];
    ngi_buf_reset(scratch);
    if (ngi_buf_reserve(scratch, m * sizeof(pent))) return UINT32_MAX;
    pent *e = (pent *)scratch->data;
    size_t k = 0;
    for (uint32_t l = 0; l < n_lists; l++)
        for (uint32_t j = 0; j < npos[l]; j++) e[k++] = (pent){pos[l][j], l};
    if (m > 1) qsort(e, m, sizeof *e, cmp_pent);
    uint32_t need[NG_MAX_QUERY_TERMS] = {0}, cnt[NG_MAX_QUERY_TERMS] = {0};
    for (uint32_t i = 0; i < n_words; i++) need[wmap[i]]++;
    uint64_t span = (uint64_t)n_words - 1 + slop;
    uint32_t sat = 0, count = 0;
    size_t j = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t P = e[i].pos, limit = P + span;
        if (P < te && limit > (uint64_t)te - 1) limit = (uint64_t)te - 1;
        for (; j < m && e[j].pos <= limit; j++)
            if (++cnt[e[j].list] == need[e[j].list]) sat++;
        if (sat == n_lists && side_ok((uint32_t)P, te, field)) count++;
        if (cnt[e[i].list]-- == need[e[i].list]) sat--;
    }
    return count;
}

uint32_t ngi_phrase_count(const uint32_t *const *pos, const uint32_t *npos,
                          const uint32_t *wmap, const uint32_t *wrel,
                          uint32_t n_words, uint32_t n_lists, uint32_t slop,
                          uint32_t title_end, int field, ngi_buf *scratch) {
    if (n_words == 0 || n_words > NG_MAX_QUERY_TERMS) return 0;
    if (slop == 0)
        return exact_count(pos, npos, wmap, wrel, n_words, title_end, field);
    return sloppy_count(pos, npos, wmap, n_words, n_lists, slop, title_end,
                        field, scratch);
}

static uint32_t phrase_tf(ngi_it *it, uint32_t doc) {
    const uint32_t *pos[NG_MAX_QUERY_TERMS];
    uint32_t npos[NG_MAX_QUERY_TERMS];
    for (uint32_t l = 0; l < it->n_wcur; l++) {
        int rc = ngi_cursor_positions(it->wcur[l], &pos[l]);
        if (rc) {
            fail(it->ctx, rc);
            return 0;
        }
        npos[l] = it->wcur[l]->freq;
    }
    /* The title/body gap is one position, so only a phrase with a gap
     * (a stopword) or a field restriction or proximity needs title_end. */
    uint32_t te = it->needs_te ? ngi_segment_title_end(it->ctx->seg, doc)
                               : UINT32_MAX;
    uint32_t n = ngi_phrase_count(pos, npos, it->wmap, it->wrel, it->n_words,
                                  it->n_wcur, it->slop, te, it->field,
                                  &it->ctx->posscratch);
    if (n == UINT32_MAX) {
        fail(it->ctx, NG_ENOMEM);
        return 0;
    }
    return n;
}

static int cur_advance(ngi_sctx *c, ngi_cursor *cur, uint32_t target) {
    if (cur->doc >= target) return 0;
    int rc = ngi_cursor_advance(cur, target);
    if (rc) fail(c, rc);
    return rc;
}

/* With all words at d: can the phrase's score there beat it->floor? Its
 * tf is at most the rarest word's (exact) or their sum (proximity), so
 * candidates are dropped before their positions are decoded. */
static int phrase_cannot_win(ngi_it *it, uint32_t d) {
    uint64_t tf = it->slop ? 0 : UINT32_MAX;
    for (uint32_t l = 0; l < it->n_wcur; l++)
        tf = it->slop ? tf + it->wcur[l]->freq : NGI_MIN(tf, it->wcur[l]->freq);
    uint32_t t = (uint32_t)NGI_MIN(tf, UINT32_MAX);
    if (ngi_bm25(it->A, t, it->kmin) * NGI_SLACK <= it->floor) return 1;
    return ngi_bm25(it->A, t, ngi_sctx_norm(it->ctx, d)) * NGI_SLACK <= it->floor;
}

/* Block-max for phrases: over the docs where every word's current block
 * overlaps, the phrase's tf is at most the smallest block max tf (exact)
 * or their sum (proximity) and dl at least the largest block min dl.
 * Returns the first doc worth looking at (d itself when the range may
 * hold a winner), without decoding any block. */
static uint32_t phrase_dead_range(ngi_it *it, uint32_t d) {
    if (d <= it->ph_end) return it->ph_dead ? it->ph_end + 1 : d;
    uint64_t tf = it->slop ? 0 : UINT32_MAX;
    uint32_t end = NGI_DOC_END, dl = 0;
    for (uint32_t l = 0; l < it->n_wcur; l++) {
        ngi_cursor *w = it->wcur[l];
        uint32_t be = ngi_cursor_shallow_advance(w, d);
        if (be == NGI_DOC_END) return d; /* no block facts */
        uint32_t mtf = ngi_cursor_block_max_tf(w);
        if (mtf == 0) return d; /* no block facts */
        tf = it->slop ? tf + mtf : NGI_MIN(tf, mtf);
        dl = NGI_MAX(dl, ngi_cursor_block_min_dl(w));
        end = NGI_MIN(end, be);
    }
    double b = ngi_bm25(it->A, (uint32_t)NGI_MIN(tf, UINT32_MAX),
                        norm_of(it->ctx, dl));
    it->ph_end = end;
    it->ph_dead = b * NGI_SLACK <= it->floor;
    return it->ph_dead ? end + 1 : d;
}

static void phrase_seek(ngi_it *it, uint32_t d) {
    ngi_sctx *c = it->ctx;
    while (d != NGI_DOC_END && !c->err) {
        ngi_cursor *l = it->wcur[it->lead[0]];
        if (cur_advance(c, l, d)) break;
        d = l->doc;
        if (d == NGI_DOC_END) break;
        if (it->floor >= 0) {
            uint32_t skip = phrase_dead_range(it, d);
            if (skip != d) {
                d = skip;
                continue;
            }
        }
        uint32_t j = 1;
        for (; j < it->n_wcur; j++) {
            ngi_cursor *w = it->wcur[it->lead[j]];
            if (cur_advance(c, w, d)) break;
            if (w->doc != d) break;
        }
        if (c->err) break;
        if (j < it->n_wcur) {
            d = it->wcur[it->lead[j]]->doc;
            continue;
        }
        if (it->floor >= 0 && phrase_cannot_win(it, d)) {
            d++;
            continue;
        }
        if ((it->tf = phrase_tf(it, d)) != 0) {
            it->doc = d;
            return;
        }
        d++;
    }
    it->doc = NGI_DOC_END;
}

static int phrase_words(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    const ngi_qword *w = c->q->words + n->first;
    it->n_words = n->n;
    it->wmap = sctx_alloc(c, n->n * sizeof *it->wmap);
    it->wrel = sctx_alloc(c, n->n * sizeof *it->wrel);
    it->wcur = sctx_alloc(c, n->n * sizeof *it->wcur);
    it->lead = sctx_alloc(c, n->n * sizeof *it->lead);
    uint32_t *terms = sctx_alloc(c, n->n * sizeof *terms);
    if (!it->wmap || !it->wrel || !it->wcur || !it->lead || !terms) return -1;
    for (uint32_t i = 0; i < n->n; i++) {
        if (!term_here(c, w[i].term)) return -1;
        uint32_t l = 0;
        while (l < it->n_wcur && terms[l] != w[i].term) l++;
        if (l == it->n_wcur) {
            terms[l] = w[i].term;
            if (!(it->wcur[l] = open_cursor(c, w[i].term))) return -1;
            it->n_wcur++;
        }
        it->wmap[i] = l;
        it->wrel[i] = w[i].rel;
        it->idf += c->idf[w[i].term];
    }
    /* leapfrog order: rarest first (insertion sort, few words) */
    for (uint32_t l = 0; l < it->n_wcur; l++) {
        uint32_t j = l;
        uint32_t df = tp_of(c, terms[l])->df;
        while (j && tp_of(c, terms[it->lead[j - 1]])->df > df) {
            it->lead[j] = it->lead[j - 1];
            j--;
        }
        it->lead[j] = l;
    }
    uint32_t min_tf = UINT32_MAX, max_min_dl = 0;
    uint64_t sum_tf = 0;
    it->cost = UINT64_MAX;
    for (uint32_t l = 0; l < it->n_wcur; l++) {
        const ngi_term_postings *tp = tp_of(c, terms[l]);
        min_tf = NGI_MIN(min_tf, tp->max_tf);
        sum_tf += tp->max_tf;
        max_min_dl = NGI_MAX(max_min_dl, tp->min_dl);
        it->cost = NGI_MIN(it->cost, tp->df);
    }
    /* exact: occurrences <= the rarest word's tf; windows start at some
     * word's position, so <= the sum of their tfs */
    uint64_t tfb = n->slop ? sum_tf : min_tf;
    it->kmin = norm_of(c, max_min_dl);
    it->ub = ngi_bm25(it->A, (uint32_t)NGI_MIN(tfb, UINT32_MAX), it->kmin);
    return 0;
}

static int build_phrase(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    it->slop = n->slop;
    for (uint32_t i = 0; i < n->n; i++)
        it->A += c->idf[c->q->words[n->first + i].term];
    it->A *= (double)n->weight * (c->k1 + 1.0);
    if (phrase_words(c, it, n)) return -1;
    it->needs_te = n->field || n->slop || it->wrel[n->n - 1] != n->n - 1;
    phrase_seek(it, 0);
    return 0;
}

/* ---- date range -------------------------------------------------------------- */

static void date_seek(ngi_it *it, uint32_t target) {
    size_t lo = it->i_date, hi = it->n_dates;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (it->dates[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    it->i_date = lo;
    it->doc = lo < it->n_dates ? it->dates[lo] : NGI_DOC_END;
}

static int build_date(ngi_sctx *c, ngi_it *it, int32_t since,
                      int32_t until) {
    uint32_t *docs = NULL;
    size_t n = 0;
    int rc = ngi_segment_docs_in_dates(c->seg, since, until, &docs, &n, c->errd);
    if (rc) {
        fail(c, rc);
        return -1;
    }
    if (docs && ngi_buf_append(&c->owned, &docs, sizeof docs)) {
        ngi_free(docs);
        fail(c, NG_ENOMEM);
        return -1;
    }
    it->dates = docs;
    it->n_dates = n;
    it->cost = n;
    date_seek(it, 0);
    return 0;
}

/* ---- groups -------------------------------------------------------------------- */

static int excluded(ngi_it *g, uint32_t d) {
    for (uint32_t i = 0; i < g->n_not; i++) {
        ngi_it_advance(g->nots[i], d);
        if (g->nots[i]->doc == d) return 1;
    }
    return 0;
}

/* First doc >= d matching a SHOULD child and every MUST child. */
static uint32_t filtered_union(ngi_it *g, uint32_t d) {
    while (d != NGI_DOC_END && !g->ctx->err) {
        uint32_t m = NGI_DOC_END;
        for (uint32_t i = 0; i < g->n_should; i++) {
            ngi_it_advance(g->should[i], d);
            m = NGI_MIN(m, g->should[i]->doc);
        }
        d = m;
        uint32_t j = 0;
        for (; d != NGI_DOC_END && j < g->n_must; j++) {
            ngi_it_advance(g->must[j], d);
            if (g->must[j]->doc != d) break;
        }
        if (d == NGI_DOC_END || j == g->n_must) return d;
        d = g->must[j]->doc;
    }
    return NGI_DOC_END;
}

static void group_seek(ngi_it *g, uint32_t d) {
    ngi_sctx *c = g->ctx;
    while (d != NGI_DOC_END && !c->err) {
        if (g->need_should) {
            d = filtered_union(g, d);
            if (d == NGI_DOC_END) break;
        } else if (g->n_must) {
            ngi_it_advance(g->mlead[0], d);
            d = g->mlead[0]->doc;
            if (d == NGI_DOC_END) break;
            uint32_t j = 1;
            for (; j < g->n_must; j++) {
                ngi_it_advance(g->mlead[j], d);
                if (g->mlead[j]->doc != d) break;
            }
            if (j < g->n_must) {
                d = g->mlead[j]->doc;
                continue;
            }
        } else {
            uint32_t m = NGI_DOC_END;
            for (uint32_t i = 0; i < g->n_should; i++) {
                ngi_it_advance(g->should[i], d);
                m = NGI_MIN(m, g->should[i]->doc);
            }
            d = m;
            if (d == NGI_DOC_END) break;
        }
        if (!excluded(g, d)) {
            g->doc = d;
            return;
        }
        d++;
    }
    g->doc = NGI_DOC_END;
}

static double group_score(ngi_it *g) {
    uint32_t d = g->doc;
    double s = 0.0;
    for (uint32_t i = 0; i < g->n_must; i++) s += ngi_it_score(g->must[i]);
    for (uint32_t i = 0; i < g->n_should; i++) {
        ngi_it_advance(g->should[i], d);
        if (g->should[i]->doc == d) s += ngi_it_score(g->should[i]);
    }
    return s;
}

static ngi_it *build_node(ngi_sctx *c, uint32_t ni);

/* Builds the children; returns -1 when a MUST child cannot match. */
static int group_children(ngi_sctx *c, ngi_it *g, const ngi_qnode *n) {
    g->must = sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->should = sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->nots = sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->mlead = sctx_alloc(c, n->n * sizeof(ngi_it *));
    if (!g->must || !g->should || !g->nots || !g->mlead) return -1;
    for (uint32_t k = n->child; k != NGI_QNONE; k = c->q->nodes[k].next) {
        ngi_it *ch = build_node(c, k);
        if (c->err) return -1;
        int occ = c->q->nodes[k].occur;
        if (!ch) {
            if (occ == NGI_MUST) return -1;
            continue;
        }
        ch->occur = (uint8_t)occ;
        if (occ == NGI_MUST)
            g->must[g->n_must++] = ch;
        else if (occ == NGI_SHOULD)
            g->should[g->n_should++] = ch;
        else
            g->nots[g->n_not++] = ch;
    }
    return g->n_must + g->n_should ? 0 : -1;
}

static int build_group(ngi_sctx *c, ngi_it *g, const ngi_qnode *n) {
    if (group_children(c, g, n)) return -1;
    g->cost = 0;
    for (uint32_t i = 0; i < g->n_must; i++) {
        ngi_it *m = g->must[i];
        g->ub += m->ub;
        uint32_t j = i;
        while (j && g->mlead[j - 1]->cost > m->cost) {
            g->mlead[j] = g->mlead[j - 1];
            j--;
        }
        g->mlead[j] = m;
    }
    for (uint32_t i = 0; i < g->n_should; i++) {
        g->ub += g->should[i]->ub;
        if (!g->n_must) g->cost += g->should[i]->cost;
    }
    if (g->n_must) g->cost = g->mlead[0]->cost;
    g->need_should = g->n_should > 0;
    for (uint32_t i = 0; i < g->n_must; i++)
        if (g->must[i]->kind != NGI_Q_DATE) g->need_should = 0;
    group_seek(g, 0);
    return 0;
}

/* ---- dispatch -------------------------------------------------------------------- */

static ngi_it *new_it(ngi_sctx *c, const ngi_qnode *n, int kind) {
    ngi_it *it = sctx_alloc(c, sizeof *it);
    if (!it) return NULL;
    it->kind = (uint8_t)kind;
    it->field = n ? n->field : 0;
    it->node = n;
    it->ctx = c;
    it->blk_ub = -1.0;
    it->floor = -1.0;
    return it;
}

static ngi_it *build_node(ngi_sctx *c, uint32_t ni) {
    const ngi_qnode *n = &c->q->nodes[ni];
    if (n->kind == NGI_Q_EMPTY || n->kind == NGI_Q_NONE) return NULL;
    ngi_it *it = new_it(c, n, n->kind);
    if (!it) return NULL;
    int rc;
    switch (n->kind) {
    case NGI_Q_TERM: rc = build_term(c, it, n); break;
    case NGI_Q_PHRASE: rc = build_phrase(c, it, n); break;
    case NGI_Q_GROUP: rc = build_group(c, it, n); break;
    default: rc = build_date(c, it, n->since, n->until); break;
    }
    return rc || c->err ? NULL : it;
}

int ngi_sctx_build(ngi_sctx *c, uint32_t si, ngi_it **out) {
    sctx_reset(c);
    c->seg_index = si;
    c->seg = c->snap->segs[si];
    c->k_doc = NGI_DOC_END;
    *out = build_node(c, c->q->root);
    return c->err;
}

int ngi_sctx_date_filter(ngi_sctx *c, int32_t since, int32_t until,
                         ngi_it **out) {
    ngi_it *it = new_it(c, NULL, NGI_Q_DATE);
    *out = it && !build_date(c, it, since, until) ? it : NULL;
    return c->err;
}

void ngi_it_advance(ngi_it *it, uint32_t target) {
    if (it->doc >= target) return;
    switch (it->kind) {
    case NGI_Q_TERM: term_seek(it, target); break;
    case NGI_Q_PHRASE: phrase_seek(it, target); break;
    case NGI_Q_GROUP: group_seek(it, target); break;
    default: date_seek(it, target); break;
    }
}

double ngi_it_score(ngi_it *it) {
    switch (it->kind) {
    case NGI_Q_TERM:
        return ngi_bm25(it->A, it->field ? it->tf : it->cur->freq,
                        ngi_sctx_norm(it->ctx, it->doc));
    case NGI_Q_PHRASE:
        return ngi_bm25(it->A, it->tf, ngi_sctx_norm(it->ctx, it->doc));
    case NGI_Q_GROUP: return group_score(it);
    default: return 0.0;
    }
}

uint32_t ngi_it_tf(ngi_it *it) {
    if (it->kind == NGI_Q_TERM) return it->field ? it->tf : it->cur->freq;
    return it->kind == NGI_Q_PHRASE ? it->tf : 0;
}

uint32_t ngi_it_shallow(ngi_it *it, uint32_t target) {
    if (it->kind != NGI_Q_TERM) {
        it->blk_ub = it->ub;
        it->blk_kmin = it->kmin;
        return NGI_DOC_END;
    }
    if (it->blk_ub >= 0 && target <= it->blk_end) return it->blk_end;
    ngi_cursor *cur = it->cur;
    it->blk_end = ngi_cursor_shallow_advance(cur, target);
    if (it->blk_end == NGI_DOC_END) { /* past the list: no block facts */
        it->blk_ub = it->ub;
        it->blk_kmin = it->kmin;
        return NGI_DOC_END;
    }
    uint32_t mtf = ngi_cursor_block_max_tf(cur);
    if (mtf == 0) { /* no facts for this block: the list's bound */
        it->blk_ub = it->ub;
        it->blk_kmin = it->kmin;
        return it->blk_end;
    }
    it->blk_kmin = norm_of(it->ctx, ngi_cursor_block_min_dl(cur));
    it->blk_ub = ngi_bm25(it->A, mtf, it->blk_kmin);
    return it->blk_end;
}
