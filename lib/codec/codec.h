/*
 * codec.h — posting-list codecs: pure functions from integers to bytes and
 * back, no I/O. Doc ids are delta-coded in blocks of 128 and bit-packed
 * (frame of reference), with a variable-byte tail; term frequencies alike;
 * positions in a separate stream; per-block skip entries carry the last doc
 * id, stream offsets and a block-max bound for BM25 (max tf, min doc
 * length). Byte grammar: lib/FORMAT.md, section "Postings".
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

#define NGI_BLOCK 128              /* integers per bit-packed block */
#define NGI_DOC_END UINT32_MAX      /* doc id of an exhausted cursor */

/* ---- bit packing of 128 integers ---------------------------------- */

/* Bits needed for the largest of n values (0 for all zeros). */
unsigned ngi_bits_max(const uint32_t *v, size_t n);
/* Packs 128 values of `bits` bits (0..32) into out (16*bits bytes). */
void ngi_pack128(const uint32_t in[NGI_BLOCK], unsigned bits, uint8_t *out);
/* Unpacks 128 values of `bits` bits from in (16*bits bytes). */
void ngi_unpack128(const uint8_t *in, unsigned bits, uint32_t out[NGI_BLOCK]);

/* ---- one term's postings: writer ----------------------------------- */

/* Where a term's postings live and the facts the query side needs without
 * decoding them. Stored in the lexicon. */
typedef struct ngi_term_postings {
    uint32_t df;        /* documents containing the term */
    uint64_t cf;        /* total occurrences */
    uint64_t docs_off;  /* offset of the term's bytes in the docs stream */
    uint64_t docs_len;  /* bytes in the docs stream */
    uint64_t pos_off;   /* offset of the term's bytes in the positions stream */
    uint64_t pos_len;   /* bytes in the positions stream */
    uint32_t max_tf;    /* largest tf of any document (upper bounds) */
    uint32_t min_dl;    /* smallest doc length of any posting (bounds) */
} ngi_term_postings;

typedef struct ngi_postings_writer ngi_postings_writer;

/* Creates a writer appending to the given streams (borrowed; must outlive
 * the writer). */
int ngi_postings_writer_create(ngi_postings_writer **out, ngi_buf *docs,
                               ngi_buf *positions);
void ngi_postings_writer_free(ngi_postings_writer *w);
/* Starts a new term. */
void ngi_postings_writer_begin(ngi_postings_writer *w);
/* Adds one document: doc ids strictly increasing within a term, tf >= 1,
 * positions ascending (tf of them), doc_len = the document's length in
 * indexed tokens (for block-max bounds). */
int ngi_postings_writer_add(ngi_postings_writer *w, uint32_t doc, uint32_t tf,
                            const uint32_t *positions, uint32_t doc_len);
/* Ends the term; fills *out (offsets relative to the start of the streams
 * given at creation). */
int ngi_postings_writer_end(ngi_postings_writer *w, ngi_term_postings *out);

/* ---- one term's postings: cursor ----------------------------------- */

/* A cursor over one term's postings in one segment. Fields are public so
 * that hot loops can read doc and freq inline; treat them as read-only. */
typedef struct ngi_cursor {
    uint32_t doc;                  /* current doc id, NGI_DOC_END at end */
    uint32_t freq;                 /* tf of the current doc */
    /* Everything below is the codec's private state. */
    const uint8_t *docs, *docs_end;/* the term's docs-stream bytes */
    const uint8_t *pos, *pos_end;  /* the term's positions-stream bytes */
    uint32_t df;                   /* postings in the list */
    uint32_t max_doc;              /* doc ids must be < max_doc */
    uint32_t n_blocks;             /* skip entries */
    const uint8_t *skips;          /* skip table */
    uint32_t block;                /* current block index */
    uint32_t in_block;             /* index of doc within decoded block */
    uint32_t block_len;            /* docs in decoded block (0 = none) */
    uint32_t decoded_block;        /* which block docbuf holds, or UINT32_MAX */
    uint32_t docbuf[NGI_BLOCK];    /* decoded doc ids of the block */
    uint32_t tfbuf[NGI_BLOCK];     /* decoded tfs of the block */
    uint32_t shallow_block;        /* block selected by shallow advance */
    uint32_t positions_doc;        /* doc whose positions are decoded */
    ngi_buf posbuf;                /* decoded positions (uint32_t) */
    uint64_t block_pos_off;        /* positions offset of current block */
    uint32_t pos_skip;             /* positions to skip inside the block */
} ngi_cursor;

/* Opens a cursor on a term's bytes (taken from a segment file, already
 * bounds-checked against it). max_doc bounds every doc id. Positions may
 * be NULL/0 when not needed. Errors: NG_ECORRUPT. The cursor is positioned
 * BEFORE the first document (doc == 0 but call next first). */
int ngi_cursor_open(ngi_cursor *c, const ngi_term_postings *tp,
                    const uint8_t *docs_stream, size_t docs_stream_len,
                    const uint8_t *pos_stream, size_t pos_stream_len,
                    uint32_t max_doc);
void ngi_cursor_close(ngi_cursor *c);
/* Moves to the next document (c->doc = NGI_DOC_END at the end).
 * Returns 0 or NG_ECORRUPT. */
int ngi_cursor_next(ngi_cursor *c);
/* Moves to the first document >= target, skipping whole blocks through the
 * skip table without decoding them. Returns 0 or NG_ECORRUPT. */
int ngi_cursor_advance(ngi_cursor *c, uint32_t target);
/* Positions of the current document (ascending, c->freq of them); the
 * array lives until the cursor moves. Returns 0 or NG_ECORRUPT. */
int ngi_cursor_positions(ngi_cursor *c, const uint32_t **positions);

/* Block-max support (for Block-Max WAND / MaxScore): selects the block
 * that would contain target WITHOUT decoding it, and reports its bounds.
 * Returns the last doc id of that block (NGI_DOC_END when target is past
 * the list). */
uint32_t ngi_cursor_shallow_advance(ngi_cursor *c, uint32_t target);
/* Bounds of the block chosen by the last shallow advance (or the current
 * block): largest tf and smallest doc length of any doc in it. */
uint32_t ngi_cursor_block_max_tf(const ngi_cursor *c);
uint32_t ngi_cursor_block_min_dl(const ngi_cursor *c);

#endif /* NG_CODEC_H */
