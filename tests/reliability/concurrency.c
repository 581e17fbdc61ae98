/*
 * concurrency.c — one writer, many readers. The writer adds documents in
 * batches (each commit adds one complete batch of B documents carrying the
 * batch's own term, now and then re-adds an older batch's documents as
 * replacements, and merges every few commits) while reader threads reopen
 * and search in a loop. Readers must never see an error or a half-written
 * state: the document count is always a whole number of batches, every
 * visible batch has all B documents and later batches none, counts never go
 * back, and a snapshot opened at the start keeps answering the same while
 * files are merged away. Also: a second writer gets NG_ELOCKED, and a lock
 * held by a SIGKILLed process does not block the next writer.
 *
 *   concurrency DIR [BATCHES [BATCH_DOCS [READERS]]]   (exit 0 = passed)
 */
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "newsgrep.h"

static const char *dir;
static unsigned n_batches = 40, batch_docs = 50, n_readers = 3;
static atomic_uint published; /* batches whose commit has returned */
static atomic_int writer_done;
static atomic_int failures;
static atomic_ulong reader_rounds;
static ng_reader *shared; /* snapshot of batch 0, never reopened */
static uint64_t shared_docs;

#define FAILF(...)                                                                       \
    do {                                                                                 \
        fprintf(stderr, "concurrency: FAIL: " __VA_ARGS__);                              \
        fputc('\n', stderr);                                                             \
        atomic_fetch_add(&failures, 1);                                                  \
    } while (0)

/* The batch's own term: letters only, so every analyzer keeps it whole. */
static void batch_term(unsigned k, char out[8]) {
    static const char c[] = "bcdfghjklmnpqrtvwxz";
    snprintf(out, 8, "zq%c%c%c", c[k / 361 % 19], c[k / 19 % 19], c[k % 19]);
}

/* ---- writer ------------------------------------------------------------ */

static int add_doc(ng_index *ix, unsigned k, unsigned i, int rev) {
    char id[32], title[64], body[256], term[8];
    batch_term(k, term);
    snprintf(id, sizeof id, "b%04u-%04u", k, i);
    snprintf(title, sizeof title, "batch %s doc %u", term, i);
    snprintf(body, sizeof body,
             "zqall %s market report number %u revision %d oil prices "
             "harvest summit leaders signed the declaration",
             term, i, rev);
    ng_field f[] = {{"id", id, strlen(id), NG_FIELD_ID},
                    {"title", title, strlen(title), NG_FIELD_TITLE},
                    {"body", body, strlen(body), NG_FIELD_BODY},
                    {"date", "2025-06-17", 10, NG_FIELD_DATE}};
    ng_document d = {f, 4};
    int rc = ng_index_add(ix, &d);
    if (rc) FAILF("add %s: %s", id, ng_index_errmsg(ix));
    return rc;
}

static int write_batch(ng_index *ix, unsigned k) {
    for (unsigned i = 0; i < batch_docs; i++)
        if (add_doc(ix, k, i, 0)) return -1;
    if (k >= 2 && k % 3 == 2) /* replace a quarter of an older batch */
        for (unsigned i = 0; i < batch_docs / 4; i++)
            if (add_doc(ix, k - 2, i * 4, (int)k)) return -1;
    int rc = ng_index_commit(ix);
    if (!rc && k % 7 == 6) rc = ng_index_merge(ix);
    if (rc) {
        FAILF("commit/merge of batch %u: %s", k, ng_index_errmsg(ix));
        return -1;
    }
    atomic_store(&published, k + 1);
    return 0;
}

static void second_writer_refused(void) {
    ng_index *ix2 = NULL;
    int rc = ng_index_open(&ix2, dir, NULL);
    if (rc != NG_ELOCKED)
        FAILF("second writer: got %s, want NG_ELOCKED", ng_error_name(rc));
    else if (!ix2 || !strstr(ng_index_errmsg(ix2), "locked"))
        FAILF("second writer: message lacks 'locked': %s",
              ix2 ? ng_index_errmsg(ix2) : "(no handle)");
    ng_index_free(ix2);
}

/* ---- readers ----------------------------------------------------------- */

/* Number of documents matching text (exact count); -1 on error. */
static int64_t count_of(ng_reader *r, const char *text) {
    ng_query *q = NULL;
    int rc = ng_query_parse(&q, r, text, strlen(text), NG_QUERY_DEFAULT);
    if (rc) {
        FAILF("parse '%s': %s", text, q ? ng_query_errmsg(q) : ng_strerror(rc));
        ng_query_free(q);
        return -1;
    }
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = 3;
    o.flags = NG_SEARCH_COUNT;
    ng_results *res = NULL;
    rc = ng_search(r, q, &o, &res);
    int64_t n = rc ? -1 : ng_results_total(res);
    if (rc)
        FAILF("search '%s': %s", text, res ? ng_results_errmsg(res) : ng_strerror(rc));
    ng_results_free(res);
    ng_query_free(q);
    return n;
}

static void check_doc(ng_reader *r, unsigned k, unsigned i) {
    char id[32], want[64], term[8];
    batch_term(k, term);
    snprintf(id, sizeof id, "b%04u-%04u", k, i);
    snprintf(want, sizeof want, "batch %s doc %u", term, i);
    ng_doc *d = NULL;
    int rc = ng_reader_get(r, id, strlen(id), &d);
    if (rc) {
        FAILF("get %s: %s", id, ng_reader_errmsg(r));
        return;
    }
    const ng_field *t = ng_doc_field_by_role(d, NG_FIELD_TITLE);
    if (!t || t->value_len != strlen(want) || memcmp(t->value, want, t->value_len))
        FAILF("get %s: wrong title", id);
    ng_doc_free(d);
}

/* One look at the snapshot; *last_nb is this reader's previous view. */
static void inspect(ng_reader *r, unsigned *last_nb, unsigned seen_before,
                    unsigned *seed) {
    ng_stats st;
    if (ng_reader_stats(r, &st)) {
        FAILF("stats: %s", ng_reader_errmsg(r));
        return;
    }
    unsigned published_after = atomic_load(&published);
    if (st.documents % batch_docs)
        FAILF("half a batch visible: %llu documents", (unsigned long long)st.documents);
    unsigned nb = (unsigned)(st.documents / batch_docs);
    if (nb < *last_nb) FAILF("went back from %u to %u batches", *last_nb, nb);
    if (nb < seen_before) FAILF("reopen missed a commit: %u < %u", nb, seen_before);
    if (nb > published_after + 1)
        FAILF("%u batches visible, %u committed", nb, published_after);
    *last_nb = nb;
    int64_t all = count_of(r, "zqall");
    if (all >= 0 && (uint64_t)all != st.documents)
        FAILF("zqall matches %lld, stats says %llu", (long long)all,
              (unsigned long long)st.documents);
    char term[8];
    unsigned j = nb ? (unsigned)rand_r(seed) % nb : 0;
    batch_term(j, term);
    int64_t c = count_of(r, term);
    if (nb && c != (int64_t)batch_docs)
        FAILF("batch %u has %lld of %u documents", j, (long long)c, batch_docs);
    if (nb) check_doc(r, j, (unsigned)rand_r(seed) % batch_docs);
    batch_term(nb, term);
    if (nb < n_batches && (c = count_of(r, term)) != 0)
        FAILF("batch %u not in the stats, yet %lld documents match", nb, (long long)c);
}

static void *reader_main(void *arg) {
    unsigned seed = (unsigned)(uintptr_t)arg * 7919u + 1, last_nb = 0;
    ng_reader *r = NULL;
    if (ng_reader_open(&r, dir)) {
        FAILF("reader open: %s", r ? ng_reader_errmsg(r) : "?");
        ng_reader_free(r);
        return NULL;
    }
    while (!atomic_load(&writer_done) && atomic_load(&failures) < 20) {
        unsigned before = atomic_load(&published);
        int changed = 0;
        if (ng_reader_reopen(r, &changed)) {
            FAILF("reopen: %s", ng_reader_errmsg(r));
            break;
        }
        inspect(r, &last_nb, before, &seed);
        int64_t s = count_of(shared, "zqall"); /* the old snapshot, shared */
        if (s >= 0 && (uint64_t)s != shared_docs)
            FAILF("old snapshot changed: %lld, was %llu", (long long)s,
                  (unsigned long long)shared_docs);
        if (rand_r(&seed) % 4 == 0)
            check_doc(shared, 0, (unsigned)rand_r(&seed) % batch_docs);
        atomic_fetch_add(&reader_rounds, 1);
    }
    ng_reader_free(r);
    return NULL;
}

/* ---- a killed writer's lock ---------------------------------------------- */

static void killed_lock_released(void) {
    pid_t pid = fork();
    if (pid == 0) {
        ng_index *ix = NULL;
        if (ng_index_open(&ix, dir, NULL)) _exit(3);
        add_doc(ix, n_batches + 5, 0, 0); /* uncommitted: must vanish */
        raise(SIGKILL);
        _exit(4);
    }
    int st = 0;
    waitpid(pid, &st, 0);
    if (!WIFSIGNALED(st)) FAILF("child writer did not die by SIGKILL (status %d)", st);
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, dir, NULL);
    if (rc)
        FAILF("writer after a SIGKILLed one: %s",
              ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    ng_index_free(ix);
    ng_reader *r = NULL;
    if (ng_reader_open(&r, dir) == 0) {
        ng_stats s;
        if (ng_reader_stats(r, &s) == 0 &&
            s.documents != (uint64_t)n_batches * batch_docs)
            FAILF("after the killed writer: %llu documents, want %u",
                  (unsigned long long)s.documents, n_batches * batch_docs);
        if (ng_reader_check(r)) FAILF("check: %s", ng_reader_errmsg(r));
    } else {
        FAILF("reader after the killed writer: %s", ng_reader_errmsg(r));
    }
    ng_reader_free(r);
}

static int setup(ng_index **ix) {
    int rc = ng_index_open(ix, dir, NULL);
    if (rc) {
        FAILF("writer open: %s", *ix ? ng_index_errmsg(*ix) : ng_strerror(rc));
        return -1;
    }
    if (write_batch(*ix, 0)) return -1;
    if (ng_reader_open(&shared, dir)) {
        FAILF("shared reader: %s", ng_reader_errmsg(shared));
        return -1;
    }
    ng_stats s;
    if (ng_reader_stats(shared, &s)) return -1;
    shared_docs = s.documents;
    second_writer_refused();
    return 0;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: concurrency DIR [BATCHES [BATCH_DOCS [READERS]]]\n");
        return 2;
    }
    dir = argv[1];
    if (argc > 2) n_batches = (unsigned)atoi(argv[2]);
    if (argc > 3) batch_docs = (unsigned)atoi(argv[3]);
    if (argc > 4) n_readers = (unsigned)atoi(argv[4]);
    if (n_readers > 16) n_readers = 16;
    ng_index *ix = NULL;
    if (setup(&ix)) {
        ng_index_free(ix);
        ng_reader_free(shared);
        return 1;
    }
    pthread_t th[16];
    for (unsigned t = 0; t < n_readers; t++)
        pthread_create(&th[t], NULL, reader_main, (void *)(uintptr_t)t);
    for (unsigned k = 1; k < n_batches && atomic_load(&failures) < 20; k++)
        if (write_batch(ix, k)) break;
    ng_index_free(ix);
    atomic_store(&writer_done, 1);
    for (unsigned t = 0; t < n_readers; t++) pthread_join(th[t], NULL);
    ng_reader_free(shared);
    killed_lock_released();
    int f = atomic_load(&failures);
    printf("concurrency: %u batches of %u docs committed (merges every 7), "
           "%lu reader rounds in %u threads, %d failures\n",
           n_batches, batch_docs, (unsigned long)atomic_load(&reader_rounds), n_readers,
           f);
    return f ? 1 : 0;
}
