"""Query-set helpers for bench/bench.py (standard library only).

Derives the prefix query set from a base set, and rewrites the shared query
convention (bare words + "quoted phrases", see ../shared/tools/peers) into
newsgrep's query language without letting stray punctuation act as syntax.
"""

import random
import re

# letters/digits runs, like peerlib.surface_tokens / FTS5's unicode61
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
# a word optionally followed by the prefix star
# (keeps U.S, don't, 3.5, high-speed, AT&T whole: newsgrep's analyzer
# treats them as units, and no character of them is query syntax inside)
_WORD_STAR = re.compile(r"([^\W_]+(?:[.'\u2019&\-][^\W_]+)*)(\*?)", re.UNICODE)
_STOP = set("""a about above after again against all am an and any are as at be
because been before being below between both but by can did do does doing down
during each few for from further had has have having he her here hers him his how
i if in into is it its itself just me more most my no nor not now of off on once
only or other our out over own same she should so some such than that the their
them then there these they this those through to too under until up very was we
were what when where which while who whom why will with would you your""".split())


def read_tsv(path):
    """[(qid, text)] like peerlib.read_queries."""
    out = []
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n").rstrip("\r")
            if not line.strip() or line.startswith("#") or "\t" not in line:
                continue
            qid, text = line.split("\t", 1)
            out.append((qid.strip(), text.strip()))
    return out


def write_tsv(path, queries):
    with open(path, "w", encoding="utf-8") as f:
        for qid, text in queries:
            f.write("%s\t%s\n" % (qid, text))


def prefix_queries(base, n, seed=20261129):
    """One `pref*` (4 or 5 letters of a content word of >= 6 letters) per
    query, plus one other content word of the same query when there is one:
    e.g. `crude pric*`. Prefixes of 3 letters expand to too many terms on
    the large corpora (newsgrep caps an expansion at NG_MAX_PREFIX_EXPANSION)."""
    rng = random.Random(seed)
    out = []
    for qid, text in base:
        words = [w.lower() for w in _WORD.findall(text)
                 if w.isalpha() and w.isascii() and w.lower() not in _STOP]
        longw = [w for w in words if len(w) >= 6]
        if not longw:
            continue
        w = rng.choice(longw)
        q = w[:rng.choice((4, 5))] + "*"
        others = [x for x in words if x != w and len(x) >= 3]
        if others:
            q = rng.choice(others) + " " + q
        out.append(("p" + qid, q))
        if len(out) >= n:
            break
    return out


def _clean(seg, allow_star):
    """Only words (and `word*` when allowed), space separated."""
    words = []
    for m in _WORD_STAR.finditer(seg):
        w = m.group(1)
        if w in ("AND", "OR", "NOT"):
            w = w.lower()
        words.append(w + ("*" if allow_star and m.group(2) else ""))
    return " ".join(words)


def newsgrep_query(text, mode):
    """The shared convention as a newsgrep query: or/and -> words and
    "phrases" (and mode adds --all on the command line); phrase -> the whole
    text as one quoted phrase."""
    if mode == "phrase":
        t = _clean(text.replace('"', " "), False)
        return '"%s"' % t if t else ""
    parts = text.split('"')
    out = []
    for i, seg in enumerate(parts):
        quoted = i % 2 == 1 and i < len(parts) - 1
        c = _clean(seg, not quoted)
        if not c:
            continue
        out.append('"%s"' % c if quoted else c)
    return " ".join(out)
