/*
 * html_meta.c — an article's metadata, from the most explicit source to
 * the least: JSON-LD (headline, datePublished, author), then <meta>
 * (og:, article:, Dublin Core, itemprop), then the page itself (the
 * <h1> of the article, <title> without the site's name, a <time>, a date
 * in the address, a date line near the headline). A "last updated" date
 * is the publication date only when nothing else gives one.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "extract/html.h"

#define DATE_LINE_WINDOW 12  /* blocks after the headline searched for a date */
#define DATE_LINE_MAX    160 /* longer blocks are prose, not a date line */
#define LAST_RESORT_MAX  400 /* blocks searched for a date as the last resort */
#define MAX_HEADINGS     40  /* headings of a level compared with the titles */

/* ---- strings ------------------------------------------------------------ */

/* Collapses white space, decodes the few entities that survive in
 * attribute-like values (JSON-LD strings), trims; in place. */
static void tidy(char *s) {
    static const struct {
        const char *ent;
        char c;
    } ents[] = {{"&amp;", '&'},   {"&quot;", '"'}, {"&#39;", '\''}, {"&#039;", '\''},
                {"&apos;", '\''}, {"&lt;", '<'},   {"&gt;", '>'}};
    size_t o = 0;
    bool space = false;
    for (size_t i = 0; s[i];) {
        unsigned char c = (unsigned char)s[i];
        if (isspace(c) || (c == 0xC2 && (unsigned char)s[i + 1] == 0xA0)) {
            i += c == 0xC2 ? 2 : 1;
            space = o > 0;
            continue;
        }
        if (space) s[o++] = ' ';
        space = false;
        if (c == '&') {
            size_t k = 0;
            while (k < NGI_ARRAY_LEN(ents) &&
                   strncmp(s + i, ents[k].ent, strlen(ents[k].ent)))
                k++;
            if (k < NGI_ARRAY_LEN(ents)) {
                s[o++] = ents[k].c;
                i += strlen(ents[k].ent);
                continue;
            }
        }
        s[o++] = s[i++];
    }
    s[o] = '\0';
}

static char *dup_tidy(const char *s) {
    if (!s) return NULL;
    char *d = strdup(s);
    if (d) tidy(d);
    if (d && !*d) {
        free(d);
        d = NULL;
    }
    return d;
}

/* ---- JSON-LD ------------------------------------------------------------ */

static size_t put_utf8(char *o, unsigned cp) {
    if (cp < 0x80) {
        o[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        o[0] = (char)(0xC0 | cp >> 6);
        o[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        o[0] = (char)(0xE0 | cp >> 12);
        o[1] = (char)(0x80 | (cp >> 6 & 0x3F));
        o[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    o[0] = (char)(0xF0 | cp >> 18);
    o[1] = (char)(0x80 | (cp >> 12 & 0x3F));
    o[2] = (char)(0x80 | (cp >> 6 & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

static int hex4(const char *s, const char *end, unsigned *v) {
    *v = 0;
    if (end - s < 4) return -1;
    for (int i = 0; i < 4; i++) {
        int c = s[i], d = isdigit(c)    ? c - '0'
                          : isxdigit(c) ? (tolower(c) - 'a' + 10)
                                        : -1;
        if (d < 0) return -1;
        *v = *v << 4 | (unsigned)d;
    }
    return 0;
}

/* The JSON string starting at the quote at s; malloc'ed, decoded. */
static char *json_string(const char *s, const char *end) {
    if (s >= end || *s != '"') return NULL;
    s++;
    const char *e = s;
    while (e < end && *e != '"') e += *e == '\\' ? 2 : 1;
    if (e > end) e = end;
    char *out = malloc((size_t)(e - s) + 1), *o = out;
    if (!out) return NULL;
    for (const char *p = s; p < e;) {
        if (*p != '\\') {
            *o++ = *p++;
            continue;
        }
        char c = p + 1 < e ? p[1] : '\\';
        p += 2;
        unsigned cp;
        switch (c) {
        case 'n':
        case 'r':
        case 't':
        case 'f':
        case 'b': *o++ = ' '; break;
        case 'u':
            if (hex4(p, e, &cp) == 0) {
                p += 4;
                if (cp >= 0xD800 && cp < 0xDC00 && e - p >= 6 && p[0] == '\\' &&
                    p[1] == 'u') {
                    unsigned lo;
                    if (hex4(p + 2, e, &lo) == 0 && lo >= 0xDC00 && lo < 0xE000) {
                        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
                        p += 6;
                    }
                }
                if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
                if (cp == 0) cp = ' ';
                /* \uXXXX takes 6 bytes, its UTF-8 at most 4 */
                o += put_utf8(o, cp);
            }
            break;
        default: *o++ = c; break;
        }
    }
    *o = '\0';
    tidy(out);
    return out;
}

static const char *skip_ws(const char *p, const char *end) {
    while (p < end && isspace((unsigned char)*p)) p++;
    return p;
}

/* The value of the first "key": "..." in the JSON-LD text; for an object or
 * array value, the first "name" inside it (author: {"@type": "Person",
 * "name": ...}). */
static char *jsonld_value(const hx_page *pg, const char *key, bool nested_name) {
    if (pg->jsonld.len == 0) return NULL; /* no JSON-LD: data is NULL, NULL + 0 is UB */
    const char *buf = (const char *)pg->jsonld.data, *end = buf + pg->jsonld.len;
    char pat[64];
    size_t pl = (size_t)snprintf(pat, sizeof pat, "\"%s\"", key);
    for (const char *p = buf; p && p < end;) {
        p = memmem(p, (size_t)(end - p), pat, pl);
        if (!p) break;
        const char *v = skip_ws(p + pl, end);
        p += pl;
        if (v >= end || *v != ':') continue;
        v = skip_ws(v + 1, end);
        if (v < end && *v == '"') {
            char *s = json_string(v, end);
            if (s && *s) return s;
            free(s);
        } else if (nested_name && v < end && (*v == '{' || *v == '[')) {
            const char *lim = end - v > 2000 ? v + 2000 : end; /* no pointer past end */
            const char *q = memmem(v, (size_t)(lim - v), "\"name\"", 6);
            if (q) {
                q = skip_ws(q + 6, end);
                if (q < end && *q == ':') {
                    char *s = json_string(skip_ws(q + 1, end), end);
                    if (s && *s) return s;
                    free(s);
                }
            }
        }
    }
    return NULL;
}

/* ---- title ------------------------------------------------------------- */

/* "Summit ends | The Daily Planet" -> "Summit ends" (also " - ", " – ",
 * " — ", " · ", " :: "): the last separator's tail is the site name, when
 * the head is the longer part. */
static bool strip_site_name(char *t, const char *site) {
    static const char *const seps[] = {
        " | ",        " - ",  " \xe2\x80\x93 ", " \xe2\x80\x94 ",
        " \xc2\xb7 ", " :: ", " \xe2\x80\xa2 ", " // ",
        NULL};
    size_t n = strlen(t), sl = site ? strlen(site) : 0;
    /* "homify.de" names itself "homify" in its titles */
    const char *dot = site ? strrchr(site, '.') : NULL;
    if (dot && dot > site && !strchr(dot, ' ') && strlen(dot) <= 4) {
        size_t bl = (size_t)(dot - site);
        for (int i = 0; seps[i]; i++) {
            size_t k = strlen(seps[i]);
            if (n > bl + k && !strncasecmp(t + n - bl, site, bl) &&
                !strncmp(t + n - bl - k, seps[i], k)) {
                t[n - bl - k] = '\0';
                return true;
            }
        }
    }
    for (int i = 0; sl && seps[i]; i++) {
        size_t k = strlen(seps[i]);
        if (n > sl + k && !strcasecmp(t + n - sl, site) &&
            !strncmp(t + n - sl - k, seps[i], k)) {
            t[n - sl - k] = '\0';
            return true;
        }
    }
    return false;
}

static void strip_site_suffix(char *t, const char *site) {
    static const char *const seps[] = {
        " | ",        " - ",  " \xe2\x80\x93 ", " \xe2\x80\x94 ",
        " \xc2\xb7 ", " :: ", " \xe2\x80\xa2 ", " // ",
        NULL};
    size_t n = strlen(t);
    if (site && *site) {
        size_t sl = strlen(site);
        for (int i = 0; seps[i]; i++) {
            size_t k = strlen(seps[i]);
            if (n > sl + k && !strcasecmp(t + n - sl, site) &&
                !strncmp(t + n - sl - k, seps[i], k)) {
                t[n - sl - k] = '\0';
                return;
            }
        }
    }
    for (int i = 0; seps[i]; i++) {
        char *p = NULL, *q = t;
        while ((q = strstr(q, seps[i])) != NULL) p = q++;
        if (p && p != t && (size_t)(p - t) >= n - (size_t)(p - t) - strlen(seps[i])) {
            *p = '\0';
            return;
        }
    }
}

/* The first h1 inside el, else the first h1 before it in the page. */
static int32_t headline_el(const hx_page *pg, int32_t container, int32_t root) {
    int32_t before = -1;
    for (size_t i = 0; i < pg->n_els; i++) {
        const hx_el *e = &pg->els[i];
        if (e->heading != 1 || !ngi_html_within(pg, (int32_t)i, root)) continue;
        if (container >= 0 && ngi_html_within(pg, (int32_t)i, container))
            return (int32_t)i;
        if (container >= 0 && (int32_t)i < container)
            before = (int32_t)i;
        else if (before < 0 && container < 0)
            return (int32_t)i;
    }
    return before;
}

/* Text for screen readers only ("<span class=visually-hidden> | Site</span>"
 * in a heading). */
static bool screen_reader_only(xmlNodePtr n) {
    static const char *const words[] = {"visually-hidden",   "visuallyhidden",
                                        "element-invisible", "sr-only",
                                        "screen-reader",     NULL};
    if (n->type != XML_ELEMENT_NODE) return false;
    xmlChar *cls = xmlGetProp(n, (const xmlChar *)"class");
    bool hit = false;
    for (int i = 0; cls && words[i] && !hit; i++)
        hit = strstr((char *)cls, words[i]) != NULL;
    xmlFree(cls);
    return hit;
}

/* The visible text of a heading's node: screen-reader-only parts left out. */
static int visible_into(xmlNodePtr n, ngi_buf *b, int depth) {
    static const char *const breaks[] = {"br", "div", "p",  "li", "h1", "h2",
                                         "h3", "h4",  "h5", "h6", NULL};
    if (n->type == XML_TEXT_NODE && n->content)
        return ngi_buf_append(b, n->content, strlen((const char *)n->content));
    if (n->type != XML_ELEMENT_NODE || screen_reader_only(n) || depth > 32) return 0;
    if (!xmlStrcmp(n->name, (const xmlChar *)"script") ||
        !xmlStrcmp(n->name, (const xmlChar *)"style"))
        return 0;
    bool brk = false;
    for (int i = 0; breaks[i] && !brk; i++)
        brk = !xmlStrcmp(n->name, (const xmlChar *)breaks[i]);
    if (brk && ngi_buf_append(b, " ", 1) != 0) return NG_ENOMEM;
    for (xmlNodePtr c = n->children; c; c = c->next)
        if (visible_into(c, b, depth + 1) != 0) return NG_ENOMEM;
    return brk ? ngi_buf_append(b, " ", 1) : 0;
}

static char *el_text(xmlNodePtr n) {
    ngi_buf b = NGI_BUF_INIT;
    int rc = 0;
    for (xmlNodePtr c = n->children; c && rc == 0; c = c->next)
        rc = visible_into(c, &b, 0);
    if (rc == 0) rc = ngi_buf_append_u8(&b, 0);
    char *t = rc == 0 ? dup_tidy((const char *)b.data) : NULL;
    ngi_buf_free(&b);
    return t;
}

static char *el_text_all(xmlNodePtr n) {
    char *raw = ngi_html_text_of(n), *t = dup_tidy(raw);
    free(raw);
    return t;
}

/* Lower-cases ASCII and folds typographic dashes and quotes, so that
 * "Korsetts – Shops" matches "Korsetts - Shops"; malloc'ed. */
static char *fold(const char *in) {
    if (!in) return NULL;
    size_t n = strlen(in);
    char *o = malloc(n + 1), *w = o;
    if (!o) return NULL;
    for (const unsigned char *p = (const unsigned char *)in; *p;) {
        if (p[0] == 0xE2 && p[1] == 0x80 && p[2]) {
            unsigned c = p[2];
            if (c >= 0x90 && c <= 0x95)
                *w++ = '-';
            else if (c == 0x98 || c == 0x99 || c == 0x9A || c == 0x9B)
                *w++ = '\'';
            else if (c >= 0x9C && c <= 0x9F)
                *w++ = '"';
            else if (c == 0xA6)
                *w++ = '.';
            else {
                memcpy(w, p, 3);
                w += 3;
            }
            p += 3;
        } else if (p[0] == 0xC2 && (p[1] == 0xAB || p[1] == 0xBB)) {
            *w++ = '"';
            p += 2;
        } else {
            *w++ = (char)tolower(*p++);
        }
    }
    *w = '\0';
    return o;
}

/* needle inside hay, and a good part of it (a logo's "MDR.de" inside a
 * long title is not the headline). */
static bool contains_folded(const char *hay, const char *needle) {
    return hay && needle && *needle && strstr(hay, needle) != NULL &&
           strlen(needle) * 3 >= strlen(hay);
}

/* "Klimaschutz: Bohren, bis es heiß wird" -> "Bohren, bis es heiß wird"
 * when a heading ends with the part after the kicker (the heading shows
 * the kicker in a separate line). malloc'ed or NULL. */
static char *after_kicker(const char *title, const char *heading) {
    const char *c = title ? strstr(title, ": ") : NULL;
    if (!c || c - title > 40 || !heading) return NULL;
    char *rest = fold(c + 2), *fh = fold(heading);
    bool ok = rest && fh && strlen(rest) >= 8 && strlen(fh) > strlen(rest) &&
              !strcmp(fh + strlen(fh) - strlen(rest), rest);
    free(rest);
    free(fh);
    return ok ? strdup(c + 2) : NULL;
}

/* The heading goes on where a declared title (without the site's name)
 * stops: "Ultium Cells erhöht Gigafactory-Kapazität - Battery-News.de" and
 * the <h1> "Ultium Cells erhöht Gigafactory-Kapazität in Tennessee" (a
 * title shortened for search results). */
static bool extends_folded(const char *declared, const char *heading) {
    size_t dl = declared ? strlen(declared) : 0, hl = strlen(heading);
    return dl >= 15 && hl > dl && dl * 2 >= hl && !strncmp(heading, declared, dl) &&
           (heading[dl] == ' ' || heading[dl] == ':');
}

/* A declared title without the site's name, folded; malloc'ed or NULL. */
static char *fold_stripped(const char *t, const char *site) {
    char *c = t ? strdup(t) : NULL;
    if (!c) return NULL;
    if (!strip_site_name(c, site)) strip_site_suffix(c, site);
    char *f = fold(c);
    free(c);
    return f;
}

/* True when t is only the site's name. */
static bool is_site(const char *t, const char *site) {
    return t && site && *site && !strcasecmp(t, site);
}

/* The headline: the longest heading (h1-h3, outside page furniture) that
 * the page's declared titles contain (they add the site's name or a
 * kicker); else og:title or the JSON-LD headline; else the story's own
 * heading; else <title> without the site's name. A declared title that is
 * only the site's name does not count. */
/* The text of a heading; when it is made of several parts in their own
 * elements (a kicker or date line above the headline), the longest part. */
static char *heading_text(xmlNodePtr h) {
    int parts = 0;
    char *best = NULL;
    for (xmlNodePtr c = h->children; c; c = c->next) {
        if (c->type == XML_TEXT_NODE) {
            for (const xmlChar *p = c->content; p && *p; p++)
                if (!isspace(*p)) {
                    free(best);
                    return el_text(h); /* loose text: one headline */
                }
            continue;
        }
        if (c->type != XML_ELEMENT_NODE) continue;
        static const char *const emphasis[] = {"b", "i",    "em", "strong",
                                               "u", "mark", NULL};
        for (int k = 0; emphasis[k]; k++)
            if (!xmlStrcmp(c->name, (const xmlChar *)emphasis[k])) {
                free(best);
                return el_text(h); /* words set in bold: one headline */
            }
        char *t = el_text(c);
        if (!t) continue;
        parts++;
        if (!best || strlen(t) > strlen(best)) {
            free(best);
            best = t;
        } else {
            free(t);
        }
    }
    if (parts >= 2 && best) return best;
    free(best);
    return el_text(h);
}

static bool blank_node(xmlNodePtr c) {
    if (c->type == XML_COMMENT_NODE) return true;
    if (c->type != XML_TEXT_NODE) return false;
    for (const xmlChar *p = c->content; p && *p; p++) {
        if (p[0] == 0xC2 && p[1] == 0xA0)
            p++;
        else if (!isspace(*p))
            return false;
    }
    return true;
}

/* A heading whose first part is a kicker in its own element ("<h1><span
 * class=roofline>Immobilienkrise</span> Rene Benko-Firma in Sorge</h1>",
 * "<small>Tunesien</small><br>Große Aufgaben"): the text after it, or NULL.
 * Wrappers with a single child (a link, a span) are looked through. */
static char *after_leading_part(xmlNodePtr h) {
    for (int depth = 0; depth < 4; depth++) {
        xmlNodePtr only = NULL;
        int n = 0;
        for (xmlNodePtr c = h->children; c; c = c->next)
            if (!blank_node(c)) only = c, n++;
        if (n != 1 || only->type != XML_ELEMENT_NODE) break;
        h = only;
    }
    xmlNodePtr first = h->children;
    while (first && blank_node(first)) first = first->next;
    if (!first || first->type != XML_ELEMENT_NODE || !first->next) return NULL;
    if (!xmlStrcmp(first->name, (const xmlChar *)"br")) return NULL;
    ngi_buf b = NGI_BUF_INIT;
    for (xmlNodePtr c = first->next; c; c = c->next) {
        char *t = c->type == XML_TEXT_NODE ? strdup((const char *)c->content)
                  : c->type == XML_ELEMENT_NODE && !screen_reader_only(c) ? el_text(c)
                                                                          : NULL;
        if (t &&
            (ngi_buf_append(&b, " ", 1) != 0 || ngi_buf_append(&b, t, strlen(t)) != 0)) {
            free(t);
            ngi_buf_free(&b);
            return NULL;
        }
        free(t);
    }
    if (ngi_buf_append_u8(&b, 0) != 0) {
        ngi_buf_free(&b);
        return NULL;
    }
    char *r = dup_tidy((const char *)b.data);
    ngi_buf_free(&b);
    if (r && strlen(r) < 4) {
        free(r);
        r = NULL;
    }
    return r;
}

/* "23.01.2022 - Wierer darf jubeln" -> "Wierer darf jubeln": a numeric date
 * and a dash, bar or colon before a headline are a date line run into it. */
static void strip_date_prefix(char *t) {
    size_t i = 0, digits = 0, seps = 0;
    while (isdigit((unsigned char)t[i]) || t[i] == '.' || t[i] == '-' || t[i] == '/') {
        digits += isdigit((unsigned char)t[i]) != 0;
        seps += !isdigit((unsigned char)t[i]);
        i++;
    }
    while (i && (t[i - 1] == '-' || t[i - 1] == '.')) i--, seps--; /* "2022-" */
    char out[11];
    if (digits < 6 || seps < 2 || ngi_date_from_text(t, i, out) != 0) return;
    size_t j = i;
    while (t[j] == ' ') j++;
    static const char *const dashes[] = {"-", "|", ":", "\xe2\x80\x93", "\xe2\x80\x94",
                                         NULL};
    for (int k = 0; dashes[k]; k++) {
        size_t dl = strlen(dashes[k]);
        if (j > i && !strncmp(t + j, dashes[k], dl) && t[j + dl] == ' ') {
            j += dl;
            while (t[j] == ' ') j++;
            if (strlen(t + j) >= 8) memmove(t, t + j, strlen(t + j) + 1);
            return;
        }
    }
}

/* "Zuschauerrückkehr bei den Proficlubs<br><small>02.02.2022 • Presse</small>":
 * the heading's text before its first line break, or NULL. */
static char *before_break(xmlNodePtr h) {
    ngi_buf b = NGI_BUF_INIT;
    bool seen = false;
    for (xmlNodePtr c = h->children; c && !seen; c = c->next) {
        if (c->type == XML_ELEMENT_NODE && !xmlStrcmp(c->name, (const xmlChar *)"br")) {
            seen = true;
            break;
        }
        char *t = c->type == XML_TEXT_NODE ? strdup((const char *)c->content)
                  : c->type == XML_ELEMENT_NODE && !screen_reader_only(c) ? el_text(c)
                                                                          : NULL;
        if (t &&
            (ngi_buf_append(&b, " ", 1) != 0 || ngi_buf_append(&b, t, strlen(t)) != 0))
            seen = true, b.len = 0;
        free(t);
    }
    char *r = NULL;
    if (seen && b.len && ngi_buf_append_u8(&b, 0) == 0)
        r = dup_tidy((const char *)b.data);
    ngi_buf_free(&b);
    if (r && strlen(r) < 4) {
        free(r);
        r = NULL;
    }
    return r;
}

/* "[> Jens Weber", "» Jens Weber": a bullet or arrow before a title. */
static void strip_marker_prefix(char *t) {
    size_t i = 0;
    while (t[i] == '[' || t[i] == '>' || t[i] == '|' || t[i] == '*' || t[i] == '-') i++;
    if (!strncmp(t + i, "\xc2\xbb", 2) || !strncmp(t + i, "\xe2\x80\xa2", 3))
        i += (unsigned char)t[i] == 0xC2 ? 2 : 3;
    if (i == 0 || i > 3 || t[i] != ' ') return;
    while (t[i] == ' ') i++;
    if (strlen(t + i) >= 4) memmove(t, t + i, strlen(t + i) + 1);
}

static char *title_of(const hx_page *pg, int32_t root, int32_t container, int32_t h1,
                      const char *site) {
    char *t = NULL;
    if (root >= 0 && pg->n_articles > 1) { /* one of several articles */
        for (int lvl = 1; lvl <= 3 && !t; lvl++)
            for (size_t i = (size_t)root; i < pg->els[root].end && !t; i++)
                if (pg->els[i].heading == lvl) t = heading_text(pg->els[i].node);
        return t;
    }
    char *og = dup_tidy(pg->og_title ? pg->og_title : pg->meta_title);
    char *jl = jsonld_value(pg, "headline", false);
    char *tt = pg->title_el >= 0 ? el_text_all(pg->els[pg->title_el].node) : NULL;
    if (is_site(og, site)) {
        free(og);
        og = NULL;
    }
    char *fog = fold(og), *fjl = fold(jl), *ftt = fold(tt);
    char *sog = fold_stripped(og, site), *stt = fold_stripped(tt, site);
    size_t best_len = 0;
    int seen[4] = {0};
    for (size_t i = 0; i < pg->n_els; i++) {
        const hx_el *e = &pg->els[i];
        if (!(e->flags & HX_HEADING) || e->heading > 3 ||
            seen[e->heading]++ >= MAX_HEADINGS)
            continue;
        char *h = heading_text(e->node), *fh = fold(h);
        if (h && fh && !contains_folded(fog, fh) && !contains_folded(fjl, fh) &&
            !contains_folded(ftt, fh)) {
            char *r = after_leading_part(e->node); /* without its kicker? */
            char *fr = fold(r);
            if (!fr || !(contains_folded(fog, fr) || contains_folded(fjl, fr) ||
                         contains_folded(ftt, fr))) {
                char *lead = before_break(e->node); /* without a line under it? */
                if (lead) {
                    free(r);
                    r = lead;
                }
            }
            free(fr);
            if (r) {
                free(h);
                free(fh);
                h = r;
                fh = fold(h);
            }
        }
        size_t hl = h ? strlen(h) : 0;
        if (h && fh && hl >= 4 && hl > best_len && !is_site(h, site) &&
            (contains_folded(fog, fh) || contains_folded(fjl, fh) ||
             contains_folded(ftt, fh) || extends_folded(sog, fh) ||
             extends_folded(fjl, fh) || extends_folded(stt, fh))) {
            free(t);
            t = h;
            h = NULL;
            best_len = hl;
        }
        if (!t && h && !best_len) t = after_kicker(og ? og : jl, h);
        free(h);
        free(fh);
    }
    free(fog);
    free(fjl);
    free(ftt);
    free(sog);
    free(stt);
    if (t) strip_site_name(t, site); /* a heading may repeat <title> whole */
    char *head = NULL;
    if (!t) { /* a page with one <h1>: that is its headline */
        int32_t only = -1;
        int n1 = 0;
        for (size_t i = 0; i < pg->n_els && n1 < 2; i++)
            if (pg->els[i].heading == 1 && (pg->els[i].flags & HX_HEADING)) {
                only = (int32_t)i;
                n1++;
            }
        if (n1 == 1) {
            t = heading_text(pg->els[only].node);
            if (t && (strlen(t) < 4 || is_site(t, site))) {
                free(t);
                t = NULL;
            }
        }
    }
    if (!t && !og && !jl) { /* the story's own heading beats a generic <title> */
        int32_t c = container >= 0 ? container : h1;
        for (int lvl = 1; lvl <= 2 && !head && c >= 0; lvl++)
            for (size_t i = (size_t)c; i < pg->n_els && !head; i++)
                if (pg->els[i].heading == lvl && (pg->els[i].flags & HX_HEADING) &&
                    !(pg->els[i].iflags & HX_BOILER) &&
                    ngi_html_within(pg, (int32_t)i, c))
                    head = heading_text(pg->els[i].node);
        if (!head && h1 >= 0) head = heading_text(pg->els[h1].node);
        /* else the nearest h1 or h2 above the text */
        for (int32_t i = c - 1; !head && c >= 0 && i >= 0 && i > c - 400; i--)
            if ((pg->els[i].heading == 1 || pg->els[i].heading == 2) &&
                (pg->els[i].flags & HX_HEADING) && !(pg->els[i].iflags & HX_BOILER) &&
                ngi_html_within(pg, i, root) && pg->els[i].text >= 8)
                head = heading_text(pg->els[i].node);
        if (head && is_site(head, site)) {
            free(head);
            head = NULL;
        }
    }
    if (t) {
    } else if (og && jl && strlen(og) > strlen(jl) && !strncmp(og, jl, strlen(jl))) {
        t = jl; /* og:title is the headline plus the site's name */
        jl = NULL;
    } else if (og) {
        strip_site_name(og, site);
        t = og;
        og = NULL;
    } else if (jl) {
        t = jl;
        jl = NULL;
    } else if (head) {
        t = head;
        head = NULL;
    } else if (tt) {
        strip_site_suffix(tt, site);
        t = tt;
        tt = NULL;
    }
    free(head);
    free(og);
    free(jl);
    free(tt);
    if (t) strip_date_prefix(t);
    if (t) strip_marker_prefix(t);
    return t;
}

/* ---- date -------------------------------------------------------------- */

static const char *page_lang(const hx_page *pg) {
    return pg->lang ? pg->lang : pg->meta_lang;
}

static bool try_date(const char *s, char out[11]) {
    return s && ngi_date_from_text(s, strlen(s), out) == 0;
}

/* A short block near the headline that holds a date ("3. Juli 2019, 14:05
 * Uhr", "Published July 3, 2019"), but not one that only says when the
 * article was updated. */
/* A date in a block of at most max bytes, unless the block only says
 * when the article was updated. */
static bool date_block_any(const hx_page *pg, const hx_block *bl, size_t max,
                           bool updated_ok, char out[11]) {
    if (bl->len > max || bl->len > LAST_RESORT_MAX) return false;
    const char *s = (const char *)pg->text.data + bl->start;
    char low[LAST_RESORT_MAX + 1];
    for (size_t i = 0; i < bl->len; i++) {
        unsigned char c = (unsigned char)s[i];
        bool latin1_capital = i > 0 && (unsigned char)s[i - 1] == 0xC3 && c >= 0x80 &&
                              c <= 0x9E && c != 0x97; /* "Ä" -> "ä" */
        low[i] = (char)(latin1_capital ? c + 0x20 : tolower(c));
    }
    low[bl->len] = '\0';
    /* "Letzte Änderung: 31.10.2023 Erschienen am: 01.11.2023": the date
     * after a word that says published comes first. */
    static const char *const published[] = {"publi",
                                            "ver\xc3\xb6"
                                            "ffentlicht",
                                            "erschienen", "posted", NULL};
    for (int k = 0; !updated_ok && published[k]; k++) {
        const char *p = strstr(low, published[k]);
        if (p && ngi_date_in_text_lang(s + (p - low), bl->len - (size_t)(p - low),
                                       page_lang(pg), out) == 0)
            return true;
    }
    /* "Updated 5 July" is not the publication date; a date before the
     * word is ("2025-06-18 17:33 Last Updated At: 18:07"). */
    static const char *const updated[] = {"updat",           "aktualisiert",    "modifi",
                                          "\xc3\xa4nderung", "ge\xc3\xa4ndert", NULL};
    const char *upd = NULL;
    for (int k = 0; !upd && updated[k]; k++) upd = strstr(low, updated[k]);
    if (upd && !updated_ok)
        return ngi_date_in_text_lang(s, (size_t)(upd - low), page_lang(pg), out) == 0;
    return ngi_date_in_text_lang(s, bl->len, page_lang(pg), out) == 0;
}

static bool date_block_max(const hx_page *pg, const hx_block *bl, size_t max,
                           char out[11]) {
    return date_block_any(pg, bl, max, false, out);
}

static bool date_block(const hx_page *pg, const hx_block *bl, char out[11]) {
    /* a reader's comment is dated too, not the story */
    if (bl->owner >= 0 && (pg->els[bl->owner].iflags & HX_COMMENTS)) return false;
    return date_block_max(pg, bl, DATE_LINE_MAX, out);
}

/* Does the element or one of its two parents have a class/id that names a
 * date ("entry-date", "post-meta", "byline")? */
static bool dated_class(const hx_page *pg, int32_t el) {
    static const char *const words[] = {"date", "time",   "publish", "posted",
                                        "meta", "byline", "datum",   NULL};
    for (int up = 0; up < 3 && el >= 0; up++, el = pg->els[el].parent) {
        for (xmlAttrPtr a = pg->els[el].node->properties; a; a = a->next) {
            if (strcmp((const char *)a->name, "class") &&
                strcmp((const char *)a->name, "id"))
                continue;
            const char *v = a->children ? (const char *)a->children->content : NULL;
            for (int k = 0; v && words[k]; k++)
                if (strcasestr(v, words[k])) return true;
        }
    }
    return false;
}

/* A short block near the headline that holds a date ("3. Juli 2019, 14:05
 * Uhr", "Published July 3, 2019"), but not one that only says when the
 * article was updated; else a block in an element named for dates. */
static bool date_line(const hx_page *pg, int32_t h1, int32_t root, int32_t container,
                      char out[11]) {
    size_t b = 0;
    /* Around the headline; without one, around the start of the text (not
     * the top of the page, where a bar may show today's date). */
    int32_t anchor = h1 >= 0 ? h1 : container >= 0 ? container : root;
    if (anchor >= 0 && anchor != root)
        while (b < pg->n_blocks && pg->blocks[b].owner < anchor) b++;
    else
        while (b < pg->n_blocks && !ngi_html_within(pg, pg->blocks[b].owner, root)) b++;
    size_t from = b > DATE_LINE_WINDOW / 2 ? b - DATE_LINE_WINDOW / 2 : 0;
    /* Under the headline first; above the text first when there is none
     * (the headline's own line, then the date under it, are above). */
    for (int pass = h1 >= 0 ? 0 : 1, n = 0; n < 2; n++, pass ^= 1) {
        if (pass == 0) {
            for (size_t k = b; k < pg->n_blocks && k < b + DATE_LINE_WINDOW; k++)
                if (ngi_html_within(pg, pg->blocks[k].owner, root) &&
                    date_block(pg, &pg->blocks[k], out))
                    return true;
        } else {
            for (size_t k = b; k-- > from;) /* above: the nearest first */
                if (ngi_html_within(pg, pg->blocks[k].owner, root) &&
                    date_block(pg, &pg->blocks[k], out))
                    return true;
        }
    }
    for (size_t k = 0; k < pg->n_blocks; k++)
        if (ngi_html_within(pg, pg->blocks[k].owner, root) &&
            dated_class(pg, pg->blocks[k].owner) && date_block(pg, &pg->blocks[k], out))
            return true;
    return false;
}

/* Publication dates that scripts carry as JSON ("published_at",
 * "publishedDate", "createdAt" in a page's state), in the raw page. */
static bool script_date(const hx_page *pg, char out[11]) {
    static const char *const keys[] = {"\"datePublished\"",
                                       "\"published_at\"",
                                       "\"publishedDate\"",
                                       "\"publishDate\"",
                                       "\"publicationDate\"",
                                       "\"createdAt\"",
                                       NULL};
    for (int k = 0; keys[k] && pg->raw; k++) {
        size_t kl = strlen(keys[k]);
        const char *p = memmem(pg->raw, pg->raw_len, keys[k], kl);
        if (!p) continue;
        const char *end = pg->raw + pg->raw_len, *v = p + kl;
        while (v < end && (*v == ' ' || *v == ':' || *v == '"')) v++;
        size_t n = (size_t)(end - v) < 40 ? (size_t)(end - v) : 40;
        if (ngi_date_from_text(v, n, out) == 0) return true;
    }
    return false;
}

/* Last resort: the first short line with a date ("Geschrieben am
 * 25.08.2015", "Feb 18 2009") anywhere in the article, then the page. */
static bool any_date_line(const hx_page *pg, int32_t root, int32_t container,
                          char out[11]) {
    for (int pass = 0; pass < 2; pass++)
        for (size_t k = 0; k < pg->n_blocks; k++)
            if ((pass || ngi_html_within(pg, pg->blocks[k].owner, container)) &&
                ngi_html_within(pg, pg->blocks[k].owner, root) &&
                date_block_max(pg, &pg->blocks[k], LAST_RESORT_MAX, out))
                return true;
    return false;
}

/* When nothing else dates the article, a short line that says when it
 * was updated ("Aktualisiert: 30.12.2016") is the best date there is. */
static bool updated_line(const hx_page *pg, int32_t root, char out[11]) {
    for (size_t k = 0; k < pg->n_blocks; k++)
        if (ngi_html_within(pg, pg->blocks[k].owner, root) &&
            date_block_any(pg, &pg->blocks[k], DATE_LINE_MAX, true, out))
            return true;
    return false;
}

/* Sources of a publication date vote for it; the date with the most weight
 * wins, ties going to the more explicit source. The address weighs most
 * (a /2019/07/03/ path is rarely wrong); the date line near the headline
 * is what a reader sees, and outweighs one metadata field alone (which
 * may hold a UTC instant a day off, or belong to another item of the
 * JSON-LD), but not two that agree. */
#define VOTE_URL     2.0f
#define VOTE_META    1.0f
#define VOTE_LINE    1.5f
#define VOTE_UPDATED 0.5f
#define MAX_VOTES    8

typedef struct date_votes {
    char date[MAX_VOTES][11];
    float weight[MAX_VOTES];
    int n;
} date_votes;

static void vote(date_votes *v, const char d[11], float w) {
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->date[i], d)) {
            v->weight[i] += w;
            return;
        }
    if (v->n == MAX_VOTES) return;
    memcpy(v->date[v->n], d, 11);
    v->weight[v->n++] = w;
}

/* A metadata value's date, on the page's own clock when written in UTC. */
static bool meta_date(const hx_page *pg, const char *s, char out[11]) {
    if (!try_date(s, out)) return false;
    ngi_date_local(s, page_lang(pg), pg->url, out);
    return true;
}

static void vote_text(const hx_page *pg, date_votes *v, const char *s, float w) {
    char d[11];
    if (meta_date(pg, s, d)) vote(v, d, w);
}

/* The article's own <time datetime> (one of several articles on a page). */
static char *article_time(const hx_page *pg, int32_t root) {
    for (size_t i = (size_t)root; i < pg->els[root].end; i++)
        if (!strcmp((const char *)pg->els[i].node->name, "time")) {
            xmlChar *dt = xmlGetProp(pg->els[i].node, (const xmlChar *)"datetime");
            if (dt) return (char *)dt;
        }
    return NULL;
}

static bool winner(const date_votes *v, char out[11]) {
    int best = -1;
    for (int i = 0; i < v->n; i++)
        if (best < 0 || v->weight[i] > v->weight[best]) best = i;
    if (best >= 0) memcpy(out, v->date[best], 11);
    return best >= 0;
}

static void find_date(const hx_page *pg, int32_t root, int32_t container, int32_t h1,
                      hx_meta *m) {
    date_votes v = {.n = 0};
    char d[11];
    if (ngi_date_from_url(pg->url, d) == 0) vote(&v, d, VOTE_URL);
    char *jl = jsonld_value(pg, "datePublished", false);
    vote_text(pg, &v, jl, VOTE_META);
    free(jl);
    vote_text(pg, &v, pg->published, VOTE_META);
    vote_text(pg, &v, pg->itemprop_date, VOTE_META);
    vote_text(pg, &v, pg->hatom_date, VOTE_META);
    if (root >= 0 && pg->n_articles > 1) {
        char *at = article_time(pg, root);
        vote_text(pg, &v, at ? at : pg->time_date, VOTE_META);
        xmlFree(at);
    } else {
        vote_text(pg, &v, pg->time_date, VOTE_META);
    }
    if (date_line(pg, h1, root, container, d)) vote(&v, d, VOTE_LINE);
    char *jm = jsonld_value(pg, "dateModified", false);
    if (!meta_date(pg, jm, m->updated) && !meta_date(pg, pg->modified, m->updated))
        m->updated[0] = '\0';
    free(jm);
    /* A modified date equal to a published one confirms it (the page was
     * never updated); alone it is no publication date. */
    for (int i = 0; i < v.n && m->updated[0]; i++)
        if (!strcmp(v.date[i], m->updated)) v.weight[i] += VOTE_UPDATED;
    bool ok = winner(&v, m->date);
    if (!ok)
        ok = ngi_date_from_url(pg->canonical, m->date) == 0 ||
             ngi_date_from_url(pg->og_url, m->date) == 0;
    if (!ok) ok = script_date(pg, m->date) || any_date_line(pg, root, container, m->date);
    if (!ok && m->updated[0])
        memcpy(m->date, m->updated, 11);
    else if (!ok && !updated_line(pg, root, m->date))
        m->date[0] = '\0';
}

/* ---- the rest ----------------------------------------------------------- */

static char *lang_of(const hx_page *pg) {
    char *l = dup_tidy(pg->lang ? pg->lang : pg->meta_lang);
    if (!l) return NULL;
    for (char *p = l; *p; p++) *p = *p == '_' ? '-' : (char)tolower((unsigned char)*p);
    return l;
}

static bool is_url(const char *s) {
    return s && (!strncasecmp(s, "http://", 7) || !strncasecmp(s, "https://", 8));
}

int ngi_html_meta(const hx_page *pg, int32_t root, int32_t container, hx_meta *m) {
    memset(m, 0, sizeof *m);
    m->site = dup_tidy(pg->og_site);
    if (!m->site) {
        char *pub = jsonld_value(pg, "publisher", true);
        m->site = pub;
    }
    int32_t h1 = headline_el(pg, container, root);
    m->title = title_of(pg, root, container, h1, m->site);
    m->author = jsonld_value(pg, "author", true);
    if (!m->author) m->author = dup_tidy(pg->author);
    if (m->author && is_url(m->author)) {
        free(m->author);
        m->author = NULL;
    }
    m->url = dup_tidy(is_url(pg->canonical) ? pg->canonical
                      : is_url(pg->og_url)  ? pg->og_url
                                            : pg->url);
    m->lang = lang_of(pg);
    find_date(pg, root, container, h1, m);
    return 0;
}

void ngi_html_meta_free(hx_meta *m) {
    free(m->title);
    free(m->author);
    free(m->site);
    free(m->url);
    free(m->lang);
    memset(m, 0, sizeof *m);
}
