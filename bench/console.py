"""The console's Now page with 500 kiosks and 1,000,000 signatures, on SQLite and PostgreSQL.

    .venv/bin/python bench/console.py [--kiosks 500] [--signatures 1000000] [--loads 50]
        [--polls 300] [--no-sqlite]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test]

Before the clock: a fresh migrated database (a file, or a throwaway PostgreSQL schema dropped
afterwards), the campaign, the kiosks (10 events, 50 kiosks each) and their batches of 100
records, inserted raw in bulk (SQLite executemany, PostgreSQL COPY): metadata rows whose
sealed bytes are 16 zero bytes, collected at hours spread over the last 30 days, a tenth of
them today. The hour tally is filled by the migration's own statement (c0011), as an upgrade
of such a database would; ingest keeps it from then on.

On the clock, through the real app (create_app, uvicorn on 127.0.0.1, signed in with a
coordinator credential): the Now page (GET /console/now) loaded `--loads` times; server time is
measured inside the app by an ASGI wrapper, from the request to the response's last byte.
Beside it, the same aggregates run raw through the driver: over the hour tally (what the page
reads) and over the record table (what it would read without the tally).

Live updates: 100 Now pages open on /console/api/now/stream (100 client threads), for
`--window` seconds with nothing new, then `--window` seconds with a batch arriving every second
(each page gets new figures at most every 10 s, routes.UPDATE_GAP_S);
the server's CPU time is this process's minus the client threads' (each notes its own CPU
clock after every line it reads, and is blocked in a read in between). For
comparison, `--polls` polls of /console/api/now answered 304 (what 10 s polling would cost),
and fresh answers (a chart not asked before, so not from the cache).

Goals: the Now page under 300 ms server time (p95); live updates under 1 % of a core per 100
open consoles.
"""

from __future__ import annotations

import argparse
import os
import random
import re
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import Engine, insert, text
from sync_throughput import Databases, appeal_toml, postgres_problem

from kiosk.central.api import create_app
from kiosk.central.campaign import create_campaign, issue_credential
from kiosk.central.migrations.versions import c0011_events
from kiosk.central.models import Device
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPrivateKey

EVENTS = 10
PER_BATCH = 100
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


class Timing:
    """ASGI wrapper: how long the app takes for each request, to its response's last byte."""

    def __init__(self, app: Any, times: list[float]) -> None:
        self.app, self.times = app, times

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        start = time.perf_counter()
        await self.app(scope, receive, send)
        if scope["type"] == "http":
            self.times.append(time.perf_counter() - start)


def backfill_sql() -> str:
    """The migration's INSERT ... SELECT that fills the hour tally from the records."""
    source = Path(c0011_events.__file__).read_text("utf-8")
    start = source.index('"INSERT INTO hour_tally')
    end = source.index("\n    )\n", start)
    return "".join(re.findall(r'"([^"]*)"', source[start:end]))


def build(engine: Engine, kiosks: int, signatures: int, now: datetime) -> float:
    started = time.perf_counter()
    key = CampaignPrivateKey.generate().public_key()
    create_campaign(engine, key, appeal_toml())
    fingerprint = key.fingerprint
    rng = random.Random(13)
    devices = [str(uuid.UUID(int=rng.getrandbits(128), version=4)) for _ in range(kiosks)]
    with engine.begin() as conn:
        conn.execute(
            insert(Device),
            [
                {
                    "id": d,
                    "public_key": os.urandom(32),
                    "event": f"Rally {i % EVENTS + 1}",
                    "enrolled_at": now - timedelta(days=31),
                    "revoked_at": None,
                }
                for i, d in enumerate(devices)
            ],
        )
    first_hour = (now - timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    today = now.replace(hour=0, minute=0, second=0, microsecond=0)
    per_kiosk = signatures // kiosks
    # As SQLAlchemy stores a naive UTC time: SQLite compares the text, so the same format.
    stamp_format = "%Y-%m-%d %H:%M:%S" + (".%f" if engine.dialect.name == "sqlite" else "")
    batches: list[tuple[Any, ...]] = []
    for d in devices:
        for b in range(-(-per_kiosk // PER_BATCH)):
            count = min(PER_BATCH, per_kiosk - b * PER_BATCH)
            hour = (
                today + timedelta(hours=rng.randrange(max(now.hour, 1)))
                if rng.random() < 0.1
                else first_hour + timedelta(hours=rng.randrange(29 * 24))
            )
            stamp = hour.strftime(stamp_format)
            batches.append(
                (
                    d,
                    str(uuid.uuid4()),
                    b + 1,
                    "chain",
                    f"{b + 1:064x}",
                    f"{b:064x}",
                    "un-chechnya",
                    1,
                    stamp,
                    b"",  # the envelope's frame: head
                    b"",  # and signature (the console never reads them)
                    count,
                    stamp,
                )
            )

    def records() -> Iterator[tuple[Any, ...]]:  # streamed: a million tuples are 400 MB
        for d, batch_id, seq, *_rest, count, stamp in batches:
            for r in range(count):
                yield (
                    d,
                    str(uuid.uuid4()),
                    batch_id,
                    (seq - 1) * PER_BATCH + r + 1,
                    stamp,
                    fingerprint,
                    b"\0" * 16,
                )

    batch_cols = (
        "device_id, id, seq, kind, hash, prev_hash, appeal_id, appeal_version, created_at, "
        "head, signature, record_count, received_at"
    )
    record_cols = "device_id, id, batch_id, device_seq, collected_hour, key_fingerprint, sealed"
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        if engine.dialect.name == "postgresql":
            for table, cols, rows in (
                ("batch", batch_cols, iter(batches)),
                ("record", record_cols, records()),
            ):
                with cursor.copy(f"COPY {table} ({cols}) FROM STDIN") as copy:  # type: ignore[attr-defined]
                    for row in rows:
                        copy.write_row(row)
        else:
            marks = lambda n: ", ".join("?" * n)  # noqa: E731
            cursor.execute("BEGIN")  # the engine's connections begin explicitly (autocommit)
            cursor.executemany(f"INSERT INTO batch ({batch_cols}) VALUES ({marks(13)})", batches)
            cursor.executemany(f"INSERT INTO record ({record_cols}) VALUES ({marks(7)})", records())
        cursor.execute(backfill_sql())
        cursor.execute("ANALYZE")
        raw.commit()
    finally:
        raw.close()
    return time.perf_counter() - started


def percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):7.1f} ms  p95 {p95:7.1f} ms  (n={len(ms)})"


def timed(run: Callable[[], object], n: int) -> list[float]:
    times = []
    for _ in range(n):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def raw_queries(engine: Engine, now: datetime) -> dict[str, str]:
    """The page's aggregates run raw: over the tally, and over the records without it."""
    fmt = "%Y-%m-%d %H:%M:%S" + (".%f" if engine.dialect.name == "sqlite" else "")
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0).strftime(fmt)
    since = (now - timedelta(hours=23)).replace(minute=0, second=0, microsecond=0).strftime(fmt)
    tally = [
        f"SELECT event, SUM(signatures), SUM(CASE WHEN hour >= '{midnight}' THEN signatures "
        "ELSE 0 END) FROM hour_tally GROUP BY event",
        f"SELECT hour, SUM(signatures) FROM hour_tally WHERE hour >= '{since}' GROUP BY hour",
        f"SELECT SUM(signatures) FROM hour_tally WHERE hour < '{since}'",
    ]
    records = [
        f"SELECT device.event, COUNT(*), SUM(CASE WHEN record.collected_hour >= '{midnight}' "
        "THEN 1 ELSE 0 END) FROM record JOIN device ON device.id = record.device_id "
        "GROUP BY device.event",
        f"SELECT collected_hour, COUNT(*) FROM record WHERE collected_hour >= '{since}' "
        "GROUP BY collected_hour",
        f"SELECT COUNT(*) FROM record WHERE collected_hour < '{since}'",
    ]
    out = {}
    with engine.connect() as conn:
        for name, queries, n in (("tally", tally, 50), ("records", records, 5)):

            def run(queries: list[str] = queries) -> None:
                for q in queries:
                    conn.execute(text(q)).all()

            run()
            out[name] = percentiles(timed(run, n))
    return out


def cpu_per_request(client: httpx.Client, n: int, conditional: bool) -> float:
    """Server CPU seconds per /console/api/now request (this process's CPU but the caller's)."""
    etag = client.get("/console/api/now").headers["etag"]
    headers = {"If-None-Match": etag} if conditional else {}
    expected = 304 if conditional else 200
    process, mine = time.process_time(), time.thread_time()
    for i in range(n):
        # Without the ETag, each request names a chart not asked before (an unknown kiosk:
        # the campaign's chart), so the figures are computed afresh, not taken from the cache.
        params = None if conditional else {"show": f"kiosk:bench-{i}-{time.monotonic_ns()}"}
        response = client.get("/console/api/now", headers=headers, params=params)
        assert response.status_code == expected, response.status_code
    return ((time.process_time() - process) - (time.thread_time() - mine)) / n


def stream_cost(
    client_url: str, cookies: httpx.Cookies, engine: Engine, consoles: int, window: float
) -> tuple[float, float, int]:
    """Server CPU (fraction of a core) with `consoles` Now pages open on their streams: while
    nothing changes, and while a batch arrives every second (each page then gets new figures
    at most every routes.UPDATE_GAP_S); and how many updates the pages got meanwhile."""
    stop = threading.Event()
    first = threading.Barrier(consoles + 1, timeout=120)
    updates = [0] * consoles
    client_cpu = [0.0] * consoles  # each client thread's own CPU clock after each line it read

    def console(i: int) -> None:
        with (
            httpx.Client(base_url=client_url, cookies=cookies, timeout=120) as http,
            http.stream("GET", "/console/api/now/stream") as stream,
        ):
            for line in stream.iter_lines():
                if line.startswith("data: "):
                    updates[i] += 1
                    if updates[i] == 1:
                        first.wait()
                client_cpu[i] = time.thread_time()
                if stop.is_set():
                    return

    def batch_arrives() -> None:
        with engine.begin() as conn:  # what the figures depend on changes
            conn.execute(
                text(
                    "UPDATE batch SET received_at = :at WHERE seq = 1 AND device_id = "
                    "(SELECT MIN(id) FROM device)"
                ),
                {"at": datetime.now(UTC).replace(tzinfo=None)},
            )

    def server_cpu(during: Callable[[], None]) -> float:
        # This process's CPU but the client threads' (each blocked in a read between lines, so
        # the clock it noted after its last line is its clock now).
        process, clients = time.process_time(), sum(client_cpu)
        during()
        return (time.process_time() - process) - (sum(client_cpu) - clients)

    def busy() -> None:
        deadline = time.monotonic() + window
        while time.monotonic() < deadline:
            batch_arrives()
            time.sleep(1)

    threads = [threading.Thread(target=console, args=(i,), daemon=True) for i in range(consoles)]
    for t in threads:
        t.start()
    first.wait()
    time.sleep(1)
    idle = server_cpu(lambda: time.sleep(window)) / window
    before = sum(updates)
    changing = server_cpu(busy) / window
    got = sum(updates) - before
    stop.set()
    deadline = time.monotonic() + 60
    while any(t.is_alive() for t in threads) and time.monotonic() < deadline:
        batch_arrives()  # each thread ends after its next line
        time.sleep(1)
    return idle, changing, got


def run_one(engine: Engine, kind: str, args: argparse.Namespace) -> None:
    now = datetime.now(UTC)
    build_s = build(engine, args.kiosks, args.signatures, now)
    print(f"{kind}: built {args.kiosks} kiosks, {args.signatures:,} signatures in {build_s:.0f} s")
    times: list[float] = []
    app = create_app(engine)
    app.add_middleware(Timing, times=times)
    credential = issue_credential(engine)
    with ServerThread(app) as server, httpx.Client(base_url=server.url, timeout=60) as client:
        form = client.get("/console/sign-in")
        match = CSRF.search(form.text)
        assert match
        signed = client.post(
            "/console/sign-in", data={"csrf": match.group(1), "credential": credential}
        )
        assert signed.status_code == 303
        for _ in range(3):
            assert client.get("/console/now").status_code == 200  # warm up
        times.clear()
        for _ in range(args.loads):
            page = client.get("/console/now")
            assert page.status_code == 200 and f"{args.signatures}" in page.text.replace(",", "")
        now_page = list(times)
        print(f"  Now page, server time:         {percentiles(now_page)}")
        for name, figures in raw_queries(engine, now).items():
            print(f"  raw aggregate over {name:8s}:   {figures}")
        idle, changing, got = stream_cost(server.url, client.cookies, engine, 100, args.window)
        print(
            f"  100 open Now pages (stream):   {idle * 100:.2f} % of a core while nothing "
            f"changes; {changing * 100:.2f} % while a batch arrives every second "
            f"({got} updates sent in {args.window:.0f} s)"
        )
        unchanged = cpu_per_request(client, args.polls, conditional=True)
        changed = cpu_per_request(client, max(args.polls // 10, 5), conditional=False)
        # 100 consoles every 10 s: 10 requests/s, 304 while nothing changed; when a batch
        # arrives, each different answer (span, chart, language) is computed once.
        print(
            f"  for comparison, polling /console/api/now: {unchanged * 1000:.2f} ms CPU for a "
            f"304, {changed * 1000:.2f} ms for a fresh answer -> every 10 s from 100 pages: "
            f"{unchanged * 10 * 100:.2f} % of a core"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=500)
    parser.add_argument("--signatures", type=int, default=1_000_000)
    parser.add_argument("--loads", type=int, default=50)
    parser.add_argument("--polls", type=int, default=300)
    parser.add_argument("--window", type=float, default=20.0, help="seconds of open streams")
    parser.add_argument("--database-url", help="also run on this PostgreSQL server")
    parser.add_argument("--no-sqlite", action="store_true")
    args = parser.parse_args()
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"load average at start: {load}; {os.cpu_count()} cores")
    kinds: list[str | None] = [] if args.no_sqlite else [None]
    if args.database_url:
        problem = postgres_problem(args.database_url)
        if problem:
            print(f"PostgreSQL skipped: {problem}")
        else:
            kinds.append(args.database_url)
    with tempfile.TemporaryDirectory() as work:
        for url in kinds:
            databases = Databases(url, Path(work))
            try:
                engine = databases.fresh("console")
                try:
                    run_one(engine, databases.kind, args)
                finally:
                    engine.dispose()
            finally:
                databases.drop()
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
