/*
 * bench_analyzer.c — analyzer throughput (MB/s of input text, tokens/s) on
 * one core. Inputs are JSONL files (title + body of each object, parsed
 * outside the timed region) or plain text files; "-" reads stdin. The
 * whole input is loaded into memory first; only tokenizing is timed.
 *
 * Build (see bench/bench_analyzer.mk):
 *   make -f bench/bench_analyzer.mk BUILD=build/analyze
 * Run, e.g.:
 *   zstd -dc --long=31 ../shared/corpora/wikipedia_en/docs.jsonl.zst | \
 *     build/analyze/bench_analyzer -
 * Options: --lang L, --no-stem, --no-stop, --max-mb N (stop loading after
 * N MB of text), --repeat N (timed passes; the analyzer and its term cache
 * persist across passes, as in a long indexing run).
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "newsgrep.h"

/* All documents back to back; doc i is text[off[i], off[i+1]). */
typedef struct corpus {
    char *text;  /* document bytes */
    size_t len;  /* bytes used */
    size_t cap;  /* bytes allocated */
    size_t *off; /* n + 1 document boundaries */
    size_t n;    /* documents */
    size_t ocap; /* entries allocated in off */
} corpus;

static void die(const char *what) {
    fprintf(stderr, "bench_analyzer: %s\n", what);
    exit(2);
}

static void append(corpus *c, const char *s, size_t n) {
    if (c->len + n > c->cap) {
        while (c->len + n > c->cap) c->cap = c->cap ? c->cap * 2 : 1 << 20;
        c->text = realloc(c->text, c->cap);
        if (!c->text) die("out of memory");
    }
    memcpy(c->text + c->len, s, n);
    c->len += n;
}

static void end_doc(corpus *c) {
    if (c->n + 2 > c->ocap) {
        c->ocap = c->ocap ? c->ocap * 2 : 1024;
        c->off = realloc(c->off, c->ocap * sizeof *c->off);
        if (!c->off) die("out of memory");
    }
    if (c->n == 0) c->off[0] = 0;
    c->off[++c->n] = c->len;
}

/* Adds title + "\n" + body of one JSON line. */
static void add_json_line(corpus *c, const char *line, size_t n) {
    json_error_t err;
    json_t *o = json_loadb(line, n, 0, &err);
    if (!o) return;
    const char *keys[] = {"title", "body"};
    for (int k = 0; k < 2; k++) {
        json_t *v = json_object_get(o, keys[k]);
        if (!json_is_string(v)) continue;
        append(c, json_string_value(v), json_string_length(v));
        append(c, "\n", 1);
    }
    json_decref(o);
    end_doc(c);
}

static char *slurp(const char *path, size_t *len) {
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) die("cannot open input");
    size_t cap = 1 << 20, n = 0;
    char *buf = malloc(cap);
    for (;;) {
        if (!buf) die("out of memory");
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap) break;
        cap *= 2;
        buf = realloc(buf, cap);
    }
    if (f != stdin) fclose(f);
    *len = n;
    return buf;
}

static void load(corpus *c, const char *path, size_t max_bytes) {
    size_t n;
    char *data = slurp(path, &n);
    size_t i = 0;
    while (i < n && (data[i] == ' ' || data[i] == '\n')) i++;
    if (i < n && data[i] == '{') {
        while (i < n && c->len < max_bytes) {
            char *nl = memchr(data + i, '\n', n - i);
            size_t e = nl ? (size_t)(nl - data) : n;
            add_json_line(c, data + i, e - i);
            i = e + 1;
        }
    } else {
        append(c, data, n < max_bytes ? n : max_bytes);
        end_doc(c);
    }
    free(data);
}

typedef struct sink {
    unsigned long long tokens; /* tokens seen */
    unsigned long long bytes;  /* term bytes seen (keeps the work alive) */
} sink;

static int count_cb(void *ctx, const ng_token *t) {
    sink *s = ctx;
    s->tokens++;
    s->bytes += t->term_len;
    return 0;
}

static double now(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

int main(int argc, char **argv) {
    const char *lang = "english";
    unsigned flags = 0;
    size_t max_bytes = (size_t)-1;
    int repeat = 1;
    corpus c = {0};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--lang") == 0 && i + 1 < argc)
            lang = argv[++i];
        else if (strcmp(argv[i], "--no-stem") == 0)
            flags |= NG_ANALYZE_NO_STEM;
        else if (strcmp(argv[i], "--no-stop") == 0)
            flags |= NG_ANALYZE_NO_STOP;
        else if (strcmp(argv[i], "--max-mb") == 0 && i + 1 < argc)
            max_bytes = (size_t)atol(argv[++i]) * 1000000;
        else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < argc)
            repeat = atoi(argv[++i]);
        else
            load(&c, argv[i], max_bytes);
    }
    if (c.n == 0 || repeat < 1)
        die("usage: bench_analyzer [--lang L] [--no-stem] "
            "[--no-stop] [--max-mb N] [--repeat N] FILE...|-");
    ng_analyzer *a;
    if (ng_analyzer_create(&a, lang, flags)) die("cannot create the analyzer");
    sink s = {0, 0};
    double w0 = now(CLOCK_MONOTONIC), c0 = now(CLOCK_PROCESS_CPUTIME_ID);
    for (int r = 0; r < repeat; r++)
        for (size_t d = 0; d < c.n; d++)
            if (ng_analyzer_tokenize(a, c.text + c.off[d], c.off[d + 1] - c.off[d], 0,
                                     count_cb, &s))
                die("tokenize failed");
    double wall = now(CLOCK_MONOTONIC) - w0, cpu = now(CLOCK_PROCESS_CPUTIME_ID) - c0;
    double mb = (double)c.len * repeat / 1e6;
    printf("bench_analyzer: %zu docs, %.1f MB x %d, %llu tokens, invalid bytes %llu\n",
           c.n, (double)c.len / 1e6, repeat, s.tokens / (unsigned)repeat,
           (unsigned long long)ng_analyzer_invalid_bytes(a));
    printf("bench_analyzer: lang=%s flags=%u  %.1f MB/s  %.2f Mtokens/s  "
           "(cpu %.2f s, wall %.2f s, wall %.1f MB/s)\n",
           ng_analyzer_language(a), flags, mb / cpu, (double)s.tokens / cpu / 1e6, cpu,
           wall, mb / wall);
    ng_analyzer_free(a);
    free(c.text);
    free(c.off);
    return 0;
}
