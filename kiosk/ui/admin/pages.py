"""The admin panel's smaller pages: export, event name, appeal, enrolment, and exit.

Each page collects what the volunteer types or picks and says what it wants by signal; the
layer does the work (through kiosk.desks.admin) and hands back a message with `show_result`.
Every page says its texts again when the language changes (`_retranslate`).
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from kiosk.desks.admin import AppealChoice
from kiosk.files.removable import Drive
from kiosk.ui.i18n import NO_TEXT, Retranslated, Text, arg, fixed
from kiosk.ui.parts import (
    ReservedLabel,
    action_button,
    reading_column,
    screen_layout,
    text_label,
)

RESULT_LINES = 3  # the room a result keeps above the buttons, shown or not


class AdminPage(Retranslated, QWidget):
    """A titled page with a result line, Back, and one main action.

    The result line keeps its room above the buttons, so that Back and the action never move
    when a result comes or goes."""

    back_requested = Signal()

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setObjectName(name)
        self._result: Text = fixed("")
        layout = screen_layout(self)
        self._area, self.column = reading_column(f"{name}_scroll", "", keep_scroll_bar=True)
        layout.addWidget(self._area, 1)
        self.title = text_label(role="title", object_name=f"{name}_title")
        self.column.addWidget(self.title)
        self.body = QVBoxLayout()
        self.body.setSpacing(14)
        self.column.addLayout(self.body)
        self.result = ReservedLabel(
            RESULT_LINES, "lead", other_role="failure", object_name=f"{name}_result"
        )
        self.column.addWidget(self.result)
        row = QHBoxLayout()
        self.back_button = action_button("", f"{name}_back")
        self.back_button.clicked.connect(self.back_requested)
        self.action_button = action_button("", f"{name}_action", primary=True)
        row.addWidget(self.back_button)
        row.addStretch(1)
        row.addWidget(self.action_button)
        self.column.addLayout(row)
        self.column.addStretch(1)

    def _retranslate(self) -> None:
        """Subclasses set their own texts, then call this."""
        self.back_button.setText(self.tr("Back"))
        self.back_button.setAccessibleName(self.tr("Back"))
        self._show_result()

    def _set_titles(self, title: str, action: str, action_name: str = "") -> None:
        self.setAccessibleName(title)
        self._area.setAccessibleName(title)
        self.title.setText(title)
        self.action_button.setText(action)
        self.action_button.setAccessibleName(action_name or action)

    def show_result(self, text: Text, *, error: bool = False) -> None:
        self._result = text
        self.result.set_role("failure" if error else "lead")
        self._show_result()

    def _show_result(self) -> None:
        text = self._result()
        self.result.show_text(text)
        self.result.setAccessibleName(text)

    def set_busy(self, busy: bool, text: Text = NO_TEXT) -> None:
        self.action_button.setEnabled(not busy)
        self.back_button.setEnabled(not busy)
        if busy:
            self.show_result(text)


def line_edit(name: str) -> QLineEdit:
    edit = QLineEdit()
    edit.setObjectName(name)
    return edit


def _label(role: str = "body") -> QLabel:
    return text_label(role=role)


class ExportPage(AdminPage):
    export_requested = Signal(object)  # a Path

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_export_page", parent)
        self._about = _label()
        self.body.addWidget(self._about)
        self.drives_label = text_label(role="section", object_name="export_drives_label")
        self.body.addWidget(self.drives_label)
        self._drive_box = QVBoxLayout()
        self.body.addLayout(self._drive_box)
        self._group = QButtonGroup(self)
        self._drives: list[Drive] = []
        self._or_type = _label("field_label")
        self.body.addWidget(self._or_type)
        self.path_edit = line_edit("export_path")
        self.path_edit.textEdited.connect(lambda _: self._uncheck())
        self.body.addWidget(self.path_edit)
        self.action_button.clicked.connect(self._export)
        self._retranslate()

    def _retranslate(self) -> None:
        self._set_titles(
            self.tr("Export to USB stick"), self.tr("Export"), self.tr("Export the batches")
        )
        self._about.setText(
            self.tr(
                "Every signature not yet confirmed by the server is written, sealed, as "
                "batch files. Give the stick to the coordinator."
            )
        )
        self._or_type.setText(self.tr("Or type a folder:"))
        self.path_edit.setAccessibleName(self.tr("Folder to export to"))
        self.path_edit.setPlaceholderText(self.tr("e.g. /media/usb"))
        self.drives_label.setText(
            self.tr("USB sticks found:") if self._drives else self.tr("No USB stick found.")
        )
        for button, drive in zip(self._group.buttons(), self._drives, strict=True):
            button.setAccessibleName(arg(self.tr("USB stick %1"), drive.label))
        super()._retranslate()

    def set_drives(self, drives: list[Drive]) -> None:
        for button in self._group.buttons():
            self._group.removeButton(button)
            button.deleteLater()
        self._drives = list(drives)
        for index, drive in enumerate(drives):
            button = QRadioButton(f"{drive.label}  ({drive.path})")
            button.setObjectName(f"export_drive_{index}")
            button.setProperty("path", str(drive.path))
            self._group.addButton(button)
            self._drive_box.addWidget(button)
        if drives:
            self._group.buttons()[0].setChecked(True)
        self.path_edit.clear()
        self._result = fixed("")
        self._retranslate()

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
            self.show_result(lambda: self.tr("Choose a USB stick or type a folder."), error=True)


class EventPage(AdminPage):
    save_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_event_page", parent)
        self._about = _label()
        self.body.addWidget(self._about)
        self.name_edit = line_edit("event_name")
        self.name_edit.setMaxLength(120)
        self.name_edit.returnPressed.connect(self.action_button.click)
        self.body.addWidget(self.name_edit)
        self.action_button.clicked.connect(lambda: self.save_requested.emit(self.name_edit.text()))
        self._retranslate()

    def _retranslate(self) -> None:
        self._set_titles(self.tr("Event name"), self.tr("Save"))
        self._about.setText(self.tr("Signatures from now on count towards this event."))
        self.name_edit.setAccessibleName(self.tr("Event name"))
        self.name_edit.setPlaceholderText(self.tr("e.g. Pride march, 14 June"))
        super()._retranslate()

    def start(self, current: str) -> None:
        self.name_edit.setText(current)
        self.show_result(fixed(""))
        self.name_edit.setFocus(Qt.FocusReason.OtherFocusReason)


class AppealPage(AdminPage):
    choose_requested = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_appeal_page", parent)
        self._box = QVBoxLayout()
        self.body.addLayout(self._box)
        self._group = QButtonGroup(self)
        self.action_button.clicked.connect(self._choose)
        self._retranslate()

    def _retranslate(self) -> None:
        self._set_titles(self.tr("Choose appeal"), self.tr("Use this appeal"))
        super()._retranslate()

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
        self.show_result(fixed(""))

    def _choose(self) -> None:
        checked = self._group.checkedButton()
        if checked is not None:
            self.choose_requested.emit(str(checked.property("appeal_id")))


class EnrolPage(AdminPage):
    enrol_requested = Signal(str, str, str)  # server URL, code, release (may be empty)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_enrol_page", parent)
        self._about = _label()
        self.body.addWidget(self._about)
        self._url_label = _label("field_label")
        self.body.addWidget(self._url_label)
        self.url_edit = line_edit("enrol_server")
        self.url_edit.setPlaceholderText("https://sign.example.org")
        self.body.addWidget(self.url_edit)
        self._code_label = _label("field_label")
        self.body.addWidget(self._code_label)
        self.code_edit = line_edit("enrol_code")
        self.code_edit.returnPressed.connect(self.action_button.click)
        self.body.addWidget(self.code_edit)
        # Which campaign this kiosk is pinned to, and what moving it to another takes.
        self._campaign = _label()
        self.body.addWidget(self._campaign)
        self._release_label = _label("field_label")
        self.body.addWidget(self._release_label)
        self.release_edit = line_edit("enrol_release")
        self.body.addWidget(self.release_edit)
        self._fingerprint: str | None = None
        self.action_button.clicked.connect(
            lambda: self.enrol_requested.emit(
                self.url_edit.text(), self.code_edit.text(), self.release_edit.text()
            )
        )
        self._retranslate()

    def _retranslate(self) -> None:
        self._set_titles(self.tr("Enrol with a code"), self.tr("Enrol"))
        self._about.setText(
            self.tr(
                "The coordinator gives you the server's address and a one-time code. "
                "Enrolling brings the campaign key, the appeal and the event."
            )
        )
        self._url_label.setText(self.tr("Server address"))
        self.url_edit.setAccessibleName(self.tr("Server address"))
        self._code_label.setText(self.tr("Enrolment code"))
        self.code_edit.setAccessibleName(self.tr("Enrolment code"))
        self._show_campaign()
        super()._retranslate()

    def _show_campaign(self) -> None:
        pinned = self._fingerprint is not None
        self._release_label.setText(self.tr("Release (only to move to another campaign)"))
        self.release_edit.setAccessibleName(self.tr("Release (only to move to another campaign)"))
        for widget in (self._release_label, self.release_edit):
            widget.setVisible(pinned)
        if not pinned:
            self._campaign.setText(self.tr("This kiosk collects for no campaign yet."))
            return
        self._campaign.setText(
            arg(
                self.tr(
                    "This kiosk collects for campaign %1: compare it with the coordinator's. "
                    "A code for another campaign needs a release from this campaign's "
                    "coordinator, or a factory reset of the kiosk; the PIN alone does not "
                    "move it."
                ),
                self._fingerprint or "",
            )
        )

    def start(self, server_url: str, campaign: str | None = None) -> None:
        self.url_edit.setText(server_url)
        self.code_edit.clear()
        self.release_edit.clear()
        self._fingerprint = campaign
        self._show_campaign()
        self.show_result(fixed(""))


class ExitPage(AdminPage):
    exit_confirmed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__("admin_exit_page", parent)
        self._about = _label("lead")
        self.body.addWidget(self._about)
        self.action_button.clicked.connect(self.exit_confirmed)
        self._retranslate()

    def _retranslate(self) -> None:
        self._set_titles(
            self.tr("Exit kiosk?"), self.tr("Exit kiosk"), self.tr("Yes, exit the kiosk")
        )
        self._about.setText(
            self.tr(
                "The kiosk closes. Everything signed is kept and syncs when the kiosk runs again."
            )
        )
        super()._retranslate()
