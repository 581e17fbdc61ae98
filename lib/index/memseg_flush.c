/*
 * memseg_flush.c — writing an in-memory segment (memseg.c) as a segment
 * file: the terms in sorted order with their postings read back from the
 * chains, then the per-document tables; the memseg is then emptied for
 * the next run.
 */
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "memseg_impl.h"

/* ---- flush ------------------------------------------------------------ */

/* Reads a term's chain: the readable span of the current chunk, then the
 * next chunk through the trailer. */
typedef struct chain_reader {
    const ngi_memseg *m; /* slab */
    const uint8_t *p;    /* next byte */
    const uint8_t *pend; /* end of the readable span */
    uint32_t addr;       /* slab address of p's chunk payload start */
    uint32_t level;      /* chunk level */
    uint32_t end;        /* the term's tail address */
    bool last;           /* the span ends at the tail */
} chain_reader;

static void chain_span(chain_reader *r) {
    uint32_t size = level_bytes[r->level];
    r->p = at(r->m, r->addr);
    r->last = r->end >= r->addr && r->end - r->addr <= size;
    r->pend = r->p + (r->last ? r->end - r->addr : size);
}

static void chain_open(chain_reader *r, const ngi_memseg *m, uint32_t head,
                       uint32_t tail) {
    r->m = m;
    r->addr = head;
    r->level = 0;
    r->end = tail;
    chain_span(r);
}

static int chain_byte(chain_reader *r, uint8_t *b) {
    while (r->p == r->pend) {
        if (r->last) return -1;
        r->addr = ngi_load_le32(r->pend); /* trailer of a full chunk */
        r->level = r->level + 1 < N_LEVELS ? r->level + 1 : r->level;
        chain_span(r);
    }
    *b = *r->p++;
    return 0;
}

/* 1 = value read, 0 = end of chain. */
static inline int chain_vbyte(chain_reader *r, uint64_t *v) {
    if (NGI_LIKELY(r->pend - r->p >= NGI_VBYTE_MAX)) { /* within the span */
        uint64_t x = 0;
        for (unsigned shift = 0;; shift += 7) {
            uint8_t b = *r->p++;
            x |= (uint64_t)(b & 0x7f) << shift;
            if (!(b & 0x80)) break;
        }
        *v = x;
        return 1;
    }
    uint64_t x = 0;
    uint8_t b;
    for (unsigned shift = 0;; shift += 7) {
        if (chain_byte(r, &b)) return 0;
        x |= (uint64_t)(b & 0x7f) << shift;
        if (!(b & 0x80)) break;
    }
    *v = x;
    return 1;
}

static int push_pos(ngi_memseg *m, uint32_t tf, uint32_t pos) {
    if ((size_t)(tf + 1) * 4 > m->scratch.cap &&
        ngi_buf_reserve(&m->scratch, (size_t)(tf + 1) * 4 - m->scratch.len))
        return NG_ENOMEM;
    ((uint32_t *)(void *)m->scratch.data)[tf] = pos;
    return 0;
}

static uint32_t doc_len_of(const ngi_memseg *m, uint32_t doc) {
    return ngi_load_le32(m->lens.data + 4 * (size_t)doc);
}

static int flush_term(ngi_memseg *m, const tslot *t, ngi_segwriter *w) {
    int rc = ngi_segwriter_term_begin(w, term_text(m, t), t->len);
    chain_reader r;
    chain_open(&r, m, m->terms[t->idx - 1].head, t->tail);
    uint32_t doc = 0, tf = 0, pos = 0;
    uint64_t v;
    bool have = false;
    const uint32_t *ps;
    while (!rc && chain_vbyte(&r, &v)) {
        if (v & 1) {
            ps = (const uint32_t *)(void *)m->scratch.data;
            if (have) rc = ngi_segwriter_posting(w, doc, tf, ps, doc_len_of(m, doc));
            doc = have ? doc + (uint32_t)(v >> 1) : (uint32_t)(v >> 1) - 1;
            have = true;
            tf = pos = 0;
        } else {
            pos += (uint32_t)(v >> 1);
            rc = push_pos(m, tf++, pos);
        }
    }
    ps = (const uint32_t *)(void *)m->scratch.data;
    if (!rc && have) rc = ngi_segwriter_posting(w, doc, tf, ps, doc_len_of(m, doc));
    return rc ? rc : ngi_segwriter_term_end(w);
}

/* A term to sort: its first 8 bytes as a big-endian number (zero padded)
 * order terms as memcmp-then-length does, unless they are equal; only then
 * are the terms themselves compared (a comparison that chases three
 * pointers to random places). */
typedef struct sort_key {
    uint64_t key;  /* first bytes, big-endian, zero padded */
    uint32_t slot; /* the term's slot */
} sort_key;

static int cmp_terms(const void *a, const void *b, void *ctx) {
    const ngi_memseg *m = ctx;
    const sort_key *p = a, *q = b;
    if (p->key != q->key) return p->key < q->key ? -1 : 1;
    const tslot *x = &m->slots[p->slot], *y = &m->slots[q->slot];
    int c = memcmp(term_text(m, x), term_text(m, y), NGI_MIN(x->len, y->len));
    return c ? c : (x->len > y->len) - (x->len < y->len);
}

static uint64_t prefix_key(const tslot *t) {
    uint64_t k = 0;
    size_t n = NGI_MIN((size_t)t->len, (size_t)INLINE_BYTES);
    for (size_t i = 0; i < INLINE_BYTES; i++)
        k = k << 8 | (i < n ? (uint8_t)t->prefix[i] : 0u);
    return k;
}

/* The filled slots in term order; NULL when out of memory. */
static uint32_t *sorted_slots(ngi_memseg *m, size_t *n_out) {
    sort_key *keys = ngi_malloc((m->n_terms + 1) * sizeof *keys);
    uint32_t *order = ngi_malloc((m->n_terms + 1) * sizeof *order);
    if (!keys || !order) {
        ngi_free(keys);
        ngi_free(order);
        return NULL;
    }
    size_t n = 0;
    for (size_t i = 0; i < m->n_slots; i++)
        if (m->slots[i].idx)
            keys[n++] = (sort_key){prefix_key(&m->slots[i]), (uint32_t)i};
    qsort_r(keys, n, sizeof *keys, cmp_terms, m);
    for (size_t i = 0; i < n; i++) order[i] = keys[i].slot;
    ngi_free(keys);
    *n_out = n;
    return order;
}

static int flush_docs(ngi_memseg *m, ngi_segwriter *w) {
    for (uint32_t i = 0; i < m->n_docs; i++) {
        uint32_t off = ngi_load_le32(m->idof.data + 4 * (size_t)i);
        const char *id = (const char *)m->idda.data + off;
        int rc = ngi_segwriter_doc(
            w, doc_len_of(m, i), (int32_t)ngi_load_le32(m->dates.data + 4 * (size_t)i),
            ngi_load_le32(m->tends.data + 4 * (size_t)i), id, strlen(id));
        if (!rc && m->sigs.len == (size_t)m->n_docs * SIG_RECORD) { /* none: a scan */
            const uint8_t *rec = m->sigs.data + (size_t)i * SIG_RECORD;
            rc = ngi_segwriter_doc_signature(w, rec[0] ? rec + 1 : NULL);
        }
        if (rc) return rc;
    }
    return 0;
}

static int write_segment(ngi_memseg *m, ngi_segwriter *w, uint64_t *bytes) {
    size_t n = 0;
    uint32_t *order = sorted_slots(m, &n);
    if (!order) {
        ngi_segwriter_abort(w);
        return NG_ENOMEM;
    }
    int rc = 0;
    for (size_t i = 0; i < n && !rc; i++) {
        if (i + 8 < n) /* the walk in term order is random in memory */
            __builtin_prefetch(&m->slots[order[i + 8]]);
        if (i + 4 < n) {
            const tslot *ahead = &m->slots[order[i + 4]];
            __builtin_prefetch(&m->terms[ahead->idx - 1]);
            __builtin_prefetch(at(m, ahead->tail));
        }
        rc = flush_term(m, &m->slots[order[i]], w);
    }
    ngi_free(order);
    if (!rc) rc = flush_docs(m, w);
    if (rc) {
        ngi_segwriter_abort(w);
        return rc;
    }
    return ngi_segwriter_finish(w, m->ds, bytes);
}

/* Empties the memseg, keeping its pages and table for the next run. */
static int reset(ngi_memseg *m) {
    m->used_pages = 0;
    m->page_used = 0;
    m->n_terms = 0;
    memset(m->slots, 0, m->n_slots * sizeof *m->slots);
    ngi_buf *bufs[] = {&m->lens, &m->dates, &m->tends, &m->seqs,
                       &m->idof, &m->idda,  &m->text};
    for (size_t i = 0; i < NGI_ARRAY_LEN(bufs); i++) ngi_buf_reset(bufs[i]);
    ngi_buf_reset(&m->sigs);
    m->n_docs = 0;
    ngi_docstore_writer *old = m->ds; /* its training serves the next run */
    m->ds = NULL;
    int rc = ngi_memseg_new_store(m);
    if (!rc) rc = ngi_docstore_writer_adopt(m->ds, old);
    ngi_docstore_writer_free(old);
    return rc ? NG_ENOMEM : 0;
}

int ngi_memseg_flush(ngi_memseg *m, const char *dir, const char *name,
                     const ngi_origin *origin, uint64_t *bytes, ngi_error *err) {
    ngi_segwriter *w;
    int rc = ngi_segwriter_create(&w, dir, name, origin, err);
    if (rc) return rc;
    if (m->fast_store) ngi_segwriter_skip_sync(w); /* NG_INDEX_TEMPORARY */
    ngi_segwriter_set_spill(w, m->spill_bytes);
    rc = write_segment(m, w, bytes);
    if (rc) {
        if (!err->code || err->code != rc)
            ngi_error_set(err, rc, "flushing segment %s: %s", name, ng_strerror(rc));
        return rc;
    }
    ngi_free(m->taken);
    uint8_t *raw = ngi_buf_steal(&m->seqs);
    m->taken = (uint64_t *)(void *)raw;
    for (uint32_t i = 0; i < m->n_docs; i++) /* LE bytes -> host order */
        m->taken[i] = ngi_load_le64(raw + 8 * (size_t)i);
    rc = reset(m);
    if (rc) return ngi_error_set(err, rc, "out of memory");
    return 0;
}
