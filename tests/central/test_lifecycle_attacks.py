"""Attacks on the promises of the campaign's life after the rally (erasure, retention, review,
delivery, CRM exports), by someone who reads what is left behind: a curious server operator
with the database files, a thief with the coordinator's directory but not the passphrase.
SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import csv
import json
import logging
import shutil
import subprocess
import time
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.etree import ElementTree

import pytest
from ci import skip_unless_ci
from sqlalchemy import Engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kiosk.central import deliver, retention
from kiosk.central.db import reading_engine
from kiosk.central.drawn import to_svg, write_signatures
from kiosk.central.errors import Malformed
from kiosk.central.export import open_all
from kiosk.central.ingest import ingest
from kiosk.central.ledger import LEDGER_FILE
from kiosk.central.models import StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.petition.appeal import Appeal
from kiosk.petition.strokes import Drawing, Point


def _needles(sealed: bytes) -> list[bytes]:
    """Slices of a sealed record from its start, middle and end: sealed bytes are random, so a
    hit on any of them is a copy of that record."""
    n = len(sealed)
    return [sealed[i : i + 48] for i in (0, n // 3, n // 2, n - 48)]


def _server_bytes(engine: Engine, database_url: str) -> list[tuple[str, bytes]]:
    """Every byte the server's database keeps on disk, as its operator could read it: the
    SQLite file and its WAL and shared memory, as they are and after a checkpoint moved the
    WAL's pages into the file; on PostgreSQL every table, index and TOAST
    relation of the schema, read from the data directory after a checkpoint."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        base = Path(str(url.database))
        files = [Path(f"{base}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")]
        as_found = [(f.name, f.read_bytes()) for f in files if f.exists()]
        raw = engine.raw_connection()
        try:
            raw.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            raw.close()
        return as_found + [(f"{f.name} checkpointed", f.read_bytes()) for f in files if f.exists()]
    found = []
    with engine.connect() as conn:
        conn.execute(text("CHECKPOINT"))
        relations = conn.execute(
            text(
                "SELECT c.oid::regclass::text FROM pg_class c "
                "WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r','i') "
                "UNION SELECT t.oid::regclass::text FROM pg_class c JOIN pg_class t "
                "ON t.oid = c.reltoastrelid "
                "WHERE c.relnamespace = current_schema()::regnamespace"
            )
        ).scalars()
        for name in relations:
            data = conn.execute(
                text("SELECT pg_read_binary_file(pg_relation_filepath(CAST(:r AS regclass)))"),
                {"r": name},
            ).scalar_one()
            found.append((name, bytes(data)))
    return found


def _copies(engine: Engine, database_url: str, sealed: bytes) -> list[str]:
    needles = _needles(sealed)
    return [
        name
        for name, data in _server_bytes(engine, database_url)
        if any(n in data for n in needles)
    ]


def test_an_erased_records_ciphertext_is_nowhere_in_the_servers_files(
    central: Any, enrolled: Any, engine: Engine, database_url: str
) -> None:
    kiosk = enrolled()
    alice = kiosk.record(email="alice@example.org", first_name="Alice")
    bob = kiosk.record(email="bob@example.org", first_name="Bob")
    batch = kiosk.batch([alice, bob])
    ingest(engine, batch.to_bytes())
    sealed = {r.id: r.sealed for r in batch.batch.records}
    # The scan can fail: before the erasure both records are found on disk.
    assert _copies(engine, database_url, sealed[alice.signature_id])
    assert _copies(engine, database_url, sealed[bob.signature_id])

    assert central("erase", "--email", "alice@example.org") == 0
    assert _copies(engine, database_url, sealed[alice.signature_id]) == []
    assert _copies(engine, database_url, sealed[bob.signature_id])  # still stored


def test_retention_deletes_the_ciphertext_from_the_servers_files(
    enrolled: Any, engine: Engine, database_url: str
) -> None:
    kiosk = enrolled()
    batch = kiosk.batch(3)
    ingest(engine, batch.to_bytes())
    assert all(_copies(engine, database_url, r.sealed) for r in batch.batch.records)
    done = retention.apply(engine, datetime(2028, 12, 1, tzinfo=UTC))  # 21 months on
    assert done.deleted == 3
    assert [_copies(engine, database_url, r.sealed) for r in batch.batch.records] == [[], [], []]


def _as_the_form_keeps_it(address: str) -> str:
    """A kiosk stores an address as its form normalised it (kiosk.petition.form)."""
    from kiosk.petition.form import _canonical, normalise

    return _canonical("email", normalise(address))


@pytest.mark.parametrize(
    ("stored", "requested"),
    [
        ("bob@exämple.org", "BOB@xn--exmple-cua.org"),  # the domain as the request's header has it
        ("josé@example.org", "jose\u0301@example.org"),  # NFD, as a Mac's mail client may send
        (
            "\uff42\uff4f\uff42@example.org",
            "bob@example.org",
        ),  # fullwidth, as a CJK input method types it
        ("Bob.Smith@GMAIL.com", " bobsmith+petition@googlemail.com\t"),
    ],
)
def test_an_erasure_request_finds_every_spelling_of_the_stored_address(
    central: Any,
    enrolled: Any,
    engine: Engine,
    tmp_path: Path,
    capsys: Any,
    stored: str,
    requested: str,
) -> None:
    kiosk = enrolled()
    theirs = kiosk.record(email=_as_the_form_keeps_it(stored))
    other = kiosk.record(email="carol@example.org")
    ingest(engine, kiosk.batch([theirs, other]).to_bytes())
    capsys.readouterr()
    assert central("erase", "--email", requested) == 0
    assert "1 signature deleted from the server" in capsys.readouterr().out
    with Session(engine) as s:
        assert set(s.scalars(select(StoredRecord.id))) == {other.signature_id}
    # A later stick with a new signature in the stored spelling is left out of the export.
    late = enrolled("Later")
    again = late.record(email=_as_the_form_keeps_it(stored))
    ingest(engine, late.batch([again]).to_bytes())
    out = tmp_path / "x.csv"
    assert central("export", "--out", out) == 0
    text_ = out.read_text(encoding="utf-8-sig")
    assert other.signature_id in text_ and again.signature_id not in text_


@pytest.mark.parametrize(
    "requested",
    ["<bob@example.org>", "Bob <bob@example.org>", "bob@example.org.", "bob@@example.org"],
)
def test_an_address_the_kiosk_could_not_have_stored_is_a_message_not_a_silent_miss(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any, requested: str
) -> None:
    """An erasure of a mistyped address would find nothing and file a useless keyed hash: the
    coordinator would believe the request honoured."""
    kiosk = enrolled()
    ingest(engine, kiosk.batch([kiosk.record(email="bob@example.org")]).to_bytes())
    capsys.readouterr()
    assert central("erase", "--email", requested) == 2
    err = capsys.readouterr().err
    assert "not an e-mail address" in err and "Traceback" not in err
    assert not (tmp_path / "coordinator" / LEDGER_FILE).exists()
    with Session(engine) as s:
        assert len(list(s.scalars(select(StoredRecord.id)))) == 1


def _drawing(aspect: float | None = 2.5) -> Drawing:
    stroke = tuple(Point(0.1 + i / 50, 0.5 + (i % 3) / 20, i * 10) for i in range(30))
    return Drawing((stroke,), aspect)


@pytest.mark.parametrize("signature_id", ["../../escaped", "/tmp/absolute", "a/b", ".."])
def test_a_malicious_kiosks_record_ids_cannot_name_a_file_outside_the_signatures_dir(
    enrolled: Any, engine: Engine, tmp_path: Path, signature_id: str
) -> None:
    """The server refuses such an id in a batch (upload, stick, salvage all ingest); and were
    one stored, the file takes a digest's name in the directory."""
    kiosk = enrolled()
    record = replace(kiosk.record(email="x@example.org"), drawing=_drawing())
    record = replace(record, signature_id=signature_id)
    with pytest.raises(Malformed):
        ingest(engine, kiosk.batch([record]).to_bytes())
    out_dir = tmp_path / "out" / "sigs"
    written = write_signatures([(kiosk.device_id, signature_id, _drawing())], out_dir)
    stem = written[(kiosk.device_id, signature_id)]
    assert "/" not in stem and stem not in (".", "..")
    assert sorted(str(p.relative_to(tmp_path / "out")) for p in (tmp_path / "out").rglob("*")) == [
        "sigs",
        f"sigs/{stem}.png",
        f"sigs/{stem}.svg",
    ]


def test_a_drawing_the_pad_could_not_make_does_not_stop_the_export(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    """A malicious kiosk seals a drawing of absurd shape (the campaign key is public): the
    coordinator's export must not run out of memory on it, and the other records export."""
    kiosk = enrolled()
    bad = replace(kiosk.record(email="x@example.org"), drawing=_drawing(aspect=1e7))
    good = replace(kiosk.record(email="y@example.org"), drawing=_drawing())
    ingest(engine, kiosk.batch([bad, good]).to_bytes())
    out_dir = tmp_path / "sigs"
    capsys.readouterr()
    code = central("export", "--out", tmp_path / "x.csv", "--signatures", out_dir)
    err = capsys.readouterr().err
    assert code == 0 and "Traceback" not in err
    assert (out_dir / f"{good.signature_id}.svg").exists()
    assert (out_dir / f"{good.signature_id}.png").exists()


def test_a_drawn_signatures_svg_holds_only_ink() -> None:
    svg = to_svg(_drawing(), title='</title><script>alert(1)</script><a href="http://x">')
    root = ElementTree.fromstring(svg.split("\n", 1)[1])
    tags = {el.tag.rsplit("}", 1)[-1] for el in root.iter()}
    assert tags == {"svg", "title", "g", "path"}
    attributes = {a for el in root.iter() for a in el.attrib}
    assert attributes <= {
        "width",
        "height",
        "viewBox",
        "role",
        "fill",
        "stroke",
        "d",
        "stroke-width",
        "stroke-linecap",
        "stroke-linejoin",
    }
    assert "script" not in "".join(el.tag for el in root.iter())


DANGEROUS = ["=1+1", "+1+1", "-1+1", "@SUM(1)", "\t=1", "\r=1", " =1", "  +1"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "mailchimp"])
def test_no_cell_of_a_spreadsheet_format_starts_a_formula(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, fmt: str
) -> None:
    """Every text a supporter types, and the event name, in every format a spreadsheet opens."""
    kiosk = enrolled('=HYPERLINK("http://x")')
    records = [
        replace(
            kiosk.record(
                first_name=v, last_name=v, email=f"p{i}@example.org", postcode=v, comment=v
            ),
            updates_opt_in=True,
        )
        for i, v in enumerate(DANGEROUS)
    ]
    ingest(engine, kiosk.batch(records).to_bytes())
    out = tmp_path / f"x.{fmt}"
    assert central("export", "--format", fmt, "--out", out) == 0
    if fmt == "xlsx":
        from openpyxl import load_workbook

        sheet = load_workbook(out).active
        assert sheet is not None
        cells = [(c.value, c.data_type) for row in sheet.iter_rows() for c in row]
        assert {t for _, t in cells} <= {"s", "inlineStr"}  # text cells: never a formula ("f")
        values = [str(v) for v, _ in cells if v is not None]
    else:
        with out.open(encoding="utf-8-sig", newline="") as f:
            values = [v for row in csv.reader(f) for v in row]
    assert len(values) > len(DANGEROUS)
    for value in values:
        assert value.lstrip(" ")[:1] not in ("=", "+", "-", "@", "\t", "\r") or fmt == "xlsx", value


def test_the_delivery_pack_holds_only_what_the_consent_allows_and_only_what_counts(
    central: Any,
    signing: DeviceKey,
    enrolled: Any,
    engine: Engine,
    tmp_path: Path,
    appeal: Appeal,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    """Every field the pack must not show, of every signer, searched in the PDF's text and
    metadata; erased, invalid and test-mode signatures are neither listed nor counted."""
    if shutil.which("pdftotext") is None or shutil.which("pdfinfo") is None:
        skip_unless_ci("pdftotext and pdfinfo (Debian: poppler-utils) are not installed")
    kiosk, test_kiosk = enrolled(), enrolled("Rehearsal")
    secret = {  # every field but first name, initial and country
        "last_name": "Qzlastname",
        "email": "qzmailbox@example.org",
        "postcode": "QZ9 9QQ",
        "comment": "Qzcomment about my family",
    }
    kept = [
        kiosk.record(
            first_name=f"Kept{i}",
            country="FR",
            **{k: (f"{v}{i}" if k != "email" else f"k{i}{v}") for k, v in secret.items()},
        )
        for i in range(3)
    ]
    erased = kiosk.record(first_name="Erasedperson", email="gone@example.org", country="FR")
    invalid = kiosk.record(first_name="Invalidperson", email="bad@example.org", country="FR")
    rehearsal = test_kiosk.record(first_name="Rehearsalperson", email="t@example.org")
    ingest(engine, kiosk.batch([*kept, erased, invalid]).to_bytes())
    ingest(engine, test_kiosk.batch([rehearsal]).to_bytes())
    assert central("erase", "--email", "gone@example.org") == 0
    assert (
        central(
            "review",
            "--record",
            invalid.signature_id,
            "--mark",
            "invalid",
            "--reason",
            "fraud",
            "--apply",
        )
        == 0
    )
    assert central("test-mode", "--device", test_kiosk.device_id) == 0
    # A stick found later brings the erased signer's new signature: stored, never delivered.
    late = enrolled("Later")
    ingest(
        engine,
        late.batch([late.record(first_name="Erasedagain", email="GONE@example.org")]).to_bytes(),
    )

    pack = tmp_path / "pack.pdf"
    assert central("deliver", "--out", pack) == 0
    text = subprocess.run(
        ["pdftotext", str(pack), "-"], capture_output=True, text=True, check=True
    ).stdout
    info = subprocess.run(["pdfinfo", str(pack)], capture_output=True, text=True, check=True).stdout
    words = " ".join(text.split())
    assert "3 signatures" in words and all(f"Kept{i} Q." in words for i in range(3))
    for forbidden in [*secret.values(), "@", "Qz9", "Erased", "Invalidperson", "Rehearsalperson"]:
        assert forbidden.casefold() not in (text + info).casefold(), forbidden
    for r in kept:  # no record id either: the target has no use for them
        assert r.signature_id not in text
    manifest = json.loads(deliver.manifest_path(pack).read_text("utf-8"))
    assert manifest["signatures"] == 3
    for forbidden in [*secret.values(), "Kept", "Erased"]:
        assert forbidden not in json.dumps(manifest)

    # Even where the appeal delivers full names: still no address, postcode or comment.
    full = replace(appeal, consent=replace(appeal.consent, delivered_names="full"))
    rows = open_all(engine, campaign_private_key)[0]
    html = "".join(deliver.pack_html(full, rows, datetime(2026, 3, 2, tzinfo=UTC)))
    assert "Qzlastname0" in html
    for field in ("email", "postcode", "comment"):
        assert secret[field][:6] not in html.replace("Qzlastname", ""), field


def test_an_erasure_by_a_bare_id_not_stored_yet_is_not_a_silent_miss(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    """A supporter asks with the id on their receipt before their kiosk synced: a bare id that
    matches nothing would file nothing, and the later upload would be exported. The command
    asks for device_id:signature_id, which the ledger keeps, so the later upload is dropped."""
    kiosk = enrolled()
    pending = kiosk.record(email="p@example.org")
    capsys.readouterr()
    assert central("erase", "--record", pending.signature_id) == 2
    err = capsys.readouterr().err
    assert "device_id:signature_id" in err and "Traceback" not in err
    assert central("erase", "--record", f"{kiosk.device_id}:{pending.signature_id}") == 0
    ingest(engine, kiosk.batch([pending]).to_bytes())
    with Session(engine) as s:
        assert list(s.scalars(select(StoredRecord.id))) == []


def _everything(engine: Engine, coordinator: Path) -> tuple[Any, ...]:
    """Every row of every table, and every file of the coordinator's directory."""
    from kiosk.central.models import Base

    with engine.connect() as conn:
        rows = {
            t.name: sorted(map(repr, conn.execute(t.select()).all()))
            for t in Base.metadata.sorted_tables
        }
    files = {str(p): p.read_bytes() for p in sorted(coordinator.rglob("*")) if p.is_file()}
    return rows, files


def test_every_dry_run_changes_nothing(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    ada = kiosk.record(email="ada@example.org")
    ingest(engine, kiosk.batch([ada, kiosk.record(email="bob@example.org")]).to_bytes())
    assert central("erase", "--email", "bob@example.org") == 0  # a ledger exists
    coordinator = tmp_path / "coordinator"
    before = _everything(engine, coordinator)
    dry_runs = [
        ("erase", "--email", "ada@example.org", "--dry-run"),
        ("erase", "--record", f"{kiosk.device_id}:{ada.signature_id}", "--dry-run"),
        ("erase", "--sweep", "--dry-run"),
        ("retention", "--dry-run", "--delivered", "2026-03-02"),
        ("review", "--device", kiosk.device_id, "--mark", "invalid", "--reason", "x", "--dry-run"),
        ("review", "--domain", "example.org", "--mark", "test", "--reason", "x", "--dry-run"),
        ("review", "--heuristics"),
        ("review",),
    ]
    for argv in dry_runs:
        assert central(*argv) == 0, argv
        assert _everything(engine, coordinator) == before, argv
    out = capsys.readouterr().out
    assert "ada@example.org" not in out and "bob@example.org" not in out


def test_no_command_of_the_campaigns_life_writes_personal_data_to_its_output_or_log(
    central: Any,
    signing: DeviceKey,
    enrolled: Any,
    engine: Engine,
    tmp_path: Path,
    capsys: Any,
    caplog: Any,
) -> None:
    """What a command prints and logs ends up in terminals' scrollback, shell logs and the
    server's journal: ids and counts only, never a field a supporter typed."""
    caplog.set_level(logging.DEBUG)
    kiosk = enrolled()
    tokens = {
        "first_name": "Qzfirst",
        "last_name": "Qzlast",
        "postcode": "QZ7 7QZ",
        "comment": "Qzcomment",
    }
    records = [
        replace(
            kiosk.record(**tokens, email=f"qzmail{i}+tag@qzfamily.example", country="FR"),
            updates_opt_in=True,
            drawing=_drawing(),
        )
        for i in range(4)
    ]
    ingest(engine, kiosk.batch(records).to_bytes())
    out_dir = tmp_path / "files"
    out_dir.mkdir()
    commands = [
        ("erase", "--email", "qzmail0+tag@qzfamily.example", "--dry-run"),
        ("erase", "--email", "QZMAIL0@qzfamily.example"),
        ("review", "--heuristics", "--household", "1"),
        ("review", "--domain", "qzfamily.example", "--mark", "test", "--reason", "r", "--dry-run"),
        ("review", "--household", "0", "--mark", "invalid", "--reason", "r", "--apply"),
        ("review",),
        ("retention", "--dry-run"),
        ("export", "--out", out_dir / "x.csv", "--signatures", out_dir / "sigs", "--progress"),
        ("export", "--format", "mailchimp", "--out", out_dir / "m.csv", "--include-invalid"),
        ("export", "--format", "osdi", "--out", out_dir / "o.json"),
        ("deliver", "--out", out_dir / "pack.pdf", "--progress"),
        ("status",),
    ]
    for argv in commands:
        capsys.readouterr()
        code = central(*argv)
        out, err = capsys.readouterr()
        said = (out + err + "\n".join(r.getMessage() for r in caplog.records)).casefold()
        assert code == 0, (argv, err)
        for token in [*tokens.values(), "qzmail", "qzfamily"]:
            assert token.casefold() not in said, (argv, token)
        caplog.clear()


def test_a_review_reason_holding_an_address_is_refused_before_the_server_keeps_it(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    from kiosk.central.models import RecordMark

    kiosk = enrolled()
    record = kiosk.record(email="ada@example.org")
    ingest(engine, kiosk.batch([record]).to_bytes())
    capsys.readouterr()
    argv = ("review", "--record", record.signature_id, "--mark", "invalid", "--apply")
    assert central(*argv, "--reason", "same as Ada@Example.org") == 2
    assert "leave the e-mail address out" in capsys.readouterr().err
    with Session(engine) as s:
        assert list(s.scalars(select(RecordMark))) == []
    assert central(*argv, "--reason", "same pen @ 9:01, same minute") == 0


def test_a_reader_open_during_the_deletion_holds_uploads_up_briefly_and_is_said(
    enrolled: Any,
    engine: Engine,
    database_url: str,
    caplog: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Another session still reading (an export, a console page) may see the rows being
    deleted: the scrub waits a bounded time, says that the bytes may stay, and the next
    deletion takes them out."""
    from kiosk.central import deletion

    monkeypatch.setattr(deletion, "_OLDER_WAIT", 1.0)
    kiosk = enrolled()
    batch = kiosk.batch(2)
    ingest(engine, batch.to_bytes())
    first, second = batch.batch.records
    reader = reading_engine(database_url)
    with reader.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ"))
        else:  # pysqlite begins no transaction for a SELECT by itself
            conn.exec_driver_sql("BEGIN")
        conn.execute(select(StoredRecord.id)).all()  # a read transaction, left open
        started = time.monotonic()
        deleted = deletion.delete_records(engine, [(kiosk.device_id, first.id)], "erased")
        assert deleted == 1 and time.monotonic() - started < 10
        assert "may stay" in caplog.text or "could not be truncated" in caplog.text
    reader.dispose()
    deletion.delete_records(engine, [(kiosk.device_id, second.id)], "erased")
    assert _copies(engine, database_url, first.sealed) == []
    assert _copies(engine, database_url, second.sealed) == []


def test_a_mailing_list_file_holds_no_trace_of_who_did_not_opt_in(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    yes = replace(
        kiosk.record(email="yes@example.org", first_name="Yesperson"), updates_opt_in=True
    )
    no = kiosk.record(
        email="qznotopted@example.org", first_name="Qzfirst", last_name="Qzlast", postcode="QZ1"
    )
    ingest(engine, kiosk.batch([yes, no]).to_bytes())
    out = tmp_path / "list.csv"
    for extra in ((), ("--include-invalid",)):
        assert central("export", "--format", "mailchimp", "--out", out, *extra) == 0
        data = out.read_bytes().decode("utf-8-sig").casefold()
        assert "yes@example.org" in data
        for trace in ("qznotopted", "qzfirst", "qzlast", no.signature_id, "qz1"):
            assert trace not in data, trace
    assert "left out 1 signer who did not opt in" in capsys.readouterr().err


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_a_rewrite_longer_than_its_bound_is_cancelled_and_said_the_deletion_stands(
    enrolled: Any, engine: Engine, caplog: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a big campaign's PostgreSQL table VACUUM FULL would hold every upload for as long as
    it copies every record: past its bound it is cancelled, the log says how to run it at a
    quiet hour, and the records are deleted all the same."""
    from kiosk.central import deletion

    monkeypatch.setattr(deletion, "_REWRITE_LIMIT_MS", 1)
    kiosk = enrolled()
    batch = kiosk.batch(40)
    ingest(engine, batch.to_bytes())
    gone = batch.batch.records[0]
    with caplog.at_level("WARNING", logger=deletion.log.name):
        assert deletion.delete_records(engine, [(kiosk.device_id, gone.id)], "erased") == 1
    assert "took over 0.001 s" in caplog.text and "VACUUM FULL record" in caplog.text
    with Session(engine) as s:
        assert s.get(StoredRecord, (kiosk.device_id, gone.id)) is None
    with engine.connect() as conn:  # the cancelled statement left no setting behind
        assert conn.execute(text("SHOW statement_timeout")).scalar() == "0"
