"""Progress of the long steps of a build (history, parse, track, render, search, publish).

On a terminal a step shows a tqdm bar (counts, rate and a time estimate) on standard error,
and mkdocs' own log lines are written above it rather than through it
(:func:`tqdm.contrib.logging.logging_redirect_tqdm` on mkdocs' logger). Elsewhere (CI logs,
a file) a step writes one line under govsite's logger every :data:`INTERVAL` seconds, with
the same counts and estimate, so a log is never silent for long and never full of bars.
Every step ends with one line saying what it did and how long it took. Nothing is shown
when govsite's logger does not show information (``mkdocs build -q``, ``govsite check -q``).

tqdm rather than a hand-made bar: it is small, has no dependencies of its own, sizes itself
to the terminal, and can put log records above its bar.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sys
import time
from collections.abc import Iterable, Iterator
from types import TracebackType
from typing import TYPE_CHECKING, NoReturn, TypeVar

from .diagnostics import log

if TYPE_CHECKING:
    from tqdm import tqdm

Item = TypeVar("Item")

INTERVAL = 5.0
"""Seconds between two progress lines in a log."""
MIN_SECONDS = 1.0
"""A step that ends sooner shows no bar and no progress line."""
SUMMARY_SECONDS = 2.0
"""A step that ends sooner, having shown nothing, says nothing at its end either: a small
site's build or check stays as quiet as it was."""


def _on_terminal() -> bool:
    return sys.stderr.isatty() and not os.environ.get("CI")


class Progress:
    """One long step: ``advance`` it as work is done, as a context manager."""

    def __init__(self, step: str, total: int, unit: str) -> None:
        self.step = step
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()
        self._last_line = self.started
        self._told = False
        """Whether anything of this step was shown yet (a bar or a line)."""
        self._bar: tqdm[NoReturn] | None = None
        self._redirect: contextlib.AbstractContextManager[None] | None = None
        self.shown = log.isEnabledFor(logging.INFO)

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close(failed=kind is not None)

    def _open_bar(self) -> None:
        # Imported only for a bar on a terminal: tqdm's logging helper pulls in asyncio,
        # 13 ms of every build's start-up otherwise.
        from tqdm import tqdm
        from tqdm.contrib.logging import logging_redirect_tqdm

        self._redirect = logging_redirect_tqdm(loggers=[logging.getLogger("mkdocs")])
        self._redirect.__enter__()
        self._bar = tqdm(
            total=self.total,
            initial=self.done,
            desc=f"govsite: {self.step}",
            unit=f" {self.unit}",
            leave=False,
            file=sys.stderr,
            dynamic_ncols=True,
            mininterval=0.2,
        )

    def advance(self, count: int = 1) -> None:
        """``count`` more units done."""
        self.done += count
        if not self.shown:
            return
        if self._bar is not None:
            self._bar.update(count)
            return
        now = time.monotonic()
        if now - self.started < MIN_SECONDS:
            return
        if _on_terminal():
            self._told = True
            self._open_bar()
        elif now - self._last_line >= INTERVAL:
            self._last_line, self._told = now, True
            log.info(f"govsite: {self.step}: {self._counts()}, {self._estimate(now)}")

    def each(self, items: Iterable[Item]) -> Iterator[Item]:
        """The items, advancing by one after each."""
        for item in items:
            yield item
            self.advance()

    def _counts(self) -> str:
        share = f" ({100 * self.done // self.total} %)" if self.total else ""
        return f"{self.done:,} of {self.total:,} {self.unit}{share}"

    def _estimate(self, now: float) -> str:
        elapsed = now - self.started
        text = f"{duration(elapsed)} so far"
        if 0 < self.done < self.total:
            left = elapsed / self.done * (self.total - self.done)
            text += f", about {duration(left)} left"
        return text

    def close(self, failed: bool = False) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None
        if self._redirect is not None:
            self._redirect.__exit__(None, None, None)
            self._redirect = None
        if self.shown and not failed and self.total:
            finished(self.step, f"{self.done:,} {self.unit}", self.started, told=self._told)
        self.shown = False


def duration(seconds: float) -> str:
    """``0.4 s``, ``12 s``, ``3 min 05 s``."""
    if seconds < 10:
        return f"{seconds:.1f} s"
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes} min {rest:02d} s"


@contextlib.contextmanager
def timed(step: str) -> Iterator[None]:
    """Log (at debug level) what ``step`` cost: its wall-clock time, the CPU time of this
    process, and that of the processes that ended during it (workers, git, search's
    indexer). CPU above wall time shows cores in use; below it, waiting."""
    started, before = time.perf_counter(), os.times()
    try:
        yield
    finally:
        after = os.times()
        here = after.user - before.user + after.system - before.system
        others = (
            after.children_user
            - before.children_user
            + after.children_system
            - before.children_system
        )
        log.debug(
            f"govsite: {step} took {time.perf_counter() - started:.2f} s "
            f"(CPU {here:.1f} s in this process, {others:.1f} s in others)"
        )


def finished(step: str, what: str, started: float, *, told: bool = False) -> None:
    """One line at the end of a step that took a while (or showed its progress)."""
    seconds = time.monotonic() - started
    if told or seconds >= SUMMARY_SECONDS:
        log.info(f"govsite: {step}: {what} in {duration(seconds)}")
