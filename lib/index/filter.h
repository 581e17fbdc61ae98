/*
 * filter.h — the term filter of grep-style scans (ng_index_set_filter):
 * the words and prefixes of one query, tested against every token a
 * worker analyses. The query module builds it (it parses queries); the
 * writer owns it and its workers read it, unchanged, from several threads.
 */
#ifndef NG_INDEX_FILTER_H
#define NG_INDEX_FILTER_H

#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "common/common.h"

typedef struct ngi_filter_entry {
    const char *bytes; /* into the filter's text */
    size_t len;
    bool prefix; /* matches every term starting with bytes */
} ngi_filter_entry;

/* Entries are grouped by first byte, so that most tokens are turned away
 * by one table load: start[c]..start[c + 1] are those beginning with c. */
typedef struct ngi_filter {
    ngi_filter_entry *entries;
    size_t n, cap;
    char *text; /* entry bytes, back to back */
    size_t text_len, text_cap;
    uint32_t start[257];
    bool sealed; /* start[] and the gate built; no more adds */
    /* The analyzer's gate (ngi_analyzer_set_gate): the entries' first
     * bytes, and their first two (bit c0 * 256 + c1; every pair of c0
     * for a one-byte entry). */
    bool gate_first[256];
    uint8_t gate_pairs[256 * 256 / 8];
} ngi_filter;

ngi_filter *ngi_filter_create(void);
void ngi_filter_free(ngi_filter *f);
/* Adds a term (prefix = false) or a prefix; duplicates are harmless. */
int ngi_filter_add(ngi_filter *f, const char *s, size_t len, bool prefix);
/* Groups the entries by first byte and builds the gate; call once, after
 * the last add. */
int ngi_filter_seal(ngi_filter *f);
static inline bool ngi_filter_empty(const ngi_filter *f) {
    return f->n == 0;
}

/* True when the analysed term is one of the filter's terms or starts with
 * one of its prefixes. Called once per token of every scanned document. */
static inline bool ngi_filter_match(const ngi_filter *f, const char *term, size_t len) {
    unsigned c = (unsigned char)term[0];
    for (uint32_t i = f->start[c]; i < f->start[c + 1]; i++) {
        const ngi_filter_entry *e = &f->entries[i];
        if (e->prefix ? len >= e->len && !memcmp(term, e->bytes, e->len)
                      : len == e->len && !memcmp(term, e->bytes, len))
            return true;
    }
    return false;
}

struct ng_index;
struct ngi_settings;
/* The analyzer settings of the writer's index (the filter must analyse
 * the query as the index analyses text). */
const struct ngi_settings *ngi_writer_settings(const struct ng_index *ix);
/* Installs f on the writer, which takes ownership (also on failure).
 * NG_EINVAL when documents were added already or a filter is set. */
int ngi_writer_set_filter(struct ng_index *ix, ngi_filter *f);
/* Sets the handle's error detail (parse failures of ng_index_set_filter). */
int ngi_writer_error(struct ng_index *ix, int rc, const char *msg);

#endif /* NG_INDEX_FILTER_H */
