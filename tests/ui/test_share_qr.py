"""The thank-you screen's QR code: the online petition, when the appeal has an address."""

from __future__ import annotations

from dataclasses import replace

import segno
from pytestqt.qtbot import QtBot

from PySide6.QtGui import QColor
from PySide6.QtWidgets import QLabel

from kiosk.petition.appeal import Appeal
from kiosk.ui.qr_code import QUIET_ZONE, QrCode, short_url
from kiosk.ui.thanks_screen import ThanksScreen

URL = "https://www.example.org/petitions/un-chechnya/"


def test_the_code_encodes_the_petition_address(qtbot: QtBot, appeal: Appeal) -> None:
    screen = ThanksScreen(replace(appeal, petition_url=URL), seconds=60)
    qtbot.addWidget(screen)
    # An explicit floor, as the kiosk window has: a top-level whose layout set its minimum would
    # ask the platform to follow it, which the offscreen platform warns about.
    screen.setMinimumSize(640, 560)
    screen.resize(1280, 800)
    screen.show()
    code = screen.findChild(QrCode, "petition_qr")
    assert code is not None and code.isVisible()
    assert code.accessibleName() and code.accessibleDescription() == URL
    expected = segno.make(URL, error="m", micro=False)
    assert code.matrix == tuple(tuple(bool(m) for m in row) for row in expected.matrix)
    assert code.width() >= 200 and code.width() == code.height()

    # Painted as encoded: black where a module is dark, white where it is light and around it.
    image = code.grab().toImage()
    for r, row in enumerate(code.matrix):
        for c, dark in enumerate(row):
            centre = code.module_rect(r, c).center().toPoint()
            colour = QColor(image.pixel(centre))
            assert colour == QColor("#000000" if dark else "#ffffff"), (r, c)
    margin = code.module_rect(0, 0).left()
    assert margin >= QUIET_ZONE * code.width() / code.modules - 1
    assert QColor(image.pixel(1, 1)) == QColor("#ffffff")

    address = screen.findChild(QLabel, "petition_url")
    assert address is not None and address.isVisible()
    assert address.text() == "example.org/petitions/un-chechnya"


def test_no_address_no_code(qtbot: QtBot, appeal: Appeal) -> None:
    assert appeal.petition_url is None  # the seed page gives none
    screen = ThanksScreen(appeal, seconds=60)
    qtbot.addWidget(screen)
    assert screen.findChild(QrCode) is None
    assert screen.findChild(QLabel, "petition_url") is None


def test_short_url() -> None:
    assert short_url("https://www.care2.com/p/abc/") == "care2.com/p/abc"
    assert short_url("https://act.example.org") == "act.example.org"
