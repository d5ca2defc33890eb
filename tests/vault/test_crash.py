"""Invariant 1: a signature whose commit returned survives the process being killed.

A child process records signatures in a loop through SignatureDesk and reports each one after
`record()` returns; the test SIGKILLs it at a random moment, over and over (at least 100 times
with CI=true), checks the database after every kill, and at the end opens every stored record
with the campaign private key.
"""

from __future__ import annotations

import os
import queue
import random
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.petition.record import open_record
from kiosk.vault import VAULT_FILE, Vault

sys.path.insert(0, str(Path(__file__).parent))
from crash_child import entries

CHILD = Path(__file__).with_name("crash_child.py")
KILLS = 100 if os.environ.get("CI") == "true" else 20
TIME_LIMIT = 240.0  # seconds for the whole loop; a slow machine fails loudly, never hangs
STARTUP_KILL_SHARE = 0.15  # some kills land while the child is still opening the vault
LINE_TIMEOUT = 30.0


@dataclass
class Reported:
    """What the children said they committed: signature id -> (round, index, sequence)."""

    ids: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    device_ids: set[str] = field(default_factory=set)


class ForkServer:
    def __init__(self, data_dir: Path, key_file: Path) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, str(CHILD), str(data_dir), str(key_file)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
        self.expect("server-ready")

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            if line.endswith("\n"):  # a line cut short by the kill is not a report
                self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self) -> str:
        try:
            line = self.lines.get(timeout=LINE_TIMEOUT)
        except queue.Empty:
            raise AssertionError(f"the crash child said nothing for {LINE_TIMEOUT} s") from None
        if line is None:
            stderr = self.proc.stderr.read() if self.proc.stderr else ""
            raise AssertionError(f"the fork server ended early:\n{stderr}")
        if line.startswith("error "):
            raise AssertionError(f"the crash child failed instead of being killed: {line}")
        return line

    def expect(self, prefix: str) -> list[str]:
        line = self.next_line()
        assert line.startswith(prefix), f"expected {prefix!r}, got {line!r}"
        return line.split()

    def fork(self, round_no: int) -> int:
        assert self.proc.stdin is not None
        self.proc.stdin.write(f"fork {round_no}\n")
        self.proc.stdin.flush()
        return int(self.expect(f"forked {round_no} ")[2])

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()


def _collect_until_exit(server: ForkServer, round_no: int, reported: Reported) -> int:
    """Read the round's reports up to the server's `exited` line; returns how many were new."""
    new = 0
    while True:
        parts = server.next_line().split()
        kind, line_round = parts[0], int(parts[1])
        assert line_round == round_no, parts
        if kind == "ok":
            index, signature_id, sequence = int(parts[2]), parts[3], int(parts[4])
            assert signature_id not in reported.ids
            reported.ids[signature_id] = (round_no, index, sequence)
            new += 1
        elif kind == "ready":
            reported.device_ids.add(parts[3])
        elif kind == "exited":
            status = int(parts[2])
            assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL, (
                f"round {round_no}: the child was not killed by us (wait status {status})"
            )
            return new
        else:
            raise AssertionError(f"unexpected line {parts}")


def _check_file(path: Path, reported: Reported) -> int:
    """A bare sqlite3 look after a kill: intact, gap-free, and holding every reported id."""
    if not path.exists():
        assert not reported.ids
        return 0
    conn = sqlite3.connect(path, timeout=10)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        if "signature" not in tables:  # killed during the very first migration: all or nothing
            assert not reported.ids and tables <= {"alembic_version"}
            return 0
        rows = dict(conn.execute("SELECT id, device_seq FROM signature").fetchall())
    finally:
        conn.close()
    assert sorted(rows.values()) == list(range(1, len(rows) + 1)), "device_seq has a gap"
    missing = set(reported.ids) - set(rows)
    assert not missing, f"{len(missing)} reported signatures are gone after a kill"
    for signature_id, (_, _, sequence) in reported.ids.items():
        assert rows[signature_id] == sequence
    return len(rows)


@pytest.mark.slow
def test_reported_signatures_survive_sigkill(
    tmp_path: Path,
    appeal: Appeal,
    campaign_public_key: CampaignPublicKey,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    key_file = tmp_path / "campaign-public.pem"
    key_file.write_bytes(campaign_public_key.to_pem())
    rng = random.Random(os.environ.get("KIOSK_CRASH_SEED") or None)
    reported = Reported()
    kills = startup_kills = 0
    started = time.monotonic()

    server = ForkServer(data_dir, key_file)
    try:
        for round_no in range(KILLS):
            assert time.monotonic() - started < TIME_LIMIT, (
                f"only {kills} kills in {TIME_LIMIT} s; the machine is too slow for this test"
            )
            pid = server.fork(round_no)
            # The first round always dies young, so a kill can land in the first migration.
            if round_no == 0 or rng.random() < STARTUP_KILL_SHARE:
                time.sleep(rng.uniform(0.0, 0.08))
                startup_kills += 1
            else:
                # Wait until the child has the vault open, then let it record for a while.
                while True:
                    line = server.next_line()
                    if line.startswith(f"ok {round_no} "):
                        parts = line.split()
                        reported.ids[parts[3]] = (round_no, int(parts[2]), int(parts[4]))
                    if line.startswith(f"ready {round_no} "):
                        reported.device_ids.add(line.split()[3])
                        break
                time.sleep(rng.uniform(0.02, 0.3))
            os.kill(pid, signal.SIGKILL)
            kills += 1
            _collect_until_exit(server, round_no, reported)
            _check_file(data_dir / VAULT_FILE, reported)
    finally:
        server.close()
    elapsed = time.monotonic() - started

    assert kills == KILLS
    assert len(reported.ids) >= KILLS, "the children committed too little to prove anything"
    assert len(reported.device_ids) == 1, "the device identity changed across kills"

    vault = Vault.open(data_dir)
    try:
        rows = vault.signatures()
        assert [r.device_seq for r in rows] == list(range(1, len(rows) + 1))
        assert reported.ids.keys() <= {r.id for r in rows}
        for row in rows:
            record = open_record(
                row.sealed,
                campaign_private_key,
                appeal_id=row.appeal_id,
                signature_id=row.id,
                device_id=vault.device_id,
            )
            # Rows committed just before a kill were never reported; they must open all the same.
            round_no, index = (
                int(record.fields["first_name"][3:]),
                int(record.fields["last_name"].rsplit("-", 1)[1]),
            )
            if row.id in reported.ids:
                assert reported.ids[row.id] == (round_no, index, row.device_seq)
            expected = validate(
                appeal, entries(round_no, index), terms_accepted=True, updates_opt_in=False
            )
            assert expected.submission is not None
            assert record.fields == dict(expected.submission.fields)
            assert record.updates_opt_in is (index % 2 == 0)
        with vault.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA integrity_check").scalar() == "ok"
    finally:
        vault.close()
    print(
        f"\ncrash test: {kills} SIGKILLs ({startup_kills} during start-up), "
        f"{len(reported.ids)} reported and {len(rows)} stored signatures, {elapsed:.1f} s"
    )
