"""Invariant 2: nothing a supporter types reaches the disk unsealed.

Sign with distinctive values, then read every file under the data directory (the vault, its
-wal and -shm, logs at DEBUG, anything else) and look for each value in UTF-8, UTF-16-LE/BE and
NFD, as typed and as stored: there must be no hit. Once with the vault still open (the WAL full
of fresh pages), once after it closed.
"""

from __future__ import annotations

import logging
import unicodedata
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from canary import hits_in, needles, type_text
from pytestqt.qtbot import QtBot

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.files import logs
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.petition.record import SignatureRecord
from kiosk.vault import VAULT_FILE, Vault
from kiosk.vault.models import StoredSignature

# As typed at the kiosk. Each is unlikely to occur anywhere by chance, and most are not ASCII,
# so NFC and NFD differ and UTF-16 is not just UTF-8 with zeros.
TYPED = {
    "first_name": "Xanthippë",
    "last_name": "Q\u0301uorbrandt-Ørsted",  # Q + combining acute: NFC keeps it decomposed
    "email": "Canary.Wren-7741@Example.ORG",
    "postcode": "qz9 7xk",
    "country": "Åland Islands",  # listed: kept as its code, AX
    "comment": "Tweetie sang at dawn 4471\nUnder the ünïcode lamp \U0001f424",
}
# Shorter pieces, so that a value cut up or reformatted (e.g. a log line, a title-cased name)
# is still found.
# (At least six characters each: a shorter needle could turn up by chance in ciphertext or ids.)
PIECES = ["Xanthipp", "uorbrandt", "Ørsted", "Canary.Wren", "canary.wren-7741", "QZ9 7XK",
          "Åland Isl", "Tweetie sang", "dawn 4471", "ünïcode lamp"]  # fmt: skip


def _stored_values(appeal: Appeal) -> list[str]:
    result = validate(appeal, TYPED, terms_accepted=True, updates_opt_in=True)
    assert result.submission is not None, result.errors
    # Not the country's two-letter code: too short a needle (it turns up in any ciphertext),
    # and the same for everyone who signs from that country.
    fields = result.submission.fields
    return [v for name, v in fields.items() if v and name != "country"]


def _all_values(appeal: Appeal) -> list[str]:
    lines = [line for v in TYPED.values() for line in v.split("\n")]
    return [*TYPED.values(), *lines, *_stored_values(appeal), *PIECES]


def _hits(data_dir: Path, wanted: dict[bytes, str]) -> list[str]:
    files = [p for p in sorted(data_dir.rglob("*")) if p.is_file()]
    assert files, "nothing to search"
    return hits_in(files, wanted, root=data_dir)


@pytest.fixture
def verbose_logs(data_dir: Path) -> Iterator[Path]:
    """The kiosk's own log file in the data directory, at DEBUG, as `kiosk run -v` would."""
    logger = logging.getLogger("kiosk")
    before, level = list(logger.handlers), logger.level
    path = logs.setup(data_dir, verbose=True)
    yield path
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = before
    logger.setLevel(level)


def _flush_logs() -> None:
    for handler in logging.getLogger("kiosk").handlers:
        handler.flush()


def _check_data_dir(data_dir: Path, appeal: Appeal, *, wal_expected: bool) -> None:
    assert (data_dir / VAULT_FILE).exists()
    assert (data_dir / f"{VAULT_FILE}-wal").exists() == wal_expected
    assert _hits(data_dir, needles(_all_values(appeal))) == []


def test_the_search_finds_a_planted_canary(data_dir: Path, appeal: Appeal) -> None:
    # Proof that the search can fail: each form of a value, planted in a file, is found.
    (data_dir / VAULT_FILE).write_bytes(b"")
    for planted in (
        TYPED["first_name"].encode("utf-8"),
        unicodedata.normalize("NFD", TYPED["country"]).encode("utf-8"),
        TYPED["comment"].split("\n")[1].encode("utf-16-be"),
        b"xx" + "canary.wren-7741@example.org".encode("utf-16-le"),
        b"QZ9 7XK",
    ):
        (data_dir / "planted").write_bytes(b"\x00noise" + planted + b"noise\xff")
        assert _hits(data_dir, needles(_all_values(appeal))), planted


def test_canary_through_the_signature_desk(
    data_dir: Path, appeal: Appeal, campaign_public_key: CampaignPublicKey, verbose_logs: Path
) -> None:
    vault = Vault.open(data_dir)
    try:
        desk = SignatureDesk(appeal, vault, campaign_public_key)
        result = validate(appeal, TYPED, terms_accepted=True, updates_opt_in=True)
        assert result.submission is not None
        for _ in range(3):
            desk.record(result.submission)
        assert vault.count() == 3
        _flush_logs()
        assert verbose_logs.read_text(encoding="utf-8").strip(), "the log recorded nothing"
        _check_data_dir(data_dir, appeal, wal_expected=True)
    finally:
        vault.close()
    _check_data_dir(data_dir, appeal, wal_expected=False)


# --- the same through the real window ---------------------------------------------------------

_OFFSCREEN_POPUP_NOTES = (
    "This plugin does not support raise()",
    "This plugin does not support grabbing the keyboard",
    "This plugin does not support grabbing the mouse",
)


@pytest.mark.qt_log_ignore(*_OFFSCREEN_POPUP_NOTES)
def test_canary_through_the_kiosk_window(
    qtbot: QtBot,
    desk: SignatureDesk,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    verbose_logs: Path,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QAbstractButton, QApplication, QWidget

    from kiosk.ui.window import KioskWindow

    window = KioskWindow(desk, None, thanks_seconds=60)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    with qtbot.waitExposed(window):
        window.show()
    with qtbot.waitActive(window):
        window.activateWindow()

    def find(name: str, kind: type[QWidget] = QWidget) -> QWidget:
        widget = window.current_screen().findChild(kind, name)
        assert widget is not None and widget.isVisible(), name
        return widget

    def tap(name: str) -> None:
        qtbot.mouseClick(find(name, QAbstractButton), Qt.MouseButton.LeftButton)

    tap("sign_button")
    for name, text in TYPED.items():
        if QApplication.activeWindow() is None:  # offscreen: a closed popup keeps activation
            with qtbot.waitActive(window):
                window.activateWindow()
        qtbot.mouseClick(find(f"field_{name}"), Qt.MouseButton.LeftButton)
        type_text(text)
        if QApplication.activePopupWidget() is not None:
            qtbot.keyClick(QApplication.activePopupWidget(), Qt.Key.Key_Escape)
    tap("consent_terms")
    tap("continue_button")
    assert window.current_screen().objectName() == "review_screen"
    tap("confirm_button")
    qtbot.waitUntil(lambda: window.current_screen().objectName() == "thanks_screen")

    # The search below only means something if the window really recorded these values.
    (row,) = vault.signatures()
    stored = validate(appeal, TYPED, terms_accepted=True, updates_opt_in=False).submission
    assert stored is not None
    assert open_stored(row).fields == dict(stored.fields)
    QApplication.processEvents()
    _flush_logs()
    _check_data_dir(data_dir, appeal, wal_expected=True)
    window.close()
    vault.close()
    _check_data_dir(data_dir, appeal, wal_expected=False)
