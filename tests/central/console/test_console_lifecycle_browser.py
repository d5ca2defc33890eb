"""The campaign's life after the rally in the browser (Playwright, Debian's Chromium): a
coordinator previews a review mark for a kiosk, applies it and sees the counts change; puts an
event in test mode through its confirmation and sees it on the Events and Kiosks pages and in
the Now page's total; erases a signature by its id, typing the campaign's name; reads the Keys
page. axe-core checks each page state, and every new page at a desktop and a phone width in
English and Italian (0 serious or critical violations)."""

from __future__ import annotations

from typing import Any

from console_client import Console
from sqlalchemy import Engine
from test_console_browser import SIZES, WAIT_MS, axe_problems, browser  # noqa: F401 (a fixture)

from kiosk.central.campaign import get_campaign
from kiosk.central.ingest import ingest


def test_review_test_mode_and_erasure_in_the_browser(
    browser: Any,  # noqa: F811
    console: Console,
    engine: Engine,
    enrolled: Any,
) -> None:
    from playwright.sync_api import expect

    piazza, market = enrolled("Piazza"), enrolled("Market")
    ingest(engine, piazza.batch(3).to_bytes())
    market_batch = market.batch(2)
    ingest(engine, market_batch.to_bytes())
    name = get_campaign(engine).appeal_id
    context = browser.new_context(base_url=console.url, locale="en-GB")
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    problems: dict[str, list[str]] = {}

    def check(state: str) -> None:
        problems[state] = axe_problems(page)

    page.goto("/console/sign-in")
    page.get_by_label("Credential").fill(console.credential)
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#campaign-total")).to_have_text("5")

    # Review: preview a mark for one kiosk, then apply it; the counts change.
    page.get_by_role("link", name="Review", exact=True).click()
    expect(page.locator("#count-invalid")).to_have_text("0")
    check("review")
    page.get_by_label("Mark", exact=True).select_option("invalid")
    page.get_by_label("Reason").fill("same pen, same minute")
    page.get_by_label("Kiosk", exact=True).select_option(piazza.device_id)
    page.get_by_role("button", name="Preview the count").click()
    expect(page.locator("#preview-count")).to_have_text("3 signatures would be marked invalid.")
    expect(page.locator("#count-invalid")).to_have_text("0")  # nothing marked by a preview
    check("review-preview")
    page.get_by_role("button", name="Apply: mark 3 signatures invalid").click()
    expect(page.get_by_role("status")).to_have_text("Marked 3 signatures invalid.")
    expect(page.locator("#count-invalid")).to_have_text("3")
    expect(page.locator("#marks")).to_contain_text("same pen, same minute")
    page.get_by_label("Reason").fill("a volunteer's trial")
    page.get_by_label("Hour of collection (UTC)").fill("at noon")
    page.get_by_role("button", name="Preview the count").click()
    expect(page.get_by_role("alert")).to_contain_text("at noon is not an hour")
    check("review-error")

    # Test mode for an event, through its confirmation; shown on Events and Kiosks; Now is 0.
    page.get_by_role("link", name="Review", exact=True).click()
    page.get_by_role("link", name="Put event Market in test mode").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Put event Market in test mode?")
    check("test-mode-confirm")
    page.get_by_role("button", name="Yes, put it in test mode").click()
    expect(page.get_by_role("status")).to_contain_text("Test mode is on")
    expect(page.locator("#test-events")).to_contain_text("in test mode")
    page.get_by_role("link", name="Events", exact=True).click()
    expect(page.get_by_role("row").filter(has_text="Market")).to_contain_text("in test mode")
    expect(page.get_by_role("row").filter(has_text="Piazza")).not_to_contain_text("test mode")
    page.get_by_role("link", name="Now", exact=True).click()
    expect(page.locator("#campaign-total")).to_have_text("0")

    # Erase one signature by its id: a preview, the campaign's name typed, then it is gone.
    page.get_by_role("link", name="Erasure and retention", exact=True).click()
    expect(page.locator("#next-deletion")).to_have_text("2027-12-01")
    check("erasure")
    record = market_batch.batch.records[0].id
    page.get_by_label("Record ids").fill(f"{market.device_id}:{record}")
    page.get_by_role("button", name="Preview the erasure").click()
    expect(page.locator("#erase-count")).to_have_text("1 stored signature would be deleted.")
    check("erasure-preview")
    page.get_by_label(f"Type the campaign's name, {name}, to erase them").fill("wrong")
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_role("alert")).to_contain_text("nothing was erased")
    expect(page.locator("#deleted-by-id")).to_have_text("0")
    page.get_by_label(f"Type the campaign's name, {name}, to erase them").fill(name)
    page.get_by_role("button", name="Erase for good").click()
    expect(page.get_by_role("status")).to_have_text("Erased 1 signature from the server.")
    expect(page.locator("#deleted-by-id")).to_have_text("1")

    # Keys: key 1, the primary, with the 4 signatures still stored sealed to it.
    page.get_by_role("link", name="Keys", exact=True).click()
    expect(page.locator("#keys tbody tr").first).to_contain_text("primary")
    expect(page.locator("#keys tbody tr").first.locator("td.num")).to_have_text("4")
    expect(page.locator("#sealing")).to_contain_text("sealed to key 1")

    # Every new page, at a desktop and a phone width, in English and Italian.
    confirm = f"/console/review/test-mode?kind=device&name={piazza.device_id}&on=1"
    for lang in ("en", "it"):
        page.goto(f"/console/language?to={lang}&back=/console/review")
        for size, (width, height) in SIZES.items():
            page.set_viewport_size({"width": width, "height": height})
            for path in ("/console/review", "/console/erasure", "/console/keys", confirm):
                page.goto(path)
                check(f"{path}-{size}-{lang}")
            page.goto("/console/erasure")
            page.locator("#erase-records").fill(f"{piazza.device_id}:{record}")
            page.locator("#erase-form button").click()
            expect(page.locator("#erase-preview")).to_be_visible()
            check(f"erasure-preview-{size}-{lang}")
    context.close()
    assert {state: found for state, found in problems.items() if found} == {}
