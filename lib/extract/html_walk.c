/*
 * html_walk.c — one pass over libxml2's tree. It numbers the elements (their
 * index is kept in node->_private), classifies each one (block or inline,
 * hidden, furniture by tag/role/class, article body by class), cuts the
 * visible text into blocks with white space collapsed, counts the text and
 * link bytes below every element, and picks up the metadata the page
 * declares (<meta>, <link rel=canonical>, JSON-LD, <time>, lang).
 *
 * The walk follows parent/next pointers instead of recursing, so a deeply
 * nested page costs no stack.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/html.h"

/* ---- element classes ---------------------------------------------------- */

static bool in_list(const char *name, const char *const *list) {
    for (; *list; list++)
        if (strcmp(name, *list) == 0) return true;
    return false;
}

static bool in_list_ci(const char *name, const char *const *list) {
    for (; *list; list++)
        if (strcasecmp(name, *list) == 0) return true;
    return false;
}

static const char *const hidden_tags[] = {
    "script", "style", "noscript", "template", "head",     "title",    "svg",    "iframe",
    "object", "embed", "canvas",   "select",   "option",   "textarea", "button", "input",
    "map",    "audio", "video",    "math",     "datalist", "meta",     "link",   NULL};

static const char *const block_tags[] = {
    "p",          "div",      "li",     "ul",         "ol",      "h1",      "h2",
    "h3",         "h4",       "h5",     "h6",         "section", "article", "main",
    "blockquote", "pre",      "tr",     "td",         "th",      "table",   "tbody",
    "thead",      "tfoot",    "figure", "figcaption", "dd",      "dt",      "dl",
    "address",    "body",     "html",   "caption",    "center",  "details", "summary",
    "dialog",     "fieldset", "legend", "header",     "footer",  "nav",     "aside",
    "form",       "hgroup",   "menu",   NULL};

/* Furniture by tag (the <header> of an article holds its headline and
 * byline: the metadata reads them, the body does not). */
static const char *const boiler_tags[] = {"nav",    "aside",      "menu",   "dialog",
                                          "header", "figcaption", "footer", NULL};

/* Words in class/id values that name page furniture (matched inside the
 * lower-cased value, so "main-sidebar" and "socialShare" hit too). */
static const char *const boiler_words[] = {"sidebar",       "comment",
                                           "share",         "sharing",
                                           "social",        "related",
                                           "recommend",     "newsletter",
                                           "cookie",        "consent",
                                           "breadcrumb",    "footer",
                                           "navbar",        "navigation",
                                           "menu",          "promo",
                                           "subscribe",     "subscription",
                                           "advert",        "sponsor",
                                           "outbrain",      "taboola",
                                           "disqus",        "pagination",
                                           "pager",         "topbar",
                                           "top-bar",       "skip",
                                           "toolbar",       "masthead",
                                           "login",         "signup",
                                           "sign-up",       "trending",
                                           "most-read",     "mostread",
                                           "teaser-list",   "more-articles",
                                           "read-more",     "readmore",
                                           "also-read",     "tag-list",
                                           "taglist",       "author-box",
                                           "authorbox",     "author-bio",
                                           "sr-only",       "visually-hidden",
                                           "screen-reader", "offscreen",
                                           "off-canvas",    "offcanvas",
                                           "caption",       "credit",
                                           "copyright",     "author",
                                           "autor",         NULL};

/* Weaker words: furniture only when the element is mostly links or holds
 * little text (page builders call every box a "widget"). */
static const char *const weak_words[] = {
    "widget", "banner",  "popup",   "modal",    "popular", "tags",
    "print",  "rating",  "paywall", "dropdown", "overlay", "carousel",
    "slider", "gallery", "ticker",  "jump",     NULL};

/* Whole tokens that name furniture (too short to match inside words). */
static const char *const boiler_tokens[] = {"nav",  "ad",    "ads", "adv", "aside",
                                            "meta", "share", "bio", NULL};

static const char *const weak_tokens[] = {"more",  "tag",   "hidden", "hide",
                                          "links", "extra", NULL};

/* Words that name an article's body. */
static const char *const positive_words[] = {"articlebody",      "article-body",
                                             "article__body",    "article_body",
                                             "article-content",  "articlecontent",
                                             "article__content", "article-text",
                                             "articletext",      "entry-content",
                                             "entrycontent",     "entry-body",
                                             "post-content",     "postcontent",
                                             "post-body",        "postbody",
                                             "post-entry",       "story-body",
                                             "storybody",        "story-content",
                                             "story-text",       "content-body",
                                             "body-text",        "bodytext",
                                             "text-content",     "main-content",
                                             "maincontent",      "article-main",
                                             "single-content",   "news-text",
                                             "newstext",         "richtext",
                                             "rich-text",        "blog-content",
                                             "blogpost",         "page-content",
                                             "td-post-content",  NULL};

static const char *const comment_words[] = {"comment", "disqus", "respond", "reply",
                                            NULL};

/* Lower-cased class and id of n into buf (truncated); false when both are
 * absent. */
static bool class_id(xmlNodePtr n, char *buf, size_t cap) {
    size_t o = 0;
    for (xmlAttrPtr a = n->properties; a; a = a->next) {
        const char *an = (const char *)a->name;
        if (strcmp(an, "class") != 0 && strcmp(an, "id") != 0) continue;
        if (!a->children || !a->children->content) continue;
        const char *v = (const char *)a->children->content;
        if (o && o + 1 < cap) buf[o++] = ' ';
        for (; *v && o + 1 < cap; v++) buf[o++] = (char)tolower((unsigned char)*v);
    }
    buf[o] = '\0';
    return o > 0;
}

static bool has_token(const char *s, const char *tok) {
    size_t n = strlen(tok);
    for (const char *p = s; (p = strstr(p, tok)) != NULL; p++) {
        bool start = p == s || !isalnum((unsigned char)p[-1]);
        bool end = !isalnum((unsigned char)p[n]);
        if (start && end) return true;
    }
    return false;
}

static bool has_word(const char *s, const char *const *words) {
    for (; *words; words++)
        if (strstr(s, *words)) return true;
    return false;
}

static bool any_token(const char *s, const char *const *toks) {
    for (; *toks; toks++)
        if (has_token(s, *toks)) return true;
    return false;
}

/* The value of attribute name, borrowed from the tree (NULL when absent
 * or not a single text node). */
static const char *attr(xmlNodePtr n, const char *name) {
    for (xmlAttrPtr a = n->properties; a; a = a->next)
        if (strcasecmp((const char *)a->name, name) == 0)
            return a->children && a->children->content
                       ? (const char *)a->children->content
                       : "";
    return NULL;
}

static bool attr_eq(xmlNodePtr n, const char *name, const char *value) {
    const char *v = attr(n, name);
    return v && strcasecmp(v, value) == 0;
}

static bool hidden_style(xmlNodePtr n) {
    const char *st = attr(n, "style");
    if (!st) return false;
    char buf[128];
    size_t o = 0;
    for (; *st && o + 1 < sizeof buf; st++)
        if (!isspace((unsigned char)*st)) buf[o++] = (char)tolower((unsigned char)*st);
    buf[o] = '\0';
    return strstr(buf, "display:none") || strstr(buf, "visibility:hidden");
}

/* Drupal puts "field-label-hidden" on every field whose label is hidden:
 * the label, not the field, is hidden. The word is blanked out. */
static void scrub_cms_words(char *ci) {
    for (char *p = ci; (p = strstr(p, "label-hidden")) != NULL; p += 12)
        memcpy(p + 6, "______", 6);
}

static void classify(hx_page *pg, hx_el *e, int32_t idx) {
    xmlNodePtr n = e->node;
    const char *name = (const char *)n->name;
    e->kind = HX_INLINE;
    /* (<noscript> is in hidden_tags for ngi_html_text_of.)
     * <noscript> is furniture ("enable JavaScript", a tracking pixel)
     * unless it holds the story, as a class word (html_main.c): Blogger
     * serves posts in one, and libxml2 does not close a <div> opened in
     * one at </noscript>, so the rest of such a page lands inside it. */
    if (!strcmp(name, "noscript")) {
        e->kind = HX_BLOCK;
        e->flags |= HX_BOILER | HX_CLASS_BOILER;
        return;
    }
    if (in_list(name, hidden_tags) || attr(n, "hidden") ||
        attr_eq(n, "aria-hidden", "true") || hidden_style(n)) {
        e->kind = HX_HIDDEN;
        return;
    }
    if (strcmp(name, "br") == 0 || strcmp(name, "hr") == 0) {
        e->kind = HX_BREAK;
        return;
    }
    if (in_list(name, block_tags)) e->kind = HX_BLOCK;
    if (name[0] == 'h' && name[1] >= '1' && name[1] <= '6' && !name[2]) {
        e->heading = (uint8_t)(name[1] - '0');
        e->flags |= HX_HEADING;
    }
    if (!strcmp(name, "p") || !strcmp(name, "pre") || !strcmp(name, "td"))
        e->flags |= HX_PARA;
    if (!strcmp(name, "li") || !strcmp(name, "dt") || !strcmp(name, "dd"))
        e->flags |= HX_LIST;
    if (!strcmp(name, "blockquote") || !strcmp(name, "q")) e->flags |= HX_QUOTE;
    if (!strcmp(name, "a") && attr(n, "href")) e->flags |= HX_LINK;
    if (in_list(name, boiler_tags)) e->flags |= HX_BOILER;
    /* A <header> or <footer> that holds the story is no furniture: let
     * html_main.c decide as for a class word. So for an <aside> that holds
     * most of the page's text (a site that wraps its article in one), but
     * not for one that holds an <article>: teasers are <article>s too. */
    if (!strcmp(name, "header") || !strcmp(name, "footer")) e->flags |= HX_CLASS_BOILER;
    if (!strcmp(name, "aside")) e->flags |= HX_CLASS_BOILER | HX_ASIDE;
    if (!strcmp(name, "article")) e->flags |= HX_ARTICLE;
    const char *role = attr(n, "role");
    if (role && (!strcasecmp(role, "navigation") || !strcasecmp(role, "banner") ||
                 !strcasecmp(role, "contentinfo") || !strcasecmp(role, "complementary") ||
                 !strcasecmp(role, "menu") || !strcasecmp(role, "dialog")))
        e->flags |= HX_BOILER | HX_CLASS_BOILER; /* misused on wrappers too */
    if ((role && !strcasecmp(role, "main")) || !strcmp(name, "main")) {
        if (pg->main < 0) pg->main = idx;
    }
    const char *ip = attr(n, "itemprop");
    if (ip && (!strcasecmp(ip, "articleBody") || !strcasecmp(ip, "text")))
        e->flags |= HX_POSITIVE;
    /* The outer elements carry page-wide classes ("has-sidebar"). */
    if (!strcmp(name, "html") || !strcmp(name, "body") || !strcmp(name, "main")) return;
    char ci[256];
    if (!class_id(n, ci, sizeof ci)) return;
    scrub_cms_words(ci);
    if (has_word(ci, positive_words)) {
        e->flags |= HX_POSITIVE;
        return;
    }
    if (has_word(ci, comment_words)) e->flags |= HX_COMMENTS;
    if (has_word(ci, boiler_words) || any_token(ci, boiler_tokens))
        e->flags |= HX_BOILER | HX_CLASS_BOILER;
    else if (has_word(ci, weak_words) || any_token(ci, weak_tokens))
        e->flags |= HX_CLASS_WEAK;
}

/* ---- metadata in tags --------------------------------------------------- */

static void keep_first(char **slot, const char *v) {
    if (!*slot && v) {
        while (isspace((unsigned char)*v)) v++;
        if (*v) *slot = strdup(v);
    }
}

static const char *const published_keys[] = {"article:published_time",
                                             "og:published_time",
                                             "article:published",
                                             "datepublished",
                                             "date",
                                             "pubdate",
                                             "publishdate",
                                             "publish-date",
                                             "publish_date",
                                             "dc.date",
                                             "dc.date.issued",
                                             "dc.date.created",
                                             "dcterms.date",
                                             "dcterms.issued",
                                             "dcterms.created",
                                             "sailthru.date",
                                             "parsely-pub-date",
                                             "article.published",
                                             "published_time",
                                             "published-date",
                                             "citation_publication_date",
                                             "citation_date",
                                             "originalpublicationdate",
                                             "og:pubdate",
                                             "date_published",
                                             "release_date",
                                             "created",
                                             "dc.created",
                                             "article:post_date",
                                             NULL};

static const char *const modified_keys[] = {
    "article:modified_time", "og:updated_time",  "datemodified",
    "last-modified",         "dcterms.modified", "dc.date.modified",
    "article:modified",      "modified",         NULL};

static const char *const author_keys[] = {
    "author",         "article:author",  "dc.creator",      "dcterms.creator", "byl",
    "parsely-author", "sailthru.author", "citation_author", "twitter:creator", NULL};

static void meta(hx_page *pg, xmlNodePtr n) {
    const char *key = attr(n, "property");
    if (!key) key = attr(n, "name");
    if (!key) key = attr(n, "itemprop");
    const char *content = attr(n, "content");
    const char *equiv = attr(n, "http-equiv");
    if (equiv && content && !strcasecmp(equiv, "content-language"))
        keep_first(&pg->lang, content);
    if (!key || !content) return;
    if (!strcasecmp(key, "og:title"))
        keep_first(&pg->og_title, content);
    else if (!strcasecmp(key, "twitter:title") || !strcasecmp(key, "dc.title") ||
             !strcasecmp(key, "headline"))
        keep_first(&pg->meta_title, content);
    else if (!strcasecmp(key, "og:site_name") || !strcasecmp(key, "application-name"))
        keep_first(&pg->og_site, content);
    else if (!strcasecmp(key, "og:url"))
        keep_first(&pg->og_url, content);
    else if (!strcasecmp(key, "og:locale") || !strcasecmp(key, "language") ||
             !strcasecmp(key, "dc.language"))
        keep_first(&pg->meta_lang, content);
    else if (in_list_ci(key, published_keys))
        keep_first(&pg->published, content);
    else if (in_list_ci(key, modified_keys))
        keep_first(&pg->modified, content);
    else if (in_list_ci(key, author_keys) && !strstr(content, "://") && content[0] != '@')
        keep_first(&pg->author, content);
}

/* Landmarks and metadata carried by elements other than <meta>. */
static void survey(hx_page *pg, hx_el *e, int32_t idx) {
    xmlNodePtr n = e->node;
    const char *name = (const char *)n->name;
    if (!strcmp(name, "meta")) {
        meta(pg, n);
    } else if (!strcmp(name, "link")) {
        const char *rel = attr(n, "rel");
        if (rel && !strcasecmp(rel, "canonical"))
            keep_first(&pg->canonical, attr(n, "href"));
    } else if (!strcmp(name, "html")) {
        keep_first(&pg->lang, attr(n, "lang"));
        keep_first(&pg->lang, attr(n, "xml:lang"));
    } else if (!strcmp(name, "title")) {
        if (pg->title_el < 0) pg->title_el = idx;
    } else if (!strcmp(name, "body")) {
        if (pg->body < 0) pg->body = idx;
    } else if (!strcmp(name, "h1")) {
        if (pg->first_h1 < 0) pg->first_h1 = idx;
    } else if (!strcmp(name, "time")) {
        const char *dt = attr(n, "datetime");
        if (dt && (attr(n, "pubdate") || !pg->time_date)) {
            free(pg->time_date);
            pg->time_date = strdup(dt);
        }
    } else if (!strcmp(name, "script")) {
        const char *type = attr(n, "type");
        if (type && !strcasecmp(type, "application/ld+json"))
            for (xmlNodePtr c = n->children; c; c = c->next)
                if (c->content &&
                    ngi_buf_append_str(&pg->jsonld, (const char *)c->content,
                                       strlen((const char *)c->content)) != 0)
                    return;
    }
    /* hAtom: <abbr class="published" title="2013-04-04T18:52:11+00:00"> */
    const char *cls = attr(n, "class"), *title = attr(n, "title");
    if (cls && title && has_token(cls, "published")) keep_first(&pg->hatom_date, title);
    if (cls && title && has_token(cls, "updated")) keep_first(&pg->modified, title);
    const char *ip = attr(n, "itemprop");
    if (ip && !strcasecmp(ip, "datePublished")) {
        const char *v = attr(n, "datetime");
        if (!v) v = attr(n, "content");
        keep_first(&pg->itemprop_date, v);
    }
    if (!strcmp(name, "article") && pg->n_articles < NGI_HTML_MAX_ARTICLES) {
        for (int32_t p = e->parent; p >= 0; p = pg->els[p].parent)
            if (pg->els[p].flags & HX_ARTICLE) return;
        pg->articles[pg->n_articles++] = idx;
    }
}

/* ---- text blocks -------------------------------------------------------- */

typedef struct walker {
    hx_page *pg;
    size_t start;  /* where the open block starts in pg->text */
    uint32_t link; /* link bytes in the open block */
    bool space;    /* a space is pending */
    int32_t owner; /* block element of the open block */
} walker;

static int flush(walker *w) {
    hx_page *pg = w->pg;
    w->space = false;
    if (pg->text.len == w->start) return 0;
    if (pg->n_blocks == pg->cap_blocks) {
        size_t cap = pg->cap_blocks ? pg->cap_blocks * 2 : 256;
        hx_block *b = ngi_realloc(pg->blocks, cap * sizeof *b);
        if (!b) return NG_ENOMEM;
        pg->blocks = b;
        pg->cap_blocks = cap;
    }
    pg->blocks[pg->n_blocks++] = (hx_block){.start = w->start,
                                            .len = pg->text.len - w->start,
                                            .link = w->link,
                                            .owner = w->owner};
    if (ngi_buf_append_u8(&pg->text, '\n') != 0) return NG_ENOMEM;
    w->start = pg->text.len;
    w->link = 0;
    return 0;
}

/* Appends a text node's bytes with white space (and U+00A0) collapsed;
 * counts them on the innermost element. */
static int add_text(walker *w, const char *t, int32_t cur, bool in_link) {
    hx_page *pg = w->pg;
    size_t before = pg->text.len;
    if (ngi_buf_reserve(&pg->text, strlen(t) + 1) != 0) return NG_ENOMEM;
    uint8_t *o = pg->text.data + pg->text.len;
    for (const unsigned char *p = (const unsigned char *)t; *p; p++) {
        unsigned c = *p;
        bool sp =
            c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
        if (c == 0xC2 && p[1] == 0xA0) {
            sp = true;
            p++;
        }
        if (sp) {
            w->space = true;
            continue;
        }
        if (w->space && (uint8_t *)o > pg->text.data + w->start) *o++ = ' ';
        w->space = false;
        *o++ = (uint8_t)c;
    }
    pg->text.len = (size_t)(o - pg->text.data);
    uint32_t added = (uint32_t)(pg->text.len - before);
    pg->els[cur].text += added;
    if (in_link) {
        pg->els[cur].link += added;
        w->link += added;
    }
    return 0;
}

static int add_element(hx_page *pg, xmlNodePtr n, int32_t parent, int32_t *idx) {
    if (pg->n_els == pg->cap_els) {
        size_t cap = pg->cap_els ? pg->cap_els * 2 : 1024;
        if (cap > NGI_HTML_MAX_ELEMENTS) cap = NGI_HTML_MAX_ELEMENTS;
        if (pg->n_els >= cap) return NG_ELIMIT;
        hx_el *e = ngi_realloc(pg->els, cap * sizeof *e);
        if (!e) return NG_ENOMEM;
        pg->els = e;
        pg->cap_els = cap;
    }
    *idx = (int32_t)pg->n_els;
    hx_el *e = &pg->els[pg->n_els++];
    memset(e, 0, sizeof *e);
    e->node = n;
    e->parent = parent;
    e->depth = parent >= 0 ? pg->els[parent].depth + 1 : 0;
    if (e->depth > pg->max_depth) pg->max_depth = e->depth;
    e->end = (uint32_t)*idx + 1;
    n->_private = (void *)(intptr_t)*idx;
    return 0;
}

/* Hidden elements whose children are never more than text. */
static bool leaf_tag(xmlNodePtr n) {
    static const char *const leaves[] = {"script",   "style",  "title",
                                         "textarea", "option", NULL};
    return in_list((const char *)n->name, leaves);
}

/* The innermost block element around element cur (cur itself if block). */
static int32_t block_of(const hx_page *pg, int32_t cur) {
    while (cur >= 0 && pg->els[cur].kind != HX_BLOCK) cur = pg->els[cur].parent;
    return cur;
}

int ngi_html_walk(hx_page *pg) {
    pg->body = pg->main = pg->title_el = pg->first_h1 = -1;
    xmlNodePtr root = xmlDocGetRootElement(pg->doc);
    walker w = {pg, 0, 0, false, -1};
    int32_t cur = -1; /* element of the node being visited's parent */
    int links = 0;    /* open <a href> elements */
    int hidden = 0;   /* open hidden elements */
    int rc = 0;
    xmlNodePtr n = root;
    while (n && rc == 0) {
        bool descend = false;
        if (n->type == XML_ELEMENT_NODE && n->name) {
            int32_t idx;
            if ((rc = add_element(pg, n, cur, &idx)) != 0) break;
            hx_el *e = &pg->els[idx];
            classify(pg, e, idx);
            survey(pg, e, idx);
            if (e->kind == HX_BLOCK || e->kind == HX_BREAK) rc = flush(&w);
            if (e->kind == HX_BLOCK) w.owner = idx;
            /* Hidden elements are walked too (<head> holds the metadata),
             * but their text is not read. */
            if (n->children && !(e->kind == HX_HIDDEN && leaf_tag(n))) {
                descend = true;
                cur = idx;
                links += (e->flags & HX_LINK) != 0;
                hidden += e->kind == HX_HIDDEN;
            }
        } else if ((n->type == XML_TEXT_NODE || n->type == XML_CDATA_SECTION_NODE) &&
                   n->content && cur >= 0 && !hidden) {
            if (w.owner < 0) w.owner = block_of(pg, cur);
            rc = add_text(&w, (const char *)n->content, cur, links > 0);
        }
        if (descend) {
            n = n->children;
            continue;
        }
        /* Up until a next sibling exists, closing the elements left. */
        while (n && !n->next && n != root) {
            n = n->parent;
            if (!n || n->type != XML_ELEMENT_NODE) break;
            int32_t idx = (int32_t)(intptr_t)n->_private;
            hx_el *e = &pg->els[idx];
            e->end = (uint32_t)pg->n_els;
            links -= (e->flags & HX_LINK) != 0;
            hidden -= e->kind == HX_HIDDEN;
            if (e->kind == HX_BLOCK && rc == 0) {
                rc = flush(&w);
                w.owner = block_of(pg, e->parent);
            }
            if (e->parent >= 0) {
                pg->els[e->parent].text += e->text;
                pg->els[e->parent].link += e->link;
            }
            cur = e->parent;
        }
        n = n && n != root ? n->next : NULL;
    }
    if (rc == 0) rc = flush(&w);
    return rc;
}

void ngi_html_page_free(hx_page *pg) {
    ngi_free(pg->els);
    ngi_free(pg->blocks);
    ngi_buf_free(&pg->text);
    ngi_buf_free(&pg->jsonld);
    char **strs[] = {&pg->og_title,  &pg->meta_title, &pg->og_site,   &pg->og_url,
                     &pg->canonical, &pg->lang,       &pg->meta_lang, &pg->author,
                     &pg->published, &pg->modified,   &pg->time_date, &pg->itemprop_date,
                     &pg->hatom_date};
    for (size_t i = 0; i < NGI_ARRAY_LEN(strs); i++) {
        free(*strs[i]);
        *strs[i] = NULL;
    }
}

bool ngi_html_within(const hx_page *pg, int32_t el, int32_t a) {
    if (a < 0) return true;
    return el >= a && (uint32_t)el < pg->els[a].end;
}

/* Appends the visible text below n, white space collapsed. */
static int text_into(xmlNodePtr top, ngi_buf *b) {
    bool space = false;
    xmlNodePtr n = top->children;
    while (n) {
        bool down = false;
        if (n->type == XML_ELEMENT_NODE && n->name &&
            !in_list((const char *)n->name, hidden_tags)) {
            down = n->children != NULL;
            if (in_list((const char *)n->name, block_tags) ||
                !strcmp((const char *)n->name, "br"))
                space = true;
        } else if (n->type == XML_TEXT_NODE && n->content) {
            for (const unsigned char *p = n->content; *p; p++) {
                if (isspace(*p) || (*p == 0xC2 && p[1] == 0xA0)) {
                    p += *p == 0xC2;
                    space = true;
                    continue;
                }
                if (space && b->len && ngi_buf_append_u8(b, ' ') != 0) return NG_ENOMEM;
                space = false;
                if (ngi_buf_append_u8(b, *p) != 0) return NG_ENOMEM;
            }
        }
        if (down) {
            n = n->children;
            continue;
        }
        while (n && !n->next && n != top) n = n->parent;
        n = n && n != top ? n->next : NULL;
    }
    return 0;
}

char *ngi_html_text_of(xmlNodePtr n) {
    ngi_buf b = NGI_BUF_INIT;
    if (text_into(n, &b) != 0 || ngi_buf_append_u8(&b, 0) != 0) {
        ngi_buf_free(&b);
        return NULL;
    }
    return (char *)ngi_buf_steal(&b);
}
