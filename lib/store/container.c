/*
 * container.c — the sectioned file every index file is: a 16-byte header,
 * sections written one after another (each 8-byte aligned), a section
 * table and a 40-byte trailer with XXH3-64 checksums. The writer streams
 * through a buffer; the reader mmaps and validates only header, trailer and
 * table at open. Byte grammar: lib/FORMAT.md.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/hash.h"
#include "common/le.h"
#include "store/fileio.h"
#include "store/store.h"

#define HEADER_BYTES    48 /* format 3: 16 + index id + file no + owner */
#define HEADER_V2_BYTES 16 /* enough to read an older file's version */
#define ENTRY_BYTES     32
#define TRAILER_BYTES   40
#define SECTION_ALIGN   8
#define MAX_SECTIONS    1024 /* sane limit checked at open */
#define WRITE_BUF_BYTES (256 * 1024)

static const char file_magic[4] = {'N', 'G', 'R', 'P'};
static const char tail_magic[8] = {'N', 'G', 'R', 'P', 'E', 'N', 'D', '1'};

typedef struct section_entry {
    uint32_t tag;      /* four ASCII bytes */
    uint64_t offset;   /* from the start of the file */
    uint64_t length;   /* bytes */
    uint64_t checksum; /* XXH3-64 of the section bytes */
} section_entry;

/* ---- writer ----------------------------------------------------------- */

struct ngi_file_writer {
    int fd;                       /* open for writing, -1 after close */
    int status;                   /* 0 or the sticky NG_E* code */
    ngi_error *err;               /* caller's error detail (outlives us) */
    char path[4096];              /* dir/name, for messages and abort */
    uint8_t *wbuf;                /* write buffer of WRITE_BUF_BYTES */
    size_t wlen;                  /* bytes pending in wbuf */
    uint64_t offset;              /* bytes of the file so far (incl. wbuf) */
    int in_section;               /* between begin and end */
    bool skip_sync;               /* ngi_file_writer_skip_sync */
    section_entry *sections;      /* table being built */
    size_t n_sections;            /* finished sections */
    size_t cap_sections;          /* allocated entries */
    void *state_mem;              /* raw allocation holding the states */
    ngi_checksum_state *file_cs;  /* whole file (64-byte aligned) */
    ngi_checksum_state *sect_cs;  /* current section (64-byte aligned) */
    ngi_checksum_state *chunk_cs; /* current piece of a chunked section */
    ngi_buf *chunk_sums;          /* where a chunked section's sums go */
    size_t chunk_fill;            /* bytes of the current piece so far */
};

/* XXH3 states need 64-byte alignment, more than malloc promises. */
static int alloc_states(ngi_file_writer *w) {
    size_t one = (sizeof(ngi_checksum_state) + 63) & ~(size_t)63;
    w->state_mem = ngi_malloc(3 * one + 64);
    if (!w->state_mem) return NG_ENOMEM;
    uintptr_t p = ((uintptr_t)w->state_mem + 63) & ~(uintptr_t)63;
    w->file_cs = (ngi_checksum_state *)p;
    w->sect_cs = (ngi_checksum_state *)(p + one);
    w->chunk_cs = (ngi_checksum_state *)(p + 2 * one);
    ngi_checksum_init(w->file_cs);
    return 0;
}

static void writer_free(ngi_file_writer *w) {
    if (w->fd >= 0) close(w->fd);
    ngi_free(w->wbuf);
    ngi_free(w->sections);
    ngi_free(w->state_mem);
    ngi_free(w);
}

static int fail(ngi_file_writer *w, int code) {
    if (!w->status) w->status = code;
    return code;
}

static int flush_buf(ngi_file_writer *w) {
    if (w->wlen == 0) return 0;
    if (ngi_io_write_all(w->fd, w->wbuf, w->wlen) < 0)
        return fail(w, ngi_io_error(w->err, "write", w->path));
    w->wlen = 0;
    return 0;
}

/* Appends bytes to the file (through the buffer) and the file checksum. */
static int put(ngi_file_writer *w, const void *data, size_t len) {
    ngi_checksum_update(w->file_cs, data, len);
    w->offset += len;
    if (w->wlen + len <= WRITE_BUF_BYTES) {
        if (len) memcpy(w->wbuf + w->wlen, data, len);
        w->wlen += len;
        return 0;
    }
    int rc = flush_buf(w);
    if (rc) return rc;
    if (len >= WRITE_BUF_BYTES) { /* large piece: skip the copy */
        if (ngi_io_write_all(w->fd, data, len) < 0)
            return fail(w, ngi_io_error(w->err, "write", w->path));
        return 0;
    }
    memcpy(w->wbuf, data, len);
    w->wlen = len;
    return 0;
}

int ngi_file_writer_create(ngi_file_writer **out, const char *dir, const char *name,
                           int kind, const ngi_file_ident *id, ngi_error *err) {
    *out = NULL;
    ngi_file_writer *w = ngi_calloc(1, sizeof *w);
    if (!w) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    w->fd = -1;
    w->err = err;
    if (ngi_path_join(w->path, sizeof w->path, dir, name)) {
        writer_free(w);
        return ngi_error_set(err, NG_ELIMIT, "path too long: %s", name);
    }
    w->wbuf = ngi_malloc(WRITE_BUF_BYTES);
    if (!w->wbuf || alloc_states(w)) {
        writer_free(w);
        return ngi_error_set(err, NG_ENOMEM, "out of memory");
    }
    w->fd = ngi_io_open(w->path, O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (w->fd < 0) {
        int rc = ngi_io_error(err, "create", w->path);
        writer_free(w);
        return rc;
    }
    uint8_t h[HEADER_BYTES] = {0};
    memcpy(h, file_magic, 4);
    ngi_store_le32(h + 4, (uint32_t)kind);
    ngi_store_le32(h + 8, NGI_FORMAT_VERSION);
    if (id) {
        memcpy(h + 16, id->index_id, NGI_INDEX_ID_BYTES);
        ngi_store_le64(h + 32, id->file_no);
        ngi_store_le64(h + 40, id->owner_no);
    }
    put(w, h, sizeof h); /* fits in the empty buffer: cannot fail */
    *out = w;
    return 0;
}

int ngi_file_writer_begin(ngi_file_writer *w, uint32_t tag) {
    if (w->status) return w->status;
    if (w->in_section)
        return fail(w,
                    ngi_error_set(w->err, NG_EINVAL, "%s: section begun twice", w->path));
    if (w->n_sections == MAX_SECTIONS)
        return fail(w,
                    ngi_error_set(w->err, NG_ELIMIT, "%s: too many sections", w->path));
    static const uint8_t zeros[SECTION_ALIGN] = {0};
    size_t pad = (size_t)(-w->offset & (SECTION_ALIGN - 1));
    int rc = put(w, zeros, pad);
    if (rc) return rc;
    if (w->n_sections == w->cap_sections) {
        size_t cap = w->cap_sections ? 2 * w->cap_sections : 8;
        section_entry *s = ngi_realloc(w->sections, cap * sizeof *s);
        if (!s) return fail(w, ngi_error_set(w->err, NG_ENOMEM, "out of memory"));
        w->sections = s;
        w->cap_sections = cap;
    }
    section_entry *e = &w->sections[w->n_sections];
    e->tag = tag;
    e->offset = w->offset;
    e->length = 0;
    ngi_checksum_init(w->sect_cs);
    w->in_section = 1;
    return 0;
}

/* Closes the current piece of a chunked section: its sum goes out. */
static int chunk_close(ngi_file_writer *w) {
    uint8_t b[8];
    ngi_store_le64(b, ngi_checksum_final(w->chunk_cs));
    ngi_checksum_init(w->chunk_cs);
    w->chunk_fill = 0;
    if (ngi_buf_append(w->chunk_sums, b, sizeof b))
        return fail(w, ngi_error_set(w->err, NG_ENOMEM, "out of memory"));
    return 0;
}

static int chunk_update(ngi_file_writer *w, const uint8_t *p, size_t len) {
    while (len > 0) {
        size_t n = NGI_MIN(len, (size_t)NGI_CHUNK_BYTES - w->chunk_fill);
        ngi_checksum_update(w->chunk_cs, p, n);
        w->chunk_fill += n;
        p += n;
        len -= n;
        if (w->chunk_fill == NGI_CHUNK_BYTES) {
            int rc = chunk_close(w);
            if (rc) return rc;
        }
    }
    return 0;
}

int ngi_file_writer_begin_chunked(ngi_file_writer *w, uint32_t tag, ngi_buf *sums) {
    int rc = ngi_file_writer_begin(w, tag);
    if (rc) return rc;
    ngi_checksum_init(w->chunk_cs);
    w->chunk_fill = 0;
    w->chunk_sums = sums;
    return 0;
}

int ngi_file_writer_append(ngi_file_writer *w, const void *data, size_t len) {
    if (w->status) return w->status;
    if (!w->in_section)
        return fail(
            w, ngi_error_set(w->err, NG_EINVAL, "%s: append outside a section", w->path));
    if (w->chunk_sums) {
        int rc = chunk_update(w, data, len);
        if (rc) return rc;
    }
    ngi_checksum_update(w->sect_cs, data, len);
    w->sections[w->n_sections].length += len;
    return put(w, data, len);
}

int ngi_file_writer_end(ngi_file_writer *w) {
    if (w->status) return w->status;
    if (!w->in_section)
        return fail(w,
                    ngi_error_set(w->err, NG_EINVAL, "%s: end without begin", w->path));
    if (w->chunk_sums) { /* the last, partial piece */
        int rc = w->chunk_fill ? chunk_close(w) : 0;
        w->chunk_sums = NULL;
        if (rc) return rc;
    }
    w->sections[w->n_sections].checksum = ngi_checksum_final(w->sect_cs);
    w->n_sections++;
    w->in_section = 0;
    return 0;
}

int ngi_file_writer_section(ngi_file_writer *w, uint32_t tag, const void *data,
                            size_t len) {
    int rc = ngi_file_writer_begin(w, tag);
    if (!rc) rc = ngi_file_writer_append(w, data, len);
    if (!rc) rc = ngi_file_writer_end(w);
    return rc;
}

static int put_table(ngi_file_writer *w, uint64_t *table_cs) {
    ngi_checksum_state *cs = w->sect_cs; /* reused for the table */
    ngi_checksum_init(cs);
    for (size_t i = 0; i < w->n_sections; i++) {
        uint8_t e[ENTRY_BYTES] = {0};
        ngi_store_le32(e, w->sections[i].tag);
        ngi_store_le64(e + 8, w->sections[i].offset);
        ngi_store_le64(e + 16, w->sections[i].length);
        ngi_store_le64(e + 24, w->sections[i].checksum);
        ngi_checksum_update(cs, e, sizeof e);
        int rc = put(w, e, sizeof e);
        if (rc) return rc;
    }
    *table_cs = ngi_checksum_final(cs);
    return 0;
}

static int put_trailer(ngi_file_writer *w, uint64_t table_off, uint64_t table_cs) {
    uint8_t t[TRAILER_BYTES] = {0};
    ngi_store_le64(t, table_off);
    ngi_store_le32(t + 8, (uint32_t)w->n_sections);
    ngi_store_le64(t + 16, table_cs);
    int rc = put(w, t, 24);
    if (rc) return rc;
    /* The file checksum covers every byte before itself. */
    ngi_store_le64(t + 24, ngi_checksum_final(w->file_cs));
    memcpy(t + 32, tail_magic, 8);
    return put(w, t + 24, 16);
}

void ngi_file_writer_skip_sync(ngi_file_writer *w) {
    w->skip_sync = true;
}

int ngi_file_writer_finish(ngi_file_writer *w, uint64_t *bytes) {
    int rc = w->status;
    if (!rc && w->in_section)
        rc = ngi_error_set(w->err, NG_EINVAL, "%s: section not ended", w->path);
    uint64_t table_off = w->offset, table_cs = 0;
    if (!rc) rc = put_table(w, &table_cs);
    if (!rc) rc = put_trailer(w, table_off, table_cs);
    if (!rc) rc = flush_buf(w);
    if (!rc && !w->skip_sync && ngi_io_fsync(w->fd) < 0)
        rc = ngi_io_error(w->err, "fsync", w->path);
    if (!rc) {
        int fd = w->fd;
        w->fd = -1;
        if (ngi_io_close(fd) < 0) rc = ngi_io_error(w->err, "close", w->path);
    }
    if (rc) {
        ngi_file_writer_abort(w);
        return rc;
    }
    if (bytes) *bytes = w->offset;
    writer_free(w);
    return 0;
}

void ngi_file_writer_abort(ngi_file_writer *w) {
    if (!w) return;
    if (w->fd >= 0) close(w->fd);
    w->fd = -1;
    ngi_io_unlink(w->path);
    writer_free(w);
}

/* ---- reader ----------------------------------------------------------- */

struct ngi_file_reader {
    const uint8_t *map;      /* the whole file, read-only */
    uint64_t size;           /* bytes */
    section_entry *sections; /* parsed table, in file order */
    size_t n_sections;       /* entries in sections */
    uint64_t file_checksum;  /* from the trailer */
    ngi_file_ident ident;    /* from the header */
    char name[256];          /* file name (no dir), for messages */
};

static const char *kind_name(uint32_t kind) {
    switch (kind) {
    case NGI_FILE_SEGMENT: return "segment";
    case NGI_FILE_DELETES: return "deletes";
    case NGI_FILE_MANIFEST: return "manifest";
    }
    return "unknown";
}

static void tag_text(uint32_t tag, char out[5]) {
    for (int i = 0; i < 4; i++) {
        char c = (char)(tag >> (8 * i));
        out[i] = (c >= 32 && c < 127) ? c : '?';
    }
    out[4] = '\0';
}

static int corrupt(const ngi_file_reader *r, ngi_error *err, const char *why) {
    return ngi_error_set(err, NG_ECORRUPT, "%s: %s", r->name, why);
}

static int check_header(ngi_file_reader *r, int kind, ngi_error *err) {
    const uint8_t *h = r->map;
    if (memcmp(h, file_magic, 4) != 0)
        return corrupt(r, err, "not a newsgrep index file (bad magic)");
    uint32_t version = ngi_load_le32(h + 8);
    if (version > NGI_FORMAT_VERSION)
        return ngi_error_set(err, NG_EVERSION,
                             "%s: format version %u, newer than this library reads "
                             "(%u to %u): use a newer newsgrep",
                             r->name, version, NGI_FORMAT_VERSION_MIN_READ,
                             NGI_FORMAT_VERSION);
    if (version < NGI_FORMAT_VERSION_MIN_READ)
        return ngi_error_set(err, NG_EVERSION,
                             "%s: format version %u, this library reads %u to %u "
                             "(rebuild the index from its sources with "
                             "this version)",
                             r->name, version, NGI_FORMAT_VERSION_MIN_READ,
                             NGI_FORMAT_VERSION);
    if (r->size < HEADER_BYTES + TRAILER_BYTES)
        return ngi_error_set(err, NG_ECORRUPT, "%s: truncated (%llu bytes, too short)",
                             r->name, (unsigned long long)r->size);
    memcpy(r->ident.index_id, h + 16, NGI_INDEX_ID_BYTES);
    r->ident.file_no = ngi_load_le64(h + 32);
    r->ident.owner_no = ngi_load_le64(h + 40);
    uint32_t k = ngi_load_le32(h + 4);
    if (k != (uint32_t)kind)
        return ngi_error_set(err, NG_ECORRUPT, "%s: a %s file, expected %s", r->name,
                             kind_name(k), kind_name((uint32_t)kind));
    if (ngi_load_le32(h + 12) != 0) return corrupt(r, err, "bad header (reserved bytes)");
    return 0;
}

static int parse_entry(ngi_file_reader *r, size_t i, uint64_t *prev_end,
                       uint64_t table_off, ngi_error *err) {
    const uint8_t *e = r->map + table_off + i * ENTRY_BYTES;
    section_entry *s = &r->sections[i];
    s->tag = ngi_load_le32(e);
    s->offset = ngi_load_le64(e + 8);
    s->length = ngi_load_le64(e + 16);
    s->checksum = ngi_load_le64(e + 24);
    if (ngi_load_le32(e + 4) != 0) return corrupt(r, err, "bad section entry");
    if (s->offset < *prev_end || s->offset > table_off ||
        s->length > table_off - s->offset)
        return corrupt(r, err, "section out of bounds or overlapping");
    for (size_t j = 0; j < i; j++)
        if (r->sections[j].tag == s->tag) return corrupt(r, err, "duplicate section");
    *prev_end = s->offset + s->length;
    return 0;
}

static int check_footer(ngi_file_reader *r, ngi_error *err) {
    const uint8_t *t = r->map + r->size - TRAILER_BYTES;
    if (memcmp(t + 32, tail_magic, 8) != 0)
        return corrupt(r, err, "truncated or damaged (no footer magic)");
    uint64_t table_off = ngi_load_le64(t);
    uint32_t n = ngi_load_le32(t + 8);
    if (ngi_load_le32(t + 12) != 0) return corrupt(r, err, "bad footer");
    if (n > MAX_SECTIONS) return corrupt(r, err, "too many sections");
    r->file_checksum = ngi_load_le64(t + 24);
    uint64_t table_end = r->size - TRAILER_BYTES;
    if (table_off < HEADER_BYTES || table_off > table_end ||
        table_end - table_off != (uint64_t)n * ENTRY_BYTES)
        return corrupt(r, err, "section table out of bounds");
    if (ngi_hash64(r->map + table_off, (size_t)n * ENTRY_BYTES) != ngi_load_le64(t + 16))
        return corrupt(r, err, "section table checksum mismatch");
    r->sections = ngi_calloc(n ? n : 1, sizeof *r->sections);
    if (!r->sections) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    r->n_sections = n;
    uint64_t prev_end = HEADER_BYTES;
    for (size_t i = 0; i < n; i++) {
        int rc = parse_entry(r, i, &prev_end, table_off, err);
        if (rc) return rc;
    }
    return 0;
}

/* Opens and maps the file; fills r->map and r->size. */
static int map_file(ngi_file_reader *r, const char *path, ngi_error *err) {
    int fd;
    do { fd = open(path, O_RDONLY | O_CLOEXEC); } while (fd < 0 && errno == EINTR);
    if (fd < 0) {
        if (errno == ENOENT)
            return ngi_error_set(err, NG_ENOTFOUND, "%s: no such file", path);
        return ngi_io_error(err, "open", path);
    }
    struct stat st;
    if (fstat(fd, &st) < 0) {
        int rc = ngi_io_error(err, "stat", path);
        close(fd);
        return rc;
    }
    r->size = (uint64_t)st.st_size;
    if (r->size < HEADER_V2_BYTES || r->size > SIZE_MAX) {
        close(fd);
        return ngi_error_set(err, NG_ECORRUPT, "%s: truncated (%llu bytes, too short)",
                             r->name, (unsigned long long)r->size);
    }
    void *m = mmap(NULL, (size_t)r->size, PROT_READ, MAP_SHARED, fd, 0);
    close(fd); /* the mapping keeps the file alive */
    if (m == MAP_FAILED) return ngi_io_error(err, "mmap", path);
    r->map = m;
    return 0;
}

static void copy_name(char *dst, size_t cap, const char *name) {
    size_t n = strlen(name);
    if (n >= cap) n = cap - 1;
    memcpy(dst, name, n);
    dst[n] = '\0';
}

int ngi_file_reader_open(ngi_file_reader **out, const char *dir, const char *name,
                         int kind, ngi_error *err) {
    *out = NULL;
    char path[4096];
    if (ngi_path_join(path, sizeof path, dir, name))
        return ngi_error_set(err, NG_ELIMIT, "path too long: %s", name);
    ngi_file_reader *r = ngi_calloc(1, sizeof *r);
    if (!r) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    copy_name(r->name, sizeof r->name, name);
    int rc = map_file(r, path, err);
    if (!rc) rc = check_header(r, kind, err);
    if (!rc) rc = check_footer(r, err);
    if (rc) {
        ngi_file_reader_close(r);
        return rc;
    }
    *out = r;
    return 0;
}

void ngi_file_reader_close(ngi_file_reader *r) {
    if (!r) return;
    if (r->map) munmap((void *)r->map, (size_t)r->size);
    ngi_free(r->sections);
    ngi_free(r);
}

int ngi_file_reader_section(const ngi_file_reader *r, uint32_t tag, const uint8_t **data,
                            size_t *len, ngi_error *err) {
    for (size_t i = 0; i < r->n_sections; i++) {
        if (r->sections[i].tag != tag) continue;
        *data = r->map + r->sections[i].offset;
        *len = (size_t)r->sections[i].length;
        return 0;
    }
    char t[5];
    tag_text(tag, t);
    *data = NULL;
    *len = 0;
    return ngi_error_set(err, NG_ECORRUPT, "%s: section %s missing", r->name, t);
}

bool ngi_file_reader_has(const ngi_file_reader *r, uint32_t tag) {
    for (size_t i = 0; i < r->n_sections; i++)
        if (r->sections[i].tag == tag) return true;
    return false;
}

int ngi_file_reader_verify(const ngi_file_reader *r, ngi_error *err) {
    for (size_t i = 0; i < r->n_sections; i++) {
        const section_entry *s = &r->sections[i];
        if (ngi_hash64(r->map + s->offset, (size_t)s->length) == s->checksum) continue;
        char t[5];
        tag_text(s->tag, t);
        return ngi_error_set(err, NG_ECORRUPT, "%s: section %s checksum mismatch",
                             r->name, t);
    }
    if (ngi_hash64(r->map, (size_t)r->size - 16) != r->file_checksum)
        return corrupt(r, err, "file checksum mismatch");
    return 0;
}

uint64_t ngi_file_reader_size(const ngi_file_reader *r) {
    return r->size;
}

const char *ngi_file_reader_name(const ngi_file_reader *r) {
    return r->name;
}

int ngi_file_reader_verify_section(const ngi_file_reader *r, uint32_t tag,
                                   ngi_error *err) {
    char t[5];
    tag_text(tag, t);
    for (size_t i = 0; i < r->n_sections; i++) {
        const section_entry *s = &r->sections[i];
        if (s->tag != tag) continue;
        if (ngi_hash64(r->map + s->offset, (size_t)s->length) == s->checksum) return 0;
        return ngi_error_set(err, NG_ECORRUPT, "%s: section %s checksum mismatch",
                             r->name, t);
    }
    return ngi_error_set(err, NG_ECORRUPT, "%s: section %s missing", r->name, t);
}

const ngi_file_ident *ngi_file_reader_ident(const ngi_file_reader *r) {
    return &r->ident;
}

int ngi_file_reader_check_ident(const ngi_file_reader *r, const ngi_file_ident *want,
                                ngi_error *err) {
    const ngi_file_ident *h = &r->ident;
    if (memcmp(h->index_id, want->index_id, NGI_INDEX_ID_BYTES) != 0)
        return corrupt(r, err,
                       "belongs to another index (index id differs "
                       "from the manifest's)");
    if (h->file_no != want->file_no || h->owner_no != want->owner_no) {
        char why[160];
        snprintf(why, sizeof why,
                 "written as file %llu of segment %llu, but the manifest "
                 "expects file %llu of segment %llu (a file copied or "
                 "renamed in)",
                 (unsigned long long)h->file_no, (unsigned long long)h->owner_no,
                 (unsigned long long)want->file_no, (unsigned long long)want->owner_no);
        return corrupt(r, err, why);
    }
    return 0;
}

/* ---- file identity ---------------------------------------------------- */

uint64_t ngi_file_number(const char *name) {
    const char *u = strchr(name, '_');
    if (!u || u[1] < '0' || u[1] > '9') return 0;
    char *end;
    unsigned long long v = strtoull(u + 1, &end, 10);
    return *end == '.' ? (uint64_t)v : 0;
}

void ngi_index_id_text(const uint8_t id[NGI_INDEX_ID_BYTES], char out[33]) {
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < NGI_INDEX_ID_BYTES; i++) {
        out[2 * i] = hex[id[i] >> 4];
        out[2 * i + 1] = hex[id[i] & 15];
    }
    out[32] = '\0';
}

/* ---- chunk sums --------------------------------------------------------- */

int ngi_chunked_init(ngi_chunked *c, const uint8_t *data, size_t len, const uint8_t *sums,
                     uint64_t n_sums) {
    memset(c, 0, sizeof *c);
    uint64_t want = ((uint64_t)len + NGI_CHUNK_BYTES - 1) / NGI_CHUNK_BYTES;
    if (n_sums != want) return NG_ECORRUPT;
    size_t words = (size_t)(want + 63) / 64;
    c->done = ngi_calloc(words ? words : 1, sizeof(atomic_uint_fast64_t));
    if (!c->done) return NG_ENOMEM;
    atomic_uint_fast64_t *d = c->done;
    for (size_t i = 0; i < words; i++) atomic_init(&d[i], 0);
    c->data = data;
    c->len = len;
    c->sums = sums;
    return 0;
}

void ngi_chunked_free(ngi_chunked *c) {
    if (!c) return;
    ngi_free(c->done);
    c->done = NULL;
}

int ngi_chunked_verify(const ngi_chunked *c, uint64_t off, uint64_t len) {
    if (!c->done) return 0; /* no sums: nothing to verify against */
    if (off > c->len || len > c->len - off) return -1;
    if (len == 0) return 0;
    atomic_uint_fast64_t *d = c->done;
    uint64_t first = off / NGI_CHUNK_BYTES;
    uint64_t last = (off + len - 1) / NGI_CHUNK_BYTES;
    for (uint64_t k = first; k <= last; k++) {
        uint_fast64_t word = atomic_load_explicit(&d[k / 64], memory_order_acquire);
        if (word == UINT_FAST64_MAX && k % 64 == 0 && k + 63 <= last) {
            k += 63; /* 64 pieces verified before */
            continue;
        }
        uint_fast64_t bit = (uint_fast64_t)1 << (k % 64);
        if (word & bit) continue;
        size_t start = (size_t)k * NGI_CHUNK_BYTES;
        size_t n = NGI_MIN((size_t)NGI_CHUNK_BYTES, c->len - start);
        if (ngi_hash64(c->data + start, n) != ngi_load_le64(c->sums + 8 * k)) return -1;
        atomic_fetch_or_explicit(&d[k / 64], bit, memory_order_release);
    }
    return 0;
}
