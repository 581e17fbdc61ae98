/*
 * fuzz_html.c — libFuzzer target for the HTML and text readers
 * (cli/input/html.c over lib/extract/, cli/input/text.c) and the date
 * parser (ngc_date_normalize): arbitrary bytes must never crash them, every document they produce must have a
 * non-empty id and well-formed fields, and a parsed date must be a valid
 * YYYY-MM-DD.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "input/ingest.h"

static int check_doc(void *ctx, const ng_document *doc) {
    int ids = 0;
    (*(int *)ctx)++;
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        if (!f->name || (!f->value && f->value_len)) abort();
        if (f->role == NG_FIELD_ID && (ids++ || f->value_len == 0)) abort();
        if (f->role == NG_FIELD_DATE && (f->value_len != 10 || f->value[4] != '-'))
            abort();
        volatile unsigned char sink = 0;
        for (size_t k = 0; k < f->value_len; k++) /* every byte readable */
            sink ^= (unsigned char)f->value[k];
        (void)sink;
    }
    if (ids != 1) abort();
    return 0;
}

static void check_date(const uint8_t *data, size_t size) {
    char out[11];
    size_t n = size < 64 ? size : 64;
    if (ngc_date_normalize((const char *)data, n, out) == 0) {
        for (int i = 0; i < 10; i++)
            if ((i == 4 || i == 7) ? out[i] != '-' : (out[i] < '0' || out[i] > '9'))
                abort();
        if (out[10] != '\0') abort();
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    const char *why = NULL;
    int docs = 0;
    int rc =
        ngc_html_extract((const char *)data, size, "page.html", check_doc, &docs, &why);
    if ((rc >= 0 && rc != docs) || (rc == -1 && !why)) abort();
    docs = 0;
    if (ngc_text_extract((const char *)data, size, "page.txt", check_doc, &docs) !=
        0) /* 0..n docs: fuzz_text.c */
        abort();
    (void)ngc_looks_binary((const char *)data, size);
    check_date(data, size);
    return 0;
}
