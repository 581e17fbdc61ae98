/* The in-memory segment's layout, shared by memseg.c (adding documents)
 * and memseg_flush.c (writing the segment file). */
#ifndef NGI_INDEX_MEMSEG_IMPL_H
#define NGI_INDEX_MEMSEG_IMPL_H

#include "filter.h"
#include "internal.h"
#include "signature.h"

#define PAGE_BITS  20
#define PAGE_BYTES (1u << PAGE_BITS)
#define MAX_PAGES  4000 /* addresses are u32: stay below 4 GiB */
#define NEXT_BYTES 4    /* chunk trailer: address of the next chunk */

/* Payload bytes of a chunk by level; the last level repeats. */
static const uint32_t level_bytes[] = {8,   16,   32,   64,   128,  256,
                                       512, 1024, 2048, 4096, 8192, 16384};
#define N_LEVELS NGI_ARRAY_LEN(level_bytes)

/* Cold facts of a term, needed only at flush. */
typedef struct mterm {
    uint32_t text; /* offset of the term bytes in the text arena */
    uint32_t head; /* slab address of the first chunk */
} mterm;

/* A hash slot carries its term's hot state, so adding a token touches one
 * slot (32 bytes) and the chunk it appends to; terms of up to
 * INLINE_BYTES bytes are compared without leaving the slot. */
#define INLINE_BYTES 8
typedef struct tslot {
    uint32_t hash;             /* high 32 bits of the term's XXH3 */
    uint32_t idx;              /* term index + 1; 0 = empty slot */
    uint32_t tail;             /* slab address of the next byte to write */
    uint32_t last_doc1;        /* last document + 1 (0: none yet) */
    uint32_t last_pos;         /* last position written for that document */
    uint16_t left;             /* payload bytes left in the current chunk */
    uint8_t level;             /* level of the current chunk */
    uint8_t len;               /* bytes in the term (1..NGI_MAX_TERM) */
    char prefix[INLINE_BYTES]; /* the term's first bytes */
} tslot;

struct ngi_memseg {
    uint8_t **pages;           /* slab pages, PAGE_BYTES each */
    size_t n_pages;            /* pages allocated (kept across flushes) */
    size_t used_pages;         /* pages in use; the last is partly filled */
    uint32_t page_used;        /* bytes used in the last page in use */
    tslot *slots;              /* hash table, linear probing */
    size_t n_slots;            /* power of two */
    mterm *terms;              /* interned terms */
    size_t n_terms, cap_terms; /* used and allocated entries of terms */
    ngi_buf text;              /* term bytes */
    ngi_buf lens, dates, tends, seqs, idof, idda; /* per-document tables */
    uint32_t n_docs;                              /* documents added */
    ngi_docstore_writer *ds;                      /* stored fields */
    bool fast_store;          /* NG_INDEX_TEMPORARY: fast, not small */
    size_t store_sample;      /* the store's training sample (0: default) */
    size_t spill_bytes;       /* the flush's buffer bound (0: none) */
    uint32_t doc_len;         /* tokens of the document being added */
    ngi_buf toks, toktext;    /* buffered tokens of one field (btok) */
    uint32_t field_toks;      /* tokens of that field, filtered ones too */
    uint32_t field_last;      /* and the last position among them */
    bool doc_kept;            /* a token of the document passed the filter */
    const ngi_filter *filter; /* grep-style scans; NULL = keep everything */
    uint64_t dropped_docs;    /* documents the filter turned away */
    uint64_t dropped_toks;    /* and their lengths */
    int error;                /* error raised inside the token callback */
    ngi_buf scratch;          /* positions of one posting at flush */
    uint64_t *taken;          /* seqs of the last flush, for the caller */
    ngi_sigbuilder sig;       /* the body's near-duplicate signature */
    bool sig_body;            /* tokens feed sig (body fields, no filter) */
    ngi_buf sigs;             /* per document: has:u8 sig[NGI_SIG_BYTES] */
};
#define SIG_RECORD (1 + NGI_SIG_BYTES)

static inline uint8_t *at(const ngi_memseg *m, uint32_t addr) {
    return m->pages[addr >> PAGE_BITS] + (addr & (PAGE_BYTES - 1));
}

static inline const char *term_text(const ngi_memseg *m, const tslot *t) {
    return (const char *)m->text.data + m->terms[t->idx - 1].text;
}

/* A new docstore writer for the next run (memseg.c). */
int ngi_memseg_new_store(ngi_memseg *m);

#endif
