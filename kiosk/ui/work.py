"""Blocking work off the GUI thread: the one way the UI runs it (the kiosk's start, an export, an
enrolment), after Anki's `QueryOp` and Picard's `run_task`.

`run_off_thread(work, ...)` runs `work` on the kiosk's own thread pool. `work` touches no widget;
its result or its exception comes back through a signal of a QObject that lives on the GUI thread,
so Qt delivers it queued there, to `on_success` or `on_failure`. `wait_for_work()` blocks until all
the work started has returned: what it uses (the vault, the sync worker) is closed only after.

The sync worker is not such work: it is the core's own long-lived thread (kiosk/sync/worker.py),
and reports through its status board.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

import shiboken6

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

from kiosk.ui.crash_log import crash_log, describe

_pool: QThreadPool | None = None


def _the_pool() -> QThreadPool:
    """The kiosk's pool, not Qt's global one: waiting for it waits for the kiosk's work only."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
    return _pool


class _Reply(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception: an expected one, or any other (a bug, logged)
    finished = Signal()


class _Runner(QRunnable):
    def __init__(
        self, work: Callable[[], Any], reply: _Reply, expected: tuple[type[Exception], ...]
    ) -> None:
        super().__init__()
        self._work = work
        self._reply = reply
        self._expected = expected

    def run(self) -> None:
        try:
            result = self._work()
        except self._expected as exc:
            self._tell("failed", exc)
        except Exception as exc:  # a bug must not kill the kiosk: the caller says something
            # Its type and frames only: its message can hold what a supporter typed.
            crash_log.error(
                "work off the GUI thread failed: %s", describe(type(exc), exc.__traceback__)
            )
            self._tell("failed", exc)
        else:
            self._tell("succeeded", result)
        self._tell("finished")

    def _tell(self, signal: str, *args: object) -> None:
        # The reply goes with its parent (a page closed while the work ran): nobody to tell.
        # RuntimeError: deleted between the check and the emit.
        with contextlib.suppress(RuntimeError):
            if shiboken6.isValid(self._reply):
                getattr(self._reply, signal).emit(*args)


def run_off_thread(
    work: Callable[[], Any],
    *,
    parent: QObject,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    expected: tuple[type[Exception], ...] = (),
) -> None:
    """Start `work` on the pool; `on_success` gets its result, `on_failure` the exception it
    raised, both on the GUI thread. Connected before the work starts, so a quick failure is never
    emitted to nobody. `expected` exceptions are the caller's to word; any other is also logged,
    as its type and frames (kiosk.ui.crash_log's rule: never its message).

    The reply is a child of `parent`: deleting `parent` drops a reply not yet delivered."""
    reply = _Reply(parent)
    reply.succeeded.connect(on_success)
    reply.failed.connect(on_failure)
    reply.finished.connect(reply.deleteLater)
    _the_pool().start(_Runner(work, reply, expected))


def wait_for_work() -> None:
    """Until every piece of work started has returned (its reply may still be on its way)."""
    _the_pool().waitForDone()
