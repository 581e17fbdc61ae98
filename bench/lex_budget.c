/*
 * lex_budget.c — where an index's postings, positions and lexicon bytes
 * go, by the terms' document frequency (df 1, 2..127: the compact form,
 * 128+: skip table and blocks), summed over its segments; for
 * bench/README.md "Index size against Lucene (session 7)". Build and run:
 *   make build/bench/lex_budget && build/bench/lex_budget INDEX
 */
#include <stdio.h>
#include <string.h>

#include "codec/format.h"
#include "index/index.h"
#include "index/internal.h"
#include "newsgrep.h"

typedef struct {
    unsigned long long terms, cf, postings, docs, pos, term_bytes;
} cls;

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: lex_budget INDEX\n");
        return 2;
    }
    ng_reader *r;
    if (ng_reader_open(&r, argv[1])) {
        fprintf(stderr, "%s\n", ng_reader_errmsg(r));
        return 1;
    }
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    cls c[3];
    memset(c, 0, sizeof c);
    unsigned long long skips = 0;
    for (size_t s = 0; s < snap->n_segs; s++) {
        ngi_lex_iter it;
        ngi_error err = {0};
        memset(&it, 0, sizeof it);
        if (ngi_lex_iter_seek(&it, snap->segs[s], 0, &err)) return 1;
        while (ngi_lex_iter_next(&it, &err) == 1) {
            int k = it.tp.df == 1 ? 0 : it.tp.df < NGI_COMPACT_DF ? 1 : 2;
            c[k].terms++;
            c[k].cf += it.tp.cf;
            c[k].postings += it.tp.df;
            c[k].docs += it.tp.docs_len;
            c[k].pos += it.tp.pos_len;
            c[k].term_bytes += it.len;
            if (k == 2)
                skips += NGI_SKIP_BYTES * ((it.tp.df + NGI_BLOCK - 1) / NGI_BLOCK);
        }
    }
    const char *name[3] = {"df 1", "df 2-127", "df 128+"};
    printf("%-9s %9s %10s %10s %9s %9s %9s\n", "class", "entries", "postings",
           "positions", "POST MiB", "POSN MiB", "terms MiB");
    for (int k = 0; k < 3; k++)
        printf("%-9s %9llu %10llu %10llu %9.2f %9.2f %9.2f\n", name[k], c[k].terms,
               c[k].postings, c[k].cf, c[k].docs / 1048576.0, c[k].pos / 1048576.0,
               c[k].term_bytes / 1048576.0);
    printf("skip tables (in POST) %.2f MiB\n", skips / 1048576.0);
    ng_reader_free(r);
    return 0;
}
