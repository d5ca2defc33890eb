"""The admin panel itself: today's, this event's and all counts, the volunteer's buttons, and
below them the sync state in words. It shows numbers and words about the kiosk, never a signer's
data, and says them again in the new language when the language changes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QLocale, Qt, Signal
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import (
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from kiosk.clock import utc_now
from kiosk.desks.admin import Counts
from kiosk.sync.status import SyncStatus
from kiosk.ui import parts
from kiosk.ui.i18n import Retranslated, arg, core_text
from kiosk.ui.parts import action_button, reading_column, screen_layout, text_label

LOW_BATTERY = 20  # percent: below it, on battery, the panel asks for the charger


class AdminPanel(Retranslated, QWidget):
    sync_requested = Signal()
    export_requested = Signal()
    event_requested = Signal()
    appeal_requested = Signal()
    enrol_requested = Signal()
    change_pin_requested = Signal()
    exit_requested = Signal()
    close_requested = Signal()

    def __init__(
        self,
        *,
        now: Callable[[], datetime] = utc_now,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("admin_panel")
        self._now = now
        self._locale = QLocale()
        # What the panel shows, kept so that it can be said again in another language.
        self._counts: tuple[Counts, str] | None = None
        self._status: SyncStatus | None = None
        self._key: tuple[int | None, str] | None = None
        self._message: Callable[[], str] = str
        self._vault_notice: str | None = None
        layout = screen_layout(self)
        self._area, column = reading_column("admin_scroll", "", keep_scroll_bar=True)
        layout.addWidget(self._area, 1)

        head = QHBoxLayout()
        titles = QVBoxLayout()
        self._title = text_label(role="title", object_name="admin_title")
        titles.addWidget(self._title)
        self.event_label = text_label(role="meta", object_name="admin_event")
        titles.addWidget(self.event_label)
        head.addLayout(titles, 1)
        self.close_button = action_button("", "admin_close")
        self.close_button.clicked.connect(self.close_requested)
        head.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        column.addLayout(head)

        # What the vault found at start (damage mended or signatures missing): until a restart.
        self.vault_notice = text_label(role="error", object_name="admin_vault_notice")
        self.vault_notice.hide()
        column.addWidget(self.vault_notice)

        stats = QHBoxLayout()
        stats.setSpacing(16)
        self._captions: dict[str, QLabel] = {}
        self.today_value = self._stat(stats, "admin_today")
        self.event_value = self._stat(stats, "admin_event_count")
        self.total_value = self._stat(stats, "admin_total")
        column.addLayout(stats)

        sync_card, sync_column = parts.card("admin_sync_card", margins=(28, 20), spacing=8)
        self._sync_title = text_label(role="section", object_name="admin_sync_title")
        sync_column.addWidget(self._sync_title)
        self.waiting_label = text_label(object_name="admin_waiting")
        self.last_sync_label = text_label(object_name="admin_last_sync")
        self.server_label = text_label(object_name="admin_server")
        self.error_label = text_label(role="error", object_name="admin_sync_error")
        self.key_label = text_label(role="meta", object_name="admin_campaign_key")
        for label in (
            self.waiting_label,
            self.last_sync_label,
            self.server_label,
            self.key_label,
        ):
            sync_column.addWidget(label)
        # What the kiosk's heartbeat tells the coordinators' console, here for the volunteer.
        self.backlog_label = text_label(object_name="admin_backlog")
        self.battery_label = text_label(object_name="admin_battery")
        self.disk_label = text_label(object_name="admin_disk")
        self.clock_label = text_label(object_name="admin_clock")
        for label in (self.backlog_label, self.battery_label, self.disk_label, self.clock_label):
            sync_column.addWidget(label)
        sync_column.addWidget(self.error_label)
        column.addWidget(sync_card)

        self.message = text_label(role="lead", object_name="admin_message")
        self.message.hide()
        column.addWidget(self.message)

        button_box = QWidget()
        button_box.setObjectName("admin_actions")
        # Its own height, never more: room the page has to spare goes below, not between rows.
        button_box.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self._grid = QGridLayout(button_box)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setSpacing(16)
        # Rows from the top of the box: room it has to spare (its height follows the page's
        # layout a step late when the number of columns changes) goes below the buttons.
        self._grid.setAlignment(Qt.AlignmentFlag.AlignTop)
        self._columns = 2
        buttons = (
            ("admin_sync_now", self.sync_requested, True),
            ("admin_export", self.export_requested, False),
            ("admin_set_event", self.event_requested, False),
            ("admin_choose_appeal", self.appeal_requested, False),
            ("admin_enrol", self.enrol_requested, False),
            ("admin_change_pin", self.change_pin_requested, False),
            ("admin_exit", self.exit_requested, False),
        )
        self.buttons: dict[str, QPushButton] = {}
        for name, signal, primary in buttons:
            button = action_button("", name, primary=primary)
            button.setParent(button_box)
            button.setProperty("compact", True)
            button.clicked.connect(signal)
            self.buttons[name] = button
        self._shown = set(self.buttons)
        self._place_buttons()
        # The buttons above every line that comes, goes or grows (the sync state, "Problem:",
        # "Sync started."): nothing that changes by itself can move a button under a finger.
        column.insertWidget(column.indexOf(sync_card), button_box)
        column.addStretch(1)
        self._retranslate()

    def _retranslate(self) -> None:
        self._locale = QLocale()
        title = self.tr("Volunteer panel")
        self.setAccessibleName(title)
        self._area.setAccessibleName(title)
        self._title.setText(title)
        self.close_button.setText(self.tr("Close"))
        self.close_button.setAccessibleName(self.tr("Close and lock the panel"))
        for name, caption in (
            ("admin_today", self.tr("Today (local time)")),
            ("admin_event_count", self.tr("This event")),
            ("admin_total", self.tr("All on this kiosk")),
        ):
            self._captions[name].setText(caption)
            value = self.findChild(QLabel, name)
            assert value is not None
            value.setAccessibleName(caption)
        self._sync_title.setText(self.tr("Sync"))
        for name, text in (
            ("admin_sync_now", self.tr("Sync now")),
            ("admin_export", self.tr("Export to USB stick")),
            ("admin_set_event", self.tr("Event name")),
            ("admin_choose_appeal", self.tr("Choose appeal")),
            ("admin_enrol", self.tr("Enrol with a code")),
            ("admin_change_pin", self.tr("Change PIN")),
            ("admin_exit", self.tr("Exit kiosk")),
        ):
            self.buttons[name].setText(text)
            self.buttons[name].setAccessibleName(text)
        if self._counts is not None:
            self.show_counts(*self._counts)
        if self._status is not None:
            self.show_status(self._status)
        self.show_key(self._key)
        self.show_message(self._message)
        self.show_vault_notice(self._vault_notice)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Three buttons a row where the screen is wide enough, two on a narrow (portrait) one.
        columns = 3 if event.size().width() >= 1100 else 2
        if columns != self._columns:
            self._columns = columns
            self._place_buttons()

    def _place_buttons(self) -> None:
        """Lay the shown buttons out in reading order, with no gap where one is hidden."""
        for button in self.buttons.values():
            self._grid.removeWidget(button)
        shown = [b for name, b in self.buttons.items() if name in self._shown]
        for index, button in enumerate(shown):
            self._grid.addWidget(button, *divmod(index, self._columns))
        for name, button in self.buttons.items():
            button.setVisible(name in self._shown)

    def _stat(self, row: QHBoxLayout, name: str) -> QLabel:
        card, inner = parts.card(f"{name}_card", margins=(20, 16), spacing=None)
        value = text_label("0", "stat", object_name=name)
        value.setAlignment(Qt.AlignmentFlag.AlignCenter)
        label = text_label(role="hint", object_name=f"{name}_caption")
        label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        inner.addWidget(value)
        inner.addWidget(label)
        self._captions[name] = label
        row.addWidget(card, 1)
        return value

    def show_counts(self, counts: Counts, event: str) -> None:
        self._counts = (counts, event)
        for label, number in (
            (self.today_value, counts.today),
            (self.event_value, counts.event),
            (self.total_value, counts.total),
        ):
            label.setText(self._locale.toString(number))
        self.event_label.setText(
            arg(self.tr("Event: %1"), event) if event else self.tr("No event name set")
        )

    def show_vault_notice(self, notice: str | None) -> None:
        # Known from the start and unchanged until a restart: it moves nothing while shown.
        self._vault_notice = notice
        text = core_text(notice)
        self.vault_notice.setText(text)
        self.vault_notice.setAccessibleName(text)
        self.vault_notice.setVisible(bool(text))

    def show_choices(self, *, several_appeals: bool) -> None:
        wanted = set(self.buttons)
        if not several_appeals:
            wanted.discard("admin_choose_appeal")
        if wanted != self._shown:
            self._shown = wanted
            self._place_buttons()

    def show_status(self, status: SyncStatus) -> None:
        self._status = status
        if not status.enrolled:
            self.waiting_label.setText(
                arg(
                    self.tr("Not enrolled. Waiting to sync on this kiosk: %1."),
                    self._locale.toString(status.waiting),
                )
                if status.waiting
                else self.tr("Not enrolled: signatures stay on this kiosk until it is.")
            )
        elif status.syncing:
            self.waiting_label.setText(self.tr("Syncing now…"))
        else:
            self.waiting_label.setText(self._waiting(status))
        self.last_sync_label.setText(self._last_sync(status))
        self.server_label.setText(self._server(status))
        self._show_machine(status)
        self.error_label.setText(
            arg(self.tr("Problem: %1"), core_text(status.last_error)) if status.last_error else ""
        )
        self.error_label.setVisible(bool(status.last_error))
        self.buttons["admin_sync_now"].setEnabled(status.enrolled)

    def show_key(self, key: tuple[int | None, str] | None) -> None:
        """The campaign key new signatures are sealed to: its id in the coordinator's keyset
        (None before the kiosk follows one) and its fingerprint, for the volunteer to read to
        the coordinator after a key change."""
        self._key = key
        if key is None:
            text = self.tr("Campaign key: none installed")
        elif key[0] is None:
            text = arg(self.tr("Sealing new signatures to campaign key %1"), key[1])
        else:
            text = arg(
                self.tr("Sealing new signatures to campaign key %1 (key %2 of the campaign)"),
                key[1],
                self._locale.toString(key[0]),
            )
        self.key_label.setText(text)
        self.key_label.setAccessibleName(text)

    def show_message(self, message: Callable[[], str]) -> None:
        """A line under the sync card; `message` says it in the current language (`str` for
        none), and says it again when the language changes."""
        self._message = message
        text = message()
        self.message.setText(text)
        self.message.setAccessibleName(text)
        self.message.setVisible(bool(text))

    def _waiting(self, status: SyncStatus) -> str:
        if not status.waiting:
            if status.last_success:
                return self.tr("Everything collected here has reached the server.")
            return self.tr("Nothing waiting to sync.")
        number = self._locale.toString
        if status.unsent_signatures:
            return arg(
                self.tr("Not on the server yet: %1 (%2 of them sent, awaiting its receipt)."),
                number(status.waiting),
                number(status.unsent_signatures),
            )
        return arg(self.tr("Waiting to sync: %1."), number(status.waiting))

    def _last_sync(self, status: SyncStatus) -> str:
        if status.last_success is None:
            return self.tr("Last sync: never")
        minutes = int((self._now() - status.last_success).total_seconds() // 60)
        when = status.last_success.astimezone().strftime("%H:%M")
        if minutes < 1:
            return arg(self.tr("Last sync: %1 (just now)"), when)
        return arg(self.tr("Last sync: %1 (%2 min ago)"), when, minutes)

    def _show_machine(self, status: SyncStatus) -> None:
        number = self._locale.toString
        self.backlog_label.setText(
            arg(
                self.tr("Signatures not yet in a batch: %1. Batches not yet confirmed: %2."),
                number(status.pending_signatures),
                number(status.unsent_batches),
            )
        )
        percent = status.battery_percent
        if percent is None:
            battery = self.tr("Battery: not reported by this device.")
        elif status.charging:
            battery = arg(self.tr("Battery: %1 % (charging)."), number(percent))
        elif percent < LOW_BATTERY:
            battery = arg(self.tr("Battery: %1 %: plug the kiosk in."), number(percent))
        else:
            battery = arg(self.tr("Battery: %1 %."), number(percent))
        self.battery_label.setText(battery)
        free = status.disk_free_bytes
        self.disk_label.setText(
            self.tr("Free disk: unknown.")
            if free is None
            else arg(self.tr("Free disk: %1."), self._size(free))
        )
        self.clock_label.setText(arg(self._clock(status.clock_offset_seconds), self._now_text()))

    def _size(self, size: int) -> str:
        # SI units (GB, as the console and shops say), not GiB.
        return self._locale.formattedDataSize(size, 1, QLocale.DataSizeFormat.DataSizeSIFormat)

    def _now_text(self) -> str:
        return self._now().astimezone().strftime("%H:%M")  # as "Last sync" says its time

    def _clock(self, offset: int | None) -> str:
        if offset is None:
            return self.tr("Clock: %1 (not yet compared with the server).")
        minutes = abs(offset) // 60
        if minutes < 1:
            return self.tr("Clock: %1 (in step with the server).")
        if offset > 0:
            return self.tr("Clock: %1 (%n min ahead of the server).", "", minutes)
        return self.tr("Clock: %1 (%n min behind the server).", "", minutes)

    def _server(self, status: SyncStatus) -> str:
        if not status.enrolled:
            return self.tr("Server: none (this kiosk is not enrolled)")
        if status.server_reachable is None:
            return self.tr("Server: not tried yet")
        if status.server_reachable:
            return self.tr("Server: reachable")
        return self.tr("Server: not reachable (no network?)")
