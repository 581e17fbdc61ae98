/*
 * recover.c — rebuilding a lost or damaged manifest from the segment and
 * deletes files of an index directory (`newsgrep recover`,
 * ng_index_recover). Every segment is verified in full (checksums,
 * postings, stored documents); the index id most segments carry is the
 * index's, and their settings its settings (format 3 keeps both in every
 * segment). Per segment the newest deletes file of the same index that
 * verifies is taken. Then, as the writer does at commit, the newest
 * version of each external id wins: segment numbers grow with time
 * (flushes and merges alike), so a document also present in a newer
 * segment (a merge's input left behind, or a replacement whose deletes
 * file is gone) is marked deleted. Damaged files are renamed NAME.damaged
 * and left out; files of another index are left where they are.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/le.h"
#include "idmap.h"
#include "internal.h"

typedef struct found_seg {
    char name[NGI_SEGMENT_NAME_MAX]; /* seg_N.ngs */
    uint64_t no;                     /* N */
    ngi_segment *seg;                /* opened and verified, or NULL */
    uint8_t *bits;                   /* deletion bits, or NULL: none */
    char dels[NGI_SEGMENT_NAME_MAX]; /* chosen deletes file or "" */
    uint64_t dels_no;                /* its number */
    bool changed;                    /* bits differ from dels' */
    bool used;                       /* in the new manifest */
} found_seg;

typedef struct recovery {
    const char *dir;
    ngi_error *err;
    ng_recover_report *rep;
    found_seg *segs; /* every seg_*.ngs of dir */
    size_t n_segs, cap_segs;
    char (*dels)[NGI_SEGMENT_NAME_MAX]; /* every del_*.ngd of dir */
    size_t n_dels, cap_dels;
    uint64_t max_no;   /* highest file number seen */
    uint64_t max_gen;  /* highest generation seen */
    ngi_origin origin; /* the index's id and settings */
} recovery;

static int nomem(recovery *r) {
    return ngi_error_set(r->err, NG_ENOMEM, "out of memory");
}

static int add_seg(recovery *r, const char *name) {
    if (r->n_segs == r->cap_segs) {
        size_t cap = r->cap_segs ? 2 * r->cap_segs : 16;
        found_seg *s = ngi_realloc(r->segs, cap * sizeof *s);
        if (!s) return nomem(r);
        r->segs = s;
        r->cap_segs = cap;
    }
    found_seg *f = &r->segs[r->n_segs++];
    memset(f, 0, sizeof *f);
    snprintf(f->name, sizeof f->name, "%.63s", name);
    f->no = ngi_file_number(name);
    return 0;
}

static int add_dels(recovery *r, const char *name) {
    if (r->n_dels == r->cap_dels) {
        size_t cap = r->cap_dels ? 2 * r->cap_dels : 16;
        char(*d)[NGI_SEGMENT_NAME_MAX] = ngi_realloc(r->dels, cap * sizeof *d);
        if (!d) return nomem(r);
        r->dels = d;
        r->cap_dels = cap;
    }
    snprintf(r->dels[r->n_dels++], NGI_SEGMENT_NAME_MAX, "%.63s", name);
    return 0;
}

/* Lists the index files; notes the highest file number and generation. */
static int scan(recovery *r) {
    DIR *d = opendir(r->dir);
    if (!d) return ngi_error_set(r->err, NG_EIO, "open directory %s", r->dir);
    int rc = 0;
    struct dirent *e;
    while (!rc && (e = readdir(d)) != NULL) {
        const char *n = e->d_name;
        if (strlen(n) >= NGI_SEGMENT_NAME_MAX) continue;
        if (strncmp(n, NGI_MANIFEST_NAME ".tmp.", 13) == 0) {
            uint64_t g = strtoull(n + 13, NULL, 10);
            if (g > r->max_gen) r->max_gen = g;
            continue;
        }
        bool seg = ngi_store_is_segment_name(n);
        if (!seg && !ngi_store_is_deletes_name(n)) continue;
        uint64_t no = ngi_file_number(n);
        if (no > r->max_no) r->max_no = no;
        rc = seg ? add_seg(r, n) : add_dels(r, n);
    }
    closedir(d);
    return rc;
}

static int by_number(const void *a, const void *b) {
    const found_seg *x = a, *y = b;
    return (x->no > y->no) - (x->no < y->no);
}

/* Keeps a damaged file out of the way of every later writer (it is not
 * named like an index file any more) without deleting anything. */
static void set_aside(recovery *r, const char *name) {
    char from[4096], to[4096], aside[NGI_SEGMENT_NAME_MAX + 16];
    snprintf(aside, sizeof aside, "%.63s.damaged", name);
    if (ngi_path_join(from, sizeof from, r->dir, name) ||
        ngi_path_join(to, sizeof to, r->dir, aside))
        return;
    if (rename(from, to) == 0) r->rep->damaged++;
}

/* Opens and fully verifies one segment; NULL seg when damaged. */
static int open_verified(recovery *r, found_seg *f) {
    ngi_file_reader *fr;
    ngi_error scratch;
    int rc = ngi_file_reader_open(&fr, r->dir, f->name, NGI_FILE_SEGMENT, &scratch);
    const uint8_t *h;
    size_t len;
    ngi_segment_entry e = {{0}, {0}, 0, 0};
    if (!rc) {
        if (!ngi_file_reader_section(fr, NGI_SEC_HEAD, &h, &len, &scratch) &&
            len == NGI_HEAD_BYTES)
            e.n_docs = ngi_load_le32(h);
        else
            rc = NG_ECORRUPT;
        ngi_file_reader_close(fr);
    }
    if (rc == NG_ENOMEM) return nomem(r);
    snprintf(e.name, sizeof e.name, "%s", f->name);
    if (!rc) rc = ngi_segment_open(&f->seg, r->dir, NULL, &e, &scratch);
    if (!rc) rc = ngi_segment_check(f->seg, &scratch);
    if (rc == NG_ENOMEM) return nomem(r);
    if (rc) {
        ngi_segment_unref(f->seg);
        f->seg = NULL;
        set_aside(r, f->name);
    }
    return 0;
}

/* The index id most verified segments carry (ties: the newest). */
static int choose_origin(recovery *r) {
    size_t best = SIZE_MAX, best_votes = 0;
    for (size_t i = 0; i < r->n_segs; i++) {
        if (!r->segs[i].seg) continue;
        const uint8_t *id = ngi_segment_index_id(r->segs[i].seg);
        size_t votes = 0;
        for (size_t j = 0; j < r->n_segs; j++)
            votes += r->segs[j].seg && memcmp(ngi_segment_index_id(r->segs[j].seg), id,
                                              NGI_INDEX_ID_BYTES) == 0;
        if (votes >= best_votes) {
            best = i;
            best_votes = votes;
        }
    }
    if (best == SIZE_MAX)
        return ngi_error_set(r->err, NG_ECORRUPT,
                             "%s: no intact segment file to recover from", r->dir);
    r->origin = *ngi_segment_origin(r->segs[best].seg);
    for (size_t i = 0; i < r->n_segs; i++) {
        found_seg *f = &r->segs[i];
        if (!f->seg) continue;
        f->used = memcmp(ngi_segment_index_id(f->seg), r->origin.index_id,
                         NGI_INDEX_ID_BYTES) == 0;
        if (!f->used) r->rep->foreign++;
    }
    return 0;
}

static found_seg *seg_numbered(recovery *r, uint64_t no) {
    for (size_t i = 0; i < r->n_segs; i++)
        if (r->segs[i].used && r->segs[i].no == no) return &r->segs[i];
    return NULL;
}

/* A merge's inputs left behind by a crash before its cleanup: their
 * documents live on in the merge's output (or were deleted there). */
static void drop_merged_inputs(recovery *r) {
    for (size_t i = 0; i < r->n_segs; i++) {
        if (!r->segs[i].used) continue;
        size_t n;
        const uint8_t *src = ngi_segment_sources(r->segs[i].seg, &n);
        for (size_t k = 0; k < n; k++) {
            found_seg *f = seg_numbered(r, ngi_load_le64(src + 8 * k));
            if (f && f->no < r->segs[i].no) f->used = false;
        }
    }
}

/* Per segment, the newest deletes file of this index that verifies. */
static int choose_deletes(recovery *r) {
    for (size_t i = 0; i < r->n_dels; i++) {
        const char *name = r->dels[i];
        ngi_file_reader *fr;
        ngi_error scratch;
        int rc = ngi_file_reader_open(&fr, r->dir, name, NGI_FILE_DELETES, &scratch);
        if (rc == NG_ENOMEM) return nomem(r);
        if (rc) {
            set_aside(r, name);
            continue;
        }
        ngi_file_ident id = *ngi_file_reader_ident(fr);
        ngi_file_reader_close(fr);
        found_seg *f = seg_numbered(r, id.owner_no);
        if (!f || memcmp(id.index_id, r->origin.index_id, NGI_INDEX_ID_BYTES) != 0 ||
            id.file_no != ngi_file_number(name) ||
            (f->dels[0] && id.file_no < f->dels_no))
            continue; /* another index's, or superseded */
        uint8_t *bits;
        rc = ngi_deletes_read(r->dir, name, ngi_segment_n_docs(f->seg), &id, &bits,
                              &scratch);
        if (rc == NG_ENOMEM) return nomem(r);
        if (rc) {
            set_aside(r, name);
            continue;
        }
        ngi_free(f->bits);
        f->bits = bits;
        snprintf(f->dels, sizeof f->dels, "%.63s", name);
        f->dels_no = id.file_no;
    }
    return 0;
}

static bool bit(const uint8_t *b, uint32_t i) {
    return b && ((b[i >> 3] >> (i & 7)) & 1);
}

static int set_deleted(recovery *r, found_seg *f, uint32_t doc) {
    if (!f->bits) {
        size_t n = ((size_t)ngi_segment_n_docs(f->seg) + 7) / 8;
        if (!(f->bits = ngi_calloc(n + 1, 1))) return nomem(r);
    }
    f->bits[doc >> 3] |= (uint8_t)(1u << (doc & 7));
    f->changed = true;
    return 0;
}

/* The newest version of each id wins: newest segment first, and in a
 * segment the last document added. */
static int resolve_versions(recovery *r) {
    ngi_idmap seen;
    ngi_idmap_init(&seen);
    int rc = 0;
    for (size_t i = r->n_segs; i-- > 0 && !rc;) {
        found_seg *f = &r->segs[i];
        if (!f->used) continue;
        for (uint32_t doc = ngi_segment_n_docs(f->seg); doc-- > 0 && !rc;) {
            const char *id;
            size_t len;
            uint64_t seq;
            bool del;
            if ((rc = ngi_segment_doc_id(f->seg, doc, &id, &len, r->err))) break;
            if (!ngi_idmap_get(&seen, id, len, &seq, &del))
                rc = ngi_idmap_put(&seen, id, len, 1, false) ? nomem(r) : 0;
            else if (!bit(f->bits, doc))
                rc = set_deleted(r, f, doc);
        }
    }
    ngi_idmap_free(&seen);
    return rc;
}

static uint32_t count_bits(const uint8_t *b, uint32_t n) {
    uint32_t c = 0;
    for (uint32_t i = 0; i < n; i++) c += bit(b, i);
    return c;
}

/* The manifest entries: used segments with a live document, in number
 * order; changed bitmaps get new deletes files. */
static int build(recovery *r, ngi_manifest *m) {
    memcpy(m->index_id, r->origin.index_id, NGI_INDEX_ID_BYTES);
    m->settings = r->origin.settings;
    uint64_t next = r->max_no + 1;
    m->segments = ngi_calloc(r->n_segs + 1, sizeof *m->segments);
    if (!m->segments) return nomem(r);
    for (size_t i = 0; i < r->n_segs; i++) {
        found_seg *f = &r->segs[i];
        if (!f->used) continue;
        uint32_t n = ngi_segment_n_docs(f->seg);
        uint32_t dead = count_bits(f->bits, n);
        if (dead == n) continue; /* nothing live: superseded */
        ngi_segment_entry *e = &m->segments[m->n_segments++];
        snprintf(e->name, sizeof e->name, "%s", f->name);
        e->n_docs = n;
        e->n_deleted = dead;
        r->rep->segments++;
        r->rep->documents += n - dead;
        r->rep->deleted += dead;
        if (f->changed) {
            snprintf(f->dels, sizeof f->dels, "del_%06llu.ngd", (unsigned long long)next);
            ngi_file_ident id = {{0}, next++, f->no};
            memcpy(id.index_id, m->index_id, NGI_INDEX_ID_BYTES);
            int rc = ngi_deletes_write(r->dir, f->dels, f->bits, n, &id, r->err);
            if (rc) return rc;
        }
        snprintf(e->deletes, sizeof e->deletes, "%s", dead ? f->dels : "");
    }
    m->next_file = next;
    m->generation = NGI_MAX(r->max_gen, next) + 1;
    return 0;
}

static void recovery_free(recovery *r) {
    for (size_t i = 0; i < r->n_segs; i++) {
        ngi_segment_unref(r->segs[i].seg);
        ngi_free(r->segs[i].bits);
    }
    ngi_free(r->segs);
    ngi_free(r->dels);
}

int ngi_recover_manifest(const char *dir, ngi_manifest *m, ng_recover_report *rep,
                         ngi_error *err) {
    recovery r;
    memset(&r, 0, sizeof r);
    r.dir = dir;
    r.err = err;
    r.rep = rep;
    ngi_manifest old;
    ngi_error scratch;
    if (ngi_manifest_read(dir, &old, &scratch) == 0) /* damaged files */
        r.max_gen = old.generation;
    ngi_manifest_free(&old);
    int rc = scan(&r);
    if (!rc) qsort(r.segs, r.n_segs, sizeof *r.segs, by_number);
    for (size_t i = 0; i < r.n_segs && !rc; i++) rc = open_verified(&r, &r.segs[i]);
    if (!rc) rc = choose_origin(&r);
    if (!rc) drop_merged_inputs(&r);
    if (!rc) rc = choose_deletes(&r);
    if (!rc) rc = resolve_versions(&r);
    if (!rc) rc = build(&r, m);
    if (!rc) rc = ngi_manifest_commit(dir, m, err);
    recovery_free(&r);
    return rc;
}
