/*
 * codec.h — posting-list codecs: pure functions from integers to bytes and
 * back, no I/O. Doc ids are delta-coded in blocks of 128 and bit-packed
 * (frame of reference), with a variable-byte tail; term frequencies alike;
 * positions in a separate stream; per-block skip entries carry the last doc
 * id, stream offsets and a block-max bound for BM25 (max tf, min doc
 * length). Byte grammar: lib/FORMAT.md, part 3 "Postings and positions".
 *
 * Every decoder validates lengths against the bytes it was given and
 * returns NG_ECORRUPT on damaged input; none reads past the end.
 */
#ifndef NG_CODEC_H
#define NG_CODEC_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/common.h"

#define NGI_BLOCK   128        /* integers per bit-packed block */
#define NGI_DOC_END UINT32_MAX /* doc id of an exhausted cursor */

/* ---- bit packing of 128 integers ---------------------------------- */

/* Bits needed for the largest of n values (0 for all zeros). */
unsigned ngi_bits_max(const uint32_t *v, size_t n);
/* Packs 128 values of `bits` bits (0..32) into out (16*bits bytes). */
void ngi_pack128(const uint32_t in[NGI_BLOCK], unsigned bits, uint8_t *out);
/* Unpacks 128 values of `bits` bits from in (16*bits bytes). */
void ngi_unpack128(const uint8_t *in, unsigned bits, uint32_t out[NGI_BLOCK]);
/* Unpacks 128 gaps g (bits wide) and writes their running sum as doc ids:
 * out[0] = first + g[0], out[i] = out[i-1] + 1 + g[i]. Returns the exact
 * (64-bit) value of the last id, so callers detect 32-bit overflow. */
uint64_t ngi_unpack128_gaps(const uint8_t *in, unsigned bits, uint32_t first,
                            uint32_t out[NGI_BLOCK]);
/* Bytes used by n (< 128 or any) values of `bits` bits packed
 * horizontally, low bits first ("tail" packing of short runs). */
static inline size_t ngi_packn_bytes(size_t n, unsigned bits) {
    return (n * bits + 7) / 8;
}
/* Packs / unpacks n values horizontally (see ngi_packn_bytes). */
void ngi_packn(const uint32_t *in, size_t n, unsigned bits, uint8_t *out);
void ngi_unpackn(const uint8_t *in, size_t n, unsigned bits, uint32_t *out);

/* ---- one term's postings: writer ----------------------------------- */

/* Where a term's postings live and the facts the query side needs without
 * decoding them. Stored in the lexicon. */
typedef struct ngi_term_postings {
    uint32_t df;       /* documents containing the term */
    uint64_t cf;       /* total occurrences */
    uint64_t docs_off; /* offset of the term's bytes in the docs stream */
    uint64_t docs_len; /* bytes in the docs stream */
    uint64_t pos_off;  /* offset of the term's bytes in the positions stream */
    uint64_t pos_len;  /* bytes in the positions stream */
    uint32_t max_tf;   /* largest tf of any document (upper bounds) */
    uint32_t min_dl;   /* smallest doc length of any posting (bounds) */
} ngi_term_postings;

typedef struct ngi_postings_writer ngi_postings_writer;

/* Creates a writer appending to the given streams (borrowed; must outlive
 * the writer). */
int ngi_postings_writer_create(ngi_postings_writer **out, ngi_buf *docs,
                               ngi_buf *positions);
void ngi_postings_writer_free(ngi_postings_writer *w);
/* Starts a new term (discarding any unfinished one). The term's offsets
 * are the streams' lengths at this moment, so a caller may flush and
 * reset the buffers between terms and add what it flushed. */
void ngi_postings_writer_begin(ngi_postings_writer *w);
/* Adds one document: doc ids strictly increasing within a term and below
 * NGI_DOC_END, tf >= 1, positions ascending (tf of them, never NULL),
 * doc_len = the document's length in indexed tokens (for block-max
 * bounds). Errors: NG_EINVAL (bad arguments; the writer stays usable),
 * NG_ENOMEM, NG_ELIMIT (sticky: every later call returns the same). */
int ngi_postings_writer_add(ngi_postings_writer *w, uint32_t doc, uint32_t tf,
                            const uint32_t *positions, uint32_t doc_len);
/* Ends the term, writes its bytes and fills *out (offsets as told at
 * begin; df == 0 gives an empty entry and writes nothing), then begins the
 * next term. Errors: NG_ENOMEM, NG_ELIMIT (a term's blocks or positions
 * beyond 4 GiB), both sticky. */
int ngi_postings_writer_end(ngi_postings_writer *w, ngi_term_postings *out);

/* ---- one term's postings: cursor ----------------------------------- */

/* A cursor over one term's postings in one segment. Fields are public so
 * that hot loops can read doc and freq inline; treat them as read-only.
 * Opening one allocates nothing; the positions buffer grows on first use.
 * The struct is about 1.1 KB (two decoded blocks): keep it on the stack or
 * inside a query node, not in a per-document structure. */
typedef struct ngi_cursor {
    uint32_t doc;  /* current doc id, NGI_DOC_END at end */
    uint32_t freq; /* tf of the current doc */
    /* Everything below is the codec's private state. */
    uint32_t in_block;      /* index of doc in docbuf, UINT32_MAX before first */
    uint32_t block_len;     /* docs in the decoded block (0 = none) */
    uint32_t block;         /* decoded block index, UINT32_MAX = none */
    uint32_t n_blocks;      /* skip entries (1 in the compact form) */
    uint32_t df;            /* postings in the list */
    uint32_t max_doc;       /* doc ids must be < max_doc */
    uint32_t term_max_tf;   /* list-wide bounds from the lexicon */
    uint32_t term_min_dl;   /* ... used for the compact form */
    uint32_t shallow_block; /* block chosen by shallow advance */
    /* Positions of the decoded block's group (valid when pg_block == block):
     * posbuf holds the last decoded chunk (words 0..127), then the current
     * doc's positions. */
    uint32_t pg_block;            /* block the pg_* state describes, or none */
    uint32_t pg_idx;              /* in_block whose positions are in posbuf */
    uint32_t pg_sum_idx;          /* docs [0, pg_sum_idx) summed in pg_sum */
    uint32_t pg_walk;             /* chunk index pg_walk_ptr points at */
    uint32_t pg_decoded;          /* chunk decoded in posbuf, or none */
    uint64_t pg_sum;              /* positions of docs before pg_sum_idx */
    uint64_t pg_total;            /* positions in the whole group */
    const uint8_t *pg_walk_ptr;   /* first byte of chunk pg_walk */
    bool pg_bare;                 /* the group is one bare position byte */
    const uint8_t *skips;         /* skip table, NULL in the compact form */
    const uint8_t *blocks;        /* first block byte (after the skips) */
    const uint8_t *docs_end;      /* end of the term's docs bytes */
    const uint8_t *pos, *pos_end; /* the term's positions bytes (or NULL) */
    /* Optional check of the positions bytes, run once before they are
     * first read (lib/index verifies their checksums there, so queries
     * without phrases never pay for it); non-zero = NG_ECORRUPT. Set by
     * the caller after ngi_cursor_open. */
    int (*pos_check)(const void *ctx, const uint8_t *p, size_t len);
    const void *pos_check_ctx;
    ngi_buf posbuf;             /* decoded positions (uint32_t) */
    uint32_t docbuf[NGI_BLOCK]; /* decoded doc ids of the block */
    uint32_t tfbuf[NGI_BLOCK];  /* decoded tfs - 1 of the block (as stored) */
} ngi_cursor;

/* Opens a cursor on a term's bytes (taken from a segment file, already
 * bounds-checked against it). max_doc bounds every doc id. Positions may
 * be NULL/0 when not needed. Errors: NG_ECORRUPT. The cursor is positioned
 * BEFORE the first document (doc == 0 but call next first). Allocates
 * nothing (a compact list, df < 128, is decoded here: <= 127 postings).
 * Close every cursor that was opened; close after a failed open is a
 * harmless no-op, and a cursor may be re-opened after close. */
int ngi_cursor_open(ngi_cursor *c, const ngi_term_postings *tp,
                    const uint8_t *docs_stream, size_t docs_stream_len,
                    const uint8_t *pos_stream, size_t pos_stream_len, uint32_t max_doc);
void ngi_cursor_close(ngi_cursor *c);
/* Moves to the next document (c->doc = NGI_DOC_END at the end).
 * Returns 0 or NG_ECORRUPT. Inline: inside a decoded block it is three
 * loads and stores; ngi_cursor_next_block decodes the next block. */
int ngi_cursor_next_block(ngi_cursor *c);
static inline int ngi_cursor_next(ngi_cursor *c) {
    uint32_t i = c->in_block + 1; /* UINT32_MAX + 1 == 0: the first doc */
    if (NGI_LIKELY(i < c->block_len)) {
        c->in_block = i;
        c->doc = c->docbuf[i];
        c->freq = c->tfbuf[i] + 1;
        return 0;
    }
    return ngi_cursor_next_block(c);
}
/* Moves to the first document >= target, skipping whole blocks through the
 * skip table without decoding them (galloping + binary search over the
 * skip entries). Never moves back: if the current doc is >= target it
 * stays. Returns 0 or NG_ECORRUPT (the cursor is then at the end). */
int ngi_cursor_advance(ngi_cursor *c, uint32_t target);
/* Positions of the current document (ascending, c->freq of them); the
 * array lives until the cursor moves or is closed. Decodes only the
 * chunks of the positions stream this document spans. Returns 0,
 * NG_EINVAL (opened without positions, or not on a document), NG_ENOMEM
 * or NG_ECORRUPT. */
int ngi_cursor_positions(ngi_cursor *c, const uint32_t **positions);

/* Block-max support (for Block-Max WAND / MaxScore): selects the block
 * that would contain target WITHOUT decoding it (searching from the
 * current block on), and reports its bounds. Returns the last doc id of
 * that block (NGI_DOC_END when target is past the list). A compact list
 * (df < 128) is one block whose bounds are the term's max_tf / min_dl. */
uint32_t ngi_cursor_shallow_advance(ngi_cursor *c, uint32_t target);
/* Bounds of the block chosen by the last shallow advance (or the current
 * block): a tf >= every tf in it (exact unless >= 65535, then the term's
 * max_tf) and a doc length <= every doc length in it (exact below 65535).
 * Past the list: 0 and UINT32_MAX. */
uint32_t ngi_cursor_block_max_tf(const ngi_cursor *c);
uint32_t ngi_cursor_block_min_dl(const ngi_cursor *c);

#endif /* NG_CODEC_H */
