/*
 * lexstats.c — the number of distinct terms of a snapshot: a k-way merge
 * of the segments' lexicons (each sorted by bytes), counting each term
 * once however many segments hold it. Reads every lexicon once; meant for
 * `stats`, not for queries.
 */
#include <string.h>

#include "internal.h"

static int cmp_term(const ngi_lex_iter *a, const ngi_lex_iter *b) {
    size_t n = a->len < b->len ? a->len : b->len;
    int c = memcmp(a->term, b->term, n);
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

int ngi_distinct_terms(ngi_segment *const *segs, size_t n, uint64_t *out,
                       ngi_error *err) {
    ngi_lex_iter *it = ngi_calloc(n ? n : 1, sizeof *it);
    bool *live = ngi_calloc(n ? n : 1, sizeof *live);
    int rc = it && live ? 0 : NG_ENOMEM;
    uint64_t count = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        rc = ngi_lex_iter_seek(&it[i], segs[i], 0, err);
        int r = rc ? rc : ngi_lex_iter_next(&it[i], err);
        live[i] = r == 1;
        rc = r < 0 ? r : 0;
    }
    while (!rc) {
        size_t min = n;
        for (size_t i = 0; i < n; i++)
            if (live[i] && (min == n || cmp_term(&it[i], &it[min]) < 0)) min = i;
        if (min == n) break;
        count++;
        ngi_lex_iter key = it[min]; /* copy: the iterators advance below */
        for (size_t i = 0; i < n && !rc; i++) {
            if (!live[i] || cmp_term(&it[i], &key) != 0) continue;
            int r = ngi_lex_iter_next(&it[i], err);
            live[i] = r == 1;
            rc = r < 0 ? r : 0;
        }
    }
    ngi_free(it);
    ngi_free(live);
    if (!rc) *out = count;
    return rc;
}
