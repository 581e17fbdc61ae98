/*
 * qstats.h — a query's collection statistics (ng_query_stats): N, total
 * length, and a sorted table term → df holding the query's terms and
 * every term its prefixes expand to. Gathered by planning a query
 * (ngi_sctx_init_with, collect), summed over the parts of a collection,
 * and given back to planning so that every part scores with the whole
 * collection's statistics (plan.c, given).
 */
#ifndef NG_QSTATS_H
#define NG_QSTATS_H

#include "common/buf.h"
#include "common/common.h"

typedef struct ngi_qs_term {
    uint64_t off; /* term bytes at names.data + off */
    uint32_t len;
    uint64_t df;
} ngi_qs_term;

struct ng_query_stats {
    ngi_error err;     /* failure detail */
    char language[32]; /* analyzer settings they were gathered with */
    unsigned analyzer_flags;
    uint64_t docs, tokens; /* BM25's N and the total length */
    ngi_buf names;         /* term bytes, back to back */
    ngi_qs_term *t;        /* n terms, ascending bytes, unique */
    size_t n, cap;
};

/* Records a term and its df while gathering (any order, repeats allowed:
 * ngi_qstats_finish sorts them and keeps one of each). */
int ngi_qstats_note(ng_query_stats *s, const char *term, size_t len, uint64_t df);
int ngi_qstats_finish(ng_query_stats *s);

static inline const char *ngi_qstats_term(const ng_query_stats *s, size_t i) {
    return (const char *)s->names.data + s->t[i].off;
}
/* Index of a term in the table, or SIZE_MAX. */
size_t ngi_qstats_find(const ng_query_stats *s, const char *term, size_t len);
/* df of a term (0 when the statistics lack it). */
uint64_t ngi_qstats_df(const ng_query_stats *s, const char *term, size_t len);
/* Range [*lo, *hi) of the terms starting with prefix. */
void ngi_qstats_prefix(const ng_query_stats *s, const char *prefix, size_t len,
                       size_t *lo, size_t *hi);

#endif /* NG_QSTATS_H */
