/*
 * bench_index.c — indexing benchmark: reads JSONL documents (file or "-"
 * for stdin), adds them through ng_index_add and commits once, then prints
 * docs/s, MB/s, wall and CPU time, peak RSS and the index size per part.
 *   bench_index [--threads N] [--ram-mb N] [--merge] INDEX_DIR FILE.jsonl|-
 * JSON keys: id, title, body, date (YYYY-MM-DD); other string keys stored.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "newsgrep.h"

#define MAX_FIELDS 64

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

static int role_of(const char *key, const char *v, size_t n) {
    if (!strcmp(key, "id")) return NG_FIELD_ID;
    if (!strcmp(key, "title")) return NG_FIELD_TITLE;
    if (!strcmp(key, "body")) return NG_FIELD_BODY;
    if (!strcmp(key, "date") && n == 10 && v[4] == '-') return NG_FIELD_DATE;
    if (!strcmp(key, "source")) return NG_FIELD_SOURCE;
    return NG_FIELD_STORED;
}

/* Adds one JSON line; returns its text bytes, or -1 on a skipped line. */
static long add_line(ng_index *ix, const char *line, size_t len) {
    json_error_t jerr;
    json_t *o = json_loadb(line, len, 0, &jerr);
    if (!o || !json_is_object(o)) {
        json_decref(o);
        return -1;
    }
    ng_field f[MAX_FIELDS];
    size_t n = 0;
    long bytes = 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!json_is_string(v) || n == MAX_FIELDS) continue;
        const char *s = json_string_value(v);
        size_t sl = json_string_length(v);
        f[n++] = (ng_field){key, s, sl, role_of(key, s, sl)};
        bytes += (long)sl;
    }
    ng_document doc = {f, n};
    int rc = ng_index_add(ix, &doc);
    json_decref(o);
    if (rc) {
        fprintf(stderr, "add: %s\n", ng_index_errmsg(ix));
        return rc == NG_EDOC || rc == NG_ELIMIT ? -1 : -2;
    }
    return bytes;
}

static void report_sizes(const char *dir) {
    ng_reader *r;
    if (ng_reader_open(&r, dir)) {
        fprintf(stderr, "reader: %s\n", ng_reader_errmsg(r));
        ng_reader_free(r);
        return;
    }
    ng_stats s;
    ng_reader_stats(r, &s);
    const double mib = 1048576.0;
    printf("documents %llu  terms %llu  segments %llu  tokens %llu\n",
           (unsigned long long)s.documents, (unsigned long long)s.terms,
           (unsigned long long)s.segments, (unsigned long long)s.tokens);
    printf("postings %.1f MiB  positions %.1f MiB  lexicon %.1f MiB  "
           "other %.1f MiB  docstore %.1f MiB  total %.1f MiB  "
           "without docstore %.1f MiB\n",
           s.postings_bytes / mib, s.positions_bytes / mib, s.lexicon_bytes / mib,
           s.other_bytes / mib, s.docstore_bytes / mib, s.total_bytes / mib,
           (s.total_bytes - s.docstore_bytes) / mib);
    ng_reader_free(r);
}

int main(int argc, char **argv) {
    ng_index_options o;
    ng_index_options_init(&o);
    int merge = 0, i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        if (!strcmp(argv[i], "--threads") && i + 1 < argc)
            o.threads = (unsigned)atoi(argv[++i]);
        else if (!strcmp(argv[i], "--ram-mb") && i + 1 < argc)
            o.ram_mb = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--merge"))
            merge = 1;
    }
    if (argc - i != 2) {
        fprintf(stderr, "usage: bench_index [--threads N] [--ram-mb N] "
                        "[--merge] DIR FILE.jsonl|-\n");
        return 2;
    }
    const char *dir = argv[i], *path = argv[i + 1];
    FILE *in = strcmp(path, "-") ? fopen(path, "r") : stdin;
    if (!in) {
        perror(path);
        return 2;
    }
    double t0 = now();
    ng_index *ix;
    if (ng_index_open(&ix, dir, &o)) {
        fprintf(stderr, "open: %s\n", ng_index_errmsg(ix));
        return 2;
    }
    char *line = NULL;
    size_t cap = 0, docs = 0;
    double bytes = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, in)) > 0) {
        long b = add_line(ix, line, (size_t)len);
        if (b == -2) return 2;
        if (b >= 0) {
            docs++;
            bytes += (double)b;
        }
    }
    double t_add = now();
    int rc = merge ? ng_index_merge(ix) : ng_index_commit(ix);
    if (rc) {
        fprintf(stderr, "commit: %s\n", ng_index_errmsg(ix));
        return 2;
    }
    ng_index_free(ix);
    double wall = now() - t0;
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                 (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    printf("docs %zu  text %.1f MB  wall %.2f s (adds %.2f s, commit %.2f s)"
           "  cpu %.2f s  %.0f docs/s  %.1f MB/s  peak RSS %.1f MiB\n",
           docs, bytes / 1e6, wall, t_add - t0, wall - (t_add - t0), cpu, docs / wall,
           bytes / 1e6 / wall, ru.ru_maxrss / 1024.0);
    report_sizes(dir);
    free(line);
    if (in != stdin) fclose(in);
    return 0;
}
