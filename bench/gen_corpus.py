#!/usr/bin/env python3
"""A small, seeded, generated news-like corpus for when ../shared/corpora is
absent (the benchmark then says so): Zipf-distributed words from a fixed
syllable vocabulary, a title, a body of a few paragraphs and a 2024 date per
document, plus a query set (words, word pairs, quoted phrases) next to it.

  gen_corpus.py OUT.jsonl [NDOCS]   -> OUT.jsonl and <dir>/generated.queries.tsv
"""
import json
import os
import random
import sys


def vocabulary(rng, n=20000):
    syl = ["ka", "to", "ri", "men", "sa", "lo", "vi", "dan", "po", "le", "ber", "gu", "stan",
           "ne", "ol", "ar", "tek", "mi", "ro", "an", "ex", "port", "fi", "nal", "cor"]
    words = set()
    while len(words) < n:
        words.add("".join(rng.choice(syl) for _ in range(rng.choice((1, 2, 2, 3, 3, 4)))))
    return sorted(words)


def main():
    out = sys.argv[1]
    ndocs = int(sys.argv[2]) if len(sys.argv) > 2 else 20000
    rng = random.Random(20261129)
    vocab = vocabulary(rng)
    rng.shuffle(vocab)
    weights = [1.0 / (i + 1) for i in range(len(vocab))]
    cum, acc = [], 0.0
    for w in weights:
        acc += w
        cum.append(acc)

    def words(k):
        return rng.choices(vocab, cum_weights=cum, k=k)

    phrases = []
    with open(out, "w", encoding="utf-8") as f:
        for i in range(ndocs):
            title = " ".join(words(rng.randint(3, 8))).capitalize()
            paras = [" ".join(words(rng.randint(20, 80))) + "." for _ in range(rng.randint(1, 6))]
            if rng.random() < 0.01:
                phrases.append(" ".join(paras[0].split()[2:4]).strip("."))
            date = "2024-%02d-%02d" % (rng.randint(1, 12), rng.randint(1, 28))
            f.write(json.dumps({"id": "g%06d" % i, "title": title, "body": "\n\n".join(paras),
                                "date": date}) + "\n")
    qs = []
    for i in range(100):
        kind = i % 4
        if kind == 0:
            q = " ".join(words(rng.randint(2, 4)))
        elif kind == 1:
            q = " ".join(rng.sample(vocab[:3000], 2))
        elif kind == 2 and phrases:
            q = '"%s"' % rng.choice(phrases)
        else:
            q = " ".join(words(1) + rng.sample(vocab[:5000], 1))
        qs.append("g%03d\t%s\n" % (i + 1, q))
    with open(os.path.join(os.path.dirname(os.path.abspath(out)), "generated.queries.tsv"),
              "w", encoding="utf-8") as f:
        f.writelines(qs)
    print("generated %d documents -> %s" % (ndocs, out), file=sys.stderr)


main()
