/*
 * collapse.c — syndicated copies collapsed (issue 16). Clusters are formed
 * at query time among the matching documents of the reader's snapshot,
 * from the signatures each segment stores (lib/index/signature.c), so they
 * follow every commit, merge, replacement and delete with no upkeep: a
 * deleted or replaced version is not a match, a merged document carries
 * its signature along. Why not cluster ids kept by the writer or LSH band
 * keys indexed as hidden terms: see lib/FORMAT.md "SIGN".
 *
 * search: the best hit of a cluster is kept, later hits whose estimated
 * Jaccard with a kept one, or with a hit already folded under it, reaches
 * NGI_SIG_THRESHOLD fold under it (single linkage in rank order among the
 * candidates: a shown result absorbs its copies and their copies).
 * timeline: connected components over all dated matches, counted once at
 * their earliest date.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collapse.h"
#include "index/signature.h"

typedef struct folded {
    uint32_t rep; /* index of the kept hit */
    uint32_t seg; /* the folded hit */
    uint32_t local;
} folded;

struct ngi_collapse {
    folded *f; /* folded hits, in rank order */
    size_t n_f;
    size_t n_reps;    /* kept hits */
    size_t *first;    /* per kept hit: its first entry in ids (n_reps + 1) */
    const char **ids; /* folded ids grouped by kept hit, best first */
    char *id_bytes;   /* their bytes */
};

void ngi_collapse_free(ngi_collapse *cl) {
    if (!cl) return;
    ngi_free(cl->f);
    ngi_free(cl->first);
    ngi_free(cl->ids);
    ngi_free(cl->id_bytes);
    ngi_free(cl);
}

static int signature_of(ngi_sctx *c, const ngi_hitent *e, const uint8_t **sig) {
    return ngi_segment_signature(c->snap->segs[e->seg], e->local, sig, c->errd);
}

/* The cluster (kept hit) a signature joins: a kept hit it copies, else
 * the cluster of a folded hit it copies (so a copy of a copy joins too,
 * as in the timeline's components); n_reps when none. */
static size_t cluster_of(const uint8_t *sig, const uint8_t *const *rsig, size_t n_reps,
                         const uint8_t *const *fsig, const folded *f, size_t n_f) {
    unsigned need = ngi_sig_min_matches(NGI_SIG_THRESHOLD);
    if (!sig) return n_reps;
    for (size_t r = 0; r < n_reps; r++)
        if (rsig[r] && ngi_sig_matches(sig, rsig[r]) >= need) return r;
    for (size_t j = 0; j < n_f; j++)
        if (ngi_sig_matches(sig, fsig[j]) >= need) return f[j].rep;
    return n_reps;
}

/* Groups the sorted pool h: reps move to the front (at most k), the
 * others that copy one go to cl->f. *unsigned_docs counts pool hits of
 * segments written without signatures. */
static int group(ngi_sctx *c, ngi_topk *h, size_t k, ngi_collapse *cl,
                 uint64_t *unsigned_docs) {
    const uint8_t **rsig = ngi_calloc(k + 1, sizeof *rsig);
    const uint8_t **fsig = ngi_calloc(h->n + 1, sizeof *fsig);
    folded *f = ngi_calloc(h->n + 1, sizeof *f);
    if (!rsig || !fsig || !f) {
        ngi_free(rsig);
        ngi_free(fsig);
        ngi_free(f);
        return ngi_error_set(c->errd, NG_ENOMEM, "out of memory");
    }
    size_t n_reps = 0, n_f = 0;
    int rc = 0;
    for (size_t i = 0; i < h->n && !rc; i++) {
        const uint8_t *sig;
        if ((rc = signature_of(c, &h->e[i], &sig))) break;
        if (!ngi_segment_has_signatures(c->snap->segs[h->e[i].seg])) ++*unsigned_docs;
        size_t r = cluster_of(sig, rsig, n_reps, fsig, f, n_f);
        if (r < n_reps) {
            fsig[n_f] = sig;
            f[n_f++] = (folded){(uint32_t)r, h->e[i].seg, h->e[i].local};
        } else if (n_reps < k) {
            rsig[n_reps] = sig;
            h->e[n_reps++] = h->e[i]; /* i >= n_reps: nothing unread is overwritten */
        }
    }
    ngi_free(rsig);
    ngi_free(fsig);
    if (rc) {
        ngi_free(f);
        return rc;
    }
    ngi_free(cl->f);
    cl->f = f;
    cl->n_f = n_f;
    cl->n_reps = n_reps;
    h->n = n_reps;
    return 0;
}

int ngi_collapse_search(ngi_sctx *c, const ngi_search_plan *p, ngi_topk *h, size_t k,
                        uint64_t *total, ngi_collapse **out) {
    *out = NULL;
    ngi_collapse *cl = ngi_calloc(1, sizeof *cl);
    if (!cl) return ngi_error_set(c->errd, NG_ENOMEM, "out of memory");
    uint64_t max_doc = c->snap->max_doc, unsigned_docs = 0;
    size_t pool = 2 * k + 20;
    int rc = 0;
    for (;;) {
        size_t want = (size_t)NGI_MIN((uint64_t)pool, max_doc);
        ngi_hitent *e = ngi_realloc(h->e, (want ? want : 1) * sizeof *e);
        if (!e) {
            rc = ngi_error_set(c->errd, NG_ENOMEM, "out of memory");
            break;
        }
        h->e = e;
        h->k = want;
        h->n = 0;
        if ((rc = ngi_search_run(c, p, h, total))) break;
        ngi_topk_sort(h);
        bool full = h->n == want && want < max_doc;
        unsigned_docs = 0;
        if ((rc = group(c, h, k, cl, &unsigned_docs))) break;
        if (h->n >= k || !full) break;
        pool *= 4;
    }
    if (rc) {
        ngi_collapse_free(cl);
        return rc;
    }
    if (unsigned_docs && !c->warning[0])
        snprintf(c->warning, sizeof c->warning,
                 "collapse: %llu matching documents have no near-duplicate signature "
                 "(indexed by a version before signatures) and were not collapsed; "
                 "`newsgrep merge` computes them from the stored text",
                 (unsigned long long)unsigned_docs);
    *out = cl;
    return 0;
}

int ngi_collapse_resolve(ngi_collapse *cl, const ngi_snapshot *snap, ngi_error *err) {
    size_t bytes = 0;
    cl->first = ngi_calloc(cl->n_reps + 2, sizeof *cl->first);
    cl->ids = ngi_calloc(cl->n_f + 1, sizeof *cl->ids);
    if (!cl->first || !cl->ids) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < cl->n_f; i++) {
        const char *id;
        size_t len;
        int rc =
            ngi_segment_doc_id(snap->segs[cl->f[i].seg], cl->f[i].local, &id, &len, err);
        if (rc) return rc;
        bytes += len + 1;
        cl->first[cl->f[i].rep + 1]++;
    }
    for (size_t r = 0; r < cl->n_reps; r++) cl->first[r + 1] += cl->first[r];
    if (!(cl->id_bytes = ngi_malloc(bytes ? bytes : 1)))
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    size_t *fill = ngi_calloc(cl->n_reps + 1, sizeof *fill);
    if (!fill) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    char *p = cl->id_bytes;
    for (size_t i = 0; i < cl->n_f; i++) { /* rank order within each kept hit */
        const char *id;
        size_t len;
        ngi_segment_doc_id(snap->segs[cl->f[i].seg], cl->f[i].local, &id, &len, err);
        memcpy(p, id, len);
        p[len] = '\0';
        uint32_t r = cl->f[i].rep;
        cl->ids[cl->first[r] + fill[r]++] = p;
        p += len + 1;
    }
    ngi_free(fill);
    return 0;
}

uint64_t ng_reader_unsigned_docs(ng_reader *reader) {
    const ngi_snapshot *snap = reader ? ngi_reader_snapshot(reader) : NULL;
    uint64_t n = 0;
    for (size_t i = 0; snap && i < snap->n_segs; i++)
        if (!ngi_segment_has_signatures(snap->segs[i]))
            n += ngi_segment_n_docs(snap->segs[i]) - ngi_segment_n_deleted(snap->segs[i]);
    return n;
}

size_t ngi_collapse_similar(const ngi_collapse *cl, size_t i, const char *const **ids) {
    static const char *const none[1] = {NULL};
    *ids = none;
    if (!cl || i >= cl->n_reps || !cl->first) return 0;
    *ids = cl->ids + cl->first[i];
    return cl->first[i + 1] - cl->first[i];
}

/* ---- timeline: stories -------------------------------------------------- */

#define BANDS      (NGI_SIG_BYTES / 2) /* bands of 8 two-bit values (2 bytes) */
#define BAND_BYTES (NGI_SIG_BYTES / BANDS)
#define RUN_PEERS  16 /* a band member is compared with this many before it */

static uint32_t find(uint32_t *parent, uint32_t x) {
    while (parent[x] != x) x = parent[x] = parent[parent[x]];
    return x;
}

static void unite(uint32_t *parent, uint32_t a, uint32_t b) {
    a = find(parent, a);
    b = find(parent, b);
    if (a == b) return;
    if (a < b)
        parent[b] = a; /* the earlier match is the root */
    else
        parent[a] = b;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static int cmp_match(const void *a, const void *b) {
    const ngi_dated_match *x = a, *y = b;
    if (x->day != y->day) return x->day < y->day ? -1 : 1;
    /* Within a day, any order counts the same: the story is counted once,
     * in that day's bucket. */
    if (x->seg != y->seg) return (uintptr_t)x->seg < (uintptr_t)y->seg ? -1 : 1;
    return (x->local > y->local) - (x->local < y->local);
}

/* Unites the matches whose signatures agree on a band and verify. */
static void link_band(const uint8_t *const *sig, uint64_t *keys, size_t n_keys,
                      uint32_t *parent, unsigned need) {
    qsort(keys, n_keys, sizeof *keys, cmp_u64);
    for (size_t i = 1, run = 0; i < n_keys; i++) {
        if (keys[i] >> 32 != keys[i - 1] >> 32) {
            run = i;
            continue;
        }
        uint32_t x = (uint32_t)keys[i];
        size_t from = i - run > RUN_PEERS ? i - RUN_PEERS : run;
        for (size_t j = from; j < i; j++) {
            uint32_t y = (uint32_t)keys[j];
            if (find(parent, x) == find(parent, y)) break;
            if (ngi_sig_matches(sig[x], sig[y]) >= need) {
                unite(parent, x, y);
                break;
            }
        }
    }
}

int ngi_collapse_stories(ngi_dated_match *m, size_t n, size_t *n_out,
                         uint64_t *unsigned_docs, ngi_error *err) {
    *n_out = n;
    *unsigned_docs = 0;
    if (n == 0) return 0;
    qsort(m, n, sizeof *m, cmp_match);
    const uint8_t **sig = ngi_calloc(n, sizeof *sig);
    uint32_t *parent = ngi_malloc(n * sizeof *parent);
    uint64_t *keys = ngi_malloc(n * sizeof *keys);
    int rc = sig && parent && keys ? 0 : ngi_error_set(err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n && !rc; i++) {
        parent[i] = (uint32_t)i;
        const ngi_segment *s = m[i].seg;
        if (!ngi_segment_has_signatures(s)) ++*unsigned_docs;
        rc = ngi_segment_signature(s, m[i].local, &sig[i], err);
    }
    unsigned need = ngi_sig_min_matches(NGI_SIG_THRESHOLD);
    for (size_t b = 0; b < BANDS && !rc; b++) {
        size_t n_keys = 0;
        for (size_t i = 0; i < n; i++) {
            if (!sig[i]) continue;
            const uint8_t *p = sig[i] + b * BAND_BYTES;
            uint64_t key = (uint64_t)(b << 16 | (uint32_t)p[0] << 8 | p[1]);
            keys[n_keys++] = key << 32 | i;
        }
        link_band(sig, keys, n_keys, parent, need);
    }
    size_t kept = 0;
    for (size_t i = 0; i < n && !rc; i++) /* a root is its cluster's earliest */
        if (find(parent, (uint32_t)i) == i) m[kept++] = m[i];
    if (!rc) *n_out = kept;
    ngi_free(sig);
    ngi_free(parent);
    ngi_free(keys);
    return rc;
}
