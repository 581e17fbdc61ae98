/*
 * segcheck.c — ngi_segment_check, the full verification behind `newsgrep
 * check` and `recover`: every checksum, the deletes file, lexicon order and
 * block ends, every postings list decoded against its lexicon facts, norms
 * against HEAD, quantized lengths (QLEN) against the norms, the id index
 * order, the date table, and every stored document (it must carry its own
 * id). Grammar: lib/FORMAT.md.
 */
#include <string.h>

#include "common/le.h"
#include "segment_impl.h"
#include "seed.h"
#include "signature.h"

static int cmp_id_at(const ngi_segment *s, uint32_t doc, const char *id, size_t len) {
    return ngi_seg_cmp_id_at(s, doc, id, len);
}

static int32_t dsrt_date(const ngi_segment *s, size_t i) {
    return (int32_t)ngi_load_le32(s->dsrt + 8 * i);
}

/* ---- check ------------------------------------------------------------ */

/* Decodes one term's postings fully against its lexicon facts. */
static int check_postings(const ngi_segment *s, const ngi_term_postings *tp,
                          ngi_error *err) {
    ngi_cursor c;
    int rc = ngi_segment_cursor(s, tp, &c, err);
    if (rc) return rc;
    uint64_t n = 0, cf = 0;
    uint32_t prev = 0, max_tf = 0, min_dl = UINT32_MAX;
    while (!(rc = ngi_cursor_next(&c)) && c.doc != NGI_DOC_END) {
        const uint32_t *pos;
        if ((n && c.doc <= prev) || c.doc >= s->n_docs || c.freq == 0 ||
            (rc = ngi_cursor_positions(&c, &pos)))
            break;
        for (uint32_t i = 1; i < c.freq; i++)
            if (pos[i] < pos[i - 1]) rc = NG_ECORRUPT;
        n++;
        cf += c.freq;
        prev = c.doc;
        max_tf = NGI_MAX(max_tf, c.freq);
        min_dl = NGI_MIN(min_dl, ngi_segment_doc_len(s, c.doc));
        if (rc) break;
    }
    ngi_cursor_close(&c);
    if (rc || c.doc != NGI_DOC_END || n != tp->df || cf != tp->cf ||
        max_tf != tp->max_tf || min_dl < tp->min_dl)
        return ngi_seg_corrupt(s, err, "postings disagree with the lexicon");
    return 0;
}

static int check_lexicon(const ngi_segment *s, ngi_error *err) {
    ngi_lex_iter it;
    char prev[NGI_MAX_TERM + 1];
    size_t prev_len = 0, seed_at = 0;
    int rc = ngi_lex_iter_seek(&it, s, 0, err);
    if (rc) return rc;
    while ((rc = ngi_lex_iter_next(&it, err)) == 1) {
        if (it.idx > 1 && ngi_seg_cmp_bytes(prev, prev_len, it.term, it.len) >= 0)
            return ngi_seg_corrupt(s, err, "lexicon not sorted");
        if (it.idx % NGI_LEX_BLOCK == 0 || it.idx == s->n_terms)
            if (it.p != it.end)
                return ngi_seg_corrupt(s, err, "lexicon block has trailing bytes");
        memcpy(prev, it.term, it.len);
        prev_len = it.len;
        if ((rc = check_postings(s, &it.tp, err)) ||
            (rc = ngi_seed_check_term(s, &it.tp, &seed_at, err)))
            return rc;
    }
    return rc ? rc : ngi_seed_check_end(s, seed_at, err);
}

/* CSPD's chunk sums agree with the tables (checked whole above). */
static int check_col_sums(const ngi_segment *s, ngi_error *err) {
    for (size_t i = 0; s->cols_lazy && i < NGI_SEG_COLS; i++)
        if (ngi_chunked_verify(&s->ck_cols[i], 0, s->ck_cols[i].len))
            return ngi_seg_corrupt(s, err, "CSPD chunk sums disagree with a table");
    return 0;
}

static int check_docs(const ngi_segment *s, ngi_error *err) {
    uint64_t total = 0;
    for (uint32_t i = 0; i < s->n_docs; i++) total += ngi_segment_doc_len(s, i);
    if (total != s->total_len) return ngi_seg_corrupt(s, err, "norms disagree");
    for (uint32_t i = 0; s->qlen && i < s->n_docs; i++)
        if (s->qlen[i] != ngi_qlen_encode(ngi_segment_doc_len(s, i)))
            return ngi_seg_corrupt(s, err, "quantized lengths disagree with the norms");
    for (uint32_t i = 1; i < s->n_docs; i++) {
        uint32_t a = ngi_load_uw(s->idix, s->idix_w, (size_t)i - 1);
        uint32_t b = ngi_load_uw(s->idix, s->idix_w, i);
        const char *ib;
        size_t lb;
        ngi_segment_doc_id(s, b, &ib, &lb, NULL);
        int c = cmp_id_at(s, a, ib, lb);
        if (c > 0 || (c == 0 && a >= b)) return ngi_seg_corrupt(s, err, "id index");
    }
    uint32_t dated = 0;
    for (uint32_t i = 0; i < s->n_docs; i++)
        dated += ngi_segment_doc_date(s, i) != NGI_NO_DATE;
    if (dated != s->n_dated) return ngi_seg_corrupt(s, err, "date table count");
    for (uint32_t i = 0; i < s->n_dated; i++) {
        uint32_t d = ngi_load_le32(s->dsrt + 8 * (size_t)i + 4);
        if (ngi_segment_doc_date(s, d) != dsrt_date(s, i) ||
            (i && dsrt_date(s, i) < dsrt_date(s, i - 1)))
            return ngi_seg_corrupt(s, err, "date table");
    }
    return 0;
}

/* Every stored document decodes and carries its own id. */
static int check_docstore(const ngi_segment *s, ngi_error *err) {
    ngi_stored_doc d;
    ngi_stored_doc_init(&d);
    ngi_docstore_scratch *scratch;
    if (ngi_docstore_scratch_create(&scratch))
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    int rc = 0;
    for (uint32_t i = 0; i < s->n_docs && !rc; i++) {
        if ((rc = ngi_segment_fetch(s, scratch, i, &d, err))) break;
        const char *id;
        size_t len;
        ngi_segment_doc_id(s, i, &id, &len, NULL);
        bool ok = false;
        for (size_t f = 0; f < d.n_fields; f++)
            if (d.fields[f].role == NG_FIELD_ID && d.fields[f].value_len == len &&
                memcmp(d.fields[f].value, id, len) == 0)
                ok = true;
        if (!ok) rc = ngi_seg_corrupt(s, err, "stored document lacks its id");
        ngi_stored_doc_free(&d);
        ngi_stored_doc_init(&d);
    }
    ngi_stored_doc_free(&d);
    ngi_docstore_scratch_free(scratch);
    return rc;
}

static int check_deletes(const ngi_segment *s, ngi_error *err) {
    if (!s->dels_name[0]) return 0;
    uint8_t *bits = NULL;
    ngi_file_ident want;
    ngi_seg_deletes_ident(s, s->dels_name, &want);
    int rc = ngi_deletes_read(s->dir, s->dels_name, s->n_docs, s->bound ? &want : NULL,
                              &bits, err);
    if (!rc && memcmp(bits, s->dels, ((size_t)s->n_docs + 7) / 8) != 0)
        rc = ngi_error_set(err, NG_ECORRUPT, "corrupt index: %s changed on disk",
                           s->dels_name);
    ngi_free(bits);
    return rc;
}

int ngi_segment_check(const ngi_segment *s, ngi_error *err) {
    int rc = ngi_file_reader_verify(s->fr, err);
    if (!rc) rc = check_deletes(s, err);
    if (!rc) rc = check_lexicon(s, err);
    if (!rc && s->ids_lazy) rc = ngi_seg_check_ids(s, err);
    if (!rc) rc = check_docs(s, err);
    if (!rc) rc = check_col_sums(s, err);
    if (!rc) rc = check_docstore(s, err);
    if (!rc) rc = ngi_sign_check(s, err);
    return rc;
}
