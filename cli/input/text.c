/*
 * text.c — plain text, Markdown and scraped text dumps. Latin-1 /
 * Windows-1252 files are converted to UTF-8 first (charset.c). Text goes
 * through the library's ng_extract_text: a plain article is one document
 * (title = the first non-empty line, body = the rest); a dump gives its
 * articles without the site's chrome, with their dates; id and source = the
 * path (path#1, path#2 ... when a file holds several). Markdown is one
 * document: a YAML front matter gives the title and date (and is not text);
 * emphasis, heading marks and link targets are dropped so that snippets
 * show the words. Also the binary-file sniffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "ingest.h"

#define SNIFF_BYTES 8192 /* bytes looked at to decide "binary" */

bool ngc_looks_binary(const char *data, size_t len) {
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, ctrl = 0;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        return false; /* a UTF-8 byte order mark */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0) return true;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
            ctrl++;
    }
    return ctrl * 10 > n; /* more than 10% control bytes */
}

static bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

/* One article as a document: id (the path, or path#k when the file holds
 * several), the extracted fields in their order, source = the path. */
static int emit_article(const ng_document *art, const char *id, const char *path,
                        ngc_doc_fn fn, void *ctx) {
    ngc_docb d = {0};
    int rc = ngc_docb_add(&d, "id", 2, id, strlen(id), NG_FIELD_ID, NGC_COPY_VALUE);
    for (size_t i = 0; rc == 0 && i < art->n_fields; i++) {
        const ng_field *f = &art->fields[i];
        if (f->role != NG_FIELD_SOURCE)
            rc = ngc_docb_add(&d, f->name, strlen(f->name), f->value, f->value_len,
                              f->role, 0);
    }
    if (rc == 0)
        rc = ngc_docb_add(&d, "source", 6, path, strlen(path), NG_FIELD_SOURCE, 0);
    if (rc == 0) {
        ng_document doc;
        ngc_docb_finish(&d, &doc);
        rc = fn(ctx, &doc);
    } else {
        rc = -1;
    }
    ngc_docb_free(&d);
    return rc;
}

static int text_dump(const char *data, size_t len, const char *path, ngc_doc_fn fn,
                     void *ctx) {
    ng_extract_options opts;
    ng_extract_options_init(&opts);
    opts.source = path;
    opts.max_bytes = SIZE_MAX; /* the caller applied --max-doc-mb */
    ng_extract *ex = NULL;
    if (ng_extract_text(data, len, &opts, &ex) != 0) {
        ng_extract_free(ex);
        return -1;
    }
    size_t n = ng_extract_count(ex);
    int rc = 0;
    for (size_t k = 0; rc == 0 && k < n; k++) {
        char id[NG_MAX_ID_BYTES + 32];
        if (n == 1)
            snprintf(id, sizeof id, "%.*s", NG_MAX_ID_BYTES, path);
        else
            snprintf(id, sizeof id, "%.*s#%zu", NG_MAX_ID_BYTES - 24, path, k + 1);
        rc = emit_article(ng_extract_document(ex, k), id, path, fn, ctx);
    }
    ng_extract_free(ex);
    return rc;
}

/* ---- Markdown ------------------------------------------------------------ */

typedef struct front_matter {
    const char *title, *date; /* values (not NUL-terminated), or NULL */
    size_t title_len, date_len;
    size_t end; /* offset of the text after it (0: none) */
} front_matter;

static bool is_markdown(const char *path) {
    const char *dot = strrchr(path, '.');
    return dot && (!strcasecmp(dot, ".md") || !strcasecmp(dot, ".markdown") ||
                   !strcasecmp(dot, ".mdown"));
}

/* The value of "key: value" at line[0..n), quotes removed. */
static bool yaml_value(const char *line, size_t n, const char *key, const char **v,
                       size_t *vn) {
    size_t k = strlen(key);
    if (n <= k || strncmp(line, key, k) != 0 || line[k] != ':') return false;
    size_t a = k + 1, b = n;
    while (a < b && blank(line[a])) a++;
    while (b > a && blank(line[b - 1])) b--;
    if (b - a >= 2 && (line[a] == '"' || line[a] == '\'') && line[b - 1] == line[a])
        a++, b--;
    *v = line + a;
    *vn = b - a;
    return true;
}

/* A YAML front matter: "---" on the first line, up to "---" or "...". */
static front_matter read_front_matter(const char *d, size_t len, size_t i) {
    front_matter fm = {0};
    if (len - i < 4 || memcmp(d + i, "---", 3) != 0 ||
        (d[i + 3] != '\n' && d[i + 3] != '\r'))
        return fm;
    const char *line = memchr(d + i, '\n', len - i);
    while (line && (size_t)(line - d) + 1 < len) {
        const char *s = line + 1, *nl = memchr(s, '\n', len - (size_t)(s - d));
        size_t n = nl ? (size_t)(nl - s) : len - (size_t)(s - d);
        if (n && s[n - 1] == '\r') n--;
        if ((n == 3 && (!memcmp(s, "---", 3) || !memcmp(s, "...", 3)))) {
            fm.end = nl ? (size_t)(nl - d) + 1 : len;
            return fm;
        }
        if (!fm.title) yaml_value(s, n, "title", &fm.title, &fm.title_len);
        if (!fm.date) yaml_value(s, n, "date", &fm.date, &fm.date_len);
        line = nl;
    }
    return (front_matter){0}; /* not closed: not a front matter */
}

/* Markdown to its words: drops "**", "__", "`", heading marks at line
 * starts, and link targets ("[words](url)" -> "words"). */
static int markdown_plain(const char *s, size_t len, ngc_buf *out) {
    int rc = ngc_buf_reserve(out, len + 1);
    for (size_t i = 0; i < len && rc == 0; i++) {
        char c = s[i];
        bool line_start = i == 0 || s[i - 1] == '\n';
        if (line_start && c == '#') {
            while (i < len && s[i] == '#') i++;
            while (i < len && s[i] == ' ') i++;
            i--;
        } else if ((c == '*' || c == '_') && i + 1 < len && s[i + 1] == c) {
            i++;
        } else if (c == '`') {
            continue;
        } else if (c == ']' && i + 1 < len && s[i + 1] == '(') {
            const char *close = memchr(s + i, ')', len - i);
            const char *nl = memchr(s + i, '\n', len - i);
            if (close && (!nl || close < nl)) i = (size_t)(close - s);
        } else if (c == '[' && memchr(s + i, ']', len - i)) {
            continue;
        } else {
            rc = ngc_buf_addc(out, c);
        }
    }
    return rc;
}

static int markdown_document(const char *data, size_t len, const char *path,
                             ngc_doc_fn fn, void *ctx, ngc_buf *md);

int ngc_text_extract(const char *data, size_t len, const char *path, ngc_doc_fn fn,
                     void *ctx) {
    ngc_buf md = {0};
    char *utf8 = NULL; /* Latin-1 / Windows-1252 text, converted */
    int rc = ng_text_to_utf8(data, len, NG_TEXT_DEFAULT, &utf8, &len, NULL) ? -1 : 0;
    if (utf8) data = utf8;
    if (rc == 0 && is_markdown(path))
        rc = markdown_document(data, len, path, fn, ctx, &md);
    else if (rc == 0)
        rc = text_dump(data, len, path, fn, ctx);
    ng_text_free(utf8);
    ngc_buf_free(&md);
    return rc;
}

static int markdown_document(const char *data, size_t len, const char *path,
                             ngc_doc_fn fn, void *ctx, ngc_buf *md) {
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0) i = 3;
    front_matter fm = read_front_matter(data, len, i);
    if (fm.end) i = fm.end;
    while (i < len && blank(data[i])) i++;
    const char *eol = memchr(data + i, '\n', len - i);
    size_t te = eol ? (size_t)(eol - data) : len, ts = i;
    size_t bs = eol ? te + 1 : len;
    while (ts < te && data[ts] == '#') /* Markdown heading */
        ts++;
    while (ts < te && blank(data[ts])) ts++;
    while (te > ts && blank(data[te - 1])) te--;
    while (bs < len && blank(data[bs])) bs++;
    size_t be = len;
    while (be > bs && blank(data[be - 1])) be--;
    ngc_docb d = {0};
    int rc = -1;
    const char *title = data + ts, *body = data + bs;
    size_t title_len = te - ts, body_len = be - bs;
    if (fm.title && fm.title_len) { /* the first line is text, then */
        title = fm.title, title_len = fm.title_len;
        body = data + i, body_len = len - i;
        while (body_len && blank(*body)) body++, body_len--;
        while (body_len && blank(body[body_len - 1])) body_len--;
    }
    /* Both into md; pointers taken once it stopped growing. */
    md->len = 0;
    if (markdown_plain(title, title_len, md) < 0) return -1;
    size_t tl = md->len;
    if (markdown_plain(body, body_len, md) < 0 || ngc_buf_addc(md, '\0') < 0) return -1;
    title = md->data, title_len = tl;
    body = md->data + tl, body_len = md->len - 1 - tl;
    char iso[11];
    bool dated = fm.date && ngc_date_normalize(fm.date, fm.date_len, iso) == 0;
    if (ngc_docb_add(&d, "id", 2, path, strlen(path), NG_FIELD_ID, 0) == 0 &&
        ngc_docb_add(&d, "title", 5, title, title_len, NG_FIELD_TITLE, 0) == 0 &&
        ngc_docb_add(&d, "body", 4, body, body_len, NG_FIELD_BODY, 0) == 0 &&
        (!fm.date ||
         ngc_docb_add(&d, "date", 4, dated ? iso : fm.date, dated ? 10 : fm.date_len,
                      dated ? NG_FIELD_DATE : NG_FIELD_STORED, NGC_COPY_VALUE) == 0) &&
        ngc_docb_add(&d, "source", 6, path, strlen(path), NG_FIELD_SOURCE, 0) == 0) {
        ng_document doc;
        ngc_docb_finish(&d, &doc);
        rc = fn(ctx, &doc);
    }
    ngc_docb_free(&d);
    return rc;
}
