/*
 * bench_collapse.c — detection quality of the near-duplicate signatures
 * (issue 16). Reads JSONL (id, title, body, optional "copy_of": the id of
 * the article a copy was made from, see bench/collapse/make_copies.py),
 * signs every body as the index does (the analyzer's terms, 5-word
 * shingles, lib/index/signature.c) and also keeps its exact shingle set.
 * Pairs: "labelled" = two documents of one family (an original and its
 * copies); "found" = pairs whose estimate reaches t, looked for among all
 * documents with 12 LSH bands as `timeline --collapse` does. Prints, per
 * threshold t, recall of labelled pairs and precision of found pairs
 * (a found pair counts as right when labelled or when its exact Jaccard is
 * >= 0.8, a near duplicate already in the collection), then the clusters
 * (components of pairs >= 0.8) and a sample of them.
 *   make && cc -std=c11 -O2 -D_GNU_SOURCE -Iinclude -Ilib \
 *     -o build/bench/bench_collapse bench/bench_collapse.c build/libnewsgrep.a \
 *     -ljansson -lutf8proc -lzstd -lxxhash -lxml2 -lstemmer -lpthread -lm
 *   build/bench/bench_collapse FILE.jsonl [samples]
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/hash.h"
#include "index/signature.h"

typedef struct doc {
    char *id, *title, *copy_of;
    long family; /* index of the original, or own index */
    bool has;    /* has a signature */
    uint8_t sig[NGI_SIG_BYTES];
    uint64_t *sh; /* sorted unique shingle hashes */
    size_t n_sh;
} doc;

typedef struct collect {
    ngi_sigbuilder b;
    uint64_t ring[5];
    size_t n;
    uint64_t *sh;
    size_t n_sh, cap;
} collect;

static int on_token(void *ctx, const ng_token *t) {
    collect *c = ctx;
    if (!t->term_len || t->term_len > 255) return 0;
    uint64_t h = ngi_hash64(t->term, t->term_len);
    ngi_sig_token(&c->b, h);
    c->ring[c->n++ % 5] = h;
    if (c->n >= 5) {
        uint64_t s[5];
        for (size_t i = 0; i < 5; i++) s[i] = c->ring[(c->n - 5 + i) % 5];
        if (c->n_sh == c->cap) {
            c->cap = c->cap ? 2 * c->cap : 256;
            c->sh = realloc(c->sh, c->cap * sizeof *c->sh);
        }
        c->sh[c->n_sh++] = ngi_hash64(s, sizeof s);
    }
    return 0;
}

static int cmp_u64(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static double exact_jaccard(const doc *a, const doc *b) {
    size_t i = 0, j = 0, inter = 0;
    while (i < a->n_sh && j < b->n_sh) {
        if (a->sh[i] == b->sh[j])
            inter++, i++, j++;
        else if (a->sh[i] < b->sh[j])
            i++;
        else
            j++;
    }
    size_t uni = a->n_sh + b->n_sh - inter;
    return uni ? (double)inter / (double)uni : 1.0;
}

static char *dup_field(json_t *o, const char *k) {
    const char *s = json_string_value(json_object_get(o, k));
    return s ? strdup(s) : NULL;
}

static long find_id(doc *d, size_t n, const char *id) {
    for (size_t i = 0; i < n; i++)
        if (!strcmp(d[i].id, id)) return (long)i;
    return -1;
}

static long uf_find(long *p, long x) {
    while (p[x] != x) x = p[x] = p[p[x]];
    return x;
}

typedef struct pair {
    uint32_t a, b;
    double est, exact;
} pair;

static int cmp_key(const void *a, const void *b) {
    return cmp_u64(a, b);
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: bench_collapse FILE.jsonl [samples]\n");
        return 2;
    }
    int samples = argc > 2 ? atoi(argv[2]) : 5;
    FILE *f = fopen(argv[1], "r");
    if (!f) return perror(argv[1]), 2;
    ng_analyzer *an;
    if (ng_analyzer_create(&an, "english", 0)) return 2;
    size_t n = 0, cap = 0;
    doc *d = NULL;
    char *line = NULL;
    size_t lcap = 0;
    while (getline(&line, &lcap, f) > 0) {
        json_t *o = json_loads(line, 0, NULL);
        if (!o) continue;
        if (n == cap) d = realloc(d, (cap = cap ? 2 * cap : 1024) * sizeof *d);
        doc *x = &d[n];
        memset(x, 0, sizeof *x);
        x->id = dup_field(o, "id");
        x->title = dup_field(o, "title");
        x->copy_of = dup_field(o, "copy_of");
        const char *body = json_string_value(json_object_get(o, "body"));
        collect c = {0};
        ngi_sig_begin(&c.b);
        if (body) ng_analyzer_tokenize(an, body, strlen(body), 0, on_token, &c);
        x->has = ngi_sig_end(&c.b, x->sig);
        qsort(c.sh, c.n_sh, 8, cmp_u64);
        size_t u = 0;
        for (size_t i = 0; i < c.n_sh; i++)
            if (!u || c.sh[i] != c.sh[u - 1]) c.sh[u++] = c.sh[i];
        if (c.n < 5 && c.n) c.sh = realloc(c.sh, 8), c.sh[0] = 1, u = 1; /* one shingle */
        x->sh = c.sh;
        x->n_sh = u;
        x->family = (long)n;
        if (x->id) n++;
        json_decref(o);
    }
    fclose(f);
    for (size_t i = 0; i < n; i++)
        if (d[i].copy_of) d[i].family = find_id(d, n, d[i].copy_of);
    static const double ts[] = {0.6, 0.7, 0.8, 0.9};
    /* labelled pairs: within each family */
    size_t n_lab = 0, lab_est[4] = {0}, lab_exact80 = 0, def_est[4] = {0};
    for (size_t i = 0; i < n; i++) {
        if (!d[i].copy_of || d[i].family < 0) continue;
        for (size_t j = 0; j < i; j++) {
            if (d[j].family != d[i].family || !d[i].has || !d[j].has) continue;
            n_lab++;
            double e = ngi_sig_jaccard(d[i].sig, d[j].sig);
            bool def = exact_jaccard(&d[i], &d[j]) >= 0.8;
            for (int t = 0; t < 4; t++) {
                lab_est[t] += e >= ts[t] - 1e-12;
                def_est[t] += def && e >= ts[t] - 1e-12;
            }
            lab_exact80 += def;
        }
    }
    /* found pairs: LSH bands over everything, verified at >= 0.6 */
    enum { BANDS = NGI_SIG_BYTES / 2, CAP_RUN = 400 };
    uint64_t *keys = malloc((n + 1) * 8), *seen = NULL;
    size_t n_seen = 0, seen_cap = 0, big_runs = 0;
    unsigned need = ngi_sig_min_matches(0.6);
    for (size_t b = 0; b < BANDS; b++) {
        size_t k = 0;
        for (size_t i = 0; i < n; i++)
            if (d[i].has)
                keys[k++] =
                    (uint64_t)(d[i].sig[2 * b] << 8 | d[i].sig[2 * b + 1]) << 32 | i;
        qsort(keys, k, 8, cmp_u64);
        for (size_t s = 0, e; s < k; s = e) {
            for (e = s + 1; e < k && keys[e] >> 32 == keys[s] >> 32; e++) {}
            if (e - s > CAP_RUN) big_runs++;
            for (size_t x = s; x < e; x++)
                for (size_t y = s; y < x && x - y <= CAP_RUN; y++) {
                    uint32_t p = (uint32_t)keys[y], q = (uint32_t)keys[x];
                    if (ngi_sig_matches(d[p].sig, d[q].sig) < need) continue;
                    if (n_seen == seen_cap)
                        seen = realloc(seen,
                                       (seen_cap = seen_cap ? 2 * seen_cap : 4096) * 8);
                    seen[n_seen++] = (uint64_t)(p < q ? p : q) << 32 | (p < q ? q : p);
                }
        }
    }
    qsort(seen, n_seen, 8, cmp_key);
    size_t u = 0;
    for (size_t i = 0; i < n_seen; i++)
        if (!u || seen[i] != seen[u - 1]) seen[u++] = seen[i];
    n_seen = u;
    size_t found[4] = {0}, right[4] = {0}, found_lab[4] = {0};
    long *parent = malloc(n * sizeof *parent);
    for (size_t i = 0; i < n; i++) parent[i] = (long)i;
    for (size_t i = 0; i < n_seen; i++) {
        uint32_t a = (uint32_t)(seen[i] >> 32), b = (uint32_t)seen[i];
        double e = ngi_sig_jaccard(d[a].sig, d[b].sig), x = exact_jaccard(&d[a], &d[b]);
        bool lab = d[a].family >= 0 && d[a].family == d[b].family;
        for (int t = 0; t < 4; t++)
            if (e >= ts[t] - 1e-12) {
                found[t]++;
                found_lab[t] += lab;
                right[t] += lab || x >= 0.8;
            }
        if (e >= 0.8 - 1e-12) parent[uf_find(parent, a)] = uf_find(parent, b);
    }
    size_t n_copies = 0;
    for (size_t i = 0; i < n; i++) n_copies += d[i].copy_of != NULL;
    printf("%zu documents (%zu labelled copies), %zu labelled pairs (%zu with exact J >= "
           "0.8), %zu candidate pairs >= 0.6, %zu band runs over %d\n",
           n, n_copies, n_lab, lab_exact80, n_seen, big_runs, CAP_RUN);
    printf("| t | recall (labelled pairs) | recall (those with exact J >= 0.8) | found "
           "pairs | of them labelled | precision (labelled or exact J >= 0.8) "
           "|\n|---:|---:|---:|---:|---:|---:|\n");
    for (int t = 0; t < 4; t++)
        printf("| %.1f | %.3f | %.3f | %zu | %zu | %.3f |\n", ts[t],
               n_lab ? (double)lab_est[t] / n_lab : 0,
               lab_exact80 ? (double)def_est[t] / lab_exact80 : 0, found[t], found_lab[t],
               found[t] ? (double)right[t] / found[t] : 0);
    /* clusters at 0.8 */
    size_t *size = calloc(n, sizeof *size), clusters = 0, in = 0;
    for (size_t i = 0; i < n; i++) size[uf_find(parent, (long)i)]++;
    for (size_t i = 0; i < n; i++)
        if (size[i] > 1) clusters++, in += size[i];
    printf("clusters at 0.8: %zu (%zu documents in them, %zu stories in all)\n", clusters,
           in, n - in + clusters);
    size_t every = clusters / (size_t)(samples > 0 ? samples : 1) + 1, seen_roots = 0;
    for (size_t r = 0; r < n; r++) {
        long root = uf_find(parent, (long)r);
        if (size[root] < 2 || (size_t)root != r || seen_roots++ % every) continue;
        printf("  cluster of %zu:", size[root]);
        for (size_t i = 0, k = 0; i < n && k < 4; i++)
            if (uf_find(parent, (long)i) == root)
                printf("%s %s \"%.50s\"", k++ ? "," : "", d[i].id,
                       d[i].title ? d[i].title : "");
        printf("\n");
    }
    ng_analyzer_free(an);
    return 0;
}
