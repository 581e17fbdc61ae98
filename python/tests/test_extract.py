"""Extraction from Python goes through the library's ng_extract_html /
ng_extract_text, as `newsgrep extract` and `newsgrep index` do (issue 12)."""

import json
import os
import subprocess
from pathlib import Path

import pytest

import newsgrep

PAGE = """<html lang="en"><head><title>Bridge opens | City Paper</title>
<meta property="og:title" content="Bridge opens">
<meta property="article:published_time" content="2019-07-03T10:00:00+02:00"></head>
<body><div class="top-bar"><a href="/">Home</a> <a href="/world">World</a></div>
<article><h1>Bridge opens</h1>
<p>The new bridge over the river opened on Wednesday after two years of work, the city said.</p>
<div class="share">Share on Facebook</div>
<p>About 2000 people came to the opening, where the mayor thanked the builders.</p></article>
<div class="recommend"><a href="/v">Venezuela votes</a></div></body></html>"""

FIXTURE = Path(__file__).resolve().parents[2] / ".." / "shared" / "fixtures" / \
    "scraped-news-page.txt"


def test_extract_html_fields_and_furniture():
    docs = newsgrep.extract_html(PAGE, url="https://example.org/2019/07/03/bridge")
    assert len(docs) == 1
    d = docs[0]
    assert (d["title"], d["date"], d["lang"]) == ("Bridge opens", "2019-07-03", "en")
    assert "new bridge" in d["body"] and "2000 people" in d["body"]
    for chrome in ("Home", "Share on Facebook", "Venezuela"):
        assert chrome not in d["body"]
    everything = newsgrep.extract_html(PAGE.encode(), keep_boilerplate=True)[0]["body"]
    assert "Venezuela" in everything


def test_extract_html_limits_and_empty():
    with pytest.raises(newsgrep.LimitExceededError, match="attributes"):
        newsgrep.extract_html("<p" + "".join(f" a{i}=1" for i in range(600)) + ">x</p>")
    assert newsgrep.extract_html("<html><body><script>x()</script></body></html>") == []


@pytest.mark.skipif(not FIXTURE.exists(), reason="../shared/fixtures is absent")
def test_extract_text_matches_the_cli():
    data = FIXTURE.read_bytes()
    docs = newsgrep.extract_text(data)
    assert [d.get("date") for d in docs] == ["2025-06-18", None]
    assert all("Recommended Articles" not in d["body"] for d in docs)
    ng = os.environ.get("NG")
    if ng:
        out = subprocess.run([ng, "extract", "--json", str(FIXTURE)], check=True,
                             capture_output=True, text=True).stdout
        cli = [json.loads(line) for line in out.splitlines()]
        assert [(c["title"], c["body"]) for c in cli] == \
            [(d["title"], d["body"]) for d in docs]
