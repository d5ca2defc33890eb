"""kiosk.ui.work: the one way the UI runs blocking work, and what comes back where."""

from __future__ import annotations

import logging
import threading

import pytest
import shiboken6

from PySide6.QtCore import QObject, QThread

from kiosk.ui.work import run_off_thread, wait_for_work

CANARY = "Zoë Canary-Okafor"


class Collected:
    def __init__(self) -> None:
        self.results: list[object] = []
        self.failures: list[Exception] = []
        self.threads: list[QThread] = []

    def success(self, result: object) -> None:
        self.threads.append(QThread.currentThread())
        self.results.append(result)

    def failure(self, exc: Exception) -> None:
        self.threads.append(QThread.currentThread())
        self.failures.append(exc)


def _start(parent: QObject, work, expected: tuple[type[Exception], ...] = ()) -> Collected:  # type: ignore[no-untyped-def]
    seen = Collected()
    run_off_thread(
        work, parent=parent, on_success=seen.success, on_failure=seen.failure, expected=expected
    )
    return seen


def test_the_result_comes_back_on_the_gui_thread_and_the_work_ran_off_it(qtbot) -> None:  # type: ignore[no-untyped-def]
    parent = QObject()
    ran_on: list[threading.Thread] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    seen = _start(parent, work)
    qtbot.waitUntil(lambda: seen.results == [42], timeout=5000)
    assert ran_on[0] is not threading.main_thread()
    assert seen.threads == [QThread.currentThread()]  # the test's thread is the GUI thread
    assert seen.failures == []


def test_a_bug_is_handed_back_and_logged_as_its_type_and_frames_never_its_message(
    qtbot, caplog
) -> None:  # type: ignore[no-untyped-def]
    parent = QObject()

    def work() -> None:
        raise ValueError(f"invalid name {CANARY!r}")

    with caplog.at_level(logging.ERROR, logger="kiosk.crash"):
        seen = _start(parent, work)
        qtbot.waitUntil(lambda: len(seen.failures) == 1, timeout=5000)
    assert isinstance(seen.failures[0], ValueError)
    assert seen.threads == [QThread.currentThread()]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "builtins.ValueError" in logged and "test_work.py" in logged
    assert CANARY not in logged and "Canary" not in logged
    assert all(r.exc_info is None for r in caplog.records)  # no traceback text with the message


def test_an_expected_failure_is_the_callers_to_word_and_not_logged(qtbot, caplog) -> None:  # type: ignore[no-untyped-def]
    class Refused(Exception):
        pass

    def work() -> None:
        raise Refused("the stick is full")

    with caplog.at_level(logging.DEBUG):
        parent = QObject()
        seen = _start(parent, work, expected=(Refused,))
        qtbot.waitUntil(lambda: len(seen.failures) == 1, timeout=5000)
    assert isinstance(seen.failures[0], Refused)
    assert [r for r in caplog.records if r.name.startswith("kiosk")] == []


def test_wait_for_work_returns_only_after_the_work_has(qtbot) -> None:  # type: ignore[no-untyped-def]
    release = threading.Event()
    done = threading.Event()

    def work() -> None:
        release.wait(5)
        done.set()

    parent = QObject()
    _start(parent, work)
    threading.Timer(0.2, release.set).start()
    wait_for_work()
    assert done.is_set()


def test_work_that_outlives_its_parent_ends_quietly(qtbot, capfd) -> None:  # type: ignore[no-untyped-def]
    parent = QObject()
    release = threading.Event()
    seen = _start(parent, lambda: release.wait(5))
    shiboken6.delete(parent)  # the page closed while its export ran
    release.set()
    wait_for_work()
    qtbot.wait(50)
    assert seen.results == [] and seen.failures == []
    assert "Traceback" not in capfd.readouterr().err


@pytest.mark.parametrize("outcome", ["success", "failure"])
def test_a_reply_whose_parent_is_gone_reaches_nobody(qtbot, outcome: str) -> None:  # type: ignore[no-untyped-def]
    parent = QObject()

    def work() -> None:
        if outcome == "failure":
            raise OSError("gone")

    seen = _start(parent, work, expected=(OSError,))
    wait_for_work()  # finished, its reply queued to the GUI thread and not yet delivered
    shiboken6.delete(parent)
    qtbot.wait(100)
    assert seen.results == [] and seen.failures == []
