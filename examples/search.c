/*
 * search.c — the README's example, verbatim (tests/install/test_install.sh
 * compiles and runs it against the installed library): index one article,
 * then search it. cc search.c $(pkg-config --cflags --libs newsgrep)
 */
#include <newsgrep.h>
#include <stdio.h>
#include <string.h>

static int add(ng_index *ix, const char *id, const char *title, const char *body,
               const char *date) {
    ng_field fields[] = {
        {"id", id, strlen(id), NG_FIELD_ID},
        {"title", title, strlen(title), NG_FIELD_TITLE},
        {"body", body, strlen(body), NG_FIELD_BODY},
        {"date", date, strlen(date), NG_FIELD_DATE},
    };
    ng_document doc = {fields, 4};
    return ng_index_add(ix, &doc);
}

int main(void) {
    ng_index *ix = NULL; /* the writer */
    int rc = ng_index_open(&ix, "example-index", NULL);
    if (rc == 0)
        rc = add(ix, "a1", "Leaders sign the Astana Declaration",
                 "Six leaders signed the Astana Declaration in Astana.", "2025-06-17");
    if (rc == 0) rc = ng_index_commit(ix); /* durable and visible */
    if (rc != 0) fprintf(stderr, "%s\n", ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    ng_index_free(ix);

    ng_reader *reader = NULL; /* a snapshot of the last commit */
    ng_query *query = NULL;
    ng_results *results = NULL;
    ng_search_options opts;
    const char *text = "\"Astana Declaration\"";
    if (rc == 0) rc = ng_reader_open(&reader, "example-index");
    if (rc == 0) rc = ng_query_parse(&query, reader, text, strlen(text), 0);
    ng_search_options_init(&opts);
    opts.k = 5;
    opts.flags |= NG_SEARCH_FETCH | NG_SEARCH_SNIPPETS;
    if (rc == 0) rc = ng_search(reader, query, &opts, &results);
    for (size_t i = 0; rc == 0 && i < ng_results_count(results); i++) {
        const ng_hit *hit = ng_results_hit(results, i); /* lives as long as results */
        printf("%s %.4f %s\n   %s\n", hit->id, hit->score, hit->title, hit->snippet);
    }
    ng_results_free(results);
    ng_query_free(query);
    ng_reader_free(reader);
    return rc == 0 ? 0 : 2;
}
