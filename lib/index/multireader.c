/*
 * multireader.c — several index directories searched as one. The parts
 * are ordinary readers; the combined snapshot references all their
 * segments, part after part, so global doc ids, N, total length and every
 * term's df (summed over segments) are exactly those of one index holding
 * the parts' documents in that order, and the query engine needs no
 * change. Two rules make the combination meaningful: the parts are
 * analysed alike (a query's terms mean the same everywhere), and a live
 * id lives in one part only (ng_reader_get and the results would
 * otherwise show one of two different documents for the same id).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/hash.h"
#include "internal.h"
#include "multi.h"

struct ngi_multi {
    size_t n;              /* parts */
    ng_reader **parts;     /* the parts' readers */
    uint64_t *generations; /* each part's generation in the snapshot */
    char **dirs;           /* the parts' directories (for messages) */
};

void ngi_multi_free(ngi_multi *m) {
    if (!m) return;
    for (size_t i = 0; i < m->n; i++) {
        ng_reader_free(m->parts[i]);
        ngi_free(m->dirs[i]);
    }
    ngi_free(m->parts);
    ngi_free(m->dirs);
    ngi_free(m->generations);
    ngi_free(m);
}

/* ---- the combined snapshot ---------------------------------------------- */

static int check_settings(const ngi_multi *m, const char *const *dirs, ngi_error *err) {
    const ngi_settings *a = &ngi_reader_snapshot(m->parts[0])->settings;
    for (size_t i = 1; i < m->n; i++) {
        const ngi_settings *b = &ngi_reader_snapshot(m->parts[i])->settings;
        if (strcmp(a->language, b->language) || a->analyzer_flags != b->analyzer_flags)
            return ngi_error_set(
                err, NG_ELANG,
                "%s is analysed as '%s' (analyzer flags %u) but %s as '%s' "
                "(flags %u): indexes searched together must be analysed alike",
                dirs[0], a->language, a->analyzer_flags, dirs[i], b->language,
                b->analyzer_flags);
    }
    return 0;
}

/* One live document of the combined snapshot, for the duplicate check. */
typedef struct idkey {
    uint64_t hash; /* of the external id */
    uint32_t seg;  /* combined segment index */
    uint32_t doc;  /* local doc id */
} idkey;

static int cmp_idkey(const void *x, const void *y) {
    const idkey *a = x, *b = y;
    if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
    if (a->seg != b->seg) return a->seg < b->seg ? -1 : 1;
    return (a->doc > b->doc) - (a->doc < b->doc);
}

static size_t part_of(const ngi_multi *m, uint32_t seg) {
    size_t i = 0;
    for (uint32_t base = 0; i < m->n; i++) {
        base += (uint32_t)ngi_reader_snapshot(m->parts[i])->n_segs;
        if (seg < base) break;
    }
    return i;
}

/* Two keys with one hash: the same id in two parts is an error (within a
 * part live ids are unique by construction). */
static int compare_ids(const ngi_multi *m, const ngi_snapshot *s, const char *const *dirs,
                       const idkey *a, const idkey *b, ngi_error *err) {
    const char *ia, *ib;
    size_t la, lb;
    int rc = ngi_segment_doc_id(s->segs[a->seg], a->doc, &ia, &la, err);
    if (!rc) rc = ngi_segment_doc_id(s->segs[b->seg], b->doc, &ib, &lb, err);
    if (rc) return rc;
    size_t pa = part_of(m, a->seg), pb = part_of(m, b->seg);
    if (la != lb || memcmp(ia, ib, la) || pa == pb) return 0;
    return ngi_error_set(err, NG_EDOC,
                         "id '%.*s' is in both %s and %s: ids must be unique "
                         "across the indexes searched together",
                         (int)NGI_MIN(la, 200), ia, dirs[pa], dirs[pb]);
}

static int check_unique_ids(const ngi_multi *m, const ngi_snapshot *s,
                            const char *const *dirs, ngi_error *err) {
    if (m->n < 2 || s->live_docs < 2) return 0;
    idkey *v = ngi_malloc((size_t)s->live_docs * sizeof *v);
    if (!v) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    size_t n = 0;
    int rc = 0;
    for (uint32_t g = 0; g < s->n_segs && !rc; g++)
        for (uint32_t d = 0; d < ngi_segment_n_docs(s->segs[g]) && !rc; d++) {
            if (ngi_segment_is_deleted(s->segs[g], d)) continue;
            const char *id;
            size_t len;
            rc = ngi_segment_doc_id(s->segs[g], d, &id, &len, err);
            if (!rc && n < s->live_docs) v[n++] = (idkey){ngi_hash64(id, len), g, d};
        }
    if (!rc) qsort(v, n, sizeof *v, cmp_idkey);
    for (size_t i = 0; i + 1 < n && !rc; i++)
        for (size_t j = i + 1; j < n && v[j].hash == v[i].hash && !rc; j++)
            rc = compare_ids(m, s, dirs, &v[i], &v[j], err);
    ngi_free(v);
    return rc;
}

/* The parts' segments, in part order, with the bases and statistics that
 * ngi_snapshot_build gives one index. */
static int combine(const ngi_multi *m, ngi_snapshot **out, ngi_error *err) {
    *out = NULL;
    size_t total = 0;
    for (size_t i = 0; i < m->n; i++) total += ngi_reader_snapshot(m->parts[i])->n_segs;
    ngi_snapshot *s = ngi_calloc(1, sizeof *s);
    if (s) {
        s->segs = ngi_calloc(total + 1, sizeof *s->segs);
        s->seg_base = ngi_calloc(total + 1, sizeof *s->seg_base);
    }
    if (!s || !s->segs || !s->seg_base) {
        ngi_snapshot_free(s);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    s->settings = ngi_reader_snapshot(m->parts[0])->settings;
    for (size_t i = 0; i < m->n; i++) {
        const ngi_snapshot *p = ngi_reader_snapshot(m->parts[i]);
        s->generation += p->generation;
        for (size_t j = 0; j < p->n_segs; j++) {
            ngi_segment *g = p->segs[j];
            if (s->max_doc + ngi_segment_n_docs(g) > UINT32_MAX - 1) {
                ngi_snapshot_free(s);
                return ngi_error_set(err, NG_ELIMIT,
                                     "the indexes together have too many "
                                     "documents");
            }
            ngi_segment_ref(g);
            s->seg_base[s->n_segs] = (uint32_t)s->max_doc;
            s->segs[s->n_segs++] = g;
            s->max_doc += ngi_segment_n_docs(g);
            s->live_docs += ngi_segment_n_docs(g) - ngi_segment_n_deleted(g);
            s->total_len += ngi_segment_total_len(g);
        }
    }
    s->avg_doc_len = s->max_doc ? (double)s->total_len / (double)s->max_doc : 0;
    *out = s;
    return 0;
}

/* Builds, checks and returns the combined snapshot of the parts' current
 * snapshots, recording their generations. */
static int build(ngi_multi *m, ngi_snapshot **out, ngi_error *err) {
    const char *const *dirs = (const char *const *)m->dirs;
    int rc = check_settings(m, dirs, err);
    if (!rc) rc = combine(m, out, err);
    if (!rc && (rc = check_unique_ids(m, *out, dirs, err))) {
        ngi_snapshot_free(*out);
        *out = NULL;
    }
    if (rc) return rc;
    for (size_t i = 0; i < m->n; i++)
        m->generations[i] = ngi_reader_snapshot(m->parts[i])->generation;
    return 0;
}

/* ---- open / reopen ------------------------------------------------------ */

int ngi_multi_open(ngi_multi **out, const char *const *dirs, size_t n,
                   ngi_snapshot **snap, ngi_error *err) {
    *out = NULL;
    *snap = NULL;
    ngi_multi *m = ngi_calloc(1, sizeof *m);
    if (m) {
        m->parts = ngi_calloc(n, sizeof *m->parts);
        m->generations = ngi_calloc(n, sizeof *m->generations);
        m->dirs = ngi_calloc(n, sizeof *m->dirs);
    }
    if (!m || !m->parts || !m->generations || !m->dirs) {
        if (m) m->n = 0;
        ngi_multi_free(m);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    *out = m;
    for (size_t i = 0; i < n; i++) {
        size_t len = strlen(dirs[i]);
        if (!(m->dirs[i] = ngi_malloc(len + 1)))
            return ngi_error_set(err, NG_ENOMEM, "out of memory");
        memcpy(m->dirs[i], dirs[i], len + 1);
        m->n = i + 1;
        int rc = ng_reader_open(&m->parts[i], dirs[i]);
        if (rc == NG_ENOMEM || !m->parts[i])
            return ngi_error_set(err, rc ? rc : NG_ENOMEM, "out of memory");
        if (rc) return ngi_error_set(err, rc, "%s", ng_reader_errmsg(m->parts[i]));
    }
    return build(m, snap, err);
}

int ngi_multi_reopen(ngi_multi *m, ngi_snapshot **snap, int *changed, ngi_error *err) {
    *changed = 0;
    bool stale = *snap == NULL;
    for (size_t i = 0; i < m->n; i++) {
        int rc = ng_reader_reopen(m->parts[i], NULL);
        if (rc == NG_ENOMEM) return ngi_error_set(err, rc, "out of memory");
        if (rc) return ngi_error_set(err, rc, "%s", ng_reader_errmsg(m->parts[i]));
        if (ngi_reader_snapshot(m->parts[i])->generation != m->generations[i])
            stale = true;
    }
    if (!stale) return 0;
    ngi_snapshot *s = NULL;
    int rc = build(m, &s, err);
    if (rc) return rc;
    ngi_snapshot_free(*snap);
    *snap = s;
    *changed = 1;
    return 0;
}

/* ---- statistics and check ---------------------------------------------- */

uint64_t ngi_multi_manifest_bytes(const ngi_multi *m) {
    uint64_t sum = 0;
    for (size_t i = 0; i < m->n; i++) {
        char path[4096];
        struct stat st;
        if (ngi_path_join(path, sizeof path, m->dirs[i], NGI_MANIFEST_NAME) == 0 &&
            stat(path, &st) == 0)
            sum += (uint64_t)st.st_size;
    }
    return sum;
}

int ngi_multi_check_manifests(const ngi_multi *m, ngi_error *err) {
    int rc = 0;
    for (size_t i = 0; i < m->n && !rc; i++) {
        ngi_manifest man;
        ngi_manifest_init(&man);
        rc = ngi_manifest_read(m->dirs[i], &man, err);
        ngi_manifest_free(&man);
    }
    return rc;
}
