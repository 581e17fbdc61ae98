/*
 * reader.c — the public reader (ng_reader_*): a snapshot of the last
 * commit that can be reopened, statistics, check, and stored documents by
 * external id (ng_doc_*, which own their bytes so they outlive reopens).
 */
#include <stdatomic.h>
#include <string.h>
#include <sys/stat.h>

#include "internal.h"
#include "multi.h"

struct ng_reader {
    ngi_error err;      /* error of open / reopen (calls that own the reader) */
    uint64_t serial;    /* this reader, among all readers of the process */
    uint64_t err_stamp; /* when err was last reset (error_clock) */
    ngi_snapshot *snap; /* current snapshot (NULL in a failed handle) */
    ngi_manifest man;   /* the manifest of snap */
    /* ng_stats.language points here, not into a snapshot that a reopen
     * frees; the language of an index never changes. */
    char language[sizeof(((ngi_settings *)0)->language)];
    ngi_multi *multi; /* ng_reader_open_many: the parts (else NULL) */
    char dir[];       /* index directory */
};

struct ng_doc {
    ngi_stored_doc d; /* fields and their bytes */
};

/* Errors of the calls that may run on one reader in several threads at
 * once (ng_reader_get, ng_reader_stats, ng_reader_check, ng_timeline) are
 * kept per thread, not in the shared reader: tagged with the reader's
 * serial (not its address, which a later reader may reuse) and a stamp of
 * error_clock, so that ng_reader_errmsg shows a thread the newer of its
 * own last failure on that reader and the reader's open/reopen error. */
static _Atomic uint64_t error_clock = 1;

typedef struct call_error {
    uint64_t reader; /* serial of the reader it belongs to (0: none) */
    uint64_t stamp;
    ngi_error err;
} call_error;

static _Thread_local call_error thread_error;

static uint64_t tick(void) {
    return atomic_fetch_add_explicit(&error_clock, 1, memory_order_relaxed);
}

/* Records a failure of a shared call for this thread; returns rc. */
static int call_fail(const ng_reader *r, int rc, const ngi_error *detail) {
    thread_error.reader = r->serial;
    thread_error.stamp = tick();
    if (detail && detail->code == rc && detail->msg[0])
        ngi_error_copy(&thread_error.err, detail);
    else
        ngi_error_set(&thread_error.err, rc, "%s", ng_strerror(rc));
    return rc;
}

int ngi_reader_fail(const ng_reader *r, int rc, const ngi_error *detail) {
    return r ? call_fail(r, rc, detail) : rc;
}

/* The start of an open or reopen: its error replaces older ones. */
static void owner_call(ng_reader *r) {
    ngi_error_clear(&r->err);
    r->err_stamp = tick();
}

/* ng_stats.language: set while the caller owns the reader, so that
 * ng_reader_stats (shared) only reads it. */
static void adopt_language(ng_reader *r) {
    if (!r->snap) return;
    memcpy(r->language, r->snap->settings.language, sizeof r->language);
    r->language[sizeof r->language - 1] = '\0';
}

static int reader_fail(ng_reader *r, int rc) {
    if (r->err.code != rc) ngi_error_set(&r->err, rc, "%s", ng_strerror(rc));
    return rc;
}

int ng_reader_open(ng_reader **out, const char *dir) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!dir) return NG_EINVAL;
    size_t n = strlen(dir);
    ng_reader *r = ngi_calloc(1, sizeof *r + n + 1);
    if (!r) return NG_ENOMEM;
    memcpy(r->dir, dir, n + 1);
    r->serial = tick();
    owner_call(r);
    ngi_manifest_init(&r->man);
    int rc = ngi_snapshot_load(&r->snap, dir, NULL, &r->man, &r->err);
    if (rc == NG_ENOMEM) {
        ng_reader_free(r);
        return rc;
    }
    adopt_language(r);
    *out = r;
    return rc ? reader_fail(r, rc) : 0;
}

/* Several directories as one: multireader.c. */
int ng_reader_open_many(ng_reader **out, const char *const *dirs, size_t n,
                        unsigned flags) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!dirs || !n || flags) return NG_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!dirs[i]) return NG_EINVAL;
    if (n == 1) return ng_reader_open(out, dirs[0]);
    ng_reader *r = ngi_calloc(1, sizeof *r + 1);
    if (!r) return NG_ENOMEM;
    r->serial = tick();
    owner_call(r);
    int rc = ngi_multi_open(&r->multi, dirs, n, &r->snap, &r->err);
    if (rc == NG_ENOMEM) {
        ng_reader_free(r);
        return rc;
    }
    adopt_language(r);
    *out = r;
    return rc ? reader_fail(r, rc) : 0;
}

int ng_reader_reopen(ng_reader *r, int *changed) {
    if (changed) *changed = 0;
    if (!r) return NG_EINVAL;
    owner_call(r);
    if (r->multi) {
        int ch = 0;
        int rc = ngi_multi_reopen(r->multi, &r->snap, &ch, &r->err);
        if (changed) *changed = ch;
        adopt_language(r);
        return rc ? reader_fail(r, rc) : 0;
    }
    ngi_manifest m;
    ngi_manifest_init(&m);
    ngi_snapshot *snap = NULL;
    int rc = ngi_manifest_read(r->dir, &m, &r->err);
    if (!rc && r->snap && m.generation == r->snap->generation) {
        ngi_manifest_free(&m);
        return 0;
    }
    if (!rc) rc = ngi_snapshot_load(&snap, r->dir, r->snap, &m, &r->err);
    if (rc) {
        ngi_manifest_free(&m);
        return reader_fail(r, rc);
    }
    ngi_snapshot_free(r->snap);
    ngi_manifest_free(&r->man);
    r->snap = snap;
    r->man = m;
    adopt_language(r);
    if (changed) *changed = 1;
    return 0;
}

void ng_reader_free(ng_reader *r) {
    if (!r) return;
    ngi_snapshot_free(r->snap);
    ngi_manifest_free(&r->man);
    ngi_multi_free(r->multi);
    ngi_free(r);
}

const char *ng_reader_errmsg(const ng_reader *r) {
    if (!r) return ng_strerror(NG_EINVAL);
    if (thread_error.reader == r->serial && thread_error.stamp > r->err_stamp)
        return ngi_error_message(&thread_error.err);
    return ngi_error_message(&r->err);
}

const ngi_snapshot *ngi_reader_snapshot(const ng_reader *r) {
    return r->snap;
}

/* A failed handle (its open failed) has no snapshot: NG_ESTATE. */
static int need_snapshot(const ng_reader *r) {
    if (r->snap) return 0;
    ngi_error err;
    ngi_error_set(&err, NG_ESTATE, "the reader did not open: %s",
                  ngi_error_message(&r->err));
    return call_fail(r, r->err.code ? NG_ESTATE : NG_EINVAL, &err);
}

/* ---- statistics ------------------------------------------------------- */

static uint64_t manifest_bytes(const char *dir) {
    char path[4096];
    struct stat st;
    if (ngi_path_join(path, sizeof path, dir, NGI_MANIFEST_NAME) != 0 ||
        stat(path, &st) != 0)
        return 0;
    return (uint64_t)st.st_size;
}

int ng_reader_stats(ng_reader *r, ng_stats *out) {
    if (!r || !out) return NG_EINVAL;
    memset(out, 0, sizeof *out);
    int rc = need_snapshot(r);
    if (rc) return rc;
    const ngi_snapshot *s = r->snap;
    for (size_t i = 0; i < s->n_segs; i++) {
        ngi_segment_sizes z;
        ngi_segment_sizes_get(s->segs[i], &z);
        out->terms += ngi_segment_n_terms(s->segs[i]);
        out->postings_bytes += z.postings;
        out->positions_bytes += z.positions;
        out->lexicon_bytes += z.lexicon;
        out->docstore_bytes += z.docstore;
        out->other_bytes += z.other;
        out->total_bytes += z.total;
    }
    if (s->n_segs > 1) { /* a term in several segments counts once */
        ngi_error err;
        ngi_error_clear(&err);
        rc = ngi_distinct_terms(s->segs, s->n_segs, &out->terms, &err);
        if (rc) return call_fail(r, rc, &err);
    }
    uint64_t mb = r->multi ? ngi_multi_manifest_bytes(r->multi) : manifest_bytes(r->dir);
    out->other_bytes += mb;
    out->total_bytes += mb;
    out->documents = s->live_docs;
    out->deleted = s->max_doc - s->live_docs;
    out->tokens = s->total_len;
    out->segments = s->n_segs;
    out->generation = s->generation;
    out->avg_doc_length = s->avg_doc_len;
    out->k1 = s->settings.k1;
    out->b = s->settings.b;
    out->language = r->language;
    out->analyzer_flags = s->settings.analyzer_flags;
    return 0;
}

int ng_reader_check(ng_reader *r) {
    if (!r) return NG_EINVAL;
    int rc = need_snapshot(r);
    if (rc) return rc;
    ngi_error err;
    ngi_error_clear(&err);
    for (size_t i = 0; i < r->snap->n_segs && !rc; i++)
        rc = ngi_segment_check(r->snap->segs[i], &err);
    if (!rc && r->multi)
        rc = ngi_multi_check_manifests(r->multi, &err);
    else if (!rc) { /* the manifest's own checksum */
        ngi_manifest m;
        ngi_manifest_init(&m);
        rc = ngi_manifest_read(r->dir, &m, &err);
        ngi_manifest_free(&m);
    }
    return rc ? call_fail(r, rc, &err) : 0;
}

/* ---- stored documents --------------------------------------------------- */

int ng_reader_get(ng_reader *r, const char *id, size_t id_len, ng_doc **out) {
    if (out) *out = NULL;
    if (!r || !id || !out) return NG_EINVAL;
    int rc = need_snapshot(r);
    if (rc) return rc;
    size_t seg;
    uint32_t doc;
    ngi_error err; /* the reader is shared by threads: not r->err */
    ngi_error_clear(&err);
    rc = ngi_snapshot_find_live(r->snap, id, id_len, &seg, &doc, &err);
    if (rc == NG_ENOTFOUND)
        ngi_error_set(&err, rc, "no document with id '%.*s'", (int)NGI_MIN(id_len, 200),
                      id);
    if (rc) return call_fail(r, rc, &err);
    ng_doc *d = ngi_calloc(1, sizeof *d);
    if (!d) return call_fail(r, NG_ENOMEM, NULL);
    ngi_stored_doc_init(&d->d);
    /* One document: a scratch of its own (the reader is shared by
     * threads, so it cannot hold one). */
    ngi_docstore_scratch *scratch;
    rc = ngi_docstore_scratch_create(&scratch)
             ? ngi_error_set(&err, NG_ENOMEM, "out of memory")
             : ngi_segment_fetch(r->snap->segs[seg], scratch, doc, &d->d, &err);
    ngi_docstore_scratch_free(scratch);
    if (rc) {
        ng_doc_free(d);
        return call_fail(r, rc, &err);
    }
    *out = d;
    return 0;
}

void ng_doc_free(ng_doc *doc) {
    if (!doc) return;
    ngi_stored_doc_free(&doc->d);
    ngi_free(doc);
}

size_t ng_doc_field_count(const ng_doc *doc) {
    return doc ? doc->d.n_fields : 0;
}

const ng_field *ng_doc_field(const ng_doc *doc, size_t i) {
    if (!doc || i >= doc->d.n_fields) return NULL;
    return &doc->d.fields[i];
}

const ng_field *ng_doc_field_by_role(const ng_doc *doc, int role) {
    for (size_t i = 0; doc && i < doc->d.n_fields; i++)
        if (doc->d.fields[i].role == role) return &doc->d.fields[i];
    return NULL;
}
