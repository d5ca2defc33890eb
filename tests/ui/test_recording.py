"""Around `desk.record`: the thank-you only after it returned, the counter, a failed commit."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import replace

import pytest
from kiosk_screen import ENTRIES, REVIEWED, STORED, Supporter
from pytestqt.qtbot import QtBot

from PySide6.QtWidgets import QLabel, QProgressBar

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.signing import Recorded, SignatureDesk
from kiosk.errors import VaultError
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

DISK_FULL = "The signature store is full (database or disk is full). Please ask a volunteer."


def test_thank_you_appears_only_after_the_commit_returned(
    supporter: Supporter, desk: SignatureDesk, vault: Vault, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen_during_commit: list[str] = []
    record = desk.record

    def observed_record(submission: Submission) -> Recorded:
        seen_during_commit.append(supporter.screen)
        receipt = record(submission)
        seen_during_commit.append(supporter.screen)
        return receipt

    monkeypatch.setattr(desk, "record", observed_record)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")

    assert seen_during_commit == ["review_screen", "review_screen"]
    assert supporter.screen == "thanks_screen"
    assert vault.count() == 1


def test_a_failed_commit_says_so_and_keeps_the_entries(
    supporter: Supporter,
    desk: SignatureDesk,
    vault: Vault,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    record = desk.record
    attempts: list[Submission] = []

    def fails_once(submission: Submission) -> Recorded:
        attempts.append(submission)
        if len(attempts) == 1:
            raise VaultError(DISK_FULL)
        return record(submission)

    monkeypatch.setattr(desk, "record", fails_once)
    caplog.set_level(logging.DEBUG)
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")

    assert supporter.screen == "review_screen"
    message = supporter.find("record_error", QLabel)
    assert DISK_FULL in message.text()
    assert message.text().startswith("Your signature was not saved.")
    assert supporter.find("review_email", QLabel).text() == STORED["email"]
    assert vault.count() == 0
    for value in REVIEWED.values():
        assert value not in caplog.text

    # The entries are still there to check, and trying again works.
    supporter.tap("edit_button")
    assert supporter.find("field_email").text() == ENTRIES["field_email"]
    supporter.tap("continue_button")
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    assert vault.count() == 1
    assert attempts[0] == attempts[1]


def test_the_counter_counts_signatures_on_this_kiosk(supporter: Supporter) -> None:
    def counter() -> str:
        label = supporter.find("signature_counter", QLabel)
        assert isinstance(label, QLabel)
        return label.text()

    assert counter() == "Be the first to sign on this kiosk."
    for expected in ("1 person has signed", "2 people have signed"):
        supporter.sign_up_to_review()
        supporter.tap("confirm_button")
        supporter.tap("done_button")
        assert counter() == f"{expected} on this kiosk."


def test_goal_progress_shows_when_the_appeal_has_a_goal(
    qtbot: QtBot,
    make_window: Callable[..., KioskWindow],
    appeal: Appeal,
    vault: Vault,
    campaign_public_key: CampaignPublicKey,
) -> None:
    with_goal = SignatureDesk(replace(appeal, goal=1000), vault, campaign_public_key)
    supporter = Supporter(qtbot, make_window(with_desk=with_goal))
    progress = supporter.find("goal_progress", QProgressBar)
    assert (progress.value(), progress.maximum()) == (0, 1000)
    assert supporter.find("goal", QLabel).text() == "Goal: 1,000 signatures"

    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    assert supporter.find("goal_progress", QProgressBar).value() == 1


def test_no_goal_no_progress_bar(supporter: Supporter) -> None:
    assert supporter.window.findChild(QProgressBar, "goal_progress") is None


def test_thank_you_returns_to_the_appeal_by_itself(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    supporter = Supporter(qtbot, make_window(thanks_seconds=0.4))
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    assert supporter.screen == "thanks_screen"
    assert "Back to the appeal in 1 second" in supporter.find("thanks_countdown", QLabel).text()

    qtbot.wait(150)
    assert supporter.screen == "thanks_screen", "returned before its time"
    qtbot.waitUntil(lambda: supporter.screen == "appeal_screen", timeout=3000)
    supporter.tap("sign_button")  # and the next person can start at once


def test_done_returns_at_once_and_only_once(
    qtbot: QtBot, make_window: Callable[..., KioskWindow]
) -> None:
    supporter = Supporter(qtbot, make_window(thanks_seconds=0.3))
    supporter.sign_up_to_review()
    supporter.tap("confirm_button")
    supporter.tap("done_button")
    assert supporter.screen == "appeal_screen"
    supporter.tap("sign_button")

    # The thank-you's own deadline passes while the next person fills in the form.
    qtbot.wait(500)
    assert supporter.screen == "sign_screen"
