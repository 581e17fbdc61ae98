"""Sharded newsgrep indexes on a dask.distributed cluster.

An archive too large for one machine is split into N shards, each an
ordinary newsgrep index directory (``root/shard-000``, ...) written by one
worker. A document belongs to the shard ``crc32(id) % N`` (hash routing),
so adding a document again replaces it, and deleting finds it.

Each shard's writer is a Dask *actor* (a stateful object living on one
worker, holding the shard's ng_index and its lock). Input files are read by
tasks on the workers, which send each document batch straight to its
shard's actor; nothing passes through the client. Searches run as tasks on
the worker holding the shard (a Reader cached per worker process), the
client merges the shards' top-k.

    from dask.distributed import Client, LocalCluster
    from newsgrep.dask import ShardedIndex

    client = Client(LocalCluster(n_workers=4, threads_per_worker=1))
    shards = ShardedIndex.build(client, ["a.jsonl", "b.jsonl"], "/data/ix", 4)
    hits = shards.search("central asia summit", k=10)

On a real cluster the same code runs with ``Client("scheduler:8786")`` and a
``root`` every worker can reach at the same path (a shared file system), or
a worker-local disk: each shard stays on the worker that wrote it, and
searches are sent there.

Scores: every shard is searched with the collection's statistics (the
library's statistics exchange: each shard's N, total length and term
document frequencies for the query, summed), and equal scores rank the
smaller id first in every shard and in the merge (the library's tie rule),
so the merged top-k has the hits, scores and order of one index over the
same documents. ``count`` and
``timeline`` are sums over the shards.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import threading
import uuid
import zlib
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, Optional,
                    Sequence, Tuple, Union)

from . import _core
from ._core import Hit, Index, QueryStats, Reader, Results, Stats, Timeline
from .errors import NewsgrepError

BATCH = 500  # documents per message to a shard's writer


class ShardUnavailableError(NewsgrepError):
    """A shard's worker is gone (crashed, killed, or the cluster restarted)."""

    code = -12

    def __init__(self, shard: int, path: str, worker: Optional[str],
                 cause: str = "") -> None:
        self.shard, self.path, self.worker = shard, path, worker
        super().__init__(
            f"shard {shard} ({path}) is unavailable: its worker {worker or '?'} "
            f"is gone{': ' + cause if cause else ''}. The shard's last commit is "
            f"intact on disk, uncommitted changes to it are lost. Call close() "
            f"(it releases the other shards' writers), reopen with "
            f"ShardedIndex.open(client, root) and add again what was added "
            f"since the last commit().", -12)


def shard_of(doc_id: str, n_shards: int) -> int:
    """The shard owning a document id: crc32 of its UTF-8 bytes modulo N
    (stable across processes and Python versions, unlike hash())."""
    return zlib.crc32(doc_id.encode("utf-8")) % n_shards


def shard_path(root: str, shard: int) -> str:
    return os.path.join(root, f"shard-{shard:03d}")


# ---------------------------------------------------------------------------
# Reading documents (the command's JSONL conventions)
# ---------------------------------------------------------------------------

_ROLES = {"id": _core.ROLE_ID, "title": _core.ROLE_TITLE,
          "body": _core.ROLE_BODY, "date": _core.ROLE_DATE}


def read_jsonl(path: str) -> Iterator[Dict[str, Any]]:
    """The documents of a JSONL file (.jsonl, .jsonl.gz or .jsonl.zst)."""
    if path.endswith(".zst"):
        proc = subprocess.Popen(["zstd", "-dcq", path], stdout=subprocess.PIPE)
        complete = False
        try:
            for line in proc.stdout:  # type: ignore[union-attr]
                if line.strip():
                    yield json.loads(line)
            complete = True
        finally:
            # A reader that stops early (break, close) ends zstd, whose
            # broken pipe is then no error.
            proc.stdout.close()  # type: ignore[union-attr]
            if not complete:
                proc.kill()
            rc = proc.wait()
        if rc:
            raise OSError(f"{path}: zstd -d failed")
        return
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as f:  # type: ignore[operator]
        for line in f:
            if line.strip():
                yield json.loads(line)


def _fields_of(doc: Mapping[str, Any]) -> List[Tuple[str, str, int]]:
    """A JSON document as fields, as the command indexes JSONL: id, title,
    body, date by name, every other key stored; a date that is not a day
    is stored as text, not used by date filters."""
    out = []
    for name, value in doc.items():
        if value is None:
            continue
        value = value if isinstance(value, str) else (
            json.dumps(value) if isinstance(value, (list, dict)) else str(value))
        role = _ROLES.get(name, _core.ROLE_STORED)
        if role == _core.ROLE_DATE:
            try:
                iso = _core.parse_date(value)
            except NewsgrepError:
                iso = ""
            if len(iso) == 10:
                value = iso
            else:
                role = _core.ROLE_STORED
        out.append((name, value, role))
    return out


# ---------------------------------------------------------------------------
# On the workers
# ---------------------------------------------------------------------------

class ShardWriter:
    """The writer of one shard (a Dask actor: one instance on one worker)."""

    def __init__(self, path: str, options: Dict[str, Any]) -> None:
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        self.path = path
        self.index = Index(path, **options)

    def add_many(self, docs: List[Mapping[str, Any]]) -> int:
        for d in docs:
            self.index._add_fields(_fields_of(d))
        return len(docs)

    def delete(self, ids: List[str]) -> None:
        for i in ids:
            self.index.delete(i)

    def commit(self) -> None:
        self.index.commit()

    def merge(self) -> None:
        self.index.merge()

    def counts(self) -> Tuple[int, int, int]:
        c = self.index.counts
        return c.added, c.replaced, c.deleted

    def close(self) -> None:
        self.index.close()


def _route(docs: Iterable[Mapping[str, Any]], writers: Sequence[Any]) -> int:
    """Sends documents to their shards' writers in batches (on a worker)."""
    n = len(writers)
    batches: List[List[Mapping[str, Any]]] = [[] for _ in range(n)]
    pending = []
    total = 0
    for d in docs:
        s = shard_of(str(d["id"]), n)
        batches[s].append(d)
        if len(batches[s]) >= BATCH:
            pending.append(writers[s].add_many(batches[s]))
            batches[s] = []
        total += 1
        if len(pending) > 4 * n:  # bound the documents in flight
            for p in pending:
                p.result()
            pending = []
    pending += [writers[s].add_many(b) for s, b in enumerate(batches) if b]
    for p in pending:
        p.result()
    return total


def _ingest_file(path: str, writers: Sequence[Any]) -> int:
    return _route(read_jsonl(path), writers)


# A worker process's open Readers, by shard path: (epoch, Reader). A new
# epoch (a commit, another ShardedIndex) opens a new Reader rather than
# reopening one other threads may be searching; the old one is freed when
# its last search drops it.
_readers: Dict[str, Tuple[Any, Reader]] = {}
_readers_lock = threading.Lock()


def _reader(path: str, epoch: Any) -> Reader:
    with _readers_lock:
        cached = _readers.get(path)
        if cached is None or cached[0] != epoch:
            cached = (epoch, Reader(path))
            _readers[path] = cached
        return cached[1]


def _shard_query_stats(path: str, epoch: Any, queries: List[str],
                       all_words: bool) -> List[bytes]:
    r = _reader(path, epoch)
    return [r.query_stats(q, all_words=all_words).to_bytes() for q in queries]


def _shard_search(path: str, epoch: Any, queries: List[str], k: int,
                  kwargs: Dict[str, Any], stats: List[bytes]) -> List[Results]:
    r = _reader(path, epoch)
    return [r.search(q, k, stats=QueryStats.from_bytes(b), **kwargs)
            for q, b in zip(queries, stats)]


def _shard_count(path: str, epoch: Any, query: str, kwargs: Dict[str, Any]) -> int:
    return _reader(path, epoch).count(query, **kwargs)


def _shard_timeline(path: str, epoch: Any, query: str, by: str,
                    kwargs: Dict[str, Any]) -> List[Tuple[str, int]]:
    return list(_reader(path, epoch).timeline(query, by, **kwargs))


def _shard_stats(path: str, epoch: Any) -> Stats:
    return _reader(path, epoch).stats()


# ---------------------------------------------------------------------------
# On the client
# ---------------------------------------------------------------------------

class ShardedIndex:
    """N newsgrep shards on the workers of a dask.distributed ``client``.

    Create or open with the constructor (``n_shards`` new shards under
    ``root``, writers placed round-robin over the workers), ``build`` (and
    index files or a Dask bag) or ``open`` (existing shards). Changes become
    visible to searches after ``commit()``.
    """

    def __init__(self, client: Any, root: str, n_shards: int, *,
                 workers: Optional[Sequence[str]] = None,
                 **index_options: Any) -> None:
        if n_shards < 1:
            raise ValueError("n_shards must be at least 1")
        self.client = client
        self.root = os.path.abspath(root)
        self.n_shards = n_shards
        workers = list(workers or sorted(client.scheduler_info()["workers"]))
        if not workers:
            raise RuntimeError("the Dask cluster has no workers")
        self.paths = [shard_path(self.root, i) for i in range(n_shards)]
        self.workers = [workers[i % len(workers)] for i in range(n_shards)]
        futures = [client.submit(ShardWriter, p, index_options, actor=True,
                                 workers=[w], allow_other_workers=False, pure=False)
                   for p, w in zip(self.paths, self.workers)]
        self.writers = []
        try:
            for f in futures:
                self.writers.append(f.result())
        except BaseException:
            # Release the shards already opened (their writer locks).
            for f in futures:
                if f.status == "finished":
                    f.result().close().result()
            raise
        self._epoch: Tuple[str, int] = (uuid.uuid4().hex, 0)
        self._closed = False

    @classmethod
    def open(cls, client: Any, root: str, **kw: Any) -> "ShardedIndex":
        """Reopens the shards under ``root`` (after a worker was lost, say)."""
        n = len([d for d in os.listdir(root) if d.startswith("shard-")])
        if not n:
            raise FileNotFoundError(f"{root}: no shard-NNN directories")
        return cls(client, root, n, create=False, **kw)

    @classmethod
    def build(cls, client: Any, source: Union[Sequence[str], Any], root: str,
              n_shards: int, **kw: Any) -> "ShardedIndex":
        """Builds ``n_shards`` shards from JSONL files (one task per file,
        run on the workers) or a Dask bag of document dicts, and commits."""
        self = cls(client, root, n_shards, **kw)
        self.ingest(source)
        self.commit()
        return self

    # -- writing -------------------------------------------------------

    def _check_workers(self, shards: Optional[Iterable[int]] = None) -> None:
        alive = set(self.client.scheduler_info()["workers"])
        for s in (range(self.n_shards) if shards is None else shards):
            if self.workers[s] not in alive:
                raise ShardUnavailableError(s, self.paths[s], self.workers[s])

    def _result(self, shard: int, future: Any) -> Any:
        """The future's result; a failure whose worker is gone (comm errors,
        a dead actor) becomes ShardUnavailableError naming the shard."""
        try:
            return future.result()
        except NewsgrepError:
            raise
        except Exception as e:
            if self.workers[shard] in self.client.scheduler_info()["workers"]:
                raise
            raise ShardUnavailableError(shard, self.paths[shard], self.workers[shard],
                                        f"{type(e).__name__}: {e}") from e

    def _call(self, shard: int, method: str, *args: Any) -> Any:
        self._check_workers([shard])
        return self._result(shard, getattr(self.writers[shard], method)(*args))

    def _all(self, method: str, *args: Any) -> List[Any]:
        self._check_workers()
        futures = [getattr(w, method)(*args) for w in self.writers]
        return [self._result(s, f) for s, f in enumerate(futures)]

    def ingest(self, source: Union[Sequence[str], Any]) -> int:
        """Adds the documents of JSONL files or of a Dask bag (not committed)."""
        self._check_workers()
        if hasattr(source, "map_partitions"):  # a dask.bag.Bag
            writers = self.writers
            counts = source.map_partitions(lambda part: [_route(part, writers)])
            return int(sum(counts.compute()))
        futures = [self.client.submit(_ingest_file, os.path.abspath(p), self.writers,
                                      pure=False) for p in source]
        return int(sum(self.client.gather(futures)))

    def add(self, id: str, **fields: Any) -> None:
        """Adds one document to the shard that owns its id (replacing one
        with that id)."""
        self.add_many([dict(id=id, **fields)])

    def add_many(self, docs: Iterable[Mapping[str, Any]]) -> int:
        """Adds documents, each to its shard (batched); returns the count."""
        batches: List[List[Mapping[str, Any]]] = [[] for _ in range(self.n_shards)]
        for d in docs:
            batches[shard_of(str(d["id"]), self.n_shards)].append(d)
        self._check_workers(s for s, b in enumerate(batches) if b)
        return sum(self._call(s, "add_many", b) for s, b in enumerate(batches) if b)

    def delete(self, *ids: str) -> None:
        """Deletes documents by id, each in the shard that owns it."""
        by_shard: Dict[int, List[str]] = {}
        for i in ids:
            by_shard.setdefault(shard_of(i, self.n_shards), []).append(i)
        for s, group in by_shard.items():
            self._call(s, "delete", group)

    def commit(self) -> None:
        """Commits every shard (each atomically; shards one after another)."""
        self._all("commit")
        self._epoch = (self._epoch[0], self._epoch[1] + 1)

    def merge(self) -> None:
        """Merges every shard's segments into one."""
        self._all("merge")
        self._epoch = (self._epoch[0], self._epoch[1] + 1)

    def counts(self) -> List[Tuple[int, int, int]]:
        """(added, replaced, deleted) of every shard's writer."""
        return self._all("counts")

    def close(self) -> None:
        """Releases the writers (uncommitted changes are discarded)."""
        if not self._closed:
            self._closed = True
            alive = set(self.client.scheduler_info()["workers"])
            for s, w in enumerate(self.writers):
                if self.workers[s] in alive:
                    w.close().result()
            self.writers = []

    def __enter__(self) -> "ShardedIndex":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    # -- reading -------------------------------------------------------

    def _map(self, fn: Any, *args: Any) -> List[Any]:
        """Runs fn(path, epoch, *args) on every shard's worker."""
        self._check_workers()
        futures = [self.client.submit(fn, p, self._epoch, *args, workers=[w],
                                      allow_other_workers=False, pure=False)
                   for p, w in zip(self.paths, self.workers)]
        return [self._result(s, f) for s, f in enumerate(futures)]

    def stats(self) -> Dict[str, Any]:
        """Totals over the shards, and every shard's Stats."""
        per = self._map(_shard_stats)
        keys = ("documents", "deleted", "terms", "tokens", "segments", "total_bytes")
        out: Dict[str, Any] = {k: sum(getattr(s, k) for s in per) for k in keys}
        out["terms"] = None  # distinct terms do not add up across shards
        out["shards"] = per
        return out

    def count(self, query: str, **kwargs: Any) -> int:
        """Exact number of matches (the sum of the shards' counts)."""
        return sum(self._map(_shard_count, query, kwargs))

    def timeline(self, query: str, by: str = "month", **kwargs: Any) -> Timeline:
        """Matches per date bucket, summed over the shards (exact)."""
        total: Dict[str, int] = {}
        for buckets in self._map(_shard_timeline, query, by, kwargs):
            for period, n in buckets:
                total[period] = total.get(period, 0) + n
        return Timeline(sorted(total.items()), by)

    def query_stats(self, query: str, all_words: bool = False) -> QueryStats:
        """The collection's statistics for ``query``: every shard's, summed."""
        parts = self._map(_shard_query_stats, [query], all_words)
        return sum(QueryStats.from_bytes(p[0]) for p in parts)  # type: ignore[return-value]

    def search(self, query: str, k: int = 10, **kwargs: Any) -> Results:
        """Searches every shard and merges the top ``k`` (best first).

        Scatter, gather, sum: every shard's statistics for the query (N,
        total length, each term's df) are gathered and summed, then every
        shard is searched with the sum, and the hits are merged by score
        (equal scores: the smaller id first, the library's tie rule). The
        hits, their scores and their order are those of one index holding
        the same documents, however it was built. Keyword arguments are those of
        :meth:`newsgrep.Reader.search` (``count=True`` sums the totals)."""
        return self.search_many([query], k, **kwargs)[0]

    def search_many(self, queries: Sequence[str], k: int = 10,
                    **kwargs: Any) -> List[Results]:
        """:meth:`search` for a batch of queries, in two rounds of one task
        per shard (statistics, then search): batch evaluation."""
        queries = list(queries)
        parts = self._map(_shard_query_stats, queries, kwargs.get("all_words", False))
        totals = []
        for i in range(len(queries)):
            total = QueryStats.from_bytes(parts[0][i])
            for p in parts[1:]:
                total += QueryStats.from_bytes(p[i])
            totals.append(total.to_bytes())
        per_shard = self._map(_shard_search, queries, k, kwargs, totals)
        return [self._merge(q, k, kwargs, [res[i] for res in per_shard])
                for i, q in enumerate(queries)]

    @staticmethod
    def _merge(query: str, k: int, kwargs: Dict[str, Any],
               per: List[Results]) -> Results:
        # ng_search's order: (date,) score, then the smaller id as bytes
        # (for str, code point order is UTF-8 byte order). Each shard's top
        # k holds its ties at the cut-off by the same rule, so the first k
        # of the merge are the single index's. Sorts are stable: id first.
        hits = sorted((h for res in per for h in res), key=lambda h: h.id)
        if kwargs.get("sort", "score") == "date":
            hits.sort(key=lambda h: (h.date or "", h.score), reverse=True)
        else:
            hits.sort(key=lambda h: h.score, reverse=True)
        totals = [res.total for res in per]
        return Results(hits[:k], None if None in totals else sum(totals),
                       next((res.warning for res in per if res.warning), None), query)
