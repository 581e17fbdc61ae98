/*
 * util.c — helpers every subcommand uses: "newsgrep: " messages on stderr,
 * the index location rule, number options, the monotonic clock, opening a
 * reader with a clear error, and query errors shown with a caret.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

void ngc_err(const char *fmt, ...) {
    va_list ap;
    fflush(stdout); /* keep stdout and stderr in order on a terminal */
    fputs("newsgrep: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ngc_usage_error(const char *cmd, const char *fmt, ...) {
    va_list ap;
    if (cmd && strcmp(cmd, "grep") == 0) /* grep style has no subcommand name */
        cmd = NULL;
    fflush(stdout);
    fputs("newsgrep: ", stderr);
    if (cmd) fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'newsgrep %s%s--help' for more information.\n", cmd ? cmd : "",
            cmd ? " " : "");
    return NGC_EXIT_ERROR;
}

/* Several indexes searched as one: every -i of the command line, else the
 * entries of a colon-separated $NEWSGREP_INDEX. ngc_index_dir then returns
 * many_label (the directories joined with ':', for messages), which
 * ngc_open_reader recognises. A command-line program: one list. */
static const char **many_dirs;
static size_t many_n;
static char *many_label;

static bool many_add(const char *dir) {
    const char **v = realloc(many_dirs, (many_n + 1) * sizeof *v);
    if (!v) return false;
    many_dirs = v;
    many_dirs[many_n++] = dir;
    return true;
}

const char *ngc_index_arg(const char *dir) {
    if (!many_add(dir)) many_n = 0;
    return dir;
}

static const char *many_or_first(void) {
    if (many_n == 1) return many_dirs[0];
    size_t len = 1;
    for (size_t i = 0; i < many_n; i++) len += strlen(many_dirs[i]) + 1;
    free(many_label);
    if (!(many_label = malloc(len))) return many_dirs[0];
    many_label[0] = '\0';
    for (size_t i = 0; i < many_n; i++) {
        if (i) strcat(many_label, ":");
        strcat(many_label, many_dirs[i]);
    }
    return many_label;
}

const char *ngc_index_dir(const char *opt) {
    if (many_n > 1) return many_or_first();
    if (opt && *opt) return opt;
    const char *env = getenv("NEWSGREP_INDEX");
    if (!env || !*env) return "./.newsgrep";
    if (!strchr(env, ':')) return env;
    static char *copy; /* the list's entries point into it */
    free(copy);
    many_n = 0;
    if (!(copy = strdup(env))) return env;
    for (char *p = copy, *next; p; p = next) {
        next = strchr(p, ':');
        if (next) *next++ = '\0';
        if (*p && !many_add(p)) break;
    }
    return many_n ? many_or_first() : "./.newsgrep";
}

bool ngc_index_is_many(const char *dir) {
    return dir && dir == many_label;
}

int ngc_refuse_many(const char *cmd, const char *dir) {
    if (!ngc_index_is_many(dir)) return 0;
    ngc_err("%s: works on one index, not several (%s): give it with -i DIR", cmd, dir);
    return NGC_EXIT_ERROR;
}

/* ng_reader_open_many over the list; its messages name the directory. */
static ng_reader *open_many(void) {
    ng_reader *r = NULL;
    int rc = ng_reader_open_many(&r, many_dirs, many_n, 0);
    if (rc == 0) return r;
    ngc_err("%s", r ? ng_reader_errmsg(r) : ng_strerror(rc));
    ng_reader_free(r);
    return NULL;
}

int ngc_parse_size(const char *opt, const char *val, size_t *out) {
    char *end;
    errno = 0;
    unsigned long long v = strtoull(val, &end, 10);
    if (errno || end == val || *end || val[0] == '-') {
        ngc_err("%s: not a non-negative integer: '%s'", opt, val);
        return -1;
    }
    *out = (size_t)v;
    return 0;
}

int ngc_parse_double(const char *opt, const char *val, double *out) {
    char *end;
    errno = 0;
    double v = strtod(val, &end);
    if (errno || end == val || *end || !isfinite(v) || v < 0) {
        ngc_err("%s: not a non-negative number: '%s'", opt, val);
        return -1;
    }
    *out = v;
    return 0;
}

double ngc_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool ngc_stderr_tty(void) {
    return isatty(STDERR_FILENO) == 1;
}

ng_reader *ngc_open_reader(const char *dir) {
    if (ngc_index_is_many(dir)) return open_many();
    ng_reader *r = NULL;
    int rc = ng_reader_open(&r, dir);
    if (rc == 0) return r;
    if (rc == NG_ENOINDEX)
        ngc_err("%s: no index here (create one with 'newsgrep index -i %s FILE...')", dir,
                dir);
    else {
        /* Some layers name only the damaged file: say what is wrong. */
        const char *msg = r ? ng_reader_errmsg(r) : ng_strerror(rc);
        int tell = rc == NG_ECORRUPT && !strstr(msg, "corrupt");
        ngc_err("%s: %s%s", dir, tell ? "corrupt index: " : "", msg);
    }
    ng_reader_free(r);
    return NULL;
}

/* Display column of byte offset off: UTF-8 continuation bytes take none. */
static size_t column_of(const char *s, size_t off) {
    size_t col = 0;
    for (size_t i = 0; i < off && s[i]; i++) col += ((unsigned char)s[i] & 0xC0) != 0x80;
    return col;
}

/* The library names its limits for programmers ("NG_MAX_PHRASE_SLOP
 * (64)", "32 (NG_MAX_QUERY_DEPTH)"); a user is told the number only. */
static void drop_limit_names(const char *msg, char *out, size_t cap) {
    size_t o = 0;
    for (const char *p = msg; *p && o + 16 < cap;) {
        size_t n = strncmp(p, "NG_", 3) == 0
                       ? 3 + strspn(p + 3, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_")
                       : 0;
        if (n > 3 && o && out[o - 1] == '(' && p[n] == ')') { /* " (NG_X)" */
            o -= o >= 2 && out[o - 2] == ' ' ? 2 : 1;
            p += n + 1;
        } else if (n > 3 && p[n] == ' ' && p[n + 1] == '(') { /* "NG_X (64)" */
            const char *num = p + n + 2;
            size_t d = strspn(num, "0123456789");
            o += (size_t)snprintf(out + o, cap - o, "the limit of %.*s", (int)d, num);
            p = num + d + (num[d] == ')');
        } else {
            out[o++] = *p++;
        }
    }
    out[o] = '\0';
}

void ngc_query_error_text(char *msg, size_t cap, const char *where, const char *query,
                          const ng_query *q, int rc, size_t *pos) {
    char clean[512];
    drop_limit_names(q ? ng_query_errmsg(q) : ng_strerror(rc), clean, sizeof clean);
    size_t off = q ? ng_query_error_offset(q) : 0, len = strlen(query);
    if (off > len) off = len;
    *pos = off;
    if (rc == NG_EQUERY && !strstr(clean, "position"))
        snprintf(msg, cap, "%s: %s at position %zu", where, clean, off);
    else
        snprintf(msg, cap, "%s: %s", where, clean);
}

void ngc_print_query_error(const char *where, const char *query, const ng_query *q,
                           int rc) {
    char msg[640];
    size_t off;
    ngc_query_error_text(msg, sizeof msg, where, query, q, rc, &off);
    ngc_err("%s", msg);
    if ((rc != NG_EQUERY && rc != NG_ELIMIT) || !q || strchr(query, '\n')) return;
    fprintf(stderr, "  %s\n  %*s^\n", query, (int)column_of(query, off), "");
}

char *ngc_utf8_sanitize(const char *s, size_t len, size_t *out_len) {
    char *t = NULL;
    size_t n = 0;
    if (ng_text_to_utf8(s, len, NG_TEXT_REPLACE | NG_TEXT_UTF8_ONLY, &t, &n, NULL))
        return NULL;
    char *o = malloc(n + 1); /* the callers free() it */
    if (o) {
        memcpy(o, t ? t : s, n);
        o[n] = '\0';
        *out_len = n;
    }
    ng_text_free(t);
    return o;
}

int ngc_check_date(const char *cmd, const char *opt, const char *val) {
    ng_date d;
    if (ng_date_parse(val, strlen(val), &d) == 0) return 0;
    if (d.error_offset == 0 || strchr(val, '\n'))
        return ngc_usage_error(cmd,
                               "%s '%s': not a date: %s (write e.g. 2025-06-17, "
                               "2025-06, 2025 or \"17 June 2025\")",
                               opt, val, d.error);
    return ngc_usage_error(cmd, "%s '%s': not a date: %s\n  %s\n  %*s^", opt, val,
                           d.error, val, (int)column_of(val, d.error_offset), "");
}

int ngc_date_normalize(const char *s, size_t len, char out[11]) {
    ng_date d;
    if (ng_date_parse(s, len, &d) != 0 || d.precision != NG_DATE_DAY) return -1;
    memcpy(out, d.iso, 11);
    return 0;
}

void ngc_note_bad_date(ngc_ingest_stats *st, const ng_document *doc, const char *date_key,
                       const char *file, uint64_t line) {
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        if (f->role != NG_FIELD_STORED || strcmp(f->name, date_key ? date_key : "date"))
            continue;
        if (st->bad_dates++) return;
        ng_date d;
        const char *why = ng_date_parse(f->value, f->value_len, &d) != 0 ? d.error
                          : d.precision == NG_DATE_MONTH ? "a month, not a day"
                                                         : "a year, not a day";
        char at[32] = "";
        if (line) snprintf(at, sizeof at, ":%llu", (unsigned long long)line);
        int n = f->value_len > 40 ? 40 : (int)f->value_len;
        snprintf(st->bad_date, sizeof st->bad_date, "%s%s \"%.*s%s\" (%s)", file, at, n,
                 f->value, f->value_len > 40 ? "..." : "", why);
        return;
    }
}

void ngc_print_bad_dates(const ngc_ingest_stats *st) {
    if (st->bad_dates)
        fprintf(stderr, "newsgrep: %llu date%s not understood, e.g. %s\n",
                (unsigned long long)st->bad_dates, st->bad_dates == 1 ? "" : "s",
                st->bad_date);
}

static int push_glob(const char ***list, size_t *n, const char *glob) {
    const char **p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p) return NGC_EXIT_ERROR;
    p[(*n)++] = glob;
    *list = p;
    return 0;
}

int ngc_input_option(const char *cmd, ngc_ingest_opts *io, int c, const char *arg) {
    switch (c) {
    case NGC_OPT_FORMAT:
        if (strcmp(arg, "auto") && strcmp(arg, "jsonl") && strcmp(arg, "html") &&
            strcmp(arg, "text"))
            return ngc_usage_error(cmd, "--format: auto, jsonl, html or text, not '%s'",
                                   arg);
        io->format = arg;
        return 0;
    case NGC_OPT_IDF: io->map.id = arg; return 0;
    case NGC_OPT_TITLEF: io->map.title = arg; return 0;
    case NGC_OPT_BODYF: io->map.body = arg; return 0;
    case NGC_OPT_DATEF: io->map.date = arg; return 0;
    case NGC_OPT_SOURCEF: io->map.source = arg; return 0;
    case NGC_OPT_ZSTD_LONG: io->zstd_long = true; return 0;
    case NGC_OPT_INCLUDE: return push_glob(&io->include, &io->n_include, arg);
    case NGC_OPT_EXCLUDE: return push_glob(&io->exclude, &io->n_exclude, arg);
    default: return 1;
    }
}
