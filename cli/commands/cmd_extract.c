/*
 * cmd_extract.c — `newsgrep extract FILE...`: what ingest makes of a web
 * page, without an index: the article(s) found by the library's
 * ng_extract_html (ng_extract_text for .txt and Markdown files) with their
 * title, date, author, url, language and body.
 * Text output is one block per article; --json one object per line (for
 * scraping pipelines).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cli.h"
#include "input/ingest.h"

enum { O_JSON = 256, O_URL, O_CHARSET, O_ALL };

static const struct option ex_opts[] = {
    {"help", no_argument, 0, 'h'},        {"json", no_argument, 0, O_JSON},
    {"url", required_argument, 0, O_URL}, {"charset", required_argument, 0, O_CHARSET},
    {"all-text", no_argument, 0, O_ALL},  {0, 0, 0, 0}};

typedef struct ex_args {
    bool json;
    const char *url, *charset;
    unsigned flags;
} ex_args;

/* Text output: control characters (terminal escapes) become '?'. */
static void put_clean(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        putchar(c < 0x20 && c != '\n' && c != '\t' ? '?' : c == 0x7f ? '?' : c);
    }
}

static void print_article(const char *path, size_t k, size_t n, const ng_document *d,
                          bool json) {
    if (json) {
        json_t *o = json_object();
        json_object_set_new(o, "file", json_string(path));
        if (n > 1) json_object_set_new(o, "article", json_integer((json_int_t)k + 1));
        for (size_t i = 0; i < d->n_fields; i++) ngc_json_set_field(o, &d->fields[i]);
        ngc_json_print_line(o);
        return;
    }
    printf("== %s", path);
    if (n > 1) printf(" (article %zu of %zu)", k + 1, n);
    putchar('\n');
    const ng_field *body = NULL;
    for (size_t i = 0; i < d->n_fields; i++) {
        const ng_field *f = &d->fields[i];
        if (f->role == NG_FIELD_BODY) {
            body = f;
            continue;
        }
        printf("%s: ", f->name);
        put_clean(f->value, f->value_len);
        putchar('\n');
    }
    if (body && body->value_len) {
        putchar('\n');
        put_clean(body->value, body->value_len);
        putchar('\n');
    }
}

/* A text file by its name (.txt, .md ..., also compressed): a scraped text
 * dump or a plain article, read by ng_extract_text. */
static bool text_name(const char *path) {
    static const char *const exts[] = {".txt", ".text", ".md", ".markdown", ".rst"};
    static const char *const zexts[] = {".gz", ".zst", ".gzip", ".zstd"};
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof zexts / sizeof zexts[0]; i++) {
        size_t e = strlen(zexts[i]);
        if (n > e && strcasecmp(path + n - e, zexts[i]) == 0) {
            n -= e;
            break;
        }
    }
    for (size_t i = 0; i < sizeof exts / sizeof exts[0]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strncasecmp(path + n - e, exts[i], e) == 0) return true;
    }
    return false;
}

/* 0: articles printed, 1: none found, 2: error. */
static int extract_file(const char *path, const ex_args *a) {
    char err[256];
    ngc_src *src = ngc_src_open(path, err, sizeof err);
    if (!src) {
        ngc_err("extract: %s", err);
        return NGC_EXIT_ERROR;
    }
    ngc_buf b = {0};
    int s = ngc_src_slurp(src, &b, NG_DEFAULT_MAX_DOC_BYTES);
    if (s != 0) {
        if (s < 0)
            ngc_err("extract: %s: %s", path, ngc_src_error(src));
        else
            ngc_err("extract: %s: over the limit of %u bytes; skipped", path,
                    NG_DEFAULT_MAX_DOC_BYTES);
        ngc_src_close(src);
        ngc_buf_free(&b);
        return NGC_EXIT_ERROR;
    }
    ngc_src_close(src);
    ng_extract_options o;
    ng_extract_options_init(&o);
    o.url = a->url;
    o.charset = a->charset;
    o.source = path;
    o.flags = a->flags;
    ng_extract *ex = NULL;
    int rc = text_name(path) ? ng_extract_text(b.data ? b.data : "", b.len, &o, &ex)
                             : ng_extract_html(b.data ? b.data : "", b.len, &o, &ex);
    ngc_buf_free(&b);
    if (!ex) {
        ngc_err("extract: %s: %s", path, ng_strerror(rc));
        return NGC_EXIT_ERROR;
    }
    size_t n = ng_extract_count(ex);
    int status = rc ? NGC_EXIT_ERROR : n ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
    if (rc || !n)
        ngc_err("extract: %s; skipped", ng_extract_errmsg(ex));
    else if (*ng_extract_errmsg(ex))
        ngc_err("extract: %s", ng_extract_errmsg(ex)); /* a warning */
    for (size_t k = 0; k < n; k++)
        print_article(path, k, n, ng_extract_document(ex, k), a->json);
    ng_extract_free(ex);
    return status;
}

int ngc_cmd_extract(int argc, char **argv) {
    ex_args a = {0};
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":h", ex_opts, NULL)) != -1) {
        if (c == 'h') return ngc_help(stdout, "extract"), 0;
        if (c == O_JSON)
            a.json = true;
        else if (c == O_URL)
            a.url = optarg;
        else if (c == O_CHARSET)
            a.charset = optarg;
        else if (c == O_ALL)
            a.flags |= NG_EXTRACT_KEEP_BOILERPLATE;
        else
            return ngc_usage_error(
                "extract", c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                argv[optind - 1]);
    }
    if (optind >= argc)
        return ngc_usage_error("extract", "missing FILE (or - for stdin)");
    int worst = NGC_EXIT_MATCH;
    bool any = false;
    for (int i = optind; i < argc; i++) {
        int s = extract_file(argv[i], &a);
        any |= s == NGC_EXIT_MATCH;
        if (s == NGC_EXIT_ERROR) worst = NGC_EXIT_ERROR;
    }
    if (worst == NGC_EXIT_ERROR) return worst;
    return any ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
}
