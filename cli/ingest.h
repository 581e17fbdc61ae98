/*
 * ingest.h — the input readers of the newsgrep command: byte sources (plain,
 * gzip, zstd, stdin), JSONL lines, HTML pages, text files and dates. They
 * turn bytes into ng_document values and know nothing about the index, so
 * the fuzz targets (tests/fuzz/fuzz_jsonl.c, fuzz_html.c) call them directly.
 */
#ifndef NGC_INGEST_H
#define NGC_INGEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "newsgrep.h"

/* ---- growable byte buffer (ingest.c) -------------------------------- */
typedef struct ngc_buf {
    char *data;  /* bytes (NUL-terminated when ngc_buf_cstr was called) */
    size_t len;  /* bytes used */
    size_t cap;  /* bytes allocated */
} ngc_buf;

/* All return 0, or -1 when out of memory. */
int ngc_buf_reserve(ngc_buf *b, size_t extra);
int ngc_buf_add(ngc_buf *b, const void *p, size_t n);
int ngc_buf_addc(ngc_buf *b, char c);
const char *ngc_buf_cstr(ngc_buf *b);
void ngc_buf_free(ngc_buf *b);

/* ---- documents under construction (ingest.c) ------------------------ */
/* Field values live in `bytes` (or point into the caller's input when
 * `external` is set), so that building a document costs no malloc per
 * field once the arrays have grown. */
typedef struct ngc_docb {
    ng_field *fields;  /* the fields, pointers fixed by ngc_docb_finish */
    size_t *voff;      /* value offset in bytes, or SIZE_MAX = external */
    size_t *noff;      /* name offset in bytes, or SIZE_MAX = external */
    size_t n, cap;     /* fields used / allocated */
    ngc_buf bytes;     /* names and values copied into the document */
} ngc_docb;

void ngc_docb_reset(ngc_docb *d);
/* Adds a field. copy: NGC_COPY_NAME / NGC_COPY_VALUE copy the name (then
 * NUL-terminated) / the value into the builder; otherwise the pointer is
 * kept and must outlive the document (a kept name must be NUL-terminated). */
#define NGC_COPY_NAME 1u
#define NGC_COPY_VALUE 2u
int ngc_docb_add(ngc_docb *d, const char *name, size_t name_len,
                 const char *value, size_t value_len, int role, unsigned copy);
/* Index of the first field with this role, or -1. */
int ngc_docb_find(const ngc_docb *d, int role);
/* Fixes the pointers and fills doc; valid until the next change. */
void ngc_docb_finish(ngc_docb *d, ng_document *doc);
void ngc_docb_free(ngc_docb *d);

/* ---- dates (date.c) -------------------------------------------------- */
/* Normalises "2025-06-17T10:00:00+02:00", "17 June 2025", "June 17, 2025",
 * "Tue, 17 Jun 2025 10:00:00 +0000", "2025/06/17" ... to "YYYY-MM-DD"
 * (the date as written, zone not applied). Returns 0, or -1 when the text is
 * not a date. */
int ngc_date_normalize(const char *s, size_t len, char out[11]);

/* ---- byte sources (source.c) ---------------------------------------- */
typedef struct ngc_src ngc_src;

/* Opens path ("-" = stdin); gzip and zstd (any window size) are detected
 * by their magic bytes and decompressed on the fly. Returns NULL with a
 * message in err on failure. */
ngc_src *ngc_src_open(const char *path, char *err, size_t err_len);
/* Reads up to n decompressed bytes; 0 at the end, -1 on error (message
 * in ngc_src_error). */
ssize_t ngc_src_read(ngc_src *s, void *buf, size_t n);
const char *ngc_src_error(const ngc_src *s);
/* Reads ahead up to n bytes without consuming them (call once, before any
 * read); *p points at them. Returns how many there are. */
size_t ngc_src_peek(ngc_src *s, const char **p, size_t n);
/* Raw (compressed) bytes consumed so far, for progress. */
uint64_t ngc_src_raw_pos(const ngc_src *s);
void ngc_src_close(ngc_src *s);
/* Reads the whole source into b (at most limit bytes; returns 1 when the
 * input was larger, 0 when complete, -1 on error). */
int ngc_src_slurp(ngc_src *s, ngc_buf *b, size_t limit);

/* ---- JSONL (jsonl.c) ------------------------------------------------- */
/* Which JSON keys carry the id, title, body and date (--id-field ...). */
typedef struct ngc_fieldmap {
    const char *id;     /* "id" */
    const char *title;  /* "title" */
    const char *body;   /* "body" */
    const char *date;   /* "date" */
} ngc_fieldmap;

void ngc_fieldmap_init(ngc_fieldmap *m);

/* Parses one JSONL line (one JSON object; len excludes the newline) into
 * d: every string member becomes a field with its own name, in input
 * order; the mapped keys get their roles (the others are stored); a
 * numeric id is kept as text;
 * dates are normalised (an unparseable date stays a stored field).
 * Values without escapes point into line (it must outlive the document).
 * Returns 0, 1 for a blank line, or -1 with a static reason in *why
 * (malformed JSON, missing id, ...). */
int ngc_jsonl_parse(const char *line, size_t len, const ngc_fieldmap *map,
                    ngc_docb *d, const char **why, size_t *why_pos);

/* ---- HTML (html.c) --------------------------------------------------- */
/* Called per document found in a page; doc lives during the call.
 * Return 0 to go on. */
typedef int (*ngc_doc_fn)(void *ctx, const ng_document *doc);

/* Extracts the article(s) of an HTML page through the library's
 * ng_extract_html (main content, title, date, author, url, site, lang);
 * one article gets id = path, several get path#1, path#2 ...; source =
 * path (the page's own address is stored as "url").
 * Returns the number of documents, or -1 when the page has no text or is
 * over a limit (*why says so), or the callback's non-zero value. */
int ngc_html_extract(const char *data, size_t len, const char *path,
                     ngc_doc_fn fn, void *ctx, const char **why);

/* ---- plain text / Markdown (text.c) ---------------------------------- */
/* One document: id and source = path, title = first non-empty line (a
 * Markdown "# " is dropped), body = the rest. */
int ngc_text_extract(const char *data, size_t len, const char *path,
                     ngc_doc_fn fn, void *ctx);
/* True when the bytes look binary (NUL bytes, many control bytes). */
bool ngc_looks_binary(const char *data, size_t len);

#endif /* NGC_INGEST_H */
