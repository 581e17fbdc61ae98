/*
 * results.c — the public search entry point and its results: options,
 * ng_search (plan, run, sort), external ids, stored fields, snippets and
 * the --explain breakdown of each hit.
 */
#include <stdio.h>
#include <string.h>

#include "collapse.h"
#include "common/date.h"
#include "feedback.h"
#include "proximity.h"
#include "search.h"

struct ng_results {
    ngi_error err; /* failure detail */
    ng_hit *hits;  /* n hits, best first */
    size_t n;
    int64_t total;        /* exact matches, or -1 */
    char *ids;            /* the hits' external ids, back to back */
    ngi_stored_doc *docs; /* NG_SEARCH_FETCH: stored fields per hit */
    ngi_buf owned;        /* void* of snippet / span / explain blocks */
    char warning[256];    /* "" or ng_results_warning's note */
    /* NG_SEARCH_COLLAPSE: the hits folded away, else NULL */
    ngi_collapse *collapse;
};

void ng_search_options_init(ng_search_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->k = 10;
    o->k1 = -1.0;
    o->b = -1.0;
    o->sort = NG_SORT_SCORE;
    o->flags = NG_SEARCH_DEFAULT;
    o->snippet_bytes = 200;
    o->fb_docs = 10;
    o->fb_terms = 10;
    o->fb_original_weight = 0.5;
}

void ng_results_free(ng_results *r) {
    if (!r) return;
    if (r->docs)
        for (size_t i = 0; i < r->n; i++) ngi_stored_doc_free(&r->docs[i]);
    ngi_free(r->docs);
    void **v = (void **)r->owned.data;
    for (size_t i = 0; i < r->owned.len / sizeof *v; i++) ngi_free(v[i]);
    ngi_buf_free(&r->owned);
    ngi_free(r->ids);
    ngi_free(r->hits);
    ngi_collapse_free(r->collapse);
    ngi_free(r);
}

const char *ng_results_errmsg(const ng_results *r) {
    return r ? ngi_error_message(&r->err) : ng_strerror(NG_EINVAL);
}

size_t ng_results_count(const ng_results *r) {
    return r ? r->n : 0;
}

const char *ng_results_warning(const ng_results *r) {
    return r && r->warning[0] ? r->warning : NULL;
}

int64_t ng_results_total(const ng_results *r) {
    return r ? r->total : -1;
}

const ng_hit *ng_results_hit(const ng_results *r, size_t i) {
    return r && i < r->n ? &r->hits[i] : NULL;
}

size_t ng_results_similar(const ng_results *r, size_t i, const char *const **ids) {
    static const char *const none[1] = {NULL};
    if (!r || i >= r->n) {
        if (ids) *ids = none;
        return 0;
    }
    const char *const *v;
    size_t n = ngi_collapse_similar(r->collapse, i, &v);
    if (ids) *ids = v;
    return n;
}

/* Keeps a heap block alive as long as the results. */
static void *own(ng_results *r, void *p) {
    if (p && ngi_buf_append(&r->owned, &p, sizeof p)) {
        ngi_free(p);
        return NULL;
    }
    return p;
}

/* ---- ids and stored fields -------------------------------------------------- */

/* Each id is read once (the first pass checks it; the heap may have
 * kept it from a tie, but read without reporting damage). */
static int resolve_ids(ng_results *r, const ngi_snapshot *snap, ngi_topk *h) {
    size_t total = 0;
    for (size_t i = 0; i < h->n; i++) {
        ngi_hitent *e = &h->e[i];
        int rc =
            ngi_segment_doc_id(snap->segs[e->seg], e->local, &e->id, &e->id_len, &r->err);
        if (rc) return rc;
        total += e->id_len + 1;
    }
    if (!(r->ids = ngi_malloc(total ? total : 1)))
        return ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    char *p = r->ids;
    for (size_t i = 0; i < h->n; i++) {
        memcpy(p, h->e[i].id, h->e[i].id_len);
        p[h->e[i].id_len] = '\0';
        r->hits[i].id = p;
        r->hits[i].score = h->e[i].score;
        p += h->e[i].id_len + 1;
    }
    return 0;
}

static const ng_field *by_role(const ngi_stored_doc *d, int role) {
    for (size_t i = 0; i < d->n_fields; i++)
        if (d->fields[i].role == role) return &d->fields[i];
    return NULL;
}

static int fetch_docs(ng_results *r, const ngi_snapshot *snap, const ngi_topk *h) {
    if (!(r->docs = ngi_calloc(h->n ? h->n : 1, sizeof *r->docs)))
        return ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < h->n; i++) ngi_stored_doc_init(&r->docs[i]);
    ngi_docstore_scratch *scratch;
    if (ngi_docstore_scratch_create(&scratch))
        return ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < h->n; i++) {
        int rc = ngi_segment_fetch(snap->segs[h->e[i].seg], scratch, h->e[i].local,
                                   &r->docs[i], &r->err);
        if (rc) {
            ngi_docstore_scratch_free(scratch);
            return rc;
        }
        const ng_field *f;
        if ((f = by_role(&r->docs[i], NG_FIELD_TITLE))) r->hits[i].title = f->value;
        if ((f = by_role(&r->docs[i], NG_FIELD_DATE))) r->hits[i].date = f->value;
        if ((f = by_role(&r->docs[i], NG_FIELD_SOURCE))) r->hits[i].source = f->value;
    }
    ngi_docstore_scratch_free(scratch);
    return 0;
}

/* ---- snippets ---------------------------------------------------------------- */

static int make_snippets(ng_results *r, const ng_query *q, const ngi_snapshot *snap,
                         size_t target) {
    ng_analyzer *a = NULL;
    const char *lang = q->language[0] ? q->language : snap->settings.language;
    unsigned af = q->language[0] ? q->analyzer_flags : snap->settings.analyzer_flags;
    int rc = ng_analyzer_create(&a, lang, af);
    if (rc) return ngi_error_set(&r->err, rc, "snippet analyzer: %s", ng_strerror(rc));
    ngi_buf text = NGI_BUF_INIT, spans = NGI_BUF_INIT;
    for (size_t i = 0; i < r->n && !rc; i++) {
        const ng_field *f = by_role(&r->docs[i], NG_FIELD_BODY);
        if (!f || !f->value_len) f = by_role(&r->docs[i], NG_FIELD_TITLE);
        ngi_buf_reset(&text);
        ngi_buf_reset(&spans);
        rc = ngi_snippet_build(a, q, f ? f->value : "", f ? f->value_len : 0, target,
                               &text, &spans);
        if (!rc && ngi_buf_append_u8(&text, 0)) rc = NG_ENOMEM;
        if (rc) break;
        size_t n_spans = spans.len / sizeof(ng_span);
        char *s = own(r, ngi_buf_steal(&text));
        ng_span *sp = n_spans ? own(r, ngi_buf_steal(&spans)) : NULL;
        if (!s || (n_spans && !sp)) rc = NG_ENOMEM;
        r->hits[i].snippet = s;
        r->hits[i].highlights = sp;
        r->hits[i].n_highlights = sp ? n_spans : 0;
    }
    ngi_buf_free(&text);
    ngi_buf_free(&spans);
    ng_analyzer_free(a);
    if (rc) return ngi_error_set(&r->err, rc, "snippets: %s", ng_strerror(rc));
    return 0;
}

/* ---- explain -------------------------------------------------------------------- */

static void describe(const ng_query *q, const ngi_qnode *n, ngi_buf *o) {
    static const char *fld[] = {"", "title:", "body:"};
    if (n->kind == NGI_Q_TERM) {
        ngi_buf_printf(o, "term %s%s", fld[n->field], ngi_query_term(q, n->term));
        return;
    }
    if (n->kind == NGI_Q_PREFIX) { /* tf: all its terms; idf: blended */
        ngi_buf_printf(o, "prefix %s%.*s*", fld[n->field], (int)n->n,
                       ngi_query_prefix(q, n));
        return;
    }
    ngi_buf_printf(o, "phrase %s\"", fld[n->field]);
    for (uint32_t i = 0; i < n->n; i++)
        ngi_buf_printf(o, "%s%s", i ? " " : "",
                       ngi_query_term(q, q->words[n->first + i].term));
    ngi_buf_printf(o, "\"");
    if (n->slop) ngi_buf_printf(o, "~%u", n->slop);
}

static void explain_it(ngi_sctx *c, ngi_it *it, uint32_t d, int depth, ngi_buf *o) {
    int ind = 2 * depth;
    if (it->kind == NGI_Q_DATE) {
        ngi_buf_printf(o, "%*sdate filter: matches (no score)\n", ind, "");
        return;
    }
    if (it->kind != NGI_Q_GROUP) { /* term, prefix, phrase */
        uint32_t dl = ngi_segment_doc_len(c->seg, d);
        double K = ngi_sctx_norm(c, d);
        ngi_buf_printf(o, "%*s", ind, "");
        describe(c->q, it->node, o);
        ngi_buf_printf(o,
                       ": tf=%u idf=%.6f qtf=%g dl=%u avgdl=%.4f "
                       "norm=k1*(1-b+b*dl/avgdl)=%.6f score=%.6f\n",
                       ngi_it_tf(it), it->idf, it->node->weight, dl, c->avgdl, K,
                       ngi_it_score(it));
        return;
    }
    ngi_buf_printf(o, "%*sgroup: %.6f = sum of\n", ind, "", ngi_it_score(it));
    const ngi_it_group *g = &it->grp;
    for (uint32_t i = 0; i < g->n_must; i++) explain_it(c, g->must[i], d, depth + 1, o);
    for (uint32_t i = 0; i < g->n_should; i++) {
        ngi_it_advance(g->should[i], d);
        if (g->should[i]->doc == d) explain_it(c, g->should[i], d, depth + 1, o);
    }
    if (g->n_not)
        ngi_buf_printf(o, "%*s(%u excluded clause(s) absent)\n", ind + 2, "", g->n_not);
}

static int explain_hits(ng_results *r, ngi_sctx *c, const ngi_topk *h) {
    ngi_buf o = NGI_BUF_INIT;
    for (size_t i = 0; i < h->n; i++) {
        ngi_it *root;
        int rc = ngi_sctx_build(c, h->e[i].seg, &root);
        if (rc) return rc;
        ngi_buf_reset(&o);
        uint32_t d = h->e[i].local;
        ngi_buf_printf(&o, "score=%.6f (BM25%s k1=%.3f b=%.3f N=%llu avgdl=%.4f)\n",
                       h->e[i].score, c->prox ? " + proximity" : "", c->k1, c->b,
                       (unsigned long long)c->n_docs, c->avgdl);
        if (root) ngi_it_advance(root, d);
        if (root && root->doc == d) explain_it(c, root, d, 1, &o);
        if (root && root->doc == d) ngi_prox_explain(c, d, 2, &o);
        if (ngi_buf_append_u8(&o, 0)) break;
        r->hits[i].explain = own(r, ngi_buf_steal(&o));
        if (!r->hits[i].explain) break;
    }
    ngi_buf_free(&o);
    for (size_t i = 0; i < h->n; i++)
        if (!r->hits[i].explain)
            return ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    return c->err;
}

/* ---- ng_search ------------------------------------------------------------------ */

static int parse_opt_date(ng_results *r, const char *s, int32_t dflt, const char *what,
                          int32_t *out) {
    ng_date d;
    *out = dflt;
    if (!s) return 0;
    if (ngi_date_bound(s, strlen(s), dflt == INT32_MAX, out, &d))
        return ngi_error_set(&r->err, NG_EINVAL, "%s: invalid date '%s': %s", what, s,
                             d.error);
    return 0;
}

static int plan_search(ng_results *r, const ng_search_options *o,
                       const ngi_snapshot *snap, ngi_search_plan *p, double *k1,
                       double *b) {
    memset(p, 0, sizeof *p);
    p->exhaustive = (o->flags & NG_SEARCH_EXHAUSTIVE) != 0;
    p->count = (o->flags & NG_SEARCH_COUNT) != 0;
    *k1 = o->k1 < 0 ? snap->settings.k1 : o->k1;
    *b = o->b < 0 ? snap->settings.b : o->b;
    if (!(*k1 >= 0 && *k1 < 1e6) || !(*b >= 0 && *b <= 1))
        return ngi_error_set(&r->err, NG_EINVAL, "BM25 needs k1 >= 0 and 0 <= b <= 1");
    if (o->rank != NG_RANK_PROXIMITY && o->rank != NG_RANK_BM25)
        return ngi_error_set(&r->err, NG_EINVAL, "rank: %d is not an ng_rank", o->rank);
    if (!(o->prox_weight < 1e6) || o->prox_window > 1000000)
        return ngi_error_set(&r->err, NG_EINVAL,
                             "proximity needs prox_weight < 1e6 and prox_window <= 1e6");
    int rc = parse_opt_date(r, o->since, INT32_MIN, "since", &p->since);
    return rc ? rc : parse_opt_date(r, o->until, INT32_MAX, "until", &p->until);
}

static int run(ng_results *r, const ngi_snapshot *snap, const ng_query *q,
               const ng_search_options *o) {
    ngi_search_plan p;
    double k1, b;
    int rc = plan_search(r, o, snap, &p, &k1, &b);
    if (rc) return rc;
    ngi_sctx c;
    ngi_topk h = {.k = NGI_MIN(o->k, (size_t)snap->max_doc),
                  .by_date = o->sort == NG_SORT_DATE,
                  .snap = snap};
    if (!(rc = ngi_sctx_init_with(&c, snap, q, k1, b, o->stats, NULL, &r->err)))
        ngi_sctx_add_unseen(&c, o->unseen_docs, o->unseen_tokens);
    if (!rc && o->rank == NG_RANK_PROXIMITY) {
        c.prox_weight = o->prox_weight > 0 ? o->prox_weight : NGI_PROX_WEIGHT;
        c.prox_window = o->prox_window ? o->prox_window : NGI_PROX_WINDOW;
    }
    if (!rc && !(h.e = ngi_calloc(h.k ? h.k : 1, sizeof *h.e)))
        rc = ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    uint64_t total = 0;
    if (!rc)
        rc = o->flags & NG_SEARCH_COLLAPSE
                 ? ngi_collapse_search(&c, &p, &h, o->k, &total, &r->collapse)
                 : ngi_search_run(&c, &p, &h, &total);
    snprintf(r->warning, sizeof r->warning, "%s", q->warning[0] ? q->warning : c.warning);
    if (!rc) {
        r->total = p.count ? (int64_t)total : -1;
        /* ngi_collapse_search leaves its hits sorted (not a heap): sorting
         * is a heap sort now, which only a heap may go through. */
        if (!(o->flags & NG_SEARCH_COLLAPSE)) ngi_topk_sort(&h);
        r->n = h.n;
        if (!(r->hits = ngi_calloc(h.n ? h.n : 1, sizeof *r->hits)))
            rc = ngi_error_set(&r->err, NG_ENOMEM, "out of memory");
    }
    if (!rc) rc = resolve_ids(r, snap, &h);
    if (!rc && r->collapse) rc = ngi_collapse_resolve(r->collapse, snap, &r->err);
    unsigned f = o->flags;
    if (!rc && (f & (NG_SEARCH_FETCH | NG_SEARCH_SNIPPETS))) rc = fetch_docs(r, snap, &h);
    if (!rc && (f & NG_SEARCH_SNIPPETS))
        rc = make_snippets(r, q, snap, o->snippet_bytes ? o->snippet_bytes : 200);
    if (!rc && (f & NG_SEARCH_EXPLAIN)) rc = explain_hits(r, &c, &h);
    if (rc && !r->err.code) ngi_error_set(&r->err, rc, "%s", ng_strerror(rc));
    ngi_free(h.e);
    ngi_sctx_free(&c);
    return rc;
}

/* The reader gives the analyzer settings only: the query is planned
 * against a snapshot at each ng_search (ng_query_parse_for needs none). */
int ng_query_parse(ng_query **out, ng_reader *reader, const char *text, size_t len,
                   unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    const ngi_snapshot *snap = reader ? ngi_reader_snapshot(reader) : NULL;
    if (!snap) return NG_EINVAL; /* also a failed reader handle */
    return ng_query_parse_for(out, snap->settings.language, snap->settings.analyzer_flags,
                              text, len, flags);
}

int ng_search(ng_reader *reader, const ng_query *query, const ng_search_options *opts,
              ng_results **out) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!reader || !query || query->err.code) return NG_EINVAL;
    ng_search_options o;
    ng_search_options_init(&o);
    if (opts) o = *opts;
    if (o.flags & NG_SEARCH_EXPAND) return ngi_search_expanded(reader, query, &o, out);
    ng_results *r = ngi_calloc(1, sizeof *r);
    if (!r) return NG_ENOMEM;
    ngi_buf_init(&r->owned);
    r->total = -1;
    const ngi_snapshot *snap = ngi_reader_snapshot(reader);
    if (!snap) {
        ng_results_free(r);
        return NG_EINVAL;
    }
    int rc = run(r, snap, query, &o);
    if (rc == NG_ENOMEM || rc == NG_EINVAL) {
        ng_results_free(r);
        return rc;
    }
    *out = r;
    return rc;
}

/* Drops the hit with this external id (ng_related's own document) and
 * keeps at most k. */
void ngi_results_drop_hit(ng_results *r, size_t i) {
    if (i >= r->n) return;
    if (r->docs) {
        ngi_stored_doc_free(&r->docs[i]);
        memmove(&r->docs[i], &r->docs[i + 1], (r->n - i - 1) * sizeof *r->docs);
    }
    memmove(&r->hits[i], &r->hits[i + 1], (r->n - i - 1) * sizeof *r->hits);
    r->n--;
    if (r->total > 0) r->total--;
}

void ngi_results_truncate(ng_results *r, size_t k) {
    while (r->n > k) {
        if (r->docs) ngi_stored_doc_free(&r->docs[r->n - 1]);
        r->n--;
    }
}

/* A failed results handle carrying err (ng_related's NG_ENOTFOUND). */
int ngi_results_failed(ng_results **out, int code, const char *msg) {
    ng_results *r = ngi_calloc(1, sizeof *r);
    if (!r) return NG_ENOMEM;
    ngi_buf_init(&r->owned);
    r->total = -1;
    ngi_error_set(&r->err, code, "%s", msg);
    *out = r;
    return code;
}
