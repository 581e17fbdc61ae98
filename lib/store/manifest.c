/*
 * manifest.c — the manifest (generation, file counter, settings, live
 * segments) as a small container file, its atomic commit, removal of files
 * no manifest references, and the deletion bitmap files.
 * Byte grammar: lib/FORMAT.md.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "common/buf.h"
#include "common/le.h"
#include "store/fileio.h"
#include "store/store.h"

#define TAG_MANIFEST      NGI_TAG('M', 'A', 'N', 'I')
#define TAG_DELETES       NGI_TAG('D', 'E', 'L', 'S')
#define MANI_FIXED        80 /* bytes before the segments */
#define MANI_ENTRY        (2 * NGI_SEGMENT_NAME_MAX + 8)
#define MANI_MAX_SEGMENTS (1u << 20) /* sane limit checked on read */
#define TMP_PREFIX        NGI_MANIFEST_NAME ".tmp."

void ngi_manifest_init(ngi_manifest *m) {
    memset(m, 0, sizeof *m);
}

void ngi_manifest_free(ngi_manifest *m) {
    if (!m) return;
    ngi_free(m->segments);
    ngi_manifest_init(m);
}

int ngi_manifest_copy(ngi_manifest *dst, const ngi_manifest *src) {
    ngi_segment_entry *s = NULL;
    if (src->n_segments) {
        s = ngi_malloc(src->n_segments * sizeof *s);
        if (!s) return NG_ENOMEM;
        memcpy(s, src->segments, src->n_segments * sizeof *s);
    }
    *dst = *src;
    dst->segments = s;
    return 0;
}

/* ---- serialisation ---------------------------------------------------- */

static uint64_t double_bits(double d) {
    uint64_t u;
    memcpy(&u, &d, sizeof u);
    return u;
}

static double bits_double(uint64_t u) {
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

/* Copies a fixed-size, NUL-padded name field. */
static void put_name(uint8_t *p, size_t cap, const char *s) {
    memset(p, 0, cap);
    size_t n = strnlen(s, cap - 1);
    memcpy(p, s, n);
}

static int encode(const ngi_manifest *m, ngi_buf *b) {
    size_t n = MANI_FIXED + m->n_segments * MANI_ENTRY;
    if (ngi_buf_reserve(b, n)) return NG_ENOMEM;
    uint8_t *p = b->data;
    memset(p, 0, MANI_FIXED);
    ngi_store_le64(p, m->generation);
    ngi_store_le64(p + 8, m->next_file);
    put_name(p + 16, 32, m->settings.language);
    ngi_store_le32(p + 48, m->settings.analyzer_flags);
    ngi_store_le64(p + 56, double_bits(m->settings.k1));
    ngi_store_le64(p + 64, double_bits(m->settings.b));
    ngi_store_le32(p + 72, (uint32_t)m->n_segments);
    for (size_t i = 0; i < m->n_segments; i++) {
        uint8_t *e = p + MANI_FIXED + i * MANI_ENTRY;
        const ngi_segment_entry *s = &m->segments[i];
        put_name(e, NGI_SEGMENT_NAME_MAX, s->name);
        put_name(e + NGI_SEGMENT_NAME_MAX, NGI_SEGMENT_NAME_MAX, s->deletes);
        ngi_store_le32(e + 2 * NGI_SEGMENT_NAME_MAX, s->n_docs);
        ngi_store_le32(e + 2 * NGI_SEGMENT_NAME_MAX + 4, s->n_deleted);
    }
    b->len = n;
    return 0;
}

/* A stored name: NUL-terminated inside its field, no '/', no "..". */
static int name_ok(const uint8_t *p, size_t cap, char *out, int may_be_empty) {
    size_t n = strnlen((const char *)p, cap);
    if (n == cap || (n == 0 && !may_be_empty)) return 0;
    memcpy(out, p, n);
    out[n] = '\0';
    return !strchr(out, '/') && strcmp(out, "..") != 0 && strcmp(out, ".");
}

static int decode_segment(const uint8_t *e, ngi_segment_entry *s) {
    if (!name_ok(e, NGI_SEGMENT_NAME_MAX, s->name, 0) ||
        !name_ok(e + NGI_SEGMENT_NAME_MAX, NGI_SEGMENT_NAME_MAX, s->deletes, 1))
        return -1;
    s->n_docs = ngi_load_le32(e + 2 * NGI_SEGMENT_NAME_MAX);
    s->n_deleted = ngi_load_le32(e + 2 * NGI_SEGMENT_NAME_MAX + 4);
    return s->n_deleted <= s->n_docs ? 0 : -1;
}

static int decode(const uint8_t *p, size_t len, ngi_manifest *m) {
    if (len < MANI_FIXED) return NG_ECORRUPT;
    m->generation = ngi_load_le64(p);
    m->next_file = ngi_load_le64(p + 8);
    if (!name_ok(p + 16, 32, m->settings.language, 1)) return NG_ECORRUPT;
    m->settings.analyzer_flags = ngi_load_le32(p + 48);
    m->settings.k1 = bits_double(ngi_load_le64(p + 56));
    m->settings.b = bits_double(ngi_load_le64(p + 64));
    uint32_t n = ngi_load_le32(p + 72);
    if (n > MANI_MAX_SEGMENTS || len - MANI_FIXED != (size_t)n * MANI_ENTRY)
        return NG_ECORRUPT;
    if (n && !(m->segments = ngi_calloc(n, sizeof *m->segments))) return NG_ENOMEM;
    m->n_segments = n;
    for (size_t i = 0; i < n; i++)
        if (decode_segment(p + MANI_FIXED + i * MANI_ENTRY, &m->segments[i]))
            return NG_ECORRUPT;
    return 0;
}

/* ---- read and commit -------------------------------------------------- */

int ngi_manifest_read(const char *dir, ngi_manifest *m, ngi_error *err) {
    ngi_manifest_init(m);
    ngi_file_reader *r;
    int rc = ngi_file_reader_open(&r, dir, NGI_MANIFEST_NAME, NGI_FILE_MANIFEST, err);
    if (rc == NG_ENOTFOUND) {
        /* Index files without a manifest are not "no index": treating
         * them so would let a writer start afresh over them. */
        if ((rc = ngi_store_check_orphans(dir, err))) return rc;
        return ngi_error_set(err, NG_ENOINDEX, "%s: no index here (no %s)", dir,
                             NGI_MANIFEST_NAME);
    }
    if (rc) return rc;
    const uint8_t *p;
    size_t len;
    /* The manifest is small: verify its checksums on every read. */
    rc = ngi_file_reader_verify(r, err);
    if (!rc) rc = ngi_file_reader_section(r, TAG_MANIFEST, &p, &len, err);
    if (!rc) {
        rc = decode(p, len, m);
        if (!rc && ngi_file_reader_ident(r)->file_no != m->generation)
            rc = NG_ECORRUPT; /* header and contents disagree */
        if (rc == NG_ENOMEM)
            ngi_error_set(err, rc, "out of memory");
        else if (rc)
            rc = ngi_error_set(err, NG_ECORRUPT, "%s: bad manifest contents",
                               NGI_MANIFEST_NAME);
        memcpy(m->index_id, ngi_file_reader_ident(r)->index_id, NGI_INDEX_ID_BYTES);
    }
    ngi_file_reader_close(r);
    if (rc) ngi_manifest_free(m);
    return rc;
}

/* Writes m to dir/tmp as a complete container file, fsynced when sync. */
static int write_tmp(const char *dir, const char *tmp, const ngi_manifest *m, bool sync,
                     ngi_error *err) {
    ngi_buf b = NGI_BUF_INIT;
    if (encode(m, &b)) return ngi_error_set(err, NG_ENOMEM, "out of memory");
    ngi_file_writer *w;
    ngi_file_ident id = {{0}, m->generation, 0};
    memcpy(id.index_id, m->index_id, NGI_INDEX_ID_BYTES);
    int rc = ngi_file_writer_create(&w, dir, tmp, NGI_FILE_MANIFEST, &id, err);
    if (!rc) {
        rc = ngi_file_writer_section(w, TAG_MANIFEST, b.data, b.len);
        if (!sync) ngi_file_writer_skip_sync(w);
        if (rc)
            ngi_file_writer_abort(w);
        else
            rc = ngi_file_writer_finish(w, NULL); /* fsyncs the file */
    }
    ngi_buf_free(&b);
    return rc;
}

int ngi_manifest_commit(const char *dir, const ngi_manifest *m, ngi_error *err) {
    return ngi_manifest_commit_sync(dir, m, true, err);
}

int ngi_manifest_commit_sync(const char *dir, const ngi_manifest *m, bool sync,
                             ngi_error *err) {
    char tmp[64], tmp_path[4096], path[4096];
    snprintf(tmp, sizeof tmp, TMP_PREFIX "%" PRIu64, m->generation);
    if (ngi_path_join(tmp_path, sizeof tmp_path, dir, tmp) ||
        ngi_path_join(path, sizeof path, dir, NGI_MANIFEST_NAME))
        return ngi_error_set(err, NG_ELIMIT, "path too long: %s", dir);
    /* We hold the writer lock, so a temp file of this name is debris of a
     * crashed commit; remove it or O_EXCL would refuse to create it. */
    ngi_io_unlink(tmp_path);
    /* 1. The new manifest, complete and fsynced, under a name no reader
     *    opens. A crash here leaves only a stale temp file. */
    int rc = write_tmp(dir, tmp, m, sync, err);
    if (rc) return rc;
    /* 2. fsync the directory: the names of the new segment and deletes
     *    files (written and fsynced by the caller) must be durable before
     *    a manifest naming them can be. */
    if (sync) rc = ngi_fsync_dir(dir, err);
    /* 3. rename is atomic: MANIFEST is the old or the new file, never a
     *    mix. This is the instant the commit becomes visible. */
    if (!rc && ngi_io_rename(tmp_path, path) < 0)
        rc = ngi_io_error(err, "rename", tmp_path);
    if (rc) {
        ngi_io_unlink(tmp_path);
        return rc;
    }
    /* 4. fsync the directory again so the rename survives a power cut;
     *    before it completes a crash may bring back the old manifest, which
     *    is still a whole, consistent index. */
    return sync ? ngi_fsync_dir(dir, err) : 0;
}

/* ---- removal of unreferenced files ------------------------------------ */

static int has_affixes(const char *s, const char *prefix, const char *suffix) {
    size_t n = strlen(s), p = strlen(prefix), q = strlen(suffix);
    return n >= p + q && strncmp(s, prefix, p) == 0 && strcmp(s + n - q, suffix) == 0;
}

static int referenced(const ngi_manifest *m, const char *name) {
    for (size_t i = 0; i < m->n_segments; i++)
        if (strcmp(m->segments[i].name, name) == 0 ||
            strcmp(m->segments[i].deletes, name) == 0)
            return 1;
    return 0;
}

int ngi_store_is_segment_name(const char *name) {
    return has_affixes(name, "seg_", ".ngs");
}

int ngi_store_is_deletes_name(const char *name) {
    return has_affixes(name, "del_", ".ngd");
}

/* Whether the file at path was written for index id: its header says so,
 * or it is too short to hold a header (a writer killed before its first
 * write; it holds nothing). Unreadable files count as foreign. */
static int written_for(const char *path, const uint8_t *id) {
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0) return 0;
    uint8_t h[32];
    ssize_t n = pread(fd, h, sizeof h, 0);
    close(fd);
    if (n >= 0 && n < (ssize_t)sizeof h) return 1;
    return n == (ssize_t)sizeof h && memcmp(h, "NGRP", 4) == 0 &&
           memcmp(h + 16, id, NGI_INDEX_ID_BYTES) == 0;
}

static int removable(const ngi_manifest *m, const char *path, const char *name) {
    if (has_affixes(name, TMP_PREFIX, "")) return 1;
    if (!ngi_store_is_segment_name(name) && !ngi_store_is_deletes_name(name)) return 0;
    return !referenced(m, name) && written_for(path, m->index_id);
}

int ngi_store_remove_unreferenced(const char *dir, const ngi_manifest *m,
                                  ngi_error *err) {
    DIR *d = opendir(dir);
    if (!d) return ngi_io_error(err, "open directory", dir);
    int rc = 0;
    struct dirent *e;
    char path[4096];
    while ((e = readdir(d)) != NULL) {
        if (ngi_path_join(path, sizeof path, dir, e->d_name)) continue;
        if (!removable(m, path, e->d_name)) continue;
        if (ngi_io_unlink(path) < 0 && errno != ENOENT && !rc)
            rc = ngi_io_error(err, "unlink", path); /* go on with the rest */
    }
    closedir(d);
    return rc;
}

int ngi_store_check_orphans(const char *dir, ngi_error *err) {
    DIR *d = opendir(dir);
    if (!d) return 0;
    char found[256] = "";
    size_t n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (!ngi_store_is_segment_name(e->d_name) &&
            !ngi_store_is_deletes_name(e->d_name))
            continue;
        if (n++ == 0 || strcmp(e->d_name, found) < 0) /* stable: lowest */
            snprintf(found, sizeof found, "%s", e->d_name);
    }
    closedir(d);
    if (n == 0) return 0;
    return ngi_error_set(err, NG_ECORRUPT,
                         "the manifest is missing: %s holds "
                         "%zu index file%s (%s%s) but no %s. Nothing was "
                         "changed. Restore %s from where it went, or rebuild "
                         "it from the segments with `newsgrep recover -i %s`",
                         dir, n, n == 1 ? "" : "s", found, n > 1 ? ", ..." : "",
                         NGI_MANIFEST_NAME, NGI_MANIFEST_NAME, dir);
}

/* ---- deletion bitmaps ------------------------------------------------- */

int ngi_deletes_write(const char *dir, const char *name, const uint8_t *bits,
                      uint32_t n_docs, const ngi_file_ident *id, ngi_error *err) {
    uint8_t head[8] = {0};
    ngi_store_le32(head, n_docs);
    ngi_file_writer *w;
    int rc = ngi_file_writer_create(&w, dir, name, NGI_FILE_DELETES, id, err);
    if (rc) return rc;
    rc = ngi_file_writer_begin(w, TAG_DELETES);
    if (!rc) rc = ngi_file_writer_append(w, head, sizeof head);
    if (!rc) rc = ngi_file_writer_append(w, bits, ((size_t)n_docs + 7) / 8);
    if (!rc) rc = ngi_file_writer_end(w);
    if (rc) {
        ngi_file_writer_abort(w);
        return rc;
    }
    return ngi_file_writer_finish(w, NULL);
}

/* Checks the section against n_docs; bits past n_docs must be zero. */
static int check_bitmap(const uint8_t *p, size_t len, uint32_t n_docs) {
    size_t nbytes = ((size_t)n_docs + 7) / 8;
    if (len != 8 + nbytes || ngi_load_le32(p) != n_docs || ngi_load_le32(p + 4) != 0)
        return -1;
    if (n_docs % 8 && (p[8 + nbytes - 1] >> (n_docs % 8)) != 0) return -1;
    return 0;
}

int ngi_deletes_read(const char *dir, const char *name, uint32_t n_docs,
                     const ngi_file_ident *want, uint8_t **bits, ngi_error *err) {
    *bits = NULL;
    ngi_file_reader *r;
    int rc = ngi_file_reader_open(&r, dir, name, NGI_FILE_DELETES, err);
    if (rc) return rc;
    const uint8_t *p;
    size_t len;
    /* Bitmaps are small and a flipped bit would resurrect a document:
     * verify on every read. */
    rc = want ? ngi_file_reader_check_ident(r, want, err) : 0;
    if (!rc) rc = ngi_file_reader_verify(r, err);
    if (!rc) rc = ngi_file_reader_section(r, TAG_DELETES, &p, &len, err);
    if (!rc && check_bitmap(p, len, n_docs))
        rc = ngi_error_set(err, NG_ECORRUPT,
                           "%s: deletion bitmap does not fit %u documents", name, n_docs);
    size_t nbytes = ((size_t)n_docs + 7) / 8;
    if (!rc && !(*bits = ngi_malloc(nbytes ? nbytes : 1)))
        rc = ngi_error_set(err, NG_ENOMEM, "out of memory");
    if (!rc && nbytes) memcpy(*bits, p + 8, nbytes);
    ngi_file_reader_close(r);
    return rc;
}
