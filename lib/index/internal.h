/*
 * internal.h — what the files of lib/index share and nobody else uses:
 * the in-memory segment (memseg.c), the segment file builder
 * (segwrite.c), the lexicon iterator (segment.c), snapshot building
 * (snapshot.c) and merging (merge.c). Byte grammar: lib/FORMAT.md.
 */
#ifndef NG_INDEX_INTERNAL_H
#define NG_INDEX_INTERNAL_H

#include <stdio.h>

#include "common/buf.h"
#include "common/date.h"
#include "common/varint.h"
#include "index.h"

/* Section tags of a segment file. */
#define NGI_SEC_HEAD NGI_TAG('H', 'E', 'A', 'D') /* counts */
#define NGI_SEC_POST NGI_TAG('P', 'O', 'S', 'T') /* docs stream (codec) */
#define NGI_SEC_POSN NGI_TAG('P', 'O', 'S', 'N') /* positions stream */
#define NGI_SEC_LEXI NGI_TAG('L', 'E', 'X', 'I') /* front-coded blocks */
#define NGI_SEC_LIDX NGI_TAG('L', 'I', 'D', 'X') /* block offsets */
#define NGI_SEC_NORM NGI_TAG('N', 'O', 'R', 'M') /* u32 doc lengths */
#define NGI_SEC_DATE NGI_TAG('D', 'A', 'T', 'E') /* i32 days per doc */
#define NGI_SEC_DSRT NGI_TAG('D', 'S', 'R', 'T') /* (date, doc) by date */
#define NGI_SEC_TEND NGI_TAG('T', 'E', 'N', 'D') /* u32 title_end */
#define NGI_SEC_IDOF NGI_TAG('I', 'D', 'O', 'F') /* u32 id offsets */
#define NGI_SEC_IDDA NGI_TAG('I', 'D', 'D', 'A') /* NUL-terminated ids */
#define NGI_SEC_IDIX NGI_TAG('I', 'D', 'I', 'X') /* u32 docs by id */
#define NGI_SEC_DOCS NGI_TAG('D', 'O', 'C', 'S') /* docstore, layout 1 */
/* docstore, layout 2 (read in place; written since format 3's DOCS, which
 * older segments keep): lib/FORMAT.md */
#define NGI_SEC_DOC2 NGI_TAG('D', 'O', 'C', '2')
/* chunk sums of IDDA, IDOF, IDIX (ids verified per piece on use) */
#define NGI_SEC_CSID   NGI_TAG('C', 'S', 'I', 'D')
#define NGI_SEC_CSUM   NGI_TAG('C', 'S', 'U', 'M') /* chunk sums (format 3) */
#define NGI_SEC_SETS   NGI_TAG('S', 'E', 'T', 'S') /* index settings (3) */
#define NGI_SETS_BYTES 56                          /* size of the SETS section */
#define NGI_SEC_QLEN   NGI_TAG('Q', 'L', 'E', 'N') /* u8 quantized lengths */
#define NGI_SEC_SRCS   NGI_TAG('S', 'R', 'C', 'S') /* merged inputs (3) */
/* chunk sums of NORM, DATE, TEND, QLEN, DSRT (the per-document tables,
 * verified on first use instead of at open) */
#define NGI_SEC_CSPD NGI_TAG('C', 'S', 'P', 'D')
/* Format 5: NORM, TEND, IDOF and IDIX with the smallest width (1..4 bytes,
 * length / entries) that holds their largest value; DATE left out when no
 * document is dated. Older segments keep the u32 tables above. */
#define NGI_SEC_NRMW NGI_TAG('N', 'R', 'M', 'W')
#define NGI_SEC_TNDW NGI_TAG('T', 'N', 'D', 'W')
#define NGI_SEC_IDOW NGI_TAG('I', 'D', 'O', 'W')
#define NGI_SEC_IDXW NGI_TAG('I', 'D', 'X', 'W')
/* Format 6: NRMW as residuals over QLEN's floor (the length is
 * ngi_qlen_floor(QLEN) + NRMR; under 1/16 of it, so mostly one byte), and
 * IDOW sampled: the offset of every NGI_ID_SAMPLE-th id and IDDA's end,
 * the ids between found by their NUL terminators. Both at the smallest
 * width, as in format 5. */
#define NGI_SEC_NRMR  NGI_TAG('N', 'R', 'M', 'R')
#define NGI_SEC_IDOS  NGI_TAG('I', 'D', 'O', 'S')
#define NGI_ID_SAMPLE 8
/* Format 5's lexicon: LEXI's blocks with shorter entries (lib/FORMAT.md) */
#define NGI_SEC_LEX2 NGI_TAG('L', 'E', 'X', '2')

/* What a segment records of its index (format 3): the index id (in the
 * file header) and the settings (SETS), so that `recover` can rebuild a
 * lost manifest from the segments alone. */
typedef struct ngi_origin {
    uint8_t index_id[NGI_INDEX_ID_BYTES];
    ngi_settings settings;
} ngi_origin;

#define NGI_LEX_BLOCK  16  /* terms per front-coded lexicon block */
#define NGI_HEAD_BYTES 32  /* size of the HEAD section */
#define NGI_MAX_TERM   255 /* longest term (NG_MAX_TOKEN_BYTES) */
/* zstd level of the document store, for flushes and merges alike. On
 * word-coded 16 KiB blocks with a dictionary, level 5 (lazy matching) took
 * a fifth of indexing CPU; level 2 (dfast) a third of that, for a store
 * 4.5% larger; level 1 7% larger for no further gain (bench/README.md,
 * "Where indexing time goes"). -D overridable for measurements. */
#ifndef NGI_INDEX_DOCSTORE_LEVEL
#define NGI_INDEX_DOCSTORE_LEVEL 2
#endif
/* Flags in the low bits of a lexicon entry's suffix length. */
#define NGI_LEX_DOCS_GAP 1 /* a docs-offset gap follows */
#define NGI_LEX_POS_GAP  2 /* a positions-offset gap follows */
#define NGI_LEX_TF       4 /* cf - df and max_tf - 1 follow */
/* LEX2 only: in the kind byte, beside the flags above */
#define NGI_LEX_DF1        8  /* df is 1 (not stored) */
#define NGI_LEX_SUFFIX_MAX 15 /* a suffix up to this long is in kind >> 4 */
#define NGI_LEX_LENS_MAX   15 /* docs_len, pos_len packed in one byte */

/* ---- segment builder (segwrite.c) ----------------------------------- */

typedef struct ngi_segwriter ngi_segwriter;

/* Starts dir/name for the index origin (NULL: zeros; tests). Terms are then given in byte order (term_begin,
 * postings with ascending docs, term_end), then every document in order
 * (ngi_segwriter_doc), then finish. */
/* The segment's file is not fsynced (a temporary index's). */
void ngi_segwriter_skip_sync(ngi_segwriter *w);
int ngi_segwriter_create(ngi_segwriter **out, const char *dir, const char *name,
                         const ngi_origin *origin, ngi_error *err);
int ngi_segwriter_term_begin(ngi_segwriter *w, const char *term, size_t len);
int ngi_segwriter_posting(ngi_segwriter *w, uint32_t doc, uint32_t tf,
                          const uint32_t *positions, uint32_t doc_len);
int ngi_segwriter_term_end(ngi_segwriter *w);
/* A merge's output records the numbers of its input segments (SRCS), so
 * that `recover` leaves inputs a crash left behind out. Before finish. */
int ngi_segwriter_add_source(ngi_segwriter *w, uint64_t number);
/* Optional after the last term: writes the postings streams now and frees
 * them (a merge then builds its docstore with that memory back). */
int ngi_segwriter_terms_done(ngi_segwriter *w);
int ngi_segwriter_doc(ngi_segwriter *w, uint32_t len, int32_t date, uint32_t title_end,
                      const char *id, size_t id_len);
/* The near-duplicate signature (NGI_SIG_BYTES, NULL: none) of the document
 * just given; for every document or for none (no SIGN section then). */
int ngi_segwriter_doc_signature(ngi_segwriter *w, const uint8_t *sig);
/* Optional, after the last term: begins the docstore section and makes ds
 * stream its compressed blocks into it as they are made (a merge then
 * never holds its output store in memory). ds must be the writer later
 * given to finish. */
int ngi_segwriter_docs_stream(ngi_segwriter *w, ngi_docstore_writer *ds);
/* Writes the remaining sections (the docstore writer is finished here but
 * still owned by the caller), fsyncs, frees w. *bytes = file size. */
int ngi_segwriter_finish(ngi_segwriter *w, ngi_docstore_writer *ds, uint64_t *bytes);
/* Removes the partial file and frees w. NULL-safe. */
void ngi_segwriter_abort(ngi_segwriter *w);
/* Bounds the positions and lexicon buffers: past `bytes` (0: no bound)
 * each goes on in an unnamed temporary file in the segment's directory,
 * copied into the segment in bounded pieces when its section is written.
 * Before the first term. */
void ngi_segwriter_set_spill(ngi_segwriter *w, size_t bytes);

/* ---- in-memory segment (memseg.c) ----------------------------------- */

typedef struct ngi_memseg ngi_memseg;

/* fast_store: NG_INDEX_TEMPORARY's quick, larger document store. */
int ngi_memseg_create(ngi_memseg **out, bool fast_store);
void ngi_memseg_free(ngi_memseg *m);
/* Analyses and adds one (validated) document; seq is its global sequence
 * number (replacement order). */
int ngi_memseg_add(ngi_memseg *m, ng_analyzer *a, const ng_document *doc, uint64_t seq);
size_t ngi_memseg_memory(const ngi_memseg *m);
/* Bounds what a memseg holds besides its postings (budget.h): the store's
 * training sample, and the flush's positions and lexicon buffers, which
 * go to a temporary file past spill_bytes (0: defaults, no bound). Before
 * the first document. */
void ngi_memseg_set_budget(ngi_memseg *m, size_t store_sample, size_t spill_bytes);
/* Frees the pages and tables an empty memseg keeps for its next run (after
 * a commit: merges then have that memory). No-op when not empty. */
void ngi_memseg_trim(ngi_memseg *m);
uint32_t ngi_memseg_n_docs(const ngi_memseg *m);
/* Grep-style scans: from now on, only tokens f matches are indexed, and
 * documents without one are only counted (f outlives m; NULL = off). */
struct ngi_filter;
void ngi_memseg_set_filter(ngi_memseg *m, const struct ngi_filter *f);
/* Documents the filter dropped since the last call, and their lengths. */
void ngi_memseg_take_dropped(ngi_memseg *m, uint64_t *docs, uint64_t *tokens);
/* Writes the documents as segment dir/name of index origin; the memseg
 * is then empty. */
int ngi_memseg_flush(ngi_memseg *m, const char *dir, const char *name,
                     const ngi_origin *origin, uint64_t *bytes, ngi_error *err);
/* Sequence numbers of the documents of the last flush (n_docs of them);
 * the caller takes ownership. */
uint64_t *ngi_memseg_take_seqs(ngi_memseg *m);

/* ---- lexicon iteration (segment.c) ---------------------------------- */

typedef struct ngi_lex_iter {
    const ngi_segment *s;        /* segment iterated */
    uint64_t idx;                /* index of the next term */
    const uint8_t *p, *end;      /* cursor in the current block */
    char term[NGI_MAX_TERM + 1]; /* current term (NUL-terminated) */
    size_t len;                  /* bytes in term */
    ngi_term_postings tp;        /* current term's postings */
    uint64_t docs_end, pos_end;  /* end offsets of the previous term */
    bool fresh;                  /* just positioned at a block start */
} ngi_lex_iter;

/* Positions it before term number block * NGI_LEX_BLOCK. */
int ngi_lex_iter_seek(ngi_lex_iter *it, const ngi_segment *s, uint64_t block,
                      ngi_error *err);
/* 1 = a term was read, 0 = end, NG_ECORRUPT. */
int ngi_lex_iter_next(ngi_lex_iter *it, ngi_error *err);

/* Distinct terms over n segments' lexicons (lexstats.c): 0, NG_ENOMEM or
 * NG_ECORRUPT. */
int ngi_distinct_terms(ngi_segment *const *segs, size_t n, uint64_t *out, ngi_error *err);

/* The index id in the segment file's header. */
const uint8_t *ngi_segment_index_id(const ngi_segment *s);
/* Index id and settings the segment was written for. */
const ngi_origin *ngi_segment_origin(const ngi_segment *s);
/* Numbers of the segments merged into this one (none for a flush). */
const uint8_t *ngi_segment_sources(const ngi_segment *s, size_t *n);
/* Raw deletion bitmap (NULL when nothing is deleted). */
const uint8_t *ngi_segment_deletes(const ngi_segment *s);
/* Name of the deletes file the segment was opened with ("" if none). */
const char *ngi_segment_deletes_name(const ngi_segment *s);
/* Lets the mapped pages of the postings streams and/or the document store
 * leave this process's resident set (merges read each input once and would
 * otherwise hold every input in RSS). Reading them again still works. */
void ngi_segment_drop_pages(const ngi_segment *s, bool postings, bool docs);
/* The same for the postings bytes before these offsets (a merge has read
 * them: terms are laid out in term order). */
void ngi_segment_drop_postings_before(const ngi_segment *s, uint64_t docs_off,
                                      uint64_t pos_off);
/* And the lexicon bytes before p (a pointer into its lexicon section). */
void ngi_segment_drop_lexicon_before(const ngi_segment *s, const uint8_t *p);
/* The docstore reader (for merges). */
const ngi_docstore_reader *ngi_segment_docstore(const ngi_segment *s);

/* ---- snapshots (snapshot.c) ----------------------------------------- */

/* Builds a snapshot of manifest m, reusing segments of old (may be NULL)
 * whose file and deletes names are unchanged. */
int ngi_snapshot_build(ngi_snapshot **out, const char *dir, const ngi_manifest *m,
                       const ngi_snapshot *old, ngi_error *err);
void ngi_snapshot_free(ngi_snapshot *s);
/* Reads the manifest and builds its snapshot, retrying (bounded) when a
 * newer commit removed a segment file meanwhile. */
int ngi_snapshot_load(ngi_snapshot **out, const char *dir, const ngi_snapshot *old,
                      ngi_manifest *m, ngi_error *err);

/* ---- merging (merge.c) ---------------------------------------------- */

/* Merges segs[0..n) (dropping deleted docs) into new segment dir/name.
 * *n_docs receives the live documents written. */
int ngi_merge_segments(ngi_segment *const *segs, size_t n, const char *dir,
                       const char *name, uint32_t *n_docs, uint64_t *bytes,
                       ngi_error *err);

/* What a merge may hold (budget.h); zeros: the defaults, no bound. */
typedef struct ngi_merge_limits {
    size_t window;       /* bytes of each input's streams kept mapped */
    size_t store_sample; /* the output store's training sample */
    size_t spill_bytes;  /* the output's positions and lexicon buffers */
} ngi_merge_limits;

/* As ngi_merge_segments, within lim (NULL: the defaults). */
int ngi_merge_segments_within(ngi_segment *const *segs, size_t n, const char *dir,
                              const char *name, const ngi_merge_limits *lim,
                              uint32_t *n_docs, uint64_t *bytes, ngi_error *err);

#endif /* NG_INDEX_INTERNAL_H */
