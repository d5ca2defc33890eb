"""`kiosk central erase`: a supporter's signatures leave the server and every later export, and
a batch file found later (the same records, or new ones with the same address) does not bring
them back. SQLite and PostgreSQL (CI=true)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

from cli_output import one_error_line, succeeded
from coordinator import PASSPHRASE
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from kiosk.central.ingest import ingest
from kiosk.central.ledger import LEDGER_FILE
from kiosk.central.models import StoredBatch, StoredRecord
from kiosk.protocol.batch import GENESIS_HASH, SALVAGE

SEALED_RECORD_BYTES = 8304  # one padded record without a drawing, sealed


def _stored_ids(engine: Engine) -> set[str]:
    with Session(engine) as s:
        return set(s.scalars(select(StoredRecord.id)))


def _exported(
    central: Any, tmp_path: Path, capsys: Any, *extra: str
) -> tuple[list[dict[str, str]], str]:
    out = tmp_path / "export.csv"
    note = succeeded(central, capsys, "export", "--out", out, *extra).err
    with out.open(encoding="utf-8-sig", newline="") as f:
        return list(csv.DictReader(f)), note


def test_erase_then_reimport_from_an_earlier_usb_file_stays_out(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    alice = kiosk.record(email="Alice.Smith@gmail.com", first_name="Alice")
    alice_again = kiosk.record(email="alicesmith+rally@googlemail.com", first_name="Alice")
    bob = kiosk.record(email="bob@example.org", first_name="Bob")
    first = kiosk.batch([alice, bob])
    usb_file = tmp_path / "stick" / "batch-1.kiosk-batch"  # written to a stick before upload
    usb_file.parent.mkdir()
    usb_file.write_bytes(first.to_bytes())
    ingest(engine, first.to_bytes())
    ingest(engine, kiosk.batch([alice_again]).to_bytes())

    out = succeeded(central, capsys, "erase", "--email", " ALICESMITH@gmail.com", "--dry-run").out
    assert "would erase 2 stored signatures" in out and "dry run" in out
    assert alice.signature_id in out and alice_again.signature_id in out
    assert bob.signature_id not in out and "Alice" not in out  # ids, no personal data
    assert len(_stored_ids(engine)) == 3
    ledger = tmp_path / "coordinator" / LEDGER_FILE
    assert not ledger.exists()

    assert central("erase", "--email", "alicesmith@gmail.com") == 0
    assert "2 signatures deleted from the server" in capsys.readouterr().out
    assert _stored_ids(engine) == {bob.signature_id}
    with Session(engine) as s:  # the batch rows keep their frames only: no sealed record in one
        frames = {
            b.seq: len(b.head or b"") + len(b.signature or b"")
            for b in s.scalars(select(StoredBatch))
        }
    assert set(frames) == {1, 2} and max(frames.values()) < SEALED_RECORD_BYTES
    # The ledger holds no address, only keyed hashes, and is its owner's only.
    text = ledger.read_text(encoding="ascii")
    assert "alice" not in text.casefold() and "gmail" not in text
    assert len(json.loads(text)["tags"]) == 1
    assert os.stat(ledger).st_mode & 0o077 == 0

    # The USB stick made before the erasure is found and imported: nothing comes back.
    assert central("import", usb_file) == 0
    assert "already stored" in capsys.readouterr().out
    assert _stored_ids(engine) == {bob.signature_id}
    # A salvage file of the same kiosk holding Alice's record: her record is dropped.
    salvage = kiosk.batch([alice, bob], seq=0, prev_hash=GENESIS_HASH, kind=SALVAGE)
    salvage_file = tmp_path / "stick" / "salvage.kiosk-batch"
    salvage_file.write_bytes(salvage.to_bytes())
    assert central("import", salvage_file) == 0
    assert "0 of them new here" in capsys.readouterr().out
    assert _stored_ids(engine) == {bob.signature_id}
    # A stick found later from another kiosk holds a new signature of hers (its own record
    # id): it is stored, as the server cannot know whose it is, but no export shows it.
    other = enrolled("Second rally")
    late = other.record(email="a.l.i.c.e.s.m.i.t.h@gmail.com", first_name="Alice")
    late_file = tmp_path / "stick" / "late.kiosk-batch"
    late_file.write_bytes(other.batch([late]).to_bytes())
    assert central("import", late_file) == 0
    rows, note = _exported(central, tmp_path, capsys)
    assert [r["signature_id"] for r in rows] == [bob.signature_id]
    assert "left out 1 erased signature" in note
    rows, _ = _exported(central, tmp_path, capsys, "--include-invalid")  # never brings erased
    assert [r["signature_id"] for r in rows] == [bob.signature_id]
    # A sweep deletes that late signature's ciphertext from the server too.
    swept = succeeded(central, capsys, "erase", "--sweep", "--dry-run").out
    assert f"{late.signature_id} (by the ledger)" in swept
    assert late.signature_id in _stored_ids(engine)
    assert central("erase", "--sweep") == 0
    assert _stored_ids(engine) == {bob.signature_id}


def test_erase_by_record_id_and_a_later_upload_of_it_is_dropped(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    keep, drop = kiosk.record(email="k@example.org"), kiosk.record(email="d@example.org")
    batch = kiosk.batch([keep, drop])
    ingest(engine, batch.to_bytes())
    assert central("erase", "--record", f"{kiosk.device_id}:{drop.signature_id}") == 0
    assert _stored_ids(engine) == {keep.signature_id}
    # The same record in another batch of the same device (a kiosk that re-sent it): dropped.
    again = kiosk.batch([drop])
    receipt, created = ingest(engine, again.to_bytes())
    assert created and receipt.record_count == 1
    assert _stored_ids(engine) == {keep.signature_id}
    rows, _ = _exported(central, tmp_path, capsys)
    assert [r["signature_id"] for r in rows] == [keep.signature_id]


def test_erase_by_record_id_says_what_is_not_stored_and_checks_ids_before_the_passphrase(
    central: Any,
    enrolled: Any,
    engine: Engine,
    capsys: Any,
    monkeypatch: Any,
) -> None:
    kiosk = enrolled()
    stored = kiosk.record(email="s@example.org")
    ingest(engine, kiosk.batch([stored]).to_bytes())
    later = f"{kiosk.device_id}:{kiosk.record().signature_id}"  # on a kiosk, not synced yet
    said = succeeded(central, capsys, "erase", "--record", later, "--dry-run").out
    assert "would erase 0 stored signatures\n" in said  # no colon before an empty list
    assert f"  {later} is not stored here: its id would go into the ledger" in said
    said = succeeded(central, capsys, "erase", "--record", later).out
    assert f"  {later} is not stored here: its id goes into the ledger" in said
    # A bare id that nothing stored has is refused before any passphrase is asked for.
    monkeypatch.delenv("KIOSK_KEY_PASSPHRASE")
    assert central("erase", "--record", "not-an-id") == 2
    line = one_error_line(capsys.readouterr().err)
    assert "no stored signature has id not-an-id" in line
    assert _stored_ids(engine) == {stored.signature_id}


def test_an_export_without_the_ledger_of_an_erasure_is_refused(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch([kiosk.record(email="gone@example.org")]).to_bytes())
    assert central("erase", "--email", "gone@example.org") == 0
    (tmp_path / "coordinator" / LEDGER_FILE).rename(tmp_path / "elsewhere.json")
    capsys.readouterr()
    assert central("export", "--out", tmp_path / "x.csv") == 2
    err = capsys.readouterr().err
    assert "no erasure ledger" in err and "--ledger" in err and "Traceback" not in err
    assert not (tmp_path / "x.csv").exists()
    assert (
        central("export", "--out", tmp_path / "x.csv", "--ledger", tmp_path / "elsewhere.json") == 0
    )


def test_a_damaged_or_foreign_ledger_is_a_message(
    central: Any, enrolled: Any, tmp_path: Path, capsys: Any
) -> None:
    ledger = tmp_path / "coordinator" / LEDGER_FILE
    ledger.write_text("{not json", encoding="ascii")
    capsys.readouterr()
    assert central("erase", "--email", "x@example.org") == 2
    assert "not a readable erasure ledger" in capsys.readouterr().err
    ledger.write_text(
        json.dumps(
            {"format": "kiosk-erasure-ledger/1", "campaign_key": "ab-cd", "tags": [], "records": []}
        ),
        encoding="ascii",
    )
    assert central("export", "--out", tmp_path / "x.csv") == 2
    assert "is keyed by key ab-cd, which is not among the key files given" in (
        capsys.readouterr().err
    )


def test_erase_needs_an_address_or_an_id(central: Any, capsys: Any) -> None:
    assert central("erase") == 2
    assert "--email ADDRESS, --record ID or --sweep" in capsys.readouterr().err
    assert central("erase", "--email", "not-an-address") == 2
    assert "is not an e-mail address" in capsys.readouterr().err


def test_the_ledger_key_needs_the_private_key(campaign_private_key: Any) -> None:
    """Two key files of one campaign tag alike; another campaign's key tags differently."""
    from kiosk.crypto.campaign_key import CampaignPrivateKey
    from kiosk.crypto.keyed_hash import LedgerKey

    same = CampaignPrivateKey.from_pem(
        campaign_private_key.to_pem(PASSPHRASE, scrypt_n=2**14), PASSPHRASE, "k"
    )
    address = "alice@example.org"
    assert LedgerKey.of(same).tag(address) == LedgerKey.of(campaign_private_key).tag(address)
    assert LedgerKey.of(CampaignPrivateKey.generate()).tag(address) != LedgerKey.of(same).tag(
        address
    )


def test_a_thief_with_the_servers_database_after_an_erasure_learns_no_address(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path
) -> None:
    """Every table, every column, as text: neither the address nor the ledger's tag for it."""
    from sqlalchemy import inspect, text

    kiosk = enrolled()
    ingest(engine, kiosk.batch([kiosk.record(email="Zyxwq.Quorbl@gmail.com")]).to_bytes())
    assert central("erase", "--email", "zyxwq.quorbl@gmail.com") == 0
    [tag] = json.loads((tmp_path / "coordinator" / LEDGER_FILE).read_text("ascii"))["tags"]
    dump = []
    with engine.connect() as conn:
        for table in inspect(engine).get_table_names():
            for row in conn.execute(text(f'SELECT * FROM "{table}"')):
                dump.extend(v.hex() if isinstance(v, bytes) else str(v) for v in row)
    blob = "\n".join(dump).casefold()
    assert "zyxwq" not in blob and "quorbl" not in blob and tag not in blob
    assert kiosk.device_id in blob  # the dump did read the tables


def test_a_thief_with_the_ledger_and_a_list_of_addresses_confirms_none(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, campaign_public_key: Any
) -> None:
    """Without the unlocked private key, the guesses an attacker can make all miss: the plain
    and canonical address hashed, or keyed with anything public (the key's fingerprint, the
    public key file)."""
    import hashlib
    import hmac

    erased = "ada.lovelace@gmail.com"
    assert central("erase", "--email", erased) == 0
    tags = set(json.loads((tmp_path / "coordinator" / LEDGER_FILE).read_text("ascii"))["tags"])
    public = [campaign_public_key.fingerprint.encode(), campaign_public_key.to_pem()]
    for guess in (erased, "adalovelace@gmail.com", "Ada.Lovelace@gmail.com"):
        data = guess.encode()
        attempts = {hashlib.sha256(data).hexdigest(), hashlib.sha3_256(data).hexdigest()}
        attempts |= {hmac.new(k, data, hashlib.sha256).hexdigest() for k in public}
        assert not attempts & tags
    assert len(tags) == 1


def test_a_ledger_that_cannot_be_written_erases_nothing(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    kiosk = enrolled()
    ingest(engine, kiosk.batch([kiosk.record(email="stay@example.org")]).to_bytes())
    capsys.readouterr()
    nowhere = tmp_path / "no" / "such" / "dir" / LEDGER_FILE
    assert central("erase", "--email", "stay@example.org", "--ledger", nowhere) == 2
    err = capsys.readouterr().err
    assert "cannot write the erasure ledger" in err and "nothing was erased" in err
    assert "Traceback" not in err and len(_stored_ids(engine)) == 1


def test_erase_says_how_many_records_it_could_not_check(
    central: Any, enrolled: Any, engine: Engine, capsys: Any
) -> None:
    from sqlalchemy import update

    kiosk = enrolled()
    damaged = kiosk.record(email="who@example.org")
    ingest(engine, kiosk.batch([damaged, kiosk.record(email="other@example.org")]).to_bytes())
    with Session(engine) as s, s.begin():
        s.execute(
            update(StoredRecord)
            .where(StoredRecord.id == damaged.signature_id)
            .values(sealed=b"\x00" * 8304)
        )
    out, err = succeeded(
        central, capsys, "erase", "--email", "who@example.org", "--dry-run", "--progress"
    )
    assert "erase: opening: [" in err and "2/2 records" in err
    assert "would erase 0 stored signatures" in out
    assert "1 stored record did not open, so could not be checked by address" in out


def test_a_coordinator_keyed_ledger_tags_need_that_private_key() -> None:
    from kiosk.crypto.device_key import DeviceKey
    from kiosk.crypto.keyed_hash import LedgerKey

    signing = DeviceKey.generate()
    again = DeviceKey.from_pem(signing.to_pem(), "the same key")
    address = "alice@example.org"
    assert LedgerKey.of_coordinator(signing).tag(address) == LedgerKey.of_coordinator(again).tag(
        address
    )
    assert LedgerKey.of_coordinator(DeviceKey.generate()).tag(address) != LedgerKey.of_coordinator(
        signing
    ).tag(address)
    assert LedgerKey.of_coordinator(signing).fingerprint.startswith("coordinator ")


def test_a_ledger_whose_campaign_key_is_destroyed_keeps_its_ids(
    engine: Engine,
    campaign: Any,
    campaign_private_key: Any,
    tmp_path: Path,
    monkeypatch: Any,
    capsys: Any,
) -> None:
    """A ledger keyed by a campaign key (no coordinator signing key at hand) once that key is
    destroyed: its ids still apply, its addresses cannot be checked, nothing can be added."""
    import argparse

    import pytest

    from kiosk.central.keyring import Keyring
    from kiosk.central.ledger import new_ledger
    from kiosk.cli.central_review import coordinator_ledger
    from kiosk.crypto.keyed_hash import LedgerKey
    from kiosk.errors import UsageError
    from kiosk.protocol.keyset import KeyEntry

    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path))  # no coordinator signing key
    made = new_ledger(tmp_path / LEDGER_FILE, LedgerKey.of(campaign_private_key))
    made.tags.add(made.tag("gone@example.org"))
    made.records.add(("device-1", "record-1"))
    made.save()
    fingerprint = campaign_private_key.public_key().fingerprint
    keyring = Keyring({}, {fingerprint: KeyEntry(1, fingerprint, "destroyed")})
    args = argparse.Namespace(ledger=None, key=None, passphrase_file=None)
    ledger = coordinator_ledger(args, engine, keyring)
    assert "which is destroyed: its erased signature ids still apply" in capsys.readouterr().err
    assert ledger.holds("device-1", "record-1", "")
    assert not ledger.holds("device-2", "record-2", "gone@example.org")
    with pytest.raises(UsageError, match="nothing more can be added"):
        ledger.tag("new@example.org")
