/*
 * bench_docstore.c — measures the document store on a JSONL corpus read
 * from stdin: section size against the text size, build time and random
 * fetch time, for one zstd level / block size / dictionary size. Not a unit
 * test (no test_ prefix); build and run commands in lib/FORMAT.md.
 *   zstd -dc --long=31 corpus.jsonl.zst | bench_docstore LEVEL BLOCK DICT [MAXDOCS]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "store/store.h"

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t); /* CPU: the machine is shared */
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int role_of(const char *key) {
    if (!strcmp(key, "id")) return NG_FIELD_ID;
    if (!strcmp(key, "title")) return NG_FIELD_TITLE;
    if (!strcmp(key, "body")) return NG_FIELD_BODY;
    if (!strcmp(key, "date")) return NG_FIELD_DATE;
    return NG_FIELD_STORED;
}

/* Adds one JSON line's string fields; returns their value bytes. */
static double add_time; /* CPU seconds inside the docstore writer */

static size_t add_line(ngi_docstore_writer *w, const char *line) {
    json_t *o = json_loads(line, 0, NULL);
    ng_field f[32];
    size_t n = 0, bytes = 0;
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v) {
        if (!json_is_string(v) || n == 32) continue;
        f[n] = (ng_field){key, json_string_value(v), json_string_length(v), role_of(key)};
        bytes += f[n].value_len;
        n++;
    }
    double t = now();
    if (ngi_docstore_writer_add(w, f, n)) abort();
    add_time += now() - t;
    json_decref(o);
    return bytes;
}

int main(int argc, char **argv) {
    if (argc < 4) return 2;
    int level = atoi(argv[1]);
    size_t block = strtoul(argv[2], NULL, 10), dict = strtoul(argv[3], NULL, 10);
    long max_docs = argc > 4 ? atol(argv[4]) : -1;
    ngi_docstore_writer *w;
    if (ngi_docstore_writer_create_opts(&w, level, block, dict)) return 1;
    char *line = NULL;
    size_t cap = 0, text = 0, values = 0;
    ssize_t n;
    uint32_t docs = 0;
    double t0;
    while ((max_docs < 0 || docs < max_docs) && (n = getline(&line, &cap, stdin)) > 0) {
        text += (size_t)n;
        values += add_line(w, line);
        docs++;
    }
    ngi_buf out = NGI_BUF_INIT;
    t0 = now();
    if (ngi_docstore_writer_finish(w, &out)) return 1;
    double t1 = now() - t0 + add_time;
    t0 = 0;
    ngi_docstore_writer_free(w);
    ngi_docstore_reader *r;
    ngi_error err = {0, ""};
    if (ngi_docstore_reader_open(&r, out.data, out.len, docs, &err)) {
        fprintf(stderr, "%s\n", err.msg);
        return 1;
    }
    ngi_stored_doc d;
    ngi_stored_doc_init(&d);
    srand(1);
    int gets = 20000;
    double t2 = now();
    ngi_docstore_scratch *sc;
    for (int i = 0; i < gets; i++) { /* a fresh scratch: no reuse */
        if (ngi_docstore_scratch_create(&sc)) return 1;
        int rc = ngi_docstore_get_scratch(r, sc, (uint32_t)rand() % docs, &d, &err);
        ngi_docstore_scratch_free(sc);
        if (rc) return 1;
    }
    double t3 = now();
    if (ngi_docstore_scratch_create(&sc)) return 1;
    srand(1);
    for (int i = 0; i < gets; i++)
        if (ngi_docstore_get_scratch(r, sc, (uint32_t)rand() % docs, &d, &err)) return 1;
    double t4 = now();
    ngi_docstore_scratch_free(sc);
    printf("level %2d block %3zuK dict %3zuK: docs %u text %zu values %zu "
           "store %zu = %.1f%% of text (%.1f%% of values), build %.2fs, "
           "fetch %.1f us (scratch %.1f us)\n",
           level, block / 1024, dict / 1024, docs, text, values, out.len,
           100.0 * (double)out.len / (double)text,
           100.0 * (double)out.len / (double)values, t1 - t0, 1e6 * (t3 - t2) / gets,
           1e6 * (t4 - t3) / gets);
    ngi_stored_doc_free(&d);
    ngi_docstore_reader_free(r);
    ngi_buf_free(&out);
    free(line);
    return 0;
}
