/*
 * query.h — the parsed query (struct ng_query): a tree of analysed words,
 * phrases, unexpanded prefixes, groups and date ranges, made from the
 * text alone (parse.c: the grammar; tree.c: building, normalising,
 * printing). Nothing here depends on an index: what a query means for
 * one snapshot (prefix expansions, statistics, iterators) is planned at
 * search time (plan.h).
 */
#ifndef NG_QUERY_H
#define NG_QUERY_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/common.h"
#include "analyze/analyze.h"

/* ---- query tree ------------------------------------------------------ */

#define NGI_QNONE UINT32_MAX /* "no node" in child/sibling links */

enum ngi_qkind {
    NGI_Q_EMPTY = 0, /* matches nothing (a word that analysed to nothing) */
    NGI_Q_TERM,      /* one analysed term */
    NGI_Q_PHRASE,    /* words at relative positions, exact or ~slop */
    NGI_Q_GROUP,     /* boolean group: must / should / not children */
    NGI_Q_DATE,      /* date range filter (scores 0) */
    NGI_Q_PREFIX     /* prefix*: every indexed term starting with it,
                        scored as one blended term (plan.c) */
};

/* How a child takes part in its group (Lucene's BooleanQuery model):
 * every MUST child matches, no NOT child matches, and when the group has
 * no MUST child at least one SHOULD child matches. The score is the sum
 * of the scores of the matching MUST and SHOULD children. */
enum ngi_occur { NGI_SHOULD = 0, NGI_MUST = 1, NGI_NOT = 2 };

/* Field restriction of a leaf. */
enum ngi_qfield { NGI_FIELD_ANY = 0, NGI_FIELD_TITLE = 1, NGI_FIELD_BODY = 2 };

typedef struct ngi_qnode {
    uint8_t kind;    /* an ngi_qkind */
    uint8_t occur;   /* an ngi_occur, relative to the parent group */
    uint8_t field;   /* an ngi_qfield (leaves) */
    double weight;   /* times this leaf occurs in the query (qtf); a
                          real weight in expanded queries (feedback.c) */
    uint32_t term;   /* TERM: index in the term table */
    uint32_t first;  /* PHRASE: first word in q->words;
                          PREFIX: byte offset in q->prefixes */
    uint32_t n;      /* PHRASE: words; GROUP: children; PREFIX: bytes */
    uint32_t slop;   /* PHRASE: 0 = exact, N = within N extra positions */
    uint32_t child;  /* GROUP: first child node, or NGI_QNONE */
    uint32_t next;   /* next sibling in the parent group, or NGI_QNONE */
    uint32_t last;   /* GROUP: last child (for appends), or NGI_QNONE */
    int32_t since;   /* DATE: first day (inclusive), INT32_MIN = open */
    int32_t until;   /* DATE: last day (inclusive), INT32_MAX = open */
    uint32_t offset; /* byte offset in the query text (messages) */
} ngi_qnode;

/* A word of a phrase. */
typedef struct ngi_qword {
    uint32_t term; /* index in the term table */
    uint32_t rel;  /* position relative to the phrase's first word */
} ngi_qword;

struct ng_query {
    ngi_error err;     /* parse error detail */
    size_t err_offset; /* byte offset of the parse error */
    ngi_qnode *nodes;  /* the tree; nodes[root] is a GROUP */
    size_t n_nodes, cap_nodes;
    uint32_t root;    /* root group node */
    ngi_qword *words; /* phrase words */
    size_t n_words, cap_words;
    ngi_buf term_bytes; /* term strings, each NUL-terminated */
    uint32_t *term_off; /* offset of term i in term_bytes */
    uint32_t *term_len; /* bytes of term i */
    size_t n_terms, cap_terms;
    size_t n_leaf_words;     /* words counted against NG_MAX_QUERY_TERMS */
    ngi_buf prefixes;        /* folded prefix* words, each NUL-terminated */
    size_t n_prefix_nodes;   /* PREFIX nodes */
    char language[32];       /* analyzer settings the query was made with: */
    unsigned analyzer_flags; /* ng_search refuses an index with others */
    char warning[160];       /* "" or a note (stopword-only query) */
};

/* Parses text with the given analyzers: `a` analyses words like the
 * index does; `fold` (flags + NO_STEM + NO_STOP) normalises prefixes (NULL:
 * made from a's settings if the text has a prefix). Same errors and *out
 * rules as ng_query_parse. */
int ngi_query_parse_with(ng_query **out, ng_analyzer *a, ng_analyzer *fold,
                         const char *text, size_t len, unsigned flags);

/* Appends a one-line rendering of the tree to out, e.g.
 * `(+a b -"c _ d"~2 title:e date:2025-01-01..)`; for tests and explain. */
int ngi_query_dump(const ng_query *q, ngi_buf *out);

static inline const char *ngi_query_term(const ng_query *q, uint32_t t) {
    return (const char *)q->term_bytes.data + q->term_off[t];
}

/* The folded prefix of a PREFIX node (NUL-terminated, n->n bytes). */
static inline const char *ngi_query_prefix(const ng_query *q, const ngi_qnode *n) {
    return (const char *)q->prefixes.data + n->first;
}

/* ---- presentation (snippet.c) ---------------------------------------- */

/* Builds the snippet of text (len bytes) for the query's positive terms:
 * appends the snippet to out and its highlight spans to spans. */
int ngi_snippet_build(ng_analyzer *a, const ng_query *q, const char *text, size_t len,
                      size_t target, ngi_buf *out, ngi_buf *spans);

#endif /* NG_QUERY_H */
