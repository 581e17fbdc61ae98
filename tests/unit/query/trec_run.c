/*
 * trec_run.c — a TREC run of a qid<TAB>query file (not part of `make
 * test`; for measuring ranking quality with ../shared/tools/peers/
 * treceval.py): prints `qid Q0 docid rank score tag` for the top k.
 * Usage: trec_run INDEX QUERIES.tsv [K] [plain|syntax] [k1 b]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "newsgrep.h"

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: trec_run INDEX QUERIES.tsv [K] [plain|syntax] [k1 b]\n");
        return 2;
    }
    size_t k = argc > 3 ? (size_t)atoi(argv[3]) : 1000;
    unsigned qf = argc > 4 && !strcmp(argv[4], "syntax") ? 0 : NG_QUERY_PLAIN;
    ng_reader *r;
    if (ng_reader_open(&r, argv[1])) return 2;
    FILE *f = fopen(argv[2], "r");
    if (!f) return 2;
    char line[65536];
    while (fgets(line, sizeof line, f)) {
        char *tab = strchr(line, '\t');
        if (!tab) continue;
        *tab = 0;
        char *q = tab + 1;
        q[strcspn(q, "\r\n")] = 0;
        ng_query *qq = NULL;
        ng_results *res = NULL;
        ng_search_options o;
        ng_search_options_init(&o);
        o.k = k;
        if (argc > 6) {
            o.k1 = atof(argv[5]);
            o.b = atof(argv[6]);
        }
        if (ng_query_parse(&qq, r, q, strlen(q), qf) ||
            ng_search(r, qq, &o, &res)) {
            fprintf(stderr, "query %s: %s\n", line, qq ? ng_query_errmsg(qq) : "error");
        } else {
            for (size_t i = 0; i < ng_results_count(res); i++) {
                const ng_hit *h = ng_results_hit(res, i);
                printf("%s Q0 %s %zu %.6f newsgrep\n", line, h->id, i + 1, h->score);
            }
        }
        ng_results_free(res);
        ng_query_free(qq);
    }
    fclose(f);
    ng_reader_free(r);
    return 0;
}
