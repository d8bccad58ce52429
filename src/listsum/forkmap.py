"""Use the machine's second core for pure work: one forked child computes a
share of a map while the parent computes the rest (issue 11's cold read +
thread + facts budget; facts for every thread of the kvmarm archive take
~1.5 s on one core).

Why fork and not multiprocessing: the child inherits the threads and the
parsed messages as they are (nothing pickled on the way in, bodies read
from the same parse-cache copy); only its results come back, pickled
through a pipe. Results are the same values the plain path computes, so
callers must not rely on object identity between items.

``jobs()`` says how many processes to use: LISTSUM_JOBS (1 = the plain,
single-process path) else 2 when this process may run on two CPUs or more.
No fork (Windows), one core, or another thread running: the plain path. On Ctrl-C, or any error in
the parent, the child is killed and reaped before the error goes on: no
orphan outlives the run.
"""

from __future__ import annotations

import os
import pickle
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")

ENV = "LISTSUM_JOBS"


def jobs() -> int:
    """Processes to use: LISTSUM_JOBS, else 2 when two CPUs are ours, else 1."""
    asked = os.environ.get(ENV, "").strip()
    if asked.isdigit() and int(asked) >= 1:
        return min(int(asked), 2)
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        cpus = os.cpu_count() or 1
    return 2 if cpus >= 2 else 1


def can_fork() -> bool:
    """fork() exists, and no other thread runs: a child gets only the forking
    thread, and a lock another thread held at the fork (imports, logging)
    would stay held in the child for ever."""
    return hasattr(os, "fork") and sys.platform != "win32" and threading.active_count() == 1


def split(items: Sequence[T], weight: Callable[[T], int]) -> tuple[list[T], list[T]]:
    """Two shares of about equal weight (heaviest first, each to the lighter
    share), each in the input's order."""
    order = sorted(range(len(items)), key=lambda i: -weight(items[i]))
    loads, picks = [0, 0], [set(), set()]  # type: ignore[var-annotated]
    for i in order:
        k = 0 if loads[0] <= loads[1] else 1
        loads[k] += weight(items[i])
        picks[k].add(i)
    return ([items[i] for i in range(len(items)) if i in picks[0]],
            [items[i] for i in range(len(items)) if i in picks[1]])


def fork_map(fn: Callable[[T], R], items: Sequence[T], weight: Callable[[T], int], *,
             key: Callable[[T], str], min_items: int = 64, procs: int | None = None) -> dict[str, R]:
    """``{key(item): fn(item)}`` for every item, in the input's order, the
    work shared with one forked child when ``procs`` (default ``jobs()``) is 2
    and there are at least ``min_items`` items (a fork costs ~10 ms)."""
    procs = jobs() if procs is None else procs
    if procs < 2 or len(items) < min_items or not can_fork():
        return {key(it): fn(it) for it in items}
    mine, theirs = split(items, weight)
    got, done = call_in_child(lambda: {key(it): fn(it) for it in theirs},
                            lambda: {key(it): fn(it) for it in mine})
    if got is None:  # the child failed: the same values, computed here
        got = {key(it): fn(it) for it in theirs}
    done.update(got)
    return {key(it): done[key(it)] for it in items}


def call_in_child(child_work: Callable[[], T], parent_work: Callable[[], R]) -> tuple[T | None, R]:
    """(the child's result, None when it failed; the parent's result)."""
    rfd, wfd = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: compute, send, and leave without running the parent's cleanup
        # SIGINT keeps the parent's disposition: Ctrl-C raises KeyboardInterrupt here too (exit 1,
        # no traceback: os._exit below), and where the parent ignores it, so does the child.
        code = 1
        try:
            os.close(rfd)
            data = pickle.dumps(child_work(), protocol=pickle.HIGHEST_PROTOCOL)
            with os.fdopen(wfd, "wb") as out:
                out.write(data)
            code = 0
        finally:
            os._exit(code)
    os.close(wfd)
    reaped = False
    inp = os.fdopen(rfd, "rb")
    try:
        mine = parent_work()
        data = inp.read()
        _, status = os.waitpid(pid, 0)
        reaped = True
        if os.waitstatus_to_exitcode(status) != 0 or not data:
            return None, mine
        return pickle.loads(data), mine  # noqa: S301 - our own child's output
    finally:
        inp.close()
        if not reaped:  # an error or Ctrl-C in the parent: no orphan
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            os.waitpid(pid, 0)
