"""Review and test mode: marks by record, device, event, hour, domain and household, counted
before they are applied; invalid and test signatures left out of the export unless asked; a
kiosk or event in test mode never counts. Heuristics with a count per rule. SQLite and
PostgreSQL (CI=true)."""

from __future__ import annotations

import csv
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_output import succeeded
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.console.counts import totals
from kiosk.central.ingest import ingest
from kiosk.central.models import RecordMark
from kiosk.central.status import campaign_summary, device_status


def _export(central: Any, tmp_path: Path, capsys: Any, *extra: str) -> tuple[dict[str, str], str]:
    """{signature id: review column} of an export, and what it said on stderr."""
    out = tmp_path / "export.csv"
    note = succeeded(central, capsys, "export", "--out", out, *extra).err
    with out.open(encoding="utf-8-sig", newline="") as f:
        return {r["signature_id"]: r["review"] for r in csv.DictReader(f)}, note


def _review(central: Any, capsys: Any, *argv: str) -> str:
    return succeeded(central, capsys, "review", *argv).out


def test_a_kiosk_in_test_mode_never_counts(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    real, trial = enrolled("Piazza"), enrolled("Piazza")
    kept = real.record(email="real@example.org")
    ingest(engine, real.batch([kept]).to_bytes())
    ingest(engine, trial.batch(3).to_bytes())
    assert campaign_summary(engine).signatures == 4
    capsys.readouterr()
    assert central("test-mode", "--device", trial.device_id) == 0
    assert "is in test mode; its signatures do not count" in capsys.readouterr().out
    assert campaign_summary(engine).signatures == 1
    console = totals(engine)
    assert console.campaign == 1 and [(e.name, e.total) for e in console.per_event] == [
        ("Piazza", 1)
    ]
    assert [s.test_mode for s in device_status(engine)] == [False, True]
    assert central("status") == 0
    assert "TEST MODE" in capsys.readouterr().out
    rows, note = _export(central, tmp_path, capsys)
    assert rows == {kept.signature_id: ""} and "left out 3 test signatures" in note
    rows, _ = _export(central, tmp_path, capsys, "--include-invalid")
    assert sorted(rows.values()) == ["", "test", "test", "test"]
    assert central("test-mode", "--device", trial.device_id, "--off") == 0
    assert campaign_summary(engine).signatures == 4


def test_an_event_in_test_mode_never_counts(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    rehearsal, rally = enrolled("Rehearsal"), enrolled("Rally")
    ingest(engine, rehearsal.batch(2).to_bytes())
    ingest(engine, rally.batch(1).to_bytes())
    assert central("test-mode", "--event", "Rehearsal") == 0
    assert campaign_summary(engine).signatures == 1
    assert [(e.name, e.total) for e in totals(engine).per_event] == [("Rally", 1)]
    rows, note = _export(central, tmp_path, capsys)
    assert len(rows) == 1 and "left out 2 test signatures" in note
    assert central("test-mode", "--event", "Nowhere") == 2
    assert "no event is called 'Nowhere'" in capsys.readouterr().err


def test_bulk_marks_by_device_event_and_hour_are_counted_first(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    a, b = enrolled("Market"), enrolled("Station")
    a_first = [a.record(email=f"a{i}@example.org") for i in range(3)]  # 09:01-09:03
    a.clock += timedelta(hours=2)
    a_later = a.record(email="a-later@example.org")  # 11:04
    ingest(engine, a.batch([*a_first, a_later]).to_bytes())
    ingest(engine, b.batch(2).to_bytes())
    pen_test = ["--mark", "invalid", "--reason", "pen test", "--device", a.device_id]
    pen_test += ["--hour", "2026-03-01T09"]
    assert "would mark 3 signatures invalid" in _review(central, capsys, *pen_test, "--dry-run")
    with Session(engine) as s:
        assert s.scalars(select(RecordMark)).all() == []
    assert "marked 3 signatures invalid" in _review(central, capsys, *pen_test, "--apply")
    rows, note = _export(central, tmp_path, capsys)
    assert a_later.signature_id in rows and not {r.signature_id for r in a_first} & set(rows)
    assert len(rows) == 3 and "3 signatures marked invalid" in note
    rows, _ = _export(central, tmp_path, capsys, "--include-invalid")
    assert [rows[r.signature_id] for r in a_first] == ["invalid"] * 3
    assert campaign_summary(engine).signatures == 3
    # A record found valid after all: one by one, by its DEVICE:ID.
    one = f"{a.device_id}:{a_first[0].signature_id}"
    _review(central, capsys, "--mark", "valid", "--record", one, "--apply")
    rows, _ = _export(central, tmp_path, capsys)
    assert rows[a_first[0].signature_id] == "valid"
    _review(central, capsys, "--mark", "test", "--reason", "staff", "--event", "Station", "--apply")
    assert "1 signature marked valid, 2 signatures marked invalid, 2 signatures marked test" in (
        _review(central, capsys)
    )


def test_domain_and_household_marks_are_made_after_decryption_and_send_only_ids(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    bots = [kiosk.record(email=f"x{i}@mailinator.com") for i in range(2)]
    house = [
        kiosk.record(email=e, first_name=n)
        for e, n in (
            ("fam.ily@gmail.com", "Ann"),
            ("family@gmail.com", "Ben"),
            ("family+3@gmail.com", "Cy"),
        )
    ]
    pair = [kiosk.record(email="two@example.org", first_name=n) for n in ("Di", "Ed")]
    ingest(engine, kiosk.batch([*bots, *house, *pair]).to_bytes())
    disposable = ["--mark", "invalid", "--reason", "disposable", "--domain", "MAILINATOR.com"]
    assert "would mark 2 signatures invalid" in _review(central, capsys, *disposable, "--dry-run")
    household = ["--mark", "invalid", "--reason", "household over 2", "--household", "2"]
    counted = _review(central, capsys, *household, "--dry-run")
    assert "would mark 3 signatures invalid" in counted  # the gmail three
    _review(central, capsys, *household, "--apply")
    with Session(engine) as s:
        marks = s.scalars(select(RecordMark)).all()
    assert {m.record_id for m in marks} == {r.signature_id for r in house}
    for m in marks:  # ids, a mark and the coordinator's reason: nothing of the signer
        assert "gmail" not in f"{m.device_id}{m.record_id}{m.reason}" and m.mark == "invalid"
    rows, _ = _export(central, tmp_path, capsys)
    assert set(rows) == {*(r.signature_id for r in bots), pair[0].signature_id}


def test_heuristics_count_each_rule(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    kiosk = enrolled()
    kiosk.clock = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    burst = [  # six in one minute: 09:10:00 to 09:10:50
        replace(
            kiosk.record(email=f"b{i}@example.org"),
            signed_at=datetime(2026, 3, 1, 9, 10, i * 10, tzinfo=UTC),
        )
        for i in range(6)
    ]
    kiosk.clock = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)  # one a minute from here
    others = [
        kiosk.record(email="j.doe@gmail.com"),
        kiosk.record(email="jdoe@googlemail.com"),  # dots and the domain alias
        kiosk.record(email="JDoe+petition@gmail.com"),  # a +tag
        kiosk.record(email="j.doe@gmail.com"),  # the same as typed
        kiosk.record(email="me@yopmail.com"),
        kiosk.record(email="me@sub.guerrillamail.com"),
        kiosk.record(email="first.last@example.org"),
        kiosk.record(email="firstlast@example.org"),  # another domain's dots count: two people
    ]
    ingest(engine, kiosk.batch([*burst, *others]).to_bytes())
    out = _review(central, capsys, "--heuristics")
    assert "heuristics over 14 signatures" in out
    assert "bursts: 1 kiosk-minute with 5 or more signatures, 6 signatures in them" in out
    assert "disposable domains: 2 signatures at 2 domains" in out
    assert "duplicates: 1 by the address as typed, 2 more by the canonical address" in out
    assert "(1 by +tag, 1 by domain alias, 2 by dots)" in out
    assert "households: 1 address with more than 3 signatures, 4 signatures in them" in out
    assert "bursts: 0 kiosk-minutes" in _review(central, capsys, "--heuristics", "--burst", "7")


def test_review_mistakes_are_messages(central: Any, enrolled: Any, capsys: Any) -> None:
    kiosk = enrolled()
    for argv, message in (
        (("--mark", "invalid", "--device", kiosk.device_id, "--apply"), "say why with --reason"),
        (("--mark", "invalid", "--reason", "r", "--apply"), "say which signatures"),
        (("--mark", "test", "--reason", "r", "--device", kiosk.device_id), "count first"),
        (("--device", kiosk.device_id), "say which mark to give"),
        (("--mark", "test", "--reason", "r", "--device", "nope", "--dry-run"), "no device nope"),
        (
            ("--mark", "test", "--reason", "r", "--event", "Nowhere", "--apply"),
            "no event is called 'Nowhere'",
        ),
        (
            ("--mark", "invalid", "--reason", "x" * 201, "--device", kiosk.device_id, "--apply"),
            "at most 200 characters",
        ),
    ):
        capsys.readouterr()
        assert central("review", *argv) == 2
        err = capsys.readouterr().err
        assert message in err and "Traceback" not in err
    with pytest.raises(SystemExit):
        central("review", "--mark", "maybe", "--device", kiosk.device_id)
    assert central("test-mode", "--device", "nope") == 2
    assert "no device nope is enrolled" in capsys.readouterr().err
