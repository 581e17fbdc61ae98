/*
 * text.c — plain text and Markdown files: one document per file, id and
 * source = the path, title = the first non-empty line (without a Markdown
 * "#" heading marker), body = the rest. Also the binary-file sniffer.
 */
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

static bool blank(char c)
{
    return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\f';
}

int ngc_text_extract(const char *data, size_t len, const char *path,
                     ngc_doc_fn fn, void *ctx)
{
    size_t i = 0;
    if (len >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0)
        i = 3;
    while (i < len && blank(data[i]))
        i++;
    const char *eol = memchr(data + i, '\n', len - i);
    size_t te = eol ? (size_t)(eol - data) : len, ts = i;
    size_t bs = eol ? te + 1 : len;
    while (ts < te && data[ts] == '#') /* Markdown heading */
        ts++;
    while (ts < te && blank(data[ts]))
        ts++;
    while (te > ts && blank(data[te - 1]))
        te--;
    while (bs < len && blank(data[bs]))
        bs++;
    size_t be = len;
    while (be > bs && blank(data[be - 1]))
        be--;
    ngc_docb d = {0};
    int rc = -1;
    if (ngc_docb_add(&d, "id", 2, path, strlen(path), NG_FIELD_ID, 0) == 0 &&
        ngc_docb_add(&d, "title", 5, data + ts, te - ts, NG_FIELD_TITLE, 0) == 0 &&
        ngc_docb_add(&d, "body", 4, data + bs, be - bs, NG_FIELD_BODY, 0) == 0 &&
        ngc_docb_add(&d, "source", 6, path, strlen(path), NG_FIELD_SOURCE, 0) == 0) {
        ng_document doc;
        ngc_docb_finish(&d, &doc);
        rc = fn(ctx, &doc);
    }
    ngc_docb_free(&d);
    return rc;
}
