/*
 * textdump_int.h — internals shared by textdump.c (reading the lines),
 * textdump_line.c (what one line is) and textdump_articles.c (cutting the
 * articles out of the classified lines).
 */
#ifndef NG_TEXTDUMP_INT_H
#define NG_TEXTDUMP_INT_H

#include <stddef.h>
#include <stdint.h>

#include "extract/textdump.h"

/* Lines longer than this are never chrome, labels or date lines. */
#define SHORT_LINE 160

typedef struct tline {
    size_t off, len; /* the trimmed text */
    size_t group;    /* index of the first line with the same text */
    unsigned count;  /* how many lines have this text */
    unsigned words;  /* words (CJK characters count as half a word) */
    unsigned char blank_before, para, titleish, label, chrome, box, is_date, sentence;
    unsigned char headline;      /* its text is a repeated headline */
    unsigned char titled;        /* a page title near the top contains its text */
    unsigned char title_line;    /* that page title ("Headline | Site") */
    unsigned char free_standing; /* an occurrence stands outside repeated blocks */
    char date[11];
} tline;

typedef struct dump {
    const char *text;
    tline *lines;
    size_t n;
    size_t *slot; /* the lines by text: open addressing, line indexes */
    size_t slots; /* a power of two */
} dump;

/* ---- characters ------------------------------------------------------- */

static inline int is_space(unsigned char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v';
}

static inline int is_alnum(unsigned char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static inline int is_digit(unsigned char c) {
    return c >= '0' && c <= '9';
}

static inline unsigned char lower(unsigned char c) {
    return c >= 'A' && c <= 'Z' ? (unsigned char)(c + 32) : c;
}

/* Bytes of a space at s[0..n): ASCII blanks and U+00A0; 0 when none. */
static inline size_t space_at(const char *s, size_t n) {
    if (n && is_space((unsigned char)s[0])) return 1;
    if (n >= 2 && (unsigned char)s[0] == 0xC2 && (unsigned char)s[1] == 0xA0) return 2;
    return 0;
}

static inline size_t space_before(const char *s, size_t n) {
    if (n && is_space((unsigned char)s[n - 1])) return 1;
    if (n >= 2 && (unsigned char)s[n - 2] == 0xC2 && (unsigned char)s[n - 1] == 0xA0)
        return 2;
    return 0;
}

/* ---- one line (textdump_line.c) ---------------------------------------- */

/* A list of phrases ordered by first byte, built once per call of
 * ngi_textdump_split (counting sort; the library keeps no global state). */
#define MAX_PHRASES 128
typedef struct ngi_td_phrase_index {
    const char *const *list;
    unsigned char len[MAX_PHRASES];   /* strlen of list[k] */
    unsigned char order[MAX_PHRASES]; /* list indexes by first byte */
    unsigned char from[257];          /* order[from[c] .. from[c + 1]) start with c */
} ngi_td_phrase_index;

typedef struct ngi_td_vocab {
    ngi_td_phrase_index strong, weak;
} ngi_td_vocab;

/* Ends with a sentence mark, looking through closing quotes and brackets. */
int ngi_td_ends_sentence(const char *s, size_t n);
/* Words: runs between spaces; a CJK character counts half. */
unsigned ngi_td_count_words(const char *s, size_t n);
/* Characters of the CJK scripts (3-byte UTF-8 from U+3000). */
unsigned ngi_td_cjk_chars(const char *s, size_t n);
/* Words with a letter (numbers, bars and bullets are not counted). */
unsigned ngi_td_letter_words(const char *s, size_t n);
void ngi_td_vocab_build(ngi_td_vocab *v);
/* Sets l->chrome (and l->box) from the line's text s (l->len bytes). */
void ngi_td_classify_chrome(tline *l, const char *s, const ngi_td_vocab *v);

/* ---- articles (textdump_articles.c) ----------------------------------- */

/* The plain reading: title = the first line, body = the rest. */
int ngi_td_split_plain(const char *s, size_t n, ngi_td_result *r);
/* Several articles around repeated headlines. */
int ngi_td_split_headlines(const dump *d, ngi_td_result *r);
/* One article without a repeated headline. */
int ngi_td_split_single(const dump *d, ngi_td_result *r);

#endif /* NG_TEXTDUMP_INT_H */
