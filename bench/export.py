"""The coordinator's export: rows per CPU-second against the in-run floor, and wall time with
1 and N worker processes, at 10,000 and 100,000 signatures.

    .venv/bin/python bench/export.py [--sizes 10000,100000] [--workers 1,2] [--cache DIR]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

The dataset is built once per size and kept (default /tmp/kiosk-export-bench/): a SQLite
database of a campaign with 20 kiosks at 4 events, their batches of 500 and every record
sealed with the real code (SignatureRecord.seal to the campaign key: padded, HPKE), names in
several scripts, 3 % duplicates by e-mail, 30 % opted in. Batches are inserted directly, not
ingested (ingest is bench/sync_throughput.py's subject), and the envelope frame's head holds
a marker, which the export never reads. Building 100,000 takes about a minute (sealing, on
every core); it is bounded to 30 minutes and reused by later runs. With --database-url the
same rows are copied into a throwaway PostgreSQL schema too and measured there.

On the clock, for each size and database:
- floor: the same rows read raw through the DBAPI (ids, appeal and sealed bytes, one query;
  on PostgreSQL through a server-side cursor) plus one HPKE open of each with the campaign
  key, in this process: rows per CPU-second;
- export, 1 process: kiosk.central.export.export_csv into memory, with the exclusions
  the database holds, what `kiosk central export` does: rows per CPU-second (this process
  and its children, from
  getrusage), and the ratio to the floor (the goal: at least 0.85);
- export with N processes (export_csv(workers=N)): wall time, CPU, and the speed-up over 1;
- floor with N processes (the floor's rows split as the export splits them, on forked
  processes): wall time and its speed-up over the floor in one process, what this machine
  gives that work from more cores, next to which the export's own speed-up is read.
Floor and exports run in turn, --repeat times (default 3): the best of each is printed, then
each round's own ratio and speed-up (its floor and exports taken one after another), with
their median, the figure that holds up best on a host whose speed drifts.
The load average at start and end is printed: the machine is shared.
"""

from __future__ import annotations

import argparse
import io
import multiprocessing
import os
import random
import resource
import statistics
import sys
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, insert, select, text

from kiosk.central.campaign import create_campaign
from kiosk.central.db import open_database
from kiosk.central.exclusions import load_exclusions
from kiosk.central.export import export_csv
from kiosk.central.models import Campaign, Device, StoredBatch, StoredRecord
from kiosk.crypto.campaign_key import CampaignPrivateKey, LockedCampaignKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.seal import SUITE, record_binding
from kiosk.petition.appeal import DEFAULT_APPEAL, load_bundled_appeal
from kiosk.petition.record import SignatureRecord

BATCH = 500
KIOSKS = 20
EVENTS = ("Town hall", "Market square", "Pride march", "University")
NAMES = (
    ("Ada", "Lovelace", "GB"),
    ("Grace", "Hopper", "US"),
    ("محمد", "عبدالله", "EG"),
    ("דוד", "לוי", "IL"),
    ("Дмитрий", "Иванов", "RU"),
    ("王", "小明", "CN"),
    ("Zoë", "Müller", "DE"),
    ("Giulia", "Rossi", "IT"),
)
BUILD_LIMIT_S = 30 * 60
KEY_PASSPHRASE = "bench passphrase, not a secret"


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


@contextmanager
def clock() -> Iterator[dict[str, float]]:
    got: dict[str, float] = {}
    wall, cpu = time.perf_counter(), _cpu()
    yield got
    got["wall"], got["cpu"] = time.perf_counter() - wall, _cpu() - cpu


# Building the dataset.

_build_key: CampaignPrivateKey | None = None


def _batch_id(seed: int, n: int) -> str:
    """Record n's batch: each kiosk's records in batches of BATCH, in order."""
    return str(uuid.UUID(int=seed * 10**12 + (n % KIOSKS) * 10**6 + (n // KIOSKS) // BATCH))


def _seal_chunk(args: tuple[int, int, int]) -> list[dict[str, Any]]:
    """Records `start` to `stop` of the dataset, sealed (runs in a worker process)."""
    start, stop, seed = args
    key = _build_key
    assert key is not None
    appeal = load_bundled_appeal()
    public = key.public_key()
    rng = random.Random(seed * 1_000_003 + start)
    devices = [str(uuid.UUID(int=seed * 1000 + d)) for d in range(KIOSKS)]
    base = datetime(2026, 3, 1, 9, tzinfo=UTC)
    rows = []
    for n in range(start, stop):
        device = devices[n % KIOSKS]
        first, last, country = NAMES[n % len(NAMES)]
        duplicate = rng.random() < 0.03
        email = f"signer{rng.randrange(n) if duplicate and n else n}@example.org"
        signed = base + timedelta(seconds=n * 7)
        record = SignatureRecord(
            signature_id=str(uuid.UUID(int=rng.getrandbits(128), version=4)),
            device_id=device,
            appeal_id=appeal.id,
            appeal_version=appeal.version,
            language="en",
            signed_at=signed,
            fields={
                "first_name": f"{first}{n % 97}",
                "last_name": last,
                "email": email,
                "postcode": f"{n % 100000:05d}",
                "country": country,
                "comment": "" if n % 3 else "Stop the persecution now.",
            },
            terms_accepted=True,
            terms_sha256=sha256_hex(appeal.consent.terms),
            privacy_notice_sha256=sha256_hex(appeal.consent.privacy_notice),
            updates_opt_in=rng.random() < 0.3,
            updates_sha256=sha256_hex(appeal.consent.updates or ""),
        )
        rows.append(
            {
                "device_id": device,
                "id": record.signature_id,
                "batch_id": _batch_id(seed, n),
                "device_seq": n // KIOSKS + 1,
                "collected_hour": signed.replace(minute=0, second=0),
                "key_fingerprint": public.fingerprint,
                "sealed": record.seal(public),
            }
        )
    return rows


def build(path: Path, size: int) -> CampaignPrivateKey:
    """The dataset of `size` records at `path` (and its key beside it), built once."""
    global _build_key
    key_file = path.with_suffix(".key.pem")
    if path.exists() and key_file.exists():
        return LockedCampaignKey.read(key_file.read_bytes(), str(key_file)).unlock(KEY_PASSPHRASE)
    started = time.monotonic()
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(".partial")
    partial.unlink(missing_ok=True)
    key = CampaignPrivateKey.generate()
    _build_key = key
    engine = open_database(f"sqlite+pysqlite:///{partial}")
    appeal_toml = (
        Path(__file__).resolve().parent.parent / "resources" / "appeals" / DEFAULT_APPEAL
    ).read_text("utf-8")
    create_campaign(engine, key.public_key(), appeal_toml)
    seed = 1
    now = datetime(2026, 3, 1, 8, tzinfo=UTC)
    devices = [str(uuid.UUID(int=seed * 1000 + d)) for d in range(KIOSKS)]
    with engine.begin() as conn:
        conn.execute(
            insert(Device),
            [
                {
                    "id": d,
                    "public_key": bytes(32),
                    "event": EVENTS[i % len(EVENTS)],
                    "enrolled_at": now,
                }
                for i, d in enumerate(devices)
            ],
        )
    chunks = [(s, min(s + BATCH * KIOSKS, size), seed) for s in range(0, size, BATCH * KIOSKS)]
    done = 0
    batches_made: set[tuple[str, str]] = set()
    with multiprocessing.get_context("fork").Pool(os.cpu_count() or 1) as pool:
        for rows in pool.imap(_seal_chunk, chunks):
            if time.monotonic() - started > BUILD_LIMIT_S:
                pool.terminate()
                raise SystemExit(f"building {size} records took over {BUILD_LIMIT_S} s; stopped")
            new_batches = []
            for r in rows:
                if (r["device_id"], r["batch_id"]) not in batches_made:
                    batches_made.add((r["device_id"], r["batch_id"]))
                    new_batches.append(
                        {
                            "device_id": r["device_id"],
                            "id": r["batch_id"],
                            "seq": len(batches_made),
                            "hash": "0" * 64,
                            "prev_hash": "0" * 64,
                            "appeal_id": "un-chechnya-purge",
                            "appeal_version": 2,
                            "created_at": now,
                            "head": b"bench: not ingested",
                            "signature": b"",
                            "record_count": BATCH,
                            "received_at": now,
                        }
                    )
            with engine.begin() as conn:
                if new_batches:
                    conn.execute(insert(StoredBatch), new_batches)
                conn.execute(insert(StoredRecord), rows)
            done += len(rows)
            print(f"\r  building {size:,}: {done:,} sealed and stored", end="", file=sys.stderr)
    print(f" in {time.monotonic() - started:.0f} s", file=sys.stderr)
    engine.dispose()
    key_file.with_suffix(".tmp").write_bytes(key.to_pem(KEY_PASSPHRASE, scrypt_n=2**14))
    partial.rename(path)
    key_file.with_suffix(".tmp").rename(key_file)
    return key


def copy_to_postgres(source: Path, url: str) -> tuple[Engine, Callable[[], None]]:
    """The dataset in a throwaway PostgreSQL schema; returns its engine and a dropper."""
    schema = f"bench_{uuid.uuid4().hex[:12]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    engine = open_database(f"{url}?options=-csearch_path%3D{schema}")
    src = create_engine(f"sqlite+pysqlite:///{source}")
    with src.connect() as read, engine.begin() as write:
        for model in (Campaign, Device, StoredBatch, StoredRecord):
            result = read.execution_options(yield_per=5000).execute(select(model.__table__))
            for rows in result.partitions():
                write.execute(insert(model), [dict(r._mapping) for r in rows])
    src.dispose()

    def drop() -> None:
        engine.dispose()
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return engine, drop


# On the clock.


def floor(
    engine: Engine, key: CampaignPrivateKey, share: tuple[int, int] | None = None
) -> tuple[int, dict[str, float]]:
    """Rows read raw plus one HPKE open each: (rows, wall and CPU seconds). With `share`
    (part, parts), only the rows whose device_seq is `part` modulo `parts`, as the export's
    workers split them."""
    hpke_key = key.hpke_key
    raw = engine.raw_connection()
    query = (
        "SELECT r.id, r.device_id, b.appeal_id, r.sealed FROM record r "
        "JOIN batch b ON r.device_id = b.device_id AND r.batch_id = b.id"
    )
    if share is not None:
        query += f" WHERE r.device_seq % {share[1]} = {share[0]}"
    try:
        with clock() as took:
            # On PostgreSQL a named (server-side) cursor, as the export's yield_per reads: a
            # client cursor would first pull every row (760 MB at 100,000) into memory.
            on_sqlite = engine.dialect.name == "sqlite"
            cursor = raw.cursor() if on_sqlite else raw.driver_connection.cursor(name="floor")
            cursor.execute(query)
            n = 0
            while rows := cursor.fetchmany(1000):
                for record_id, device_id, appeal_id, sealed in rows:
                    SUITE.decrypt(
                        bytes(sealed),
                        hpke_key,
                        info=record_binding(appeal_id, record_id, device_id),
                    )
                    n += 1
    finally:
        raw.close()
    return n, took


# The floor's work in N processes: what this machine gives that work from more cores, so the
# export's speed-up is read against the same round's (a VM's cores are not always whole ones).
_floor_job: tuple[str, CampaignPrivateKey] | None = None


def _floor_share(share: tuple[int, int]) -> int:
    assert _floor_job is not None
    engine = create_engine(_floor_job[0])  # the parent's connections stay the parent's
    try:
        return floor(engine, _floor_job[1], share)[0]
    finally:
        engine.dispose()


def floor_parallel(engine: Engine, key: CampaignPrivateKey, workers: int) -> dict[str, float]:
    """The floor split as the export splits its rows (4 shares a process), on `workers`
    forked processes: wall and CPU seconds."""
    global _floor_job
    _floor_job = (engine.url.render_as_string(hide_password=False), key)
    parts = workers * 4
    try:
        with clock() as took, multiprocessing.get_context("fork").Pool(workers) as pool:
            pool.map(_floor_share, [(i, parts) for i in range(parts)], chunksize=1)
    finally:
        _floor_job = None
    return took


def export_once(
    engine: Engine, key: CampaignPrivateKey, workers: int
) -> tuple[int, dict[str, float]]:
    """What `kiosk central export` does for CSV (the review's exclusions read from the
    database, no erasure ledger), into memory."""
    with clock() as took:
        out = io.StringIO(newline="")
        result = export_csv(
            engine, key, out, exclusions=load_exclusions(engine, None), workers=workers
        )
    return result.written + result.duplicates_removed, took


def measure(
    name: str, engine: Engine, key: CampaignPrivateKey, workers: list[int], repeat: int
) -> None:
    """Floor and exports taken in turn, `repeat` times; the best of each is printed (a shared
    machine only ever slows a run down)."""
    floors: list[tuple[int, dict[str, float]]] = []
    floors_n: dict[int, list[dict[str, float]]] = {w: [] for w in workers[1:]}
    runs: dict[int, list[tuple[int, dict[str, float]]]] = {w: [] for w in workers}
    for _ in range(repeat):
        floors.append(floor(engine, key))
        for w in workers[1:]:
            floors_n[w].append(floor_parallel(engine, key, w))
        for w in workers:
            runs[w].append(export_once(engine, key, w))
    n = floors[0][0]
    floor_cpu = min(took["cpu"] for _, took in floors)
    floor_rate = n / floor_cpu
    print(f"  {name}: floor {floor_rate:,.0f} rows per CPU-second ({n:,} rows, {floor_cpu:.2f} s)")
    floor_wall = min(took["wall"] for _, took in floors)
    for w in workers[1:]:
        wall = min(took["wall"] for took in floors_n[w])
        print(
            f"  {name}: floor, {w} processes: {wall:.2f} s wall, speed-up over 1 process "
            f"{floor_wall / wall:.2f}x (what this machine gives the floor's work)"
        )
    first_wall: float | None = None
    for w in workers:
        rows = runs[w][0][0]
        cpu = min(took["cpu"] for _, took in runs[w])
        wall = min(took["wall"] for _, took in runs[w])
        rate = rows / cpu
        line = (
            f"  {name}: export, {w} process{'es' if w > 1 else ''}: {wall:.2f} s wall, "
            f"{cpu:.2f} CPU-s, {rate:,.0f} rows per CPU-second ({rate / floor_rate:.2f} "
            "of the floor)"
        )
        if first_wall is None:
            first_wall = wall
        else:
            line += f", speed-up over 1 process {first_wall / wall:.2f}x"
        print(line, flush=True)
    print(f"  {name}: each round on its own (its floor and exports, taken one after another):")
    for w in workers:
        ratios = [f["cpu"] / took["cpu"] for (_, f), (_, took) in zip(floors, runs[w], strict=True)]
        print(f"    ratio to the floor, {w} process{'es' if w > 1 else ''}: {_spread(ratios)}")
    for w in workers[1:]:
        ups = [
            one["wall"] / took["wall"]
            for (_, one), (_, took) in zip(runs[workers[0]], runs[w], strict=True)
        ]
        print(f"    speed-up, {w} processes over {workers[0]}: {_spread(ups)}")
        floor_ups = [
            one["wall"] / took["wall"] for (_, one), took in zip(floors, floors_n[w], strict=True)
        ]
        print(f"    the floor's own speed-up, {w} processes: {_spread(floor_ups)}")
        shares = [u / f for u, f in zip(ups, floor_ups, strict=True)]
        print(f"    the export's speed-up against the floor's: {_spread(shares)}", flush=True)


def _spread(values: list[float]) -> str:
    """The median of the rounds, and each round: this machine's speed drifts between minutes
    (its host is shared), so a round's floor and exports are compared with each other."""
    rounds = ", ".join(f"{v:.2f}" for v in values)
    return f"median {statistics.median(values):.2f} (rounds: {rounds})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--workers", default=f"1,{os.cpu_count() or 1}")
    parser.add_argument("--cache", type=Path, default=Path("/tmp/kiosk-export-bench"))
    parser.add_argument("--database-url", help="also measure on this PostgreSQL")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each (best printed)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    workers = [int(w) for w in args.workers.split(",")]
    print(
        f"load average at start: {' '.join(f'{v:.2f}' for v in os.getloadavg())}; "
        f"{os.cpu_count()} cores"
    )
    for size in sizes:
        path = args.cache / f"export-{size}.sqlite3"
        key = build(path, size)
        print(f"{size:,} records")
        engine = create_engine(f"sqlite+pysqlite:///{path}")
        measure("SQLite", engine, key, workers, args.repeat)
        engine.dispose()
        if args.database_url:
            pg, drop = copy_to_postgres(path, args.database_url)
            try:
                measure("PostgreSQL", pg, key, workers, args.repeat)
            finally:
                drop()
    print(f"load average at end: {' '.join(f'{v:.2f}' for v in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
