"""Central server fixtures: a database on SQLite and on PostgreSQL, a campaign, fake kiosks.

PostgreSQL tests get a throwaway schema each (created, migrated, dropped), so tests that need
real commits from several threads still start from nothing. With CI=true an unreachable
PostgreSQL fails the run; elsewhere those tests are skipped with the reason.
"""

from __future__ import annotations

import base64
import os
import shutil
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from importlib.resources import files
from pathlib import Path
from typing import Any

import pytest
from ci import skip_unless_ci
from coordinator import PASSPHRASE
from enrolment_requests import enrol_with
from sqlalchemy import Engine, create_engine, func, select, text, update
from sqlalchemy.orm import Session

from kiosk.central.campaign import CampaignInfo, create_campaign
from kiosk.central.db import open_database
from kiosk.central.enrolment import issue_code
from kiosk.central.keyring import COORDINATOR_KEY_FILE
from kiosk.central.models import Campaign, StoredBatch, StoredRecord
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.coordinator_key import coordinator_key_to_pem
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.digest import sha256_hex
from kiosk.files import keys
from kiosk.petition.appeal import DEFAULT_APPEAL, Appeal, appeal_digest
from kiosk.petition.record import SignatureRecord
from kiosk.protocol.batch import GENESIS_HASH, Batch, BatchRecord, SignedBatch
from kiosk.protocol.heartbeat import AppealInUse, Battery, Heartbeat, SignedHeartbeat

PG_SERVER = os.environ.get(
    "KIOSK_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
_pg_unreachable: str | None = None
_pg_checked = False


def _postgres_problem() -> str | None:
    global _pg_checked, _pg_unreachable
    if not _pg_checked:
        _pg_checked = True
        try:
            probe = create_engine(PG_SERVER, connect_args={"connect_timeout": 3})
            with probe.connect() as conn:
                conn.execute(text("SELECT 1"))
            probe.dispose()
        except Exception as exc:  # any failure to connect means: no PostgreSQL here
            _pg_unreachable = f"{exc.__class__.__name__}: {str(exc).splitlines()[0]}"
    return _pg_unreachable


def appeal_toml() -> str:
    return files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database, copied for each test: migrating costs more than a copy."""
    path = tmp_path_factory.mktemp("template") / "central.sqlite3"
    open_database(f"sqlite+pysqlite:///{path}").dispose()
    return path


def _postgres_schema() -> Iterator[str]:
    """A throwaway PostgreSQL schema's URL (dropped afterwards), or a skip (a failure on CI)."""
    problem = _postgres_problem()
    if problem is not None:
        skip_unless_ci(f"PostgreSQL at {PG_SERVER} is unreachable ({problem})")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(PG_SERVER, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    try:
        yield f"{PG_SERVER}?options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


BOTH_DATABASES = ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)]


@pytest.fixture(params=BOTH_DATABASES)
def database_url(
    request: pytest.FixtureRequest, tmp_path: Path, sqlite_template: Path
) -> Iterator[str]:
    """A database migrated to the head, with nothing in it."""
    if request.param == "sqlite":
        shutil.copyfile(sqlite_template, tmp_path / "central.sqlite3")
        yield f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
        return
    yield from _postgres_schema()


@pytest.fixture(params=BOTH_DATABASES)
def blank_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database without any schema yet, for migration tests."""
    if request.param == "sqlite":
        yield f"sqlite+pysqlite:///{tmp_path / 'central.sqlite3'}"
        return
    yield from _postgres_schema()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    e = open_database(database_url)
    yield e
    e.dispose()


@pytest.fixture
def campaign(engine: Engine, campaign_public_key: CampaignPublicKey) -> CampaignInfo:
    return create_campaign(engine, campaign_public_key, appeal_toml())


class FakeKiosk:
    """Builds signed batches the way a kiosk does: sealed records, a chain, a device key."""

    def __init__(self, appeal: Appeal, key: CampaignPublicKey) -> None:
        self.appeal = appeal
        self.campaign_key = key
        self.device_key = DeviceKey.generate()
        self.device_id = str(uuid.uuid4())
        self.seq = 0
        self.prev_hash = GENESIS_HASH
        self.record_seq = 0
        self.clock = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
        self.heartbeat_seq = 0

    @property
    def public_key_b64(self) -> str:
        return base64.b64encode(self.device_key.public_bytes).decode("ascii")

    def record(self, **fields: str) -> SignatureRecord:
        self.clock += timedelta(minutes=1)
        consent = self.appeal.consent
        return SignatureRecord(
            signature_id=str(uuid.uuid4()),
            device_id=self.device_id,
            appeal_id=self.appeal.id,
            appeal_version=self.appeal.version,
            language=self.appeal.language,
            signed_at=self.clock,
            fields={"first_name": "Ada", "last_name": "Lovelace", "email": "", **fields},
            terms_accepted=True,
            terms_sha256=sha256_hex(consent.terms),
            privacy_notice_sha256=sha256_hex(consent.privacy_notice),
            updates_opt_in=False,
            updates_sha256=sha256_hex(consent.updates) if consent.updates else None,
        )

    def batch(
        self, records: list[SignatureRecord] | int = 2, *, seq: int | None = None, **changes: Any
    ) -> SignedBatch:
        """The next batch in this kiosk's chain (or any seq/prev_hash the test asks for)."""
        if isinstance(records, int):
            records = [self.record(email=f"person{i}@example.org") for i in range(records)]
        rows = []
        for r in records:
            self.record_seq += 1
            rows.append(
                BatchRecord(
                    id=r.signature_id,
                    device_seq=self.record_seq,
                    collected_hour=r.signed_at.replace(minute=0, second=0, microsecond=0),
                    key_fingerprint=self.campaign_key.fingerprint,
                    sealed=r.seal(self.campaign_key),
                )
            )
        self.seq = seq if seq is not None else self.seq + 1
        fields: dict[str, Any] = {
            "batch_id": str(uuid.uuid4()),
            "device_id": self.device_id,
            "seq": self.seq,
            "prev_hash": self.prev_hash,
            "appeal_id": self.appeal.id,
            "appeal_version": self.appeal.version,
            "created_at": self.clock.replace(microsecond=0),
            "records": tuple(rows),
        }
        fields.update(changes)
        signed = Batch(**fields).sign(self.device_key)
        self.prev_hash = signed.hash
        return signed

    def heartbeat(self, *, seq: int | None = None, **changes: Any) -> SignedHeartbeat:
        """The next heartbeat (or any seq the test asks for), signed with the device key; the
        kiosk's clock is the real one unless `clock` is given."""
        self.heartbeat_seq = seq if seq is not None else self.heartbeat_seq + 1
        fields: dict[str, Any] = {
            "device_id": self.device_id,
            "seq": self.heartbeat_seq,
            "clock": datetime.now(UTC).replace(microsecond=0),
            "app_version": "0.1.0",
            "appeal": AppealInUse(self.appeal.id, self.appeal.version, appeal_digest(self.appeal)),
            "event": "Rally",
            "pending_signatures": 0,
            "unacknowledged_batches": 0,
            "battery": Battery(80, False),
            "disk_free_bytes": 20 * 10**9,
        }
        fields.update(changes)
        return Heartbeat(**fields).sign(self.device_key)


@pytest.fixture
def new_kiosk(appeal: Appeal, campaign_public_key: CampaignPublicKey) -> type[FakeKiosk] | Any:
    return lambda: FakeKiosk(appeal, campaign_public_key)


@pytest.fixture
def enrolled(engine: Engine, campaign: CampaignInfo, new_kiosk: Any) -> Any:
    """A factory of kiosks enrolled on `engine` at the event 'Rally'."""

    def _make(event: str = "Rally") -> FakeKiosk:
        kiosk: FakeKiosk = new_kiosk()
        code = issue_code(engine, event, timedelta(hours=1)).code
        enrol_with(engine, code, kiosk.device_id, kiosk.public_key_b64)
        return kiosk

    return _make


@pytest.fixture
def stored_counts(engine: Engine) -> Any:
    """How many batches and records the database holds now."""

    def _counts() -> tuple[int, int]:
        with Session(engine) as s:
            return (
                s.scalar(select(func.count()).select_from(StoredBatch)) or 0,
                s.scalar(select(func.count()).select_from(StoredRecord)) or 0,
            )

    return _counts


@pytest.fixture
def flip_byte() -> Any:
    """One bit of the signed body flipped: still well formed, no longer what was signed."""

    def _flip(data: bytes) -> bytes:
        envelope = bytearray(data)
        envelope[envelope.index(b'"prev_hash":"') + 13] ^= 0x01  # '0' becomes '1'
        return bytes(envelope)

    return _flip


@pytest.fixture
def central(
    tmp_path: Path,
    database_url: str,
    campaign: CampaignInfo,
    campaign_private_key: CampaignPrivateKey,
    monkeypatch: pytest.MonkeyPatch,
) -> Any:
    """Runs `kiosk central COMMAND ...` on a server data dir, with the campaign's (fast) key file
    in the coordinator's directory."""
    data_dir = tmp_path / "central"
    data_dir.mkdir()
    coordinator = tmp_path / "coordinator"
    coordinator.mkdir()
    pem = campaign_private_key.to_pem(PASSPHRASE, scrypt_n=2**14)
    (coordinator / keys.PRIVATE_KEY_FILE).write_bytes(pem)
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(coordinator))

    def run(*argv: str | Path) -> int:
        common = ["--data-dir", str(data_dir), "--database-url", database_url]
        return main(["central", str(argv[0]), *common, *map(str, argv[1:])])

    return run


@pytest.fixture
def signing(central: Any, engine: Engine, tmp_path: Path) -> DeviceKey:
    """The campaign's coordinator signing key, as `init` leaves it: its file in the
    coordinator's directory (under the campaign key's passphrase), its public half on the
    server."""
    key = DeviceKey.generate()
    pem = coordinator_key_to_pem(key, PASSPHRASE, scrypt_n=2**14)
    (tmp_path / "coordinator" / COORDINATOR_KEY_FILE).write_bytes(pem)
    with Session(engine) as s, s.begin():
        s.execute(update(Campaign).values(coordinator_key=key.public_bytes))
    return key
