"""The Kiosks page in a real browser (Playwright driving Debian's Chromium) while a real kiosk
(its vault, its sync worker's round and heartbeat, over HTTP on loopback) enrols and syncs: its
row appears and its count rises without a reload; a kiosk whose last heartbeat is 20 minutes
old by the server's clock is flagged at the top, in words; axe-core finds nothing serious or
critical on the page with flagged rows, on a desktop and a phone width, in English and
Italian (photographed into docs/screenshots with KIOSK_CONSOLE_SCREENSHOTS=1)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from signing import sign, sync_once
from sqlalchemy import Engine
from test_console_browser import SHOTS, SIZES, WAIT_MS, axe_problems, browser

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.console import routes
from kiosk.central.enrolment import issue_code
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.petition.appeal import Appeal
from kiosk.sync.enrol import enrol
from kiosk.sync.enrol import enrolled as enrolment_of
from kiosk.vault import Vault

__all__ = ["browser"]


class ServerClock:
    """The server's time: the real one, or set back by the test."""

    def __init__(self) -> None:
        self.back = timedelta(0)

    def __call__(self) -> datetime:
        return datetime.now(UTC) - self.back


@pytest.fixture
def server(engine: Engine, campaign: CampaignInfo) -> Iterator[tuple[str, ServerClock, str]]:
    clock = ServerClock()
    credential = issue_credential(engine)
    with ServerThread(create_app(engine, clock=clock)) as running:
        yield running.url, clock, credential


def test_a_kiosk_appears_its_count_rises_and_a_stale_one_is_flagged_on_top(
    browser: Any,
    server: tuple[str, ServerClock, str],
    engine: Engine,
    enrolled: Any,
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    url, clock, credential = server
    monkeypatch.setattr(routes, "POLL_MS", 300)
    shots = SHOTS if os.environ.get("KIOSK_CONSOLE_SCREENSHOTS") == "1" else tmp_path
    context = browser.new_context(base_url=url, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto("/console/sign-in")
    page.get_by_label("Credential").fill(credential)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("link", name="Kiosks", exact=True).click()
    expect(page.locator("#fleet")).to_contain_text("No kiosk is enrolled yet")
    page.evaluate("document.body.dataset.marker = 'same page'")

    # A stale kiosk: its last heartbeat came 20 minutes ago by the server's clock.
    stale = enrolled("Town hall")
    clock.back = timedelta(minutes=20)
    signed = stale.heartbeat(clock=clock().replace(microsecond=0), event="Town hall")
    take_heartbeat(engine, signed.to_bytes(), device_id=stale.device_id, clock=clock)
    clock.back = timedelta(0)

    # A real kiosk enrols, takes two signatures and syncs: its row appears by itself.
    enrol(vault, data_dir, issue_code(engine, "Piazza Maggiore", timedelta(hours=1)).code, url)
    state = enrolment_of(vault, data_dir)
    assert state is not None
    sign(vault, appeal, campaign_public_key, ["Ada", "Grace"])
    assert sync_once(vault, state, appeal=appeal).board.current.last_error is None
    row = page.locator(f'tr[data-device="{vault.device_id}"]')
    expect(row.get_by_role("cell").nth(1)).to_have_text("2")
    expect(row).to_contain_text("Piazza Maggiore")
    expect(row).to_contain_text("under 5 min ago")
    expect(row).to_contain_text("nothing waiting")
    expect(row).to_contain_text("in step")

    # Three more, synced: the count rises, still without a reload.
    sign(vault, appeal, campaign_public_key, ["Hedy", "Joan", "Lise"])
    assert sync_once(vault, state, appeal=appeal).board.current.last_error is None
    expect(row.get_by_role("cell").nth(1)).to_have_text("5")
    assert page.evaluate("document.body.dataset.marker") == "same page"

    # The stale kiosk is at the top, under "Need attention", saying why in words.
    attention = page.locator("table#attention")
    expect(attention.get_by_role("row").nth(1)).to_contain_text(stale.device_id)
    expect(attention).to_contain_text("Needs a volunteer:")
    expect(attention).to_contain_text("silent for over 15 min")
    expect(page.locator("table#calm")).to_contain_text(vault.device_id)
    expect(page.locator("table#attention")).not_to_contain_text(vault.device_id)

    problems = {}
    for lang in ("en", "it"):
        page.goto(f"/console/language?to={lang}&back=/console/kiosks")
        expect(page.locator("table#attention")).to_contain_text(stale.device_id)
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            name = f"console-kiosks-flagged-{size}" + ("-it" if lang == "it" else "")
            problems[name] = axe_problems(page)
            page.screenshot(path=str(shots / f"{name}.png"), full_page=True)
    expect(page.locator("table#attention")).to_contain_text("in silenzio da oltre 15 min")
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}
    assert len(problems) == 4
