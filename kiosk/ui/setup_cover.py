"""What a first start shows until the kiosk knows whether a volunteer PIN exists: a calm line
over the whole window instead of the appeal, so that the PIN chooser (kiosk.ui.admin) comes
first and never replaces an appeal a supporter has started reading or signing."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from kiosk.ui.i18n import Retranslated
from kiosk.ui.parts import text_label


class SetupCover(Retranslated, QFrame):
    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("setup_cover")
        self.setProperty("role", "overlay")
        self.setAutoFillBackground(True)  # nothing of the appeal beneath shows through
        layout = QVBoxLayout(self)
        layout.setContentsMargins(40, 40, 40, 40)
        self._line = text_label(role="lead", object_name="setup_cover_text")
        self._line.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addStretch(1)
        layout.addWidget(self._line)
        layout.addStretch(1)
        self._retranslate()

    def _retranslate(self) -> None:
        self.setAccessibleName(self.tr("Setting up"))
        self._line.setText(self.tr("Getting this kiosk ready for its first use…"))
