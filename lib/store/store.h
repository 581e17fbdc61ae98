/*
 * store.h — durable files of an index directory: the sectioned file
 * container every index file uses (magic, format version, section table,
 * XXH3 checksums), the zstd document store, the manifest with its atomic
 * commit, the writer lock and deletion bitmaps. Byte grammar: lib/FORMAT.md.
 *
 * Nothing here knows about terms or postings; lib/index builds on it.
 */
#ifndef NG_STORE_H
#define NG_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "common/buf.h"
#include "common/common.h"

/* 2: word-coded document store; 3: file identity in every header, chunk
 * checksums of the postings and lexicon; 5: segments hold NORM, TEND, IDOF
 * and IDIX at the smallest width and no DATE when nothing is dated
 * (lib/FORMAT.md); 6: lengths as residuals over QLEN (NRMR), id offsets
 * sampled (IDOS). */
#define NGI_FORMAT_VERSION 6
/* The oldest version this library still reads: 3 lacks the optional
 * sections of 4 (DOC2, CSID, QLEN, SIGN), 3 and 4 the packed tables of 5,
 * 3 to 5 the residual lengths and sampled id offsets of 6, and their
 * readers fall back. */
#define NGI_FORMAT_VERSION_MIN_READ 3

/* ---- file identity ---------------------------------------------------- */

#define NGI_INDEX_ID_BYTES 16

/* Whose a file is (format 3: in every file's header). A segment copied in
 * from another index, or an older deletes file under a newer name, has
 * the wrong identity for the manifest entry that names it. */
typedef struct ngi_file_ident {
    uint8_t index_id[NGI_INDEX_ID_BYTES]; /* random, fixed at creation */
    uint64_t file_no;                     /* the number in the file's name (seg_N, del_N);
                        * the manifest: its generation */
    uint64_t owner_no; /* a deletes file: its segment's number; else 0 */
} ngi_file_ident;

/* The number of a file name "<prefix>_<digits>.<ext>" (seg_000012.ngs:
 * 12); 0 when the name has no such number. */
uint64_t ngi_file_number(const char *name);
/* Fills id with random bytes (getrandom). Errors: NG_EIO. */
int ngi_index_id_new(uint8_t id[NGI_INDEX_ID_BYTES], ngi_error *err);
/* Hex text of an index id (33 bytes with the NUL). */
void ngi_index_id_text(const uint8_t id[NGI_INDEX_ID_BYTES], char out[33]);

/* ---- container: a file of tagged sections --------------------------- */

/* Section tags: four ASCII bytes, e.g. NGI_TAG('L','E','X','I'). */
#define NGI_TAG(a, b, c, d)                                                              \
    ((uint32_t)(uint8_t)(a) | ((uint32_t)(uint8_t)(b) << 8) |                            \
     ((uint32_t)(uint8_t)(c) << 16) | ((uint32_t)(uint8_t)(d) << 24))

/* Kinds of file (part of the magic check: a segment is not a manifest). */
enum ngi_file_kind { NGI_FILE_SEGMENT = 1, NGI_FILE_DELETES = 2, NGI_FILE_MANIFEST = 3 };

typedef struct ngi_file_writer ngi_file_writer;

/* Creates dir/name (must not exist: O_EXCL) for writing; id (NULL: all
 * zero) goes into the header. Errors: NG_EIO.
 * The later calls below report their details in this same err, which must
 * outlive the writer; a failed call makes the writer refuse every later
 * one with the same code (sticky), so only abort is left. */
int ngi_file_writer_create(ngi_file_writer **out, const char *dir, const char *name,
                           int kind, const ngi_file_ident *id, ngi_error *err);
/* As ngi_file_writer_begin, and also hashes the section in pieces of
 * NGI_CHUNK_BYTES (from its start), appending each piece's XXH3-64 (u64
 * little-endian) to sums: readers verify the part they read on first use
 * (ngi_chunked_verify) instead of the whole section at open. */
#define NGI_CHUNK_BYTES (16 * 1024)
int ngi_file_writer_begin_chunked(ngi_file_writer *w, uint32_t tag, ngi_buf *sums);
/* Writes one whole section. Sections are written in order, each once. */
int ngi_file_writer_section(ngi_file_writer *w, uint32_t tag, const void *data,
                            size_t len);
/* Streams a section in pieces: begin, any number of appends, end. */
int ngi_file_writer_begin(ngi_file_writer *w, uint32_t tag);
int ngi_file_writer_append(ngi_file_writer *w, const void *data, size_t len);
int ngi_file_writer_end(ngi_file_writer *w);
/* Writes the section table and checksum footer, fsyncs and closes.
 * *bytes (may be NULL) receives the file size. Frees the writer. */
int ngi_file_writer_finish(ngi_file_writer *w, uint64_t *bytes);
/* Makes finish skip the fsync: for the files of a temporary index
 * (NG_INDEX_TEMPORARY), which no crash needs to find again. */
void ngi_file_writer_skip_sync(ngi_file_writer *w);
/* Closes and unlinks the partial file. Frees the writer. NULL-safe. */
void ngi_file_writer_abort(ngi_file_writer *w);

typedef struct ngi_file_reader ngi_file_reader;

/* Maps dir/name read-only and validates magic, kind, version, footer and
 * section table (every offset and length inside the file); does NOT read
 * the whole file. Errors: NG_EIO (missing: NG_ENOTFOUND), NG_ECORRUPT,
 * NG_EVERSION; err names the file. */
int ngi_file_reader_open(ngi_file_reader **out, const char *dir, const char *name,
                         int kind, ngi_error *err);
void ngi_file_reader_close(ngi_file_reader *r);
/* Finds a section; returns 0, or NG_ECORRUPT (err says which file and tag)
 * when the section is missing. Pointers live as long as the reader. */
int ngi_file_reader_section(const ngi_file_reader *r, uint32_t tag, const uint8_t **data,
                            size_t *len, ngi_error *err);
/* Whether the file has a section tagged tag. */
bool ngi_file_reader_has(const ngi_file_reader *r, uint32_t tag);
/* Verifies the checksum of every section and of the whole file. */
int ngi_file_reader_verify(const ngi_file_reader *r, ngi_error *err);
/* Verifies the checksum of one section (NG_ECORRUPT naming file and tag,
 * or when the section is missing). */
int ngi_file_reader_verify_section(const ngi_file_reader *r, uint32_t tag,
                                   ngi_error *err);
uint64_t ngi_file_reader_size(const ngi_file_reader *r);
const char *ngi_file_reader_name(const ngi_file_reader *r);
/* The identity in the file's header. */
const ngi_file_ident *ngi_file_reader_ident(const ngi_file_reader *r);
/* 0 when the header says the file is `want` (index id, number, owner),
 * else NG_ECORRUPT naming the file and what differs. */
int ngi_file_reader_check_ident(const ngi_file_reader *r, const ngi_file_ident *want,
                                ngi_error *err);

/* A section verified piece by piece on first use (format 3 chunk sums).
 * Thread-safe: the bitmap of verified pieces is updated atomically (two
 * threads may both hash a piece; both agree). */
typedef struct ngi_chunked {
    const uint8_t *data; /* the section */
    size_t len;          /* its bytes */
    const uint8_t *sums; /* ceil(len / NGI_CHUNK_BYTES) u64 sums */
    void *done;          /* bitmap of verified pieces (owned) */
} ngi_chunked;
/* Sets c up; n_sums must be ceil(len / NGI_CHUNK_BYTES). Errors:
 * NG_ECORRUPT (count mismatch, err not set: the caller names the file),
 * NG_ENOMEM. */
int ngi_chunked_init(ngi_chunked *c, const uint8_t *data, size_t len, const uint8_t *sums,
                     uint64_t n_sums);
void ngi_chunked_free(ngi_chunked *c);
/* 0 when every piece overlapping [off, off + len) matches its sum
 * (hashing only the pieces not verified before), else -1. */
int ngi_chunked_verify(const ngi_chunked *c, uint64_t off, uint64_t len);

/* ---- document store ------------------------------------------------- */
/* Stored fields of many documents, word-coded (wordcode.h) and
 * zstd-compressed in blocks of about NGI_DOCSTORE_BLOCK raw bytes, with an
 * offset table; fetching one document decompresses one block. */
#define NGI_DOCSTORE_BLOCK (16 * 1024)
/* Dictionary trained on the first documents of each docstore (0: none,
 * and no word coding either); worth 8-12% of the store size on news
 * (lib/FORMAT.md, measured). */
#define NGI_DOCSTORE_DICT (64 * 1024)
/* Recommended zstd level: with word coding, 5 makes wikipedia_en's store
 * ~29.8% of its text (level 3: 31.1%) for ~5% more indexing CPU. */
#define NGI_DOCSTORE_LEVEL 5
/* A level that compresses nothing: each block is a zstd frame of raw
 * blocks (RFC 8878, Block_Type 0) with its content checksum, which every
 * reader decodes as it decodes the others. For throwaway indexes: zstd's
 * fastest level saved 8% of the bytes of grep mode's stores for ~18% of
 * its CPU on common words. */
#define NGI_DOCSTORE_LEVEL_RAW (-1000000)

typedef struct ngi_docstore_writer ngi_docstore_writer;

int ngi_docstore_writer_create(ngi_docstore_writer **out, int zstd_level);
/* As above with an explicit raw block size and dictionary size (0 = no
 * dictionary); for tuning and tests. */
int ngi_docstore_writer_create_opts(ngi_docstore_writer **out, int zstd_level,
                                    size_t block_bytes, size_t dict_bytes);
void ngi_docstore_writer_free(ngi_docstore_writer *w);
/* The section layout written: 2 (section DOC2, the default: read in place,
 * lib/FORMAT.md) or 1 (section DOCS, what format 3 wrote first; tests).
 * Before the first add; NG_EINVAL otherwise. */
int ngi_docstore_writer_set_layout(ngi_docstore_writer *w, int layout);
int ngi_docstore_writer_layout(const ngi_docstore_writer *w);
/* Appends the next document (doc ids are implicit: 0, 1, 2, ...). */
int ngi_docstore_writer_add(ngi_docstore_writer *w, const ng_field *fields,
                            size_t n_fields);
/* Holds at most `bytes` of raw text (0: the default, 16 MiB or 32x the
 * dictionary) before training the vocabulary and the dictionary, and
 * sizes zstd's training tables to it: a writer under a small RAM budget
 * trains on less. Before the first document. */
void ngi_docstore_writer_set_sample(ngi_docstore_writer *w, size_t bytes);
/* Before the first document: uses the vocabulary and dictionary that prev
 * (same level, layout and sizes) trained on a full sample, or adopted,
 * instead of training its own; does nothing when prev has none to give
 * (it trained on a small remainder, or not yet). The next segments of one
 * indexing session so skip the training. 0, or NG_ENOMEM. */
int ngi_docstore_writer_adopt(ngi_docstore_writer *w, const ngi_docstore_writer *prev);
/* Bytes held so far (counts toward the RAM budget). */
size_t ngi_docstore_writer_memory(const ngi_docstore_writer *w);
/* Appends the finished section bytes (blocks + offset table) to out.
 * Not after ngi_docstore_writer_stream (NG_EINVAL). */
int ngi_docstore_writer_finish(ngi_docstore_writer *w, ngi_buf *out);
/* From now on, compressed blocks go to fw, inside a section the caller
 * has begun (ngi_file_writer_begin) and keeps open until finish_to: the
 * store is then never held whole in memory (merges). */
int ngi_docstore_writer_stream(ngi_docstore_writer *w, ngi_file_writer *fw);
/* Writes the (rest of the) section bytes to fw, inside a section the
 * caller has begun, without copying the store; the caller ends the
 * section. Errors of fw (NG_EIO, ...) are returned as they are. */
int ngi_docstore_writer_finish_to(ngi_docstore_writer *w, ngi_file_writer *fw);

typedef struct ngi_docstore_reader ngi_docstore_reader;

/* Opens a docstore section holding n_docs docs, of either layout (told by
 * its trailer). Layout 1: validates the whole offset table; layout 2:
 * only the sizes in the trailer (each fetch checks what it reads). */
int ngi_docstore_reader_open(ngi_docstore_reader **out, const uint8_t *data, size_t len,
                             uint32_t n_docs, ngi_error *err);
void ngi_docstore_reader_free(ngi_docstore_reader *r);
/* 1 or 2, as ngi_docstore_writer_layout. */
int ngi_docstore_reader_layout(const ngi_docstore_reader *r);

/* A fetched document: fields point into `storage` (owned). */
typedef struct ngi_stored_doc {
    ng_field *fields; /* n_fields entries; names and values NUL-terminated */
    size_t n_fields;
    ngi_buf storage; /* backing bytes of names and values */
} ngi_stored_doc;

void ngi_stored_doc_init(ngi_stored_doc *d);
void ngi_stored_doc_free(ngi_stored_doc *d);
/* Per-thread fetch state: a reused zstd context plus the last decompressed
 * block, so that fetching several documents of one block (a merge, a page
 * of results) decompresses it once. One scratch per thread; it may be used
 * with any reader (its cache is keyed by block content). Every fetch takes
 * one: a zstd context costs ~10 us to create and a block ~50 us to
 * decompress, more than parsing the document. */
typedef struct ngi_docstore_scratch ngi_docstore_scratch;
int ngi_docstore_scratch_create(ngi_docstore_scratch **out);
void ngi_docstore_scratch_free(ngi_docstore_scratch *s);
/* Decompresses doc's block into s (unless s holds it) and fills *d.
 * Thread-safe on one reader with one scratch per thread. Errors:
 * NG_ECORRUPT, NG_ENOMEM, NG_EINVAL (doc out of range). */
int ngi_docstore_get_scratch(const ngi_docstore_reader *r, ngi_docstore_scratch *s,
                             uint32_t doc, ngi_stored_doc *d, ngi_error *err);

/* ---- manifest and commit -------------------------------------------- */

#define NGI_MANIFEST_NAME    "MANIFEST"
#define NGI_LOCK_NAME        "LOCK"
#define NGI_SEGMENT_NAME_MAX 64

/* Index-wide settings, fixed when the index is created. */
typedef struct ngi_settings {
    char language[32];       /* libstemmer language name */
    unsigned analyzer_flags; /* ng_analyzer_flags */
    double k1, b;            /* default BM25 parameters */
} ngi_settings;

typedef struct ngi_segment_entry {
    char name[NGI_SEGMENT_NAME_MAX];    /* segment file, e.g. "seg_000012.ngs" */
    char deletes[NGI_SEGMENT_NAME_MAX]; /* deletion file or "" */
    uint32_t n_docs;                    /* documents in the segment */
    uint32_t n_deleted;                 /* of which deleted */
} ngi_segment_entry;

typedef struct ngi_manifest {
    uint8_t index_id[NGI_INDEX_ID_BYTES]; /* the index's identity */
    uint64_t generation;                  /* increases by one per commit */
    uint64_t next_file;                   /* counter for new file names */
    ngi_settings settings;
    ngi_segment_entry *segments; /* owned array */
    size_t n_segments;
} ngi_manifest;

void ngi_manifest_init(ngi_manifest *m);
void ngi_manifest_free(ngi_manifest *m);
int ngi_manifest_copy(ngi_manifest *dst, const ngi_manifest *src);
/* Reads dir/MANIFEST. Errors: NG_ENOINDEX (none), NG_ECORRUPT, NG_EIO. */
int ngi_manifest_read(const char *dir, ngi_manifest *m, ngi_error *err);
/* The atomic commit: the new files are already written and fsynced; write
 * the manifest to a temporary name, fsync, rename over MANIFEST, fsync the
 * directory. A crash at any instant leaves the old or the new manifest. */
int ngi_manifest_commit(const char *dir, const ngi_manifest *m, ngi_error *err);
/* The same, with sync false: no fsync at all (a temporary index's
 * commits; the rename still makes each commit atomic). */
int ngi_manifest_commit_sync(const char *dir, const ngi_manifest *m, bool sync,
                             ngi_error *err);
/* Deletes the index files in dir that m does not reference and that are
 * provably no other commit's: stale MANIFEST.tmp.* files, and seg_/del_
 * files whose header carries m's index id (so they were written for this
 * index; m does not name them, and no later commit can, since file
 * numbers are never reused and a dropped file never comes back). Files of
 * another index, or unreadable ones, are left alone. Readers holding maps
 * of deleted files keep them. */
int ngi_store_remove_unreferenced(const char *dir, const ngi_manifest *m, ngi_error *err);
/* NG_ECORRUPT when dir holds index files (seg_*.ngs, del_*.ngd) but no
 * MANIFEST: the message names dir and points at `newsgrep recover`. 0
 * otherwise (also when dir does not exist). */
int ngi_store_check_orphans(const char *dir, ngi_error *err);
/* Whether name is a segment ("seg_*.ngs") or deletes ("del_*.ngd") file. */
int ngi_store_is_segment_name(const char *name);
int ngi_store_is_deletes_name(const char *name);

/* ---- writer lock ------------------------------------------------------ */
/* flock(LOCK_EX | LOCK_NB) on dir/LOCK: a lock of a killed process is
 * released by the kernel, so it never blocks the next writer. LOCK is
 * opened O_RDWR | O_NOFOLLOW and created 0600, so only its owner can open
 * (and so flock) it; the holder writes "pid user" into it, and a refused
 * writer's NG_ELOCKED message names them. */
int ngi_lock_acquire(const char *dir, int *fd_out, ngi_error *err);
void ngi_lock_release(int fd);

/* ---- deletion bitmaps ------------------------------------------------- */
/* Writes a deletes file (a container with one bitmap section) for a segment
 * of n_docs documents; bits: (n_docs + 7) / 8 bytes, bit i = doc i. */
int ngi_deletes_write(const char *dir, const char *name, const uint8_t *bits,
                      uint32_t n_docs, const ngi_file_ident *id, ngi_error *err);
/* Reads one; *bits is owned by the caller (ngi_free). want (may be NULL:
 * not checked) is the identity the header must carry. */
int ngi_deletes_read(const char *dir, const char *name, uint32_t n_docs,
                     const ngi_file_ident *want, uint8_t **bits, ngi_error *err);

/* ---- small file helpers ---------------------------------------------- */
/* Creates dir and missing parents; each new directory's parent is
 * fsynced, so the new name survives a power cut. */
int ngi_mkdir_p(const char *dir, ngi_error *err);
int ngi_fsync_dir(const char *dir, ngi_error *err);
/* dir + "/" + name into out (NG_ELIMIT when it does not fit). */
int ngi_path_join(char *out, size_t cap, const char *dir, const char *name);

#endif /* NG_STORE_H */
