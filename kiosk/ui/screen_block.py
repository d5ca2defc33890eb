"""Who keeps the supporter's screens from taking keys and taps, by name.

Two things cover the screens: the "Still there?" prompt and the volunteer's layer. Each used to
enable the screens again when it went away, so locking the panel re-enabled a form that the
prompt, still showing, had disabled. Now each names its reason, and the screens take input
again only when no reason is left.
"""

from __future__ import annotations

from PySide6.QtWidgets import QWidget


class ScreenBlock:
    def __init__(self, screens: QWidget) -> None:
        self._screens = screens
        self._reasons: set[str] = set()

    def block(self, reason: str) -> None:
        self._reasons.add(reason)
        self._screens.setEnabled(False)

    def unblock(self, reason: str) -> None:
        self._reasons.discard(reason)
        self._screens.setEnabled(not self._reasons)

    @property
    def reasons(self) -> frozenset[str]:
        return frozenset(self._reasons)
