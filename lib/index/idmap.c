/*
 * idmap.c — the writer's session map from external id to the sequence
 * number of its newest add or delete (see idmap.h).
 */
#include <string.h>

#include "common/hash.h"
#include "idmap.h"

void ngi_idmap_init(ngi_idmap *m) {
    memset(m, 0, sizeof *m);
    ngi_buf_init(&m->keys);
}

void ngi_idmap_free(ngi_idmap *m) {
    ngi_free(m->slots);
    ngi_buf_free(&m->keys);
    ngi_idmap_init(m);
}

void ngi_idmap_clear(ngi_idmap *m) {
    if (m->slots) memset(m->slots, 0, m->n_slots * sizeof *m->slots);
    m->n = 0;
    ngi_buf_reset(&m->keys);
}

static ngi_idmap_slot *find(const ngi_idmap *m, const char *id, size_t len, uint64_t h) {
    size_t mask = m->n_slots - 1;
    for (size_t j = h & mask;; j = (j + 1) & mask) {
        ngi_idmap_slot *s = &m->slots[j];
        if (!s->val) return s;
        if (s->hash == h && s->key_len == len &&
            memcmp(m->keys.data + s->key_off, id, len) == 0)
            return s;
    }
}

static int grow(ngi_idmap *m) {
    size_t n = m->n_slots ? m->n_slots * 2 : 1024;
    ngi_idmap_slot *old = m->slots;
    size_t old_n = m->n_slots;
    m->slots = ngi_calloc(n, sizeof *m->slots);
    if (!m->slots) {
        m->slots = old;
        return NG_ENOMEM;
    }
    m->n_slots = n;
    for (size_t i = 0; i < old_n; i++) {
        if (!old[i].val) continue;
        size_t j = old[i].hash & (n - 1);
        while (m->slots[j].val) j = (j + 1) & (n - 1);
        m->slots[j] = old[i];
    }
    ngi_free(old);
    return 0;
}

int ngi_idmap_put(ngi_idmap *m, const char *id, size_t len, uint64_t seq, bool deleted) {
    NGI_ASSERT(seq > 0); /* val 0 marks an empty slot */
    if (2 * (m->n + 1) > m->n_slots && grow(m)) return NG_ENOMEM;
    uint64_t h = ngi_hash64(id, len);
    ngi_idmap_slot *s = find(m, id, len, h);
    if (!s->val) {
        if (m->keys.len + len > UINT32_MAX) return NG_ELIMIT;
        uint32_t off = (uint32_t)m->keys.len;
        if (ngi_buf_append(&m->keys, id, len)) return NG_ENOMEM;
        s->hash = h;
        s->key_off = off;
        s->key_len = (uint32_t)len;
        m->n++;
    }
    s->val = seq << 1 | (deleted ? 1 : 0);
    return 0;
}

bool ngi_idmap_get(const ngi_idmap *m, const char *id, size_t len, uint64_t *seq,
                   bool *deleted) {
    if (!m->n_slots) return false;
    const ngi_idmap_slot *s = find(m, id, len, ngi_hash64(id, len));
    if (!s->val) return false;
    *seq = s->val >> 1;
    *deleted = s->val & 1;
    return true;
}
