"""Photograph every page of the coordinators' console in the real browser (Playwright driving
Debian's Chromium), at a desktop and a phone width, in English and Italian, as PNG files; and
check each with axe-core (0 serious or critical violations, else exit 1).

    python scripts/console_screenshots.py docs/screenshots

The console runs in this process over a throwaway SQLite database: a campaign, four fictional
kiosks at two events, each delivering signed batches of today's hours (the sealed bytes are
random: the console never opens a record) and a signed heartbeat (one low on battery), and a
batch file from a fifth kiosk dropped on the Import page; after the rally, a burst marked
invalid, a trial kiosk in test mode and two signatures erased by id, with a review preview and
an erasure preview photographed too. Files are named
console-PAGE-SIZE[-it].png.
"""

from __future__ import annotations

import argparse
import base64
import os
import secrets
import sys
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from kiosk import __version__
from kiosk.central.api import create_app
from kiosk.central.campaign import create_campaign, issue_credential
from kiosk.central.console import overview
from kiosk.central.db import open_database
from kiosk.central.enrolment import enrol, issue_code
from kiosk.central.erasure import erase_by_id, plan_by_id
from kiosk.central.events import create_event, set_campaign_goal
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest
from kiosk.central.review import apply_marks, set_test_mode
from kiosk.central.rotation import first_keyset
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.enrolment_mac import REQUEST_CONTEXT, CodeKeys
from kiosk.petition.appeal import DEFAULT_APPEAL, Appeal, appeal_digest, parse_appeal
from kiosk.protocol.batch import GENESIS_HASH, Batch, BatchRecord
from kiosk.protocol.heartbeat import AppealInUse, Battery, Heartbeat

CHROMIUM = "/usr/bin/chromium"
SIZES = {"desktop": (1280, 900), "phone": (390, 844)}
LANGUAGES = {"en": "", "it": "-it"}
KIOSKS = (  # (name on the Kiosks page, event, signatures per hour, battery % and charging)
    ("Tablet 1, blue case", "Piazza Maggiore", (12, 30, 41, 25), (82, False)),
    ("Tablet 2", "Piazza Maggiore", (8, 22, 35), (14, False)),  # needs charging
    ("Tablet 3, market stall", "Market day", (15, 9, 18, 21, 6), (100, True)),
    ("Tablet 4", "Market day", (), (67, False)),  # enrolled, delivered nothing yet
)
DATA_TRANSFER = """files => {
  const dt = new DataTransfer();
  for (const f of files) {
    const bytes = Uint8Array.from(atob(f.data), c => c.charCodeAt(0));
    dt.items.add(new File([bytes], f.name));
  }
  return dt;
}"""


class Kiosk:
    """A fictional kiosk: its own key, enrolled, its batches signed in a chain."""

    def __init__(self, engine: Any, event: str, fingerprint: str, appeal: tuple[str, int]) -> None:
        self.device_id, self.key = str(uuid.uuid4()), DeviceKey.generate()
        self.fingerprint, self.appeal = fingerprint, appeal
        self.seq, self.record_seq, self.prev_hash = 0, 0, GENESIS_HASH
        self.record_ids: list[str] = []
        code = issue_code(engine, event, timedelta(hours=1)).code
        keys = CodeKeys.derive(code)
        request: dict[str, object] = {
            "code_id": keys.code_id,
            "device_id": self.device_id,
            "device_public_key": base64.b64encode(self.key.public_bytes).decode("ascii"),
            "nonce": secrets.token_hex(16),
        }
        enrol(engine, request, keys.mac(REQUEST_CONTEXT, request))

    def heartbeat(self, engine: Any, event: str, appeal: Appeal, battery: tuple[int, bool]) -> None:
        """Its status, as the kiosk sends it with every sync (kiosk.protocol.heartbeat)."""
        beat = Heartbeat(
            device_id=self.device_id,
            seq=self.seq + 1,
            clock=datetime.now(UTC).replace(microsecond=0),
            app_version=__version__,
            appeal=AppealInUse(appeal.id, appeal.version, appeal_digest(appeal)),
            event=event,
            pending_signatures=3,
            unacknowledged_batches=0,
            battery=Battery(*battery),
            disk_free_bytes=21 * 2**30,
        )
        take_heartbeat(engine, beat.sign(self.key).to_bytes(), device_id=self.device_id)

    def batch(self, hour: datetime, count: int, event: str) -> bytes:
        self.seq += 1
        records = []
        for _ in range(count):
            self.record_seq += 1
            sealed = secrets.token_bytes(1200)  # stands for a sealed record: never opened
            self.record_ids.append(str(uuid.uuid4()))
            records.append(
                BatchRecord(self.record_ids[-1], self.record_seq, hour, self.fingerprint, sealed)
            )
        signed = Batch(
            batch_id=str(uuid.uuid4()),
            device_id=self.device_id,
            seq=self.seq,
            prev_hash=self.prev_hash,
            appeal_id=self.appeal[0],
            appeal_version=self.appeal[1],
            created_at=hour,
            records=tuple(records),
            event=event,
        ).sign(self.key)
        self.prev_hash = signed.hash
        return signed.to_bytes()


def fill(engine: Any) -> Kiosk:
    """The campaign and its kiosks; returns one more, whose batch files the Import page gets."""
    key = CampaignPrivateKey.generate().public_key()
    appeal = files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")
    signing = DeviceKey.generate()  # as `kiosk central init` makes a campaign: with its keyset
    campaign = create_campaign(engine, key, appeal, coordinator_key=signing.public_bytes)
    first_keyset(engine, signing, key)
    on = (key.fingerprint, (campaign.appeal_id, campaign.appeal_version))
    now = datetime.now(UTC).replace(minute=0, second=0, microsecond=0)
    create_event(engine, "Piazza Maggiore", 400)
    create_event(engine, "Market day", 150)
    set_campaign_goal(engine, 1000)
    parsed = parse_appeal(appeal.encode("utf-8"), "the appeal")
    kiosks = []
    for label, event, per_hour, battery in KIOSKS:
        kiosk = Kiosk(engine, event, *on)
        overview.set_label(engine, kiosk.device_id, label)
        for i, count in enumerate(per_hour):
            ingest(engine, kiosk.batch(now - timedelta(hours=len(per_hour) - i), count, event))
        kiosk.heartbeat(engine, event, parsed, battery)
        kiosks.append(kiosk)
    # After the rally: a burst marked invalid, a trial kiosk in test mode, two erasures by id.
    first, _second, third, fourth = kiosks
    burst = [(third.device_id, r) for r in third.record_ids[:9]]
    apply_marks(engine, burst, "invalid", "same pen, same minute")
    apply_marks(engine, [(first.device_id, first.record_ids[0])], "test", "a volunteer's trial")
    set_test_mode(engine, "device", fourth.device_id, True)
    erase_by_id(engine, plan_by_id(engine, " ".join(first.record_ids[-2:])))
    return Kiosk(engine, "Market day", *on)


def stored_ids(engine: Any, count: int) -> list[str]:
    """DEVICE:ID of a few stored records, for the Erasure page's preview."""
    from sqlalchemy import select
    from sqlalchemy.orm import Session

    from kiosk.central.models import StoredRecord

    with Session(engine) as s:
        rows = s.execute(select(StoredRecord.device_id, StoredRecord.id).limit(count)).all()
    return [f"{d}:{r}" for d, r in rows]


def axe_problems(page: Any) -> list[str]:
    from axe_playwright_python.sync_playwright import Axe

    violations = Axe().run(page).response["violations"]
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]


def shoot(out: Path) -> int:
    from playwright.sync_api import expect, sync_playwright

    problems: dict[str, list[str]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        engine = open_database(f"sqlite+pysqlite:///{work / 'central.sqlite3'}")
        usb = fill(engine)
        erasable = stored_ids(engine, 2)
        hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) - timedelta(hours=1)
        credential = issue_credential(engine)
        with ServerThread(create_app(engine)) as server, sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            page = browser.new_context(base_url=server.url, locale="en-GB").new_page()
            page.set_default_timeout(15_000)

            def snap(name: str, size: str, suffix: str) -> None:
                page.screenshot(
                    path=str(out / f"console-{name}-{size}{suffix}.png"), full_page=True
                )
                problems[f"{name}-{size}{suffix}"] = axe_problems(page)

            for lang, suffix in LANGUAGES.items():
                page.goto(f"/console/language?to={lang}&back=/console/sign-in")
                for size, (width, height) in SIZES.items():
                    page.set_viewport_size({"width": width, "height": height})
                    page.goto("/console/sign-in")
                    snap("sign-in", size, suffix)
            page.goto("/console/language?to=en&back=/console/sign-in")
            page.locator("#credential").fill(credential)
            page.locator("form button[type=submit]").click()
            expect(page).to_have_url(server.url + "/console/now")
            for lang, suffix in LANGUAGES.items():
                page.goto(f"/console/language?to={lang}&back=/console/now")
                for size, (width, height) in SIZES.items():
                    page.set_viewport_size({"width": width, "height": height})
                    for name, path in (
                        ("now", "/console/now"),
                        ("now-event", "/console/now?span=all&show=event%3APiazza+Maggiore"),
                        ("kiosks", "/console/kiosks"),
                        ("events", "/console/events"),
                        ("audit", "/console/audit"),
                        ("review", "/console/review"),
                        ("erasure", "/console/erasure"),
                        ("keys", "/console/keys"),
                        ("test-mode", "/console/review/test-mode?kind=event&name=Market+day&on=1"),
                    ):
                        page.goto(path)
                        snap(name, size, suffix)
                    page.goto("/console/review")
                    page.locator("#mark").select_option("test")
                    page.locator("#reason").fill("staff trying the kiosk")
                    page.locator("#event").select_option("Market day")
                    page.locator("#hour").fill(f"{hour:%Y-%m-%dT%H}")
                    page.locator("#mark-form button[type=submit]").click()
                    expect(page.locator("#review-preview")).to_be_visible()
                    page.locator("#review-preview").scroll_into_view_if_needed()
                    snap("review-preview", size, suffix)
                    page.goto("/console/erasure")
                    page.locator("#erase-records").fill(" ".join(erasable))
                    page.locator("#erase-form button[type=submit]").click()
                    expect(page.locator("#erase-preview")).to_be_visible()
                    snap("erasure-preview", size, suffix)
                    page.goto("/console/enrol")
                    page.locator("#event").fill("Evening rally")
                    page.locator("#server_url").fill("https://192.168.1.20:8443")
                    page.locator("form.card button[type=submit]").first.click()
                    expect(page.locator("figure.qr")).to_be_visible()
                    snap("enrol", size, suffix)
                    page.goto("/console/import")
                    usb_file = work / f"{uuid.uuid4()}.kbatch"  # a new one for each picture
                    usb_file.write_bytes(usb.batch(hour, 14, "Market day"))
                    data = base64.b64encode(usb_file.read_bytes()).decode()
                    transfer = page.evaluate_handle(
                        DATA_TRANSFER, [{"name": usb_file.name, "data": data}]
                    )
                    page.locator("#drop").dispatch_event("drop", {"dataTransfer": transfer})
                    expect(page.locator("#import-results tbody tr").last).not_to_contain_text("…")
                    snap("import", size, suffix)
            browser.close()
        engine.dispose()
    failed = {name: found for name, found in problems.items() if found}
    for name, found in failed.items():
        print(f"{name}: {'; '.join(found)}", file=sys.stderr)
    print(f"{len(problems)} screenshots in {out}; axe-core: serious or critical in {len(failed)}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path, help="the directory the PNG files go to")
    args = parser.parse_args()
    if not os.path.exists(CHROMIUM):
        print(f"{CHROMIUM} is missing: apt-get install chromium", file=sys.stderr)
        return 1
    args.out.mkdir(parents=True, exist_ok=True)
    return shoot(args.out)


if __name__ == "__main__":
    sys.exit(main())
