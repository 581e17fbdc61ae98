/*
 * search.c — ng_search: evaluates the query segment by segment with global
 * doc ids, keeps the top k in a min-heap, and prunes with block-max
 * MaxScore (rank-safe: same documents and scores as the exhaustive path,
 * which stays for tests, --explain, --sort date and counting).
 *
 * Tie rule (both paths): higher score first, then the smaller external
 * id (bytes), compared only on exactly equal scores: a total order that
 * does not depend on how the documents were numbered, split into shards
 * or parts, or visited. A document with a score equal to the threshold
 * may therefore still enter a full heap; pruning stays safe because every
 * bound is compared as bound * SLACK <= threshold, which never holds for
 * a bound >= a positive threshold (and a zero threshold prunes nothing,
 * see topk_theta). Scores are always summed in
 * one canonical order (MUST children, then SHOULD children, query order),
 * whichever path found the document, so both paths give identical doubles.
 */
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "proximity.h"
#include "search.h"

#define SLACK NGI_SLACK

/* ---- top-k heap ------------------------------------------------------------ */

/* The hit's external id, looked up once (e->id); non-zero when it
 * cannot be read. */
static int hit_id(const ngi_topk *h, ngi_hitent *e) {
    if (e->id) return 0;
    return ngi_segment_doc_id(h->snap->segs[e->seg], e->local, &e->id, &e->id_len, NULL);
}

/* Exact ties only: the smaller external id first, as bytes. Not rare
 * among short documents (equal tf and length give equal scores): two
 * hits of one segment compare their ranks in its id order (IDIX
 * inverted, once the segment has been asked often enough), others their
 * ids, each kept in its entry once read. */
static int id_first(const ngi_topk *h, ngi_hitent *a, ngi_hitent *b) {
    if (!h->snap) return a->doc < b->doc;
    if (a->seg == b->seg) {
        const uint32_t *r = ngi_segment_id_ranks(h->snap->segs[a->seg]);
        if (r) return r[a->local] < r[b->local];
    }
    if (hit_id(h, a) || hit_id(h, b)) return a->doc < b->doc;
    int c = memcmp(a->id, b->id, NGI_MIN(a->id_len, b->id_len));
    if (c) return c < 0;
    return a->id_len != b->id_len ? a->id_len < b->id_len : a->doc < b->doc;
}

static inline int better(const ngi_topk *h, ngi_hitent *a, ngi_hitent *b) {
    if (h->by_date && a->date != b->date) return a->date > b->date;
    if (a->score != b->score) return a->score > b->score;
    return id_first(h, a, b);
}

/* Whether candidate x, tied with the root of a full heap, ranks before
 * it. Thousands of candidates of one segment may tie with one root of
 * another: where the root's id falls in that segment's id order is
 * found once (a binary search over its ids), then each candidate
 * compares its rank, not its id. */
static int beats_root(ngi_topk *h, ngi_hitent *x) {
    ngi_hitent *t = &h->e[0];
    const uint32_t *r = NULL;
    if (h->snap && x->seg != t->seg) r = ngi_segment_id_ranks(h->snap->segs[x->seg]);
    if (!r) return better(h, x, t);
    if (!h->rt_ok || h->rt_doc != t->doc || h->rt_seg != x->seg) {
        if (hit_id(h, t) || ngi_segment_id_range(h->snap->segs[x->seg], t->id, t->id_len,
                                                 &h->rt_lo, &h->rt_hi, NULL)) {
            h->rt_ok = 0;
            return better(h, x, t);
        }
        h->rt_ok = 1, h->rt_doc = t->doc, h->rt_seg = x->seg;
    }
    uint32_t p = r[x->local];
    return p < h->rt_lo || (p < h->rt_hi && x->doc < t->doc);
}

/* Min-heap on "better": the root is the worst kept hit. */
static void sift_up(ngi_topk *h, size_t i) {
    while (i) {
        size_t p = (i - 1) / 2;
        if (!better(h, &h->e[p], &h->e[i])) return;
        ngi_hitent t = h->e[i];
        h->e[i] = h->e[p];
        h->e[p] = t;
        i = p;
    }
}

/* Puts x in the root's place (bottom-up): the hole moves down to a leaf
 * along the worse child, one comparison a level, then x climbs back,
 * usually a step or two (x either just beat the worst hit or comes from
 * a leaf), where sifting it down compares twice a level. Equal results:
 * "better" is a total order. */
static void replace_root(ngi_topk *h, const ngi_hitent *x) {
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1;
        if (l >= h->n) break;
        size_t w = r < h->n && better(h, &h->e[l], &h->e[r]) ? r : l;
        h->e[i] = h->e[w];
        i = w;
    }
    h->e[i] = *x;
    sift_up(h, i);
}

/* Offers a hit; returns 1 when the heap changed. */
static int topk_push(ngi_topk *h, ngi_hitent *x) {
    if (h->k == 0) return 0;
    if (h->n < h->k) {
        h->e[h->n++] = *x;
        sift_up(h, h->n - 1);
        return 1;
    }
    ngi_hitent *t = &h->e[0];
    if (h->by_date && x->date != t->date) {
        if (x->date < t->date) return 0;
    } else if (x->score != t->score ? x->score < t->score : !beats_root(h, x))
        return 0;
    replace_root(h, x);
    return 1;
}

/* Threshold for pruning: -1 until the heap is full (scores are >= 0).
 * Also -1 while the worst kept score is 0: a bound of 0 would prune a
 * zero-score document whose id wins the tie. A seed (> 0) stands for
 * it before: k documents are known to score at least that much, so a
 * document whose bound is below it cannot be in the top k, and one
 * that ties it is never pruned (bound * SLACK <= seed is false). */
static double topk_theta(const ngi_topk *h) {
    double t = h->k && h->n == h->k && h->e[0].score > 0 ? h->e[0].score : -1.0;
    return t > h->seed ? t : h->seed > 0 ? h->seed : -1.0;
}

/* ---- per-segment evaluation state ------------------------------------------- */

typedef struct seval {
    ngi_sctx *c;              /* search context */
    ngi_topk *h;              /* shared heap */
    ngi_it *root;             /* root group */
    ngi_it *filter;           /* --since/--until filter, or NULL */
    uint32_t base;            /* global id of local doc 0 */
    uint32_t si;              /* segment index */
    double *cm, *cs;          /* contributions of MUST / SHOULD children */
    uint8_t *ms;              /* SHOULD child matched */
    uint32_t *order;          /* SHOULD children sorted by ub */
    double *pref;             /* prefix sums of ub in that order */
    uint32_t *rank, *hp, *at; /* disjunction scratch (orstate) */
    uint32_t *set;            /* SHOULD children whose ms flag is set */
    ngi_it **kid;             /* SHOULD children in v->order (orstate) */
    uint32_t nset;            /* entries in set */
} seval;

static int doc_ok(seval *v, uint32_t d) {
    if (ngi_segment_is_deleted(v->c->seg, d)) return 0;
    if (v->filter) {
        ngi_it_advance(v->filter, d);
        if (v->filter->doc != d) return 0;
    }
    ngi_it *g = v->root;
    for (uint32_t i = 0; g->grp.need_should && i < g->grp.n_must; i++) {
        ngi_it_advance(g->grp.must[i], d); /* date filters of the root */
        if (g->grp.must[i]->doc != d) return 0;
    }
    for (uint32_t i = 0; i < g->grp.n_not; i++) {
        ngi_it_advance(g->grp.nots[i], d);
        if (g->grp.nots[i]->doc == d) return 0;
    }
    return 1;
}

/* The canonical score from the recorded contributions. */
static double canonical(const seval *v) {
    const ngi_it *g = v->root;
    double s = 0.0;
    for (uint32_t i = 0; i < g->grp.n_must; i++) s += v->cm[i];
    for (uint32_t i = 0; i < g->grp.n_should; i++)
        if (v->ms[i]) s += v->cs[i];
    return s;
}

/* Clears the SHOULD children recorded as matching the last candidate. */
static void forget_taken(seval *v) {
    for (uint32_t i = 0; i < v->nset; i++) v->ms[v->set[i]] = 0;
    v->nset = 0;
}

static int push(seval *v, uint32_t d, double score) {
    ngi_hitent e = {score, v->base + d, NGI_NO_DATE, v->si, d, NULL, 0};
    if (v->h->by_date) e.date = ngi_segment_doc_date(v->c->seg, d);
    return topk_push(v->h, &e);
}

/* Lets each root child skip matches whose own score cannot lift the
 * document above theta even with every other child at its bound. */
static void set_floors(seval *v, double theta, double total) {
    ngi_it *g = v->root;
    for (uint32_t i = 0; i < g->grp.n_must; i++)
        g->grp.must[i]->floor =
            theta < 0 ? -1.0 : theta / SLACK - (total - g->grp.must[i]->ub) * SLACK;
    for (uint32_t i = 0; i < g->grp.n_should; i++)
        g->grp.should[i]->floor =
            theta < 0 ? -1.0 : theta / SLACK - (total - g->grp.should[i]->ub) * SLACK;
}

/* ---- exhaustive ------------------------------------------------------------- */

static void eval_exhaustive(seval *v, const ngi_search_plan *p, int score,
                            uint64_t *count) {
    ngi_it *r = v->root;
    for (; r->doc != NGI_DOC_END && !v->c->err; ngi_it_next(r)) {
        uint32_t d = r->doc;
        if (ngi_segment_is_deleted(v->c->seg, d)) continue;
        if (v->filter) {
            ngi_it_advance(v->filter, d);
            if (v->filter->doc != d) continue;
        }
        (*count)++;
        if (p->on_match) p->on_match(p->arg, v->c->seg, d);
        if (!score) continue;
        double s = ngi_it_score(r); /* positions the children on d */
        if (v->c->prox) s += ngi_prox_doc_score(v->c, d);
        push(v, d, s);
    }
}

/* ---- block-max MaxScore, disjunction (no MUST child) -------------------------- */

static void sort_by_ub(seval *v) {
    ngi_it *g = v->root;
    for (uint32_t i = 0; i < g->grp.n_should; i++) {
        uint32_t j = i;
        while (j && g->grp.should[v->order[j - 1]]->ub > g->grp.should[i]->ub) {
            v->order[j] = v->order[j - 1];
            j--;
        }
        v->order[j] = i;
    }
    double s = 0.0;
    for (uint32_t i = 0; i < g->grp.n_should; i++)
        v->pref[i] = s += g->grp.should[v->order[i]]->ub;
}

/* Range check over the essential lists: skips whole blocks whose bounds
 * cannot beat theta. Returns 1 when it moved the cursors; else 0 and in
 * *until the last doc of the range it checked. */
static int skip_blocks(seval *v, uint32_t fe, double theta, int *done, uint32_t *until) {
    ngi_it *g = v->root;
    double bsum = fe ? v->pref[fe - 1] : 0.0;
    uint32_t bmin = NGI_DOC_END;
    for (uint32_t i = fe; i < g->grp.n_should; i++) {
        ngi_it *e = g->grp.should[v->order[i]];
        if (e->doc == NGI_DOC_END) continue;
        uint32_t be = ngi_it_shallow(e, e->doc);
        bsum += e->blk_ub;
        bmin = NGI_MIN(bmin, be);
    }
    *until = bmin;
    if (bsum * SLACK > theta) return 0;
    if (bmin == NGI_DOC_END) {
        *done = 1;
        return 1;
    }
    for (uint32_t i = fe; i < g->grp.n_should; i++)
        ngi_it_advance(g->grp.should[v->order[i]], bmin + 1);
    return 1;
}

/* Disjunctions wider than this keep their essential children in a heap
 * by doc (prefix expansions); narrower ones scan them linearly. */
#define WIDE 16

/* Per-segment state of the disjunction. */
typedef struct orstate {
    uint32_t n;     /* SHOULD children */
    uint32_t fe;    /* rank (in v->order) of the first essential child */
    uint32_t *rank; /* child -> rank */
    uint32_t *hp;   /* wide: heap of essential children, by doc */
    uint32_t hn;    /* entries in hp */
    uint32_t *at;   /* essential children at the candidate */
    uint32_t na;    /* entries in at */
    int wide;       /* heap mode */
    ngi_it **kid;   /* kid[i] = the child of rank i (narrow: read in gather) */
} orstate;

static uint32_t child_doc(const seval *v, uint32_t c) {
    return v->root->grp.should[c]->doc;
}

static void hp_down(seval *v, orstate *o, uint32_t i) {
    for (;;) {
        uint32_t l = 2 * i + 1, r = l + 1, m = i;
        if (l < o->hn && child_doc(v, o->hp[l]) < child_doc(v, o->hp[m])) m = l;
        if (r < o->hn && child_doc(v, o->hp[r]) < child_doc(v, o->hp[m])) m = r;
        if (m == i) return;
        uint32_t t = o->hp[i];
        o->hp[i] = o->hp[m];
        o->hp[m] = t;
        i = m;
    }
}

static void hp_push(seval *v, orstate *o, uint32_t c) {
    uint32_t i = o->hn++;
    o->hp[i] = c;
    while (i && child_doc(v, o->hp[(i - 1) / 2]) > child_doc(v, o->hp[i])) {
        uint32_t p = (i - 1) / 2, t = o->hp[p];
        o->hp[p] = o->hp[i];
        o->hp[i] = t;
        i = p;
    }
}

static uint32_t hp_pop(seval *v, orstate *o) {
    uint32_t c = o->hp[0];
    o->hp[0] = o->hp[--o->hn];
    hp_down(v, o, 0);
    return c;
}

/* The next candidate: the smallest doc among the essential children, and
 * in o->at the essential children positioned on it. */
static uint32_t gather(seval *v, orstate *o) {
    uint32_t d = NGI_DOC_END;
    o->na = 0;
    if (!o->wide) { /* one pass: a smaller doc restarts the list */
        for (uint32_t i = o->fe; i < o->n; i++) {
            uint32_t x = o->kid[i]->doc;
            if (x > d) continue;
            if (x < d) d = x, o->na = 0;
            o->at[o->na++] = v->order[i];
        }
        if (d == NGI_DOC_END) o->na = 0;
        return d;
    }
    while (o->hn &&
           (o->rank[o->hp[0]] < o->fe || o->na == 0 || child_doc(v, o->hp[0]) == d)) {
        uint32_t c = hp_pop(v, o);
        if (o->rank[c] < o->fe) continue; /* became non-essential */
        d = child_doc(v, c);
        o->at[o->na++] = c;
    }
    return d;
}

/* Moves the children at the candidate past it. */
static void release(seval *v, orstate *o) {
    forget_taken(v);
    for (uint32_t i = 0; i < o->na; i++) {
        uint32_t c = o->at[i];
        ngi_it_next(v->root->grp.should[c]);
        if (o->wide && child_doc(v, c) != NGI_DOC_END && o->rank[c] >= o->fe)
            hp_push(v, o, c);
    }
}

/* A bound on d's score without its exact length: the children positioned
 * on d (ngi_it_tf_bound with d's quantized length), kids[idx[i]] or
 * kids[i] without idx, plus `rest`, the bounds of the others. */
static inline double tf_bound(ngi_it *const *kids, const uint32_t *idx, uint32_t n,
                              uint32_t d, double rest) {
    double b = rest, klow = n ? ngi_sctx_norm_low(kids[idx ? idx[0] : 0]->ctx, d) : 0.0;
    for (uint32_t i = 0; i < n; i++) {
        ngi_it *it = kids[idx ? idx[i] : i];
        ngi_it_shallow(it, d);
        b += ngi_it_tf_bound(it, klow);
    }
    return b;
}

static double take(seval *v, uint32_t c) {
    v->cs[c] = ngi_it_score(v->root->grp.should[c]);
    v->ms[c] = 1;
    v->set[v->nset++] = c;
    return v->cs[c] + v->root->grp.should[c]->prox_ub; /* a bound */
}

/* Adds d's proximity part to its BM25 score *s unless even the part's
 * bound cannot lift d above theta: positions are decoded only for
 * documents past that check. Returns 0 when d cannot win. */
static int add_proximity(seval *v, uint32_t d, double theta, double *s) {
    if (!v->c->prox) return 1;
    if (theta >= 0 && (*s + ngi_prox_doc_bound(v->c, d)) * SLACK <= theta) return 0;
    *s += ngi_prox_doc_score(v->c, d);
    return 1;
}

/* The tail both MaxScore loops share: adds the optional children of
 * ranks [0, upto) at d, from the largest bound down (v->pref[i] bounds
 * ranks 0..i together), while the document can still beat theta; then
 * its canonical score (+ proximity). Returns 0 when it cannot win. s
 * holds bounds: the taken children's scores and proximity bounds. */
static inline int finish_score(seval *v, uint32_t upto, uint32_t d, double s,
                               double theta, double *out) {
    for (uint32_t i = upto; i-- > 0;) {
        if ((s + v->pref[i]) * SLACK <= theta) return 0;
        uint32_t c = v->order[i];
        ngi_it_advance(v->root->grp.should[c], d);
        if (child_doc(v, c) == d) s += take(v, c);
    }
    if (s * SLACK <= theta) return 0;
    *out = canonical(v);
    return add_proximity(v, d, theta, out);
}

/* The non-essential children's bound at d from their blocks (a child
 * already past d cannot match it): tighter than their list bounds. */
static inline double block_rest(orstate *o, uint32_t d) {
    double r = 0.0;
    for (uint32_t i = 0; i < o->fe; i++) {
        ngi_it *e = o->kid[i];
        if (e->doc > d) continue; /* includes exhausted children */
        ngi_it_shallow(e, d);
        r += e->blk_ub;
    }
    return r;
}

/* Scores candidate d: essential lists first, then the non-essential ones
 * from the largest bound down while the doc can still beat theta. The
 * bound comes before doc_ok (deletions, filters, NOT), which most
 * candidates then never pay for. */
static int score_candidate(seval *v, orstate *o, uint32_t d, double theta, double *out) {
    double rest = o->fe ? v->pref[o->fe - 1] : 0.0;
    if (theta >= 0) {
        double b = tf_bound(v->root->grp.should, o->at, o->na, d, 0.0);
        if ((b + rest) * SLACK <= theta) return 0;
        if (o->fe && (b + block_rest(o, d)) * SLACK <= theta) return 0;
    }
    if (!doc_ok(v, d)) return 0;
    double s = 0.0;
    for (uint32_t i = 0; i < o->na; i++) s += take(v, o->at[i]);
    return finish_score(v, o->fe, d, s, theta, out);
}

static void or_setup(seval *v, orstate *o) {
    ngi_it *g = v->root;
    *o = (orstate){.n = g->grp.n_should,
                   .rank = v->rank,
                   .hp = v->hp,
                   .at = v->at,
                   .wide = g->grp.n_should > WIDE,
                   .kid = v->kid};
    for (uint32_t i = 0; i < g->grp.n_must; i++) v->cm[i] = 0.0; /* filters */
    memset(v->ms, 0, o->n);
    v->nset = 0;
    sort_by_ub(v);
    for (uint32_t i = 0; i < o->n; i++) {
        o->rank[v->order[i]] = i;
        o->kid[i] = g->grp.should[v->order[i]];
    }
    double theta = topk_theta(v->h);
    while (o->fe < o->n && v->pref[o->fe] * SLACK <= theta) o->fe++;
    set_floors(v, theta, v->pref[o->n - 1]);
    for (uint32_t i = o->fe; o->wide && i < o->n; i++)
        if (child_doc(v, v->order[i]) != NGI_DOC_END) hp_push(v, o, v->order[i]);
}

static void eval_or(seval *v) {
    orstate o;
    or_setup(v, &o);
    double theta = topk_theta(v->h), seen_theta = -1.0;
    uint32_t seen_to = 0, seen_fe = o.n; /* the last range check that skipped nothing */
    while (o.fe < o.n && !v->c->err) {
        uint32_t d = gather(v, &o);
        if (d == NGI_DOC_END) break;
        /* A range check that skipped nothing stands for the candidates up
         * to its end while theta and the essential lists stay (a cursor
         * entering a lower block there only misses a skip, safely). */
        if (theta >= 0 && !o.wide &&
            (d > seen_to || theta != seen_theta || o.fe != seen_fe)) {
            int done = 0;
            if (skip_blocks(v, o.fe, theta, &done, &seen_to)) {
                if (done) break;
                continue; /* gather (pure when narrow) again */
            }
            seen_theta = theta;
            seen_fe = o.fe;
        }
        double s;
        if (score_candidate(v, &o, d, theta, &s) && push(v, d, s)) {
            theta = topk_theta(v->h);
            while (o.fe < o.n && v->pref[o.fe] * SLACK <= theta) o.fe++;
            set_floors(v, theta, v->pref[o.n - 1]);
        }
        release(v, &o);
    }
}

/* ---- block-max MaxScore with required children ----------------------------------- */

/* Next doc >= d where every MUST child matches, skipping blocks whose
 * bounds (plus every optional bound) cannot beat theta. A range check
 * that skipped nothing stands for every doc up to the smallest block end
 * it saw (*ok_to) while theta stays (*ok_theta): the lead's next docs
 * then skip the check (most of them, as in eval_or). */
static uint32_t next_conj(seval *v, uint32_t d, double opt_ub, double theta,
                          uint32_t *ok_to, double *ok_theta) {
    ngi_it *g = v->root;
    while (d != NGI_DOC_END && !v->c->err) {
        ngi_it *lead = g->grp.mlead[0];
        ngi_it_advance(lead, d);
        d = lead->doc;
        if (d == NGI_DOC_END) break;
        if (theta >= 0 && (d > *ok_to || theta != *ok_theta)) {
            double bsum = opt_ub;
            uint32_t bmin = NGI_DOC_END;
            for (uint32_t i = 0; i < g->grp.n_must; i++) {
                uint32_t be = ngi_it_shallow(g->grp.mlead[i], d);
                bsum += g->grp.mlead[i]->blk_ub;
                bmin = NGI_MIN(bmin, be);
            }
            if (bsum * SLACK <= theta) {
                d = bmin == NGI_DOC_END ? NGI_DOC_END : bmin + 1;
                continue;
            }
            *ok_to = bmin;
            *ok_theta = theta;
        }
        uint32_t j = 1;
        for (; j < g->grp.n_must; j++) {
            ngi_it_advance(g->grp.mlead[j], d);
            if (g->grp.mlead[j]->doc != d) break;
        }
        if (j == g->grp.n_must) return d;
        d = g->grp.mlead[j]->doc;
    }
    return NGI_DOC_END;
}

static int score_conj(seval *v, uint32_t d, double theta, double *out) {
    ngi_it *g = v->root;
    double opt_ub = g->grp.n_should ? v->pref[g->grp.n_should - 1] : 0.0;
    if (theta >= 0 &&
        tf_bound(g->grp.must, NULL, g->grp.n_must, d, opt_ub) * SLACK <= theta)
        return 0;
    if (!doc_ok(v, d)) return 0; /* after the bound, as in score_candidate */
    double s = 0.0;
    for (uint32_t i = 0; i < g->grp.n_must; i++)
        s += (v->cm[i] = ngi_it_score(g->grp.must[i])) + g->grp.must[i]->prox_ub;
    forget_taken(v);
    return finish_score(v, g->grp.n_should, d, s, theta, out);
}

static void eval_and(seval *v) {
    ngi_it *g = v->root;
    sort_by_ub(v); /* pref[k] = sum of the k+1 smallest optional bounds */
    double opt_ub = g->grp.n_should ? v->pref[g->grp.n_should - 1] : 0.0;
    double req_ub = 0.0;
    for (uint32_t i = 0; i < g->grp.n_must; i++) req_ub += g->grp.must[i]->ub;
    uint32_t d = 0, ok_to = 0;
    double theta = topk_theta(v->h), ok_theta = -1.0; /* theta moves only at a push */
    set_floors(v, theta, req_ub + opt_ub);
    while (!v->c->err) {
        if (theta >= 0 && (req_ub + opt_ub) * SLACK <= theta) break;
        d = next_conj(v, d, opt_ub, theta, &ok_to, &ok_theta);
        if (d == NGI_DOC_END) break;
        double s;
        if (score_conj(v, d, theta, &s) && push(v, d, s)) {
            theta = topk_theta(v->h);
            set_floors(v, theta, req_ub + opt_ub);
        }
        d++;
    }
}

/* ---- driver --------------------------------------------------------------------- */

static int seval_alloc(seval *v, const ng_query *q) {
    size_t n = q->n_nodes ? q->n_nodes : 1;
    v->cm = ngi_calloc(n, sizeof *v->cm);
    v->cs = ngi_calloc(n, sizeof *v->cs);
    v->ms = ngi_calloc(n, 1);
    v->order = ngi_calloc(n, sizeof *v->order);
    v->pref = ngi_calloc(n, sizeof *v->pref);
    v->rank = ngi_calloc(n, sizeof *v->rank);
    v->hp = ngi_calloc(n, sizeof *v->hp);
    v->at = ngi_calloc(n, sizeof *v->at);
    v->set = ngi_calloc(n, sizeof *v->set);
    v->kid = ngi_calloc(n, sizeof *v->kid);
    return v->cm && v->cs && v->ms && v->order && v->pref && v->rank && v->hp && v->at &&
                   v->set && v->kid
               ? 0
               : NG_ENOMEM;
}

static void seval_free(seval *v) {
    ngi_free(v->cm);
    ngi_free(v->cs);
    ngi_free(v->ms);
    ngi_free(v->order);
    ngi_free(v->pref);
    ngi_free(v->rank);
    ngi_free(v->hp);
    ngi_free(v->at);
    ngi_free(v->set);
    ngi_free(v->kid);
}

/* Builds the root (and filter) of segment si; 0 with v->root NULL when
 * nothing there can match. */
static int seval_build(seval *v, uint32_t si, const ngi_search_plan *p) {
    int rc = ngi_sctx_build(v->c, si, &v->root);
    /* sorting by date and the timeline's matches read DATE */
    if (!rc && v->root && (v->h->by_date || p->on_match))
        rc = ngi_sctx_need(v->c, NGI_SEG_DATES);
    v->si = si;
    v->base = v->c->snap->seg_base[si];
    v->filter = NULL;
    if (rc || !v->root) return rc;
    if (p->since != INT32_MIN || p->until != INT32_MAX) {
        rc = ngi_sctx_date_filter(v->c, p->since, p->until, &v->filter);
        if (!rc && !v->filter) v->root = NULL;
    }
    return rc;
}

/* ---- seeded threshold ---------------------------------------------------------- */

/* One witness: at least n live documents of segment seg score >= v. */
typedef struct seedw {
    double v;
    uint32_t seg, n;
} seedw;

static int cmp_seedw(const void *a, const void *b) {
    double x = ((const seedw *)a)->v, y = ((const seedw *)b)->v;
    return (x < y) - (x > y); /* largest first */
}

/* Whether a witness document's score is at least its score for one root
 * child: the root has only SHOULD children (no MUST, NOT, date filter),
 * every weight is >= 0 (each child adds >= 0, and so does proximity),
 * and nothing else filters. */
static int seed_applies(const ngi_sctx *c, const ngi_search_plan *p, const ngi_topk *h) {
    if (p->exhaustive || h->by_date || h->k == 0 || p->since != INT32_MIN ||
        p->until != INT32_MAX || !(c->prox_weight >= 0))
        return 0;
    const ng_query *q = c->q;
    for (size_t i = 0; i < q->n_nodes; i++)
        if (!(q->nodes[i].weight >= 0)) return 0;
    const ngi_qnode *r = &q->nodes[q->root];
    for (uint32_t ch = r->child; ch != NGI_QNONE; ch = q->nodes[ch].next)
        if (q->nodes[ch].occur != NGI_SHOULD) return 0;
    return 1;
}

/* The witnesses of root child n (a plain term) in segment si, appended
 * to w: each level's bound for the term at (tf, largest length), with
 * the count less the segment's deleted documents (which may be among
 * the witnesses). */
static int seed_witnesses(ngi_sctx *c, const ngi_qnode *n, uint32_t si, seedw *w,
                          size_t *nw) {
    size_t i = (size_t)si * c->q->n_terms + n->term;
    if (!c->found[i]) return 0;
    const ngi_segment *s = c->snap->segs[si];
    ngi_witness wt;
    int rc = ngi_segment_witness(s, &c->tps[i], &wt, c->errd);
    if (rc) return rc;
    uint32_t dead = ngi_segment_n_deleted(s);
    double A =
        (double)n->weight * c->idf[n->term] * (c->k1 + 1.0); /* as ngi_term_build */
    for (uint32_t l = 0; l < wt.n && A > 0; l++)
        if (wt.count[l] > dead)
            w[(*nw)++] = (seedw){ngi_bm25(A, wt.tf[l], ngi_sctx_norm_of(c, wt.max_dl[l])),
                                 si, wt.count[l] - dead};
    return 0;
}

/* The largest v such that the segments' witnesses of score >= v add up
 * to k live documents: within a segment the term's witness sets may
 * overlap (the largest counts), across segments they are distinct
 * documents (the counts add). 0 when none reaches k. */
static double seed_combine(seedw *w, size_t nw, uint32_t *best, size_t k) {
    qsort(w, nw, sizeof *w, cmp_seedw);
    uint64_t sum = 0;
    for (size_t i = 0; i < nw; i++) {
        if (w[i].n > best[w[i].seg])
            sum += w[i].n - best[w[i].seg], best[w[i].seg] = w[i].n;
        if (sum >= k) return w[i].v;
    }
    return 0.0;
}

/* h->seed: a lower bound of the k-th best score from the SEED sections
 * (index/seed.h), before any posting is read; 0 when none applies. */
static int seed_theta(ngi_sctx *c, const ngi_search_plan *p, ngi_topk *h) {
    h->seed = 0.0;
    if (!seed_applies(c, p, h)) return 0;
    const ng_query *q = c->q;
    uint32_t ns = c->snap->n_segs, nt = 0;
    for (uint32_t ch = q->nodes[q->root].child; ch != NGI_QNONE; ch = q->nodes[ch].next)
        nt += q->nodes[ch].kind == NGI_Q_TERM && q->nodes[ch].field == NGI_FIELD_ANY;
    if (!nt || !ns) return 0;
    seedw *w = ngi_malloc((size_t)ns * nt * NGI_WITNESS_MAX * sizeof *w);
    uint32_t *best = ngi_calloc(ns, sizeof *best);
    int rc = w && best ? 0 : NG_ENOMEM;
    size_t nw = 0;
    for (uint32_t ch = q->nodes[q->root].child; !rc && ch != NGI_QNONE;
         ch = q->nodes[ch].next) {
        const ngi_qnode *n = &q->nodes[ch];
        if (n->kind != NGI_Q_TERM || n->field != NGI_FIELD_ANY) continue;
        for (uint32_t si = 0; !rc && si < ns; si++) rc = seed_witnesses(c, n, si, w, &nw);
    }
    if (!rc) h->seed = seed_combine(w, nw, best, h->k);
    ngi_free(w);
    ngi_free(best);
    return rc;
}

int ngi_search_run(ngi_sctx *c, const ngi_search_plan *p, ngi_topk *h, uint64_t *total) {
    seval v = {.c = c, .h = h};
    int rc = seval_alloc(&v, c->q);
    if (!rc) rc = seed_theta(c, p, h);
    *total = 0;
    int idle = h->k == 0 && !p->count && !p->on_match; /* nothing asked */
    for (uint32_t si = 0; !rc && !idle && si < c->snap->n_segs; si++) {
        if ((rc = seval_build(&v, si, p)) || !v.root) continue;
        uint64_t n = 0;
        int exhaustive = p->exhaustive || h->by_date || h->k == 0;
        if (exhaustive)
            eval_exhaustive(&v, p, h->k > 0, &n);
        else if (v.root->grp.n_must && !v.root->grp.need_should)
            eval_and(&v);
        else
            eval_or(&v);
        if (p->count && !exhaustive) {
            if ((rc = seval_build(&v, si, p)) || !v.root) continue;
            eval_exhaustive(&v, p, 0, &n);
        }
        *total += n;
        rc = c->err;
    }
    seval_free(&v);
    return rc ? rc : c->err;
}

void ngi_topk_sort(ngi_topk *h) {
    size_t n = h->n; /* the root (worst) goes last, one by one */
    while (h->n > 1) {
        ngi_hitent t = h->e[0], last = h->e[--h->n];
        replace_root(h, &last);
        h->e[h->n] = t;
    }
    h->n = n;
}
