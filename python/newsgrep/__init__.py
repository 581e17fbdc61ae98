"""newsgrep: full-text search for news archives, from Python.

A binding over libnewsgrep's public C API (cffi, ABI mode; the GIL is
released during indexing and search)::

    import newsgrep
    with newsgrep.Index("news-index") as ix:          # commits on exit
        ix.add(id="a1", title="Rain in Spain", body="...", date="2025-06-17")
    with newsgrep.Reader("news-index") as r:
        for hit in r.search("rain spain", k=5):
            print(hit.id, hit.score, hit.title, hit.snippet)

Errors are exceptions carrying the library's code and message, one class
per error (newsgrep.errors). Sharded indexes on dask.distributed:
``newsgrep.dask``. The library is found through NEWSGREP_LIB (file or
directory), the path recorded at install, a source checkout's build/,
pkg-config, or the dynamic linker.
"""

from ._core import (Hit, Index, IndexCounts, QueryStats, Reader, Results, Stats,
                    Timeline, Token, extract_html, extract_text, languages,
                    live_handles, parse_date, tokens)
from ._ffi import LIBRARY_PATH, ffi as _cffi, lib as _lib
from .errors import (ClosedError, CorruptIndexError, DocumentError,
                     IndexIOError, IndexLockedError, InvalidArgumentError,
                     LanguageError, LimitExceededError, NewsgrepError,
                     NoIndexError, NotFoundError, OutOfMemoryError,
                     QuerySyntaxError, StateError, VersionError)

__version__ = "0.5.0"
library_version: str = _cffi.string(_lib.ng_version_string()).decode()

__all__ = [
    "Index", "Reader", "Results", "Hit", "Timeline", "Stats", "Token",
    "IndexCounts", "QueryStats", "tokens", "languages", "parse_date", "live_handles",
    "extract_html", "extract_text",
    "library_version", "LIBRARY_PATH",
    "NewsgrepError", "OutOfMemoryError", "InvalidArgumentError",
    "IndexIOError", "CorruptIndexError", "IndexLockedError", "NotFoundError",
    "QuerySyntaxError", "LimitExceededError", "VersionError", "NoIndexError",
    "LanguageError", "StateError", "DocumentError", "ClosedError",
]
