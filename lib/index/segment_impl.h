/*
 * segment_impl.h — the segment reader's state, shared by segment.c (open,
 * lookups, per-document facts) and segcheck.c (the full verification of
 * `newsgrep check`). Nothing else in lib/index looks inside a segment.
 */
#ifndef NG_INDEX_SEGMENT_IMPL_H
#define NG_INDEX_SEGMENT_IMPL_H

#include <stdatomic.h>
#include <string.h>

#include "internal.h"

/* CSPD's sections, in its order: NORM, DATE, TEND, QLEN, DSRT */
#define NGI_SEG_COLS 5

struct ngi_segment {
    atomic_int refs;                          /* references held */
    char name[NGI_SEGMENT_NAME_MAX];          /* file name */
    char dels_name[NGI_SEGMENT_NAME_MAX];     /* deletes file or "" */
    ngi_file_reader *fr;                      /* the mapped file */
    uint32_t n_docs, n_dated;                 /* HEAD counts */
    uint64_t n_terms, total_len;              /* HEAD counts */
    uint64_t n_blocks;                        /* lexicon blocks */
    const uint8_t *post, *posn, *lexi, *lidx; /* sections */
    size_t post_len, posn_len, lexi_len;      /* their sizes */
    const uint8_t *norm, *date, *dsrt, *tend, *idof, *idda, *idix; /* more */
    /* Bytes per entry of NORM, TEND, IDOF, IDIX: 4, or in format 5 (NRMW,
     * TNDW, IDOW, IDXW) the smallest width holding the largest; date is
     * NULL when format 5 left DATE out (no document dated). */
    bool packed;
    /* Format 6: norm holds NRMR (residuals over QLEN's floor) and idof
     * IDOS (every NGI_ID_SAMPLE-th id's offset, then IDDA's end). */
    bool v6;
    bool lex2; /* the lexicon is LEX2 (format 5), else LEXI */
    unsigned norm_w, tend_w, idof_w, idix_w;
    size_t docs_len, idda_len;             /* DOCS and IDDA sizes */
    ngi_docstore_reader *ds;               /* stored fields */
    uint8_t *dels;                         /* deletion bitmap or NULL */
    uint32_t n_deleted;                    /* bits set in dels */
    uint64_t dels_bytes;                   /* size of the deletes file */
    ngi_chunked ck_post, ck_posn, ck_lexi; /* verified on first use */
    /* With CSID: the id sections, verified per piece on use (their
     * structure per id read); without, all verified at open. */
    bool ids_lazy;
    ngi_chunked ck_idda, ck_idof, ck_idix;
    ngi_origin origin;     /* header's index id, SETS */
    const uint8_t *srcs;   /* SRCS numbers (u64 each) */
    const uint8_t *qlen;   /* QLEN bytes, NULL in older files */
    bool bound;            /* identities checked (index id given) */
    size_t n_srcs;         /* how many */
    const uint8_t *sign;   /* SIGN section or NULL (signature.c) */
    atomic_int sign_state; /* its checksum: 0 unchecked, 1 ok, -1 bad */
    const uint8_t *seed;   /* SEED section or NULL (seed.c) */
    unsigned seed_levels;  /* its levels */
    uint32_t seed_n;       /* its entries */
    atomic_int seed_state; /* its checksum: 0 unchecked, 1 ok, -1 bad */
    atomic_uint seed_asks; /* witness asks so far (up to NGI_SEED_AFTER) */
    /* The first 8 bytes of each lexicon block's first term (big-endian,
     * zero-padded), built after NGI_LEX_KEYS_AFTER lookups (segment.c):
     * the binary search over blocks then reads one array, not LEXI. */
    _Atomic(uint64_t *) lex_keys;
    atomic_uint lex_lookups;
    /* IDIX inverted (ngi_segment_id_ranks), built after
     * NGI_ID_RANKS_AFTER requests, the first thread to publish wins */
    _Atomic(uint32_t *) id_ranks;
    atomic_uint id_rank_asks;
    /* With CSPD: the per-document tables (NORM with QLEN, DATE, TEND,
     * DSRT), each verified whole on first use (ngi_segment_need) with its
     * structure (sum of NORM, DSRT doc numbers); without, at open. */
    bool cols_lazy;
    ngi_chunked ck_cols[NGI_SEG_COLS];
    /* each: 0 unchecked, 1 ok, < 0 damaged */
    atomic_int cols_state[NGI_SEG_COLS];
    char dir[]; /* index directory (for check) */
};

static inline int ngi_seg_corrupt(const ngi_segment *s, ngi_error *err,
                                  const char *what) {
    return ngi_error_set(err, NG_ECORRUPT, "corrupt index: segment %s: %s", s->name,
                         what);
}

/* The checksum of optional section tag (named name), verified once per
 * open segment at its first use: *state 0 unchecked, 1 ok, -1 damaged
 * (published atomically; readers share the segment). NG_ECORRUPT, naming
 * the section, every time it is damaged. */
int ngi_seg_verify_once(const ngi_segment *s, atomic_int *state, uint32_t tag,
                        const char *name, ngi_error *err);

static inline int ngi_seg_cmp_bytes(const char *a, size_t na, const char *b, size_t nb) {
    int c = memcmp(a, b, NGI_MIN(na, nb));
    return c ? c : (na > nb) - (na < nb);
}

/* The identity the deletes file `name` of segment s must carry. */
static inline void ngi_seg_deletes_ident(const ngi_segment *s, const char *name,
                                         ngi_file_ident *want) {
    memset(want, 0, sizeof *want);
    memcpy(want->index_id, ngi_file_reader_ident(s->fr)->index_id, NGI_INDEX_ID_BYTES);
    want->file_no = ngi_file_number(name);
    want->owner_no = ngi_file_number(s->name);
}

/* Compares doc's external id with id[0..len); a damaged id compares as
 * "" (callers that must see the damage call ngi_segment_doc_id). */
static inline int ngi_seg_cmp_id_at(const ngi_segment *s, uint32_t doc, const char *id,
                                    size_t len) {
    const char *x;
    size_t xl;
    ngi_segment_doc_id(s, doc, &x, &xl, NULL);
    return ngi_seg_cmp_bytes(x, xl, id, len);
}

/* The structure of the id tables (offsets, terminators, IDIX entries in
 * range): at open, or in `check` when the ids are lazy. */
int ngi_seg_check_ids(const ngi_segment *s, ngi_error *err);

#endif /* NG_INDEX_SEGMENT_IMPL_H */
