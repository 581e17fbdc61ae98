/*
 * cmd_related.c — `newsgrep related ID`: the articles most like a stored
 * one (ng_related), printed like search results.
 */
#include <string.h>

#include "cli.h"

int ngc_cmd_related(int argc, char **argv) {
    ngc_search_args a;
    int rc = ngc_search_parse(argc, argv, "related", &a, NULL);
    if (rc) return rc < 0 ? 0 : rc;
    if (a.first_arg >= argc) return ngc_usage_error("related", "missing ID");
    if (a.first_arg + 1 < argc) return ngc_usage_error("related", "one ID only");
    if (a.queries) return ngc_usage_error("related", "--queries is for search");
    const char *id = argv[a.first_arg];
    ng_reader *r = ngc_open_reader(ngc_index_dir(a.index));
    if (!r) return NGC_EXIT_ERROR;
    ng_results *res = NULL;
    rc = ng_related(r, id, strlen(id), &a.so, &res);
    if (rc < 0) {
        ngc_err("related: %s", res ? ng_results_errmsg(res) : ng_strerror(rc));
        rc = NGC_EXIT_ERROR;
    } else {
        ngc_out_results(&a.out, res, "1");
        rc = ng_results_count(res) ? NGC_EXIT_MATCH : NGC_EXIT_NOMATCH;
    }
    ngc_out_free(&a.out);
    ng_results_free(res);
    ng_reader_free(r);
    return rc;
}
