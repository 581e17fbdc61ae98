/*
 * iter_date.c — date ranges: the segment's date-sorted table gives the
 * ascending local ids of the documents in the range (no scan); the
 * iterator walks them by binary search. Filters score 0.
 */
#include "iter.h"

void ngi_date_seek(ngi_it *it, uint32_t target) {
    size_t lo = it->date.i, hi = it->date.n;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (it->date.docs[mid] < target)
            lo = mid + 1;
        else
            hi = mid;
    }
    it->date.i = lo;
    it->doc = lo < it->date.n ? it->date.docs[lo] : NGI_DOC_END;
}

int ngi_date_build(ngi_sctx *c, ngi_it *it, int32_t since, int32_t until) {
    uint32_t *docs = NULL;
    size_t n = 0;
    int rc = ngi_segment_docs_in_dates(c->seg, since, until, &docs, &n, c->errd);
    if (rc) {
        ngi_sctx_fail(c, rc);
        return -1;
    }
    if (docs && ngi_buf_append(&c->owned, &docs, sizeof docs)) {
        ngi_free(docs);
        ngi_sctx_fail(c, NG_ENOMEM);
        return -1;
    }
    it->date.docs = docs;
    it->date.n = n;
    it->cost = n;
    ngi_date_seek(it, 0);
    return 0;
}
