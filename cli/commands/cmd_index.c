/*
 * cmd_index.c — `newsgrep index`: option parsing, opening the writer with
 * the requested settings, feeding it (ingest_run.c), the final commit and
 * the summary. Exit 2 when anything was skipped for an error.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

enum { O_THREADS = 256, O_RAM, O_COMMIT, O_LANG, O_MAXDOC, O_DRY, O_NOSTEM, O_NOSTOP };

static const struct option index_opts[] = {
    {"index", required_argument, 0, 'i'},
    {"help", no_argument, 0, 'h'},
    {"quiet", no_argument, 0, 'q'},
    {"verbose", no_argument, 0, 'v'},
    NGC_INPUT_LONGOPTS,
    {"threads", required_argument, 0, O_THREADS},
    {"ram-mb", required_argument, 0, O_RAM},
    {"commit-every", required_argument, 0, O_COMMIT},
    {"lang", required_argument, 0, O_LANG},
    {"max-doc-mb", required_argument, 0, O_MAXDOC},
    {"dry-run", no_argument, 0, O_DRY},
    {"no-stem", no_argument, 0, O_NOSTEM},
    {"no-stop", no_argument, 0, O_NOSTOP},
    {0, 0, 0, 0}};

typedef struct index_args {
    const char *index;   /* -i DIR */
    ngc_ingest_opts io;  /* input options */
    ng_index_options ix; /* writer options */
} index_args;

static int size_opt(const char *name, size_t *dst) {
    return ngc_parse_size(name, optarg, dst) < 0 ? NGC_EXIT_ERROR : 0;
}

static int one_opt(index_args *a, int c) {
    size_t v;
    switch (c) {
    case 'i': a->index = optarg; return 0;
    case 'q': a->io.quiet = true; return 0;
    case 'v': a->io.verbose = true; return 0;
    case O_THREADS:
        if (size_opt("--threads", &v)) return NGC_EXIT_ERROR;
        a->ix.threads = (unsigned)v;
        return 0;
    case O_RAM:
        if (size_opt("--ram-mb", &a->ix.ram_mb)) return NGC_EXIT_ERROR;
        return a->ix.ram_mb ? 0 : ngc_usage_error("index", "--ram-mb must be positive");
    case O_COMMIT: return size_opt("--commit-every", &a->io.commit_every);
    case O_LANG: a->ix.language = optarg; return 0;
    case O_MAXDOC:
        if (size_opt("--max-doc-mb", &v)) return NGC_EXIT_ERROR;
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

static int parse(int argc, char **argv, index_args *a) {
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
            return ngc_usage_error(
                "index", c == ':' ? "option '%s' needs a value" : "unknown option '%s'",
                argv[optind - 1]);
        int rc = one_opt(a, c);
        if (rc) return rc;
    }
    if (optind >= argc)
        return ngc_usage_error("index",
                               "missing PATH (a file, a folder, or - for stdin)");
    return 0;
}

static void free_args(index_args *a) {
    free(a->io.include);
    free(a->io.exclude);
}

/* ---- Ctrl-C ---------------------------------------------------------------
 * The first SIGINT asks the feeding loop to stop (ingest_run.c asks
 * ngc_interrupted() before each document); what is indexed is committed.
 * The second one leaves at once: the last commit stays intact, since a
 * commit is atomic. */
static volatile sig_atomic_t interrupts;
static bool interrupt_tty;

bool ngc_interrupted(void) {
    return interrupts > 0;
}

static void say(const char *s) {
    ssize_t w = write(STDERR_FILENO, s, strlen(s));
    (void)w;
}

static void on_sigint(int sig) {
    (void)sig;
    if (interrupt_tty) say("\r\033[K");
    if (interrupts++ == 0) {
        say("newsgrep: interrupted: committing what is indexed "
            "(Ctrl-C again to stop without committing)\n");
        return;
    }
    say("newsgrep: interrupted again: stopped without committing; the index "
        "holds its last commit\n");
    _exit(130);
}

static void catch_sigint(void) {
    struct sigaction sa, old;
    if (sigaction(SIGINT, NULL, &old) == 0 && old.sa_handler == SIG_IGN)
        return; /* started with SIGINT ignored (nohup, background): keep it */
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sa.sa_flags = SA_RESTART; /* reads go on; the loop checks the flag */
    sigemptyset(&sa.sa_mask);
    interrupt_tty = ngc_stderr_tty();
    sigaction(SIGINT, &sa, NULL);
}

/* ---- opening ------------------------------------------------------------- */

static void list_languages(void) {
    const char **l = ng_languages();
    fputs("newsgrep: supported languages:", stderr);
    for (size_t i = 0; l && l[i]; i++) fprintf(stderr, "%s %s", i ? "," : "", l[i]);
    fputc('\n', stderr);
}

/* The index at dir exists with another language than --lang asks for:
 * refuse, as its terms would be analysed two ways. */
static int language_clash(const char *dir, const char *lang) {
    ng_reader *r = NULL;
    ng_analyzer *an = NULL;
    ng_stats s;
    int clash = 0;
    if (lang && ng_reader_open(&r, dir) == 0 && ng_reader_stats(r, &s) == 0 &&
        ng_analyzer_create(&an, lang, 0) == 0 && s.language &&
        strcmp(s.language, ng_analyzer_language(an)) != 0) {
        ngc_err("%s: the index is in %s; --lang %s would analyse new documents "
                "differently (use another index, or leave out --lang)",
                dir, s.language, lang);
        clash = 1;
    }
    ng_analyzer_free(an);
    ng_reader_free(r);
    return clash;
}

/* Removes the folder a failed create left: it did not exist before this
 * run, so everything in it is ours. */
static void remove_new_dir(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    while (d && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
            unlinkat(dirfd(d), e->d_name, 0);
    if (d) closedir(d);
    rmdir(dir);
}

/* Opens the writer; prints the reason and returns NULL on failure. */
static ng_index *open_writer(const char *dir, const ng_index_options *opts) {
    ng_index *ix = NULL;
    struct stat st;
    bool existed = stat(dir, &st) == 0;
    if (existed && language_clash(dir, opts->language)) return NULL;
    int rc = ng_index_open(&ix, dir, opts);
    if (rc == 0) return ix;
    if (rc == NG_ELOCKED) /* the library's message names the holder */
        ngc_err("%s: %s; another 'newsgrep index' or 'merge' is running", dir,
                ng_index_errmsg(ix));
    else
        ngc_err("%s: %s", dir, ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    if (rc == NG_ELANG) list_languages();
    ng_index_free(ix);
    if (!existed) remove_new_dir(dir);
    return NULL;
}

/* Refuses to create an index when no input can be read at all ("newsgrep
 * index nosuchfile" must not leave an empty index behind). */
static bool any_input(char **paths, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], "-") == 0 || access(paths[i], R_OK) == 0)
            return true; /* the reader reports the others */
    for (size_t i = 0; i < n; i++)
        if (access(paths[i], R_OK) != 0) ngc_err("%s: %s", paths[i], strerror(errno));
    return false;
}

int ngc_cmd_index(int argc, char **argv) {
    index_args a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        free_args(&a);
        return rc < 0 ? 0 : rc;
    }
    const char *dir = ngc_index_dir(a.index);
    if ((rc = ngc_refuse_many("index", dir))) {
        free_args(&a);
        return rc;
    }
    double t0 = ngc_now();
    ngc_ingest_stats st = {0};
    char **paths = argv + optind;
    size_t n_paths = (size_t)(argc - optind);
    if (!a.io.dry_run && !any_input(paths, n_paths)) {
        ngc_err(
            "nothing to index: no input could be read (no index was created or changed)");
        free_args(&a);
        return NGC_EXIT_ERROR;
    }
    /* The budget covers the input side too (zstd window, longest line). */
    a.ix.ram_mb = ngc_ingest_budget(&a.io, paths, n_paths, a.ix.ram_mb);
    a.ix.max_doc_bytes = a.io.max_doc_bytes;
    ng_index *ix = a.io.dry_run ? NULL : open_writer(dir, &a.ix);
    if (!ix && !a.io.dry_run) {
        free_args(&a);
        return NGC_EXIT_ERROR;
    }
    if (ix) catch_sigint();
    rc = ngc_ingest_run(ix, &a.io, paths, n_paths, &st);
    bool stopped = ngc_interrupted() && !st.fatal;
    if ((rc == 0 || stopped) && ix && (rc = ng_index_commit(ix)) < 0) {
        /* NG_EMERGE: the documents are committed, only the merge after the
         * commit failed; the message says both, and the exit status is 2
         * (an error happened) as for any other failure. */
        if (rc == NG_EMERGE)
            ngc_err("%s: %s", dir, ng_index_errmsg(ix));
        else
            ngc_err("%s: commit failed: %s", dir, ng_index_errmsg(ix));
        rc = -1;
        stopped = false;
    }
    if (!a.io.quiet && !a.io.dry_run) ngc_ingest_summary(ix, &st, ngc_now() - t0);
    if (stopped)
        ngc_err(
            "interrupted: %llu document%s of this run committed; run the same command "
            "again to continue (documents with the same id are replaced)",
            (unsigned long long)st.docs, st.docs == 1 ? "" : "s");
    ng_index_free(ix);
    free_args(&a);
    if (stopped) return 130;
    return rc < 0 || st.skipped ? NGC_EXIT_ERROR : 0;
}
