/*
 * ingest_run.c — walks the inputs of `newsgrep index` (and of grep-style
 * search): files, folders (sorted, recursive, hidden entries skipped,
 * --include/--exclude), stdin; picks a reader per file; hands documents to
 * the index; reports bad inputs as FILE:LINE: reason and keeps going; draws
 * the progress bar when stderr is a terminal.
 */
#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

#define JSONL_BUF          (8u << 20)          /* initial JSONL read buffer (at most) */
#define DEFAULT_RAM        ((size_t)256 << 20) /* the writer's default --ram-mb */
#define MIB                ((size_t)1 << 20)
#define PROGRESS_EVERY     0.2 /* seconds between progress updates */
#define MAX_WALK_DEPTH     64  /* folder nesting followed */
#define LINE_MSGS_PER_FILE 10  /* bad lines named per file; the rest counted */

enum fmt { FMT_AUTO, FMT_JSONL, FMT_HTML, FMT_TEXT };

typedef struct run {
    ng_index *ix;             /* target index (NULL: dry run) */
    const ngc_ingest_opts *o; /* options */
    ngc_ingest_stats *st;     /* counters */
    const char *file;         /* the file being read ("<stdin>" for -) */
    uint64_t line;            /* its line (JSONL), 0 otherwise */
    uint64_t since_commit;    /* documents since the last commit */
    ngc_docb grep_doc;        /* grep mode: the rewritten JSONL document */
    /* progress */
    bool progress;        /* draw the bar */
    double t0, last_draw; /* start / last draw */
    uint64_t total_bytes; /* raw bytes of all inputs (0: unknown) */
    uint64_t done_bytes;  /* raw bytes of the files finished */
    ngc_src *cur;         /* source being read */
    /* the file being read */
    uint64_t line_msgs;      /* bad lines reported */
    uint64_t unshown;        /* and counted without a message */
    const char *unshown_why; /* their reason, or "bad" when mixed */
    uint64_t file_docs;      /* JSONL documents read */
    uint64_t file_text_docs; /* of which with title or body text */
    char keys_seen[256];     /* the keys of its first document without */
    bool silent;             /* planning: no messages, no counts */
} run;

typedef struct file_list {
    char **path;   /* collected file paths */
    size_t n, cap; /* used / allocated */
} file_list;

void ngc_ingest_opts_init(ngc_ingest_opts *o) {
    memset(o, 0, sizeof *o);
    o->format = "auto";
    ngc_fieldmap_init(&o->map);
    o->max_doc_bytes = NG_DEFAULT_MAX_DOC_BYTES;
    o->zstd_window_max = (uint64_t)1 << 27; /* zstd's own default limit */
}

/* ---- problems ------------------------------------------------------- */

static void tally(ngc_ingest_stats *st, const char *reason) {
    st->skipped++;
    for (size_t i = 0; i < st->n_reasons; i++)
        if (strcmp(st->reason[i], reason) == 0) {
            st->reason_n[i]++;
            return;
        }
    if (st->n_reasons < 8) {
        st->reason[st->n_reasons] = reason;
        st->reason_n[st->n_reasons++] = 1;
    }
}

static void clear_progress(run *r) {
    if (r->progress && r->last_draw > 0) fputs("\r\033[K", stderr);
}

/* newsgrep: FILE[:LINE]: detail — and one more skip of kind `reason`. */
static void problem(run *r, const char *reason, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void problem(run *r, const char *reason, const char *fmt, ...) {
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r->silent) return;
    if (reason) tally(r->st, reason);
    if (r->line && r->line_msgs >= LINE_MSGS_PER_FILE) { /* no flood */
        if (!r->unshown++)
            r->unshown_why = reason ? reason : "bad";
        else if (!reason || strcmp(r->unshown_why, reason) != 0)
            r->unshown_why = "bad";
        return;
    }
    clear_progress(r);
    if (r->line) {
        r->line_msgs++;
        ngc_err("%s:%llu: %s", r->file, (unsigned long long)r->line, msg);
    } else {
        ngc_err("%s: %s", r->file, msg);
    }
}

/* The end of a file: the bad lines not shown, and a JSONL file whose
 * documents have no text where the key map looks. */
static void file_notes(run *r) {
    if (r->unshown) {
        clear_progress(r);
        bool malformed = strcmp(r->unshown_why, "malformed JSON") == 0;
        ngc_err("and %llu more %s line%s in %s", (unsigned long long)r->unshown,
                malformed                            ? "malformed"
                : strcmp(r->unshown_why, "bad") == 0 ? "bad"
                                                     : r->unshown_why,
                r->unshown == 1 ? "" : "s", r->file);
    }
    if (r->file_docs && !r->file_text_docs) {
        const ngc_fieldmap *m = &r->o->map;
        char title[200], body[200];
        snprintf(title, sizeof title, "%s",
                 m->title ? m->title : ngc_fieldmap_names(NG_FIELD_TITLE));
        snprintf(body, sizeof body, "%s",
                 m->body ? m->body : ngc_fieldmap_names(NG_FIELD_BODY));
        clear_progress(r);
        ngc_err("%s: no document has text under a title key (%s) or a body key (%s); "
                "its keys: %s (name them with --title-field and --body-field)",
                r->file, title, body, r->keys_seen);
    }
    r->line_msgs = r->unshown = r->file_docs = r->file_text_docs = 0;
    r->keys_seen[0] = '\0';
}

/* Counts a JSONL document with or without title/body text, keeping the
 * keys of the first one without, for file_notes. */
static void note_text(run *r, const ng_document *doc) {
    r->file_docs++;
    for (size_t i = 0; i < doc->n_fields; i++) {
        int role = doc->fields[i].role;
        if ((role == NG_FIELD_TITLE || role == NG_FIELD_BODY) &&
            doc->fields[i].value_len) {
            r->file_text_docs++;
            return;
        }
    }
    if (r->keys_seen[0]) return;
    size_t o = 0;
    for (size_t i = 0; i < doc->n_fields && o < sizeof r->keys_seen; i++)
        o += (size_t)snprintf(r->keys_seen + o, sizeof r->keys_seen - o, "%s%s",
                              i ? ", " : "", doc->fields[i].name);
    if (!doc->n_fields)
        snprintf(r->keys_seen, sizeof r->keys_seen, "none with a text value");
}

/* ---- progress ------------------------------------------------------- */

static void draw_progress(run *r, bool force) {
    double now = ngc_now();
    if (!r->progress || (!force && now - r->last_draw < PROGRESS_EVERY)) return;
    r->last_draw = now;
    /* The bar and ETA follow the raw (maybe compressed) bytes; the sizes
     * and rate shown are of the text. */
    uint64_t done = r->done_bytes + (r->cur ? ngc_src_raw_pos(r->cur) : 0);
    double el = now - r->t0, mb = (double)r->st->text_bytes / 1e6,
           rate = el > 0 ? mb / el : 0;
    double raw_rate = el > 0 ? (double)done / el : 0;
    char bar[64] = "", eta[32] = "";
    if (r->total_bytes) {
        double f = (double)done / (double)r->total_bytes;
        int w = 24, full = (int)(f * w + 0.5);
        if (full > w) full = w;
        snprintf(bar, sizeof bar, "[%.*s%*s] ", full, "########################",
                 w - full, "");
        if (raw_rate > 0 && f < 1) {
            double left = ((double)r->total_bytes - (double)done) / raw_rate;
            snprintf(eta, sizeof eta, "  ETA %d:%02d", (int)left / 60, (int)left % 60);
        }
    }
    fprintf(stderr, "\r\033[K%s%llu docs  %.1f MB  %.1f MB/s%s", bar,
            (unsigned long long)r->st->docs, mb, rate, eta);
    fflush(stderr);
}

/* ---- documents -------------------------------------------------------- */

static size_t doc_bytes(const ng_document *doc) {
    size_t n = 0;
    for (size_t i = 0; i < doc->n_fields; i++) n += doc->fields[i].value_len;
    return n;
}

/* --dry-run: the document as one JSON line. */
static void print_doc_json(const ng_document *doc) {
    json_t *o = json_object();
    for (size_t i = 0; i < doc->n_fields; i++) ngc_json_set_field(o, &doc->fields[i]);
    ngc_json_print_line(o);
}

static int commit(run *r) {
    int rc = ng_index_commit(r->ix);
    if (rc < 0) {
        clear_progress(r);
        ngc_err("commit: %s", ng_index_errmsg(r->ix));
        r->st->fatal = true;
        return -2;
    }
    r->since_commit = 0;
    return 0;
}

/* What sets the document size limit, for messages. */
static const char *limit_name(const ngc_ingest_opts *o) {
    static char text[96];
    if (!o->max_doc_by_ram) return "--max-doc-mb";
    snprintf(text, sizeof text,
             "1/16 of what --ram-mb %zu leaves the index; raise --ram-mb",
             o->ram_bytes / MIB);
    return text;
}

/* The sink of every reader: returns 0, or -2 when the index failed. */
static int add_doc(void *ctx, const ng_document *doc) {
    run *r = ctx;
    if (ngc_interrupted()) return -2; /* Ctrl-C: stop here, the command commits */
    ngc_note_bad_date(r->st, doc, r->o->map.date, r->file, r->line);
    size_t n = doc_bytes(doc);
    if (n > r->o->max_doc_bytes) {
        problem(r, "over the size limit",
                "document of %zu bytes is over the limit of %zu bytes (%s)", n,
                r->o->max_doc_bytes, limit_name(r->o));
        return 0;
    }
    if (r->o->dry_run) {
        print_doc_json(doc);
        r->st->docs++;
        return 0;
    }
    int rc = ng_index_add(r->ix, doc);
    if (rc == NG_EDOC || rc == NG_ELIMIT) {
        problem(r, rc == NG_EDOC ? "invalid document" : "over a limit", "%s",
                ng_index_errmsg(r->ix));
        return 0;
    }
    if (rc < 0) {
        clear_progress(r);
        ngc_err("%s: %s", r->file, ng_index_errmsg(r->ix));
        r->st->fatal = true;
        return -2;
    }
    r->st->docs++;
    if (r->o->commit_every && ++r->since_commit >= r->o->commit_every) return commit(r);
    return 0;
}

/* "path:LINE" in out (cut to size - 1 bytes, as snprintf cuts it): a
 * snprintf per line was 2% of grep mode's instructions on reuters21578. */
static void grep_id(char *out, size_t size, const char *file, uint64_t line) {
    char digits[24];
    size_t nd = 0;
    do digits[nd++] = (char)('0' + line % 10);
    while ((line /= 10) != 0);
    size_t n = 0, fl = strlen(file);
    for (size_t i = 0; i < fl && n + 1 < size; i++) out[n++] = file[i];
    if (n + 1 < size) out[n++] = ':';
    while (nd && n + 1 < size) out[n++] = digits[--nd];
    out[n] = '\0';
}

/* Grep mode: id = path:LINE (ids of different files may clash), source =
 * path; the document's own id and source are kept as stored fields. */
static int add_grep_doc(run *r, ngc_docb *d) {
    char id[NG_MAX_ID_BYTES];
    grep_id(id, sizeof id, r->file, r->line);
    ng_document doc;
    ngc_docb_finish(d, &doc);
    ngc_docb *g = &r->grep_doc;
    ngc_docb_reset(g);
    int rc = ngc_docb_add(g, "id", 2, id, strlen(id), NG_FIELD_ID, NGC_COPY_VALUE);
    rc |= ngc_docb_add(g, "source", 6, r->file, strlen(r->file), NG_FIELD_SOURCE, 0);
    for (size_t i = 0; i < doc.n_fields && !rc; i++) {
        ng_field f = doc.fields[i];
        if (f.role == NG_FIELD_ID || f.role == NG_FIELD_SOURCE) f.role = NG_FIELD_STORED;
        rc |= ngc_docb_add(g, f.name, strlen(f.name), f.value, f.value_len, f.role, 0);
    }
    if (rc) {
        problem(r, "out of memory", "out of memory");
        return 0;
    }
    ngc_docb_finish(g, &doc);
    return add_doc(r, &doc);
}

/* ---- JSONL -------------------------------------------------------------- */

static int jsonl_line_utf8(run *r, ngc_docb *d, const char *p, size_t n);

/* A line that is not UTF-8 but Latin-1/Windows-1252 is converted first
 * (its JSON syntax is ASCII either way). */
static int jsonl_line(run *r, ngc_docb *d, const char *p, size_t n) {
    char *u = NULL;
    size_t un = 0;
    if (n > r->o->max_doc_bytes ||
        ng_text_to_utf8(p, n, NG_TEXT_DEFAULT, &u, &un, NULL) || !u)
        return jsonl_line_utf8(r, d, p, n);
    int rc = jsonl_line_utf8(r, d, u, un);
    ng_text_free(u);
    return rc;
}

static int jsonl_line_utf8(run *r, ngc_docb *d, const char *p, size_t n) {
    const char *why;
    size_t pos;
    r->line++;
    if (r->line == 1 && n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) {
        p += 3; /* a UTF-8 byte order mark */
        n -= 3;
    }
    if (n > r->o->max_doc_bytes) {
        problem(r, "over the size limit",
                "line of %zu bytes is over the limit of %zu bytes (%s)", n,
                r->o->max_doc_bytes, limit_name(r->o));
        return 0;
    }
    int rc = ngc_jsonl_parse(p, n, &r->o->map, d, &why, &pos);
    if (rc == 1) return 0;
    if (rc < 0) {
        if (strcmp(why, "missing id") == 0 || strcmp(why, "empty id") == 0) {
            if (r->o->map.id)
                problem(r, "missing id", "%s (--id-field %s)", why, r->o->map.id);
            else
                problem(r, "missing id", "%s (no key %s; name it with --id-field)", why,
                        ngc_fieldmap_names(NG_FIELD_ID));
        } else
            problem(r, "malformed JSON", "malformed JSON: %s at column %zu", why,
                    pos + 1);
        return 0;
    }
    ng_document doc;
    ngc_docb_finish(d, &doc);
    note_text(r, &doc);
    if (r->o->grep_ids) return add_grep_doc(r, d);
    return add_doc(r, &doc);
}

/* The JSONL read buffer: 8 MiB, less under a small budget. */
static size_t jsonl_buf_bytes(const ngc_ingest_opts *o) {
    size_t ram = o->ram_bytes ? o->ram_bytes : DEFAULT_RAM, b = ram / 32;
    return b < ((size_t)1 << 18) ? (size_t)1 << 18 : b > JSONL_BUF ? JSONL_BUF : b;
}

/* Streams lines through a large buffer; a line longer than the size limit
 * is skipped up to its newline without being held in memory. */
static int read_jsonl(run *r, ngc_src *src) {
    ngc_buf b = {0};
    ngc_docb d = {0};
    size_t start = 0;
    bool skipping = false, eof = false;
    int rc = 0;
    if (ngc_buf_reserve(&b, jsonl_buf_bytes(r->o)) < 0) {
        problem(r, "out of memory", "out of memory");
        return 0;
    }
    while (rc == 0) {
        const char *nl;
        while (rc == 0 && (nl = memchr(b.data + start, '\n', b.len - start)) != NULL) {
            size_t n = (size_t)(nl - (b.data + start));
            if (skipping)
                skipping = false; /* the end of the over-long line */
            else
                rc = jsonl_line(r, &d, b.data + start, n);
            start += n + 1;
            if (r->progress && (r->line & 1023) == 0) /* the clock is cheap, not free */
                draw_progress(r, false);
        }
        if (rc || eof) {
            if (!rc && !skipping && start < b.len)
                rc = jsonl_line(r, &d, b.data + start, b.len - start);
            break;
        }
        if (!skipping && b.len - start > r->o->max_doc_bytes) {
            r->line++;
            problem(r, "over the size limit", "line is over the limit of %zu bytes (%s)",
                    r->o->max_doc_bytes, limit_name(r->o));
            skipping = true;
        }
        if (skipping) start = b.len; /* drop what we have of it */
        memmove(b.data, b.data + start, b.len - start);
        b.len -= start;
        start = 0;
        if (b.cap - b.len < (1u << 16) && ngc_buf_reserve(&b, b.cap) < 0) {
            problem(r, "out of memory", "out of memory");
            break;
        }
        ssize_t got = ngc_src_read(src, b.data + b.len, b.cap - b.len - 1);
        if (got < 0) {
            r->line = 0;
            problem(r, "unreadable file", "%s", ngc_src_error(src));
            break;
        }
        eof = got == 0;
        b.len += (size_t)got;
        r->st->text_bytes += (uint64_t)got;
    }
    if (rc == 0 && !r->file_docs && !r->line_msgs && !r->unshown) {
        r->line = 0; /* said of the file, as for an empty text file */
        problem(r, NULL, "empty file skipped");
    }
    ngc_docb_free(&d);
    ngc_buf_free(&b);
    return rc;
}

/* ---- whole files: HTML and text -------------------------------------- */

static bool has_ext(const char *name, size_t n, const char *const *exts) {
    for (int i = 0; exts[i]; i++) {
        size_t e = strlen(exts[i]);
        if (n > e && strncasecmp(name + n - e, exts[i], e) == 0) return true;
    }
    return false;
}

/* Format from the file name (a .gz/.zst suffix is looked through). */
static int fmt_from_name(const char *path) {
    static const char *const zext[] = {".gz", ".zst", ".gzip", ".zstd", NULL};
    static const char *const jext[] = {".jsonl", ".ndjson", ".json", ".jsonlines", NULL};
    static const char *const hext[] = {".html", ".htm", ".xhtml", ".shtml", NULL};
    static const char *const text[] = {".txt", ".text", ".md", ".markdown", ".rst", NULL};
    size_t n = strlen(path);
    for (int i = 0; zext[i]; i++) {
        size_t e = strlen(zext[i]);
        if (n > e && strcasecmp(path + n - e, zext[i]) == 0) {
            n -= e;
            break;
        }
    }
    if (has_ext(path, n, jext)) return FMT_JSONL;
    if (has_ext(path, n, hext)) return FMT_HTML;
    if (has_ext(path, n, text)) return FMT_TEXT;
    return FMT_AUTO;
}

/* Format from the first bytes. */
static int fmt_from_bytes(const char *p, size_t n) {
    size_t i = n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0 ? 3 : 0;
    while (i < n && (p[i] == ' ' || p[i] == '\t' || p[i] == '\r' || p[i] == '\n')) i++;
    if (i < n && p[i] == '{') return FMT_JSONL;
    size_t m = n < 2048 ? n : 2048;
    static const char *const tags[] = {"<!doctype html", "<html", "<head", "<body", NULL};
    for (size_t k = i; k < m; k++)
        for (int t = 0; tags[t]; t++)
            if (m - k >= strlen(tags[t]) &&
                strncasecmp(p + k, tags[t], strlen(tags[t])) == 0)
                return FMT_HTML;
    return FMT_TEXT;
}

static bool is_blank(const char *p, size_t n) {
    for (size_t i = 0; i < n; i++)
        if (p[i] != ' ' && p[i] != '\t' && p[i] != '\r' && p[i] != '\n') return false;
    return true;
}

static int read_whole(run *r, ngc_src *src, int fmt, const char *id) {
    ngc_buf b = {0};
    int rc = 0, s = ngc_src_slurp(src, &b, r->o->max_doc_bytes);
    const char *why = NULL;
    size_t need = 0;
    r->st->text_bytes += b.len;
    if (s < 0)
        problem(r, "unreadable file", "%s", ngc_src_error(src));
    else if (s > 0)
        problem(r, "over the size limit", "file is over the limit of %zu bytes (%s)",
                r->o->max_doc_bytes, limit_name(r->o));
    else if (is_blank(b.data, b.len))
        problem(r, NULL, "empty file skipped");
    else if (ngc_looks_binary(b.data ? b.data : "", b.len)) {
        problem(r, NULL, "binary file skipped");
        r->st->binary++;
    } else if (fmt == FMT_HTML && r->o->max_parse_bytes &&
               (need = ngc_html_parse_bytes(b.data, b.len)) > r->o->max_parse_bytes) {
        /* The parse tree is held beside the writer's documents: it gets
         * the share of one document, as the page's own bytes do. */
        problem(
            r, "over the size limit",
            "page of %zu elements would take about %zu MiB to parse, over the limit "
            "of %zu bytes (1/16 of what --ram-mb %zu leaves the index; raise --ram-mb)",
            (need - b.len) / NGC_HTML_ELEMENT_BYTES, need / MIB + 1,
            r->o->max_parse_bytes, r->o->ram_bytes / MIB);
    } else if (fmt == FMT_HTML) {
        rc = ngc_html_extract(b.data, b.len, id, add_doc, r, &why);
        if (rc == -1 && why) problem(r, NULL, "%s; skipped", why);
    } else {
        rc = ngc_text_extract(b.data ? b.data : "", b.len, id, add_doc, r);
    }
    ngc_buf_free(&b);
    return rc < -1 ? rc : 0;
}

static int read_one(run *r, const char *path, int fmt_opt) {
    char err[512];
    bool in = strcmp(path, "-") == 0;
    r->file = in ? "<stdin>" : path;
    r->line = 0;
    if (r->o->verbose) {
        clear_progress(r);
        ngc_err("reading %s", r->file);
    }
    ngc_src *src = ngc_src_open_window(path, r->o->zstd_window_max, r->o->zstd_hint, err,
                                       sizeof err);
    if (!src) {
        problem(r, "unreadable file", "%s", err);
        return 0;
    }
    r->cur = src;
    int fmt = fmt_opt != FMT_AUTO ? fmt_opt : in ? FMT_AUTO : fmt_from_name(path), rc;
    if (fmt == FMT_AUTO) {
        const char *p;
        size_t n = ngc_src_peek(src, &p, 4096);
        fmt = fmt_from_bytes(p, n);
    }
    if (fmt == FMT_JSONL) {
        const char *p;
        size_t n = ngc_src_peek(src, &p, 4096);
        if (ngc_looks_binary(p, n)) { /* even with --format jsonl */
            problem(r, NULL, "binary file skipped");
            r->st->binary++;
            /* what was read of it; all of it when it is not compressed */
            r->st->text_bytes += ngc_src_compressed(src) ? n : ngc_src_raw_pos(src);
            rc = 0;
        } else {
            rc = read_jsonl(r, src);
        }
        file_notes(r);
    } else
        rc = read_whole(r, src, fmt, in ? "stdin" : path);
    r->done_bytes += ngc_src_raw_pos(src);
    r->st->bytes += ngc_src_raw_pos(src);
    r->cur = NULL;
    ngc_src_close(src);
    return rc;
}

/* ---- folders ------------------------------------------------------------ */

static bool glob_any(const char *const *globs, size_t n, const char *path,
                     const char *base) {
    for (size_t i = 0; i < n; i++)
        if (fnmatch(globs[i], base, 0) == 0 || fnmatch(globs[i], path, 0) == 0)
            return true;
    return false;
}

static int list_add(file_list *fl, const char *path) {
    if (fl->n == fl->cap) {
        char **p = ngc_grow(fl->path, &fl->cap, sizeof *p);
        if (!p) return -1;
        fl->path = p;
    }
    return (fl->path[fl->n] = strdup(path)) ? (int)(fl->n++ * 0) : -1;
}

static int cmp_str(const void *a, const void *b) {
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static void walk(run *r, const char *dir, int depth, file_list *fl) {
    DIR *d = opendir(dir);
    file_list names = {0};
    if (!d) {
        r->file = dir;
        r->line = 0;
        problem(r, "unreadable file", "%s", strerror(errno));
        return;
    }
    for (struct dirent *e; (e = readdir(d)) != NULL;)
        if (e->d_name[0] != '.' && list_add(&names, e->d_name) < 0) break;
    closedir(d);
    qsort(names.path, names.n, sizeof *names.path, cmp_str);
    const ngc_ingest_opts *o = r->o;
    for (size_t i = 0; i < names.n; i++) {
        char path[4096];
        struct stat sb;
        if (strcmp(dir, ".") == 0) /* "a.txt", not "./a.txt" */
            snprintf(path, sizeof path, "%s", names.path[i]);
        else
            snprintf(path, sizeof path, "%s%s%s", dir,
                     dir[strlen(dir) - 1] == '/' ? "" : "/", names.path[i]);
        /* Symbolic links to files are followed, to folders not (loops). */
        if (lstat(path, &sb) < 0 ||
            glob_any(o->exclude, o->n_exclude, path, names.path[i]))
            continue;
        bool link = S_ISLNK(sb.st_mode);
        if (link && (stat(path, &sb) < 0 || S_ISDIR(sb.st_mode))) continue;
        if (S_ISDIR(sb.st_mode) && depth < MAX_WALK_DEPTH)
            walk(r, path, depth + 1, fl);
        else if (S_ISREG(sb.st_mode) &&
                 (!o->n_include ||
                  glob_any(o->include, o->n_include, path, names.path[i])))
            list_add(fl, path);
    }
    for (size_t i = 0; i < names.n; i++) free(names.path[i]);
    free(names.path);
}

static void collect_inputs(run *r, char **paths, size_t n, file_list *fl) {
    for (size_t i = 0; i < n; i++) {
        struct stat sb;
        if (strcmp(paths[i], "-") == 0) {
            list_add(fl, "-");
        } else if (stat(paths[i], &sb) < 0) {
            r->file = paths[i];
            r->line = 0;
            problem(r, "unreadable file", "%s", strerror(errno));
        } else if (S_ISDIR(sb.st_mode)) {
            walk(r, paths[i], 0, fl);
        } else if (!S_ISREG(sb.st_mode)) { /* a FIFO blocks, /dev/zero never ends */
            r->file = paths[i];
            r->line = 0;
            problem(r, "unreadable file",
                    "not a regular file (%s); to read it, give it "
                    "on standard input: - < %s",
                    S_ISFIFO(sb.st_mode)                         ? "a FIFO"
                    : S_ISCHR(sb.st_mode) || S_ISBLK(sb.st_mode) ? "a device"
                                                                 : "a socket",
                    paths[i]);
        } else {
            list_add(fl, paths[i]);
        }
    }
    for (size_t i = 0; i < fl->n; i++) {
        struct stat sb;
        if (strcmp(fl->path[i], "-") != 0 && stat(fl->path[i], &sb) == 0)
            r->total_bytes += (uint64_t)sb.st_size;
    }
}

static int fmt_of_option(const char *f) {
    if (!f || strcmp(f, "auto") == 0) return FMT_AUTO;
    if (strcmp(f, "jsonl") == 0 || strcmp(f, "json") == 0) return FMT_JSONL;
    if (strcmp(f, "html") == 0) return FMT_HTML;
    return FMT_TEXT;
}

int ngc_ingest_run(ng_index *ix, const ngc_ingest_opts *o, char **paths, size_t n_paths,
                   ngc_ingest_stats *st) {
    run r = {0};
    file_list fl = {0};
    r.ix = ix;
    r.o = o;
    r.st = st;
    r.t0 = ngc_now();
    r.progress = !o->quiet && !o->dry_run && ngc_stderr_tty();
    collect_inputs(&r, paths, n_paths, &fl);
    int rc = 0, fmt = fmt_of_option(o->format);
    for (size_t i = 0; i < fl.n && rc == 0; i++) rc = read_one(&r, fl.path[i], fmt);
    if (r.progress) draw_progress(&r, true);
    clear_progress(&r);
    for (size_t i = 0; i < fl.n; i++) free(fl.path[i]);
    free(fl.path);
    ngc_docb_free(&r.grep_doc);
    return rc < 0 || st->fatal ? -1 : 0;
}

/* The zstd decoder memory the files among paths need (their first frame's
 * window; files named *.zst / *.zstd), at most window_max each. */
static uint64_t zstd_need(run *r, char **paths, size_t n, uint64_t window_max) {
    file_list fl = {0};
    uint64_t need = 0;
    collect_inputs(r, paths, n, &fl);
    for (size_t i = 0; i < fl.n; i++) {
        size_t len = strlen(fl.path[i]);
        bool zst = (len > 4 && strcasecmp(fl.path[i] + len - 4, ".zst") == 0) ||
                   (len > 5 && strcasecmp(fl.path[i] + len - 5, ".zstd") == 0);
        FILE *f = zst ? fopen(fl.path[i], "rb") : NULL;
        if (f) {
            char head[18];
            size_t got = fread(head, 1, sizeof head, f);
            uint64_t w = ngc_zstd_window(head, got);
            if (w && w <= window_max && w > need) need = w;
            fclose(f);
        }
        free(fl.path[i]);
    }
    free(fl.path);
    return need;
}

/* The program's own resident memory (code, libraries, their tables) as
 * the budget is split: part of the peak that no share can shrink. */
static size_t own_rss(void) {
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long size = 0, resident = 0;
    if (!f) return 8 * MIB; /* about what it is on Linux */
    if (fscanf(f, "%lu %lu", &size, &resident) != 2) resident = 0;
    fclose(f);
    long page = sysconf(_SC_PAGESIZE);
    return (size_t)resident * (size_t)(page > 0 ? page : 4096);
}

size_t ngc_ingest_budget(ngc_ingest_opts *o, char **paths, size_t n_paths,
                         size_t ram_mb) {
    size_t ram = ram_mb ? ram_mb * MIB : DEFAULT_RAM;
    o->ram_bytes = ram;
    /* zstd windows up to what the budget leaves once the writer has a
     * quarter (at least 16 MiB), or any (2 GiB) with --zstd-long. */
    size_t keep = ram / 4 > 16 * MIB ? ram / 4 : 16 * MIB;
    uint64_t allowed = ram > keep + MIB ? ram - keep : MIB;
    o->zstd_window_max = o->zstd_long ? (uint64_t)1 << 31 : allowed;
    snprintf(o->zstd_hint, sizeof o->zstd_hint,
             o->zstd_long
                 ? " (--zstd-long)"
                 : " by --ram-mb %zu: raise --ram-mb, allow it with --zstd-long, or "
                   "decompress first (zstd -dc --long=31 FILE | newsgrep ... -)",
             ram / MIB);
    /* The input side holds the decoder's window, the read buffer and the
     * longest line, and the program's own image counts too; the writer
     * gets the rest, and its largest document (1/16 of its budget) is the
     * longest line read. */
    run r = {0};
    ngc_ingest_stats st = {0};
    r.o = o;
    r.st = &st;
    r.silent = true;
    uint64_t window = zstd_need(&r, paths, n_paths, o->zstd_window_max);
    size_t inputs = (size_t)window + jsonl_buf_bytes(o) + own_rss();
    size_t rest = ram > inputs + 8 * MIB ? ram - inputs : 8 * MIB;
    size_t writer = rest / 17 * 16;
    size_t line = writer / 16;
    o->max_parse_bytes = line;
    if (line < o->max_doc_bytes) {
        o->max_doc_bytes = line;
        o->max_doc_by_ram = true;
    }
    return writer / MIB ? writer / MIB : 1;
}

static void human_bytes(char *out, size_t n, uint64_t b) {
    if (b < 1000)
        snprintf(out, n, "%llu bytes", (unsigned long long)b);
    else
        snprintf(out, n, "%.1f %s", b >= 1000000 ? (double)b / 1e6 : (double)b / 1e3,
                 b >= 1000000 ? "MB" : "kB");
}

void ngc_ingest_summary(const ng_index *ix, const ngc_ingest_stats *st, double seconds) {
    ng_index_counts c = {0};
    char skips[512] = "";
    size_t o = 0;
    if (ix)
        ng_index_get_counts(ix, &c);
    else
        c.added = st->docs;
    for (size_t i = 0; i < st->n_reasons && o < sizeof skips; i++)
        o += (size_t)snprintf(skips + o, sizeof skips - o, "%s%llu %s%s", i ? ", " : " (",
                              (unsigned long long)st->reason_n[i], st->reason[i],
                              st->reason_n[i] > 1 && strstr(st->reason[i], "file") ? "s"
                                                                                   : "");
    if (st->n_reasons && o < sizeof skips) snprintf(skips + o, sizeof skips - o, ")");
    uint64_t added = c.added - (c.replaced <= c.added ? c.replaced : 0);
    fprintf(stderr, "newsgrep: %llu document%s added, %llu replaced, %llu skipped%s",
            (unsigned long long)added, added == 1 ? "" : "s",
            (unsigned long long)c.replaced, (unsigned long long)st->skipped, skips);
    if (st->binary)
        fprintf(stderr, ", %llu binary file%s ignored", (unsigned long long)st->binary,
                st->binary == 1 ? "" : "s");
    char text[32], raw[48] = "";
    human_bytes(text, sizeof text, st->text_bytes);
    if (st->bytes != st->text_bytes) {
        char z[32];
        human_bytes(z, sizeof z, st->bytes);
        snprintf(raw, sizeof raw, " (%s compressed)", z);
    }
    fprintf(stderr, "; %s%s in %.2f s\n", text, raw, seconds);
    ngc_print_bad_dates(st);
}
