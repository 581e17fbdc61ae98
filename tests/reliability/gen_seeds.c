/*
 * gen_seeds.c — writes the seed corpora of the index fuzz targets: small
 * valid encodings made by the real writers (postings lists of edge sizes;
 * segments with deletions from a tiny index built through the public API)
 * in the layouts of fuzz_inputs.h, plus a few deterministic mutations.
 *
 *   gen_seeds postings OUTDIR          -> tests/fuzz/corpus/postings/
 *   gen_seeds segment OUTDIR SCRATCH   -> tests/fuzz/corpus/segment/
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "codec/codec.h"
#include "common/buf.h"
#include "common/le.h"
#include "fuzz_inputs.h"
#include "index/index.h"
#include "store/store.h"

static uint32_t rng = 2463534242u;

static uint32_t rnd(void) {
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
}

static void die(const char *what, int rc) {
    fprintf(stderr, "gen_seeds: %s: %s\n", what, ng_strerror(rc));
    exit(1);
}

static void write_file(const char *dir, const char *name, const uint8_t *d, size_t n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(d, 1, n, f) != n || fclose(f)) {
        fprintf(stderr, "gen_seeds: cannot write %s\n", path);
        exit(1);
    }
}

/* Writes a seed and two mutations of it (a flipped byte past the header,
 * a truncation). */
static void write_seed(const char *dir, const char *name, const uint8_t *d, size_t n,
                       size_t header) {
    char mname[256];
    write_file(dir, name, d, n);
    if (n <= header + 1) return;
    uint8_t *m = malloc(n);
    if (!m) exit(1);
    memcpy(m, d, n);
    size_t at = header + rnd() % (n - header);
    m[at] ^= (uint8_t)(1u << (rnd() % 8));
    snprintf(mname, sizeof mname, "%s-flip", name);
    write_file(dir, mname, m, n);
    snprintf(mname, sizeof mname, "%s-trunc", name);
    write_file(dir, mname, d, header + (n - header) * 2 / 3);
    free(m);
}

/* ---- postings -------------------------------------------------------- */

static void postings_seed(const char *dir, uint32_t df, uint32_t gap_max, uint32_t tf_max,
                          int with_pos) {
    ngi_buf docs = NGI_BUF_INIT, pos = NGI_BUF_INIT, out = NGI_BUF_INIT;
    ngi_postings_writer *w;
    int rc = ngi_postings_writer_create(&w, &docs, &pos);
    if (rc) die("postings writer", rc);
    ngi_postings_writer_begin(w);
    uint32_t doc = rnd() % 4, positions[64];
    for (uint32_t i = 0; i < df; i++) {
        uint32_t tf = 1 + rnd() % tf_max, p = 0;
        for (uint32_t j = 0; j < tf; j++) positions[j] = p += 1 + rnd() % 9;
        rc = ngi_postings_writer_add(w, doc, tf, positions, 10 + rnd() % 500);
        if (rc) die("postings add", rc);
        doc += 1 + rnd() % gap_max;
    }
    ngi_term_postings tp;
    if ((rc = ngi_postings_writer_end(w, &tp))) die("postings end", rc);
    ngi_postings_writer_free(w);
    uint8_t h[FUZZ_POSTINGS_HEADER];
    ngi_store_le32(h, doc + 1);
    ngi_store_le32(h + 4, tp.df);
    ngi_store_le32(h + 8, (uint32_t)docs.len);
    ngi_store_le32(h + 12, tp.max_tf);
    ngi_store_le32(h + 16, tp.min_dl);
    ngi_store_le32(h + 20, (rnd() & ~1u) | (with_pos ? 0 : 1));
    ngi_store_le64(h + 24, tp.cf);
    if (ngi_buf_append(&out, h, sizeof h) || ngi_buf_append(&out, docs.data, docs.len) ||
        (with_pos && ngi_buf_append(&out, pos.data, pos.len)))
        die("buffer", NG_ENOMEM);
    char name[64];
    snprintf(name, sizeof name, "df%u-gap%u-tf%u%s", df, gap_max, tf_max,
             with_pos ? "" : "-nopos");
    write_seed(dir, name, out.data, out.len, FUZZ_POSTINGS_HEADER);
    ngi_buf_free(&docs);
    ngi_buf_free(&pos);
    ngi_buf_free(&out);
}

static void gen_postings(const char *dir) {
    static const uint32_t dfs[] = {1, 2, 127, 128, 129, 300, 1000};
    for (size_t i = 0; i < sizeof dfs / sizeof dfs[0]; i++) {
        postings_seed(dir, dfs[i], 3, 4, 1);
        postings_seed(dir, dfs[i], 1000, 1, i % 2);
    }
    postings_seed(dir, 260, 100000, 60, 1); /* wide gaps, many positions */
    postings_seed(dir, 1, 1000, 1, 1);      /* one position: a bare byte (format 6) */
}

/* ---- segments --------------------------------------------------------- */

static const char *words[] = {
    "astana", "declaration", "summit",   "china",  "kazakhstan", "leaders", "signed",
    "trade",  "oil",         "price",    "market", "reuter",     "bank",    "rate",
    "cocoa",  "harvest",     "election", "vote",   "parliament", "storm"};

static void add_doc(ng_index *ix, unsigned i) {
    char id[32], title[128], body[512], date[16];
    snprintf(id, sizeof id, "doc-%u", i);
    snprintf(title, sizeof title, "%s %s news %u", words[i % 20], words[(i * 7) % 20], i);
    int n = 0;
    for (unsigned j = 0; j < 12 + i % 30 && n < 400; j++)
        n += snprintf(body + n, sizeof body - (size_t)n, "%s ", words[rnd() % 20]);
    snprintf(date, sizeof date, "2025-%02u-%02u", 1 + i % 12, 1 + i % 28);
    ng_field f[] = {{"id", id, strlen(id), NG_FIELD_ID},
                    {"title", title, strlen(title), NG_FIELD_TITLE},
                    {"body", body, strlen(body), NG_FIELD_BODY},
                    {"date", date, strlen(date), NG_FIELD_DATE},
                    {"category", "world", 5, NG_FIELD_STORED}};
    ng_document doc = {f, 5};
    int rc = ng_index_add(ix, &doc);
    if (rc) die("add", rc);
}

static uint8_t *slurp(const char *dir, const char *name, size_t *n) {
    char path[1024];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "gen_seeds: cannot read %s\n", path);
        exit(1);
    }
    fseek(f, 0, SEEK_END);
    long len = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *d = malloc((size_t)len + 1);
    if (!d || fread(d, 1, (size_t)len, f) != (size_t)len) exit(1);
    fclose(f);
    *n = (size_t)len;
    return d;
}

static void segment_seed(const char *out, const char *idx, const ngi_segment_entry *e,
                         unsigned k) {
    size_t seg_n, del_n = 0;
    uint8_t *seg = slurp(idx, e->name, &seg_n), *del = NULL;
    if (e->deletes[0]) del = slurp(idx, e->deletes, &del_n);
    ngi_buf b = NGI_BUF_INIT;
    uint8_t h[FUZZ_SEGMENT_HEADER];
    ngi_store_le32(h, e->n_docs);
    ngi_store_le32(h + 4, e->n_deleted);
    ngi_store_le32(h + 8, (uint32_t)seg_n);
    if (ngi_buf_append(&b, h, sizeof h) || ngi_buf_append(&b, seg, seg_n) ||
        (del_n && ngi_buf_append(&b, del, del_n)))
        die("buffer", NG_ENOMEM);
    char name[64];
    snprintf(name, sizeof name, "segment-%u-%udocs%s", k, e->n_docs,
             del_n ? "-deletes" : "");
    write_seed(out, name, b.data, b.len, FUZZ_SEGMENT_HEADER);
    ngi_buf_free(&b);
    free(seg);
    free(del);
}

static void gen_segments(const char *out, const char *idx) {
    ng_index *ix = NULL;
    int rc = ng_index_open(&ix, idx, NULL);
    if (rc) die(ix ? ng_index_errmsg(ix) : "open", rc);
    unsigned sizes[] = {1, 5, 30, 80}, next = 0;
    for (size_t s = 0; s < 4; s++) {
        for (unsigned i = 0; i < sizes[s]; i++) add_doc(ix, next++);
        if ((rc = ng_index_commit(ix))) die("commit", rc);
    }
    /* Deletions in older segments make .ngd files. */
    for (unsigned i = 0; i < next; i += 9) {
        char id[32];
        snprintf(id, sizeof id, "doc-%u", i);
        if ((rc = ng_index_delete(ix, id, strlen(id)))) die("delete", rc);
    }
    if ((rc = ng_index_commit(ix))) die("commit", rc);
    ng_index_free(ix);
    ngi_manifest m;
    ngi_manifest_init(&m);
    ngi_error err = {0, ""};
    if ((rc = ngi_manifest_read(idx, &m, &err))) die(err.msg, rc);
    for (size_t i = 0; i < m.n_segments; i++)
        segment_seed(out, idx, &m.segments[i], (unsigned)i);
    ngi_manifest_free(&m);
}

int main(int argc, char **argv) {
    if (argc == 3 && !strcmp(argv[1], "postings")) {
        gen_postings(argv[2]);
    } else if (argc == 4 && !strcmp(argv[1], "segment")) {
        gen_segments(argv[2], argv[3]);
    } else {
        fprintf(stderr, "usage: gen_seeds postings OUTDIR | segment OUTDIR SCRATCH\n");
        return 2;
    }
    return 0;
}
