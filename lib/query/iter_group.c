/*
 * iter_group.c — boolean groups (Lucene's BooleanQuery): leapfrog over the
 * MUST children from the cheapest, union of the SHOULD children, NOT
 * children excluded; the score sums the matching MUST and SHOULD
 * children in query order (the canonical order search.c relies on).
 */
#include "iter.h"

static int excluded(ngi_it *g, uint32_t d) {
    for (uint32_t i = 0; i < g->grp.n_not; i++) {
        ngi_it_advance(g->grp.nots[i], d);
        if (g->grp.nots[i]->doc == d) return 1;
    }
    return 0;
}

/* First doc >= d matching a SHOULD child and every MUST child. */
static uint32_t filtered_union(ngi_it *g, uint32_t d) {
    while (d != NGI_DOC_END && !g->ctx->err) {
        uint32_t m = NGI_DOC_END;
        for (uint32_t i = 0; i < g->grp.n_should; i++) {
            ngi_it_advance(g->grp.should[i], d);
            m = NGI_MIN(m, g->grp.should[i]->doc);
        }
        d = m;
        uint32_t j = 0;
        for (; d != NGI_DOC_END && j < g->grp.n_must; j++) {
            ngi_it_advance(g->grp.must[j], d);
            if (g->grp.must[j]->doc != d) break;
        }
        if (d == NGI_DOC_END || j == g->grp.n_must) return d;
        d = g->grp.must[j]->doc;
    }
    return NGI_DOC_END;
}

void ngi_group_seek(ngi_it *g, uint32_t d) {
    ngi_sctx *c = g->ctx;
    while (d != NGI_DOC_END && !c->err) {
        if (g->grp.need_should) {
            d = filtered_union(g, d);
            if (d == NGI_DOC_END) break;
        } else if (g->grp.n_must) {
            ngi_it_advance(g->grp.mlead[0], d);
            d = g->grp.mlead[0]->doc;
            if (d == NGI_DOC_END) break;
            uint32_t j = 1;
            for (; j < g->grp.n_must; j++) {
                ngi_it_advance(g->grp.mlead[j], d);
                if (g->grp.mlead[j]->doc != d) break;
            }
            if (j < g->grp.n_must) {
                d = g->grp.mlead[j]->doc;
                continue;
            }
        } else {
            uint32_t m = NGI_DOC_END;
            for (uint32_t i = 0; i < g->grp.n_should; i++) {
                ngi_it_advance(g->grp.should[i], d);
                m = NGI_MIN(m, g->grp.should[i]->doc);
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

double ngi_group_score(ngi_it *g) {
    uint32_t d = g->doc;
    double s = 0.0;
    for (uint32_t i = 0; i < g->grp.n_must; i++) s += ngi_it_score(g->grp.must[i]);
    for (uint32_t i = 0; i < g->grp.n_should; i++) {
        ngi_it_advance(g->grp.should[i], d);
        if (g->grp.should[i]->doc == d) s += ngi_it_score(g->grp.should[i]);
    }
    return s;
}

/* Builds the children; returns -1 when a MUST child cannot match. */
static int group_children(ngi_sctx *c, ngi_it *g, const ngi_qnode *n) {
    g->grp.must = ngi_sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->grp.should = ngi_sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->grp.nots = ngi_sctx_alloc(c, n->n * sizeof(ngi_it *));
    g->grp.mlead = ngi_sctx_alloc(c, n->n * sizeof(ngi_it *));
    if (!g->grp.must || !g->grp.should || !g->grp.nots || !g->grp.mlead) return -1;
    for (uint32_t k = n->child; k != NGI_QNONE; k = c->q->nodes[k].next) {
        ngi_it *ch = ngi_sctx_build_node(c, k);
        if (c->err) return -1;
        int occ = c->q->nodes[k].occur;
        if (!ch) {
            if (occ == NGI_MUST) return -1;
            continue;
        }
        ch->occur = (uint8_t)occ;
        if (occ == NGI_MUST)
            g->grp.must[g->grp.n_must++] = ch;
        else if (occ == NGI_SHOULD)
            g->grp.should[g->grp.n_should++] = ch;
        else
            g->grp.nots[g->grp.n_not++] = ch;
    }
    return g->grp.n_must + g->grp.n_should ? 0 : -1;
}

int ngi_group_build(ngi_sctx *c, ngi_it *g, const ngi_qnode *n) {
    if (group_children(c, g, n)) return -1;
    g->cost = 0;
    for (uint32_t i = 0; i < g->grp.n_must; i++) {
        ngi_it *m = g->grp.must[i];
        g->ub += m->ub;
        uint32_t j = i;
        while (j && g->grp.mlead[j - 1]->cost > m->cost) {
            g->grp.mlead[j] = g->grp.mlead[j - 1];
            j--;
        }
        g->grp.mlead[j] = m;
    }
    for (uint32_t i = 0; i < g->grp.n_should; i++) {
        g->ub += g->grp.should[i]->ub;
        if (!g->grp.n_must) g->cost += g->grp.should[i]->cost;
    }
    if (g->grp.n_must) g->cost = g->grp.mlead[0]->cost;
    /* The query's SHOULD children count, not the ones this segment has:
     * a group of date filters whose words are all absent here matches
     * nothing (not every document in the dates). */
    g->grp.need_should = 0;
    for (uint32_t k = n->child; k != NGI_QNONE; k = c->q->nodes[k].next)
        if (c->q->nodes[k].occur == NGI_SHOULD && c->q->nodes[k].kind != NGI_Q_EMPTY)
            g->grp.need_should = 1;
    for (uint32_t i = 0; i < g->grp.n_must; i++)
        if (g->grp.must[i]->kind != NGI_Q_DATE) g->grp.need_should = 0;
    if (g->grp.need_should && !g->grp.n_should) return -1;
    ngi_group_seek(g, 0);
    return 0;
}
