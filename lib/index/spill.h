/*
 * spill.h — a growing stream kept in an unnamed temporary file, so that a
 * segment writer under a RAM budget holds a bounded buffer of a section
 * that is written after another (positions after postings, the lexicon
 * after the store), then copied into the segment in bounded pieces.
 */
#ifndef NG_INDEX_SPILL_H
#define NG_INDEX_SPILL_H

#include <stdint.h>

#include "internal.h"

typedef struct ngi_spill {
    int fd;       /* the temporary file, or -1 before the first put */
    uint64_t len; /* bytes written to it */
} ngi_spill;

void ngi_spill_init(ngi_spill *s);
/* Appends data to the file, creating it in dir (unnamed: O_TMPFILE, or a
 * name unlinked at once) on the first call. */
int ngi_spill_put(ngi_spill *s, const char *dir, const void *data, size_t len,
                  ngi_error *err);
/* Appends everything put so far to fw's open section, in bounded reads. */
int ngi_spill_copy(const ngi_spill *s, ngi_file_writer *fw, ngi_error *err);
/* Closes (and so removes) the file. */
void ngi_spill_close(ngi_spill *s);

#endif /* NG_INDEX_SPILL_H */
