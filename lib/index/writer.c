/*
 * writer.c — the public writer (ng_index_*): opening or creating an index
 * directory under the writer lock, validating and copying documents into
 * batches for the indexing threads, deletes, counts and sticky errors.
 * Commit and merges live in commit.c, the threads in workers.c.
 */
#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/date.h"
#include "filter.h"
#include "writer.h"

#define BATCH_DOCS 256 /* documents per batch */

void ng_index_options_init(ng_index_options *o) {
    if (!o) return;
    memset(o, 0, sizeof *o);
    o->k1 = NG_DEFAULT_K1;
    o->b = NG_DEFAULT_B;
    o->ram_mb = 256;
    o->max_doc_bytes = NG_DEFAULT_MAX_DOC_BYTES;
    o->create = 1;
}

int ngi_writer_fail(ng_index *ix, int rc) {
    if (!ix->sticky && rc != NG_ENOTFOUND) ix->sticky = rc;
    if (ix->err.code != rc) ngi_error_set(&ix->err, rc, "%s", ng_strerror(rc));
    return rc;
}

/* NG_ESTATE after an earlier failure, keeping that failure's message. */
static int usable(ng_index *ix) {
    if (!ix) return NG_EINVAL;
    return ix->sticky ? NG_ESTATE : 0;
}

/* ---- open --------------------------------------------------------------- */

static void effective_options(ng_index *ix, const ng_index_options *o) {
    ng_index_options_init(&ix->opts);
    if (o) ix->opts = *o;
    if (!ix->opts.ram_mb) ix->opts.ram_mb = 256;
    if (!ix->opts.max_doc_bytes) ix->opts.max_doc_bytes = NG_DEFAULT_MAX_DOC_BYTES;
    bool exact = ix->opts.threads != 0; /* else as many as cores and budget allow */
    if (!ix->opts.threads) {
        long n = sysconf(_SC_NPROCESSORS_ONLN);
        ix->opts.threads = n > 0 ? (unsigned)NGI_MIN(n, 64) : 1;
    }
    ix->opts.threads = NGI_MIN(ix->opts.threads, 64u);
    /* Every part of what the writer holds has its share (budget.c); a
     * small budget affords fewer threads (unless a count was asked for,
     * which then gets smaller shares). Larger documents than
     * doc_cap are refused (NG_ELIMIT), and while a big one is indexed no
     * other batch is (the cost would multiply by the threads). */
    ngi_budget_split(NGI_MIN(ix->opts.ram_mb, (size_t)1 << 40) << 20, ix->opts.threads,
                     exact, &ix->budget);
    ix->opts.threads = ix->budget.threads;
    ix->batch_bytes = ix->budget.batch_bytes;
    ix->cache_bytes = ix->budget.cache_bytes;
    ix->memseg_limit = ix->budget.memseg_limit;
    ix->inflight_cap = ix->budget.inflight_cap;
    ix->doc_cap = NGI_MIN(ix->opts.max_doc_bytes, ix->inflight_cap);
}

static int new_manifest(ng_index *ix) {
    const ng_index_options *o = &ix->opts;
    ngi_settings *s = &ix->man.settings;
    const char *lang = o->language ? o->language : "english";
    ng_analyzer *a;
    int rc = ng_analyzer_create(&a, lang, o->analyzer_flags);
    if (rc)
        return ngi_error_set(&ix->err, rc, "language '%s': %s", lang, ng_strerror(rc));
    snprintf(s->language, sizeof s->language, "%s", ng_analyzer_language(a));
    ng_analyzer_free(a);
    s->analyzer_flags = o->analyzer_flags;
    s->k1 = o->k1 > 0 ? o->k1 : NG_DEFAULT_K1;
    s->b = o->b >= 0 && o->b <= 1 ? o->b : NG_DEFAULT_B;
    ix->man.generation = 1;
    ix->man.next_file = 1;
    rc = ngi_index_id_new(ix->man.index_id, &ix->err);
    return rc ? rc
              : ngi_manifest_commit_sync(
                    ix->dir, &ix->man, !(ix->opts.flags & NG_INDEX_TEMPORARY), &ix->err);
}

/* One past the highest number of a seg_/del_ file in dir: new files must
 * not collide with files left behind that are not ours to delete. */
static uint64_t next_free_number(const char *dir, uint64_t at_least) {
    DIR *d = opendir(dir);
    if (!d) return at_least;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ngi_store_is_segment_name(e->d_name) &&
            !ngi_store_is_deletes_name(e->d_name))
            continue;
        uint64_t n = ngi_file_number(e->d_name);
        if (n >= at_least && n < UINT64_MAX) at_least = n + 1;
    }
    closedir(d);
    return at_least;
}

static int start_writer(ng_index *ix);

static int open_dir(ng_index *ix) {
    struct stat st;
    char path[4096];
    if (!ix->opts.create && /* leave foreign directories alone */
        (ngi_path_join(path, sizeof path, ix->dir, NGI_MANIFEST_NAME) != 0 ||
         stat(path, &st) != 0)) {
        int orc = ngi_store_check_orphans(ix->dir, &ix->err);
        if (orc) return orc;
        return ngi_error_set(&ix->err, NG_ENOINDEX, "no index at %s", ix->dir);
    }
    if (stat(ix->dir, &st) != 0) {
        int rc = ngi_mkdir_p(ix->dir, &ix->err);
        if (rc) return rc;
    }
    int rc = ngi_lock_acquire(ix->dir, &ix->lock_fd, &ix->err);
    if (rc) return rc;
    rc = ngi_manifest_read(ix->dir, &ix->man, &ix->err);
    if (rc == NG_ENOINDEX && ix->opts.create) {
        ngi_manifest_free(&ix->man);
        ngi_manifest_init(&ix->man);
        ngi_error_clear(&ix->err);
        rc = new_manifest(ix);
    }
    if (rc) return rc;
    return start_writer(ix);
}

/* With the lock held and ix->man committed: opens its segments, removes
 * what crashed writers left, starts the workers. */
static int start_writer(ng_index *ix) {
    memcpy(ix->origin.index_id, ix->man.index_id, NGI_INDEX_ID_BYTES);
    ix->origin.settings = ix->man.settings;
    int rc = ngi_snapshot_build(&ix->snap, ix->dir, &ix->man, NULL, &ix->err);
    if (rc == NG_ENOTFOUND) { /* we hold the lock: nobody removed it */
        char msg[NGI_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", ngi_error_message(&ix->err));
        return ngi_error_set(&ix->err, NG_ECORRUPT,
                             "corrupt index: a file the manifest names is "
                             "missing: %s",
                             msg);
    }
    if (rc) return rc;
    /* Files a crashed writer left behind are not part of any commit. */
    ngi_error scratch;
    ngi_store_remove_unreferenced(ix->dir, &ix->man, &scratch);
    ix->next_file = next_free_number(ix->dir, ix->man.next_file);
    return ngi_workers_start(ix);
}

static ng_index *new_handle(const char *dir, const ng_index_options *opts) {
    size_t n = strlen(dir);
    ng_index *ix = ngi_calloc(1, sizeof *ix + n + 1);
    if (!ix) return NULL;
    memcpy(ix->dir, dir, n + 1);
    ix->lock_fd = -1;
    ix->seq = 1;
    atomic_init(&ix->abandon, false);
    ngi_manifest_init(&ix->man);
    ngi_idmap_init(&ix->session);
    effective_options(ix, opts);
    return ix;
}

int ng_index_open(ng_index **out, const char *dir, const ng_index_options *opts) {
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!dir || !*dir || (opts && (opts->flags & ~(unsigned)NG_INDEX_TEMPORARY)))
        return NG_EINVAL;
    ng_index *ix = new_handle(dir, opts);
    if (!ix) return NG_ENOMEM;
    int rc = open_dir(ix);
    if (rc == NG_ENOMEM) {
        ng_index_free(ix);
        return rc;
    }
    *out = ix;
    return rc ? ngi_writer_fail(ix, rc) : 0;
}

/* Whether the index opens as it is: then there is nothing to recover. */
static int refuse_intact(ng_index *ix) {
    ngi_error scratch;
    int rc = ngi_manifest_read(ix->dir, &ix->man, &scratch);
    if (rc == NG_ENOINDEX)
        return ngi_error_set(&ix->err, NG_ENOINDEX, "%s: no index files to recover from",
                             ix->dir);
    if (rc == NG_EVERSION || rc == NG_ENOMEM)
        return ngi_error_set(&ix->err, rc, "%s", ngi_error_message(&scratch));
    if (rc == 0) {
        ngi_snapshot *snap;
        rc = ngi_snapshot_build(&snap, ix->dir, &ix->man, NULL, &scratch);
        ngi_snapshot_free(snap);
        if (rc == 0)
            return ngi_error_set(&ix->err, NG_EINVAL,
                                 "%s: the index is intact (its manifest, "
                                 "generation %llu, opens): nothing to "
                                 "recover",
                                 ix->dir, (unsigned long long)ix->man.generation);
    }
    ngi_manifest_free(&ix->man);
    ngi_manifest_init(&ix->man);
    return 0;
}

int ng_index_recover(ng_index **out, const char *dir, ng_recover_report *report) {
    ng_recover_report unused;
    if (!report) report = &unused;
    memset(report, 0, sizeof *report);
    if (!out) return NG_EINVAL;
    *out = NULL;
    if (!dir || !*dir) return NG_EINVAL;
    ng_index *ix = new_handle(dir, NULL);
    if (!ix) return NG_ENOMEM;
    struct stat st;
    int rc = stat(dir, &st) == 0
                 ? 0
                 : ngi_error_set(&ix->err, NG_ENOINDEX, "no index at %s", dir);
    if (!rc) rc = ngi_lock_acquire(dir, &ix->lock_fd, &ix->err);
    if (!rc) rc = refuse_intact(ix);
    if (!rc) rc = ngi_recover_manifest(dir, &ix->man, report, &ix->err);
    if (!rc) rc = start_writer(ix);
    if (rc == NG_ENOMEM) {
        ng_index_free(ix);
        return rc;
    }
    *out = ix;
    return rc ? ngi_writer_fail(ix, rc) : 0;
}

/* Removes the files of this session that no commit references. The
 * manifest is read back from disk: after a failed commit we cannot know
 * whether the new one became live, and must not remove its files. */
static void remove_uncommitted(ng_index *ix) {
    ngi_manifest m;
    ngi_manifest_init(&m);
    ngi_error scratch;
    if (ngi_manifest_read(ix->dir, &m, &scratch) == 0)
        ngi_store_remove_unreferenced(ix->dir, &m, &scratch);
    ngi_manifest_free(&m);
}

static void remove_pending(ng_index *ix) {
    for (size_t i = 0; i < ix->n_pend; i++) ngi_free(ix->pend[i].seqs);
    ngi_free(ix->pend);
    ix->pend = NULL;
    ix->n_pend = ix->cap_pend = 0;
}

void ng_index_free(ng_index *ix) {
    if (!ix) return;
    atomic_store(&ix->abandon, true);
    ngi_workers_stop(ix);
    ngi_batch_free(ix->cur);
    if (ix->lock_fd >= 0) remove_uncommitted(ix);
    remove_pending(ix);
    ngi_snapshot_free(ix->snap);
    ngi_manifest_free(&ix->man);
    ngi_idmap_free(&ix->session);
    ngi_lock_release(ix->lock_fd);
    ngi_filter_free(ix->filter);
    ngi_free(ix);
}

const char *ng_index_errmsg(const ng_index *ix) {
    if (!ix) return ng_strerror(NG_EINVAL);
    return ngi_error_message(&ix->err);
}

void ng_index_get_counts(const ng_index *ix, ng_index_counts *out) {
    if (!out) return;
    memset(out, 0, sizeof *out);
    if (!ix) return;
    *out = ix->counts;
    out->filtered = atomic_load(&ix->filtered_docs);
    out->filtered_tokens = atomic_load(&ix->filtered_toks);
}

int ngi_writer_set_filter(ng_index *ix, ngi_filter *f) {
    int rc = usable(ix);
    if (!rc && (ix->filter || ix->counts.added))
        rc = ngi_error_set(&ix->err, NG_EINVAL,
                           "a filter must be set once, before the first document");
    if (rc) {
        ngi_filter_free(f);
        return rc;
    }
    ix->filter = f; /* the workers see it with their first batch */
    return 0;
}

const ngi_settings *ngi_writer_settings(const ng_index *ix) {
    return &ix->man.settings;
}

int ngi_writer_error(ng_index *ix, int rc, const char *msg) {
    return ngi_error_set(&ix->err, rc, "%s", msg);
}

/* ---- documents ----------------------------------------------------------- */

static int doc_error(ng_index *ix, int rc, const char *what) {
    return ngi_error_set(&ix->err, rc, "invalid document: %s", what);
}

/* Checks a document; *id receives its id field. */
static int validate(ng_index *ix, const ng_document *doc, const ng_field **id) {
    *id = NULL;
    if (!doc || (doc->n_fields && !doc->fields))
        return doc_error(ix, NG_EDOC, "no fields");
    size_t bytes = 0;
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        if (!f->name || (f->value_len && !f->value) || f->role < 0 ||
            f->role > NG_FIELD_SOURCE)
            return doc_error(ix, NG_EDOC, "bad field");
        bytes += strlen(f->name) + f->value_len;
        int32_t days;
        if (f->role == NG_FIELD_DATE &&
            ngi_date_parse(f->value, f->value_len, &days) != 0)
            return doc_error(ix, NG_EDOC, "date is not YYYY-MM-DD");
        if (f->role != NG_FIELD_ID) continue;
        if (*id) return doc_error(ix, NG_EDOC, "two id fields");
        if (!f->value_len || f->value_len > NG_MAX_ID_BYTES ||
            memchr(f->value, 0, f->value_len))
            return doc_error(ix, NG_EDOC, "bad id length or NUL in id");
        *id = f;
    }
    if (!*id) return doc_error(ix, NG_EDOC, "no id field");
    if (bytes > ix->opts.max_doc_bytes)
        return ngi_error_set(&ix->err, NG_ELIMIT,
                             "document '%.*s' has %zu bytes, more than the "
                             "limit of %zu",
                             (int)NGI_MIN((*id)->value_len, 200), (*id)->value, bytes,
                             ix->opts.max_doc_bytes);
    if (bytes > ix->doc_cap)
        return ngi_error_set(&ix->err, NG_ELIMIT,
                             "document '%.*s' has %zu bytes, more than the %zu "
                             "that a RAM budget of %zu MiB can index (ram_mb)",
                             (int)NGI_MIN((*id)->value_len, 200), (*id)->value, bytes,
                             ix->doc_cap, ix->opts.ram_mb);
    return 0;
}

/* Appends the fields with one reservation per document: a reserve, a
 * memcpy call and a NUL per name and per value were 7% of grep mode's
 * instructions on reuters21578 (19 fields a line). */
static int batch_add_fields(ngi_batch *b, const ng_document *doc) {
    size_t bytes = 0;
    for (size_t i = 0; i < doc->n_fields; i++)
        bytes += strlen(doc->fields[i].name) + doc->fields[i].value_len + 2;
    if (ngi_buf_reserve(&b->bytes, bytes) ||
        ngi_buf_reserve(&b->fields, doc->n_fields * sizeof(ngi_batch_field)))
        return NG_ENOMEM;
    ngi_batch_field *bf = (ngi_batch_field *)(void *)(b->fields.data + b->fields.len);
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        size_t nl = strlen(f->name);
        bf[i].name_off = b->bytes.len;
        memcpy(b->bytes.data + b->bytes.len, f->name, nl + 1);
        b->bytes.len += nl + 1;
        bf[i].value_off = b->bytes.len;
        bf[i].value_len = f->value_len;
        bf[i].role = f->role;
        if (f->value_len) memcpy(b->bytes.data + b->bytes.len, f->value, f->value_len);
        b->bytes.data[b->bytes.len + f->value_len] = '\0';
        b->bytes.len += f->value_len + 1;
    }
    b->fields.len += doc->n_fields * sizeof(ngi_batch_field);
    return 0;
}

static int batch_add(ng_index *ix, const ng_document *doc, uint64_t seq) {
    if (!ix->cur && !(ix->cur = ngi_batch_take(ix))) return NG_ENOMEM;
    ngi_batch *b = ix->cur;
    ngi_batch_doc d = {b->fields.len / sizeof(ngi_batch_field), doc->n_fields, seq};
    size_t bytes_len = b->bytes.len, fields_len = b->fields.len;
    int rc = batch_add_fields(b, doc);
    if (!rc) rc = ngi_buf_append(&b->docs, &d, sizeof d);
    if (rc) { /* leave the batch as it was */
        b->bytes.len = bytes_len;
        b->fields.len = fields_len;
        return rc;
    }
    b->n_docs++;
    return 0;
}

/* Whether id has a live version (this session's newest op, else the last
 * commit). */
static bool exists(ng_index *ix, const char *id, size_t len) {
    uint64_t seq;
    bool deleted;
    if (ngi_idmap_get(&ix->session, id, len, &seq, &deleted)) return !deleted;
    size_t seg;
    uint32_t doc;
    return ngi_snapshot_find_live(ix->snap, id, len, &seg, &doc, NULL) == 0;
}

int ng_index_add(ng_index *ix, const ng_document *doc) {
    int rc = usable(ix);
    if (rc) return rc;
    const ng_field *id;
    if ((rc = validate(ix, doc, &id))) return rc;
    bool replaced = exists(ix, id->value, id->value_len);
    uint64_t seq = ix->seq;
    rc = batch_add(ix, doc, seq);
    if (!rc) rc = ngi_idmap_put(&ix->session, id->value, id->value_len, seq, false);
    if (rc) {
        ngi_error_set(&ix->err, rc, "%s", ng_strerror(rc));
        return ngi_writer_fail(ix, rc); /* batch and map may disagree now */
    }
    ix->seq++;
    ix->counts.added++;
    ix->counts.replaced += replaced;
    const ngi_batch *b = ix->cur;
    if (b->n_docs >= BATCH_DOCS || b->bytes.len >= ix->batch_bytes) {
        if ((rc = ngi_workers_submit(ix))) return ngi_writer_fail(ix, rc);
    }
    return 0;
}

int ng_index_delete(ng_index *ix, const char *id, size_t id_len) {
    int rc = usable(ix);
    if (rc) return rc;
    if (!id || !id_len || id_len > NG_MAX_ID_BYTES)
        return ngi_error_set(&ix->err, NG_EINVAL, "bad id");
    bool existed = exists(ix, id, id_len);
    rc = ngi_idmap_put(&ix->session, id, id_len, ix->seq, true);
    if (rc) return ngi_error_set(&ix->err, rc, "%s", ng_strerror(rc));
    ix->seq++;
    ix->counts.deleted += existed;
    return 0;
}

int ng_index_commit(ng_index *ix) {
    int rc = usable(ix);
    if (rc) return rc;
    rc = ngi_writer_commit(ix);
    return rc ? ngi_writer_fail(ix, rc) : 0;
}

int ng_index_merge(ng_index *ix) {
    int rc = usable(ix);
    if (rc) return rc;
    rc = ngi_writer_commit(ix);
    if (!rc) rc = ngi_writer_merge_all(ix);
    return rc ? ngi_writer_fail(ix, rc) : 0;
}
