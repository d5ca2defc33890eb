"""What a supporter must know about an appeal before signing it, seen on a running window: how
old it is (started, last updated), that a link in it is dead, and who collects the signature
and how to reach them (under the privacy notice), in English and after tapping Italiano."""

from __future__ import annotations

from collections.abc import Callable
from importlib.resources import files

from kiosk_screen import Supporter  # type: ignore[import-not-found]
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLabel

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import DEFAULT_APPEAL, Appeal, parse_appeal
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

ORGANISER = """\
[organiser]
name = "Rainbow Rally Milano"
contact = "privacy@rainbow-rally.example.org"
"""


def test_the_appeal_screen_says_when_the_appeal_started_and_was_last_updated(
    supporter: Supporter,
) -> None:
    assert supporter.label_text("appeal_dates") == "Started April 2017 · last updated April 2017"
    supporter.choose_language("it")
    assert supporter.label_text("appeal_dates") == (
        "Lanciata: aprile 2017 · ultimo aggiornamento: aprile 2017"
    )


def test_the_dead_link_is_marked_not_offered(supporter: Supporter) -> None:
    texts = [label.text() for label in supporter.window.appeal_screen.findChildren(QLabel)]
    assert not any("goo.gl/" in text for text in texts)
    assert any("goo.gl short link, which no longer works" in text for text in texts)


def test_the_privacy_notice_names_who_collects_and_a_contact(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    bundled = files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")
    text = bundled.replace('# [organiser]\n# name = "..."\n# contact = "privacy@..."\n', ORGANISER)
    assert ORGANISER in text
    appeal: Appeal = parse_appeal(text.encode("utf-8"), "a campaign's appeal")
    supporter = Supporter(
        qtbot, make_window(with_desk=SignatureDesk(appeal, vault, campaign_public_key))
    )
    supporter.tap("sign_button")
    assert supporter.label_text("privacy_controller") == (
        "Collected by Rainbow Rally Milano, who decides what happens to it. "
        "Contact: privacy@rainbow-rally.example.org"
    )
    supporter.tap("back_button")
    supporter.choose_language("it")
    supporter.tap("sign_button")
    assert supporter.label_text("privacy_controller") == (
        "La raccoglie Rainbow Rally Milano, che decide come viene usata. "
        "Contatto: privacy@rainbow-rally.example.org"
    )


def test_without_an_organiser_the_sign_screen_names_none(supporter: Supporter) -> None:
    supporter.tap("sign_button")
    assert supporter.window.current_screen().findChild(QLabel, "privacy_controller") is None
