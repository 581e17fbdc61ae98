/*
 * commit.c — making a session durable: every queued document is flushed
 * to segment files, replacements and deletes are resolved by sequence
 * number (the newest add or delete of an id wins; older versions get their
 * bit set in a new deletes file), then a new manifest is committed
 * atomically and unreferenced files are removed. Also the merges: a tiered
 * policy after each commit, and merge-everything for ng_index_merge.
 */
#include <string.h>

#include "signature.h"
#include "writer.h"

#define MERGE_FACTOR 10 /* segments of one size tier that trigger a merge */

/* Per-segment deletion bits being built for the next manifest. */
typedef struct del_bits {
    uint8_t *bits;   /* (n_docs + 7) / 8 bytes, or NULL: unchanged */
    uint32_t n_docs; /* documents of the segment */
} del_bits;

static int bits_for(del_bits *d, const ngi_segment *s) {
    if (d->bits) return 0;
    size_t n = ((size_t)ngi_segment_n_docs(s) + 7) / 8;
    d->bits = ngi_calloc(n + 1, 1);
    if (!d->bits) return NG_ENOMEM;
    if (ngi_segment_deletes(s)) memcpy(d->bits, ngi_segment_deletes(s), n);
    d->n_docs = ngi_segment_n_docs(s);
    return 0;
}

static bool bit(const uint8_t *b, uint32_t i) {
    return (b[i >> 3] >> (i & 7)) & 1;
}
static void set_bit(uint8_t *b, uint32_t i) {
    b[i >> 3] |= (uint8_t)(1u << (i & 7));
}

static uint32_t count_bits(const uint8_t *b, uint32_t n) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++) c += bit(b, i);
    return c;
}

/* Deletes, in the committed segments, the live version of every id this
 * session added or deleted. */
static int resolve_committed(ng_index *ix, del_bits *del) {
    const ngi_idmap *map = &ix->session;
    const ngi_snapshot *snap = ix->snap;
    for (size_t k = 0; k < map->n_slots; k++) {
        const ngi_idmap_slot *sl = &map->slots[k];
        if (!sl->val) continue;
        const char *id = (const char *)map->keys.data + sl->key_off;
        for (size_t i = 0; i < snap->n_segs; i++) {
            const ngi_segment *s = snap->segs[i];
            uint32_t doc;
            int rc = ngi_segment_find_id(s, id, sl->key_len, &doc, &ix->err);
            if (rc == NG_ENOTFOUND) continue;
            if (rc) return rc;
            if (ngi_segment_is_deleted(s, doc) || (del[i].bits && bit(del[i].bits, doc)))
                continue;
            if (bits_for(&del[i], s)) return NG_ENOMEM;
            set_bit(del[i].bits, doc);
        }
    }
    return 0;
}

/* In a new segment, keeps only the documents that are their id's newest
 * operation of the session. */
static int resolve_new(ng_index *ix, const ngi_pending *p, del_bits *d) {
    ngi_segment_entry e = {{0}, {0}, p->n_docs, 0};
    snprintf(e.name, sizeof e.name, "%s", p->name);
    ngi_segment *s;
    int rc = ngi_segment_open(&s, ix->dir, ix->origin.index_id, &e, &ix->err);
    if (rc) return rc;
    for (uint32_t doc = 0; doc < p->n_docs && !rc; doc++) {
        const char *id;
        size_t len;
        uint64_t seq;
        bool deleted;
        rc = ngi_segment_doc_id(s, doc, &id, &len, &ix->err);
        if (rc) break;
        if (ngi_idmap_get(&ix->session, id, len, &seq, &deleted) && seq == p->seqs[doc] &&
            !deleted)
            continue;
        if ((rc = bits_for(d, s))) break;
        set_bit(d->bits, doc);
    }
    ngi_segment_unref(s);
    return rc;
}

static int write_deletes(ng_index *ix, ngi_segment_entry *e, del_bits *d) {
    if (!d->bits) return 0;
    char name[NGI_SEGMENT_NAME_MAX];
    ngi_writer_file_name(ix, name, "del", "ngd");
    /* Bound to its segment: an older bitmap of the same segment renamed
     * to this name would bring deleted documents back. */
    ngi_file_ident id = {{0}, ngi_file_number(name), ngi_file_number(e->name)};
    memcpy(id.index_id, ix->origin.index_id, NGI_INDEX_ID_BYTES);
    int rc = ngi_deletes_write(ix->dir, name, d->bits, d->n_docs, &id, &ix->err);
    if (rc) return rc;
    snprintf(e->deletes, sizeof e->deletes, "%s", name);
    e->n_deleted = count_bits(d->bits, d->n_docs);
    return 0;
}

/* Makes m the committed state: manifest, snapshot, cleanup. */
static int install(ng_index *ix, ngi_manifest *m) {
    m->generation = ix->man.generation + 1;
    m->next_file = ix->next_file;
    int rc = ngi_manifest_commit_sync(ix->dir, m, !(ix->opts.flags & NG_INDEX_TEMPORARY),
                                      &ix->err);
    if (rc) return rc;
    ngi_manifest_free(&ix->man); /* committed: m is the state now */
    ix->man = *m;
    ngi_manifest_init(m);
    ngi_snapshot *snap;
    rc = ngi_snapshot_build(&snap, ix->dir, &ix->man, ix->snap, &ix->err);
    if (rc) return rc; /* sticky: the handle stops, the commit stands */
    ngi_snapshot_free(ix->snap);
    ix->snap = snap;
    ngi_error scratch; /* leftovers only cost space; never fail a commit */
    ngi_store_remove_unreferenced(ix->dir, &ix->man, &scratch);
    return 0;
}

static int append_entry(ngi_manifest *m, const ngi_segment_entry *e) {
    ngi_segment_entry *s = ngi_realloc(m->segments, (m->n_segments + 1) * sizeof *s);
    if (!s) return NG_ENOMEM;
    m->segments = s;
    s[m->n_segments++] = *e;
    return 0;
}

static int build_manifest(ng_index *ix, ngi_manifest *m, del_bits *old, del_bits *neu) {
    int rc = ngi_manifest_copy(m, &ix->man);
    for (size_t i = 0; i < m->n_segments && !rc; i++)
        rc = write_deletes(ix, &m->segments[i], &old[i]);
    for (size_t i = 0; i < ix->n_pend && !rc; i++) {
        const ngi_pending *p = &ix->pend[i];
        ngi_segment_entry e = {{0}, {0}, p->n_docs, 0};
        snprintf(e.name, sizeof e.name, "%s", p->name);
        if (neu[i].bits && count_bits(neu[i].bits, p->n_docs) == p->n_docs)
            continue; /* nothing live: leave the file unreferenced */
        rc = write_deletes(ix, &e, &neu[i]);
        if (!rc) rc = append_entry(m, &e);
    }
    return rc;
}

static void free_bits(del_bits *d, size_t n) {
    for (size_t i = 0; d && i < n; i++) ngi_free(d[i].bits);
    ngi_free(d);
}

static int resolve_and_install(ng_index *ix) {
    size_t n_old = ix->snap->n_segs, n_new = ix->n_pend;
    del_bits *old = ngi_calloc(n_old + 1, sizeof *old);
    del_bits *neu = ngi_calloc(n_new + 1, sizeof *neu);
    ngi_manifest m;
    ngi_manifest_init(&m);
    int rc = old && neu ? 0 : NG_ENOMEM;
    if (!rc) rc = resolve_committed(ix, old);
    for (size_t i = 0; i < n_new && !rc; i++) rc = resolve_new(ix, &ix->pend[i], &neu[i]);
    if (!rc) rc = build_manifest(ix, &m, old, neu);
    if (!rc) rc = install(ix, &m);
    if (rc == NG_ENOMEM) ngi_error_set(&ix->err, rc, "out of memory");
    ngi_manifest_free(&m);
    free_bits(old, n_old);
    free_bits(neu, n_new);
    return rc;
}

static void clear_session(ng_index *ix) {
    for (size_t i = 0; i < ix->n_pend; i++) ngi_free(ix->pend[i].seqs);
    ix->n_pend = 0;
    ngi_idmap_clear(&ix->session);
}

/* ---- merges ------------------------------------------------------------- */

/* Merges the snapshot's segments idx[0..k) into one and commits. */
static int merge_some(ng_index *ix, const size_t *idx, size_t k) {
    ngi_segment **segs = ngi_calloc(k + 1, sizeof *segs);
    if (!segs) return ngi_error_set(&ix->err, NG_ENOMEM, "out of memory");
    for (size_t j = 0; j < k; j++) segs[j] = ix->snap->segs[idx[j]];
    ngi_segment_entry e = {{0}, {0}, 0, 0};
    ngi_writer_file_name(ix, e.name, "seg", "ngs");
    ngi_merge_limits lim = {ix->budget.merge_window, ix->budget.store_sample,
                            ix->budget.spill_bytes};
    int rc = ngi_merge_segments_within(segs, k, ix->dir, e.name, &lim, &e.n_docs, NULL,
                                       &ix->err);
    ngi_free(segs);
    ngi_manifest m;
    ngi_manifest_init(&m);
    if (!rc) rc = ngi_manifest_copy(&m, &ix->man);
    if (!rc) { /* drop the merged entries (idx ascending) */
        size_t out = 0, j = 0;
        for (size_t i = 0; i < m.n_segments; i++) {
            if (j < k && idx[j] == i) {
                j++;
                continue;
            }
            m.segments[out++] = m.segments[i];
        }
        m.n_segments = out;
        if (e.n_docs) rc = append_entry(&m, &e);
    }
    if (!rc) rc = install(ix, &m);
    if (rc == NG_ENOMEM) ngi_error_set(&ix->err, rc, "out of memory");
    ngi_manifest_free(&m);
    return rc;
}

static unsigned tier_of(const ngi_segment *s) {
    uint64_t live = ngi_segment_n_docs(s) - ngi_segment_n_deleted(s);
    unsigned t = 0;
    while (live >= MERGE_FACTOR) {
        live /= MERGE_FACTOR;
        t++;
    }
    return t;
}

/* Merges whole tiers of MERGE_FACTOR or more similar-sized segments, so
 * the segment count stays logarithmic in the number of documents; at most
 * the budget's fan-in at once (the oldest first), so that a small budget
 * merges a large tier in several merges. */
static int merge_tiered(ng_index *ix) {
    for (;;) {
        size_t n = ix->snap->n_segs;
        size_t *idx = ngi_calloc(n + 1, sizeof *idx);
        if (!idx) return ngi_error_set(&ix->err, NG_ENOMEM, "out of memory");
        size_t k = 0;
        for (unsigned t = 0; t < 12 && k < MERGE_FACTOR; t++) {
            k = 0;
            for (size_t i = 0; i < n; i++)
                if (tier_of(ix->snap->segs[i]) == t) idx[k++] = i;
        }
        int rc = k >= MERGE_FACTOR
                     ? merge_some(ix, idx, NGI_MIN(k, ix->budget.merge_fan_in))
                     : 1;
        ngi_free(idx);
        if (rc) return rc > 0 ? 0 : rc;
    }
}

/* Merges everything into one segment: in passes of at most the budget's
 * fan-in (each merge's output joins the end of the list). */
int ngi_writer_merge_all(ng_index *ix) {
    bool resigned = false; /* one unsigned segment is merged once, to sign it */
    for (;;) {
        size_t n = ix->snap->n_segs;
        if (n == 0) return 0;
        if (n == 1) {
            const ngi_segment *s = ix->snap->segs[0];
            bool clean = ngi_segment_n_deleted(s) == 0;
            if (clean && (resigned || ngi_segment_has_signatures(s))) return 0;
            resigned = true; /* the merge computes the signatures it lacks */
        }
        size_t k = NGI_MIN(n, NGI_MAX(ix->budget.merge_fan_in, (size_t)2));
        size_t *idx = ngi_calloc(k, sizeof *idx);
        if (!idx) return ngi_error_set(&ix->err, NG_ENOMEM, "out of memory");
        for (size_t i = 0; i < k; i++) idx[i] = i;
        int rc = merge_some(ix, idx, k);
        ngi_free(idx);
        if (rc) return rc;
    }
}

/* ---- new segments merged before the commit opens them ------------------ */

/* Merges the pending segments pend[0..k) into one pending segment at the
 * end of the list: their documents in order, so their sequence numbers
 * are concatenated. Nothing is deleted in a pending segment. */
static int merge_pending(ng_index *ix, size_t k) {
    ngi_segment **segs = ngi_calloc(k + 1, sizeof *segs);
    size_t total = 0;
    for (size_t i = 0; i < k; i++) total += ix->pend[i].n_docs;
    uint64_t *seqs = ngi_malloc((total + 1) * sizeof *seqs);
    int rc = segs && seqs ? 0 : ngi_error_set(&ix->err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < k && !rc; i++) {
        ngi_segment_entry e = {{0}, {0}, ix->pend[i].n_docs, 0};
        snprintf(e.name, sizeof e.name, "%s", ix->pend[i].name);
        rc = ngi_segment_open(&segs[i], ix->dir, ix->origin.index_id, &e, &ix->err);
    }
    ngi_pending out = {{0}, 0, seqs};
    if (!rc) {
        ngi_writer_file_name(ix, out.name, "seg", "ngs");
        ngi_merge_limits lim = {ix->budget.merge_window, ix->budget.store_sample,
                                ix->budget.spill_bytes};
        rc = ngi_merge_segments_within(segs, k, ix->dir, out.name, &lim, &out.n_docs,
                                       NULL, &ix->err);
    }
    for (size_t i = 0; i < k && segs; i++) ngi_segment_unref(segs[i]);
    ngi_free(segs);
    if (!rc && out.n_docs != total)
        rc = ngi_error_set(&ix->err, NG_ECORRUPT, "merged %u of %zu new documents",
                           out.n_docs, total);
    if (rc) {
        ngi_free(seqs);
        return rc;
    }
    size_t at = 0; /* the inputs' files are left for install's cleanup */
    for (size_t i = 0; i < k; i++) {
        memcpy(seqs + at, ix->pend[i].seqs, ix->pend[i].n_docs * sizeof *seqs);
        at += ix->pend[i].n_docs;
        ngi_free(ix->pend[i].seqs);
    }
    memmove(ix->pend, ix->pend + k, (ix->n_pend - k) * sizeof *ix->pend);
    ix->n_pend -= k;
    ix->pend[ix->n_pend++] = out; /* k >= 1 entries were freed */
    return 0;
}

/* A commit opens every segment at once (its snapshot): while that would
 * be more than the budget affords, the new segments are merged first, in
 * groups of the merge fan-in (as the tiered merge after the commit would
 * have merged them). */
static int premerge_pending(ng_index *ix) {
    size_t fan_in = NGI_MAX(ix->budget.merge_fan_in, (size_t)2);
    while (ix->n_pend >= 2 && ix->snap->n_segs + ix->n_pend > ix->budget.max_open) {
        int rc = merge_pending(ix, NGI_MIN(ix->n_pend, fan_in));
        if (rc) return rc;
    }
    return 0;
}

int ngi_writer_commit(ng_index *ix) {
    int rc = ngi_workers_drain(ix);
    if (rc) return rc;
    if (ix->n_pend == 0 && ix->session.n == 0) return 0;
    rc = premerge_pending(ix);
    if (!rc) rc = resolve_and_install(ix);
    if (rc) return rc;
    clear_session(ix);
    /* A temporary index (grep mode) is searched once and removed: merging
     * its segments would only re-encode every kept document's text. */
    rc = ix->opts.flags & NG_INDEX_TEMPORARY ? 0 : merge_tiered(ix);
    if (rc) { /* the commit stands: say so, apart from the merge's failure */
        char msg[NGI_ERRMSG_MAX];
        snprintf(msg, sizeof msg, "%s", ngi_error_message(&ix->err));
        return ngi_error_set(&ix->err, NG_EMERGE,
                             "the commit succeeded (generation %llu: every "
                             "change is durable), but the merge after it "
                             "failed: %s",
                             (unsigned long long)ix->man.generation, msg);
    }
    return 0;
}
