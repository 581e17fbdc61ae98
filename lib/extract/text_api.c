/*
 * text_api.c — ng_extract_text: a plain text file or a scraped text dump
 * -> articles (textdump.c finds them), as an ng_extract result. Text that
 * reads as Latin-1 / Windows-1252 is converted to UTF-8 first (ng_text_to_utf8).
 */
#include <string.h>

#include "extract/extract.h"
#include "extract/textdump.h"

/* Copies one article into ex; an article without title and body is left out. */
static int add_article(ng_extract *ex, const ngi_td_article *a,
                       const ng_extract_options *opts) {
    if (a->title_len == 0 && a->body_len == 0) return 0;
    int k = ngi_extract_add_article(ex);
    if (k < 0) return NG_ENOMEM;
    size_t i = (size_t)k;
    int rc = 0;
    if (a->title_len)
        rc =
            ngi_extract_set_field(ex, i, "title", NG_FIELD_TITLE, a->title, a->title_len);
    if (rc == 0 && a->date[0])
        rc = ngi_extract_set_field(ex, i, "date", NG_FIELD_DATE, a->date, 10);
    if (rc == 0)
        rc = ngi_extract_set_field(ex, i, "body", NG_FIELD_BODY, a->body, a->body_len);
    if (rc == 0 && opts && opts->url)
        rc = ngi_extract_set_field(ex, i, "url", NG_FIELD_SOURCE, opts->url,
                                   strlen(opts->url));
    return rc;
}

int ng_extract_text(const char *data, size_t len, const ng_extract_options *opts,
                    ng_extract **out) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!data && len) return NG_EINVAL;
    ng_extract *ex = ngi_extract_new();
    if (!ex) return NG_ENOMEM;
    const char *name = opts && opts->source ? opts->source : "text";
    size_t limit = ngi_extract_max_bytes(opts);
    if (len > limit) {
        *out = ex;
        return ngi_extract_note(ex, NG_ELIMIT,
                                "%s: %zu bytes, over the limit of %zu bytes", name, len,
                                limit);
    }
    char *utf8 = NULL;
    if (ng_text_to_utf8(data, len, NG_TEXT_DEFAULT, &utf8, &len, NULL) != 0) {
        ng_extract_free(ex);
        return NG_ENOMEM;
    }
    if (utf8) data = utf8;
    ngi_td_result r;
    unsigned flags =
        opts && (opts->flags & NG_EXTRACT_KEEP_BOILERPLATE) ? NGI_TD_PLAIN : 0;
    int rc = ngi_textdump_split(data ? data : "", len, flags, &r);
    for (size_t i = 0; rc == 0 && i < r.count; i++)
        rc = add_article(ex, &r.articles[i], opts);
    ngi_textdump_free(&r);
    ng_text_free(utf8);
    if (rc) {
        ng_extract_free(ex);
        return rc;
    }
    if (ng_extract_count(ex) == 0) ngi_extract_note(ex, 0, "%s: no text", name);
    *out = ex;
    return 0;
}
