/*
 * filter.c — ng_index_set_filter: the words and prefixes of a query become
 * the writer's term filter (lib/index/filter.h), so that a grep-style scan
 * indexes only the documents, and the terms, the query can use.
 *
 * Why the results are exact: a document without any query word cannot
 * match (NOT clauses only remove documents, every positive clause needs a
 * word, and queries with a date clause are not filtered), so dropping it changes only BM25's N and average length,
 * which the caller restores with ng_search_options.unseen_*. Document
 * frequencies are exact because every document containing a query term is
 * kept; prefixes expand over kept terms only, but every term starting with
 * a prefix is kept, in every document that has one.
 */
#include <stdio.h>

#include "index/filter.h"
#include "index/index.h"
#include "query.h"

/* A date range matches documents by itself, whatever their words: such a
 * query cannot be filtered by words (conservative: any date node). */
static bool has_date_clause(const ng_query *q) {
    for (size_t i = 0; i < q->n_nodes; i++)
        if (q->nodes[i].kind == NGI_Q_DATE) return true;
    return false;
}

/* Leaves f empty (filter nothing) when words cannot decide. */
static int add_terms(ngi_filter *f, const ng_query *q) {
    if (has_date_clause(q)) return 0;
    int rc = 0;
    for (size_t t = 0; t < q->n_terms && !rc; t++)
        rc = ngi_filter_add(f, ngi_query_term(q, (uint32_t)t), q->term_len[t], false);
    const char *s = (const char *)q->prefixes.data;
    for (size_t i = 0; i < q->prefixes.len && !rc; i += strlen(s + i) + 1)
        rc = ngi_filter_add(f, s + i, strlen(s + i), true);
    return rc;
}

/* Parses text with the index's analyzer settings. */
static int parse_for(ng_index *ix, const char *text, size_t len, unsigned flags,
                     ng_query **q) {
    const ngi_settings *st = ngi_writer_settings(ix);
    return ng_query_parse_for(q, st->language, st->analyzer_flags, text, len, flags);
}

int ng_index_set_filter(ng_index *ix, const char *text, size_t len, unsigned flags) {
    if (!ix || (!text && len)) return NG_EINVAL;
    ng_query *q = NULL;
    int rc = parse_for(ix, text, len, flags, &q);
    if (rc && q) {
        char msg[600];
        snprintf(msg, sizeof msg, "query, at byte %zu: %s", q->err_offset,
                 ngi_error_message(&q->err));
        rc = ngi_writer_error(ix, rc, msg);
    }
    ngi_filter *f = NULL;
    if (!rc && !(f = ngi_filter_create())) rc = NG_ENOMEM;
    if (!rc) rc = add_terms(f, q);
    if (!rc) rc = ngi_filter_seal(f);
    ng_query_free(q);
    if (!rc && ngi_filter_empty(f)) { /* nothing to test: keep everything */
        ngi_filter_free(f);
        return 0;
    }
    if (rc) {
        ngi_filter_free(f);
        return rc;
    }
    return ngi_writer_set_filter(ix, f);
}
