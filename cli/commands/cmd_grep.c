/*
 * cmd_grep.c — grep-style search without a saved index:
 * `newsgrep [OPTIONS] QUERY PATH...` reads PATH into a fresh index under
 * $TMPDIR (mkdtemp) that keeps only the documents containing a word of the
 * query (ng_index_set_filter), searches it like `search`, and removes it
 * at exit, on errors and on SIGINT/SIGTERM/SIGHUP.
 */
#define _XOPEN_SOURCE 700
#include <ftw.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define GREP_FILES_K 100000 /* -l without -k: every matching file */

static char tmp_dir[4096]; /* the temporary index; "" when none */

static int rm_entry(const char *path, const struct stat *sb, int flag, struct FTW *ftw) {
    (void)sb;
    (void)flag;
    (void)ftw;
    return remove(path) < 0 ? 0 : 0; /* best effort: keep going */
}

static void remove_tmp(void) {
    if (tmp_dir[0]) {
        nftw(tmp_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
        tmp_dir[0] = '\0';
    }
}

/* Removes the directory, then dies of the signal as if unhandled. The
 * removal is not async-signal-safe in theory (nftw uses malloc); the
 * process is ending anyway, and leaving gigabytes in /tmp is worse. */
static void on_signal(int sig) {
    remove_tmp();
    signal(sig, SIG_DFL);
    raise(sig);
}

static int make_tmp(void) {
    const char *t = getenv("TMPDIR");
    snprintf(tmp_dir, sizeof tmp_dir, "%s/newsgrep-XXXXXX", t && *t ? t : "/tmp");
    if (!mkdtemp(tmp_dir)) {
        ngc_err("cannot create a temporary directory in %s: %m", t && *t ? t : "/tmp");
        tmp_dir[0] = '\0';
        return -1;
    }
    atexit(remove_tmp);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    signal(SIGHUP, on_signal);
    return 0;
}

/* Parses the query against the empty temporary index, so that a wrong
 * query is reported, like search reports it, before any input is read. */
static int check_query(const ngc_search_args *a, const char *query) {
    ng_reader *r = ngc_open_reader(tmp_dir);
    if (!r) return -1;
    ng_query *q = NULL;
    int rc = ng_query_parse(&q, r, query, strlen(query), a->qflags);
    if (rc < 0) ngc_print_query_error("query", query, q, rc);
    ng_query_free(q);
    ng_reader_free(r);
    return rc < 0 ? -1 : 0;
}

/* Indexes only the documents (and terms) the query can use: the others
 * are counted, and their count and length go to the search options so
 * that BM25 ranks as over every document read. */
static int build(ngc_search_args *a, ngc_ingest_opts *io, const char *query, char **paths,
                 size_t n) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.flags = NG_INDEX_TEMPORARY;
    o.ram_mb = ngc_ingest_budget(io, paths, n, o.ram_mb); /* the input side's share too */
    o.max_doc_bytes = io->max_doc_bytes;
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, tmp_dir, &o);
    if (rc == 0 && (rc = ng_index_commit(ix)) == 0 && check_query(a, query) < 0) {
        ng_index_free(ix);
        return -1;
    }
    if (rc == 0) rc = ng_index_set_filter(ix, query, strlen(query), a->qflags);
    if (rc < 0) {
        ngc_err("%s: %s", tmp_dir, ix ? ng_index_errmsg(ix) : ng_strerror(rc));
        ng_index_free(ix);
        return -1;
    }
    ngc_ingest_stats st = {0};
    io->grep_ids = true;
    io->map.id_optional = true; /* documents are named PATH:LINE */
    rc = ngc_ingest_run(ix, io, paths, n, &st);
    if (rc == 0 && ng_index_commit(ix) < 0) {
        ngc_err("%s: %s", tmp_dir, ng_index_errmsg(ix));
        rc = -1;
    }
    ng_index_counts c;
    ng_index_get_counts(ix, &c);
    a->so.unseen_docs = c.filtered;
    a->so.unseen_tokens = c.filtered_tokens;
    ng_index_free(ix);
    return rc < 0 ? -1 : st.skipped ? 1 : 0;
}

int ngc_cmd_grep(int argc, char **argv) {
    ngc_search_args a;
    ngc_ingest_opts io;
    ngc_ingest_opts_init(&io);
    int rc = ngc_search_parse(argc, argv, "grep", &a, &io);
    if (rc) {
        free(io.include);
        free(io.exclude);
        return rc < 0 ? 0 : rc;
    }
    int rest = argc - a.first_arg;
    if (rest < 2) {
        free(io.include);
        free(io.exclude);
        if (rest == 1 && a.first_arg == 1)
            return ngc_usage_error(NULL,
                                   "unknown command '%s' (grep-style search needs "
                                   "QUERY PATH...)",
                                   argv[1]);
        return ngc_usage_error(NULL, "grep-style search needs QUERY PATH...");
    }
    if (a.queries || a.latency) {
        free(io.include);
        free(io.exclude);
        return ngc_usage_error(NULL, "--queries needs an index: use 'newsgrep search'");
    }
    if (a.out.mode == NGC_OUT_FILES && !a.k_set) a.so.k = GREP_FILES_K;
    io.quiet = false; /* a progress bar while a big input is read, on a terminal */
    rc = make_tmp();
    int built = rc < 0 ? -1
                       : build(&a, &io, argv[a.first_arg], argv + a.first_arg + 1,
                               (size_t)(rest - 1));
    free(io.include);
    free(io.exclude);
    if (built < 0) {
        remove_tmp();
        return NGC_EXIT_ERROR;
    }
    rc = ngc_search_one(&a, tmp_dir, argv[a.first_arg]);
    remove_tmp();
    return built > 0 ? NGC_EXIT_ERROR : rc;
}
