/*
 * text.c — plain text, Markdown and scraped text dumps, through the
 * library's ng_extract_text: a plain article is one document (title = the
 * first non-empty line without a Markdown "#", body = the rest); a dump
 * gives its articles without the site's chrome, with their dates. id and
 * source = the path (path#1, path#2 ... when a file holds several). Also
 * the binary-file sniffer.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "ingest.h"

#define SNIFF_BYTES 8192 /* bytes looked at to decide "binary" */

bool ngc_looks_binary(const char *data, size_t len)
{
    size_t n = len < SNIFF_BYTES ? len : SNIFF_BYTES, ctrl = 0;
    if (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        return false; /* a UTF-8 byte order mark */
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)data[i];
        if (c == 0)
            return true;
        if (c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\f' && c != 0x1b)
            ctrl++;
    }
    return ctrl * 10 > n; /* more than 10% control bytes */
}

/* One article as a document: id (the path, or path#k when the file holds
 * several), the extracted fields in their order, source = the path. */
static int emit_article(const ng_document *art, const char *id, const char *path,
                        ngc_doc_fn fn, void *ctx)
{
    ngc_docb d = {0};
    int rc = ngc_docb_add(&d, "id", 2, id, strlen(id), NG_FIELD_ID, NGC_COPY_VALUE);
    for (size_t i = 0; rc == 0 && i < art->n_fields; i++) {
        const ng_field *f = &art->fields[i];
        if (f->role != NG_FIELD_SOURCE)
            rc = ngc_docb_add(&d, f->name, strlen(f->name), f->value, f->value_len, f->role, 0);
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

int ngc_text_extract(const char *data, size_t len, const char *path,
                     ngc_doc_fn fn, void *ctx)
{
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
