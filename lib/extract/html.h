/*
 * html.h — the HTML path of the extraction module, shared by its files:
 *   html.c       entry point: limits, charset, parsing, the fields set
 *   html_walk.c  one walk over libxml2's tree: element table, text blocks
 *   html_main.c  the choice of the main content and the body text
 *   html_meta.c  metadata: title, dates, author, site, URL, language
 *   dates.c      dates written in text, meta values and URLs
 */
#ifndef NG_EXTRACT_HTML_H
#define NG_EXTRACT_HTML_H

#include <stdbool.h>
#include <stdint.h>

#include <string.h>

#include <libxml/HTMLparser.h>
#include <libxml/tree.h>

#include "common/buf.h"
#include "extract/extract.h"

/* libxml2 is opened at the first HTML page, not linked (xml_load.c): the
 * calls below go through this table, filled once by ngi_xml_load. */
#ifndef NGI_XML_SONAME
#define NGI_XML_SONAME "libxml2.so.2"
#endif
typedef struct ngi_xml_api {
    htmlDocPtr (*read_memory)(const char *, int, const char *, const char *, int);
    xmlNodePtr (*root_element)(const xmlDoc *);
    void (*free_doc)(xmlDocPtr);
    xmlChar *(*get_prop)(const xmlNode *, const xmlChar *);
    void (*set_error_func)(void *, xmlGenericErrorFunc);
    xmlFreeFunc free_fn;
} ngi_xml_api;
extern ngi_xml_api ngi_xml;
/* Loads libxml2 once per process (thread-safe): NULL, or why it failed. */
const char *ngi_xml_load(void);
#define htmlReadMemory         ngi_xml.read_memory
#define xmlDocGetRootElement   ngi_xml.root_element
#define xmlFreeDoc             ngi_xml.free_doc
#define xmlGetProp             ngi_xml.get_prop
#define xmlSetGenericErrorFunc ngi_xml.set_error_func
#undef xmlFree
#define xmlFree ngi_xml.free_fn

/* xmlStrcmp's contract (NULL sorts first) without a call into libxml2,
 * which is not linked. */
static inline int ngi_xml_strcmp(const xmlChar *a, const xmlChar *b) {
    if (a == b) return 0;
    if (!a) return -1;
    if (!b) return 1;
    return strcmp((const char *)a, (const char *)b);
}
#define xmlStrcmp ngi_xml_strcmp

/* Hostile-page limits (issue 17): pages past them are skipped whole with a
 * message, before libxml2 spends time or memory on them. */
#define NGI_HTML_MAX_ELEMENTS 400000 /* start tags in one page */
#define NGI_HTML_MAX_ATTRS    512    /* attributes on one element */
#define NGI_HTML_MAX_ARTICLES 64     /* documents taken from one page */
/* libxml2 (without XML_PARSE_HUGE) stops reading a page where elements
 * nest this deep: the text inside and after is lost, which is said. */
#define NGI_HTML_MAX_DEPTH 256

/* What an element is, for the text walk. */
enum hx_kind {
    HX_INLINE = 0, /* text flows through it */
    HX_BLOCK,      /* starts and ends a text block */
    HX_BREAK,      /* <br>, <hr>: ends a block */
    HX_HIDDEN      /* never visible text (script, style, head, hidden) */
};

/* Flags of an element. */
enum hx_flag {
    HX_BOILER = 1u << 0,       /* page furniture by tag, role or class/id word */
    HX_POSITIVE = 1u << 1,     /* class/id names an article body */
    HX_ARTICLE = 1u << 2,      /* <article>, or itemprop=articleBody */
    HX_LINK = 1u << 3,         /* <a href> */
    HX_HEADING = 1u << 4,      /* h1..h6 */
    HX_LIST = 1u << 5,         /* li, dt, dd */
    HX_QUOTE = 1u << 6,        /* blockquote, q */
    HX_COMMENTS = 1u << 7,     /* comment sections (class/id) */
    HX_CLASS_BOILER = 1u << 8, /* HX_BOILER from a class/id word only */
    HX_PARA = 1u << 9,         /* p, pre, td: a paragraph-like block */
    HX_CLASS_WEAK =
        1u << 10,       /* a weak furniture word: furniture if link-heavy or small */
    HX_ASIDE = 1u << 11 /* <aside>: no furniture only when it holds most of the text */
};

typedef struct hx_el {
    xmlNodePtr node;   /* the element */
    int32_t parent;    /* index of the parent element, -1 at the root */
    uint32_t depth;    /* elements above it */
    uint32_t end;      /* index past its last descendant (subtrees are contiguous) */
    uint32_t text;     /* visible text bytes below it (blocks it owns, nested) */
    uint32_t link;     /* of which inside links */
    float score;       /* content score (html_main.c) */
    uint16_t flags;    /* hx_flag (its own) */
    uint16_t iflags;   /* its own and its ancestors' (html_main.c) */
    uint32_t positive; /* HX_POSITIVE/HX_ARTICLE elements below it */
    uint8_t kind;      /* hx_kind */
    uint8_t heading;   /* 1..6 for h1..h6, else 0 */
} hx_el;

/* A run of text between block boundaries: a paragraph, a list item, a
 * heading, a table cell... White space is collapsed already. */
typedef struct hx_block {
    size_t start, len; /* bytes in the page's text buffer */
    uint32_t link;     /* bytes inside links */
    int32_t owner;     /* innermost block element around it */
    uint16_t flags;    /* union of the flags of its ancestors */
    uint8_t heading;   /* heading level of an ancestor, else 0 */
    bool keep;         /* chosen for the body (html_main.c) */
} hx_block;

/* The page as read by the walk. */
typedef struct hx_page {
    htmlDocPtr doc;
    hx_el *els; /* elements in document order */
    size_t n_els, cap_els;
    hx_block *blocks; /* text blocks in document order */
    size_t n_blocks, cap_blocks;
    ngi_buf text; /* the blocks' bytes */
    /* landmarks found by the walk (element indexes, -1 = none) */
    int32_t body, main, title_el, first_h1;
    uint32_t max_depth; /* of the elements (NGI_HTML_MAX_DEPTH: the parser stopped) */
    int32_t articles[NGI_HTML_MAX_ARTICLES]; /* top-level <article>s */
    size_t n_articles;
    ngi_buf jsonld; /* the JSON-LD scripts, NUL-separated */
    /* metadata in <meta>/<link>/<html> (malloc'ed or NULL) */
    char *og_title, *meta_title, *og_site, *og_url, *canonical, *lang, *meta_lang;
    char *author, *published, *modified, *time_date, *itemprop_date;
    char *hatom_date; /* title of a class="published" element (hAtom) */
    const char *url;  /* the caller's address for the page, or NULL */
    const char *raw;  /* the page's bytes (for dates in scripts' JSON) */
    size_t raw_len;
} hx_page;

/* html_walk.c */
int ngi_html_walk(hx_page *pg);
void ngi_html_page_free(hx_page *pg);
/* Plain text of an element's subtree (collapsed white space, one line);
 * malloc'ed; NULL when out of memory. */
char *ngi_html_text_of(xmlNodePtr n);
/* True when element index a is el or one of its ancestors. */
bool ngi_html_within(const hx_page *pg, int32_t el, int32_t a);

/* html_main.c: marks the blocks of the main content below root (-1: the
 * whole page) as kept and sets *container to the element that holds it;
 * KEEP_BOILERPLATE keeps every visible block. 0 or NG_ENOMEM. */
int ngi_html_choose(hx_page *pg, int32_t root, unsigned flags, int32_t *container);
/* Appends the kept blocks below root (-1: all) to out, one line each;
 * lines that repeat are dropped after their first occurrence, and a line
 * equal to the title (the headline). */
int ngi_html_body(const hx_page *pg, int32_t root, const char *title, ngi_buf *out);

/* html_meta.c: the metadata of the article in container (below root). */
typedef struct hx_meta {
    char *title, *author, *site, *url, *lang;
    char date[11], updated[11]; /* "" when unknown */
} hx_meta;
int ngi_html_meta(const hx_page *pg, int32_t root, int32_t container, hx_meta *m);
void ngi_html_meta_free(hx_meta *m);

/* dates.c: "YYYY-MM-DD" of a date written as text ("3. Juli 2019",
 * "July 3, 2019", "03.07.2019", ISO 8601, RFC 2822...). 0 or -1. */
int ngi_date_from_text(const char *s, size_t len, char out[11]);
/* A date found inside longer text (a byline "Published 3 July 2019 ..."). */
int ngi_date_in_text(const char *s, size_t len, char out[11]);
/* The same, with 3/5/2022 read as 3 May unless the page's language (lang,
 * may be NULL) writes the month first (English outside Britain and the
 * Commonwealth, and English without a region). */
int ngi_date_in_text_lang(const char *s, size_t len, const char *lang, char out[11]);
bool ngi_date_month_first(const char *lang);
/* date (YYYY-MM-DD, read from value) moved to the local day when value is
 * an instant written in UTC ("2022-11-06T23:00:00Z"): the zone is guessed
 * from the page's language, else from the address's country domain; a
 * paper dates a story by its own clock. Returns the days moved (-1, 0, 1). */
int ngi_date_local(const char *value, const char *lang, const char *url, char date[11]);
/* A date in a URL path: /2019/07/03/, /2019-07-03, /20190703/. */
int ngi_date_from_url(const char *url, char out[11]);

#endif /* NG_EXTRACT_HTML_H */
