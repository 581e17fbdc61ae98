/*
 * peer_fts5.c — the SQLite FTS5 peer of the benchmark, linked against
 * libsqlite3 so no interpreter is timed. Same settings and query mapping as
 * ../shared/tools/peers/peer_fts5.py (porter unicode61 remove_diacritics 2,
 * contentless, detail=full, 'optimize' + VACUUM, bm25() ORDER BY ... LIMIT K).
 *
 *   peer_fts5 index DOCS.jsonl DIR
 *   peer_fts5 search DIR QUERIES.tsv K [--mode or|and|phrase] [--latency F]
 *             [--warmup N] [--warmup-seconds S] [--since D] [--until D] [--tag T]
 *
 * Extensions over the Python peer (only used by bench/ query sets):
 * `word*` in a free-text part becomes the FTS5 prefix query "word"*, and
 * --since/--until (YYYY-MM-DD) keep rowids whose date (stored in the id
 * table at index time) lies in the range.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <jansson.h>
#include <sqlite3.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <utf8proc.h>

#define DBNAME   "fts5.db"
#define TOKENIZE "porter unicode61 remove_diacritics 2"

static void die(const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fputs("peer_fts5: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
    exit(1);
}

static void *xmalloc(size_t n) {
    void *p = malloc(n ? n : 1);
    if (!p) die("out of memory");
    return p;
}

static char *xstrdup(const char *s) {
    size_t n = strlen(s) + 1;
    return memcpy(xmalloc(n), s, n);
}

/* A growable string. */
typedef struct {
    char *p;    /* bytes, NUL-terminated */
    size_t len; /* used bytes */
    size_t cap; /* allocated bytes */
} str_t;

static void str_add(str_t *s, const char *b, size_t n) {
    if (s->len + n + 1 > s->cap) {
        size_t cap = s->cap ? s->cap : 64;
        while (s->len + n + 1 > cap) cap *= 2;
        s->p = realloc(s->p, cap);
        if (!s->p) die("out of memory");
        s->cap = cap;
    }
    memcpy(s->p + s->len, b, n);
    s->len += n;
    s->p[s->len] = 0;
}

static void str_adds(str_t *s, const char *z) {
    str_add(s, z, strlen(z));
}

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void exec_sql(sqlite3 *db, const char *sql) {
    char *err = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &err) != SQLITE_OK)
        die("%s: %s", sql, err ? err : "?");
}

/* ------------------------------------------------------------- index */

/* "YYYY-MM-DD" -> YYYYMMDD, or 0 when absent/malformed. */
static long date_num(const char *s) {
    int y, m, d;
    if (!s || sscanf(s, "%4d-%2d-%2d", &y, &m, &d) != 3) return 0;
    return y * 10000L + m * 100 + d;
}

/* JSON value as text the way Python's str() would show ids/strings. */
static void json_text(json_t *v, str_t *out) {
    char num[64];
    if (json_is_string(v)) {
        str_add(out, json_string_value(v), json_string_length(v));
    } else if (json_is_integer(v)) {
        snprintf(num, sizeof num, "%lld", (long long)json_integer_value(v));
        str_adds(out, num);
    }
}

typedef struct {
    sqlite3_stmt *ids; /* INSERT INTO ids */
    sqlite3_stmt *fts; /* INSERT INTO fts */
    str_t text;        /* title + "\n" + body */
    str_t id;          /* external id */
} loader;

static void load_one(loader *ld, const char *line, size_t len, long rowid,
                     const char *path, long lineno) {
    json_error_t jerr;
    json_t *o = json_loadb(line, len, 0, &jerr);
    if (!o || !json_is_object(o)) die("%s:%ld: bad JSON: %s", path, lineno, jerr.text);
    json_t *id = json_object_get(o, "id");
    if (!id || json_is_null(id)) die("%s:%ld: document without id", path, lineno);
    ld->id.len = 0;
    ld->text.len = 0;
    str_add(&ld->id, "", 0);
    json_text(id, &ld->id);
    str_add(&ld->text, "", 0);
    json_text(json_object_get(o, "title"), &ld->text);
    str_add(&ld->text, "\n", 1);
    json_text(json_object_get(o, "body"), &ld->text);
    long date = date_num(json_string_value(json_object_get(o, "date")));
    sqlite3_bind_int64(ld->ids, 1, rowid);
    sqlite3_bind_text(ld->ids, 2, ld->id.p, (int)ld->id.len, SQLITE_STATIC);
    if (date)
        sqlite3_bind_int64(ld->ids, 3, date);
    else
        sqlite3_bind_null(ld->ids, 3);
    sqlite3_bind_int64(ld->fts, 1, rowid);
    sqlite3_bind_text(ld->fts, 2, ld->text.p, (int)ld->text.len, SQLITE_STATIC);
    if (sqlite3_step(ld->ids) != SQLITE_DONE || sqlite3_step(ld->fts) != SQLITE_DONE)
        die("insert failed at %s:%ld", path, lineno);
    sqlite3_reset(ld->ids);
    sqlite3_reset(ld->fts);
    json_decref(o);
}

static int blank(const char *s, size_t n) {
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] > ' ') return 0;
    return 1;
}

static int cmd_index(const char *docs, const char *dir) {
    char path[4096], tmp[4200];
    if (mkdir(dir, 0777) != 0 && errno != EEXIST)
        die("mkdir %s: %s", dir, strerror(errno));
    snprintf(path, sizeof path, "%s/%s", dir, DBNAME);
    const char *suffix[] = {"", "-journal", "-wal", "-shm"};
    for (int i = 0; i < 4; i++) {
        snprintf(tmp, sizeof tmp, "%s%s", path, suffix[i]);
        unlink(tmp);
    }
    FILE *f = fopen(docs, "r");
    if (!f) die("%s: %s", docs, strerror(errno));
    double t0 = now_ms();
    sqlite3 *db;
    if (sqlite3_open(path, &db) != SQLITE_OK) die("open %s", path);
    exec_sql(db, "PRAGMA journal_mode=OFF");
    exec_sql(db, "PRAGMA synchronous=OFF");
    exec_sql(db, "PRAGMA cache_size=-262144");
    exec_sql(db, "CREATE VIRTUAL TABLE fts USING fts5(text, content='', detail=full, "
                 "tokenize='" TOKENIZE "')");
    exec_sql(db, "CREATE TABLE ids(rowid INTEGER PRIMARY KEY, docid TEXT, date INTEGER)");
    exec_sql(db, "BEGIN");
    loader ld = {0};
    if (sqlite3_prepare_v2(db, "INSERT INTO ids(rowid, docid, date) VALUES (?,?,?)", -1,
                           &ld.ids, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, "INSERT INTO fts(rowid, text) VALUES (?,?)", -1, &ld.fts,
                           NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(db));
    char *line = NULL;
    size_t cap = 0;
    ssize_t n;
    long lineno = 0, rowid = 0;
    while ((n = getline(&line, &cap, f)) > 0) {
        lineno++;
        if (blank(line, (size_t)n)) continue;
        load_one(&ld, line, (size_t)n, ++rowid, docs, lineno);
    }
    fclose(f);
    free(line);
    sqlite3_finalize(ld.ids);
    sqlite3_finalize(ld.fts);
    free(ld.text.p);
    free(ld.id.p);
    exec_sql(db, "COMMIT");
    exec_sql(db, "INSERT INTO fts(fts) VALUES('optimize')");
    exec_sql(db, "VACUUM");
    sqlite3_close(db);
    fprintf(stderr, "fts5: indexed %ld docs in %.2fs -> %s\n", rowid,
            (now_ms() - t0) / 1e3, path);
    return 0;
}

/* ------------------------------------------------------------- queries */

typedef struct {
    char *qid;  /* query id */
    char *text; /* query text, trimmed */
} query;

static char *trim(char *s) {
    while (*s && (unsigned char)*s <= ' ') s++;
    size_t n = strlen(s);
    while (n && (unsigned char)s[n - 1] <= ' ') s[--n] = 0;
    return s;
}

/* queries.tsv as peerlib.read_queries reads it. */
static query *read_queries(const char *path, size_t *count) {
    FILE *f = fopen(path, "r");
    if (!f) die("%s: %s", path, strerror(errno));
    query *q = NULL;
    size_t nq = 0, capq = 0, cap = 0;
    char *line = NULL;
    ssize_t n;
    while ((n = getline(&line, &cap, f)) > 0) {
        while (n && (line[n - 1] == '\n' || line[n - 1] == '\r')) line[--n] = 0;
        if (blank(line, (size_t)n) || line[0] == '#') continue;
        char *tab = strchr(line, '\t');
        if (!tab) {
            fprintf(stderr, "warning: query line without TAB skipped: %s\n", line);
            continue;
        }
        *tab = 0;
        if (nq == capq) {
            capq = capq ? capq * 2 : 64;
            q = realloc(q, capq * sizeof *q);
            if (!q) die("out of memory");
        }
        q[nq].qid = xstrdup(trim(line));
        q[nq].text = xstrdup(trim(tab + 1));
        nq++;
    }
    free(line);
    fclose(f);
    *count = nq;
    return q;
}

/* Python's [^\W_]: Unicode letters and numbers. */
static int is_word_cp(utf8proc_int32_t c) {
    if (c < 128)
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    utf8proc_category_t cat = utf8proc_category(c);
    return (cat >= UTF8PROC_CATEGORY_LU && cat <= UTF8PROC_CATEGORY_LO) ||
           (cat >= UTF8PROC_CATEGORY_ND && cat <= UTF8PROC_CATEGORY_NO);
}

/* Appends each surface token of s[0..n) as a quoted FTS5 string to out
 * (separated by sep); a token directly followed by '*' becomes a prefix
 * query when allow_prefix. Returns the number of tokens appended. */
static int add_tokens(str_t *out, const char *s, size_t n, const char *sep,
                      int allow_prefix, int count) {
    size_t i = 0;
    while (i < n) {
        utf8proc_int32_t c;
        utf8proc_ssize_t l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                              (utf8proc_ssize_t)(n - i), &c);
        if (l <= 0) {
            i++;
            continue;
        }
        if (!is_word_cp(c)) {
            i += (size_t)l;
            continue;
        }
        size_t st = i;
        while (i < n) {
            l = utf8proc_iterate((const utf8proc_uint8_t *)s + i,
                                 (utf8proc_ssize_t)(n - i), &c);
            if (l <= 0 || !is_word_cp(c)) break;
            i += (size_t)l;
        }
        if (count++) str_adds(out, sep);
        str_add(out, "\"", 1);
        str_add(out, s + st, i - st);
        str_add(out, "\"", 1);
        if (allow_prefix && i < n && s[i] == '*') str_add(out, "*", 1);
    }
    return count;
}

/* peer_fts5.build_match: the shared query convention -> an FTS5 MATCH. */
static int build_match(const char *text, const char *mode, str_t *out) {
    out->len = 0;
    str_add(out, "", 0);
    const char *join = strcmp(mode, "and") == 0 ? " AND " : " OR ";
    int count = 0;
    if (strcmp(mode, "phrase") == 0) {
        str_t ph = {0};
        if (add_tokens(&ph, text, strlen(text), " ", 0, 0)) {
            str_add(out, "\"", 1);
            for (size_t i = 0; i < ph.len; i++)
                if (ph.p[i] != '"') str_add(out, ph.p + i, 1);
            str_add(out, "\"", 1);
            count = 1;
        }
        free(ph.p);
        return count;
    }
    /* Segments between double quotes; odd ones are phrases unless the
     * quote is unbalanced (the last segment). */
    size_t nseg = 1;
    for (const char *p = text; *p; p++) nseg += *p == '"';
    const char *seg = text;
    for (size_t i = 0; i < nseg; i++) {
        const char *end = strchr(seg, '"');
        if (!end) end = seg + strlen(seg);
        int phrase = (i % 2 == 1) && (i + 1 < nseg);
        if (phrase) {
            str_t ph = {0};
            if (add_tokens(&ph, seg, (size_t)(end - seg), " ", 0, 0)) {
                if (count++) str_adds(out, join);
                str_add(out, "\"", 1);
                for (size_t j = 0; j < ph.len; j++)
                    if (ph.p[j] != '"') str_add(out, ph.p + j, 1);
                str_add(out, "\"", 1);
            }
            free(ph.p);
        } else {
            count = add_tokens(out, seg, (size_t)(end - seg), join, 1, count);
        }
        seg = *end ? end + 1 : end;
    }
    return count;
}

/* ------------------------------------------------------------- search */

typedef struct {
    char *id;     /* external id (owned) */
    double score; /* -bm25 */
} hit;

typedef struct {
    sqlite3_stmt *st;  /* the prepared top-k statement */
    const char *mode;  /* or | and | phrase */
    int k;             /* result depth */
    long since, until; /* date range (YYYYMMDD) or 0 */
    str_t match;       /* scratch MATCH string */
} searcher;

static void free_hits(hit *h, int n) {
    for (int i = 0; i < n; i++) free(h[i].id);
}

/* The timed unit: query string -> top-k ids and scores in memory. */
static int run_one(searcher *s, const char *text, hit *hits) {
    if (!build_match(text, s->mode, &s->match)) return 0;
    sqlite3_bind_text(s->st, 1, s->match.p, (int)s->match.len, SQLITE_STATIC);
    sqlite3_bind_int(s->st, 2, s->k);
    if (s->since || s->until) {
        sqlite3_bind_int64(s->st, 3, s->since ? s->since : 0);
        sqlite3_bind_int64(s->st, 4, s->until ? s->until : 99999999);
    }
    int n = 0, rc;
    while ((rc = sqlite3_step(s->st)) == SQLITE_ROW && n < s->k) {
        hits[n].id = xstrdup((const char *)sqlite3_column_text(s->st, 0));
        hits[n].score = -sqlite3_column_double(s->st, 1);
        n++;
    }
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fprintf(stderr, "fts5: query %s failed: %s\n", s->match.p,
                sqlite3_errmsg(sqlite3_db_handle(s->st)));
        free_hits(hits, n);
        n = 0;
    }
    sqlite3_reset(s->st);
    return n;
}

static const char *SQL_PLAIN =
    "SELECT ids.docid, r.s FROM "
    "(SELECT rowid AS rid, bm25(fts) AS s FROM fts WHERE fts MATCH ?1 "
    "ORDER BY s LIMIT ?2) AS r JOIN ids ON ids.rowid = r.rid ORDER BY r.s, r.rid";
static const char *SQL_DATED =
    "SELECT ids.docid, r.s FROM "
    "(SELECT rowid AS rid, bm25(fts) AS s FROM fts WHERE fts MATCH ?1 "
    "AND +rowid IN (SELECT rowid FROM ids WHERE date BETWEEN ?3 AND ?4) "
    "ORDER BY s LIMIT ?2) AS r JOIN ids ON ids.rowid = r.rid ORDER BY r.s, r.rid";

typedef struct {
    const char *mode, *latency, *tag; /* options */
    int warmup;                       /* untimed passes */
    double warmup_s;                  /* and at least this long */
    long since, until;                /* date filter or 0 */
} search_opts;

static void write_outputs(query *q, size_t nq, hit **res, int *nres, double *ms,
                          const search_opts *o) {
    for (size_t i = 0; i < nq; i++)
        for (int r = 0; r < nres[i]; r++)
            printf("%s Q0 %s %d %.10g %s\n", q[i].qid, res[i][r].id, r + 1,
                   res[i][r].score, o->tag);
    fflush(stdout);
    FILE *lf = fopen(o->latency, "w");
    if (!lf) die("%s: %s", o->latency, strerror(errno));
    for (size_t i = 0; i < nq; i++)
        fprintf(lf, "%s\t%.4f\t%d\t-1\n", q[i].qid, ms[i], nres[i]);
    fclose(lf);
}

static int cmd_search(const char *dir, const char *qpath, int k, const search_opts *o) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, DBNAME);
    sqlite3 *db;
    if (access(path, R_OK) != 0) die("no FTS5 index at %s", path);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die("open %s", path);
    exec_sql(db, "PRAGMA cache_size=-65536");
    exec_sql(db, "PRAGMA mmap_size=17179869184");
    searcher s = {.mode = o->mode, .k = k, .since = o->since, .until = o->until};
    const char *sql = (o->since || o->until) ? SQL_DATED : SQL_PLAIN;
    if (sqlite3_prepare_v2(db, sql, -1, &s.st, NULL) != SQLITE_OK)
        die("prepare: %s", sqlite3_errmsg(db));
    size_t nq;
    query *q = read_queries(qpath, &nq);
    hit *scratch = xmalloc(sizeof(hit) * (size_t)(k > 0 ? k : 1));
    double w0 = now_ms();
    for (int pass = 0;
         pass < o->warmup || (o->warmup > 0 && now_ms() - w0 < o->warmup_s * 1e3); pass++)
        for (size_t i = 0; i < nq; i++)
            free_hits(scratch, run_one(&s, q[i].text, scratch));
    hit **res = xmalloc(sizeof(hit *) * (nq ? nq : 1));
    int *nres = xmalloc(sizeof(int) * (nq ? nq : 1));
    double *ms = xmalloc(sizeof(double) * (nq ? nq : 1));
    for (size_t i = 0; i < nq; i++) {
        res[i] = xmalloc(sizeof(hit) * (size_t)(k > 0 ? k : 1));
        double t0 = now_ms();
        nres[i] = run_one(&s, q[i].text, res[i]);
        ms[i] = now_ms() - t0;
    }
    write_outputs(q, nq, res, nres, ms, o);
    for (size_t i = 0; i < nq; i++) {
        free_hits(res[i], nres[i]);
        free(res[i]);
        free(q[i].qid);
        free(q[i].text);
    }
    free(res);
    free(nres);
    free(ms);
    free(q);
    free(scratch);
    free(s.match.p);
    sqlite3_finalize(s.st);
    sqlite3_close(db);
    return 0;
}

static void usage(void) {
    fputs(
        "usage: peer_fts5 index DOCS.jsonl DIR\n"
        "       peer_fts5 search DIR QUERIES.tsv K [--mode or|and|phrase] [--latency F]\n"
        "                 [--warmup N] [--warmup-seconds S] [--since D] [--until D] "
        "[--tag T]\n",
        stderr);
    exit(2);
}

int main(int argc, char **argv) {
    if (argc == 4 && strcmp(argv[1], "index") == 0) return cmd_index(argv[2], argv[3]);
    if (argc < 5 || strcmp(argv[1], "search") != 0) usage();
    search_opts o = {.mode = "or", .latency = "latency.tsv", .tag = "fts5", .warmup = 1};
    for (int i = 5; i < argc; i++) {
        if (i + 1 >= argc) usage();
        const char *a = argv[i], *v = argv[++i];
        if (!strcmp(a, "--mode"))
            o.mode = v;
        else if (!strcmp(a, "--latency"))
            o.latency = v;
        else if (!strcmp(a, "--tag"))
            o.tag = v;
        else if (!strcmp(a, "--warmup"))
            o.warmup = atoi(v);
        else if (!strcmp(a, "--warmup-seconds"))
            o.warmup_s = atof(v);
        else if (!strcmp(a, "--since"))
            o.since = date_num(v);
        else if (!strcmp(a, "--until"))
            o.until = date_num(v);
        else
            usage();
    }
    if (strcmp(o.mode, "or") && strcmp(o.mode, "and") && strcmp(o.mode, "phrase"))
        usage();
    return cmd_search(argv[2], argv[3], atoi(argv[4]), &o);
}
