"""Loading libnewsgrep through cffi (ABI mode: no compiler at install time).

cffi releases the GIL around every call into the library, so indexing and
searching run in parallel with other Python threads.

The declarations below copy include/newsgrep.h (the public API only); the
struct layouts must match it byte for byte, which tests/test_abi.py checks
against the header with the C compiler.
"""

from __future__ import annotations

import ctypes.util
import os
import subprocess
from pathlib import Path

import cffi

CDEF = r"""
unsigned ng_version_number(void);
const char *ng_version_string(void);
const char *ng_strerror(int code);
const char *ng_error_name(int code);

typedef struct ng_analyzer ng_analyzer;
typedef struct ng_token {
    const char *term; size_t term_len; uint32_t position; size_t start; size_t end;
} ng_token;
typedef int (*ng_token_fn)(void *ctx, const ng_token *token);
int ng_analyzer_create(ng_analyzer **out, const char *language, unsigned flags);
void ng_analyzer_free(ng_analyzer *analyzer);
int ng_analyzer_tokenize(ng_analyzer *analyzer, const char *text, size_t len,
                         uint32_t first_position, ng_token_fn fn, void *ctx);
const char *ng_analyzer_language(const ng_analyzer *analyzer);
const char **ng_languages(void);

typedef struct ng_field {
    const char *name; const char *value; size_t value_len; int role;
} ng_field;
typedef struct ng_document { const ng_field *fields; size_t n_fields; } ng_document;

typedef struct ng_index ng_index;
typedef struct ng_index_options {
    const char *language; unsigned analyzer_flags; double k1; double b;
    size_t ram_mb; unsigned threads; size_t max_doc_bytes; int create;
    unsigned flags;
} ng_index_options;
void ng_index_options_init(ng_index_options *opts);
int ng_index_open(ng_index **out, const char *dir, const ng_index_options *opts);
int ng_index_add(ng_index *index, const ng_document *doc);
int ng_index_delete(ng_index *index, const char *id, size_t id_len);
int ng_index_commit(ng_index *index);
int ng_index_merge(ng_index *index);
void ng_index_free(ng_index *index);
const char *ng_index_errmsg(const ng_index *index);
typedef struct ng_index_counts {
    uint64_t added; uint64_t replaced; uint64_t deleted; uint64_t filtered;
    uint64_t filtered_tokens;
} ng_index_counts;
void ng_index_get_counts(const ng_index *index, ng_index_counts *out);

typedef struct ng_reader ng_reader;
int ng_reader_open(ng_reader **out, const char *dir);
int ng_reader_reopen(ng_reader *reader, int *changed);
void ng_reader_free(ng_reader *reader);
const char *ng_reader_errmsg(const ng_reader *reader);
typedef struct ng_stats {
    uint64_t documents; uint64_t deleted; uint64_t terms; uint64_t tokens;
    uint64_t segments; uint64_t generation; uint64_t postings_bytes;
    uint64_t positions_bytes; uint64_t lexicon_bytes; uint64_t docstore_bytes;
    uint64_t other_bytes; uint64_t total_bytes; double avg_doc_length;
    double k1, b; const char *language; unsigned analyzer_flags;
} ng_stats;
int ng_reader_stats(ng_reader *reader, ng_stats *out);
int ng_reader_check(ng_reader *reader);
typedef struct ng_doc ng_doc;
int ng_reader_get(ng_reader *reader, const char *id, size_t id_len, ng_doc **out);
void ng_doc_free(ng_doc *doc);
size_t ng_doc_field_count(const ng_doc *doc);
const ng_field *ng_doc_field(const ng_doc *doc, size_t i);

typedef struct ng_query ng_query;
int ng_query_parse(ng_query **out, ng_reader *reader, const char *text,
                   size_t len, unsigned flags);
void ng_query_free(ng_query *query);
const char *ng_query_errmsg(const ng_query *query);
size_t ng_query_error_offset(const ng_query *query);

typedef struct ng_search_options {
    size_t k; double k1, b; int sort; const char *since; const char *until;
    unsigned flags; size_t snippet_bytes; uint64_t unseen_docs;
    uint64_t unseen_tokens; const struct ng_query_stats *stats;
    unsigned fb_docs; unsigned fb_terms; double fb_original_weight;
    int rank; double prox_weight; unsigned prox_window;
} ng_search_options;
void ng_search_options_init(ng_search_options *opts);
typedef struct ng_results ng_results;
typedef struct ng_span { size_t start; size_t end; } ng_span;
typedef struct ng_hit {
    const char *id; double score; const char *title; const char *date;
    const char *source; const char *snippet; const ng_span *highlights;
    size_t n_highlights; const char *explain;
} ng_hit;
int ng_search(ng_reader *reader, const ng_query *query,
              const ng_search_options *opts, ng_results **out);
void ng_results_free(ng_results *results);
const char *ng_results_errmsg(const ng_results *results);
size_t ng_results_count(const ng_results *results);
int64_t ng_results_total(const ng_results *results);
const char *ng_results_warning(const ng_results *results);
const ng_hit *ng_results_hit(const ng_results *results, size_t i);
size_t ng_results_similar(const ng_results *results, size_t i, const char *const **ids);
uint64_t ng_reader_unsigned_docs(ng_reader *reader);
typedef int (*ng_bucket_fn)(void *ctx, const char *bucket_start, uint64_t count);
int ng_timeline(ng_reader *reader, const ng_query *query,
                const ng_search_options *opts, const char *by,
                ng_bucket_fn fn, void *ctx);

typedef struct ng_date {
    int32_t first; int32_t last; int precision; char iso[11];
    size_t error_offset; char error[96];
} ng_date;
int ng_date_parse(const char *text, size_t len, ng_date *out);
"""

# Several indexes as one reader, and the statistics exchange of
# distributed search (0.3).
CDEF_MULTI = r"""
int ng_reader_open_many(ng_reader **out, const char *const *dirs, size_t n,
                        unsigned flags);
typedef struct ng_query_stats ng_query_stats;
int ng_query_stats_get(ng_reader *reader, const ng_query *query,
                       ng_query_stats **out);
int ng_query_stats_add(ng_query_stats *sum, const ng_query_stats *part);
int ng_query_stats_encode(const ng_query_stats *stats, void *buf, size_t cap,
                          size_t *len);
int ng_query_stats_decode(ng_query_stats **out, const void *buf, size_t len);
void ng_query_stats_totals(const ng_query_stats *stats, uint64_t *documents,
                           uint64_t *tokens, uint64_t *terms);
const char *ng_query_stats_errmsg(const ng_query_stats *stats);
void ng_query_stats_free(ng_query_stats *stats);
"""

# The ABI (SONAME) and API versions this binding was written against: ABI 2
# is 0.3, where ng_search_options grew the stats pointer.
SONAME = "libnewsgrep.so.3"
REQUIRED_VERSION = (0, 3)

# Extraction: web pages and scraped text dumps -> articles (issue 12).
CDEF_EXTRACT = r"""
typedef struct ng_extract ng_extract;
typedef struct ng_extract_options {
    const char *url; const char *source; const char *charset; size_t max_bytes;
    unsigned flags;
} ng_extract_options;
void ng_extract_options_init(ng_extract_options *opts);
int ng_extract_html(const char *data, size_t len, const ng_extract_options *opts,
                    ng_extract **out);
int ng_extract_text(const char *data, size_t len, const ng_extract_options *opts,
                    ng_extract **out);
size_t ng_extract_count(const ng_extract *ex);
const ng_document *ng_extract_document(const ng_extract *ex, size_t i);
const char *ng_extract_errmsg(const ng_extract *ex);
void ng_extract_free(ng_extract *ex);
"""

ffi = cffi.FFI()
ffi.cdef(CDEF)
ffi.cdef(CDEF_MULTI)
ffi.cdef(CDEF_EXTRACT)


def _candidates() -> list[str]:
    """Where to look for the shared library, first match wins."""
    found = []
    env = os.environ.get("NEWSGREP_LIB")
    if env:  # a file, or a directory holding it
        p = Path(env)
        found.append(str(p / SONAME) if p.is_dir() else str(p))
    try:  # recorded at install time from a built tree (setup.py)
        from . import _libpath  # type: ignore[attr-defined]

        found.append(_libpath.LIB)
    except ImportError:
        pass
    # A source checkout: python/newsgrep/ -> <repo>/build/
    found.append(str(Path(__file__).resolve().parents[2] / "build" / SONAME))
    try:
        libdir = subprocess.run(
            ["pkg-config", "--variable=libdir", "newsgrep"],
            capture_output=True, text=True, timeout=10, check=False,
        ).stdout.strip()
        if libdir:
            found.append(os.path.join(libdir, SONAME))
    except (OSError, subprocess.SubprocessError):
        pass
    name = ctypes.util.find_library("newsgrep")
    if name:
        found.append(name)
    found.append(SONAME)  # the dynamic linker's own search path
    return found


def _load():
    tried = []
    for path in _candidates():
        if os.sep in path and not os.path.exists(path):
            tried.append(f"{path} (missing)")
            continue
        try:
            lib = ffi.dlopen(path)
        except OSError as e:
            tried.append(f"{path} ({e})")
            continue
        version = lib.ng_version_number()
        major, minor = version // 10000, version // 100 % 100
        if (major, minor) < REQUIRED_VERSION or major != REQUIRED_VERSION[0]:
            tried.append(f"{path} (version {major}.{minor}, need "
                         f"{REQUIRED_VERSION[0]}.{REQUIRED_VERSION[1]} or a later 0.x)")
            continue
        return lib, path
    raise ImportError(
        "newsgrep: cannot load libnewsgrep; set NEWSGREP_LIB to the library "
        "file or its directory (e.g. the repository's build/ after `make`), "
        "or install it where pkg-config finds newsgrep.pc. Tried: "
        + "; ".join(tried))


lib, LIBRARY_PATH = _load()


def has_function(name: str) -> bool:
    """True when the loaded library exports this (declared) function."""
    try:
        getattr(lib, name)
        return True
    except AttributeError:
        return False
