/*
 * html.c — ng_extract_html: an HTML page in, its article(s) out.
 *
 * The bytes are checked against the hostile-page limits first (size, start
 * tags, attributes on one element: libxml2 checks duplicate attributes in
 * quadratic time), their encoding is settled (BOM, the caller's charset,
 * valid UTF-8, the page's own declaration, else Windows-1252 as browsers
 * do), libxml2's recovering HTML parser builds the tree, one walk reads it
 * (html_walk.c), and the main content and metadata are chosen
 * (html_main.c, html_meta.c). A page whose <article>s each hold a story of
 * its own gives one document per article.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/html.h"

#define CHARSET_SCAN     4096 /* bytes searched for a charset declaration */
#define OWN_STORY_BYTES  250  /* paragraph text of an article that stands alone */
#define GOOD_BLOCK_BYTES 80   /* a paragraph of a story, at least */
#define STR_(x)          #x
#define STR(x)           STR_(x)
#define DEEP_NOTE                                                                        \
    "elements nested " STR(NGI_HTML_MAX_DEPTH) " deep, the HTML parser's limit: the "    \
                                               "text inside and after them is not read"

/* ---- limits -------------------------------------------------------------- */

/* The first occurrence of pat (ASCII, any case) in d[0..n). */
static const char *strcasestr_n(const char *d, size_t n, const char *pat) {
    size_t k = strlen(pat);
    for (size_t i = 0; i + k <= n; i++) {
        const char *p = memchr(d + i, '<', n - i);
        if (!p || (size_t)(p - d) + k > n) return NULL;
        i = (size_t)(p - d);
        if (!strncasecmp(p, pat, k)) return p;
    }
    return NULL;
}

/* Counts start tags and the attributes of each, without parsing. */
static int check_limits(ng_extract *ex, const char *src, const char *d, size_t n) {
    size_t tags = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        if (d[i] != '<' || !isalpha((unsigned char)d[i + 1])) continue;
        size_t at = i;
        if (++tags > NGI_HTML_MAX_ELEMENTS)
            return ngi_extract_note(ex, NG_ELIMIT, "%smore than %d elements in the page",
                                    src, NGI_HTML_MAX_ELEMENTS);
        unsigned attrs = 0;
        bool gap = false, after_eq = false;
        /* Script and style content is text, not tags: skip to its end. */
        const char *raw = NULL;
        if (n - i > 7 && !strncasecmp(d + i + 1, "script", 6) &&
            !isalnum((unsigned char)d[i + 7]))
            raw = "</script";
        else if (n - i > 6 && !strncasecmp(d + i + 1, "style", 5) &&
                 !isalnum((unsigned char)d[i + 6]))
            raw = "</style";
        for (i += 1; i < n && d[i] != '>'; i++) {
            char c = d[i];
            if ((c == '"' || c == '\'') && after_eq) {
                const char *q = memchr(d + i + 1, c, n - i - 1);
                i = q ? (size_t)(q - d) : n - 1;
                gap = after_eq = false;
            } else if (isspace((unsigned char)c) || c == '/') {
                gap = true;
            } else if (gap && c != '=') {
                gap = after_eq = false;
                if (++attrs > NGI_HTML_MAX_ATTRS)
                    return ngi_extract_note(
                        ex, NG_ELIMIT,
                        "%san element at byte %zu has more than %d attributes", src, at,
                        NGI_HTML_MAX_ATTRS);
            } else if (c == '=') {
                gap = false;
                after_eq = true;
            } else {
                after_eq = false;
            }
        }
        if (raw) {
            const char *e = strcasestr_n(d + i, n - i, raw);
            i = e ? (size_t)(e - d) : n;
        }
    }
    return 0;
}

/* ---- encoding ------------------------------------------------------------ */

/* Length of the valid UTF-8 sequence at p, or 0. */
static size_t utf8_seq(const unsigned char *p, size_t n) {
    unsigned c = p[0];
    if (c < 0x80) return 1;
    size_t k = c >= 0xC2 && c <= 0xDF   ? 2
               : c >= 0xE0 && c <= 0xEF ? 3
               : c >= 0xF0 && c <= 0xF4 ? 4
                                        : 0;
    if (!k || k > n) return 0;
    for (size_t i = 1; i < k; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    if ((c == 0xE0 && p[1] < 0xA0) || (c == 0xED && p[1] > 0x9F) ||
        (c == 0xF0 && p[1] < 0x90) || (c == 0xF4 && p[1] > 0x8F))
        return 0;
    return k;
}

static bool valid_utf8(const char *d, size_t n) {
    const unsigned char *p = (const unsigned char *)d;
    for (size_t i = 0; i < n;) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        size_t k = utf8_seq(p + i, n - i);
        if (!k) return false;
        i += k;
    }
    return true;
}

/* A copy with invalid UTF-8 bytes replaced by U+FFFD (a page that says it
 * is UTF-8 and has a few bad bytes: libxml2 would read all of it as
 * Latin-1 after the first). */
static char *repair_utf8(const char *d, size_t n, size_t *out_len) {
    char *o = malloc(n * 3 + 1);
    if (!o) return NULL;
    const unsigned char *p = (const unsigned char *)d;
    size_t w = 0;
    for (size_t i = 0; i < n;) {
        size_t k = utf8_seq(p + i, n - i);
        if (k) {
            memcpy(o + w, p + i, k);
            w += k;
            i += k;
        } else {
            memcpy(o + w, "\xEF\xBF\xBD", 3);
            w += 3;
            i++;
        }
    }
    *out_len = w;
    return o;
}

/* The charset named by <meta charset> or http-equiv in the first bytes. */
static bool declared_charset(const char *d, size_t n, char *name, size_t cap) {
    if (n > CHARSET_SCAN) n = CHARSET_SCAN;
    for (size_t i = 0; i + 8 < n; i++) {
        if (strncasecmp(d + i, "charset", 7) != 0) continue;
        size_t lt = i; /* only a <meta>'s charset (not a <script>'s) */
        while (lt > 0 && d[lt] != '<' && d[lt] != '>') lt--;
        if (d[lt] != '<' || strncasecmp(d + lt, "<meta", 5) != 0) continue;
        size_t j = i + 7;
        while (j < n && isspace((unsigned char)d[j])) j++;
        if (j >= n || d[j] != '=') continue;
        j++;
        while (j < n && (isspace((unsigned char)d[j]) || d[j] == '"' || d[j] == '\''))
            j++;
        size_t k = 0;
        while (j < n && k + 1 < cap &&
               (isalnum((unsigned char)d[j]) || d[j] == '-' || d[j] == '_' ||
                d[j] == ':' || d[j] == '.'))
            name[k++] = (char)tolower((unsigned char)d[j++]);
        name[k] = '\0';
        if (k) return true;
    }
    return false;
}

/* Latin-1 and ASCII labels mean Windows-1252 (as in the WHATWG encoding
 * standard); UTF-8 labels mean UTF-8. */
static const char *canonical_charset(const char *name) {
    static const char *const w1252[] = {
        "iso-8859-1", "iso8859-1", "latin1", "latin-1",      "us-ascii", "ascii",
        "iso_8859-1", "l1",        "cp1252", "windows-1252", "x-cp1252", NULL};
    for (int i = 0; w1252[i]; i++)
        if (!strcasecmp(name, w1252[i])) return "windows-1252";
    if (!strcasecmp(name, "utf-8") || !strcasecmp(name, "utf8")) return "UTF-8";
    if (!strcasecmp(name, "gb2312") || !strcasecmp(name, "gbk") ||
        !strcasecmp(name, "x-gbk"))
        return "GB18030"; /* their superset; pages labelled GB2312 use GBK */
    if (!strcasecmp(name, "euc-kr") || !strcasecmp(name, "ks_c_5601-1987"))
        return "CP949";
    if (!strcasecmp(name, "shift_jis") || !strcasecmp(name, "sjis") ||
        !strcasecmp(name, "x-sjis"))
        return "CP932";
    return name;
}

/* ---- articles ------------------------------------------------------------ */

static int set_str(ng_extract *ex, size_t art, const char *name, int role,
                   const char *v) {
    return v && *v ? ngi_extract_set_field(ex, art, name, role, v, strlen(v)) : 0;
}

/* One article below root (-1: the page): body and metadata. */
static int add_article(ng_extract *ex, hx_page *pg, int32_t root, unsigned flags) {
    int32_t container;
    int rc = ngi_html_choose(pg, root, flags, &container);
    if (rc) return rc;
    ngi_buf body = NGI_BUF_INIT;
    hx_meta m;
    if ((rc = ngi_html_meta(pg, root, container, &m)) != 0) goto done;
    if ((rc = ngi_html_body(pg, root, m.title, &body)) != 0) {
        ngi_html_meta_free(&m);
        goto done;
    }
    if (body.len || (m.title && *m.title)) {
        int a = ngi_extract_add_article(ex);
        if (a < 0) {
            rc = NG_ENOMEM;
        } else {
            size_t i = (size_t)a;
            rc = set_str(ex, i, "title", NG_FIELD_TITLE, m.title);
            if (!rc) rc = set_str(ex, i, "date", NG_FIELD_DATE, m.date);
            if (!rc) rc = set_str(ex, i, "url", NG_FIELD_SOURCE, m.url);
            if (!rc) rc = set_str(ex, i, "author", NG_FIELD_STORED, m.author);
            if (!rc) rc = set_str(ex, i, "site", NG_FIELD_STORED, m.site);
            if (!rc) rc = set_str(ex, i, "lang", NG_FIELD_STORED, m.lang);
            if (!rc && strcmp(m.updated, m.date) != 0)
                rc = set_str(ex, i, "updated", NG_FIELD_STORED, m.updated);
            if (!rc)
                rc = ngi_extract_set_field(ex, i, "body", NG_FIELD_BODY,
                                           body.len ? (const char *)body.data : "",
                                           body.len);
        }
    }
    ngi_html_meta_free(&m);
done:
    ngi_buf_free(&body);
    return rc;
}

/* Paragraph-sized blocks with few links: the text a story is made of. */
static bool good_block(const hx_block *b) {
    return b->len >= GOOD_BLOCK_BYTES && b->link * 5 <= b->len;
}

/* Articles that each hold a story of their own (paragraphs, not a teaser
 * or a page section with a picture), and most of the page's paragraphs
 * together; 0 or 1 means one document for the page. */
static size_t own_stories(const hx_page *pg, int32_t *out) {
    uint64_t good[NGI_HTML_MAX_ARTICLES] = {0}, all = 0, sum = 0;
    for (size_t b = 0; b < pg->n_blocks; b++) {
        const hx_block *bl = &pg->blocks[b];
        if (!good_block(bl)) continue;
        all += bl->len;
        for (size_t i = 0; i < pg->n_articles; i++)
            if (ngi_html_within(pg, bl->owner, pg->articles[i])) good[i] += bl->len;
    }
    size_t k = 0;
    for (size_t i = 0; i < pg->n_articles; i++)
        if (good[i] >= OWN_STORY_BYTES) {
            out[k++] = pg->articles[i];
            sum += good[i];
        }
    if (k < 2 || sum * 10 < all * 7) return 0;
    /* One headline above them all: sections of one story, each in an
     * <article> of its own (a report's chapters), not a front page. */
    int32_t h1 = -1;
    int n1 = 0;
    for (size_t i = 0; i < pg->n_els; i++)
        if (pg->els[i].heading == 1 && !(pg->els[i].flags & HX_BOILER) &&
            pg->els[i].text > 0)
            h1 = (int32_t)i, n1++;
    if (n1 == 1 && h1 < out[0] && !ngi_html_within(pg, out[0], h1)) return 0;
    return k;
}

static int extract_page(ng_extract *ex, hx_page *pg, unsigned flags) {
    int32_t stories[NGI_HTML_MAX_ARTICLES];
    size_t n = (flags & NG_EXTRACT_KEEP_BOILERPLATE) ? 0 : own_stories(pg, stories);
    int rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) rc = add_article(ex, pg, stories[i], flags);
    if (n == 0) rc = add_article(ex, pg, -1, flags);
    return rc;
}

/* libxml2 reports problems of broken pages on stderr even with NOERROR; the
 * library never prints. */
static void silent(void *ctx, const char *msg, ...) {
    (void)ctx;
    (void)msg;
}

static htmlDocPtr parse(const char *d, size_t n, const char *enc) {
    xmlSetGenericErrorFunc(NULL, silent);
    return htmlReadMemory(d, (int)n, NULL, enc,
                          HTML_PARSE_RECOVER | HTML_PARSE_NOERROR | HTML_PARSE_NOWARNING |
                              HTML_PARSE_NONET | HTML_PARSE_COMPACT);
}

int ng_extract_html(const char *data, size_t len, const ng_extract_options *opts,
                    ng_extract **out) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!data && len) return NG_EINVAL;
    ng_extract *ex = ngi_extract_new();
    if (!ex) return NG_ENOMEM;
    *out = ex;
    /* Messages name the source when there is one: "a.html: ..." */
    char src[256] = "";
    if (opts && opts->source) snprintf(src, sizeof src, "%.240s: ", opts->source);
    size_t max = ngi_extract_max_bytes(opts);
    if (len > max || len > INT32_MAX)
        return ngi_extract_note(ex, NG_ELIMIT,
                                "%spage of %zu bytes is over the limit of %zu bytes", src,
                                len, max);
    int rc = check_limits(ex, src, data ? data : "", len);
    if (rc) return rc;
    const char *why = ngi_xml_load();
    if (why) return ngi_extract_note(ex, NG_EIO, "%sHTML needs libxml2: %s", src, why);

    const char *enc = NULL;
    char decl[48];
    char *fixed = NULL;
    const char *d = data ? data : "";
    size_t n = len;
    if (n >= 3 && !memcmp(d, "\xEF\xBB\xBF", 3))
        enc = "UTF-8";
    else if (n >= 2 && !memcmp(d, "\xFF\xFE", 2))
        enc = "UTF-16LE";
    else if (n >= 2 && !memcmp(d, "\xFE\xFF", 2))
        enc = "UTF-16BE";
    else if (opts && opts->charset && *opts->charset)
        enc = canonical_charset(opts->charset);
    else if (valid_utf8(d, n))
        enc = "UTF-8";
    else if (declared_charset(d, n, decl, sizeof decl))
        enc = canonical_charset(decl);
    else
        enc = "windows-1252";
    if (!strcmp(enc, "UTF-8") && !valid_utf8(d, n)) {
        if (!(fixed = repair_utf8(d, n, &n))) {
            ng_extract_free(ex);
            *out = NULL;
            return NG_ENOMEM;
        }
        d = fixed;
        if (n > INT32_MAX) {
            free(fixed);
            return ngi_extract_note(ex, NG_ELIMIT, "%spage too large", src);
        }
    }
    if (memchr(d, 0, n)) { /* libxml2 stops at a NUL byte: it becomes a space */
        char *copy = malloc(n ? n : 1);
        if (!copy) {
            free(fixed);
            ng_extract_free(ex);
            *out = NULL;
            return NG_ENOMEM;
        }
        for (size_t i = 0; i < n; i++) copy[i] = d[i] ? d[i] : ' ';
        free(fixed);
        d = fixed = copy;
    }
    htmlDocPtr doc = parse(d, n, enc);
    if (!doc && strcmp(enc, "windows-1252") != 0)
        doc = parse(d, n, "windows-1252"); /* an encoding libxml2 does not know */
    free(fixed);
    if (!doc || !xmlDocGetRootElement(doc)) {
        xmlFreeDoc(doc);
        ngi_extract_note(ex, 0, "%sno text in the page", src);
        return 0;
    }
    hx_page pg = {0};
    pg.doc = doc;
    pg.url = opts ? opts->url : NULL;
    pg.raw = data;
    pg.raw_len = len;
    rc = ngi_html_walk(&pg);
    bool deep = pg.max_depth >= NGI_HTML_MAX_DEPTH;
    if (rc == NG_ELIMIT)
        ngi_extract_note(ex, rc, "%smore than %d elements in the page", src,
                         NGI_HTML_MAX_ELEMENTS);
    else if (rc == 0)
        rc = extract_page(ex, &pg, opts ? opts->flags : 0);
    ngi_html_page_free(&pg);
    xmlFreeDoc(doc);
    if (rc == NG_ENOMEM) {
        ng_extract_free(ex);
        *out = NULL;
        return rc;
    }
    if (rc == 0 && ng_extract_count(ex) == 0)
        ngi_extract_note(ex, 0, "%sno text found in the page%s%s%s", src,
                         deep ? " (" : "", deep ? DEEP_NOTE : "", deep ? ")" : "");
    else if (rc == 0 && deep)
        ngi_extract_note(ex, 0, "%s%s", src, DEEP_NOTE);
    return rc;
}
