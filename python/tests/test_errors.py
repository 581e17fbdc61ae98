"""Every library error class comes back as its own exception, with the
library's code, name and detailed message; use after close raises."""

import struct

import pytest

import newsgrep
from newsgrep import errors

ALL = {
    -1: (newsgrep.OutOfMemoryError, MemoryError), -2: (newsgrep.InvalidArgumentError, ValueError),
    -3: (newsgrep.IndexIOError, OSError), -4: (newsgrep.CorruptIndexError, None),
    -5: (newsgrep.IndexLockedError, None), -6: (newsgrep.NotFoundError, LookupError),
    -7: (newsgrep.QuerySyntaxError, ValueError), -8: (newsgrep.LimitExceededError, ValueError),
    -9: (newsgrep.VersionError, None), -10: (newsgrep.NoIndexError, FileNotFoundError),
    -11: (newsgrep.LanguageError, ValueError), -12: (newsgrep.StateError, None),
    -13: (newsgrep.DocumentError, ValueError),
}


@pytest.mark.parametrize("code", sorted(ALL))
def test_every_code_has_its_class(code):
    cls, builtin = ALL[code]
    e = errors.error_for(code, "detail", context="where")
    assert type(e) is cls and isinstance(e, newsgrep.NewsgrepError)
    assert e.code == code and e.name.startswith("NG_E") and "where: detail" in str(e)
    if builtin:
        assert isinstance(e, builtin)


def test_unknown_code_is_the_base_class():
    e = errors.error_for(-99)
    assert type(e) is newsgrep.NewsgrepError and e.code == -99


def test_invalid_argument(reader):
    with pytest.raises(newsgrep.InvalidArgumentError) as ei:
        reader.timeline("china", by="fortnight")
    assert ei.value.code == -2 and ei.value.name == "NG_EINVAL"
    with pytest.raises(newsgrep.InvalidArgumentError):
        reader.search("china", since="2025-02-30")


def test_io_error(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises((newsgrep.IndexIOError, newsgrep.NoIndexError)) as ei:
        newsgrep.Index(tmp_path / "file" / "ix")
    assert str(tmp_path / "file") in str(ei.value)


def test_io_error_on_unreadable_dir(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(newsgrep.IndexIOError):
        newsgrep.Index(tmp_path / "file")


def _one_doc_index(path):
    with newsgrep.Index(path) as ix:
        ix.add(id="a", title="alpha", body="alpha beta")
    return next(path.glob("seg_*"))


def test_corrupt_index(tmp_path):
    seg = _one_doc_index(tmp_path / "ix")
    raw = bytearray(seg.read_bytes())
    raw[len(raw) // 2] ^= 0xFF
    seg.write_bytes(bytes(raw))
    with pytest.raises(newsgrep.CorruptIndexError) as ei:
        with newsgrep.Reader(tmp_path / "ix") as r:
            r.check()
    assert seg.name in str(ei.value)


def test_version(tmp_path):
    seg = _one_doc_index(tmp_path / "ix")
    raw = bytearray(seg.read_bytes())
    raw[8:12] = struct.pack("<I", 99)  # header: magic, kind, version
    seg.write_bytes(bytes(raw))
    with pytest.raises(newsgrep.VersionError):
        newsgrep.Reader(tmp_path / "ix")


def test_locked(tmp_path):
    with newsgrep.Index(tmp_path / "ix"):
        with pytest.raises(newsgrep.IndexLockedError) as ei:
            newsgrep.Index(tmp_path / "ix")
    assert ei.value.code == -5


def test_not_found(reader):
    with pytest.raises(newsgrep.NotFoundError):
        reader.get("no-such-id")
    with pytest.raises(KeyError if False else LookupError):
        reader.get("no-such-id")


def test_query_syntax_with_offset(reader):
    with pytest.raises(newsgrep.QuerySyntaxError) as ei:
        reader.search('china AND (summit')
    assert ei.value.offset is not None and "china AND (summit" in str(ei.value)
    with pytest.raises(newsgrep.QuerySyntaxError):
        reader.search("nosuchfield:china")


def test_limit(tmp_path):
    with newsgrep.Index(tmp_path / "ix", max_doc_bytes=100) as ix:
        with pytest.raises(newsgrep.LimitExceededError):
            ix.add(id="big", body="word " * 100)
        ix.add(id="small", body="word")  # not sticky
    with newsgrep.Reader(tmp_path / "ix") as r:
        assert r.count("word") == 1


def test_deep_query_is_a_limit(reader):
    with pytest.raises(newsgrep.LimitExceededError):
        reader.search("(" * 40 + "china" + ")" * 40)


def test_no_index(tmp_path):
    with pytest.raises(newsgrep.NoIndexError) as ei:
        newsgrep.Reader(tmp_path)
    assert str(tmp_path) in str(ei.value)
    with pytest.raises(newsgrep.NoIndexError):
        newsgrep.Index(tmp_path / "missing", create=False)


def test_language(tmp_path):
    with pytest.raises(newsgrep.LanguageError):
        newsgrep.Index(tmp_path / "ix", language="klingon")
    with pytest.raises(newsgrep.LanguageError):
        newsgrep.tokens("x", language="klingon")


def test_document(tmp_path):
    with newsgrep.Index(tmp_path / "ix") as ix:
        with pytest.raises(newsgrep.DocumentError):
            ix.add(id="", body="empty id")
        with pytest.raises(newsgrep.DocumentError):
            ix.add(id="d", body="x", date="2025-02-30")


def test_use_after_close_raises(py_index, tmp_path):
    r = newsgrep.Reader(py_index)
    r.close()
    r.close()  # twice is fine
    for call in (lambda: r.search("china"), r.stats, lambda: r.count("x"),
                 lambda: r.get("ng-001"), lambda: r.timeline("x"), r.reopen):
        with pytest.raises(newsgrep.ClosedError):
            call()
    ix = newsgrep.Index(tmp_path / "ix")
    ix.close()
    with pytest.raises(newsgrep.ClosedError):
        ix.add(id="a", body="b")
    with pytest.raises(newsgrep.StateError):  # ClosedError is a StateError
        ix.commit()


def test_exceptions_pickle_with_their_code(reader):
    """They cross process boundaries (Dask workers) intact."""
    import pickle

    with pytest.raises(newsgrep.QuerySyntaxError) as ei:
        reader.search("(china")
    e = pickle.loads(pickle.dumps(ei.value))
    assert type(e) is newsgrep.QuerySyntaxError and e.code == -7
    assert e.offset == ei.value.offset and str(e) == str(ei.value)
