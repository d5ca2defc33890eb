"""The coordinator's export: every signature once, the earliest of duplicates, safe CSV."""

from __future__ import annotations

import csv
import io
import json
import uuid
from dataclasses import astuple, replace
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Engine, update
from sqlalchemy.orm import Session

from kiosk.central.export import COLUMNS, _row, as_dict, export, neutralise, open_all
from kiosk.central.ingest import ingest
from kiosk.central.models import StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.petition.strokes import Drawing, Point


def test_export_round_trip_csv(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled("Town hall")
    first = kiosk.record(email="Grace@Example.org", first_name="Grace")
    later = kiosk.record(email=" grace@example.ORG ", first_name="Grace again")
    formula = kiosk.record(
        email="x@example.org", first_name="=HYPERLINK(1)", last_name="  +SUM(1)", comment="@SUM(A1)"
    )
    anonymous = [kiosk.record(email=""), kiosk.record(email="")]
    ingest(engine, kiosk.batch([later, formula]).to_bytes())
    ingest(engine, kiosk.batch([first, *anonymous]).to_bytes())
    out = io.StringIO(newline="")
    result = export(engine, campaign_private_key, "csv", out)
    assert (result.written, result.duplicates_removed, result.unreadable) == (4, 1, 0)
    text = out.getvalue()
    assert text.count("\r\n") == 5 and "\n" not in text.replace("\r\n", "")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert [r["signature_id"] for r in rows] == [
        first.signature_id,
        formula.signature_id,
        anonymous[0].signature_id,
        anonymous[1].signature_id,
    ]
    assert rows[0]["first_name"] == "Grace" and rows[0]["event"] == "Town hall"
    assert rows[0]["terms_accepted"] == "true" and rows[0]["updates_opt_in"] == "false"
    assert rows[0]["terms_sha256"] == first.terms_sha256
    assert rows[1]["first_name"] == "'=HYPERLINK(1)" and rows[1]["comment"] == "'@SUM(A1)"
    assert rows[1]["last_name"] == "'  +SUM(1)"  # after leading spaces too


def test_export_json(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled()
    record = kiosk.record(email="a@example.org", comment="=1+1")
    ingest(engine, kiosk.batch([record]).to_bytes())
    out = io.StringIO()
    export(engine, campaign_private_key, "json", out)
    doc = json.loads(out.getvalue())
    assert doc["duplicates_removed"] == 0
    [row] = doc["signatures"]
    assert row["comment"] == "=1+1"  # JSON is data, not a spreadsheet: kept as typed
    assert row["terms_accepted"] is True and row["appeal_version"] == record.appeal_version


def test_moved_or_foreign_records_are_counted_not_exported(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled()
    a, b = (
        kiosk.record(email="a@example.org"),
        kiosk.record(email="b@example.org"),
    )
    ingest(engine, kiosk.batch([a, b]).to_bytes())
    with Session(engine) as s, s.begin():  # swap the sealed blobs of a and b
        sealed = {r.id: r.sealed for r in s.query(StoredRecord)}
        for this, other in ((a, b), (b, a)):
            s.execute(
                update(StoredRecord)
                .where(StoredRecord.id == this.signature_id)
                .values(sealed=sealed[other.signature_id])
            )
    rows, result = open_all(engine, campaign_private_key)
    assert rows == [] and result.unreadable == 2
    assert open_all(engine, CampaignPrivateKey.generate())[1].unreadable == 2


def test_progress_is_reported(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    ingest(engine, enrolled().batch(3).to_bytes())
    seen: list[tuple[int, int]] = []
    open_all(engine, campaign_private_key, lambda done, total: seen.append((done, total)))
    assert seen == [(3, 3)]  # one report per chunk of records opened (CHUNK)


def test_later_duplicate_arriving_first_is_replaced_by_the_earlier(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    one, two = enrolled(), enrolled()
    early = one.record(email="same@example.org")
    two.clock = one.clock + timedelta(hours=1)
    late = two.record(email="SAME@example.org")
    ingest(engine, two.batch([late]).to_bytes())
    ingest(engine, one.batch([early]).to_bytes())
    rows, result = open_all(engine, campaign_private_key)
    assert [o.record.signature_id for o in rows] == [early.signature_id]
    assert result.duplicates_removed == 1


def test_signing_order_is_the_instant_whatever_the_offset(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    """Records a kiosk wrote with an offset other than UTC's, or none, or a millisecond apart,
    are exported in the order they were signed (the order key is the instant, not the text)."""
    kiosk = enrolled()
    base = kiosk.record()
    plus_two = timezone(timedelta(hours=2))
    times = {
        "third": datetime(2026, 12, 3, 11, 0, tzinfo=plus_two),  # 09:00 UTC
        "first": datetime(2026, 12, 3, 8, 59, 59, 998000, tzinfo=UTC),
        "second": datetime(2026, 12, 3, 8, 59, 59, 999000),  # naive: UTC, as kiosks wrote
        "fourth": datetime(2026, 12, 3, 9, 0, 0, 1000, tzinfo=UTC),
    }
    records = {
        name: replace(base, signature_id=str(uuid.uuid4()), signed_at=at)
        for name, at in times.items()
    }
    ingest(engine, kiosk.batch(list(records.values())).to_bytes())
    rows, _ = open_all(engine, campaign_private_key)
    by_id = {r.signature_id: name for name, r in records.items()}
    assert [by_id[o.record.signature_id] for o in rows] == ["first", "second", "third", "fourth"]


def test_the_csv_row_is_the_json_document_as_text(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled()
    drawn = replace(
        kiosk.record(email="a@example.org", country="IT", postcode="00100"),
        drawing=Drawing(((Point(0.1, 0.5, 0), Point(0.2, 0.6, 20)),)),
        updates_opt_in=True,
    )
    ingest(engine, kiosk.batch([drawn, kiosk.record(comment="hi")]).to_bytes())
    for opened in open_all(engine, campaign_private_key)[0]:
        doc = as_dict(opened)
        doc["drawn_signature"] = "yes" if doc["drawn_signature"] else "no"
        expected = ["" if doc[c] is None else str(doc[c]) for c in COLUMNS]
        expected = [v.lower() if v in ("True", "False") else v for v in expected]
        assert _row(opened) == expected


def test_neutralise() -> None:
    for risky in ("=1", "+1", "-1", "@x", "\tx", "\rx"):
        assert neutralise(risky) == "'" + risky
    assert neutralise("Ada") == "Ada" and neutralise(None) == "" and neutralise(True) == "true"
    assert neutralise("a=b") == "a=b" and neutralise("") == "" and neutralise("   ") == "   "
    assert neutralise("  =1") == "'  =1" and neutralise(" a") == " a" and neutralise(3) == "3"


def test_export_carries_drawn_signatures(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled()
    drawing = Drawing(
        ((Point(0.1, 0.5, 0), Point(0.25, 0.4, 16, 0.75)), (Point(0.6, 0.6, 300),)), aspect=3.5
    )
    drawn = replace(kiosk.record(email="a@example.org"), drawing=drawing)
    plain = kiosk.record(email="b@example.org")
    ingest(engine, kiosk.batch([drawn, plain]).to_bytes())

    out = io.StringIO()
    export(engine, campaign_private_key, "json", out)
    first, second = json.loads(out.getvalue())["signatures"]
    assert first["drawn_signature"] == {
        "strokes": [[[0.1, 0.5, 0], [0.25, 0.4, 16, 0.75]], [[0.6, 0.6, 300]]],
        "aspect": 3.5,
    }
    assert second["drawn_signature"] is None

    out = io.StringIO(newline="")
    export(engine, campaign_private_key, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    assert [r["drawn_signature"] for r in rows] == ["yes", "no"]
    assert "0.25" not in out.getvalue()  # the strokes themselves stay out of the CSV


def test_the_country_is_exported_as_its_code_and_english_name(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    kiosk = enrolled()
    coded = kiosk.record(email="a@example.org", country="DE")
    older = kiosk.record(email="b@example.org", country="Germany")  # kept before codes
    none = kiosk.record(email="c@example.org")  # not asked, or "prefer not to say"
    ingest(engine, kiosk.batch([coded, older, none]).to_bytes())
    out = io.StringIO(newline="")
    export(engine, campaign_private_key, "csv", out)
    rows = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    header = list(rows[0])
    assert header[header.index("country") + 1] == "country_name"
    assert [(r["country"], r["country_name"]) for r in rows] == [
        ("DE", "Germany"),
        ("Germany", ""),
        ("", ""),
    ]
    out = io.StringIO()
    export(engine, campaign_private_key, "json", out)
    first = json.loads(out.getvalue())["signatures"][0]
    assert (first["country"], first["country_name"]) == ("DE", "Germany")


def test_worker_processes_open_the_same_rows_as_one(
    engine: Engine,
    enrolled: Any,
    campaign_private_key: CampaignPrivateKey,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from kiosk.central import export as export_module

    monkeypatch.setattr(export_module, "CHUNK", 3)  # several chunks per share, even here
    one, two = enrolled("Town hall"), enrolled("Market square")
    records = [one.record(email=f"p{i % 9}@example.org") for i in range(14)]
    records += [two.record(email=f"p{i}@example.org") for i in range(5)] + [two.record()]
    ingest(engine, one.batch(records[:14]).to_bytes())
    ingest(engine, two.batch(records[14:]).to_bytes())
    with Session(engine) as s, s.begin():  # one record that no longer opens
        s.execute(
            update(StoredRecord)
            .where(StoredRecord.id == records[3].signature_id)
            .values(sealed=b"\x00" * 100)
        )
    seen: list[tuple[int, int]] = []
    alone = open_all(engine, campaign_private_key)
    shared = open_all(
        engine, campaign_private_key, lambda done, total: seen.append((done, total)), workers=2
    )
    assert shared == alone
    result = alone[1]
    assert (result.written, result.duplicates_removed, result.unreadable) == (10, 9, 1)
    (unopened,) = (astuple(u, tuple_factory=tuple) for u in result.unopened)
    assert (unopened[1], unopened[4]) == (records[3].signature_id, "does not open")
    assert seen[-1] == (20, 20) and len(seen) > 2


def test_every_cell_read_from_a_seal_is_defused_in_csv(
    engine: Engine, enrolled: Any, campaign_private_key: CampaignPrivateKey
) -> None:
    """A forged record (anyone with the public key can seal one) puts a formula in every
    text it carries; only the server-checked ids and the export's own words go unchecked."""
    kiosk = enrolled()
    forged = replace(
        kiosk.record(email="=cmd@example.org", first_name="=A", last_name="+B", comment="@C"),
        language="=lang",
        terms_sha256="=terms",
        privacy_notice_sha256="-notice",
        updates_sha256="+updates",
    )
    ingest(engine, kiosk.batch([forged]).to_bytes())
    out = io.StringIO(newline="")
    export(engine, campaign_private_key, "csv", out)
    [row] = list(csv.DictReader(io.StringIO(out.getvalue(), newline="")))
    for column in (
        "email",
        "first_name",
        "last_name",
        "comment",
        "language",
        "terms_sha256",
        "privacy_notice_sha256",
        "updates_sha256",
    ):
        assert row[column].startswith("'"), column
