/*
 * snippet.c — the best passage of a stored text for a query: re-analyse
 * the text, find the tokens equal to the query's positive terms (or
 * starting with one of its positive prefixes), choose
 * the window of about `target` bytes with the most distinct terms (then
 * the most matches), cut at word boundaries on valid UTF-8, mark cuts
 * with "…" and report highlight byte spans inside the snippet.
 */
#include <stdlib.h>
#include <string.h>

#include "query.h"

#define ELLIPSIS    "\xe2\x80\xa6" /* U+2026, 3 bytes */
#define MAX_MATCHES 4096           /* matches considered per text */

/* A query term, for binary search by bytes. */
typedef struct qterm {
    const char *s; /* term bytes */
    uint32_t len;  /* bytes */
    uint32_t id;   /* term index */
} qterm;

/* A token of the text equal to a query term. */
typedef struct match {
    size_t start, end; /* bytes in the text */
    uint32_t id;       /* term index */
    uint32_t pos;      /* analyzer position */
    uint8_t keep;      /* a free term, or inside a phrase occurrence */
} match;

/* pos[] flags of a term: */
#define T_FREE   1 /* a positive term on its own (or in a proximity) */
#define T_PHRASE 2 /* a word of a positive exact phrase */

typedef struct snip_ctx {
    const qterm *terms; /* sorted positive terms */
    size_t n_terms;
    const qterm *prefixes; /* positive prefixes (id: n_terms + i) */
    size_t n_prefixes;
    const uint8_t *flags; /* T_FREE / T_PHRASE per term index */
    ngi_buf *matches;     /* struct match */
} snip_ctx;

static int cmp_bytes(const char *a, size_t al, const char *b, size_t bl) {
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al > bl) - (al < bl);
}

static int cmp_qterm(const void *x, const void *y) {
    const qterm *a = x, *b = y;
    return cmp_bytes(a->s, a->len, b->s, b->len);
}

/* Adds the positive prefixes under node ni to v (its id: base + index). */
static void positive_prefixes(const ng_query *q, uint32_t ni, qterm *v, size_t *n,
                              uint32_t base) {
    const ngi_qnode *nd = &q->nodes[ni];
    if (nd->occur == NGI_NOT) return;
    if (nd->kind == NGI_Q_PREFIX) {
        v[*n] = (qterm){ngi_query_prefix(q, nd), nd->n, base + (uint32_t)*n};
        ++*n;
    }
    if (nd->kind == NGI_Q_GROUP)
        for (uint32_t c = nd->child; c != NGI_QNONE; c = q->nodes[c].next)
            positive_prefixes(q, c, v, n, base);
}

static void mark_positive(const ng_query *q, uint32_t ni, uint8_t *pos) {
    const ngi_qnode *n = &q->nodes[ni];
    if (n->occur == NGI_NOT) return;
    if (n->kind == NGI_Q_TERM) pos[n->term] |= T_FREE;
    if (n->kind == NGI_Q_PHRASE)
        for (uint32_t i = 0; i < n->n; i++)
            pos[q->words[n->first + i].term] |= n->slop ? T_FREE : T_PHRASE;
    if (n->kind == NGI_Q_GROUP)
        for (uint32_t c = n->child; c != NGI_QNONE; c = q->nodes[c].next)
            mark_positive(q, c, pos);
}

static int on_token(void *ctx, const ng_token *t) {
    snip_ctx *c = ctx;
    size_t lo = 0, hi = c->n_terms;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int r = cmp_bytes(c->terms[mid].s, c->terms[mid].len, t->term, t->term_len);
        if (r == 0) {
            uint32_t id = c->terms[mid].id;
            match m = {t->start, t->end, id, t->position, (c->flags[id] & T_FREE) != 0};
            if (ngi_buf_append(c->matches, &m, sizeof m)) return NG_ENOMEM;
            return c->matches->len / sizeof m >= MAX_MATCHES;
        }
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = 0; i < c->n_prefixes; i++) {
        const qterm *pre = &c->prefixes[i];
        if (t->term_len < pre->len || memcmp(t->term, pre->s, pre->len)) continue;
        match m = {t->start, t->end, pre->id, t->position, 1};
        if (ngi_buf_append(c->matches, &m, sizeof m)) return NG_ENOMEM;
        return c->matches->len / sizeof m >= MAX_MATCHES;
    }
    return 0;
}

/* The match at analyzer position p with term id, or NULL (m is in
 * position order). */
static match *match_at(match *m, size_t n, uint32_t p, uint32_t id) {
    size_t lo = 0, hi = n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (m[mid].pos < p)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < n && m[lo].pos == p && m[lo].id == id ? &m[lo] : NULL;
}

/* Keeps the phrase-only words that form an occurrence of phrase n. */
static void keep_phrase(const ng_query *q, const ngi_qnode *n, match *m, size_t cnt) {
    const ngi_qword *w = q->words + n->first;
    for (size_t i = 0; i < cnt; i++) {
        if (m[i].id != w[0].term) continue;
        uint32_t k = 1;
        while (k < n->n && match_at(m, cnt, m[i].pos + w[k].rel, w[k].term)) k++;
        if (k < n->n) continue;
        for (k = 0; k < n->n; k++)
            match_at(m, cnt, m[i].pos + w[k].rel, w[k].term)->keep = 1;
    }
}

static void keep_phrases(const ng_query *q, uint32_t ni, match *m, size_t cnt) {
    const ngi_qnode *n = &q->nodes[ni];
    if (n->occur == NGI_NOT) return;
    if (n->kind == NGI_Q_PHRASE && !n->slop) keep_phrase(q, n, m, cnt);
    if (n->kind == NGI_Q_GROUP)
        for (uint32_t c = n->child; c != NGI_QNONE; c = q->nodes[c].next)
            keep_phrases(q, c, m, cnt);
}

/* Drops the words of phrases that are not inside an occurrence. */
static size_t filter_matches(const ng_query *q, match *m, size_t n) {
    keep_phrases(q, q->root, m, n);
    size_t k = 0;
    for (size_t i = 0; i < n; i++)
        if (m[i].keep) m[k++] = m[i];
    return k;
}

/* Index of the first match of the best window; *last = its last match. */
static size_t best_window(const match *m, size_t n, size_t target, size_t *last) {
    size_t best = 0, best_d = 0, best_c = 0;
    *last = 0;
    for (size_t i = 0; i < n; i++) {
        size_t d = 0, c = 0, j = i;
        for (; j < n && m[j].end - m[i].start <= target; j++) {
            size_t k = i;
            while (k < j && m[k].id != m[j].id) k++;
            d += k == j;
            c++;
        }
        if (d > best_d || (d == best_d && c > best_c)) {
            best = i;
            best_d = d;
            best_c = c;
            *last = j ? j - 1 : 0;
        }
    }
    if (*last < best) *last = best;
    return best;
}

static int is_sp(unsigned char c) {
    return c == ' ' || (c >= 9 && c <= 13);
}

/* Length of the valid UTF-8 sequence at s (0 when invalid). */
static size_t utf8_len(const unsigned char *s, size_t n) {
    if (s[0] < 0x80) return 1;
    size_t len = s[0] >= 0xF0 && s[0] <= 0xF4  ? 4
                 : s[0] >= 0xE0                ? 3
                 : s[0] >= 0xC2 && s[0] < 0xE0 ? 2
                                               : 0;
    if (!len || len > n) return 0;
    for (size_t i = 1; i < len; i++)
        if ((s[i] & 0xC0) != 0x80) return 0;
    if (len == 3 && ((s[0] == 0xE0 && s[1] < 0xA0) || (s[0] == 0xED && s[1] >= 0xA0)))
        return 0;
    if (len == 4 && ((s[0] == 0xF0 && s[1] < 0x90) || (s[0] == 0xF4 && s[1] >= 0x90)))
        return 0;
    return len;
}

/* Appends text[a..b) with control characters as spaces and invalid
 * UTF-8 bytes as '?', so byte offsets are kept. */
static int append_clean(ngi_buf *out, const char *text, size_t a, size_t b) {
    if (ngi_buf_reserve(out, b - a)) return NG_ENOMEM;
    const unsigned char *s = (const unsigned char *)text;
    for (size_t i = a; i < b;) {
        size_t l = utf8_len(s + i, b - i);
        if (l == 0) {
            out->data[out->len++] = '?';
            i++;
        } else if (l == 1) {
            out->data[out->len++] =
                is_sp(s[i]) || s[i] < 0x20 || s[i] == 0x7f ? ' ' : s[i];
            i++;
        } else {
            memcpy(out->data + out->len, s + i, l);
            out->len += l;
            i += l;
        }
    }
    return 0;
}

/* Picks [*a, *b): the window around matches m[f..l], widened to about
 * target bytes and cut at word boundaries (or at least characters). */
static void cut(const char *text, size_t len, size_t ms, size_t me, size_t target,
                size_t *a, size_t *b) {
    const unsigned char *s = (const unsigned char *)text;
    size_t used = me - ms, slack = target > used ? target - used : 0;
    size_t start = ms > slack / 3 ? ms - slack / 3 : 0;
    if (start > 0) /* start at a word start, not before the first match */
        while (start < ms && !is_sp(s[start - 1])) start++;
    while (start < ms && is_sp(s[start])) start++;
    size_t end = start + target;
    if (end < me) end = me;
    if (end >= len) {
        end = len;
    } else {
        size_t e = end;
        while (e > me && !is_sp(s[e])) e--;
        if (e > me)
            end = e;
        else
            while (end > me && (s[end] & 0xC0) == 0x80) end--;
    }
    while (end > start && is_sp(s[end - 1])) end--;
    *a = start;
    *b = end;
}

static int build(const char *text, size_t len, const match *m, size_t n, size_t target,
                 ngi_buf *out, ngi_buf *spans) {
    size_t last, first = n ? best_window(m, n, target, &last) : 0;
    size_t a, b;
    if (n)
        cut(text, len, m[first].start, m[last].end, target, &a, &b);
    else
        cut(text, len, 0, 0, target, &a, &b);
    size_t pre = out->len;
    if (a > 0 && ngi_buf_append(out, ELLIPSIS, 3)) return NG_ENOMEM;
    size_t shift = out->len - pre;
    if (append_clean(out, text, a, b)) return NG_ENOMEM;
    if (b < len && ngi_buf_append(out, ELLIPSIS, 3)) return NG_ENOMEM;
    size_t ours = spans->len; /* spans before it belong to other hits */
    for (size_t i = 0; i < n; i++) {
        if (m[i].start < a || m[i].end > b) continue;
        ng_span sp = {m[i].start - a + shift + pre, m[i].end - a + shift + pre};
        ng_span *prev =
            spans->len > ours ? (ng_span *)(spans->data + spans->len) - 1 : NULL;
        if (prev && sp.start <= prev->end) {            /* touching or overlapping (CJK */
            if (sp.end > prev->end) prev->end = sp.end; /* bigrams): one span */
            continue;
        }
        if (ngi_buf_append(spans, &sp, sizeof sp)) return NG_ENOMEM;
    }
    return 0;
}

/* Gates the analyzer (ngi_analyzer_set_gate) to the first bytes of the
 * terms and prefixes sought, as grep mode does: the plain ASCII words
 * that cannot become one of them keep their positions but skip the term
 * cache and the stemmer, which were most of a snippet's time on long
 * texts. Returns whether the gate is on (the stemmer allows it). */
static bool gate_on_terms(ng_analyzer *a, const qterm *terms, size_t nt, const qterm *pre,
                          size_t np) {
    bool first[256] = {0};
    uint8_t pairs[NGI_GATE2_BYTES] = {0};
    for (size_t i = 0; i < nt + np; i++) {
        const qterm *t = i < nt ? &terms[i] : &pre[i - nt];
        if (!t->len) return false; /* matches every word */
        unsigned c0 = (unsigned char)t->s[0];
        first[c0] = true;
        if (t->len == 1) {
            memset(pairs + c0 * 32, 0xff, 32);
        } else {
            unsigned pair = c0 << 8 | (unsigned char)t->s[1];
            pairs[pair >> 3] |= (uint8_t)(1u << (pair & 7));
        }
    }
    return ngi_analyzer_set_gate(a, first, pairs);
}

int ngi_snippet_build(ng_analyzer *a, const ng_query *q, const char *text, size_t len,
                      size_t target, ngi_buf *out, ngi_buf *spans) {
    uint8_t *pos = ngi_calloc(q->n_terms ? q->n_terms : 1, 1);
    qterm *terms = ngi_calloc(q->n_terms ? q->n_terms : 1, sizeof *terms);
    size_t np = 0;
    qterm *pre = ngi_calloc(q->n_prefix_nodes ? q->n_prefix_nodes : 1, sizeof *pre);
    ngi_buf matches = NGI_BUF_INIT;
    int rc = pos && terms && pre ? 0 : NG_ENOMEM;
    if (!rc) {
        mark_positive(q, q->root, pos);
        size_t nt = 0;
        for (uint32_t t = 0; t < q->n_terms; t++)
            if (pos[t]) terms[nt++] = (qterm){ngi_query_term(q, t), q->term_len[t], t};
        qsort(terms, nt, sizeof *terms, cmp_qterm);
        positive_prefixes(q, q->root, pre, &np, (uint32_t)q->n_terms);
        snip_ctx c = {terms, nt, pre, np, pos, &matches};
        if ((nt || np) && len) {
            bool gated = gate_on_terms(a, terms, nt, pre, np);
            rc = ng_analyzer_tokenize(a, text, len, 0, on_token, &c);
            if (gated) ngi_analyzer_set_gate(a, NULL, NULL);
        }
        if (rc > 0) rc = 0; /* stopped at MAX_MATCHES */
    }
    size_t nm = 0;
    if (!rc) nm = filter_matches(q, (match *)matches.data, matches.len / sizeof(match));
    if (!rc) rc = build(text, len, (const match *)matches.data, nm, target, out, spans);
    ngi_buf_free(&matches);
    ngi_free(terms);
    ngi_free(pre);
    ngi_free(pos);
    return rc;
}
