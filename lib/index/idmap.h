/*
 * idmap.h — the writer's session map: external id -> sequence number of
 * the newest add or delete of this session (open addressing, XXH3, keys in
 * one arena). Commit resolves replacements through it.
 */
#ifndef NG_INDEX_IDMAP_H
#define NG_INDEX_IDMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"

typedef struct ngi_idmap_slot {
    uint64_t hash;    /* XXH3 of the key */
    uint64_t val;     /* seq << 1 | deleted; 0 = empty slot */
    uint32_t key_off; /* key bytes in the arena */
    uint32_t key_len; /* bytes */
} ngi_idmap_slot;

typedef struct ngi_idmap {
    ngi_idmap_slot *slots; /* n_slots, a power of two */
    size_t n_slots;        /* slots allocated */
    size_t n;              /* keys stored */
    ngi_buf keys;          /* key bytes */
} ngi_idmap;

void ngi_idmap_init(ngi_idmap *m);
void ngi_idmap_free(ngi_idmap *m);
void ngi_idmap_clear(ngi_idmap *m);
/* Sets id's newest operation. Returns 0 or NG_ENOMEM / NG_ELIMIT. */
int ngi_idmap_put(ngi_idmap *m, const char *id, size_t len, uint64_t seq, bool deleted);
/* The newest operation of id: true and *seq / *deleted, or false. */
bool ngi_idmap_get(const ngi_idmap *m, const char *id, size_t len, uint64_t *seq,
                   bool *deleted);

#endif /* NG_INDEX_IDMAP_H */
