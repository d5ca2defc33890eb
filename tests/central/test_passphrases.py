"""A rotated campaign whose two key files have different passphrases exports in one command:
every passphrase given is tried on every key file (--passphrase-file once per passphrase), and
on a terminal each key that none opens is asked for by its id, once; a coordinator who keeps
one passphrase types it once, for the key files and the coordinator signing key alike. Real
`init` and `key rotate`, SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import csv
import io
import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from coordinator import fast_key_files
from enrolment_requests import enrol_with
from sqlalchemy import Engine
from terminal import KIOSK, Terminal

from kiosk.central.db import open_database
from kiosk.central.enrolment import issue_code
from kiosk.central.ingest import ingest
from kiosk.central.keyring import public_key_name
from kiosk.cli.main import main
from kiosk.files import keys

FIRST = "first passphrase of the campaign"
SECOND = "second passphrase, after the rotation"


@pytest.fixture
def rotated(
    tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch, new_kiosk: Any
) -> tuple[Any, Path, list[str]]:
    """`init` under FIRST, then `key rotate --new-passphrase-file` under SECOND, and one
    signature sealed to each key; (run a central command, the coordinator's directory, the
    two signature ids)."""
    key_dir = tmp_path / "coordinator"
    data_dir = tmp_path / "central"
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(key_dir))
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", FIRST)
    monkeypatch.setattr("sys.stdin", io.StringIO(""))  # not a terminal
    fast_key_files(monkeypatch)

    def run(*argv: str | Path) -> int:
        common = ["--data-dir", str(data_dir), "--database-url", database_url]
        return main(["central", str(argv[0]), *common, *map(str, argv[1:])])

    assert run("init") == 0
    second_file = tmp_path / "second.txt"
    second_file.write_text(SECOND + "\n", "utf-8")
    engine: Engine = open_database(database_url)
    try:
        kiosk = new_kiosk()
        enrol_with(
            engine,
            issue_code(engine, "Rally", timedelta(hours=1)).code,
            kiosk.device_id,
            kiosk.public_key_b64,
        )
        ids = []
        for key_id in (1, 2):
            if key_id == 2:
                assert run("key", "rotate", "--new-passphrase-file", second_file) == 0
            kiosk.campaign_key = keys.load_public_key(key_dir / public_key_name(key_id))
            record = kiosk.record(email=f"signer{key_id}@example.org")
            ingest(engine, kiosk.batch([record]).to_bytes())
            ids.append(record.signature_id)
    finally:
        engine.dispose()
    return run, key_dir, ids


def _ids(path: Path) -> list[str]:
    with path.open(encoding="utf-8-sig", newline="") as f:
        return [row["signature_id"] for row in csv.DictReader(f)]


def test_each_passphrase_file_is_tried_on_every_key(
    rotated: tuple[Any, Path, list[str]], tmp_path: Path, capsys: Any
) -> None:
    run, _key_dir, ids = rotated
    out = tmp_path / "export.csv"
    capsys.readouterr()
    # One passphrase given, a key under another: refused, saying which key and what to do.
    assert run("export", "--out", out) == 2
    err = capsys.readouterr().err
    assert "campaign-private-2.pem" in err and "campaign key 2 (" in err
    assert "one more --passphrase-file FILE" in err and "Traceback" not in err
    first_file = tmp_path / "first.txt"
    first_file.write_text(FIRST, "utf-8")
    second_file = tmp_path / "second.txt"
    for order in ((first_file, second_file), (second_file, first_file)):
        given = [arg for f in order for arg in ("--passphrase-file", str(f))]
        assert run("export", "--out", out, *given) == 0
        assert sorted(_ids(out)) == sorted(ids)  # sealed to key 1 and to key 2, both open
    assert "exported 2 signatures" in capsys.readouterr().err


def test_on_a_terminal_each_key_is_asked_for_by_its_id_once(
    rotated: tuple[Any, Path, list[str]], tmp_path: Path, database_url: str
) -> None:
    _run, key_dir, ids = rotated
    out = tmp_path / "export.csv"
    env = {k: v for k, v in os.environ.items() if k != "KIOSK_KEY_PASSPHRASE"}
    env["KIOSK_COORDINATOR_DIR"] = str(key_dir)
    argv = [*KIOSK, "central", "export", "--out", str(out), "--workers", "1"]
    argv += ["--data-dir", str(tmp_path / "central"), "--database-url", database_url]
    term = Terminal(argv, env)
    term.expect(r"Passphrase for campaign key 1 \([0-9a-f-]+\) \(\S+campaign-private\.pem\): ")
    term.type(FIRST)
    term.expect(r"The passphrase does not open campaign key 2 \([0-9a-f-]+\) "
                r"\(\S+campaign-private-2\.pem\)\. Its passphrase: ")  # fmt: skip
    term.type("a mistyped one")
    term.expect(r"That does not open campaign key 2 \([0-9a-f-]+\) either; try again: ")
    term.type(SECOND)
    assert term.wait() == 0, term.screen
    # the coordinator signing key (the erasure ledger's) opened with FIRST, not asked again
    assert term.screen.count("Passphrase for") == 1 and "signing key" not in term.screen
    assert "exported 2 signatures" in term.screen
    assert sorted(_ids(out)) == sorted(ids)
