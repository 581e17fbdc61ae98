"""newsgrep.dask on a LocalCluster of 4 worker processes: shards built in
parallel rank 1,000 random queries bit for bit like one index over the same
documents; replacement, delete, counts, timelines; a lost worker is a clear
error."""

import json
import os
import random

import pytest

import newsgrep

distributed = pytest.importorskip("distributed", reason="python3-distributed is not installed")
from newsgrep.dask import ShardedIndex, ShardUnavailableError, shard_of  # noqa: E402

N_SHARDS = 4


def make_docs(rng, n, vocab):
    weights = [1 / (i + 1) for i in range(len(vocab))]  # Zipf-like
    docs = []
    for i in range(n):
        title = " ".join(rng.choices(vocab, weights, k=rng.randint(2, 6)))
        body = " ".join(rng.choices(vocab, weights, k=rng.randint(5, 80)))
        docs.append({"id": f"doc-{i:05d}", "title": title, "body": body,
                     "date": f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                     "section": rng.choice(["world", "economy", "sport"])})
    return docs


def random_query(rng, vocab):
    w = lambda: rng.choice(vocab[:300])  # noqa: E731
    form = rng.randrange(8)
    if form == 0:
        return w()
    if form == 1:
        return f"{w()} {w()}"
    if form == 2:
        return f"{w()} {w()} {w()}"
    if form == 3:
        return f'"{w()} {w()}"'
    if form == 4:
        return f"{w()} AND {w()}"
    if form == 5:
        return f"{w()} {w()} -{w()}"
    if form == 6:
        return f"{w()[:3]}*"
    return f"title:{w()} {w()}"


@pytest.fixture(scope="module")
def client():
    from distributed import Client, LocalCluster

    cluster = LocalCluster(n_workers=N_SHARDS, threads_per_worker=1, processes=True,
                           dashboard_address=None, silence_logs=40)
    c = Client(cluster)
    yield c
    c.close()
    cluster.close()


@pytest.fixture(scope="module")
def corpus(tmp_path_factory, client):
    """The same operations on 4 shards and on one index (in shard order)."""
    rng = random.Random(15)
    vocab = sorted({"".join(rng.choices("abcdefghiklmnoprstu", k=rng.randint(3, 8)))
                    for _ in range(2000)})
    rng.shuffle(vocab)
    docs = make_docs(rng, 3000, vocab)
    replaced = [dict(d, body=d["body"] + " " + vocab[0]) for d in rng.sample(docs, 100)]
    deleted = [d["id"] for d in rng.sample(docs, 50)]
    root = tmp_path_factory.mktemp("dask")
    # Half the documents from JSONL files read on the workers, half sent by
    # the client; then replacements and deletes, routed by id.
    files = []
    for j in range(3):
        path = root / f"part{j}.jsonl"
        path.write_text("".join(json.dumps(d) + "\n" for d in docs[j * 500:(j + 1) * 500]))
        files.append(str(path))
    shards = ShardedIndex.build(client, files, str(root / "shards"), N_SHARDS)
    assert shards.add_many(docs[1500:]) == 1500
    shards.add_many(replaced)
    shards.delete(*deleted)
    shards.commit()
    # One index over the same documents, added in another order (all, then
    # the replacements, then the deletes) by the default indexing threads:
    # its numbering has nothing in common with the shards'.
    single = root / "single"
    with newsgrep.Index(single) as ix:
        ix.add_many(reversed(docs))
        ix.add_many(replaced)
        for i in deleted:
            ix.delete(i)
    yield shards, single, vocab, docs
    shards.close()


def test_1000_random_queries_equal_one_index(corpus):
    """Ids, scores (bit for bit) and order, equal scores included: ties
    rank by id in the shards, in the merge and in the single index."""
    shards, single, vocab, _ = corpus
    rng = random.Random(1000)
    queries = [random_query(rng, vocab) for _ in range(1000)]
    got = shards.search_many(queries, k=10, snippets=False, fields=False)
    with newsgrep.Reader(single) as r:
        expected = [r.search(q, k=10, snippets=False, fields=False) for q in queries]
    with_hits = tied = 0
    for q, g, e in zip(queries, got, expected):
        assert [(h.id, h.score) for h in g] == [(h.id, h.score) for h in e], q
        with_hits += len(e) > 0
        scores = [h.score for h in e]
        tied += len(set(scores)) < len(scores)
    assert with_hits > 700
    assert tied > 100  # the corpus makes ties: the rule is exercised


def test_search_counts_timeline_stats(corpus):
    shards, single, vocab, _ = corpus
    q = f"{vocab[0]} {vocab[5]}"
    with newsgrep.Reader(single) as r:
        e = r.search(q, k=5, count=True)
        g = shards.search(q, k=5, count=True)
        assert [h.as_dict() for h in g] == [h.as_dict() for h in e]
        assert g.total == e.total == shards.count(q) == r.count(q)
        assert list(shards.timeline(q, by="year")) == list(r.timeline(q, by="year"))
        assert shards.stats()["documents"] == r.stats().documents == 2950
        by_date = shards.search(q, k=20, sort="date", fields=False)
        assert ([(h.id, h.date, h.score) for h in by_date]
                == [(h.id, h.date, h.score) for h in r.search(q, k=20, sort="date")])


def test_replacement_and_delete_are_routed(corpus):
    shards, _, _, docs = corpus
    d = docs[7]
    shards.add(id=d["id"], title="zzreplacedzz", body="new body")
    shards.commit()
    assert [h.id for h in shards.search("zzreplacedzz")] == [d["id"]]
    assert shards.count(f'"{d["title"]}"') == 0 or d["id"] not in [
        h.id for h in shards.search(f'title:"{d["title"]}"', k=100)]
    shards.delete(d["id"])
    shards.commit()
    assert shards.count("zzreplacedzz") == 0


def test_lost_worker_is_a_clear_error(corpus, client):
    """Runs last: kills the worker holding shard 1."""
    shards, _, vocab, _ = corpus
    documents, matches = shards.stats()["documents"], shards.count(vocab[0])
    victim = shards.workers[1]
    import signal
    import time
    pid = client.run(os.getpid, workers=[victim])[victim]
    os.kill(pid, signal.SIGKILL)
    deadline = time.monotonic() + 30
    while victim in client.scheduler_info()["workers"] and time.monotonic() < deadline:
        time.sleep(0.2)
    with pytest.raises(ShardUnavailableError) as ei:
        shards.search("anything")
    e = ei.value
    assert e.shard == 1 and e.path.endswith("shard-001") and victim in str(e)
    assert "ShardedIndex.open" in str(e)
    with pytest.raises(ShardUnavailableError):
        shards.add_many([{"id": d, "body": "x"} for d in ("a", "b", "c", "d", "e", "f")])
    # What the message says to do: close, reopen, everything committed is there.
    shards.close()
    with ShardedIndex.open(client, shards.root) as again:
        assert again.n_shards == N_SHARDS and again.stats()["documents"] == documents
        assert again.count(vocab[0]) == matches > 0
        again.add(id="after-restart", body="zzrestartzz")
        again.commit()
        assert [h.id for h in again.search("zzrestartzz")] == ["after-restart"]


def test_build_from_a_bag(client, tmp_path):
    articles = make_docs(random.Random(3), 200, ["alpha", "beta", "china", "delta"])
    import dask.bag as db

    bag = db.from_sequence(articles, npartitions=3)
    with ShardedIndex.build(client, bag, str(tmp_path / "bag"), 3) as shards:
        assert shards.stats()["documents"] == len(articles)
        with newsgrep.Reader(tmp_path / "bag" / "shard-000") as r:
            ids = [h.id for h in r.search("china", k=1000, fields=False)]
            assert ids and all(shard_of(i, 3) == 0 for i in ids)


def test_read_jsonl_zst_stopped_early(tmp_path):
    """Stopping early (the benchmark's --limit) raised "zstd -d failed"
    from the generator's cleanup; a damaged file still raises."""
    import shutil
    import subprocess

    from newsgrep.dask import read_jsonl

    if not shutil.which("zstd"):
        pytest.skip("no zstd command")
    src = tmp_path / "docs.jsonl"
    src.write_text("".join(json.dumps({"id": str(i), "body": "x" * 200}) + "\n"
                           for i in range(20000)))
    subprocess.run(["zstd", "-q", str(src)], check=True)
    docs = read_jsonl(str(src) + ".zst")
    assert next(docs)["id"] == "0"
    docs.close()  # no OSError
    assert sum(1 for _ in read_jsonl(str(src) + ".zst")) == 20000
    bad = tmp_path / "bad.jsonl.zst"
    bad.write_bytes(b"not zstd at all")
    with pytest.raises(OSError, match="zstd -d failed"):
        list(read_jsonl(str(bad)))
