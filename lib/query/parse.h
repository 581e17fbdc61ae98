/*
 * parse.h — private to the parser: its state, shared by the grammar
 * (parse.c) and the tree builder (tree.c).
 */
#ifndef NG_PARSE_H
#define NG_PARSE_H

#include "query.h"

enum tok_kind {
    T_EOF,
    T_LPAREN,
    T_RPAREN,
    T_AND,
    T_OR,
    T_NOT,
    T_PLUS,
    T_MINUS,
    T_FIELD,
    T_WORD,
    T_PHRASE
};

typedef struct tok {
    int kind;      /* a tok_kind */
    size_t off;    /* byte offset in the query text */
    size_t len;    /* bytes of the word / phrase contents */
    const char *s; /* word / phrase contents (inside the quotes) */
    int field;     /* T_FIELD: ngi_qfield, or NGI_FIELD_DATE */
    long slop;     /* T_PHRASE: ~N, or -1 when absent */
} tok;

#define NGI_FIELD_DATE 3 /* date: (a filter, not a field of the text) */

typedef struct parser {
    ng_query *q;             /* the query being built */
    ng_analyzer *a;          /* index analyzer */
    ng_analyzer *fold;       /* prefix normaliser (made at the first
                               prefix when NULL: it costs a term cache) */
    ng_analyzer *fold_owned; /* that one, freed after the parse */
    const char *text;        /* query text */
    size_t len;              /* its bytes */
    size_t pos;              /* lexer position */
    tok cur;                 /* current token */
    unsigned flags;          /* ng_query_flags */
    ngi_buf toks;            /* scratch: analysed tokens (struct atok) */
    ngi_buf tbytes;          /* scratch: their term bytes */
    size_t stopwords;        /* words that analysed to nothing */
} parser;

/* An analysed token in scratch. */
typedef struct atok {
    uint32_t off; /* offset of its term in tbytes */
    uint32_t len; /* term bytes */
    uint32_t pos; /* analyzer position */
    size_t start; /* its first byte in the analysed text */
} atok;

/* Records the first error ("... at position off") and returns code. */
int ngi_perr(parser *p, int code, size_t off, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Tree building (tree.c). */
int ngi_new_node(parser *p, int kind, size_t off, uint32_t *out);
void ngi_add_child(ng_query *q, uint32_t g, uint32_t c, int occur);
/* Analyses s[0..n) with a into p->toks; *count = tokens. */
int ngi_analyse(parser *p, ng_analyzer *a, const char *s, size_t n, size_t off,
                size_t *count);
/* Turns p->toks (n of them) into EMPTY, TERM or PHRASE. */
int ngi_leaf_from_tokens(parser *p, size_t n, long slop, int field, size_t off,
                         uint32_t *out);
/* Adds the leaf of analysed token i as a TERM child of g. */
int ngi_add_token_term(parser *p, size_t i, uint32_t g, size_t off, int occur);
/* A PREFIX leaf for word s[0..n) (trailing '*'s included). */
int ngi_prefix_leaf(parser *p, const char *s, size_t n, int field, size_t off,
                    uint32_t *out);
/* Normalises the tree and sets q->root (a GROUP). */
int ngi_normalise(parser *p, uint32_t root);

#endif /* NG_PARSE_H */
