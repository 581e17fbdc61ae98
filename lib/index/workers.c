/*
 * workers.c — the indexing threads. The caller fills batches of documents
 * and queues them (a bounded ring: the caller blocks when the workers are
 * behind, so memory stays bounded); each worker owns an analyzer and an
 * in-memory segment and flushes it to a segment file when its share of the
 * RAM budget is used, or when a commit asks every worker to flush.
 */
#include <stdio.h>
#include <string.h>

#include "analyze/analyze.h"
#include "filter.h"
#include "writer.h"

void ngi_batch_free(ngi_batch *b) {
    if (!b) return;
    ngi_buf_free(&b->bytes);
    ngi_buf_free(&b->fields);
    ngi_buf_free(&b->docs);
    ngi_free(b);
}

ngi_batch *ngi_batch_take(ng_index *ix) {
    ngi_batch *b = NULL;
    if (ix->sync_ready) {
        pthread_mutex_lock(&ix->mu);
        if (ix->n_spare) b = ix->spare[--ix->n_spare];
        pthread_mutex_unlock(&ix->mu);
    }
    return b ? b : ngi_calloc(1, sizeof *b);
}

/* Keeps an indexed batch as a spare, emptied (under mu); the caller frees
 * the batch returned, NULL when kept. One grown by a huge document is not
 * kept. */
static ngi_batch *keep_spare(ng_index *ix, ngi_batch *b) {
    if (ix->n_spare == NGI_SPARE_BATCHES || b->bytes.cap > 4 * ix->batch_bytes) return b;
    ngi_buf_reset(&b->bytes);
    ngi_buf_reset(&b->fields);
    ngi_buf_reset(&b->docs);
    b->n_docs = 0;
    ix->spare[ix->n_spare++] = b;
    return NULL;
}

/* Frees the spares (at a drain: an idle writer holds no batch memory). */
static void free_spares(ng_index *ix) {
    while (ix->n_spare) ngi_batch_free(ix->spare[--ix->n_spare]);
}

void ngi_writer_file_name(struct ng_index *ix, char *out, const char *prefix,
                          const char *ext) {
    pthread_mutex_lock(&ix->mu);
    unsigned long long n = ix->next_file++;
    pthread_mutex_unlock(&ix->mu);
    snprintf(out, NGI_SEGMENT_NAME_MAX, "%s_%06llu.%s", prefix, n, ext);
}

/* Records the first failure of any worker (under mu). */
static void worker_failed(ngi_worker *w, int rc) {
    ng_index *ix = w->ix;
    pthread_mutex_lock(&ix->mu);
    if (!ix->worker_rc) {
        ix->worker_rc = rc;
        atomic_store(&ix->abandon, true);
        if (w->err.code != rc) ngi_error_set(&w->err, rc, "%s", ng_strerror(rc));
        ngi_error_copy(&ix->worker_err, &w->err);
    }
    pthread_mutex_unlock(&ix->mu);
}

static int add_pending(ng_index *ix, const char *name, uint32_t n_docs, uint64_t *seqs) {
    pthread_mutex_lock(&ix->mu);
    int rc = 0;
    if (ix->n_pend == ix->cap_pend) {
        size_t cap = ix->cap_pend ? 2 * ix->cap_pend : 16;
        ngi_pending *p = ngi_realloc(ix->pend, cap * sizeof *p);
        if (p) {
            ix->pend = p;
            ix->cap_pend = cap;
        } else {
            rc = NG_ENOMEM;
        }
    }
    if (!rc) {
        ngi_pending *p = &ix->pend[ix->n_pend++];
        snprintf(p->name, sizeof p->name, "%s", name);
        p->n_docs = n_docs;
        p->seqs = seqs;
    }
    pthread_mutex_unlock(&ix->mu);
    return rc;
}

static int worker_flush(ngi_worker *w) {
    uint32_t n = ngi_memseg_n_docs(w->ms);
    if (n == 0) return 0;
    char name[NGI_SEGMENT_NAME_MAX];
    ngi_writer_file_name(w->ix, name, "seg", "ngs");
    int rc = ngi_memseg_flush(w->ms, w->ix->dir, name, &w->ix->origin, NULL, &w->err);
    if (rc) return rc;
    uint64_t *seqs = ngi_memseg_take_seqs(w->ms);
    rc = add_pending(w->ix, name, n, seqs);
    if (rc) {
        ngi_free(seqs);
        return ngi_error_set(&w->err, rc, "out of memory");
    }
    return 0;
}

static int doc_fields(ngi_worker *w, const ngi_batch *b, const ngi_batch_doc *d,
                      ng_document *doc) {
    ngi_buf_reset(&w->fields);
    if (ngi_buf_reserve(&w->fields, (d->n_fields + 1) * sizeof(ng_field)))
        return NG_ENOMEM;
    ng_field *f = (ng_field *)(void *)w->fields.data;
    const ngi_batch_field *bf =
        (const ngi_batch_field *)(const void *)b->fields.data + d->first_field;
    for (size_t i = 0; i < d->n_fields; i++) {
        f[i].name = (const char *)b->bytes.data + bf[i].name_off;
        f[i].value = (const char *)b->bytes.data + bf[i].value_off;
        f[i].value_len = bf[i].value_len;
        f[i].role = bf[i].role;
    }
    doc->fields = f;
    doc->n_fields = d->n_fields;
    return 0;
}

/* Moves the memseg's count of filtered documents to the index's. */
static void publish_dropped(ngi_worker *w) {
    uint64_t docs, toks;
    ngi_memseg_take_dropped(w->ms, &docs, &toks);
    if (docs) {
        atomic_fetch_add(&w->ix->filtered_docs, docs);
        atomic_fetch_add(&w->ix->filtered_toks, toks);
    }
}

static int process(ngi_worker *w, const ngi_batch *b) {
    const ngi_batch_doc *docs = (const ngi_batch_doc *)(const void *)b->docs.data;
    const ngi_filter *f = w->ix->filter;
    if (f && !w->gated) { /* words that cannot pass the filter skip the stemmer */
        ngi_memseg_set_filter(w->ms, f);
        ngi_analyzer_set_gate(w->an, f->gate_first, f->gate_pairs);
        w->gated = true;
    }
    for (size_t i = 0; i < b->n_docs; i++) {
        if (atomic_load(&w->ix->abandon)) return 0;
        ng_document doc;
        int rc = doc_fields(w, b, &docs[i], &doc);
        if (!rc) rc = ngi_memseg_add(w->ms, w->an, &doc, docs[i].seq);
        if (rc)
            return ngi_error_set(&w->err, rc, "indexing a document: %s", ng_strerror(rc));
        if (ngi_memseg_memory(w->ms) >= w->ix->memseg_limit && (rc = worker_flush(w)))
            return rc;
    }
    publish_dropped(w);
    return 0;
}

static void *worker_main(void *arg) {
    ngi_worker *w = arg;
    ng_index *ix = w->ix;
    pthread_mutex_lock(&ix->mu);
    for (;;) {
        while (!ix->q_len && w->seen_flush == ix->flush_req && !ix->stop)
            pthread_cond_wait(&ix->wake, &ix->mu);
        int rc = 0;
        uint64_t flushed = 0;  /* flush request handled, if any */
        size_t done_bytes = 0; /* of the batch indexed, if any */
        if (ix->q_len) {
            ngi_batch *b = ix->queue[ix->q_head];
            ix->q_head = (ix->q_head + 1) % ix->q_cap;
            ix->q_len--;
            ix->busy++;
            pthread_cond_signal(&ix->room);
            pthread_mutex_unlock(&ix->mu);
            done_bytes = b->bytes.len;
            rc = process(w, b);
            pthread_mutex_lock(&ix->mu);
            b = keep_spare(ix, b);
            pthread_mutex_unlock(&ix->mu);
            ngi_batch_free(b);
        } else if (w->seen_flush != ix->flush_req) {
            uint64_t req = ix->flush_req;
            ix->busy++;
            pthread_mutex_unlock(&ix->mu);
            rc = atomic_load(&ix->abandon) ? 0 : worker_flush(w);
            if (!rc) ngi_memseg_trim(w->ms); /* idle until the next batch */
            flushed = req;
        } else {
            break; /* stop, nothing left */
        }
        if (rc) worker_failed(w, rc);
        pthread_mutex_lock(&ix->mu);
        if (flushed) w->seen_flush = flushed;
        if (done_bytes) {
            ix->inflight -= done_bytes;
            pthread_cond_signal(&ix->room);
        }
        ix->busy--;
        pthread_cond_broadcast(&ix->idle);
    }
    pthread_mutex_unlock(&ix->mu);
    return NULL;
}

static int worker_init(ng_index *ix, ngi_worker *w) {
    w->ix = ix;
    int rc = ngi_memseg_create(&w->ms, ix->opts.flags & NG_INDEX_TEMPORARY);
    if (rc) return ngi_error_set(&ix->err, rc, "out of memory");
    ngi_memseg_set_budget(w->ms, ix->budget.store_sample, ix->budget.spill_bytes);
    rc = ng_analyzer_create(&w->an, ix->man.settings.language,
                            ix->man.settings.analyzer_flags);
    if (rc)
        return ngi_error_set(&ix->err, rc, "analyzer for language '%s': %s",
                             ix->man.settings.language, ng_strerror(rc));
    ngi_termcache_set_limit(&w->an->cache, ix->cache_bytes); /* in the budget */
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0)
        return ngi_error_set(&ix->err, NG_ENOMEM, "cannot start a thread");
    w->started = true;
    return 0;
}

int ngi_workers_start(ng_index *ix) {
    unsigned n = ix->opts.threads;
    ix->q_cap = 2 * (size_t)n;
    ix->queue = ngi_calloc(ix->q_cap, sizeof *ix->queue);
    ix->workers = ngi_calloc(n, sizeof *ix->workers);
    if (!ix->queue || !ix->workers)
        return ngi_error_set(&ix->err, NG_ENOMEM, "out of memory");
    if (pthread_mutex_init(&ix->mu, NULL) || pthread_cond_init(&ix->wake, NULL) ||
        pthread_cond_init(&ix->room, NULL) || pthread_cond_init(&ix->idle, NULL))
        return ngi_error_set(&ix->err, NG_ENOMEM, "cannot create a mutex");
    ix->sync_ready = true;
    for (unsigned i = 0; i < n; i++) {
        int rc = worker_init(ix, &ix->workers[i]);
        if (rc) return rc;
    }
    return 0;
}

void ngi_workers_stop(ng_index *ix) {
    if (ix->workers && ix->sync_ready) {
        pthread_mutex_lock(&ix->mu);
        ix->stop = true;
        pthread_cond_broadcast(&ix->wake);
        pthread_mutex_unlock(&ix->mu);
        for (unsigned i = 0; i < ix->opts.threads; i++)
            if (ix->workers[i].started) pthread_join(ix->workers[i].thread, NULL);
    }
    for (unsigned i = 0; ix->workers && i < ix->opts.threads; i++) {
        ngi_memseg_free(ix->workers[i].ms);
        ng_analyzer_free(ix->workers[i].an);
        ngi_buf_free(&ix->workers[i].fields);
    }
    ngi_free(ix->workers);
    ix->workers = NULL;
    for (size_t i = 0; i < ix->q_len; i++)
        ngi_batch_free(ix->queue[(ix->q_head + i) % ix->q_cap]);
    ngi_free(ix->queue);
    ix->queue = NULL;
    ix->q_len = 0;
    free_spares(ix);
    if (ix->sync_ready) {
        pthread_mutex_destroy(&ix->mu);
        pthread_cond_destroy(&ix->wake);
        pthread_cond_destroy(&ix->room);
        pthread_cond_destroy(&ix->idle);
        ix->sync_ready = false;
    }
}

/* Moves a worker failure into the handle's sticky error (under mu). */
static int take_worker_error(ng_index *ix) {
    if (!ix->worker_rc) return 0;
    ngi_error_copy(&ix->err, &ix->worker_err);
    return ix->worker_rc;
}

/* Whether batch b must wait: the ring is full, or the documents in flight
 * would pass their share of the budget (a big document is then indexed
 * alone instead of once per thread at the same time). */
static bool must_wait(const ng_index *ix, const ngi_batch *b) {
    if (ix->q_len == ix->q_cap) return true;
    return ix->inflight && ix->inflight + b->bytes.len > ix->inflight_cap;
}

int ngi_workers_submit(ng_index *ix) {
    ngi_batch *b = ix->cur;
    if (!b || b->n_docs == 0) return 0;
    ix->cur = NULL;
    pthread_mutex_lock(&ix->mu);
    while (must_wait(ix, b) && !ix->worker_rc) pthread_cond_wait(&ix->room, &ix->mu);
    int rc = take_worker_error(ix);
    if (!rc) {
        ix->inflight += b->bytes.len;
        ix->queue[(ix->q_head + ix->q_len) % ix->q_cap] = b;
        ix->q_len++;
        b = NULL;
        pthread_cond_signal(&ix->wake);
    }
    pthread_mutex_unlock(&ix->mu);
    ngi_batch_free(b);
    return rc;
}

static bool all_flushed(const ng_index *ix) {
    for (unsigned i = 0; i < ix->opts.threads; i++)
        if (ix->workers[i].seen_flush != ix->flush_req) return false;
    return true;
}

int ngi_workers_drain(ng_index *ix) {
    int rc = ngi_workers_submit(ix);
    if (rc) return rc;
    pthread_mutex_lock(&ix->mu);
    ix->flush_req++;
    pthread_cond_broadcast(&ix->wake);
    while (ix->q_len || ix->busy || !all_flushed(ix))
        pthread_cond_wait(&ix->idle, &ix->mu);
    rc = take_worker_error(ix);
    free_spares(ix);
    pthread_mutex_unlock(&ix->mu);
    return rc;
}
