"""Render every kiosk screen at both tablet sizes, offscreen, as PNG files.

    python scripts/screenshots.py docs/screenshots

The screens run against a real signature desk over a throwaway vault and a throwaway campaign
key, both deleted at the end. Every value typed is fictional.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QWidget,
)

from kiosk.admin import AdminDesk
from kiosk.appeal import load_bundled_appeal
from kiosk.crypto import CampaignPrivateKey
from kiosk.pin import PinGuard
from kiosk.settings import SyncSettings
from kiosk.signing import SignatureDesk
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.admin import install_admin
from kiosk.ui.app import application
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

SIZES = {"landscape": (1280, 800), "portrait": (800, 1280)}

# A fictional supporter.
SAMPLE = {
    "field_first_name": "Robin",
    "field_last_name": "Okonkwo-Lindqvist",
    "field_email": "robin.ol@example.org",
    "field_postcode": "EH1 1YZ",
    "field_country": "United Kingdom",
    "field_comment": "Nobody should have to hide who they are to stay alive. Please act now.",
}
# The same supporter, halfway through and with a typo, to show the inline messages.
UNFINISHED = {
    "field_first_name": "Robin",
    "field_last_name": "",
    "field_email": "robin.ol@example",
    "field_postcode": "EH1 1YZ!",
    "field_country": "",
    "field_comment": "",
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    args = parser.parse_args(argv)
    args.outdir.mkdir(parents=True, exist_ok=True)
    app = application()
    key = CampaignPrivateKey.generate().public_key()
    for orientation, size in SIZES.items():
        # A fresh, empty vault for each orientation, so both sets show the same first visit.
        with tempfile.TemporaryDirectory(prefix="kiosk-screenshots-") as scratch:
            vault = Vault.open(Path(scratch))
            try:
                desk = SignatureDesk(load_bundled_appeal(), vault, key)
                for path in _shoot(app, desk, size, args.outdir, orientation, Path(scratch), vault):
                    print(path)
            finally:
                vault.close()
    return 0


def _shoot(
    app: QApplication,
    desk: SignatureDesk,
    size: tuple[int, int],
    outdir: Path,
    orientation: str,
    data_dir: Path,
    vault: Vault,
) -> list[Path]:
    admin = _admin(vault, data_dir)
    window = KioskWindow(desk)
    window.resize(*size)
    window.show()
    shots: list[Path] = []

    def shot(step: str) -> None:
        _settle(app)
        path = outdir / f"{orientation}-{len(shots) + 1}-{step}.png"
        if not window.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        shots.append(path)

    shot("appeal")
    _click(window, "sign_button")
    shot("sign")
    _fill(window, UNFINISHED)
    _click(window, "continue_button")
    shot("sign-errors")
    _fill(window, SAMPLE)
    terms = window.findChild(QCheckBox, "consent_terms")
    if terms is None:
        raise SystemExit("no consent box on the sign screen")
    terms.setChecked(True)
    _click(window, "continue_button")
    shot("review")
    _click(window, "confirm_button")
    shot("thanks")
    layer = install_admin(window, admin, exit_kiosk=window.exit_kiosk)
    layer.open()
    for digit in "246":
        _click(layer, f"pin_digit_{digit}")
    shot("pin-pad")
    _click(layer, "pin_digit_8")
    _click(layer, "pin_ok")
    shot("admin-panel")
    layer.lock()
    layer.release()
    window.close()
    window.deleteLater()
    _settle(app)
    return shots


def _admin(vault: Vault, data_dir: Path) -> AdminDesk:
    """The volunteer's side: a PIN, an event, and one signature waiting to sync."""
    pin = PinGuard(vault)
    if not pin.is_set():
        pin.choose("2468")
    board = StatusBoard(
        SyncStatus(
            enrolled=True,
            pending_signatures=1,
            server_reachable=True,
            last_success=datetime.now(UTC) - timedelta(minutes=12),
        )
    )
    admin = AdminDesk(vault, data_dir, SyncSettings(), pin, board=board)
    admin.set_event_name("Pride march, 14 June")
    return admin


def _fill(window: QWidget, values: dict[str, str]) -> None:
    for name, text in values.items():
        editor = window.findChild(QWidget, name)
        if isinstance(editor, QPlainTextEdit):
            editor.setPlainText(text)
        elif isinstance(editor, QComboBox):
            editor.setEditText(text)
        elif isinstance(editor, QLineEdit):
            editor.setText(text)
        else:
            raise SystemExit(f"no field named {name} on the current screen")


def _click(window: QWidget, name: str) -> None:
    button = window.findChild(QPushButton, name)
    if button is None or not button.isVisible():
        raise SystemExit(f"no visible button named {name}")
    button.click()


def _settle(app: QApplication) -> None:
    for _ in range(3):
        app.processEvents()


if __name__ == "__main__":
    sys.exit(main())
