"""The server's own ingest cost, apart from the kiosks: precomputed envelopes sent by a lean
client to `kiosk central serve` (a child process on 127.0.0.1, PostgreSQL or SQLite), with 1
and 2 server processes, and the raw-insert floor of the same rows in the same run.

    .venv/bin/python bench/server_ingest.py [--kiosks 20] [--per-kiosk 1000]
        [--workers 1,2] [--connections 4] [--py-spy FILE]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/test | '']

Before the clock: every kiosk's chain is sealed and signed (bench/many_kiosks.py's
build_kiosks: batches cut as the kiosk's closer cuts them, at most 1,000 records and 4 MiB),
and each kiosk is enrolled in process (the server's enrol() with a MACed request, no HTTP).
On the clock: `--connections` threads, each with one kept-alive http.client connection
(far less CPU than httpx, so the client takes little of the cores the server needs), send
the kiosks' chains in order, each batch as the kiosk sends it (a slot request, then the PUT
naming the slot); a 503 is waited out for its Retry-After. The receipts are not checked here
(bench/many_kiosks.py does); every answer must be 201.

Printed per process count: signatures per second, the server's CPU seconds per 1,000
signatures (its whole process group, from /proc), this client's CPU per 1,000, PostgreSQL's
(every `postgres` process on the machine), the cores the machine left idle, the load average
before; then signatures per server CPU-second over the
floor's per CPU-second of this process (bench/sync_throughput.py's floor_writer: one
transaction per batch, executemany, the rows decoded beforehand), and 2 processes over 1.
With `--py-spy FILE` the first one-process run is recorded with py-spy (`pip install py-spy`, not a
dependency of the project; raw collapsed stacks of the server's processes) for a profile.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from many_kiosks import (
    Kiosk,
    build_kiosks,
    enrol_in_process,
    group_cpu,
    idle_seconds,
    numbers,
    raw_floor,
    server_process,
)
from sync_throughput import Databases, appeal_toml, postgres_problem

from kiosk.central.campaign import create_campaign
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.protocol import batch as batch_format


def postgres_cpu() -> float:
    """CPU seconds of every `postgres` process on this machine (the database's own work, which
    the server's figure leaves out; other users of the same PostgreSQL count too)."""
    total = 0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        if stat[stat.index("(") + 1 : stat.rindex(")")] == "postgres":
            total += sum(int(v) for v in stat[stat.rindex(")") + 2 :].split()[11:13])
    return total / os.sysconf("SC_CLK_TCK")


@dataclass
class Result:
    workers: int
    signatures: int
    wall_s: float
    server_cpu_s: float
    client_cpu_s: float
    postgres_cpu_s: float
    idle_cores: float
    load_before: float
    busy: int  # answers 503/429, waited out


def send_all(url: str, jobs: list[Kiosk], busy: list[int], failures: list[str]) -> None:
    host, port = url.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=60)
    try:
        for kiosk in jobs:
            for batch_id, _hash, envelope in kiosk.batches:
                while True:
                    conn.request("POST", "/api/v2/upload-slots")
                    asked = conn.getresponse()
                    answer = asked.read()
                    if asked.status in (429, 503):
                        busy[0] += 1
                        time.sleep(float(asked.getheader("Retry-After", "1")))
                        continue
                    headers = {"Content-Type": batch_format.MEDIA_TYPE}
                    if asked.status == 201:
                        headers[batch_format.UPLOAD_SLOT_HEADER] = json.loads(answer)["slot"]
                    conn.request("PUT", f"/api/v2/batches/{batch_id}", envelope, headers)
                    response = conn.getresponse()
                    text = response.read()
                    if response.status in (429, 503):
                        busy[0] += 1
                        time.sleep(float(response.getheader("Retry-After", "1")))
                        continue
                    if response.status != 201:
                        failures.append(f"HTTP {response.status}: {text[:200]!r}")
                        return
                    break
    finally:
        conn.close()


def run(
    dbs: Databases, kiosks: list[Kiosk], public_key: object, workers: int, connections: int,
    py_spy: str | None,
) -> Result:  # fmt: skip
    name = f"lean_w{workers}_{len(list(dbs.work.iterdir()))}"
    engine = dbs.fresh(name)
    try:
        create_campaign(engine, public_key, appeal_toml())  # type: ignore[arg-type]
        for kiosk in kiosks:
            enrol_in_process(engine, kiosk)
        url = engine.url.render_as_string(hide_password=False)
        data_dir = dbs.work / f"server-{name}"
        data_dir.mkdir()
        log = dbs.work / f"{name}.log"
        with server_process(url, data_dir, workers, log) as (process, base):
            spy = None
            if py_spy:
                spy = subprocess.Popen(
                    [str(Path(sys.executable).parent / "py-spy"), "record", "--pid",
                     str(process.pid), "--subprocesses", "--format", "raw", "--rate", "250",
                     "--output", py_spy, "--nonblocking"],
                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                )  # fmt: skip
                time.sleep(1.0)
            shares = [kiosks[i::connections] for i in range(connections)]
            busy, failures = [0], []
            threads = [
                threading.Thread(target=send_all, args=(base, share, busy, failures))
                for share in shares
            ]
            load = os.getloadavg()[0]
            cpu0, client0, idle0 = group_cpu(process.pid), time.process_time(), idle_seconds()
            pg0 = postgres_cpu()
            began = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - began
            server_cpu = group_cpu(process.pid) - cpu0
            client_cpu = time.process_time() - client0
            pg_cpu = postgres_cpu() - pg0
            idle = (idle_seconds() - idle0) / wall
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=30)
        if failures:
            raise RuntimeError(f"{len(failures)} uploads failed, the first: {failures[0]}")
        signatures = sum(len(k.record_ids) for k in kiosks)
        return Result(
            workers, signatures, wall, server_cpu, client_cpu, pg_cpu, idle, load, busy[0]
        )
    finally:
        engine.dispose()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--per-kiosk", type=int, default=1000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--workers", type=numbers, default=[1, 2])
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--py-spy", default=None, help="record the first 1-process run here")
    parser.add_argument(
        "--database-url", default="postgresql+psycopg://postgres@127.0.0.1:5432/test"
    )
    args = parser.parse_args()
    if args.database_url:
        problem = postgres_problem(args.database_url)
        if problem:
            print(
                f"server ingest: PostgreSQL skipped ({problem}); pass --database-url '' for SQLite"
            )
            return 0
    load_start = os.getloadavg()
    public_key = CampaignPrivateKey.generate().public_key()
    began = time.perf_counter()
    kiosks = build_kiosks(public_key, args.kiosks, args.per_kiosk, args.batch_size)
    build_s = time.perf_counter() - began
    work = Path(tempfile.mkdtemp(prefix="server-ingest-"))
    dbs = Databases(args.database_url or None, work)
    try:
        floor = raw_floor(dbs, kiosks, public_key)
        first_one = args.workers.index(1) if 1 in args.workers else -1
        results = [
            run(
                dbs,
                kiosks,
                public_key,
                w,
                args.connections,
                args.py_spy if i == first_one else None,
            )
            for i, w in enumerate(args.workers)
        ]
    finally:
        dbs.drop()
        shutil.rmtree(work, ignore_errors=True)
    load_end = os.getloadavg()
    chain = kiosks[0].batches
    print(
        f"server ingest, lean client: {args.kiosks} kiosks x {args.per_kiosk} signatures "
        f"({len(chain)} batches each, the largest {max(len(e) for _, _, e in chain) / 1e6:.2f} "
        f"MB), {args.connections} connections, {dbs.kind}; {os.cpu_count()} cores; load "
        f"average at start {', '.join(f'{v:.2f}' for v in load_start)}, at end "
        f"{', '.join(f'{v:.2f}' for v in load_end)} (sealing took {build_s:.1f} s, untimed)"
    )
    print(
        f"floor: raw INSERTs of the same rows, one thread: {floor.cpu_s:.2f} s CPU in this "
        f"process, {floor.cpu_rate:,.0f} signatures/CPU-second ({floor.rate:,.0f}/s elapsed)"
    )
    print(
        f"{'processes':>9} {'sig/s':>8} {'server CPU s/1k':>16} {'client CPU s/1k':>16} "
        f"{'postgres CPU s/1k':>18} "
        f"{'idle cores':>11} {'load':>6} {'busy':>5} {'ratio to floor':>15}"
    )
    for r in results:
        per_cpu = r.signatures / r.server_cpu_s
        print(
            f"{r.workers:>9} {r.signatures / r.wall_s:>8,.0f} "
            f"{r.server_cpu_s * 1000 / r.signatures:>16.3f} "
            f"{r.client_cpu_s * 1000 / r.signatures:>16.3f} "
            f"{r.postgres_cpu_s * 1000 / r.signatures:>18.3f} {r.idle_cores:>11.2f} "
            f"{r.load_before:>6.2f} {r.busy:>5} {per_cpu / floor.cpu_rate:>15.2f}"
        )
    ones = [r for r in results if r.workers == 1]
    for r in results:
        if r.workers > 1 and ones:
            one = max(ones, key=lambda o: o.signatures / o.wall_s)
            speedup = (r.signatures / r.wall_s) / (one.signatures / one.wall_s)
            print(
                f"{r.workers} processes / the best 1-process run: {speedup:.2f}x signatures per "
                f"second; {r.server_cpu_s / one.server_cpu_s:.2f}x the server CPU"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
