/*
 * html.c — HTML page -> article document(s) for ingest: a thin caller of
 * the library's ng_extract_html (lib/extract/), which finds the main
 * content, title, date and the other metadata. Here each article gets its
 * id (the path, or path#1, path#2 ... when a page holds several stories)
 * and the path as its source; the page's own address is kept as "url".
 */
#include <stdio.h>
#include <string.h>

#include "ingest.h"

/* The reason of the last failure, for *why (it must outlive the result). */
static _Thread_local char why_buf[512];

static int add_article(const ng_document *art, const char *id, const char *path,
                       ngc_docb *d) {
    ngc_docb_reset(d);
    int rc = ngc_docb_add(d, "id", 2, id, strlen(id), NG_FIELD_ID, NGC_COPY_VALUE);
    for (size_t i = 0; i < art->n_fields && !rc; i++) {
        const ng_field *f = &art->fields[i];
        int role = f->role == NG_FIELD_SOURCE ? NG_FIELD_STORED : f->role;
        rc = ngc_docb_add(d, f->name, strlen(f->name), f->value, f->value_len, role, 0);
    }
    if (!rc) rc = ngc_docb_add(d, "source", 6, path, strlen(path), NG_FIELD_SOURCE, 0);
    return rc;
}

size_t ngc_html_parse_bytes(const char *data, size_t len) {
    size_t tags = 0;
    if (!data) return 0;
    for (const char *p = data, *end = data + len;
         (p = memchr(p, '<', (size_t)(end - p))) != NULL && ++p < end;)
        tags += ((unsigned char)*p | 0x20) >= 'a' && ((unsigned char)*p | 0x20) <= 'z';
    return len + tags * NGC_HTML_ELEMENT_BYTES;
}

int ngc_html_extract(const char *data, size_t len, const char *path, ngc_doc_fn fn,
                     void *ctx, const char **why) {
    *why = NULL;
    ng_extract_options o;
    ng_extract_options_init(&o);
    ng_extract *ex = NULL;
    int rc = ng_extract_html(data, len, &o, &ex);
    if (!ex) {
        *why = "out of memory";
        return -1;
    }
    size_t n = ng_extract_count(ex);
    if (rc != 0 || n == 0) {
        snprintf(why_buf, sizeof why_buf, "%s", ng_extract_errmsg(ex));
        *why = why_buf;
        ng_extract_free(ex);
        return -1;
    }
    ngc_docb d = {0};
    int done = 0;
    for (size_t k = 0; k < n; k++) {
        char id[NG_MAX_ID_BYTES + 32];
        if (n == 1)
            snprintf(id, sizeof id, "%s", path);
        else
            snprintf(id, sizeof id, "%.*s#%zu", NG_MAX_ID_BYTES - 24, path, k + 1);
        if (add_article(ng_extract_document(ex, k), id, path, &d) != 0) {
            *why = "out of memory";
            done = -1;
            break;
        }
        ng_document doc;
        ngc_docb_finish(&d, &doc);
        int r = fn(ctx, &doc);
        if (r) {
            done = r;
            break;
        }
        done++;
    }
    ngc_docb_free(&d);
    ng_extract_free(ex);
    return done;
}
