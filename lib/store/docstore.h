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
#define TRAILER       32
#define DS_MAGIC      NGI_TAG('N', 'G', 'D', 'S')
#define MAX_RAW_BLOCK (1u << 30) /* sane bound on one block's raw size */
#define MAX_VOCAB_RAW ((size_t)NGI_WC_MAX_WORDS * (NGI_WC_MAX_WORD + 1))

#endif /* NG_DOCSTORE_H */
