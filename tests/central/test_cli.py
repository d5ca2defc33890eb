"""`kiosk central ...` as a coordinator uses it, through kiosk.cli.main.main."""

from __future__ import annotations

import csv
import os
import struct
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from cli_output import one_error_line
from coordinator import PASSPHRASE, fast_key_files
from enrolment_requests import enrol_with
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import Session

from kiosk.central.campaign import CampaignInfo
from kiosk.central.models import EnrolmentCode
from kiosk.central.status import device_status
from kiosk.central.tls import certificate_pin
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.tls_pin import link_pin
from kiosk.files import keys
from kiosk.protocol.batch import MAGIC
from kiosk.protocol.enrolment_link import EnrolmentLink, parse_link


def test_init_makes_an_encrypted_key_and_a_credential_once(
    tmp_path: Path,
    database_url: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path / "coordinator"))
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "init", *args]) == 0
    out = capsys.readouterr().out
    assert "un-chechnya" in out and "kc_" in out
    private = tmp_path / "coordinator" / keys.PRIVATE_KEY_FILE
    assert b"ENCRYPTED PRIVATE KEY" in private.read_bytes()
    assert b"BEGIN PRIVATE KEY" not in private.read_bytes()
    assert os.stat(private).st_mode & 0o077 == 0
    # The server's data directory holds no private campaign key, only the TLS certificate
    # (whose own key is private to the server).
    server_files = {p.relative_to(tmp_path / "c").as_posix() for p in (tmp_path / "c").rglob("*")}
    assert keys.PRIVATE_KEY_FILE not in server_files
    assert {"tls/server-cert.pem", "tls/server-key.pem"} <= server_files
    assert os.stat(tmp_path / "c" / "tls" / "server-key.pem").st_mode & 0o077 == 0
    pin = certificate_pin(tmp_path / "c" / "tls" / "server-cert.pem")
    assert pin in out
    assert main(["central", "init", *args]) == 2
    assert "already holds campaign" in capsys.readouterr().err


def test_init_reads_the_key_back_and_offers_a_recovery_sheet(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from kiosk.files.recovery_sheet import SHEET_FILE, chunks, qr_svg

    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    coordinator = tmp_path / "coordinator"
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(coordinator))
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "init", *args]) == 0
    out = capsys.readouterr().out
    assert "read back from disk and opened a test record" in out
    sheet = coordinator / SHEET_FILE
    assert str(sheet) in out and os.stat(sheet).st_mode & 0o077 == 0
    page = sheet.read_text(encoding="utf-8")
    pem = (coordinator / keys.PRIVATE_KEY_FILE).read_bytes()
    parts = chunks(pem)
    assert "".join(parts).encode() == pem and len(parts) > 1
    assert all(qr_svg(part) in page for part in parts)  # each part is on the page as a code
    assert f"Part {len(parts)} of {len(parts)}" in page
    assert PASSPHRASE not in page and "the passphrase is not on this sheet" in page


def test_init_that_cannot_read_its_key_back_creates_nothing(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from kiosk.central.campaign import find_campaign
    from kiosk.central.db import open_database
    from kiosk.files import atomic

    real_write = atomic.write_atomic

    def flaky_disk(path: Path, data: bytes, **kw: Any) -> None:
        if path.name == keys.PRIVATE_KEY_FILE:  # a byte changed on its way to the disk
            data = _flip_in_encrypted_key(data, 1)
        real_write(path, data, **kw)

    monkeypatch.setattr(keys, "write_atomic", flaky_disk)
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    coordinator = tmp_path / "coordinator"
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(coordinator))
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "init", *args]) == 2
    assert "did not read back correctly" in one_error_line(capsys.readouterr().err)
    assert not (coordinator / keys.PRIVATE_KEY_FILE).exists()
    assert not (coordinator / keys.PUBLIC_KEY_FILE).exists()
    engine = open_database(database_url)
    try:
        assert find_campaign(engine) is None
    finally:
        engine.dispose()


def test_init_refuses_to_put_the_private_key_in_the_servers_directory(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    server = tmp_path / "c"
    args = ["--data-dir", str(server), "--database-url", database_url, "--key-out", str(server)]
    assert main(["central", "init", *args]) == 2
    assert "belongs on the coordinator's machine" in one_error_line(capsys.readouterr().err)
    assert not (server / keys.PRIVATE_KEY_FILE).exists()


def test_init_refuses_a_short_passphrase(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "short")
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path / "coordinator"))
    args = ["--data-dir", str(tmp_path / "c"), "--database-url", database_url]
    assert main(["central", "init", *args]) == 2
    assert "at least 12" in capsys.readouterr().err
    assert not (tmp_path / "coordinator" / keys.PRIVATE_KEY_FILE).exists()


def test_init_refusing_a_short_passphrase_leaves_no_database_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    from kiosk.central.db import DATABASE_FILE

    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "short")
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path / "coordinator"))
    fast_key_files(monkeypatch)  # the refusal is what is checked here, not the key files
    data_dir = tmp_path / "c"
    assert main(["central", "init", "--data-dir", str(data_dir)]) == 2
    assert one_error_line(capsys.readouterr().err).startswith("kiosk: the passphrase is 5")
    assert list(data_dir.iterdir()) == []  # no central.sqlite3: try again as if new
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    assert main(["central", "init", "--data-dir", str(data_dir)]) == 0
    assert (data_dir / DATABASE_FILE).exists()


def test_enroll_prints_a_code_and_its_qr(
    central: Any, engine: Engine, new_kiosk: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central("enroll", "--event", "Rally", "--valid-for", "30m") == 0
    out = capsys.readouterr().out
    code = out.split("\n\n")[1].strip()
    assert "█" in out or "▀" in out  # the QR code, drawn with block characters
    kiosk = new_kiosk()
    assert enrol_with(engine, code, kiosk.device_id, kiosk.public_key_b64).event == "Rally"


def test_enroll_with_the_servers_address_prints_a_link(
    central: Any, campaign: Any, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = "https://192.168.1.20:8443"
    assert central("enroll", "--event", "Rally", "--server-url", url + "/") == 0
    out = capsys.readouterr().out
    line = next(x.strip() for x in out.splitlines() if x.strip().startswith("kiosk-enrol:"))
    link = parse_link(line)
    code = out.split("\n\n")[1].strip()
    pin = certificate_pin(tmp_path / "central" / "tls" / "server-cert.pem")
    assert link == EnrolmentLink(url, code, campaign.key_fingerprint, link_pin(pin))


def test_enroll_refuses_a_plain_http_address_off_loopback_before_spending_a_code(
    central: Any, engine: Engine, capsys: pytest.CaptureFixture[str]
) -> None:
    assert central("enroll", "--event", "Rally", "--server-url", "http://192.168.1.20:8080") == 2
    assert "only over https://" in one_error_line(capsys.readouterr().err)
    with Session(engine) as s:
        assert s.scalar(select(func.count()).select_from(EnrolmentCode)) == 0


def test_enroll_rejects_a_bad_duration(central: Any, capsys: Any) -> None:
    with pytest.raises(SystemExit) as exit_:
        central("enroll", "--event", "Rally", "--valid-for", "forever")
    assert exit_.value.code == 2
    assert "not a duration" in capsys.readouterr().err
    assert central("enroll", "--event", "Rally", "--valid-for", "90d") == 2
    assert "at most 30 days" in capsys.readouterr().err


def test_revoke(central: Any, enrolled: Any, engine: Engine, capsys: Any) -> None:
    kiosk = enrolled()
    assert central("revoke", kiosk.device_id) == 0
    assert device_status(engine)[0].revoked
    assert central("revoke", "no-such-device") == 2
    assert "no device no-such-device" in capsys.readouterr().err


def test_import_stores_good_files_reports_bad_ones_and_changes_nothing_twice(
    central: Any, enrolled: Any, tmp_path: Path, stored_counts: Any, capsys: Any
) -> None:
    kiosk = enrolled()
    good = []
    for n in (2, 3):
        signed = kiosk.batch(n)
        path = tmp_path / f"{signed.batch.batch_id}.kbatch"
        path.write_bytes(signed.to_bytes())
        good.append(path)
    bad = tmp_path / "bad.kbatch"
    bad.write_bytes(b"not a batch")
    missing = tmp_path / "missing.kbatch"
    assert central("import", good[0], bad, missing, good[1]) == 2
    captured = capsys.readouterr()
    assert "bad.kbatch: not imported: the batch is malformed" in captured.err
    assert "missing.kbatch: not imported" in captured.err
    assert captured.out.count(": imported:") == 2
    assert stored_counts() == (2, 5)
    assert central("import", *good) == 0
    assert capsys.readouterr().out.count("already stored") == 2
    assert stored_counts() == (2, 5)


def test_import_refuses_links_pipes_and_deep_nesting_and_goes_on(
    central: Any, enrolled: Any, tmp_path: Path, stored_counts: Any, capsys: Any
) -> None:
    signed = enrolled().batch(2)
    good = tmp_path / "good.kbatch"
    good.write_bytes(signed.to_bytes())
    fifo = tmp_path / "fifo.kbatch"
    os.mkfifo(fifo)
    endless = tmp_path / "zero.kbatch"
    endless.symlink_to("/dev/zero")
    nested = tmp_path / "nested.kbatch"
    deep = b"[" * 5000
    nested.write_bytes(MAGIC + struct.pack(">I", len(deep)) + deep + bytes(64))
    assert central("import", fifo, endless, nested, good) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [
        f"kiosk: {fifo}: not imported: it is not a regular file (a folder, a device or a pipe)",
        f"kiosk: {endless}: not imported: it is a symbolic link; give the file itself",
        f"kiosk: {nested}: not imported: the batch is malformed: the batch header is nested "
        "too deeply",
        "kiosk: 3 of 4 files were not imported",
    ]
    assert stored_counts() == (1, 2)


def test_status_shows_gaps_and_breaks(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    from kiosk.central.ingest import ingest

    kiosk = enrolled("Market square")
    ingest(engine, kiosk.batch(1).to_bytes())
    kiosk.batch(1)
    ingest(engine, kiosk.batch(1).to_bytes())
    kiosk.prev_hash = "e" * 64
    ingest(engine, kiosk.batch(2).to_bytes())
    assert central("status") == 0
    out = capsys.readouterr().out
    assert kiosk.device_id in out and "Market square" in out and "CHAIN PROBLEM" in out
    assert "missing batches: 2" in out and "broken chain at batches: 4" in out


def test_status_flags_a_silent_kiosk_and_a_chain_that_starts_late(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    from sqlalchemy import update
    from sqlalchemy.orm import Session

    from kiosk.central.ingest import ingest
    from kiosk.central.models import Device, utcnow

    quiet, late = enrolled("Library"), enrolled("Market")
    with Session(engine) as s, s.begin():
        s.execute(
            update(Device)
            .where(Device.id == quiet.device_id)
            .values(enrolled_at=utcnow() - timedelta(hours=3))
        )
    late.batch(1)
    late.batch(1)  # batches 1 and 2 never arrive
    ingest(engine, late.batch(2).to_bytes())
    assert central("status") == 0
    out = capsys.readouterr().out
    quiet_line = next(line for line in out.splitlines() if line.startswith(quiet.device_id))
    assert quiet_line.endswith("SILENT")
    assert "delivered nothing since it enrolled, since" in out
    assert "missing batches: 1-2 (its first delivered batch is not number 1)" in out
    assert central("status", "--silent-after", "4h") == 0
    assert "SILENT" not in capsys.readouterr().out


def test_status_shows_the_event_a_kiosk_collects_under_now(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    from kiosk.central.heartbeat import take_heartbeat

    kiosk = enrolled("Pride march")
    assert central("status") == 0
    line = next(ln for ln in capsys.readouterr().out.splitlines() if kiosk.device_id in ln)
    assert "Pride march" in line  # no heartbeat yet: the enrolment's event
    # A volunteer renamed the event on the panel; the kiosk's heartbeat carries it.
    signed = kiosk.heartbeat(event="Piazza Maggiore")
    take_heartbeat(engine, signed.to_bytes(), device_id=kiosk.device_id)
    assert central("status") == 0
    out = capsys.readouterr().out
    line = next(ln for ln in out.splitlines() if ln.startswith(kiosk.device_id))
    assert "Piazza Maggiore" in line and "Pride march" not in line
    assert "collects under 'Piazza Maggiore' (its heartbeat at " in out
    assert "enrolled for 'Pride march'" in out


def test_export_csv_round_trip(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    from kiosk.central.ingest import ingest

    kiosk = enrolled()
    records = [
        kiosk.record(email="a@example.org", last_name="-2+3"),
        kiosk.record(email="A@example.org "),
        kiosk.record(email="b@example.org", comment='He said "no",\r\nthen left'),
    ]
    ingest(engine, kiosk.batch(records).to_bytes())
    out = tmp_path / "signatures.csv"
    assert central("export", "--format", "csv", "--out", out, "--progress") == 0
    err = capsys.readouterr().err
    assert f"kiosk: exported 2 signatures to {out}; removed 1 duplicate (same e-mail" in err
    assert "export: [" in err
    assert os.stat(out).st_mode & 0o077 == 0
    with out.open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.DictReader(f))
    assert [r["signature_id"] for r in rows] == [records[0].signature_id, records[2].signature_id]
    assert rows[0]["last_name"] == "'-2+3"
    assert rows[1]["comment"] == 'He said "no",\r\nthen left'


def test_export_over_an_existing_file_makes_it_private_and_never_follows_a_link(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    from kiosk.central.ingest import ingest

    ingest(engine, enrolled().batch(2).to_bytes())
    existing = tmp_path / "shared.csv"
    existing.write_text("an older export, readable by everyone\n" * 100)
    existing.chmod(0o644)
    assert central("export", "--out", existing) == 0
    assert os.stat(existing).st_mode & 0o777 == 0o600
    assert "older export" not in existing.read_text(encoding="utf-8-sig")
    capsys.readouterr()

    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("not to be overwritten")
    link = tmp_path / "link.csv"
    link.symlink_to(elsewhere)
    assert central("export", "--out", link) == 2
    assert "is a symbolic link" in one_error_line(capsys.readouterr().err)
    assert elsewhere.read_text() == "not to be overwritten"

    fifo = tmp_path / "fifo.csv"
    os.mkfifo(fifo)
    assert central("export", "--out", fifo) == 2
    assert "not a regular file" in one_error_line(capsys.readouterr().err)


def test_export_xlsx_is_text_cells_that_keep_zeros_and_never_run(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    """What LibreOffice garbled in the CSV: an Italian postcode, UTF-8 and a formula."""
    import zipfile

    from openpyxl import load_workbook

    from kiosk.central.ingest import ingest

    kiosk = enrolled()
    records = [
        kiosk.record(email="a@example.org", postcode="00100", first_name="Zoë", country="IT"),
        kiosk.record(email="b@example.org", last_name='=HYPERLINK("http://x","y")'),
        kiosk.record(email="c@example.org", comment="+39 06 1234", postcode="01234"),
    ]
    ingest(engine, kiosk.batch(records).to_bytes())
    out = tmp_path / "signatures.xlsx"
    assert central("export", "--format", "xlsx", "--out", out) == 0
    assert "exported 3 signatures" in capsys.readouterr().err
    assert os.stat(out).st_mode & 0o077 == 0
    with zipfile.ZipFile(out) as book:
        sheet_xml = book.read("xl/worksheets/sheet1.xml").decode("utf-8")
    assert "<f>" not in sheet_xml and "<f " not in sheet_xml  # no formula in the file at all
    sheet = load_workbook(out).active
    assert sheet is not None
    rows = list(sheet.iter_rows())
    header = [c.value for c in rows[0]]
    by_name = [dict(zip(header, row, strict=True)) for row in rows[1:]]
    assert all(c.data_type == "s" for row in rows for c in row if c.value is not None)
    assert by_name[0]["postcode"].value == "00100" and by_name[2]["postcode"].value == "01234"
    assert by_name[0]["first_name"].value == "Zoë"
    assert (by_name[0]["country"].value, by_name[0]["country_name"].value) == ("IT", "Italy")
    # As typed: a text cell needs no apostrophe, and cannot run.
    assert by_name[1]["last_name"].value == '=HYPERLINK("http://x","y")'
    assert by_name[2]["comment"].value == "+39 06 1234"
    assert by_name[0]["postcode"].number_format == "@"


def test_export_xlsx_needs_a_file(central: Any, capsys: Any) -> None:
    assert central("export", "--format", "xlsx") == 2
    assert one_error_line(capsys.readouterr().err) == (
        "kiosk: --format xlsx writes a file: add --out FILE.xlsx"
    )


def test_export_counts_in_the_singular_where_there_is_one(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    from kiosk.central.ingest import ingest

    kiosk = enrolled()
    ingest(engine, kiosk.batch([kiosk.record(email="a@example.org")]).to_bytes())
    out = tmp_path / "one.csv"
    assert central("export", "--out", out) == 0
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"kiosk: exported 1 signature to {out}; removed 0 duplicates (same e-mail address, "
        "the earliest kept)"
    )


def test_central_help_is_for_coordinators(capsys: Any) -> None:
    with pytest.raises(SystemExit):
        main(["central", "--help"])
    text = capsys.readouterr().out
    assert "The coordinator's commands: create the campaign (init)" in text
    for note in ("thin shell", "FastAPI", "uvicorn", "heavy imports", "HTTP API uses"):
        assert note not in text
    with pytest.raises(SystemExit):
        main(["central", "export", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "csv (default): UTF-8 CSV for a CRM or another program; xlsx: a spreadsheet" in text


def test_serve_on_a_taken_port_says_so_and_prints_no_address(central: Any, capsys: Any) -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert central("serve", "--port", port) == 2
    err = capsys.readouterr().err
    assert one_error_line(err) == (
        f"kiosk: the central server did not start: port {port} on 127.0.0.1 is taken by another"
        " program. Stop that program, or choose another port with --port."
    )
    assert "http://" not in err


def test_export_with_the_wrong_passphrase_is_a_message(
    central: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "not the passphrase at all")
    out = tmp_path / "signatures.csv"
    assert central("export", "--out", out) == 2
    err = capsys.readouterr().err
    assert "passphrase does not open" in err and "Traceback" not in err
    assert not out.exists()


def test_export_json_to_stdout(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    import json

    from kiosk.central.ingest import ingest

    kiosk = enrolled()
    ingest(engine, kiosk.batch(2).to_bytes())
    passphrase_file = tmp_path / "pass"
    passphrase_file.write_text(PASSPHRASE + "\n")
    assert central("export", "--format", "json", "--passphrase-file", passphrase_file) == 0
    assert len(json.loads(capsys.readouterr().out)["signatures"]) == 2


def test_bad_database_url_is_a_message(tmp_path: Path, capsys: Any) -> None:
    argv = ["central", "status", "--data-dir", str(tmp_path), "--database-url", "mysql://x/y"]
    assert main(argv) == 2
    assert "SQLite or PostgreSQL" in capsys.readouterr().err


def test_enroll_valid_for_parses(central: Any) -> None:
    from kiosk.cli.central import _duration

    assert _duration("90m") == timedelta(minutes=90)
    assert _duration("7d") == timedelta(days=7)


# --- the campaign private key: each problem told apart, before the passphrase where it can be ---


def _flip_in_encrypted_key(pem: bytes, block: int) -> bytes:
    """One base64 character changed inside a block's encrypted key (not its DER structure)."""
    starts = [i for i in range(len(pem)) if pem.startswith(b"-----BEGIN ENCRYPTED", i)]
    end = pem.index(b"-----END", starts[block])
    at = end - 1
    while pem[at : at + 1] in (b"\n", b"="):
        at -= 1
    at -= 3  # a few characters before the padding: ciphertext, and bits that are all used
    return pem[:at] + (b"A" if pem[at : at + 1] != b"A" else b"B") + pem[at + 1 :]


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (
            lambda pem: _flip_in_encrypted_key(pem, 1),
            "is damaged: the passphrase is right (it opens key block 1) but key block 2 does "
            "not open. Use your backup copy of the campaign private key.",
        ),
        (
            lambda pem: pem[: len(pem) - 100],
            "is damaged: it holds 1 complete key blocks where a campaign private key has 2, and "
            "it ends in the middle of one. Use your backup copy of the campaign private key.",
        ),
        (
            lambda pem: pem.replace(b"\n", b"\n\x01", 9).replace(b"\x01", b"", 8),
            "is damaged: key block 1 is not valid base64 (a character was changed or lost).",
        ),
    ],
    ids=["flipped byte", "truncated", "not base64"],
)
def test_export_with_a_damaged_key_file_says_so(
    central: Any, tmp_path: Path, capsys: Any, damage: Any, message: str
) -> None:
    key_file = tmp_path / "coordinator" / keys.PRIVATE_KEY_FILE
    key_file.write_bytes(damage(key_file.read_bytes()))
    out = tmp_path / "signatures.csv"
    assert central("export", "--out", out) == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(f"kiosk: {key_file} {message}")
    assert "passphrase does not open" not in line
    assert not out.exists()


def test_export_with_the_wrong_passphrase_says_only_that(
    central: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "not the passphrase at all")
    assert central("export", "--out", tmp_path / "signatures.csv") == 2
    line = one_error_line(capsys.readouterr().err)
    key_file = tmp_path / "coordinator" / keys.PRIVATE_KEY_FILE
    assert line.startswith(
        f"kiosk: The passphrase does not open {key_file}: it is probably mistyped. Check it"
    )
    assert "is damaged" not in line


@pytest.mark.parametrize(
    ("contents", "message"),
    [
        (
            lambda public_pem: public_pem,
            "is not a campaign private key: it is a public key. Use the campaign private key "
            "file, made by 'kiosk keygen' or 'kiosk central init'.",
        ),
        (
            lambda public_pem: b"name,email\nZoe,zoe@example.org\n",
            "is not a campaign private key: it holds no PEM key at all. Use the campaign "
            "private key file, made by 'kiosk keygen' or 'kiosk central init'.",
        ),
    ],
    ids=["public key", "not PEM"],
)
def test_export_with_the_wrong_kind_of_file_says_so_before_asking_for_a_passphrase(
    central: Any,
    tmp_path: Path,
    campaign: CampaignInfo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
    contents: Any,
    message: str,
) -> None:
    monkeypatch.delenv("KIOSK_KEY_PASSPHRASE")  # and stdin is no terminal: it cannot be asked
    wrong = tmp_path / "some-file.pem"
    wrong.write_bytes(contents(campaign.public_key_pem.encode("ascii")))
    assert central("export", "--key", wrong, "--out", tmp_path / "signatures.csv") == 2
    assert one_error_line(capsys.readouterr().err) == f"kiosk: {wrong} {message}"


def test_export_with_another_campaigns_key_says_so_before_asking_for_a_passphrase(
    central: Any,
    tmp_path: Path,
    campaign: CampaignInfo,
    monkeypatch: pytest.MonkeyPatch,
    capsys: Any,
) -> None:
    other = CampaignPrivateKey.generate()
    other_file = tmp_path / "other-campaign-private.pem"
    other_file.write_bytes(other.to_pem(PASSPHRASE, scrypt_n=2**14))
    monkeypatch.delenv("KIOSK_KEY_PASSPHRASE")
    assert central("export", "--key", other_file, "--out", tmp_path / "signatures.csv") == 2
    line = one_error_line(capsys.readouterr().err)
    assert line.startswith(
        f"kiosk: {other_file} is the private key of campaign {other.public_key().fingerprint}, "
        f"but this server collects for campaign {campaign.key_fingerprint}"
    )
    assert "Use the private key made with this campaign" in line
