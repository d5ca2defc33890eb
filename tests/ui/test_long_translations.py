"""Long translations do not clip: every text in a pseudo-language 40% longer than English, on
every screen, upright and sideways."""

from __future__ import annotations

import importlib.util
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from kiosk_screen import LANDSCAPE, PORTRAIT, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QAbstractButton, QApplication, QLabel, QWidget

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.ui.i18n import Languages, catalog_bytes
from kiosk.ui.look import apply_look
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

ROOT = Path(__file__).resolve().parents[2]
_KEEP = re.compile(r"(%L?[0-9n]|\{\w+\})")
_ACCENTS = str.maketrans("aceinosuyACEINOSUY", "áçéîñöšûýÁÇÉÎÑÖŠÛÝ")


def pseudo(text: str) -> str:
    """Accented and 40% longer, placeholders kept: what a long language looks like."""
    parts = _KEEP.split(text)
    accented = "".join(p if _KEEP.fullmatch(p) else p.translate(_ACCENTS) for p in parts)
    padding = " ·" * max(1, round(len(text) * 0.4 / 2))
    return f"[{accented}{padding}]"


def test_pseudo_is_forty_percent_longer() -> None:
    assert pseudo("Sign the petition").startswith("[Šîgñ thé pétîtîöñ")
    assert len(pseudo("Sign the petition")) >= 1.4 * len("Sign the petition")
    assert "%1" in pseudo("To: %1") and "{limit}" in pseudo("to {limit} or fewer")


@pytest.fixture(scope="module")
def pseudo_catalog(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    folder = tmp_path_factory.mktemp("pseudo")
    tree = ET.parse(ROOT / "resources" / "i18n" / "kiosk_it.ts")
    tree.getroot().set("language", "de")
    for message in tree.getroot().iter("message"):
        source = message.findtext("source", "")
        translation = message.find("translation")
        assert translation is not None
        forms = list(translation.iter("numerusform"))
        for form in forms:
            form.text = pseudo(source)
        if not forms:
            translation.text = pseudo(source)
    ts = folder / "kiosk_de.ts"
    tree.write(ts, encoding="utf-8", xml_declaration=True)
    spec = importlib.util.spec_from_file_location("i18n_tool", ROOT / "scripts" / "i18n.py")
    assert spec is not None and spec.loader is not None
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    tool.release(ts, folder / "kiosk_de.qm")
    return (folder / "kiosk_de.qm").read_bytes()


def clipped(window: QWidget) -> list[str]:
    """Every visible text that does not fit where it is drawn, or runs off the window."""
    problems = []
    screen = window
    widgets = [*screen.findChildren(QLabel), *screen.findChildren(QAbstractButton)]
    for widget in widgets:
        if not widget.isVisible() or widget.window() is not window:
            continue
        name = widget.objectName() or widget.text()[:30]
        left = widget.mapTo(window, widget.rect().topLeft()).x()
        if left < 0 or left + widget.width() > window.width():
            problems.append(f"{name}: runs off the window")
            continue
        hint = widget.sizeHint()
        if isinstance(widget, QLabel) and widget.wordWrap():
            if widget.heightForWidth(widget.width()) > widget.height() + 1:
                problems.append(f"{name}: wrapped text taller than its label")
        elif hint.width() > widget.width() + 1 or hint.height() > widget.height() + 1:
            problems.append(
                f"{name}: needs {hint.width()}x{hint.height()}, has {widget.width()}x"
                f"{widget.height()}"
            )
    return problems


@pytest.fixture
def pseudo_window(
    qtbot: QtBot,
    qapp: QApplication,
    pseudo_catalog: bytes,
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> Iterator[KioskWindow]:
    apply_look(qapp)
    languages = Languages(
        {"en": "English", "it": "Italiano", "de": "Pseudo"},
        load=lambda code: pseudo_catalog if code == "de" else catalog_bytes(code),
    )
    with_url = replace(appeal, petition_url="https://www.example.org/petitions/un-chechnya")
    desk = SignatureDesk(with_url, vault, campaign_public_key)
    window = KioskWindow(desk, thanks_seconds=60, languages=languages)
    languages.setParent(window)
    qtbot.addWidget(window)
    yield window
    languages.release()


@pytest.mark.parametrize("size", [LANDSCAPE, PORTRAIT], ids=["landscape", "portrait"])
def test_nothing_clips_in_a_long_language(
    qtbot: QtBot, pseudo_window: KioskWindow, size: tuple[int, int]
) -> None:
    window = pseudo_window
    window.resize(*size)
    with qtbot.waitExposed(window):
        window.show()
    supporter = Supporter(qtbot, window)
    supporter.tap("language_de")
    QApplication.processEvents()
    sign = supporter.find("sign_button", QAbstractButton)
    assert sign.text().startswith("[Šîgñ")

    def check(step: str) -> None:
        QApplication.processEvents()
        problems = clipped(window)
        assert not problems, f"{step} at {size}: {problems}"

    check("appeal")
    supporter.tap("sign_button")
    supporter.tap("continue_button")
    check("sign with messages")
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    check("review")
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    check("thanks")
    window.still_there.start()
    check("still there")
    window.still_there.stop()
