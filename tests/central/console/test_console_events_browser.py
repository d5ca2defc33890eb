"""A coordinator's rally in the browser (Playwright, Debian's Chromium), with a real kiosk: the
enrolment link's QR code, photographed and decoded by zbarimg, enrols a real kiosk vault, which
then shows on the Kiosks page; the volunteer names the event on the kiosk, its USB export is
dropped on the Import page (a DataTransfer of the real files), one result per file; the event
appears on the Events page under the kiosk's name, is renamed there, and a real sync under the
old name still counts for it on the Now page, live. axe-core checks every new page state."""

from __future__ import annotations

import base64
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from ci import skip_unless_ci
from qr_photo import decode_qr
from signing import sign, sync_once
from sqlalchemy import Engine
from test_console_browser import WAIT_MS, axe_problems, browser  # noqa: F401 (a fixture)

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo, issue_credential
from kiosk.central.console import routes
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.petition.appeal import Appeal
from kiosk.settings import SyncSettings
from kiosk.sync.batch_files import export_batches
from kiosk.sync.enrol import enrol, enrolled
from kiosk.sync.service import closer_for
from kiosk.vault import Vault, state

# Builds a DataTransfer holding the files, as the browser does for a drop from the desktop.
DATA_TRANSFER = """files => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name, { type: "application/octet-stream" }));
  }
  return dt;
}"""


@pytest.fixture
def server(engine: Engine, campaign: CampaignInfo) -> Iterator[tuple[str, str]]:
    """The console on loopback without TLS (a kiosk may enrol over http:// on this machine)."""
    credential = issue_credential(engine)
    with ServerThread(create_app(engine)) as running:
        yield running.url, credential


def drop(page: Any, files: list[Path]) -> None:
    payload = [{"name": f.name, "data": base64.b64encode(f.read_bytes()).decode()} for f in files]
    transfer = page.evaluate_handle(DATA_TRANSFER, payload)
    zone = page.locator("#drop")
    zone.dispatch_event("dragenter", {"dataTransfer": transfer})
    zone.dispatch_event("drop", {"dataTransfer": transfer})


def test_enrol_by_qr_drop_a_usb_export_and_rename_its_event(
    browser: Any,  # noqa: F811
    server: tuple[str, str],
    vault: Vault,
    data_dir: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    if shutil.which("zbarimg") is None:
        skip_unless_ci("zbarimg is missing: apt-get install zbar-tools")
    monkeypatch.setattr(routes, "POLL_MS", 300)
    monkeypatch.setattr(routes, "UPDATE_GAP_S", 0.3)
    url, credential = server
    context = browser.new_context(base_url=url, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        problems[name] = axe_problems(page)

    page.goto("/console/sign-in")
    page.get_by_label("Credential").fill(credential)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(url + "/console/now")

    # Enrol: the link as a QR code, photographed, decoded, and a real kiosk enrols with it.
    page.get_by_role("link", name="Enrol", exact=True).click()
    page.get_by_label("Event").fill("Evening rally")
    expect(page.get_by_label("Server address")).to_have_value(url)  # where the console is open
    page.get_by_role("button", name="Create the link").click()
    qr_png = tmp_path / "qr.png"
    page.locator("figure.qr").screenshot(path=str(qr_png))
    decoded = decode_qr(qr_png)
    assert decoded == page.get_by_role("textbox", name="Link", exact=True).input_value()
    done = enrol(vault, data_dir, decoded)
    assert done.event == "Evening rally" and done.server_url == url
    page.get_by_role("link", name="Kiosks", exact=True).click()
    row = page.get_by_role("row").filter(has_text=vault.device_id)
    expect(row).to_contain_text("Evening rally")
    expect(row).to_contain_text("delivered nothing since enrolment")

    # On the kiosk: the volunteer names the event; three sign; the USB export makes 2 files.
    with state.edit(vault) as kiosk_state:
        kiosk_state.event_name = "Evening rally, Piazza"
    key = campaign_public_key
    sign(vault, appeal, key, ["Ada", "Grace", "Linus"])
    enrolment = enrolled(vault, data_dir)
    assert enrolment is not None
    usb = tmp_path / "usb"
    usb.mkdir()
    closer = closer_for(vault, enrolment, SyncSettings(batch_size=2))
    files = sorted(export_batches(vault, closer, usb), key=lambda p: p.stat().st_size)
    assert len(files) == 2

    # Import: the files dropped on the page, one result each, no reload.
    page.get_by_role("link", name="Import", exact=True).click()
    expect(page.locator("#drop")).to_be_visible()
    check("import-drop-zone")
    page.evaluate("document.body.dataset.marker = 'same page'")
    drop(page, [*files, tmp_path / "qr.png"])
    results = page.locator("#import-results tbody tr")
    expect(results).to_have_count(3)
    expect(results.nth(0)).to_contain_text(files[0].name)
    expect(results.nth(0)).to_contain_text(re.compile(r"imported: 1 signature(?!s)"))
    expect(results.nth(1)).to_contain_text("imported: 2 signatures")
    expect(results.nth(2)).to_contain_text("not imported: the batch is malformed")
    expect(results.nth(2)).to_have_class("failed")
    drop(page, files[:1])  # the same file again
    expect(results.nth(3)).to_contain_text("already stored")
    assert page.evaluate("document.body.dataset.marker") == "same page"
    check("import-dropped")

    # Events: the kiosk's name for it is an event, with the kiosk and its 3 signatures.
    page.get_by_role("link", name="Events", exact=True).click()
    event_row = page.get_by_role("row").filter(has_text="Evening rally, Piazza")
    expect(event_row).to_contain_text("named by its kiosks")
    expect(event_row.get_by_role("cell").nth(1)).to_have_text("3")
    check("events")
    page.get_by_label("New event").fill("Market day")
    page.get_by_label("Goal (signatures, optional)").fill("lots")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("alert")).to_contain_text("a goal is a whole number")
    check("events-error")
    page.get_by_label("Goal (signatures, optional)").fill("500")
    page.get_by_role("button", name="Create the event").click()
    expect(page.get_by_role("status")).to_have_text("Event created.")
    page.get_by_label("New name for event Evening rally, Piazza").fill("Piazza, 3 December")
    page.get_by_role("row").filter(has_text="Evening rally, Piazza").get_by_role(
        "button", name="Rename"
    ).click()
    expect(page.get_by_role("status")).to_contain_text("Its kiosks keep sending the old name")
    renamed = page.get_by_role("row").filter(has_text="Piazza, 3 December")
    expect(renamed).to_contain_text("also sent as: Evening rally, Piazza")
    page.get_by_label("Goal for event Piazza, 3 December").fill("10")
    renamed.get_by_role("button", name="Set goal").click()
    expect(page.get_by_role("status")).to_have_text("Goal saved.")
    check("events-renamed")

    # Now: the event's chart with its goal line; a real sync under the old name counts, live.
    page.get_by_role("link", name="Chart of event Piazza, 3 December").click()
    expect(page.get_by_label("Show")).to_have_value("event:Piazza, 3 December")
    expect(page.locator("#chart svg")).to_have_attribute("aria-label", _contains("3 of the goal"))
    expect(page.locator("#chart .goal")).to_have_count(1)
    check("now-event-chart")
    page.get_by_label("Show").select_option(f"kiosk:{vault.device_id}")
    page.get_by_role("button", name="Show the chart").click()
    expect(page.locator("#chart svg")).to_have_attribute("aria-label", _contains("Kiosk"))
    check("now-kiosk-chart")
    page.get_by_label("Show").select_option("event:Piazza, 3 December")
    page.get_by_role("button", name="Show the chart").click()
    sign(vault, appeal, key, ["Rosalind"])
    assert sync_once(vault, enrolment).board.current.last_error is None
    per_event = page.locator("#per-event tbody tr").filter(has_text="Piazza, 3 December")
    expect(per_event.get_by_role("cell").nth(1)).to_have_text("4")
    expect(page.locator("#chart svg")).to_have_attribute("aria-label", _contains("4 of the goal"))
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}


def _contains(text: str) -> Any:
    import re

    return re.compile(re.escape(text))
