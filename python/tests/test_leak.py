"""No leak over 10,000 searches: Python memory (tracemalloc), the binding's
count of live C handles, and the C heap (glibc mallinfo2)."""

import ctypes
import gc
import tracemalloc

import newsgrep


class _Mallinfo2(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks",
        "fsmblks", "uordblks", "fordblks", "keepcost")]


def c_heap_in_use():
    libc = ctypes.CDLL(None)
    try:
        f = libc.mallinfo2
    except AttributeError:  # glibc < 2.33
        return None
    f.restype = _Mallinfo2
    info = f()
    return info.uordblks + info.hblkhd


QUERIES = ["china summit", '"central asia"', "trade*", "title:china OR rain",
           "astana -trade", "nosuchword", "election"]


def run(reader, n):
    for i in range(n):
        q = QUERIES[i % len(QUERIES)]
        if i % 50 == 0:
            reader.timeline(q, by="month")
            reader.count(q)
        # Every 10th search fetches fields and snippets (slower paths).
        full = i % 10 == 0
        reader.search(q, k=10, snippets=full, fields=full)


def test_no_leak_over_10000_searches(reader):
    run(reader, 500)  # warm caches
    gc.collect()
    handles = newsgrep.live_handles()
    assert handles == {"reader": 1}
    c_before = c_heap_in_use()
    tracemalloc.start()
    snap = tracemalloc.take_snapshot()
    run(reader, 10_000)
    gc.collect()
    grown = sum(s.size_diff for s in tracemalloc.take_snapshot().compare_to(snap, "filename"))
    tracemalloc.stop()
    assert newsgrep.live_handles() == handles
    assert grown < 64 * 1024, f"Python memory grew by {grown} bytes"
    if c_before is not None:
        c_grown = c_heap_in_use() - c_before
        assert c_grown < 1 << 20, f"C heap grew by {c_grown} bytes"


def test_failures_free_their_handles(reader):
    before = newsgrep.live_handles()
    for _ in range(200):
        try:
            reader.search("(broken")
        except newsgrep.QuerySyntaxError:
            pass
        try:
            reader.get("missing")
        except newsgrep.NotFoundError:
            pass
    assert newsgrep.live_handles() == before
