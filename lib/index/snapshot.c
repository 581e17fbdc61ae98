/*
 * snapshot.c — a snapshot is the list of segments a manifest names, opened
 * and referenced, with global doc-id bases and index-wide BM25 statistics
 * (N counts deleted documents too, like Lucene, so scores do not depend on
 * segmentation). Building one reuses the unchanged segments of the last.
 */
#include <string.h>

#include "internal.h"

#define LOAD_RETRIES 8 /* a commit removed a file we were opening: retry */

void ngi_snapshot_free(ngi_snapshot *s) {
    if (!s) return;
    for (size_t i = 0; i < s->n_segs; i++) ngi_segment_unref(s->segs[i]);
    ngi_free(s->segs);
    ngi_free(s->seg_base);
    ngi_free(s);
}

/* A segment of old with the same file and deletes names, or NULL. */
static ngi_segment *reusable(const ngi_snapshot *old, const ngi_segment_entry *e) {
    if (!old) return NULL;
    for (size_t i = 0; i < old->n_segs; i++) {
        ngi_segment *s = old->segs[i];
        if (strcmp(ngi_segment_name(s), e->name) == 0 &&
            ngi_segment_n_docs(s) == e->n_docs &&
            strcmp(ngi_segment_deletes_name(s), e->deletes) == 0)
            return s;
    }
    return NULL;
}

static int add_stats(ngi_snapshot *s, size_t i) {
    ngi_segment *g = s->segs[i];
    if (s->max_doc + ngi_segment_n_docs(g) > UINT32_MAX - 1) return NG_ELIMIT;
    s->seg_base[i] = (uint32_t)s->max_doc;
    s->max_doc += ngi_segment_n_docs(g);
    s->live_docs += ngi_segment_n_docs(g) - ngi_segment_n_deleted(g);
    s->total_len += ngi_segment_total_len(g);
    return 0;
}

int ngi_snapshot_build(ngi_snapshot **out, const char *dir, const ngi_manifest *m,
                       const ngi_snapshot *old, ngi_error *err) {
    *out = NULL;
    ngi_snapshot *s = ngi_calloc(1, sizeof *s);
    size_t n = m->n_segments;
    if (s) {
        s->segs = ngi_calloc(n + 1, sizeof *s->segs);
        s->seg_base = ngi_calloc(n + 1, sizeof *s->seg_base);
    }
    if (!s || !s->segs || !s->seg_base) {
        ngi_snapshot_free(s);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    s->generation = m->generation;
    s->settings = m->settings;
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        const ngi_segment_entry *e = &m->segments[i];
        ngi_segment *g = reusable(old, e);
        if (g)
            ngi_segment_ref(g);
        else
            rc = ngi_segment_open(&g, dir, m->index_id, e, err);
        if (rc) break;
        s->segs[s->n_segs++] = g;
        rc = add_stats(s, i);
        if (rc) ngi_error_set(err, rc, "index has too many documents");
    }
    if (rc) {
        ngi_snapshot_free(s);
        return rc;
    }
    s->avg_doc_len = s->max_doc ? (double)s->total_len / (double)s->max_doc : 0;
    *out = s;
    return 0;
}

int ngi_snapshot_load(ngi_snapshot **out, const char *dir, const ngi_snapshot *old,
                      ngi_manifest *m, ngi_error *err) {
    *out = NULL;
    int rc = NG_EIO;
    uint64_t last_gen = 0;
    char missing[NGI_ERRMSG_MAX] = "";
    for (int attempt = 0; attempt < LOAD_RETRIES; attempt++) {
        ngi_manifest_free(m);
        ngi_manifest_init(m);
        if ((rc = ngi_manifest_read(dir, m, err))) return rc;
        /* The same commit still names the file we could not open: it is
         * missing, not removed by a newer commit. */
        if (attempt > 0 && m->generation == last_gen) break;
        rc = ngi_snapshot_build(out, dir, m, old, err);
        if (rc != NG_ENOTFOUND) return rc;
        last_gen = m->generation;
        snprintf(missing, sizeof missing, "%s", ngi_error_message(err));
    }
    return ngi_error_set(err, NG_ECORRUPT,
                         "corrupt index: a file the manifest (generation "
                         "%llu) names is missing: %s",
                         (unsigned long long)last_gen, missing);
}

int ngi_snapshot_df(const ngi_snapshot *snap, const char *term, size_t len, uint64_t *df,
                    ngi_error *err) {
    *df = 0;
    for (size_t i = 0; i < snap->n_segs; i++) {
        ngi_term_postings tp;
        int rc = ngi_segment_lookup(snap->segs[i], term, len, &tp, err);
        if (rc == NG_ENOTFOUND) continue;
        if (rc) return rc;
        *df += tp.df;
    }
    return 0;
}

int ngi_snapshot_find_live(const ngi_snapshot *s, const char *id, size_t len, size_t *seg,
                           uint32_t *doc, ngi_error *err) {
    for (size_t i = s->n_segs; i-- > 0;) {
        uint32_t d;
        int rc = ngi_segment_find_id(s->segs[i], id, len, &d, err);
        if (rc == NG_ENOTFOUND) continue;
        if (rc) return rc;
        if (ngi_segment_is_deleted(s->segs[i], d)) continue;
        *seg = i;
        *doc = d;
        return 0;
    }
    return NG_ENOTFOUND;
}
