/*
 * wordcode.h — the document store's word-replacing transform: frequent
 * words (ASCII letter runs, with their leading space) become 1- to 3-byte
 * codes from bytes that UTF-8 text does not use, before zstd. zstd codes
 * literals with an order-0 Huffman table and needs matches of 3+ bytes, so
 * on prose it stops near 36% of the text at fast levels; the codes make
 * the text ~42% of its size and let zstd reach ~30% at the same speed
 * (measurements: lib/FORMAT.md, "Document store"). Byte grammar there too.
 */
#ifndef NG_STORE_WORDCODE_H
#define NG_STORE_WORDCODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

/* Longest vocabulary word in bytes (leading space included). */
#define NGI_WC_MAX_WORD 24
/* Vocabulary size limit: 31 one-byte + 2304 two-byte + 65536 three-byte
 * codes. */
#define NGI_WC_MAX_WORDS (31 + 9 * 256 + 65536)

/* Bytes of the largest vocabulary's words laid out for ngi_wordcode_map
 * (words + PAD): an entry's offset fits 27 bits. */
#define NGI_WC_MAX_WORDS_BYTES ((size_t)NGI_WC_MAX_WORDS * NGI_WC_MAX_WORD + 32)

typedef struct ngi_wordcode ngi_wordcode;

/* Counts the words of sample[0, n) and appends the vocabulary (len:u8
 * word, best first) to out; appends nothing when no word pays for its
 * entry. Deterministic. Errors: NG_ENOMEM. */
int ngi_wordcode_train(const uint8_t *sample, size_t n, ngi_buf *out);
/* Loads a vocabulary (copied: vocab may go away);
 * with `encoder`, also builds the word lookup. NG_ECORRUPT if malformed,
 * NG_ENOMEM. */
int ngi_wordcode_open(ngi_wordcode **out, const uint8_t *vocab, size_t n, int encoder);
/* A decoder over a vocabulary laid out for reading in place (the store's
 * DOC2 layout): words = the words' bytes back to back then PAD (32) zero
 * bytes, index = n_words u32 entries (offset in words << 5 | length).
 * Both are borrowed (a mapping) and nothing is read at open: each entry is
 * checked when a code uses it. NG_ECORRUPT for impossible sizes, NG_ENOMEM.
 * Decoding only. */
int ngi_wordcode_map(ngi_wordcode **out, const uint8_t *words, size_t words_bytes,
                     const uint8_t *index, uint32_t n_words);
/* Appends vocabulary vocab[0, n) (len:u8 word ...) in that layout to words
 * and index (nothing for an empty one). NG_ECORRUPT, NG_ENOMEM. */
int ngi_wordcode_layout(const uint8_t *vocab, size_t n, ngi_buf *words, ngi_buf *index);
void ngi_wordcode_free(ngi_wordcode *wc);
/* Encodes src[0, n) into dst, which has room for 2n bytes (the worst case:
 * every byte escaped); returns the encoded length. Opened as an encoder. */
size_t ngi_wordcode_encode(const ngi_wordcode *wc, const uint8_t *src, size_t n,
                           uint8_t *dst);
/* Decodes src[0, n) into dst; 0 iff it yields exactly cap bytes, -1 for
 * any malformed or overlong input. */
int ngi_wordcode_decode(const ngi_wordcode *wc, const uint8_t *src, size_t n,
                        uint8_t *dst, size_t cap);

#endif
