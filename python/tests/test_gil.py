"""The GIL is released while the library works: another Python thread runs
during a commit (cffi releases it around every call into C)."""

import sys
import threading
import time

import newsgrep


def _commit_with_spinner(ix, n_docs, first_id):
    """Adds n_docs documents, commits while a thread spins; returns the
    commit's seconds, the spinner's ticks during it and its calibrated rate."""
    for i in range(first_id, first_id + n_docs):
        ix.add(id=f"d{i}", title=f"title {i}", body=" ".join(f"w{(i * j) % 997}" for j in range(150)))
    ticks = [0]
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks[0] += 1

    t = threading.Thread(target=spin)
    t.start()
    first = ticks[0]
    time.sleep(0.2)  # calibration: the spinner alone
    rate = (ticks[0] - first) / 0.2
    before = ticks[0]
    start = time.perf_counter()
    ix.commit()  # one C call: waits for the indexing thread, writes the segment
    elapsed = time.perf_counter() - start
    during = ticks[0] - before
    stop.set()
    t.join()
    return elapsed, during, rate


def test_other_threads_run_during_a_commit(tmp_path):
    # The commit must last long enough to tell; a faster library or machine
    # gets more documents (doubling) instead of a failed test.
    with newsgrep.Index(tmp_path / "ix", threads=1) as ix:
        n, first_id = 3000, 0
        for _ in range(5):
            elapsed, during, rate = _commit_with_spinner(ix, n, first_id)
            if elapsed > 0.2:
                break
            first_id += n
            n *= 2
    assert elapsed > 0.2, "the commit was too quick to tell"
    # Holding the GIL for the call, the spinner would only run in the one
    # switch interval before it (measured: ~1 interval's worth with ctypes.PyDLL).
    floor = 10 * sys.getswitchinterval() * rate
    assert during > floor, f"{during} ticks in a {elapsed:.3f} s commit (floor {floor:.0f})"
