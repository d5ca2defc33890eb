"""The admin panel's smaller pages: export, event name, appeal, enrolment, and exit.

Each page collects what the volunteer types or picks and says what it wants by signal; the
layer does the work (through kiosk.desks.admin) and hands back a message with `show_result`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.desks.admin import AppealChoice
from kiosk.files.removable import Drive
from kiosk.ui.i18n import arg
from kiosk.ui.parts import action_button, reading_column, screen_layout, text_label


class AdminPage(QWidget):
    """A titled page with a result line, Back, and one main action."""

    back_requested = Signal()

    def __init__(self, name: str, title: str, action: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self.setAccessibleName(title)
        layout = screen_layout(self)
        area, self.column = reading_column(f"{name}_scroll", title)
        layout.addWidget(area, 1)
        self.column.addWidget(text_label(title, "title", object_name=f"{name}_title"))
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        self.column.addLayout(self.body)
        self.result = text_label(role="lead", object_name=f"{name}_result")
        self.result.hide()
        self.column.addWidget(self.result)
        row = QHBoxLayout()
        self.back_button = action_button(self.tr("Back"), f"{name}_back")
        self.back_button.clicked.connect(self.back_requested)
        self.action_button = action_button(action, f"{name}_action", primary=True)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.action_button)
        self.column.addLayout(row)
        self.column.addStretch(1)

    def show_result(self, text: str, *, error: bool = False) -> None:
        self.result.setText(text)
        self.result.setAccessibleName(text)
        self.result.setProperty("role", "failure" if error else "lead")
        self.result.style().unpolish(self.result)
        self.result.style().polish(self.result)
        self.result.setVisible(bool(text))

    def set_busy(self, busy: bool, text: str = "") -> None:
        self.action_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        if busy:
            self.show_result(text)


def line_edit(name: str, accessible: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    edit.setAccessibleName(accessible)
    edit.setPlaceholderText(placeholder)
    return edit


class ExportPage(AdminPage):
    export_requested = Signal(object)  # a Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_export_page", self.tr("Export to USB stick"), self.tr("Export"))
        self.body.addWidget(
            text_label(
                self.tr(
                    "Every signature not yet confirmed by the server is written, sealed, as "
                    "batch files. Give the stick to the coordinator."
                )
            )
        )
        self.drives_label = text_label(role="section", object_name="export_drives_label")
        self.body.addWidget(self.drives_label)
        self._drive_box = QVBoxLayout()
        self.body.addLayout(self._drive_box)
        self._group = QButtonGroup(self)
        self.body.addWidget(text_label(self.tr("Or type a folder:"), "field_label"))
        self.path_edit = line_edit(
            "export_path", self.tr("Folder to export to"), self.tr("e.g. /media/usb")
        )
        self.path_edit.textEdited.connect(lambda _: self._uncheck())
        self.body.addWidget(self.path_edit)
        self.action_button.clicked.connect(self._export)
        self.action_button.setAccessibleName(self.tr("Export the batches"))

    def set_drives(self, drives: list[Drive]) -> None:
        for button in self._group.buttons():
            self._group.removeButton(button)
            button.deleteLater()
        self.drives_label.setText(
            self.tr("USB sticks found:") if drives else self.tr("No USB stick found.")
        )
        for index, drive in enumerate(drives):
            button = QRadioButton(f"{drive.label}  ({drive.path})")
            button.setObjectName(f"export_drive_{index}")
            button.setAccessibleName(arg(self.tr("USB stick %1"), drive.label))
            button.setProperty("path", str(drive.path))
            self._group.addButton(button)
            self._drive_box.addWidget(button)
        if drives:
            self._group.buttons()[0].setChecked(True)
        self.path_edit.clear()
        self.show_result("")

    def _uncheck(self) -> None:
        checked = self._group.checkedButton()
        if checked is not None:
            self._group.setExclusive(False)
            checked.setChecked(False)
            self._group.setExclusive(True)

    def _export(self) -> None:
        typed = self.path_edit.text().strip()
        checked = self._group.checkedButton()
        if typed:
            self.export_requested.emit(Path(typed).expanduser())
        elif checked is not None:
            self.export_requested.emit(Path(str(checked.property("path"))))
        else:
            self.show_result(self.tr("Choose a USB stick or type a folder."), error=True)


class EventPage(AdminPage):
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_event_page", self.tr("Event name"), self.tr("Save"))
        self.body.addWidget(text_label(self.tr("Signatures from now on count towards this event.")))
        self.name_edit = line_edit(
            "event_name", self.tr("Event name"), self.tr("e.g. Pride march, 14 June")
        )
        self.name_edit.setMaxLength(120)
        self.name_edit.returnPressed.connect(self.action_button.click)
        self.body.addWidget(self.name_edit)
        self.action_button.clicked.connect(lambda: self.save_requested.emit(self.name_edit.text()))

    def start(self, current: str) -> None:
        self.name_edit.setText(current)
        self.show_result("")
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)


class AppealPage(AdminPage):
    choose_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_appeal_page", self.tr("Choose appeal"), self.tr("Use this appeal"))
        self._box = QVBoxLayout()
        self.body.addLayout(self._box)
        self._group = QButtonGroup(self)
        self.action_button.clicked.connect(self._choose)

    def start(self, choices: list[AppealChoice], current: str) -> None:
        for button in self._group.buttons():
            self._group.removeButton(button)
            button.deleteLater()
        for choice in choices:
            button = QRadioButton(choice.title)
            button.setObjectName(f"appeal_choice_{choice.id}")
            button.setAccessibleName(choice.title)
            button.setProperty("appeal_id", choice.id)
            button.setChecked(choice.id == current)
            self._group.addButton(button)
            self._box.addWidget(button)
        self.show_result("")

    def _choose(self) -> None:
        checked = self._group.checkedButton()
        if checked is not None:
            self.choose_requested.emit(str(checked.property("appeal_id")))


class EnrolPage(AdminPage):
    enrol_requested = Signal(str, str)  # server URL, code

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_enrol_page", self.tr("Enrol with a code"), self.tr("Enrol"))
        self.body.addWidget(
            text_label(
                self.tr(
                    "The coordinator gives you the server's address and a one-time code. "
                    "Enrolling brings the campaign key, the appeal and the event."
                )
            )
        )
        self.body.addWidget(text_label(self.tr("Server address"), "field_label"))
        self.url_edit = line_edit(
            "enrol_server", self.tr("Server address"), "https://sign.example.org"
        )
        self.body.addWidget(self.url_edit)
        self.body.addWidget(text_label(self.tr("Enrolment code"), "field_label"))
        self.code_edit = line_edit("enrol_code", self.tr("Enrolment code"))
        self.code_edit.returnPressed.connect(self.action_button.click)
        self.body.addWidget(self.code_edit)
        self.action_button.clicked.connect(
            lambda: self.enrol_requested.emit(self.url_edit.text(), self.code_edit.text())
        )

    def start(self, server_url: str) -> None:
        self.url_edit.setText(server_url)
        self.code_edit.clear()
        self.show_result("")


class ExitPage(AdminPage):
    exit_confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_exit_page", self.tr("Exit kiosk?"), self.tr("Exit kiosk"))
        self.body.addWidget(
            text_label(
                self.tr(
                    "The kiosk closes. Everything signed is kept and syncs when the kiosk runs "
                    "again."
                ),
                "lead",
            )
        )
        self.action_button.clicked.connect(self.exit_confirmed)
        self.action_button.setAccessibleName(self.tr("Yes, exit the kiosk"))
