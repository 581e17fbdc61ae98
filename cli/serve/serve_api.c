/*
 * serve_api.c — the JSON endpoints of `newsgrep serve`: search, timeline,
 * doc, stats, healthz. Hits, documents and statistics are built by the
 * same code as search --json, show --json and stats --json (output.c);
 * errors carry the command's messages. Every parameter is checked and
 * bounded before the index is touched.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "serve.h"

const char *ngs_arg(const ngs_args *a, const char *name) {
    for (size_t i = 0; i < a->n; i++)
        if (strcmp(a->name[i], name) == 0) return a->value[i];
    return NULL;
}

/* Strings from the request or the index may hold any bytes. */
static json_t *jstr(const char *s) {
    size_t n;
    char *v = ngc_utf8_sanitize(s, strlen(s), &n);
    json_t *j = v ? json_stringn(v, n) : json_null();
    free(v);
    return j;
}

void ngs_error(ngs_reply *out, unsigned status, long long pos, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    out->status = status;
    out->body = json_object();
    json_object_set_new(out->body, "error", jstr(msg));
    if (pos >= 0) json_object_set_new(out->body, "position", json_integer(pos));
}

/* Refuses parameters the endpoint does not know (a typo such as "sicne"
 * would otherwise be ignored silently). allowed: NULL-terminated. */
static int check_names(const ngs_args *a, const char *const *allowed, ngs_reply *out) {
    for (size_t i = 0; i < a->n; i++) {
        size_t k = 0;
        while (allowed[k] && strcmp(allowed[k], a->name[i]) != 0) k++;
        if (!allowed[k]) {
            ngs_error(out, 400, -1, "unknown parameter '%.64s'", a->name[i]);
            return -1;
        }
    }
    return 0;
}

/* An integer parameter in [lo, hi]; *v keeps its default when absent. */
static int int_arg(const ngs_args *a, const char *name, size_t lo, size_t hi, size_t *v,
                   ngs_reply *out) {
    const char *s = ngs_arg(a, name);
    if (!s) return 0;
    char *end;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 10);
    if (errno || end == s || *end || s[0] == '-' || s[0] == '+' || x < lo) {
        ngs_error(out, 400, -1, "%s needs a %s number, not '%.64s'", name,
                  lo ? "positive" : "non-negative", s);
        return -1;
    }
    if (x > hi) {
        ngs_error(out, 400, -1, "%s: at most %zu, not %.64s", name, hi, s);
        return -1;
    }
    *v = (size_t)x;
    return 0;
}

/* since= / until=: the date forms of --since / --until. */
static int date_arg(const ngs_args *a, const char *name, const char **dst,
                    ngs_reply *out) {
    const char *s = ngs_arg(a, name);
    if (!s || !*s) return 0;
    ng_date d;
    if (ng_date_parse(s, strlen(s), &d) != 0) {
        ngs_error(out, 400, (long long)d.error_offset, "%s '%.64s': not a date: %s", name,
                  s, d.error);
        return -1;
    }
    *dst = s;
    return 0;
}

/* q= (required, bounded) parsed for the snapshot's index. */
static ng_query *parse_query(const ngs_args *a, ng_reader *r, unsigned flags,
                             ngs_reply *out) {
    const char *q = ngs_arg(a, "q");
    if (!q || !*q) {
        ngs_error(out, 400, -1, "missing QUERY (q=)");
        return NULL;
    }
    size_t len = strlen(q);
    if (len > NGS_MAX_QUERY_BYTES) {
        ngs_error(out, 400, -1, "q: the query is %zu bytes, the limit is %d", len,
                  NGS_MAX_QUERY_BYTES);
        return NULL;
    }
    const char *all = ngs_arg(a, "all");
    if (all && strcmp(all, "0") != 0 && strcmp(all, "1") != 0) {
        ngs_error(out, 400, -1, "all: '0' or '1', not '%.64s'", all);
        return NULL;
    }
    if (all && all[0] == '1') flags |= NG_QUERY_ALL;
    ng_query *query = NULL;
    int rc = ng_query_parse(&query, r, q, len, flags);
    if (rc < 0) {
        char msg[640];
        size_t pos;
        ngc_query_error_text(msg, sizeof msg, "query", q, query, rc, &pos);
        ngs_error(out, rc == NG_ENOMEM ? 500 : 400, (long long)pos, "%s", msg);
        ng_query_free(query);
        return NULL;
    }
    return query;
}

/* ---- /api/search ------------------------------------------------------ */

static const char *const hit_fields[] = {"id",     "score",   "title",      "date",
                                         "source", "snippet", "highlights", NULL};

/* fields=a,b,c -> a bit per entry of hit_fields (all when absent). */
static int fields_arg(const ngs_args *a, unsigned *mask, ngs_reply *out) {
    const char *s = ngs_arg(a, "fields");
    *mask = ~0u;
    if (!s) return 0;
    *mask = 0;
    while (*s) {
        size_t n = strcspn(s, ",");
        size_t k = 0;
        while (hit_fields[k] &&
               (strlen(hit_fields[k]) != n || strncmp(hit_fields[k], s, n)))
            k++;
        if (!hit_fields[k]) {
            ngs_error(out, 400, -1,
                      "fields: unknown field '%.*s' (id, score, title, date, "
                      "source, snippet, highlights)",
                      (int)(n > 64 ? 64 : n), s);
            return -1;
        }
        *mask |= 1u << k;
        s += n + (s[n] == ',');
    }
    return 0;
}

/* collapse=1: syndicated copies collapsed (NG_SEARCH_COLLAPSE). */
static int collapse_arg(const ngs_args *a, ng_search_options *so, ngs_reply *out) {
    const char *c = ngs_arg(a, "collapse");
    if (c && strcmp(c, "0") != 0 && strcmp(c, "1") != 0) {
        ngs_error(out, 400, -1, "collapse: '0' or '1', not '%.64s'", c);
        return -1;
    }
    if (c && c[0] == '1') so->flags |= NG_SEARCH_COLLAPSE;
    return 0;
}

static json_t *hit_json(const ng_hit *h, unsigned mask) {
    json_t *j = ngc_hit_json(h, false);
    for (size_t k = 0; hit_fields[k]; k++)
        if (!(mask & (1u << k))) json_object_del(j, hit_fields[k]);
    return j;
}

void ngs_api_search(ngs_readers *rs, const ngs_args *a, ngs_reply *out) {
    static const char *const names[] = {"q",        "k",    "offset", "since",
                                        "until",    "sort", "fields", "all",
                                        "collapse", "rank", NULL};
    double t0 = ngc_now();
    ng_search_options so;
    ng_search_options_init(&so);
    size_t k = 10, offset = 0;
    unsigned mask;
    const char *sort = ngs_arg(a, "sort");
    if (check_names(a, names, out) || int_arg(a, "k", 1, NGS_MAX_K, &k, out) ||
        int_arg(a, "offset", 0, NGS_MAX_OFFSET, &offset, out) ||
        date_arg(a, "since", &so.since, out) || date_arg(a, "until", &so.until, out) ||
        fields_arg(a, &mask, out))
        return;
    if (sort && strcmp(sort, "score") && strcmp(sort, "date"))
        return ngs_error(out, 400, -1, "sort: 'score' or 'date', not '%.64s'", sort);
    so.sort = sort && strcmp(sort, "date") == 0 ? NG_SORT_DATE : NG_SORT_SCORE;
    const char *rank = ngs_arg(a, "rank");
    if (rank && strcmp(rank, "proximity") && strcmp(rank, "bm25"))
        return ngs_error(out, 400, -1, "rank: 'proximity' or 'bm25', not '%.64s'", rank);
    so.rank = rank && strcmp(rank, "bm25") == 0 ? NG_RANK_BM25 : NG_RANK_PROXIMITY;
    so.k = offset + k;
    so.flags = NG_SEARCH_COUNT;
    if (mask & ~3u) /* more than id and score */
        so.flags |= NG_SEARCH_FETCH;
    if (mask & (3u << 5)) /* snippet, highlights */
        so.flags |= NG_SEARCH_SNIPPETS;
    if (collapse_arg(a, &so, out)) return;

    ngs_snap *s = ngs_acquire(rs);
    ng_query *q = parse_query(a, s->reader, 0, out);
    ng_results *res = NULL;
    int rc = q ? ng_search(s->reader, q, &so, &res) : 0;
    if (q && rc < 0)
        ngs_error(out, rc == NG_ENOMEM ? 503 : 500, -1, "search: %s",
                  res ? ng_results_errmsg(res) : ng_strerror(rc));
    if (q && rc == 0) {
        json_t *hits = json_array();
        for (size_t i = offset; i < ng_results_count(res); i++) {
            json_t *h = hit_json(ng_results_hit(res, i), mask);
            if (so.flags & NG_SEARCH_COLLAPSE)
                json_object_set_new(h, "similar", ngc_similar_json(res, i));
            json_array_append_new(hits, h);
        }
        json_t *o = json_object();
        json_object_set_new(o, "query", jstr(ngs_arg(a, "q")));
        json_object_set_new(o, "total", json_integer(ng_results_total(res)));
        json_object_set_new(o, "offset", json_integer((json_int_t)offset));
        json_object_set_new(o, "k", json_integer((json_int_t)k));
        json_object_set_new(o, "count", json_integer((json_int_t)json_array_size(hits)));
        if (ng_results_warning(res))
            json_object_set_new(o, "warning", jstr(ng_results_warning(res)));
        json_object_set_new(o, "took_ms",
                            json_real((double)(long)((ngc_now() - t0) * 1e6) / 1e3));
        json_object_set_new(o, "hits", hits);
        out->status = 200;
        out->body = o;
    }
    ng_results_free(res);
    ng_query_free(q);
    ngs_release(rs, s);
}

/* ---- /api/timeline ---------------------------------------------------- */

#define TOO_MANY_BUCKETS 1 /* collect's own stop (the library's codes are < 0) */

static int collect(void *ctx, const char *start, uint64_t count) {
    if (json_array_size(ctx) >= NGS_MAX_BUCKETS) return TOO_MANY_BUCKETS;
    json_t *b = json_object();
    json_object_set_new(b, "period", json_stringn(start, strnlen(start, 10)));
    json_object_set_new(b, "count", json_integer((json_int_t)count));
    return json_array_append_new(ctx, b) ? NG_ENOMEM : 0;
}

void ngs_api_timeline(ngs_readers *rs, const ngs_args *a, ngs_reply *out) {
    static const char *const names[] = {"q",   "by",       "since", "until",
                                        "all", "collapse", NULL};
    double t0 = ngc_now();
    ng_search_options so;
    ng_search_options_init(&so);
    const char *by = ngs_arg(a, "by");
    if (check_names(a, names, out) || date_arg(a, "since", &so.since, out) ||
        date_arg(a, "until", &so.until, out) || collapse_arg(a, &so, out))
        return;
    if (!by) by = "month";
    if (strcmp(by, "day") && strcmp(by, "week") && strcmp(by, "month") &&
        strcmp(by, "year"))
        return ngs_error(out, 400, -1, "by: day, week, month or year, not '%.64s'", by);

    ngs_snap *s = ngs_acquire(rs);
    ng_query *q = parse_query(a, s->reader, 0, out);
    json_t *buckets = json_array();
    int rc = q ? ng_timeline(s->reader, q, &so, by, collect, buckets) : 0;
    if (q && rc == TOO_MANY_BUCKETS)
        ngs_error(out, 400, -1,
                  "timeline: more than %d periods by %s; choose a longer period "
                  "or narrow the dates (since=, until=)",
                  NGS_MAX_BUCKETS, by);
    if (q && rc < 0)
        ngs_error(out, rc == NG_ENOMEM ? 503 : 500, -1, "timeline: %s", ng_strerror(rc));
    if (q && rc == 0) {
        json_int_t total = 0;
        for (size_t i = 0; i < json_array_size(buckets); i++)
            total +=
                json_integer_value(json_object_get(json_array_get(buckets, i), "count"));
        json_t *o = json_object();
        json_object_set_new(o, "query", jstr(ngs_arg(a, "q")));
        json_object_set_new(o, "by", json_string(by));
        json_object_set_new(o, "total", json_integer(total));
        json_object_set_new(o, "took_ms",
                            json_real((double)(long)((ngc_now() - t0) * 1e6) / 1e3));
        json_object_set_new(o, "buckets", buckets);
        buckets = NULL;
        out->status = 200;
        out->body = o;
    }
    json_decref(buckets);
    ng_query_free(q);
    ngs_release(rs, s);
}

/* ---- /api/doc/ID, /api/stats, /healthz --------------------------------- */

void ngs_api_doc(ngs_readers *rs, const char *id, size_t id_len, ngs_reply *out) {
    if (id_len == 0) return ngs_error(out, 400, -1, "missing ID (/api/doc/ID)");
    if (id_len > NG_MAX_ID_BYTES)
        return ngs_error(out, 400, -1, "the id is %zu bytes, the limit is %d", id_len,
                         NG_MAX_ID_BYTES);
    ngs_snap *s = ngs_acquire(rs);
    ng_doc *d = NULL;
    pthread_mutex_lock(&s->lock);
    int rc = ng_reader_get(s->reader, id, id_len, &d);
    if (rc == NG_ENOTFOUND)
        ngs_error(out, 404, -1, "no document with id '%.*s'", (int)id_len, id);
    else if (rc < 0)
        ngs_error(out, 500, -1, "show: %.*s: %s", (int)(id_len > 200 ? 200 : id_len), id,
                  ng_reader_errmsg(s->reader));
    pthread_mutex_unlock(&s->lock);
    if (rc == 0) {
        out->status = 200;
        out->body = ngc_doc_json(d);
    }
    ng_doc_free(d);
    ngs_release(rs, s);
}

void ngs_api_stats(ngs_readers *rs, const char *const *dirs, size_t n_dirs,
                   ngs_reply *out) {
    ngs_snap *s = ngs_acquire(rs);
    pthread_mutex_lock(&s->lock);
    if (!s->stats) {
        ng_stats st;
        if (ng_reader_stats(s->reader, &st) < 0) {
            ngs_error(out, 500, -1, "stats: %s", ng_reader_errmsg(s->reader));
        } else if ((s->stats = ngc_stats_json(&st)) != NULL) { /* copies st.language */
            json_t *ix = json_array();
            for (size_t i = 0; i < n_dirs; i++) json_array_append_new(ix, jstr(dirs[i]));
            json_object_set_new(s->stats, "indexes", ix);
        }
    }
    /* A copy: jansson's reference counts are not atomic. */
    if (s->stats && (out->body = json_deep_copy(s->stats)) != NULL) out->status = 200;
    pthread_mutex_unlock(&s->lock);
    ngs_release(rs, s);
}

void ngs_api_health(ngs_readers *rs, ngs_reply *out) {
    unsigned reopens;
    char err[512];
    ngs_release(rs, ngs_acquire(rs)); /* a new commit is picked up here too */
    ngs_readers_status(rs, &reopens, err, sizeof err);
    out->status = 200; /* a snapshot is always there: the one opened at start */
    out->body = json_object();
    json_object_set_new(out->body, "status", json_string("ok"));
    json_object_set_new(out->body, "reopens", json_integer(reopens));
    if (*err) json_object_set_new(out->body, "reopen_error", jstr(err));
}
