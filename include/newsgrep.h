/*
 * newsgrep.h — the one public header of libnewsgrep, a full-text search
 * library for archives of news articles: a Unicode analyzer, an inverted
 * index with compressed posting lists, and a BM25 query engine.
 *
 * CAVEATS (read these first)
 * - Every function that can fail returns an int: 0 on success or a negative
 *   NG_E* code. ng_strerror() names the code; handles also keep a detailed
 *   message (path, errno, query position) readable with their *_errmsg().
 *   On failure, out-parameters are set to NULL / 0 -- with one exception:
 *   the four calls that open or produce a handle (ng_index_open,
 *   ng_reader_open, ng_query_parse, ng_search) return the handle even when
 *   they fail (except for NG_EINVAL and NG_ENOMEM), so that its *_errmsg()
 *   can explain what went wrong. Free it as usual.
 * - Every *_create / *_open has exactly one *_free, and every free accepts
 *   NULL. Pointers returned by accessors are BORROWED: each function says how
 *   long they live (usually: until the owning handle is freed or modified).
 * - Concurrency: one ng_index (writer) per index directory at a time, across
 *   processes (an flock'ed lock file; a second writer gets NG_ELOCKED). Any
 *   number of ng_reader snapshots, in any number of processes, also while the
 *   writer works. An ng_reader may be searched from several threads at once;
 *   ng_analyzer, ng_query, ng_results and ng_index handles are not
 *   thread-safe: use one per thread.
 * - Writer errors are sticky: after an I/O failure the ng_index refuses
 *   further work with the same code, so nothing half-written is committed.
 *   The last successful commit stays intact on disk.
 * - The library never prints, never exits and holds no global mutable state.
 */
#ifndef NEWSGREP_H
#define NEWSGREP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__) && !defined(NG_STATIC_BUILD)
#define NG_API __attribute__((visibility("default")))
#else
#define NG_API
#endif

/* ---------------------------------------------------------------------
 * Versions. The API version lives only here; the build extracts it.
 * The ABI version is the SONAME (Makefile); the on-disk format version is
 * stored in every index file (lib/FORMAT.md).
 * ------------------------------------------------------------------- */
#define NG_VERSION_MAJOR 0
#define NG_VERSION_MINOR 5
#define NG_VERSION_PATCH 0
#define NG_VERSION_NUMBER                                                                \
    (NG_VERSION_MAJOR * 10000 + NG_VERSION_MINOR * 100 + NG_VERSION_PATCH)
#define NG_STRINGIFY_(x) #x
#define NG_STRINGIFY(x)  NG_STRINGIFY_(x)
#define NG_VERSION_STRING                                                                \
    NG_STRINGIFY(NG_VERSION_MAJOR)                                                       \
    "." NG_STRINGIFY(NG_VERSION_MINOR) "." NG_STRINGIFY(NG_VERSION_PATCH)

/* The version of the library actually linked (compare with the macros). */
NG_API unsigned ng_version_number(void);
NG_API const char *ng_version_string(void);

/* ---------------------------------------------------------------------
 * Errors. One table generates the codes, their names and their messages.
 * Released codes are never renumbered; new ones are appended.
 * ------------------------------------------------------------------- */
#define NG_ERROR_TABLE(X)                                                                \
    X(NG_OK, 0, "success")                                                               \
    X(NG_ENOMEM, -1, "out of memory")                                                    \
    X(NG_EINVAL, -2, "invalid argument")                                                 \
    X(NG_EIO, -3, "I/O error")                                                           \
    X(NG_ECORRUPT, -4, "corrupt index")                                                  \
    X(NG_ELOCKED, -5, "index is locked by another writer")                               \
    X(NG_ENOTFOUND, -6, "not found")                                                     \
    X(NG_EQUERY, -7, "query syntax error")                                               \
    X(NG_ELIMIT, -8, "limit exceeded")                                                   \
    X(NG_EVERSION, -9, "unsupported index format version")                               \
    X(NG_ENOINDEX, -10, "no index at this path")                                         \
    X(NG_ELANG, -11, "unsupported language")                                             \
    X(NG_ESTATE, -12, "handle is unusable after an earlier error")                       \
    X(NG_EDOC, -13, "invalid document")                                                  \
    X(NG_EMERGE, -14, "committed; the merge after the commit failed")

enum ng_error {
#define NG_ERROR_ENUM_(name, code, msg) name = code,
    NG_ERROR_TABLE(NG_ERROR_ENUM_)
#undef NG_ERROR_ENUM_
};

/* Static message for a code ("corrupt index"); never NULL. */
NG_API const char *ng_strerror(int code);
/* Static symbolic name of a code ("NG_ECORRUPT"); never NULL. */
NG_API const char *ng_error_name(int code);

/* ---------------------------------------------------------------------
 * Limits (named so that callers and docs can refer to them).
 * ------------------------------------------------------------------- */
#define NG_MAX_TOKEN_BYTES       255         /* longer tokens are skipped */
#define NG_MAX_ID_BYTES          1024        /* external id length */
#define NG_DEFAULT_MAX_DOC_BYTES (64u << 20) /* per document, settable */
#define NG_MAX_QUERY_DEPTH       32          /* nesting of parentheses / operators */
#define NG_MAX_QUERY_TERMS       256         /* leaf terms after analysis */
#define NG_MAX_PREFIX_EXPANSION                                                          \
    1024                      /* terms a prefix* searches (the most
                                        frequent) */
#define NG_MAX_PHRASE_SLOP 64 /* N in "phrase"~N */

/* BM25 defaults of a new index: Robertson's classic k1 = 1.2, b = 0.75 (as
 * in Lucene). They rank better than Anserini's k1 = 0.9, b = 0.4 on every
 * judged collection we measured but one (see README, "Ranking quality"). */
#define NG_DEFAULT_K1 1.2
#define NG_DEFAULT_B  0.75

/* =====================================================================
 * Analyzer: UTF-8 text -> tokens (term, position, byte offsets).
 * NFKC, full case folding, diacritics stripped, stopwords removed (their
 * positions still count), Snowball stemming; CJK as overlapping bigrams.
 * ===================================================================== */
typedef struct ng_analyzer ng_analyzer;

enum ng_analyzer_flags {
    NG_ANALYZE_DEFAULT = 0,
    NG_ANALYZE_NO_STEM = 1u << 0, /* keep folded words unstemmed */
    NG_ANALYZE_NO_STOP = 1u << 1  /* keep stopwords */
};

/* One token. term is NOT NUL-terminated and is borrowed: valid only during
 * the callback. start/end are byte offsets into the caller's original text
 * (start inclusive, end exclusive). position counts words, stopwords
 * included, from 0. */
typedef struct ng_token {
    const char *term;  /* normalised, folded, stemmed bytes */
    size_t term_len;   /* bytes in term, 1..NG_MAX_TOKEN_BYTES */
    uint32_t position; /* word position in the text */
    size_t start;      /* first byte in the original text */
    size_t end;        /* one past the last byte */
} ng_token;

/* Return 0 to continue, non-zero to stop (ng_analyzer_tokenize then
 * returns that value). */
typedef int (*ng_token_fn)(void *ctx, const ng_token *token);

/* Creates an analyzer. language: a libstemmer language name or ISO 639
 * code, case-insensitive ("english", "en", "eng", "french", ...); NULL
 * means "english". English stopwords apply to "english" and "porter";
 * other languages have no stopword list. flags: a bitwise OR of
 * ng_analyzer_flags. An analyzer is cheap to create; its term cache grows
 * with use up to about 20 MiB. Errors: NG_EINVAL (out is NULL, unknown
 * flag bits), NG_ELANG, NG_ENOMEM. */
NG_API int ng_analyzer_create(ng_analyzer **out, const char *language, unsigned flags);
NG_API void ng_analyzer_free(ng_analyzer *analyzer);

/* Tokenizes len bytes of text (need not be NUL-terminated; invalid UTF-8
 * bytes separate words and are counted). Positions start at
 * first_position. Tokens longer than NG_MAX_TOKEN_BYTES after
 * normalisation are skipped but take a position. The callback must not
 * call back into the same analyzer. The token rules are documented at the
 * top of lib/analyze/tokenizer.c. Returns 0, a callback's non-zero value,
 * or NG_EINVAL / NG_ENOMEM. */
NG_API int ng_analyzer_tokenize(ng_analyzer *analyzer, const char *text, size_t len,
                                uint32_t first_position, ng_token_fn fn, void *ctx);

/* Number of invalid UTF-8 bytes seen since the analyzer was created. */
NG_API uint64_t ng_analyzer_invalid_bytes(const ng_analyzer *analyzer);
/* The canonical language name ("english"); borrowed, lives as long as the
 * analyzer. */
NG_API const char *ng_analyzer_language(const ng_analyzer *analyzer);
/* NULL-terminated list of supported language names; static. */
NG_API const char **ng_languages(void);

/* =====================================================================
 * Documents.
 * A document is a list of string fields. Exactly one field has the role
 * NG_FIELD_ID. Title and body fields are indexed (as one BM25 field, with
 * title:/body: restrictions); every field is stored, in order, under its
 * own name, so a document comes back exactly as it was given.
 * ===================================================================== */
enum ng_field_role {
    NG_FIELD_STORED = 0, /* stored only */
    NG_FIELD_ID = 1,     /* unique external id (1..NG_MAX_ID_BYTES bytes) */
    NG_FIELD_TITLE = 2,  /* indexed and stored */
    NG_FIELD_BODY = 3,   /* indexed and stored */
    NG_FIELD_DATE = 4,   /* "YYYY-MM-DD"; stored, and used by date filters */
    NG_FIELD_SOURCE = 5  /* source path or URL; stored */
};

typedef struct ng_field {
    const char *name;  /* NUL-terminated field name (e.g. "headline") */
    const char *value; /* value bytes, UTF-8, need not be NUL-terminated */
    size_t value_len;  /* bytes in value */
    int role;          /* an ng_field_role */
} ng_field;

typedef struct ng_document {
    const ng_field *fields; /* borrowed for the duration of the call */
    size_t n_fields;
} ng_document;

/* =====================================================================
 * Index writer.
 * ===================================================================== */
typedef struct ng_index ng_index;

typedef struct ng_index_options {
    const char *language;    /* new index only; NULL = "english" */
    unsigned analyzer_flags; /* new index only; ng_analyzer_flags */
    double k1;               /* default BM25 k1 stored in a new index */
    double b;                /* default BM25 b stored in a new index */
    size_t ram_mb;           /* RAM budget of the writer in MiB (256): memory
                             * segments, term caches, documents in flight,
                             * flush and merge buffers */
    unsigned threads;        /* indexing threads; 0 = number of cores, fewer
                              * when ram_mb cannot afford them (about 15 MiB
                              * each) */
    size_t max_doc_bytes;    /* larger documents: NG_ELIMIT (64 MiB) */
    int create;              /* non-zero: create the directory if missing */
    unsigned flags;          /* ng_index_flags */
} ng_index_options;

enum ng_index_flags {
    NG_INDEX_DEFAULT = 0,
    /* A throwaway index (a grep-style scan): stored fields are compressed
     * for speed (a zstd fast level, no trained dictionary), not size. */
    NG_INDEX_TEMPORARY = 1u << 0
};

/* Fills opts with the defaults above (create = 1). */
NG_API void ng_index_options_init(ng_index_options *opts);

/* Opens (or creates) the index in directory dir for writing and takes the
 * writer lock. opts may be NULL for defaults. Errors: NG_EINVAL, NG_ELOCKED,
 * NG_ENOINDEX (missing and create == 0), NG_EIO, NG_ECORRUPT, NG_EVERSION,
 * NG_ELANG, NG_ENOMEM. On failure other than NG_EINVAL / NG_ENOMEM, *out
 * holds a failed handle whose ng_index_errmsg() says why (free it). */
NG_API int ng_index_open(ng_index **out, const char *dir, const ng_index_options *opts);

/* Adds a document; an existing document with the same id is replaced
 * (visible to readers after the next commit). The fields are copied before
 * the call returns. Errors: NG_EDOC (no id, two ids, id longer than
 * NG_MAX_ID_BYTES or containing a NUL byte, bad date, field without a
 * name), NG_ELIMIT (names and values together larger than max_doc_bytes,
 * or than 1/16 of ram_mb: a document costs about 2.5 times its size while
 * it is indexed; neither is sticky), NG_ENOMEM, NG_EIO, NG_ESTATE. */
NG_API int ng_index_add(ng_index *index, const ng_document *doc);

/* Deletes the document with this id, if any (after the next commit).
 * Errors: NG_EINVAL, NG_ENOMEM, NG_EIO, NG_ESTATE. */
NG_API int ng_index_delete(ng_index *index, const char *id, size_t id_len);

/* Makes every add and delete so far durable and visible, atomically,
 * then merges segments when a size tier is full. Errors: NG_EIO (sticky),
 * NG_ENOMEM, NG_ESTATE; NG_EMERGE (sticky) when the commit succeeded but
 * the merge after it failed: the documents are committed, the message
 * says why the merge failed. */
NG_API int ng_index_commit(ng_index *index);

/* Commits, then merges every segment into one (deleted documents are
 * dropped). Errors: as ng_index_commit, and NG_ECORRUPT. */
NG_API int ng_index_merge(ng_index *index);

/* Rebuilds the manifest of the index in dir from the segment and deletes
 * files found there, when MANIFEST is missing or names files that are
 * gone or damaged (an index that opens is refused: NG_EINVAL). Every
 * segment is verified in full; files that fail are renamed NAME.damaged
 * and left out, segments of another index are left alone. The newest
 * version of each document id wins, as at commit. On success *out is an
 * open writer of the recovered index (free it). Errors: NG_EINVAL,
 * NG_ENOINDEX (no index files), NG_ELOCKED, NG_ECORRUPT (no intact
 * segment), NG_EIO, NG_EVERSION, NG_ENOMEM; *out then holds a failed
 * handle whose ng_index_errmsg() says why (except NG_ENOMEM). */
typedef struct ng_recover_report {
    uint64_t segments;  /* segment files in the rebuilt manifest */
    uint64_t documents; /* their live documents */
    uint64_t deleted;   /* documents marked deleted (older versions too) */
    uint64_t damaged;   /* files that failed verification, set aside */
    uint64_t foreign;   /* intact segment files of another index */
} ng_recover_report;
NG_API int ng_index_recover(ng_index **out, const char *dir, ng_recover_report *report);

/* Releases the lock and frees the handle. Uncommitted changes are
 * discarded (call ng_index_commit first to keep them). */
NG_API void ng_index_free(ng_index *index);

/* Detailed message of the last error on this handle; borrowed, valid until
 * the next call on the handle. Never NULL. */
NG_API const char *ng_index_errmsg(const ng_index *index);

/* Counts since open: documents added (replacements included), of which
 * replaced an existing id, and deletes of an existing id. With a filter
 * (ng_index_set_filter), filtered of the added documents were left out and
 * filtered_tokens is the sum of their lengths; both are exact after
 * ng_index_commit. */
typedef struct ng_index_counts {
    uint64_t added;
    uint64_t replaced;
    uint64_t deleted;
    uint64_t filtered;
    uint64_t filtered_tokens;
} ng_index_counts;
NG_API void ng_index_get_counts(const ng_index *index, ng_index_counts *out);

/* Grep-style scans: keeps only the documents that can match query (parsed
 * as ng_query_parse would, with flags). A document is kept when one of its
 * terms is a word of the query (of any clause, phrase or field) or starts
 * with one of its prefix* words; the others are analysed, counted in
 * ng_index_counts.filtered / filtered_tokens, and dropped (a dropped
 * document still replaces an older one with its id). Of each kept
 * document only the terms the query can use are indexed; its length, text
 * and stored fields are complete. Searching the index for the same query
 * with ng_search_options.unseen_docs / unseen_tokens set to those counts
 * then gives exactly the hits and scores an index of every document would.
 * Call before the first ng_index_add of the handle. A query without words
 * (only stopwords) or with a date clause filters nothing. Errors:
 * NG_EINVAL (also when documents were added already or a filter is set),
 * NG_EQUERY / NG_ELIMIT (the query does not parse: the message, with the
 * byte offset, is in ng_index_errmsg), NG_ESTATE, NG_ENOMEM. */
NG_API int ng_index_set_filter(ng_index *index, const char *query, size_t len,
                               unsigned flags);

/* =====================================================================
 * Reader: a consistent snapshot of the last commit.
 * ===================================================================== */
typedef struct ng_reader ng_reader;

/* Opens the last committed snapshot of the index in dir. Errors:
 * NG_ENOINDEX, NG_EIO, NG_ECORRUPT, NG_EVERSION, NG_ENOMEM. On failure
 * other than NG_EINVAL / NG_ENOMEM, *out holds a failed handle whose
 * ng_reader_errmsg() says why (free it). */
NG_API int ng_reader_open(ng_reader **out, const char *dir);
/* Opens the indexes in dirs[0..n) as one reader (an archive per year or
 * per source searched together). Every call that takes a reader works on
 * it, with results exactly those of one index holding the parts'
 * documents in the order given (dirs[0]'s first): BM25 with the combined
 * N, total length and each term's df summed over the parts, prefix*
 * expanded over every part's lexicon, dates, deletes, counts, timelines,
 * stored documents, statistics (ng_stats.generation is the sum of the
 * parts' generations; k1 and b are dirs[0]'s defaults) and checks. Equal
 * scores rank the smaller id first (as ng_search), whatever the part
 * order. ng_reader_reopen reopens every part.
 * The parts must be analysed alike (language and analyzer flags:
 * NG_ELANG otherwise) and a live id may be in one part only: a duplicate
 * is reported as NG_EDOC naming the id and both directories, never
 * shadowed (checked at open and at every reopen that sees a change; a
 * failed reopen keeps the last good snapshot). n == 1 is ng_reader_open.
 * flags: 0 (reserved). Errors: NG_EINVAL (no dirs, n == 0, a NULL dir,
 * flags), NG_ELANG, NG_EDOC, NG_ELIMIT (over 2^32 - 2 documents together)
 * and those of ng_reader_open (the message names the directory); on
 * failure other than NG_EINVAL / NG_ENOMEM, *out holds a failed handle
 * whose ng_reader_errmsg() says why (free it). */
NG_API int ng_reader_open_many(ng_reader **out, const char *const *dirs, size_t n,
                               unsigned flags);
/* Moves the reader to the newest commit, if any. *changed (may be NULL) is
 * set to 1 when the snapshot changed. Results and documents obtained from
 * the reader before stay valid. Errors: as ng_reader_open. */
NG_API int ng_reader_reopen(ng_reader *reader, int *changed);
NG_API void ng_reader_free(ng_reader *reader);
/* Why the last failed call on the reader failed. Borrowed; valid until the next call on the
 * reader in the same thread. Never NULL. The calls that may run on one reader in several
 * threads at once (ng_reader_get, ng_reader_stats, ng_reader_check, ng_timeline; ng_search
 * and ng_related report in their results handle) keep their message per thread: a thread
 * reads its own call's message, never another thread's. ng_reader_open / _open_many /
 * _reopen (which must not run while other threads use the reader) set the message of all
 * threads. */
NG_API const char *ng_reader_errmsg(const ng_reader *reader);

/* Index statistics of the snapshot. */
typedef struct ng_stats {
    uint64_t documents;       /* live documents */
    uint64_t deleted;         /* deleted, not yet merged away */
    uint64_t terms;           /* distinct terms (a term held by several
                                 segments counts once; deleted documents'
                                 terms count until merged away) */
    uint64_t tokens;          /* indexed tokens of all documents */
    uint64_t segments;        /* live segments */
    uint64_t generation;      /* commit generation */
    uint64_t postings_bytes;  /* doc ids, frequencies, skip data */
    uint64_t positions_bytes; /* position streams */
    uint64_t lexicon_bytes;   /* term dictionaries */
    uint64_t docstore_bytes;  /* compressed stored fields */
    uint64_t other_bytes;     /* norms, ids, deletes, manifest */
    uint64_t total_bytes;     /* every file of the snapshot */
    double avg_doc_length;    /* tokens per document */
    double k1, b;             /* the index's default BM25 parameters */
    const char *language;     /* borrowed; lives as long as the reader */
    unsigned analyzer_flags;
} ng_stats;
/* Thread-safe; on failure ng_reader_errmsg() in the calling thread says why. */
NG_API int ng_reader_stats(ng_reader *reader, ng_stats *out);

/* Verifies every checksum and structural invariant of the snapshot.
 * Returns 0 when intact, else NG_ECORRUPT (or NG_EIO) with the damaged
 * file named in ng_reader_errmsg(). */
NG_API int ng_reader_check(ng_reader *reader);

/* A stored document. */
typedef struct ng_doc ng_doc;
/* Fetches the live document with this external id. Errors: NG_ENOTFOUND,
 * NG_ECORRUPT, NG_ENOMEM, NG_ESTATE (a failed handle); ng_reader_errmsg() in the
 * calling thread says why (thread-safe). */
NG_API int ng_reader_get(ng_reader *reader, const char *id, size_t id_len, ng_doc **out);
NG_API void ng_doc_free(ng_doc *doc);
NG_API size_t ng_doc_field_count(const ng_doc *doc);
/* The i-th stored field (in the order given to ng_index_add). Returns NULL
 * when i is out of range. Borrowed; lives as long as doc. */
NG_API const ng_field *ng_doc_field(const ng_doc *doc, size_t i);
/* The first field with this role, or NULL. Borrowed; lives as long as doc. */
NG_API const ng_field *ng_doc_field_by_role(const ng_doc *doc, int role);

/* =====================================================================
 * Queries and search.
 * Query language: bare words are a ranked OR; AND, OR, NOT, +word, -word,
 * parentheses; "exact phrase"; "phrase"~N; title:word, body:"a phrase";
 * prefix*; date:YYYY-MM-DD..YYYY-MM-DD (either end may be a month or a
 * year, or left open; see ng_date_parse).
 * ===================================================================== */
typedef struct ng_query ng_query;

enum ng_query_flags {
    NG_QUERY_DEFAULT = 0,
    NG_QUERY_ALL = 1u << 0,  /* bare words are all required (--all) */
    NG_QUERY_PLAIN = 1u << 1 /* no operators: a "quoted" part is a phrase,
                                every other analysed word a ranked term (batch
                                evaluation of natural-language queries) */
};

/* Parses text (len bytes) with the analyzer settings of reader's index
 * (the reader gives nothing else: prefix* is expanded by each ng_search,
 * so a query parsed before ng_reader_reopen sees the terms added since).
 * The query may be used with any reader of an index with the same
 * language and analyzer flags; ng_search refuses others (NG_EQUERY).
 * Errors: NG_EQUERY (message and byte offset via ng_query_errmsg /
 * ng_query_error_offset on the returned handle: on NG_EQUERY the handle IS
 * returned in *out so the caller can read them, and must free it; an
 * unknown field name is one), NG_ELIMIT (too deep, too many terms; also
 * returned in *out), NG_ENOMEM, NG_EINVAL. */
NG_API int ng_query_parse(ng_query **out, ng_reader *reader, const char *text, size_t len,
                          unsigned flags);
/* As ng_query_parse, without a reader: words are analysed for language
 * and analyzer_flags (ng_stats.language / .analyzer_flags of the index it
 * will search). Errors: as ng_query_parse, and NG_ELANG. */
NG_API int ng_query_parse_for(ng_query **out, const char *language,
                              unsigned analyzer_flags, const char *text, size_t len,
                              unsigned flags);
NG_API void ng_query_free(ng_query *query);
/* Borrowed; lives as long as the query. Never NULL. */
NG_API const char *ng_query_errmsg(const ng_query *query);
/* Byte offset in the query text of the last parse error. */
NG_API size_t ng_query_error_offset(const ng_query *query);

enum ng_sort { NG_SORT_SCORE = 0, NG_SORT_DATE = 1 /* newest first */ };

/* How hits are scored (ng_search_options.rank). */
enum ng_rank {
    NG_RANK_PROXIMITY = 0, /* the default: BM25 + a term-proximity part */
    NG_RANK_BM25 = 1       /* plain BM25 */
};

enum ng_search_flags {
    NG_SEARCH_DEFAULT = 0,
    NG_SEARCH_COUNT = 1u << 0,      /* compute the exact total of matches */
    NG_SEARCH_FETCH = 1u << 1,      /* load title, date, source of hits */
    NG_SEARCH_SNIPPETS = 1u << 2,   /* build highlighted snippets (FETCH) */
    NG_SEARCH_EXPLAIN = 1u << 3,    /* per-term score breakdown */
    NG_SEARCH_EXHAUSTIVE = 1u << 4, /* no dynamic pruning (tests, explain) */
    NG_SEARCH_EXPAND = 1u << 5,     /* pseudo-relevance feedback (RM3): see
                                       fb_docs, fb_terms, fb_original_weight */
    NG_SEARCH_COLLAPSE = 1u << 8    /* syndicated copies collapsed: one hit per
                                       cluster of near-duplicates (estimated
                                       Jaccard >= 0.8 of the bodies' 5-word
                                       shingles), the best; the others via
                                       ng_results_similar. Still k hits. In
                                       ng_timeline: count stories, not copies */
};

typedef struct ng_search_options {
    size_t k;             /* results wanted (10) */
    double k1, b;         /* BM25; negative = the index default */
    int sort;             /* an ng_sort */
    const char *since;    /* a date (ng_date_parse) or NULL: from the first
                              day of its period ("1987-10": October 1st) */
    const char *until;    /* a date or NULL: to the last day of its period
                              ("1987": December 31st), inclusive */
    unsigned flags;       /* ng_search_flags */
    size_t snippet_bytes; /* target snippet length (200) */
    /* BM25 collection statistics of documents that are not in the index
     * but belong to the collection ranked (the ones a filter dropped, see
     * ng_index_set_filter; or the rest of a sharded collection): added to
     * the index's document count and total length (0, 0). */
    uint64_t unseen_docs;
    uint64_t unseen_tokens;
    /* Distributed search (added in 0.3; fields are only ever appended, so
     * call ng_search_options_init first): when not NULL, BM25 uses these
     * collection statistics (ng_query_stats_get of every part, summed with
     * ng_query_stats_add) instead of the reader's own N, total length and
     * dfs, and prefix* keeps the terms the summed statistics choose; the
     * reader's documents must be counted in them. unseen_* still add. */
    const struct ng_query_stats *stats;
    /* NG_SEARCH_EXPAND (RM3, added in 0.3, as Anserini): the query is run once, the
     * fb_docs best documents' stored title and body are analysed, their
     * term distributions weighted by the documents' scores give the
     * fb_terms most likely terms (not in more than 10 % of the documents),
     * and those are mixed with the query: weight fb_original_weight for
     * the query's own words, 1 - fb_original_weight for the new terms
     * (10, 10, 0.5). */
    unsigned fb_docs;
    unsigned fb_terms;
    double fb_original_weight;
    /* Ranking (added in 0.3), an ng_rank. NG_RANK_PROXIMITY (the default)
     * adds to BM25 a term-proximity part: each two neighbouring words of
     * the query (top level, in query order, stopwords skipped; both plain
     * words: not phrases, prefixes, field-restricted or excluded words)
     * form a pair (a, b) whose tf in a document is the number of
     * occurrences of a followed by b within prox_window positions
     * (stopwords count); the pair adds
     * prox_weight * min(1, qtf(a), qtf(b)) * (k1 + 1) * tf / (tf + K),
     * K the document's BM25 length normaliser. A query of one word scores
     * as plain BM25. Pruning stays rank-safe (the part has bounds).
     * NG_RANK_BM25: plain BM25, the scores of earlier versions. The
     * feedback run of NG_SEARCH_EXPAND uses rank; the expanded query and
     * ng_related's query, bags of weighted terms without a word order,
     * are ranked by plain BM25. */
    int rank;
    double prox_weight;   /* <= 0: the default, 0.5 */
    unsigned prox_window; /* 0: the default, 2 positions */
} ng_search_options;

NG_API void ng_search_options_init(ng_search_options *opts);

typedef struct ng_results ng_results;

/* A highlighted span of a snippet: bytes [start, end) of the snippet. */
typedef struct ng_span {
    size_t start;
    size_t end;
} ng_span;

/* One hit. Every pointer is borrowed and lives as long as the results;
 * fields not requested by the search flags are NULL. */
typedef struct ng_hit {
    const char *id;            /* external id, NUL-terminated */
    double score;              /* BM25 score (0 for pure filters) */
    const char *title;         /* NG_SEARCH_FETCH */
    const char *date;          /* NG_SEARCH_FETCH; "YYYY-MM-DD" or NULL */
    const char *source;        /* NG_SEARCH_FETCH */
    const char *snippet;       /* NG_SEARCH_SNIPPETS; UTF-8 text */
    const ng_span *highlights; /* NG_SEARCH_SNIPPETS */
    size_t n_highlights;
    const char *explain; /* NG_SEARCH_EXPLAIN; multi-line text */
} ng_hit;

/* Runs query on reader (thread-safe for one reader and distinct queries).
 * opts may be NULL for defaults. Hits rank by higher score (with
 * NG_SORT_DATE: newer date, then higher score); equal scores rank the
 * smaller external id first, compared as bytes (strcmp), so the order
 * and the hits kept at the k-th place do not depend on how the
 * documents were numbered, indexed (threads), split into segments,
 * parts or shards, or merged. A prefix* matching more than
 * NG_MAX_PREFIX_EXPANSION terms searches the most frequent ones (see
 * ng_results_warning). Errors: NG_EINVAL, NG_ENOMEM, NG_ECORRUPT,
 * NG_EQUERY (the query was parsed for another language or analyzer
 * flags). On failure other than NG_EINVAL / NG_ENOMEM, *out holds a
 * failed results handle whose ng_results_errmsg() says why (free it). */
NG_API int ng_search(ng_reader *reader, const ng_query *query,
                     const ng_search_options *opts, ng_results **out);
NG_API void ng_results_free(ng_results *results);
/* Related articles: the documents most like the live document with this
 * external id (a more-like-this query: the 25 terms of its stored title
 * and body with the highest tf-idf, weighted by it), without the document
 * itself and its syndicated copies (signatures estimating Jaccard >= 0.8
 * over 5-word shingles, as NG_SEARCH_COLLAPSE; documents of segments
 * without signatures are kept). opts as for ng_search (k, flags, dates; NG_SEARCH_EXPAND and
 * NG_SEARCH_COLLAPSE are ignored). Errors: NG_ENOTFOUND (no such id;
 * *out holds a failed handle), and those of ng_search. */
NG_API int ng_related(ng_reader *reader, const char *id, size_t id_len,
                      const ng_search_options *opts, ng_results **out);
/* Borrowed; lives as long as the results. Never NULL. */
NG_API const char *ng_results_errmsg(const ng_results *results);
/* Number of hits returned (<= k). */
NG_API size_t ng_results_count(const ng_results *results);
/* Exact number of matching documents with NG_SEARCH_COUNT, else -1. */
NG_API int64_t ng_results_total(const ng_results *results);
/* A note about how the query was searched, or NULL: a prefix* limited to
 * its most frequent terms, a query made only of stopwords (which are not
 * indexed). Borrowed; lives as long as the results. */
NG_API const char *ng_results_warning(const ng_results *results);
/* The i-th hit, best first; NULL when out of range. */
NG_API const ng_hit *ng_results_hit(const ng_results *results, size_t i);
/* With NG_SEARCH_COLLAPSE: the number of matching documents folded under
 * hit i (its near-duplicates, ranked below it) and, when ids is not NULL,
 * their external ids best first in *ids (borrowed; lives as long as the
 * results). Only the best candidates are looked at (at least 2k + 20):
 * copies ranked far lower are not counted. 0 without the flag. Documents
 * of segments written before signatures existed are never folded (the
 * results' warning says how many; `ng_index_merge` computes them). */
NG_API size_t ng_results_similar(const ng_results *results, size_t i,
                                 const char *const **ids);
/* Live documents of the reader's snapshot that have no near-duplicate
 * signature because their segment was written before signatures existed
 * (format 3 without SIGN): collapsing never folds them. ng_index_merge
 * (`newsgrep merge`) computes theirs from the stored text. */
NG_API uint64_t ng_reader_unsigned_docs(ng_reader *reader);

/* ---- statistics exchange (distributed search) ------------------------
 * A collection split over several readers, processes or machines ranks
 * exactly like one index when every part scores with the statistics of
 * the whole: (1) ng_query_stats_get on every part, (2) ng_query_stats_add
 * them up (any order; ng_query_stats_encode / _decode carry them between
 * processes), (3) ng_search on every part with opts.stats = the sum and
 * the same k, (4) merge the parts' hits by score, higher first; equal
 * scores rank the smaller external id first (bytes, strcmp: ng_search's
 * tie rule, so each part's top k already holds its share of the ties at
 * the cut-off), and keep k. The hits, their order and their scores are
 * bit for bit those of the single index; totals (NG_SEARCH_COUNT) and timelines add up. */
typedef struct ng_query_stats ng_query_stats;

/* The statistics of query in reader: N (documents, deleted ones
 * included, as BM25 counts them), the total length, and the df of every
 * query term and of every term each prefix* expands to. Errors:
 * NG_EINVAL, NG_ENOMEM, NG_ECORRUPT, NG_EQUERY (as ng_search). On failure
 * other than NG_EINVAL / NG_ENOMEM, *out holds a failed handle whose
 * ng_query_stats_errmsg() says why (free it). */
NG_API int ng_query_stats_get(ng_reader *reader, const ng_query *query,
                              ng_query_stats **out);
/* Adds part into sum (documents, lengths, each term's df). Errors:
 * NG_EINVAL (also: the two were gathered for different analyzer
 * settings), NG_ENOMEM (sum is then unchanged). */
NG_API int ng_query_stats_add(ng_query_stats *sum, const ng_query_stats *part);
/* Serialises stats into buf[0..cap); *len = the bytes needed (call with
 * buf NULL, cap 0 to size it). Returns NG_ELIMIT when cap is too small.
 * Format (version 1, little-endian): "NGQS", u32 version, u8 language
 * length + language, u32 analyzer flags, u64 documents, u64 total length,
 * u64 terms, then per term in ascending byte order a varint length, its
 * bytes and a varint df; a u64 XXH3-64 of all the bytes before it. */
NG_API int ng_query_stats_encode(const ng_query_stats *stats, void *buf, size_t cap,
                                 size_t *len);
/* Reads what ng_query_stats_encode wrote (every length and the checksum
 * are checked). Errors: NG_EINVAL (not such bytes: *out is NULL),
 * NG_ENOMEM. */
NG_API int ng_query_stats_decode(ng_query_stats **out, const void *buf, size_t len);
/* Documents (N) and total length the statistics hold, and their terms. */
NG_API void ng_query_stats_totals(const ng_query_stats *stats, uint64_t *documents,
                                  uint64_t *tokens, uint64_t *terms);
/* Borrowed; lives as long as stats. Never NULL. */
NG_API const char *ng_query_stats_errmsg(const ng_query_stats *stats);
NG_API void ng_query_stats_free(ng_query_stats *stats);

/* Counts matching documents per date bucket (documents without a date are
 * not counted); with NG_SEARCH_COLLAPSE in opts->flags, stories: each
 * cluster of near-duplicates among the matches counts once, in the bucket
 * of its earliest copy. by: "day", "week" (ISO weeks, Monday), "month" or "year".
 * Calls fn(ctx, bucket_start "YYYY-MM-DD", count) in date order for every
 * bucket from the first to the last non-empty one (empty ones included).
 * Errors: NG_EINVAL, NG_ENOMEM, NG_ECORRUPT, NG_EQUERY (as ng_search), or fn's non-zero
 * return; ng_reader_errmsg() in the calling thread says why (thread-safe as ng_search). */
typedef int (*ng_bucket_fn)(void *ctx, const char *bucket_start, uint64_t count);
NG_API int ng_timeline(ng_reader *reader, const ng_query *query,
                       const ng_search_options *opts, const char *by, ng_bucket_fn fn,
                       void *ctx);

/* ---- dates -----------------------------------------------------------
 * One reader of dates for documents, search options and query clauses.
 * ng_date_parse understands ISO 8601 ("2025-06-17", "2025-06-17T10:00:00
 * +02:00", "2025-06", "2025"), YYYY/MM/DD, YYYYMMDD, DD.MM.YYYY, RFC 2822
 * ("Tue, 17 Jun 2025 10:00:00 +0000") and dates written with month names
 * in English, French, German, Spanish, Italian, Portuguese, Dutch and
 * Russian ("June 17, 2025", "18 juin 2025", "3. März 2024", "5 de mayo de
 * 2023", "12 января 2022"), case- and accent-insensitive. A date names a
 * period: a day, a month ("June 2025") or a year ("2025"). Times and zone
 * offsets are checked but not applied: a paper's date is the day in its own
 * time zone. Years 0001 to 9999 of the Gregorian calendar. */
typedef enum ng_date_precision {
    NG_DATE_YEAR = 1,  /* "2025": the whole year */
    NG_DATE_MONTH = 2, /* "June 2025": the whole month */
    NG_DATE_DAY = 3    /* "2025-06-17": one day */
} ng_date_precision;

typedef struct ng_date {
    int32_t first;       /* first day of the period, days since 1970-01-01 */
    int32_t last;        /* last day of the period (== first for a day) */
    int precision;       /* an ng_date_precision */
    char iso[11];        /* "YYYY", "YYYY-MM" or "YYYY-MM-DD", NUL-ended */
    size_t error_offset; /* on failure: byte offset of the problem in text */
    char error[96];      /* on failure: what is wrong, e.g. "2025 has no
                              February 29" */
} ng_date;

/* Reads the date in text[0..len) (surrounding blanks allowed) into *out.
 * Returns 0, or NG_EINVAL with out->error and out->error_offset set when
 * the text is not a valid date (unknown word, February 29 of a common
 * year, an offset such as +99:99, ...). */
NG_API int ng_date_parse(const char *text, size_t len, ng_date *out);

/* =====================================================================
 * Text encodings: input bytes -> UTF-8 (added in 0.5).
 * Old archives and pages without a declared charset are often Latin-1 or
 * Windows-1252 (its superset); read as UTF-8 their accented letters are
 * invalid bytes ("Café" indexed as "caf"). ng_text_to_utf8 tells the
 * two apart and converts; ng_extract_text and the newsgrep command read
 * every text and JSONL input through it.
 * ===================================================================== */
enum ng_text_flags {
    NG_TEXT_DEFAULT = 0,
    NG_TEXT_REPLACE = 1u << 0,  /* invalid UTF-8 bytes and NUL bytes become
                                   U+FFFD: the result is valid UTF-8 and a
                                   C string of *out_len bytes */
    NG_TEXT_UTF8_ONLY = 1u << 1 /* the bytes are UTF-8: never read them as
                                   Windows-1252 */
};

/* How ng_text_to_utf8 read the bytes. */
enum ng_text_encoding {
    NG_TEXT_UTF8 = 0,  /* UTF-8 (ASCII included), perhaps with invalid bytes */
    NG_TEXT_CP1252 = 1 /* Windows-1252 / Latin-1, converted */
};

/* Gives data[0..len) as UTF-8. Bytes with invalid UTF-8 and at most one
 * valid multibyte character for every 8 invalid bytes (Latin-1 text forms
 * a valid pair only by accident; UTF-8 with a few damaged bytes stays
 * UTF-8; ASCII is UTF-8) are read as Windows-1252 and converted, byte for
 * byte as glibc's iconv does: 0x80..0x9F by its table, its five undefined
 * bytes (0x81 0x8D 0x8F 0x90 0x9D) as U+FFFD, the others as Latin-1. Other
 * bytes are UTF-8 and kept as they are (invalid bytes included: the
 * analyzer counts them as word breaks), except with NG_TEXT_REPLACE.
 * flags: a bitwise OR of ng_text_flags.
 * Ownership: on success *out is either NULL, when data needs no change
 * (*out_len is then len: use data itself), or a new buffer of *out_len
 * bytes and a NUL after them, which the caller owns and frees with
 * ng_text_free. So: `const char *text = *out ? *out : data`.
 * *encoding (may be NULL) is set to an ng_text_encoding.
 * Errors: NG_EINVAL (out or out_len NULL, data NULL with len > 0, unknown
 * flag bits), NG_ENOMEM; *out is then NULL and *out_len 0. Holds no
 * state: any thread may call it. */
NG_API int ng_text_to_utf8(const char *data, size_t len, unsigned flags, char **out,
                           size_t *out_len, int *encoding);
/* Frees a buffer of ng_text_to_utf8; NULL is fine. */
NG_API void ng_text_free(char *text);

/* =====================================================================
 * Extraction: a web page or a scraped text dump -> articles, as documents.
 * ===================================================================== */
typedef struct ng_extract ng_extract; /* a result: zero or more articles */

typedef struct ng_extract_options {
    const char *url;     /* the page's address, or NULL (dates in URLs, id) */
    const char *source;  /* a name for messages and the source field, or NULL */
    const char *charset; /* a charset declared outside the bytes (HTTP), or NULL */
    size_t max_bytes;    /* larger inputs: NG_ELIMIT; 0 = default (64 MiB) */
    unsigned flags;      /* ng_extract_flags */
} ng_extract_options;

enum ng_extract_flags {
    NG_EXTRACT_DEFAULT = 0,
    NG_EXTRACT_KEEP_BOILERPLATE = 1u << 0 /* whole page text, no main-content choice */
};

NG_API void ng_extract_options_init(ng_extract_options *opts);
/* *out is set on success AND on failure (a failed handle whose errmsg says why), except
 * NG_EINVAL/NG_ENOMEM. Zero articles is not an error: count == 0 and ng_extract_errmsg
 * says why (e.g. "no text"). With articles, a non-empty errmsg is a warning (a page
 * nested deeper than the parser reads). */
NG_API int ng_extract_html(const char *data, size_t len, const ng_extract_options *opts,
                           ng_extract **out);
/* ng_extract_text: text that is not UTF-8 but reads as Latin-1 / Windows-1252 is
 * converted to UTF-8 first (ng_text_to_utf8, as the CLI's ingest does), so article
 * fields are UTF-8 (and may be longer than the input). */
NG_API int ng_extract_text(const char *data, size_t len, const ng_extract_options *opts,
                           ng_extract **out);
NG_API size_t ng_extract_count(const ng_extract *ex);
/* The i-th article; fields borrowed, live as long as ex. Fields use the roles of ng_field_role:
 * NG_FIELD_TITLE "title", NG_FIELD_BODY "body", NG_FIELD_DATE "date" (YYYY-MM-DD),
 * NG_FIELD_SOURCE "url" (canonical/og:url or opts->url), and NG_FIELD_STORED "author",
 * "site", "lang", "updated" when found. No NG_FIELD_ID: the caller sets the id. */
NG_API const ng_document *ng_extract_document(const ng_extract *ex, size_t i);
NG_API const char *ng_extract_errmsg(const ng_extract *ex); /* never NULL */
NG_API void ng_extract_free(ng_extract *ex);                /* NULL-safe */

/* =====================================================================
 * UNSTABLE: benchmark and debugging hooks. Not covered by any
 * compatibility promise; may change in any release.
 * ===================================================================== */

/* Decodes n_blocks random blocks of 128 bit-packed integers repeatedly;
 * returns the number of integers decoded (for bench/). */
NG_API uint64_t ng_unstable_codec_bench(unsigned bits, uint64_t n_blocks);

#ifdef __cplusplus
}
#endif
#endif /* NEWSGREP_H */
