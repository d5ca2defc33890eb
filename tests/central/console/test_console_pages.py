"""Every console page with a database holding sealed signatures: each answers, and none shows a
field of a sealed record or a time finer than the hour. Also `kiosk central user add`, rename,
revoke with confirmation, cancel a code, import, and the Now page's JSON."""

from __future__ import annotations

import html
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from console_client import Console, csrf_of
from sqlalchemy import Engine, select, update
from sqlalchemy.orm import Session

from kiosk.central.console.accounts import check_credential
from kiosk.central.enrolment import issue_code
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest
from kiosk.central.models import Campaign, StoredBatch, StoredRecord
from kiosk.central.rotation import first_keyset
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.enrolment_link import parse_link

TIME = re.compile(r"\b(\d{1,2}):(\d{2})(:\d{2})?\b")
ISO = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")


def fill(engine: Engine, enrolled: Any) -> tuple[Any, Any]:
    """Two kiosks with sealed signatures, one with a gap in its chain."""
    first, second = enrolled("Piazza Maggiore"), enrolled("Town hall")
    for kiosk, seqs in ((first, (1, 2)), (second, (1, 3))):
        for seq in seqs:
            ingest(engine, kiosk.batch(3, seq=seq).to_bytes())
        # Its heartbeat too: the Kiosks page shows its status, to the minute at most.
        take_heartbeat(engine, kiosk.heartbeat().to_bytes(), device_id=kiosk.device_id)
    return first, second


def all_pages(http: httpx.Client, engine: Engine, device_id: str) -> list[str]:
    with Session(engine) as s:
        code_id = s.scalar(select(StoredBatch.id).limit(1))
    assert code_id
    issue_code(engine, "Open code", timedelta(hours=5))
    csrf = csrf_of(http.get("/console/enrol").text)
    created = http.post(
        "/console/enrol",
        data={"csrf": csrf, "event": "Rally", "server_url": "https://h:8443", "hours": "3"},
    )
    assert created.status_code == 200
    pages = [
        http.get(p).text
        for p in (
            "/console/now",
            "/console/now?span=7d",
            "/console/now?span=all",
            "/console/kiosks",
            "/console/events",
            "/console/now?span=all&show=event:Town+hall",
            f"/console/now?show=kiosk:{device_id}",
            f"/console/kiosks/{device_id}/revoke",
            "/console/enrol",
            "/console/import",
            "/console/audit",
            "/console/review",
            "/console/erasure",
            "/console/keys",
            "/console/api/now",
            "/console/api/now?span=all",
            "/console/api/kiosks",
        )
    ]
    with http.stream("GET", "/console/api/now/stream") as stream:  # its first event
        first = next(line for line in stream.iter_lines() if line.startswith("data: "))
    return [*pages, created.text, first]


def test_no_page_shows_a_record_field_or_a_time_finer_than_the_hour(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    first, _second = fill(engine, enrolled)
    with Session(engine) as s:
        records = s.scalars(select(StoredRecord)).all()
        secrets_ = {r.id for r in records} | {r.sealed.hex()[:24] for r in records}
        batches = {b for b in s.scalars(select(StoredBatch.id))}
    assert len(records) == 12
    pages = all_pages(signed_in, engine, first.device_id)
    for text in pages:
        for value in (*secrets_, *batches, "Lovelace", "Ada", "person0@example.org"):
            assert value not in text
        assert not ISO.search(text), ISO.search(text)
        for hour, minute, seconds in TIME.findall(text):
            assert minute == "00" and not seconds, f"{hour}:{minute}{seconds}"


def test_kiosks_page_puts_kiosks_needing_attention_first(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    first, second = fill(engine, enrolled)
    silent = enrolled("Market")  # enrolled, delivered nothing
    page = signed_in.get("/console/kiosks").text
    attention, _, calm = page.partition("All kiosks")
    assert "Need attention" in attention
    assert second.device_id in attention and "gap in batch 2" in attention
    assert silent.device_id in attention and "delivered nothing since enrolment" in attention
    assert first.device_id in calm


def test_rename_and_revoke_with_confirmation(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    page = signed_in.get("/console/kiosks").text
    csrf = csrf_of(page)
    response = signed_in.post(
        f"/console/kiosks/{kiosk.device_id}/label", data={"csrf": csrf, "label": "Tablet 3"}
    )
    assert response.headers["location"] == "/console/kiosks?msg=renamed"
    assert "Tablet 3" in signed_in.get("/console/kiosks").text
    confirm = signed_in.get(f"/console/kiosks/{kiosk.device_id}/revoke").text
    assert kiosk.device_id in confirm and "Piazza" in confirm
    response = signed_in.post(f"/console/kiosks/{kiosk.device_id}/revoke", data={"csrf": csrf})
    assert response.headers["location"] == "/console/kiosks?msg=revoked"
    page = signed_in.get(response.headers["location"]).text
    assert "Kiosk revoked." in page and ">revoked" in page.replace("\n", "")
    audit = signed_in.get("/console/audit").text
    assert "rename" in audit and "revoke" in audit and kiosk.device_id in audit


def test_unused_code_is_listed_and_cancelled(
    console: Console, engine: Engine, signed_in: httpx.Client
) -> None:
    issue_code(engine, "Evening rally", timedelta(hours=5))
    page = signed_in.get("/console/enrol").text
    assert "Evening rally" in page and "in 4 h" in page
    action = re.search(r'action="(/console/enrol/\d+/cancel)"', page)
    assert action
    response = signed_in.post(action.group(1), data={"csrf": csrf_of(page)})
    assert response.headers["location"] == "/console/enrol?msg=cancelled"
    page = signed_in.get("/console/enrol").text
    assert "Evening rally" not in page and "No unused codes." in page
    assert signed_in.post(action.group(1), data={"csrf": csrf_of(page)}).status_code == 404


def test_import_gives_a_result_per_file(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    batch = kiosk.batch(4).to_bytes()
    csrf = csrf_of(signed_in.get("/console/import").text)
    files = [
        ("files", ("batch-1.kbatch", batch)),
        ("files", ("again.kbatch", batch)),
        ("files", ("junk.kbatch", b"not a batch")),
    ]
    page = signed_in.post("/console/import", data={"csrf": csrf}, files=files).text
    assert "imported: 4 signatures" in page
    assert "already stored" in page
    assert re.search(r"junk\.kbatch</td><td>not imported: [^<]+", page)
    assert signed_in.get("/console/api/now").json()["campaign"] == 4


def test_now_json_is_in_the_openapi_document(console: Console) -> None:
    doc = httpx.get(console.url + "/openapi.json").json()
    assert "/console/api/now" in doc["paths"] and "/console/api/kiosks" in doc["paths"]
    assert not [p for p in doc["paths"] if p.startswith("/console/") and "api" not in p]


def test_user_add_prints_a_credential_that_signs_in(
    tmp_path: Path,
    database_url: str,
    capsys: pytest.CaptureFixture[str],
    engine: Engine,
    campaign: object,  # `user add`, as every command but init, needs a campaign
) -> None:
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "user", "add", "Maria", *args]) == 0
    out = capsys.readouterr().out
    credential = re.search(r"ka_\S+", out)
    assert credential and "'maria'" in out
    assert check_credential(engine, credential.group(0)) == "maria"
    assert main(["central", "user", "add", "maria", *args]) != 0
    err = capsys.readouterr().err
    assert "already an account named 'maria'" in err and "user reissue maria" in err
    # list, reissue (the old credential stops working), remove
    assert main(["central", "user", "list", *args]) == 0
    assert re.search(r"^maria\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+0$", capsys.readouterr().out, re.M)
    assert main(["central", "user", "reissue", "maria", *args]) == 0
    out = capsys.readouterr().out
    new = re.search(r"ka_\S+", out)
    assert new and "old credential no longer signs in" in out
    assert check_credential(engine, credential.group(0)) is None
    assert check_credential(engine, new.group(0)) == "maria"
    assert main(["central", "user", "remove", "maria", *args]) == 0
    assert "'maria' removed" in capsys.readouterr().out
    assert check_credential(engine, new.group(0)) is None
    assert main(["central", "user", "list", *args]) == 0
    assert "No named console account yet" in capsys.readouterr().out
    assert main(["central", "user", "remove", "maria", *args]) == 2
    assert "no console account named 'maria'" in capsys.readouterr().err
    assert main(["central", "user", "reissue", *args]) == 2
    assert "needs the account's NAME" in capsys.readouterr().err


def test_language_follows_the_browser_and_the_switcher(console: Console) -> None:
    with httpx.Client(base_url=console.url, headers={"Accept-Language": "it-IT,it;q=0.9"}) as http:
        assert "Accedi" in http.get("/console/sign-in").text
        switched = http.get("/console/language?to=en&back=/console/sign-in")
        assert switched.headers["location"] == "/console/sign-in"
        assert ">Sign in<" in http.get("/console/sign-in").text
        assert http.get("/console/language?to=it&back=//evil.example").headers["location"] == (
            "/console"
        )


def test_the_enrol_pages_link_names_the_coordinator_key_and_the_keyset_version(
    console: Console,
    engine: Engine,
    signed_in: httpx.Client,
    campaign_public_key: CampaignPublicKey,
) -> None:
    """A campaign `init` made: the link the Enrol page makes names keyset version 1, below
    which a new kiosk refuses a keyset (kiosk.sync.enrol); after a rotation it would name 2."""
    signing = DeviceKey.generate()
    with Session(engine) as s, s.begin():
        s.execute(update(Campaign).values(coordinator_key=signing.public_bytes))
    first_keyset(engine, signing, campaign_public_key)
    csrf = csrf_of(signed_in.get("/console/enrol").text)
    page = signed_in.post(
        "/console/enrol",
        data={"csrf": csrf, "event": "Rally", "server_url": "https://h:8443", "hours": "3"},
    ).text
    found = re.search(r"kiosk-enrol:[^\"<\s]+", page)
    assert found is not None
    link = parse_link(html.unescape(found.group(0)))
    assert link.keyset == 1
    assert link.coordinator == coordinator_fingerprint(signing.public_bytes)
