/*
 * result.c — the ng_extract object: the articles found in one input, each
 * a small array of fields whose values are owned copies, plus the message
 * that says why extraction failed or found nothing.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "extract/extract.h"

typedef struct article {
    ng_field *fields; /* values owned (ngi_malloc'ed, NUL-terminated) */
    size_t n, cap;    /* fields used / allocated */
    ng_document doc;  /* fields/n_fields, refreshed on every change */
} article;

struct ng_extract {
    article *arts; /* the articles */
    size_t n, cap; /* used / allocated */
    ngi_error err; /* why it failed or found nothing */
};

ng_extract *ngi_extract_new(void) {
    return ngi_calloc(1, sizeof(ng_extract));
}

void ng_extract_options_init(ng_extract_options *opts) {
    if (opts) memset(opts, 0, sizeof *opts);
}

size_t ngi_extract_max_bytes(const ng_extract_options *opts) {
    return opts && opts->max_bytes ? opts->max_bytes : NGI_EXTRACT_MAX_BYTES;
}

int ngi_extract_add_article(ng_extract *ex) {
    if (ex->n == ex->cap) {
        size_t cap = ex->cap ? ex->cap * 2 : 4;
        article *a = ngi_realloc(ex->arts, cap * sizeof *a);
        if (!a) return -1;
        ex->arts = a;
        ex->cap = cap;
    }
    memset(&ex->arts[ex->n], 0, sizeof ex->arts[ex->n]);
    return (int)ex->n++;
}

static void article_free(article *a) {
    for (size_t i = 0; i < a->n; i++) ngi_free((void *)a->fields[i].value);
    ngi_free(a->fields);
}

void ngi_extract_drop_last(ng_extract *ex) {
    if (ex->n) article_free(&ex->arts[--ex->n]);
}

int ngi_extract_set_field(ng_extract *ex, size_t art, const char *name, int role,
                          const char *value, size_t len) {
    if (art >= ex->n || !name) return NG_EINVAL;
    article *a = &ex->arts[art];
    char *copy = ngi_strndup(value ? value : "", value ? len : 0);
    if (!copy) return NG_ENOMEM;
    size_t i = 0;
    while (i < a->n && strcmp(a->fields[i].name, name) != 0) i++;
    if (i == a->n) {
        if (a->n == a->cap) {
            size_t cap = a->cap ? a->cap * 2 : 8;
            ng_field *f = ngi_realloc(a->fields, cap * sizeof *f);
            if (!f) {
                ngi_free(copy);
                return NG_ENOMEM;
            }
            a->fields = f;
            a->cap = cap;
        }
        a->n++;
    } else {
        ngi_free((void *)a->fields[i].value);
    }
    a->fields[i] = (ng_field){name, copy, value ? len : 0, role};
    a->doc.fields = a->fields;
    a->doc.n_fields = a->n;
    return 0;
}

const char *ngi_extract_get_field(const ng_extract *ex, size_t art, const char *name,
                                  size_t *len) {
    if (art >= ex->n) return NULL;
    const article *a = &ex->arts[art];
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->fields[i].name, name) == 0) {
            if (len) *len = a->fields[i].value_len;
            return a->fields[i].value;
        }
    return NULL;
}

int ngi_extract_note(ng_extract *ex, int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    ex->err.code = code;
    vsnprintf(ex->err.msg, sizeof ex->err.msg, fmt, ap);
    va_end(ap);
    return code;
}

size_t ng_extract_count(const ng_extract *ex) {
    return ex ? ex->n : 0;
}

const ng_document *ng_extract_document(const ng_extract *ex, size_t i) {
    return ex && i < ex->n ? &ex->arts[i].doc : NULL;
}

const char *ng_extract_errmsg(const ng_extract *ex) {
    if (!ex) return ng_strerror(NG_EINVAL);
    return ex->err.msg[0] || ex->err.code ? ngi_error_message(&ex->err) : "";
}

void ng_extract_free(ng_extract *ex) {
    if (!ex) return;
    for (size_t i = 0; i < ex->n; i++) article_free(&ex->arts[i]);
    ngi_free(ex->arts);
    ngi_free(ex);
}
