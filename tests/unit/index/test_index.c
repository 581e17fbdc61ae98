/*
 * Unit tests of lib/index: a naive inverted index built here from the
 * analyzer's tokens must agree with what the segments return for every
 * term (after indexing, with several threads and flushes, after merges);
 * random add/replace/delete/commit/merge/reopen runs against a model;
 * snapshot isolation; the writer lock; corrupted files.
 */
#include <dirent.h>
#include <pthread.h>
#include <stdatomic.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit/testdir.h"

#include "common/fault.h"
#include "index/index.h"

#define BBC_PATH     "../shared/corpora/bbc/docs.jsonl"
#define BBC_PATH_ABS "/work/shared/corpora/bbc/docs.jsonl"

/* ---- temporary directories ------------------------------------------- */

static void rm_rf(const char *dir) {
    test_rm_rf(dir);
}

static char *make_tmp(void) {
    return test_make_tmp("ng-index-test");
}

/* ---- test documents --------------------------------------------------- */

typedef struct tdoc {
    char *id;
    char *title;  /* may be NULL */
    char *body;   /* may be NULL */
    char *date;   /* may be NULL */
    char *source; /* may be NULL */
} tdoc;

typedef struct corpus {
    tdoc *docs;
    size_t n, cap;
} corpus;

static char *dupn(const char *s) {
    return s ? strdup(s) : NULL;
}

static void corpus_add(corpus *c, const char *id, const char *title, const char *body,
                       const char *date, const char *src) {
    if (c->n == c->cap) {
        c->cap = c->cap ? 2 * c->cap : 64;
        c->docs = realloc(c->docs, c->cap * sizeof *c->docs);
    }
    tdoc *d = &c->docs[c->n++];
    d->id = strdup(id);
    d->title = dupn(title);
    d->body = dupn(body);
    d->date = dupn(date);
    d->source = dupn(src);
}

static void corpus_free(corpus *c) {
    for (size_t i = 0; i < c->n; i++) {
        free(c->docs[i].id);
        free(c->docs[i].title);
        free(c->docs[i].body);
        free(c->docs[i].date);
        free(c->docs[i].source);
    }
    free(c->docs);
    memset(c, 0, sizeof *c);
}

/* Fields in a fixed order: id, title, body, date, source, a stored extra. */
static size_t doc_fields(const tdoc *d, ng_field *f) {
    size_t n = 0;
    f[n++] = (ng_field){"id", d->id, strlen(d->id), NG_FIELD_ID};
    if (d->title)
        f[n++] = (ng_field){"title", d->title, strlen(d->title), NG_FIELD_TITLE};
    if (d->body) f[n++] = (ng_field){"body", d->body, strlen(d->body), NG_FIELD_BODY};
    if (d->date) f[n++] = (ng_field){"date", d->date, strlen(d->date), NG_FIELD_DATE};
    if (d->source)
        f[n++] = (ng_field){"source", d->source, strlen(d->source), NG_FIELD_SOURCE};
    f[n++] = (ng_field){"category", "test", 4, NG_FIELD_STORED};
    return n;
}

static const char *words[] = {
    "market", "shares", "government", "election",   "minister",
    "rose",   "fell",   "percent",    "company",    "bank",
    "oil",    "prices", "football",   "club",       "match",
    "film",   "music",  "award",      "technology", "phone",
    "Café",   "Straße", "naïve",      "U.S.",       "state-of-the-art",
    "3.5",    "2025",   "the",        "of",         "and",
    "a",      "in",     "running",    "runs",       "ran",
    "東京都", "北京",   "résumé",     "ÉCOLE",      "don't",
    "it's",   "x",      "zebra",      "quantum"};

static void random_text(char *out, size_t cap, unsigned *seed, int n_words) {
    size_t len = 0;
    out[0] = '\0';
    for (int i = 0; i < n_words; i++) {
        const char *w = words[rand_r(seed) % NGI_ARRAY_LEN(words)];
        const char *sep = (rand_r(seed) % 7 == 0) ? ". " : " ";
        int k = snprintf(out + len, cap - len, "%s%s", w, sep);
        if (k < 0 || (size_t)k >= cap - len) break;
        len += (size_t)k;
    }
}

/* ~300 varied documents: some without title, body, date; CJK, accents,
 * stopwords; "common" occurs in every document (df > 128: full blocks). */
static void make_corpus(corpus *c, unsigned seed, size_t n) {
    char title[512], body[8192], id[32], date[16];
    for (size_t i = 0; i < n; i++) {
        snprintf(id, sizeof id, "doc-%03zu", i);
        random_text(title, sizeof title, &seed, 1 + rand_r(&seed) % 8);
        int nb = (i % 17 == 0) ? 900 : rand_r(&seed) % 120;
        random_text(body, sizeof body, &seed, nb);
        size_t bl = strlen(body);
        snprintf(body + bl, sizeof body - bl, " common");
        snprintf(date, sizeof date, "20%02u-%02u-%02u", rand_r(&seed) % 30,
                 1 + rand_r(&seed) % 12, 1 + rand_r(&seed) % 28);
        corpus_add(c, id, (i % 11 == 3) ? NULL : title, (i % 13 == 5) ? NULL : body,
                   (i % 5 == 0) ? NULL : date,
                   (i % 3 == 0) ? "http://example.com/x" : NULL);
    }
}

/* ---- a minimal reader of flat JSON objects (for the BBC corpus) -------- */

static const char *json_string(const char *p, char *out, size_t cap) {
    size_t n = 0;
    if (*p++ != '"') return NULL;
    while (*p && *p != '"') {
        char ch = *p++;
        if (ch == '\\') {
            char e = *p++;
            if (e == 'n')
                ch = '\n';
            else if (e == 't')
                ch = '\t';
            else if (e == 'r')
                ch = '\r';
            else if (e == 'u') {
                unsigned v = 0;
                sscanf(p, "%4x", &v);
                p += 4;
                /* UTF-8 encode (surrogates become '?': fine for a test) */
                if (v >= 0xd800 && v < 0xe000) v = '?';
                if (v < 0x80)
                    ch = (char)v;
                else {
                    if (v < 0x800) {
                        if (n + 2 < cap) {
                            out[n++] = (char)(0xc0 | (v >> 6));
                            out[n++] = (char)(0x80 | (v & 0x3f));
                        }
                    } else if (n + 3 < cap) {
                        out[n++] = (char)(0xe0 | (v >> 12));
                        out[n++] = (char)(0x80 | ((v >> 6) & 0x3f));
                        out[n++] = (char)(0x80 | (v & 0x3f));
                    }
                    continue;
                }
            } else
                ch = e;
        }
        if (n + 1 < cap) out[n++] = ch;
    }
    out[n] = '\0';
    return *p == '"' ? p + 1 : NULL;
}

static bool load_bbc(corpus *c) {
    FILE *f = fopen(BBC_PATH, "r");
    if (!f) f = fopen(BBC_PATH_ABS, "r");
    if (!f) return false;
    size_t cap = 1 << 20;
    char *line = malloc(cap), *key = malloc(256), *val = malloc(cap);
    while (fgets(line, (int)cap, f)) {
        char *id = NULL, *title = NULL, *body = NULL;
        const char *p = line + 1;
        while (p && *p) {
            while (*p == ' ' || *p == ',') p++;
            if (*p != '"') break;
            p = json_string(p, key, 256);
            if (!p) break;
            while (*p == ' ' || *p == ':') p++;
            p = json_string(p, val, cap);
            if (!strcmp(key, "id")) id = strdup(val);
            if (!strcmp(key, "title")) title = strdup(val);
            if (!strcmp(key, "body")) body = strdup(val);
        }
        if (id) corpus_add(c, id, title, body, NULL, NULL);
        free(id);
        free(title);
        free(body);
    }
    free(line);
    free(key);
    free(val);
    fclose(f);
    return c->n > 0;
}

/* ---- the naive inverted index: sorted (term, doc, position) triples ----- */

typedef struct triple {
    uint32_t term; /* offset in the arena */
    uint32_t len;
    uint32_t doc; /* index into the sorted id list */
    uint32_t pos;
} triple;

typedef struct tlist {
    triple *t;
    size_t n, cap;
    char *arena;
    size_t alen, acap;
} tlist;

static tlist *g_sort_list; /* comparator context (tests only) */

static void tl_push(tlist *l, const char *term, size_t len, uint32_t doc, uint32_t pos) {
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 1024;
        l->t = realloc(l->t, l->cap * sizeof *l->t);
    }
    if (l->alen + len > l->acap) {
        l->acap = (l->acap + len) * 2;
        l->arena = realloc(l->arena, l->acap);
    }
    memcpy(l->arena + l->alen, term, len);
    l->t[l->n++] = (triple){(uint32_t)l->alen, (uint32_t)len, doc, pos};
    l->alen += len;
}

static int cmp_triple(const void *a, const void *b) {
    const triple *x = a, *y = b;
    size_t n = x->len < y->len ? x->len : y->len;
    int c = memcmp(g_sort_list->arena + x->term, g_sort_list->arena + y->term, n);
    if (c) return c;
    if (x->len != y->len) return x->len < y->len ? -1 : 1;
    if (x->doc != y->doc) return x->doc < y->doc ? -1 : 1;
    return (x->pos > y->pos) - (x->pos < y->pos);
}

static void tl_sort(tlist *l) {
    g_sort_list = l;
    qsort(l->t, l->n, sizeof *l->t, cmp_triple);
}

static void tl_free(tlist *l) {
    free(l->t);
    free(l->arena);
    memset(l, 0, sizeof *l);
}

/* Expected per-document facts. */
typedef struct facts {
    uint32_t len, title_end;
} facts;

typedef struct naive_ctx {
    tlist *l;
    uint32_t doc;
    uint32_t last;
    bool any;
    uint32_t count;
} naive_ctx;

static int naive_token(void *ctx, const ng_token *t) {
    naive_ctx *c = ctx;
    tl_push(c->l, t->term, t->term_len, c->doc, t->position);
    c->last = t->position > c->last ? t->position : c->last;
    c->any = true;
    c->count++;
    return 0;
}

static void naive_field(ng_analyzer *a, naive_ctx *c, const char *text, uint32_t *next) {
    if (!text) return;
    c->any = false;
    c->last = 0;
    assert_int_equal(ng_analyzer_tokenize(a, text, strlen(text), *next, naive_token, c),
                     0);
    if (c->any) *next = c->last + 2;
}

/* Sorted ids of the live documents: index = naive doc number. */
typedef struct idlist {
    const tdoc **docs;
    size_t n;
} idlist;

static int cmp_tdoc(const void *a, const void *b) {
    return strcmp((*(const tdoc *const *)a)->id, (*(const tdoc *const *)b)->id);
}

static idlist make_idlist(const tdoc *const *docs, size_t n) {
    idlist il = {malloc((n + 1) * sizeof *il.docs), n};
    memcpy(il.docs, docs, n * sizeof *docs);
    qsort(il.docs, n, sizeof *il.docs, cmp_tdoc);
    return il;
}

static long idlist_find(const idlist *il, const char *id) {
    size_t lo = 0, hi = il->n;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        int c = strcmp(il->docs[mid]->id, id);
        if (c == 0) return (long)mid;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return -1;
}

static void naive_build(const idlist *il, tlist *l, facts *f) {
    ng_analyzer *a;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    for (size_t i = 0; i < il->n; i++) {
        naive_ctx c = {l, (uint32_t)i, 0, false, 0};
        uint32_t next = 0;
        naive_field(a, &c, il->docs[i]->title, &next);
        f[i].title_end = next;
        naive_field(a, &c, il->docs[i]->body, &next);
        f[i].len = c.count;
    }
    ng_analyzer_free(a);
    tl_sort(l);
}

/* ---- the index side ---------------------------------------------------- */

typedef struct enum_ctx {
    const ngi_segment *s;
    const idlist *il;
    tlist *l;
    const facts *f;
    size_t postings; /* live postings seen */
} enum_ctx;

static int enum_term(void *ctx, const char *term, size_t len,
                     const ngi_term_postings *tp) {
    enum_ctx *e = ctx;
    ngi_cursor c;
    ngi_error err = {0, ""};
    assert_int_equal(ngi_segment_cursor(e->s, tp, &c, &err), 0);
    uint32_t df = 0;
    uint64_t cf = 0;
    while (ngi_cursor_next(&c) == 0 && c.doc != NGI_DOC_END) {
        df++;
        cf += c.freq;
        assert_true(c.freq <= tp->max_tf);
        if (ngi_segment_is_deleted(e->s, c.doc)) continue;
        const char *id;
        size_t idlen;
        assert_int_equal(ngi_segment_doc_id(e->s, c.doc, &id, &idlen, &err), 0);
        long d = idlist_find(e->il, id);
        assert_true(d >= 0);
        const uint32_t *pos;
        assert_int_equal(ngi_cursor_positions(&c, &pos), 0);
        for (uint32_t i = 0; i < c.freq; i++)
            tl_push(e->l, term, len, (uint32_t)d, pos[i]);
        e->postings++;
    }
    ngi_cursor_close(&c);
    assert_int_equal(df, tp->df);
    assert_true(cf == tp->cf);
    /* exact lookup finds the same entry */
    ngi_term_postings tp2;
    assert_int_equal(ngi_segment_lookup(e->s, term, len, &tp2, &err), 0);
    assert_int_equal(tp2.df, tp->df);
    assert_true(tp2.docs_off == tp->docs_off);
    return 0;
}

/* Prefix enumeration equals the full enumeration filtered by the prefix. */
typedef struct term_list {
    char **t;
    size_t n, cap;
} term_list;

static int collect_term(void *ctx, const char *term, size_t len,
                        const ngi_term_postings *tp) {
    (void)tp;
    term_list *l = ctx;
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 256;
        l->t = realloc(l->t, l->cap * sizeof *l->t);
    }
    l->t[l->n++] = strndup(term, len);
    return 0;
}

static void free_terms(term_list *l) {
    for (size_t i = 0; i < l->n; i++) free(l->t[i]);
    free(l->t);
    memset(l, 0, sizeof *l);
}

static void check_prefixes(const ngi_segment *seg) {
    static const char *prefixes[] = {"m", "mark", "co", "c", "z",   "zzzz",
                                     "",  "3",    "東", "a", "\xff"};
    term_list all = {0};
    ngi_error err = {0, ""};
    assert_int_equal(ngi_segment_prefix(seg, "", 0, collect_term, &all, &err), 0);
    assert_int_equal(all.n, ngi_segment_n_terms(seg));
    for (size_t i = 1; i < all.n; i++) assert_true(strcmp(all.t[i - 1], all.t[i]) < 0);
    for (size_t k = 0; k < NGI_ARRAY_LEN(prefixes); k++) {
        const char *p = prefixes[k];
        term_list got = {0};
        assert_int_equal(ngi_segment_prefix(seg, p, strlen(p), collect_term, &got, &err),
                         0);
        size_t j = 0;
        for (size_t i = 0; i < all.n; i++) {
            if (strncmp(all.t[i], p, strlen(p)) != 0) continue;
            assert_true(j < got.n);
            assert_string_equal(all.t[i], got.t[j]);
            j++;
        }
        assert_int_equal(j, got.n);
        free_terms(&got);
    }
    free_terms(&all);
}

/* Checks per-document facts of every live document of the snapshot. */
static void check_doc_facts(const ngi_snapshot *snap, const idlist *il, const facts *f) {
    size_t live = 0;
    for (size_t s = 0; s < snap->n_segs; s++) {
        const ngi_segment *seg = snap->segs[s];
        for (uint32_t d = 0; d < ngi_segment_n_docs(seg); d++) {
            if (ngi_segment_is_deleted(seg, d)) continue;
            const char *id;
            size_t len;
            assert_int_equal(ngi_segment_doc_id(seg, d, &id, &len, NULL), 0);
            long k = idlist_find(il, id);
            assert_true(k >= 0);
            assert_int_equal(ngi_segment_doc_len(seg, d), f[k].len);
            assert_non_null(
                ngi_segment_qlens(seg)); /* written by every flush and merge */
            assert_int_equal(ngi_segment_qlens(seg)[d], ngi_qlen_encode(f[k].len));
            assert_int_equal(ngi_segment_title_end(seg, d), f[k].title_end);
            int32_t days = NGI_NO_DATE;
            if (il->docs[k]->date)
                assert_int_equal(ngi_date_parse(il->docs[k]->date, 10, &days), 0);
            assert_int_equal(ngi_segment_doc_date(seg, d), days);
            uint32_t found;
            assert_int_equal(ngi_segment_find_id(seg, id, len, &found, NULL), 0);
            assert_int_equal(found, d);
            live++;
        }
    }
    assert_int_equal(live, il->n);
    assert_int_equal(snap->live_docs, il->n);
}

/* The whole oracle comparison for the documents docs[0..n). */
static void oracle_check(const char *dir, const tdoc *const *docs, size_t n) {
    idlist il = make_idlist(docs, n);
    tlist want = {0}, got = {0};
    facts *f = calloc(n + 1, sizeof *f);
    naive_build(&il, &want, f);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    for (size_t s = 0; s < snap->n_segs; s++) {
        enum_ctx e = {snap->segs[s], &il, &got, f, 0};
        ngi_error err = {0, ""};
        assert_int_equal(ngi_segment_prefix(snap->segs[s], "", 0, enum_term, &e, &err),
                         0);
    }
    tl_sort(&got);
    for (size_t s = 0; s < snap->n_segs; s++) check_prefixes(snap->segs[s]);
    assert_int_equal(got.n, want.n);
    for (size_t i = 0; i < want.n; i++) {
        const triple *a = &want.t[i], *b = &got.t[i];
        if (a->len != b->len || a->doc != b->doc || a->pos != b->pos ||
            memcmp(want.arena + a->term, got.arena + b->term, a->len) != 0)
            fail_msg("triple %zu differs: want %.*s/%s/%u got %.*s/%s/%u", i, (int)a->len,
                     want.arena + a->term, il.docs[a->doc]->id, a->pos, (int)b->len,
                     got.arena + b->term, il.docs[b->doc]->id, b->pos);
    }
    check_doc_facts(snap, &il, f);
    /* index-wide df of every term (exact when nothing is deleted) */
    if (snap->max_doc == snap->live_docs) {
        for (size_t i = 0; i < want.n;) {
            size_t j = i, ndocs = 0;
            const triple *a = &want.t[i];
            while (j < want.n && want.t[j].len == a->len &&
                   !memcmp(want.arena + want.t[j].term, want.arena + a->term, a->len)) {
                if (j == i || want.t[j].doc != want.t[j - 1].doc) ndocs++;
                j++;
            }
            uint64_t df;
            ngi_error err = {0, ""};
            assert_int_equal(
                ngi_snapshot_df(snap, want.arena + a->term, a->len, &df, &err), 0);
            assert_int_equal(df, ndocs);
            i = j;
        }
    }
    assert_int_equal(ng_reader_check(r), 0);
    ng_reader_free(r);
    free(f);
    free(il.docs);
    tl_free(&want);
    tl_free(&got);
}

/* ---- writer helpers ----------------------------------------------------- */

static ng_index *open_writer(const char *dir, unsigned threads, size_t ram) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = threads;
    o.ram_mb = ram;
    ng_index *ix;
    int rc = ng_index_open(&ix, dir, &o);
    if (rc) fail_msg("open: %s", ix ? ng_index_errmsg(ix) : ng_strerror(rc));
    return ix;
}

static void add_doc(ng_index *ix, const tdoc *d) {
    ng_field f[8];
    ng_document doc = {f, doc_fields(d, f)};
    int rc = ng_index_add(ix, &doc);
    if (rc) fail_msg("add %s: %s", d->id, ng_index_errmsg(ix));
}

static const tdoc **ptrs(const corpus *c) {
    const tdoc **p = malloc((c->n + 1) * sizeof *p);
    for (size_t i = 0; i < c->n; i++) p[i] = &c->docs[i];
    return p;
}

static void index_corpus(const char *dir, const corpus *c, unsigned threads, size_t ram) {
    ng_index *ix = open_writer(dir, threads, ram);
    for (size_t i = 0; i < c->n; i++) add_doc(ix, &c->docs[i]);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
}

static void check_fetch(ng_reader *r, const tdoc *d) {
    ng_doc *doc;
    int rc = ng_reader_get(r, d->id, strlen(d->id), &doc);
    if (rc) fail_msg("get %s: %s", d->id, ng_reader_errmsg(r));
    ng_field f[8];
    size_t n = doc_fields(d, f);
    assert_int_equal(ng_doc_field_count(doc), n);
    for (size_t i = 0; i < n; i++) {
        const ng_field *g = ng_doc_field(doc, i);
        assert_string_equal(g->name, f[i].name);
        assert_int_equal(g->value_len, f[i].value_len);
        assert_memory_equal(g->value, f[i].value, f[i].value_len);
        assert_int_equal(g->role, f[i].role);
    }
    assert_null(ng_doc_field(doc, n));
    const ng_field *idf = ng_doc_field_by_role(doc, NG_FIELD_ID);
    assert_non_null(idf);
    assert_memory_equal(idf->value, d->id, strlen(d->id));
    ng_doc_free(doc);
}

/* ---- (a) oracle after indexing and after merge -------------------------- */

static void oracle_small_corpus(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 42, 300);
    char *dir = make_tmp();
    index_corpus(dir, &c, 2, 64);
    const tdoc **p = ptrs(&c);
    oracle_check(dir, p, c.n);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    for (size_t i = 0; i < c.n; i++) check_fetch(r, &c.docs[i]);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, c.n);
    assert_true(st.postings_bytes > 0 && st.positions_bytes > 0);
    assert_true(st.total_bytes > st.postings_bytes + st.docstore_bytes);
    assert_string_equal(st.language, "english");
    ng_reader_free(r);
    ng_index *ix = open_writer(dir, 1, 64);
    assert_int_equal(ng_index_merge(ix), 0);
    ng_index_free(ix);
    oracle_check(dir, p, c.n);
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ngi_reader_snapshot(r)->n_segs, 1);
    ng_reader_free(r);
    free(p);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

static void oracle_bbc(void **state) {
    (void)state;
    corpus c = {0};
    if (!load_bbc(&c)) {
        corpus_free(&c);
        skip(); /* BBC corpus not present at ../shared/corpora/bbc */
    }
    char *dir = make_tmp();
    index_corpus(dir, &c, 2, 8); /* small budget: several segments */
    const tdoc **p = ptrs(&c);
    oracle_check(dir, p, c.n);
    ng_index *ix = open_writer(dir, 2, 64);
    assert_int_equal(ng_index_merge(ix), 0);
    ng_index_free(ix);
    oracle_check(dir, p, c.n);
    free(p);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

/* ---- (e) threads and flushes do not change what is searchable ----------- */

static void threads_and_flushes_agree(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 7, 300);
    const tdoc **p = ptrs(&c);
    char *d1 = make_tmp(), *d2 = make_tmp();
    index_corpus(d1, &c, 1, 256);
    index_corpus(d2, &c, 3, 1); /* 1 MiB over 3 threads: many flushes */
    ng_reader *r1, *r2;
    assert_int_equal(ng_reader_open(&r1, d1), 0);
    assert_int_equal(ng_reader_open(&r2, d2), 0);
    assert_int_equal(ngi_reader_snapshot(r1)->n_segs, 1);
    ngi_manifest m; /* many segment files were written (then merged) */
    ngi_manifest_init(&m);
    assert_int_equal(ngi_manifest_read(d2, &m, NULL), 0);
    assert_true(m.next_file > 5);
    ngi_manifest_free(&m);
    ng_stats s1, s2;
    ng_reader_stats(r1, &s1);
    ng_reader_stats(r2, &s2);
    assert_int_equal(s1.documents, s2.documents);
    assert_int_equal(s1.tokens, s2.tokens);
    assert_true(s1.avg_doc_length == s2.avg_doc_length);
    uint64_t df1, df2;
    assert_int_equal(ngi_snapshot_df(ngi_reader_snapshot(r1), "market", 6, &df1, NULL),
                     0);
    assert_int_equal(ngi_snapshot_df(ngi_reader_snapshot(r2), "market", 6, &df2, NULL),
                     0);
    assert_true(df1 == df2 && df1 > 0);
    ng_reader_free(r1);
    ng_reader_free(r2);
    oracle_check(d1, p, c.n);
    oracle_check(d2, p, c.n);
    rm_rf(d1);
    rm_rf(d2);
    free(d1);
    free(d2);
    free(p);
    corpus_free(&c);
}

/* ---- (b) random operations against a model ------------------------------ */

#define MODEL_IDS      40
#define MODEL_VARIANTS 4

typedef struct model {
    int live[MODEL_IDS]; /* variant + 1, or 0 when absent */
} model;

static void check_model(const char *dir, const model *m, const corpus *var) {
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    const tdoc *live[MODEL_IDS];
    size_t n = 0;
    for (int i = 0; i < MODEL_IDS; i++) {
        char id[32];
        snprintf(id, sizeof id, "doc-%03d", i);
        ng_doc *doc;
        if (!m->live[i]) {
            assert_int_equal(ng_reader_get(r, id, strlen(id), &doc), NG_ENOTFOUND);
            assert_null(doc);
            continue;
        }
        const tdoc *d = &var[m->live[i] - 1].docs[i];
        check_fetch(r, d);
        live[n++] = d;
    }
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, n);
    ng_reader_free(r);
    oracle_check(dir, live, n);
}

static void random_operations(void **state) {
    (void)state;
    corpus var[MODEL_VARIANTS] = {{0}};
    for (int v = 0; v < MODEL_VARIANTS; v++) make_corpus(&var[v], 100 + v, MODEL_IDS);
    char *dir = make_tmp();
    unsigned seed = 12345;
    model committed = {{0}}, pending = {{0}};
    ng_index *ix = open_writer(dir, 2, 2);
    for (int step = 0; step < 400; step++) {
        int op = rand_r(&seed) % 100, id = rand_r(&seed) % MODEL_IDS;
        char ids[32];
        snprintf(ids, sizeof ids, "doc-%03d", id);
        if (op < 55) {
            int v = rand_r(&seed) % MODEL_VARIANTS;
            add_doc(ix, &var[v].docs[id]);
            pending.live[id] = v + 1;
        } else if (op < 75) {
            assert_int_equal(ng_index_delete(ix, ids, strlen(ids)), 0);
            pending.live[id] = 0;
        } else if (op < 88) {
            assert_int_equal(ng_index_commit(ix), 0);
            committed = pending;
            check_model(dir, &committed, var);
        } else if (op < 92) {
            assert_int_equal(ng_index_merge(ix), 0);
            committed = pending;
            check_model(dir, &committed, var);
        } else if (op < 96) { /* reopen the writer: uncommitted work lost */
            ng_index_free(ix);
            pending = committed;
            ix = open_writer(dir, 1 + rand_r(&seed) % 3, 1 + rand_r(&seed) % 4);
            check_model(dir, &committed, var);
        } else {
            check_model(dir, &committed, var); /* uncommitted: invisible */
        }
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    check_model(dir, &pending, var);
    rm_rf(dir);
    free(dir);
    for (int v = 0; v < MODEL_VARIANTS; v++) corpus_free(&var[v]);
}

/* ---- (c) snapshots ------------------------------------------------------ */

static void reader_keeps_snapshot(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 3, 20);
    char *dir = make_tmp();
    ng_index *ix = open_writer(dir, 2, 16);
    for (size_t i = 0; i < 10; i++) add_doc(ix, &c.docs[i]);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    ng_doc *kept;
    assert_int_equal(ng_reader_get(r, "doc-000", 7, &kept), 0);
    for (size_t i = 10; i < 20; i++) add_doc(ix, &c.docs[i]);
    assert_int_equal(ng_index_delete(ix, "doc-000", 7), 0);
    assert_int_equal(ng_index_commit(ix), 0);
    assert_int_equal(ng_index_merge(ix), 0);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, 10);
    check_fetch(r, &c.docs[0]); /* old snapshot still has it */
    ng_doc *d;
    assert_int_equal(ng_reader_get(r, "doc-015", 7, &d), NG_ENOTFOUND);
    int changed = 0;
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, 19);
    assert_int_equal(st.deleted, 0);
    assert_int_equal(st.segments, 1);
    assert_int_equal(ng_reader_get(r, "doc-000", 7, &d), NG_ENOTFOUND);
    check_fetch(r, &c.docs[15]);
    /* the document fetched before stays valid */
    assert_memory_equal(ng_doc_field_by_role(kept, NG_FIELD_ID)->value, "doc-000", 7);
    ng_doc_free(kept);
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 0);
    ng_index_counts cnt;
    ng_index_get_counts(ix, &cnt);
    assert_int_equal(cnt.added, 20);
    assert_int_equal(cnt.deleted, 1);
    ng_index_free(ix);
    ng_reader_free(r);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

/* ---- (d) lock and document validation ----------------------------------- */

static void second_writer_is_locked(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *a = open_writer(dir, 1, 16), *b = NULL;
    assert_int_equal(ng_index_open(&b, dir, NULL), NG_ELOCKED);
    assert_non_null(b);
    assert_non_null(strstr(ng_index_errmsg(b), "locked"));
    assert_int_equal(ng_index_add(b, NULL), NG_ESTATE);
    ng_index_free(b);
    ng_index_free(a);
    assert_int_equal(ng_index_open(&b, dir, NULL), 0); /* lock released */
    ng_index_free(b);
    ng_index_options o;
    ng_index_options_init(&o);
    o.create = 0;
    assert_int_equal(ng_index_open(&b, "/tmp/ng-no-such-index-dir", &o), NG_ENOINDEX);
    ng_index_free(b);
    rm_rf(dir);
    free(dir);
}

static void invalid_documents(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = open_writer(dir, 1, 16);
    ng_field f[3] = {{"title", "x", 1, NG_FIELD_TITLE},
                     {"id", "a", 1, NG_FIELD_ID},
                     {"id", "b", 1, NG_FIELD_ID}};
    ng_document d = {f, 1};
    assert_int_equal(ng_index_add(ix, &d), NG_EDOC); /* no id */
    d.n_fields = 3;
    assert_int_equal(ng_index_add(ix, &d), NG_EDOC); /* two ids */
    f[2] = (ng_field){"date", "2020-02-30", 10, NG_FIELD_DATE};
    assert_int_equal(ng_index_add(ix, &d), NG_EDOC); /* bad date */
    f[2] = (ng_field){"date", "2020-02-29", 10, NG_FIELD_DATE};
    assert_int_equal(ng_index_add(ix, &d), 0);
    ng_index_free(ix);
    ng_index_options o;
    ng_index_options_init(&o);
    o.max_doc_bytes = 10;
    assert_int_equal(ng_index_open(&ix, dir, &o), 0);
    char big[64];
    memset(big, 'a', sizeof big);
    f[0] = (ng_field){"body", big, sizeof big, NG_FIELD_BODY};
    assert_int_equal(ng_index_add(ix, &d), NG_ELIMIT);
    assert_int_equal(ng_index_commit(ix), 0); /* not sticky */
    ng_index_free(ix);
    ng_reader *r; /* the uncommitted document was discarded */
    assert_int_equal(ng_reader_open(&r, dir), 0);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, 0);
    ng_reader_free(r);
    rm_rf(dir);
    free(dir);
}

/* A document larger than 1/16 of the RAM budget is refused by name (its
 * indexing would cost more than the budget); a smaller one is indexed.
 * Before: a 63 MB document cost 874 MB at ram_mb 16. */
static void documents_within_the_ram_budget(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index_options o;
    ng_index_options_init(&o);
    o.ram_mb = 16;
    o.threads = 2;
    ng_index *ix;
    assert_int_equal(ng_index_open(&ix, dir, &o), 0);
    size_t n = 2u << 20; /* 2 MiB > 16 MiB / 16 */
    char *body = malloc(n);
    assert_non_null(body);
    for (size_t i = 0; i < n; i++) body[i] = i % 8 == 7 ? ' ' : (char)('a' + i % 7);
    ng_field f[2] = {{"id", "big", 3, NG_FIELD_ID}, {"body", body, n, NG_FIELD_BODY}};
    ng_document d = {f, 2};
    assert_int_equal(ng_index_add(ix, &d), NG_ELIMIT);
    assert_non_null(strstr(ng_index_errmsg(ix), "ram_mb"));
    f[1].value_len = n / 4; /* 512 KiB: indexed */
    f[0] = (ng_field){"id", "small", 5, NG_FIELD_ID};
    assert_int_equal(ng_index_add(ix, &d), 0);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    free(body);
    rm_rf(dir);
    free(dir);
}

/* ---- (f) corruption ----------------------------------------------------- */

static char *segment_file(const char *dir) {
    DIR *d = opendir(dir);
    struct dirent *e;
    char *found = NULL;
    while ((e = readdir(d)))
        if (!strncmp(e->d_name, "seg_", 4)) found = strdup(e->d_name);
    closedir(d);
    return found;
}

static void *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *len = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    void *p = malloc(*len + 1);
    assert_int_equal(fread(p, 1, *len, f), *len);
    fclose(f);
    return p;
}

static void write_all(const char *path, const void *p, size_t len) {
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, len, f), len);
    fclose(f);
}

static int count_term(void *ctx, const char *t, size_t l, const ngi_term_postings *tp) {
    (void)t;
    (void)l;
    (void)tp;
    (*(size_t *)ctx)++;
    return 0;
}

/* Uses a (possibly corrupt) index every way a reader can, expecting only
 * clean errors. */
static void poke(ng_reader *r) {
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    for (size_t s = 0; s < snap->n_segs; s++) {
        const ngi_segment *seg = snap->segs[s];
        size_t n = 0;
        ngi_error err = {0, ""};
        ngi_segment_prefix(seg, "", 0, count_term, &n, &err);
        ngi_term_postings tp;
        if (ngi_segment_lookup(seg, "common", 6, &tp, &err) == 0) {
            ngi_cursor c;
            if (ngi_segment_cursor(seg, &tp, &c, &err) == 0) {
                while (ngi_cursor_next(&c) == 0 && c.doc != NGI_DOC_END) {
                    const uint32_t *p;
                    ngi_cursor_positions(&c, &p);
                }
                ngi_cursor_close(&c);
            }
        }
        uint32_t *docs;
        size_t nd;
        if (ngi_segment_docs_in_dates(seg, 0, 20000, &docs, &nd, &err) == 0) free(docs);
    }
    ng_doc *d;
    if (ng_reader_get(r, "doc-001", 7, &d) == 0) ng_doc_free(d);
}

static void corruption_is_detected(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 9, 60);
    char *dir = make_tmp();
    index_corpus(dir, &c, 1, 64);
    char *seg = segment_file(dir);
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, seg);
    size_t len;
    uint8_t *orig = read_all(path, &len);
    uint8_t *copy = malloc(len);
    unsigned seed = 99;
    int cases = 0, detected = 0;
    for (size_t off = 0; off < len; off += 1 + rand_r(&seed) % (len / 150 + 1)) {
        memcpy(copy, orig, len);
        copy[off] ^= (uint8_t)(1u << (rand_r(&seed) % 8));
        bool truncate = rand_r(&seed) % 8 == 0;
        write_all(path, copy, truncate ? off : len);
        ng_reader *r;
        int rc = ng_reader_open(&r, dir);
        cases++;
        if (rc == 0) {
            poke(r);
            rc = ng_reader_check(r);
            if (rc) { assert_non_null(strstr(ng_reader_errmsg(r), seg)); }
        } else {
            assert_true(rc == NG_ECORRUPT || rc == NG_EVERSION || rc == NG_EIO);
            assert_non_null(strstr(ng_reader_errmsg(r), seg));
        }
        assert_true(rc == NG_ECORRUPT || rc == NG_EVERSION || rc == NG_EIO);
        detected++;
        ng_reader_free(r);
    }
    assert_int_equal(cases, detected);
    assert_true(cases > 100);
    write_all(path, orig, len);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    assert_int_equal(ng_reader_check(r), 0);
    ng_reader_free(r);
    free(orig);
    free(copy);
    free(seg);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

/* ---- temporary indexes ------------------------------------------------ */

/* Commits make segments; a tier of ten is merged, but not in a temporary
 * index (grep mode: searched once, then removed), whose search sees the
 * same documents in every segment. */
static void temporary_index_is_not_merged(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 9, 12);
    for (int temporary = 0; temporary < 2; temporary++) {
        char *dir = make_tmp();
        ng_index_options o;
        ng_index_options_init(&o);
        o.threads = 1;
        o.flags = temporary ? NG_INDEX_TEMPORARY : 0;
        ng_index *ix;
        assert_int_equal(ng_index_open(&ix, dir, &o), 0);
        for (size_t i = 0; i < c.n; i++) {
            add_doc(ix, &c.docs[i]);
            assert_int_equal(ng_index_commit(ix), 0);
        }
        ng_index_free(ix);
        ng_reader *r;
        ng_stats st;
        assert_int_equal(ng_reader_open(&r, dir), 0);
        assert_int_equal(ng_reader_stats(r, &st), 0);
        assert_int_equal(st.documents, c.n);
        if (temporary)
            assert_int_equal(st.segments, c.n);
        else
            assert_true(st.segments < 10);
        ng_reader_free(r);
        rm_rf(dir);
        free(dir);
    }
    corpus_free(&c);
}

/* ---- dates ------------------------------------------------------------- */

/* QLEN bytes: exact below 128, else a floor within 1/16 of the length;
 * the code of a floor is the code itself; codes and floors both grow
 * with the length (the query's bounds rely on all four). */
static void quantized_lengths(void **state) {
    (void)state;
    for (uint32_t dl = 0; dl < NGI_QLEN_EXACT; dl++) {
        assert_int_equal(ngi_qlen_encode(dl), dl);
        assert_int_equal(ngi_qlen_floor((uint8_t)dl), dl);
    }
    uint8_t prev = 0;
    uint32_t probes[] = {
        128,   129,   135,   136,   255,   256,    1000,           4095,      4096,
        31743, 31744, 31745, 32767, 32768, 100000, UINT32_MAX - 1, UINT32_MAX};
    for (size_t i = 0; i < sizeof probes / sizeof *probes; i++) {
        uint32_t dl = probes[i];
        uint8_t q = ngi_qlen_encode(dl);
        assert_true(q >= NGI_QLEN_EXACT && q >= prev);
        assert_true(ngi_qlen_floor(q) <= dl);
        if (dl < 31744) assert_true((uint64_t)ngi_qlen_floor(q) * 16 > (uint64_t)dl * 15);
        prev = q;
    }
    for (uint32_t dl = 1; dl < 70000; dl++) {
        uint8_t q = ngi_qlen_encode(dl);
        assert_true(q >= ngi_qlen_encode(dl - 1));
        assert_true(ngi_qlen_floor(q) <= dl);
        assert_int_equal(ngi_qlen_encode(ngi_qlen_floor(q)), q);
    }
    for (unsigned q = 1; q < 256; q++)
        assert_true(ngi_qlen_floor((uint8_t)q) > ngi_qlen_floor((uint8_t)(q - 1)));
}

static void docs_in_dates(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 5, 80);
    char *dir = make_tmp();
    index_corpus(dir, &c, 2, 64);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    int32_t since, until;
    ngi_date_parse("2005-01-01", 10, &since);
    ngi_date_parse("2015-06-30", 10, &until);
    size_t want = 0, got = 0;
    for (size_t i = 0; i < c.n; i++) {
        int32_t d;
        if (c.docs[i].date && !ngi_date_parse(c.docs[i].date, 10, &d) && d >= since &&
            d <= until)
            want++;
    }
    for (size_t s = 0; s < snap->n_segs; s++) {
        uint32_t *docs;
        size_t n;
        assert_int_equal(
            ngi_segment_docs_in_dates(snap->segs[s], since, until, &docs, &n, NULL), 0);
        for (size_t i = 0; i < n; i++) {
            int32_t d = ngi_segment_doc_date(snap->segs[s], docs[i]);
            assert_true(d >= since && d <= until);
            if (i) assert_true(docs[i] > docs[i - 1]);
        }
        got += n;
        free(docs);
    }
    assert_int_equal(got, want);
    ng_reader_free(r);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

/* ---- failure injection ------------------------------------------------ */

/* Allocation k of a commit (or of adds) fails: a clean error, the handle
 * refuses further work, nothing leaks, and the last commit stays intact. */
static void allocation_failures_keep_last_commit(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 21, 30);
    for (long k = 0; k < 400; k = k < 8 ? k + 1 : k * 3 / 2) {
        char *dir = make_tmp();
        ng_index *ix = open_writer(dir, 2, 16);
        for (size_t i = 0; i < 20; i++) add_doc(ix, &c.docs[i]);
        assert_int_equal(ng_index_commit(ix), 0);
        ngi_fault_alloc_after(k);
        int rc = 0;
        for (size_t i = 20; i < 30 && !rc; i++) {
            ng_field f[8];
            ng_document doc = {f, doc_fields(&c.docs[i], f)};
            rc = ng_index_add(ix, &doc);
        }
        assert_int_equal(ng_index_delete(ix, "doc-000", 7), rc ? NG_ESTATE : 0);
        if (!rc) rc = ng_index_merge(ix);
        ngi_fault_alloc_after(-1);
        if (rc) {
            assert_true(rc == NG_ENOMEM || rc == NG_EIO);
            assert_int_equal(ng_index_commit(ix), NG_ESTATE);
        }
        ng_index_free(ix);
        ng_reader *r;
        if (ng_reader_open(&r, dir)) fail_msg("k=%ld open: %s", k, ng_reader_errmsg(r));
        ng_stats st;
        assert_int_equal(ng_reader_stats(r, &st), 0);
        assert_true(st.documents == 20 || st.documents == 29);
        if (!rc) assert_int_equal(st.documents, 29);
        assert_int_equal(ng_reader_check(r), 0);
        ng_reader_free(r);
        rm_rf(dir);
        free(dir);
    }
    corpus_free(&c);
}

/* ---- one writer, concurrent readers ------------------------------------- */

typedef struct race {
    const char *dir;
    atomic_int done;
    atomic_int errors;
    atomic_int reopens;
} race;

static void *reader_loop(void *arg) {
    race *rc = arg;
    ng_reader *r = NULL;
    uint64_t last = 0;
    while (ng_reader_open(&r, rc->dir) != 0) { /* until the first commit */
        ng_reader_free(r);
        r = NULL;
    }
    while (!rc->done) {
        int changed;
        if (ng_reader_reopen(r, &changed)) rc->errors++;
        ng_stats st;
        if (ng_reader_stats(r, &st) || st.documents % 10 || st.documents < last)
            rc->errors++;
        last = st.documents;
        if (st.documents) {
            char id[32];
            snprintf(id, sizeof id, "doc-%03llu", (unsigned long long)(st.documents - 1));
            ng_doc *d;
            if (ng_reader_get(r, id, strlen(id), &d)) rc->errors++;
            ng_doc_free(d);
        }
        if (rc->reopens++ % 16 == 0 && ng_reader_check(r)) rc->errors++;
    }
    ng_reader_free(r);
    return NULL;
}

static void readers_during_commits_and_merges(void **state) {
    (void)state;
    corpus c = {0};
    make_corpus(&c, 31, 200);
    char *dir = make_tmp();
    race rc = {dir, 0, 0, 0};
    ng_index *ix = open_writer(dir, 2, 4);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) pthread_create(&th[i], NULL, reader_loop, &rc);
    for (size_t i = 0; i < c.n; i++) {
        add_doc(ix, &c.docs[i]);
        if (i % 10 == 9) assert_int_equal(ng_index_commit(ix), 0);
        if (i % 70 == 69) assert_int_equal(ng_index_merge(ix), 0);
    }
    rc.done = 1;
    for (int i = 0; i < 2; i++) pthread_join(th[i], NULL);
    ng_index_free(ix);
    assert_int_equal(rc.errors, 0);
    assert_true(rc.reopens > 2);
    const tdoc **p = ptrs(&c);
    oracle_check(dir, p, c.n);
    free(p);
    rm_rf(dir);
    free(dir);
    corpus_free(&c);
}

/* Lookups past NGI_LEX_KEYS_AFTER use the segment's block keys (the
 * first 8 bytes of each lexicon block's first term): many terms sharing
 * their first 8+ bytes, every term found, terms between them and around
 * them not found, prefixes enumerated as before, whichever came first. */
static int in_list(const term_list *l, const char *t) {
    for (size_t i = 0; i < l->n; i++)
        if (!strcmp(l->t[i], t)) return 1;
    return 0;
}

static void lookups_with_block_keys(void **state) {
    (void)state;
    char *dir = make_tmp();
    corpus c = {0};
    char body[8192], id[32];
    for (int d = 0; d < 40; d++) {
        size_t n = 0;
        for (int w = 0; w < 60; w++) { /* pneumonoultrak + two letters, and others */
            int x = (d * 60 + w) % 900;
            n += (size_t)snprintf(body + n, sizeof body - n, "%s%c%c ",
                                  x % 3 ? "pneumonoultrak" : "pneu", 'a' + x / 26 % 26,
                                  'a' + x % 26);
        }
        snprintf(id, sizeof id, "d%d", d);
        corpus_add(&c, id, NULL, body, NULL, NULL);
    }
    index_corpus(dir, &c, 1, 0);
    ng_reader *r;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    const ngi_snapshot *snap = ngi_reader_snapshot(r);
    const ngi_segment *seg = snap->segs[0];
    term_list all = {0};
    ngi_error err = {0, ""};
    assert_int_equal(ngi_segment_prefix(seg, "", 0, collect_term, &all, &err), 0);
    assert_true(all.n > 16 * 20);             /* many lexicon blocks */
    for (int round = 0; round < 3; round++) { /* rounds 2 and 3 with the keys */
        for (size_t i = 0; i < all.n; i++) {
            ngi_term_postings tp;
            char t[300];
            size_t len = strlen(all.t[i]);
            assert_int_equal(ngi_segment_lookup(seg, all.t[i], len, &tp, &err), 0);
            snprintf(t, sizeof t, "%s!", all.t[i]); /* just after it: absent */
            assert_int_equal(ngi_segment_lookup(seg, t, len + 1, &tp, &err),
                             in_list(&all, t) ? 0 : NG_ENOTFOUND);
            memcpy(t, all.t[i], len); /* just before it (last byte - 1) */
            t[len - 1] = (char)(t[len - 1] - 1);
            t[len] = 0;
            assert_int_equal(ngi_segment_lookup(seg, t, len, &tp, &err),
                             in_list(&all, t) ? 0 : NG_ENOTFOUND);
        }
        ngi_term_postings tp;
        assert_int_equal(ngi_segment_lookup(seg, "a", 1, &tp, &err), NG_ENOTFOUND);
        assert_int_equal(ngi_segment_lookup(seg, "zzzz", 4, &tp, &err), NG_ENOTFOUND);
        assert_int_equal(ngi_segment_lookup(seg, "pneumonoultra", 13, &tp, &err),
                         NG_ENOTFOUND);
        static const char *pre[] = {"pneumonoultrak", "pneumonoultrakb", "pneu",
                                    "pneumono",       "pneumonoultrakz", "q"};
        for (size_t k = 0; k < NGI_ARRAY_LEN(pre); k++) {
            term_list got = {0};
            assert_int_equal(
                ngi_segment_prefix(seg, pre[k], strlen(pre[k]), collect_term, &got, &err),
                0);
            size_t j = 0;
            for (size_t i = 0; i < all.n; i++)
                if (!strncmp(all.t[i], pre[k], strlen(pre[k])))
                    assert_string_equal(all.t[i], got.t[j++]);
            assert_int_equal(j, got.n);
            free_terms(&got);
        }
    }
    free_terms(&all);
    ng_reader_free(r);
    corpus_free(&c);
    rm_rf(dir);
    free(dir);
}

int main(void) {
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(oracle_small_corpus),
        cmocka_unit_test(lookups_with_block_keys),
        cmocka_unit_test(oracle_bbc),
        cmocka_unit_test(threads_and_flushes_agree),
        cmocka_unit_test(random_operations),
        cmocka_unit_test(reader_keeps_snapshot),
        cmocka_unit_test(second_writer_is_locked),
        cmocka_unit_test(invalid_documents),
        cmocka_unit_test(documents_within_the_ram_budget),
        cmocka_unit_test(corruption_is_detected),
        cmocka_unit_test(quantized_lengths),
        cmocka_unit_test(docs_in_dates),
        cmocka_unit_test(temporary_index_is_not_merged),
        cmocka_unit_test(allocation_failures_keep_last_commit),
        cmocka_unit_test(readers_during_commits_and_merges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
