/*
 * extract.h — the extraction module's internal interface: the result object
 * (an ng_extract holds zero or more articles, each a list of named fields)
 * that the HTML path (html*.c) and the text-dump path (text_api.c) fill.
 */
#ifndef NG_EXTRACT_H
#define NG_EXTRACT_H

#include <stddef.h>

#include "common/common.h"

/* Default input limit when ng_extract_options.max_bytes is 0. */
#define NGI_EXTRACT_MAX_BYTES ((size_t)64 << 20)

/* A new, empty result (count 0, no message); NULL when out of memory. */
ng_extract *ngi_extract_new(void);

/* Appends an empty article; returns its index, or -1 (NG_ENOMEM). */
int ngi_extract_add_article(ng_extract *ex);

/* Sets field `name` (a static or long-lived NUL-terminated string) of
 * article `art` to a copy of value[0..len); a field of that name already
 * set is replaced. Returns 0, or NG_ENOMEM / NG_EINVAL (no such article). */
int ngi_extract_set_field(ng_extract *ex, size_t art, const char *name, int role,
                          const char *value, size_t len);

/* The value of a field set earlier, or NULL (len in *len when not NULL). */
const char *ngi_extract_get_field(const ng_extract *ex, size_t art, const char *name,
                                  size_t *len);

/* Removes the last article (one that turned out empty). */
void ngi_extract_drop_last(ng_extract *ex);

/* Records why the result is empty or failed (shown by ng_extract_errmsg);
 * returns code. */
int ngi_extract_note(ng_extract *ex, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* The input limit of opts (NULL or 0: the default). */
size_t ngi_extract_max_bytes(const ng_extract_options *opts);

#endif /* NG_EXTRACT_H */
