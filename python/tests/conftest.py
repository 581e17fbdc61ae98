"""Shared fixtures: the sample articles, indexes built by the command and by
the binding, and the command itself (for --json comparisons)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import newsgrep

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "data" / "articles.jsonl"


def cli_path() -> Path:
    return Path(os.environ.get("NG", REPO / os.environ.get("BUILD", "build") / "newsgrep"))


@pytest.fixture(scope="session")
def articles():
    with open(DATA, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


@pytest.fixture(scope="session")
def cli():
    path = cli_path()
    if not path.exists():
        pytest.fail(f"{path} is missing: run `make` first")
    return path


@pytest.fixture(scope="session")
def cli_index(tmp_path_factory, cli):
    """The sample articles indexed by the command."""
    d = tmp_path_factory.mktemp("cli") / "ix"
    subprocess.run([str(cli), "index", "-i", str(d), str(DATA)], check=True,
                   capture_output=True)
    return d


@pytest.fixture(scope="session")
def py_index(tmp_path_factory, articles):
    """The sample articles indexed through the binding."""
    d = tmp_path_factory.mktemp("py") / "ix"
    with newsgrep.Index(d) as ix:
        ix.add_many(articles)
    return d


@pytest.fixture
def reader(py_index):
    with newsgrep.Reader(py_index) as r:
        yield r
