/*
 * tree.c — building the query tree: nodes, the term table, analysis of
 * words into terms and phrases, prefix leaves, normalisation (flattening,
 * merging repeated leaves), ngi_query_dump and the query's accessors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "parse.h"

int ngi_perr(parser *p, int code, size_t off, const char *fmt, ...) {
    if (p->q->err.code) return p->q->err.code; /* keep the first error */
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->q->err_offset = off;
    return ngi_error_set(&p->q->err, code, "%s at position %zu", msg, off);
}

/* ---- nodes and terms ----------------------------------------------------- */

int ngi_new_node(parser *p, int kind, size_t off, uint32_t *out) {
    ng_query *q = p->q;
    if (q->n_nodes == q->cap_nodes) {
        size_t cap = q->cap_nodes ? q->cap_nodes * 2 : 16;
        ngi_qnode *n = ngi_realloc(q->nodes, cap * sizeof *n);
        if (!n) return ngi_perr(p, NG_ENOMEM, off, "out of memory");
        q->nodes = n;
        q->cap_nodes = cap;
    }
    ngi_qnode *n = &q->nodes[q->n_nodes];
    memset(n, 0, sizeof *n);
    n->kind = (uint8_t)kind;
    n->weight = 1;
    n->child = n->next = n->last = NGI_QNONE;
    n->since = INT32_MIN;
    n->until = INT32_MAX;
    n->offset = (uint32_t)off;
    *out = (uint32_t)q->n_nodes++;
    return 0;
}

void ngi_add_child(ng_query *q, uint32_t g, uint32_t c, int occur) {
    ngi_qnode *gn = &q->nodes[g];
    q->nodes[c].occur = (uint8_t)occur;
    q->nodes[c].next = NGI_QNONE;
    if (gn->last == NGI_QNONE)
        gn->child = c;
    else
        q->nodes[gn->last].next = c;
    gn->last = c;
    gn->n++;
}

/* Interns a term string; returns its index. */
static int intern(parser *p, const char *s, size_t n, uint32_t *out) {
    ng_query *q = p->q;
    for (size_t i = 0; i < q->n_terms; i++)
        if (q->term_len[i] == n && !memcmp(ngi_query_term(q, (uint32_t)i), s, n)) {
            *out = (uint32_t)i;
            return 0;
        }
    if (q->n_terms == q->cap_terms) {
        size_t cap = q->cap_terms ? q->cap_terms * 2 : 16;
        uint32_t *o = ngi_realloc(q->term_off, cap * sizeof *o);
        if (!o) return ngi_perr(p, NG_ENOMEM, 0, "out of memory");
        q->term_off = o;
        uint32_t *l = ngi_realloc(q->term_len, cap * sizeof *l);
        if (!l) return ngi_perr(p, NG_ENOMEM, 0, "out of memory");
        q->term_len = l;
        q->cap_terms = cap;
    }
    q->term_off[q->n_terms] = (uint32_t)q->term_bytes.len;
    q->term_len[q->n_terms] = (uint32_t)n;
    if (ngi_buf_append_str(&q->term_bytes, s, n))
        return ngi_perr(p, NG_ENOMEM, 0, "out of memory");
    *out = (uint32_t)q->n_terms++;
    return 0;
}

static int add_word(parser *p, uint32_t term, uint32_t rel) {
    ng_query *q = p->q;
    if (q->n_words == q->cap_words) {
        size_t cap = q->cap_words ? q->cap_words * 2 : 16;
        ngi_qword *w = ngi_realloc(q->words, cap * sizeof *w);
        if (!w) return ngi_perr(p, NG_ENOMEM, 0, "out of memory");
        q->words = w;
        q->cap_words = cap;
    }
    q->words[q->n_words].term = term;
    q->words[q->n_words].rel = rel;
    q->n_words++;
    return 0;
}

/* ---- analysis ------------------------------------------------------------ */

static const atok *tok_at(parser *p, size_t i) {
    return (const atok *)p->toks.data + i;
}

static int collect_tok(void *ctx, const ng_token *t) {
    parser *p = ctx;
    atok a = {(uint32_t)p->tbytes.len, (uint32_t)t->term_len, t->position, t->start};
    if (ngi_buf_append(&p->tbytes, t->term, t->term_len) ||
        ngi_buf_append(&p->toks, &a, sizeof a))
        return NG_ENOMEM;
    return 0;
}

int ngi_analyse(parser *p, ng_analyzer *a, const char *s, size_t n, size_t off,
                size_t *count) {
    ngi_buf_reset(&p->toks);
    ngi_buf_reset(&p->tbytes);
    int rc = ng_analyzer_tokenize(a, s, n, 0, collect_tok, p);
    if (rc) return ngi_perr(p, rc < 0 ? rc : NG_ENOMEM, off, "cannot analyse");
    *count = p->toks.len / sizeof(atok);
    if (*count == 0 && n && a == p->a) p->stopwords++;
    p->q->n_leaf_words += *count;
    if (p->q->n_leaf_words > NG_MAX_QUERY_TERMS) /* point at the first term too many */
        return ngi_perr(
            p, NG_ELIMIT,
            off + tok_at(p, *count - (p->q->n_leaf_words - NG_MAX_QUERY_TERMS))->start,
            "query has more than %d terms (NG_MAX_QUERY_TERMS)", NG_MAX_QUERY_TERMS);
    return 0;
}

int ngi_leaf_from_tokens(parser *p, size_t n, long slop, int field, size_t off,
                         uint32_t *out) {
    if (n == 0) return ngi_new_node(p, NGI_Q_EMPTY, off, out);
    int rc = ngi_new_node(p, n == 1 ? NGI_Q_TERM : NGI_Q_PHRASE, off, out);
    if (rc) return rc;
    uint32_t first_pos = tok_at(p, 0)->pos;
    uint32_t first_word = (uint32_t)p->q->n_words;
    for (size_t i = 0; i < n; i++) {
        const atok *t = tok_at(p, i);
        uint32_t id;
        rc = intern(p, (const char *)p->tbytes.data + t->off, t->len, &id);
        if (rc) return rc;
        if (n == 1) {
            p->q->nodes[*out].term = id;
            break;
        }
        if ((rc = add_word(p, id, t->pos - first_pos))) return rc;
    }
    ngi_qnode *nd = &p->q->nodes[*out];
    nd->field = (uint8_t)field;
    nd->first = first_word;
    if (n > 1) nd->n = (uint32_t)n;
    nd->slop = slop > 0 ? (uint32_t)slop : 0;
    return 0;
}

int ngi_add_token_term(parser *p, size_t i, uint32_t g, size_t off, int occur) {
    const atok *t = tok_at(p, i);
    uint32_t id, leaf;
    int rc = intern(p, (const char *)p->tbytes.data + t->off, t->len, &id);
    if (!rc) rc = ngi_new_node(p, NGI_Q_TERM, off, &leaf);
    if (rc) return rc;
    p->q->nodes[leaf].term = id;
    ngi_add_child(p->q, g, leaf, occur);
    return 0;
}

/* The word is folded (not stemmed: a stem is not a prefix of the words it
 * comes from) and kept as text; ng_search expands it in each snapshot. */
int ngi_prefix_leaf(parser *p, const char *s, size_t n, int field, size_t off,
                    uint32_t *out) {
    while (n && s[n - 1] == '*') n--;
    size_t count;
    int rc = 0;
    if (!p->fold &&
        (rc = ng_analyzer_create(&p->fold_owned, p->a->language,
                                 p->a->flags | NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP)))
        return ngi_perr(p, rc, off, "prefix analyzer: %s", ng_strerror(rc));
    if (!p->fold) p->fold = p->fold_owned;
    rc = ngi_analyse(p, p->fold, s, n, off, &count);
    if (rc) return rc;
    if (count == 0) return ngi_new_node(p, NGI_Q_EMPTY, off, out);
    if (count > 1) return ngi_perr(p, NG_EQUERY, off, "a prefix* must be a single word");
    const atok *t = tok_at(p, 0);
    uint32_t at = (uint32_t)p->q->prefixes.len;
    if (ngi_buf_append_str(&p->q->prefixes, (const char *)p->tbytes.data + t->off,
                           t->len))
        return ngi_perr(p, NG_ENOMEM, off, "out of memory");
    if ((rc = ngi_new_node(p, NGI_Q_PREFIX, off, out))) return rc;
    ngi_qnode *nd = &p->q->nodes[*out];
    nd->first = at;
    nd->n = t->len;
    nd->field = (uint8_t)field;
    p->q->n_prefix_nodes++;
    return 0;
}

/* ---- normalisation ------------------------------------------------------ */

static int same_leaf(const ng_query *q, const ngi_qnode *a, const ngi_qnode *b) {
    if (a->kind != b->kind || a->occur != b->occur || a->field != b->field) return 0;
    if (a->kind == NGI_Q_TERM) return a->term == b->term;
    if (a->kind == NGI_Q_PREFIX)
        return a->n == b->n &&
               !memcmp(ngi_query_prefix(q, a), ngi_query_prefix(q, b), a->n);
    if (a->kind != NGI_Q_PHRASE || a->n != b->n || a->slop != b->slop) return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (q->words[a->first + i].term != q->words[b->first + i].term ||
            q->words[a->first + i].rel != q->words[b->first + i].rel)
            return 0;
    return 1;
}

/* Rebuilds g's child list from v[0..n). */
static void set_children(ng_query *q, uint32_t g, const uint32_t *v, size_t n) {
    ngi_qnode *gn = &q->nodes[g];
    gn->child = gn->last = NGI_QNONE;
    gn->n = 0;
    for (size_t i = 0; i < n; i++) ngi_add_child(q, g, v[i], q->nodes[v[i]].occur);
}

static int child_flattens(const ng_query *q, const ngi_qnode *c) {
    if (c->kind != NGI_Q_GROUP) return 0;
    int has[3] = {0, 0, 0};
    for (uint32_t k = c->child; k != NGI_QNONE; k = q->nodes[k].next)
        has[q->nodes[k].occur] = 1;
    if (c->occur == NGI_SHOULD) return !has[NGI_MUST] && !has[NGI_NOT];
    if (c->occur == NGI_MUST) return !has[NGI_SHOULD];
    return !has[NGI_MUST] && !has[NGI_NOT];
}

/* Occur of a grandchild lifted into the parent. */
static int lifted_occur(int parent_occur, int own) {
    if (parent_occur == NGI_NOT) return NGI_NOT;
    return own;
}

static int norm_group(parser *p, uint32_t g);

/* Collects g's normalised children into v (flattening and dropping). */
static int norm_collect(parser *p, uint32_t g, ngi_buf *v) {
    ng_query *q = p->q;
    for (uint32_t c = q->nodes[g].child; c != NGI_QNONE;) {
        uint32_t next = q->nodes[c].next;
        int rc = q->nodes[c].kind == NGI_Q_GROUP ? norm_group(p, c) : 0;
        if (rc) return rc;
        ngi_qnode *cn = &q->nodes[c];
        if (cn->kind == NGI_Q_EMPTY) {
            /* a stopword: neutral everywhere */
        } else if (child_flattens(q, cn) || (cn->kind == NGI_Q_GROUP && cn->n == 1)) {
            for (uint32_t k = cn->child; k != NGI_QNONE; k = q->nodes[k].next) {
                q->nodes[k].occur =
                    (uint8_t)(cn->n == 1 ? cn->occur
                                         : lifted_occur(cn->occur, q->nodes[k].occur));
                if (ngi_buf_append(v, &k, sizeof k)) return NG_ENOMEM;
            }
        } else if (ngi_buf_append(v, &c, sizeof c))
            return NG_ENOMEM;
        c = next;
    }
    return 0;
}

/* Merges repeated identical leaves into one with a larger weight. */
static size_t merge_dups(ng_query *q, uint32_t *v, size_t n) {
    size_t m = 0;
    for (size_t i = 0; i < n; i++) {
        ngi_qnode *a = &q->nodes[v[i]];
        size_t j = 0;
        while (j < m && !same_leaf(q, &q->nodes[v[j]], a)) j++;
        if (j < m) {
            if (a->occur != NGI_NOT) q->nodes[v[j]].weight += a->weight;
        } else
            v[m++] = v[i];
    }
    return m;
}

static int norm_group(parser *p, uint32_t g) {
    ng_query *q = p->q;
    ngi_buf v = NGI_BUF_INIT;
    int rc = norm_collect(p, g, &v);
    if (rc) {
        ngi_buf_free(&v);
        return ngi_perr(p, rc, 0, "out of memory");
    }
    size_t n = merge_dups(q, (uint32_t *)v.data, v.len / sizeof(uint32_t));
    set_children(q, g, (const uint32_t *)v.data, n);
    ngi_buf_free(&v);
    int positive = 0;
    for (uint32_t c = q->nodes[g].child; c != NGI_QNONE; c = q->nodes[c].next)
        positive |= q->nodes[c].occur != NGI_NOT;
    if (!positive) q->nodes[g].kind = NGI_Q_EMPTY;
    return 0;
}

int ngi_normalise(parser *p, uint32_t root) {
    ng_query *q = p->q;
    int rc = norm_group(p, root);
    if (rc) return rc;
    /* Unwrap a root holding one positive group. */
    while (q->nodes[root].kind == NGI_Q_GROUP && q->nodes[root].n == 1) {
        uint32_t c = q->nodes[root].child;
        if (q->nodes[c].kind != NGI_Q_GROUP || q->nodes[c].occur == NGI_NOT) break;
        root = c;
    }
    if (q->nodes[root].kind != NGI_Q_GROUP) {
        /* EMPTY root: an empty group matches nothing. */
        q->nodes[root].kind = NGI_Q_GROUP;
        q->nodes[root].child = q->nodes[root].last = NGI_QNONE;
        q->nodes[root].n = 0;
    }
    q->nodes[root].occur = NGI_SHOULD;
    q->root = root;
    if (q->nodes[root].n == 0 && p->stopwords)
        snprintf(q->warning, sizeof q->warning,
                 "every word of the query is a stopword (or punctuation): "
                 "stopwords are not indexed, only their positions count "
                 "inside phrases, so nothing can match");
    return 0;
}

void ng_query_free(ng_query *q) {
    if (!q) return;
    ngi_free(q->nodes);
    ngi_free(q->words);
    ngi_free(q->term_off);
    ngi_free(q->term_len);
    ngi_buf_free(&q->term_bytes);
    ngi_buf_free(&q->prefixes);
    ngi_free(q);
}

const char *ng_query_errmsg(const ng_query *q) {
    if (!q) return ng_strerror(NG_EINVAL);
    return ngi_error_message(&q->err);
}

size_t ng_query_error_offset(const ng_query *q) {
    return q ? q->err_offset : 0;
}

/* ---- dump ----------------------------------------------------------------- */

static int dump_node(const ng_query *q, uint32_t i, ngi_buf *o);

static int dump_phrase(const ng_query *q, const ngi_qnode *n, ngi_buf *o) {
    int rc = ngi_buf_append_u8(o, '"');
    uint32_t at = 0;
    for (uint32_t w = 0; w < n->n && !rc; w++) {
        const ngi_qword *qw = &q->words[n->first + w];
        for (; at < qw->rel; at++) rc |= ngi_buf_printf(o, "%s_", at ? " " : "");
        rc |= ngi_buf_printf(o, "%s%s", w ? " " : "", ngi_query_term(q, qw->term));
        at = qw->rel + 1;
    }
    rc |= ngi_buf_append_u8(o, '"');
    if (n->slop) rc |= ngi_buf_printf(o, "~%u", n->slop);
    return rc;
}

static void date_str(int32_t d, char out[11]) {
    if (d == INT32_MIN || d == INT32_MAX)
        out[0] = 0;
    else
        ngi_date_format(d, out);
}

static int dump_node(const ng_query *q, uint32_t i, ngi_buf *o) {
    const ngi_qnode *n = &q->nodes[i];
    static const char *occ[] = {"", "+", "-"};
    static const char *fld[] = {"", "title:", "body:"};
    int rc = ngi_buf_printf(o, "%s%s", occ[n->occur], fld[n->field]);
    char a[11], b[11];
    switch (n->kind) {
    case NGI_Q_TERM: rc |= ngi_buf_printf(o, "%s", ngi_query_term(q, n->term)); break;
    case NGI_Q_PHRASE: rc |= dump_phrase(q, n, o); break;
    case NGI_Q_DATE:
        date_str(n->since, a);
        date_str(n->until, b);
        rc |= ngi_buf_printf(o, "date:%s..%s", a, b);
        break;
    case NGI_Q_EMPTY: rc |= ngi_buf_printf(o, "<empty>"); break;
    case NGI_Q_PREFIX:
        rc |= ngi_buf_printf(o, "%.*s*", (int)n->n, ngi_query_prefix(q, n));
        break;
    default:
        rc |= ngi_buf_append_u8(o, '(');
        for (uint32_t c = n->child; c != NGI_QNONE; c = q->nodes[c].next) {
            if (c != n->child) rc |= ngi_buf_append_u8(o, ' ');
            rc |= dump_node(q, c, o);
        }
        rc |= ngi_buf_append_u8(o, ')');
    }
    if (n->weight != 1) rc |= ngi_buf_printf(o, "^%g", n->weight);
    return rc ? NG_ENOMEM : 0;
}

int ngi_query_dump(const ng_query *q, ngi_buf *out) {
    int rc = dump_node(q, q->root, out);
    return rc ? rc : ngi_buf_append_u8(out, 0) ? NG_ENOMEM : (out->len--, 0);
}
