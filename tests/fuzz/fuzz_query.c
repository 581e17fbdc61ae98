/*
 * fuzz_query.c — libFuzzer target for the query language: arbitrary bytes
 * are parsed against a tiny index built once per process (a static reader
 * in this harness only; the library keeps no global state). A query that
 * parses is searched twice, pruned and exhaustive, and the two top-k
 * lists must agree exactly; snippets, counts and a timeline run too.
 * Malformed input must give NG_EQUERY / NG_ELIMIT, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "newsgrep.h"

static ng_reader *reader; /* built on first use; test code only */

static const char *docs[][4] = {
    {"1", "Astana Declaration signed",
     "Leaders of China and Kazakhstan signed "
     "the Astana Declaration at the China–Central Asia summit.",
     "2025-06-17"},
    {"2", "New York, New York", "A song about New York; the city of New York.",
     "2025-06-01"},
    {"3", "Treaty of Good-Neighborliness",
     "The Treaty of Good-Neighborliness "
     "was signed in Astana. 北京 and 東京 are capitals.",
     "2025-07-04"},
    {"4", "Markets", "Stocks fell 3.5% on Monday as U.S. rates rose.", ""},
    {"5", "Weather",
     "The quick brown fox jumps over the lazy dog in the summit "
     "fog; café naïve Straße.",
     "2024-12-31"},
};

static void build(void) {
    char dir[] = "/tmp/ng_fuzz_query_XXXXXX";
    if (!mkdtemp(dir)) abort();
    ng_index *ix;
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = 1;
    if (ng_index_open(&ix, dir, &o)) abort();
    for (size_t i = 0; i < sizeof docs / sizeof docs[0]; i++) {
        ng_field f[4];
        size_t n = 0;
        f[n++] = (ng_field){"id", docs[i][0], strlen(docs[i][0]), NG_FIELD_ID};
        f[n++] = (ng_field){"title", docs[i][1], strlen(docs[i][1]), NG_FIELD_TITLE};
        f[n++] = (ng_field){"body", docs[i][2], strlen(docs[i][2]), NG_FIELD_BODY};
        if (docs[i][3][0]) f[n++] = (ng_field){"date", docs[i][3], 10, NG_FIELD_DATE};
        ng_document d = {f, n};
        if (ng_index_add(ix, &d)) abort();
        if (i == 2 && ng_index_commit(ix)) abort(); /* two segments */
    }
    if (ng_index_commit(ix) || ng_index_delete(ix, "4", 1) || ng_index_commit(ix))
        abort();
    ng_index_free(ix);
    if (ng_reader_open(&reader, dir)) abort();
}

static int bucket(void *ctx, const char *day, uint64_t n) {
    (void)ctx;
    (void)day;
    (void)n;
    return 0;
}

static void search_both(ng_query *q) {
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 3;
    o.flags = NG_SEARCH_SNIPPETS | NG_SEARCH_COUNT | NG_SEARCH_EXPLAIN;
    ng_results *a = NULL, *b = NULL;
    if (ng_search(reader, q, &o, &a)) abort();
    o.flags = NG_SEARCH_EXHAUSTIVE | NG_SEARCH_COUNT;
    if (ng_search(reader, q, &o, &b)) abort();
    if (ng_results_count(a) != ng_results_count(b) ||
        ng_results_total(a) != ng_results_total(b))
        abort();
    for (size_t i = 0; i < ng_results_count(a); i++) {
        const ng_hit *x = ng_results_hit(a, i), *y = ng_results_hit(b, i);
        if (strcmp(x->id, y->id) || x->score != y->score || !x->snippet) abort();
        for (size_t j = 0; j < x->n_highlights; j++)
            if (x->highlights[j].end > strlen(x->snippet)) abort();
    }
    ng_results_free(a);
    ng_results_free(b);
    if (ng_timeline(reader, q, NULL, "week", bucket, NULL)) abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (!reader) build();
    unsigned flags = size && data[0] == '!' ? NG_QUERY_ALL : 0;
    ng_query *q = NULL;
    int rc = ng_query_parse(&q, reader, (const char *)data, size, flags);
    if (rc == 0)
        search_both(q);
    else if (rc != NG_EQUERY && rc != NG_ELIMIT)
        abort();
    else if (!q || ng_query_error_offset(q) > size || !*ng_query_errmsg(q))
        abort();
    ng_query_free(q);
    return 0;
}
