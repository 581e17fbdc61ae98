"""Search results of the binding equal the command's --json, field for field."""

import json
import subprocess

import pytest

import newsgrep

QUERIES = [
    ("china summit", []),
    ("central asia", ["--all"]),
    ('"astana declaration"', []),
    ("title:china OR election", []),
    ("trade -china", []),
    ("econom*", []),
    ("the", []),
    ("china", ["--since", "2025-01", "--until", "2025-06-16"]),
    ("china OR election OR rain", ["--sort", "date"]),
    ("(flood OR storm) AND NOT china", []),
    ("date:2025-06..2025-06 china", []),
]


def cli_json(cli, index, query, extra, k=10):
    run = subprocess.run([str(cli), "search", "-i", str(index), "--json",
                          "-k", str(k), *extra, query],
                         capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr  # 1: no match, as grep
    out = run.stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def py_json(index, query, extra, k=10):
    kw = {}
    it = iter(extra)
    for flag in it:
        if flag == "--all":
            kw["all_words"] = True
        else:
            kw[flag[2:]] = next(it)
    with newsgrep.Reader(index) as r:
        hits = r.search(query, k, **kw)
    rows = []
    for h in hits:
        d = h.as_dict()
        d.pop("fields", None)
        d["score"] = round(d["score"] * 1e6) / 1e6  # as the command prints it
        rows.append(d)
    return rows


@pytest.mark.parametrize("query,extra", QUERIES)
def test_same_as_cli_json(cli, cli_index, query, extra):
    expected = cli_json(cli, cli_index, query, extra)
    assert py_json(cli_index, query, extra) == expected


@pytest.mark.parametrize("query,extra", QUERIES)
def test_index_built_from_python_ranks_like_cli(cli, cli_index, py_index, query, extra):
    """Same documents added through the binding: same ids, scores, snippets
    (the source field differs: the command stores the file name)."""
    def strip(rows):
        return [{k: v for k, v in d.items() if k != "source"} for d in rows]
    assert strip(py_json(py_index, query, extra)) == strip(cli_json(cli, cli_index, query, extra))


def test_some_queries_have_hits(cli, cli_index):
    assert sum(len(cli_json(cli, cli_index, q, e)) > 0 for q, e in QUERIES) >= 8


def test_timeline_same_as_cli(cli, cli_index):
    out = subprocess.run([str(cli), "timeline", "-i", str(cli_index), "--json",
                          "--by", "month", "china"],
                         check=True, capture_output=True, text=True).stdout
    expected = [(o["period"], o["count"]) for o in map(json.loads, out.splitlines())]
    with newsgrep.Reader(cli_index) as r:
        assert list(r.timeline("china", by="month")) == expected


def test_stats_same_as_cli(cli, cli_index):
    out = subprocess.run([str(cli), "stats", "-i", str(cli_index), "--json"],
                         check=True, capture_output=True, text=True).stdout
    expected = json.loads(out)
    with newsgrep.Reader(cli_index) as r:
        st = r.stats()
    for key, value in expected.items():
        got = getattr(st, key)
        assert (round(got, 3) if isinstance(got, float) else got) == value, key


def test_several_indexes_same_as_cli(cli, tmp_path, articles):
    """Reader([a, b]) against `newsgrep search -i a -i b --json`."""
    half = len(articles) // 2
    for name, docs in (("a", articles[:half]), ("b", articles[half:])):
        with newsgrep.Index(tmp_path / name) as ix:
            ix.add_many(docs)
    run = subprocess.run([str(cli), "search", "-i", str(tmp_path / "a"), "-i", str(tmp_path / "b"),
                          "--json", "-k", "10", "china OR summit"],
                         capture_output=True, text=True, check=True)
    expected = [json.loads(line) for line in run.stdout.splitlines()]
    with newsgrep.Reader([tmp_path / "a", tmp_path / "b"]) as r:
        got = [dict(h.as_dict(), score=round(h.score * 1e6) / 1e6) for h in r.search("china OR summit")]
    for d in got:
        d.pop("fields")
    assert len(expected) > 5 and got == expected
