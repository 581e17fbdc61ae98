/*
 * serve.h — the parts of `newsgrep serve` (cmd_serve.c: options, HTTP and
 * routing; serve_api.c: the JSON endpoints; serve_readers.c: the shared,
 * reopened reader; the page's files compiled in by cli/serve/embed.sh).
 */
#ifndef NGC_SERVE_H
#define NGC_SERVE_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include <jansson.h>

#include "newsgrep.h"

/* Bounds of one request (a request over them gets 400, or 414/431 from
 * the HTTP layer for the request line and headers). */
#define NGS_MAX_QUERY_BYTES 2048        /* q= */
#define NGS_MAX_K           100         /* k= */
#define NGS_MAX_OFFSET      10000       /* offset= (the search ranks offset + k) */
#define NGS_MAX_ARG_BYTES   256         /* every other parameter */
#define NGS_MAX_BUCKETS     20000       /* periods of one timeline (55 years by day) */
#define NGS_REQUEST_MEMORY  (64 * 1024) /* request line + headers */

/* ---- the readers (serve_readers.c) --------------------------------- */
/* One opened reader with the requests using it. A new commit makes a new
 * snapshot; the old one is freed when its last request ends. */
typedef struct ngs_snap {
    ng_reader *reader;
    pthread_mutex_t lock; /* ng_reader_get / ng_reader_stats keep their
                              error text (and stats.language) on the
                              handle: those calls take turns */
    unsigned refs;        /* requests holding it (+1 while current) */
    json_t *stats;        /* /api/stats of this snapshot, made once (a
                              count of distinct terms merges every
                              lexicon); under lock */
} ngs_snap;

typedef struct ngs_readers ngs_readers;

/* Opens the indexes in dirs[0..n) as one reader; prints the error and
 * returns NULL on failure. */
ngs_readers *ngs_readers_open(const char *const *dirs, size_t n);
void ngs_readers_free(ngs_readers *rs);
/* The current snapshot, after reopening when a manifest changed (a
 * failed reopen keeps the old one and is logged once). Never NULL. */
ngs_snap *ngs_acquire(ngs_readers *rs);
void ngs_release(ngs_readers *rs, ngs_snap *s);
/* Commits seen since start, and the last reopen error (or ""). */
void ngs_readers_status(ngs_readers *rs, unsigned *reopens, char *err, size_t cap);

/* ---- the API (serve_api.c) ----------------------------------------- */
/* A request's query-string parameters (each name at most once). */
#define NGS_MAX_ARGS 16
typedef struct ngs_args {
    size_t n;
    const char *name[NGS_MAX_ARGS];
    const char *value[NGS_MAX_ARGS];
} ngs_args;
/* The value of name, or NULL when absent. */
const char *ngs_arg(const ngs_args *a, const char *name);

/* A JSON answer: HTTP status and body (owned). */
typedef struct ngs_reply {
    unsigned status;
    json_t *body;
} ngs_reply;

void ngs_api_search(ngs_readers *rs, const ngs_args *a, ngs_reply *out);
void ngs_api_timeline(ngs_readers *rs, const ngs_args *a, ngs_reply *out);
void ngs_api_doc(ngs_readers *rs, const char *id, size_t id_len, ngs_reply *out);
void ngs_api_stats(ngs_readers *rs, const char *const *dirs, size_t n_dirs,
                   ngs_reply *out);
void ngs_api_health(ngs_readers *rs, ngs_reply *out);
/* {"error": msg} with status (and "position" when pos >= 0). */
void ngs_error(ngs_reply *out, unsigned status, long long pos, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* ---- the page's files (generated from cli/serve/) ------------------ */
typedef struct ngs_asset {
    const char *path; /* "/", "/app.js", ... */
    const char *type; /* Content-Type */
    const unsigned char *data;
    size_t len;
} ngs_asset;
extern const ngs_asset ngs_assets[];
extern const size_t ngs_n_assets;

#endif /* NGC_SERVE_H */
