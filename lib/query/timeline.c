/*
 * timeline.c — ng_timeline: counts the documents matching a query per
 * day, ISO week (starting Monday), month or year, and reports every
 * bucket from the first non-empty one to the last, empty ones included.
 */
#include <stdlib.h>
#include <string.h>

#include "common/date.h"
#include "collapse.h"
#include "search.h"

enum { BY_DAY, BY_WEEK, BY_MONTH, BY_YEAR };

/* Collects the bucket start (days) of every matching dated document. */
typedef struct tl_ctx {
    int by;          /* BY_* */
    ngi_buf days;    /* int32_t bucket starts */
    int err;         /* NG_ENOMEM while collecting */
    bool collapse;   /* NG_SEARCH_COLLAPSE: stories, not copies */
    ngi_buf matches; /* then: ngi_dated_match of every dated match */
} tl_ctx;

static int32_t bucket_of(int by, int32_t d) {
    int y;
    unsigned m, day;
    switch (by) {
    case BY_WEEK: /* 1970-01-01 was a Thursday: Monday-based weekday */
        return d - (int32_t)((((int64_t)d % 7) + 7 + 3) % 7);
    case BY_MONTH:
        ngi_civil_from_days(d, &y, &m, &day);
        return ngi_days_from_civil(y, m, 1);
    case BY_YEAR:
        ngi_civil_from_days(d, &y, &m, &day);
        return ngi_days_from_civil(y, 1, 1);
    default: return d;
    }
}

static int32_t bucket_next(int by, int32_t d) {
    int y;
    unsigned m, day;
    switch (by) {
    case BY_WEEK: return d + 7;
    case BY_MONTH:
        ngi_civil_from_days(d, &y, &m, &day);
        return m == 12 ? ngi_days_from_civil(y + 1, 1, 1)
                       : ngi_days_from_civil(y, m + 1, 1);
    case BY_YEAR:
        ngi_civil_from_days(d, &y, &m, &day);
        return ngi_days_from_civil(y + 1, 1, 1);
    default: return d + 1;
    }
}

static void on_match(void *arg, const ngi_segment *seg, uint32_t local) {
    tl_ctx *t = arg;
    int32_t d = ngi_segment_doc_date(seg, local);
    if (d == NGI_NO_DATE || t->err) return;
    if (t->collapse) { /* bucketed once the copies are known */
        ngi_dated_match m = {d, seg, local};
        if (ngi_buf_append(&t->matches, &m, sizeof m)) t->err = NG_ENOMEM;
        return;
    }
    int32_t b = bucket_of(t->by, d);
    if (ngi_buf_append(&t->days, &b, sizeof b)) t->err = NG_ENOMEM;
}

static int cmp_i32(const void *a, const void *b) {
    int32_t x = *(const int32_t *)a, y = *(const int32_t *)b;
    return x < y ? -1 : x > y;
}

static int emit(const tl_ctx *t, ng_bucket_fn fn, void *ctx) {
    const int32_t *v = (const int32_t *)t->days.data;
    size_t n = t->days.len / sizeof *v, i = 0;
    if (!n) return 0;
    for (int32_t b = v[0]; i < n; b = bucket_next(t->by, b)) {
        uint64_t c = 0;
        while (i < n && v[i] == b) i++, c++;
        char s[11];
        ngi_date_format(b, s);
        int rc = fn(ctx, s, c);
        if (rc) return rc;
    }
    return 0;
}

/* Keeps the first copy of each story and buckets it. */
static int stories(tl_ctx *t, ngi_error *err) {
    ngi_dated_match *m = (ngi_dated_match *)(void *)t->matches.data;
    size_t n = 0;
    uint64_t unsigned_docs;
    int rc = ngi_collapse_stories(m, t->matches.len / sizeof *m, &n, &unsigned_docs, err);
    for (size_t i = 0; i < n && !rc; i++) {
        int32_t b = bucket_of(t->by, m[i].day);
        if (ngi_buf_append(&t->days, &b, sizeof b)) rc = NG_ENOMEM;
    }
    return rc;
}

static int by_of(const char *by) {
    if (!by || !strcmp(by, "day")) return BY_DAY;
    if (!strcmp(by, "week")) return BY_WEEK;
    if (!strcmp(by, "month")) return BY_MONTH;
    if (!strcmp(by, "year")) return BY_YEAR;
    return -1;
}

static int opt_day(const char *s, int32_t dflt, int32_t *out) {
    ng_date d;
    *out = dflt;
    return s && ngi_date_bound(s, strlen(s), dflt == INT32_MAX, out, &d) ? NG_EINVAL : 0;
}

int ng_timeline(ng_reader *reader, const ng_query *query, const ng_search_options *opts,
                const char *by, ng_bucket_fn fn, void *ctx) {
    tl_ctx t = {by_of(by), NGI_BUF_INIT, 0, opts && (opts->flags & NG_SEARCH_COLLAPSE),
                NGI_BUF_INIT};
    if (!reader) return NG_EINVAL;
    ngi_error err; /* ends up as reader's message for this thread */
    ngi_error_clear(&err);
    if (!query || !fn) return ngi_reader_fail(reader, NG_EINVAL, NULL);
    if (query->err.code)
        return ngi_reader_fail(reader,
                               ngi_error_set(&err, NG_EINVAL,
                                             "timeline: the query did not parse: %s",
                                             ngi_error_message(&query->err)),
                               &err);
    if (t.by < 0)
        return ngi_reader_fail(
            reader,
            ngi_error_set(&err, NG_EINVAL,
                          "timeline: unknown bucket '%.40s' (day, week, month or year)",
                          by),
            &err);
    ngi_search_plan p = {.exhaustive = 1, .on_match = on_match, .arg = &t};
    if (opts && (opt_day(opts->since, INT32_MIN, &p.since) ||
                 opt_day(opts->until, INT32_MAX, &p.until)))
        return ngi_reader_fail(reader,
                               ngi_error_set(&err, NG_EINVAL,
                                             "timeline: bad date in since '%.40s' or "
                                             "until '%.40s'",
                                             opts->since ? opts->since : "",
                                             opts->until ? opts->until : ""),
                               &err);
    if (!opts) p.since = INT32_MIN, p.until = INT32_MAX;
    const ngi_snapshot *snap = ngi_reader_snapshot(reader);
    if (!snap) return ngi_reader_fail(reader, NG_ESTATE, NULL);
    ngi_sctx c;
    ngi_topk h = {0};
    uint64_t total;
    int rc = ngi_sctx_init(&c, snap, query, snap->settings.k1, snap->settings.b, &err);
    if (!rc) rc = ngi_search_run(&c, &p, &h, &total);
    ngi_sctx_free(&c);
    if (!rc) rc = t.err;
    if (!rc && t.collapse) rc = stories(&t, &err);
    if (!rc) {
        if (t.days.len)
            qsort(t.days.data, t.days.len / sizeof(int32_t), sizeof(int32_t), cmp_i32);
        rc = emit(&t, fn, ctx);
    }
    ngi_buf_free(&t.days);
    ngi_buf_free(&t.matches);
    return rc ? ngi_reader_fail(reader, rc, &err) : 0;
}
