/*
 * termcache.c — a bounded hash table from a word's raw bytes to its final
 * term (or the verdict "stopword" / "skip"), so that normalisation,
 * stopword lookup and stemming run once per distinct spelling. Open
 * addressing with linear probing over 32-byte slots that hold short keys
 * and values inline (a hit costs one cache line); long ones go to an
 * arena. Two generations (see analyze.h): news vocabulary is Zipfian, so
 * the hot words are copied forward and rare ones age out. Memory: starts
 * at 2 KiB, at most 2 x (8 MiB of slots + 2 MiB of arena) per analyzer.
 */
#include <string.h>
#include <sys/mman.h>

#include "analyze.h"
#include "common/hash.h"

#define TC_MIN_SLOTS 1024u /* smallest cap that ngi_termcache_set_limit sets */
#define TC_START_SLOTS                                                                   \
    64u                         /* 2 KiB: a query's analyzer (one per parse)
                                     sees a few words; zeroing 32 KiB was
                                     most of a short query's parse */
#define TC_MAX_SLOTS (1u << 18) /* 8 MiB of slots per generation */
#define TC_MAX_ARENA (2u << 20) /* long keys + values per generation */

_Static_assert(sizeof(ngi_tc_slot) == 32, "two slots per cache line");

/* Allocates n zeroed slots aligned on 64 bytes into t (which must not own
 * slots: the caller keeps the old ones). Big tables ask for huge pages:
 * every lookup lands on a random slot, and TLB misses cost as much as the
 * cache misses the tokenizer's prefetching hides. */
static int table_alloc(ngi_tc_table *t, uint32_t n) {
    size_t bytes = (size_t)n * sizeof(ngi_tc_slot) + 64;
    void *mem = ngi_calloc(1, bytes);
    if (!mem) return NG_ENOMEM;
#ifdef MADV_HUGEPAGE
    if (bytes >= (4u << 20)) { /* whole 2 MiB pages inside the block */
        uintptr_t a = ((uintptr_t)mem + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
        uintptr_t e = ((uintptr_t)mem + bytes) & ~(uintptr_t)((2u << 20) - 1);
        if (e > a) madvise((void *)a, e - a, MADV_HUGEPAGE); /* a hint */
    }
#endif
    uintptr_t p = ((uintptr_t)mem + 63) & ~(uintptr_t)63;
    t->mem = mem;
    t->slots = (ngi_tc_slot *)p;
    t->mask = n - 1;
    t->count = 0;
    return 0;
}

static void table_free(ngi_tc_table *t) {
    ngi_free(t->mem);
    ngi_buf_free(&t->arena);
    memset(t, 0, sizeof *t);
}

static void table_clear(ngi_tc_table *t) {
    memset(t->slots, 0, ((size_t)t->mask + 1) * sizeof *t->slots);
    t->count = 0;
    ngi_buf_reset(&t->arena);
}

int ngi_termcache_init(ngi_termcache *tc) {
    memset(tc, 0, sizeof *tc);
    tc->max_slots = TC_MAX_SLOTS;
    tc->max_arena = TC_MAX_ARENA;
    return table_alloc(&tc->cur, TC_START_SLOTS);
}

void ngi_termcache_set_limit(ngi_termcache *tc, size_t bytes) {
    size_t gen = bytes / 2, slots = TC_MIN_SLOTS; /* two generations */
    while (slots < TC_MAX_SLOTS && 2 * slots * sizeof(ngi_tc_slot) <= gen * 4 / 5)
        slots *= 2;
    tc->max_slots = (uint32_t)slots;
    tc->max_arena = NGI_MAX(NGI_MIN(gen / 5, (size_t)TC_MAX_ARENA), (size_t)64 << 10);
}

void ngi_termcache_free(ngi_termcache *tc) {
    table_free(&tc->cur);
    table_free(&tc->prev);
}

/* Places entry e, whose key hashes to h, into t. */
static void table_place(ngi_tc_table *t, uint64_t h, const ngi_tc_slot *e) {
    uint32_t j = (uint32_t)h & t->mask;
    while (t->slots[j].tag) j = (j + 1) & t->mask;
    t->slots[j] = *e;
}

/* Doubles the current table (arena offsets stay valid); false when at the
 * cap or out of memory. */
static bool grow(ngi_tc_table *t, uint32_t max_slots) {
    uint32_t n = t->mask + 1;
    if (n >= max_slots) return false;
    ngi_tc_table bigger = {0};
    if (table_alloc(&bigger, 2 * n)) return false;
    for (uint32_t i = 0; i < n; i++) { /* slots keep no index bits: rehash */
        const ngi_tc_slot *e = &t->slots[i];
        if (!e->tag) continue;
        const uint8_t *k =
            ngi_tc_is_inline(e->klen, e->vlen) ? e->inl : t->arena.data + e->off;
        table_place(&bigger, ngi_hash64(k, e->klen), e);
    }
    ngi_free(t->mem);
    t->mem = bigger.mem;
    t->slots = bigger.slots;
    t->mask = bigger.mask;
    return true;
}

/* The current generation becomes the previous one; the new current one
 * reuses the memory of the dropped generation when it has the same size. */
static void rollover(ngi_termcache *tc) {
    ngi_tc_table old = tc->prev;
    tc->prev = tc->cur;
    if (old.slots && old.mask == tc->prev.mask) {
        tc->cur = old;
        table_clear(&tc->cur);
        return;
    }
    table_free(&old);
    memset(&tc->cur, 0, sizeof tc->cur);
    if (table_alloc(&tc->cur, tc->prev.mask + 1) == 0) return;
    /* No memory for two generations: keep one, cleared. */
    tc->cur = tc->prev;
    memset(&tc->prev, 0, sizeof tc->prev);
    table_clear(&tc->cur);
}

/* Makes room for one entry with `extra` arena bytes in the current table. */
static void make_room(ngi_termcache *tc, size_t extra) {
    ngi_tc_table *t = &tc->cur;
    bool full = t->count + 1 > (t->mask + 1) / 10 * 7;
    if (full && grow(t, tc->max_slots)) full = false;
    if (full || t->arena.len + extra > tc->max_arena) rollover(tc);
}

const uint8_t *ngi_termcache_put(ngi_termcache *tc, uint64_t hash, const uint8_t *key,
                                 size_t klen, const uint8_t *val, int vlen) {
    size_t vbytes = vlen > 0 ? (size_t)vlen : 0;
    bool inl = ngi_tc_is_inline(klen, vlen);
    if (klen > NGI_MAX_RAW_WORD || vlen > NG_MAX_TOKEN_BYTES) return NULL;
    make_room(tc, inl ? 0 : klen + vbytes);
    ngi_tc_table *t = &tc->cur;
    ngi_tc_slot e;
    memset(&e, 0, sizeof e);
    e.tag = ngi_tc_tag(hash);
    e.klen = (uint16_t)klen;
    e.vlen = (int16_t)vlen;
    uint8_t *dst = e.inl;
    if (!inl) {
        if (ngi_buf_reserve(&t->arena, klen + vbytes)) return NULL;
        e.off = (uint32_t)t->arena.len;
        dst = t->arena.data + e.off;
        t->arena.len += klen + vbytes;
    }
    memcpy(dst, key, klen);
    if (vbytes) memcpy(dst + klen, val, vbytes);
    uint32_t i = (uint32_t)hash & t->mask;
    while (t->slots[i].tag) i = (i + 1) & t->mask;
    t->slots[i] = e;
    t->count++;
    return inl ? t->slots[i].inl + klen : t->arena.data + e.off + klen;
}

bool ngi_termcache_get_prev(ngi_termcache *tc, uint64_t hash, const uint8_t *key,
                            size_t klen, const uint8_t **val, int *vlen) {
    if (!tc->prev.slots || !ngi_tc_table_get(&tc->prev, hash, key, klen, val, vlen))
        return false;
    /* Copy forward. The put may roll the generations over and clear the
     * table the value lives in: copy the value out first. */
    uint8_t tmp[NG_MAX_TOKEN_BYTES];
    size_t n = *vlen > 0 ? (size_t)*vlen : 0;
    memcpy(tmp, *val, n);
    const uint8_t *kept = ngi_termcache_put(tc, hash, key, klen, tmp, *vlen);
    if (!kept) return false; /* the caller recomputes */
    *val = kept;
    return true;
}
