/*
 * extracttest.h — what the extraction unit tests share: a field of an
 * extracted article by name, and ng_extract_text with each of its
 * allocations failing in turn.
 */
#ifndef NG_EXTRACTTEST_H
#define NG_EXTRACTTEST_H

#include <string.h>

#include "newsgrep.h"
#include "common/fault.h"

/* The value of the field called name of article i, or NULL (no such
 * article or field). */
static inline const char *extract_field(const ng_extract *ex, size_t i,
                                        const char *name) {
    const ng_document *d = ng_extract_document(ex, i);
    for (size_t k = 0; d && k < d->n_fields; k++)
        if (strcmp(d->fields[k].name, name) == 0) return d->fields[k].value;
    return NULL;
}

/* For k = 0, 1, ...: ng_extract_text(text) with every allocation after the
 * first k failing gives NG_ENOMEM and no handle (and leaks nothing under
 * ASan), until it succeeds with want articles. */
static inline void extract_text_alloc_failures(const char *text, size_t want) {
    for (int k = 0; k < 200; k++) {
        ngi_fault_alloc_after(k);
        ng_extract *ex = NULL;
        int rc = ng_extract_text(text, strlen(text), NULL, &ex);
        ngi_fault_alloc_after(-1);
        if (rc == 0) {
            assert_int_equal(ng_extract_count(ex), want);
            ng_extract_free(ex);
            return;
        }
        assert_int_equal(rc, NG_ENOMEM);
        assert_null(ex);
    }
    fail_msg("never succeeded");
}

#endif /* NG_EXTRACTTEST_H */
