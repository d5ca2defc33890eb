"""The core the console's Review, Erasure and Keys pages call (and the CLI with them), on SQLite
and PostgreSQL: hours as typed, a selection naming an unknown kiosk or event refused, marks by
group and undone, erasure by record id planned from ids alone and done without a ledger (the
CLI still erases afterwards), and the key each kiosk last sealed to."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Engine

from kiosk.central.deletion import deleted_counts
from kiosk.central.erasure import erase_by_id, plan_by_id
from kiosk.central.errors import Malformed, NotFound
from kiosk.central.ingest import ingest
from kiosk.central.keyset import devices_still_sealing_to, last_sealed, primary_and_version
from kiosk.central.review import (
    Selection,
    apply_marks,
    check_selection,
    in_test_mode,
    mark_groups,
    marks_count,
    set_test_mode,
    undo_marks,
)
from kiosk.clock import parse_hour


@pytest.mark.parametrize(
    ("typed", "hour"),
    [("2026-12-03T14", 14), (" 2026-12-03 14 ", 14), ("2026-12-03T09:00", 9)],
)
def test_an_hour_as_the_coordinator_types_it(typed: str, hour: int) -> None:
    assert parse_hour(typed) == datetime(2026, 12, 3, hour, tzinfo=UTC)


@pytest.mark.parametrize("typed", ["2026-12-03T14:30", "yesterday", "2026-13-01T01", ""])
def test_anything_else_is_not_an_hour(typed: str) -> None:
    with pytest.raises(ValueError, match="is not an hour like 2026-12-03T14"):
        parse_hour(typed)


def test_marks_by_group_undone_and_test_modes(engine: Engine, enrolled: Any) -> None:
    kiosk = enrolled("Piazza")
    batch = kiosk.batch(3)
    ingest(engine, batch.to_bytes())
    keys = [(kiosk.device_id, r.id) for r in batch.batch.records]
    with pytest.raises(NotFound, match="no device nobody is enrolled"):
        check_selection(engine, Selection(device="nobody"))
    with pytest.raises(NotFound, match="no event is called 'Nowhere'"):
        check_selection(engine, Selection(event="Nowhere"))
    check_selection(engine, Selection(device=kiosk.device_id, event="Piazza"))

    apply_marks(engine, keys[:2], "invalid", "same pen")
    apply_marks(engine, keys[2:], "test", "trial")
    assert [(g.mark, g.reason, g.records) for g in mark_groups(engine)] == [
        ("invalid", "same pen", 2),
        ("test", "trial", 1),
    ]
    assert undo_marks(engine, "invalid", " same   pen ") == 2
    assert marks_count(engine) == {"valid": 2, "invalid": 0, "test": 1}
    with pytest.raises(NotFound, match="undone already"):
        undo_marks(engine, "invalid", "same pen")
    with pytest.raises(Malformed, match="only invalid and test marks are undone"):
        undo_marks(engine, "valid", "")

    set_test_mode(engine, "event", "Piazza", True)
    set_test_mode(engine, "device", kiosk.device_id, True)
    assert [(m.kind, m.name) for m in in_test_mode(engine)] == [
        ("device", kiosk.device_id),
        ("event", "Piazza"),
    ]


def test_erasure_by_id_needs_no_ledger_and_the_cli_erases_after_it(
    engine: Engine, enrolled: Any, central: Any, capsys: Any
) -> None:
    kiosk = enrolled("Piazza")
    batch = kiosk.batch(3)
    ingest(engine, batch.to_bytes())
    ids = [r.id for r in batch.batch.records]
    with pytest.raises(Malformed, match="give at least one record id"):
        plan_by_id(engine, " , ")
    with pytest.raises(NotFound, match=f"no stored signature has id {ids[0]}x"):
        plan_by_id(engine, f"{ids[0]}x")
    with pytest.raises(NotFound, match="no device nobody is enrolled"):
        plan_by_id(engine, f"nobody:{ids[0]}")

    plan = plan_by_id(engine, f"{ids[0]} {kiosk.device_id}:{ids[1]},{ids[0]} {kiosk.device_id}:z")
    assert [f.record_id for f in plan.found] == [ids[0], ids[1]]
    assert plan.not_stored == [(kiosk.device_id, "z")] and plan.deleted_before == []
    assert erase_by_id(engine, plan) == 2
    assert deleted_counts(engine) == {"erased": 0, "erased-by-id": 3, "retention": 0}
    again = plan_by_id(engine, f"{kiosk.device_id}:{ids[0]}")
    assert again.found == [] and again.deleted_before == [(kiosk.device_id, ids[0])]

    # No ledger was written and none is needed: erasures by id on the server are not the
    # CLI's, whose addresses a later import could bring back without the ledger.
    capsys.readouterr()
    assert central("erase", "--record", ids[2]) == 0
    assert "erased: 1 signature deleted from the server" in capsys.readouterr().out
    assert deleted_counts(engine) == {"erased": 1, "erased-by-id": 3, "retention": 0}


def test_the_key_each_kiosk_last_sealed_to(engine: Engine, enrolled: Any) -> None:
    kiosk, silent = enrolled("Piazza"), enrolled("Piazza")
    ingest(engine, kiosk.batch(2).to_bytes())
    last = last_sealed(engine)
    assert set(last) == {kiosk.device_id}
    assert last[kiosk.device_id].fingerprint == kiosk.campaign_key.fingerprint
    assert last[kiosk.device_id].collected_hour == datetime(2026, 3, 1, 9, tzinfo=UTC)
    assert devices_still_sealing_to(engine, 1) == [kiosk.device_id]
    assert silent.device_id not in devices_still_sealing_to(engine, 1)
    assert primary_and_version(engine) == (1, None)  # a campaign made before keysets
