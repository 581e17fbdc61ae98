/*
 * iter_term.c — leaf iterators over postings: a term (optionally counted
 * in title: or body: only) with block-max bounds, and a prefix*, the
 * union of its expansions' cursors scored as one term whose tf is the sum
 * of theirs (the blended term of plan.h).
 */
#include "iter.h"

/* tf of cur's current doc inside field (title or body). */
static uint32_t field_tf(ngi_sctx *c, ngi_cursor *cur, int field) {
    const uint32_t *pos;
    int rc = ngi_cursor_positions(cur, &pos);
    if (rc) {
        ngi_sctx_fail(c, rc);
        return 0;
    }
    uint32_t te = ngi_segment_title_end(c->seg, cur->doc), n = 0;
    for (uint32_t i = 0; i < cur->freq; i++)
        n += (pos[i] < te) == (field == NGI_FIELD_TITLE);
    return n;
}

/* ---- term ------------------------------------------------------------------ */

static void term_settle(ngi_it *it) {
    ngi_cursor *cur = it->term.cur;
    while (it->field && cur->doc != NGI_DOC_END) {
        it->tf = field_tf(it->ctx, cur, it->field);
        if (it->tf || it->ctx->err) break;
        int rc = ngi_cursor_next(cur);
        if (rc) ngi_sctx_fail(it->ctx, rc);
        if (it->ctx->err) break;
    }
    it->doc = it->ctx->err ? NGI_DOC_END : cur->doc;
}

void ngi_term_seek(ngi_it *it, uint32_t target) {
    int rc = ngi_cursor_advance(it->term.cur, target);
    if (rc) ngi_sctx_fail(it->ctx, rc);
    term_settle(it);
}

int ngi_term_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    const ngi_term_postings *tp = ngi_sctx_term(c, n->term);
    if (!tp || !(it->term.cur = ngi_sctx_cursor(c, tp))) return -1;
    it->idf = c->idf[n->term];
    it->A = (double)n->weight * it->idf * (c->k1 + 1.0);
    it->kmin = ngi_sctx_norm_of(c, tp->min_dl);
    it->ub = ngi_bm25(it->A, tp->max_tf, it->kmin);
    it->cost = tp->df;
    term_settle(it);
    return 0;
}

uint32_t ngi_term_shallow(ngi_it *it, uint32_t target) {
    if (it->blk_ub >= 0 && target <= it->blk_end) return it->blk_end;
    ngi_cursor *cur = it->term.cur;
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
    it->blk_kmin = ngi_sctx_norm_of(it->ctx, ngi_cursor_block_min_dl(cur));
    it->blk_ub = ngi_bm25(it->A, mtf, it->blk_kmin) + it->prox_ub;
    return it->blk_end;
}

/* ---- prefix ------------------------------------------------------------------ */

static void sift_down(ngi_cursor **h, uint32_t n, uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < n && h[l]->doc < h[m]->doc) m = l;
        if (r < n && h[r]->doc < h[m]->doc) m = r;
        if (m == i) return;
        ngi_cursor *t = h[i];
        h[i] = h[m];
        h[m] = t;
        i = m;
    }
}

/* Sum of the tfs of the cursors at doc d: the heap's entries equal to d
 * form a subtree at its root. */
static uint64_t heap_tf(ngi_it *it, uint32_t i, uint32_t d) {
    ngi_it_prefix *p = &it->pre;
    if (i >= p->n || p->heap[i]->doc != d) return 0;
    ngi_cursor *cur = p->heap[i];
    uint64_t tf = it->field ? field_tf(it->ctx, cur, it->field) : cur->freq;
    return tf + heap_tf(it, 2 * i + 1, d) + heap_tf(it, 2 * i + 2, d);
}

void ngi_prefix_seek(ngi_it *it, uint32_t target) {
    ngi_it_prefix *p = &it->pre;
    ngi_sctx *c = it->ctx;
    while (!c->err) {
        while (p->heap[0]->doc < target) {
            int rc = ngi_cursor_advance(p->heap[0], target);
            if (rc) {
                ngi_sctx_fail(c, rc);
                break;
            }
            sift_down(p->heap, p->n, 0);
        }
        uint32_t d = p->heap[0]->doc;
        if (d == NGI_DOC_END || c->err) break;
        uint64_t tf = heap_tf(it, 0, d);
        if (tf) { /* 0: only other fields hold the terms here */
            it->tf = (uint32_t)NGI_MIN(tf, UINT32_MAX);
            it->doc = d;
            return;
        }
        target = d + 1;
    }
    it->doc = NGI_DOC_END;
}

int ngi_prefix_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    const ngi_pexp *e = &c->pexp[n - c->q->nodes];
    uint32_t a = e->seg_start[c->seg_index], b = e->seg_start[c->seg_index + 1];
    if (a == b) return -1;
    ngi_it_prefix *p = &it->pre;
    if (!(p->heap = ngi_sctx_alloc(c, (b - a) * sizeof *p->heap))) return -1;
    uint64_t sum_tf = 0;
    uint32_t min_dl = UINT32_MAX;
    for (uint32_t i = a; i < b; i++) {
        if (!(p->heap[p->n++] = ngi_sctx_cursor(c, &e->tps[i]))) return -1;
        sum_tf += e->tps[i].max_tf;
        min_dl = NGI_MIN(min_dl, e->tps[i].min_dl);
        it->cost += e->tps[i].df;
    }
    for (uint32_t i = p->n / 2; i-- > 0;) sift_down(p->heap, p->n, i);
    it->idf = e->idf;
    it->A = (double)n->weight * it->idf * (c->k1 + 1.0);
    /* tf at a doc <= the sum of the terms' largest tfs */
    it->kmin = ngi_sctx_norm_of(c, min_dl);
    it->ub = ngi_bm25(it->A, (uint32_t)NGI_MIN(sum_tf, UINT32_MAX), it->kmin);
    it->doc = 0;
    ngi_prefix_seek(it, 0);
    return 0;
}
