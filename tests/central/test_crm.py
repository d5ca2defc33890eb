"""CRM files (OSDI / Action Network, Mailchimp), drawn signatures as files, and the consent
proof in every format, through `kiosk central export` as a coordinator runs it."""

from __future__ import annotations

import csv
import io
import json
import os
import xml.etree.ElementTree as ET
from dataclasses import replace
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PIL import Image
from sqlalchemy import Engine

from kiosk.central.ingest import ingest
from kiosk.petition.record import SignatureRecord
from kiosk.petition.strokes import Drawing, Point

# The OSDI fields a Record Signature Helper POST may carry (osdi-docs: record_signature.md,
# global_fields_helper.md, helper_action_functions.md) and those of its inlined Person
# (people.md: attributes, email address, postal address; Action Network adds custom_fields and
# the e-mail address's subscription status). Anything else would be a field OSDI lacks.
OSDI_SIGNATURE_FIELDS = {
    "identifiers": list,
    "origin_system": str,
    "action_date": str,
    "comments": str,
    "referrer_data": dict,
    "person": dict,
    "add_tags": list,
    "add_lists": list,
    "triggers": dict,
}
OSDI_REFERRER_FIELDS = {"source", "referrer", "website", "url"}
OSDI_PERSON_FIELDS = {
    "identifiers",
    "family_name",
    "given_name",
    "additional_name",
    "email_addresses",
    "postal_addresses",
    "phone_numbers",
    "languages_spoken",
    "custom_fields",
    "gender",
    "origin_system",
}
OSDI_EMAIL_FIELDS = {"address", "primary", "address_type", "status"}
OSDI_POSTAL_FIELDS = {
    "primary",
    "address_type",
    "address_lines",
    "locality",
    "region",
    "postal_code",
    "country",
    "status",
}
CURVE = (Point(0.1, 0.5, 0), Point(0.3, 0.2, 40), Point(0.5, 0.7, 90))
AN_EMAIL_STATUSES = {"subscribed", "unsubscribed", "bouncing", "spam complaint"}


def _signers(engine: Engine, enrolled: Any) -> list[SignatureRecord]:
    kiosk = enrolled("Town hall")
    opted = replace(
        kiosk.record(
            first_name="Grace",
            last_name="Hopper",
            email="grace@example.org",
            postcode="00100",
            country="IT",
            comment="=1+1",
        ),
        updates_opt_in=True,
    )
    not_opted = kiosk.record(first_name="Alan", email="alan@example.org", country="GB")
    opted_no_email = replace(kiosk.record(first_name="Kay", email=""), updates_opt_in=True)
    drawn = replace(
        kiosk.record(first_name="محمد", email="m@example.org", country="EG"),
        updates_opt_in=True,
        language="it",
        drawing=Drawing(
            (
                (Point(0.1, 0.5, 0), Point(0.3, 0.2, 40), Point(0.5, 0.7, 90)),
                (Point(0.8, 0.5, 300),),
            ),
            aspect=3.2,
        ),
    )
    records = [opted, not_opted, opted_no_email, drawn]
    ingest(engine, kiosk.batch(records).to_bytes())
    return records


def test_osdi_signatures_have_only_osdi_fields_tags_source_and_consent(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    records = _signers(engine, enrolled)
    out = tmp_path / "signatures.osdi.json"
    assert central("export", "--format", "osdi", "--out", out) == 0
    assert "exported 4 signatures" in capsys.readouterr().err
    docs = json.loads(out.read_text("utf-8"))
    assert len(docs) == 4
    for doc, record in zip(docs, records, strict=True):
        for name, value in doc.items():
            assert isinstance(value, OSDI_SIGNATURE_FIELDS[name]), name
        assert set(doc["referrer_data"]) <= OSDI_REFERRER_FIELDS
        assert doc["referrer_data"]["source"] == f"Town hall/{record.device_id}"
        person = doc["person"]
        assert set(person) <= OSDI_PERSON_FIELDS
        for email in person.get("email_addresses", []):
            assert set(email) <= OSDI_EMAIL_FIELDS and email["status"] in AN_EMAIL_STATUSES
        for address in person.get("postal_addresses", []):
            assert set(address) <= OSDI_POSTAL_FIELDS
        for identifier in doc["identifiers"]:  # "<issuer>:<id>", printable ASCII, no space
            issuer, _, local = identifier.partition(":")
            assert issuer == "kiosk" and local and identifier.isascii() and " " not in identifier
        assert doc["action_date"].endswith("Z")
        opt = "opt-in: yes" if record.updates_opt_in else "opt-in: no"
        assert doc["add_tags"] == ["event: Town hall", opt]
        proof = person["custom_fields"]
        assert proof["consent_terms_sha256"] == record.terms_sha256
        assert proof["consent_appeal_version"] == record.appeal_version
        assert proof["consent_signed_at"] == doc["action_date"]
    grace, alan, kay, _ = docs
    assert grace["person"]["email_addresses"] == [
        {"address": "grace@example.org", "primary": True, "status": "subscribed"}
    ]
    assert grace["person"]["postal_addresses"] == [
        {"primary": True, "postal_code": "00100", "country": "IT"}
    ]
    assert grace["comments"] == "=1+1"  # JSON is data: kept as typed
    # Who did not opt in is sent unsubscribed: importing the file mails nobody who did not ask.
    assert alan["person"]["email_addresses"][0]["status"] == "unsubscribed"
    assert "email_addresses" not in kay["person"]


def read_mailchimp(text: str) -> list[dict[str, str]]:
    """An audience CSV read as Mailchimp's import documents it ("Format guidelines for your
    import file"): UTF-8; a column for the e-mail address, exactly one address per row, no
    spaces in it and international characters only after the @; text fields of at most 255
    bytes."""
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    for row in rows:
        email = row["Email Address"]
        local, at, _ = email.partition("@")
        assert at and local.isascii() and " " not in email and "," not in email
        for column, value in row.items():
            assert len(value.encode("utf-8")) <= 255, column
    return rows


def test_mailchimp_holds_only_who_opted_in_and_says_who_was_left_out(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    records = _signers(engine, enrolled)
    out = tmp_path / "audience.csv"
    assert central("export", "--format", "mailchimp", "--out", out) == 0
    err = capsys.readouterr().err
    assert "exported 2 signatures" in err
    assert (
        "a mailing list holds only signers who opted in to updates: left out 1 signer who did "
        "not opt in and 1 signer who opted in without an e-mail address" in err
    )
    rows = read_mailchimp(out.read_text("utf-8-sig"))
    assert [r["Email Address"] for r in rows] == ["grace@example.org", "m@example.org"]
    grace, drawn = rows
    assert (grace["First Name"], grace["Last Name"], grace["Postal Code"]) == (
        "Grace",
        "Hopper",
        "00100",
    )
    assert (grace["Language"], drawn["Language"]) == ("en", "it")
    assert grace["Tags"] == "Town hall"
    assert grace["OPTIN_TIME"] == records[0].signed_at.strftime("%Y-%m-%d %H:%M:%S")
    assert grace["Consent Terms SHA-256"] == records[0].terms_sha256
    assert grace["Opt-in Text SHA-256"] == records[0].updates_sha256
    assert grace["Appeal Version"] == f"{records[0].appeal_id} v{records[0].appeal_version}"


def test_the_consent_proof_travels_in_csv_json_and_xlsx(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path
) -> None:
    records = _signers(engine, enrolled)
    for fmt in ("csv", "json", "xlsx"):
        assert central("export", "--format", fmt, "--out", tmp_path / f"s.{fmt}") == 0
    with (tmp_path / "s.csv").open(encoding="utf-8-sig", newline="") as f:
        from_csv = list(csv.DictReader(f))
    from_json = json.loads((tmp_path / "s.json").read_text("utf-8"))["signatures"]
    sheet = load_workbook(tmp_path / "s.xlsx").active
    assert sheet is not None
    table = [[c.value for c in row] for row in sheet.iter_rows()]
    from_xlsx = [dict(zip(table[0], row, strict=True)) for row in table[1:]]
    for rows in (from_csv, from_json, from_xlsx):
        for row, record in zip(rows, records, strict=True):
            assert row["terms_sha256"] == record.terms_sha256
            assert row["privacy_notice_sha256"] == record.privacy_notice_sha256
            assert str(row["appeal_version"]) == str(record.appeal_version)
            assert row["appeal_id"] == record.appeal_id
            assert row["signed_at"] == record.signed_at.isoformat()  # to the record's precision


def test_drawn_signatures_are_written_as_svg_and_png_named_by_record_id(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    records = _signers(engine, enrolled)
    drawn = records[3]
    folder = tmp_path / "signatures"
    out = tmp_path / "s.csv"
    assert central("export", "--out", out, "--signatures", folder) == 0
    assert f"wrote 1 drawn signature as SVG and PNG to {folder}" in capsys.readouterr().err
    assert sorted(p.name for p in folder.iterdir()) == [
        f"{drawn.signature_id}.png",
        f"{drawn.signature_id}.svg",
    ]
    assert os.stat(folder).st_mode & 0o077 == 0
    for file in folder.iterdir():
        assert os.stat(file).st_mode & 0o077 == 0

    svg = ET.parse(folder / f"{drawn.signature_id}.svg").getroot()  # well-formed XML
    ns = "{http://www.w3.org/2000/svg}"
    assert svg.tag == f"{ns}svg" and svg.get("viewBox") == "0 0 640.00 200.00"
    paths = svg.findall(f".//{ns}path")
    assert len(paths) == 3  # two curve segments of the first stroke, a dot for the second
    assert all(p.get("d", "").startswith("M") and " C" not in p.get("d", "") for p in paths)

    with Image.open(folder / f"{drawn.signature_id}.png") as image:
        assert image.format == "PNG" and image.size == (640, 200)
        grey = image.convert("L")
        inked = sum(1 for v in grey.tobytes() if v < 128)
        assert 200 < inked < 640 * 200 // 10  # ink, but mostly paper
        assert grey.getpixel((0, 0)) == 255
        assert grey.getpixel((round(0.8 * 640), 100)) < 128  # the dot of the second stroke
