/*
 * cmd_index.c — `newsgrep index`: option parsing, opening the writer with
 * the requested settings, feeding it (ingest_run.c), the final commit and
 * the summary. Exit 2 when anything was skipped for an error.
 */
#include <getopt.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

enum {
    O_THREADS = 256, O_RAM, O_COMMIT, O_LANG, O_MAXDOC, O_DRY, O_NOSTEM, O_NOSTOP
};

static const struct option index_opts[] = {
    {"index", required_argument, 0, 'i'},   {"help", no_argument, 0, 'h'},
    {"quiet", no_argument, 0, 'q'},         {"verbose", no_argument, 0, 'v'},
    NGC_INPUT_LONGOPTS,
    {"threads", required_argument, 0, O_THREADS}, {"ram-mb", required_argument, 0, O_RAM},
    {"commit-every", required_argument, 0, O_COMMIT},
    {"lang", required_argument, 0, O_LANG}, {"max-doc-mb", required_argument, 0, O_MAXDOC},
    {"dry-run", no_argument, 0, O_DRY},     {"no-stem", no_argument, 0, O_NOSTEM},
    {"no-stop", no_argument, 0, O_NOSTOP},  {0, 0, 0, 0}};

typedef struct index_args {
    const char *index;        /* -i DIR */
    ngc_ingest_opts io;       /* input options */
    ng_index_options ix;      /* writer options */
} index_args;

static int size_opt(const char *name, size_t *dst)
{
    return ngc_parse_size(name, optarg, dst) < 0 ? NGC_EXIT_ERROR : 0;
}

static int one_opt(index_args *a, int c)
{
    size_t v;
    switch (c) {
    case 'i': a->index = optarg; return 0;
    case 'q': a->io.quiet = true; return 0;
    case 'v': a->io.verbose = true; return 0;
    case O_THREADS:
        if (size_opt("--threads", &v))
            return NGC_EXIT_ERROR;
        a->ix.threads = (unsigned)v;
        return 0;
    case O_RAM:
        if (size_opt("--ram-mb", &a->ix.ram_mb))
            return NGC_EXIT_ERROR;
        return a->ix.ram_mb ? 0 : ngc_usage_error("index", "--ram-mb must be positive");
    case O_COMMIT: return size_opt("--commit-every", &a->io.commit_every);
    case O_LANG: a->ix.language = optarg; return 0;
    case O_MAXDOC:
        if (size_opt("--max-doc-mb", &v))
            return NGC_EXIT_ERROR;
        if (v == 0 || v > 4096)
            return ngc_usage_error("index", "--max-doc-mb: 1 to 4096");
        a->io.max_doc_bytes = a->ix.max_doc_bytes = v << 20;
        return 0;
    case O_DRY: a->io.dry_run = true; return 0;
    case O_NOSTEM: a->ix.analyzer_flags |= NG_ANALYZE_NO_STEM; return 0;
    case O_NOSTOP: a->ix.analyzer_flags |= NG_ANALYZE_NO_STOP; return 0;
    default:
        return ngc_input_option("index", &a->io, c, optarg) == 0 ? 0 : NGC_EXIT_ERROR;
    }
}

static int parse(int argc, char **argv, index_args *a)
{
    memset(a, 0, sizeof *a);
    ngc_ingest_opts_init(&a->io);
    ng_index_options_init(&a->ix);
    a->ix.max_doc_bytes = a->io.max_doc_bytes;
    opterr = 0;
    optind = 1;
    int c;
    while ((c = getopt_long(argc, argv, ":i:qvh", index_opts, NULL)) != -1) {
        if (c == 'h') {
            ngc_help(stdout, "index");
            return -1;
        }
        if (c == '?' || c == ':')
            return ngc_usage_error("index", c == ':' ? "option '%s' needs a value"
                                                     : "unknown option '%s'", argv[optind - 1]);
        int rc = one_opt(a, c);
        if (rc)
            return rc;
    }
    if (optind >= argc)
        return ngc_usage_error("index", "missing PATH (a file, a folder, or - for stdin)");
    return 0;
}

static void free_args(index_args *a)
{
    free(a->io.include);
    free(a->io.exclude);
}

/* Opens the writer; prints the reason and returns NULL on failure. */
static ng_index *open_writer(const char *dir, const ng_index_options *opts)
{
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, opts);
    if (rc == 0)
        return ix;
    if (rc == NG_ELOCKED) /* the library's message names the holder */
        ngc_err("%s: %s; another 'newsgrep index' or 'merge' is running", dir,
                ng_index_errmsg(ix));
    else
        ngc_err("%s: %s", dir, ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    ng_index_free(ix);
    return NULL;
}

int ngc_cmd_index(int argc, char **argv)
{
    index_args a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        free_args(&a);
        return rc < 0 ? 0 : rc;
    }
    const char *dir = ngc_index_dir(a.index);
    double t0 = ngc_now();
    ngc_ingest_stats st = {0};
    ng_index *ix = a.io.dry_run ? NULL : open_writer(dir, &a.ix);
    if (!ix && !a.io.dry_run) {
        free_args(&a);
        return NGC_EXIT_ERROR;
    }
    rc = ngc_ingest_run(ix, &a.io, argv + optind, (size_t)(argc - optind), &st);
    if (rc == 0 && ix && (rc = ng_index_commit(ix)) < 0) {
        /* NG_EMERGE: the documents are committed, only the merge after the
         * commit failed; the message says both, and the exit status is 2
         * (an error happened) as for any other failure. */
        if (rc == NG_EMERGE)
            ngc_err("%s: %s", dir, ng_index_errmsg(ix));
        else
            ngc_err("%s: commit failed: %s", dir, ng_index_errmsg(ix));
        rc = -1;
    }
    if (!a.io.quiet && !a.io.dry_run)
        ngc_ingest_summary(ix, &st, ngc_now() - t0);
    ng_index_free(ix);
    free_args(&a);
    return rc < 0 || st.skipped ? NGC_EXIT_ERROR : 0;
}
