"""One Reader searched from many threads at once gives the results of a
single thread; close() waits for searches in progress."""

import threading
from concurrent.futures import ThreadPoolExecutor

import newsgrep

QUERIES = ["china", "summit OR election", '"central asia"', "trade*", "rain",
           "title:china", "flood storm", "astana -trade", "economy", "the"]


def test_concurrent_searches_equal_sequential(reader):
    expected = {q: reader.search(q, k=5) for q in QUERIES}
    errors = []

    def work(seed):
        for i in range(200):
            q = QUERIES[(seed + i) % len(QUERIES)]
            got = reader.search(q, k=5)
            if [h.as_dict() for h in got] != [h.as_dict() for h in expected[q]]:
                errors.append(q)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert errors == []


def test_close_while_searching_never_crashes(py_index):
    r = newsgrep.Reader(py_index)
    start = threading.Barrier(5)
    outcomes = []

    def work():
        start.wait()
        try:
            for _ in range(300):
                r.search("china", k=3)
            outcomes.append("done")
        except newsgrep.ClosedError:
            outcomes.append("closed")

    threads = [threading.Thread(target=work) for _ in range(4)]
    for t in threads:
        t.start()
    start.wait()
    r.close()
    for t in threads:
        t.join()
    assert len(outcomes) == 4 and set(outcomes) <= {"done", "closed"}
