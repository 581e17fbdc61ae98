/*
 * cmd_search.c — `newsgrep search` (one query, or a batch of qid<TAB>query
 * lines timed per query for evaluation) and `newsgrep count`. The option
 * parser is shared with grep-style search (cmd_grep.c).
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    O_JSON = 256,
    O_TREC,
    O_IDS,
    O_ALL,
    O_SINCE,
    O_UNTIL,
    O_SORT,
    O_SNIP,
    O_NOSNIP,
    O_EXPLAIN,
    O_K1,
    O_B,
    O_QUERIES,
    O_WARMUP,
    O_LATENCY,
    O_COLOR,
    O_COUNT,
    O_EXHAUSTIVE,
    O_EXPAND,
    O_FB_DOCS,
    O_FB_TERMS,
    O_FB_WEIGHT,
    O_COLLAPSE,
    O_SHOW_SIMILAR,
    O_RANK,
    O_PROX_WEIGHT,
    O_PROX_WINDOW
};

static const struct option search_opts[] = {
    {"index", required_argument, 0, 'i'},
    {"help", no_argument, 0, 'h'},
    {"json", no_argument, 0, O_JSON},
    {"trec", required_argument, 0, O_TREC},
    {"ids", no_argument, 0, O_IDS},
    {"files", no_argument, 0, 'l'},
    {"all", no_argument, 0, O_ALL},
    {"since", required_argument, 0, O_SINCE},
    {"until", required_argument, 0, O_UNTIL},
    {"sort", required_argument, 0, O_SORT},
    {"snippets", no_argument, 0, O_SNIP},
    {"no-snippets", no_argument, 0, O_NOSNIP},
    {"explain", no_argument, 0, O_EXPLAIN},
    {"k1", required_argument, 0, O_K1},
    {"b", required_argument, 0, O_B},
    {"queries", required_argument, 0, O_QUERIES},
    {"warmup", required_argument, 0, O_WARMUP},
    {"latency", required_argument, 0, O_LATENCY},
    {"color", required_argument, 0, O_COLOR},
    {"colour", required_argument, 0, O_COLOR},
    {"count", no_argument, 0, O_COUNT},
    {"exhaustive", no_argument, 0, O_EXHAUSTIVE},
    {"expand", no_argument, 0, O_EXPAND},
    {"fb-docs", required_argument, 0, O_FB_DOCS},
    {"fb-terms", required_argument, 0, O_FB_TERMS},
    {"fb-weight", required_argument, 0, O_FB_WEIGHT},
    {"collapse", no_argument, 0, O_COLLAPSE},
    {"show-similar", no_argument, 0, O_SHOW_SIMILAR},
    {"rank", required_argument, 0, O_RANK},
    {"prox-weight", required_argument, 0, O_PROX_WEIGHT},
    {"prox-window", required_argument, 0, O_PROX_WINDOW},
    /* grep mode only */
    NGC_INPUT_LONGOPTS,
    {0, 0, 0, 0}};

/* The library reads the date again: since = the first day of its period,
 * until = the last ("--until 1987" = to 1987-12-31). */
static int date_opt(const char *cmd, const char *opt, const char *val, const char **dst) {
    if (ngc_check_date(cmd, opt, val) != 0) return NGC_EXIT_ERROR;
    *dst = val;
    return 0;
}

static int set_mode(const char *cmd, ngc_search_args *a, int mode) {
    if (a->out.mode != NGC_OUT_HUMAN && a->out.mode != mode)
        return ngc_usage_error(cmd, "--json, --trec, --ids and -l exclude each other");
    a->out.mode = mode;
    return 0;
}

static int one_opt(const char *cmd, ngc_search_args *a, ngc_ingest_opts *io, int c) {
    size_t v;
    switch (c) {
    case 'i': a->index = ngc_index_arg(optarg); return 0;
    case 'k': {
        char *end;
        errno = 0;
        unsigned long long k = strtoull(optarg, &end, 10);
        if (errno || end == optarg || *end || optarg[0] == '-' || k == 0)
            return ngc_usage_error(cmd, "-k needs a positive number, not '%s'", optarg);
        v = (size_t)k;
    }
        a->so.k = v;
        a->k_set = true;
        return 0;
    case 'l': return set_mode(cmd, a, NGC_OUT_FILES);
    case O_JSON: return set_mode(cmd, a, NGC_OUT_JSON);
    case O_IDS: return set_mode(cmd, a, NGC_OUT_IDS);
    case O_TREC: a->out.tag = optarg; return set_mode(cmd, a, NGC_OUT_TREC);
    case O_ALL: a->qflags |= NG_QUERY_ALL; return 0;
    case O_SINCE: return date_opt(cmd, "--since", optarg, &a->so.since);
    case O_UNTIL: return date_opt(cmd, "--until", optarg, &a->so.until);
    case O_SORT:
        if (strcmp(optarg, "score") && strcmp(optarg, "date"))
            return ngc_usage_error(cmd, "--sort: 'score' or 'date', not '%s'", optarg);
        a->so.sort = strcmp(optarg, "date") == 0 ? NG_SORT_DATE : NG_SORT_SCORE;
        return 0;
    case O_SNIP: a->snippets = true; return 0;
    case O_NOSNIP: a->snippets = false; return 0;
    case O_EXPLAIN: a->out.explain = true; return 0;
    case O_EXHAUSTIVE: a->so.flags |= NG_SEARCH_EXHAUSTIVE; return 0;
    case O_COUNT: a->count = true; return 0;
    case O_EXPAND: a->so.flags |= NG_SEARCH_EXPAND; return 0;
    case O_SHOW_SIMILAR:
        a->out.show_similar = true; /* implies --collapse */
    /* fall through */
    case O_COLLAPSE:
        a->so.flags |= NG_SEARCH_COLLAPSE;
        a->out.collapse = true;
        return 0;
    case O_FB_DOCS:
    case O_FB_TERMS:
        if (ngc_parse_size(c == O_FB_DOCS ? "--fb-docs" : "--fb-terms", optarg, &v) < 0)
            return NGC_EXIT_ERROR;
        if (v == 0 || v > 1000)
            return ngc_usage_error(cmd, "%s must be between 1 and 1000",
                                   c == O_FB_DOCS ? "--fb-docs" : "--fb-terms");
        *(c == O_FB_DOCS ? &a->so.fb_docs : &a->so.fb_terms) = (unsigned)v;
        return 0;
    case O_FB_WEIGHT:
        if (ngc_parse_double("--fb-weight", optarg, &a->so.fb_original_weight) < 0 ||
            !(a->so.fb_original_weight >= 0 && a->so.fb_original_weight <= 1))
            return ngc_usage_error(cmd, "--fb-weight must be between 0 and 1");
        return 0;
    case O_RANK:
        if (strcmp(optarg, "proximity") && strcmp(optarg, "bm25"))
            return ngc_usage_error(cmd, "--rank: 'proximity' or 'bm25', not '%s'",
                                   optarg);
        a->so.rank = strcmp(optarg, "bm25") == 0 ? NG_RANK_BM25 : NG_RANK_PROXIMITY;
        return 0;
    case O_PROX_WEIGHT:
        if (ngc_parse_double("--prox-weight", optarg, &a->so.prox_weight) < 0)
            return NGC_EXIT_ERROR;
        if (!(a->so.prox_weight > 0 && a->so.prox_weight <= 100))
            return ngc_usage_error(cmd, "--prox-weight must be above 0 and at most 100");
        return 0;
    case O_PROX_WINDOW:
        if (ngc_parse_size("--prox-window", optarg, &v) < 0) return NGC_EXIT_ERROR;
        if (v == 0 || v > 1000)
            return ngc_usage_error(cmd, "--prox-window must be between 1 and 1000");
        a->so.prox_window = (unsigned)v;
        return 0;
    case O_K1: /* the library refuses k1 >= 1e6 with a bare NG_EINVAL */
        if (ngc_parse_double("--k1", optarg, &a->so.k1) < 0) return NGC_EXIT_ERROR;
        if (!(a->so.k1 < 1e6))
            return ngc_usage_error(cmd, "--k1 must be at least 0 and below 1000000");
        return 0;
    case O_B:
        if (ngc_parse_double("--b", optarg, &a->so.b) < 0 || a->so.b > 1)
            return ngc_usage_error(cmd, "--b must be between 0 and 1");
        return 0;
    case O_QUERIES: a->queries = optarg; return 0;
    case O_LATENCY: a->latency = optarg; return 0;
    case O_WARMUP:
        return ngc_parse_size("--warmup", optarg, &a->warmup) < 0 ? NGC_EXIT_ERROR : 0;
    case O_COLOR: a->color = optarg; return 0;
    default: return io && ngc_input_option(cmd, io, c, optarg) == 0 ? 0 : NGC_EXIT_ERROR;
    }
}

int ngc_search_parse(int argc, char **argv, const char *cmd, ngc_search_args *a,
                     ngc_ingest_opts *io) {
    memset(a, 0, sizeof *a);
    ng_search_options_init(&a->so);
    a->snippets = true;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":i:k:lh", search_opts, NULL)) != -1) {
        if (c == 'h') {
            ngc_help(stdout, cmd);
            return -1;
        }
        if (c == '?' || c == ':' || (!io && c >= NGC_OPT_FORMAT)) {
            char shortopt[3] = {'-', (char)optopt, 0};
            const char *bad = optopt > 0 && optopt < 256 ? shortopt : argv[optind - 1];
            return ngc_usage_error(
                cmd, c == ':' ? "option '%s' needs a value" : "unknown option '%s'", bad);
        }
        int rc = one_opt(cmd, a, io, c);
        if (rc) return rc;
    }
    if (ngc_color_choice(a->color, &a->out.color) < 0)
        return ngc_usage_error(cmd, "--color: 'auto', 'always' or 'never', not '%s'",
                               a->color);
    if (a->out.mode == NGC_OUT_HUMAN || a->out.mode == NGC_OUT_JSON)
        a->so.flags |= NG_SEARCH_FETCH | (a->snippets ? NG_SEARCH_SNIPPETS : 0);
    if (a->out.mode == NGC_OUT_FILES) a->so.flags |= NG_SEARCH_FETCH;
    if (a->out.explain) a->so.flags |= NG_SEARCH_EXPLAIN;
    if (a->count) a->so.flags |= NG_SEARCH_COUNT;
    a->first_arg = optind;
    return 0;
}

/* Parses and runs one query on an open reader. */
static int run_query(ngc_search_args *a, ng_reader *r, const char *query,
                     ng_results **out) {
    ng_query *q = NULL;
    *out = NULL;
    int rc = ng_query_parse(&q, r, query, strlen(query), a->qflags);
    if (rc < 0) {
        ngc_print_query_error("query", query, q, rc);
        ng_query_free(q);
        return NGC_EXIT_ERROR;
    }
    rc = ng_search(r, q, &a->so, out);
    ng_query_free(q);
    if (rc < 0) {
        ngc_err("search: %s", *out ? ng_results_errmsg(*out) : ng_strerror(rc));
        ng_results_free(*out);
        *out = NULL;
        return NGC_EXIT_ERROR;
    }
    if (ng_results_warning(*out)) /* a limited prefix, stopwords only */
        ngc_err("note: %s", ng_results_warning(*out));
    return 0;
}

int ngc_search_one(ngc_search_args *a, const char *dir, const char *query) {
    ng_reader *r = ngc_open_reader(dir);
    if (!r) return NGC_EXIT_ERROR;
    ng_results *res;
    int rc = run_query(a, r, query, &res);
    if (rc == 0) {
        ngc_out_results(&a->out, res, "1");
        size_t n = ng_results_count(res);
        if (a->count)
            printf("%s%lld matching document%s\n",
                   n && a->out.mode == NGC_OUT_HUMAN ? "\n" : "",
                   (long long)ng_results_total(res),
                   ng_results_total(res) == 1 ? "" : "s");
        rc = n ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
    }
    ngc_out_free(&a->out);
    ng_results_free(res);
    ng_reader_free(r);
    return rc;
}

/* ---- batch mode ------------------------------------------------------- */

typedef struct batch_query {
    char *qid;  /* query id */
    char *text; /* query text */
} batch_query;

static int load_queries(const char *path, batch_query **out, size_t *n) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "r");
    if (!f) {
        ngc_err("%s: cannot open: %m", path);
        return -1;
    }
    char *line = NULL;
    size_t cap = 0, lineno = 0, size = 0;
    ssize_t len;
    int bad = 0;
    *out = NULL;
    *n = 0;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (len == 0) continue;
        char *tab = strchr(line, '\t');
        if (!tab || tab == line) {
            ngc_err("%s:%zu: expected qid<TAB>query", path, lineno);
            bad = 1;
            continue;
        }
        if (*n == size) {
            batch_query *p = ngc_grow(*out, &size, sizeof *p);
            if (!p) break;
            *out = p;
        }
        *tab = '\0';
        (*out)[*n].qid = strdup(line);
        (*out)[(*n)++].text = strdup(tab + 1);
    }
    free(line);
    if (f != stdin) fclose(f);
    return bad;
}

/* A batch goes on after a query that fails (a test collection's query
 * over NG_MAX_QUERY_TERMS without stopwords): one line names it. */
static void batch_query_error(const ngc_search_args *a, const batch_query *bq,
                              const ng_query *q, int rc) {
    char where[256], msg[768];
    size_t off;
    snprintf(where, sizeof where, "%s: query %s skipped", a->queries, bq->qid);
    ngc_query_error_text(msg, sizeof msg, where, bq->text, q, rc, &off);
    ngc_err("%s", msg);
}

/* Parses and runs one batch query. Batch queries are natural-language
 * queries (test collections hold stray "-", "(" and upper-case AND/OR):
 * no operators, a "quoted" part is a phrase -- the peers' convention. */
static int batch_query_run(ngc_search_args *a, ng_reader *r, const batch_query *bq,
                           bool loud, ng_results **out) {
    ng_query *q = NULL;
    int rc =
        ng_query_parse(&q, r, bq->text, strlen(bq->text), a->qflags | NG_QUERY_PLAIN);
    if (rc < 0) {
        if (loud) batch_query_error(a, bq, q, rc);
        ng_query_free(q);
        *out = NULL;
        return NGC_EXIT_ERROR;
    }
    rc = ng_search(r, q, &a->so, out);
    ng_query_free(q);
    if (rc < 0) {
        if (loud)
            ngc_err("%s: query %s skipped: %s", a->queries, bq->qid,
                    *out ? ng_results_errmsg(*out) : ng_strerror(rc));
        ng_results_free(*out);
        *out = NULL;
        return NGC_EXIT_ERROR;
    }
    return 0;
}

/* One timed query: parse + search + resolving the ids; printing is not
 * timed. Returns 0, or 2 after a query error (reported; the batch goes on). */
static int batch_one(ngc_search_args *a, ng_reader *r, const batch_query *bq, FILE *lat) {
    ng_results *res;
    double t0 = ngc_now();
    int rc = batch_query_run(a, r, bq, true, &res);
    size_t n = 0;
    volatile size_t idbytes = 0; /* the ids are touched inside the timing */
    if (rc == 0) {
        n = ng_results_count(res);
        for (size_t i = 0; i < n; i++) idbytes += strlen(ng_results_hit(res, i)->id);
    }
    double ms = (ngc_now() - t0) * 1e3;
    (void)idbytes;
    if (rc) return rc;
    ngc_out_results(&a->out, res, bq->qid);
    if (lat)
        fprintf(lat, "%s\t%.4f\t%zu\t%lld\n", bq->qid, ms, n,
                (long long)ng_results_total(res));
    ng_results_free(res);
    return 0;
}

static int batch(ngc_search_args *a, const char *dir) {
    batch_query *qs;
    size_t n;
    int status = load_queries(a->queries, &qs, &n);
    if (status < 0) return NGC_EXIT_ERROR;
    status = status ? NGC_EXIT_ERROR : 0;
    FILE *lat = NULL;
    ng_reader *r = ngc_open_reader(dir);
    if (r && a->latency && !(lat = fopen(a->latency, "w"))) {
        ngc_err("%s: cannot write: %m", a->latency);
        status = NGC_EXIT_ERROR;
    }
    for (size_t w = 0; r && (lat || !a->latency) && w < a->warmup; w++)
        for (size_t i = 0; i < n; i++) {
            ng_results *res;
            if (batch_query_run(a, r, &qs[i], false, &res) == 0) ng_results_free(res);
        }
    for (size_t i = 0; r && (lat || !a->latency) && i < n; i++)
        if (batch_one(a, r, &qs[i], lat)) status = NGC_EXIT_ERROR;
    if (!r) status = NGC_EXIT_ERROR;
    if (lat && fclose(lat) != 0) {
        ngc_err("%s: write failed: %m", a->latency);
        status = NGC_EXIT_ERROR;
    }
    for (size_t i = 0; i < n; i++) {
        free(qs[i].qid);
        free(qs[i].text);
    }
    free(qs);
    ng_reader_free(r);
    return status;
}

/* ---- subcommands ------------------------------------------------------- */

/* The query: the remaining arguments joined by spaces. */
static char *join_args(int argc, char **argv, int from) {
    size_t len = 1;
    for (int i = from; i < argc; i++) len += strlen(argv[i]) + 1;
    char *q = malloc(len), *p = q;
    if (!q) return NULL;
    for (int i = from; i < argc; i++)
        p += sprintf(p, "%s%s", i > from ? " " : "", argv[i]);
    *p = '\0';
    return q;
}

static int search_query(ngc_search_args *a, int argc, char **argv) {
    const char *dir = ngc_index_dir(a->index);
    if (a->queries) {
        if (a->out.mode != NGC_OUT_TREC)
            return ngc_usage_error("search", "--queries needs --trec TAG");
        if (a->first_arg < argc)
            return ngc_usage_error("search", "--queries takes no QUERY argument");
        return batch(a, dir);
    }
    if (a->latency || a->warmup)
        return ngc_usage_error("search", "--latency and --warmup need --queries");
    if (a->first_arg >= argc) return ngc_usage_error("search", "missing QUERY");
    char *q = join_args(argc, argv, a->first_arg);
    int rc = q ? ngc_search_one(a, dir, q) : NGC_EXIT_ERROR;
    free(q);
    return rc;
}

static int count_query(ngc_search_args *a, int argc, char **argv) {
    if (a->first_arg >= argc) return ngc_usage_error("count", "missing QUERY");
    ng_reader *r = ngc_open_reader(ngc_index_dir(a->index));
    char *q = join_args(argc, argv, a->first_arg);
    if (!r || !q) {
        free(q);
        ng_reader_free(r);
        return NGC_EXIT_ERROR;
    }
    a->so.flags = NG_SEARCH_COUNT;
    a->so.k = 1;
    ng_results *res;
    int rc = run_query(a, r, q, &res);
    if (rc == 0) {
        int64_t total = ng_results_total(res);
        if (a->out.mode == NGC_OUT_JSON)
            printf("{\"count\":%lld}\n", (long long)total);
        else
            printf("%lld\n", (long long)total);
        rc = total > 0 ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
    }
    ng_results_free(res);
    ng_reader_free(r);
    free(q);
    return rc;
}

/* search and count take the same options; run does the rest. */
static int search_or_count(int argc, char **argv, const char *cmd,
                           int (*run)(ngc_search_args *, int, char **)) {
    ngc_search_args a;
    int rc = ngc_search_parse(argc, argv, cmd, &a, NULL);
    if (rc) return rc < 0 ? 0 : rc;
    return run(&a, argc, argv);
}

int ngc_cmd_search(int argc, char **argv) {
    return search_or_count(argc, argv, "search", search_query);
}

int ngc_cmd_count(int argc, char **argv) {
    return search_or_count(argc, argv, "count", count_query);
}
