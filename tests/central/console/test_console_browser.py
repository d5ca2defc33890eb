"""The console in a real browser (Playwright driving Debian's Chromium): sign in, watch the
count rise while a batch arrives, see the kiosk, rename and revoke it with confirmation, enrol
with the QR code (decoded by zbarimg from a screenshot), upload a batch file, sign out. axe-core
checks every page (0 serious or critical violations); each page is photographed at a desktop
and a phone width in English and Italian (into docs/screenshots with KIOSK_CONSOLE_SCREENSHOTS=1).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from ci import skip_unless_ci
from console_client import Console
from qr_photo import decode_qr

from kiosk.central.console import routes
from kiosk.central.ingest import ingest
from kiosk.central.models import utcnow
from kiosk.protocol.enrolment_link import parse_link

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = Path(__file__).parents[3] / "docs" / "screenshots"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
WAIT_MS = 15_000  # the longest any one expectation waits


@pytest.fixture
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists():
        skip_unless_ci(f"{CHROMIUM} is missing: apt-get install chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        skip_unless_ci("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def test_a_rally_day_in_the_console(
    browser: Any,
    console: Console,
    enrolled: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    monkeypatch.setattr(routes, "POLL_MS", 300)
    monkeypatch.setattr(routes, "UPDATE_GAP_S", 0.3)
    shots = SHOTS if os.environ.get("KIOSK_CONSOLE_SCREENSHOTS") == "1" else tmp_path
    kiosk = enrolled("Piazza Maggiore")
    kiosk.clock = utcnow() - timedelta(hours=3)  # signed today, so the chart has bars
    ingest(console.engine, kiosk.batch(2).to_bytes())
    context = browser.new_context(base_url=console.url, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(name: str) -> None:
        problems[name] = axe_problems(page)

    # Sign in
    page.goto("/console/now")
    expect(page).to_have_url(console.url + "/console/sign-in")
    check("sign-in")
    page.get_by_label("Credential").fill("kc_wrong")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("alert")).to_contain_text("This credential is not valid")
    check("sign-in-error")
    page.get_by_label("Credential").fill(console.credential)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(console.url + "/console/now")

    # Now: the count rises while a batch arrives, without a reload
    total = page.locator("#campaign-total")
    expect(total).to_have_text("2")
    page.evaluate("document.body.dataset.marker = 'same page'")
    ingest(console.engine, kiosk.batch(3).to_bytes())
    expect(total).to_have_text("5")
    expect(page.locator("#per-event")).to_contain_text("Piazza Maggiore")
    assert page.evaluate("document.body.dataset.marker") == "same page"
    check("now")

    # Kiosks: the kiosk and its count; rename it; revoke it after the confirmation
    page.get_by_role("link", name="Kiosks", exact=True).click()
    row = page.get_by_role("row").filter(has_text=kiosk.device_id)
    expect(row).to_contain_text("Piazza Maggiore")
    expect(row.get_by_role("cell").nth(1)).to_have_text("5")
    check("kiosks")
    row.get_by_role("textbox").fill("Tablet 3, blue case")
    row.get_by_role("button", name="Rename").click()
    expect(page.get_by_role("status")).to_have_text("Kiosk renamed.")
    expect(page.get_by_role("row").filter(has_text=kiosk.device_id)).to_contain_text("Tablet 3")
    page.get_by_role("link", name=f"Revoke kiosk {kiosk.device_id}").click()
    expect(page.locator("#revoke-what")).to_contain_text(kiosk.device_id)
    expect(page.locator("#revoke-what")).to_contain_text("Piazza Maggiore")
    check("revoke")
    page.get_by_role("button", name="Yes, revoke it").click()
    expect(page.get_by_role("status")).to_have_text("Kiosk revoked.")
    expect(page.get_by_role("row").filter(has_text=kiosk.device_id)).to_contain_text("revoked")

    # Enrol: a link for an event, its QR code decoded from a screenshot
    page.get_by_role("link", name="Enrol", exact=True).click()
    check("enrol-form")
    page.get_by_label("Event").fill("Evening rally")
    page.get_by_label("Server address").fill("https://192.168.1.20:8443")
    page.get_by_role("button", name="Create the link").click()
    link_text = page.get_by_role("textbox", name="Link", exact=True).input_value()
    link = parse_link(link_text)
    assert link.server_url == "https://192.168.1.20:8443" and link.tls_pin == "ab" * 16
    qr_png = tmp_path / "qr.png"
    page.locator("figure.qr").screenshot(path=str(qr_png))
    assert decode_qr(qr_png) == link_text
    expect(page.get_by_role("cell", name="Evening rally", exact=True)).to_be_visible()
    check("enrol-link")

    # Import: a batch file from a USB stick
    batch_file = tmp_path / "batch-0003.kbatch"
    batch_file.write_bytes(enrolled("Market").batch(4).to_bytes())
    page.get_by_role("link", name="Import", exact=True).click()
    check("import")
    page.get_by_label("Batch files").set_input_files(str(batch_file))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("#import-results")).to_contain_text("imported: 4 signatures")
    check("import-result")

    page.get_by_role("link", name="Audit log").click()
    expect(page.locator("#audit")).to_contain_text("revoke")
    check("audit")

    # Screenshots of every page, desktop and phone, English and Italian
    for lang in ("en", "it"):
        page.goto(f"/console/language?to={lang}&back=/console/now")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            suffix = f"{size}" + ("-it" if lang == "it" else "")
            for name, path in (
                ("now", "/console/now"),
                ("kiosks", "/console/kiosks"),
                ("enrol", "/console/enrol"),
                ("import", "/console/import"),
                ("audit", "/console/audit"),
            ):
                page.goto(path)
                page.screenshot(path=str(shots / f"console-{name}-{suffix}.png"), full_page=True)
            check(f"phone-{lang}" if size == "phone" else f"desktop-{lang}")

    # Sign out: back to the sign-in page, and the pages are closed again
    page.get_by_role("button", name="Esci").click()
    expect(page).to_have_url(console.url + "/console/sign-in")
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(shots / f"console-sign-in-{size}-it.png"))
    page.goto("/console/kiosks")
    expect(page).to_have_url(console.url + "/console/sign-in")
    context.close()
    assert {name: found for name, found in problems.items() if found} == {}
