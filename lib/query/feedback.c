/*
 * feedback.c — queries made from documents' stored text, analysed with
 * the index's analyzer:
 *  - RM3 pseudo-relevance feedback (NG_SEARCH_EXPAND), as Anserini's
 *    Rm3Reranker: each of the fb_docs best documents gives its term
 *    distribution (terms of 2+ bytes in at most 10 % of the documents),
 *    weighted by its score; the fb_terms most likely terms, normalised to
 *    sum 1, are mixed with the query's own leaves (normalised likewise):
 *    w = λ·q(t) + (1 − λ)·rm(t), λ = fb_original_weight.
 *  - ng_related: a more-like-this query of a document's 25 terms with the
 *    highest tf·idf (df ≥ 2), each weighted by tf·idf / the best one.
 * Both build a weighted ng_query (leaf weights are doubles) and run the
 * ordinary ng_search on it, so pruning, snippets and JSON work unchanged.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "feedback.h"
#include "index/signature.h"
#include "plan.h"
#include "query.h"
#include "search.h"

#define MLT_TERMS        25
#define RM3_MAX_DF_RATIO 0.1

/* ---- a bag of terms: term -> count ------------------------------------- */

typedef struct bag_term {
    uint32_t off, len; /* bytes in bag.bytes */
    double tf;         /* count in the current document */
    double w;          /* accumulated weight */
    uint64_t df;       /* index-wide df (0 = absent) */
    double idf;
} bag_term;

typedef struct bag {
    ngi_buf bytes;
    bag_term *t;
    size_t n, cap;
    uint32_t *slot; /* open addressing: index + 1, 0 = empty */
    size_t nslot;
} bag;

static uint64_t hash_bytes(const char *s, size_t n) {
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < n; i++) h = (h ^ (uint8_t)s[i]) * 1099511628211ull;
    return h;
}

static void bag_free(bag *b) {
    ngi_buf_free(&b->bytes);
    ngi_free(b->t);
    ngi_free(b->slot);
}

static int bag_rehash(bag *b) {
    size_t ns = b->nslot ? b->nslot * 2 : 1024;
    uint32_t *s = ngi_calloc(ns, sizeof *s);
    if (!s) return NG_ENOMEM;
    for (size_t i = 0; i < b->n; i++) {
        size_t h =
            hash_bytes((const char *)b->bytes.data + b->t[i].off, b->t[i].len) & (ns - 1);
        while (s[h]) h = (h + 1) & (ns - 1);
        s[h] = (uint32_t)i + 1;
    }
    ngi_free(b->slot);
    b->slot = s;
    b->nslot = ns;
    return 0;
}

static int bag_add(void *ctx, const ng_token *tok) {
    bag *b = ctx;
    if (tok->term_len < 2) return 0; /* Anserini drops 1-character terms */
    if ((b->n + 1) * 2 > b->nslot && bag_rehash(b)) return NG_ENOMEM;
    size_t h = hash_bytes(tok->term, tok->term_len) & (b->nslot - 1);
    for (; b->slot[h]; h = (h + 1) & (b->nslot - 1)) {
        bag_term *t = &b->t[b->slot[h] - 1];
        if (t->len == tok->term_len &&
            !memcmp(b->bytes.data + t->off, tok->term, tok->term_len)) {
            t->tf += 1;
            return 0;
        }
    }
    if (b->n == b->cap) {
        size_t cap = b->cap ? b->cap * 2 : 256;
        bag_term *v = ngi_realloc(b->t, cap * sizeof *v);
        if (!v) return NG_ENOMEM;
        b->t = v;
        b->cap = cap;
    }
    bag_term t = {(uint32_t)b->bytes.len, (uint32_t)tok->term_len, 1, 0, 0, 0};
    if (ngi_buf_append(&b->bytes, tok->term, tok->term_len)) return NG_ENOMEM;
    b->t[b->n] = t;
    b->slot[h] = (uint32_t)++b->n;
    return 0;
}

/* Analyses the stored title and body of document id into b (tf). */
static int bag_of_doc(ng_reader *reader, ng_analyzer *a, const char *id, size_t id_len,
                      bag *b) {
    ng_doc *d = NULL;
    int rc = ng_reader_get(reader, id, id_len, &d);
    if (rc) return rc;
    for (size_t i = 0; !rc && i < ng_doc_field_count(d); i++) {
        const ng_field *f = ng_doc_field(d, i);
        if (f->role == NG_FIELD_TITLE || f->role == NG_FIELD_BODY)
            rc = ng_analyzer_tokenize(a, f->value, f->value_len, 0, bag_add, b);
    }
    ng_doc_free(d);
    return rc < 0 ? rc : rc ? NG_ENOMEM : 0;
}

/* ---- building queries ---------------------------------------------------- */

static int grow(void **p, size_t *cap, size_t need, size_t size);

/* An empty query (a root group) for snap's analyzer settings. */
static int new_query(ng_query **out, const ngi_snapshot *snap) {
    ng_query *q = ngi_calloc(1, sizeof *q);
    if (!q) return NG_ENOMEM;
    ngi_buf_init(&q->term_bytes);
    ngi_buf_init(&q->prefixes);
    *out = q;
    if (grow((void **)&q->nodes, &q->cap_nodes, 16, sizeof *q->nodes)) return NG_ENOMEM;
    ngi_qnode *g = &q->nodes[0];
    memset(g, 0, sizeof *g);
    g->kind = NGI_Q_GROUP;
    g->weight = 1;
    g->child = g->next = g->last = NGI_QNONE;
    g->since = INT32_MIN;
    g->until = INT32_MAX;
    q->n_nodes = 1;
    q->root = 0;
    snprintf(q->language, sizeof q->language, "%s", snap->settings.language);
    q->analyzer_flags = snap->settings.analyzer_flags;
    return 0;
}

static int grow(void **p, size_t *cap, size_t need, size_t size) {
    if (need <= *cap) return 0;
    size_t c = *cap ? *cap : 16;
    while (c < need) c *= 2;
    void *v = ngi_realloc(*p, c * size);
    if (!v) return NG_ENOMEM;
    *p = v;
    *cap = c;
    return 0;
}

/* Appends term s as a SHOULD child of the root with weight w. */
static int add_term(ng_query *q, const char *s, size_t n, double w) {
    size_t ct = q->cap_terms;
    if (grow((void **)&q->term_off, &ct, q->n_terms + 1, sizeof *q->term_off) ||
        grow((void **)&q->term_len, &q->cap_terms, q->n_terms + 1, sizeof *q->term_len))
        return NG_ENOMEM;
    if (ct > q->cap_terms) { /* keep the two arrays the same capacity */
        uint32_t *v = ngi_realloc(q->term_len, ct * sizeof *v);
        if (!v) return NG_ENOMEM;
        q->term_len = v;
        q->cap_terms = ct;
    }
    if (grow((void **)&q->nodes, &q->cap_nodes, q->n_nodes + 1, sizeof *q->nodes))
        return NG_ENOMEM;
    uint32_t t = (uint32_t)q->n_terms;
    q->term_off[t] = (uint32_t)q->term_bytes.len;
    q->term_len[t] = (uint32_t)n;
    if (ngi_buf_append_str(&q->term_bytes, s, n)) return NG_ENOMEM;
    q->n_terms++;
    ngi_qnode *nd = &q->nodes[q->n_nodes];
    memset(nd, 0, sizeof *nd);
    nd->kind = NGI_Q_TERM;
    nd->weight = w;
    nd->term = t;
    nd->child = nd->next = nd->last = NGI_QNONE;
    nd->since = INT32_MIN;
    nd->until = INT32_MAX;
    uint32_t ni = (uint32_t)q->n_nodes++;
    ngi_qnode *g = &q->nodes[q->root];
    if (g->last == NGI_QNONE)
        g->child = ni;
    else
        q->nodes[g->last].next = ni;
    g->last = ni;
    g->n++;
    return 0;
}

static int copy_buf(ngi_buf *dst, const ngi_buf *src) {
    return src->len ? ngi_buf_append(dst, src->data, src->len) : 0;
}

/* A deep copy of q (to add feedback terms to). */
static int clone_query(const ng_query *q, ng_query **out) {
    ng_query *c = ngi_calloc(1, sizeof *c);
    if (!c) return NG_ENOMEM;
    *c = *q;
    c->nodes = NULL;
    c->words = NULL;
    c->term_off = c->term_len = NULL;
    c->cap_nodes = c->cap_words = c->cap_terms = 0;
    ngi_buf_init(&c->term_bytes);
    ngi_buf_init(&c->prefixes);
    memset(&c->err, 0, sizeof c->err);
    *out = c;
    if (grow((void **)&c->nodes, &c->cap_nodes, q->n_nodes + 1, sizeof *c->nodes) ||
        grow((void **)&c->words, &c->cap_words, q->n_words + 1, sizeof *c->words))
        return NG_ENOMEM;
    size_t ct = 0;
    if (grow((void **)&c->term_off, &ct, q->n_terms + 1, sizeof *c->term_off) ||
        grow((void **)&c->term_len, &c->cap_terms, q->n_terms + 1, sizeof *c->term_len))
        return NG_ENOMEM;
    memcpy(c->nodes, q->nodes, q->n_nodes * sizeof *c->nodes);
    if (q->n_words) memcpy(c->words, q->words, q->n_words * sizeof *c->words);
    if (q->n_terms) {
        memcpy(c->term_off, q->term_off, q->n_terms * sizeof *c->term_off);
        memcpy(c->term_len, q->term_len, q->n_terms * sizeof *c->term_len);
    }
    if (copy_buf(&c->term_bytes, &q->term_bytes) || copy_buf(&c->prefixes, &q->prefixes))
        return NG_ENOMEM;
    return 0;
}

/* df and idf of every term in b, from a plan of a query made of them. */
static int bag_stats(const ngi_snapshot *snap, bag *b, uint64_t *n_docs) {
    ng_query *q = NULL;
    int rc = new_query(&q, snap);
    for (size_t i = 0; !rc && i < b->n; i++)
        rc = add_term(q, (const char *)b->bytes.data + b->t[i].off, b->t[i].len, 1);
    ngi_sctx c;
    ngi_error err;
    memset(&err, 0, sizeof err);
    if (!rc) { /* ngi_sctx_free also after a failed init (it may hold memory) */
        rc = ngi_sctx_init(&c, snap, q, snap->settings.k1, snap->settings.b, &err);
        for (size_t i = 0; !rc && i < b->n; i++) {
            b->t[i].df = c.df[i];
            b->t[i].idf = c.idf[i];
        }
        if (!rc) *n_docs = c.n_docs;
        ngi_sctx_free(&c);
    }
    ng_query_free(q);
    return rc;
}

static int by_weight_desc(const void *x, const void *y) {
    const bag_term *a = x, *b = y;
    if (a->w != b->w) return a->w < b->w ? 1 : -1;
    return a->off < b->off ? -1 : a->off > b->off;
}

static int make_analyzer(const ngi_snapshot *snap, ng_analyzer **a) {
    return ng_analyzer_create(a, snap->settings.language, snap->settings.analyzer_flags);
}

/* ---- RM3 ------------------------------------------------------------------ */

/* The feedback model: b->t[0..m) hold the terms by weight, normalised. */
static int rm3_model(ng_reader *reader, const ng_results *fb, bag *b, size_t *m,
                     size_t fb_terms) {
    const ngi_snapshot *snap = ngi_reader_snapshot(reader);
    ng_analyzer *a = NULL;
    int rc = make_analyzer(snap, &a);
    size_t n = ng_results_count(fb);
    /* one bag per document, then merged: weights by document */
    bag *docs = rc ? NULL : ngi_calloc(n ? n : 1, sizeof *docs);
    if (!rc && !docs) rc = NG_ENOMEM;
    for (size_t i = 0; !rc && i < n; i++) {
        const ng_hit *h = ng_results_hit(fb, i);
        ngi_buf_init(&docs[i].bytes);
        rc = bag_of_doc(reader, a, h->id, strlen(h->id), &docs[i]);
        for (size_t j = 0; !rc && j < docs[i].n; j++) {
            ng_token t;
            memset(&t, 0, sizeof t);
            t.term = (const char *)docs[i].bytes.data + docs[i].t[j].off;
            t.term_len = docs[i].t[j].len;
            rc = bag_add(b, &t);
        }
    }
    uint64_t n_docs = 0;
    if (!rc) rc = bag_stats(snap, b, &n_docs);
    for (size_t i = 0; !rc && i < n; i++) {
        bag *d = &docs[i];
        double total = 0;
        for (size_t j = 0; j < d->n; j++) { /* df of d's terms, via b */
            size_t h =
                hash_bytes((const char *)d->bytes.data + d->t[j].off, d->t[j].len) &
                (b->nslot - 1);
            for (; b->slot[h]; h = (h + 1) & (b->nslot - 1)) {
                bag_term *t = &b->t[b->slot[h] - 1];
                if (t->len == d->t[j].len &&
                    !memcmp(b->bytes.data + t->off, d->bytes.data + d->t[j].off,
                            t->len)) {
                    d->t[j].df = t->df;
                    d->t[j].w = (double)(t - b->t); /* its index in b */
                    break;
                }
            }
            if (d->t[j].df == 0 || (double)d->t[j].df > RM3_MAX_DF_RATIO * (double)n_docs)
                d->t[j].tf = 0;
            total += d->t[j].tf;
        }
        double score = ng_results_hit(fb, i)->score;
        for (size_t j = 0; total > 0 && j < d->n; j++)
            b->t[(size_t)d->t[j].w].w += d->t[j].tf / total * score;
    }
    if (!rc) {
        if (b->n) qsort(b->t, b->n, sizeof *b->t, by_weight_desc);
        *m = NGI_MIN(fb_terms, b->n);
        while (*m && b->t[*m - 1].w <= 0) (*m)--;
        double sum = 0;
        for (size_t i = 0; i < *m; i++) sum += b->t[i].w;
        for (size_t i = 0; i < *m; i++) b->t[i].w /= sum;
    }
    for (size_t i = 0; docs && i < n; i++) bag_free(&docs[i]);
    ngi_free(docs);
    ng_analyzer_free(a);
    return rc;
}

static int is_scored_leaf(const ngi_qnode *n) {
    return n->kind == NGI_Q_TERM || n->kind == NGI_Q_PHRASE || n->kind == NGI_Q_PREFIX;
}

/* q's leaves scaled to sum lambda, plus the model's terms at 1 - lambda. */
static int rm3_query(const ng_query *q, const bag *b, size_t m, double lambda,
                     ng_query **out) {
    int rc = clone_query(q, out);
    if (rc) return rc;
    ng_query *e = *out;
    double sum = 0;
    for (size_t i = 0; i < e->n_nodes; i++)
        if (is_scored_leaf(&e->nodes[i]) && e->nodes[i].occur != NGI_NOT)
            sum += e->nodes[i].weight;
    for (size_t i = 0; sum > 0 && i < e->n_nodes; i++)
        if (is_scored_leaf(&e->nodes[i])) e->nodes[i].weight *= lambda / sum;
    for (size_t i = 0; i < m && !rc; i++) {
        const char *s = (const char *)b->bytes.data + b->t[i].off;
        double w = (1 - lambda) * b->t[i].w;
        if (w <= 0) continue;
        int merged = 0; /* a bare query word of the root: add to it */
        for (uint32_t c = e->nodes[e->root].child; c != NGI_QNONE; c = e->nodes[c].next) {
            ngi_qnode *n = &e->nodes[c];
            if (n->kind == NGI_Q_TERM && n->occur != NGI_NOT &&
                n->field == NGI_FIELD_ANY && e->term_len[n->term] == b->t[i].len &&
                !memcmp(ngi_query_term(e, n->term), s, b->t[i].len)) {
                n->weight += w;
                merged = 1;
                break;
            }
        }
        if (!merged) rc = add_term(e, s, b->t[i].len, w);
    }
    return rc;
}

int ngi_search_expanded(ng_reader *reader, const ng_query *q, const ng_search_options *o,
                        ng_results **out) {
    ng_search_options fo = *o;
    fo.flags &= ~(unsigned)(NG_SEARCH_EXPAND | NG_SEARCH_FETCH | NG_SEARCH_SNIPPETS |
                            NG_SEARCH_EXPLAIN | NG_SEARCH_COUNT);
    fo.sort = NG_SORT_SCORE;
    fo.k = o->fb_docs;
    double lambda = o->fb_original_weight;
    if (!(lambda >= 0 && lambda <= 1)) return NG_EINVAL;
    ng_search_options so = *o;
    so.flags &= ~(unsigned)NG_SEARCH_EXPAND;
    if (o->fb_docs == 0 || o->fb_terms == 0) return ng_search(reader, q, &so, out);
    ng_results *fb = NULL;
    int rc = ng_search(reader, q, &fo, &fb);
    if (rc) {
        *out = fb; /* its message says why */
        return rc;
    }
    bag b;
    memset(&b, 0, sizeof b);
    ngi_buf_init(&b.bytes);
    size_t m = 0;
    ng_query *e = NULL;
    rc = rm3_model(reader, fb, &b, &m, o->fb_terms);
    if (!rc) rc = rm3_query(q, &b, m, lambda, &e);
    so.rank = NG_RANK_BM25; /* e is a bag of weighted terms: no word order to pair */
    if (!rc)
        rc = ng_search(reader, e, &so, out);
    else if (rc != NG_ENOMEM)
        rc = ngi_results_failed(out, rc,
                                "query expansion: cannot read the feedback documents");
    ng_query_free(e);
    bag_free(&b);
    ng_results_free(fb);
    return rc;
}

/* ---- related articles ------------------------------------------------------ */

static int mlt_query(const ngi_snapshot *snap, bag *b, ng_query **out) {
    for (size_t i = 0; i < b->n; i++) {
        bag_term *t = &b->t[i];
        t->w = t->df >= 2 ? t->tf * t->idf : 0; /* df 1: only this document */
    }
    if (b->n) qsort(b->t, b->n, sizeof *b->t, by_weight_desc);
    size_t m = NGI_MIN((size_t)MLT_TERMS, b->n);
    while (m && b->t[m - 1].w <= 0) m--;
    int rc = new_query(out, snap);
    for (size_t i = 0; !rc && i < m; i++)
        rc = add_term(*out, (const char *)b->bytes.data + b->t[i].off, b->t[i].len,
                      b->t[i].w / b->t[0].w);
    return rc;
}

/* Whether hit h is the article (id) itself, or a copy of it: a document
 * whose signature estimates Jaccard >= NGI_SIG_THRESHOLD with own's (the
 * same story syndicated, which is not a related article). */
static int is_self_or_copy(const ngi_snapshot *snap, const char *id, size_t id_len,
                           const uint8_t *own, const ng_hit *h, bool *drop,
                           ngi_error *err) {
    size_t len = strlen(h->id), seg;
    uint32_t doc;
    *drop = len == id_len && memcmp(h->id, id, id_len) == 0;
    if (*drop || !own) return 0;
    int rc = ngi_snapshot_find_live(snap, h->id, len, &seg, &doc, err);
    if (rc) return rc == NG_ENOTFOUND ? 0 : rc; /* replaced or deleted since */
    const uint8_t *sig = NULL;
    rc = ngi_segment_signature(snap->segs[seg], doc, &sig, err);
    if (!rc)
        *drop =
            sig && ngi_sig_matches(own, sig) >= ngi_sig_min_matches(NGI_SIG_THRESHOLD);
    return rc;
}

static int drop_self_and_copies(const ngi_snapshot *snap, const char *id, size_t id_len,
                                ng_results *r, ngi_error *err) {
    size_t seg;
    uint32_t doc;
    const uint8_t *own = NULL; /* NULL: not signed, so only itself is dropped */
    int rc = ngi_snapshot_find_live(snap, id, id_len, &seg, &doc, err);
    if (!rc) rc = ngi_segment_signature(snap->segs[seg], doc, &own, err);
    if (rc && rc != NG_ENOTFOUND) return rc;
    for (size_t i = 0; i < ng_results_count(r);) {
        bool drop;
        rc = is_self_or_copy(snap, id, id_len, own, ng_results_hit(r, i), &drop, err);
        if (rc) return rc;
        if (drop)
            ngi_results_drop_hit(r, i);
        else
            i++;
    }
    return 0;
}

/* Searches q for k hits that are neither the article nor its copies:
 * a few more are asked for, and four times as many again while the copies
 * dropped leave fewer than k of a full list. */
static int related_search(ng_reader *reader, const ngi_snapshot *snap, const ng_query *q,
                          ng_search_options *o, const char *id, size_t id_len, size_t k,
                          ng_results **out) {
    for (size_t want = k + 5;; want *= 4) {
        o->k = want;
        int rc = ng_search(reader, q, o, out);
        if (rc) return rc;
        size_t got = ng_results_count(*out);
        ngi_error err;
        memset(&err, 0, sizeof err);
        rc = drop_self_and_copies(snap, id, id_len, *out, &err);
        if (rc) {
            ng_results_free(*out);
            *out = NULL;
            return rc == NG_ENOMEM ? rc
                                   : ngi_results_failed(out, rc, ngi_error_message(&err));
        }
        if (ng_results_count(*out) >= k || got < want || want > SIZE_MAX / 8) {
            ngi_results_truncate(*out, k);
            return 0;
        }
        ng_results_free(*out);
        *out = NULL;
    }
}

int ng_related(ng_reader *reader, const char *id, size_t id_len,
               const ng_search_options *opts, ng_results **out) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    const ngi_snapshot *snap = reader ? ngi_reader_snapshot(reader) : NULL;
    if (!snap || !id) return NG_EINVAL;
    ng_search_options o;
    ng_search_options_init(&o);
    if (opts) o = *opts;
    /* NG_SEARCH_COLLAPSE too: dropping the document itself below would
     * shift the hits under their "similar" lists */
    o.flags &= ~(unsigned)(NG_SEARCH_EXPAND | NG_SEARCH_COLLAPSE);
    o.rank = NG_RANK_BM25; /* a bag of weighted terms: no word order to pair */
    size_t k = o.k;
    bag b;
    memset(&b, 0, sizeof b);
    ngi_buf_init(&b.bytes);
    ng_analyzer *a = NULL;
    ng_query *q = NULL;
    uint64_t n_docs = 0;
    int rc = make_analyzer(snap, &a);
    if (!rc) {
        rc = bag_of_doc(reader, a, id, id_len, &b);
        if (rc == NG_ENOTFOUND) {
            char msg[200];
            snprintf(msg, sizeof msg, "no document with id '%.*s'",
                     (int)NGI_MIN(id_len, (size_t)120), id);
            rc = ngi_results_failed(out, rc, msg);
        }
    }
    if (!rc) rc = bag_stats(snap, &b, &n_docs);
    if (!rc) rc = mlt_query(snap, &b, &q);
    if (!rc) rc = related_search(reader, snap, q, &o, id, id_len, k, out);
    if (rc && rc != NG_ENOMEM && !*out) /* ng_search's rule: say why */
        rc = ngi_results_failed(out, rc, ng_reader_errmsg(reader));
    ng_query_free(q);
    ng_analyzer_free(a);
    bag_free(&b);
    return rc;
}
