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

#include "buf.h"
#include "newsgrep.h"

/* ---- documents under construction (ingest.c) ------------------------ */
/* Field values live in `bytes` (or point into the caller's input when
 * `external` is set), so that building a document costs no malloc per
 * field once the arrays have grown. */
typedef struct ngc_docb {
    ng_field *fields; /* the fields, pointers fixed by ngc_docb_finish */
    size_t *voff;     /* value offset in bytes, or SIZE_MAX = external */
    size_t *noff;     /* name offset in bytes, or SIZE_MAX = external */
    size_t n, cap;    /* fields used / allocated */
    ngc_buf bytes;    /* names and values copied into the document */
} ngc_docb;

void ngc_docb_reset(ngc_docb *d);
/* Adds a field. copy: NGC_COPY_NAME / NGC_COPY_VALUE copy the name (then
 * NUL-terminated) / the value into the builder; otherwise the pointer is
 * kept and must outlive the document (a kept name must be NUL-terminated). */
#define NGC_COPY_NAME  1u
#define NGC_COPY_VALUE 2u
int ngc_docb_add(ngc_docb *d, const char *name, size_t name_len, const char *value,
                 size_t value_len, int role, unsigned copy);
/* Index of the first field with this role, or -1. */
int ngc_docb_find(const ngc_docb *d, int role);
/* Fixes the pointers and fills doc; valid until the next change. */
void ngc_docb_finish(ngc_docb *d, ng_document *doc);
void ngc_docb_free(ngc_docb *d);

/* ---- dates (util.c) -------------------------------------------------- */
/* Normalises a document's date, any form ng_date_parse reads ("2025-06-17T
 * 10:00:00+02:00", "17 June 2025", "18 juin 2025" ...), to "YYYY-MM-DD"
 * (the date as written, zone not applied). Returns 0, or -1 when the text is
 * not a date of one day. */
int ngc_date_normalize(const char *s, size_t len, char out[11]);

/* ---- byte sources (source.c) ---------------------------------------- */
typedef struct ngc_src ngc_src;

/* Opens path ("-" = stdin); gzip and zstd are detected by their magic
 * bytes and decompressed on the fly. Returns NULL with a message in err on
 * failure. zstd windows up to zstd's default limit (128 MiB). */
ngc_src *ngc_src_open(const char *path, char *err, size_t err_len);
/* The same with zstd windows up to window_max bytes; a bigger one is
 * refused with a message ending in hint (may be NULL). */
ngc_src *ngc_src_open_window(const char *path, uint64_t window_max, const char *hint,
                             char *err, size_t err_len);
/* The window a zstd frame starting at head needs (bytes), or 0 when head
 * is not a zstd frame header. */
uint64_t ngc_zstd_window(const char *head, size_t n);
/* Reads up to n decompressed bytes; 0 at the end, -1 on error (message
 * in ngc_src_error). */
ssize_t ngc_src_read(ngc_src *s, void *buf, size_t n);
const char *ngc_src_error(const ngc_src *s);
/* Reads ahead up to n bytes without consuming them (call once, before any
 * read); *p points at them. Returns how many there are. */
size_t ngc_src_peek(ngc_src *s, const char **p, size_t n);
/* Raw (compressed) bytes consumed so far, for progress. */
uint64_t ngc_src_raw_pos(const ngc_src *s);
/* Whether the source is gzip or zstd. */
bool ngc_src_compressed(const ngc_src *s);
void ngc_src_close(ngc_src *s);
/* Reads the whole source into b (at most limit bytes; returns 1 when the
 * input was larger, 0 when complete, -1 on error). */
int ngc_src_slurp(ngc_src *s, ngc_buf *b, size_t limit);

/* ---- JSONL (jsonl.c) ------------------------------------------------- */
/* Which JSON keys carry the id, title, body, date and source (--id-field
 * ...). NULL = automatic: the first key present of a list of the names
 * news exports use (id, _id, guid, uuid, url, link; title, headline,
 * subject; body, text, content, article, story, description, summary,
 * abstract; date, published, published_at, publishedAt, pubDate, ...;
 * source: only when named). Listed by ngc_fieldmap_names. */
typedef struct ngc_fieldmap {
    const char *id;     /* NULL: automatic */
    const char *title;  /* NULL: automatic */
    const char *body;   /* NULL: automatic */
    const char *date;   /* NULL: automatic */
    const char *source; /* NULL: none (a publication's name is not a path) */
    bool id_optional;   /* grep mode names documents PATH:LINE itself */
} ngc_fieldmap;

void ngc_fieldmap_init(ngc_fieldmap *m);
/* The keys tried for a role (NG_FIELD_ID ... NG_FIELD_DATE) when the map
 * leaves it automatic, as "a, b, c" (for messages and --help). */
const char *ngc_fieldmap_names(int role);

/* Parses one JSONL line (one JSON object; len excludes the newline) into
 * d: every string member becomes a field with its own name, in input
 * order; the mapped keys get their roles (the others are stored); a
 * numeric id is kept as text;
 * dates are normalised (an unparseable date stays a stored field).
 * Values without escapes point into line (it must outlive the document).
 * Keys are checked: no duplicates (a hash set: linear in the members),
 * no empty key, no NUL (\u0000) in a key.
 * Returns 0, 1 for a blank line, or -1 with a static reason in *why
 * (malformed JSON, missing id, ...). */
int ngc_jsonl_parse(const char *line, size_t len, const ngc_fieldmap *map, ngc_docb *d,
                    const char **why, size_t *why_pos);

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
int ngc_html_extract(const char *data, size_t len, const char *path, ngc_doc_fn fn,
                     void *ctx, const char **why);

/* Bytes of memory that parsing the page takes, about: the page and the
 * parse tree of its elements (ngc_html_parse_bytes counts every '<' before
 * a letter, so it errs high). Measured with newsgrep index: pages of
 * 100,000 and 399,000 <p> elements peak 463 and 451 bytes an element
 * above the program and the page. */
#define NGC_HTML_ELEMENT_BYTES 464
size_t ngc_html_parse_bytes(const char *data, size_t len);

/* ---- plain text / Markdown / text dumps (text.c) ---------------------- */
/* The article(s) of a text file (ng_extract_text): a plain article gives
 * one document, id and source = path, title = first non-empty line (a
 * Markdown "# " is dropped), body = the rest; a scraped dump gives one
 * document per article (ids path#1, path#2 ... when several), chrome
 * dropped, dated. Returns 0, -1 when out of memory, or the callback's
 * non-zero value. */
int ngc_text_extract(const char *data, size_t len, const char *path, ngc_doc_fn fn,
                     void *ctx);
/* True when the bytes look binary (NUL bytes, many control bytes). */
bool ngc_looks_binary(const char *data, size_t len);

#endif /* NGC_INGEST_H */
