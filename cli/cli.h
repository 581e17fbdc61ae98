/*
 * cli.h — internal interface between the files of the newsgrep command.
 * The command uses only the public header of the library; everything here
 * is the command's own: messages, option helpers, the subcommands, output
 * formatting and the helpers shared by the input readers (ingest.h).
 * CLI-internal symbols use the ngc_ prefix.
 */
#ifndef NGC_CLI_H
#define NGC_CLI_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "input/ingest.h"
#include "newsgrep.h"

/* Exit statuses, like grep. */
#define NGC_EXIT_MATCH   0
#define NGC_EXIT_NOMATCH 1
#define NGC_EXIT_ERROR   2

/* ---- entry point (cli.c) ------------------------------------------- */
/* The real main(): dispatches to a subcommand; returns the exit status. */
int ngc_main(int argc, char **argv);

/* ---- messages (util.c) ---------------------------------------------- */
/* Prints "newsgrep: " + message + newline on stderr. */
void ngc_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage hint for a bad option and returns NGC_EXIT_ERROR. */
int ngc_usage_error(const char *cmd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Index directory: -i DIR, else $NEWSGREP_INDEX, else ./.newsgrep. When
 * -i was given several times (or $NEWSGREP_INDEX is a colon-separated
 * list), a label of them all that ngc_open_reader opens as one. */
const char *ngc_index_dir(const char *opt);
/* Records one -i DIR (returns dir): commands that read may take several. */
const char *ngc_index_arg(const char *dir);
/* True when dir is ngc_index_dir's label of several indexes. */
bool ngc_index_is_many(const char *dir);
/* Commands that write: prints why and returns NGC_EXIT_ERROR when dir
 * names several indexes, else 0. */
int ngc_refuse_many(const char *cmd, const char *dir);
/* Parses a non-negative integer option value; returns -1 on error (and
 * prints a message naming the option). */
int ngc_parse_size(const char *opt, const char *val, size_t *out);
int ngc_parse_double(const char *opt, const char *val, double *out);
/* Monotonic clock in seconds. */
double ngc_now(void);
/* Opens the reader at dir; prints the error and returns NULL on failure. */
ng_reader *ngc_open_reader(const char *dir);
/* Prints a query parse error with the query and a caret. */
void ngc_print_query_error(const char *where, const char *query, const ng_query *q,
                           int rc);
/* The message ngc_print_query_error prints (without "newsgrep: " and the
 * caret) into msg; *pos gets the byte offset of the problem. */
void ngc_query_error_text(char *msg, size_t cap, const char *where, const char *query,
                          const ng_query *q, int rc, size_t *pos);
/* A malloc()ed copy of s with invalid UTF-8 bytes and NULs as U+FFFD (for
 * JSON; ng_text_to_utf8 with NG_TEXT_REPLACE), or NULL. */
char *ngc_utf8_sanitize(const char *s, size_t len, size_t *out_len);
/* Checks a date option (--since/--until) with ng_date_parse; prints the
 * problem with a caret under it and returns NGC_EXIT_ERROR, or 0. */
int ngc_check_date(const char *cmd, const char *opt, const char *val);
/* Progress and summary lines go to stderr only when it is a terminal. */
bool ngc_stderr_tty(void);

/* ---- subcommands (cmd_*.c) ------------------------------------------ */
int ngc_cmd_index(int argc, char **argv);
/* True after Ctrl-C during `newsgrep index` (cmd_index.c): stop feeding. */
bool ngc_interrupted(void);
int ngc_cmd_search(int argc, char **argv);
int ngc_cmd_count(int argc, char **argv);
int ngc_cmd_show(int argc, char **argv);
int ngc_cmd_delete(int argc, char **argv);
int ngc_cmd_merge(int argc, char **argv);
int ngc_cmd_stats(int argc, char **argv);
int ngc_cmd_check(int argc, char **argv);
int ngc_cmd_recover(int argc, char **argv);
int ngc_cmd_timeline(int argc, char **argv);
int ngc_cmd_related(int argc, char **argv); /* cmd_related.c */
int ngc_cmd_tokens(int argc, char **argv);
int ngc_cmd_grep(int argc, char **argv);
int ngc_cmd_extract(int argc, char **argv);
int ngc_cmd_serve(int argc, char **argv);

/* Help texts (help.c); `name` NULL = the command's overview. Returns 0 when
 * the subcommand exists. */
int ngc_help(FILE *out, const char *name);

/* ---- feeding documents to an index (ingest_run.c) ------------------- */
typedef struct ngc_ingest_opts {
    const char *format;       /* "auto", "jsonl", "html" or "text" */
    ngc_fieldmap map;         /* JSON keys of id, title, body, date */
    const char **include;     /* --include globs (files in folders) */
    size_t n_include;         /* entries in include */
    const char **exclude;     /* --exclude globs (files and folders) */
    size_t n_exclude;         /* entries in exclude */
    size_t max_doc_bytes;     /* larger documents are skipped */
    size_t commit_every;      /* commit after every N documents (0: never) */
    bool dry_run;             /* print documents as JSONL instead */
    bool quiet;               /* no summary */
    bool verbose;             /* name every file */
    bool grep_ids;            /* grep mode: JSONL ids become path:LINE */
    bool zstd_long;           /* --zstd-long: zstd windows up to 2 GiB */
    size_t ram_bytes;         /* the whole RAM budget (--ram-mb), input side included */
    uint64_t zstd_window_max; /* larger zstd windows are refused */
    char zstd_hint[200];      /* and the message says how to allow them */
    bool max_doc_by_ram;      /* max_doc_bytes was lowered by the budget */
    size_t max_parse_bytes;   /* an HTML page's bytes + its parse tree (0: no limit) */
} ngc_ingest_opts;

typedef struct ngc_ingest_stats {
    uint64_t docs;         /* documents given to the index */
    uint64_t skipped;      /* documents or files skipped for an error */
    uint64_t binary;       /* binary files ignored (not an error) */
    uint64_t bytes;        /* raw input bytes read (compressed) */
    uint64_t text_bytes;   /* bytes after decompression */
    bool fatal;            /* the index failed: stop, exit 2 */
    const char *reason[8]; /* kinds of skips (static strings) */
    uint64_t reason_n[8];  /* how many of each */
    size_t n_reasons;      /* kinds used */
    uint64_t bad_dates;    /* dates not understood (documents kept) */
    char bad_date[192];    /* the first: FILE:LINE "text" (why) */
} ngc_ingest_stats;

void ngc_ingest_opts_init(ngc_ingest_opts *o);

/* The input options shared by `index` and grep mode: getopt codes above
 * every subcommand's own, their long options, and one parser for them. */
enum {
    NGC_OPT_FORMAT = 0x1000,
    NGC_OPT_IDF,
    NGC_OPT_TITLEF,
    NGC_OPT_BODYF,
    NGC_OPT_DATEF,
    NGC_OPT_INCLUDE,
    NGC_OPT_EXCLUDE,
    NGC_OPT_SOURCEF,
    NGC_OPT_ZSTD_LONG
};
#define NGC_INPUT_LONGOPTS                                                               \
    {"format", required_argument, 0, NGC_OPT_FORMAT},                                    \
        {"id-field", required_argument, 0, NGC_OPT_IDF},                                 \
        {"title-field", required_argument, 0, NGC_OPT_TITLEF},                           \
        {"body-field", required_argument, 0, NGC_OPT_BODYF},                             \
        {"date-field", required_argument, 0, NGC_OPT_DATEF},                             \
        {"include", required_argument, 0, NGC_OPT_INCLUDE},                              \
        {"exclude", required_argument, 0, NGC_OPT_EXCLUDE},                              \
        {"source-field", required_argument, 0, NGC_OPT_SOURCEF}, {                       \
        "zstd-long", no_argument, 0, NGC_OPT_ZSTD_LONG                                   \
    }
/* Applies input option c with value arg to io: 0, NGC_EXIT_ERROR (after a
 * message naming cmd), or 1 when c is not an input option. */
int ngc_input_option(const char *cmd, ngc_ingest_opts *io, int c, const char *arg);
/* Reads every path (files, folders, "-") into ix (NULL with dry_run).
 * Bad inputs are reported on stderr and counted; returns 0, or -1 on a
 * fatal index error (already reported). */
int ngc_ingest_run(ng_index *ix, const ngc_ingest_opts *o, char **paths, size_t n_paths,
                   ngc_ingest_stats *st);
/* Splits the RAM budget (ram_mb; 0 = the default 256) between the input
 * side (the zstd window of the largest .zst input, the read buffer, the
 * longest line: o->max_doc_bytes is lowered to fit) and the index, and
 * sets the zstd window limit. Returns the index's ram_mb. */
size_t ngc_ingest_budget(ngc_ingest_opts *o, char **paths, size_t n_paths, size_t ram_mb);
/* Prints the end-of-run summary on stderr. */
void ngc_ingest_summary(const ng_index *ix, const ngc_ingest_stats *st, double seconds);
/* Counts doc's date when it was not understood (a reader left the mapped
 * date key, date_key, as a stored field) and keeps the first example. */
void ngc_note_bad_date(ngc_ingest_stats *st, const ng_document *doc, const char *date_key,
                       const char *file, uint64_t line);
/* "N dates not understood, e.g. ..." on stderr, when there were any. */
void ngc_print_bad_dates(const ngc_ingest_stats *st);

/* ---- search output (output.c) --------------------------------------- */
enum ngc_out_mode {
    NGC_OUT_HUMAN = 0, /* rank, score, date, title, id, snippet */
    NGC_OUT_JSON,      /* one JSON object per line */
    NGC_OUT_TREC,      /* qid Q0 docid rank score TAG */
    NGC_OUT_IDS,       /* one id per line */
    NGC_OUT_FILES      /* -l: source path (or id) once each */
};

typedef struct ngc_out {
    int mode;        /* an ngc_out_mode */
    bool color;      /* ANSI colours (human mode) */
    const char *tag; /* TREC run tag */
    bool explain;    /* print the score breakdown */
    bool path_ids;   /* grep mode: the id is a path, say "path" */
    char **seen;     /* -l: sources already printed */
    size_t n_seen;   /* entries in seen */
    /* --collapse: "and N similar" / "similar": [ids]; --show-similar: the
     * ids in the human format too */
    bool collapse, show_similar;
} ngc_out;
/* The ids folded under hit i by --collapse, as a JSON array. */
json_t *ngc_similar_json(const ng_results *res, size_t i);

/* How ngc_put_safe shows whitespace control characters. */
enum ngc_safe {
    NGC_SAFE_LINE, /* tab, newline, CR -> space (titles, snippets) */
    NGC_SAFE_TEXT, /* tab and newline kept (a document's body) */
    NGC_SAFE_ID    /* every control character escaped (ids, paths) */
};
/* Writes n bytes of s to f with terminal control characters (C0, DEL, C1)
 * shown as \xHH, so that stored text cannot move the cursor, retitle the
 * terminal or forge output lines. */
void ngc_put_safe(FILE *f, const char *s, size_t n, int how);
/* ngc_put_safe of a NUL-terminated string on stdout. */
void ngc_puts_safe(const char *s, int how);

/* Resolves --color=auto|always|never against NO_COLOR and isatty(1).
 * Returns -1 for a bad value. */
int ngc_color_choice(const char *val, bool *color);
/* Prints the results of one query (qid used by TREC). */
void ngc_out_results(ngc_out *o, const ng_results *res, const char *qid);
void ngc_out_free(ngc_out *o);
/* Sets o[f->name] to f's value (invalid UTF-8 replaced). */
void ngc_json_set_field(json_t *o, const ng_field *f);
/* The JSON flags of search --json (and of the server's hits). */
#define NGC_JSON_FLAGS (JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_REAL_PRECISION(12))
/* One hit as search --json prints it: id, score, title, date, source,
 * snippet, highlights (byte spans of the snippet), explain when asked. */
json_t *ngc_hit_json(const ng_hit *h, bool explain);
/* A stored document as show --json prints it (field name -> value). */
json_t *ngc_doc_json(const ng_doc *d);
/* Index statistics as stats --json prints them. */
json_t *ngc_stats_json(const ng_stats *s);
/* Prints o as one compact JSON line (keys in insertion order) and frees it. */
void ngc_json_print_line(json_t *o);

/* ---- search options (cmd_search.c) ---------------------------------- */
typedef struct ngc_search_args {
    const char *index;    /* -i DIR (NULL: the default rule) */
    ng_search_options so; /* k, BM25, sort, dates, flags */
    unsigned qflags;      /* NG_QUERY_ALL for --all */
    ngc_out out;          /* output mode and colour */
    const char *color;    /* --color value */
    bool snippets;        /* --snippets / --no-snippets */
    bool count;           /* --count: print the exact total */
    const char *queries;  /* batch: qid<TAB>query file */
    const char *latency;  /* batch: latency file */
    size_t warmup;        /* batch: untimed passes */
    bool k_set;           /* -k was given */
    int first_arg;        /* optind after parsing */
} ngc_search_args;

/* Parses the options of search (io != NULL: grep mode, which also takes
 * the input options of index). Returns 0, or an exit status. */
int ngc_search_parse(int argc, char **argv, const char *cmd, ngc_search_args *a,
                     ngc_ingest_opts *io);
/* Runs one query against dir and prints the results; returns the exit
 * status (0 match, 1 none, 2 error). */
int ngc_search_one(ngc_search_args *a, const char *dir, const char *query);

#endif /* NGC_CLI_H */
