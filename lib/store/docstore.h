/*
 * docstore.h — private to the document store: the byte layout shared by
 * its writer (docstore.c) and its reader (docstore_read.c).
 * Byte grammar: lib/FORMAT.md ("Document store").
 */
#ifndef NG_DOCSTORE_H
#define NG_DOCSTORE_H

#include "store/store.h"
#include "store/wordcode.h"

#define BLOCK_ENTRY   16 /* comp_off u64, first_doc u32, raw_len u32 */
#define BLOCK_ENTRY2  24 /* DOC2: the same, then check u64 */
#define TRAILER       32
#define DS_MAGIC      NGI_TAG('N', 'G', 'D', 'S')
#define DS2_MAGIC     NGI_TAG('N', 'G', 'D', '2') /* layout 2 (section DOC2) */
#define MAX_RAW_BLOCK (1u << 30)                  /* sane bound on one block's raw size */
#define MAX_VOCAB_RAW ((size_t)NGI_WC_MAX_WORDS * (NGI_WC_MAX_WORD + 1))

/* Layout 2's check of a block: XXH3-64 of its raw bytes, seeded with the
 * hash of the block's doc offsets and of its first and past-the-last doc
 * numbers, so that a fetch verifies every byte it used (the block table
 * entries, the offsets, the dictionary and word table through the decoded
 * text) without reading anything else of the section. */
uint64_t ngi_docstore_block_seed(const uint8_t *offsets, uint32_t first, uint32_t last);
uint64_t ngi_docstore_block_check(const uint8_t *raw, size_t raw_len, uint64_t seed);

#endif /* NG_DOCSTORE_H */
