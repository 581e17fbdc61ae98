/*
 * writer.h — the state of an ng_index shared by writer.c (API, documents),
 * workers.c (indexing threads) and commit.c (commit, deletes, merges).
 */
#ifndef NG_INDEX_WRITER_H
#define NG_INDEX_WRITER_H

#include <pthread.h>
#include <stdatomic.h>

#include "budget.h"
#include "idmap.h"
#include "internal.h"

/* Documents copied out of the caller's memory, handed to a worker. */
typedef struct ngi_batch {
    ngi_buf bytes;  /* field names (NUL-terminated) and values */
    ngi_buf fields; /* ngi_batch_field records */
    ngi_buf docs;   /* ngi_batch_doc records */
    size_t n_docs;  /* documents in the batch */
} ngi_batch;

/* Batches kept after indexing for the caller to fill again: their buffers
 * stay allocated, where a fresh batch of a megabyte took a page fault (and
 * the zeroing of a page) every 4 KiB copied into it. */
#define NGI_SPARE_BATCHES 4

typedef struct ngi_batch_field {
    size_t name_off;  /* offset of the name in bytes */
    size_t value_off; /* offset of the value in bytes */
    size_t value_len; /* bytes in the value */
    int role;         /* ng_field_role */
} ngi_batch_field;

typedef struct ngi_batch_doc {
    size_t first_field; /* index of its first field record */
    size_t n_fields;    /* field records */
    uint64_t seq;       /* sequence number */
} ngi_batch_doc;

/* A segment flushed this session, not yet committed. */
typedef struct ngi_pending {
    char name[NGI_SEGMENT_NAME_MAX]; /* file name */
    uint32_t n_docs;                 /* documents */
    uint64_t *seqs;                  /* sequence number of each document */
} ngi_pending;

typedef struct ngi_worker {
    struct ng_index *ix; /* owner */
    pthread_t thread;    /* running worker_main */
    bool started;        /* thread was created */
    ngi_memseg *ms;      /* in-memory segment */
    ng_analyzer *an;     /* analyzer */
    ngi_error err;       /* detail of this worker's failures */
    uint64_t seen_flush; /* last flush request handled */
    ngi_buf fields;      /* scratch ng_field array */
    bool gated;          /* the index's filter is set on ms and an */
} ngi_worker;

struct ng_index {
    ngi_error err;          /* detail of the last error */
    int sticky;             /* code that made the handle unusable, or 0 */
    int lock_fd;            /* the writer lock, -1 if not held */
    ng_index_options opts;  /* effective options */
    ngi_manifest man;       /* last committed manifest */
    ngi_snapshot *snap;     /* its segments, opened */
    ng_index_counts counts; /* since open */
    uint64_t seq;           /* next sequence number */
    ngi_idmap session;      /* newest operation per id this session */
    size_t memseg_limit;    /* bytes of one worker's memseg before flush */
    size_t batch_bytes;     /* a batch is handed over at this size */
    size_t doc_cap;         /* largest document the RAM budget indexes */
    size_t cache_bytes;     /* each worker analyzer's term cache, at most */
    size_t inflight_cap;    /* document bytes queued or being indexed */
    ngi_budget budget;      /* the split of ram_mb (budget.h) */
    /* Shared with the workers, under mu. */
    pthread_mutex_t mu;                 /* guards everything below */
    pthread_cond_t wake;                /* workers: work arrived or flush requested */
    pthread_cond_t room;                /* the caller: queue has room */
    pthread_cond_t idle;                /* the caller: a worker finished something */
    bool sync_ready;                    /* mu and conds initialised */
    ngi_batch **queue;                  /* ring of q_cap batches */
    size_t q_head, q_len, q_cap;        /* first, count, capacity of the ring */
    unsigned busy;                      /* workers processing or flushing */
    size_t inflight;                    /* bytes of the batches queued or being indexed */
    uint64_t flush_req;                 /* incremented to ask every worker to flush */
    bool stop;                          /* workers exit */
    atomic_bool abandon;                /* workers drop their work (failure, free) */
    int worker_rc;                      /* first worker failure, or 0 */
    ngi_error worker_err;               /* its detail */
    uint64_t next_file;                 /* counter for new file names */
    ngi_origin origin;                  /* index id and settings, for new segments */
    ngi_pending *pend;                  /* flushed, uncommitted segments */
    size_t n_pend, cap_pend;            /* used and allocated entries of pend */
    ngi_worker *workers;                /* opts.threads of them */
    ngi_batch *cur;                     /* batch being filled by the caller */
    struct ngi_filter *filter;          /* grep-style scans (filter.h), or NULL */
    atomic_uint_fast64_t filtered_docs; /* documents the filter dropped */
    atomic_uint_fast64_t filtered_toks; /* and their lengths */
    /* Under mu: indexed batches kept for refilling (ngi_batch_take). */
    ngi_batch *spare[NGI_SPARE_BATCHES];
    size_t n_spare;

    char dir[]; /* index directory */
};

/* workers.c */
int ngi_workers_start(struct ng_index *ix);
void ngi_workers_stop(struct ng_index *ix);
/* Hands the current batch to the workers (blocks while the queue is full). */
int ngi_workers_submit(struct ng_index *ix);
/* Waits until every queued document is in a segment file. */
int ngi_workers_drain(struct ng_index *ix);
void ngi_batch_free(ngi_batch *b);
/* An empty batch: a spare one when there is one, else a new one (NULL when
 * out of memory). */
ngi_batch *ngi_batch_take(struct ng_index *ix);
/* Next file name "<prefix>_%06llu.<ext>" (thread-safe). */
void ngi_writer_file_name(struct ng_index *ix, char *out, const char *prefix,
                          const char *ext);

/* recover.c: rebuilds and commits a manifest from the files in dir (the
 * caller holds the lock). */
int ngi_recover_manifest(const char *dir, ngi_manifest *m, ng_recover_report *rep,
                         ngi_error *err);

/* commit.c */
int ngi_writer_commit(struct ng_index *ix);
int ngi_writer_merge_all(struct ng_index *ix);
/* Makes the handle unusable with code rc (its detail is in ix->err). */
int ngi_writer_fail(struct ng_index *ix, int rc);

#endif /* NG_INDEX_WRITER_H */
