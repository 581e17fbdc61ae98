/*
 * parse.c — the query language: lexer, recursive-descent parser and
 * normaliser producing the query tree of query.h. Words go through the
 * index's analyzer; a word giving several tokens becomes a phrase, a
 * stopword disappears; prefix* expands through every segment's lexicon.
 *
 * Grammar (loosest first):   seq := or+        (juxtaposition: ranked OR,
 *   or := and ('OR' and)*                       or AND with NG_QUERY_ALL)
 *   and := unary ('AND' unary)*
 *   unary := ('+' | '-' | 'NOT') unary | primary
 *   primary := '(' seq ')' | field ':' primary | word | word* | "phrase"[~N]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "query.h"

enum tok_kind {
    T_EOF, T_LPAREN, T_RPAREN, T_AND, T_OR, T_NOT, T_PLUS, T_MINUS,
    T_FIELD, T_WORD, T_PHRASE
};

typedef struct tok {
    int kind;          /* a tok_kind */
    size_t off;        /* byte offset in the query text */
    size_t len;        /* bytes of the word / phrase contents */
    const char *s;     /* word / phrase contents (inside the quotes) */
    int field;         /* T_FIELD: ngi_qfield, or 3 for date: */
    long slop;         /* T_PHRASE: ~N, or -1 when absent */
} tok;

/* Modifier carried by a parsed operand until its group decides its occur. */
enum { MOD_NONE = 0, MOD_PLUS, MOD_MINUS };

typedef struct parser {
    ng_query *q;            /* the query being built */
    ng_analyzer *a;         /* index analyzer */
    ng_analyzer *fold;      /* prefix normaliser */
    const ngi_snapshot *snap;/* lexicons for prefix expansion (or NULL) */
    const char *text;       /* query text */
    size_t len;             /* its bytes */
    size_t pos;             /* lexer position */
    tok cur;                /* current token */
    unsigned flags;         /* ng_query_flags */
    ngi_buf toks;           /* scratch: analysed tokens (struct atok) */
    ngi_buf tbytes;         /* scratch: their term bytes */
} parser;

/* An analysed token in scratch. */
typedef struct atok {
    uint32_t off;  /* offset of its term in tbytes */
    uint32_t len;  /* term bytes */
    uint32_t pos;  /* analyzer position */
} atok;

/* ---- errors ---------------------------------------------------------- */

static int perr(parser *p, int code, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

static int perr(parser *p, int code, size_t off, const char *fmt, ...) {
    if (p->q->err.code) return p->q->err.code; /* keep the first error */
    char msg[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    p->q->err_offset = off;
    return ngi_error_set(&p->q->err, code, "%s at position %zu", msg, off);
}

/* ---- lexer ------------------------------------------------------------ */

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' ||
           c == '\v';
}

static int is_delim(char c) {
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

static int field_of(const char *s, size_t n) {
    if (n == 5 && !strncmp(s, "title", 5)) return NGI_FIELD_TITLE;
    if (n == 4 && !strncmp(s, "body", 4)) return NGI_FIELD_BODY;
    if (n == 4 && !strncmp(s, "date", 4)) return 3;
    return -1;
}

static int lex_phrase(parser *p, tok *t) {
    size_t start = p->pos++;
    const char *end = memchr(p->text + p->pos, '"', p->len - p->pos);
    if (!end) return perr(p, NG_EQUERY, start, "unclosed quote");
    t->kind = T_PHRASE;
    t->s = p->text + p->pos;
    t->len = (size_t)(end - t->s);
    p->pos = (size_t)(end - p->text) + 1;
    t->slop = -1;
    if (p->pos < p->len && p->text[p->pos] == '~') {
        size_t at = p->pos++;
        long n = 0;
        size_t d0 = p->pos;
        while (p->pos < p->len && p->text[p->pos] >= '0' &&
               p->text[p->pos] <= '9' && n <= NG_MAX_PHRASE_SLOP)
            n = n * 10 + (p->text[p->pos++] - '0');
        if (p->pos == d0)
            return perr(p, NG_EQUERY, at, "'~' must be followed by a number");
        if (n > NG_MAX_PHRASE_SLOP)
            return perr(p, NG_ELIMIT, at,
                        "proximity exceeds NG_MAX_PHRASE_SLOP (%d)",
                        NG_MAX_PHRASE_SLOP);
        t->slop = n;
    }
    return 0;
}

static void lex_word(parser *p, tok *t) {
    size_t s = p->pos;
    while (p->pos < p->len && !is_delim(p->text[p->pos])) p->pos++;
    t->kind = T_WORD;
    t->s = p->text + s;
    t->len = p->pos - s;
    if (t->len == 3 && !memcmp(t->s, "AND", 3)) t->kind = T_AND;
    if (t->len == 2 && !memcmp(t->s, "OR", 2)) t->kind = T_OR;
    if (t->len == 3 && !memcmp(t->s, "NOT", 3)) t->kind = T_NOT;
    if (t->kind != T_WORD) return;
    const char *colon = memchr(t->s, ':', t->len);
    if (!colon) return;
    int f = field_of(t->s, (size_t)(colon - t->s));
    if (f < 0) return;
    t->kind = T_FIELD;
    t->field = f;
    p->pos = s + (size_t)(colon - t->s) + 1; /* value lexed next */
}

/* Reads the next token into p->cur. `plain`: operators are words. */
static int lex(parser *p) {
    tok *t = &p->cur;
    memset(t, 0, sizeof *t);
    while (p->pos < p->len && is_space(p->text[p->pos])) p->pos++;
    t->off = p->pos;
    if (p->pos >= p->len) {
        t->kind = T_EOF;
        return 0;
    }
    char c = p->text[p->pos];
    if (c == '(' || c == ')') {
        t->kind = c == '(' ? T_LPAREN : T_RPAREN;
        p->pos++;
        return 0;
    }
    if (c == '"') return lex_phrase(p, t);
    if (c == '+' || c == '-') {
        if (p->pos + 1 >= p->len || is_space(p->text[p->pos + 1]) ||
            p->text[p->pos + 1] == ')')
            return perr(p, NG_EQUERY, p->pos, "dangling '%c'", c);
        t->kind = c == '+' ? T_PLUS : T_MINUS;
        p->pos++;
        return 0;
    }
    lex_word(p, t);
    return 0;
}

/* ---- tree building ----------------------------------------------------- */

static int new_node(parser *p, int kind, size_t off, uint32_t *out) {
    ng_query *q = p->q;
    if (q->n_nodes == q->cap_nodes) {
        size_t cap = q->cap_nodes ? q->cap_nodes * 2 : 16;
        ngi_qnode *n = ngi_realloc(q->nodes, cap * sizeof *n);
        if (!n) return perr(p, NG_ENOMEM, off, "out of memory");
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

static void add_child(ng_query *q, uint32_t g, uint32_t c, int occur) {
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
        if (!o) return perr(p, NG_ENOMEM, 0, "out of memory");
        q->term_off = o;
        uint32_t *l = ngi_realloc(q->term_len, cap * sizeof *l);
        if (!l) return perr(p, NG_ENOMEM, 0, "out of memory");
        q->term_len = l;
        q->cap_terms = cap;
    }
    q->term_off[q->n_terms] = (uint32_t)q->term_bytes.len;
    q->term_len[q->n_terms] = (uint32_t)n;
    if (ngi_buf_append_str(&q->term_bytes, s, n))
        return perr(p, NG_ENOMEM, 0, "out of memory");
    *out = (uint32_t)q->n_terms++;
    return 0;
}

static int add_word(parser *p, uint32_t term, uint32_t rel) {
    ng_query *q = p->q;
    if (q->n_words == q->cap_words) {
        size_t cap = q->cap_words ? q->cap_words * 2 : 16;
        ngi_qword *w = ngi_realloc(q->words, cap * sizeof *w);
        if (!w) return perr(p, NG_ENOMEM, 0, "out of memory");
        q->words = w;
        q->cap_words = cap;
    }
    q->words[q->n_words].term = term;
    q->words[q->n_words].rel = rel;
    q->n_words++;
    return 0;
}

/* ---- analysis ------------------------------------------------------------ */

static int collect_tok(void *ctx, const ng_token *t) {
    parser *p = ctx;
    atok a = {(uint32_t)p->tbytes.len, (uint32_t)t->term_len, t->position};
    if (ngi_buf_append(&p->tbytes, t->term, t->term_len) ||
        ngi_buf_append(&p->toks, &a, sizeof a))
        return NG_ENOMEM;
    return 0;
}

/* Analyses s[0..n) into p->toks; returns the token count or an error. */
static int analyse(parser *p, ng_analyzer *a, const char *s, size_t n,
                   size_t off, size_t *count) {
    ngi_buf_reset(&p->toks);
    ngi_buf_reset(&p->tbytes);
    int rc = ng_analyzer_tokenize(a, s, n, 0, collect_tok, p);
    if (rc) return perr(p, rc < 0 ? rc : NG_ENOMEM, off, "cannot analyse");
    *count = p->toks.len / sizeof(atok);
    p->q->n_leaf_words += *count;
    if (p->q->n_leaf_words > NG_MAX_QUERY_TERMS)
        return perr(p, NG_ELIMIT, off,
                    "query has more than %d terms (NG_MAX_QUERY_TERMS)",
                    NG_MAX_QUERY_TERMS);
    return 0;
}

static const atok *tok_at(parser *p, size_t i) {
    return (const atok *)p->toks.data + i;
}

/* Turns the analysed tokens into EMPTY, TERM or PHRASE. */
static int leaf_from_tokens(parser *p, size_t n, long slop, int field,
                            size_t off, uint32_t *out) {
    if (n == 0) return new_node(p, NGI_Q_EMPTY, off, out);
    int rc = new_node(p, n == 1 ? NGI_Q_TERM : NGI_Q_PHRASE, off, out);
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

/* ---- prefix expansion ----------------------------------------------------- */

/* Our callback's "too many" stop value; other positive returns of
 * ngi_segment_prefix mean a normal end of the enumeration. */
#define PREFIX_STOP 0x7ffe

typedef struct prefix_ctx {
    parser *p;        /* the parser */
    ngi_buf terms;    /* NUL-terminated candidate terms, back to back */
    size_t n;         /* candidates in this segment */
} prefix_ctx;

static int prefix_cb(void *ctx, const char *term, size_t len,
                     const ngi_term_postings *tp) {
    (void)tp;
    prefix_ctx *c = ctx;
    if (++c->n > NG_MAX_PREFIX_EXPANSION) return PREFIX_STOP;
    return ngi_buf_append_str(&c->terms, term, len) ? NG_ENOMEM : 0;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Sorts and deduplicates the collected terms into the group node g. */
static int prefix_finish(parser *p, prefix_ctx *c, uint32_t g, int field,
                         size_t off) {
    size_t n = 0;
    for (size_t i = 0; i < c->terms.len; i++) n += c->terms.data[i] == 0;
    const char **v = ngi_malloc((n ? n : 1) * sizeof *v);
    if (!v) return perr(p, NG_ENOMEM, off, "out of memory");
    const char *s = (const char *)c->terms.data;
    for (size_t i = 0; i < n; i++, s += strlen(s) + 1) v[i] = s;
    qsort(v, n, sizeof *v, cmp_str);
    size_t distinct = 0;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (i && !strcmp(v[i], v[i - 1])) continue;
        if (++distinct > NG_MAX_PREFIX_EXPANSION) {
            rc = perr(p, NG_ELIMIT, off,
                      "prefix matches more than %d terms "
                      "(NG_MAX_PREFIX_EXPANSION); make it longer",
                      NG_MAX_PREFIX_EXPANSION);
            break;
        }
        uint32_t id, leaf;
        if ((rc = intern(p, v[i], strlen(v[i]), &id))) break;
        if ((rc = new_node(p, NGI_Q_TERM, off, &leaf))) break;
        p->q->nodes[leaf].term = id;
        p->q->nodes[leaf].field = (uint8_t)field;
        add_child(p->q, g, leaf, NGI_SHOULD);
    }
    ngi_free(v);
    return rc;
}

static int expand_prefix(parser *p, const char *s, size_t n, int field,
                         size_t off, uint32_t *out) {
    while (n && s[n - 1] == '*') n--;
    size_t count;
    int rc = analyse(p, p->fold, s, n, off, &count);
    if (rc) return rc;
    if (count == 0) return new_node(p, NGI_Q_EMPTY, off, out);
    if (count > 1)
        return perr(p, NG_EQUERY, off, "a prefix* must be a single word");
    if ((rc = new_node(p, NGI_Q_GROUP, off, out))) return rc;
    const atok *t = tok_at(p, 0);
    char pre[NG_MAX_TOKEN_BYTES + 1];
    memcpy(pre, p->tbytes.data + t->off, t->len);
    if (ngi_buf_append_str(&p->q->prefixes, pre, t->len))
        return perr(p, NG_ENOMEM, off, "out of memory");
    prefix_ctx c = {p, NGI_BUF_INIT, 0};
    for (size_t i = 0; p->snap && i < p->snap->n_segs && !rc; i++) {
        ngi_error e;
        ngi_error_clear(&e);
        c.n = 0;
        rc = ngi_segment_prefix(p->snap->segs[i], pre, t->len, prefix_cb, &c,
                                &e);
        if (rc > 0 && rc != PREFIX_STOP) rc = 0;
        if (rc == PREFIX_STOP)
            rc = perr(p, NG_ELIMIT, off,
                      "prefix matches more than %d terms "
                      "(NG_MAX_PREFIX_EXPANSION); make it longer",
                      NG_MAX_PREFIX_EXPANSION);
        else if (rc)
            rc = perr(p, rc, off, "prefix expansion: %s",
                      ngi_error_message(&e));
    }
    if (!rc) rc = prefix_finish(p, &c, *out, field, off);
    if (!rc && p->q->nodes[*out].n == 0) p->q->nodes[*out].kind = NGI_Q_NONE;
    ngi_buf_free(&c.terms);
    return rc;
}

/* ---- primaries ------------------------------------------------------------ */

static int parse_seq(parser *p, int field, int depth, uint32_t *out);

static int parse_date(parser *p, size_t off, uint32_t *out) {
    const char *s = p->text + p->pos;
    size_t n = 0;
    while (p->pos + n < p->len && !is_delim(s[n])) n++;
    p->pos += n;
    int32_t lo = INT32_MIN, hi = INT32_MAX;
    const char *dots = NULL;
    for (size_t i = 0; i + 1 < n; i++)
        if (s[i] == '.' && s[i + 1] == '.') { dots = s + i; break; }
    int bad;
    ng_date d = {.error = "nothing between the dots"};
    if (!dots) { /* a month or a year is the whole period */
        bad = ngi_date_bound(s, n, false, &lo, &d) || ngi_date_bound(s, n, true, &hi, &d);
    } else {
        size_t a = (size_t)(dots - s), b = n - a - 2;
        bad = (a == 0 && b == 0) || (a && ngi_date_bound(s, a, false, &lo, &d)) ||
              (b && ngi_date_bound(dots + 2, b, true, &hi, &d));
    }
    if (bad)
        return perr(p, NG_EQUERY, off,
                    "invalid date: %s; want date:YYYY-MM-DD, "
                    "date:YYYY-MM..YYYY or open ends", d.error);
    int rc = new_node(p, NGI_Q_DATE, off, out);
    if (rc) return rc;
    p->q->nodes[*out].since = lo;
    p->q->nodes[*out].until = hi;
    return lex(p);
}

static int parse_word(parser *p, int field, uint32_t *out) {
    tok t = p->cur;
    int rc;
    if (t.len > 1 && t.s[t.len - 1] == '*')
        rc = expand_prefix(p, t.s, t.len, field, t.off, out);
    else if (t.len == 1 && t.s[0] == '*')
        rc = perr(p, NG_EQUERY, t.off, "empty prefix '*'");
    else {
        size_t n;
        rc = analyse(p, p->a, t.s, t.len, t.off, &n);
        if (!rc) rc = leaf_from_tokens(p, n, 0, field, t.off, out);
    }
    return rc ? rc : lex(p);
}

static int parse_phrase(parser *p, int field, uint32_t *out) {
    tok t = p->cur;
    size_t n;
    int rc = analyse(p, p->a, t.s, t.len, t.off, &n);
    if (!rc) rc = leaf_from_tokens(p, n, t.slop, field, t.off, out);
    return rc ? rc : lex(p);
}

static int is_operand_start(int k) {
    return k == T_LPAREN || k == T_WORD || k == T_PHRASE || k == T_FIELD ||
           k == T_PLUS || k == T_MINUS || k == T_NOT;
}

static const char *tok_name(int k) {
    switch (k) {
    case T_AND: return "AND";
    case T_OR: return "OR";
    case T_NOT: return "NOT";
    case T_RPAREN: return "')'";
    default: return "operator";
    }
}

static int parse_primary(parser *p, int field, int depth, uint32_t *out) {
    tok t = p->cur;
    int rc;
    switch (t.kind) {
    case T_WORD: return parse_word(p, field, out);
    case T_PHRASE: return parse_phrase(p, field, out);
    case T_LPAREN:
        if (depth + 1 > NG_MAX_QUERY_DEPTH)
            return perr(p, NG_ELIMIT, t.off,
                        "query nested deeper than %d (NG_MAX_QUERY_DEPTH)",
                        NG_MAX_QUERY_DEPTH);
        if ((rc = lex(p)) || (rc = parse_seq(p, field, depth + 1, out)))
            return rc;
        if (p->cur.kind != T_RPAREN)
            return perr(p, NG_EQUERY, t.off, "unclosed parenthesis");
        if (p->q->nodes[*out].n == 0)
            return perr(p, NG_EQUERY, t.off, "empty parentheses");
        return lex(p);
    case T_FIELD:
        if (p->pos >= p->len || is_space(p->text[p->pos]) ||
            p->text[p->pos] == ')')
            return perr(p, NG_EQUERY, t.off, "missing value after '%.*s'",
                        (int)(p->pos - t.off), p->text + t.off);
        if (t.field == 3) return parse_date(p, t.off, out);
        if ((rc = lex(p))) return rc;
        if (p->cur.kind != T_WORD && p->cur.kind != T_PHRASE &&
            p->cur.kind != T_LPAREN)
            return perr(p, NG_EQUERY, p->cur.off,
                        "a field takes a word, a \"phrase\" or (a group)");
        return parse_primary(p, t.field, depth, out);
    case T_EOF:
        return perr(p, NG_EQUERY, t.off, "missing operand at end of query");
    default:
        return perr(p, NG_EQUERY, t.off, "unexpected %s", tok_name(t.kind));
    }
}

/* ---- operators ---------------------------------------------------------- */

static int parse_unary(parser *p, int field, int depth, uint32_t *out,
                       int *mod) {
    tok t = p->cur;
    if (t.kind != T_PLUS && t.kind != T_MINUS && t.kind != T_NOT) {
        *mod = MOD_NONE;
        return parse_primary(p, field, depth, out);
    }
    if (depth + 1 > NG_MAX_QUERY_DEPTH)
        return perr(p, NG_ELIMIT, t.off,
                    "query nested deeper than %d (NG_MAX_QUERY_DEPTH)",
                    NG_MAX_QUERY_DEPTH);
    int rc = lex(p);
    if (rc) return rc;
    if (!is_operand_start(p->cur.kind))
        return perr(p, NG_EQUERY, t.off, "dangling %s",
                    t.kind == T_NOT ? "NOT" : t.kind == T_PLUS ? "'+'" : "'-'");
    int inner;
    if ((rc = parse_unary(p, field, depth + 1, out, &inner))) return rc;
    int outer = t.kind == T_PLUS ? MOD_PLUS : MOD_MINUS;
    if (outer == MOD_MINUS && inner == MOD_MINUS)
        return perr(p, NG_EQUERY, t.off, "double negation");
    *mod = outer == MOD_PLUS && inner != MOD_NONE ? inner : outer;
    return 0;
}

static int occur_of(int mod, int dflt) {
    return mod == MOD_MINUS ? NGI_NOT : mod == MOD_PLUS ? NGI_MUST : dflt;
}

static int check_positive(parser *p, uint32_t g) {
    for (uint32_t c = p->q->nodes[g].child; c != NGI_QNONE;
         c = p->q->nodes[c].next)
        if (p->q->nodes[c].occur != NGI_NOT) return 0;
    return perr(p, NG_EQUERY, p->q->nodes[g].offset,
                "a query or group needs at least one term that is not "
                "excluded");
}

/* A chain `x OP y OP z`; op = T_AND or T_OR. */
static int parse_chain(parser *p, int op, int field, int depth, uint32_t *out,
                       int *mod) {
    int rc = op == T_AND ? parse_unary(p, field, depth, out, mod)
                         : parse_chain(p, T_AND, field, depth, out, mod);
    if (rc || p->cur.kind != op) return rc;
    int dflt = op == T_AND ? NGI_MUST : NGI_SHOULD;
    uint32_t g;
    if ((rc = new_node(p, NGI_Q_GROUP, p->q->nodes[*out].offset, &g)))
        return rc;
    add_child(p->q, g, *out, occur_of(*mod, dflt));
    while (p->cur.kind == op) {
        size_t at = p->cur.off;
        if ((rc = lex(p))) return rc;
        if (!is_operand_start(p->cur.kind))
            return perr(p, NG_EQUERY, at, "dangling %s", tok_name(op));
        uint32_t x;
        int m;
        rc = op == T_AND ? parse_unary(p, field, depth, &x, &m)
                         : parse_chain(p, T_AND, field, depth, &x, &m);
        if (rc) return rc;
        add_child(p->q, g, x, occur_of(m, dflt));
    }
    *out = g;
    *mod = MOD_NONE;
    return check_positive(p, g);
}

static int parse_seq(parser *p, int field, int depth, uint32_t *out) {
    int rc = new_node(p, NGI_Q_GROUP, p->cur.off, out);
    if (rc) return rc;
    int dflt = (p->flags & NG_QUERY_ALL) ? NGI_MUST : NGI_SHOULD;
    while (p->cur.kind != T_EOF && p->cur.kind != T_RPAREN) {
        if (p->cur.kind == T_AND || p->cur.kind == T_OR)
            return perr(p, NG_EQUERY, p->cur.off, "dangling %s",
                        tok_name(p->cur.kind));
        uint32_t x;
        int m;
        if ((rc = parse_chain(p, T_OR, field, depth, &x, &m))) return rc;
        /* a bare date range filters: `election date:2025-06..` */
        int d = p->q->nodes[x].kind == NGI_Q_DATE ? NGI_MUST : dflt;
        add_child(p->q, *out, x, occur_of(m, d));
    }
    if (p->q->nodes[*out].n) return check_positive(p, *out);
    return 0;
}

/* Plain mode adds the analysed tokens of text[off..off+n) as ranked terms. */
static int plain_words(parser *p, uint32_t g, size_t off, size_t n,
                       int occur) {
    size_t count;
    int rc = analyse(p, p->a, p->text + off, n, off, &count);
    for (size_t i = 0; rc == 0 && i < count; i++) {
        const atok *t = tok_at(p, i);
        uint32_t id, leaf;
        if ((rc = intern(p, (const char *)p->tbytes.data + t->off, t->len,
                         &id)) ||
            (rc = new_node(p, NGI_Q_TERM, off, &leaf)))
            return rc;
        p->q->nodes[leaf].term = id;
        add_child(p->q, g, leaf, occur);
    }
    return rc;
}

/* As plain_words, but a whitespace-separated word ending in '*' is a
 * prefix, expanded through the lexicon as in the query language. */
static int plain_terms(parser *p, uint32_t g, size_t off, size_t n,
                       int occur) {
    size_t run = off, end = off + n, i = off;
    int rc = 0;
    while (rc == 0 && i < end) {
        while (i < end && is_space(p->text[i])) i++;
        size_t w = i;
        while (i < end && !is_space(p->text[i])) i++;
        if (i - w < 2 || p->text[i - 1] != '*') continue;
        uint32_t leaf;
        if ((rc = plain_words(p, g, run, w - run, occur)) ||
            (rc = expand_prefix(p, p->text + w, i - w, NGI_FIELD_ANY, w,
                                &leaf)))
            return rc;
        if (p->q->nodes[leaf].kind != NGI_Q_EMPTY)
            add_child(p->q, g, leaf, occur);
        run = i;
    }
    return rc ? rc : plain_words(p, g, run, end - run, occur);
}

/* Plain mode: no operators; a "double-quoted" part is a phrase, word* a
 * prefix, and every other analysed token a ranked term (the convention of
 * the peers' evaluation runs). An unclosed quote is read as plain words. */
static int parse_plain(parser *p, uint32_t *out) {
    int occur = (p->flags & NG_QUERY_ALL) ? NGI_MUST : NGI_SHOULD;
    int rc = new_node(p, NGI_Q_GROUP, 0, out);
    size_t i = 0;
    while (rc == 0 && i < p->len) {
        const char *q = memchr(p->text + i, '"', p->len - i);
        const char *close =
            q ? memchr(q + 1, '"', p->len - (size_t)(q + 1 - p->text)) : NULL;
        size_t words_end = close ? (size_t)(q - p->text) : p->len;
        if ((rc = plain_terms(p, *out, i, words_end - i, occur)) || !close)
            break;
        size_t start = words_end + 1, n, len = (size_t)(close - p->text) - start;
        uint32_t leaf;
        if ((rc = analyse(p, p->a, p->text + start, len, start, &n)) ||
            (rc = leaf_from_tokens(p, n, 0, NGI_FIELD_ANY, start, &leaf)))
            break;
        if (p->q->nodes[leaf].kind != NGI_Q_EMPTY)
            add_child(p->q, *out, leaf, occur);
        i = (size_t)(close - p->text) + 1;
    }
    return rc;
}

/* ---- normalisation ------------------------------------------------------ */

static int same_leaf(const ng_query *q, const ngi_qnode *a,
                     const ngi_qnode *b) {
    if (a->kind != b->kind || a->occur != b->occur || a->field != b->field)
        return 0;
    if (a->kind == NGI_Q_TERM) return a->term == b->term;
    if (a->kind != NGI_Q_PHRASE || a->n != b->n || a->slop != b->slop)
        return 0;
    for (uint32_t i = 0; i < a->n; i++)
        if (q->words[a->first + i].term != q->words[b->first + i].term ||
            q->words[a->first + i].rel != q->words[b->first + i].rel)
            return 0;
    return 1;
}

/* Rebuilds g's child list from v[0..n). */
static void set_children(ng_query *q, uint32_t g, const uint32_t *v,
                         size_t n) {
    ngi_qnode *gn = &q->nodes[g];
    gn->child = gn->last = NGI_QNONE;
    gn->n = 0;
    for (size_t i = 0; i < n; i++) add_child(q, g, v[i], q->nodes[v[i]].occur);
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
static int norm_collect(parser *p, uint32_t g, ngi_buf *v, int *none_must,
                        int *none_pos) {
    ng_query *q = p->q;
    for (uint32_t c = q->nodes[g].child; c != NGI_QNONE;) {
        uint32_t next = q->nodes[c].next;
        int rc = q->nodes[c].kind == NGI_Q_GROUP ? norm_group(p, c) : 0;
        if (rc) return rc;
        ngi_qnode *cn = &q->nodes[c];
        if (cn->kind == NGI_Q_NONE) {
            if (cn->occur == NGI_MUST) *none_must = 1;
            if (cn->occur != NGI_NOT) *none_pos = 1;
        } else if (cn->kind == NGI_Q_EMPTY) {
            /* a stopword: neutral everywhere */
        } else if (child_flattens(q, cn) ||
                   (cn->kind == NGI_Q_GROUP && cn->n == 1)) {
            for (uint32_t k = cn->child; k != NGI_QNONE; k = q->nodes[k].next) {
                q->nodes[k].occur = (uint8_t)(cn->n == 1 ? cn->occur
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
    int none_must = 0, none_pos = 0;
    int rc = norm_collect(p, g, &v, &none_must, &none_pos);
    if (rc) {
        ngi_buf_free(&v);
        return perr(p, rc, 0, "out of memory");
    }
    size_t n = merge_dups(q, (uint32_t *)v.data, v.len / sizeof(uint32_t));
    set_children(q, g, (const uint32_t *)v.data, n);
    ngi_buf_free(&v);
    int positive = 0;
    for (uint32_t c = q->nodes[g].child; c != NGI_QNONE; c = q->nodes[c].next)
        positive |= q->nodes[c].occur != NGI_NOT;
    if (none_must || (!positive && none_pos))
        q->nodes[g].kind = NGI_Q_NONE;
    else if (!positive)
        q->nodes[g].kind = NGI_Q_EMPTY;
    return 0;
}

/* Normalises the tree and leaves q->root a GROUP. */
static int normalise(parser *p, uint32_t root) {
    ng_query *q = p->q;
    int rc = norm_group(p, root);
    if (rc) return rc;
    /* Unwrap a root holding one positive group. */
    while (q->nodes[root].kind == NGI_Q_GROUP && q->nodes[root].n == 1) {
        uint32_t c = q->nodes[root].child;
        if (q->nodes[c].kind != NGI_Q_GROUP || q->nodes[c].occur == NGI_NOT)
            break;
        root = c;
    }
    if (q->nodes[root].kind != NGI_Q_GROUP) {
        /* EMPTY or NONE root: an empty group matches nothing. */
        q->nodes[root].kind = NGI_Q_GROUP;
        q->nodes[root].child = q->nodes[root].last = NGI_QNONE;
        q->nodes[root].n = 0;
    }
    q->nodes[root].occur = NGI_SHOULD;
    q->root = root;
    return 0;
}

/* ---- entry points ---------------------------------------------------------- */

static int parse_all(parser *p) {
    uint32_t root;
    int rc;
    if (p->flags & NG_QUERY_PLAIN) {
        rc = parse_plain(p, &root);
    } else {
        if ((rc = lex(p))) return rc;
        if (p->cur.kind == T_EOF)
            return perr(p, NG_EQUERY, 0, "empty query");
        if ((rc = parse_seq(p, NGI_FIELD_ANY, 0, &root))) return rc;
        if (p->cur.kind == T_RPAREN)
            return perr(p, NG_EQUERY, p->cur.off, "unmatched ')'");
    }
    return normalise(p, root);
}

int ngi_query_parse_with(ng_query **out, ng_analyzer *a, ng_analyzer *fold,
                         const ngi_snapshot *snap, const char *text,
                         size_t len, unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!a || !fold || (!text && len)) return NG_EINVAL;
    ng_query *q = ngi_calloc(1, sizeof *q);
    if (!q) return NG_ENOMEM;
    ngi_buf_init(&q->term_bytes);
    ngi_buf_init(&q->prefixes);
    parser p = {.q = q, .a = a, .fold = fold, .snap = snap, .text = text,
                .len = len, .flags = flags};
    ngi_buf_init(&p.toks);
    ngi_buf_init(&p.tbytes);
    int rc = parse_all(&p);
    ngi_buf_free(&p.toks);
    ngi_buf_free(&p.tbytes);
    if (rc == NG_ENOMEM || rc == NG_EINVAL) {
        ng_query_free(q);
        return rc;
    }
    *out = q;
    return rc;
}

int ng_query_parse(ng_query **out, ng_reader *reader, const char *text,
                   size_t len, unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!reader || (!text && len)) return NG_EINVAL;
    const ngi_snapshot *snap = ngi_reader_snapshot(reader);
    const char *lang = snap->settings.language;
    unsigned af = snap->settings.analyzer_flags;
    ng_analyzer *a = NULL, *fold = NULL;
    int rc = ng_analyzer_create(&a, lang, af);
    if (!rc)
        rc = ng_analyzer_create(&fold, lang,
                                af | NG_ANALYZE_NO_STEM | NG_ANALYZE_NO_STOP);
    if (!rc) rc = ngi_query_parse_with(out, a, fold, snap, text, len, flags);
    if (*out) {
        snprintf((*out)->language, sizeof (*out)->language, "%s", lang);
        (*out)->analyzer_flags = af;
    }
    ng_analyzer_free(a);
    ng_analyzer_free(fold);
    return rc;
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
    case NGI_Q_NONE: rc |= ngi_buf_printf(o, "<none>"); break;
    default:
        rc |= ngi_buf_append_u8(o, '(');
        for (uint32_t c = n->child; c != NGI_QNONE; c = q->nodes[c].next) {
            if (c != n->child) rc |= ngi_buf_append_u8(o, ' ');
            rc |= dump_node(q, c, o);
        }
        rc |= ngi_buf_append_u8(o, ')');
    }
    if (n->weight > 1) rc |= ngi_buf_printf(o, "^%u", n->weight);
    return rc ? NG_ENOMEM : 0;
}

int ngi_query_dump(const ng_query *q, ngi_buf *out) {
    int rc = dump_node(q, q->root, out);
    return rc ? rc : ngi_buf_append_u8(out, 0) ? NG_ENOMEM : (out->len--, 0);
}
