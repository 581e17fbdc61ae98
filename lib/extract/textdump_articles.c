/*
 * textdump_articles.c — cutting the articles out of a dump whose lines are
 * classified (textdump.c): the bodies, the plain reading, several articles
 * around repeated headlines, one article without one.
 */
#include <string.h>

#include "common/buf.h"
#include "extract/textdump_int.h"

/* ---- bodies ------------------------------------------------------------ */

/* Marks in keep[] the lines of [from, to) that belong to an article body:
 * not a headline, date line, chrome or repeated label, not in a box of
 * links, not a label at either edge. Returns how many paragraphs it kept. */
static size_t filter_body(const dump *d, size_t from, size_t to, unsigned char *keep) {
    int box = 0;
    for (size_t i = from; i < to; i++) {
        const tline *l = &d->lines[i];
        keep[i] = 0;
        if (l->headline || l->is_date) {
            box = 0;
            continue;
        }
        if (l->chrome) {
            box |= l->box;
            continue;
        }
        if (l->count >= 2 && (!l->para || l->group != i))
            continue; /* repeated furniture, or a paragraph seen before */
        if (box) {
            /* A box ends where two paragraphs follow each other. */
            if (!(l->para && i + 1 < to && d->lines[i + 1].para)) continue;
            box = 0;
        }
        keep[i] = 1;
    }
    size_t first = from, last = to;
    while (first < last && (!keep[first] || d->lines[first].label)) /* edge labels */
        keep[first++] = 0;
    /* The body ends with its last paragraph: short lines after it are a
     * tail of links, captions and buttons. */
    while (last > first && (!keep[last - 1] || !d->lines[last - 1].para))
        keep[--last] = 0;
    size_t paras = 0;
    for (size_t i = first; i < last; i++) paras += keep[i] && d->lines[i].para;
    return paras;
}

/* Appends the kept lines of [from, to) to b; lines that stood apart (a
 * blank line or dropped lines between) are separated by a blank line. */
static int append_body(const dump *d, size_t from, size_t to, const unsigned char *keep,
                       ngi_buf *b) {
    size_t prev = SIZE_MAX;
    for (size_t i = from; i < to; i++) {
        if (!keep[i]) continue;
        const tline *l = &d->lines[i];
        if (b->len) {
            int apart = prev == SIZE_MAX || prev + 1 != i || l->blank_before;
            if (ngi_buf_append(b, apart ? "\n\n" : "\n", apart ? 2 : 1)) return NG_ENOMEM;
        }
        if (ngi_buf_append(b, d->text + l->off, l->len)) return NG_ENOMEM;
        prev = i;
    }
    return 0;
}

/* ---- results ----------------------------------------------------------- */

static int push_article(ngi_td_result *r, size_t *cap, const char *title, size_t tlen,
                        ngi_buf *body, const char *date) {
    if (r->count == *cap) {
        size_t c = *cap ? *cap * 2 : 4;
        ngi_td_article *a = ngi_realloc(r->articles, c * sizeof *a);
        if (!a) return NG_ENOMEM;
        r->articles = a;
        *cap = c;
    }
    ngi_td_article *a = &r->articles[r->count];
    memset(a, 0, sizeof *a);
    a->title = ngi_strndup(title ? title : "", title ? tlen : 0);
    a->body = ngi_strndup(body->data ? (const char *)body->data : "", body->len);
    if (!a->title || !a->body) {
        ngi_free(a->title);
        ngi_free(a->body);
        return NG_ENOMEM;
    }
    a->title_len = title ? tlen : 0;
    a->body_len = body->len;
    if (date && date[0]) memcpy(a->date, date, 11);
    r->count++;
    return 0;
}

/* Title without Markdown heading marks. */
static void title_span(const char *s, size_t n, const char **t, size_t *tn) {
    while (n && *s == '#') s++, n--;
    while (n && is_space((unsigned char)*s)) s++, n--;
    *t = s;
    *tn = n;
}

/* The plain reading: title = the first line (without "#"), body = the
 * rest, trimmed, byte for byte. */
int ngi_td_split_plain(const char *s, size_t n, ngi_td_result *r) {
    size_t i = 0, cap = 0;
    if (n >= 3 && memcmp(s, "\xEF\xBB\xBF", 3) == 0) i = 3;
    while (i < n && (is_space((unsigned char)s[i]) || s[i] == '\n')) i++;
    if (i == n) return 0;
    const char *eol = memchr(s + i, '\n', n - i);
    size_t te = eol ? (size_t)(eol - s) : n, bs = eol ? te + 1 : n, be = n;
    while (te > i && is_space((unsigned char)s[te - 1])) te--;
    while (bs < n && (is_space((unsigned char)s[bs]) || s[bs] == '\n')) bs++;
    while (be > bs && (is_space((unsigned char)s[be - 1]) || s[be - 1] == '\n')) be--;
    const char *t;
    size_t tn;
    title_span(s + i, te - i, &t, &tn);
    ngi_buf body = {(uint8_t *)(uintptr_t)(s + bs), be - bs, 0}; /* borrowed */
    return push_article(r, &cap, t, tn, &body, NULL);
}

/* ---- several articles around repeated headlines ------------------------ */

typedef struct cluster {
    size_t group;       /* the headline's line group */
    size_t first, last; /* its first and last occurrence in this run */
} cluster;

typedef struct art {
    size_t group; /* headline */
    size_t seg;   /* the segment holding its body, or SIZE_MAX */
    char date[11];
} art;

typedef struct layout {
    cluster *cl;
    size_t ncl;
    size_t *seg_from, *seg_to; /* segment k: lines [from, to); ncl + 1 of them */
    size_t *paras;             /* paragraphs kept in segment k */
    size_t *owner;             /* article owning segment k, or SIZE_MAX */
    art *arts;
    size_t nart;
    size_t *art_of; /* article of a headline, by its group's line */
    unsigned char *keep;
} layout;

static void layout_free(layout *L) {
    ngi_free(L->cl);
    ngi_free(L->seg_from);
    ngi_free(L->seg_to);
    ngi_free(L->paras);
    ngi_free(L->owner);
    ngi_free(L->arts);
    ngi_free(L->art_of);
    ngi_free(L->keep);
}

static size_t art_of_group(const layout *L, size_t group) {
    return L->art_of[group];
}

static void give_date(art *a, const char *date) {
    if (a && !a->date[0]) memcpy(a->date, date, 11);
}

/* Runs of the same headline with no paragraph between them form one
 * cluster; the lines between clusters are segments. */
static int find_clusters(const dump *d, layout *L) {
    size_t n = d->n;
    L->cl = ngi_malloc((n + 1) * sizeof *L->cl);
    L->seg_from = ngi_malloc((n + 2) * sizeof(size_t));
    L->seg_to = ngi_malloc((n + 2) * sizeof(size_t));
    L->paras = ngi_malloc((n + 2) * sizeof(size_t));
    L->owner = ngi_malloc((n + 2) * sizeof(size_t));
    L->arts = ngi_malloc((n + 1) * sizeof *L->arts);
    L->art_of = ngi_malloc((n + 1) * sizeof(size_t));
    L->keep = ngi_calloc(n + 1, 1);
    if (!L->cl || !L->seg_from || !L->seg_to || !L->paras || !L->owner || !L->arts ||
        !L->art_of || !L->keep)
        return NG_ENOMEM;
    for (size_t i = 0; i < n; i++) L->art_of[i] = SIZE_MAX;
    size_t seg_start = 0;
    for (size_t i = 0; i < n; i++) {
        const tline *l = &d->lines[i];
        if (!l->headline) continue;
        cluster *prev = L->ncl ? &L->cl[L->ncl - 1] : NULL;
        if (prev && prev->group == l->group &&
            filter_body(d, prev->last + 1, i, L->keep) == 0) {
            prev->last = i; /* the same headline again, nothing between */
        } else {
            L->seg_from[L->ncl] = seg_start;
            L->seg_to[L->ncl] = i;
            L->cl[L->ncl++] = (cluster){l->group, i, i};
            if (L->art_of[l->group] == SIZE_MAX) {
                L->art_of[l->group] = L->nart;
                L->arts[L->nart++] = (art){l->group, SIZE_MAX, ""};
            }
        }
        seg_start = i + 1;
    }
    L->seg_from[L->ncl] = seg_start;
    L->seg_to[L->ncl] = n;
    for (size_t k = 0; k <= L->ncl; k++) {
        L->paras[k] = filter_body(d, L->seg_from[k], L->seg_to[k], L->keep);
        L->owner[k] = SIZE_MAX;
    }
    return 0;
}

static int seg_free(const layout *L, size_t k) {
    return k <= L->ncl && L->paras[k] && L->owner[k] == SIZE_MAX;
}

static void claim(layout *L, size_t a, size_t k) {
    L->arts[a].seg = k;
    L->owner[k] = a;
}

/* Gives each headline its body segment (see the top of the file). */
static void assign_segments(layout *L) {
    /* Framed: the same headline before and after. */
    for (size_t c = 1; c < L->ncl; c++) {
        size_t a = art_of_group(L, L->cl[c].group);
        if (L->cl[c - 1].group == L->cl[c].group && L->arts[a].seg == SIZE_MAX &&
            seg_free(L, c))
            claim(L, a, c);
    }
    /* Which side do the others' bodies stand on? Segment c is before
     * cluster c, segment c + 1 after it. */
    size_t before = 0, after = 0;
    for (size_t c = 0; c < L->ncl; c++) {
        if (L->arts[art_of_group(L, L->cl[c].group)].seg != SIZE_MAX) continue;
        int b = seg_free(L, c), f = seg_free(L, c + 1);
        before += b && !f;
        after += f && !b;
    }
    for (size_t c = 0; c < L->ncl; c++) {
        size_t a = art_of_group(L, L->cl[c].group);
        if (L->arts[a].seg != SIZE_MAX) continue;
        int b = seg_free(L, c), f = seg_free(L, c + 1);
        if (f && (!b || after >= before))
            claim(L, a, c + 1);
        else if (b)
            claim(L, a, c);
    }
}

/* Dates: a date line inside a cluster, or at the head of a segment, is the
 * date of the headline just above it; elsewhere, of the segment's article. */
static void assign_dates(const dump *d, layout *L) {
    for (size_t c = 0; c < L->ncl; c++)
        for (size_t i = L->cl[c].first; i <= L->cl[c].last; i++)
            if (d->lines[i].is_date)
                give_date(&L->arts[art_of_group(L, L->cl[c].group)], d->lines[i].date);
    for (size_t k = 0; k <= L->ncl; k++) {
        int head = 1;
        for (size_t i = L->seg_from[k]; i < L->seg_to[k]; i++) {
            const tline *l = &d->lines[i];
            if (l->is_date) {
                size_t a =
                    head && k > 0 ? art_of_group(L, L->cl[k - 1].group) : L->owner[k];
                if (a != SIZE_MAX) give_date(&L->arts[a], l->date);
            } else if (l->para) {
                head = 0;
            }
        }
    }
}

int ngi_td_split_headlines(const dump *d, ngi_td_result *r) {
    layout L = {0};
    size_t cap = 0;
    ngi_buf body = NGI_BUF_INIT;
    int rc = find_clusters(d, &L);
    if (rc == 0) {
        assign_segments(&L);
        assign_dates(d, &L);
    }
    for (size_t a = 0; rc == 0 && a < L.nart; a++) {
        size_t k = L.arts[a].seg;
        if (k == SIZE_MAX)
            continue; /* a headline without a body: a link to another page */
        ngi_buf_reset(&body);
        filter_body(d, L.seg_from[k], L.seg_to[k], L.keep);
        rc = append_body(d, L.seg_from[k], L.seg_to[k], L.keep, &body);
        const tline *h = &d->lines[L.arts[a].group];
        const char *t;
        size_t tn;
        title_span(d->text + h->off, h->len, &t, &tn);
        if (rc == 0) rc = push_article(r, &cap, t, tn, &body, L.arts[a].date);
    }
    ngi_buf_free(&body);
    layout_free(&L);
    return rc;
}

/* ---- one article without a repeated headline --------------------------- */

static size_t first_where(const dump *d, size_t from, size_t to, int para, int date) {
    for (size_t i = from; i < to; i++) {
        const tline *l = &d->lines[i];
        if (!l->chrome && ((para && l->para) || (date && l->is_date))) return i;
    }
    return SIZE_MAX;
}

/* The headline just above line `at`: the nearest titleish line among the
 * few lines before it (labels, chrome and date lines are stepped over). */
static size_t headline_above(const dump *d, size_t at) {
    for (size_t i = at, seen = 0; i-- > 0 && seen < 4;) {
        const tline *l = &d->lines[i];
        if (l->chrome || l->is_date || (l->label && !l->titleish)) continue;
        if (l->titleish && !l->sentence) return i;
        if (l->para) break;
        seen++;
    }
    return SIZE_MAX;
}

int ngi_td_split_single(const dump *d, ngi_td_result *r) {
    size_t first_para = first_where(d, 0, d->n, 1, 0);
    size_t first_date =
        first_where(d, 0, first_para == SIZE_MAX ? d->n : first_para, 0, 1);
    size_t h = first_date != SIZE_MAX ? headline_above(d, first_date) : SIZE_MAX;
    if (h == SIZE_MAX && first_para != SIZE_MAX) h = headline_above(d, first_para);
    size_t any_date = first_where(d, 0, d->n, 0, 1);
    const char *date = any_date != SIZE_MAX ? d->lines[any_date].date : NULL;
    unsigned char *keep = ngi_calloc(d->n + 1, 1);
    ngi_buf body = NGI_BUF_INIT;
    size_t cap = 0, from = h == SIZE_MAX ? 0 : h + 1;
    int rc = keep ? 0 : NG_ENOMEM;
    if (rc == 0) {
        filter_body(d, from, d->n, keep);
        rc = append_body(d, from, d->n, keep, &body);
    }
    const char *t = "";
    size_t tn = 0;
    if (h != SIZE_MAX) title_span(d->text + d->lines[h].off, d->lines[h].len, &t, &tn);
    if (rc == 0) rc = push_article(r, &cap, t, tn, &body, date);
    ngi_buf_free(&body);
    ngi_free(keep);
    return rc;
}
