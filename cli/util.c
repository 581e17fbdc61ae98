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

void ngc_err(const char *fmt, ...)
{
    va_list ap;
    fflush(stdout); /* keep stdout and stderr in order on a terminal */
    fputs("newsgrep: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
}

int ngc_usage_error(const char *cmd, const char *fmt, ...)
{
    va_list ap;
    if (cmd && strcmp(cmd, "grep") == 0) /* grep style has no subcommand name */
        cmd = NULL;
    fflush(stdout);
    fputs("newsgrep: ", stderr);
    if (cmd)
        fprintf(stderr, "%s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\nTry 'newsgrep %s%s--help' for more information.\n",
            cmd ? cmd : "", cmd ? " " : "");
    return NGC_EXIT_ERROR;
}

const char *ngc_index_dir(const char *opt)
{
    if (opt && *opt)
        return opt;
    const char *env = getenv("NEWSGREP_INDEX");
    return env && *env ? env : "./.newsgrep";
}

int ngc_parse_size(const char *opt, const char *val, size_t *out)
{
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

int ngc_parse_double(const char *opt, const char *val, double *out)
{
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

double ngc_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

bool ngc_stderr_tty(void)
{
    return isatty(STDERR_FILENO) == 1;
}

ng_reader *ngc_open_reader(const char *dir)
{
    ng_reader *r = NULL;
    int rc = ng_reader_open(&r, dir);
    if (rc == 0)
        return r;
    if (rc == NG_ENOINDEX)
        ngc_err("%s: no index here (create one with 'newsgrep index -i %s FILE...')",
                dir, dir);
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
static size_t column_of(const char *s, size_t off)
{
    size_t col = 0;
    for (size_t i = 0; i < off && s[i]; i++)
        col += ((unsigned char)s[i] & 0xC0) != 0x80;
    return col;
}

void ngc_print_query_error(const char *where, const char *query,
                           const ng_query *q, int rc)
{
    const char *msg = q ? ng_query_errmsg(q) : ng_strerror(rc);
    size_t off = q ? ng_query_error_offset(q) : 0, len = strlen(query);
    if (off > len)
        off = len;
    if (rc == NG_EQUERY && !strstr(msg, "position"))
        ngc_err("%s: %s at position %zu", where, msg, off);
    else
        ngc_err("%s: %s", where, msg);
    if ((rc != NG_EQUERY && rc != NG_ELIMIT) || !q || strchr(query, '\n'))
        return;
    fprintf(stderr, "  %s\n  %*s^\n", query, (int)column_of(query, off), "");
}

char *ngc_utf8_sanitize(const char *s, size_t len, size_t *out_len)
{
    char *o = malloc(len * 3 + 1), *p = o;
    if (!o)
        return NULL;
    for (size_t i = 0; i < len;) {
        unsigned char c = (unsigned char)s[i];
        size_t n = c < 0x80 ? 1 : (c >> 5) == 6 ? 2 : (c >> 4) == 14 ? 3 : (c >> 3) == 30 ? 4 : 0;
        bool ok = n && i + n <= len && c != 0;
        for (size_t k = 1; ok && k < n; k++)
            ok = ((unsigned char)s[i + k] & 0xC0) == 0x80;
        if (ok && n > 1) { /* overlong, surrogates, > U+10FFFF */
            unsigned cp = c & (0x7F >> n);
            for (size_t k = 1; k < n; k++)
                cp = (cp << 6) | ((unsigned char)s[i + k] & 0x3F);
            ok = !(n == 2 && cp < 0x80) && !(n == 3 && cp < 0x800) &&
                 !(n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) &&
                 !(cp >= 0xD800 && cp <= 0xDFFF);
        }
        if (ok) {
            memcpy(p, s + i, n);
            p += n;
            i += n;
        } else { /* U+FFFD */
            memcpy(p, "\xEF\xBF\xBD", 3);
            p += 3;
            i++;
        }
    }
    *p = '\0';
    *out_len = (size_t)(p - o);
    return o;
}

static int push_glob(const char ***list, size_t *n, const char *glob)
{
    const char **p = realloc(*list, (*n + 1) * sizeof *p);
    if (!p)
        return NGC_EXIT_ERROR;
    p[(*n)++] = glob;
    *list = p;
    return 0;
}

int ngc_input_option(const char *cmd, ngc_ingest_opts *io, int c, const char *arg)
{
    switch (c) {
    case NGC_OPT_FORMAT:
        if (strcmp(arg, "auto") && strcmp(arg, "jsonl") && strcmp(arg, "html") &&
            strcmp(arg, "text"))
            return ngc_usage_error(cmd, "--format: auto, jsonl, html or text, not '%s'", arg);
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
