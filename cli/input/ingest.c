/*
 * ingest.c — the document builder the input readers share: its fields
 * either point into the input (no copy) or into the builder's own byte
 * buffer (an ngc_buf, buf.c).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ingest.h"

/* ---- document builder ----------------------------------------------- */

void ngc_docb_reset(ngc_docb *d) {
    d->n = 0;
    d->bytes.len = 0;
}

static int docb_grow(ngc_docb *d) {
    /* Three parallel arrays, one capacity: each grows from d->cap. */
    size_t cap = d->cap, vcap = d->cap, ncap = d->cap;
    ng_field *f = ngc_grow(d->fields, &cap, sizeof *f);
    if (!f) return -1;
    d->fields = f;
    size_t *v = ngc_grow(d->voff, &vcap, sizeof *v);
    if (!v) return -1;
    d->voff = v;
    size_t *n = ngc_grow(d->noff, &ncap, sizeof *n);
    if (!n) return -1;
    d->noff = n;
    d->cap = cap;
    return 0;
}

/* Copies name + NUL into bytes; returns its offset or SIZE_MAX on ENOMEM. */
static size_t docb_copy(ngc_docb *d, const char *s, size_t n, bool nul) {
    size_t off = d->bytes.len;
    if (ngc_buf_add(&d->bytes, s, n) < 0 || (nul && ngc_buf_addc(&d->bytes, 0) < 0))
        return SIZE_MAX;
    return off;
}

int ngc_docb_add(ngc_docb *d, const char *name, size_t name_len, const char *value,
                 size_t value_len, int role, unsigned copy) {
    if (d->n == d->cap && docb_grow(d) < 0) return -1;
    ng_field *f = &d->fields[d->n];
    f->role = role;
    f->value_len = value_len;
    f->value = value;
    f->name = name;
    d->voff[d->n] = d->noff[d->n] = SIZE_MAX;
    if ((copy & NGC_COPY_NAME) &&
        (d->noff[d->n] = docb_copy(d, name, name_len, true)) == SIZE_MAX)
        return -1;
    if ((copy & NGC_COPY_VALUE) &&
        (d->voff[d->n] = docb_copy(d, value, value_len, true)) == SIZE_MAX)
        return -1;
    d->n++;
    return 0;
}

int ngc_docb_find(const ngc_docb *d, int role) {
    for (size_t i = 0; i < d->n; i++)
        if (d->fields[i].role == role) return (int)i;
    return -1;
}

void ngc_docb_finish(ngc_docb *d, ng_document *doc) {
    for (size_t i = 0; i < d->n; i++) {
        if (d->noff[i] != SIZE_MAX) d->fields[i].name = d->bytes.data + d->noff[i];
        if (d->voff[i] != SIZE_MAX) d->fields[i].value = d->bytes.data + d->voff[i];
    }
    doc->fields = d->fields;
    doc->n_fields = d->n;
}

void ngc_docb_free(ngc_docb *d) {
    free(d->fields);
    free(d->voff);
    free(d->noff);
    ngc_buf_free(&d->bytes);
    memset(d, 0, sizeof *d);
}
