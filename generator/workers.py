"""Worker processes: the one place that forks, with one policy for when.

Policy: work is spread over a pool of forked processes, one per core, when there is more
than one core, at least :data:`MIN_TASKS` tasks, and a build cache on disk (workers hand
large results back through the cache; without one everything runs in this process).
Background jobs (:func:`start`) follow the same rule: they run only where a cache can take
their result, and are otherwise done in place when their result is needed.

Fork safety, the rules every task obeys:

- Workers are forked, so they start with the parent's memory as it was (templates, theme,
  model) without pickling; nothing they change there is seen by the parent.
- A worker never uses a process or file offset the parent holds: it opens its own git
  reader (:class:`generator.archive.blobs.BlobReader`), and records files are read with
  positional reads (:mod:`generator.cache`).
- What a task needs beyond its job (the theme, the site folder) is handed over with
  ``inherit``: workers inherit it at the fork and read it with :func:`inherited`, so it is
  never pickled. It is set only while :func:`run_all` runs.
- Module-level memos (parsed text pieces, normalised clauses, recently read clauses, open
  records files) are copied into a worker at the fork and die with it. They are only
  shortcuts: results go back by return value or through the cache, never through a memo.
- A worker dies with the process that forked it (:func:`_die_with_parent`): a build killed
  with ``kill -9`` leaves no worker waiting for jobs that will never come.
- Python 3.12+ warns (DeprecationWarning) when a process with threads forks, since a lock
  another thread holds stays locked in the child. Under ``mkdocs serve`` the parent has
  threads (the web server, the file watcher), and builds run in one of them. Workers never
  take a lock those threads use: they do not serve, watch or import anything new; logging
  resets its own locks in a forked child (``os.register_at_fork``). So :func:`_forking`
  silences that one warning where govsite forks, and nowhere else.
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import logging
import multiprocessing
import multiprocessing.process
import os
import signal
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager, suppress
from multiprocessing.connection import Connection
from typing import Any, TypeVar

from .diagnostics import LOGGER_NAME

Job = TypeVar("Job")
Result = TypeVar("Result")

MIN_TASKS = 4
"""Fewer tasks than this are done in this process: a pool would cost more than it saves."""

_inherited: Any = None


def inherited() -> Any:
    """What the running :func:`run_all` hands its tasks besides their jobs."""
    return _inherited


_PR_SET_PDEATHSIG = 1


def _die_with_parent() -> None:
    """Make this (forked) process end when the one that forked it ends.

    On Linux the kernel sends the signal (``prctl(PR_SET_PDEATHSIG)``); elsewhere a thread
    polls the parent's id. Either way a parent that is already gone ends it at once.
    """
    parent = os.getppid()
    armed = False
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            armed = libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0) == 0
        except (OSError, AttributeError):
            armed = False
    if not armed:

        def watch() -> None:
            while os.getppid() == parent:
                time.sleep(1)
            os._exit(1)

        threading.Thread(target=watch, daemon=True).start()
    if os.getppid() != parent:  # the parent died before the signal was armed
        os._exit(1)


def _run_dying_with_parent(job: Callable[[], None], reports: Connection | None = None) -> None:
    _die_with_parent()
    failed = False
    with _held_reports() as held:
        try:
            job()
        except Exception:
            # What a background job did not finish, the build does itself when it needs
            # the result, and reports any failure there (a full disk, say) in one line: a
            # traceback from here would be a second, unclear report of the same thing.
            failed = True
        finally:
            if reports is not None:
                reports.send(held.records)
                reports.close()
    if failed:
        os._exit(1)


@contextlib.contextmanager
def _forking() -> Iterator[None]:
    """Where govsite forks: without Python's warning that the process has threads (see the
    safety rules above for why the workers are safe), and with the objects the process has
    frozen (:func:`gc.freeze`): a forked process's garbage collector then leaves them alone,
    so the memory pages they are on stay shared with the parent instead of being copied
    into every worker when it collects."""
    gc.freeze()
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings(
                "ignore",
                message=r".*use of fork\(\) may lead to deadlocks",
                category=DeprecationWarning,
            )
            yield
    finally:
        gc.unfreeze()  # this process collects them again


def cores() -> int:
    return os.cpu_count() or 1


def worth_forking(tasks: int, *, cache: bool) -> bool:
    """The policy: several cores, enough tasks, and a cache for the results."""
    return cache and cores() > 1 and tasks >= MIN_TASKS


def run_all(
    task: Callable[[Job], Result],
    jobs: Iterable[Job],
    *,
    tasks: int,
    cache: bool,
    inherit: Any = None,
    on_result: Callable[[Result], None] | None = None,
) -> list[Result]:
    """``task`` over ``jobs``, results in the jobs' order; ``tasks`` is how many there are.

    Jobs are taken from the iterable as workers free up (a few per worker in flight), so a
    generator of large jobs (texts) never has them all in memory. ``on_result`` is called
    in this process with each result as it arrives (to report progress).
    """
    global _inherited
    previous, _inherited = _inherited, inherit
    try:
        if not worth_forking(tasks, cache=cache):
            results = []
            for job in jobs:
                results.append(task(job))
                if on_result is not None:
                    on_result(results[-1])
            return results
        return _in_pool(task, jobs, on_result)
    finally:
        _inherited = previous


class _Reported(logging.Handler):
    """Holds the warnings a worker's tasks log, to be logged again by the process that
    forked it: there a strict build counts them (a worker's own count dies with it)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append((record.levelno, record.getMessage()))


@contextmanager
def _held_reports() -> Iterator[_Reported]:
    """In a worker: govsite's warnings are held, not printed, while the block runs."""
    logger = logging.getLogger(LOGGER_NAME)
    handler = _Reported()
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


def _reporting(task: Callable[[Job], Result], job: Job) -> tuple[Result, list[tuple[int, str]]]:
    """Run ``task`` in a worker, handing back its warnings with its result."""
    with _held_reports() as reports:
        result = task(job)
    return result, reports.records


def _report_again(records: list[tuple[int, str]]) -> None:
    logger = logging.getLogger(LOGGER_NAME)
    for level, message in records:
        logger.log(level, message)


def _in_pool(
    task: Callable[[Job], Result],
    jobs: Iterable[Job],
    on_result: Callable[[Result], None] | None,
) -> list[Result]:
    workers = cores()
    results: dict[int, Result] = {}
    pending: dict[Future[tuple[Result, list[tuple[int, str]]]], int] = {}
    context = multiprocessing.get_context("fork")

    def collect(limit: int) -> None:
        while len(pending) > limit:
            done, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in done:
                result, records = future.result()
                _report_again(records)
                results[pending.pop(future)] = result
                if on_result is not None:
                    on_result(result)

    with (
        _forking(),
        ProcessPoolExecutor(workers, mp_context=context, initializer=_die_with_parent) as pool,
    ):
        for index, job in enumerate(jobs):
            collect(2 * workers - 1)
            pending[pool.submit(_reporting, task, job)] = index
        collect(0)
    return [results[index] for index in range(len(results))]


class Background:
    """A job started in a forked process, waited for when its result is needed."""

    def __init__(self, job: Callable[[], None], *, daemon: bool = True) -> None:
        self._job = job
        self._daemon = daemon
        self._process: multiprocessing.process.BaseProcess | None = None
        self._reports: Connection | None = None

    def start(self) -> None:
        if self._process is None:
            context = multiprocessing.get_context("fork")
            self._reports, theirs = context.Pipe(duplex=False)
            self._process = context.Process(
                target=_run_dying_with_parent, args=(self._job, theirs), daemon=self._daemon
            )
            with _forking():
                self._process.start()
            theirs.close()

    def stop(self) -> None:
        """End the job now (its workers die with it), if it was started: a failed build
        stops writing before its output is removed."""
        if self._process is not None:
            self._process.terminate()
            self._process.join()
            self._process = None
        if self._reports is not None:
            self._reports.close()
            self._reports = None

    def join(self) -> None:
        """Wait for the job, if it was started; its warnings are logged here."""
        if self._process is not None:
            if self._reports is not None:
                # A job that ended without a word (killed) reports nothing: its result is
                # checked where it is used.
                with suppress(EOFError):
                    _report_again(self._reports.recv())
                self._reports.close()
                self._reports = None
            self._process.join()
            self._process = None


def start(job: Callable[[], None], *, cache: bool, pool: bool = False) -> Background | None:
    """Run ``job`` in a forked process now when the policy allows (a cache, several cores).

    A job that itself uses :func:`run_all` says so with ``pool`` (a daemonic process may
    not have workers of its own).
    """
    if not (cache and cores() > 1):
        return None
    background = Background(job, daemon=not pool)
    background.start()
    return background
