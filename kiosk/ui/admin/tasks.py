"""Blocking work for the admin panel (export, enrolment) on a worker thread, reported by signal.

The function runs on a pool thread and touches no widget; its result or its exception comes
back through a signal of a QObject living on the GUI thread, so Qt delivers it queued there.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger("kiosk.ui")


class Task(QObject):
    succeeded = Signal(object)
    failed = Signal(object)  # the exception: an expected one, or any other (a bug, logged)
    finished = Signal()


class _Runner(QRunnable):
    def __init__(self, work: Callable[[], Any], task: Task, expected: tuple[type[Exception], ...]):
        super().__init__()
        self._work = work
        self._task = task
        self._expected = expected

    def run(self) -> None:
        try:
            result = self._work()
        except self._expected as exc:
            self._task.failed.emit(exc)
        except Exception as exc:  # a bug must not kill the kiosk; say something and log it
            log.exception("a volunteer task failed")
            self._task.failed.emit(exc)
        else:
            self._task.succeeded.emit(result)
        self._task.finished.emit()


def run_task(
    work: Callable[[], Any],
    *,
    parent: QObject,
    on_success: Callable[[Any], None],
    on_failure: Callable[[Exception], None],
    expected: tuple[type[Exception], ...] = (),
) -> Task:
    """Start `work` on the global thread pool; `on_success` gets its result, `on_failure` the
    exception it raised, both on the GUI thread. Connected before the work starts, so a quick
    failure is never emitted to nobody."""
    task = Task(parent)
    task.succeeded.connect(on_success)
    task.failed.connect(on_failure)
    task.finished.connect(task.deleteLater)
    QThreadPool.globalInstance().start(_Runner(work, task, expected))
    return task
