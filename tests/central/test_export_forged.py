"""What a malicious kiosk can seal (anyone with the campaign's public key can seal a record)
does not crash the coordinator's export in any format: a record of the wrong types is listed
as one that does not open, and the honest ones are written. And the CSV line, made by hand
for speed, is byte for byte what csv.writer writes after the formula check."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Engine

from kiosk.central.export import _CHECKED, COLUMNS, Opened, _defused, _row, csv_line
from kiosk.central.ingest import ingest
from kiosk.petition.appeal import FIELD_NAMES
from kiosk.petition.record import SignatureRecord


@pytest.mark.parametrize("fmt", ["csv", "json", "xlsx", "osdi", "mailchimp"])
def test_a_record_of_the_wrong_types_is_left_out_and_named_not_a_crash(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any, fmt: str
) -> None:
    kiosk = enrolled()
    honest = replace(kiosk.record(email="ada@example.org", first_name="Ada"), updates_opt_in=True)
    forged = [
        replace(kiosk.record(), fields={"first_name": 5, "email": "x@example.org"}),  # type: ignore[dict-item]
        replace(kiosk.record(email="y@example.org"), terms_accepted="yes"),  # type: ignore[arg-type]
        replace(kiosk.record(email="z@example.org"), appeal_version="=2"),  # type: ignore[arg-type]
    ]
    ingest(engine, kiosk.batch([forged[0], honest, *forged[1:]]).to_bytes())
    out = tmp_path / f"signatures.{fmt}"
    assert central("export", "--format", fmt, "--out", out) == 0
    err = capsys.readouterr().err
    assert "3 records did not open and were left out" in err, err
    for record in forged:
        assert record.signature_id in err  # named, by id only
    assert "@example.org" not in err and "Ada" not in err
    written = _text_of(out, fmt)
    assert "ada@example.org" in written
    for address in ("x@example.org", "y@example.org", "z@example.org"):
        assert address not in written


def _text_of(path: Path, fmt: str) -> str:
    if fmt != "xlsx":
        return path.read_text("utf-8")
    from openpyxl import load_workbook

    sheet = load_workbook(path).active
    assert sheet is not None
    return "\n".join(str(cell.value) for row in sheet.iter_rows() for cell in row)


def _record(fields: dict[str, str], **changes: Any) -> SignatureRecord:
    record = SignatureRecord(
        signature_id="0b7e8a52-1f0c-4d52-9a44-6a1f1a3c2d10",
        device_id="6c1d2e3f-0000-4000-8000-00000000d001",
        appeal_id="un-chechnya-purge",
        appeal_version=3,
        language="en",
        signed_at=datetime(2026, 11, 23, 14, 37, 12, 345000, tzinfo=UTC),
        fields=fields,
        terms_accepted=True,
        terms_sha256="a" * 64,
        privacy_notice_sha256="b" * 64,
        updates_opt_in=False,
        updates_sha256=None,
    )
    return replace(record, **changes)


texts = st.text(
    st.characters(codec="utf-8", categories=["L", "N", "P", "S", "Z", "Cc"]), max_size=12
)


@settings(max_examples=300, deadline=None)
@given(
    fields=st.fixed_dictionaries({name: texts for name in FIELD_NAMES}),
    event=texts,
    language=texts,
    review=st.sampled_from(["", "valid", "invalid", "test"]),
)
def test_the_csv_line_is_what_csv_writer_writes(
    fields: dict[str, str], event: str, language: str, review: str
) -> None:
    record = _record(fields, language=language)
    opened = Opened(record, event, "00000000-0000-4000-8000-000000000001", review)
    row = _row(opened)
    for i in _CHECKED:
        row[i] = _defused(row[i])
    expected = io.StringIO(newline="")
    csv.writer(expected, dialect="excel", lineterminator="\r\n").writerow(row)
    assert csv_line(opened) == expected.getvalue()
    [read] = list(csv.reader(io.StringIO(csv_line(opened), newline="")))
    assert len(read) == len(COLUMNS)


def test_the_lines_that_take_the_careful_path() -> None:
    for value, cell in [
        ("a,b", '"a,b"'),
        ('say "no"', '"say ""no"""'),
        ("two\nlines", '"two\nlines"'),
        (" =1+1", "' =1+1"),
        ("\t-1", "'\t-1"),
        ("-1", "'-1"),
        ("=A1,", '"\'=A1,"'),
    ]:
        record = _record({"first_name": value})
        line = csv_line(Opened(record, "Rally", "b"))
        assert f",{cell}," in line, (value, line)
