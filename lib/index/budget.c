/*
 * budget.c — the split of the writer's RAM budget (budget.h). Every part
 * of what the writer holds at once has a share here, so that the peak
 * stays near the budget at small budgets too: the fixed cost of a thread
 * decides how many threads a budget affords, the memseg's share leaves
 * room for its flush, and a merge reads a bounded window of each input
 * and merges at most as many inputs as their windows fit in its share.
 */
#include "budget.h"

#include "common/common.h"

#define MIB             ((size_t)1 << 20)
#define BATCH_BYTES_MAX MIB /* largest batch (batches bound queue memory) */
#define MEMSEG_SHARE                                                                     \
    0.6                       /* of a thread's share; the rest covers the
                              * flush: sorted terms, the output buffers, the
                              * store's dictionary training */
#define CACHE_MAX  (20 * MIB) /* the term cache's own cap */
#define SAMPLE_MAX (16 * MIB) /* more sample buys the store nothing */
#define SPILL_MIN  MIB
#define WINDOW     ((size_t)64 << 10)
#define READAHEAD                                                                        \
    ((size_t)128 << 10)    /* the kernel's read-around of a
                                              * mapped file, per stream */
#define MERGE_STREAMS    3 /* postings, positions, lexicon of each input */
#define MERGE_FAN_IN_MAX 1000

static size_t clamp(size_t v, size_t lo, size_t hi) {
    return v < lo ? lo : v > hi ? hi : v;
}

/* Threads the budget affords: each must have its fixed cost and a memseg
 * worth flushing. */
static unsigned afford_threads(size_t for_threads, unsigned wanted) {
    size_t n = for_threads / (NGI_THREAD_FIXED + NGI_THREAD_MIN);
    if (n < 1) n = 1;
    return wanted < n ? wanted : (unsigned)n;
}

void ngi_budget_split(size_t ram_bytes, unsigned threads, bool exact, ngi_budget *out) {
    size_t budget = ram_bytes;
    if (threads < 1) threads = 1;
    /* Batches in flight (queued, being filled, being indexed) and the
     * largest document take 1/16. */
    size_t docs = budget / 16;
    out->threads = exact ? threads : afford_threads(budget - docs, threads);
    size_t batches = 3 * (size_t)out->threads + 1;
    out->batch_bytes = clamp(docs / batches, (size_t)16384, BATCH_BYTES_MAX);
    out->inflight_cap = NGI_MAX(docs, out->batch_bytes);
    /* A thread's share, less its fixed cost; its analyzer's term cache
     * takes 1/8 of it, the memseg most of the rest. */
    size_t share = (budget - docs) / out->threads;
    share = share > NGI_THREAD_FIXED ? share - NGI_THREAD_FIXED : share / 2;
    out->cache_bytes = NGI_MIN(share / 8, CACHE_MAX);
    share -= out->cache_bytes;
    out->memseg_limit = NGI_MIN((size_t)(share * MEMSEG_SHARE), (size_t)3 << 30);
    /* Inside the memseg: the store holds this much raw text before it
     * trains its vocabulary and dictionary, which then cost about as much
     * again (the coded sample, zstd's tables sized to the sample). */
    out->store_sample = clamp(share / 8, (size_t)256 << 10, SAMPLE_MAX);
    /* At commit the memsegs are empty: a merge has what the threads' fixed
     * costs and caches leave: a quarter for its inputs' windows, a quarter
     * for the segments open at once, an eighth for each output buffer. */
    size_t held = out->threads * (NGI_THREAD_FIXED + out->cache_bytes);
    size_t merge = budget - docs > held ? budget - docs - held : share;
    out->spill_bytes = NGI_MAX(NGI_MIN(share / 4, merge / 8), SPILL_MIN);
    size_t per_source = MERGE_STREAMS * (WINDOW + READAHEAD) + NGI_MERGE_SOURCE_FIXED;
    out->merge_window = WINDOW;
    out->merge_fan_in = clamp(merge / 4 / per_source, 2, MERGE_FAN_IN_MAX);
    out->max_open = NGI_MAX(merge / 4 / NGI_MERGE_SOURCE_FIXED, 2 * out->merge_fan_in);
}
