/*
 * parse.c — the query language: lexer and recursive-descent parser. Words
 * go through the index's analyzer (tree.c builds the leaves); a word
 * giving several tokens becomes a phrase, a stopword disappears; prefix*
 * stays a prefix until a search expands it (plan.c). No index is needed.
 *
 * Grammar (loosest first):   seq := or+        (juxtaposition: ranked OR,
 *   or := and ('OR' and)*                       or AND with NG_QUERY_ALL)
 *   and := unary ('AND' unary)*
 *   unary := ('+' | '-' | 'NOT') unary | primary
 *   primary := '(' seq ')' | field ':' primary | word | word* | "phrase"[~N]
 *   field := title | body | date (any case; another name is an error)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/date.h"
#include "parse.h"

/* Modifier carried by a parsed operand until its group decides its occur. */
enum { MOD_NONE = 0, MOD_PLUS, MOD_MINUS };

/* ---- lexer ------------------------------------------------------------ */

static int is_space(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

static int is_delim(char c) {
    return is_space(c) || c == '(' || c == ')' || c == '"';
}

#define KNOWN_FIELDS "title, body, date"

/* Field names are case-insensitive (`Title:` is `title:`). */
static int field_of(const char *s, size_t n) {
    if (n == 5 && !strncasecmp(s, "title", 5)) return NGI_FIELD_TITLE;
    if (n == 4 && !strncasecmp(s, "body", 4)) return NGI_FIELD_BODY;
    if (n == 4 && !strncasecmp(s, "date", 4)) return NGI_FIELD_DATE;
    return -1;
}

/* `name:value` is field syntax when name is ASCII letters and a value
 * follows (in the word, or a phrase or group right after the colon);
 * `10:30`, `http://...` and a trailing `note:` stay words. */
static int looks_like_field(const parser *p, const tok *t, size_t name) {
    for (size_t i = 0; i < name; i++) {
        char c = t->s[i];
        if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return 0;
    }
    size_t after = (size_t)(t->s - p->text) + name + 1;
    char next = after < p->len ? p->text[after] : 0;
    return name > 0 && next && !is_space(next) && next != ')' && next != '/' &&
           next != ':';
}

static int lex_phrase(parser *p, tok *t) {
    size_t start = p->pos++;
    const char *end = memchr(p->text + p->pos, '"', p->len - p->pos);
    if (!end) return ngi_perr(p, NG_EQUERY, start, "unclosed quote");
    t->kind = T_PHRASE;
    t->s = p->text + p->pos;
    t->len = (size_t)(end - t->s);
    p->pos = (size_t)(end - p->text) + 1;
    t->slop = -1;
    if (p->pos < p->len && p->text[p->pos] == '~') {
        size_t at = p->pos++;
        long n = 0;
        size_t d0 = p->pos;
        while (p->pos < p->len && p->text[p->pos] >= '0' && p->text[p->pos] <= '9' &&
               n <= NG_MAX_PHRASE_SLOP)
            n = n * 10 + (p->text[p->pos++] - '0');
        if (p->pos == d0)
            return ngi_perr(p, NG_EQUERY, at, "'~' must be followed by a number");
        if (n > NG_MAX_PHRASE_SLOP)
            return ngi_perr(p, NG_ELIMIT, at, "proximity exceeds NG_MAX_PHRASE_SLOP (%d)",
                            NG_MAX_PHRASE_SLOP);
        t->slop = n;
    }
    return 0;
}

static int lex_word(parser *p, tok *t) {
    size_t s = p->pos;
    while (p->pos < p->len && !is_delim(p->text[p->pos])) p->pos++;
    t->kind = T_WORD;
    t->s = p->text + s;
    t->len = p->pos - s;
    if (t->len == 3 && !memcmp(t->s, "AND", 3)) t->kind = T_AND;
    if (t->len == 2 && !memcmp(t->s, "OR", 2)) t->kind = T_OR;
    if (t->len == 3 && !memcmp(t->s, "NOT", 3)) t->kind = T_NOT;
    if (t->kind != T_WORD) return 0;
    const char *colon = memchr(t->s, ':', t->len);
    if (!colon) return 0;
    size_t name = (size_t)(colon - t->s);
    int f = field_of(t->s, name);
    if (f < 0 && looks_like_field(p, t, name))
        return ngi_perr(p, NG_EQUERY, t->off,
                        "unknown field '%.*s' (fields: " KNOWN_FIELDS ")",
                        (int)NGI_MIN(name, (size_t)64), t->s);
    if (f < 0) return 0;
    t->kind = T_FIELD;
    t->field = f;
    p->pos = s + name + 1; /* value lexed next */
    return 0;
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
            return ngi_perr(p, NG_EQUERY, p->pos, "dangling '%c'", c);
        t->kind = c == '+' ? T_PLUS : T_MINUS;
        p->pos++;
        return 0;
    }
    return lex_word(p, t);
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
        if (s[i] == '.' && s[i + 1] == '.') {
            dots = s + i;
            break;
        }
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
        return ngi_perr(p, NG_EQUERY, off,
                        "invalid date: %s; want date:YYYY-MM-DD, "
                        "date:YYYY-MM..YYYY or open ends",
                        d.error);
    int rc = ngi_new_node(p, NGI_Q_DATE, off, out);
    if (rc) return rc;
    p->q->nodes[*out].since = lo;
    p->q->nodes[*out].until = hi;
    return lex(p);
}

static int parse_word(parser *p, int field, uint32_t *out) {
    tok t = p->cur;
    int rc;
    if (t.len > 1 && t.s[t.len - 1] == '*')
        rc = ngi_prefix_leaf(p, t.s, t.len, field, t.off, out);
    else if (t.len == 1 && t.s[0] == '*')
        rc = ngi_perr(p, NG_EQUERY, t.off, "empty prefix '*'");
    else {
        size_t n;
        rc = ngi_analyse(p, p->a, t.s, t.len, t.off, &n);
        if (!rc) rc = ngi_leaf_from_tokens(p, n, 0, field, t.off, out);
    }
    return rc ? rc : lex(p);
}

static int parse_phrase(parser *p, int field, uint32_t *out) {
    tok t = p->cur;
    size_t n;
    int rc = ngi_analyse(p, p->a, t.s, t.len, t.off, &n);
    if (!rc) rc = ngi_leaf_from_tokens(p, n, t.slop, field, t.off, out);
    return rc ? rc : lex(p);
}

static int is_operand_start(int k) {
    return k == T_LPAREN || k == T_WORD || k == T_PHRASE || k == T_FIELD || k == T_PLUS ||
           k == T_MINUS || k == T_NOT;
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
            return ngi_perr(p, NG_ELIMIT, t.off,
                            "query nested deeper than %d (NG_MAX_QUERY_DEPTH)",
                            NG_MAX_QUERY_DEPTH);
        if ((rc = lex(p)) || (rc = parse_seq(p, field, depth + 1, out))) return rc;
        if (p->cur.kind != T_RPAREN)
            return ngi_perr(p, NG_EQUERY, t.off, "unclosed parenthesis");
        if (p->q->nodes[*out].n == 0)
            return ngi_perr(p, NG_EQUERY, t.off, "empty parentheses");
        return lex(p);
    case T_FIELD:
        if (p->pos >= p->len || is_space(p->text[p->pos]) || p->text[p->pos] == ')')
            return ngi_perr(p, NG_EQUERY, t.off, "missing value after '%.*s'",
                            (int)(p->pos - t.off), p->text + t.off);
        if (t.field == NGI_FIELD_DATE) return parse_date(p, t.off, out);
        if ((rc = lex(p))) return rc;
        if (p->cur.kind != T_WORD && p->cur.kind != T_PHRASE && p->cur.kind != T_LPAREN)
            return ngi_perr(p, NG_EQUERY, p->cur.off,
                            "a field takes a word, a \"phrase\" or (a group)");
        return parse_primary(p, t.field, depth, out);
    case T_EOF: return ngi_perr(p, NG_EQUERY, t.off, "missing operand at end of query");
    default: return ngi_perr(p, NG_EQUERY, t.off, "unexpected %s", tok_name(t.kind));
    }
}

/* ---- operators ---------------------------------------------------------- */

static int parse_unary(parser *p, int field, int depth, uint32_t *out, int *mod) {
    tok t = p->cur;
    if (t.kind != T_PLUS && t.kind != T_MINUS && t.kind != T_NOT) {
        *mod = MOD_NONE;
        return parse_primary(p, field, depth, out);
    }
    if (depth + 1 > NG_MAX_QUERY_DEPTH)
        return ngi_perr(p, NG_ELIMIT, t.off,
                        "query nested deeper than %d (NG_MAX_QUERY_DEPTH)",
                        NG_MAX_QUERY_DEPTH);
    int rc = lex(p);
    if (rc) return rc;
    if (!is_operand_start(p->cur.kind))
        return ngi_perr(p, NG_EQUERY, t.off, "dangling %s",
                        t.kind == T_NOT    ? "NOT"
                        : t.kind == T_PLUS ? "'+'"
                                           : "'-'");
    int inner;
    if ((rc = parse_unary(p, field, depth + 1, out, &inner))) return rc;
    int outer = t.kind == T_PLUS ? MOD_PLUS : MOD_MINUS;
    if (outer == MOD_MINUS && inner == MOD_MINUS)
        return ngi_perr(p, NG_EQUERY, t.off, "double negation");
    *mod = outer == MOD_PLUS && inner != MOD_NONE ? inner : outer;
    return 0;
}

static int occur_of(int mod, int dflt) {
    return mod == MOD_MINUS ? NGI_NOT : mod == MOD_PLUS ? NGI_MUST : dflt;
}

static int check_positive(parser *p, uint32_t g) {
    for (uint32_t c = p->q->nodes[g].child; c != NGI_QNONE; c = p->q->nodes[c].next)
        if (p->q->nodes[c].occur != NGI_NOT) return 0;
    return ngi_perr(p, NG_EQUERY, p->q->nodes[g].offset,
                    "a query or group needs at least one term that is not "
                    "excluded");
}

/* A chain `x OP y OP z`; op = T_AND or T_OR. */
static int parse_chain(parser *p, int op, int field, int depth, uint32_t *out, int *mod) {
    int rc = op == T_AND ? parse_unary(p, field, depth, out, mod)
                         : parse_chain(p, T_AND, field, depth, out, mod);
    if (rc || p->cur.kind != op) return rc;
    int dflt = op == T_AND ? NGI_MUST : NGI_SHOULD;
    uint32_t g;
    if ((rc = ngi_new_node(p, NGI_Q_GROUP, p->q->nodes[*out].offset, &g))) return rc;
    ngi_add_child(p->q, g, *out, occur_of(*mod, dflt));
    while (p->cur.kind == op) {
        size_t at = p->cur.off;
        if ((rc = lex(p))) return rc;
        if (!is_operand_start(p->cur.kind))
            return ngi_perr(p, NG_EQUERY, at, "dangling %s", tok_name(op));
        uint32_t x;
        int m;
        rc = op == T_AND ? parse_unary(p, field, depth, &x, &m)
                         : parse_chain(p, T_AND, field, depth, &x, &m);
        if (rc) return rc;
        ngi_add_child(p->q, g, x, occur_of(m, dflt));
    }
    *out = g;
    *mod = MOD_NONE;
    return check_positive(p, g);
}

static int parse_seq(parser *p, int field, int depth, uint32_t *out) {
    int rc = ngi_new_node(p, NGI_Q_GROUP, p->cur.off, out);
    if (rc) return rc;
    int dflt = (p->flags & NG_QUERY_ALL) ? NGI_MUST : NGI_SHOULD;
    while (p->cur.kind != T_EOF && p->cur.kind != T_RPAREN) {
        if (p->cur.kind == T_AND || p->cur.kind == T_OR)
            return ngi_perr(p, NG_EQUERY, p->cur.off, "dangling %s",
                            tok_name(p->cur.kind));
        uint32_t x;
        int m;
        if ((rc = parse_chain(p, T_OR, field, depth, &x, &m))) return rc;
        /* a bare date range filters: `election date:2025-06..` */
        int d = p->q->nodes[x].kind == NGI_Q_DATE ? NGI_MUST : dflt;
        ngi_add_child(p->q, *out, x, occur_of(m, d));
    }
    if (p->q->nodes[*out].n) return check_positive(p, *out);
    return 0;
}

/* Plain mode adds the analysed tokens of text[off..off+n) as ranked terms. */
static int plain_words(parser *p, uint32_t g, size_t off, size_t n, int occur) {
    size_t count;
    int rc = ngi_analyse(p, p->a, p->text + off, n, off, &count);
    for (size_t i = 0; rc == 0 && i < count; i++)
        rc = ngi_add_token_term(p, i, g, off, occur);
    return rc;
}

/* As plain_words, but a whitespace-separated word ending in '*' is a
 * prefix, as in the query language. */
static int plain_terms(parser *p, uint32_t g, size_t off, size_t n, int occur) {
    size_t run = off, end = off + n, i = off;
    int rc = 0;
    while (rc == 0 && i < end) {
        while (i < end && is_space(p->text[i])) i++;
        size_t w = i;
        while (i < end && !is_space(p->text[i])) i++;
        if (i - w < 2 || p->text[i - 1] != '*') continue;
        uint32_t leaf;
        if ((rc = plain_words(p, g, run, w - run, occur)) ||
            (rc = ngi_prefix_leaf(p, p->text + w, i - w, NGI_FIELD_ANY, w, &leaf)))
            return rc;
        if (p->q->nodes[leaf].kind != NGI_Q_EMPTY) ngi_add_child(p->q, g, leaf, occur);
        run = i;
    }
    return rc ? rc : plain_words(p, g, run, end - run, occur);
}

/* Plain mode: no operators; a "double-quoted" part is a phrase, word* a
 * prefix, and every other analysed token a ranked term (the convention of
 * the peers' evaluation runs). An unclosed quote is read as plain words. */
static int parse_plain(parser *p, uint32_t *out) {
    int occur = (p->flags & NG_QUERY_ALL) ? NGI_MUST : NGI_SHOULD;
    int rc = ngi_new_node(p, NGI_Q_GROUP, 0, out);
    size_t i = 0;
    while (rc == 0 && i < p->len) {
        const char *q = memchr(p->text + i, '"', p->len - i);
        const char *close =
            q ? memchr(q + 1, '"', p->len - (size_t)(q + 1 - p->text)) : NULL;
        size_t words_end = close ? (size_t)(q - p->text) : p->len;
        if ((rc = plain_terms(p, *out, i, words_end - i, occur)) || !close) break;
        size_t start = words_end + 1, n, len = (size_t)(close - p->text) - start;
        uint32_t leaf;
        if ((rc = ngi_analyse(p, p->a, p->text + start, len, start, &n)) ||
            (rc = ngi_leaf_from_tokens(p, n, 0, NGI_FIELD_ANY, start, &leaf)))
            break;
        if (p->q->nodes[leaf].kind != NGI_Q_EMPTY) ngi_add_child(p->q, *out, leaf, occur);
        i = (size_t)(close - p->text) + 1;
    }
    return rc;
}

/* ---- entry points ---------------------------------------------------------- */

static int parse_all(parser *p) {
    uint32_t root;
    int rc;
    if (p->flags & NG_QUERY_PLAIN) {
        if ((rc = parse_plain(p, &root))) return rc; /* e.g. over NG_MAX_QUERY_TERMS */
    } else {
        if ((rc = lex(p))) return rc;
        if (p->cur.kind == T_EOF) return ngi_perr(p, NG_EQUERY, 0, "empty query");
        if ((rc = parse_seq(p, NGI_FIELD_ANY, 0, &root))) return rc;
        if (p->cur.kind == T_RPAREN)
            return ngi_perr(p, NG_EQUERY, p->cur.off, "unmatched ')'");
    }
    return ngi_normalise(p, root);
}

int ngi_query_parse_with(ng_query **out, ng_analyzer *a, ng_analyzer *fold,
                         const char *text, size_t len, unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!a || (!text && len)) return NG_EINVAL;
    ng_query *q = ngi_calloc(1, sizeof *q);
    if (!q) return NG_ENOMEM;
    ngi_buf_init(&q->term_bytes);
    ngi_buf_init(&q->prefixes);
    parser p = {.q = q, .a = a, .fold = fold, .text = text, .len = len, .flags = flags};
    ngi_buf_init(&p.toks);
    ngi_buf_init(&p.tbytes);
    int rc = parse_all(&p);
    ng_analyzer_free(p.fold_owned);
    ngi_buf_free(&p.toks);
    ngi_buf_free(&p.tbytes);
    if (rc == NG_ENOMEM || rc == NG_EINVAL) {
        ng_query_free(q);
        return rc;
    }
    *out = q;
    return rc;
}

int ng_query_parse_for(ng_query **out, const char *language, unsigned analyzer_flags,
                       const char *text, size_t len, unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!text && len) return NG_EINVAL;
    ng_analyzer *a = NULL;
    int rc = ng_analyzer_create(&a, language, analyzer_flags);
    if (!rc) rc = ngi_query_parse_with(out, a, NULL, text, len, flags);
    if (*out) { /* the canonical name, as the index stores it */
        snprintf((*out)->language, sizeof(*out)->language, "%s", ng_analyzer_language(a));
        (*out)->analyzer_flags = analyzer_flags;
    }
    ng_analyzer_free(a);
    return rc;
}
