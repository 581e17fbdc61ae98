/*
 * signature.h — the near-duplicate signature of a document (issue 16,
 * syndicated copies): b-bit one-permutation MinHash over 5-word shingles
 * of the body's analysed tokens, densified by rotation. Two documents'
 * signatures estimate the Jaccard similarity of their shingle sets; copies
 * of one wire story (J >= 0.8) share a cluster. Stored per segment in the
 * SIGN section (lib/FORMAT.md); clusters are formed at query time among
 * the matching documents (lib/query/collapse.c).
 */
#ifndef NG_INDEX_SIGNATURE_H
#define NG_INDEX_SIGNATURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/common.h"
#include "index.h"

#define NGI_SIG_SHINGLE 5 /* words per shingle */
/* 96 bins of 2 bits: 24 bytes, 4.5% of a reuters21578 index (533 bytes a
 * document); 128 bins cost 6.0% for a spread of 0.042 instead of 0.049 at
 * J = 0.8 (tests/unit/index/test_signature.c prints it). */
#define NGI_SIG_BINS  96 /* one-permutation bins (a multiple of 32) */
#define NGI_SIG_BITS  2  /* low bits kept of each bin's minimum */
#define NGI_SIG_BYTES (NGI_SIG_BINS * NGI_SIG_BITS / 8) /* 24 */
/* Default threshold: estimated Jaccard of the shingle sets. */
#define NGI_SIG_THRESHOLD 0.8

/* Builds one document's signature from its body's term hashes, in token
 * order (the memseg gives the XXH3 it already computed for interning). */
typedef struct ngi_sigbuilder {
    uint64_t ring[NGI_SIG_SHINGLE]; /* the last tokens' hashes */
    uint64_t n;                     /* tokens seen */
    uint64_t mins[NGI_SIG_BINS];    /* smallest shingle hash per bin */
} ngi_sigbuilder;

void ngi_sig_begin(ngi_sigbuilder *b);
void ngi_sig_token(ngi_sigbuilder *b, uint64_t term_hash);
/* Writes the signature to out; false (out zeroed) when the body had no
 * token: such a document has no signature and joins no cluster. */
bool ngi_sig_end(ngi_sigbuilder *b, uint8_t out[NGI_SIG_BYTES]);

/* Estimated Jaccard similarity of the shingle sets of two signatures:
 * the share of equal b-bit values, corrected for chance agreement
 * (Li & König's b-bit estimator), clamped to [0, 1]. */
double ngi_sig_jaccard(const uint8_t *a, const uint8_t *b);
/* Equal b-bit values out of NGI_SIG_BINS (the estimator's input). */
unsigned ngi_sig_matches(const uint8_t *a, const uint8_t *b);
/* Smallest number of equal values that estimates >= threshold. */
unsigned ngi_sig_min_matches(double threshold);

/* ---- the SIGN section (lib/FORMAT.md) --------------------------------- */

#define NGI_SEC_SIGN     NGI_TAG('S', 'I', 'G', 'N')
#define NGI_SIGN_HEAD    16 /* bytes before the presence bitmap */
#define NGI_SIGN_VERSION 1
/* Bytes of the presence bitmap of n documents, padded to 8. */
static inline size_t ngi_sign_bitmap_bytes(uint32_t n_docs) {
    return (((size_t)n_docs + 7) / 8 + 7) & ~(size_t)7;
}
static inline size_t ngi_sign_section_bytes(uint32_t n_docs) {
    return NGI_SIGN_HEAD + ngi_sign_bitmap_bytes(n_docs) + (size_t)n_docs * NGI_SIG_BYTES;
}

/* Collects the signatures of a segment being written, one per document in
 * order (sig NULL: none); created on the first call. */
typedef struct ngi_sign_writer ngi_sign_writer;
int ngi_sign_writer_add(ngi_sign_writer **w, uint32_t doc, const uint8_t *sig);
int ngi_sign_writer_write(const ngi_sign_writer *w, ngi_file_writer *fw, uint32_t n_docs);
void ngi_sign_writer_free(ngi_sign_writer *w);

/* Reads the SIGN section at open when present (header and size checked;
 * its checksum on first use). A segment without one (written before
 * signatures existed) opens as before: its documents have none. */
int ngi_sign_open(ngi_segment *s, ngi_error *err);
int ngi_sign_check(const ngi_segment *s, ngi_error *err); /* for check */
bool ngi_segment_has_signatures(const ngi_segment *s);
/* 0 and *sig (NGI_SIG_BYTES, borrowed for the segment's life; NULL when
 * the document has none), or NG_ECORRUPT (the section's checksum). */
int ngi_segment_signature(const ngi_segment *s, uint32_t doc, const uint8_t **sig,
                          ngi_error *err);

#endif /* NG_INDEX_SIGNATURE_H */
