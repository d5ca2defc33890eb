"""Issue 11, item 12: the smaller things a newcomer saw in the first hour, each done as the person
did it on a running window (the form, the review, the thank-you, the PIN pad, the panel)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

import pytest
from admin_helpers import Volunteer  # type: ignore[import-not-found]
from catalog_texts import translation  # type: ignore[import-not-found]
from kiosk_screen import ENTRIES, Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtCore import QRect
from PySide6.QtWidgets import (
    QApplication,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QScrollArea,
    QWidget,
)

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.ui.qr_code import QrCode
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

URL = "https://www.example.org/petitions/un-chechnya/"


def test_the_problem_count_follows_each_fix(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.tap("continue_button")
    assert supporter.label_text("form_error_summary") == "Please fix the 5 problems marked above."
    supporter.type_into("field_first_name", "Zoë")
    assert supporter.label_text("form_error_summary") == "Please fix the 4 problems marked above."
    supporter.type_into("field_last_name", "Ó Briain")
    supporter.type_into("field_email", "zoe@example.org")
    supporter.type_into("field_country", "Ireland")
    assert supporter.label_text("form_error_summary") == "Please fix the problem marked above."
    supporter.tap("consent_terms")
    assert supporter.label_text("form_error_summary") == ""


def test_continue_scrolls_to_the_first_problem_below_the_fold(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    supporter.fill_in(ENTRIES, comment=False)  # all good but the consent, far below
    sign = supporter.window.current_screen()
    scroll = sign.findChild(QScrollArea, "sign_scroll")
    assert isinstance(scroll, QScrollArea)
    scroll.verticalScrollBar().setValue(0)
    terms = supporter.find("consent_terms")
    viewport = scroll.viewport()
    assert not viewport.rect().contains(
        QRect(terms.mapTo(viewport, terms.rect().topLeft()), terms.size())
    )
    supporter.tap("continue_button")
    QApplication.processEvents()
    where = QRect(terms.mapTo(viewport, terms.rect().topLeft()), terms.size())
    assert viewport.rect().contains(where), (viewport.rect(), where)
    assert supporter.label_text("error_terms").startswith("Please tick the box")


def test_the_email_problem_says_the_same_in_english_and_italian(supporter: Supporter) -> None:
    template = "This email address doesn't look right: {reason} Please check it."
    reason = "It needs an @, as in name@example.org."
    supporter.tap("sign_button")
    supporter.type_into("field_email", "amira")
    supporter.tap("continue_button")
    assert supporter.label_text("error_email") == template.format(reason=reason)
    supporter.tap("back_button")
    supporter.choose_language("it")
    supporter.tap("sign_button")
    supporter.type_into("field_email", "amira")
    supporter.tap("continue_button")
    italian = translation("it", "form", template).format(reason=translation("it", "form", reason))
    assert supporter.label_text("error_email") == italian
    assert "Manca la @" in italian  # the reason is said in Italian too, not left out


# Italian (CLDR) groups digits from five on: 10.001, but 1000.
@pytest.mark.parametrize(
    ("language", "written", "limit"), [("en", "10,001", "1,000"), ("it", "10.001", "1000")]
)
def test_a_long_comment_is_counted_with_the_languages_thousands_separator(
    supporter: Supporter, language: str, written: str, limit: str
) -> None:
    if language == "it":
        supporter.choose_language("it")
    supporter.tap("sign_button")
    comment = supporter.find("field_comment", QPlainTextEdit)
    assert isinstance(comment, QPlainTextEdit)
    comment.setFocus()
    comment.insertPlainText("x" * 10_001)  # pasted, as a long text would be
    supporter.tap("continue_button")
    said = supporter.label_text("error_comment")
    assert f" {written} " in said and f" {limit} " in said, said


def test_back_on_the_form_says_it_clears_and_does(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    back = supporter.find("back_button", QPushButton)
    assert isinstance(back, QPushButton)
    assert back.text() == "Clear and go back"
    assert back.accessibleName() == "Clear what you typed and go back to the appeal"
    supporter.type_into("field_first_name", "Zoë")
    supporter.tap("back_button")
    assert supporter.screen == "appeal_screen"
    supporter.tap("sign_button")
    assert supporter.find("field_first_name").text() == ""  # type: ignore[attr-defined]


def test_the_review_shows_the_letter_being_signed(supporter: Supporter, appeal: Appeal) -> None:
    supporter.sign_up_to_review()
    letter = supporter.find("review_letter")
    texts = [label.text() for label in letter.findChildren(QLabel) if label.isVisible()]
    assert texts[0] == "The letter you sign"
    assert appeal.letter.salutation in texts
    assert all(p in texts for p in appeal.letter.paragraphs)


def test_the_qr_thank_you_lasts_twenty_seconds_and_the_code_sits_inside_its_card(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    with_qr = replace(appeal, petition_url=URL)
    for size in ((1280, 800), (800, 1280)):
        window = make_window(
            size=size,
            thanks_seconds=8,
            with_desk=SignatureDesk(with_qr, vault, campaign_public_key),
        )
        supporter = Supporter(qtbot, window)
        supporter.sign_up_to_review()
        supporter.tap("confirm_button")
        assert supporter.screen == "thanks_screen"
        assert supporter.label_text("thanks_countdown") == "Back to the appeal in 20 seconds."
        card = supporter.find("share_petition")
        code = card.findChild(QrCode, "petition_qr")
        assert code is not None
        inside = card.rect().adjusted(12, 12, -12, -12)  # clear of the border and its corners
        assert inside.contains(code.geometry()), (size, card.rect(), code.geometry())


def test_the_italian_opt_in_says_puoi(supporter: Supporter) -> None:
    supporter.choose_language("it")
    supporter.tap("sign_button")
    texts = [label.text() for label in supporter.window.current_screen().findChildren(QLabel)]
    opt_in = next(t for t in texts if "annullare" in t)
    assert "Puoi annullare" in opt_in and "Potete" not in opt_in


def test_the_usb_error_has_room_around_its_text(
    make_admin: Callable[..., Volunteer], tmp_path: Path
) -> None:
    volunteer = make_admin()
    volunteer.unlock()
    volunteer.tap("admin_export")
    volunteer.layer.export_page.export_requested.emit(tmp_path / "no-such-stick")
    volunteer.qtbot.waitUntil(
        lambda: "is not a folder" in volunteer.text("admin_export_page_result"), timeout=5000
    )
    result = volunteer.find("admin_export_page_result", QLabel)
    assert isinstance(result, QLabel)
    assert result.property("role") == "failure"  # the red box
    # The text is laid out inside the box's padding, not against its border.
    inner, outer = result.contentsRect(), result.rect()
    assert inner.left() - outer.left() >= 12 and outer.right() - inner.right() >= 12
    assert inner.top() - outer.top() >= 12


@pytest.mark.parametrize("size", [(640, 560), (800, 1280)])
def test_the_pin_keys_never_touch_even_when_the_title_wraps(
    make_admin: Callable[..., Volunteer], size: tuple[int, int]
) -> None:
    volunteer = make_admin(size=size)
    Supporter(volunteer.qtbot, volunteer.window).choose_language("it")
    volunteer.layer.open()
    volunteer.layer.pad.title.show_text("Scegli il nuovo PIN per i volontari di questo chiosco")
    QApplication.processEvents()
    pad = volunteer.layer.pad
    keys = [pad.findChild(QPushButton, f"pin_digit_{d}") for d in range(10)]
    keys += [pad.findChild(QPushButton, "pin_delete"), pad.findChild(QPushButton, "pin_ok")]
    rects = [key.geometry() for key in keys if key is not None]
    assert len(rects) == 12
    for index, one in enumerate(rects):
        for other in rects[index + 1 :]:
            assert not one.adjusted(-3, -3, 3, 3).intersects(other), (one, other)
    title = volunteer.find("pin_title")
    top = min(key.mapTo(pad, key.rect().topLeft()).y() for key in keys if key is not None)
    assert title.mapTo(pad, title.rect().bottomLeft()).y() < top


def test_the_demo_banner_stays_in_view_over_the_pin_pad_panel_and_still_there(
    make_admin: Callable[..., Volunteer],
) -> None:
    volunteer = make_admin(demo_key="D3M0-K3Y")
    window = volunteer.window
    banner = window.findChild(QLabel, "demo_banner")
    assert banner is not None

    def in_view(overlay: QWidget) -> None:
        QApplication.processEvents()
        assert overlay.isVisible() and banner.isVisible()
        assert not overlay.geometry().intersects(banner.geometry()), overlay.objectName()
        assert window.childAt(banner.geometry().center()) in (banner, None) or (
            window.childAt(banner.geometry().center()).objectName() == "demo_banner"
        )

    volunteer.layer.open()
    in_view(volunteer.layer)  # the PIN pad
    volunteer.unlock()
    in_view(volunteer.layer)  # the panel
    volunteer.tap("admin_close")
    supporter = Supporter(volunteer.qtbot, window)
    supporter.tap("sign_button")
    supporter.type_into("field_first_name", "Zoë")
    window.still_there.start()  # what the idle timer does after a minute without a touch
    in_view(window.still_there)


def test_today_is_the_kiosks_local_day_and_says_so(
    make_admin: Callable[..., Volunteer],
    vault: Vault,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    clock: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import time

    monkeypatch.setenv("TZ", "Pacific/Auckland")  # UTC+13 in December
    time.tzset()
    try:
        # 20:00 UTC on the 3rd is 09:00 on the 4th in Auckland; the panel is opened at 02:00 UTC
        # on the 4th (15:00 there): the same local day, two UTC days.
        signed = datetime(2026, 12, 3, 20, 0, tzinfo=UTC)
        desk = SignatureDesk(appeal, vault, campaign_public_key, clock=lambda: signed)
        from kiosk.petition.form import validate

        result = validate(
            appeal,
            {"first_name": "Ada", "last_name": "L", "email": "ada@example.org", "country": "IT"},
            terms_accepted=True,
            updates_opt_in=False,
        )
        assert result.submission is not None, result.errors
        desk.record(result.submission)
        clock.now = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)  # type: ignore[attr-defined]
        volunteer = make_admin()
        volunteer.unlock()
        assert volunteer.text("admin_today_caption") == "Today (local time)"
        assert volunteer.text("admin_today") == "1"
    finally:
        monkeypatch.undo()
        time.tzset()
