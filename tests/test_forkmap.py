"""forkmap: the second core's share of a map gives the plain path's values,
and the plain path is what one core (or LISTSUM_JOBS=1) gets."""

from __future__ import annotations

import os
import time

import pytest
from corpus_msgs import archive_read, leds_read

from listsum import forkmap
from listsum.forkmap import fork_map, split
from listsum.mail.threads import build_threads
from listsum.pipeline import facts


def test_split_balances_by_weight_and_keeps_order() -> None:
    items = [(0, 1), (1, 1), (2, 9), (3, 1), (4, 2), (5, 1), (6, 1), (7, 1), (8, 1)]  # (position, weight)
    a, b = split(items, lambda x: x[1])
    assert sorted(a + b) == items
    assert sum(w for _, w in a) == sum(w for _, w in b) == 9
    assert a == sorted(a) and b == sorted(b)  # each share in the input's order


def test_forked_map_equals_plain_map() -> None:
    items = [f"m{i}" for i in range(200)]
    fn = lambda s: (s.upper(), os.getpid())  # noqa: E731
    plain = fork_map(fn, items, len, key=str, procs=1)
    shared = fork_map(fn, items, len, key=str, procs=2)
    assert list(shared) == items  # the input's order
    assert {k: v[0] for k, v in shared.items()} == {k: v[0] for k, v in plain.items()}
    pids = {v[1] for v in shared.values()}
    if forkmap.can_fork():
        assert len(pids) == 2 and os.getpid() in pids  # the child really took a share
    assert {v[1] for v in plain.values()} == {os.getpid()}


def test_few_items_stay_in_process() -> None:
    out = fork_map(lambda s: os.getpid(), ["a", "b"], len, key=str, procs=2)
    assert set(out.values()) == {os.getpid()}


def test_a_failing_child_is_recomputed_here() -> None:
    parent = os.getpid()

    def fn(s: str) -> str:
        if os.getpid() != parent:
            raise RuntimeError("child only")
        return s * 2

    items = [f"x{i}" for i in range(100)]
    assert fork_map(fn, items, len, key=str, procs=2) == {s: s * 2 for s in items}


def test_an_error_in_the_parent_leaves_no_child(monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    seen: list[int] = []
    real_fork = os.fork

    def spy_fork() -> int:
        pid = real_fork()
        if pid:
            seen.append(pid)
        return pid

    def fn(s: str) -> str:
        if os.getpid() == parent:
            raise KeyboardInterrupt  # Ctrl-C in the parent's share
        time.sleep(30)  # the child would run on without the kill
        return s

    monkeypatch.setattr(os, "fork", spy_fork)
    with pytest.raises(KeyboardInterrupt):
        fork_map(fn, [f"y{i}" for i in range(100)], len, key=str, procs=2)
    assert len(seen) == 1
    with pytest.raises(ChildProcessError):  # reaped: no such child any more
        os.waitpid(seen[0], os.WNOHANG)
    with pytest.raises(ProcessLookupError):
        os.kill(seen[0], 0)


@pytest.mark.parametrize("asked,cpus,want", [("1", 2, 1), ("2", 1, 2), ("7", 2, 2), ("", 1, 1), ("", 2, 2),
                                             ("x", 4, 2)])
def test_jobs(monkeypatch: pytest.MonkeyPatch, asked: str, cpus: int, want: int) -> None:
    monkeypatch.setenv("LISTSUM_JOBS", asked)
    monkeypatch.setattr(os, "sched_getaffinity", lambda _pid: set(range(cpus)), raising=False)
    assert forkmap.jobs() == want


@pytest.mark.parametrize("read", [archive_read, leds_read], ids=["kvmarm", "leds"])
def test_facts_of_every_thread_same_on_one_and_two_processes(monkeypatch: pytest.MonkeyPatch, read) -> None:
    threads = build_threads(read().messages)
    monkeypatch.setenv("LISTSUM_JOBS", "1")
    one = facts(threads, threads)
    monkeypatch.setenv("LISTSUM_JOBS", "2")
    two = facts(threads, threads)
    assert list(two[1]) == list(one[1]) and two == one


def test_no_fork_while_another_thread_runs() -> None:
    import threading

    stop = threading.Event()
    other = threading.Thread(target=stop.wait)
    other.start()
    try:
        out = fork_map(lambda s: os.getpid(), [f"t{i}" for i in range(100)], len, key=str, procs=2)
    finally:
        stop.set()
        other.join()
    assert set(out.values()) == {os.getpid()}
