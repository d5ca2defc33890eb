"""Render every kiosk screen at both tablet sizes, offscreen, as PNG files.

    python scripts/screenshots.py docs/screenshots

The screens run against a real signature desk over a throwaway vault and a throwaway campaign
key, both deleted at the end. Every value typed is fictional.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import tempfile
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QEvent, QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.desks.admin import AdminDesk
from kiosk.desks.pin import PinGuard
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.settings import SyncSettings
from kiosk.sync.status import StatusBoard, SyncStatus
from kiosk.ui.admin import install_admin
from kiosk.ui.app import application
from kiosk.ui.i18n import Languages
from kiosk.ui.look import apply_look
from kiosk.ui.signature_pad import SignatureCanvas
from kiosk.ui.thanks_screen import ThanksScreen
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

SIZES = {"landscape": (1280, 800), "portrait": (800, 1280)}
# Each set of screens: its name in the file names, the language and whether in high contrast.
VARIANTS = {"": ("en", False), "it": ("it", False), "contrast": ("en", True)}
# Fictional: the bundled appeal has no online petition, so the QR code is shown with this one.
EXAMPLE_PETITION_URL = "https://www.example.org/petitions/un-chechnya"

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
        for variant, (language, high_contrast) in VARIANTS.items():
            # A fresh, empty vault for each set, so every set shows the same first visit.
            with tempfile.TemporaryDirectory(prefix="kiosk-screenshots-") as scratch:
                vault = Vault.open(Path(scratch))
                try:
                    desk = SignatureDesk(load_bundled_appeal(), vault, key)
                    prefix = "-".join(p for p in (orientation, variant) if p)
                    for path in _shoot(
                        app,
                        desk,
                        size,
                        args.outdir,
                        prefix,
                        Path(scratch),
                        vault,
                        language=language,
                        high_contrast=high_contrast,
                    ):
                        print(path)
                finally:
                    vault.close()
        print(_share_code(app, size, args.outdir / f"{orientation}-thanks-with-qr.png"))
    with tempfile.TemporaryDirectory(prefix="kiosk-screenshots-") as scratch:
        vault = Vault.open(Path(scratch))
        try:
            desk = SignatureDesk(load_bundled_appeal(), vault, key)
            for path in _language_switch(app, desk, vault, Path(scratch), args.outdir):
                print(path)
        finally:
            vault.close()
    apply_look(app)
    return 0


def _language_switch(
    app: QApplication, desk: SignatureDesk, vault: Vault, data_dir: Path, outdir: Path
) -> list[Path]:
    """A running window switched to Italian, frame by frame, as a person does it: the appeal in
    English with the volunteer's layer already built (in English), a tap on Italiano, then the
    hidden corner's PIN pad and the panel, which were built before the switch and follow it."""
    window = KioskWindow(desk)
    window.resize(*SIZES["landscape"])
    layer = install_admin(window, _admin(vault, data_dir), exit_kiosk=window.exit_kiosk)
    window.show()
    frames: list[Path] = []

    def frame(step: str) -> None:
        _settle(app)
        path = outdir / f"language-switch-{len(frames) + 1}-{step}.png"
        if not window.grab().save(str(path)):
            raise SystemExit(f"could not write {path}")
        frames.append(path)

    frame("appeal-english")
    _click(window, "language_it")
    frame("appeal-italiano")
    layer.open()
    for digit in "246":
        _click(layer, f"pin_digit_{digit}")
    frame("pin-pad")
    _click(layer, "pin_digit_8")
    _click(layer, "pin_ok")
    frame("panel")
    layer.lock()
    layer.release()
    window.languages.release()
    window.close()
    window.deleteLater()
    _settle(app)
    return frames


def _share_code(app: QApplication, size: tuple[int, int], path: Path) -> Path:
    """The thank-you screen of an appeal with an online petition (the bundled one has none)."""
    apply_look(app)
    languages = Languages()
    appeal = replace(load_bundled_appeal(), petition_url=EXAMPLE_PETITION_URL)
    screen = ThanksScreen(appeal, seconds=8)
    screen.setMinimumSize(640, 560)
    screen.resize(*size)
    screen.show()
    _settle(app)
    if not screen.grab().save(str(path)):
        raise SystemExit(f"could not write {path}")
    screen.close()
    screen.deleteLater()
    languages.release()
    _settle(app)
    return path


def _shoot(
    app: QApplication,
    desk: SignatureDesk,
    size: tuple[int, int],
    outdir: Path,
    orientation: str,
    data_dir: Path,
    vault: Vault,
    *,
    language: str,
    high_contrast: bool,
) -> list[Path]:
    admin = _admin(vault, data_dir)
    # The thank-you screen must not time out (and reset the language for the next person)
    # while the PIN below is checked: the panel is shot in the supporter's language.
    window = KioskWindow(desk, thanks_seconds=3600)
    window.resize(*size)
    window.show()
    # As a supporter would: chosen on the appeal screen.
    _click(window, f"language_{language}")
    if high_contrast:
        _click(window, "high_contrast")
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
    _sign(window)
    # Through the review and back, so the form shows the drawing without the earlier messages.
    _click(window, "continue_button")
    _click(window, "edit_button")
    # The review screen just left is deleted later; finish that now, so it is not found again.
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    _show_pad(window)
    shot("sign-drawn")
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
    window.languages.release()
    window.look.reset()
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


def _signature() -> list[list[tuple[float, float, int]]]:
    """A made-up signature as strokes of (x, y, ms since the previous point) on a pad from 0 to
    1: a tall capital, a looping hand that slows in its turns, a quick flourish under it."""
    capital = [(0.12 + 0.03 * s, 0.22 + 0.5 * s, 12) for s in (i / 14 for i in range(15))]
    capital += [
        (0.15 + 0.07 * math.sin(a), 0.22 + 0.16 * (1 - math.cos(a)), 12)
        for a in (i * math.pi / 18 for i in range(1, 19))
    ]
    hand = []
    heights = (0.1, 0.22, 0.12, 0.1, 0.26, 0.12, 0.1)
    steps = 16
    for n, height in enumerate(heights):
        for i in range(steps):
            a = 2 * math.pi * (n + i / steps)
            x = 0.17 + 0.075 * (a / (2 * math.pi)) - 0.028 * math.sin(a)
            y = 0.66 - height * (1 - math.cos(a)) / 2
            hand.append((x, y, 11))
    flourish = [(0.16 + 0.62 * s, 0.82 - 0.12 * s * s, 5) for s in (i / 24 for i in range(25))]
    return [capital, hand, flourish]


def _show_pad(window: QWidget) -> SignatureCanvas:
    canvas = window.findChild(SignatureCanvas, "signature_canvas")
    scroll = window.findChild(QScrollArea, "sign_scroll")
    if canvas is None or scroll is None:
        raise SystemExit("no signature pad on the sign screen")
    scroll.ensureWidgetVisible(canvas, 0, 120)
    return canvas


def _sign(window: QWidget) -> None:
    """Draw on the signature pad with synthetic mouse events, as a hand would."""
    canvas = _show_pad(window)
    width, height = canvas.width(), canvas.height()
    for stroke in _signature():
        points = [(QPoint(round(x * width), round(y * height)), ms) for x, y, ms in stroke]
        QTest.mousePress(
            canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[0][0]
        )
        for point, ms in points[1:]:
            QTest.mouseMove(canvas, point, ms)
        QTest.mouseRelease(
            canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, points[-1][0], 5
        )


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
