"""Retention: ciphertext deleted 21 months after collection or 1 month after delivery (the
policy set at init), by `kiosk central retention --dry-run/--apply` and by the schedule in
`serve`, with the clock injected. SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from cli_output import succeeded
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central import retention
from kiosk.central.ingest import ingest
from kiosk.central.models import StoredRecord
from kiosk.central.policy import add_months
from kiosk.cli.main import main

MARCH = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)  # the fake kiosks' first signatures


def _stored(engine: Engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(StoredRecord.id)))


def test_months_are_calendar_months() -> None:
    assert add_months(datetime(2026, 1, 31, tzinfo=UTC), 1) == datetime(2026, 2, 28, tzinfo=UTC)
    assert add_months(datetime(2027, 12, 31, tzinfo=UTC), 2) == datetime(2028, 2, 29, tzinfo=UTC)
    assert add_months(MARCH, 21) == datetime(2027, 12, 1, 9, 0, tzinfo=UTC)
    assert add_months(MARCH, -3) == datetime(2025, 12, 1, 9, 0, tzinfo=UTC)


def test_21_months_after_collection_to_the_hour(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    march = [kiosk.record(email=f"m{i}@example.org") for i in range(2)]  # 09:01, 09:02
    kiosk.clock = datetime(2026, 6, 10, 14, 0, tzinfo=UTC)
    june = kiosk.record(email="june@example.org")
    ingest(engine, kiosk.batch([*march, june]).to_bytes())
    before = datetime(2027, 12, 1, 8, 59, tzinfo=UTC)
    report = retention.report(engine, before)
    assert (report.due, report.next_deletion) == (0, datetime(2027, 12, 1, 9, 0, tzinfo=UTC))
    assert retention.apply(engine, before).deleted == 0
    at = datetime(2027, 12, 1, 9, 0, tzinfo=UTC)
    done = retention.apply(engine, at)
    assert (done.due_by_collection, done.deleted) == (2, 2)
    assert done.next_deletion == datetime(2028, 3, 10, 14, 0, tzinfo=UTC)
    assert _stored(engine) == {june.signature_id}


def test_one_month_after_delivery_for_what_was_delivered(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    delivered = kiosk.record(email="in-the-pack@example.org")  # 2026-03-01 09:01
    kiosk.clock = datetime(2026, 5, 2, 10, 0, tzinfo=UTC)
    after = kiosk.record(email="late@example.org")  # after the delivery: not in the pack
    ingest(engine, kiosk.batch([delivered, after]).to_bytes())
    retention.set_delivered(engine, datetime(2026, 4, 15, tzinfo=UTC))
    assert retention.report(engine, datetime(2026, 5, 14, tzinfo=UTC)).next_deletion == datetime(
        2026, 5, 15, tzinfo=UTC
    )
    done = retention.apply(engine, datetime(2026, 5, 15, tzinfo=UTC))
    assert (done.due_by_collection, done.due_by_delivery, done.deleted) == (0, 1, 1)
    assert _stored(engine) == {after.signature_id}
    assert done.next_deletion == datetime(2028, 2, 2, 10, 0, tzinfo=UTC)  # its 21 months


def test_retention_command_dry_run_then_apply_and_a_stick_found_later(
    central: Any,
    enrolled: Any,
    engine: Engine,
    tmp_path: Path,
    capsys: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    kiosk = enrolled()
    old = [kiosk.record(email=f"o{i}@example.org") for i in range(3)]
    batch = kiosk.batch(old)
    stick = tmp_path / "old.kiosk-batch"
    stick.write_bytes(batch.to_bytes())
    ingest(engine, batch.to_bytes())
    monkeypatch.setattr(
        "kiosk.cli.central_review.utc_now", lambda: datetime(2028, 1, 5, tzinfo=UTC)
    )
    out = succeeded(central, capsys, "retention", "--dry-run").out
    assert "21 months after collection or 1 month after delivery" in out
    assert "due now: 3 signatures (3 by collection, 0 by delivery)" in out
    assert "dry run: nothing was deleted" in out
    assert len(_stored(engine)) == 3
    assert central("retention", "--apply") == 0
    out = capsys.readouterr().out
    assert "deleted: 3 signatures" in out and "next deletion: none" in out
    assert _stored(engine) == set()
    # The stick made before is imported after retention: the records stay deleted.
    assert central("import", stick) == 0
    assert _stored(engine) == set()
    with pytest.raises(SystemExit) as exit_:
        central("retention")
    assert exit_.value.code == 2
    assert "one of the arguments --dry-run --apply is required" in capsys.readouterr().err


def test_delivered_day_in_a_dry_run_is_not_kept(
    central: Any, enrolled: Any, engine: Engine, capsys: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch(2).to_bytes())
    monkeypatch.setattr(
        "kiosk.cli.central_review.utc_now", lambda: datetime(2026, 6, 1, tzinfo=UTC)
    )
    capsys.readouterr()
    assert central("retention", "--dry-run", "--delivered", "2026-04-01") == 0
    assert "due now: 2 signatures (0 by collection, 2 by delivery)" in capsys.readouterr().out
    assert retention.policy(engine).delivered_at is None
    assert central("retention", "--apply", "--delivered", "2026-04-01") == 0
    assert retention.policy(engine).delivered_at == datetime(2026, 4, 1, tzinfo=UTC)
    assert _stored(engine) == set()
    with pytest.raises(SystemExit):
        central("retention", "--apply", "--delivered", "1 April")
    assert "is not a day like 2026-12-03" in capsys.readouterr().err
    # A day to come is a dry run's question, not a delivery to keep.
    assert central("retention", "--dry-run", "--delivered", "2026-06-20") == 0
    capsys.readouterr()
    assert central("retention", "--apply", "--delivered", "2026-06-02") == 2
    err = capsys.readouterr().err
    assert "--delivered 2026-06-02 is after today (2026-06-01, UTC)" in err
    assert retention.policy(engine).delivered_at == datetime(2026, 4, 1, tzinfo=UTC)
    # Another day kept in its place is said.
    assert central("retention", "--apply", "--delivered", "2026-05-01") == 0
    out = capsys.readouterr().out
    assert "the delivery day was 2026-04-01; it is 2026-05-01 now" in out
    assert retention.policy(engine).delivered_at == datetime(2026, 5, 1, tzinfo=UTC)


def test_the_policy_is_set_at_init(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from coordinator import PASSPHRASE, fast_key_files

    from kiosk.central.db import open_database

    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path / "coordinator"))
    fast_key_files(monkeypatch)  # the policy is what is checked here, not the key files
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "init", *args, "--keep-after-collection", "6000"]) == 2
    assert "from 0 to 1200, not 6000" in capsys.readouterr().err
    assert (
        main(
            ["central", "init", *args, "--keep-after-collection", "6", "--keep-after-delivery", "0"]
        )
        == 0
    )
    assert "retention: ciphertext is deleted 6 months after collection or 0 months" in (
        capsys.readouterr().out
    )
    engine = open_database(database_url)
    try:
        assert retention.policy(engine) == retention.Policy(6, 0, None)
    finally:
        engine.dispose()


def test_serve_runs_retention_on_a_schedule(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch(2).to_bytes())
    now = [datetime(2027, 1, 1, tzinfo=UTC)]
    schedule = retention.RetentionSchedule(engine, interval=0.05, clock=lambda: now[0]).start()
    try:
        deadline = time.monotonic() + 10
        while schedule.rounds < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert schedule.rounds >= 2 and len(_stored(engine)) == 2  # not due yet
        now[0] = datetime(2027, 12, 2, tzinfo=UTC)
        while _stored(engine) and time.monotonic() < deadline:
            time.sleep(0.02)
        assert _stored(engine) == set()
    finally:
        schedule.stop()
    assert not schedule._thread.is_alive()


def test_kiosk_central_serve_starts_the_schedule(
    central: Any, enrolled: Any, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The real `serve` command, with uvicorn replaced by a stand-in that waits for the first
    round: records delivered long ago are deleted while it serves, and the schedule stops
    with it."""
    kiosk = enrolled()
    ingest(engine, kiosk.batch(2).to_bytes())  # collected 2026-03-01
    retention.set_delivered(engine, datetime(2026, 4, 1, tzinfo=UTC))  # due since 2026-05-01
    seen: list[set[str]] = []
    threads: list[Any] = []

    def serving(app: Any, **_: Any) -> None:
        import threading

        deadline = time.monotonic() + 10
        while _stored(engine) and time.monotonic() < deadline:
            time.sleep(0.05)
        seen.append(_stored(engine))
        threads.extend(t for t in threading.enumerate() if t.name == "kiosk-retention")

    monkeypatch.setattr("kiosk.central.server.serve", serving)
    assert central("serve", "--insecure-http", "--port", "0") == 0
    assert seen == [set()]
    assert threads and not any(t.is_alive() for t in threads)
