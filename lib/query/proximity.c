/*
 * proximity.c — the term-proximity part of the default ranking: the word
 * pairs of the query, their bounds (for block-max MaxScore), the part of
 * one document from its words' positions, and its --explain lines. The
 * model and its bounds are described in proximity.h.
 */
#include "proximity.h"

uint32_t ngi_prox_pair_tf(const uint32_t *a, uint32_t na, const uint32_t *b, uint32_t nb,
                          uint32_t window) {
    uint32_t tf = 0, j = 0;
    for (uint32_t i = 0; i < na; i++) {
        while (j < nb && b[j] <= a[i]) j++;
        if (j == nb) break;
        tf += b[j] - a[i] <= window;
    }
    return tf;
}

/* A word that can be half of a pair: plain, whole document. */
static int plain_word(const ngi_qnode *n) {
    return n->kind == NGI_Q_TERM && n->field == NGI_FIELD_ANY;
}

/* The iterator of node n among the root's children, or NULL (its word is
 * not in this segment). */
static ngi_it *child_of(const ngi_it *root, const ngi_qnode *n) {
    const ngi_it_group *g = &root->grp;
    for (uint32_t i = 0; i < g->n_must; i++)
        if (g->must[i]->node == n) return g->must[i];
    for (uint32_t i = 0; i < g->n_should; i++)
        if (g->should[i]->node == n) return g->should[i];
    return NULL;
}

/* The root's children that order the pairs (not excluded, not stopwords
 * or dates), by query offset; returns how many. */
static uint32_t query_sequence(const ng_query *q, const ngi_qnode **seq) {
    uint32_t m = 0;
    for (uint32_t k = q->nodes[q->root].child; k != NGI_QNONE; k = q->nodes[k].next) {
        const ngi_qnode *n = &q->nodes[k];
        if (n->occur == NGI_NOT || n->kind == NGI_Q_EMPTY || n->kind == NGI_Q_DATE)
            continue;
        uint32_t j = m++;
        while (j && seq[j - 1]->offset > n->offset) {
            seq[j] = seq[j - 1];
            j--;
        }
        seq[j] = n;
    }
    return m;
}

static double min3(double x, double y, double z) {
    double m = x < y ? x : y;
    return m < z ? m : z;
}

/* coef * B / (B + K) with B = min(tf(a), window * tf(b)), the most
 * tf(a, b) can be. */
static double pair_bound(double coef, uint64_t tfa, uint64_t tfb, uint32_t window,
                         double K) {
    double B = (double)tfa, Bb = (double)tfb * window;
    if (Bb < B) B = Bb;
    return B > 0 ? coef * B / (B + K) : 0.0;
}

/* Charges pair p's bound over the segment to its rarer word. */
static void charge(ngi_sctx *c, const ngi_prox_pair *p, uint32_t window) {
    const ngi_term_postings *ta = ngi_sctx_term(c, p->a->node->term);
    const ngi_term_postings *tb = ngi_sctx_term(c, p->b->node->term);
    uint32_t mta = ta ? ta->max_tf : UINT32_MAX, mtb = tb ? tb->max_tf : UINT32_MAX;
    double kmin = p->a->kmin > p->b->kmin ? p->a->kmin : p->b->kmin; /* both there */
    double ub = pair_bound(p->coef, mta, mtb, window, kmin);
    ngi_it *to = ta && tb && tb->df < ta->df ? p->b : p->a;
    to->prox_ub += ub;
    to->ub += ub;
}

void ngi_prox_setup(ngi_sctx *c, ngi_it *root) {
    c->prox = NULL;
    if (!(c->prox_weight > 0) || !root || root->kind != NGI_Q_GROUP) return;
    const ng_query *q = c->q;
    uint32_t nc = q->nodes[q->root].n;
    if (nc < 2) return;
    const ngi_qnode **seq = ngi_sctx_alloc(c, nc * sizeof *seq);
    ngi_prox *p = ngi_sctx_alloc(c, sizeof *p);
    if (p) p->pairs = ngi_sctx_alloc(c, nc * sizeof *p->pairs);
    if (!seq || !p || !p->pairs) return;
    p->window = c->prox_window;
    uint32_t m = query_sequence(q, seq);
    for (uint32_t i = 0; i + 1 < m; i++) {
        const ngi_qnode *na = seq[i], *nb = seq[i + 1];
        if (!plain_word(na) || !plain_word(nb) || na->term == nb->term) continue;
        ngi_it *a = child_of(root, na), *b = child_of(root, nb);
        if (!a || !b) continue;
        double w = min3(1.0, na->weight, nb->weight);
        p->pairs[p->n++] = (ngi_prox_pair){a, b, c->prox_weight * w * (c->k1 + 1.0)};
    }
    if (!p->n) return;
    for (uint32_t i = 0; i < p->n; i++) charge(c, &p->pairs[i], p->window);
    c->prox = p;
}

static int both_at(const ngi_prox_pair *p, uint32_t d) {
    return p->a->doc == d && p->b->doc == d;
}

double ngi_prox_doc_bound(ngi_sctx *c, uint32_t d) {
    const ngi_prox *p = c->prox;
    double s = 0.0, K = ngi_sctx_norm(c, d);
    for (uint32_t i = 0; i < p->n; i++) {
        const ngi_prox_pair *x = &p->pairs[i];
        if (both_at(x, d))
            s += pair_bound(x->coef, x->a->term.cur->freq, x->b->term.cur->freq,
                            p->window, K);
    }
    return s;
}

/* tf(a, b) at d (both words there); 0 and c->err set on failure. */
static uint32_t pair_tf_at(ngi_sctx *c, const ngi_prox_pair *x, uint32_t window) {
    const uint32_t *pa, *pb;
    int rc = ngi_cursor_positions(x->a->term.cur, &pa);
    if (!rc) rc = ngi_cursor_positions(x->b->term.cur, &pb);
    if (rc) {
        ngi_sctx_fail(c, rc);
        return 0;
    }
    return ngi_prox_pair_tf(pa, x->a->term.cur->freq, pb, x->b->term.cur->freq, window);
}

double ngi_prox_doc_score(ngi_sctx *c, uint32_t d) {
    const ngi_prox *p = c->prox;
    double s = 0.0, K = ngi_sctx_norm(c, d);
    for (uint32_t i = 0; i < p->n; i++) {
        const ngi_prox_pair *x = &p->pairs[i];
        if (!both_at(x, d)) continue;
        uint32_t tf = pair_tf_at(c, x, p->window);
        if (tf) s += x->coef * (double)tf / ((double)tf + K);
    }
    return s;
}

void ngi_prox_explain(ngi_sctx *c, uint32_t d, int indent, ngi_buf *o) {
    const ngi_prox *p = c->prox;
    if (!p) return;
    double K = ngi_sctx_norm(c, d);
    ngi_buf_printf(o,
                   "%*sproximity: %.6f = sum of coef*tf/(tf+norm) over neighbouring "
                   "query words a b, tf = a followed by b within %u positions\n",
                   indent, "", ngi_prox_doc_score(c, d), p->window);
    for (uint32_t i = 0; i < p->n; i++) {
        const ngi_prox_pair *x = &p->pairs[i];
        if (!both_at(x, d)) continue;
        uint32_t tf = pair_tf_at(c, x, p->window);
        ngi_buf_printf(o, "%*spair %s %s: tf=%u coef=%.6f score=%.6f\n", indent + 2, "",
                       ngi_query_term(c->q, x->a->node->term),
                       ngi_query_term(c->q, x->b->node->term), tf, x->coef,
                       tf ? x->coef * (double)tf / ((double)tf + K) : 0.0);
    }
}
