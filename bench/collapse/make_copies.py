#!/usr/bin/env python3
"""Mixes edited copies of real articles into a collection, to measure
syndicated-copy detection (issue 16).

  make_copies.py IN.jsonl OUT.jsonl [--n 500] [--seed 1]

Picks n articles whose body has at least 60 words and writes, after the
whole input, 1-3 copies of each, every copy with one or two edits of the
kinds syndication makes: a changed headline (title only), a wire byline
in front ("LONDON (Wire) -"), boilerplate around (a site's header and
footer lines), an added paragraph (from another article), a dropped
last paragraph (about 15% of the words), a few words changed (2%).
Copies carry "copy_of": the original's id and "edits": what was done.
"""
import json, random, sys, argparse

BYLINES = ["LONDON (Wire) -", "NEW YORK, March 3 (Newswire) -", "By Staff Reporter.",
           "TOKYO (AP) --", "FRANKFURT, Germany (dpa) -"]
HEADERS = ["Advertisement. Skip to main content. Subscribe now for unlimited access.",
           "Home | World | Business | Markets | Opinion | Sign in"]
FOOTERS = ["Share this article on Facebook, Twitter and email. Copyright 2025 Daily Globe. All rights reserved.",
           "Related coverage: more stories from our correspondents. Reporting by staff; editing by the desk."]
WORDS = ["reportedly", "sharply", "officials", "Monday", "analysts", "significant", "nearly", "said"]


def edit(doc, kind, rng, donors):
    body, title = doc["body"], doc["title"]
    words = body.split()
    if kind == "headline":
        title = "UPDATE 1-" + " ".join(reversed(title.split())) if title else "Untitled copy"
    elif kind == "byline":
        body = rng.choice(BYLINES) + " " + body
    elif kind == "boilerplate":
        body = rng.choice(HEADERS) + "\n" + body + "\n" + rng.choice(FOOTERS)
    elif kind == "added":
        extra = rng.choice(donors)["body"].split()
        body = body + "\n" + " ".join(extra[: max(10, len(words) // 7)])
    elif kind == "dropped":
        body = " ".join(words[: len(words) - max(1, len(words) * 15 // 100)])
    elif kind == "words":
        w = list(words)
        for _ in range(max(1, len(w) // 50)):
            w[rng.randrange(len(w))] = rng.choice(WORDS)
        body = " ".join(w)
    return {**doc, "title": title, "body": body}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("inp"), ap.add_argument("out")
    ap.add_argument("--n", type=int, default=500), ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    docs = [json.loads(l) for l in open(a.inp, encoding="utf-8")]
    long_ones = [d for d in docs if len(d.get("body", "").split()) >= 60]
    picked = rng.sample(long_ones, min(a.n, len(long_ones)))
    kinds = ["headline", "byline", "boilerplate", "added", "dropped", "words"]
    with open(a.out, "w", encoding="utf-8") as out:
        for d in docs:
            out.write(json.dumps(d) + "\n")
        for d in picked:
            for c in range(rng.randint(1, 3)):
                ks = rng.sample(kinds, rng.randint(1, 2))
                copy = d
                for k in ks:
                    copy = edit(copy, k, rng, long_ones)
                copy = {**copy, "id": f"{d['id']}-copy{c}", "copy_of": d["id"], "edits": "+".join(ks),
                        "source": "syndicated"}
                out.write(json.dumps(copy) + "\n")


if __name__ == "__main__":
    main()
