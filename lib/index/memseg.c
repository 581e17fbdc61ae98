/*
 * memseg.c — the in-memory segment of one indexing thread: terms interned
 * in an open-addressing hash table (XXH3), each term's postings appended to
 * a chain of growing chunks carved from 1 MiB pages (no per-token malloc),
 * per-document lengths, dates, title ends and ids, and the stored fields in
 * a docstore writer. Flushing (memseg_flush.c) sorts the terms and writes
 * a segment file.
 *
 * A term's chain holds varints: (doc_delta << 1 | 1) starts a document,
 * then (position_delta << 1) per occurrence (first one from 0).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#include "common/date.h"
#include "common/hash.h"
#include "common/le.h"
#include "analyze/analyze.h"
#include "filter.h"
#include "internal.h"
#include "memseg_impl.h"

/* ---- slab ------------------------------------------------------------- */

static int new_page(ngi_memseg *m) {
    if (m->used_pages == m->n_pages) {
        if (m->n_pages >= MAX_PAGES) return NG_ELIMIT;
        uint8_t **p = ngi_realloc(m->pages, (m->n_pages + 1) * sizeof *p);
        if (!p) return NG_ENOMEM;
        m->pages = p;
        if (!(p[m->n_pages] = ngi_malloc(PAGE_BYTES))) return NG_ENOMEM;
        m->n_pages++;
    }
    m->used_pages++;
    m->page_used = 0;
    return 0;
}

/* Allocates a chunk of payload + trailer; returns its address or
 * UINT32_MAX. */
static uint32_t chunk_alloc(ngi_memseg *m, uint32_t payload) {
    uint32_t need = payload + NEXT_BYTES;
    if (m->used_pages == 0 || m->page_used + need > PAGE_BYTES) {
        int rc = new_page(m);
        if (rc) {
            m->error = rc;
            return UINT32_MAX;
        }
    }
    uint32_t addr = (uint32_t)((m->used_pages - 1) << PAGE_BITS) + m->page_used;
    m->page_used += need;
    return addr;
}

/* The current chunk is full: link a bigger one after it. */
static int chain_grow(ngi_memseg *m, tslot *t) {
    uint32_t level = t->level + 1u < N_LEVELS ? t->level + 1u : t->level;
    uint32_t addr = chunk_alloc(m, level_bytes[level]);
    if (addr == UINT32_MAX) return -1;
    ngi_store_le32(at(m, t->tail), addr);
    t->tail = addr;
    t->left = (uint16_t)level_bytes[level];
    t->level = (uint8_t)level;
    return 0;
}

static inline int put_vbyte(ngi_memseg *m, tslot *t, uint64_t v) {
    if (NGI_LIKELY(t->left >= NGI_VBYTE_MAX)) { /* fits in the chunk */
        uint8_t *p = at(m, t->tail), *p0 = p;
        while (v >= 0x80) {
            *p++ = (uint8_t)(v | 0x80);
            v >>= 7;
        }
        *p++ = (uint8_t)v;
        t->tail += (uint32_t)(p - p0);
        t->left = (uint16_t)(t->left - (p - p0));
        return 0;
    }
    uint8_t tmp[NGI_VBYTE_MAX];
    size_t n = ngi_vbyte_put(tmp, v);
    for (size_t i = 0; i < n; i++) {
        if (t->left == 0 && chain_grow(m, t)) return -1;
        *at(m, t->tail) = tmp[i];
        t->tail++;
        t->left--;
    }
    return 0;
}

/* ---- term hash ------------------------------------------------------- */

/* Asks for huge pages on the whole 2 MiB pages of a big table: tokens land
 * on random slots, and TLB misses add to the (prefetched) cache misses. */
static void advise_huge(void *p, size_t bytes) {
#ifdef MADV_HUGEPAGE
    const uintptr_t huge = (uintptr_t)2 << 20;
    uintptr_t a = ((uintptr_t)p + huge - 1) & ~(huge - 1);
    uintptr_t e = ((uintptr_t)p + bytes) & ~(huge - 1);
    if (bytes >= 2 * huge && e > a) madvise((void *)a, e - a, MADV_HUGEPAGE);
#else
    (void)p, (void)bytes;
#endif
}

static int table_grow(ngi_memseg *m) {
    size_t n = m->n_slots ? m->n_slots * 2 : 1 << 14;
    tslot *s = ngi_calloc(n, sizeof *s);
    if (!s) return NG_ENOMEM;
    advise_huge(s, n * sizeof *s);
    for (size_t i = 0; i < m->n_slots; i++) {
        const tslot *t = &m->slots[i];
        if (!t->idx) continue;
        size_t j = ngi_hash64(term_text(m, t), t->len) & (n - 1);
        while (s[j].idx) j = (j + 1) & (n - 1);
        s[j] = *t;
    }
    ngi_free(m->slots);
    m->slots = s;
    m->n_slots = n;
    return 0;
}

static tslot *term_insert(ngi_memseg *m, const char *s, size_t len, tslot *t,
                          uint32_t hbits) {
    if (m->n_terms == m->cap_terms) {
        size_t cap = m->cap_terms ? m->cap_terms * 2 : 4096;
        mterm *a = ngi_realloc(m->terms, cap * sizeof *a);
        if (!a) return NULL;
        m->terms = a;
        m->cap_terms = cap;
    }
    if (m->text.len + len > UINT32_MAX) return NULL;
    uint32_t head = chunk_alloc(m, level_bytes[0]);
    if (head == UINT32_MAX) return NULL;
    mterm *e = &m->terms[m->n_terms];
    e->text = (uint32_t)m->text.len;
    e->head = head;
    if (ngi_buf_append(&m->text, s, len)) return NULL;
    memset(t, 0, sizeof *t);
    t->hash = hbits;
    t->idx = (uint32_t)++m->n_terms;
    t->tail = head;
    t->left = (uint16_t)level_bytes[0];
    t->len = (uint8_t)len;
    memcpy(t->prefix, s, NGI_MIN(len, (size_t)INLINE_BYTES));
    return t;
}

static inline bool same_term(const ngi_memseg *m, const tslot *t, const char *s,
                             size_t len) {
    if (t->len != len) return false;
    if (len <= INLINE_BYTES) return memcmp(t->prefix, s, len) == 0;
    return memcmp(term_text(m, t), s, len) == 0;
}

/* The slot of term s (hash h), inserted if new; NULL when out of memory. */
static tslot *intern(ngi_memseg *m, const char *s, size_t len, uint64_t h) {
    if (4 * (m->n_terms + 1) > 3 * m->n_slots && table_grow(m)) return NULL;
    uint32_t hbits = (uint32_t)(h >> 32);
    size_t mask = m->n_slots - 1, j = h & mask;
    for (;; j = (j + 1) & mask) {
        tslot *t = &m->slots[j];
        if (!t->idx) return term_insert(m, s, len, t, hbits);
        if (t->hash == hbits && same_term(m, t, s, len)) return t;
    }
}

/* ---- adding documents ----------------------------------------------- */

/* Tokens of a field are buffered, then added with the hash slots of later
 * tokens prefetched: the table is far bigger than the caches, and waiting
 * for one slot per token dominated indexing time. */
#define PREFETCH_AHEAD 16
/* Tokens buffered before they are added: enough for the prefetching to
 * pay, few enough that a huge field costs no memory per token (a 63 MB
 * body buffered whole took 20 bytes a token, ~250 MB). */
#define TOKEN_BATCH 4096

typedef struct btok {
    uint64_t hash; /* XXH3 of the term */
    uint32_t text; /* offset of the term bytes in m->toktext */
    uint32_t pos;  /* position */
    uint32_t len;  /* term bytes */
} btok;

static int add_buffered(ngi_memseg *m);

static int on_token(void *ctx, const ng_token *tok) {
    ngi_memseg *m = ctx;
    if (NGI_UNLIKELY(tok->term_len > NGI_MAX_TERM || !tok->term_len))
        return 0; /* the analyzer promises 1..255 bytes */
    m->field_toks++;
    m->field_last = NGI_MAX(m->field_last, tok->position);
    if (m->filter && !ngi_filter_match(m->filter, tok->term, tok->term_len))
        return 0; /* counts in the length, but no query can use it */
    btok b = {ngi_hash64(tok->term, tok->term_len), (uint32_t)m->toktext.len,
              tok->position, (uint32_t)tok->term_len};
    if (m->toktext.len > UINT32_MAX - NGI_MAX_TERM ||
        ngi_buf_append(&m->toktext, tok->term, tok->term_len) ||
        ngi_buf_append(&m->toks, &b, sizeof b)) {
        m->error = NG_ENOMEM;
        return 1;
    }
    if (m->sig_body) ngi_sig_token(&m->sig, b.hash);
    if (m->toks.len >= TOKEN_BATCH * sizeof b) {
        int rc = add_buffered(m);
        if (rc) {
            m->error = rc;
            return 1;
        }
    }
    return 0;
}

static int add_token(ngi_memseg *m, const btok *b) {
    tslot *t = intern(m, (const char *)m->toktext.data + b->text, b->len, b->hash);
    if (!t) return -1;
    uint32_t doc1 = m->n_docs + 1, pos = b->pos;
    if (t->last_doc1 != doc1) {
        if (put_vbyte(m, t, ((uint64_t)(doc1 - t->last_doc1) << 1) | 1)) return -1;
        t->last_doc1 = doc1;
        t->last_pos = 0;
    }
    if (pos < t->last_pos) pos = t->last_pos; /* never decreasing */
    if (put_vbyte(m, t, (uint64_t)(pos - t->last_pos) << 1)) return -1;
    t->last_pos = pos;
    return 0;
}

static int add_buffered(ngi_memseg *m) {
    const btok *b = (const btok *)(const void *)m->toks.data;
    size_t n = m->toks.len / sizeof *b;
    if (4 * (m->n_terms + n + 1) > 3 * m->n_slots) /* grow before prefetching */
        while (4 * (m->n_terms + n + 1) > 3 * m->n_slots)
            if (table_grow(m)) return NG_ENOMEM;
    size_t mask = m->n_slots - 1;
    for (size_t i = 0; i < n; i++) {
        if (i + PREFETCH_AHEAD < n)
            __builtin_prefetch(&m->slots[b[i + PREFETCH_AHEAD].hash & mask]);
        /* Half-way, the slot has arrived: prefetch the chunk the token's
         * postings go to (a hint: on a probe collision it is another's). */
        if (i + PREFETCH_AHEAD / 2 < n) {
            const tslot *t = &m->slots[b[i + PREFETCH_AHEAD / 2].hash & mask];
            if (t->idx) __builtin_prefetch(at(m, t->tail), 1);
        }
        if (add_token(m, &b[i])) return m->error ? m->error : NG_ENOMEM;
    }
    m->doc_kept |= n > 0;
    ngi_buf_reset(&m->toks);
    ngi_buf_reset(&m->toktext);
    return 0;
}

/* Analyses the fields of one role starting at *next; advances *next past
 * the last token + 1 so that no phrase spans two fields. */
static int add_fields(ngi_memseg *m, ng_analyzer *a, const ng_document *doc, int role,
                      uint32_t *next) {
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        if (f->role != role) continue;
        ngi_buf_reset(&m->toks);
        ngi_buf_reset(&m->toktext);
        m->field_toks = m->field_last = 0;
        int rc = ng_analyzer_tokenize(a, f->value, f->value_len, *next, on_token, m);
        if (m->error) return m->error;
        if (rc) return rc;
        if (a->gated) { /* words the filter's gate counted for us */
            m->field_toks += a->gated;
            m->field_last = NGI_MAX(m->field_last, a->gated_last);
        }
        if ((rc = add_buffered(m))) return rc;
        m->doc_len += m->field_toks;
        if (m->field_toks) *next = m->field_last + 2;
    }
    return 0;
}

static int add_doc_facts(ngi_memseg *m, const ng_document *doc, uint64_t seq,
                         uint32_t title_end) {
    int32_t date = NGI_NO_DATE;
    const ng_field *id = NULL;
    for (size_t i = 0; i < doc->n_fields; i++) {
        const ng_field *f = &doc->fields[i];
        if (f->role == NG_FIELD_ID && !id) id = f;
        if (f->role == NG_FIELD_DATE && date == NGI_NO_DATE &&
            ngi_date_parse(f->value, f->value_len, &date) != 0)
            date = NGI_NO_DATE;
    }
    if (!id) return NG_EDOC;
    if (m->idda.len + id->value_len + 1 > UINT32_MAX) return NG_ELIMIT;
    int bad = ngi_buf_append_le32(&m->lens, m->doc_len) ||
              ngi_buf_append_le32(&m->dates, (uint32_t)date) ||
              ngi_buf_append_le32(&m->tends, title_end) ||
              ngi_buf_append_le64(&m->seqs, seq) ||
              ngi_buf_append_le32(&m->idof, (uint32_t)m->idda.len) ||
              ngi_buf_append_str(&m->idda, id->value, id->value_len);
    return bad ? NG_ENOMEM : 0;
}

static int add_signature(ngi_memseg *m) {
    uint8_t rec[SIG_RECORD];
    rec[0] = ngi_sig_end(&m->sig, rec + 1);
    return ngi_buf_append(&m->sigs, rec, sizeof rec) ? NG_ENOMEM : 0;
}

int ngi_memseg_add(ngi_memseg *m, ng_analyzer *a, const ng_document *doc, uint64_t seq) {
    if (m->n_docs >= UINT32_MAX - 2) return NG_ELIMIT;
    m->doc_len = 0;
    m->error = 0;
    m->doc_kept = false;
    uint32_t next = 0;
    int rc = add_fields(m, a, doc, NG_FIELD_TITLE, &next);
    uint32_t title_end = next;
    ngi_sig_begin(&m->sig);
    m->sig_body = !m->filter; /* grep-style scans do not collapse */
    if (!rc) rc = add_fields(m, a, doc, NG_FIELD_BODY, &next);
    m->sig_body = false;
    if (!rc && m->filter && !m->doc_kept) { /* no posting was added */
        m->dropped_docs++;
        m->dropped_toks += m->doc_len;
        return 0;
    }
    if (!rc) rc = add_doc_facts(m, doc, seq, title_end);
    if (!rc && !m->filter) rc = add_signature(m);
    if (!rc) rc = ngi_docstore_writer_add(m->ds, doc->fields, doc->n_fields);
    if (rc) return rc;
    m->n_docs++;
    return 0;
}

/* ---- lifetime and accounting ---------------------------------------- */

int ngi_memseg_new_store(ngi_memseg *m) {
    if (m->fast_store) /* stored, not compressed (zstd's fast mode -20 made
                        * the store only 8% smaller for ~18% of grep mode's
                        * CPU on common words), no dictionary or word coding:
                        * they and the default level dominated scans for
                        * common words */
        return ngi_docstore_writer_create_opts(&m->ds, NGI_DOCSTORE_LEVEL_RAW,
                                               NGI_DOCSTORE_BLOCK, 0);
    int rc = ngi_docstore_writer_create(&m->ds, NGI_INDEX_DOCSTORE_LEVEL);
    if (!rc) ngi_docstore_writer_set_sample(m->ds, m->store_sample);
    return rc;
}

void ngi_memseg_set_budget(ngi_memseg *m, size_t store_sample, size_t spill_bytes) {
    m->store_sample = store_sample;
    m->spill_bytes = spill_bytes;
    if (m->ds && !m->n_docs) ngi_docstore_writer_set_sample(m->ds, store_sample);
}

int ngi_memseg_create(ngi_memseg **out, bool fast_store) {
    *out = NULL;
    ngi_memseg *m = ngi_calloc(1, sizeof *m);
    if (!m) return NG_ENOMEM;
    m->fast_store = fast_store;
    if (ngi_memseg_new_store(m) || table_grow(m)) {
        ngi_memseg_free(m);
        return NG_ENOMEM;
    }
    *out = m;
    return 0;
}

static void free_tables(ngi_memseg *m) {
    ngi_buf *bufs[] = {&m->lens, &m->dates, &m->tends,   &m->seqs, &m->idof,
                       &m->idda, &m->text,  &m->scratch, &m->toks, &m->toktext};
    for (size_t i = 0; i < NGI_ARRAY_LEN(bufs); i++) ngi_buf_free(bufs[i]);
    ngi_buf_free(&m->sigs);
}

void ngi_memseg_free(ngi_memseg *m) {
    if (!m) return;
    for (size_t i = 0; i < m->n_pages; i++) ngi_free(m->pages[i]);
    ngi_free(m->pages);
    ngi_free(m->slots);
    ngi_free(m->terms);
    free_tables(m);
    ngi_docstore_writer_free(m->ds);
    ngi_free(m->taken);
    ngi_free(m);
}

size_t ngi_memseg_memory(const ngi_memseg *m) {
    size_t pages =
        m->used_pages ? (m->used_pages - 1) * (size_t)PAGE_BYTES + m->page_used : 0;
    size_t n = pages + m->n_slots * sizeof(tslot) + m->cap_terms * sizeof(mterm) +
               m->text.cap + m->lens.cap + m->dates.cap + m->tends.cap + m->seqs.cap +
               m->idof.cap + m->idda.cap + m->sigs.cap;
    return n + ngi_docstore_writer_memory(m->ds);
}

uint32_t ngi_memseg_n_docs(const ngi_memseg *m) {
    return m->n_docs;
}

void ngi_memseg_set_filter(ngi_memseg *m, const ngi_filter *f) {
    m->filter = f;
}

void ngi_memseg_take_dropped(ngi_memseg *m, uint64_t *docs, uint64_t *tokens) {
    *docs = m->dropped_docs;
    *tokens = m->dropped_toks;
    m->dropped_docs = m->dropped_toks = 0;
}

void ngi_memseg_trim(ngi_memseg *m) {
    if (m->n_docs) return; /* only an empty memseg lets its memory go */
    for (size_t i = 0; i < m->n_pages; i++) ngi_free(m->pages[i]);
    ngi_free(m->pages);
    m->pages = NULL;
    m->n_pages = m->used_pages = 0;
    m->page_used = 0;
    ngi_free(m->terms);
    m->terms = NULL;
    m->cap_terms = 0;
    free_tables(m);
    tslot *old = m->slots;
    size_t n_old = m->n_slots;
    m->slots = NULL;
    m->n_slots = 0;
    if (table_grow(m)) { /* no memory for a small table: keep the big one */
        m->slots = old;
        m->n_slots = n_old;
        return;
    }
    ngi_free(old);
}

uint64_t *ngi_memseg_take_seqs(ngi_memseg *m) {
    uint64_t *t = m->taken;
    m->taken = NULL;
    return t;
}
