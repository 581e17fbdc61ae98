/*
 * iter_phrase.c — phrase and proximity iterators: a conjunction of the
 * words' cursors led by the rarest word, block ranges and candidates
 * skipped on tf bounds before any position is decoded, then the exact
 * occurrence count (ngi_phrase_count) from the positions.
 */
#include <stdlib.h>

#include "iter.h"

typedef struct pent {
    uint32_t pos;  /* position */
    uint32_t list; /* which word list */
} pent;

static int cmp_pent(const void *a, const void *b) {
    uint32_t x = ((const pent *)a)->pos, y = ((const pent *)b)->pos;
    return x < y ? -1 : x > y;
}

static int side_ok(uint32_t p, uint32_t te, int field) {
    if (field == NGI_FIELD_TITLE) return p < te;
    if (field == NGI_FIELD_BODY) return p >= te;
    return 1;
}

/* Fetches the decoded positions of word list l (NULL on error). */
typedef const uint32_t *(*pos_fetch)(void *ctx, uint32_t l);

typedef struct cand {
    uint32_t start; /* phrase start position */
    uint32_t mult;  /* how many of word 0's occurrences start here */
} cand;

/* Keeps the candidates whose word i (relative position rel) is in p;
 * for word 0 a candidate counts once per occurrence (repeated positions),
 * as word 0's occurrences are what an exact phrase counts. */
static size_t filter_word(cand *cs, size_t m, const uint32_t *p, uint32_t np,
                          uint32_t rel, int is_first) {
    size_t out = 0;
    uint32_t ptr = 0;
    for (size_t k = 0; k < m; k++) {
        uint64_t want = (uint64_t)cs[k].start + rel;
        while (ptr < np && p[ptr] < want) ptr++;
        if (ptr == np) break;
        if (p[ptr] != want) continue;
        uint32_t mult = 1;
        if (is_first)
            for (uint32_t q = ptr + 1; q < np && p[q] == want; q++) mult++;
        cs[out] = cs[k];
        cs[out++].mult *= mult;
    }
    return out;
}

/* Exact phrase occurrences, word lists decoded lazily: the candidates
 * start from the word with the fewest positions in the document and are
 * filtered word by word in ascending order of positions, so a document
 * where two words never meet costs two lists, not all. Counts like the
 * definition: the start positions of word 0's occurrences where every
 * word sits at its relative position, on one side of title_end. */
static uint32_t exact_count(pos_fetch get, void *gctx, const uint32_t *npos,
                            const uint32_t *wmap, const uint32_t *wrel, uint32_t n_words,
                            uint32_t te, int field, ngi_buf *scratch) {
    uint32_t order[NG_MAX_QUERY_TERMS];
    for (uint32_t i = 0; i < n_words; i++) { /* insertion sort by positions */
        uint32_t j = i;
        while (j && npos[wmap[order[j - 1]]] > npos[wmap[i]]) {
            order[j] = order[j - 1];
            j--;
        }
        order[j] = i;
    }
    uint32_t r = order[0], np = npos[wmap[r]], last_rel = wrel[n_words - 1];
    if (np == 0) return 0;
    const uint32_t *p = get(gctx, wmap[r]);
    if (!p) return 0;
    ngi_buf_reset(scratch);
    if (ngi_buf_reserve(scratch, (size_t)np * sizeof(cand))) return UINT32_MAX;
    cand *cs = (cand *)(void *)scratch->data;
    size_t m = 0;
    for (uint32_t j = 0; j < np; j++) {
        if (p[j] < wrel[r]) continue;
        /* word 0 anchors each occurrence; another word once per start */
        if (r != 0 && j && p[j] == p[j - 1]) continue;
        uint32_t s = p[j] - wrel[r];
        if ((uint64_t)s + last_rel > UINT32_MAX) break;
        if ((s < te) != (s + last_rel < te)) continue;
        if (field && !side_ok(s, te, field)) continue;
        cs[m++] = (cand){s, 1};
    }
    for (uint32_t k = 1; k < n_words && m; k++) {
        uint32_t i = order[k];
        if (!(p = get(gctx, wmap[i]))) return 0;
        m = filter_word(cs, m, p, npos[wmap[i]], wrel[i], i == 0);
    }
    uint64_t count = 0;
    for (size_t k = 0; k < m; k++) count += cs[k].mult;
    return (uint32_t)NGI_MIN(count, UINT32_MAX - 1);
}

static uint32_t sloppy_count(const uint32_t *const *pos, const uint32_t *npos,
                             const uint32_t *wmap, uint32_t n_words, uint32_t n_lists,
                             uint32_t slop, uint32_t te, int field, ngi_buf *scratch) {
    size_t m = 0;
    for (uint32_t l = 0; l < n_lists; l++) m += npos[l];
    ngi_buf_reset(scratch);
    if (ngi_buf_reserve(scratch, m * sizeof(pent))) return UINT32_MAX;
    pent *e = (pent *)scratch->data;
    size_t k = 0;
    for (uint32_t l = 0; l < n_lists; l++)
        for (uint32_t j = 0; j < npos[l]; j++) e[k++] = (pent){pos[l][j], l};
    if (m > 1) qsort(e, m, sizeof *e, cmp_pent);
    uint32_t need[NG_MAX_QUERY_TERMS] = {0}, cnt[NG_MAX_QUERY_TERMS] = {0};
    for (uint32_t i = 0; i < n_words; i++) need[wmap[i]]++;
    uint64_t span = (uint64_t)n_words - 1 + slop;
    uint32_t sat = 0, count = 0;
    size_t j = 0;
    for (size_t i = 0; i < m; i++) {
        uint64_t P = e[i].pos, limit = P + span;
        if (P < te && limit > (uint64_t)te - 1) limit = (uint64_t)te - 1;
        for (; j < m && e[j].pos <= limit; j++)
            if (++cnt[e[j].list] == need[e[j].list]) sat++;
        if (sat == n_lists && side_ok((uint32_t)P, te, field)) count++;
        if (cnt[e[i].list]-- == need[e[i].list]) sat--;
    }
    return count;
}

static const uint32_t *array_fetch(void *ctx, uint32_t l) {
    return ((const uint32_t *const *)ctx)[l];
}

uint32_t ngi_phrase_count(const uint32_t *const *pos, const uint32_t *npos,
                          const uint32_t *wmap, const uint32_t *wrel, uint32_t n_words,
                          uint32_t n_lists, uint32_t slop, uint32_t title_end, int field,
                          ngi_buf *scratch) {
    if (n_words == 0 || n_words > NG_MAX_QUERY_TERMS) return 0;
    if (slop == 0)
        return exact_count(array_fetch, (void *)pos, npos, wmap, wrel, n_words, title_end,
                           field, scratch);
    return sloppy_count(pos, npos, wmap, n_words, n_lists, slop, title_end, field,
                        scratch);
}

/* pos_fetch over the phrase's cursors (a failure is the search's error). */
static const uint32_t *cursor_fetch(void *ctx, uint32_t l) {
    ngi_it *it = ctx;
    const uint32_t *p;
    int rc = ngi_cursor_positions(it->ph.wcur[l], &p);
    if (rc) ngi_sctx_fail(it->ctx, rc);
    return rc ? NULL : p;
}

static uint32_t phrase_tf(ngi_it *it, uint32_t doc) {
    uint32_t npos[NG_MAX_QUERY_TERMS];
    for (uint32_t l = 0; l < it->ph.n_wcur; l++) npos[l] = it->ph.wcur[l]->freq;
    /* The title/body gap is one position, so only a phrase with a gap
     * (a stopword) or a field restriction or proximity needs title_end. */
    uint32_t te = it->ph.needs_te ? ngi_segment_title_end(it->ctx->seg, doc) : UINT32_MAX;
    uint32_t n;
    if (it->ph.slop == 0) { /* exact: each list decoded only if still needed */
        n = exact_count(cursor_fetch, it, npos, it->ph.wmap, it->ph.wrel, it->ph.n_words,
                        te, it->field, &it->ctx->posscratch);
    } else {
        const uint32_t *pos[NG_MAX_QUERY_TERMS];
        for (uint32_t l = 0; l < it->ph.n_wcur; l++)
            if (!(pos[l] = cursor_fetch(it, l))) return 0;
        n = sloppy_count(pos, npos, it->ph.wmap, it->ph.n_words, it->ph.n_wcur,
                         it->ph.slop, te, it->field, &it->ctx->posscratch);
    }
    if (n == UINT32_MAX) {
        ngi_sctx_fail(it->ctx, NG_ENOMEM);
        return 0;
    }
    return n;
}

/* The words' cursors start unstarted (doc 0 until the first advance):
 * target 0 always goes through ngi_cursor_advance, which knows. */
static int cur_advance(ngi_sctx *c, ngi_cursor *cur, uint32_t target) {
    if (cur->doc >= target && target) return 0;
    int rc = ngi_cursor_advance(cur, target);
    if (rc) ngi_sctx_fail(c, rc);
    return rc;
}

/* With all words at d: can the phrase's score there beat it->floor? Its
 * tf is at most the rarest word's (exact) or their sum (proximity), so
 * candidates are dropped before their positions are decoded. */
static int phrase_cannot_win(ngi_it *it, uint32_t d) {
    uint64_t tf = it->ph.slop ? 0 : UINT32_MAX;
    for (uint32_t l = 0; l < it->ph.n_wcur; l++)
        tf = it->ph.slop ? tf + it->ph.wcur[l]->freq : NGI_MIN(tf, it->ph.wcur[l]->freq);
    uint32_t t = (uint32_t)NGI_MIN(tf, UINT32_MAX);
    if (ngi_bm25(it->A, t, it->kmin) * NGI_SLACK <= it->floor) return 1;
    return ngi_bm25(it->A, t, ngi_sctx_norm(it->ctx, d)) * NGI_SLACK <= it->floor;
}

/* Block-max for phrases: over the docs where every word's current block
 * overlaps, the phrase's tf is at most the smallest block max tf (exact)
 * or their sum (proximity) and dl at least the largest block min dl.
 * Returns the first doc worth looking at (d itself when the range may
 * hold a winner), without decoding any block. */
static uint32_t phrase_dead_range(ngi_it *it, uint32_t d) {
    if (d <= it->ph.end) return it->ph.dead ? it->ph.end + 1 : d;
    uint64_t tf = it->ph.slop ? 0 : UINT32_MAX;
    uint32_t end = NGI_DOC_END, dl = 0;
    for (uint32_t l = 0; l < it->ph.n_wcur; l++) {
        ngi_cursor *w = it->ph.wcur[l];
        uint32_t be = ngi_cursor_shallow_advance(w, d);
        if (be == NGI_DOC_END) return d; /* no block facts */
        uint32_t mtf = ngi_cursor_block_max_tf(w);
        if (mtf == 0) return d; /* no block facts */
        tf = it->ph.slop ? tf + mtf : NGI_MIN(tf, mtf);
        dl = NGI_MAX(dl, ngi_cursor_block_min_dl(w));
        end = NGI_MIN(end, be);
    }
    double b =
        ngi_bm25(it->A, (uint32_t)NGI_MIN(tf, UINT32_MAX), ngi_sctx_norm_of(it->ctx, dl));
    it->ph.end = end;
    it->ph.dead = b * NGI_SLACK <= it->floor;
    return it->ph.dead ? end + 1 : d;
}

void ngi_phrase_seek(ngi_it *it, uint32_t d) {
    ngi_sctx *c = it->ctx;
    while (d != NGI_DOC_END && !c->err) {
        ngi_cursor *l = it->ph.wcur[it->ph.lead[0]];
        if (cur_advance(c, l, d)) break;
        d = l->doc;
        if (d == NGI_DOC_END) break;
        if (it->floor >= 0) {
            uint32_t skip = phrase_dead_range(it, d);
            if (skip != d) {
                d = skip;
                continue;
            }
        }
        uint32_t j = 1;
        for (; j < it->ph.n_wcur; j++) {
            ngi_cursor *w = it->ph.wcur[it->ph.lead[j]];
            if (cur_advance(c, w, d)) break;
            if (w->doc != d) break;
        }
        if (c->err) break;
        if (j < it->ph.n_wcur) {
            d = it->ph.wcur[it->ph.lead[j]]->doc;
            continue;
        }
        if (it->floor >= 0 && phrase_cannot_win(it, d)) {
            d++;
            continue;
        }
        if ((it->tf = phrase_tf(it, d)) != 0) {
            it->doc = d;
            return;
        }
        d++;
    }
    it->doc = NGI_DOC_END;
}

static int phrase_words(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    const ngi_qword *w = c->q->words + n->first;
    it->ph.n_words = n->n;
    it->ph.wmap = ngi_sctx_alloc(c, n->n * sizeof *it->ph.wmap);
    it->ph.wrel = ngi_sctx_alloc(c, n->n * sizeof *it->ph.wrel);
    it->ph.wcur = ngi_sctx_alloc(c, n->n * sizeof *it->ph.wcur);
    it->ph.lead = ngi_sctx_alloc(c, n->n * sizeof *it->ph.lead);
    uint32_t *terms = ngi_sctx_alloc(c, n->n * sizeof *terms);
    if (!it->ph.wmap || !it->ph.wrel || !it->ph.wcur || !it->ph.lead || !terms) return -1;
    for (uint32_t i = 0; i < n->n; i++) /* a word absent here: no cursor opened */
        if (!ngi_sctx_term(c, w[i].term)) return -1;
    for (uint32_t i = 0; i < n->n; i++) {
        uint32_t l = 0;
        while (l < it->ph.n_wcur && terms[l] != w[i].term) l++;
        if (l == it->ph.n_wcur) {
            terms[l] = w[i].term;
            it->ph.wcur[l] = ngi_sctx_cursor_unstarted(c, ngi_sctx_term(c, w[i].term));
            if (!it->ph.wcur[l]) return -1;
            it->ph.n_wcur++;
        }
        it->ph.wmap[i] = l;
        it->ph.wrel[i] = w[i].rel;
        it->idf += c->idf[w[i].term];
    }
    /* leapfrog order: rarest first (insertion sort, few words) */
    for (uint32_t l = 0; l < it->ph.n_wcur; l++) {
        uint32_t j = l;
        uint32_t df = ngi_sctx_term(c, terms[l])->df;
        while (j && ngi_sctx_term(c, terms[it->ph.lead[j - 1]])->df > df) {
            it->ph.lead[j] = it->ph.lead[j - 1];
            j--;
        }
        it->ph.lead[j] = l;
    }
    uint32_t min_tf = UINT32_MAX, max_min_dl = 0;
    uint64_t sum_tf = 0;
    it->cost = UINT64_MAX;
    for (uint32_t l = 0; l < it->ph.n_wcur; l++) {
        const ngi_term_postings *tp = ngi_sctx_term(c, terms[l]);
        min_tf = NGI_MIN(min_tf, tp->max_tf);
        sum_tf += tp->max_tf;
        max_min_dl = NGI_MAX(max_min_dl, tp->min_dl);
        it->cost = NGI_MIN(it->cost, tp->df);
    }
    /* exact: occurrences <= the rarest word's tf; windows start at some
     * word's position, so <= the sum of their tfs */
    uint64_t tfb = n->slop ? sum_tf : min_tf;
    it->kmin = ngi_sctx_norm_of(c, max_min_dl);
    it->ub = ngi_bm25(it->A, (uint32_t)NGI_MIN(tfb, UINT32_MAX), it->kmin);
    return 0;
}

int ngi_phrase_build(ngi_sctx *c, ngi_it *it, const ngi_qnode *n) {
    it->ph.slop = n->slop;
    for (uint32_t i = 0; i < n->n; i++) it->A += c->idf[c->q->words[n->first + i].term];
    it->A *= (double)n->weight * (c->k1 + 1.0);
    if (phrase_words(c, it, n)) return -1;
    it->ph.needs_te = n->field || n->slop || it->ph.wrel[n->n - 1] != n->n - 1;
    if (it->ph.needs_te && ngi_sctx_need(c, NGI_SEG_TITLE_ENDS)) return -1;
    ngi_phrase_seek(it, 0);
    return 0;
}
