/*
 * textdump.h — scraped text dumps -> articles. A crawler that saves a news
 * page as plain text keeps the site's chrome (menus, share buttons, section
 * labels, "Recommended Articles" boxes, footers) and often repeats the
 * headline; a page may hold several articles. ngi_textdump_split finds the
 * headlines, the date lines and the article boundaries, and drops the
 * chrome. Text without any of these signs (a plain article: a title line and
 * paragraphs, Markdown) keeps the simple reading: title = the first line,
 * body = the rest, byte for byte.
 */
#ifndef NG_TEXTDUMP_H
#define NG_TEXTDUMP_H

#include <stddef.h>

/* One article found in the text; strings are owned and NUL-terminated. */
typedef struct ngi_td_article {
    char *title; /* the headline ("" when the text has none) */
    size_t title_len;
    char *body; /* the article's text, chrome removed */
    size_t body_len;
    char date[11]; /* "YYYY-MM-DD", or "" when no date line was found */
} ngi_td_article;

typedef struct ngi_td_result {
    ngi_td_article *articles;
    size_t count;
    int dump; /* 1: read as a scraped dump, 0: as a plain article */
} ngi_td_result;

/* Keep every line: title = first line, body = the rest (no chrome removal). */
#define NGI_TD_PLAIN 1u

/* Splits data[0..len) into articles (zero when the text is blank). Returns
 * 0, or NG_ENOMEM (out is then empty). Free with ngi_textdump_free. */
int ngi_textdump_split(const char *data, size_t len, unsigned flags, ngi_td_result *out);
void ngi_textdump_free(ngi_td_result *r);

/* The first date of a date line ("2025-06-18 17:33 Last Updated At:18:07",
 * "Published: 18.06.2025", "3. Juli 2019, 10:32 Uhr", "June 18, 2025"):
 * writes "YYYY-MM-DD" and returns 1 when the line is short and mostly a
 * date (read by the module's ngi_date_in_text), else returns 0. */
int ngi_textdump_date_line(const char *line, size_t len, char out[11]);

#endif /* NG_TEXTDUMP_H */
