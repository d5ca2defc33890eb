"""Signing by finger on the form: the pad where the appeal asks for it, through to the seal."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from kiosk_screen import Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QScrollArea, QWidget

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.record import SignatureRecord
from kiosk.petition.strokes import Drawing
from kiosk.ui.ink import SignaturePreview
from kiosk.ui.signature_pad import SignatureCanvas
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault
from kiosk.vault.models import StoredSignature

STROKE = [(60, 120), (140, 90), (220, 140), (300, 100), (380, 130)]


def _desk(appeal: Appeal, vault: Vault, key: CampaignPublicKey, setting: str) -> SignatureDesk:
    return SignatureDesk(replace(appeal, drawn_signature=setting), vault, key)


def _draw(supporter: Supporter, points: list[tuple[int, int]] = STROKE) -> SignatureCanvas:
    canvas = supporter.find("signature_canvas", SignatureCanvas)
    assert isinstance(canvas, SignatureCanvas)
    scroll = supporter.find("sign_scroll", QScrollArea)
    assert isinstance(scroll, QScrollArea)
    scroll.ensureWidgetVisible(canvas, 0, 0)
    qtbot = supporter.qtbot
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[0]))
    for x, y in points[1:]:
        qtbot.mouseMove(canvas, QPoint(x, y), delay=5)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=QPoint(*points[-1]), delay=5)
    return canvas


def _to_the_form(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.fill_in()
    supporter.tap("consent_terms")


def test_the_bundled_appeal_offers_the_pad_as_optional(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    label = supporter.find("signature_label", QLabel)
    assert isinstance(label, QLabel) and label.text() == "Sign with your finger (optional)"
    assert supporter.find("signature_clear").accessibleName() == "Clear your signature"
    # Leaving it empty is fine.
    supporter.fill_in()
    supporter.tap("consent_terms")
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    assert supporter.window.current_screen().findChild(QWidget, "review_drawn_signature") is None


def test_no_pad_where_the_appeal_asks_for_none(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    window = make_window(with_desk=_desk(appeal, vault, campaign_public_key, "none"))
    supporter = Supporter(qtbot, window)
    supporter.tap("sign_button")
    assert window.current_screen().findChild(SignatureCanvas) is None


def test_a_required_pad_blocks_continue_until_signed_and_the_strokes_are_sealed(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
    open_stored: Callable[[StoredSignature], SignatureRecord],
) -> None:
    window = make_window(with_desk=_desk(appeal, vault, campaign_public_key, "required"))
    supporter = Supporter(qtbot, window)
    _to_the_form(supporter)
    label = supporter.find("signature_label", QLabel)
    assert isinstance(label, QLabel) and label.text() == "Sign with your finger"

    supporter.tap("continue_button")
    assert supporter.screen == "sign_screen"
    error = supporter.find("error_drawn_signature", QLabel)
    assert isinstance(error, QLabel)
    assert error.text() == "Please sign in the box with your finger, a pen or the mouse."
    summary = supporter.find("form_error_summary", QLabel)
    assert isinstance(summary, QLabel) and "problem marked above" in summary.text()
    assert window.focusWidget() is supporter.find("signature_clear")

    canvas = _draw(supporter)
    assert not error.text()  # the message gone, its line kept (nothing moves)
    drawn = canvas.drawing()
    assert len(drawn.strokes) == 1 and len(drawn.strokes[0]) == len(STROKE)
    supporter.tap("continue_button")
    assert supporter.screen == "review_screen"
    preview = supporter.find("review_drawn_signature", SignaturePreview)
    assert preview.accessibleName() == "Your drawn signature"

    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    [row] = vault.signatures()
    assert b"strokes" not in row.sealed
    record = open_stored(row)
    assert record.drawing is not None
    [stroke] = record.drawing.strokes
    assert [(p.x, p.y, p.t) for p in stroke] == [
        (round(p.x, 4), round(p.y, 4), p.t) for p in drawn.strokes[0]
    ]


def test_clear_empties_the_pad_and_a_required_pad_asks_again(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    window = make_window(with_desk=_desk(appeal, vault, campaign_public_key, "required"))
    supporter = Supporter(qtbot, window)
    _to_the_form(supporter)
    canvas = _draw(supporter)
    supporter.tap("signature_clear")
    assert canvas.drawing() == Drawing()
    supporter.tap("continue_button")
    assert supporter.screen == "sign_screen"
    assert supporter.find("error_drawn_signature").isVisible()


def test_the_drawing_is_gone_after_the_idle_wipe(qtbot: QtBot, supporter: Supporter) -> None:
    _to_the_form(supporter)
    canvas = _draw(supporter)
    assert canvas.drawing().strokes
    supporter.window.reset_after_idle()
    assert canvas.drawing() == Drawing()  # wiped before the screen is destroyed
    assert supporter.screen == "appeal_screen"
    supporter.tap("sign_button")
    fresh = supporter.find("signature_canvas", SignatureCanvas)
    assert isinstance(fresh, SignatureCanvas) and fresh.drawing() == Drawing()


def test_editing_after_review_keeps_the_drawing(supporter: Supporter) -> None:
    _to_the_form(supporter)
    _draw(supporter)
    supporter.tap("continue_button")
    assert supporter.find("review_drawn_signature", SignaturePreview)
    supporter.tap("edit_button")
    canvas = supporter.find("signature_canvas", SignatureCanvas)
    assert isinstance(canvas, SignatureCanvas) and len(canvas.drawing().strokes) == 1
