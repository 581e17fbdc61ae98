/*
 * index.h — the reader interface the query engine uses: a snapshot of
 * committed segments, term lookup (exact and prefix), posting cursors,
 * per-document lengths, dates, title/body boundary, deletions and stored
 * fields. The query side reads segments only through this header, never
 * the writer's internals.
 *
 * Doc ids: each segment numbers its documents 0..n_docs-1; the snapshot
 * gives segment i the global base seg_base[i] (sum of the earlier
 * segments' n_docs), so global id = base + local id.
 *
 * Positions: the title is analysed from position 0, the body from
 * title_end(doc) = (last title position + 2), so no phrase can span the
 * title/body boundary, and title:/body: restrictions compare positions with
 * title_end.
 */
#ifndef NG_INDEX_H
#define NG_INDEX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "codec/codec.h"
#include "common/date.h"
#include "common/le.h"
#include "common/common.h"
#include "store/store.h"

typedef struct ngi_segment ngi_segment;

/* Opens a committed segment (and its deletes file, if e->deletes[0]) of
 * the index index_id (NULL: any; fuzzing). Validates the structure, the
 * files' identities (index id, numbers) and the checksums of the small
 * sections; the postings and lexicon are verified chunk by chunk on first
 * use. Errors: NG_ENOTFOUND (file gone: a newer commit removed it, so
 * reopen), NG_EIO, NG_ECORRUPT, NG_EVERSION. */
int ngi_segment_open(ngi_segment **out, const char *dir, const uint8_t *index_id,
                     const ngi_segment_entry *e, ngi_error *err);
/* Reference counting: snapshots share segments that did not change. */
void ngi_segment_ref(ngi_segment *s);
void ngi_segment_unref(ngi_segment *s);

uint32_t ngi_segment_n_docs(const ngi_segment *s); /* incl. deleted */
uint32_t ngi_segment_n_deleted(const ngi_segment *s);
uint64_t ngi_segment_n_terms(const ngi_segment *s);
uint64_t ngi_segment_total_len(const ngi_segment *s); /* sum of doc lens */
const char *ngi_segment_name(const ngi_segment *s);

/* Exact lookup. Returns 0 and fills *tp, NG_ENOTFOUND, or NG_ECORRUPT. */
int ngi_segment_lookup(const ngi_segment *s, const char *term, size_t len,
                       ngi_term_postings *tp, ngi_error *err);

/* Witnesses of a term's K-th best BM25 score in a segment (its SEED
 * entry, lib/FORMAT.md): for each i < n, at least count[i] of the term's
 * postings (deleted documents included) have tf >= tf[i] and length <=
 * max_dl[i]. n = 0 when the segment stores none for the term. */
#define NGI_WITNESS_MAX 8
typedef struct ngi_witness {
    uint32_t n;
    uint32_t count[NGI_WITNESS_MAX], tf[NGI_WITNESS_MAX], max_dl[NGI_WITNESS_MAX];
} ngi_witness;
/* 0 (w->n may be 0), or NG_ECORRUPT (the section's checksum, verified at
 * first use). A segment answers n = 0 to its first NGI_SEED_AFTER asks
 * for a term that has witnesses: verifying the section hashes all of it
 * (2.9 MB in the 10 segments of a 1 M-paragraph index, +12 % of a
 * one-shot query's instructions), which a long-lived reader repays and a
 * one-shot search does not (the first query's target). */
#define NGI_SEED_AFTER 32
int ngi_segment_witness(const ngi_segment *s, const ngi_term_postings *tp, ngi_witness *w,
                        ngi_error *err);

/* Calls fn for every term starting with prefix, in byte order; fn returns
 * non-zero to stop (that value is returned). Errors: NG_ECORRUPT. */
typedef int (*ngi_term_fn)(void *ctx, const char *term, size_t len,
                           const ngi_term_postings *tp);
int ngi_segment_prefix(const ngi_segment *s, const char *prefix, size_t len,
                       ngi_term_fn fn, void *ctx, ngi_error *err);

/* Opens a cursor on a term's postings (bounds-checked against the file). */
int ngi_segment_cursor(const ngi_segment *s, const ngi_term_postings *tp, ngi_cursor *c,
                       ngi_error *err);

/* The per-document tables a caller is about to read, verified on first
 * use: a segment with a CSPD section (lib/FORMAT.md) checks them then, not
 * at open, so a first query hashes only what it reads. Call before
 * reading the tables named (NGI_SEG_NORMS: ngi_segment_doc_len,
 * ngi_segment_norms, ngi_segment_qlens; NGI_SEG_DATES:
 * ngi_segment_doc_date; NGI_SEG_TITLE_ENDS: ngi_segment_title_end;
 * ngi_segment_docs_in_dates checks its own). 0, or NG_ECORRUPT naming the
 * segment and section; then cheap (a flag per table). */
enum {
    NGI_SEG_NORMS = 1,      /* NORM and QLEN */
    NGI_SEG_DATES = 2,      /* DATE */
    NGI_SEG_TITLE_ENDS = 4, /* TEND */
    NGI_SEG_ALL_COLS = 7
};
int ngi_segment_need(const ngi_segment *s, unsigned tables, ngi_error *err);

/* Per-document facts; doc < n_docs (asserted). */
uint32_t ngi_segment_doc_len(const ngi_segment *s, uint32_t doc);
int32_t ngi_segment_doc_date(const ngi_segment *s, uint32_t doc); /* NGI_NO_DATE */
uint32_t ngi_segment_title_end(const ngi_segment *s, uint32_t doc);
bool ngi_segment_is_deleted(const ngi_segment *s, uint32_t doc);
/* The mapped length table (n_docs little-endian lengths of *width bytes:
 * 4, or 1..4 in format 5), for loops that read one length per posting
 * (ngi_norms_doc_len): the call of ngi_segment_doc_len was a third of an
 * OR query's time. With *residual (format 6) an entry is the length less
 * ngi_qlen_floor of the document's QLEN byte. */
const uint8_t *ngi_segment_norms(const ngi_segment *s, unsigned *width, bool *residual);
static inline uint32_t ngi_norms_doc_len(const uint8_t *norms, unsigned width,
                                         uint32_t doc) {
    return ngi_load_uw(norms, width, doc);
}

/* The quantized length table (QLEN: one byte per document, see
 * ngi_qlen_encode), or NULL for segments written before it. A byte below
 * NGI_QLEN_EXACT is the length itself; the others give a lower bound.
 * The table is a quarter of the length table's size, so the query loop
 * reads it from cache where the exact table would miss. */
const uint8_t *ngi_segment_qlens(const ngi_segment *s);
#define NGI_QLEN_EXACT 128u
/* Quantizes a length: exact below 128, else 4 bits of mantissa (a floor,
 * within 1/16 below the length), 255 for every length >= 31744. */
static inline uint8_t ngi_qlen_encode(uint32_t dl) {
    if (dl < NGI_QLEN_EXACT) return (uint8_t)dl;
    unsigned hb = 31u - (unsigned)__builtin_clz(dl); /* 7 .. 31 */
    if (hb > 14) return 255;
    return (uint8_t)(NGI_QLEN_EXACT + (hb - 7) * 16 + ((dl >> (hb - 4)) & 15));
}
/* The largest length <= every length that encodes to q. */
static inline uint32_t ngi_qlen_floor(uint8_t q) {
    if (q < NGI_QLEN_EXACT) return q;
    unsigned hb = 7 + (q - NGI_QLEN_EXACT) / 16, m = (q - NGI_QLEN_EXACT) % 16;
    return (16u + m) << (hb - 4);
}

/* Documents whose date lies in [since, until] (days), from the segment's
 * date-sorted table: binary search, no scan. Fills *docs (owned by the
 * caller, ngi_free) with ascending local doc ids, deleted ones included. */
int ngi_segment_docs_in_dates(const ngi_segment *s, int32_t since, int32_t until,
                              uint32_t **docs, size_t *n, ngi_error *err);

/* External id of doc (NUL-terminated, borrowed for the segment's life). */
int ngi_segment_doc_id(const ngi_segment *s, uint32_t doc, const char **id, size_t *len,
                       ngi_error *err);
/* Finds a live-or-deleted document by external id: 0 and *doc, or
 * NG_ENOTFOUND. */
int ngi_segment_find_id(const ngi_segment *s, const char *id, size_t len, uint32_t *doc,
                        ngi_error *err);
/* The rank of each document's external id in the segment, rank[doc] =
 * doc's position in the order of (id bytes, doc) (IDIX inverted), or
 * NULL: built once the segment has been asked NGI_ID_RANKS_AFTER times
 * (a one-shot search never pays for it), or when IDIX is damaged (the
 * caller then compares ids, which report it). Ties of equal scores
 * within a segment compare two integers instead of two ids. */
const uint32_t *ngi_segment_id_ranks(const ngi_segment *s);
/* The positions in that order where the documents with external id
 * id[0..len) begin (*lo: how many ids are smaller) and end (*hi). */
int ngi_segment_id_range(const ngi_segment *s, const char *id, size_t len, uint32_t *lo,
                         uint32_t *hi, ngi_error *err);
/* Stored fields of doc, decompressed with (and cached in) scratch. */
int ngi_segment_fetch(const ngi_segment *s, ngi_docstore_scratch *scratch, uint32_t doc,
                      ngi_stored_doc *d, ngi_error *err);

/* Verifies every checksum and invariant of the segment's files. */
int ngi_segment_check(const ngi_segment *s, ngi_error *err);

/* Sizes of the segment's parts, for ng_reader_stats. */
typedef struct ngi_segment_sizes {
    uint64_t postings, positions, lexicon, docstore, other, total;
} ngi_segment_sizes;
void ngi_segment_sizes_get(const ngi_segment *s, ngi_segment_sizes *out);

/* ---- the snapshot (struct ng_reader) ------------------------------------ */

/* Immutable once opened (reopen swaps in a new snapshot), so searches from
 * several threads may read it at once. */
typedef struct ngi_snapshot {
    uint64_t generation;   /* manifest generation */
    ngi_settings settings; /* language, analyzer flags, k1, b */
    ngi_segment **segs;    /* n_segs segments, referenced */
    uint32_t *seg_base;    /* global doc id of each segment's doc 0 */
    size_t n_segs;
    uint64_t max_doc;   /* sum of n_docs (BM25 N, deleted included) */
    uint64_t live_docs; /* documents not deleted */
    uint64_t total_len; /* sum of doc lengths (deleted included) */
    double avg_doc_len; /* total_len / max_doc (BM25 avgdl) */
} ngi_snapshot;

/* The reader's current snapshot; valid until ng_reader_reopen or free.
 * NULL only for a failed handle (ng_reader_open returned an error). */
const ngi_snapshot *ngi_reader_snapshot(const ng_reader *r);
/* Records rc (with detail's message when it has one for rc, else
 * ng_strerror's) as this thread's last error on r, the one
 * ng_reader_errmsg shows (reader.c); returns rc. For calls that may run on
 * one reader in several threads at once. */
int ngi_reader_fail(const ng_reader *r, int rc, const ngi_error *detail);

/* Index-wide document frequency of a term: the sum over segments (deleted
 * documents included, like Lucene, so scores do not depend on how the
 * index is split into segments). Returns 0 or NG_ECORRUPT. */
int ngi_snapshot_df(const ngi_snapshot *snap, const char *term, size_t len, uint64_t *df,
                    ngi_error *err);

/* Live (segment, doc) of an external id, newest segment first: 0, or
 * NG_ENOTFOUND (err untouched), or NG_ECORRUPT. */
int ngi_snapshot_find_live(const ngi_snapshot *s, const char *id, size_t len, size_t *seg,
                           uint32_t *doc, ngi_error *err);

#endif /* NG_INDEX_H */
