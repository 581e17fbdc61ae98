/*
 * cmd_timeline.c — `newsgrep timeline`: matching documents per day, ISO
 * week, month or year, drawn as horizontal bars of Unicode block characters
 * (eighths, so small differences show) with the counts; or JSON lines.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define BAR_CELLS 40 /* width of the longest bar */

enum { O_BY = 256, O_JSON, O_ALL, O_SINCE, O_UNTIL, O_COLLAPSE };

static const struct option tl_opts[] = {{"index", required_argument, 0, 'i'},
                                        {"help", no_argument, 0, 'h'},
                                        {"by", required_argument, 0, O_BY},
                                        {"json", no_argument, 0, O_JSON},
                                        {"all", no_argument, 0, O_ALL},
                                        {"since", required_argument, 0, O_SINCE},
                                        {"until", required_argument, 0, O_UNTIL},
                                        {"collapse", no_argument, 0, O_COLLAPSE},
                                        {0, 0, 0, 0}};

typedef struct bucket {
    char start[11]; /* first day of the period */
    uint64_t count; /* matching documents */
} bucket;

typedef struct series {
    bucket *b;     /* buckets in date order */
    size_t n, cap; /* used / allocated */
} series;

static int collect(void *ctx, const char *start, uint64_t count) {
    series *s = ctx;
    if (s->n == s->cap) {
        bucket *p = ngc_grow(s->b, &s->cap, sizeof *p);
        if (!p) return NG_ENOMEM;
        s->b = p;
    }
    snprintf(s->b[s->n].start, sizeof s->b[s->n].start, "%.10s", start);
    s->b[s->n++].count = count;
    return 0;
}

/* "2025-06-01" shown as 2025-06 (month), 2025 (year), or as it is. */
static int label_len(const char *by) {
    return strcmp(by, "month") == 0 ? 7 : strcmp(by, "year") == 0 ? 4 : 10;
}

static void draw(const series *s, const char *by, const char *unit,
                 const char *unit_plural) {
    static const char *const eighths[8] = {"",       "\u258f", "\u258e", "\u258d",
                                           "\u258c", "\u258b", "\u258a", "\u2589"};
    uint64_t max = 0, total = 0;
    for (size_t i = 0; i < s->n; i++) {
        max = s->b[i].count > max ? s->b[i].count : max;
        total += s->b[i].count;
    }
    int w = label_len(by);
    for (size_t i = 0; i < s->n; i++) {
        uint64_t units = max ? (s->b[i].count * BAR_CELLS * 8 + max / 2) / max : 0;
        if (s->b[i].count && units == 0)
            units = 1; /* a non-zero count is always visible */
        printf("%-*.*s  ", w, w, s->b[i].start);
        for (uint64_t k = 0; k < units / 8; k++) fputs("\u2588", stdout);
        fputs(eighths[units % 8], stdout);
        printf(" %llu\n", (unsigned long long)s->b[i].count);
    }
    printf("%-*s  %llu %s\n", w, "total", (unsigned long long)total,
           total == 1 ? unit : unit_plural);
}

static int parse(int argc, char **argv, const char **index, const char **by, bool *json,
                 ng_search_options *so, unsigned *qflags) {
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":i:h", tl_opts, NULL)) != -1) {
        switch (c) {
        case 'h': ngc_help(stdout, "timeline"); return -1;
        case 'i': *index = ngc_index_arg(optarg); break;
        case O_BY:
            if (strcmp(optarg, "day") && strcmp(optarg, "week") &&
                strcmp(optarg, "month") && strcmp(optarg, "year"))
                return ngc_usage_error(
                    "timeline", "--by: day, week, month or year, not '%s'", optarg);
            *by = optarg;
            break;
        case O_JSON: *json = true; break;
        case O_COLLAPSE: so->flags |= NG_SEARCH_COLLAPSE; break;
        case O_ALL: *qflags |= NG_QUERY_ALL; break;
        case O_SINCE:
        case O_UNTIL:
            if (ngc_check_date("timeline", c == O_SINCE ? "--since" : "--until", optarg))
                return NGC_EXIT_ERROR;
            *(c == O_SINCE ? &so->since : &so->until) = optarg;
            break;
        default:
            return ngc_usage_error("timeline",
                                   c == ':' ? "option '%s' needs a value"
                                            : "unknown option '%s'",
                                   argv[optind - 1]);
        }
    }
    if (optind >= argc) return ngc_usage_error("timeline", "missing QUERY");
    return 0;
}

int ngc_cmd_timeline(int argc, char **argv) {
    const char *index = NULL, *by = "month";
    bool json = false;
    unsigned qflags = 0;
    ng_search_options so;
    ng_search_options_init(&so);
    int rc = parse(argc, argv, &index, &by, &json, &so, &qflags);
    if (rc) return rc < 0 ? 0 : rc;
    size_t len = 0;
    for (int i = optind; i < argc; i++) len += strlen(argv[i]) + 1;
    char *q = calloc(1, len + 1);
    for (int i = optind; q && i < argc; i++)
        strcat(strcat(q, i > optind ? " " : ""), argv[i]);
    ng_reader *r = q ? ngc_open_reader(ngc_index_dir(index)) : NULL;
    ng_query *query = NULL;
    series s = {0};
    rc = NGC_EXIT_ERROR;
    if (!r) goto done;
    int e = ng_query_parse(&query, r, q, strlen(q), qflags);
    if (e < 0) {
        ngc_print_query_error("query", q, query, e);
        goto done;
    }
    bool stories = (so.flags & NG_SEARCH_COLLAPSE) != 0;
    uint64_t unsigned_docs = stories ? ng_reader_unsigned_docs(r) : 0;
    if (unsigned_docs)
        ngc_err("note: --collapse: %llu documents of %s have no near-duplicate signature "
                "(indexed by a version before signatures) and count as stories of their "
                "own; `newsgrep merge -i %s` computes them from the stored text",
                (unsigned long long)unsigned_docs, ngc_index_dir(index),
                ngc_index_dir(index));
    e = ng_timeline(r, query, &so, by, collect, &s);
    if (e < 0) {
        ngc_err("timeline: %s", e == NG_ENOMEM ? ng_strerror(e) : ng_reader_errmsg(r));
        goto done;
    }
    uint64_t total = 0;
    for (size_t i = 0; i < s.n; i++) {
        total += s.b[i].count;
        if (json)
            printf("{\"period\":\"%s\",\"%s\":%llu}\n", s.b[i].start,
                   stories ? "stories" : "count", (unsigned long long)s.b[i].count);
    }
    if (!json)
        draw(&s, by, stories ? "story" : "document", stories ? "stories" : "documents");
    rc = total ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
done:
    free(s.b);
    ng_query_free(query);
    ng_reader_free(r);
    free(q);
    return rc;
}
