/*
 * html.c — HTML page -> article document(s), through libxml2's HTML parser
 * (recovering, no network). Finds the title, the date and the article body,
 * drops page furniture (scripts, styles, navigation, headers, footers,
 * asides, forms) and the short lines a scraped page repeats (menus, "most
 * read" headlines). Every <article> that is not inside another one is a
 * document of its own when a page has several.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "ingest.h"

#define MAX_ARTICLES 256    /* documents taken from one page */
#define BOILERPLATE_MAX 120 /* repeated lines up to this length are dropped */
#define MAX_DEPTH 256       /* tree depth walked (libxml2 caps it too) */

typedef struct page {
    xmlNodePtr articles[MAX_ARTICLES]; /* top-level <article> elements */
    size_t n_articles;                 /* entries used */
    xmlNodePtr main;                   /* first <main> (or role=main) */
    xmlNodePtr body;                   /* <body> */
    xmlNodePtr title_el;               /* <title> */
    xmlNodePtr h1;                     /* first <h1> */
    char *og_title;                    /* meta og:title / twitter:title */
    char *meta_date;                   /* article:published_time & co. */
    char *time_date;                   /* first <time datetime> */
} page;

static bool name_is(xmlNodePtr n, const char *name)
{
    return n->type == XML_ELEMENT_NODE && n->name &&
           strcasecmp((const char *)n->name, name) == 0;
}

static char *attr(xmlNodePtr n, const char *name)
{
    return (char *)xmlGetProp(n, (const xmlChar *)name);
}

static bool attr_is(xmlNodePtr n, const char *name, const char *value)
{
    char *v = attr(n, name);
    bool r = v && strcasecmp(v, value) == 0;
    xmlFree(v);
    return r;
}

static const char *const date_metas[] = {
    "article:published_time", "og:published_time", "datepublished",
    "date", "pubdate", "publishdate", "dc.date", "dc.date.issued",
    "sailthru.date", "parsely-pub-date", "article.published", NULL};

static void meta(page *pg, xmlNodePtr n)
{
    char *key = attr(n, "property");
    if (!key)
        key = attr(n, "name");
    if (!key)
        key = attr(n, "itemprop");
    char *content = key ? attr(n, "content") : NULL;
    if (content && (strcasecmp(key, "og:title") == 0 || strcasecmp(key, "twitter:title") == 0)) {
        if (!pg->og_title)
            pg->og_title = content, content = NULL;
    } else if (content && !pg->meta_date) {
        for (int i = 0; date_metas[i]; i++)
            if (strcasecmp(key, date_metas[i]) == 0) {
                pg->meta_date = content, content = NULL;
                break;
            }
    }
    xmlFree(key);
    xmlFree(content);
}

/* One pass over the tree to find the landmarks. */
static void survey(page *pg, xmlNodePtr n, int depth, bool in_article)
{
    for (; n && depth < MAX_DEPTH; n = n->next) {
        if (n->type != XML_ELEMENT_NODE)
            continue;
        bool art = name_is(n, "article");
        if (name_is(n, "meta"))
            meta(pg, n);
        else if (name_is(n, "title") && !pg->title_el)
            pg->title_el = n;
        else if (name_is(n, "h1") && !pg->h1)
            pg->h1 = n;
        else if (name_is(n, "body") && !pg->body)
            pg->body = n;
        else if ((name_is(n, "main") || attr_is(n, "role", "main")) && !pg->main)
            pg->main = n;
        else if (name_is(n, "time") && !pg->time_date)
            pg->time_date = attr(n, "datetime");
        else if (art && !in_article && pg->n_articles < MAX_ARTICLES)
            pg->articles[pg->n_articles++] = n;
        survey(pg, n->children, depth + 1, in_article || art);
    }
}

/* ---- text extraction -------------------------------------------------- */

/* class/id words of page furniture that is not marked up as <nav> etc. */
static bool furniture_class(xmlNodePtr n)
{
    static const char *const words[] = {
        "menu", "nav", "navbar", "share", "sharing", "social", "related", "ad",
        "ads", "advert", "advertisement", "cookie", "cookies", "newsletter",
        "promo", "breadcrumb", "breadcrumbs", "subscribe", "comments", "sidebar",
        "skip", NULL};
    static const char *const attrs[] = {"class", "id", NULL};
    bool hit = false;
    for (int a = 0; attrs[a] && !hit; a++) {
        char *v = attr(n, attrs[a]);
        for (char *save = NULL, *w = v ? strtok_r(v, " \t-_", &save) : NULL; w && !hit;
             w = strtok_r(NULL, " \t-_", &save))
            for (int i = 0; words[i] && !hit; i++)
                hit = strcasecmp(w, words[i]) == 0;
        xmlFree(v);
    }
    return hit;
}

static bool dropped(xmlNodePtr n)
{
    static const char *const drop[] = {
        "script", "style", "nav", "header", "footer", "aside", "form",
        "noscript", "template", "svg", "iframe", "button", "select",
        "textarea", "object", "canvas", "menu", "dialog", NULL};
    for (int i = 0; drop[i]; i++)
        if (name_is(n, drop[i]))
            return true;
    return attr_is(n, "role", "navigation") || attr_is(n, "aria-hidden", "true") ||
           attr_is(n, "hidden", "hidden") || furniture_class(n);
}

static bool block_level(xmlNodePtr n)
{
    static const char *const blocks[] = {
        "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5",
        "h6", "section", "article", "main", "blockquote", "pre", "tr",
        "table", "figure", "figcaption", "dd", "dt", "dl", "hr", "td", "th",
        "address", "body", "caption", NULL};
    for (int i = 0; blocks[i]; i++)
        if (name_is(n, blocks[i]))
            return true;
    return false;
}

/* Appends the visible text under n; block elements end lines. */
static int collect(ngc_buf *out, xmlNodePtr n, int depth)
{
    for (; n && depth < MAX_DEPTH; n = n->next) {
        if (n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) {
            /* Source line breaks inside a paragraph are spaces. */
            const char *t = (const char *)n->content;
            size_t at = out->len;
            if (t && ngc_buf_add(out, t, strlen(t)) < 0)
                return -1;
            for (size_t i = at; i < out->len; i++)
                if (out->data[i] == '\n')
                    out->data[i] = ' ';
        } else if (n->type == XML_ELEMENT_NODE && !dropped(n)) {
            bool blk = block_level(n);
            if (blk && ngc_buf_addc(out, '\n') < 0)
                return -1;
            if (collect(out, n->children, depth + 1) < 0)
                return -1;
            if (blk && ngc_buf_addc(out, '\n') < 0)
                return -1;
        }
    }
    return 0;
}

/* Collapses white space (also U+00A0) inside each line and drops empty
 * lines; the result is one line per paragraph. */
static void normalise_lines(ngc_buf *b)
{
    size_t o = 0;
    bool space = false, line_has = false;
    for (size_t i = 0; i < b->len; i++) {
        unsigned char c = (unsigned char)b->data[i];
        if (c == 0xC2 && i + 1 < b->len && (unsigned char)b->data[i + 1] == 0xA0) {
            i++;
            c = ' ';
        }
        if (c == '\n') {
            if (line_has)
                b->data[o++] = '\n';
            line_has = space = false;
        } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v') {
            space = line_has;
        } else {
            if (space)
                b->data[o++] = ' ';
            b->data[o++] = (char)c;
            space = false;
            line_has = true;
        }
    }
    if (o && b->data[o - 1] != '\n')
        b->data[o++] = '\n';
    b->len = o;
}

/* Lines: an index of [start, end) pairs over a normalised buffer. */
typedef struct lines {
    size_t *at;  /* start offsets */
    size_t *len; /* lengths (without the newline) */
    size_t n;    /* lines */
} lines;

static int split_lines(const ngc_buf *b, lines *ls)
{
    size_t n = 0;
    for (size_t i = 0; i < b->len; i++)
        n += b->data[i] == '\n';
    ls->at = malloc((n + 1) * sizeof *ls->at);
    ls->len = malloc((n + 1) * sizeof *ls->len);
    if (!ls->at || !ls->len)
        return -1;
    ls->n = 0;
    for (size_t i = 0, s = 0; i < b->len; i++)
        if (b->data[i] == '\n') {
            ls->at[ls->n] = s;
            ls->len[ls->n++] = i - s;
            s = i + 1;
        }
    return 0;
}

/* Counts of lines by hash (FNV-1a, 64 bits): a page's lines, or the lines
 * of a document seen so far. A hash collision can only drop a line. */
typedef struct line_counts {
    uint64_t *hash;  /* 0 = empty slot */
    uint32_t *count; /* occurrences */
    size_t mask;     /* slots - 1 (a power of two) */
} line_counts;

static uint64_t line_hash(const char *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (unsigned char)p[i]) * 0x100000001b3ull;
    return h ? h : 1;
}

static int counts_init(line_counts *c, size_t n)
{
    size_t slots = 16;
    while (slots < n * 2)
        slots *= 2;
    c->hash = calloc(slots, sizeof *c->hash);
    c->count = calloc(slots, sizeof *c->count);
    c->mask = slots - 1;
    return c->hash && c->count ? 0 : -1;
}

/* Adds one to the line's count (add = 0: only looks, never inserts, so
 * a table sized for its inserts never fills up); returns the count. */
static uint32_t counts_bump(line_counts *c, const char *p, size_t n, uint32_t add)
{
    uint64_t h = line_hash(p, n);
    size_t i = h & c->mask;
    while (c->hash[i] && c->hash[i] != h)
        i = (i + 1) & c->mask;
    if (!c->hash[i] && !add)
        return 0;
    c->hash[i] = h;
    return c->count[i] += add;
}

static void counts_free(line_counts *c)
{
    free(c->hash);
    free(c->count);
}

/* Rebuilds text without boilerplate: short lines that occur more than once
 * in the whole page (pagetext) are dropped everywhere; a longer line is
 * kept once; a line equal to the title is dropped (it is indexed as the
 * title). */
static int drop_boilerplate(ngc_buf *text, const ngc_buf *pagetext, const char *title)
{
    lines ls = {0}, pl = {0};
    line_counts onpage = {0}, seen = {0};
    ngc_buf out = {0};
    int rc = -1;
    if (split_lines(text, &ls) < 0 || split_lines(pagetext, &pl) < 0 ||
        counts_init(&onpage, pl.n) < 0 || counts_init(&seen, ls.n) < 0)
        goto done;
    for (size_t i = 0; i < pl.n; i++)
        counts_bump(&onpage, pagetext->data + pl.at[i], pl.len[i], 1);
    size_t tl = title ? strlen(title) : 0;
    for (size_t i = 0; i < ls.n; i++) {
        const char *p = text->data + ls.at[i];
        size_t n = ls.len[i];
        if (title && n == tl && memcmp(p, title, n) == 0)
            continue;
        if (n <= BOILERPLATE_MAX && counts_bump(&onpage, p, n, 0) > 1)
            continue;
        if (counts_bump(&seen, p, n, 1) > 1)
            continue;
        if (ngc_buf_add(&out, p, n) < 0 || ngc_buf_addc(&out, '\n') < 0)
            goto done;
    }
    if (out.len)
        out.len--; /* no final newline */
    ngc_buf_free(text);
    *text = out;
    out.data = NULL;
    rc = 0;
done:
    free(ls.at);
    free(ls.len);
    free(pl.at);
    free(pl.len);
    counts_free(&onpage);
    counts_free(&seen);
    ngc_buf_free(&out);
    return rc;
}

/* ---- title and date ----------------------------------------------------- */

/* Plain text of an element, white space collapsed; malloc'ed. */
static char *text_of(xmlNodePtr n)
{
    ngc_buf b = {0};
    if (collect(&b, n->children, 0) < 0) {
        ngc_buf_free(&b);
        return NULL;
    }
    for (size_t i = 0; i < b.len; i++)
        if (b.data[i] == '\n')
            b.data[i] = ' ';
    normalise_lines(&b);
    if (b.len && b.data[b.len - 1] == '\n')
        b.len--;
    ngc_buf_cstr(&b);
    return b.data;
}

/* "Summit ends | The Daily Planet" -> "Summit ends" (also " - ", " — "). */
static void strip_site_suffix(char *t)
{
    static const char *const seps[] = {" | ", " - ", " \xe2\x80\x94 ", " \xe2\x80\x93 ", NULL};
    for (int i = 0; seps[i]; i++) {
        char *p = NULL, *q = t;
        while ((q = strstr(q, seps[i])) != NULL)
            p = q++;
        if (p && p != t) {
            *p = '\0';
            return;
        }
    }
}

static xmlNodePtr first_named(xmlNodePtr n, const char *name, int depth);

static char *page_title(const page *pg, xmlNodePtr root)
{
    if (pg->og_title && *pg->og_title) {
        ngc_buf b = {0};
        if (ngc_buf_add(&b, pg->og_title, strlen(pg->og_title)) < 0 || !ngc_buf_cstr(&b))
            return NULL;
        normalise_lines(&b);
        if (b.len)
            b.data[--b.len] = '\0';
        if (b.len)
            return b.data;
        ngc_buf_free(&b);
    }
    if (pg->title_el) {
        char *t = text_of(pg->title_el);
        if (t && *t) {
            strip_site_suffix(t);
            return t;
        }
        free(t);
    }
    /* The article's own <h1> beats the site's logo heading. */
    xmlNodePtr h1 = root ? first_named(root, "h1", 0) : NULL;
    if (!h1)
        h1 = pg->h1;
    return h1 ? text_of(h1) : NULL;
}

static xmlNodePtr first_named(xmlNodePtr n, const char *name, int depth)
{
    for (xmlNodePtr c = n->children; c && depth < MAX_DEPTH; c = c->next) {
        if (name_is(c, name))
            return c;
        xmlNodePtr r = first_named(c, name, depth + 1);
        if (r)
            return r;
    }
    return NULL;
}

/* The first <h1> inside an article, else <h2>, else <h3> (pages with
 * several articles give each its own heading). */
static xmlNodePtr first_heading(xmlNodePtr n)
{
    static const char *const hs[] = {"h1", "h2", "h3", NULL};
    for (int h = 0; hs[h]; h++) {
        xmlNodePtr r = first_named(n, hs[h], 0);
        if (r)
            return r;
    }
    return NULL;
}

/* ---- documents -------------------------------------------------------- */

typedef struct emitter {
    const char *path;   /* the page's path (id and source) */
    ngc_doc_fn fn;      /* callback */
    void *ctx;          /* its context */
    ngc_buf pagetext;   /* the page's text, for the repeated-line test */
    ngc_docb d;         /* the document being built */
} emitter;

static int emit_doc(emitter *e, const char *id, char *title, const char *date,
                    ngc_buf *body)
{
    ngc_docb *d = &e->d;
    char iso[11];
    ngc_docb_reset(d);
    if (drop_boilerplate(body, &e->pagetext, title) < 0)
        return -1;
    int rc = ngc_docb_add(d, "id", 2, id, strlen(id), NG_FIELD_ID, NGC_COPY_VALUE);
    if (!rc && title && *title)
        rc = ngc_docb_add(d, "title", 5, title, strlen(title), NG_FIELD_TITLE, NGC_COPY_VALUE);
    if (!rc && date && ngc_date_normalize(date, strlen(date), iso) == 0)
        rc = ngc_docb_add(d, "date", 4, iso, 10, NG_FIELD_DATE, NGC_COPY_VALUE);
    if (!rc)
        rc = ngc_docb_add(d, "body", 4, body->data ? body->data : "", body->len,
                          NG_FIELD_BODY, NGC_COPY_VALUE);
    if (!rc)
        rc = ngc_docb_add(d, "source", 6, e->path, strlen(e->path), NG_FIELD_SOURCE,
                          NGC_COPY_VALUE);
    if (rc)
        return -1;
    if (!(title && *title) && body->len == 0)
        return 0; /* nothing to index */
    ng_document doc;
    ngc_docb_finish(d, &doc);
    int r = e->fn(e->ctx, &doc);
    return r ? r : 1;
}

static int emit_article(emitter *e, const page *pg, xmlNodePtr art, size_t k)
{
    char id[NG_MAX_ID_BYTES + 32];
    ngc_buf body = {0};
    char *title = NULL, *date = NULL;
    int rc = -1;
    if (collect(&body, art->children, 0) < 0)
        goto done;
    normalise_lines(&body);
    xmlNodePtr h = first_heading(art), t = first_named(art, "time", 0);
    title = h ? text_of(h) : NULL;
    date = t ? attr(t, "datetime") : NULL;
    if (!date && t)
        date = text_of(t);
    snprintf(id, sizeof id, "%.*s#%zu", NG_MAX_ID_BYTES - 24, e->path, k);
    rc = emit_doc(e, id, title, date ? date : (pg->meta_date ? pg->meta_date : pg->time_date),
                  &body);
done:
    free(title);
    free(date); /* xmlFree == free with the default allocator */
    ngc_buf_free(&body);
    return rc;
}

/* Visible text bytes under n (furniture excluded). */
static size_t text_len(xmlNodePtr n)
{
    ngc_buf b = {0};
    size_t len = n && collect(&b, n->children, 0) == 0 ? b.len : 0;
    ngc_buf_free(&b);
    return len;
}

/* The element holding the story: the page's only <article>, unless it is a
 * small box (a teaser, a related story) inside a larger <main>/<body>;
 * else <main>; else <body>. */
static xmlNodePtr story_root(const page *pg)
{
    xmlNodePtr outer = pg->main ? pg->main : pg->body;
    if (pg->n_articles == 1 && (!outer || text_len(pg->articles[0]) * 2 >= text_len(outer)))
        return pg->articles[0];
    return outer;
}

static int emit_page(emitter *e, const page *pg)
{
    xmlNodePtr root = story_root(pg);
    ngc_buf body = {0};
    char *title = page_title(pg, root);
    int rc = -1;
    if (root && collect(&body, root->children, 0) < 0)
        goto done;
    normalise_lines(&body);
    rc = emit_doc(e, e->path, title, pg->meta_date ? pg->meta_date : pg->time_date, &body);
done:
    free(title);
    ngc_buf_free(&body);
    return rc;
}

static void page_free(page *pg)
{
    xmlFree(pg->og_title);
    xmlFree(pg->meta_date);
    xmlFree(pg->time_date);
}

/* libxml2 assumes ISO-8859-1 without a declared charset; news pages
 * without one are almost always UTF-8. */
static const char *guess_encoding(const char *data, size_t len)
{
    size_t n = len < 4096 ? len : 4096;
    for (size_t i = 0; i + 7 <= n; i++)
        if (strncasecmp(data + i, "charset", 7) == 0)
            return NULL;
    return "UTF-8";
}

/* libxml2 reports encoding problems on stderr even with NOERROR; a page
 * with a bad byte is still read, so say nothing. */
static void silent(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

int ngc_html_extract(const char *data, size_t len, const char *path,
                     ngc_doc_fn fn, void *ctx, const char **why)
{
    *why = NULL;
    xmlSetGenericErrorFunc(NULL, silent);
    if (len > INT32_MAX) {
        *why = "page too large";
        return -1;
    }
    htmlDocPtr doc = htmlReadMemory(data, (int)len, NULL, guess_encoding(data, len),
                                    HTML_PARSE_RECOVER | HTML_PARSE_NOERROR |
                                        HTML_PARSE_NOWARNING | HTML_PARSE_NONET);
    if (!doc) {
        *why = "not an HTML page";
        return -1;
    }
    page pg = {0};
    emitter e = {path, fn, ctx, {0}, {0}};
    survey(&pg, xmlDocGetRootElement(doc), 0, false);
    int rc = 0, n = 0;
    if (pg.body && collect(&e.pagetext, pg.body->children, 0) < 0)
        rc = -1;
    normalise_lines(&e.pagetext);
    for (size_t k = 0; rc >= 0 && pg.n_articles > 1 && k < pg.n_articles; k++)
        if ((rc = emit_article(&e, &pg, pg.articles[k], k + 1)) == 1)
            n++;
    if (rc >= 0 && pg.n_articles <= 1 && (rc = emit_page(&e, &pg)) == 1)
        n++;
    if (rc == 1 || rc == 0) {
        rc = n;
        if (n == 0) {
            *why = "no text found in the page";
            rc = -1;
        }
    } else if (rc < 0 && !*why) {
        *why = "out of memory";
    }
    page_free(&pg);
    ngc_buf_free(&e.pagetext);
    ngc_docb_free(&e.d);
    xmlFreeDoc(doc);
    return rc;
}
