"""A tick box with a long, wrapping consent text that can be tapped as a whole.

QCheckBox cannot wrap its text, and consent texts run to several lines, so the box and the text
are two widgets; tapping the text ticks the box, as tapping a checkbox's own text would.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QWidget

from kiosk.ui.parts import style_text_label


class _TapLabel(QLabel):
    def __init__(self, text: str, box: QCheckBox) -> None:
        super().__init__(text)
        self._box = box

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(
            event.position().toPoint()
        ):
            self._box.click()
            self._box.setFocus(Qt.FocusReason.MouseFocusReason)
        super().mouseReleaseEvent(event)


class ConsentRow(QWidget):
    def __init__(self, text: str, *, object_name: str, accessible_name: str) -> None:
        super().__init__()
        self.setObjectName(f"{object_name}_row")
        self.checkbox = QCheckBox()
        self.checkbox.setObjectName(object_name)
        self.checkbox.setAccessibleName(accessible_name)
        self.checkbox.setAccessibleDescription(text)
        self.label = _TapLabel(text, self.checkbox)
        self.label.setObjectName(f"{object_name}_text")
        style_text_label(self.label, "consent")

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(16)
        layout.addWidget(self.checkbox, 0, Qt.AlignmentFlag.AlignTop)
        layout.addWidget(self.label, 1)
