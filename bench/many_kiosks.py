"""Many kiosks at once: N kiosks, each with a backlog, uploading together to the real central
server (`kiosk central serve` in a child process on 127.0.0.1), on SQLite with one process and
on PostgreSQL with 1, 2 and 4 processes.

    .venv/bin/python bench/many_kiosks.py [--kiosks 20,50,200] [--per-kiosk 200]
        [--batch-size 100] [--workers 1,2,4] [--no-sqlite]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Before the clock starts: every kiosk's batches are built with the real code (records sealed to
the campaign key with SignatureRecord.seal, signed into a chain of kiosk.protocol.batch
envelopes with a device key per kiosk); then, for each configuration, a fresh database (a file
in a temp dir, or a throwaway PostgreSQL schema dropped afterwards), a campaign, the server
started as `kiosk central serve --insecure-http [--workers W]`, and each kiosk enrolled through
the MACed enrolment API (CentralClient.enrol).

On the clock: each kiosk, from its own thread and httpx client (20 s timeout, like the
kiosk's), PUTs its batches in chain order, checking each receipt's signature and that it
confirms the batch. A body of 256 KiB or more waits for a slot first, as the kiosk's client
does (POST /api/v2/upload-slots: a 503 there costs no body). A 503 or 429 is waited out for
its Retry-After and the body sent again; a
cut connection or a timeout is retried after a pause; both bounded in count and time. Printed
per configuration: signatures per second (the kiosks' signatures the server holds afterwards,
over the wall time from the start to the last kiosk's end), batch PUT p50/p99 (every answered
PUT), server CPU seconds per 1,000 signatures (every process of the server's process group,
from /proc), 503/429 answers, re-sent bodies, and the exactly-once check: every record id of
every kiosk stored once and nothing else, and kiosk.central.status.device_status showing each
chain complete and unbroken.

Floor: the same rows (the largest N's kiosks) inserted raw through the DBAPI, one transaction
per batch (bench/sync_throughput.py's floor_writer), single-threaded, into a fresh database of
each kind in the same run. Ratio (the goal's): the server's signatures per CPU-second of its
processes over the floor's per CPU-second of this process (neither counts PostgreSQL's own
backends, nor SQLite's fsync waits); beside it, over the floor's per elapsed second, which a
busy machine and the database's commit waits slow down.

Goals: 0 errors and 0 re-sent bodies at 200 kiosks on PostgreSQL; ingest per server
CPU-second at least 0.5 of the floor; 2 server processes at least 1.6x one on PostgreSQL when
the cores are free (the load average at start and end and the cores the run kept busy are
printed beside it).
"""

from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session
from sync_throughput import (
    Databases,
    appeal_toml,
    batch_format_record,
    floor_rows,
    floor_writer,
    postgres_problem,
)

from kiosk.central.campaign import create_campaign
from kiosk.central.enrolment import enrol as central_enrol
from kiosk.central.enrolment import issue_code
from kiosk.central.models import StoredRecord
from kiosk.central.ratelimit import Limits
from kiosk.central.status import device_status
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.digest import sha256_hex
from kiosk.crypto.enrolment_mac import REQUEST_CONTEXT, CodeKeys
from kiosk.errors import BadSignature, ReceiptFormatError
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.protocol import batch as batch_format
from kiosk.protocol import receipt
from kiosk.settings import SyncSettings
from kiosk.sync.client import ASK_FIRST_BYTES, CentralClient
from kiosk.sync.closer import MAX_BATCH_BYTES

INGEST_GOAL_RATIO = 0.5
WORKERS_GOAL_RATIO = 1.6
FULL_PER_KIOSK = 1000
REQUEST_TIMEOUT = SyncSettings().request_timeout.total_seconds()
MAX_ATTEMPTS = 30  # per batch: answers of 503/429, cut connections and timeouts together
ENROLMENTS_PER_ADDRESS = int(Limits().enrolments_per_address.count)
MAX_RETRY_AFTER = 30.0  # seconds; a longer Retry-After is waited this long
CUT_PAUSE = 0.5  # seconds before re-sending after a cut connection or a timeout
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0
READY = b"Application startup complete"  # uvicorn's line, once per worker process
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


@dataclass
class Kiosk:
    device_key: DeviceKey
    device_id: str
    batches: list[tuple[str, str, bytes]]  # batch id, body hash, envelope; in chain order
    record_ids: list[str]


def build_kiosks(
    public_key: CampaignPublicKey, count: int, per_kiosk: int, batch_size: int
) -> list[Kiosk]:
    """`count` kiosks, each `per_kiosk` sealed signatures in a chain of signed batches, cut as
    the kiosk's closer cuts them: at most `batch_size` records and MAX_BATCH_BYTES of envelope."""
    appeal = load_bundled_appeal()
    consent = appeal.consent
    terms, privacy = sha256_hex(consent.terms), sha256_hex(consent.privacy_notice)
    updates = sha256_hex(consent.updates) if consent.updates else None
    clock = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    kiosks = []
    for _ in range(count):
        device_key, device_id = DeviceKey.generate(), str(uuid.uuid4())
        records = [
            batch_format_record(
                device_id, appeal, clock + timedelta(seconds=20 * i), i, terms, privacy,
                updates, public_key,
            )
            for i in range(per_kiosk)
        ]  # fmt: skip
        batches, prev = [], batch_format.GENESIS_HASH
        for seq, rows in enumerate(chunks(records, batch_size), start=1):
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
            batches.append((signed.batch.batch_id, signed.hash, signed.to_bytes()))
        kiosks.append(Kiosk(device_key, device_id, batches, [r.id for r in records]))
    return kiosks


def chunks(
    records: list[batch_format.BatchRecord], batch_size: int
) -> list[list[batch_format.BatchRecord]]:
    """Consecutive runs of at most batch_size records whose envelope fits in MAX_BATCH_BYTES
    (the rule of kiosk.sync.closer.BatchCloser._chunks)."""
    out: list[list[batch_format.BatchRecord]] = [[]]
    size = 0
    for record in records:
        cost = batch_format.record_body_bytes(len(record.sealed))
        full = len(out[-1]) == batch_size
        if out[-1] and (full or batch_format.envelope_bytes(size + cost) > MAX_BATCH_BYTES):
            out.append([])
            size = 0
        out[-1].append(record)
        size += cost
    return out


# --- the server in a child process -------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@contextmanager
def server_process(
    database_url: str, data_dir: Path, workers: int, log_path: Path
) -> Iterator[tuple[subprocess.Popen[bytes], str]]:
    """`kiosk central serve --insecure-http` on 127.0.0.1, in its own process group (killed
    with it, workers and all, however the block ends)."""
    port = free_port()
    command = [
        sys.executable, "-c", "import sys; from kiosk.cli.main import main; sys.exit(main())",
        "central", "serve", "--data-dir", str(data_dir), "--database-url", database_url,
        "--host", "127.0.0.1", "--port", str(port), "--insecure-http", "--workers", str(workers),
    ]  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_until_up(process, url, workers, log_path)
            yield process, url
        finally:
            stop(process)


def wait_until_up(process: subprocess.Popen[bytes], url: str, workers: int, log: Path) -> None:
    """Until the health check answers and (with workers) every worker process has started."""
    deadline = time.monotonic() + START_TIMEOUT
    with httpx.Client(base_url=url, timeout=2.0) as http:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"the server exited: {log.read_text(errors='replace')[-800:]}")
            try:
                up = http.get("/api/v2/health").status_code == 200
            except httpx.TransportError:
                up = False
            if up and (workers == 1 or log.read_bytes().count(READY) >= workers):
                return
            time.sleep(0.1)
    raise RuntimeError(f"the server did not start in {START_TIMEOUT:.0f} s")


def stop(process: subprocess.Popen[bytes]) -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            continue
        # the group may outlive its leader for a moment (workers shutting down)
        with suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


def group_cpu(pgid: int) -> float:
    """CPU seconds (user + system, reaped children included) of every process in the group."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:  # the process ended meanwhile
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        if int(fields[2]) == pgid:
            total += sum(int(v) for v in fields[11:15])
    return total / CLOCK_TICKS


def group_rss(pgid: int) -> int:
    """Resident bytes of every process in the group now (VmRSS)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            if int(stat[stat.rindex(")") + 2 :].split()[2]) != pgid:
                continue
            status = Path(f"/proc/{entry}/status").read_text()
        except (OSError, ValueError):  # the process ended meanwhile
            continue
        for line in status.splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1]) * 1024
    return total


@contextmanager
def peak_rss(pgid: int, every: float = 0.5) -> Iterator[list[int]]:
    """The group's largest resident size seen, sampled every `every` s while the block runs."""
    peak = [group_rss(pgid)]
    done = threading.Event()

    def sample() -> None:
        while not done.wait(every):
            peak[0] = max(peak[0], group_rss(pgid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    try:
        yield peak
    finally:
        done.set()
        sampler.join(timeout=5)


def idle_seconds() -> float:
    """The machine's idle CPU seconds since boot, all cores together (/proc/stat)."""
    with open("/proc/stat") as stat:
        fields = stat.readline().split()
    return (int(fields[4]) + int(fields[5])) / CLOCK_TICKS  # idle + iowait


# --- kiosks uploading ----------------------------------------------------------------------


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    overloaded: Counter[int] = field(default_factory=Counter)  # 503 and 429 answers
    resent: int = 0
    cuts: int = 0
    timeouts: int = 0
    already_stored: int = 0  # 200 answers: the batch was stored by an earlier attempt
    asked_to_wait: int = 0  # slot requests answered 503/429: no body was sent
    asked_429: int = 0  # of those, 429: a per-address limit
    errors: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.latencies += other.latencies
        self.overloaded += other.overloaded
        self.resent += other.resent
        self.cuts += other.cuts
        self.timeouts += other.timeouts
        self.already_stored += other.already_stored
        self.asked_to_wait += other.asked_to_wait
        self.asked_429 += other.asked_429
        self.errors += other.errors


def retry_after(response: httpx.Response) -> float:
    try:
        return min(MAX_RETRY_AFTER, max(0.0, float(response.headers.get("Retry-After", "1"))))
    except ValueError:
        return 1.0


def venue_address(i: int) -> str:
    """The loopback address (all of 127/8 is loopback) of kiosk `i`'s venue: one for every
    ENROLMENTS_PER_ADDRESS kiosks, as kiosks at one rally sit behind one NAT. The server
    limits enrolments and upload requests per client address."""
    high, low = divmod(i // ENROLMENTS_PER_ADDRESS, 250)
    return f"127.1.{high}.{low + 1}"


def upload_chain(
    kiosk: Kiosk, url: str, receipt_key: bytes, start: threading.Barrier, deadline: float,
    tally: Tally, address: str,
) -> None:  # fmt: skip
    timeout = httpx.Timeout(REQUEST_TIMEOUT, connect=5.0)
    # One client, so the slot request and its PUT share a kept-alive connection and reach the
    # same server process, as with the kiosk's own client (a slot is held by one process).
    transport = httpx.HTTPTransport(local_address=address)
    with httpx.Client(base_url=url, timeout=timeout, transport=transport) as http:
        start.wait(timeout=START_TIMEOUT)
        for batch_id, batch_hash, envelope in kiosk.batches:
            sent = 0
            for _ in range(MAX_ATTEMPTS * 10):
                if time.monotonic() > deadline:
                    tally.errors.append("out of time")
                    return
                if sent == MAX_ATTEMPTS:
                    tally.errors.append(f"gave up after {MAX_ATTEMPTS} bodies sent")
                    return
                headers = {"Content-Type": batch_format.MEDIA_TYPE}
                if len(envelope) >= ASK_FIRST_BYTES:  # as the kiosk's client asks first
                    try:
                        asked = http.post("/api/v2/upload-slots")
                    except httpx.TransportError:
                        tally.cuts += 1
                        time.sleep(CUT_PAUSE)
                        continue
                    if asked.status_code in (429, 503):
                        tally.asked_to_wait += 1
                        tally.asked_429 += asked.status_code == 429
                        time.sleep(retry_after(asked))
                        continue
                    if asked.status_code == 201:
                        headers[batch_format.UPLOAD_SLOT_HEADER] = asked.json()["slot"]
                tally.resent += sent > 0
                sent += 1
                began = time.perf_counter()
                try:
                    response = http.put(
                        f"/api/v2/batches/{batch_id}", content=envelope, headers=headers
                    )
                except httpx.TimeoutException:
                    tally.timeouts += 1
                    time.sleep(CUT_PAUSE)
                    continue
                except httpx.TransportError:
                    tally.cuts += 1
                    time.sleep(CUT_PAUSE)
                    continue
                tally.latencies.append(time.perf_counter() - began)
                if response.status_code in (429, 503):
                    tally.overloaded[response.status_code] += 1
                    time.sleep(retry_after(response))
                    continue
                if response.status_code not in (200, 201):
                    tally.errors.append(f"HTTP {response.status_code}: {response.text[:200]}")
                    return
                problem = receipt_problem(response, receipt_key, batch_id, batch_hash)
                if problem:
                    tally.errors.append(problem)
                    return
                tally.already_stored += response.status_code == 200
                break
            else:
                tally.errors.append(f"gave up after {MAX_ATTEMPTS * 10} tries")
                return


def receipt_problem(
    response: httpx.Response, receipt_key: bytes, batch_id: str, batch_hash: str
) -> str | None:
    try:
        signed = receipt.parse(response.json())
        signed.verify(receipt_key)
    except (ValueError, ReceiptFormatError, BadSignature) as exc:
        return f"bad receipt: {exc}"
    if not signed.receipt.confirms(batch_id, batch_hash):
        return "a receipt for another batch"
    return None


# --- one configuration ---------------------------------------------------------------------


@dataclass
class Run:
    database: str
    workers: int
    kiosks: int
    signatures: int
    wall_s: float = 0.0
    server_cpu_s: float = 0.0
    bench_cpu_s: float = 0.0  # this process: the kiosks' threads
    idle_s: float = 0.0  # the machine's idle CPU seconds during the upload, all cores
    load_before: float = 0.0
    tally: Tally = field(default_factory=Tally)
    check: list[str] = field(default_factory=list)  # exactly-once problems; empty: all well
    stored: int = 0  # the kiosks' signatures the server holds afterwards
    server_rss: int = 0  # the server's peak resident bytes, all its processes

    @property
    def rate(self) -> float:
        return self.stored / self.wall_s

    def percentile(self, q: float) -> float:
        values = sorted(self.tally.latencies)
        if not values:
            return float("nan")
        return values[min(len(values) - 1, round(q * (len(values) - 1)))]


def run_configuration(
    dbs: Databases, name: str, kiosks: list[Kiosk], public_key: CampaignPublicKey, workers: int,
    max_seconds: float,
) -> Run:  # fmt: skip
    engine = dbs.fresh(name)
    try:
        create_campaign(engine, public_key, appeal_toml())
        codes = [issue_code(engine, "Bench", timedelta(hours=1)).code for _ in kiosks]
        url = engine.url.render_as_string(hide_password=False)
        data_dir = dbs.work / f"server-{name}"
        data_dir.mkdir()
        run = Run(dbs.kind, workers, len(kiosks), sum(len(k.record_ids) for k in kiosks))
        with server_process(url, data_dir, workers, dbs.work / f"{name}.log") as (process, base):
            receipt_keys = []
            for i, (kiosk, code) in enumerate(zip(kiosks, codes, strict=True)):
                transport = httpx.HTTPTransport(local_address=venue_address(i))
                with CentralClient(base, transport=transport) as client:
                    answer = client.enrol(code, kiosk.device_id, kiosk.device_key.public_bytes)
                receipt_keys.append(answer.receipt_public_key)
            run.load_before = os.getloadavg()[0]
            start = threading.Barrier(len(kiosks) + 1)
            deadline = time.monotonic() + max_seconds
            tallies = [Tally() for _ in kiosks]
            threads = [
                threading.Thread(
                    target=upload_chain,
                    args=(k, base, key, start, deadline, t, venue_address(i)),
                    daemon=True,
                )
                for i, (k, key, t) in enumerate(zip(kiosks, receipt_keys, tallies, strict=True))
            ]
            for thread in threads:
                thread.start()
            cpu_before, bench_before = group_cpu(process.pid), time.process_time()
            idle_before = idle_seconds()
            with peak_rss(process.pid) as peak:
                start.wait(timeout=START_TIMEOUT)
                began = time.perf_counter()
                for thread in threads:
                    thread.join(timeout=max(0.0, deadline + REQUEST_TIMEOUT - time.monotonic()))
                run.wall_s = time.perf_counter() - began
            run.server_rss = peak[0]
            run.server_cpu_s = group_cpu(process.pid) - cpu_before
            run.bench_cpu_s = time.process_time() - bench_before
            run.idle_s = idle_seconds() - idle_before
            for tally in tallies:
                run.tally.add(tally)
            if any(t.is_alive() for t in threads):
                run.tally.errors.append("kiosk threads still running at the deadline")
        run.check, run.stored = exactly_once(engine, kiosks)
        return run
    finally:
        engine.dispose()


def exactly_once(engine: Engine, kiosks: list[Kiosk]) -> tuple[list[str], int]:
    """What is wrong (nothing: every id once, every chain whole), and how many of the kiosks'
    signatures the server holds."""
    problems = []
    statuses = {s.device_id: s for s in device_status(engine)}
    for k in kiosks:
        status = statuses.get(k.device_id)
        if status is None:
            problems.append(f"kiosk {k.device_id[:8]} not enrolled")
        elif (
            not status.chain_ok
            or status.batches != len(k.batches)
            or status.signatures != len(k.record_ids)
        ):
            problems.append(
                f"kiosk {k.device_id[:8]}: {status.batches}/{len(k.batches)} batches, "
                f"{status.signatures}/{len(k.record_ids)} signatures, missing {status.missing}, "
                f"broken {status.broken_links}"
            )
    with Session(engine) as s:
        stored = Counter(s.scalars(select(StoredRecord.id)))
    expected = {i for k in kiosks for i in k.record_ids}
    twice = sum(1 for n in stored.values() if n > 1)
    missing, extra = len(expected - stored.keys()), len(stored.keys() - expected)
    if twice or missing or extra:
        problems.append(f"record ids: {missing} missing, {twice} stored twice, {extra} unknown")
    return problems, len(expected & stored.keys())


# --- the floor -----------------------------------------------------------------------------


def enrol_in_process(engine: Engine, kiosk: Kiosk) -> None:
    """The MACed enrolment request a kiosk sends, handed to the server's enrol() directly."""
    import base64

    code = issue_code(engine, "Bench", timedelta(hours=1)).code
    keys = CodeKeys.derive(code)
    request: dict[str, object] = {
        "code_id": keys.code_id,
        "device_id": kiosk.device_id,
        "device_public_key": base64.b64encode(kiosk.device_key.public_bytes).decode("ascii"),
        "nonce": secrets.token_hex(16),
    }
    central_enrol(engine, request, keys.mac(REQUEST_CONTEXT, request))


@dataclass
class Floor:
    signatures: int
    elapsed_s: float
    cpu_s: float  # this process only (the DBAPI's side)

    @property
    def rate(self) -> float:
        return self.signatures / self.elapsed_s

    @property
    def cpu_rate(self) -> float:
        return self.signatures / self.cpu_s


def raw_floor(dbs: Databases, kiosks: list[Kiosk], public_key: CampaignPublicKey) -> Floor:
    engine = dbs.fresh("floor")
    write, release = floor_writer(engine)
    try:
        create_campaign(engine, public_key, appeal_toml())
        for kiosk in kiosks:
            enrol_in_process(engine, kiosk)
        rows = [floor_rows(engine, envelope) for k in kiosks for _, _, envelope in k.batches]
        cpu, began = time.process_time(), time.perf_counter()
        for batch_rows in rows:
            write(batch_rows)
        elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
        return Floor(sum(len(k.record_ids) for k in kiosks), elapsed, cpu)
    finally:
        release()
        engine.dispose()


# --- main ----------------------------------------------------------------------------------


def numbers(text: str) -> list[int]:
    try:
        values = [int(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a list like 20,50,200") from None
    if not values or min(values) < 1:
        raise argparse.ArgumentTypeError(f"{text!r}: give whole numbers of 1 or more")
    return values


def main() -> int:
    # A SIGTERM (timeout, kill) unwinds like Ctrl-C, so the finally blocks stop the servers
    # and drop the schemas.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=numbers, default=[20, 50, 200], help="e.g. 20,50,200")
    parser.add_argument(
        "--per-kiosk", type=int, default=200, help="signatures in each kiosk's backlog"
    )
    parser.add_argument("--batch-size", type=int, default=100, help="signatures per batch")
    parser.add_argument(
        "--workers", type=numbers, default=[1, 2, 4], help="PostgreSQL server processes"
    )
    parser.add_argument(
        "--database-url",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="the PostgreSQL server to use (throwaway schemas); '' for SQLite only",
    )
    parser.add_argument("--no-sqlite", action="store_true", help="PostgreSQL only")
    parser.add_argument(
        "--max-seconds", type=float, default=600.0, help="upload time limit per configuration"
    )
    args = parser.parse_args()
    if args.per_kiosk < 1 or args.batch_size < 1:
        parser.error("--per-kiosk and --batch-size must be 1 or more")

    load_start = os.getloadavg()
    public_key = CampaignPrivateKey.generate().public_key()
    began = time.perf_counter()
    kiosks = build_kiosks(public_key, max(args.kiosks), args.per_kiosk, args.batch_size)
    build_s = time.perf_counter() - began
    envelope_bytes = max(len(e) for _, _, e in kiosks[0].batches)
    chain = len(kiosks[0].batches)

    kinds: list[str | None] = [] if args.no_sqlite else [None]
    skipped = None
    if args.database_url:
        skipped = postgres_problem(args.database_url)
        if skipped is None:
            kinds.append(args.database_url)
    work = Path(tempfile.mkdtemp(prefix="manykiosks-"))
    runs: list[Run] = []
    floors: dict[str, Floor] = {}
    try:
        for url in kinds:
            dbs = Databases(url, work)
            try:
                floors[dbs.kind] = raw_floor(dbs, kiosks, public_key)
                for workers in [1] if url is None else args.workers:
                    for n in args.kiosks:
                        name = f"{dbs.kind.lower()}_w{workers}_n{n}"
                        run = run_configuration(
                            dbs, name, kiosks[:n], public_key, workers, args.max_seconds
                        )
                        runs.append(run)
                        print(progress(run), flush=True)
            finally:
                dbs.drop()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_end = os.getloadavg()
    report(args, runs, floors, build_s, (chain, envelope_bytes), load_start, load_end, skipped)
    return 0


def progress(run: Run) -> str:
    t = run.tally
    return (
        f"  done: {run.database} x{run.workers}, {run.kiosks} kiosks: {run.rate:,.0f}/s in "
        f"{run.wall_s:.1f} s, load {run.load_before:.2f}; {sum(t.overloaded.values())} 503/429, "
        f"{t.asked_to_wait} asked to wait, {t.timeouts} timeouts, {t.resent} re-sent, "
        f"{t.asked_429} asks 429, {len(t.errors)} errors, exactly once: "
        + ("ok" if not run.check else "FAILED")
    )


def report(
    args: argparse.Namespace, runs: list[Run], floors: dict[str, Floor], build_s: float,
    chain: tuple[int, int], load_start: tuple[float, float, float],
    load_end: tuple[float, float, float], skipped: str | None,
) -> None:  # fmt: skip
    built = max(args.kiosks) * args.per_kiosk
    print()
    print(
        f"many kiosks: {','.join(map(str, args.kiosks))} kiosks x {args.per_kiosk} signatures "
        f"(a chain of {chain[0]} batches each: up to {args.batch_size} signatures and "
        f"{MAX_BATCH_BYTES / 2**20:.0f} MiB, the largest {chain[1] / 1e6:.2f} MB), uploading at "
        f"once to `kiosk central serve --insecure-http` on 127.0.0.1; Python "
        f"{sys.version.split()[0]}, SQLite {sqlite3.sqlite_version}, {os.cpu_count()} cores"
    )
    print(
        f"load average (1, 5, 15 min) at start {', '.join(f'{v:.2f}' for v in load_start)}; "
        f"at end {', '.join(f'{v:.2f}' for v in load_end)}"
    )
    print(
        f"(not timed below: sealing and signing {built} signatures for {max(args.kiosks)} "
        f"kiosks took {build_s:.1f} s, {built / build_s:,.0f}/s)"
    )
    if skipped:
        print(f"PostgreSQL skipped: {skipped}")
    print()
    columns = [
        ("kiosks", 7), ("sig/s", 8), ("p50 s", 7), ("p99 s", 7), ("CPU s/1k", 9),
        ("503", 5), ("429", 5), ("asked", 6), ("ask429", 7), ("resent", 7), ("cuts", 5), ("tmo", 5),
        ("dup", 5), ("errors", 7),
        ("exactly-once", 13), ("RSS MB", 7), ("cores", 6), ("idle", 6), ("load", 6),
    ]  # fmt: skip
    print(f"{'server':18}" + "".join(f"{h:>{w}}" for h, w in columns))
    for r in runs:
        t = r.tally
        cells = [
            r.kiosks, f"{r.rate:,.0f}", f"{r.percentile(0.5):.2f}", f"{r.percentile(0.99):.2f}",
            f"{r.server_cpu_s * 1000 / max(1, r.stored):.2f}", t.overloaded[503], t.overloaded[429],
            t.asked_to_wait, t.asked_429, t.resent, t.cuts, t.timeouts, t.already_stored,
            len(t.errors),
            "ok" if not r.check else "FAILED", f"{r.server_rss / 1e6:.0f}",
            f"{(r.server_cpu_s + r.bench_cpu_s) / r.wall_s:.2f}", f"{r.idle_s / r.wall_s:.2f}",
            f"{r.load_before:.2f}",
        ]  # fmt: skip
        label = f"{r.database} x{r.workers}"
        print(
            f"{label:18}" + "".join(f"{c!s:>{w}}" for c, (_, w) in zip(cells, columns, strict=True))
        )
    print(
        "(CPU s/1k: server CPU seconds per 1,000 signatures, all its processes; 503/429: answers "
        "to PUTs; asked: slot requests answered 503/429 (no body sent), ask429: of those 429, a "
        "per-address limit (each venue of 20 kiosks uploads from one address); resent: bodies "
        "sent again after a 503/429, cut or timeout; RSS MB: the server's peak resident size; "
        "tmo: PUTs without an answer in "
        f"{REQUEST_TIMEOUT:.0f} s; dup: 200 answers, the batch stored by an earlier attempt; "
        "cores: server + kiosk-thread CPU seconds per wall second; idle: cores the machine left "
        "idle; load: 1-min load average before the upload)"
    )
    for r in runs:
        for problem in r.check + r.tally.errors[:3]:
            print(f"  {r.database} x{r.workers}, {r.kiosks} kiosks: {problem}")
    print()
    for kind, floor in floors.items():
        print(
            f"floor on {kind}: raw INSERTs of the same {floor.signatures} signatures' rows, "
            f"1 tx per batch, one thread: {floor.elapsed_s:.2f} s, {floor.rate:,.0f}/s; "
            f"{floor.cpu_s:.2f} s CPU in this process, {floor.cpu_rate:,.0f}/CPU-second"
        )
    print()
    for r in runs:
        floor = floors[r.database]
        per_cpu = r.stored / r.server_cpu_s
        ratio = per_cpu / floor.cpu_rate
        ok = "met" if ratio >= INGEST_GOAL_RATIO else "MISSED"
        print(
            f"{r.database} x{r.workers}, {r.kiosks} kiosks: {per_cpu:,.0f} signatures per server "
            f"CPU-second = {ratio:.2f} of the floor's per CPU-second (goal >= "
            f"{INGEST_GOAL_RATIO}): {ok}; {per_cpu / floor.rate:.2f} of its per elapsed second"
        )
    by = {(r.database, r.workers, r.kiosks): r for r in runs}
    for r in runs:
        one = by.get((r.database, 1, r.kiosks))
        if r.workers == 1 or one is None:
            continue
        ratio = r.rate / one.rate
        verdict = ""
        if r.workers == 2:
            verdict = f" (goal >= {WORKERS_GOAL_RATIO}): " + (
                "met" if ratio >= WORKERS_GOAL_RATIO else "MISSED"
            )
        print(
            f"{r.database}, {r.kiosks} kiosks: {r.workers} processes / 1 = {ratio:.2f}x "
            f"(load {one.load_before:.2f} / {r.load_before:.2f} before each){verdict}"
        )
    for r in runs:
        if r.database != "SQLite" and r.kiosks == 200:
            clean = not r.tally.errors and not r.tally.resent and not r.check
            print(
                f"{r.database} x{r.workers}, 200 kiosks: 0 errors and 0 re-sent bodies: "
                + ("met" if clean else f"MISSED ({len(r.tally.errors)} errors, "
                   f"{r.tally.resent} re-sent)")
            )  # fmt: skip
    estimate(args, runs, build_s)


def estimate(args: argparse.Namespace, runs: list[Run], build_s: float) -> None:
    if args.per_kiosk >= FULL_PER_KIOSK or not runs:
        return
    scale = FULL_PER_KIOSK / args.per_kiosk
    upload = sum(r.wall_s for r in runs) * scale
    print(
        f"\na full run (--per-kiosk {FULL_PER_KIOSK} --batch-size {FULL_PER_KIOSK}) at these "
        f"rates, scaled linearly, would take about {(build_s * scale + upload) / 60:.0f} min: "
        f"{build_s * scale / 60:.0f} min sealing, {upload / 60:.0f} min uploading, plus the "
        "floors and start-ups; a lower bound, since its 4 MiB batches arrive all at once and "
        "can outlast the 20 s timeout (docs/performance.md)"
    )


if __name__ == "__main__":
    sys.exit(main())
