/*
 * merge.c — merges segments into one: a k-way merge of the sorted
 * lexicons, postings re-encoded with doc ids remapped (deleted documents
 * dropped), then the per-document tables and stored fields of the live
 * documents copied in order.
 */
#include <string.h>

#include "common/hash.h"
#include "internal.h"
#include "signature.h"

#define NO_DOC UINT32_MAX
#define DROP_BYTES                                                                       \
    (256u << 10) /* read postings leave RSS in steps this big
                  * (without limits): a merge holds this much of
                  * each source */

typedef struct merge_src {
    ngi_segment *seg; /* source segment */
    uint32_t *map;    /* old doc -> new doc, NO_DOC when deleted */
    ngi_lex_iter it;  /* lexicon position */
    int live;         /* 1 while it holds a term */
    uint64_t dropped; /* positions bytes already dropped from RSS */
} merge_src;

typedef struct merge {
    merge_src *src;       /* the sources, in segment order */
    size_t n;             /* number of sources */
    ngi_segwriter *w;     /* output */
    ngi_error *err;       /* caller's error detail */
    uint32_t n_docs;      /* documents of the output */
    ng_analyzer *a;       /* recomputes signatures of older segments (or NULL) */
    ngi_merge_limits lim; /* what it may hold */
} merge;

static int build_maps(merge *m) {
    uint32_t next = 0;
    for (size_t i = 0; i < m->n; i++) {
        ngi_segment *s = m->src[i].seg;
        uint32_t n = ngi_segment_n_docs(s);
        uint32_t *map = ngi_malloc(((size_t)n + 1) * sizeof *map);
        if (!map) return ngi_error_set(m->err, NG_ENOMEM, "out of memory");
        m->src[i].map = map;
        for (uint32_t d = 0; d < n; d++) {
            if (ngi_segment_is_deleted(s, d)) {
                map[d] = NO_DOC;
                continue;
            }
            if (next == UINT32_MAX - 1)
                return ngi_error_set(m->err, NG_ELIMIT, "merge too large");
            map[d] = next++;
        }
    }
    m->n_docs = next;
    return 0;
}

static int cmp_terms(const ngi_lex_iter *a, const ngi_lex_iter *b) {
    int c = memcmp(a->term, b->term, NGI_MIN(a->len, b->len));
    return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* Copies one source's postings of the current term. */
static int copy_postings(merge *m, merge_src *src) {
    ngi_cursor c;
    int rc = ngi_segment_cursor(src->seg, &src->it.tp, &c, m->err);
    if (rc) return rc;
    while (!(rc = ngi_cursor_next(&c)) && c.doc != NGI_DOC_END) {
        uint32_t nd = src->map[c.doc];
        if (nd == NO_DOC) continue;
        const uint32_t *pos;
        if ((rc = ngi_cursor_positions(&c, &pos))) break;
        rc = ngi_segwriter_posting(m->w, nd, c.freq, pos,
                                   ngi_segment_doc_len(src->seg, c.doc));
        if (rc) break;
    }
    ngi_cursor_close(&c);
    if (rc == NG_ECORRUPT && m->err->code != NG_ECORRUPT)
        ngi_error_set(m->err, rc, "corrupt index: segment %s: bad postings",
                      ngi_segment_name(src->seg));
    return rc;
}

static int advance(merge *m, merge_src *src) {
    int rc = ngi_lex_iter_next(&src->it, m->err);
    src->live = rc == 1;
    /* The inputs are read once, in order: let the pages read so far go,
     * so that a merge holds about one window of each input. */
    if (src->live && src->it.tp.pos_off >= src->dropped + m->lim.window) {
        ngi_segment_drop_postings_before(src->seg, src->it.tp.docs_off,
                                         src->it.tp.pos_off);
        ngi_segment_drop_lexicon_before(src->seg, src->it.p);
        src->dropped = src->it.tp.pos_off;
    }
    return rc < 0 ? rc : 0;
}

static int merge_terms(merge *m) {
    int rc = 0;
    for (size_t i = 0; i < m->n && !rc; i++) {
        ngi_lex_iter_seek(&m->src[i].it, m->src[i].seg, 0, m->err);
        rc = advance(m, &m->src[i]);
    }
    while (!rc) {
        merge_src *min = NULL;
        for (size_t i = 0; i < m->n; i++)
            if (m->src[i].live && (!min || cmp_terms(&m->src[i].it, &min->it) < 0))
                min = &m->src[i];
        if (!min) break;
        ngi_lex_iter key = min->it; /* copy: sources advance below */
        rc = ngi_segwriter_term_begin(m->w, key.term, key.len);
        for (size_t i = 0; i < m->n && !rc; i++) {
            merge_src *s = &m->src[i];
            if (!s->live || cmp_terms(&s->it, &key) != 0) continue;
            if (!(rc = copy_postings(m, s))) rc = advance(m, s);
        }
        if (!rc) rc = ngi_segwriter_term_end(m->w);
    }
    return rc;
}

static int sig_token(void *ctx, const ng_token *tok) {
    if (tok->term_len && tok->term_len <= NGI_MAX_TERM) /* as the memseg */
        ngi_sig_token(ctx, ngi_hash64(tok->term, tok->term_len));
    return 0;
}

/* A segment written before signatures existed gets them here, from its
 * stored body analysed as at indexing: so `newsgrep merge` upgrades an
 * older index (the body is analysed again: reuters21578's merge took 0.85
 * CPU s instead of 0.67, its indexing 1.07). */
static int recompute_signature(merge *m, const ngi_stored_doc *sd, uint8_t *sig,
                               bool *has) {
    if (!m->a) {
        const ngi_settings *st = &ngi_segment_origin(m->src[0].seg)->settings;
        int rc = ng_analyzer_create(&m->a, st->language[0] ? st->language : NULL,
                                    st->analyzer_flags);
        if (rc)
            return ngi_error_set(m->err, rc, "signatures: no analyzer for '%s'",
                                 st->language);
    }
    ngi_sigbuilder b;
    ngi_sig_begin(&b);
    for (size_t i = 0; i < sd->n_fields; i++)
        if (sd->fields[i].role == NG_FIELD_BODY &&
            ng_analyzer_tokenize(m->a, sd->fields[i].value, sd->fields[i].value_len, 0,
                                 sig_token, &b))
            return ngi_error_set(m->err, NG_ENOMEM, "out of memory");
    *has = ngi_sig_end(&b, sig);
    return 0;
}

static int copy_signature(merge *m, ngi_segment *s, uint32_t d,
                          const ngi_stored_doc *sd) {
    const uint8_t *sig = NULL;
    uint8_t fresh[NGI_SIG_BYTES];
    bool has = false;
    int rc = ngi_segment_has_signatures(s) ? ngi_segment_signature(s, d, &sig, m->err)
                                           : recompute_signature(m, sd, fresh, &has);
    if (!rc && has) sig = fresh;
    return rc ? rc : ngi_segwriter_doc_signature(m->w, sig);
}

static int copy_doc(merge *m, ngi_segment *s, uint32_t d, ngi_docstore_writer *ds,
                    ngi_docstore_scratch *scratch, ngi_stored_doc *sd) {
    const char *id;
    size_t len;
    int rc = ngi_segment_doc_id(s, d, &id, &len, m->err);
    if (!rc)
        rc =
            ngi_segwriter_doc(m->w, ngi_segment_doc_len(s, d), ngi_segment_doc_date(s, d),
                              ngi_segment_title_end(s, d), id, len);
    if (!rc) rc = ngi_segment_fetch(s, scratch, d, sd, m->err);
    if (!rc) rc = copy_signature(m, s, d, sd);
    if (!rc) {
        rc = ngi_docstore_writer_add(ds, sd->fields, sd->n_fields);
        /* A streamed block's write error already names the file. */
        if (rc && m->err->code != rc)
            ngi_error_set(m->err, rc, "docstore: %s", ng_strerror(rc));
    }
    ngi_stored_doc_free(sd);
    ngi_stored_doc_init(sd);
    return rc;
}

/* Documents are copied in order, so one scratch decompresses each block
 * of the sources once. */
static int merge_docs(merge *m, ngi_docstore_writer *ds) {
    ngi_stored_doc sd;
    ngi_stored_doc_init(&sd);
    ngi_docstore_scratch *scratch;
    if (ngi_docstore_scratch_create(&scratch))
        return ngi_error_set(m->err, NG_ENOMEM, "out of memory");
    int rc = 0;
    for (size_t i = 0; i < m->n && !rc; i++) {
        ngi_segment *s = m->src[i].seg;
        for (uint32_t d = 0; d < ngi_segment_n_docs(s) && !rc; d++)
            if (m->src[i].map[d] != NO_DOC) rc = copy_doc(m, s, d, ds, scratch, &sd);
        ngi_segment_drop_pages(s, false, true);
    }
    ngi_stored_doc_free(&sd);
    ngi_docstore_scratch_free(scratch);
    return rc;
}

static int run(merge *m, const char *dir, const char *name, uint64_t *bytes) {
    ngi_docstore_writer *ds = NULL;
    int rc = build_maps(m);
    for (size_t i = 0; i < m->n && !rc; i++) /* lengths, dates, title ends copied */
        rc = ngi_segment_need(m->src[i].seg, NGI_SEG_ALL_COLS, m->err);
    if (!rc) /* the output belongs to the inputs' index */
        rc = ngi_segwriter_create(
            &m->w, dir, name, m->n ? ngi_segment_origin(m->src[0].seg) : NULL, m->err);
    if (rc) return rc;
    ngi_segwriter_set_spill(m->w, m->lim.spill_bytes);
    for (size_t i = 0; i < m->n && !rc; i++) /* for recover */
        rc = ngi_segwriter_add_source(m->w,
                                      ngi_file_number(ngi_segment_name(m->src[i].seg)));
    if (rc) {
        ngi_segwriter_abort(m->w);
        m->w = NULL;
        return rc;
    }
    rc = merge_terms(m);
    for (size_t i = 0; i < m->n; i++) ngi_segment_drop_pages(m->src[i].seg, true, false);
    if (!rc) rc = ngi_segwriter_terms_done(m->w);
    if (!rc && ngi_docstore_writer_create(&ds, NGI_INDEX_DOCSTORE_LEVEL))
        rc = ngi_error_set(m->err, NG_ENOMEM, "out of memory");
    if (!rc) ngi_docstore_writer_set_sample(ds, m->lim.store_sample);
    if (!rc) rc = ngi_segwriter_docs_stream(m->w, ds);
    if (!rc) rc = merge_docs(m, ds);
    if (!rc) {
        rc = ngi_segwriter_finish(m->w, ds, bytes);
    } else {
        ngi_segwriter_abort(m->w);
    }
    m->w = NULL;
    ngi_docstore_writer_free(ds);
    return rc;
}

int ngi_merge_segments(ngi_segment *const *segs, size_t n, const char *dir,
                       const char *name, uint32_t *n_docs, uint64_t *bytes,
                       ngi_error *err) {
    return ngi_merge_segments_within(segs, n, dir, name, NULL, n_docs, bytes, err);
}

int ngi_merge_segments_within(ngi_segment *const *segs, size_t n, const char *dir,
                              const char *name, const ngi_merge_limits *lim,
                              uint32_t *n_docs, uint64_t *bytes, ngi_error *err) {
    merge m = {0};
    m.err = err;
    if (lim) m.lim = *lim;
    if (!m.lim.window) m.lim.window = DROP_BYTES;
    m.n = n;
    m.src = ngi_calloc(n + 1, sizeof *m.src);
    if (!m.src) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    for (size_t i = 0; i < n; i++) m.src[i].seg = segs[i];
    int rc = run(&m, dir, name, bytes);
    for (size_t i = 0; i < n; i++) ngi_free(m.src[i].map);
    ngi_free(m.src);
    ng_analyzer_free(m.a);
    *n_docs = rc ? 0 : m.n_docs;
    return rc;
}
