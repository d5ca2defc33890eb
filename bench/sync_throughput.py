"""Sync throughput: one kiosk's signatures to the real central server over loopback, the
server's ingest next to a raw-insert floor measured in the same run, and the coordinator's export.

    .venv/bin/python bench/sync_throughput.py [--n 10000] [--export-n 100000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test] [--profile]

For each database (SQLite in a temp dir always; PostgreSQL too with --database-url, in
throwaway schemas that are dropped afterwards):

- whole sync: a kiosk vault holding `--n` signatures (recorded once with SignatureDesk.record,
  a real HPKE seal and durable commit each; that fill is timed apart) is copied, enrolled with
  the real enrolment call, and synced with SyncWorker.run_once(force=True) to the real server
  (uvicorn on 127.0.0.1, an ephemeral port): closing the batches, uploading, acknowledging.
  Batches have the default size (SyncSettings.batch_size). Also printed: the process's CPU
  time during the sync (kiosk and server threads together), which a busy machine inflates less
  than the elapsed time.
- ingest: the same envelopes, taken from the kiosk vault, fed to kiosk.central.ingest.ingest in
  a fresh database of the same kind; interleaved batch by batch with
- the floor: the same rows (each batch row with its envelope's frame, and its records) inserted raw
  through the DBAPI into a third fresh database with the same schema: plain INSERTs, one
  transaction per batch (executemany for the records), same durability settings. The ratio is
  the ingest's rate over the floor's; goal: at least 0.5.
- export: `--export-n` sealed signatures (made quickly, not timed) stored through ingest in
  batches of 1000, then kiosk.central.export.export to CSV (into a discarding sink), with the
  campaign private key read from a key file with scrypt n=2**14.

Goals: the whole sync of 10,000 in under 5 s; ingest at least half the floor's rate.
"""

from __future__ import annotations

import argparse
import base64
import cProfile
import pstats
import secrets
import shutil
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, func, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from kiosk.central.api import create_app
from kiosk.central.campaign import create_campaign
from kiosk.central.db import open_database
from kiosk.central.enrolment import enrol as central_enrol
from kiosk.central.enrolment import issue_code
from kiosk.central.export import export
from kiosk.central.ingest import ingest
from kiosk.central.models import StoredRecord
from kiosk.central.ratelimit import MAX_RECORDS_PER_HOUR, Limiter, Limits, Rate
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.enrolment_mac import REQUEST_CONTEXT, CodeKeys
from kiosk.desks.signing import SignatureDesk
from kiosk.files import keys
from kiosk.petition.appeal import DEFAULT_APPEAL, Appeal, load_bundled_appeal
from kiosk.petition.form import validate
from kiosk.petition.record import SignatureRecord
from kiosk.protocol import batch as batch_format
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import enrol
from kiosk.sync.service import closer_for
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox

SYNC_GOAL_SECONDS = 5.0
INGEST_GOAL_RATIO = 0.5
CLOSE_GOAL_MS = 0.1
EXPORT_BATCH = 1000
PASSPHRASE = "bench passphrase"
ENTRIES = {
    "first_name": "Amira",
    "last_name": "Haddad-Lindqvist",
    "email": "amira.haddad@example.org",
    "postcode": "10115",
    "country": "Germany",
    "comment": "No one should be persecuted for who they are. Please act now.",
}


def appeal_toml() -> str:
    return files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")


@dataclass
class Result:
    database: str
    fill_s: float = 0.0
    close_s: float = 0.0
    upload_s: float = 0.0
    sync_cpu_s: float = 0.0  # the process's CPU time (kiosk and server threads) for the sync
    batches: int = 0
    ingest_s: float = 0.0
    floor_s: float = 0.0
    export_s: float = 0.0
    export_rows: int = 0
    wire_bytes: int = 0  # the envelopes' bytes, each sent once
    sealed_bytes: int = 0  # the sealed records' own bytes
    server_disk_bytes: int = 0  # the server's batch and record tables with their indexes
    kiosk_disk_bytes: int = 0  # the vault's signatures, membership and frames, acknowledged


class Databases:
    """Fresh, migrated databases of one kind: files in a directory, or PostgreSQL schemas."""

    def __init__(self, url: str | None, work: Path) -> None:
        self.url = url
        self.work = work
        self.kind = "SQLite" if url is None else make_url(url).get_backend_name()
        self._schemas: list[str] = []
        self._admin = None if url is None else create_engine(url, isolation_level="AUTOCOMMIT")

    def fresh(self, name: str) -> Engine:
        if self._admin is None:
            return open_database(f"sqlite+pysqlite:///{self.work / (name + '.sqlite3')}")
        schema = f"bench_{name}_{uuid.uuid4().hex[:8]}"
        with self._admin.connect() as conn:
            conn.execute(text(f"CREATE SCHEMA {schema}"))
        self._schemas.append(schema)
        assert self.url is not None
        sep = "&" if "?" in self.url else "?"
        return open_database(f"{self.url}{sep}options=-csearch_path%3D{schema}")

    def drop(self) -> None:
        if self._admin is None:
            return
        with self._admin.connect() as conn:
            for schema in self._schemas:
                conn.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
        self._admin.dispose()


def central(engine: Engine, public_key: CampaignPublicKey) -> None:
    # One kiosk's whole backlog in one go: above the default hourly quota of 5,000 records,
    # which is a limit per device and not what this measures.
    create_campaign(engine, public_key, appeal_toml(), records_per_hour=MAX_RECORDS_PER_HOUR)


def enrol_device(engine: Engine, device_id: str, public_bytes: bytes) -> None:
    code = issue_code(engine, "Bench", timedelta(hours=1)).code
    keys = CodeKeys.derive(code)
    request: dict[str, object] = {
        "code_id": keys.code_id,
        "device_id": device_id,
        "device_public_key": base64.b64encode(public_bytes).decode("ascii"),
        "nonce": secrets.token_hex(16),
    }
    central_enrol(engine, request, keys.mac(REQUEST_CONTEXT, request))


def fill_vault(data_dir: Path, public_key: CampaignPublicKey, n: int) -> float:
    """n signatures through SignatureDesk.record, each sealed and durably committed."""
    appeal = load_bundled_appeal()
    result = validate(appeal, ENTRIES, terms_accepted=True, updates_opt_in=True)
    assert result.submission is not None, result.errors
    vault = Vault.open(data_dir)
    try:
        desk = SignatureDesk(appeal, vault, public_key)
        start = time.perf_counter()
        for _ in range(n):
            desk.record(result.submission)
        return time.perf_counter() - start
    finally:
        vault.close()


@contextmanager
def profiled(enabled: bool, title: str) -> Iterator[None]:
    if not enabled:
        yield
        return
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        yield
    finally:
        profiler.disable()
        print(f"\n{title} (this thread only; cumulative):")
        pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(20)


def whole_sync(
    dbs: Databases, template: Path, public_key: CampaignPublicKey, n: int, result: Result, *,
    profile: bool,
) -> list[bytes]:  # fmt: skip
    """Sync the filled vault to a real server; returns the envelopes it sent, in order."""
    data_dir = dbs.work / f"kiosk-{dbs.kind}"
    shutil.copytree(template, data_dir)
    engine = dbs.fresh("sync")
    central(engine, public_key)
    vault = Vault.open(data_dir)
    try:
        # A backlog of 100,000 goes up in 200 requests: above the per-device upload rate
        # (60 a minute), which is the limit doing its job and not what this measures.
        limiter = Limiter(Limits(uploads_per_device=Rate(100_000, 60)))
        with ServerThread(create_app(engine, limiter=limiter)) as server:
            state = enrol(
                vault, data_dir, issue_code(engine, "Bench", timedelta(hours=1)).code, server.url
            )
            settings = SyncSettings()
            closer = closer_for(vault, state, settings)
            client = CentralClient(server.url, receipt_key=state.receipt_key)
            worker = SyncWorker(vault, closer, client, settings)
            with profiled(profile, f"whole sync on {dbs.kind}"):
                cpu = time.process_time()
                start = time.perf_counter()
                closer.close_all()
                closed = time.perf_counter()
                outcome = worker.run_once(force=True)
                done = time.perf_counter()
                result.sync_cpu_s = time.process_time() - cpu
            worker.stop()
        assert outcome is Outcome.DONE, worker.board.current.last_error
        assert outbox.backlog(vault).waiting_total == 0
        with Session(engine) as s:
            stored = s.scalar(select(func.count()).select_from(StoredRecord))
        assert stored == n, (stored, n)
        result.close_s, result.upload_s = closed - start, done - closed
        envelopes = _envelopes(vault)
        result.batches = len(envelopes)
        result.wire_bytes = sum(len(e) for e in envelopes)
        result.sealed_bytes = sum(
            len(r.sealed) for e in envelopes for r in batch_format.parse(e).batch.records
        )
        result.server_disk_bytes = server_bytes(engine)
        vault.checkpoint()
        pages = vault_pages(vault)
        result.kiosk_disk_bytes = sum(
            v for k, v in pages.items() if "signature" in k or k == "batch_envelope"
        )
        return envelopes
    finally:
        vault.close()
        engine.dispose()


@dataclass
class Closing:
    signatures: int
    batches: int
    seconds: float
    cpu_s: float
    sealed_bytes: int  # the sealed records' own bytes
    disk_bytes: int  # the vault's pages of signatures and their membership, after closing
    envelope_bytes: int  # the closed batches' envelopes (kept until purged)


def close_run(work: Path, public_key: CampaignPublicKey, n: int) -> Closing:
    """A vault with n pending signatures (one real sealed record's bytes under n ids, stored
    in one transaction through the vault's own tables: not timed), then
    BatchCloser.close_all() with the default batch size, timed."""
    from kiosk.sync.closer import BatchCloser
    from kiosk.vault.models import SignatureBatch, StoredSignature

    appeal = load_bundled_appeal()
    result = validate(appeal, ENTRIES, terms_accepted=True, updates_opt_in=True)
    assert result.submission is not None
    data_dir = work / "close-vault"
    data_dir.mkdir()
    vault = Vault.open(data_dir)
    try:
        desk = SignatureDesk(appeal, vault, public_key)
        desk.record(result.submission)  # one real signature: its row is the model for the rest
        with vault.session() as s:
            model = s.scalars(select(StoredSignature)).one()
        rows = [
            {
                "id": str(uuid.uuid4()), "device_seq": seq, "appeal_id": model.appeal_id,
                "appeal_version": model.appeal_version, "collected_hour": model.collected_hour,
                "key_fingerprint": model.key_fingerprint, "sealed": model.sealed,
            }
            for seq in range(2, n + 1)
        ]  # fmt: skip
        with vault.session(write=True) as s:
            s.execute(StoredSignature.__table__.insert(), rows)
            s.execute(
                SignatureBatch.__table__.insert(), [{"device_seq": r["device_seq"]} for r in rows]
            )
        vault.checkpoint()
        closer = BatchCloser(
            vault, DeviceKey.generate(), batch_size=SyncSettings().batch_size,
            max_age=timedelta(minutes=10),
        )  # fmt: skip
        cpu, start = time.process_time(), time.perf_counter()
        closed = closer.close_all()
        seconds, cpu_s = time.perf_counter() - start, time.process_time() - cpu
        vault.checkpoint()
        pages = vault_pages(vault)
        return Closing(
            n, len(closed), seconds, cpu_s, n * len(model.sealed),
            pages.get("signature", 0) + pages.get("signature_batch", 0)
            + sum(v for k, v in pages.items() if k.startswith(("sqlite_autoindex_signature",
                                                                 "ix_signature"))),
            pages.get("batch_envelope", 0),
        )  # fmt: skip
    finally:
        vault.close()


def server_bytes(engine: Engine) -> int:
    """Bytes the central database gives the batch and record tables, indexes (and on
    PostgreSQL TOAST) included: SQLite's dbstat, PostgreSQL's pg_total_relation_size."""
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            query = (
                "SELECT SUM(pgsize) FROM dbstat WHERE name IN ('batch', 'record') "
                "OR name LIKE 'sqlite_autoindex_batch%' OR name LIKE 'sqlite_autoindex_record%' "
                "OR name LIKE 'ix_record%' OR name LIKE 'ix_batch%'"
            )
        else:
            query = "SELECT pg_total_relation_size('batch') + pg_total_relation_size('record')"
        return int(conn.scalar(text(query)) or 0)


def vault_pages(vault: Vault) -> dict[str, int]:
    """Bytes of pages per table and index of the vault's file (SQLite's dbstat)."""
    with vault.session() as s:
        return {
            name: int(size)
            for name, size in s.execute(text("SELECT name, SUM(pgsize) FROM dbstat GROUP BY name"))
        }


def _envelopes(vault: Vault) -> list[bytes]:
    from kiosk.vault.models import BatchEnvelope, StoredBatch

    query = (
        select(StoredBatch.id, StoredBatch.hash)
        .join(BatchEnvelope, StoredBatch.id == BatchEnvelope.batch_id)
        .order_by(StoredBatch.seq)
    )
    with Session(vault.engine) as s:
        batches = list(s.execute(query))
    return [outbox.envelope(vault, batch_id, batch_hash) for batch_id, batch_hash in batches]


FloorRows = tuple[tuple[Any, ...], list[tuple[Any, ...]]]


def floor_rows(engine: Engine, envelope: bytes) -> FloorRows:
    """The rows ingest stores for this envelope, as the DBAPI takes them."""
    sqlite = engine.dialect.name == "sqlite"

    def when(moment: datetime) -> Any:
        naive = moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        return naive.isoformat(" ", "microseconds") if sqlite else naive

    signed = batch_format.parse(envelope)
    b = signed.batch
    head, signature = batch_format.split_envelope(envelope)
    batch_row = (
        b.batch_id, b.device_id, b.seq, signed.hash, b.prev_hash, b.appeal_id, b.appeal_version,
        when(b.created_at), head, signature, len(b.records), when(datetime.now(UTC)),
    )  # fmt: skip
    record_rows = [
        (
            b.device_id,
            r.id,
            b.batch_id,
            r.device_seq,
            when(r.collected_hour),
            r.key_fingerprint,
            r.sealed,
        )
        for r in b.records
    ]
    return batch_row, record_rows


def floor_writer(engine: Engine) -> tuple[Callable[[FloorRows], None], Callable[[], None]]:
    """Raw DBAPI inserts of one batch's rows in one transaction, into the same schema, with
    the engine's own connection settings (on SQLite: WAL, synchronous=FULL, BEGIN IMMEDIATE)."""
    sqlite = engine.dialect.name == "sqlite"
    pooled = engine.raw_connection()
    raw: Any = pooled.dbapi_connection
    param = "?" if sqlite else "%s"
    batch_sql = (
        "INSERT INTO batch (id, device_id, seq, hash, prev_hash, appeal_id, appeal_version, "
        f"created_at, head, signature, record_count, received_at) "
        f"VALUES ({', '.join([param] * 12)})"
    )
    record_sql = (
        "INSERT INTO record (device_id, id, batch_id, device_seq, collected_hour, "
        f"key_fingerprint, sealed) VALUES ({', '.join([param] * 7)})"
    )

    def write(rows: FloorRows) -> None:
        batch_row, record_rows = rows
        cursor = raw.cursor()
        if sqlite:
            cursor.execute("BEGIN IMMEDIATE")
        cursor.execute(batch_sql, batch_row)
        cursor.executemany(record_sql, record_rows)
        if sqlite:
            cursor.execute("COMMIT")
        else:
            raw.commit()
        cursor.close()

    return write, pooled.close


def ingest_vs_floor(
    dbs: Databases, envelopes: list[bytes], public_key: CampaignPublicKey, device_id: str,
    device_public: bytes, result: Result, *, profile: bool,
) -> None:  # fmt: skip
    """Interleaved, batch by batch, so both see the same disk and the same noise. The floor
    is handed its rows already decoded: parsing and checking are work it does not do."""
    ingest_db, floor_db = dbs.fresh("ingest"), dbs.fresh("floor")
    write_floor, release = floor_writer(floor_db)
    try:
        for engine in (ingest_db, floor_db):
            central(engine, public_key)
            enrol_device(engine, device_id, device_public)
        decoded = [floor_rows(floor_db, envelope) for envelope in envelopes]
        ingest_s = floor_s = 0.0
        profiler = cProfile.Profile() if profile else None
        for envelope, rows in zip(envelopes, decoded, strict=True):
            start = time.perf_counter()
            if profiler:
                profiler.enable()
            _receipt, created = ingest(ingest_db, envelope)
            if profiler:
                profiler.disable()
            ingest_s += time.perf_counter() - start
            assert created
            start = time.perf_counter()
            write_floor(rows)
            floor_s += time.perf_counter() - start
        result.ingest_s, result.floor_s = ingest_s, floor_s
        if profiler:
            print(f"\ningest on {dbs.kind} (cumulative):")
            pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(20)
    finally:
        release()
        ingest_db.dispose()
        floor_db.dispose()


def batch_format_record(
    device_id: str, appeal: Appeal, signed_at: datetime, i: int, terms: str, privacy: str,
    updates: str | None, public_key: CampaignPublicKey,
) -> batch_format.BatchRecord:  # fmt: skip
    """One signature as a kiosk seals it into a batch."""
    record = SignatureRecord(
        signature_id=str(uuid.uuid4()),
        device_id=device_id,
        appeal_id=appeal.id,
        appeal_version=appeal.version,
        language=appeal.language,
        signed_at=signed_at,
        fields={**ENTRIES, "email": f"person{i}@example.org"},
        terms_accepted=True,
        terms_sha256=terms,
        privacy_notice_sha256=privacy,
        updates_opt_in=False,
        updates_sha256=updates,
    )
    return batch_format.BatchRecord(
        record.signature_id,
        i + 1,
        signed_at.replace(minute=0, second=0),
        public_key.fingerprint,
        record.seal(public_key),
    )


def sealed_batches(public_key: CampaignPublicKey, n: int) -> tuple[DeviceKey, str, list[bytes]]:
    """n sealed signatures from one made-up kiosk, signed into batches of EXPORT_BATCH."""
    appeal = load_bundled_appeal()
    consent = appeal.consent
    device_key, device_id = DeviceKey.generate(), str(uuid.uuid4())
    terms, privacy = sha256_hex(consent.terms), sha256_hex(consent.privacy_notice)
    updates = sha256_hex(consent.updates) if consent.updates else None
    clock = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    envelopes, prev = [], batch_format.GENESIS_HASH
    for seq, first in enumerate(range(0, n, EXPORT_BATCH), start=1):
        rows = []
        for i in range(first, min(n, first + EXPORT_BATCH)):
            signed_at = clock + timedelta(seconds=i)
            rows.append(
                batch_format_record(
                    device_id, appeal, signed_at, i, terms, privacy, updates, public_key
                )
            )
        signed = batch_format.Batch(
            batch_id=str(uuid.uuid4()),
            device_id=device_id,
            seq=seq,
            prev_hash=prev,
            appeal_id=appeal.id,
            appeal_version=appeal.version,
            created_at=clock,
            records=tuple(rows),
        ).sign(device_key)
        prev = signed.hash
        envelopes.append(signed.to_bytes())
    return device_key, device_id, envelopes


class _Discard:
    def __init__(self) -> None:
        self.chars = 0

    def write(self, data: str) -> int:
        self.chars += len(data)
        return len(data)


def export_run(
    dbs: Databases, key_file: Path, public_key: CampaignPublicKey,
    made: tuple[DeviceKey, str, list[bytes]], n: int, result: Result,
) -> None:  # fmt: skip
    device_key, device_id, envelopes = made
    engine = dbs.fresh("export")
    try:
        central(engine, public_key)
        enrol_device(engine, device_id, device_key.public_bytes)
        for envelope in envelopes:
            ingest(engine, envelope)
        key = CampaignPrivateKey.from_pem(key_file.read_bytes(), PASSPHRASE, str(key_file))
        sink = _Discard()
        start = time.perf_counter()
        done = export(engine, key, "csv", sink)  # type: ignore[arg-type]
        result.export_s = time.perf_counter() - start
        result.export_rows = done.written
        assert (done.written, done.duplicates_removed, done.unreadable) == (n, 0, 0), done
    finally:
        engine.dispose()


def postgres_problem(url: str) -> str | None:
    try:
        probe = create_engine(url, connect_args={"connect_timeout": 3})
        with probe.connect() as conn:
            conn.execute(text("SELECT 1"))
        probe.dispose()
    except Exception as exc:  # any failure to connect: no PostgreSQL here
        return f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    return None


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="signatures to sync")
    parser.add_argument("--export-n", type=int, default=100_000, help="signatures to export")
    parser.add_argument(
        "--close-n", type=int, default=100_000, help="pending signatures to close into batches"
    )
    parser.add_argument("--database-url", help="also run on this PostgreSQL server")
    parser.add_argument("--dir", type=Path, help="where the files go (default: a temp dir)")
    parser.add_argument("--profile", action="store_true", help="cProfile sync and ingest")
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="syncbench-", dir=args.dir))
    private = CampaignPrivateKey.generate()
    public_key = private.public_key()
    key_file = work / "campaign-private.pem"
    key_file.write_bytes(private.to_pem(PASSPHRASE, scrypt_n=2**14))
    start = time.perf_counter()
    CampaignPrivateKey.from_pem(key_file.read_bytes(), PASSPHRASE, str(key_file))
    key_load_s = time.perf_counter() - start

    closing = close_run(work, public_key, args.close_n)
    template = work / "kiosk-template"
    template.mkdir()
    fill_s = fill_vault(template, public_key, args.n)
    start = time.perf_counter()
    made = sealed_batches(public_key, args.export_n)
    make_export_s = time.perf_counter() - start

    kinds: list[str | None] = [None]
    skipped = None
    if args.database_url:
        skipped = postgres_problem(args.database_url)
        if skipped is None:
            kinds.append(args.database_url)
    results = []
    try:
        for url in kinds:
            dbs = Databases(url, work)
            try:
                result = Result(dbs.kind, fill_s=fill_s)
                envelopes = whole_sync(
                    dbs, template, public_key, args.n, result, profile=args.profile
                )
                kiosk_dir = work / f"kiosk-{dbs.kind}"
                vault = Vault.open(kiosk_dir)
                device_id = vault.device_id
                vault.close()
                device_public = keys.load_device_key(kiosk_dir / keys.DEVICE_KEY_FILE).public_bytes
                ingest_vs_floor(
                    dbs, envelopes, public_key, device_id, device_public, result,
                    profile=args.profile,
                )  # fmt: skip
                export_run(dbs, key_file, public_key, made, args.export_n, result)
                results.append(result)
            finally:
                dbs.drop()
    finally:
        if args.dir is None:
            shutil.rmtree(work, ignore_errors=True)

    report(args.n, args.export_n, results, fill_s, make_export_s, key_load_s, skipped)
    report_closing(closing)
    return 0


def report_closing(c: Closing) -> None:
    per = c.seconds / c.signatures * 1000
    print(
        f"\nclosing {c.signatures} pending signatures into {c.batches} batches (BatchCloser."
        f"close_all, the kiosk's vault): {c.seconds:.2f} s, {c.cpu_s:.2f} s CPU, {per:.3f} ms "
        f"per signature (goal < {CLOSE_GOAL_MS} ms): "
        + ("met" if per < CLOSE_GOAL_MS else "MISSED")
    )
    print(
        f"kiosk vault on disk (dbstat): signatures, their membership and indexes "
        f"{c.disk_bytes / c.signatures:,.0f} bytes per signature for "
        f"{c.sealed_bytes / c.signatures:,.0f} sealed bytes "
        f"({c.disk_bytes / c.sealed_bytes:.2f}x); the envelopes of the closed batches "
        f"{c.envelope_bytes / c.signatures:,.0f} more until they are purged"
    )


def report(
    n: int, export_n: int, results: list[Result], fill_s: float, make_export_s: float,
    key_load_s: float, skipped: str | None,
) -> None:  # fmt: skip
    print(
        f"sync throughput: {n} signatures from one kiosk, batches of {SyncSettings().batch_size}, "
        f"to the central server on 127.0.0.1; Python {sys.version.split()[0]}, "
        f"SQLite {sqlite3.sqlite_version}"
    )
    print(
        f"(not timed below: filling the kiosk vault with SignatureDesk.record took {fill_s:.1f} s,"
        f" {n / fill_s:.0f}/s; sealing {export_n} records for the export "
        f"{make_export_s:.1f} s; loading the scrypt n=2**14 key file {key_load_s * 1000:.0f} ms)"
    )
    if skipped:
        print(f"PostgreSQL skipped: {skipped}")
    print()
    header = f"{'':44}" + "".join(f"{r.database:>14}" for r in results)
    print(header)

    def row(label: str, values: list[str]) -> None:
        print(f"{label:44}" + "".join(f"{v:>14}" for v in values))

    row("whole sync: close batches, s", [f"{r.close_s:.2f}" for r in results])
    row("whole sync: upload + acknowledge, s", [f"{r.upload_s:.2f}" for r in results])
    row("whole sync: total, s", [f"{r.close_s + r.upload_s:.2f}" for r in results])
    row("whole sync: signatures/s", [f"{n / (r.close_s + r.upload_s):,.0f}" for r in results])
    row("whole sync: CPU time (kiosk + server), s", [f"{r.sync_cpu_s:.2f}" for r in results])
    row("ingest alone (server side): s", [f"{r.ingest_s:.2f}" for r in results])
    row("ingest alone: signatures/s", [f"{n / r.ingest_s:,.0f}" for r in results])
    row("floor (raw INSERTs, 1 tx/batch): s", [f"{r.floor_s:.2f}" for r in results])
    row("floor: signatures/s", [f"{n / r.floor_s:,.0f}" for r in results])
    row(
        "ratio ingest/floor (rate; goal >= 0.5)", [f"{r.floor_s / r.ingest_s:.2f}" for r in results]
    )
    row("sealed record, bytes per signature", [f"{r.sealed_bytes / n:,.0f}" for r in results])
    row(
        "wire: envelope bytes per signature",
        [f"{r.wire_bytes / n:,.0f} ({r.wire_bytes / r.sealed_bytes:.2f}x)" for r in results],
    )
    row(
        "server disk: bytes per signature",
        [
            f"{r.server_disk_bytes / n:,.0f} ({r.server_disk_bytes / r.sealed_bytes:.2f}x)"
            for r in results
        ],
    )
    row(
        "kiosk disk: bytes per signature",
        [
            f"{r.kiosk_disk_bytes / n:,.0f} ({r.kiosk_disk_bytes / r.sealed_bytes:.2f}x)"
            for r in results
        ],
    )
    row(f"export of {export_n} to CSV: s", [f"{r.export_s:.2f}" for r in results])
    row("export: rows/s", [f"{r.export_rows / r.export_s:,.0f}" for r in results])
    print()
    for r in results:
        total = r.close_s + r.upload_s
        sync_ok = "met" if total < SYNC_GOAL_SECONDS else "MISSED"
        ratio = r.floor_s / r.ingest_s
        ingest_ok = "met" if ratio >= INGEST_GOAL_RATIO else "MISSED"
        print(
            f"{r.database}: whole sync under {SYNC_GOAL_SECONDS:.0f} s: {sync_ok} ({total:.2f} s); "
            f"ingest at least half the floor: {ingest_ok} ({ratio:.2f})"
        )


if __name__ == "__main__":
    sys.exit(main())
