/*
 * Unit tests of the search engine (lib/query): an oracle that scores BM25
 * (and BM25 + the proximity part of the default ranking) naively from the
 * analyzer's tokens and must agree with ng_search to 1e-5; pruned top-k
 * equal to exhaustive top-k on thousands of random queries over a
 * multi-segment index with deletions, in both rankings; phrase and proximity
 * edge cases; field restrictions; dates, counts and timelines; snippets;
 * several threads searching one reader.
 */
#include <dirent.h>
#include <math.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "unit/testindex.h"

#include "common/date.h"
#include "query/iter.h"
#include "query/proximity.h"

/* ---- temporary index directories ------------------------------------- */

static char *make_tmp(void) {
    return test_make_tmp("ng-query-test");
}

/* ---- documents ---------------------------------------------------------- */

typedef struct tdoc {
    char id[32];
    char *title;
    char *body;
    char date[11]; /* "" = none */
    int deleted;
} tdoc;

static void add_doc(ng_index *ix, const tdoc *d) {
    ng_field f[4];
    size_t n = 0;
    f[n++] = (ng_field){"id", d->id, strlen(d->id), NG_FIELD_ID};
    if (d->title)
        f[n++] = (ng_field){"title", d->title, strlen(d->title), NG_FIELD_TITLE};
    if (d->body) f[n++] = (ng_field){"body", d->body, strlen(d->body), NG_FIELD_BODY};
    if (d->date[0]) f[n++] = (ng_field){"date", d->date, 10, NG_FIELD_DATE};
    ng_document doc = {f, n};
    int rc = ng_index_add(ix, &doc);
    if (rc) fail_msg("add %s: %s", d->id, ng_index_errmsg(ix));
}

/* Indexes docs, committing every `every` documents (several segments). */
static ng_reader *build_index(const char *dir, tdoc *docs, size_t n, size_t every) {
    ng_index *ix = test_index_open(dir);
    for (size_t i = 0; i < n; i++) {
        add_doc(ix, &docs[i]);
        if (every && (i + 1) % every == 0) assert_int_equal(ng_index_commit(ix), 0);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    for (size_t i = 0; i < n; i++)
        if (docs[i].deleted)
            assert_int_equal(ng_index_delete(ix, docs[i].id, strlen(docs[i].id)), 0);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    return test_reader_open(dir);
}

/* ---- generated corpus ---------------------------------------------------- */

static unsigned rnd(unsigned *s) {
    *s = *s * 1103515245u + 12345u;
    return (*s >> 8) & 0xffffff;
}

#define VOCAB 600
static char vocab[VOCAB][16];

static void make_vocab(void) {
    static const char *syl[] = {"ka", "lo",  "mi",  "ru",  "te", "zan",
                                "po", "vel", "qui", "dor", "sa", "bex"};
    unsigned s = 7;
    for (int i = 0; i < VOCAB; i++) {
        int n = 2 + (int)(rnd(&s) % 3);
        vocab[i][0] = 0;
        for (int j = 0; j < n; j++) strcat(vocab[i], syl[rnd(&s) % 12]);
        char num[8];
        snprintf(num, sizeof num, "%c", 'a' + i % 26); /* distinct-ish */
        strcat(vocab[i], num);
    }
}

/* Zipf-ish: small indexes are much more frequent. */
static const char *zipf_word(unsigned *s) {
    double u = (rnd(s) + 1) / 16777217.0;
    int i = (int)(pow(VOCAB, u)) - 1;
    if (i < 0) i = 0;
    if (i >= VOCAB) i = VOCAB - 1;
    return vocab[i];
}

static char *random_text(unsigned *s, int n) {
    size_t cap = (size_t)n * 20 + 1, len = 0;
    char *t = malloc(cap);
    t[0] = 0;
    for (int i = 0; i < n; i++) {
        const char *w = rnd(s) % 9 == 0 ? "the" : zipf_word(s);
        len += (size_t)snprintf(t + len, cap - len, "%s%s", i ? " " : "", w);
    }
    return t;
}

/* Bodies have up to body_words - 1 words (the long-document tests raise
 * it past the lengths whose quantized byte is exact, NGI_QLEN_EXACT). */
static int body_words = 120;

static tdoc *make_docs(size_t n, unsigned seed, int deletions) {
    tdoc *d = calloc(n, sizeof *d);
    unsigned s = seed;
    for (size_t i = 0; i < n; i++) {
        snprintf(d[i].id, sizeof d[i].id, "doc%zu", i);
        d[i].title = rnd(&s) % 10 ? random_text(&s, 2 + (int)(rnd(&s) % 6)) : NULL;
        d[i].body = random_text(&s, (int)(rnd(&s) % (unsigned)body_words));
        if (rnd(&s) % 5)
            ngi_date_format(ngi_days_from_civil(2025, 1, 1) + (int32_t)(rnd(&s) % 200),
                            d[i].date);
        d[i].deleted = deletions && rnd(&s) % 13 == 0;
    }
    return d;
}

static void free_docs(tdoc *d, size_t n) {
    for (size_t i = 0; i < n; i++) {
        free(d[i].title);
        free(d[i].body);
    }
    free(d);
}

/* ---- naive model: analysed tokens per doc ----------------------------------- */

typedef struct ntok {
    char term[64];
    uint32_t pos;
} ntok;

typedef struct ndoc {
    ntok *t;
    size_t n, cap;
    uint32_t title_end;
    uint32_t last;
} ndoc;

static int naive_tok(void *ctx, const ng_token *t) {
    ndoc *d = ctx;
    if (d->n == d->cap) {
        d->cap = d->cap ? d->cap * 2 : 16;
        d->t = realloc(d->t, d->cap * sizeof *d->t);
    }
    snprintf(d->t[d->n].term, sizeof d->t[d->n].term, "%.*s", (int)t->term_len, t->term);
    d->t[d->n++].pos = t->position;
    d->last = t->position;
    return 0;
}

/* The title from position 0, the body from last title position + 2. */
static ndoc *naive_build(ng_analyzer *a, const tdoc *docs, size_t n) {
    ndoc *nd = calloc(n, sizeof *nd);
    for (size_t i = 0; i < n; i++) {
        uint32_t next = 0;
        if (docs[i].title) {
            size_t before = nd[i].n;
            ng_analyzer_tokenize(a, docs[i].title, strlen(docs[i].title), 0, naive_tok,
                                 &nd[i]);
            if (nd[i].n > before) next = nd[i].last + 2;
        }
        nd[i].title_end = next;
        if (docs[i].body)
            ng_analyzer_tokenize(a, docs[i].body, strlen(docs[i].body), next, naive_tok,
                                 &nd[i]);
    }
    return nd;
}

static void naive_free(ndoc *nd, size_t n) {
    for (size_t i = 0; i < n; i++) free(nd[i].t);
    free(nd);
}

typedef struct nstats {
    double N, avgdl;
} nstats;

static nstats naive_stats(const ndoc *nd, size_t n) {
    double tot = 0;
    for (size_t i = 0; i < n; i++) tot += (double)nd[i].n;
    return (nstats){(double)n, tot / (double)n};
}

static uint32_t naive_tf(const ndoc *d, const char *term) {
    uint32_t tf = 0;
    for (size_t i = 0; i < d->n; i++) tf += !strcmp(d->t[i].term, term);
    return tf;
}

static double naive_idf(const ndoc *nd, size_t n, const char *term) {
    double df = 0;
    for (size_t i = 0; i < n; i++) df += naive_tf(&nd[i], term) > 0;
    return log(1 + ((double)n - df + 0.5) / (df + 0.5));
}

static double naive_bm25(double idf, double tf, double dl, nstats st) {
    double k1 = NG_DEFAULT_K1, b = NG_DEFAULT_B;
    return idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / st.avgdl));
}

/* Occurrences of an exact phrase (terms at positions rel) in d. */
static uint32_t naive_phrase_tf(const ndoc *d, char terms[][64], const uint32_t *rel,
                                int n) {
    uint32_t c = 0;
    for (size_t i = 0; i < d->n; i++) {
        if (strcmp(d->t[i].term, terms[0])) continue;
        uint32_t s = d->t[i].pos;
        int ok = 1;
        for (int w = 1; w < n && ok; w++) {
            int found = 0;
            for (size_t j = 0; j < d->n; j++)
                found |= d->t[j].pos == s + rel[w] && !strcmp(d->t[j].term, terms[w]);
            ok = found;
        }
        if (ok && (s < d->title_end) != (s + rel[n - 1] < d->title_end)) ok = 0;
        c += (uint32_t)ok;
    }
    return c;
}

/* The proximity part (proximity.h) of d for the query words terms[0..n)
 * in query order: pairs of neighbouring distinct terms (repeats merged
 * into their first occurrence), tf = occurrences of a followed by b within
 * the window. */
static double naive_prox(const ndoc *d, char terms[][64], int n, nstats st) {
    char uniq[8][64];
    int nu = 0;
    for (int i = 0; i < n; i++) {
        int seen = 0;
        for (int j = 0; j < nu; j++) seen |= !strcmp(uniq[j], terms[i]);
        if (!seen) memcpy(uniq[nu++], terms[i], sizeof uniq[0]);
    }
    double k1 = NG_DEFAULT_K1, b = NG_DEFAULT_B, s = 0;
    double K = k1 * (1 - b + b * (double)d->n / st.avgdl);
    for (int p = 0; p + 1 < nu; p++) {
        uint32_t tf = 0;
        for (size_t i = 0; i < d->n; i++) {
            if (strcmp(d->t[i].term, uniq[p])) continue;
            int follows = 0;
            for (size_t j = 0; j < d->n; j++)
                follows |= !strcmp(d->t[j].term, uniq[p + 1]) &&
                           d->t[j].pos > d->t[i].pos &&
                           d->t[j].pos - d->t[i].pos <= NGI_PROX_WINDOW;
            tf += (uint32_t)follows;
        }
        if (tf) s += NGI_PROX_WEIGHT * (k1 + 1) * tf / (tf + K);
    }
    return s;
}

/* ---- running searches ------------------------------------------------------- */

/* The ranking run_search asks for (ng_search_options.rank). */
static int rank_mode = NG_RANK_PROXIMITY;

typedef struct hitv {
    char id[32];
    double score;
} hitv;

static size_t run_search(ng_reader *r, const char *q, unsigned qflags, size_t k,
                         unsigned sflags, hitv *out, int64_t *total) {
    ng_query *qq = NULL;
    int rc = ng_query_parse(&qq, r, q, strlen(q), qflags);
    if (rc) fail_msg("parse '%s': %s", q, qq ? ng_query_errmsg(qq) : ng_strerror(rc));
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = k;
    o.flags = sflags;
    o.rank = rank_mode;
    ng_results *res = NULL;
    rc = ng_search(r, qq, &o, &res);
    if (rc)
        fail_msg("search '%s': %s", q, res ? ng_results_errmsg(res) : ng_strerror(rc));
    size_t n = ng_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const ng_hit *h = ng_results_hit(res, i);
        snprintf(out[i].id, sizeof out[i].id, "%s", h->id);
        out[i].score = h->score;
        if (i) assert_true(out[i - 1].score >= out[i].score);
    }
    if (total) *total = ng_results_total(res);
    ng_results_free(res);
    ng_query_free(qq);
    return n;
}

static int cmp_hitv_id(const void *a, const void *b) {
    return strcmp(((const hitv *)a)->id, ((const hitv *)b)->id);
}

/* ---- (b) the oracle -------------------------------------------------------------- */

#define ORACLE_DOCS 200

typedef struct oracle {
    tdoc *docs;
    ndoc *nd;
    nstats st;
    ng_reader *r;
    char *dir;
} oracle;

/* Analyzes one query word to its term (test words analyse to one). */
static void analyse_word(ng_analyzer *a, const char *w, char out[64]) {
    ndoc d = {0};
    ng_analyzer_tokenize(a, w, strlen(w), 0, naive_tok, &d);
    assert_int_equal(d.n, 1);
    snprintf(out, 64, "%s", d.t[0].term);
    free(d.t);
}

typedef enum { Q_OR, Q_AND, Q_PHRASE, Q_NOT, Q_TITLE } qtype;

/* tf of term in the title only (positions before title_end). */
static uint32_t naive_title_tf(const ndoc *d, const char *term) {
    uint32_t tf = 0;
    for (size_t i = 0; i < d->n; i++)
        tf += d->t[i].pos < d->title_end && !strcmp(d->t[i].term, term);
    return tf;
}

/* Naive evaluation; returns matches into out (score per doc). */
static size_t naive_eval(const oracle *o, qtype t, char terms[][64], int nt,
                         const uint32_t *rel, hitv *out) {
    size_t m = 0;
    for (size_t i = 0; i < ORACLE_DOCS; i++) {
        const ndoc *d = &o->nd[i];
        double dl = (double)d->n, s = 0;
        int matched = 0, all = 1;
        if (t == Q_TITLE) {
            /* title:w — tf in the title, idf and dl as usual */
            uint32_t tf = naive_title_tf(d, terms[0]);
            if (!tf) continue;
            s = naive_bm25(naive_idf(o->nd, ORACLE_DOCS, terms[0]), tf, dl, o->st);
            matched = 1;
        } else if (t == Q_PHRASE) {
            uint32_t tf = naive_phrase_tf(d, terms, rel, nt);
            if (!tf) continue;
            double idf = 0;
            for (int w = 0; w < nt; w++) idf += naive_idf(o->nd, ORACLE_DOCS, terms[w]);
            s = naive_bm25(idf, tf, dl, o->st);
            matched = 1;
        } else {
            int npos = t == Q_NOT ? nt - 1 : nt;
            for (int w = 0; w < npos; w++) {
                uint32_t tf = naive_tf(d, terms[w]);
                if (tf)
                    matched = 1;
                else
                    all = 0;
                /* a repeated query term counts once per occurrence */
                if (tf)
                    s += naive_bm25(naive_idf(o->nd, ORACLE_DOCS, terms[w]), tf, dl,
                                    o->st);
            }
            if (t == Q_AND && !all) continue;
            if (t == Q_NOT && naive_tf(d, terms[nt - 1])) continue;
            if (matched && rank_mode == NG_RANK_PROXIMITY)
                s += naive_prox(d, terms, npos, o->st);
        }
        if (!matched) continue;
        snprintf(out[m].id, sizeof out[m].id, "%s", o->docs[i].id);
        out[m++].score = s;
    }
    return m;
}

static void oracle_query(const oracle *o, ng_analyzer *a, unsigned *s) {
    qtype t = (qtype)(rnd(s) % 5);
    char q[512] = "", terms[8][64];
    uint32_t rel[8] = {0};
    int nt = 0;
    if (t == Q_PHRASE) {
        /* a phrase taken from a document body (two or three words) */
        const tdoc *d = &o->docs[rnd(s) % ORACLE_DOCS];
        const char *b = d->body;
        char words[64][32];
        int nw = 0;
        for (const char *p = b; *p && nw < 64;) {
            while (*p == ' ') p++;
            const char *e = strchr(p, ' ');
            size_t l = e ? (size_t)(e - p) : strlen(p);
            if (!l) break;
            snprintf(words[nw++], 32, "%.*s", (int)l, p);
            p += l;
        }
        if (nw < 3) return;
        int st = (int)(rnd(s) % (unsigned)(nw - 2)), len = 2 + (int)(rnd(s) % 2);
        strcat(q, "\"");
        uint32_t pos = 0;
        for (int i = 0; i < len; i++) {
            strcat(q, i ? " " : "");
            strcat(q, words[st + i]);
            if (!strcmp(words[st + i], "the")) {
                pos++;
                continue;
            }
            if (nt == 0) pos = 0;
            analyse_word(a, words[st + i], terms[nt]);
            rel[nt++] = pos++;
        }
        strcat(q, "\"");
        if (nt < 2) return;
    } else if (t == Q_TITLE) {
        const char *w = zipf_word(s);
        snprintf(q, sizeof q, "title:%s", w);
        analyse_word(a, w, terms[0]);
        nt = 1;
    } else {
        nt = (t == Q_NOT ? 2 : 1) + (int)(rnd(s) % 4);
        for (int i = 0; i < nt; i++) {
            const char *w = zipf_word(s);
            if (t == Q_NOT && i == nt - 1) {
                if (nt == 1) break;
                strcat(q, " -");
            } else if (i) {
                strcat(q, t == Q_AND ? " AND " : " ");
            }
            strcat(q, w);
            analyse_word(a, w, terms[i]);
        }
        if (t == Q_NOT && nt == 1) t = Q_OR;
    }
    hitv want[ORACLE_DOCS], got[ORACLE_DOCS];
    size_t nw = naive_eval(o, t, terms, nt, rel, want);
    int64_t total;
    size_t ng = run_search(o->r, q, 0, ORACLE_DOCS, NG_SEARCH_COUNT, got, &total);
    if (ng != nw) fail_msg("query %s: %zu hits, naive %zu", q, ng, nw);
    assert_int_equal(total, (int64_t)nw);
    qsort(want, nw, sizeof *want, cmp_hitv_id);
    qsort(got, ng, sizeof *got, cmp_hitv_id);
    for (size_t i = 0; i < nw; i++) {
        assert_string_equal(got[i].id, want[i].id);
        if (fabs(got[i].score - want[i].score) > 1e-5)
            fail_msg("query %s doc %s: score %.9f naive %.9f", q, got[i].id, got[i].score,
                     want[i].score);
    }
}

static void oracle_run(int words) {
    body_words = words;
    oracle o;
    o.dir = make_tmp();
    o.docs = make_docs(ORACLE_DOCS, 42, 0);
    ng_analyzer *a;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    o.nd = naive_build(a, o.docs, ORACLE_DOCS);
    o.st = naive_stats(o.nd, ORACLE_DOCS);
    o.r = build_index(o.dir, o.docs, ORACLE_DOCS, 70);
    unsigned s = 99;
    /* plain BM25 (the scores of earlier versions), then the default */
    rank_mode = NG_RANK_BM25;
    for (int i = 0; i < 400; i++) oracle_query(&o, a, &s);
    rank_mode = NG_RANK_PROXIMITY;
    for (int i = 0; i < 400; i++) oracle_query(&o, a, &s);
    ng_reader_free(o.r);
    naive_free(o.nd, ORACLE_DOCS);
    free_docs(o.docs, ORACLE_DOCS);
    ng_analyzer_free(a);
    test_dir_free(o.dir);
    body_words = 120;
}

static void oracle_agrees_with_naive_bm25(void **state) {
    (void)state;
    oracle_run(120);
}

/* Documents of up to 900 words: most lengths are past NGI_QLEN_EXACT,
 * where the quantized length is only a bound and scores read NORM. */
static void oracle_long_documents(void **state) {
    (void)state;
    oracle_run(900);
}

/* ---- (c) pruned top-k equals exhaustive ------------------------------------------ */

#define BIG_DOCS 3000

/* Set by pruned_equals_exhaustive_phrases: every query is one phrase. */
static int phrase_queries;

/* A phrase of two to four common words (repeats and "the" gaps
 * included), sometimes field-restricted or sloppy: the phrase is the
 * root, so its own block-max pruning decides the top k. */
static void random_phrase(unsigned *s, char *q, size_t cap) {
    static const char *field[] = {"", "", "", "title:", "body:"};
    int nw = 2 + (int)(rnd(s) % 3);
    size_t n = (size_t)snprintf(q, cap, "%s\"", field[rnd(s) % 5]);
    for (int i = 0; i < nw; i++) {
        const char *w = rnd(s) % 8 == 0 ? "the" : vocab[rnd(s) % 12];
        n += (size_t)snprintf(q + n, cap - n, "%s%s", i ? " " : "", w);
    }
    n += (size_t)snprintf(q + n, cap - n, "\"");
    if (rnd(s) % 4 == 0) snprintf(q + n, cap - n, "~%u", 1 + rnd(s) % 3);
}

static void random_query(unsigned *s, char *q, size_t cap, unsigned *qflags) {
    size_t n = 0;
    if (phrase_queries) {
        *qflags = 0;
        random_phrase(s, q, cap);
        return;
    }
    int kind = (int)(rnd(s) % 10), nt = 1 + (int)(rnd(s) % 6);
    *qflags = kind == 1 ? NG_QUERY_ALL : 0;
    q[0] = 0;
    for (int i = 0; i < nt; i++) {
        const char *pre = i ? " " : "";
        if (kind == 2 && i) pre = " AND ";
        if (kind == 3 && i == nt - 1 && nt > 1) pre = " -";
        if (kind == 4 && i == 0) pre = "+";
        if (kind == 6 && i == 0) pre = "title:";
        if (kind == 8 && i == 0) pre = "body:";
        n += (size_t)snprintf(q + n, cap - n, "%s%s", pre, zipf_word(s));
    }
    if (kind == 5)
        n += (size_t)snprintf(q + n, cap - n, " \"%s %s\"", zipf_word(s), zipf_word(s));
    if (kind == 7) n += (size_t)snprintf(q + n, cap - n, " date:2025-02-01..2025-04-30");
    if (kind == 9)
        n += (size_t)snprintf(q + n, cap - n, " \"%s %s\"~3", zipf_word(s), zipf_word(s));
    if (rnd(s) % 6 == 0) { /* a prefix: up to ~60 expansions (wide OR) */
        static const char *pre[] = {"ka*", "lo*", "mi*", "zan*", "kalo*", "te*"};
        n += (size_t)snprintf(q + n, cap - n, " %s", pre[rnd(s) % 6]);
    }
}

static void pruned_run(size_t n_docs, int words, int nq) {
    body_words = words;
    char *dir = make_tmp();
    tdoc *docs = make_docs(n_docs, 4242, 1);
    ng_reader *r = build_index(dir, docs, n_docs, n_docs / 4 - 50);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_true(st.segments > 1);
    assert_true(st.deleted > 0);
    unsigned s = 1234;
    static const size_t ks[] = {1, 3, 10, 10, 50, 200};
    hitv a[200], b[200];
    /* NG_QUERY_TEST_N: more random queries for a longer soak */
    if (getenv("NG_QUERY_TEST_N")) nq = atoi(getenv("NG_QUERY_TEST_N"));
    if (getenv("NG_QUERY_TEST_SEED")) s = (unsigned)atoi(getenv("NG_QUERY_TEST_SEED"));
    for (int i = 0; i < nq; i++) {
        char q[512];
        unsigned qf;
        rank_mode = i % 2 ? NG_RANK_BM25 : NG_RANK_PROXIMITY; /* both rankings */
        random_query(&s, q, sizeof q, &qf);
        size_t k = ks[rnd(&s) % 6];
        size_t na = run_search(r, q, qf, k, 0, a, NULL);
        size_t nb = run_search(r, q, qf, k, NG_SEARCH_EXHAUSTIVE, b, NULL);
        if (na != nb)
            fail_msg("query '%s' k=%zu: pruned %zu hits, exhaustive %zu", q, k, na, nb);
        for (size_t j = 0; j < na; j++)
            if (strcmp(a[j].id, b[j].id) || a[j].score != b[j].score)
                fail_msg(
                    "query '%s' k=%zu rank %zu: pruned %s %.17g, exhaustive %s %.17g", q,
                    k, j, a[j].id, a[j].score, b[j].id, b[j].score);
    }
    rank_mode = NG_RANK_PROXIMITY;
    ng_reader_free(r);
    free_docs(docs, n_docs);
    test_dir_free(dir);
    body_words = 120;
}

static void pruned_equals_exhaustive(void **state) {
    (void)state;
    pruned_run(BIG_DOCS, 120, 3000);
}

/* The same with long documents: candidates are rejected on their
 * quantized length's bound and scored with the exact one. */
static void pruned_equals_exhaustive_long_documents(void **state) {
    (void)state;
    pruned_run(BIG_DOCS / 2, 900, 1000);
}

/* Phrase queries alone (exact, sloppy, field-restricted): the phrase's
 * block-max skipping and its lazy position checks keep exact scores. */
static void pruned_equals_exhaustive_phrases(void **state) {
    (void)state;
    phrase_queries = 1;
    pruned_run(BIG_DOCS, 120, 1500);
    phrase_queries = 0;
}

/* ---- (c2) grep-style scans: a filtered index ranks like a full one ----------------- */

/* Text the generated vocabulary lacks: capitals, acronyms, joiners,
 * accents, Snowball's exceptions ("dying" -> "die"), numbers. */
static const char *const tricky[] = {
    "The Cafe reopened",
    "Café Zürich",
    "the U.S. and the US",
    "don't stop",
    "1,000 tonnes",
    "Dying embers; die hard",
    "Kalo-mizan plans",
    "ÜBER CAFÉ",
    "Reuters said",
    "Straße",
    "north-east",
    "KALOA",
    "ay ay",
    "Lying low",
    "the skies, flies and skis",
    "IDLY ies",
    "i a is",
};

static tdoc *tricky_docs(size_t n, unsigned seed) {
    tdoc *d = make_docs(n, seed, 0);
    unsigned s = seed * 7 + 1;
    for (size_t i = 0; i < n; i++) {
        if (rnd(&s) % 3) continue;
        const char *t = tricky[rnd(&s) % NGI_ARRAY_LEN(tricky)];
        size_t len = strlen(d[i].body) + strlen(t) + 2;
        char *b = malloc(len);
        snprintf(b, len, "%s %s", t, d[i].body);
        free(d[i].body);
        d[i].body = b;
    }
    return d;
}

/* Indexes docs with a filter for q; returns the reader and the filter's
 * counts in *c. */
static ng_reader *build_filtered(const char *dir, const tdoc *docs, size_t n,
                                 const char *q, unsigned qflags, ng_index_counts *c) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.threads = 1; /* documents keep their order: ties break alike */
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, dir, &o), 0);
    int rc = ng_index_set_filter(ix, q, strlen(q), qflags);
    if (rc) fail_msg("filter '%s': %s", q, ng_index_errmsg(ix));
    for (size_t i = 0; i < n; i++) add_doc(ix, &docs[i]);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_get_counts(ix, c);
    ng_index_free(ix);
    ng_reader *r = NULL;
    assert_int_equal(ng_reader_open(&r, dir), 0);
    return r;
}

static size_t search_unseen(ng_reader *r, const char *q, unsigned qflags, size_t k,
                            const ng_index_counts *c, hitv *out) {
    ng_query *qq = NULL;
    assert_int_equal(ng_query_parse(&qq, r, q, strlen(q), qflags), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.k = k;
    o.unseen_docs = c->filtered;
    o.unseen_tokens = c->filtered_tokens;
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, qq, &o, &res), 0);
    size_t n = ng_results_count(res);
    for (size_t i = 0; i < n; i++) {
        const ng_hit *h = ng_results_hit(res, i);
        snprintf(out[i].id, sizeof out[i].id, "%s", h->id);
        out[i].score = h->score;
    }
    ng_results_free(res);
    ng_query_free(qq);
    return n;
}

static void next_filter_query(unsigned *s, int i, char *q, size_t cap, unsigned *qf) {
    static const char *const words[] = {
        "cafe",
        "us",
        "1000",
        "don't",
        "die",
        "strasse",
        "uber",
        "reuters",
        "\"die hard\"",
        "kalo*",
        "zurich OR mizan",
        "north",
        "caf*",
        "the",
        "+us -cafe",
        "lie",
        "sky",
        "flies",
        "ay",
        "idly",
        "i",
        "ski*",
        "l*",
    };
    if (i % 3 == 0) {
        *qf = 0;
        snprintf(q, cap, "%s %s", words[rnd(s) % NGI_ARRAY_LEN(words)],
                 i % 2 ? zipf_word(s) : "");
    } else {
        random_query(s, q, cap, qf);
    }
}

/* Dropping the documents without a query word (ng_index_set_filter) and
 * adding them back as unseen statistics gives the same hits and scores,
 * bit for bit, as the index of everything. */
static void filtered_equals_full(void **state) {
    (void)state;
    enum { N = 1200 };
    char *dir = make_tmp(), *fdir = make_tmp();
    tdoc *docs = tricky_docs(N, 99);
    ng_reader *full = build_index(dir, docs, N, 400);
    unsigned s = 4321;
    hitv a[50], b[50];
    int nq = getenv("NG_QUERY_TEST_N") ? atoi(getenv("NG_QUERY_TEST_N")) / 20 : 150;
    uint64_t dropped = 0;
    for (int i = 0; i < nq; i++) {
        char q[512];
        unsigned qf;
        next_filter_query(&s, i, q, sizeof q, &qf);
        test_rm_rf(fdir);
        ng_index_counts c;
        ng_reader *fr = build_filtered(fdir, docs, N, q, qf, &c);
        dropped += c.filtered;
        size_t k = i % 2 ? 10 : 50;
        size_t na = run_search(full, q, qf, k, 0, a, NULL);
        size_t nb = search_unseen(fr, q, qf, k, &c, b);
        if (na != nb) fail_msg("query '%s': full %zu hits, filtered %zu", q, na, nb);
        for (size_t j = 0; j < na; j++)
            if (strcmp(a[j].id, b[j].id) || a[j].score != b[j].score)
                fail_msg("query '%s' rank %zu: full %s %.17g, filtered %s %.17g", q, j,
                         a[j].id, a[j].score, b[j].id, b[j].score);
        ng_reader_free(fr);
    }
    assert_true(dropped > (uint64_t)nq * N / 4); /* the filter did drop */
    ng_reader_free(full);
    free_docs(docs, N);
    test_dir_free(dir);
    test_dir_free(fdir);
}

static void filter_api_errors(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, dir, NULL), 0);
    assert_int_equal(ng_index_set_filter(NULL, "a", 1, 0), NG_EINVAL);
    assert_int_equal(ng_index_set_filter(ix, NULL, 3, 0), NG_EINVAL);
    assert_int_equal(ng_index_set_filter(ix, "(oil", 4, 0), NG_EQUERY);
    assert_non_null(strstr(ng_index_errmsg(ix), "byte"));
    assert_int_equal(ng_index_set_filter(ix, "the of", 6, 0), 0); /* no words: off */
    assert_int_equal(ng_index_set_filter(ix, "oil", 3, 0), 0);
    assert_int_equal(ng_index_set_filter(ix, "gas", 3, 0), NG_EINVAL); /* once */
    tdoc d = {"x1", NULL, "Oil prices rose", "", 0};
    tdoc e = {"x2", NULL, "Gas prices fell", "", 0};
    add_doc(ix, &d);
    add_doc(ix, &e);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_counts c;
    ng_index_get_counts(ix, &c);
    assert_int_equal(c.added, 2);
    assert_int_equal(c.filtered, 1);
    assert_int_equal(c.filtered_tokens, 3);
    ng_index_free(ix);
    test_rm_rf(dir);
    assert_int_equal(ng_index_open(&ix, dir, NULL), 0);
    add_doc(ix, &d);
    assert_int_equal(ng_index_set_filter(ix, "oil", 3, 0), NG_EINVAL); /* too late */
    ng_index_free(ix);
    test_dir_free(dir);
}

/* ---- (d) phrases, proximity, fields, dates ------------------------------------------ */

static tdoc *hand_docs(size_t *n) {
    static const char *raw[][4] = {
        {"ny", "New York", "New York, New York is a song about New York", "2025-06-01"},
        {"treaty", "Treaty of Good-Neighborliness",
         "The leaders signed the Treaty of Good-Neighborliness in Astana.", "2025-06-17"},
        {"split", "The treaty of", "Good-Neighborliness was not signed", "2025-06-20"},
        {"boundary", "alpha beta", "gamma delta", "2025-07-02"},
        {"zulu", "first", "this document ends with zulu", "2025-07-03"},
        {"yankee", "second", "yankee starts this document", "2025-08-15"},
        {"fox", "animals", "the quick brown fox jumps", "2025-08-16"},
        {"fox2", "animals again", "a fox that was quick", ""},
        {"astana", "Astana Declaration signed",
         "The leaders of China, Kazakhstan, Kyrgyzstan, Tajikistan, Turkmenistan "
         "and Uzbekistan signed the Astana Declaration at the second China–Central "
         "Asia summit in Astana on 17 June 2025.",
         "2025-06-17"},
    };
    *n = sizeof raw / sizeof raw[0];
    tdoc *d = calloc(*n, sizeof *d);
    for (size_t i = 0; i < *n; i++) {
        snprintf(d[i].id, sizeof d[i].id, "%s", raw[i][0]);
        d[i].title = strdup(raw[i][1]);
        d[i].body = strdup(raw[i][2]);
        snprintf(d[i].date, sizeof d[i].date, "%s", raw[i][3]);
    }
    return d;
}

/* The ids matching q, sorted, joined by spaces. */
static void ids_of(ng_reader *r, const char *q, char *out, size_t cap) {
    hitv h[64];
    size_t n = run_search(r, q, 0, 64, 0, h, NULL);
    qsort(h, n, sizeof *h, cmp_hitv_id);
    out[0] = 0;
    for (size_t i = 0; i < n; i++) {
        strncat(out, i ? " " : "", cap - strlen(out) - 1);
        strncat(out, h[i].id, cap - strlen(out) - 1);
    }
}

static void expect_ids(ng_reader *r, const char *q, const char *want) {
    char got[1024];
    ids_of(r, q, got, sizeof got);
    if (strcmp(got, want)) fail_msg("query %s: got [%s] want [%s]", q, got, want);
}

static void phrase_edge_cases(void **state) {
    (void)state;
    char *dir = make_tmp();
    size_t n;
    tdoc *docs = hand_docs(&n);
    ng_reader *r = build_index(dir, docs, n, 0);
    expect_ids(r, "\"New York, New York\"", "ny");
    expect_ids(r, "\"York New York\"", "ny");
    expect_ids(r, "\"Treaty of Good-Neighborliness\"", "treaty");
    expect_ids(r, "\"Astana Declaration\"", "astana");
    expect_ids(r, "\"beta gamma\"", "");
    expect_ids(r, "\"zulu yankee\"", "");
    expect_ids(r, "\"quick fox\"~1", "fox");
    expect_ids(r, "\"fox quick\"~1", "fox");
    expect_ids(r, "\"fox quick\"~3", "fox fox2"); /* stopwords count */
    expect_ids(r, "\"quick fox\"~2", "fox fox2");
    expect_ids(r, "\"quick fox\"", "");
    expect_ids(r, "\"fox quick\"~0", "");
    expect_ids(r, "\"brown fox\"", "fox");
    expect_ids(r, "\"beta gamma\"~5", "");
    /* title / body restrictions */
    expect_ids(r, "title:york", "ny");
    expect_ids(r, "body:treaty", "treaty");
    expect_ids(r, "title:treaty", "split treaty");
    expect_ids(r, "title:\"astana declaration\"", "astana");
    expect_ids(r, "body:\"astana declaration\"", "astana");
    expect_ids(r, "title:(alpha gamma)", "boundary");
    expect_ids(r, "body:(alpha gamma)", "boundary");
    expect_ids(r, "title:gamma", "");
    /* dates */
    expect_ids(r, "astana date:2025-06-17", "astana treaty");
    expect_ids(r, "date:2025-07-01..2025-08-15", "boundary yankee zulu");
    expect_ids(r, "date:2025-08-16..", "fox");
    expect_ids(r, "fox -date:2025-08-16", "fox2");
    expect_ids(r, "astan* -treaty", "astana");
    /* a phrase counts its occurrences: "new york" twice in ny's body + title */
    hitv h[4];
    assert_int_equal(run_search(r, "\"new york\"", 0, 4, 0, h, NULL), 1);
    assert_true(h[0].score > 0);
    ng_reader_free(r);
    free_docs(docs, n);
    test_dir_free(dir);
}

static void phrase_count_definition(void **state) {
    (void)state;
    /* "new york new york" over new@{0,2,5,7} york@{1,3,6,8}: starts 0, 5 */
    uint32_t pn[] = {0, 2, 5, 7}, py[] = {1, 3, 6, 8};
    const uint32_t *pos[] = {pn, py};
    uint32_t np[] = {4, 4}, wmap[] = {0, 1, 0, 1}, wrel[] = {0, 1, 2, 3};
    ngi_buf b = NGI_BUF_INIT;
    assert_int_equal(ngi_phrase_count(pos, np, wmap, wrel, 4, 2, 0, 100, 0, &b), 2);
    /* body starts at 3: "new york" at 0 (title), 5 and 7 (body); 2-3
     * crosses the boundary */
    assert_int_equal(ngi_phrase_count(pos, np, wmap, wrel, 2, 2, 0, 3, 0, &b), 3);
    assert_int_equal(
        ngi_phrase_count(pos, np, wmap, wrel, 2, 2, 0, 3, NGI_FIELD_TITLE, &b), 1);
    assert_int_equal(
        ngi_phrase_count(pos, np, wmap, wrel, 2, 2, 0, 3, NGI_FIELD_BODY, &b), 2);
    /* proximity: a@{10} b@{5}: span 5, slop 4 ok, slop 3 not */
    uint32_t pa[] = {10}, pb[] = {5};
    const uint32_t *pos2[] = {pa, pb};
    uint32_t np2[] = {1, 1}, wmap2[] = {0, 1}, wrel2[] = {0, 1};
    assert_int_equal(ngi_phrase_count(pos2, np2, wmap2, wrel2, 2, 2, 4, 100, 0, &b), 1);
    assert_int_equal(ngi_phrase_count(pos2, np2, wmap2, wrel2, 2, 2, 3, 100, 0, &b), 0);
    /* never across the title/body boundary */
    assert_int_equal(ngi_phrase_count(pos2, np2, wmap2, wrel2, 2, 2, 10, 8, 0, &b), 0);
    ngi_buf_free(&b);
}

/* The exact count's definition, naively: word 0's occurrences (with
 * repeats) whose start has every word at its relative position, all on
 * one side of title_end. */
static uint32_t naive_exact(const uint32_t *const *pos, const uint32_t *np,
                            const uint32_t *wmap, const uint32_t *wrel, uint32_t nw,
                            uint32_t te, int field) {
    uint32_t count = 0;
    for (uint32_t j = 0; j < np[wmap[0]]; j++) {
        if (pos[wmap[0]][j] < wrel[0]) continue;
        uint32_t st = pos[wmap[0]][j] - wrel[0], last = st + wrel[nw - 1];
        if ((st < te) != (last < te)) continue;
        if (field == NGI_FIELD_TITLE && st >= te) continue;
        if (field == NGI_FIELD_BODY && st < te) continue;
        uint32_t i = 1;
        for (; i < nw; i++) {
            uint32_t k = 0;
            while (k < np[wmap[i]] && pos[wmap[i]][k] != st + wrel[i]) k++;
            if (k == np[wmap[i]]) break;
        }
        count += i == nw;
    }
    return count;
}

/* The exact count starts from the word with the fewest positions and
 * filters word by word: the same count as the definition, repeated
 * words and repeated positions included. */
static void phrase_count_exact_random(void **state) {
    (void)state;
    unsigned s = 77;
    ngi_buf b = NGI_BUF_INIT;
    for (int t = 0; t < 3000; t++) {
        uint32_t nl = 1 + rnd(&s) % 3, nw = nl + rnd(&s) % 3, span = 4 + rnd(&s) % 40;
        uint32_t lists[3][64], np[3], wmap[6], wrel[6];
        const uint32_t *pos[3];
        for (uint32_t l = 0; l < nl; l++) {
            np[l] = rnd(&s) % 24;
            for (uint32_t k = 0; k < np[l]; k++) lists[l][k] = rnd(&s) % span;
            for (uint32_t k = 1; k < np[l]; k++) /* ascending, repeats allowed */
                for (uint32_t m = k; m && lists[l][m - 1] > lists[l][m]; m--) {
                    uint32_t x = lists[l][m];
                    lists[l][m] = lists[l][m - 1];
                    lists[l][m - 1] = x;
                }
            pos[l] = lists[l];
        }
        for (uint32_t i = 0; i < nw; i++) {
            wmap[i] = i < nl ? i : rnd(&s) % nl;
            wrel[i] = i ? wrel[i - 1] + 1 + (rnd(&s) % 4 == 0) : rnd(&s) % 2;
        }
        uint32_t te = rnd(&s) % 2 ? UINT32_MAX : rnd(&s) % span;
        int field = (int)(rnd(&s) % 3);
        field = field == 1 ? NGI_FIELD_TITLE : field == 2 ? NGI_FIELD_BODY : 0;
        uint32_t want = naive_exact(pos, np, wmap, wrel, nw, te, field);
        uint32_t got = ngi_phrase_count(pos, np, wmap, wrel, nw, nl, 0, te, field, &b);
        if (got != want) fail_msg("case %d: count %u, naive %u", t, got, want);
    }
    ngi_buf_free(&b);
}

/* ---- counts, sort by date, timeline ----------------------------------------------- */

typedef struct tl {
    char days[64][11];
    uint64_t counts[64];
    int n;
} tl;

static int tl_cb(void *ctx, const char *b, uint64_t c) {
    tl *t = ctx;
    if (t->n == 64) return 1;
    snprintf(t->days[t->n], 11, "%s", b);
    t->counts[t->n++] = c;
    return 0;
}

static void counts_dates_and_timeline(void **state) {
    (void)state;
    char *dir = make_tmp();
    size_t n;
    tdoc *docs = hand_docs(&n);
    ng_reader *r = build_index(dir, docs, n, 4);
    hitv h[16];
    int64_t total;
    assert_int_equal(
        run_search(r, "astana OR fox OR york", 0, 1, NG_SEARCH_COUNT, h, &total), 1);
    assert_int_equal(total, 5);
    /* sort by date: newest first */
    ng_query *q;
    assert_int_equal(ng_query_parse(&q, r, "astana OR fox OR york", 21, 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.sort = NG_SORT_DATE;
    o.flags = NG_SEARCH_FETCH;
    ng_results *res;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 5);
    assert_string_equal(ng_results_hit(res, 0)->id, "fox");
    assert_string_equal(ng_results_hit(res, 0)->date, "2025-08-16");
    assert_string_equal(ng_results_hit(res, 4)->id, "fox2"); /* no date: last */
    ng_results_free(res);
    /* --since / --until */
    o.sort = NG_SORT_SCORE;
    o.since = "2025-06-02";
    o.until = "2025-06-30";
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 2);
    ng_results_free(res);
    o.since = "2025-02-30";
    assert_int_equal(ng_search(r, q, &o, &res), NG_EINVAL);
    assert_null(res);
    /* timeline by month with an empty bucket (July has only non-matches) */
    tl t = {0};
    assert_int_equal(ng_timeline(r, q, NULL, "month", tl_cb, &t), 0);
    assert_int_equal(t.n, 3);
    assert_string_equal(t.days[0], "2025-06-01");
    assert_int_equal(t.counts[0], 3);
    assert_string_equal(t.days[1], "2025-07-01");
    assert_int_equal(t.counts[1], 0);
    assert_string_equal(t.days[2], "2025-08-01");
    assert_int_equal(t.counts[2], 1);
    memset(&t, 0, sizeof t);
    assert_int_equal(ng_timeline(r, q, NULL, "week", tl_cb, &t), 0);
    assert_string_equal(t.days[0], "2025-05-26"); /* Monday before June 1 */
    ng_query_free(q);
    assert_int_equal(ng_query_parse(&q, r, "date:2025-06-01..2025-06-30", 27, 0), 0);
    memset(&t, 0, sizeof t);
    assert_int_equal(ng_timeline(r, q, NULL, "day", tl_cb, &t), 0);
    assert_int_equal(t.n, 20);
    assert_int_equal(t.counts[0], 1);
    assert_int_equal(t.counts[16], 2);
    assert_int_equal(ng_timeline(r, q, NULL, "decade", tl_cb, &t), NG_EINVAL);
    ng_query_free(q);
    ng_reader_free(r);
    free_docs(docs, n);
    test_dir_free(dir);
}

/* ---- explain and prefix limits ------------------------------------------------------ */

static void explain_and_prefix_limit(void **state) {
    (void)state;
    char *dir = make_tmp();
    size_t n = 1100;
    tdoc *docs = calloc(n, sizeof *docs);
    for (size_t i = 0; i < n; i++) {
        snprintf(docs[i].id, sizeof docs[i].id, "d%zu", i);
        char b[64];
        snprintf(b, sizeof b, "pre%zux astana", i);
        docs[i].body = strdup(b);
    }
    ng_reader *r = build_index(dir, docs, n, 0);
    ng_query *q;
    /* more terms than the limit: the most frequent are searched (all tie
     * here, so the first by bytes), and the results say so */
    assert_int_equal(ng_query_parse(&q, r, "pre*", 4, 0), 0);
    ng_search_options so;
    ng_search_options_init(&so);
    so.flags = NG_SEARCH_COUNT;
    ng_results *lim;
    assert_int_equal(ng_search(r, q, &so, &lim), 0);
    assert_int_equal(ng_results_total(lim), NG_MAX_PREFIX_EXPANSION);
    assert_non_null(ng_results_warning(lim));
    assert_non_null(strstr(ng_results_warning(lim), "pre* matches 1100 terms"));
    ng_results_free(lim);
    ng_query_free(q);
    int prc = ng_query_parse(&q, r, "pre10* astana", 13, 0);
    if (prc) fail_msg("pre10*: %s", ng_query_errmsg(q));
    ng_search_options o;
    ng_search_options_init(&o);
    o.flags = NG_SEARCH_EXPLAIN | NG_SEARCH_COUNT;
    ng_results *res;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_int_equal(ng_results_total(res), (int64_t)n);
    const ng_hit *h = ng_results_hit(res, 0);
    assert_non_null(h->explain);
    assert_non_null(strstr(h->explain, "idf="));
    assert_non_null(strstr(h->explain, "term astana"));
    assert_non_null(strstr(h->explain, "prefix pre10*"));
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    free_docs(docs, n);
    test_dir_free(dir);
}

/* ---- (e) snippets --------------------------------------------------------------------- */

static int valid_utf8(const unsigned char *s, size_t n) {
    for (size_t i = 0; i < n;) {
        size_t l = s[i] < 0x80         ? 1
                   : (s[i] >> 5) == 6  ? 2
                   : (s[i] >> 4) == 14 ? 3
                   : (s[i] >> 3) == 30 ? 4
                                       : 0;
        if (!l || i + l > n) return 0;
        for (size_t j = 1; j < l; j++)
            if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += l;
    }
    return 1;
}

static void snippets_highlight_the_right_bytes(void **state) {
    (void)state;
    char *dir = make_tmp();
    tdoc d[2] = {{.id = "long"}, {.id = "short"}};
    char body[4096] = "";
    for (int i = 0; i < 40; i++) strcat(body, "Café société naïve filler words here. ");
    strcat(body, "Then the leaders met in Astana and signed the Astana Declaration, "
                 "a text on trade, 北京 and energy. ");
    for (int i = 0; i < 30; i++) strcat(body, "More filler about nothing much. ");
    d[0].title = strdup("Summit");
    d[0].body = strdup(body);
    d[1].title = strdup("Astana Declaration signed");
    d[1].body = strdup("");
    ng_reader *r = build_index(dir, d, 2, 0);
    ng_query *q;
    const char *qs = "astana declaration 北京";
    assert_int_equal(ng_query_parse(&q, r, qs, strlen(qs), 0), 0);
    ng_search_options o;
    ng_search_options_init(&o);
    o.flags = NG_SEARCH_SNIPPETS;
    o.snippet_bytes = 120;
    ng_results *res;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 2);
    ng_analyzer *a;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    for (size_t i = 0; i < 2; i++) {
        const ng_hit *h = ng_results_hit(res, i);
        size_t len = strlen(h->snippet);
        assert_true(valid_utf8((const unsigned char *)h->snippet, len));
        assert_true(len <= o.snippet_bytes + 6);
        assert_true(h->n_highlights >= 2);
        for (size_t j = 0; j < h->n_highlights; j++) {
            const ng_span *sp = &h->highlights[j];
            assert_true(sp->start < sp->end && sp->end <= len);
            ndoc t = {0};
            ng_analyzer_tokenize(a, h->snippet + sp->start, sp->end - sp->start, 0,
                                 naive_tok, &t);
            assert_true(t.n >= 1);
            assert_true(!strcmp(t.t[0].term, "astana") ||
                        !strcmp(t.t[0].term, "declar") || !strcmp(t.t[0].term, "北京"));
            free(t.t);
        }
        if (!strcmp(h->id, "long")) {
            assert_non_null(strstr(h->snippet, "Astana Declaration"));
            assert_memory_equal(h->snippet, "\xe2\x80\xa6", 3); /* cut at the start */
        } else {
            assert_string_equal(h->snippet, "Astana Declaration signed");
        }
    }
    ng_analyzer_free(a);
    ng_results_free(res);
    ng_query_free(q);
    ng_reader_free(r);
    free(d[0].title);
    free(d[0].body);
    free(d[1].title);
    free(d[1].body);
    test_dir_free(dir);
}

/* Snippets gate the analyzer to the first letters of the terms sought
 * (as grep mode does): the other plain words skip the stemmer but keep
 * their positions, so phrases, a second letter 'y' ("Dying" -> "die"),
 * capitals and prefixes are highlighted as without the gate. */
static void snippets_skip_words_that_cannot_match(void **state) {
    (void)state;
    const char *qs = "\"roman empire\" die sold*";
    ng_query *q;
    assert_int_equal(ng_query_parse_for(&q, "english", 0, qs, strlen(qs), 0), 0);
    const char *text = "Dying soldiers of the ROMAN Empire fought on, while "
                       "others elsewhere watched; the empire fell.";
    ng_analyzer *a;
    assert_int_equal(ng_analyzer_create(&a, "english", 0), 0);
    ngi_buf out = NGI_BUF_INIT, spans = NGI_BUF_INIT;
    assert_int_equal(ngi_snippet_build(a, q, text, strlen(text), 400, &out, &spans), 0);
    assert_true(a->gated > 0); /* "fought", "while", ... never stemmed */
    assert_false(a->gate_on);  /* and the analyzer is left ungated */
    const char *want[] = {"Dying", "soldiers", "ROMAN", "Empire"};
    const ng_span *sp = (const ng_span *)spans.data;
    assert_int_equal(spans.len / sizeof *sp, 4);
    for (size_t i = 0; i < 4; i++) {
        assert_int_equal(sp[i].end - sp[i].start, strlen(want[i]));
        assert_memory_equal((const char *)out.data + sp[i].start, want[i],
                            strlen(want[i]));
    }
    ngi_buf_free(&out);
    ngi_buf_free(&spans);
    ng_analyzer_free(a);
    ng_query_free(q);
}

/* ---- argument errors -------------------------------------------------------------------- */

static void invalid_arguments(void **state) {
    (void)state;
    char *dir = make_tmp();
    size_t n;
    tdoc *docs = hand_docs(&n);
    ng_reader *r = build_index(dir, docs, n, 0);
    ng_query *q = NULL, *bad = NULL;
    ng_results *res = (ng_results *)1;
    assert_int_equal(ng_query_parse(&q, r, "fox", 3, 0), 0);
    assert_int_equal(ng_query_parse(&bad, r, "(fox", 4, 0), NG_EQUERY);
    assert_int_equal(ng_search(r, bad, NULL, &res), NG_EINVAL);
    assert_null(res);
    assert_int_equal(ng_search(NULL, q, NULL, &res), NG_EINVAL);
    assert_int_equal(ng_search(r, q, NULL, NULL), NG_EINVAL);
    ng_search_options o;
    ng_search_options_init(&o);
    o.b = 2.0;
    assert_int_equal(ng_search(r, q, &o, &res), NG_EINVAL);
    /* per-search k1 / b change the score */
    ng_search_options_init(&o);
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    double s1 = ng_results_hit(res, 0)->score;
    assert_int_equal(ng_results_total(res), -1);
    assert_null(ng_results_hit(res, 5));
    ng_results_free(res);
    o.k1 = 0.9;
    o.b = 0.4;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_true(ng_results_hit(res, 0)->score != s1);
    ng_results_free(res);
    /* k = 0 with a count */
    o.k = 0;
    o.flags = NG_SEARCH_COUNT;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    assert_int_equal(ng_results_count(res), 0);
    assert_int_equal(ng_results_total(res), 2);
    ng_results_free(res);
    ng_query_free(bad);
    ng_query_free(q);
    ng_reader_free(r);
    free_docs(docs, n);
    test_dir_free(dir);
}

/* ---- allocation failures ------------------------------------------------------------------ */

/* One search under allocation failures: its results, and how many it must give. */
typedef struct search_run {
    ng_reader *r;
    ng_query *q;
    ng_search_options o;
    ng_results *res;
    size_t want;
} search_run;

static int search_once(void *ctx) {
    search_run *s = ctx;
    s->res = NULL;
    return ng_search(s->r, s->q, &s->o, &s->res);
}

static void search_done(void *ctx, int rc) {
    search_run *s = ctx;
    if (rc == 0) assert_int_equal(ng_results_count(s->res), s->want);
    ng_results_free(s->res);
}

static void allocation_failures_are_clean(void **state) {
    (void)state;
    char *dir = make_tmp();
    size_t n;
    tdoc *docs = hand_docs(&n);
    search_run s = {.r = build_index(dir, docs, n, 4), .want = 4};
    const char *qs = "\"new york\" OR astana* OR (fox AND -dog) date:2025-01-01..";
    assert_int_equal(ng_query_parse(&s.q, s.r, qs, strlen(qs), 0), 0);
    ng_search_options_init(&s.o);
    s.o.flags = NG_SEARCH_SNIPPETS | NG_SEARCH_EXPLAIN | NG_SEARCH_COUNT;
    test_alloc_failures(400, search_once, search_done, &s);
    ng_query_free(s.q);
    ng_reader_free(s.r);
    free_docs(docs, n);
    test_dir_free(dir);
}

/* ---- threads --------------------------------------------------------------------------- */

typedef struct targ {
    ng_reader *r;
    unsigned seed;
    int bad;
} targ;

static void *thread_main(void *p) {
    targ *t = p;
    for (int i = 0; i < 200; i++) {
        char q[512];
        unsigned qf;
        random_query(&t->seed, q, sizeof q, &qf);
        ng_query *qq;
        if (ng_query_parse(&qq, t->r, q, strlen(q), qf)) {
            t->bad++;
            ng_query_free(qq);
            continue;
        }
        ng_search_options o;
        ng_search_options_init(&o);
        ng_results *a, *b;
        int ra = ng_search(t->r, qq, &o, &a);
        o.flags = NG_SEARCH_EXHAUSTIVE;
        int rb = ng_search(t->r, qq, &o, &b);
        if (ra || rb || ng_results_count(a) != ng_results_count(b))
            t->bad++;
        else
            for (size_t j = 0; j < ng_results_count(a); j++)
                t->bad += ng_results_hit(a, j)->score != ng_results_hit(b, j)->score;
        ng_results_free(a);
        ng_results_free(b);
        ng_query_free(qq);
    }
    return NULL;
}

static void threads_share_a_reader(void **state) {
    (void)state;
    char *dir = make_tmp();
    tdoc *docs = make_docs(800, 77, 1);
    ng_reader *r = build_index(dir, docs, 800, 300);
    pthread_t th[3];
    targ ta[3];
    for (int i = 0; i < 3; i++) {
        ta[i] = (targ){r, 100u + (unsigned)i, 0};
        pthread_create(&th[i], NULL, thread_main, &ta[i]);
    }
    for (int i = 0; i < 3; i++) {
        pthread_join(th[i], NULL);
        assert_int_equal(ta[i].bad, 0);
    }
    ng_reader_free(r);
    free_docs(docs, 800);
    test_dir_free(dir);
}

/* "word date:..." in a segment without the word matched every document
 * of the dates (the group's SHOULD rule looked at the segment's children,
 * not the query's). */
static void date_filter_and_absent_word(void **state) {
    (void)state;
    char *dir = make_tmp();
    tdoc d[2] = {{.id = "one", .body = "alpha", .date = "2025-03-01"},
                 {.id = "two", .body = "beta", .date = "2025-03-02"}};
    ng_reader *r = build_index(dir, d, 2, 1); /* a segment each */
    hitv h[4];
    int64_t total;
    assert_int_equal(
        run_search(r, "alpha date:2025-03", 0, 10, NG_SEARCH_COUNT, h, &total), 1);
    assert_int_equal(total, 1);
    assert_int_equal(run_search(r, "alpha date:2025-03", 0, 10,
                                NG_SEARCH_COUNT | NG_SEARCH_EXHAUSTIVE, h, &total),
                     1);
    assert_int_equal(total, 1);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* Equal scores rank the smaller id first, also at the k-th place under
 * pruning: documents that tie with the threshold and come later (here
 * inserted with descending ids, over several segments) must still enter
 * the heap. Before, the first indexed documents (largest ids) won. */
static void ties_rank_by_id(void **state) {
    (void)state;
    char *dir = make_tmp();
    enum { N = 60 };
    tdoc d[N];
    memset(d, 0, sizeof d);
    for (int i = 0; i < N; i++) {
        snprintf(d[i].id, sizeof d[i].id, "id-%02d", N - 1 - i);
        d[i].body = (char *)"alpha beta gamma"; /* one text: equal proximity parts too */
    }
    ng_reader *r = build_index(dir, d, N, 17);
    static const char *const qs[] = {"alpha", "alpha beta", "alpha AND beta",
                                     "\"alpha beta\"~2", "alph*"};
    static const unsigned flags[] = {0, NG_SEARCH_EXHAUSTIVE, NG_SEARCH_COUNT};
    hitv h[5];
    for (size_t i = 0; i < NGI_ARRAY_LEN(qs); i++)
        for (size_t f = 0; f < NGI_ARRAY_LEN(flags); f++) {
            assert_int_equal(run_search(r, qs[i], 0, 3, flags[f], h, NULL), 3);
            for (int j = 0; j < 3; j++) {
                char want[16];
                snprintf(want, sizeof want, "id-%02d", j);
                if (strcmp(h[j].id, want))
                    fail_msg("'%s' flags %u rank %d: %s, want %s", qs[i], flags[f], j,
                             h[j].id, want);
                assert_true(h[j].score == h[0].score && h[0].score > 0);
            }
        }
    ng_reader_free(r);
    test_dir_free(dir);
}

/* Thousands of exactly equal scores in several segments, with deletes
 * and replacements, ids in an order unlike the order of addition (and
 * not zero-padded, so bytes and numbers disagree): every k gives the
 * first k of all matches sorted here by (score descending, id bytes), by
 * pruning and exhaustively, in the first searches (ties compare ids) and
 * in later ones (segments compare ranks in their id order, and a
 * segment's candidates the root's place in it: search.c, beats_root). */
#define TIE_DOCS 2400

static int cmp_tied(const void *a, const void *b) {
    const hitv *x = a, *y = b;
    if (x->score != y->score) return x->score > y->score ? -1 : 1;
    return strcmp(x->id, y->id);
}

static ng_reader *build_tied(const char *dir) {
    static const char *const text[] = {"alpha beta gamma", "alpha beta delta epsilon",
                                       "alpha gamma", "beta zeta alpha alpha"};
    unsigned s = 7, perm[TIE_DOCS];
    for (unsigned i = 0; i < TIE_DOCS; i++) perm[i] = i;
    for (unsigned i = TIE_DOCS - 1; i > 0; i--) {
        unsigned j = rnd(&s) % (i + 1), t = perm[i];
        perm[i] = perm[j];
        perm[j] = t;
    }
    ng_index *ix = test_index_open(dir);
    tdoc d = {0};
    for (unsigned i = 0; i < TIE_DOCS; i++) {
        snprintf(d.id, sizeof d.id, "t%u", perm[i]);
        d.body = (char *)text[rnd(&s) % 4];
        add_doc(ix, &d);
        if (i % 7 == 3) { /* replaced later, by a document of another segment */
            snprintf(d.id, sizeof d.id, "t%u", perm[i / 2]);
            d.body = (char *)text[rnd(&s) % 4];
            add_doc(ix, &d);
        }
        if (i % 300 == 299) assert_int_equal(ng_index_commit(ix), 0);
    }
    for (unsigned i = 0; i < TIE_DOCS; i += 11) {
        snprintf(d.id, sizeof d.id, "t%u", perm[i]);
        assert_int_equal(ng_index_delete(ix, d.id, strlen(d.id)), 0);
    }
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    return test_reader_open(dir);
}

static void ties_across_segments(void **state) {
    (void)state;
    char *dir = make_tmp();
    ng_reader *r = build_tied(dir);
    static const char *const qs[] = {"alpha", "alpha beta", "gamma zeta", "beta"};
    static const size_t ks[] = {1, 10, 100, 333, 1000};
    static const unsigned flags[] = {0, NG_SEARCH_EXHAUSTIVE};
    hitv *all = calloc(TIE_DOCS, sizeof *all), *h = calloc(TIE_DOCS, sizeof *h);
    for (int round = 0; round < 3; round++)
        for (size_t q = 0; q < NGI_ARRAY_LEN(qs); q++) {
            /* every match, in an order that does not rest on the heap's */
            size_t n = run_search(r, qs[q], 0, TIE_DOCS, NG_SEARCH_EXHAUSTIVE, all, NULL);
            assert_true(n > 1000);
            qsort(all, n, sizeof *all, cmp_tied);
            size_t tied = 0; /* at the 1000th place */
            for (size_t i = 0; i < n; i++) tied += all[i].score == all[999].score;
            assert_true(tied >= 200);
            for (size_t k = 0; k < NGI_ARRAY_LEN(ks); k++)
                for (size_t f = 0; f < NGI_ARRAY_LEN(flags); f++) {
                    assert_int_equal(run_search(r, qs[q], 0, ks[k], flags[f], h, NULL),
                                     ks[k]);
                    for (size_t i = 0; i < ks[k]; i++)
                        if (strcmp(h[i].id, all[i].id) || h[i].score != all[i].score)
                            fail_msg("round %d '%s' k %zu flags %u rank %zu: %s %.17g, "
                                     "want %s %.17g",
                                     round, qs[q], ks[k], flags[f], i, h[i].id,
                                     h[i].score, all[i].id, all[i].score);
                }
        }
    free(all);
    free(h);
    ng_reader_free(r);
    test_dir_free(dir);
}

/* ---- several indexes as one -------------------------------------------------------- */

#define PARTS      4
#define MULTI_DOCS 1600

typedef struct split {
    char *single_dir, *dirs[PARTS];
    ng_reader *single, *multi, *parts[PARTS];
    tdoc *docs;
} split;

/* The corpus indexed once (in reverse order), and in 4 uneven parts
 * (several segments each, deletions in both), opened as one with
 * ng_reader_open_many in reverse part order: ties rank by id, so neither
 * the numbering nor the part order may show in the results. */
static void split_build(split *sp) {
    static const size_t cut[PARTS + 1] = {0, 250, 700, 1250, MULTI_DOCS};
    sp->docs = tricky_docs(MULTI_DOCS, 31);
    unsigned s = 17;
    for (size_t i = 0; i < MULTI_DOCS; i++) sp->docs[i].deleted = rnd(&s) % 13 == 0;
    tdoc *reversed = malloc(MULTI_DOCS * sizeof *reversed);
    assert_non_null(reversed);
    for (size_t i = 0; i < MULTI_DOCS; i++) reversed[i] = sp->docs[MULTI_DOCS - 1 - i];
    sp->single_dir = make_tmp();
    sp->single = build_index(sp->single_dir, reversed, MULTI_DOCS, 500);
    free(reversed); /* a shallow copy */
    for (int p = 0; p < PARTS; p++) {
        sp->dirs[p] = make_tmp();
        sp->parts[p] =
            build_index(sp->dirs[p], sp->docs + cut[p], cut[p + 1] - cut[p], 160);
    }
    const char *backwards[PARTS];
    for (int p = 0; p < PARTS; p++) backwards[p] = sp->dirs[PARTS - 1 - p];
    int rc = ng_reader_open_many(&sp->multi, backwards, PARTS, 0);
    if (rc)
        fail_msg("open_many: %s",
                 sp->multi ? ng_reader_errmsg(sp->multi) : ng_strerror(rc));
}

static void split_free(split *sp) {
    ng_reader_free(sp->single);
    ng_reader_free(sp->multi);
    test_dir_free(sp->single_dir);
    for (int p = 0; p < PARTS; p++) {
        ng_reader_free(sp->parts[p]);
        test_dir_free(sp->dirs[p]);
    }
    free_docs(sp->docs, MULTI_DOCS);
}

static void expect_same_hits(const char *what, const char *q, size_t na, const hitv *a,
                             size_t nb, const hitv *b) {
    if (na != nb) fail_msg("%s '%s': single %zu hits, %zu", what, q, na, nb);
    for (size_t j = 0; j < na; j++)
        if (strcmp(a[j].id, b[j].id) || a[j].score != b[j].score)
            fail_msg("%s '%s' rank %zu: single %s %.17g, %s %.17g", what, q, j, a[j].id,
                     a[j].score, b[j].id, b[j].score);
}

static void timeline_of(ng_reader *r, const char *q, const char *by, tl *t) {
    ng_query *qq = NULL;
    assert_int_equal(ng_query_parse(&qq, r, q, strlen(q), 0), 0);
    memset(t, 0, sizeof *t);
    assert_int_equal(ng_timeline(r, qq, NULL, by, tl_cb, t), 0);
    ng_query_free(qq);
}

/* ---- distributed search: the statistics exchange ------------------------------------ */

typedef struct parthit {
    hitv h;
    int part;
    size_t rank;
} parthit;

/* The documented merge: higher score first, then the smaller id (bytes). */
static int cmp_parthit(const void *x, const void *y) {
    const parthit *a = x, *b = y;
    if (a->h.score != b->h.score) return a->h.score < b->h.score ? 1 : -1;
    return strcmp(a->h.id, b->h.id);
}

/* Gathers every part's statistics (through the byte form, as between
 * processes), sums them, searches every part with the sum, merges. */
static size_t sharded_search(ng_reader *const *parts, const char *q, unsigned qflags,
                             size_t k, unsigned sflags, hitv *out, int64_t *total) {
    ng_query_stats *sum = NULL;
    ng_query *qq[PARTS];
    for (int p = 0; p < PARTS; p++) {
        assert_int_equal(ng_query_parse(&qq[p], parts[p], q, strlen(q), qflags), 0);
        ng_query_stats *st = NULL, *back = NULL;
        int rc = ng_query_stats_get(parts[p], qq[p], &st);
        if (rc) fail_msg("stats '%s': %s", q, ng_query_stats_errmsg(st));
        size_t len = 0;
        assert_int_equal(ng_query_stats_encode(st, NULL, 0, &len), NG_ELIMIT);
        unsigned char *buf = malloc(len);
        assert_int_equal(ng_query_stats_encode(st, buf, len, &len), 0);
        assert_int_equal(ng_query_stats_decode(&back, buf, len), 0);
        free(buf);
        if (!sum) {
            sum = back;
        } else {
            assert_int_equal(ng_query_stats_add(sum, back), 0);
            ng_query_stats_free(back);
        }
        ng_query_stats_free(st);
    }
    parthit all[PARTS * 50];
    size_t n = 0;
    *total = 0;
    for (int p = 0; p < PARTS; p++) {
        ng_search_options o;
        ng_search_options_init(&o);
        o.k = k;
        o.flags = sflags;
        o.stats = sum;
        ng_results *res = NULL;
        int rc = ng_search(parts[p], qq[p], &o, &res);
        if (rc) fail_msg("search '%s': %s", q, ng_results_errmsg(res));
        for (size_t i = 0; i < ng_results_count(res); i++) {
            const ng_hit *h = ng_results_hit(res, i);
            snprintf(all[n].h.id, sizeof all[n].h.id, "%s", h->id);
            all[n].h.score = h->score;
            all[n].part = p;
            all[n++].rank = i;
        }
        *total += ng_results_total(res);
        ng_results_free(res);
        ng_query_free(qq[p]);
    }
    ng_query_stats_free(sum);
    qsort(all, n, sizeof *all, cmp_parthit);
    n = NGI_MIN(n, k);
    for (size_t i = 0; i < n; i++) out[i] = all[i].h;
    return n;
}

/* ng_reader_open_many over 4 parts, and the 4 parts searched one by one
 * with the summed statistics and merged, give the single index's hits,
 * scores (bit for bit) and totals; the multi-reader also its statistics,
 * timelines and documents. */
static void multi_equals_single(void **state) {
    (void)state;
    split sp;
    split_build(&sp);
    ng_stats a, b;
    assert_int_equal(ng_reader_stats(sp.single, &a), 0);
    assert_int_equal(ng_reader_stats(sp.multi, &b), 0);
    assert_true(a.deleted > 0 && b.segments > PARTS);
    assert_true(a.documents == b.documents && a.deleted == b.deleted);
    assert_true(a.terms == b.terms && a.tokens == b.tokens);
    assert_true(a.avg_doc_length == b.avg_doc_length);
    assert_string_equal(a.language, b.language);
    assert_int_equal(ng_reader_check(sp.multi), 0);
    unsigned s = 2468;
    static const size_t ks[] = {1, 10, 50};
    hitv x[50], y[50];
    int nq = getenv("NG_QUERY_TEST_N") ? atoi(getenv("NG_QUERY_TEST_N")) / 3 : 1000;
    for (int i = 0; i < nq; i++) {
        char q[512];
        unsigned qf;
        next_filter_query(&s, i, q, sizeof q, &qf);
        size_t k = ks[rnd(&s) % 3];
        unsigned sf = i % 4 == 0 ? NG_SEARCH_COUNT : 0;
        int64_t ta, tb;
        size_t na = run_search(sp.single, q, qf, k, sf, x, &ta);
        size_t nb = run_search(sp.multi, q, qf, k, sf, y, &tb);
        expect_same_hits("multi", q, na, x, nb, y);
        if (ta != tb)
            fail_msg("multi '%s': total %lld, single %lld", q, (long long)tb,
                     (long long)ta);
        int64_t tc;
        nb = sharded_search(sp.parts, q, qf, k, NG_SEARCH_COUNT, y, &tc);
        expect_same_hits("sharded", q, na, x, nb, y);
        if (sf && ta != tc)
            fail_msg("sharded '%s': total %lld, single %lld", q, (long long)tc,
                     (long long)ta);
    }
    tl t1, t2;
    static const char *const tq[] = {"kaloa OR cafe", "ka*", "date:2025-03"};
    for (size_t i = 0; i < NGI_ARRAY_LEN(tq); i++) {
        timeline_of(sp.single, tq[i], "week", &t1);
        timeline_of(sp.multi, tq[i], "week", &t2);
        assert_true(t1.n > 0 && t1.n == t2.n);
        assert_memory_equal(t1.counts, t2.counts, sizeof t1.counts);
        assert_memory_equal(t1.days, t2.days, sizeof t1.days);
    }
    for (size_t i = 0; i < MULTI_DOCS; i += 97) { /* documents of every part */
        const char *id = sp.docs[i].id;
        ng_doc *d1 = NULL, *d2 = NULL;
        int r1 = ng_reader_get(sp.single, id, strlen(id), &d1);
        int r2 = ng_reader_get(sp.multi, id, strlen(id), &d2);
        assert_int_equal(r1, sp.docs[i].deleted ? NG_ENOTFOUND : 0);
        assert_int_equal(r1, r2);
        if (!r1) assert_int_equal(ng_doc_field_count(d1), ng_doc_field_count(d2));
        ng_doc_free(d1);
        ng_doc_free(d2);
    }
    split_free(&sp);
}

/* A prefix with more terms than NG_MAX_PREFIX_EXPANSION: every part keeps
 * the collection's most frequent terms (not its own) and blends them with
 * the collection's largest df; the multi-reader and the merged parts then
 * equal the single index, warning included. */
static void sharded_prefix_limit(void **state) {
    (void)state;
    enum { N = 2400 };
    tdoc *docs = calloc(N, sizeof *docs);
    for (size_t i = 0; i < N; i++) {
        snprintf(docs[i].id, sizeof docs[i].id, "d%zu", i);
        /* 1200 terms of one document each, then 300 frequent ones: the
         * collection keeps the frequent and the first rare ones by bytes,
         * which no part would choose alone */
        char b[96];
        size_t w = i < 1200 ? (i * 7) % 1200 : (i * i) % 300;
        snprintf(b, sizeof b, "pre%zux astana%s", w, i % 3 ? "" : " astana");
        docs[i].body = strdup(b);
        docs[i].deleted = i % 17 == 0;
    }
    static const size_t cut[PARTS + 1] = {0, 500, 1100, 1900, N};
    char *dir = make_tmp(), *dirs[PARTS];
    ng_reader *single = build_index(dir, docs, N, 700), *parts[PARTS], *multi = NULL;
    for (int p = 0; p < PARTS; p++) {
        dirs[p] = make_tmp();
        parts[p] = build_index(dirs[p], docs + cut[p], cut[p + 1] - cut[p], 0);
    }
    assert_int_equal(ng_reader_open_many(&multi, (const char *const *)dirs, PARTS, 0), 0);
    static const char *const qs[] = {"pre*", "pre* astana", "pre1*", "pre1* OR pre2*"};
    hitv a[50], b[50];
    for (size_t i = 0; i < NGI_ARRAY_LEN(qs); i++) {
        int64_t ta, tb, tc;
        size_t na = run_search(single, qs[i], 0, 50, NG_SEARCH_COUNT, a, &ta);
        size_t nb = run_search(multi, qs[i], 0, 50, NG_SEARCH_COUNT, b, &tb);
        expect_same_hits("multi", qs[i], na, a, nb, b);
        assert_true(ta == tb);
        nb = sharded_search(parts, qs[i], 0, 50, NG_SEARCH_COUNT, b, &tc);
        expect_same_hits("sharded", qs[i], na, a, nb, b);
        assert_true(ta == tc);
    }
    /* the part's warning counts the collection's terms */
    ng_query *q = NULL, *qp = NULL;
    assert_int_equal(ng_query_parse(&q, single, "pre*", 4, 0), 0);
    assert_int_equal(ng_query_parse(&qp, parts[0], "pre*", 4, 0), 0);
    ng_query_stats *st = NULL, *sum = NULL;
    for (int p = 0; p < PARTS; p++) {
        assert_int_equal(ng_query_stats_get(parts[p], qp, &st), 0);
        if (!sum)
            sum = st;
        else {
            assert_int_equal(ng_query_stats_add(sum, st), 0);
            ng_query_stats_free(st);
        }
    }
    uint64_t sdocs, stoks, sterms;
    ng_query_stats_totals(sum, &sdocs, &stoks, &sterms);
    ng_stats info;
    assert_int_equal(ng_reader_stats(single, &info), 0);
    assert_true(sdocs == N && stoks == info.tokens && sterms == 1200);
    ng_search_options o;
    ng_search_options_init(&o);
    ng_results *r1 = NULL, *r2 = NULL;
    assert_int_equal(ng_search(single, q, &o, &r1), 0);
    o.stats = sum;
    assert_int_equal(ng_search(parts[0], qp, &o, &r2), 0);
    assert_non_null(ng_results_warning(r2));
    assert_string_equal(ng_results_warning(r1), ng_results_warning(r2));
    ng_results_free(r1);
    ng_results_free(r2);
    ng_query_stats_free(sum);
    ng_query_free(q);
    ng_query_free(qp);
    ng_reader_free(single);
    ng_reader_free(multi);
    test_dir_free(dir);
    for (int p = 0; p < PARTS; p++) {
        ng_reader_free(parts[p]);
        test_dir_free(dirs[p]);
    }
    free_docs(docs, N);
}

/* Bad arguments and bytes that are not statistics are refused. */
static void stats_api_errors(void **state) {
    (void)state;
    char *dir = make_tmp();
    tdoc d[1] = {{.id = "one", .body = "alpha beta"}};
    ng_reader *r = build_index(dir, d, 1, 0);
    ng_query *q = NULL, *qf = NULL;
    assert_int_equal(ng_query_parse(&q, r, "alpha", 5, 0), 0);
    ng_query_stats *st = NULL, *back = NULL;
    assert_int_equal(ng_query_stats_get(NULL, q, &st), NG_EINVAL);
    assert_int_equal(ng_query_stats_get(r, NULL, &st), NG_EINVAL);
    assert_int_equal(ng_query_stats_get(r, q, &st), 0);
    unsigned char buf[256];
    size_t len = 0;
    assert_int_equal(ng_query_stats_encode(st, buf, 4, &len), NG_ELIMIT);
    assert_int_equal(ng_query_stats_encode(st, buf, sizeof buf, &len), 0);
    for (size_t i = 0; i < len; i++) { /* any changed byte is caught */
        buf[i] ^= 0x20;
        assert_int_equal(ng_query_stats_decode(&back, buf, len), NG_EINVAL);
        assert_null(back);
        buf[i] ^= 0x20;
    }
    for (size_t cut = 0; cut < len; cut++)
        assert_int_equal(ng_query_stats_decode(&back, buf, cut), NG_EINVAL);
    assert_int_equal(ng_query_stats_decode(&back, buf, len), 0);
    assert_int_equal(ng_query_stats_add(st, back), 0);
    uint64_t docs;
    ng_query_stats_totals(st, &docs, NULL, NULL);
    assert_int_equal(docs, 2);
    assert_int_equal(ng_query_stats_add(st, st), NG_EINVAL);
    /* statistics of another language: refused by add and by the search */
    assert_int_equal(ng_query_parse_for(&qf, "french", 0, "alpha", 5, 0), 0);
    ng_query_stats_free(back);
    back = NULL;
    ng_search_options o;
    ng_search_options_init(&o);
    o.stats = st;
    ng_results *res = NULL;
    assert_int_equal(ng_search(r, q, &o, &res), 0);
    ng_results_free(res);
    char *fdir = make_tmp();
    ng_index_options io;
    ng_index_options_init(&io);
    io.language = "french";
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, fdir, &io), 0);
    add_doc(ix, &d[0]);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
    ng_reader *fr = NULL;
    assert_int_equal(ng_reader_open(&fr, fdir), 0);
    assert_int_equal(ng_query_stats_get(fr, qf, &back), 0);
    assert_int_equal(ng_query_stats_add(st, back), NG_EINVAL);
    o.stats = back;
    assert_int_equal(ng_search(r, q, &o, &res), NG_EQUERY);
    assert_non_null(strstr(ng_results_errmsg(res), "statistics"));
    ng_results_free(res);
    ng_query_stats_free(back);
    ng_query_stats_free(st);
    ng_query_free(q);
    ng_query_free(qf);
    ng_reader_free(r);
    ng_reader_free(fr);
    test_dir_free(dir);
    test_dir_free(fdir);
}

static void add_one(const char *dir, const char *lang, const char *id, const char *body) {
    ng_index_options o;
    ng_index_options_init(&o);
    o.language = lang;
    o.threads = 1;
    ng_index *ix = NULL;
    assert_int_equal(ng_index_open(&ix, dir, &o), 0);
    tdoc d = {.title = NULL, .body = (char *)body};
    snprintf(d.id, sizeof d.id, "%s", id);
    add_doc(ix, &d);
    assert_int_equal(ng_index_commit(ix), 0);
    ng_index_free(ix);
}

/* A duplicate id across parts and parts analysed differently are errors
 * naming the directories; reopen sees new commits in any part, refuses a
 * duplicate made meanwhile and keeps its last good snapshot. */
static void multi_rules_and_reopen(void **state) {
    (void)state;
    char *d1 = make_tmp(), *d2 = make_tmp(), *d3 = make_tmp();
    add_one(d1, NULL, "a1", "alpha river");
    add_one(d2, NULL, "b1", "beta river");
    add_one(d3, "french", "c1", "gamma");
    const char *dirs[3] = {d1, d2, d3};
    ng_reader *r = NULL;
    assert_int_equal(ng_reader_open_many(&r, dirs, 3, 0), NG_ELANG);
    assert_non_null(r);
    assert_non_null(strstr(ng_reader_errmsg(r), d3));
    ng_reader_free(r);
    assert_int_equal(ng_reader_open_many(&r, dirs, 0, 0), NG_EINVAL);
    assert_null(r);
    assert_int_equal(ng_reader_open_many(&r, dirs, 2, 1), NG_EINVAL);
    assert_int_equal(ng_reader_open_many(&r, dirs, 2, 0), 0);
    ng_stats st;
    assert_int_equal(ng_reader_stats(r, &st), 0);
    assert_int_equal(st.documents, 2);
    hitv h[4];
    assert_int_equal(run_search(r, "river", 0, 10, 0, h, NULL), 2);
    assert_string_equal(h[0].id, "a1"); /* equal scores: the smaller id */
    ng_reader *back = NULL;
    const char *dirs_back[2] = {d2, d1};
    assert_int_equal(ng_reader_open_many(&back, dirs_back, 2, 0), 0);
    assert_int_equal(run_search(back, "river", 0, 10, 0, h, NULL), 2);
    assert_string_equal(h[0].id, "a1"); /* whatever the part order */
    ng_reader_free(back);
    int changed = 1;
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 0);
    add_one(d2, NULL, "b2", "river delta");
    assert_int_equal(ng_reader_reopen(r, &changed), 0);
    assert_int_equal(changed, 1);
    assert_int_equal(run_search(r, "river", 0, 10, 0, h, NULL), 3);
    add_one(d2, NULL, "a1", "a copy of alpha");
    assert_int_equal(ng_reader_reopen(r, &changed), NG_EDOC);
    const char *msg = ng_reader_errmsg(r);
    assert_non_null(strstr(msg, "'a1'"));
    assert_non_null(strstr(msg, d1));
    assert_non_null(strstr(msg, d2));
    assert_int_equal(run_search(r, "river", 0, 10, 0, h, NULL), 3); /* kept */
    ng_reader_free(r);
    r = NULL;
    assert_int_equal(ng_reader_open_many(&r, dirs, 2, 0), NG_EDOC);
    ng_reader_free(r);
    const char *missing[2] = {d1, "/nonexistent/ng-multi"};
    r = NULL;
    assert_int_equal(ng_reader_open_many(&r, missing, 2, 0), NG_ENOINDEX);
    assert_non_null(strstr(ng_reader_errmsg(r), "/nonexistent/ng-multi"));
    ng_reader_free(r);
    for (int i = 0; i < 3; i++) { test_dir_free((char *)dirs[i]); }
}

/* Opens the readers, exchanges the statistics and searches with them;
 * each step's handle is kept in ctx for multi_done to free. */
typedef struct multi_run {
    const char *const *dirs;
    ng_reader *r;
    ng_query *q;
    ng_query_stats *st, *back;
    ng_results *res;
} multi_run;

static int multi_once(void *ctx) {
    multi_run *m = ctx;
    unsigned char buf[512];
    size_t len = 0;
    *m = (multi_run){.dirs = m->dirs};
    int rc = ng_reader_open_many(&m->r, m->dirs, 2, 0);
    if (!rc) rc = ng_query_parse(&m->q, m->r, "riv* delta", 10, 0);
    if (!rc) rc = ng_query_stats_get(m->r, m->q, &m->st);
    if (!rc) rc = ng_query_stats_encode(m->st, buf, sizeof buf, &len);
    if (!rc) rc = ng_query_stats_decode(&m->back, buf, len);
    if (!rc) rc = ng_query_stats_add(m->st, m->back);
    ng_search_options o;
    ng_search_options_init(&o);
    o.stats = m->st;
    if (!rc) rc = ng_search(m->r, m->q, &o, &m->res);
    return rc;
}

static void multi_done(void *ctx, int rc) {
    multi_run *m = ctx;
    if (rc == 0) assert_int_equal(ng_results_count(m->res), 2);
    ng_results_free(m->res);
    ng_query_stats_free(m->st);
    ng_query_stats_free(m->back);
    ng_query_free(m->q);
    ng_reader_free(m->r);
}

/* Every allocation failure of ng_reader_open_many, the statistics
 * exchange and a search with given statistics is NG_ENOMEM, cleanly
 * (no leak under ASan). */
static void multi_allocation_failures(void **state) {
    (void)state;
    char *d1 = make_tmp(), *d2 = make_tmp();
    add_one(d1, NULL, "a1", "alpha river");
    add_one(d2, NULL, "b1", "beta river delta");
    const char *dirs[2] = {d1, d2};
    multi_run m = {.dirs = dirs};
    test_alloc_failures(2000, multi_once, multi_done, &m);
    test_dir_free(d1);
    test_dir_free(d2);
}

int main(void) {
    make_vocab();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(phrase_count_definition),
        cmocka_unit_test(phrase_count_exact_random),
        cmocka_unit_test(oracle_agrees_with_naive_bm25),
        cmocka_unit_test(oracle_long_documents),
        cmocka_unit_test(pruned_equals_exhaustive),
        cmocka_unit_test(pruned_equals_exhaustive_long_documents),
        cmocka_unit_test(pruned_equals_exhaustive_phrases),
        cmocka_unit_test(filtered_equals_full),
        cmocka_unit_test(filter_api_errors),
        cmocka_unit_test(phrase_edge_cases),
        cmocka_unit_test(counts_dates_and_timeline),
        cmocka_unit_test(explain_and_prefix_limit),
        cmocka_unit_test(snippets_highlight_the_right_bytes),
        cmocka_unit_test(snippets_skip_words_that_cannot_match),
        cmocka_unit_test(invalid_arguments),
        cmocka_unit_test(allocation_failures_are_clean),
        cmocka_unit_test(threads_share_a_reader),
        cmocka_unit_test(date_filter_and_absent_word),
        cmocka_unit_test(ties_rank_by_id),
        cmocka_unit_test(ties_across_segments),
        cmocka_unit_test(multi_equals_single),
        cmocka_unit_test(multi_rules_and_reopen),
        cmocka_unit_test(sharded_prefix_limit),
        cmocka_unit_test(stats_api_errors),
        cmocka_unit_test(multi_allocation_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
