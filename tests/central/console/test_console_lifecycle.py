"""The Review, Erasure and retention, and Keys pages over httpx, on SQLite and PostgreSQL: a
review mark previewed then applied (the counts move, the Now page's total too), undone; test
mode on and off, shown on the Kiosks and Events pages; an erasure by record id previewed,
refused without the campaign's name, then done through the core (a later upload of the record
is dropped); the keyset and what each kiosk seals to. Every change is audited without a reason
or a record id, and refused without a session or without the form's CSRF token."""

from __future__ import annotations

import re
from typing import Any

import httpx
import pytest
from console_client import Console, csrf_of, sign_in
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.campaign import get_campaign
from kiosk.central.deletion import deleted_counts
from kiosk.central.ingest import ingest
from kiosk.central.models import CampaignKey, StoredRecord, utcnow
from kiosk.central.review import apply_marks, marks_count
from kiosk.crypto.campaign_key import CampaignPrivateKey

POSTS = {  # each change's form (its fields within the form limits of that route)
    "/console/review/preview": ("mark", "reason", "device"),
    "/console/review/apply": ("mark", "reason", "device", "expected"),
    "/console/review/undo": ("mark", "reason"),
    "/console/review/test-mode": ("kind", "name", "on"),
    "/console/erasure/preview": ("records",),
    "/console/erasure/erase": ("records", "campaign"),
}
PAGES = ("/console/review", "/console/erasure", "/console/keys", "/console/review/test-mode")


def post(http: httpx.Client, path: str, **data: str) -> httpx.Response:
    csrf = csrf_of(http.get("/console/review").text)
    return http.post(path, data={"csrf": csrf, **data})


def stored(engine: Engine) -> int:
    with Session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(StoredRecord)) or 0)


def figure(page: str, id_: str) -> str:
    found = re.search(rf'id="{id_}">([^<]*)<', page)
    assert found, f"no #{id_} in the page"
    return found.group(1).strip()


def test_a_mark_is_previewed_then_applied_counted_and_undone(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk, other = enrolled("Piazza"), enrolled("Market")
    ingest(engine, kiosk.batch(3).to_bytes())
    ingest(engine, other.batch(2).to_bytes())
    assert signed_in.get("/console/api/now").json()["campaign"] == 5
    page = signed_in.get("/console/review").text
    assert figure(page, "count-invalid") == "0" and "No signature is marked yet." in page

    preview = post(
        signed_in,
        "/console/review/preview",
        mark="invalid",
        reason="same pen,  same minute",
        device=kiosk.device_id,
    )
    assert preview.status_code == 200
    assert "3 signatures would be marked invalid." in preview.text
    assert 'name="expected" value="3"' in preview.text
    assert marks_count(engine)["invalid"] == 0  # a preview writes nothing

    applied = post(
        signed_in,
        "/console/review/apply",
        mark="invalid",
        reason="same pen,  same minute",
        device=kiosk.device_id,
        expected="3",
    )
    assert applied.status_code == 303
    page = signed_in.get(applied.headers["location"]).text
    assert "Marked 3 signatures invalid." in page
    assert figure(page, "count-invalid") == "3"
    assert "same pen, same minute" in page  # the marks list, by reason
    assert signed_in.get("/console/api/now").json()["campaign"] == 2

    audit = signed_in.get("/console/audit").text
    assert f"invalid 3: device {kiosk.device_id}" in audit
    assert "same pen" not in audit  # the reason is the coordinator's words: not in the log

    # A reason is the coordinator's text: shown escaped, never as markup.
    post(
        signed_in, "/console/review/preview", mark="test", reason="<b>x</b>", device=other.device_id
    )
    listed = post(
        signed_in,
        "/console/review/apply",
        mark="test",
        reason="<script>alert(1)</script>",
        device=other.device_id,
        expected="2",
    )
    page = signed_in.get(listed.headers["location"]).text
    assert "<script>alert" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    post(signed_in, "/console/review/undo", mark="test", reason="<script>alert(1)</script>")

    undone = post(signed_in, "/console/review/undo", mark="invalid", reason="same pen, same minute")
    assert undone.status_code == 303
    page = signed_in.get(undone.headers["location"]).text
    assert "3 signatures are valid again." in page
    assert (figure(page, "count-invalid"), figure(page, "count-valid")) == ("0", "5")
    assert signed_in.get("/console/api/now").json()["campaign"] == 5
    assert "review-undo" in signed_in.get("/console/audit").text


def test_selections_by_event_hour_and_record_ids(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk, other = enrolled("Piazza"), enrolled("Market")
    records = [kiosk.record(email=f"p{i}@example.org") for i in range(3)]
    ingest(engine, kiosk.batch(records).to_bytes())  # collected 2026-03-01 09:00
    ingest(engine, other.batch(2).to_bytes())

    def previewed(**selection: str) -> str:
        answer = post(signed_in, "/console/review/preview", mark="test", reason="r", **selection)
        assert answer.status_code == 200, answer.text
        return figure(answer.text, "preview-count")

    assert previewed(event="Market") == "2 signatures would be marked test."
    # An event means where signatures were collected: the Piazza kiosk's batch collected at
    # "Night market" is chosen by that name (offered on the page), not by its enrolment's.
    ingest(engine, kiosk.batch(4, event="Night market").to_bytes())
    assert '<option value="Night market"' in signed_in.get("/console/review").text
    assert previewed(event="Night market") == "4 signatures would be marked test."
    assert previewed(event="Piazza").startswith("3 signatures")
    assert previewed(hour="2026-03-01T09").startswith("9 signatures")
    assert previewed(hour="2026-03-01 09:00", event="Piazza").startswith("3 signatures")
    assert previewed(hour="2026-03-01T10") == "0 signatures would be marked test."
    ids = f"{kiosk.device_id}:{records[0].signature_id}\n{records[1].signature_id}"
    assert previewed(records=ids) == "2 signatures would be marked test."
    # Apply to the previewed ids; a stale preview (the selection changed) is shown again.
    stale = post(
        signed_in,
        "/console/review/apply",
        mark="test",
        reason="a volunteer's trial",
        event="Piazza",
        expected="2",
    )
    assert stale.status_code == 409 and "holds 3 signatures now" in stale.text
    assert marks_count(engine)["test"] == 0
    done = post(
        signed_in, "/console/review/apply", mark="test", reason="trial", records=ids, expected="2"
    )
    assert done.status_code == 303 and "count=2" in done.headers["location"]
    assert marks_count(engine)["test"] == 2


@pytest.mark.parametrize(
    ("selection", "said"),
    [
        ({"device": "0000-nobody"}, "no device 0000-nobody is enrolled"),
        ({"event": "Nowhere"}, "no event is called 'Nowhere'"),
        ({"hour": "yesterday"}, "yesterday is not an hour: type it like 2026-12-03T14 (UTC)."),
        ({"hour": "2026-03-01T09:30"}, "is not an hour"),
        ({}, "Choose which signatures: a kiosk, an event, an hour or record ids."),
        ({"records": ":"}, "is not a record id"),
        ({"reason": "  "}, "an invalid or test mark needs a reason"),
        ({"reason": "x" * 201}, "a reason is at most 200 characters"),
        ({"mark": "maybe"}, "a mark is valid, invalid, test, not 'maybe'"),
    ],
)
def test_bad_review_input_is_refused_with_what_to_do(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    selection: dict[str, str],
    said: str,
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    form = {"mark": "invalid", "reason": "same pen", **selection}
    if selection and set(selection) <= {"reason", "mark"}:
        form["device"] = kiosk.device_id  # a valid selection, to check the mark and reason
    for path in ("/console/review/preview", "/console/review/apply"):
        answer = post(signed_in, path, **form, expected="2")
        assert answer.status_code == 422, (path, answer.text[:300])
        error = figure(answer.text, "review-error").replace("&#39;", "'")
        assert said in error, error
    assert marks_count(engine) == {"valid": 0, "invalid": 0, "test": 0}
    assert post(signed_in, "/console/review/undo", mark="test", reason="x").status_code == 422


def test_test_mode_is_confirmed_shown_on_kiosks_and_events_and_taken_out(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk, other = enrolled("Piazza"), enrolled("Market")
    ingest(engine, kiosk.batch(3).to_bytes())
    ingest(engine, other.batch(2).to_bytes())
    confirm = signed_in.get(
        "/console/review/test-mode", params={"kind": "device", "name": kiosk.device_id, "on": "1"}
    )
    assert confirm.status_code == 200 and "Yes, put it in test mode" in confirm.text
    assert "in test mode" not in signed_in.get("/console/kiosks").text
    on = post(signed_in, "/console/review/test-mode", kind="device", name=kiosk.device_id, on="1")
    assert on.status_code == 303
    assert "Test mode is on" in signed_in.get(on.headers["location"]).text
    kiosks = signed_in.get("/console/kiosks").text
    row = kiosks.split(f'data-device="{kiosk.device_id}"', 1)[1].split("</tr>", 1)[0]
    assert "in test mode" in row
    assert "in test mode" not in kiosks.split(f'data-device="{other.device_id}"', 1)[1][:3000]
    assert "in test mode" in signed_in.get("/console/api/kiosks").json()["html"]
    assert signed_in.get("/console/api/now").json()["campaign"] == 2

    post(signed_in, "/console/review/test-mode", kind="event", name="Market", on="1")
    events = signed_in.get("/console/events").text
    assert "in test mode" in events.split("Market", 1)[1].split("</th>", 1)[0]
    assert signed_in.get("/console/api/now").json()["campaign"] == 0
    for kind, name in (("device", kiosk.device_id), ("event", "Market")):
        off = post(signed_in, "/console/review/test-mode", kind=kind, name=name, on="0")
        assert off.status_code == 303 and off.headers["location"].endswith("msg=test-off")
    assert signed_in.get("/console/api/now").json()["campaign"] == 5
    review_page = signed_in.get("/console/review").text
    assert 'class="badge"' not in review_page.split('id="test-kiosks"', 1)[1]
    audit = signed_in.get("/console/audit").text
    assert "test-mode-on" in audit and "test-mode-off" in audit and "event Market" in audit

    unknown = {"kind": "device", "name": "0000-nobody", "on": "1"}
    assert signed_in.get("/console/review/test-mode", params=unknown).status_code == 404
    refused = post(signed_in, "/console/review/test-mode", **unknown)
    assert refused.status_code == 422 and "no device 0000-nobody is enrolled" in refused.text
    odd = post(signed_in, "/console/review/test-mode", kind="table", name="x", on="1")
    assert odd.status_code == 422


def test_erasure_by_id_is_previewed_confirmed_by_name_and_stays_erased(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk = enrolled("Piazza")
    records = [kiosk.record(email=f"p{i}@example.org") for i in range(3)]
    batch = kiosk.batch(records)
    ingest(engine, batch.to_bytes())
    page = signed_in.get("/console/erasure").text
    assert "21 months after its collection, or 1 month after" in page
    assert figure(page, "next-deletion") == "2027-12-01" and figure(page, "due-now") == "0"
    assert figure(page, "deleted-by-id") == "0"

    later = "9f1c2d3e-0000-4000-8000-000000000001"  # not stored (yet): kept out when it comes
    ids = f"{records[0].signature_id}, {kiosk.device_id}:{records[1].signature_id} "
    ids += f"{kiosk.device_id}:{later}"
    preview = post(signed_in, "/console/erasure/preview", records=ids)
    assert preview.status_code == 200
    assert figure(preview.text, "erase-count") == "2 stored signatures would be deleted."
    assert "not stored: its id is kept" in preview.text
    name = get_campaign(engine).appeal_id
    assert f"Type the campaign&#39;s name, {name}, to erase them" in preview.text
    assert stored(engine) == 3

    wrong = post(signed_in, "/console/erasure/erase", records=ids, campaign="not it")
    assert wrong.status_code == 422 and "nothing was erased" in wrong.text
    assert stored(engine) == 3
    done = post(signed_in, "/console/erasure/erase", records=ids, campaign=f" {name} ")
    assert done.status_code == 303
    page = signed_in.get(done.headers["location"]).text
    assert "Erased 2 signatures from the server." in page
    assert figure(page, "deleted-by-id") == "3" and figure(page, "deleted-erased") == "0"
    assert stored(engine) == 1
    # Not the CLI's "erased" (whose addresses are in the coordinator's ledger): no address here.
    assert deleted_counts(engine) == {"erased": 0, "erased-by-id": 3, "retention": 0}
    audit = signed_in.get("/console/audit").text
    assert "erase-by-id" in audit and "3 ids, 2 deleted" in audit
    assert records[0].signature_id not in audit
    # The same batch uploaded again, from a USB stick made before: the erased stay out.
    ingest(engine, batch.to_bytes())
    assert stored(engine) == 1
    again = post(signed_in, "/console/erasure/preview", records=ids)
    assert again.status_code == 422 and "no stored signature has id" in again.text


@pytest.mark.parametrize(
    ("records", "said"),
    [
        ("", "give at least one record id"),
        ("9f1c2d3e-0000-4000-8000-0000000000ff", "no stored signature has id"),
        ("0000-nobody:abc", "no device 0000-nobody is enrolled"),
        (" ".join(f"id{i}" for i in range(101)), "at most 100 record ids at once"),
    ],
)
def test_bad_erasure_input_is_refused_with_what_to_do(
    console: Console,
    engine: Engine,
    enrolled: Any,
    signed_in: httpx.Client,
    records: str,
    said: str,
) -> None:
    kiosk = enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    name = get_campaign(engine).appeal_id
    for path in ("/console/erasure/preview", "/console/erasure/erase"):
        answer = post(signed_in, path, records=records, campaign=name)
        assert answer.status_code == 422
        assert said in figure(answer.text, "erasure-error")
    assert stored(engine) == 2


def test_keys_page_counts_records_per_key_and_says_what_each_kiosk_seals_to(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    kiosk, newer, silent = enrolled("Piazza"), enrolled("Piazza"), enrolled("Market")
    ingest(engine, kiosk.batch(3).to_bytes())
    second = CampaignPrivateKey.generate().public_key()
    with Session(engine) as s, s.begin():  # a second key of the keyset (not the primary)
        now = utcnow()
        s.add(
            CampaignKey(
                id=2,
                fingerprint=second.fingerprint,
                public_key_pem="-",
                state="active",
                created_at=now,
                changed_at=now,
            )
        )
    newer.campaign_key = second
    ingest(engine, newer.batch(2).to_bytes())
    page = signed_in.get("/console/keys").text
    assert "made before keysets" in page
    rows = page.split('id="keys"', 1)[1].split("</table>", 1)[0].split("<tr>")[2:]
    assert (
        "key 1" in rows[0]
        and "primary" in rows[0]
        and rows[0]
        .rstrip()
        .endswith('<td class="num" data-label="Stored signatures sealed to it">3</td>\n  </tr>')
    )
    assert "key 2" in rows[1] and ">2</td>" in rows[1]
    sealing = page.split('id="sealing"', 1)[1].split("</table>", 1)[0]
    by_kiosk = {
        d: sealing.split(d, 1)[1].split("</tr>", 1)[0]
        for d in (kiosk.device_id, newer.device_id, silent.device_id)
    }
    assert "sealed to key 1, collected 2026-03-01 09:00 UTC" in by_kiosk[kiosk.device_id]
    assert "· the primary key" in by_kiosk[kiosk.device_id]
    assert "sealed to key 2" in by_kiosk[newer.device_id]
    assert "not the primary key yet" in by_kiosk[newer.device_id]
    assert "none yet: the server does not know" in by_kiosk[silent.device_id]
    assert "kiosk central key rotate" in page and "kiosk central key destroy KEYID" in page


@pytest.mark.parametrize("path", POSTS)
def test_changes_are_refused_without_the_forms_token_or_a_session(
    console: Console, engine: Engine, enrolled: Any, http: httpx.Client, path: str
) -> None:
    kiosk = enrolled("Piazza")
    batch = kiosk.batch(2)
    ingest(engine, batch.to_bytes())
    name = get_campaign(engine).appeal_id
    values = {
        "mark": "invalid",
        "reason": "r",
        "device": kiosk.device_id,
        "expected": "2",
        "kind": "device",
        "name": kiosk.device_id,
        "on": "1",
        "records": f"{kiosk.device_id}:x",
        "campaign": name,
    }
    form = {field: values[field] for field in POSTS[path]}
    if path == "/console/review/undo":  # something to undo
        apply_marks(engine, [(kiosk.device_id, r.id) for r in batch.batch.records], "invalid", "r")
    before = marks_count(engine)
    # Not signed in: refused, nothing changed.
    assert http.post(path, data={**form, "csrf": "anything"}).status_code == 403
    # Signed in, but the form's token is missing or another's.
    assert sign_in(http, console.credential).status_code == 303
    assert http.post(path, data=form).status_code == 403
    assert http.post(path, data={**form, "csrf": "forged"}).status_code == 403
    assert marks_count(engine) == before
    assert stored(engine) == 2 and deleted_counts(engine)["erased-by-id"] == 0
    assert 'class="badge"' not in http.get("/console/kiosks").text  # not in test mode


@pytest.mark.parametrize("path", POSTS)
def test_an_oversized_form_is_refused_before_anything_is_read(
    console: Console, signed_in: httpx.Client, path: str
) -> None:
    csrf = csrf_of(signed_in.get("/console/review").text)
    fields = {"csrf": csrf, **{f"field{i}": "x" for i in range(20)}}
    assert signed_in.post(path, data=fields).status_code == 400


@pytest.mark.parametrize("path", PAGES)
def test_pages_need_a_session(console: Console, http: httpx.Client, path: str) -> None:
    answer = http.get(path)
    assert answer.status_code == 303 and answer.headers["location"] == "/console/sign-in"


def test_pages_in_italian(
    console: Console, engine: Engine, enrolled: Any, signed_in: httpx.Client
) -> None:
    ingest(engine, enrolled("Piazza").batch(2).to_bytes())
    signed_in.cookies.set("kiosk_console_lang", "it", path="/console")
    assert "Segna le firme" in signed_in.get("/console/review").text
    assert "Cancellazione e conservazione" in signed_in.get("/console/erasure").text
    assert "Chiavi della campagna" in signed_in.get("/console/keys").text
    refused = post(signed_in, "/console/review/preview", mark="invalid", reason="r", hour="ieri")
    assert "ieri non è un&#39;ora" in refused.text
