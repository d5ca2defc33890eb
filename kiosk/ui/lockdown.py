"""Lockdown: what keeps a supporter inside the kiosk.

One application-wide event filter, so it covers every widget, including those a screen creates
later and popups that are windows of their own:

- no context menu anywhere: the menu event is swallowed, and each widget is set to
  `Qt.PreventContextMenu` as Qt polishes it, so a right click or a long press reaches the
  widget as a plain click and never offers Copy, Paste or "Open link";
- no link opens a browser: every label is polished with `setOpenExternalLinks(False)`
  (the screens show plain text anyway; this holds for any rich text a later change adds).

Refusing close requests and staying in front belong to the window (`KioskWindow.set_locked`).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QApplication, QLabel, QWidget


class Lockdown(QObject):
    def __init__(self, app: QApplication, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._app = app
        app.installEventFilter(self)
        # Widgets polished before the filter was installed are covered as well.
        for widget in app.allWidgets():
            _lock_widget(widget)

    def release(self) -> None:
        self._app.removeEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ContextMenu:
            return True
        if kind == QEvent.Type.Polish and isinstance(watched, QWidget):
            _lock_widget(watched)
        return False


def _lock_widget(widget: QWidget) -> None:
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.PreventContextMenu)
    if isinstance(widget, QLabel):
        widget.setOpenExternalLinks(False)
