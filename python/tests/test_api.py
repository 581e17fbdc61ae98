"""Index and Reader behaviour: replace, delete, commit, rollback, reopen,
fields, tokens, timelines, pandas."""

import datetime as dt

import pytest

import newsgrep


def test_add_replace_delete_commit(tmp_path):
    path = tmp_path / "ix"
    with newsgrep.Index(path) as ix:
        ix.add(id="a", title="Flood in Valencia", body="rain rain", date="17 June 2025",
               section="world")
        ix.add(id="b", title="Budget", body="rain tax", date=dt.date(2024, 1, 2))
    with newsgrep.Reader(path) as r:
        assert r.count("rain") == 2
        hit = r.search("valencia")[0]
        assert (hit.id, hit.date, hit.title) == ("a", "2025-06-17", "Flood in Valencia")
        assert hit.fields["section"] == "world"
        assert r.search("tax")[0].highlighted == ["tax"]
        with newsgrep.Index(path) as ix:
            ix.add(id="a", title="Drought", body="dry")  # replaces a
            ix.delete("b")
            assert ix.counts == newsgrep.IndexCounts(added=1, replaced=1, deleted=1)
        assert r.count("rain") == 2  # the old snapshot
        assert r.reopen() is True
        assert r.count("rain") == 0 and r.get("a")["title"] == "Drought"
        assert r.stats().documents == 1


def test_exception_in_with_discards(tmp_path):
    path = tmp_path / "ix"
    with newsgrep.Index(path) as ix:
        ix.add(id="keep", body="kept")
    with pytest.raises(RuntimeError):
        with newsgrep.Index(path) as ix:
            ix.add(id="lost", body="lost")
            raise RuntimeError("boom")
    with newsgrep.Reader(path) as r:
        assert r.count("kept") == 1 and r.count("lost") == 0


def test_merge(tmp_path):
    path = tmp_path / "ix"
    for i in range(3):
        with newsgrep.Index(path) as ix:
            ix.add(id=f"d{i}", body=f"word{i} common")
    with newsgrep.Index(path) as ix:
        ix.merge()
    with newsgrep.Reader(path) as r:
        st = r.stats()
        assert st.segments == 1 and st.documents == 3


def test_search_options(reader):
    by_date = reader.search("china", k=5, sort="date", snippets=False, fields=False)
    dates = [h.date for h in by_date]
    assert dates == sorted(dates, reverse=True)
    assert all(h.snippet is None and h.fields is None for h in by_date)
    res = reader.search("china", since=dt.date(2025, 6, 1), count=True)
    assert res.total == len(res) and all(h.date >= "2025-06-01" for h in res)
    with pytest.raises(newsgrep.InvalidArgumentError):
        reader.search("china", sort="random")


def test_search_rank(reader):
    # the default adds the proximity of neighbouring words; "bm25" is plain
    prox = reader.search("interest rates inflation", k=1, fields=False)
    bm25 = reader.search("interest rates inflation", k=1, fields=False, rank="bm25")
    assert prox[0].id == bm25[0].id == "ng-004"
    assert round(bm25[0].score, 6) == 9.89063 and prox[0].score > bm25[0].score
    with pytest.raises(newsgrep.InvalidArgumentError):
        reader.search("china", rank="tfidf")


def test_tokens():
    toks = newsgrep.tokens("The Running Dogs")
    assert [t.term for t in toks] == ["run", "dog"]
    assert toks[0] == newsgrep.Token("run", 1, 4, 11)
    assert [t.term for t in newsgrep.tokens("the dogs", stem=False, stopwords=True)] == ["the", "dogs"]
    assert "english" in newsgrep.languages()


def test_reader_tokens_and_explain(reader):
    assert [t.term for t in reader.tokens("Summits")] == ["summit"]
    (hid, text), = reader.explain("astana", k=1)
    assert "idf" in text and hid.startswith("ng-")


def test_pandas(reader):
    pd = pytest.importorskip("pandas")
    df = reader.search("china", k=3).to_pandas()
    assert list(df.columns[:3]) == ["id", "score", "title"] and len(df) == 3
    s = reader.timeline("china", by="year").to_pandas()
    assert isinstance(s.index, pd.DatetimeIndex) and s.sum() == reader.count("china date:..9999")


def test_help_is_useful():
    doc = newsgrep.Reader.search.__doc__
    assert "since" in doc and "QuerySyntaxError" in doc and "prefix*" in doc


def test_reader_of_several_indexes_ranks_like_one(tmp_path, articles):
    """Reader([a, b]): one index of a's documents then b's (ng_reader_open_many)."""
    half = len(articles) // 2
    for name, docs in (("a", articles[:half]), ("b", articles[half:]), ("one", articles)):
        with newsgrep.Index(tmp_path / name) as ix:
            ix.add_many(docs)
    with newsgrep.Reader([tmp_path / "a", tmp_path / "b"]) as both, \
            newsgrep.Reader(tmp_path / "one") as one:
        assert both.stats().documents == len(articles)
        for q in ("china summit", "election OR rain", '"central asia"'):
            assert [(h.id, h.score) for h in both.search(q)] == \
                [(h.id, h.score) for h in one.search(q)]
            total = sum(newsgrep.Reader(tmp_path / p).query_stats(q) for p in "ab")
            a_hits = newsgrep.Reader(tmp_path / "a").search(q, stats=total, fields=False)
            one_scores = {h.id: h.score for h in one.search(q, k=100)}
            assert all(one_scores[h.id] == h.score for h in a_hits)
    with pytest.raises(newsgrep.InvalidArgumentError):
        newsgrep.Reader([])


def test_collapse_folds_syndicated_copies(tmp_path):
    story = ("The central bank raised its benchmark interest rate by half a point on "
             "Tuesday, the largest increase in two decades, as policymakers moved to cool "
             "inflation that has climbed to its highest level since the early eighties. "
             "The governor said further increases were likely in the coming months.")
    path = tmp_path / "ix"
    with newsgrep.Index(path) as ix:
        ix.add(id="wire", title="Rates up", body=story, date="2025-03-04")
        ix.add(id="copy", title="Bank lifts rates", body="LONDON (Wire) - " + story,
               date="2025-04-05")
        ix.add(id="other", title="Rates explained", body="Why the interest rate matters.",
               date="2025-03-06")
    with newsgrep.Reader(path) as r:
        plain = r.search("interest rate")
        assert len(plain) == 3 and plain[0].similar is None
        hits = r.search("interest rate", collapse=True)
        assert sorted(h.id for h in hits) in (["other", "wire"], ["copy", "other"])
        folded = [h for h in hits if h.id != "other"][0]
        assert folded.similar == (({"wire", "copy"} - {folded.id}).pop(),)
        assert folded.as_dict()["similar"] == list(folded.similar)
        assert [c for _, c in r.timeline("rate", collapse=True)] == [2]  # April: a copy
        assert [c for _, c in r.timeline("rate")] == [2, 1]
