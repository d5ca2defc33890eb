"""The demo's banner, on top of every screen: signatures taken here are sealed to a demo key."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from kiosk.ui.i18n import Retranslated, arg
from kiosk.ui.parts import style_text_label


class DemoBanner(Retranslated, QLabel):
    def __init__(self, fingerprint: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        style_text_label(self, "demo_banner")
        self.setObjectName("demo_banner")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._fingerprint = fingerprint
        self._retranslate()

    def _retranslate(self) -> None:
        text = self.tr("DEMO KEY %1: signatures taken here are for trying the kiosk only.")
        self.setText(arg(text, self._fingerprint))
        self.setAccessibleName(self.tr("Demo notice"))
