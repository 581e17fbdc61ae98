/*
 * cmd_admin.c — the maintenance subcommands: show (a stored document, as
 * text or as the JSON object it came from), delete, merge, stats, check
 * and recover.
 */
#include <getopt.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum { O_JSON = 256 };

static const struct option admin_opts[] = {{"index", required_argument, 0, 'i'},
                                           {"help", no_argument, 0, 'h'},
                                           {"json", no_argument, 0, O_JSON},
                                           {0, 0, 0, 0}};

typedef struct admin_args {
    const char *index; /* -i DIR */
    bool json;         /* --json */
} admin_args;

/* Common options; json_ok: whether --json is accepted. Returns 0, -1 after
 * --help, or an exit status. */
static int parse(int argc, char **argv, const char *cmd, bool json_ok, admin_args *a) {
    memset(a, 0, sizeof *a);
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":i:h", admin_opts, NULL)) != -1) {
        if (c == 'h') {
            ngc_help(stdout, cmd);
            return -1;
        }
        if (c == 'i')
            a->index = ngc_index_arg(optarg);
        else if (c == O_JSON && json_ok)
            a->json = true;
        else
            return ngc_usage_error(
                cmd, c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                argv[optind - 1]);
    }
    return 0;
}

#define PARSE_OR_RETURN(cmd, json_ok)                                                    \
    admin_args a;                                                                        \
    int prc = parse(argc, argv, cmd, json_ok, &a);                                       \
    if (prc) return prc < 0 ? 0 : prc;                                                   \
    const char *dir = ngc_index_dir(a.index)

/* ---- show ---------------------------------------------------------------- */

static void show_json(const ng_doc *d) {
    ngc_json_print_line(ngc_doc_json(d));
}

static void show_text(const ng_doc *d) {
    size_t n = ng_doc_field_count(d), bodies = 0;
    for (size_t i = 0; i < n; i++) {
        const ng_field *f = ng_doc_field(d, i);
        if (f->role == NG_FIELD_BODY)
            bodies++;
        else {
            ngc_puts_safe(f->name, NGC_SAFE_ID);
            fputs(": ", stdout);
            ngc_put_safe(stdout, f->value, f->value_len, NGC_SAFE_LINE);
            putchar('\n');
        }
    }
    for (size_t i = 0; i < n && bodies; i++) {
        const ng_field *f = ng_doc_field(d, i);
        if (f->role == NG_FIELD_BODY) {
            putchar('\n');
            ngc_put_safe(stdout, f->value, f->value_len, NGC_SAFE_TEXT);
            putchar('\n');
        }
    }
}

int ngc_cmd_show(int argc, char **argv) {
    PARSE_OR_RETURN("show", true);
    if (optind >= argc) return ngc_usage_error("show", "missing ID");
    ng_reader *r = ngc_open_reader(dir);
    if (!r) return NGC_EXIT_ERROR;
    int status = 0;
    for (int i = optind; i < argc; i++) {
        ng_doc *d = NULL;
        int rc = ng_reader_get(r, argv[i], strlen(argv[i]), &d);
        if (rc == NG_ENOTFOUND) {
            ngc_err("show: no document with id '%s'", argv[i]);
            status = status ? status : NGC_EXIT_NOMATCH;
        } else if (rc < 0) {
            ngc_err("show: %s: %s", argv[i], ng_reader_errmsg(r));
            status = NGC_EXIT_ERROR;
        } else if (a.json) {
            show_json(d);
        } else {
            if (i > optind) puts("");
            show_text(d);
        }
        ng_doc_free(d);
    }
    ng_reader_free(r);
    return status;
}

/* ---- delete / merge ------------------------------------------------------ */

static ng_index *open_existing(const char *dir) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.create = 0;
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, &o);
    if (rc == 0) return ix;
    if (rc == NG_ENOINDEX)
        ngc_err("%s: no index here", dir);
    else if (rc == NG_ELOCKED) /* the library's message names the holder */
        ngc_err("%s: %s", dir, ng_index_errmsg(ix));
    else
        ngc_err("%s: %s", dir, ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    ng_index_free(ix);
    return NULL;
}

int ngc_cmd_delete(int argc, char **argv) {
    PARSE_OR_RETURN("delete", false);
    if ((prc = ngc_refuse_many("delete", dir))) return prc;
    if (optind >= argc) return ngc_usage_error("delete", "missing ID");
    ng_index *ix = open_existing(dir);
    if (!ix) return NGC_EXIT_ERROR;
    int rc = 0;
    /* Which ids are not in the index: the writer deletes silently. */
    ng_reader *r = NULL;
    if (ng_reader_open(&r, dir) < 0) {
        ng_reader_free(r);
        r = NULL;
    }
    for (int i = optind; i < argc && rc == 0; i++) {
        ng_doc *d = NULL;
        if (r && ng_reader_get(r, argv[i], strlen(argv[i]), &d) == NG_ENOTFOUND)
            ngc_err("delete: no document with id '%s'", argv[i]);
        ng_doc_free(d);
        rc = ng_index_delete(ix, argv[i], strlen(argv[i]));
    }
    ng_reader_free(r);
    if (rc == 0) rc = ng_index_commit(ix);
    ng_index_counts c = {0};
    ng_index_get_counts(ix, &c);
    if (rc < 0)
        ngc_err("delete: %s", ng_index_errmsg(ix));
    else
        printf("deleted %llu of %d\n", (unsigned long long)c.deleted, argc - optind);
    ng_index_free(ix);
    return rc < 0 ? NGC_EXIT_ERROR : c.deleted ? 0 : NGC_EXIT_NOMATCH;
}

static uint64_t segments_of(const char *dir) {
    ng_reader *r = NULL;
    ng_stats s = {0};
    if (ng_reader_open(&r, dir) == 0) ng_reader_stats(r, &s);
    ng_reader_free(r);
    return s.segments;
}

int ngc_cmd_merge(int argc, char **argv) {
    PARSE_OR_RETURN("merge", false);
    if ((prc = ngc_refuse_many("merge", dir))) return prc;
    if (optind < argc)
        return ngc_usage_error("merge", "unexpected argument '%s'", argv[optind]);
    ng_index *ix = open_existing(dir);
    if (!ix) return NGC_EXIT_ERROR;
    uint64_t before = segments_of(dir);
    int rc = ng_index_merge(ix);
    if (rc < 0) ngc_err("merge: %s", ng_index_errmsg(ix));
    ng_index_free(ix);
    if (rc < 0) return NGC_EXIT_ERROR;
    uint64_t after = segments_of(dir);
    printf("merged %llu segment%s into %llu\n", (unsigned long long)before,
           before == 1 ? "" : "s", (unsigned long long)after);
    return 0;
}

/* ---- stats / check ---------------------------------------------------------- */

static void stats_json(const ng_stats *s) {
    json_t *o = ngc_stats_json(s);
    char *t =
        o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(6))
          : NULL;
    if (t) puts(t);
    free(t);
    json_decref(o);
}

static void size_line(const char *name, uint64_t b) {
    double v = (double)b;
    const char *u = "B";
    if (v >= 1 << 30)
        v /= 1 << 30, u = "GiB";
    else if (v >= 1 << 20)
        v /= 1 << 20, u = "MiB";
    else if (v >= 1 << 10)
        v /= 1 << 10, u = "KiB";
    printf("%-16s %.1f %s (%llu bytes)\n", name, v, u, (unsigned long long)b);
}

static void stats_text(const char *dir, const ng_stats *s) {
    printf("%-16s %s\n", "index", dir);
    printf("%-16s %llu\n", "documents", (unsigned long long)s->documents);
    printf("%-16s %llu\n", "deleted", (unsigned long long)s->deleted);
    printf("%-16s %llu\n", "terms", (unsigned long long)s->terms);
    printf("%-16s %llu\n", "tokens", (unsigned long long)s->tokens);
    printf("%-16s %.1f\n", "avg doc length", s->avg_doc_length);
    printf("%-16s %llu\n", "segments", (unsigned long long)s->segments);
    printf("%-16s %llu\n", "generation", (unsigned long long)s->generation);
    size_line("postings", s->postings_bytes);
    size_line("positions", s->positions_bytes);
    size_line("lexicon", s->lexicon_bytes);
    size_line("docstore", s->docstore_bytes);
    size_line("other", s->other_bytes);
    size_line("total", s->total_bytes);
    printf("%-16s %s%s%s\n", "language", s->language ? s->language : "?",
           s->analyzer_flags & NG_ANALYZE_NO_STEM ? ", no stemming" : "",
           s->analyzer_flags & NG_ANALYZE_NO_STOP ? ", no stopwords" : "");
    printf("%-16s k1=%g b=%g\n", "bm25", s->k1, s->b);
}

int ngc_cmd_stats(int argc, char **argv) {
    PARSE_OR_RETURN("stats", true);
    if (optind < argc)
        return ngc_usage_error("stats", "unexpected argument '%s'", argv[optind]);
    ng_reader *r = ngc_open_reader(dir);
    if (!r) return NGC_EXIT_ERROR;
    ng_stats s;
    int rc = ng_reader_stats(r, &s);
    if (rc < 0)
        ngc_err("stats: %s", ng_reader_errmsg(r));
    else if (a.json)
        stats_json(&s);
    else
        stats_text(dir, &s);
    ng_reader_free(r);
    return rc < 0 ? NGC_EXIT_ERROR : 0;
}

int ngc_cmd_check(int argc, char **argv) {
    PARSE_OR_RETURN("check", false);
    if ((prc = ngc_refuse_many("check", dir))) return prc;
    if (optind < argc)
        return ngc_usage_error("check", "unexpected argument '%s'", argv[optind]);
    ng_reader *r = NULL;
    ng_stats s = {0};
    int rc = ng_reader_open(&r, dir);
    if (rc == NG_ENOINDEX || (rc < 0 && !r)) { /* nothing to check */
        ng_reader_free(r);
        r = ngc_open_reader(dir);
        ng_reader_free(r);
        return NGC_EXIT_ERROR;
    }
    if (rc == 0) /* a damaged index may already fail to open */
        rc = ng_reader_check(r);
    if (rc == 0) rc = ng_reader_stats(r, &s);
    if (rc < 0)
        ngc_err("check: %s: %s", dir, ng_reader_errmsg(r));
    else
        printf("ok: %llu documents in %llu segment%s, every checksum verified\n",
               (unsigned long long)s.documents, (unsigned long long)s.segments,
               s.segments == 1 ? "" : "s");
    ng_reader_free(r);
    return rc < 0 ? NGC_EXIT_ERROR : 0;
}

int ngc_cmd_recover(int argc, char **argv) {
    PARSE_OR_RETURN("recover", false);
    if (optind < argc)
        return ngc_usage_error("recover", "unexpected argument '%s'", argv[optind]);
    ng_index *ix = NULL;
    ng_recover_report rep;
    int rc = ng_index_recover(&ix, dir, &rep);
    if (rc < 0)
        ngc_err("recover: %s", ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    else
        printf("recovered: %llu documents in %llu segment%s (%llu deleted); %llu damaged "
               "file%s set aside, %llu segment%s of another index left alone\n",
               (unsigned long long)rep.documents, (unsigned long long)rep.segments,
               rep.segments == 1 ? "" : "s", (unsigned long long)rep.deleted,
               (unsigned long long)rep.damaged, rep.damaged == 1 ? "" : "s",
               (unsigned long long)rep.foreign, rep.foreign == 1 ? "" : "s");
    ng_index_free(ix);
    return rc < 0 ? NGC_EXIT_ERROR : 0;
}
