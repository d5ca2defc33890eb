"""Whether a supporter is at the form right now: the sync worker closes a batch early only
when nobody is (kiosk/sync/closer.py).

The window says so each time it shows a screen (the sign and review screens count as "at the
form"; the appeal and the thank-you do not). Listeners hear when the table becomes quiet, on
the thread that said so, so the worker can look for work at once. Nothing here is logged or
kept: it is one flag in memory.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger("kiosk.desks")


class Presence:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._at_form = False
        self._on_quiet: list[Callable[[], None]] = []

    def quiet(self) -> bool:
        """No supporter is at the form (safe from any thread)."""
        with self._lock:
            return not self._at_form

    def set_at_form(self, at_form: bool) -> None:
        with self._lock:
            became_quiet = self._at_form and not at_form
            self._at_form = at_form
            listeners = list(self._on_quiet) if became_quiet else []
        for listener in listeners:
            try:
                listener()
            except Exception:  # a listener's bug must not stop the window's flow
                log.exception("a listener of the quiet table failed")

    def on_quiet(self, listener: Callable[[], None]) -> Callable[[], None]:
        """Call `listener` each time the table becomes quiet; returns an unsubscribe."""
        with self._lock:
            self._on_quiet.append(listener)

        def unsubscribe() -> None:
            with self._lock:
                if listener in self._on_quiet:
                    self._on_quiet.remove(listener)

        return unsubscribe
