"""Time from "confirm" to a durable commit, next to the floor measured in the same run.

    .venv/bin/python bench/commit_latency.py [--n 1000] [--dir DIR] [--profile]

"Confirm" is `SignatureDesk.record(submission)` with an already validated Submission; it returns
once the sealed row is committed (WAL, synchronous=FULL). The floor is what any design must pay
for the same work: one HPKE seal of a plaintext of the same (padded) size, then one raw sqlite3
BEGIN IMMEDIATE / INSERT / COMMIT of a row of the same size into a WAL, synchronous=FULL database
in the same directory. The two are interleaved, one of each per round, so both see the same
disk and the same noise. Goal: p99 of confirm-to-commit within 2x the floor's p99.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.seal import record_binding, seal
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.petition.form import Submission, validate
from kiosk.petition.record import SignatureRecord
from kiosk.vault import Vault

GOAL_RATIO = 2.0
WARM_UP = 25
ENTRIES = {
    "first_name": "Amira",
    "last_name": "Haddad-Lindqvist",
    "email": "amira.haddad@example.org",
    "postcode": "10115",
    "country": "Germany",
    "comment": "No one should be persecuted for who they are. Please act now.",
}


def _percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def _floor_db(path: Path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute(
        "CREATE TABLE signature (id TEXT PRIMARY KEY, device_seq INTEGER UNIQUE, "
        "appeal_id TEXT, appeal_version INTEGER, collected_hour TEXT, key_fingerprint TEXT, "
        "sealed BLOB)"
    )
    return conn


def _submission() -> Submission:
    result = validate(load_bundled_appeal(), ENTRIES, terms_accepted=True, updates_opt_in=True)
    assert result.submission is not None, result.errors
    return result.submission


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="signatures to time (default 1000)")
    parser.add_argument("--dir", type=Path, help="where the databases go (default: a temp dir)")
    parser.add_argument("--profile", action="store_true", help="cProfile the confirm path too")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kiosk-bench-", dir=args.dir))
    appeal = load_bundled_appeal()
    key = CampaignPrivateKey.generate().public_key()
    submission = _submission()
    (work / "vault").mkdir()
    vault = Vault.open(work / "vault")
    desk = SignatureDesk(appeal, vault, key)

    # The same plaintext size and row size as the desk produces.
    sample = SignatureRecord.from_submission(
        submission,
        appeal=appeal,
        signature_id=str(uuid.uuid4()),
        device_id=vault.device_id,
        signed_at=datetime.now(UTC),
    )
    plaintext_size = len(sample.to_bytes())
    floor_conn = _floor_db(work / "floor.sqlite3")
    hour = datetime.now(UTC).replace(minute=0, second=0, microsecond=0).isoformat()
    floor_seq = 0

    def confirm() -> None:
        desk.record(submission)

    def floor() -> None:
        nonlocal floor_seq
        floor_seq += 1
        signature_id = str(uuid.uuid4())
        plaintext = os.urandom(plaintext_size)
        sealed = seal(plaintext, key, record_binding(appeal.id, signature_id, vault.device_id))
        floor_conn.execute("BEGIN IMMEDIATE")
        floor_conn.execute(
            "INSERT INTO signature VALUES (?, ?, ?, ?, ?, ?, ?)",
            (signature_id, floor_seq, appeal.id, appeal.version, hour, key.fingerprint, sealed),
        )
        floor_conn.execute("COMMIT")

    def timed(fn: Callable[[], None]) -> float:
        start = time.perf_counter()
        fn()
        return (time.perf_counter() - start) * 1000

    for _ in range(WARM_UP):
        confirm()
        floor()
    confirm_ms: list[float] = []
    floor_ms: list[float] = []
    for _ in range(args.n):
        confirm_ms.append(timed(confirm))
        floor_ms.append(timed(floor))

    print(f"commit latency: {args.n} signatures, interleaved with the floor, in {work}")
    print(f"plaintext {plaintext_size} bytes padded from {len(sample.document_bytes())} "
          f"(petition.record.PADDED_SIZES), sealed {len(sample.seal(key))} bytes; "
          f"Python {sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}")  # fmt: skip
    print()
    print(f"{'':28} {'p50 ms':>8} {'p90 ms':>8} {'p99 ms':>8} {'max ms':>8} {'mean ms':>8}")
    rows = (("confirm -> durable commit", confirm_ms), ("floor (seal + raw commit)", floor_ms))
    for label, samples in rows:
        print(
            f"{label:28} {_percentile(samples, 50):8.2f} {_percentile(samples, 90):8.2f} "
            f"{_percentile(samples, 99):8.2f} {max(samples):8.2f} {statistics.fmean(samples):8.2f}"
        )
    p50_ratio = _percentile(confirm_ms, 50) / _percentile(floor_ms, 50)
    p99_ratio = _percentile(confirm_ms, 99) / _percentile(floor_ms, 99)
    verdict = "met" if p99_ratio <= GOAL_RATIO else "MISSED"
    print(f"{'ratio (confirm / floor)':28} {p50_ratio:8.2f} {'':8} {p99_ratio:8.2f}")
    print(f"goal: p99 within {GOAL_RATIO:.0f}x the floor: {verdict} ({p99_ratio:.2f}x)")

    if args.profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(200):
            confirm()
        profiler.disable()
        print("\nwhere the confirm path spends its time (200 calls, cumulative):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(25)

    vault.close()
    floor_conn.close()
    if args.dir is None:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
