/*
 * budget.h — how the writer splits its RAM budget (ng_index_options.ram_mb)
 * between what it holds at once: the batches in flight, each indexing
 * thread (term cache, in-memory segment, the flush's buffers and the
 * document store's training sample), and, at commit, the merges (output
 * buffers, the store's sample, a window of each input). A pure function of
 * the budget and the thread count, so that the split can be tested.
 */
#ifndef NG_INDEX_BUDGET_H
#define NG_INDEX_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

/* What one thread costs whatever its share: the analyzer (stemmer, term
 * cache's table), the memseg's smallest hash table, zstd's compression
 * context and the thread's stack (measured: ~2.5 MiB). */
#define NGI_THREAD_FIXED ((size_t)3 << 20)
/* The smallest in-memory segment worth a thread: below it a thread's
 * fixed cost outweighs what it indexes, so small budgets use fewer. */
#define NGI_THREAD_MIN ((size_t)12 << 20)
/* What one open segment costs (measured on wikipedia_en's small flushed
 * segments: ~250 KiB): its tables, the store's dictionary (a zstd DDict)
 * and the mapped pages read at open. A merge input pays it too. */
#define NGI_MERGE_SOURCE_FIXED ((size_t)256 << 10)

typedef struct ngi_budget {
    unsigned threads;    /* indexing threads (at most the requested) */
    size_t batch_bytes;  /* a batch is handed over at this size */
    size_t inflight_cap; /* document bytes queued or being indexed */
    size_t cache_bytes;  /* each analyzer's term cache, at most */
    size_t memseg_limit; /* a thread's memseg is flushed at this size */
    size_t store_sample; /* raw bytes a store writer holds to train on */
    size_t spill_bytes;  /* a segment writer's positions and lexicon
                           * buffers go to a temporary file past this */
    size_t merge_window; /* bytes of each merge input kept mapped */
    size_t merge_fan_in; /* most segments merged at once */
    size_t max_open;     /* a commit merges new segments first rather
                           * than open more than this many at once */
} ngi_budget;

/* Splits ram_bytes between `threads` indexing threads (>= 1); unless
 * exact (a count the caller asked for), fewer when the budget cannot
 * afford each one's fixed cost and a useful memseg. */
void ngi_budget_split(size_t ram_bytes, unsigned threads, bool exact, ngi_budget *out);

#endif /* NG_INDEX_BUDGET_H */
