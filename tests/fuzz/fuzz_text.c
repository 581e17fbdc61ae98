/*
 * fuzz_text.c — libFuzzer target for text dumps (lib/extract/textdump.c
 * through ng_extract_text, and cli/input/text.c over it): arbitrary bytes must
 * never crash them; every article has a body no longer than the input read
 * as UTF-8 (Windows-1252 text is converted first: up to 3 bytes a byte), a
 * one-line title, a well-formed date; the plain reading (boilerplate kept)
 * gives at most one article, and one when the input has a letter; the CLI
 * gives one document per article, each with one id.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/ingest.h"

static const char *field(const ng_document *doc, const char *name, size_t *len) {
    for (size_t i = 0; i < doc->n_fields; i++)
        if (strcmp(doc->fields[i].name, name) == 0) {
            *len = doc->fields[i].value_len;
            return doc->fields[i].value;
        }
    return NULL;
}

static void check_article(const ng_document *doc, size_t size) {
    size *= 3; /* the text as UTF-8 when it was Windows-1252 */
    size_t n = 0;
    const char *v = field(doc, "body", &n);
    if (!v || n > size) abort();
    if ((v = field(doc, "title", &n)) != NULL &&
        (n == 0 || n > size || memchr(v, '\n', n)))
        abort();
    if ((v = field(doc, "date", &n)) != NULL) {
        if (n != 10) abort();
        for (int i = 0; i < 10; i++)
            if ((i == 4 || i == 7) ? v[i] != '-' : (v[i] < '0' || v[i] > '9')) abort();
    }
}

static int count_doc(void *ctx, const ng_document *doc) {
    int ids = 0;
    for (size_t i = 0; i < doc->n_fields; i++) ids += doc->fields[i].role == NG_FIELD_ID;
    if (ids != 1) abort();
    (*(size_t *)ctx)++;
    return 0;
}

static int has_alnum(const uint8_t *data, size_t size) {
    for (size_t i = 0; i < size; i++)
        if ((data[i] >= '0' && data[i] <= '9') ||
            ((data[i] | 32) >= 'a' && (data[i] | 32) <= 'z'))
            return 1;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *text = (const char *)data;
    ng_extract *ex = NULL;
    if (ng_extract_text(text, size, NULL, &ex) != 0 || !ex) abort();
    size_t count = ng_extract_count(ex);
    for (size_t i = 0; i < count; i++) check_article(ng_extract_document(ex, i), size);
    if (ng_extract_document(ex, count) != NULL || !ng_extract_errmsg(ex)) abort();
    size_t docs = 0;
    if (ngc_text_extract(text, size, "page.txt", count_doc, &docs) != 0 || docs != count)
        abort();
    ng_extract_free(ex);

    ng_extract_options o;
    ng_extract_options_init(&o);
    o.flags = NG_EXTRACT_KEEP_BOILERPLATE;
    if (ng_extract_text(text, size, &o, &ex) != 0) abort();
    if (ng_extract_count(ex) > 1 || (has_alnum(data, size) && ng_extract_count(ex) != 1))
        abort();
    ng_extract_free(ex);
    return 0;
}
