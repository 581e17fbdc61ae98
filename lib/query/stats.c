/*
 * stats.c — the statistics exchange of distributed search
 * (ng_query_stats_*): gathered by planning a query against one reader,
 * added up over the parts, carried between processes as a checksummed
 * blob, and given to ng_search (ng_search_options.stats).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "common/le.h"
#include "common/varint.h"
#include "plan.h"
#include "qstats.h"

#define STATS_MAGIC   "NGQS"
#define STATS_VERSION 1u

static ng_query_stats *stats_new(void) {
    ng_query_stats *s = ngi_calloc(1, sizeof *s);
    if (s) ngi_buf_init(&s->names);
    return s;
}

void ng_query_stats_free(ng_query_stats *s) {
    if (!s) return;
    ngi_buf_free(&s->names);
    ngi_free(s->t);
    ngi_free(s);
}

const char *ng_query_stats_errmsg(const ng_query_stats *s) {
    return s ? ngi_error_message(&s->err) : ng_strerror(NG_EINVAL);
}

void ng_query_stats_totals(const ng_query_stats *s, uint64_t *documents, uint64_t *tokens,
                           uint64_t *terms) {
    if (documents) *documents = s ? s->docs : 0;
    if (tokens) *tokens = s ? s->tokens : 0;
    if (terms) *terms = s ? s->n : 0;
}

/* ---- the term table ---------------------------------------------------- */

static int push_term(ng_query_stats *s, const char *term, size_t len, uint64_t df) {
    if (s->n == s->cap) {
        size_t cap = s->cap ? s->cap * 2 : 16;
        ngi_qs_term *t = ngi_realloc(s->t, cap * sizeof *t);
        if (!t) return NG_ENOMEM;
        s->t = t;
        s->cap = cap;
    }
    ngi_qs_term e = {s->names.len, (uint32_t)len, df};
    if (ngi_buf_append(&s->names, term, len)) return NG_ENOMEM;
    s->t[s->n++] = e;
    return 0;
}

int ngi_qstats_note(ng_query_stats *s, const char *term, size_t len, uint64_t df) {
    return df ? push_term(s, term, len, df) : 0;
}

static int cmp_term(const ng_query_stats *s, size_t i, const char *b, size_t bl) {
    size_t al = s->t[i].len;
    int r = memcmp(ngi_qstats_term(s, i), b, NGI_MIN(al, bl));
    return r ? r : (al > bl) - (al < bl);
}

/* A term with its bytes' address, for qsort (which has no context). */
typedef struct sterm {
    const char *p;
    ngi_qs_term e;
} sterm;

static int cmp_sterm(const void *x, const void *y) {
    const sterm *a = x, *b = y;
    int r = memcmp(a->p, b->p, NGI_MIN(a->e.len, b->e.len));
    return r ? r : (a->e.len > b->e.len) - (a->e.len < b->e.len);
}

/* Sorts the noted terms; a reader notes a term once per role (query
 * term, prefix expansion) with the same df: keep one. */
int ngi_qstats_finish(ng_query_stats *s) {
    if (s->n < 2) return 0;
    sterm *v = ngi_malloc(s->n * sizeof *v);
    if (!v) return NG_ENOMEM;
    for (size_t i = 0; i < s->n; i++) v[i] = (sterm){ngi_qstats_term(s, i), s->t[i]};
    qsort(v, s->n, sizeof *v, cmp_sterm);
    size_t n = 0;
    for (size_t i = 0; i < s->n; i++) {
        if (n && !cmp_sterm(&v[i], &v[i - 1])) {
            s->t[n - 1].df = NGI_MAX(s->t[n - 1].df, v[i].e.df);
            continue;
        }
        s->t[n++] = v[i].e;
    }
    s->n = n;
    ngi_free(v);
    return 0;
}

size_t ngi_qstats_find(const ng_query_stats *s, const char *term, size_t len) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int r = cmp_term(s, mid, term, len);
        if (!r) return mid;
        if (r < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return SIZE_MAX;
}

uint64_t ngi_qstats_df(const ng_query_stats *s, const char *term, size_t len) {
    size_t i = ngi_qstats_find(s, term, len);
    return i == SIZE_MAX ? 0 : s->t[i].df;
}

void ngi_qstats_prefix(const ng_query_stats *s, const char *prefix, size_t len,
                       size_t *lo_out, size_t *hi_out) {
    size_t lo = 0, hi = s->n;
    while (lo < hi) { /* first term >= prefix */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_term(s, mid, prefix, len) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < s->n && s->t[end].len >= len &&
           !memcmp(ngi_qstats_term(s, end), prefix, len))
        end++;
    *lo_out = lo;
    *hi_out = end;
}

/* ---- gather and add ------------------------------------------------------ */

int ng_query_stats_get(ng_reader *reader, const ng_query *query, ng_query_stats **out) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!reader || !query || query->err.code) return NG_EINVAL;
    const ngi_snapshot *snap = ngi_reader_snapshot(reader);
    if (!snap) return NG_EINVAL;
    ng_query_stats *s = stats_new();
    if (!s) return NG_ENOMEM;
    memcpy(s->language, snap->settings.language, sizeof s->language);
    s->language[sizeof s->language - 1] = '\0';
    s->analyzer_flags = snap->settings.analyzer_flags;
    s->docs = snap->max_doc;
    s->tokens = snap->total_len;
    ngi_sctx c;
    int rc = ngi_sctx_init_with(&c, snap, query, snap->settings.k1, snap->settings.b,
                                NULL, s, &s->err);
    ngi_sctx_free(&c);
    if (!rc && ngi_qstats_finish(s)) rc = NG_ENOMEM;
    if (rc == NG_ENOMEM || rc == NG_EINVAL) {
        ng_query_stats_free(s);
        return rc;
    }
    *out = s;
    return rc;
}

int ng_query_stats_add(ng_query_stats *sum, const ng_query_stats *part) {
    if (!sum || !part || sum == part || sum->err.code || part->err.code) return NG_EINVAL;
    if (strcmp(sum->language, part->language) ||
        sum->analyzer_flags != part->analyzer_flags)
        return NG_EINVAL;
    if (sum->docs + part->docs < sum->docs || sum->tokens + part->tokens < sum->tokens)
        return NG_EINVAL;
    ng_query_stats *m = stats_new();
    if (!m) return NG_ENOMEM;
    int rc = 0;
    size_t i = 0, j = 0;
    while (!rc && (i < sum->n || j < part->n)) {
        int r = i == sum->n ? 1
                : j == part->n
                    ? -1
                    : cmp_term(sum, i, ngi_qstats_term(part, j), part->t[j].len);
        if (r < 0) {
            rc = push_term(m, ngi_qstats_term(sum, i), sum->t[i].len, sum->t[i].df);
            i++;
        } else if (r > 0) {
            rc = push_term(m, ngi_qstats_term(part, j), part->t[j].len, part->t[j].df);
            j++;
        } else {
            rc = push_term(m, ngi_qstats_term(sum, i), sum->t[i].len,
                           sum->t[i].df + part->t[j].df);
            i++;
            j++;
        }
    }
    if (rc) {
        ng_query_stats_free(m);
        return NG_ENOMEM;
    }
    ngi_buf_free(&sum->names);
    ngi_free(sum->t);
    sum->names = m->names;
    sum->t = m->t;
    sum->n = m->n;
    sum->cap = m->cap;
    sum->docs += part->docs;
    sum->tokens += part->tokens;
    ngi_free(m);
    return 0;
}

/* ---- bytes ------------------------------------------------------------------- */

int ng_query_stats_encode(const ng_query_stats *s, void *buf, size_t cap, size_t *len) {
    if (len) *len = 0;
    if (!s || !len || (!buf && cap) || s->err.code) return NG_EINVAL;
    ngi_buf b = NGI_BUF_INIT;
    size_t ll = strlen(s->language);
    int rc =
        ngi_buf_append(&b, STATS_MAGIC, 4) || ngi_buf_append_le32(&b, STATS_VERSION) ||
        ngi_buf_append_u8(&b, (uint8_t)ll) || ngi_buf_append(&b, s->language, ll) ||
        ngi_buf_append_le32(&b, s->analyzer_flags) || ngi_buf_append_le64(&b, s->docs) ||
        ngi_buf_append_le64(&b, s->tokens) || ngi_buf_append_le64(&b, s->n);
    for (size_t i = 0; i < s->n && !rc; i++)
        rc = ngi_buf_append_vbyte(&b, s->t[i].len) ||
             ngi_buf_append(&b, ngi_qstats_term(s, i), s->t[i].len) ||
             ngi_buf_append_vbyte(&b, s->t[i].df);
    if (!rc) rc = ngi_buf_append_le64(&b, ngi_hash64(b.data, b.len));
    if (rc) {
        ngi_buf_free(&b);
        return NG_ENOMEM;
    }
    *len = b.len;
    rc = b.len > cap ? NG_ELIMIT : 0;
    if (!rc) memcpy(buf, b.data, b.len);
    ngi_buf_free(&b);
    return rc;
}

static int decode_terms(ng_query_stats *s, const uint8_t *p, const uint8_t *end,
                        uint64_t n) {
    for (uint64_t i = 0; i < n; i++) {
        uint64_t tl, df;
        if (ngi_vbyte_get(&p, end, &tl) || tl == 0 || tl > 255 ||
            tl > (uint64_t)(end - p))
            return NG_EINVAL;
        const char *term = (const char *)p;
        p += tl;
        if (ngi_vbyte_get(&p, end, &df) || df == 0 || df > s->docs) return NG_EINVAL;
        if (s->n && cmp_term(s, s->n - 1, term, tl) >= 0) return NG_EINVAL;
        if (push_term(s, term, tl, df)) return NG_ENOMEM;
    }
    return p == end ? 0 : NG_EINVAL;
}

int ng_query_stats_decode(ng_query_stats **out, const void *buf, size_t len) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    const uint8_t *p = buf;
    if (!buf || len < 4 + 4 + 1 + 4 + 8 + 8 + 8 + 8) return NG_EINVAL;
    const uint8_t *end = p + len - 8;
    if (memcmp(p, STATS_MAGIC, 4) || ngi_load_le32(p + 4) != STATS_VERSION ||
        ngi_load_le64(end) != ngi_hash64(p, len - 8))
        return NG_EINVAL;
    size_t ll = p[8];
    p += 9;
    if (ll >= sizeof(((ng_query_stats *)0)->language) ||
        (size_t)(end - p) < ll + 4 + 8 + 8 + 8)
        return NG_EINVAL;
    ng_query_stats *s = stats_new();
    if (!s) return NG_ENOMEM;
    memcpy(s->language, p, ll);
    p += ll;
    s->analyzer_flags = ngi_load_le32(p);
    s->docs = ngi_load_le64(p + 4);
    s->tokens = ngi_load_le64(p + 12);
    uint64_t n = ngi_load_le64(p + 20);
    p += 28;
    int rc = n > (uint64_t)(end - p) / 2 ? NG_EINVAL : decode_terms(s, p, end, n);
    if (rc) {
        ng_query_stats_free(s);
        return rc;
    }
    *out = s;
    return 0;
}
