"""Index, Reader and the values they return, over the libnewsgrep C API."""

from __future__ import annotations

import contextlib
import datetime as _dt
import os
import threading
from collections import Counter
from dataclasses import dataclass, field
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple,
                    Optional, Sequence, Tuple, Union)

from ._ffi import ffi, has_function, lib
from .errors import (ClosedError, InvalidArgumentError, NewsgrepError,
                     QuerySyntaxError, error_for)

PathLike = Union[str, "os.PathLike[str]"]
DateLike = Union[str, _dt.date, None]

# Field roles and flags (newsgrep.h).
ROLE_STORED, ROLE_ID, ROLE_TITLE, ROLE_BODY, ROLE_DATE, ROLE_SOURCE = range(6)
_ANALYZE_NO_STEM, _ANALYZE_NO_STOP = 1, 2
_QUERY_ALL = 1
_SEARCH_COUNT, _SEARCH_FETCH, _SEARCH_SNIPPETS = 1, 2, 4
_SEARCH_EXPLAIN, _SEARCH_EXHAUSTIVE = 8, 16
_SEARCH_COLLAPSE = 1 << 8
_SORTS = {"score": 0, "date": 1}
_RANKS = {"proximity": 0, "bm25": 1}

# C handles alive, by kind: the binding's own count, for leak checks.
_live: Counter = Counter()
_live_lock = threading.Lock()


def _count(kind: str, delta: int) -> None:
    with _live_lock:
        _live[kind] += delta


def live_handles() -> Dict[str, int]:
    """C handles currently alive, by kind ("reader", "results", ...).

    Every handle the binding creates is counted until it is freed, so after
    a workload this should be back to the number of open Index / Reader
    objects: the leak check of the tests."""
    with _live_lock:
        return {k: v for k, v in _live.items() if v}


def _s(ptr) -> Optional[str]:
    """A borrowed C string as str (None for NULL)."""
    if ptr == ffi.NULL:
        return None
    return ffi.string(ptr).decode("utf-8", "replace")


def _b(text: Union[str, bytes], what: str) -> bytes:
    if isinstance(text, bytes):
        return text
    if isinstance(text, str):
        return text.encode("utf-8")
    raise TypeError(f"{what} must be str or bytes, not {type(text).__name__}")


def _date_arg(value: DateLike, what: str) -> Optional[bytes]:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat().encode()
    return _b(value, what)


class _Guard:
    """Use counting for a handle: close() waits for calls in progress, and
    a call after close raises ClosedError instead of touching freed memory."""

    def __init__(self, what: str) -> None:
        self._what = what
        self._cv = threading.Condition()
        self._users = 0
        self.closed = False

    @contextlib.contextmanager
    def use(self) -> Iterator[None]:
        with self._cv:
            if self.closed:
                raise ClosedError(f"{self._what} is closed", -12)
            self._users += 1
        try:
            yield
        finally:
            with self._cv:
                self._users -= 1
                if not self._users:
                    self._cv.notify_all()

    def close(self) -> bool:
        """Marks closed and waits for users; True the first time only."""
        with self._cv:
            if self.closed:
                return False
            self.closed = True
            while self._users:
                self._cv.wait()
            return True


# ---------------------------------------------------------------------------
# Values
# ---------------------------------------------------------------------------

class Token(NamedTuple):
    """An analysed token: ``term`` as indexed, its word ``position``, and
    ``start``/``end`` byte offsets into the UTF-8 encoding of the text."""

    term: str
    position: int
    start: int
    end: int


@dataclass(frozen=True)
class Hit:
    """One search result.

    ``highlights`` are ``(start, end)`` byte offsets into the UTF-8
    ``snippet`` (as the command's ``--json`` prints them); ``highlighted``
    gives the highlighted strings. ``fields`` holds every stored field of
    the document, by name, when the search asked for them."""

    id: str
    score: float
    title: Optional[str] = None
    date: Optional[str] = None
    source: Optional[str] = None
    snippet: Optional[str] = None
    highlights: Tuple[Tuple[int, int], ...] = ()
    fields: Optional[Dict[str, str]] = None
    explain: Optional[str] = None
    similar: Optional[Tuple[str, ...]] = None  # collapse=True: copies folded here

    @property
    def highlighted(self) -> List[str]:
        """The highlighted parts of the snippet, as text."""
        raw = (self.snippet or "").encode("utf-8")
        return [raw[a:b].decode("utf-8", "replace") for a, b in self.highlights]

    def as_dict(self) -> Dict[str, Any]:
        """The hit as the command's ``--json`` object (plus fields, explain)."""
        d: Dict[str, Any] = {
            "id": self.id, "score": self.score, "title": self.title,
            "date": self.date, "source": self.source, "snippet": self.snippet,
            "highlights": [list(s) for s in self.highlights]}
        if self.fields is not None:
            d["fields"] = self.fields
        if self.explain is not None:
            d["explain"] = self.explain
        if self.similar is not None:
            d["similar"] = list(self.similar)
        return d


class Results(Sequence[Hit]):
    """The hits of a search, best first (a sequence of :class:`Hit`).

    ``total`` is the exact number of matches when the search was made with
    ``count=True`` (else None); ``warning`` is the library's note about how
    the query was searched (a limited prefix*, stopwords only), or None."""

    def __init__(self, hits: List[Hit], total: Optional[int],
                 warning: Optional[str], query: str) -> None:
        self.hits = hits
        self.total = total
        self.warning = warning
        self.query = query

    def __getitem__(self, i):  # type: ignore[override]
        return self.hits[i]

    def __len__(self) -> int:
        return len(self.hits)

    def __repr__(self) -> str:
        return (f"<Results {self.query!r}: {len(self.hits)} hits"
                + (f" of {self.total}" if self.total is not None else "") + ">")

    def to_pandas(self):
        """A pandas DataFrame, one row per hit (needs pandas)."""
        import pandas as pd

        cols = ["id", "score", "title", "date", "source", "snippet"]
        df = pd.DataFrame([[getattr(h, c) for c in cols] for h in self.hits],
                          columns=cols)
        df["date"] = pd.to_datetime(df["date"])
        return df


class Timeline(Sequence[Tuple[str, int]]):
    """Matches per date bucket: ``(period_start "YYYY-MM-DD", count)`` in
    date order, empty buckets between the first and last included."""

    def __init__(self, buckets: List[Tuple[str, int]], by: str) -> None:
        self.buckets = buckets
        self.by = by

    def __getitem__(self, i):  # type: ignore[override]
        return self.buckets[i]

    def __len__(self) -> int:
        return len(self.buckets)

    def __repr__(self) -> str:
        return f"<Timeline by {self.by}: {len(self.buckets)} buckets>"

    def to_pandas(self):
        """A pandas Series of counts indexed by period start (needs pandas)."""
        import pandas as pd

        idx = pd.to_datetime([p for p, _ in self.buckets])
        return pd.Series([c for _, c in self.buckets], index=idx,
                         name="count", dtype="int64").rename_axis("period")


@dataclass(frozen=True)
class Stats:
    """Index statistics of a reader's snapshot (ng_stats)."""

    documents: int
    deleted: int
    terms: int
    tokens: int
    segments: int
    generation: int
    postings_bytes: int
    positions_bytes: int
    lexicon_bytes: int
    docstore_bytes: int
    other_bytes: int
    total_bytes: int
    avg_doc_length: float
    k1: float
    b: float
    language: str
    analyzer_flags: int


@dataclass(frozen=True)
class IndexCounts:
    """Counts of an Index since it was opened (ng_index_counts)."""

    added: int = 0
    replaced: int = 0
    deleted: int = 0


# ---------------------------------------------------------------------------
# Callbacks (one each, module-wide; the context is a cffi handle to a list)
# ---------------------------------------------------------------------------

@ffi.callback("int(void *, const ng_token *)", onerror=lambda *a: 1)
def _token_cb(ctx, tok):
    out = ffi.from_handle(ctx)
    term = ffi.unpack(tok.term, tok.term_len).decode("utf-8", "replace")
    out.append(Token(term, tok.position, tok.start, tok.end))
    return 0


@ffi.callback("int(void *, const char *, uint64_t)", onerror=lambda *a: 1)
def _bucket_cb(ctx, start, count):
    ffi.from_handle(ctx).append((ffi.string(start).decode(), int(count)))
    return 0


def _tokenize(language: Optional[bytes], flags: int, text: Union[str, bytes]
              ) -> List[Token]:
    raw = _b(text, "text")
    out = ffi.new("ng_analyzer **")
    rc = lib.ng_analyzer_create(out, language or ffi.NULL, flags)
    if rc:
        raise error_for(rc, context=f"analyzer {language!r}")
    _count("analyzer", 1)
    try:
        tokens: List[Token] = []
        keep = ffi.new_handle(tokens)
        rc = lib.ng_analyzer_tokenize(out[0], raw, len(raw), 0, _token_cb, keep)
        if rc < 0:
            raise error_for(rc, context="tokenize")
        return tokens
    finally:
        lib.ng_analyzer_free(out[0])
        _count("analyzer", -1)


def tokens(text: Union[str, bytes], language: str = "english", *,
           stem: bool = True, stopwords: bool = False) -> List[Token]:
    """Analyses text as an index would: NFKC, case folding, diacritics
    stripped, stopwords removed (their positions still count; keep them
    with ``stopwords=True``), Snowball stemming (``stem=False`` to keep
    folded words). Offsets are bytes of the UTF-8 text.

    >>> [t.term for t in tokens("The Running Dogs")]
    ['run', 'dog']
    """
    flags = (0 if stem else _ANALYZE_NO_STEM) | (_ANALYZE_NO_STOP if stopwords else 0)
    return _tokenize(language.encode(), flags, text)


def languages() -> List[str]:
    """The analyzer languages the library supports."""
    arr = lib.ng_languages()
    out, i = [], 0
    while arr[i] != ffi.NULL:
        out.append(ffi.string(arr[i]).decode())
        i += 1
    return out


def parse_date(text: str) -> str:
    """The ISO form ("2025-06-17", "2025-06", "2025") of a date the library
    reads (ISO 8601, RFC 2822, month names in eight languages...). Raises
    InvalidArgumentError naming the problem."""
    raw = _b(text, "date")
    d = ffi.new("ng_date *")
    rc = lib.ng_date_parse(raw, len(raw), d)
    if rc:
        raise error_for(rc, f"date {text!r}: {_s(d.error)} (at byte {d.error_offset})")
    return ffi.string(d.iso).decode()


_EXTRACT_KEEP_BOILERPLATE = 1


def _extract(fn_name: str, data: Union[str, bytes], url: Optional[str],
             source: Optional[str], charset: Optional[str],
             flags: int) -> List[Dict[str, str]]:
    if not has_function(fn_name):
        raise NewsgrepError(f"the library has no {fn_name} (older than 0.4)")
    raw = data.encode("utf-8") if isinstance(data, str) else bytes(data)
    opts = ffi.new("ng_extract_options *")
    lib.ng_extract_options_init(opts)
    keep = []  # the option strings live as long as the call
    for name, value in (("url", url), ("source", source), ("charset", charset)):
        if value is not None:
            keep.append(ffi.new("char[]", _b(value, name)))
            setattr(opts, name, keep[-1])
    opts.flags = flags
    out = ffi.new("ng_extract **")
    rc = getattr(lib, fn_name)(raw, len(raw), opts, out)
    ex = out[0]
    if ex == ffi.NULL:
        raise error_for(rc, None, context=fn_name)
    try:
        if rc:
            raise error_for(rc, _s(lib.ng_extract_errmsg(ex)), context=fn_name)
        docs = []
        for i in range(lib.ng_extract_count(ex)):
            d = lib.ng_extract_document(ex, i)
            fields: Dict[str, str] = {}
            for k in range(d.n_fields):
                f = d.fields[k]
                fields[ffi.string(f.name).decode("utf-8", "replace")] = ffi.unpack(
                    f.value, f.value_len).decode("utf-8", "replace")
            docs.append(fields)
        return docs
    finally:
        lib.ng_extract_free(ex)


def extract_html(data: Union[str, bytes], url: Optional[str] = None, *,
                 charset: Optional[str] = None, source: Optional[str] = None,
                 keep_boilerplate: bool = False) -> List[Dict[str, str]]:
    """The articles of a web page as ``newsgrep index`` and ``newsgrep
    extract`` read it (the library's ``ng_extract_html``): a list of dicts
    with "title", "body", and "date", "url", "author", "site", "lang",
    "updated" when found. ``url`` is the page's address (a date in it
    counts), ``charset`` one a server declared. A page over the limits
    raises LimitExceededError; a page without text gives ``[]``."""
    return _extract("ng_extract_html", data, url, source, charset,
                    _EXTRACT_KEEP_BOILERPLATE if keep_boilerplate else 0)


def extract_text(data: Union[str, bytes], url: Optional[str] = None, *,
                 source: Optional[str] = None) -> List[Dict[str, str]]:
    """The articles of a text file or a scraped text dump (the library's
    ``ng_extract_text``): headlines, date lines and chrome found as
    ``newsgrep extract`` does for ``.txt`` files."""
    return _extract("ng_extract_text", data, url, source, None, 0)


# ---------------------------------------------------------------------------
# Index (writer)
# ---------------------------------------------------------------------------

_NAME_CACHE: Dict[str, Any] = {}


def _name(name: str):
    c = _NAME_CACHE.get(name)
    if c is None:
        c = ffi.new("char[]", name.encode())
        if len(_NAME_CACHE) < 256:
            _NAME_CACHE[name] = c
    return c


class Index:
    """A writer for the index in directory ``path`` (created if missing).

    Use it as a context manager: on a normal exit the changes are committed
    (as with ``sqlite3``), after an exception they are discarded. One writer
    per index at a time, across processes (IndexLockedError otherwise);
    readers may search meanwhile and see each commit after ``reopen``.

    >>> with newsgrep.Index("news-index") as ix:
    ...     ix.add(id="a1", title="Rain", body="Rain in Spain", date="2025-06-17")
    """

    def __init__(self, path: PathLike, *, create: bool = True,
                 language: Optional[str] = None, stem: bool = True,
                 stopwords: bool = False, k1: Optional[float] = None,
                 b: Optional[float] = None, ram_mb: Optional[int] = None,
                 threads: Optional[int] = None,
                 max_doc_bytes: Optional[int] = None) -> None:
        """Opens the index. ``language``, ``stem``, ``stopwords`` (keep
        stopwords), ``k1`` and ``b`` apply to a new index only; ``ram_mb``
        is the RAM budget before a segment flush, ``threads`` the indexing
        threads (default: one per core)."""
        self.path = os.fspath(path)
        self._guard = _Guard(f"Index({self.path!r})")
        self._lock = threading.Lock()  # an ng_index is not thread-safe
        opts = ffi.new("ng_index_options *")
        lib.ng_index_options_init(opts)
        keep = []
        if language is not None:
            keep.append(ffi.new("char[]", language.encode()))
            opts.language = keep[-1]
        opts.analyzer_flags = ((0 if stem else _ANALYZE_NO_STEM)
                               | (_ANALYZE_NO_STOP if stopwords else 0))
        if k1 is not None:
            opts.k1 = k1
        if b is not None:
            opts.b = b
        if ram_mb is not None:
            opts.ram_mb = ram_mb
        if threads is not None:
            opts.threads = threads
        if max_doc_bytes is not None:
            opts.max_doc_bytes = max_doc_bytes
        opts.create = 1 if create else 0
        out = ffi.new("ng_index **")
        rc = lib.ng_index_open(out, self.path.encode(), opts)
        if rc:
            detail = _s(lib.ng_index_errmsg(out[0])) if out[0] != ffi.NULL else None
            lib.ng_index_free(out[0])
            self._guard.closed = True
            self._h = ffi.NULL
            raise error_for(rc, detail, context=f"index {self.path}")
        self._h = out[0]
        _count("index", 1)

    def _check(self, rc: int, what: str) -> None:
        if rc:
            raise error_for(rc, _s(lib.ng_index_errmsg(self._h)), context=what)

    def add(self, id: str, title: Optional[str] = None,
            body: Optional[str] = None, date: DateLike = None,
            source: Optional[str] = None, **fields: str) -> None:
        """Adds a document; one with the same id is replaced (visible after
        the next commit). ``date`` is a ``datetime.date`` or a string the
        library reads (ISO "2025-06-17", "17 June 2025", ...). Extra keyword
        fields are stored (not indexed) and come back in ``Hit.fields``.
        Raises DocumentError (bad id or date), LimitExceededError."""
        doc = [("id", id, ROLE_ID)]
        if title is not None:
            doc.append(("title", title, ROLE_TITLE))
        if body is not None:
            doc.append(("body", body, ROLE_BODY))
        if date is not None:
            doc.append(("date", self._date(date), ROLE_DATE))
        if source is not None:
            doc.append(("source", source, ROLE_SOURCE))
        for name, value in fields.items():
            doc.append((name, value, ROLE_STORED))
        self._add_fields(doc)

    @staticmethod
    def _date(value: Union[str, _dt.date]) -> str:
        if isinstance(value, _dt.datetime):
            value = value.date()
        if isinstance(value, _dt.date):
            return value.isoformat()
        try:
            iso = parse_date(value)
        except NewsgrepError:
            return value  # the library names the problem (DocumentError)
        return iso if len(iso) == 10 else value

    def _add_fields(self, doc: List[Tuple[str, Any, int]]) -> None:
        arr = ffi.new("ng_field[]", len(doc))
        keep = []
        for i, (name, value, role) in enumerate(doc):
            raw = _b(value if isinstance(value, (str, bytes)) else str(value),
                     f"field {name!r}")
            buf = ffi.from_buffer(raw)
            keep.append(buf)
            arr[i].name = _name(name)
            arr[i].value = buf
            arr[i].value_len = len(raw)
            arr[i].role = role
        d = ffi.new("ng_document *", {"fields": arr, "n_fields": len(doc)})
        with self._guard.use(), self._lock:
            self._check(lib.ng_index_add(self._h, d), f"add {doc[0][1]!r}")

    def add_many(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Adds every document of an iterable of mappings with the keys of
        :meth:`add` (``id``, ``title``, ``body``, ``date``, ``source``, any
        others stored). Returns the number added."""
        n = 0
        for d in docs:
            self.add(**d)
            n += 1
        return n

    def delete(self, id: str) -> None:
        """Deletes the document with this id, if any (after the next commit)."""
        raw = _b(id, "id")
        with self._guard.use(), self._lock:
            self._check(lib.ng_index_delete(self._h, raw, len(raw)), f"delete {id!r}")

    def commit(self) -> None:
        """Makes every add and delete so far durable and visible, atomically."""
        with self._guard.use(), self._lock:
            self._check(lib.ng_index_commit(self._h), f"commit {self.path}")

    def merge(self) -> None:
        """Commits, then merges every segment into one (drops deleted docs)."""
        with self._guard.use(), self._lock:
            self._check(lib.ng_index_merge(self._h), f"merge {self.path}")

    @property
    def counts(self) -> IndexCounts:
        """Documents added (replacements included), replaced and deleted."""
        c = ffi.new("ng_index_counts *")
        with self._guard.use(), self._lock:
            lib.ng_index_get_counts(self._h, c)
        return IndexCounts(c.added, c.replaced, c.deleted)

    def close(self) -> None:
        """Releases the writer lock; uncommitted changes are discarded."""
        if self._guard.close():
            lib.ng_index_free(self._h)
            self._h = ffi.NULL
            _count("index", -1)

    @property
    def closed(self) -> bool:
        return self._guard.closed

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        try:
            if exc_type is None and not self.closed:
                self.commit()
        finally:
            self.close()

    def __del__(self) -> None:
        if getattr(self, "_guard", None) is not None:
            self.close()

    def __repr__(self) -> str:
        return f"<newsgrep.Index {self.path!r}{' closed' if self.closed else ''}>"


# ---------------------------------------------------------------------------
# Query statistics (distributed search)
# ---------------------------------------------------------------------------

class QueryStats:
    """BM25 collection statistics of one query in one index or shard: N,
    the total length and each query term's document frequency
    (ng_query_stats). Sum the shards' with ``+`` (or ``sum``), then search
    every shard with ``Reader.search(query, stats=total)`` and merge by
    score: the scores equal those of one index holding every document.
    Pickles as the library's checksummed encoding (``to_bytes``)."""

    def __init__(self, handle) -> None:
        self._h = handle
        _count("query_stats", 1)

    @classmethod
    def from_bytes(cls, data: bytes) -> "QueryStats":
        """Reads what :meth:`to_bytes` wrote (checked: InvalidArgumentError)."""
        out = ffi.new("ng_query_stats **")
        rc = lib.ng_query_stats_decode(out, data, len(data))
        if rc:
            if out[0] != ffi.NULL:
                lib.ng_query_stats_free(out[0])
            raise error_for(rc, context="query statistics")
        return cls(out[0])

    def to_bytes(self) -> bytes:
        n = ffi.new("size_t *")
        lib.ng_query_stats_encode(self._h, ffi.NULL, 0, n)
        buf = ffi.new("char[]", n[0])
        rc = lib.ng_query_stats_encode(self._h, buf, n[0], n)
        if rc:
            raise error_for(rc, _s(lib.ng_query_stats_errmsg(self._h)), "encode stats")
        return ffi.buffer(buf, n[0])[:]

    def __reduce__(self):
        return (QueryStats.from_bytes, (self.to_bytes(),))

    def copy(self) -> "QueryStats":
        return QueryStats.from_bytes(self.to_bytes())

    def __iadd__(self, other: "QueryStats") -> "QueryStats":
        rc = lib.ng_query_stats_add(self._h, other._h)
        if rc:
            raise error_for(rc, _s(lib.ng_query_stats_errmsg(self._h)), "add stats")
        return self

    def __add__(self, other: "QueryStats") -> "QueryStats":
        total = self.copy()
        total += other
        return total

    def __radd__(self, other: Any) -> "QueryStats":
        if other == 0:  # sum() starts from 0
            return self.copy()
        return NotImplemented

    def _totals(self) -> Tuple[int, int, int]:
        d, t, n = ffi.new("uint64_t *"), ffi.new("uint64_t *"), ffi.new("uint64_t *")
        lib.ng_query_stats_totals(self._h, d, t, n)
        return d[0], t[0], n[0]

    @property
    def documents(self) -> int:
        """N: documents, deleted ones included (as BM25 counts them)."""
        return self._totals()[0]

    @property
    def tokens(self) -> int:
        """Total length of the documents."""
        return self._totals()[1]

    @property
    def terms(self) -> int:
        """Terms with a document frequency (query terms, prefix expansions)."""
        return self._totals()[2]

    def __repr__(self) -> str:
        d, t, n = self._totals()
        return f"<QueryStats documents={d} tokens={t} terms={n}>"

    def __del__(self) -> None:
        h, self._h = getattr(self, "_h", ffi.NULL), ffi.NULL
        if h != ffi.NULL:
            lib.ng_query_stats_free(h)
            _count("query_stats", -1)


# ---------------------------------------------------------------------------
# Reader
# ---------------------------------------------------------------------------

class Reader:
    """A consistent snapshot of the last commit of one index, or of several
    index directories searched as one (``Reader([dir1, dir2])``, with the
    library's multi-index API).

    A Reader may be searched from many threads at once; the GIL is released
    while the library works. ``close()`` (or leaving the ``with`` block)
    waits for searches in progress; later calls raise ClosedError.
    """

    def __init__(self, path_or_paths: Union[PathLike, Sequence[PathLike]]) -> None:
        if isinstance(path_or_paths, (str, bytes, os.PathLike)):
            paths = [os.fsdecode(path_or_paths)]
        else:
            paths = [os.fsdecode(p) for p in path_or_paths]
        self.paths = paths
        self._guard = _Guard(f"Reader({paths[0] if len(paths) == 1 else paths!r})")
        self._h = ffi.NULL
        out = ffi.new("ng_reader **")
        if len(paths) == 1:
            rc = lib.ng_reader_open(out, paths[0].encode())
        else:
            if not paths or not has_function("ng_reader_open_many"):
                self._guard.closed = True
                raise (InvalidArgumentError("Reader: no index directory given", -2)
                       if not paths else NotImplementedError(
                           "this libnewsgrep has no ng_reader_open_many "
                           "(the multi-index API); open one Reader per index"))
            keep = [ffi.new("char[]", p.encode()) for p in paths]
            dirs = ffi.new("const char *[]", keep)
            rc = lib.ng_reader_open_many(out, dirs, len(paths), 0)
        if rc:
            detail = _s(lib.ng_reader_errmsg(out[0])) if out[0] != ffi.NULL else None
            lib.ng_reader_free(out[0])
            self._guard.closed = True
            raise error_for(rc, detail, context=f"reader {', '.join(paths)}")
        self._h = out[0]
        _count("reader", 1)
        self._lang: Optional[Tuple[bytes, int]] = None

    # -- plumbing ----------------------------------------------------------

    def _err(self, rc: int, what: str) -> NewsgrepError:
        return error_for(rc, _s(lib.ng_reader_errmsg(self._h)), context=what)

    def _parse(self, query: str, all_words: bool):
        raw = _b(query, "query")
        out = ffi.new("ng_query **")
        rc = lib.ng_query_parse(out, self._h, raw, len(raw),
                                _QUERY_ALL if all_words else 0)
        if out[0] != ffi.NULL:
            _count("query", 1)
        if rc:
            detail = offset = None
            if out[0] != ffi.NULL:
                detail = _s(lib.ng_query_errmsg(out[0]))
                offset = lib.ng_query_error_offset(out[0])
                self._free_query(out[0])
            e = error_for(rc, detail, context=f"query {query!r}")
            if isinstance(e, QuerySyntaxError):
                e.offset = offset
            raise e
        return out[0]

    @staticmethod
    def _free_query(q) -> None:
        lib.ng_query_free(q)
        _count("query", -1)

    @staticmethod
    def _options(k: int, since: DateLike, until: DateLike, sort: str,
                 flags: int, k1: Optional[float], b: Optional[float],
                 snippet_bytes: Optional[int], keep: list):
        if sort not in _SORTS:
            raise InvalidArgumentError(f"sort must be 'score' or 'date', not {sort!r}", -2)
        if not isinstance(k, int) or k < 0:
            raise InvalidArgumentError(f"k must be a non-negative int, not {k!r}", -2)
        o = ffi.new("ng_search_options *")
        lib.ng_search_options_init(o)
        o.k = k
        o.sort = _SORTS[sort]
        o.flags = flags
        for name, value in (("since", since), ("until", until)):
            raw = _date_arg(value, name)
            if raw is not None:
                keep.append(ffi.new("char[]", raw))
                setattr(o, name, keep[-1])
        if k1 is not None:
            o.k1 = k1
        if b is not None:
            o.b = b
        if snippet_bytes is not None:
            o.snippet_bytes = snippet_bytes
        keep.append(o)
        return o

    def _run(self, query: str, opts, all_words: bool):
        """Parses and searches; returns an ng_results* the caller frees."""
        q = self._parse(query, all_words)
        try:
            out = ffi.new("ng_results **")
            rc = lib.ng_search(self._h, q, opts, out)
            if out[0] != ffi.NULL:
                _count("results", 1)
            if rc:
                detail = _s(lib.ng_results_errmsg(out[0])) if out[0] != ffi.NULL else None
                self._free_results(out[0])
                raise error_for(rc, detail, context=f"search {query!r}")
            return out[0]
        finally:
            self._free_query(q)

    @staticmethod
    def _free_results(r) -> None:
        if r != ffi.NULL:
            lib.ng_results_free(r)
            _count("results", -1)

    def _fields(self, id_bytes: bytes) -> Optional[Dict[str, str]]:
        out = ffi.new("ng_doc **")
        rc = lib.ng_reader_get(self._h, id_bytes, len(id_bytes), out)
        if rc:
            if out[0] != ffi.NULL:
                lib.ng_doc_free(out[0])
            raise self._err(rc, f"get {id_bytes.decode('utf-8', 'replace')!r}")
        _count("doc", 1)
        try:
            d: Dict[str, str] = {}
            for i in range(lib.ng_doc_field_count(out[0])):
                f = lib.ng_doc_field(out[0], i)
                name = ffi.string(f.name).decode("utf-8", "replace")
                d.setdefault(name, ffi.unpack(f.value, f.value_len).decode("utf-8", "replace"))
            return d
        finally:
            lib.ng_doc_free(out[0])
            _count("doc", -1)

    # -- public API --------------------------------------------------------

    def search(self, query: str, k: int = 10, *, since: DateLike = None,
               until: DateLike = None, sort: str = "score",
               snippets: bool = True, fields: bool = True,
               count: bool = False, all_words: bool = False,
               k1: Optional[float] = None, b: Optional[float] = None,
               explain: bool = False, exhaustive: bool = False,
               snippet_bytes: Optional[int] = None,
               unseen_docs: int = 0, unseen_tokens: int = 0,
               stats: Optional[QueryStats] = None,
               collapse: bool = False,
               rank: str = "proximity") -> Results:
        """Ranks the documents matching ``query`` by BM25 (and, by default,
        the proximity of neighbouring query words), best first.

        query: the query language of the command: bare words are a ranked
            OR; AND, OR, NOT, +word, -word, parentheses; "exact phrase",
            "phrase"~N; title:word, body:"a phrase"; prefix*;
            date:2025-06..2025-07.
        k: number of hits wanted.
        since, until: dates (str or datetime.date) bounding the documents'
            dates, inclusive; a month or year covers its whole period.
        sort: "score" (default) or "date" (newest first).
        snippets: build highlighted snippets (``Hit.snippet``, ``.highlights``).
        fields: load every stored field of each hit into ``Hit.fields``
            (one document fetch per hit; False is faster).
        count: also compute the exact number of matches (``Results.total``).
        all_words: every bare word is required (the command's --all).
        k1, b: BM25 parameters (default: the index's).
        rank: "proximity" (default: BM25 plus a part for neighbouring query
            words found close together, in order) or "bm25" (plain BM25).
        explain: per-term score breakdown in ``Hit.explain``.
        exhaustive: no dynamic pruning (same results, slower).
        unseen_docs, unseen_tokens: documents (and their tokens) of the
            collection ranked that are not in this index, such as the other
            shards of a sharded archive: added to N and the total length.
        stats: the summed :class:`QueryStats` of every part of a collection
            (see :meth:`query_stats`): BM25 scores with them instead of this
            index's own, so merged parts rank as one index.
        collapse: syndicated copies collapsed: one hit per cluster of near
            duplicates (bodies' estimated Jaccard >= 0.8), the best; the
            others' ids in ``Hit.similar``. Still k hits.

        Raises QuerySyntaxError (with ``.offset``), LimitExceededError,
        InvalidArgumentError (a bad date or option), ClosedError.

        >>> for hit in reader.search("astana summit", k=3):
        ...     print(hit.id, round(hit.score, 3), hit.title)
        """
        flags = _SEARCH_FETCH | (_SEARCH_SNIPPETS if snippets else 0)
        flags |= (_SEARCH_COUNT if count else 0) | (_SEARCH_EXPLAIN if explain else 0)
        flags |= _SEARCH_EXHAUSTIVE if exhaustive else 0
        flags |= _SEARCH_COLLAPSE if collapse else 0
        keep: list = []
        opts = self._options(k, since, until, sort, flags, k1, b, snippet_bytes, keep)
        opts.unseen_docs, opts.unseen_tokens = unseen_docs, unseen_tokens
        if rank not in _RANKS:
            raise InvalidArgumentError(f"rank must be 'proximity' or 'bm25', not {rank!r}", -2)
        opts.rank = _RANKS[rank]
        if stats is not None:
            opts.stats = stats._h
        with self._guard.use():
            r = self._run(query, opts, all_words)
            try:
                hits = []
                for i in range(lib.ng_results_count(r)):
                    h = lib.ng_results_hit(r, i)
                    id_bytes = ffi.string(h.id)
                    spans = tuple((h.highlights[j].start, h.highlights[j].end)
                                  for j in range(h.n_highlights))
                    hits.append(Hit(
                        id=id_bytes.decode("utf-8", "replace"), score=h.score,
                        title=_s(h.title), date=_s(h.date), source=_s(h.source),
                        snippet=_s(h.snippet), highlights=spans,
                        fields=self._fields(id_bytes) if fields else None,
                        explain=_s(h.explain),
                        similar=self._similar(r, i) if collapse else None))
                total = lib.ng_results_total(r)
                return Results(hits, total if total >= 0 else None,
                               _s(lib.ng_results_warning(r)), query)
            finally:
                self._free_results(r)

    @staticmethod
    def _similar(r: Any, i: int) -> Tuple[str, ...]:
        ids = ffi.new("const char *const **")
        n = lib.ng_results_similar(r, i, ids)
        return tuple(ffi.string(ids[0][j]).decode("utf-8", "replace") for j in range(n))

    def query_stats(self, query: str, *, all_words: bool = False) -> QueryStats:
        """This index's statistics for ``query`` (N, total length, the df of
        every term, prefix* expansions included), to sum over shards."""
        with self._guard.use():
            q = self._parse(query, all_words)
            try:
                out = ffi.new("ng_query_stats **")
                rc = lib.ng_query_stats_get(self._h, q, out)
                if rc:
                    detail = (_s(lib.ng_query_stats_errmsg(out[0]))
                              if out[0] != ffi.NULL else None)
                    if out[0] != ffi.NULL:
                        lib.ng_query_stats_free(out[0])
                    raise error_for(rc, detail, context=f"query stats {query!r}")
                return QueryStats(out[0])
            finally:
                self._free_query(q)

    def count(self, query: str, *, since: DateLike = None,
              until: DateLike = None, all_words: bool = False) -> int:
        """The exact number of documents matching ``query`` (no ranking)."""
        keep: list = []
        opts = self._options(0, since, until, "score", _SEARCH_COUNT, None, None,
                             None, keep)
        with self._guard.use():
            r = self._run(query, opts, all_words)
            try:
                return int(lib.ng_results_total(r))
            finally:
                self._free_results(r)

    def timeline(self, query: str, by: str = "month", *, since: DateLike = None,
                 until: DateLike = None, all_words: bool = False,
                 collapse: bool = False) -> Timeline:
        """Matching documents per date bucket; ``by`` is "day", "week" (ISO
        weeks, from Monday), "month" or "year". Undated documents are not
        counted; with ``collapse`` near-duplicate copies count once, at the
        earliest (stories). ``.to_pandas()`` gives a Series indexed by period."""
        keep: list = []
        opts = self._options(10, since, until, "score", _SEARCH_COLLAPSE if collapse else 0,
                             None, None, None, keep)
        buckets: List[Tuple[str, int]] = []
        ctx = ffi.new_handle(buckets)
        with self._guard.use():
            q = self._parse(query, all_words)
            try:
                rc = lib.ng_timeline(self._h, q, opts, _b(by, "by"), _bucket_cb, ctx)
                if rc:
                    raise self._err(rc, f"timeline {query!r} by {by!r}")
            finally:
                self._free_query(q)
        return Timeline(buckets, by)

    def explain(self, query: str, k: int = 10, **kwargs: Any) -> List[Tuple[str, str]]:
        """``(id, breakdown)`` of the top ``k`` hits: how each query term
        contributed to the BM25 score (idf, tf, length normalisation)."""
        res = self.search(query, k, snippets=False, fields=False, explain=True,
                          **kwargs)
        return [(h.id, h.explain or "") for h in res]

    def tokens(self, text: Union[str, bytes]) -> List[Token]:
        """Analyses ``text`` as this index analyses documents and queries."""
        if self._lang is None:
            st = self.stats()
            self._lang = (st.language.encode(), st.analyzer_flags)
        return _tokenize(self._lang[0], self._lang[1], text)

    def stats(self) -> Stats:
        """Documents, terms, sizes, segments, BM25 defaults of the snapshot."""
        s = ffi.new("ng_stats *")
        with self._guard.use():
            rc = lib.ng_reader_stats(self._h, s)
            if rc:
                raise self._err(rc, "stats")
            return Stats(*(getattr(s, f) for f in (
                "documents", "deleted", "terms", "tokens", "segments",
                "generation", "postings_bytes", "positions_bytes",
                "lexicon_bytes", "docstore_bytes", "other_bytes",
                "total_bytes", "avg_doc_length", "k1", "b")),
                language=_s(s.language) or "", analyzer_flags=s.analyzer_flags)

    def get(self, id: str) -> Dict[str, str]:
        """The stored fields of the live document with this id, by name.
        Raises NotFoundError (a LookupError)."""
        with self._guard.use():
            return self._fields(_b(id, "id"))  # type: ignore[return-value]

    def reopen(self) -> bool:
        """Moves to the newest commit; True when the snapshot changed."""
        changed = ffi.new("int *")
        with self._guard.use():
            rc = lib.ng_reader_reopen(self._h, changed)
            if rc:
                raise self._err(rc, "reopen")
        return bool(changed[0])

    def check(self) -> None:
        """Verifies every checksum; raises CorruptIndexError naming the file."""
        with self._guard.use():
            rc = lib.ng_reader_check(self._h)
            if rc:
                raise self._err(rc, "check")

    def close(self) -> None:
        """Frees the snapshot (waits for searches in progress)."""
        if self._guard.close() and self._h != ffi.NULL:
            lib.ng_reader_free(self._h)
            self._h = ffi.NULL
            _count("reader", -1)

    @property
    def closed(self) -> bool:
        return self._guard.closed

    def __len__(self) -> int:
        return self.stats().documents

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_guard", None) is not None:
            self.close()

    def __repr__(self) -> str:
        return f"<newsgrep.Reader {self.paths!r}{' closed' if self.closed else ''}>"
