"""Several server processes on several hosts against one PostgreSQL database, behind a load
balancer: two `kiosk central serve` processes on two addresses (127.0.0.2 and 127.0.0.3, each
a host of its own as far as sockets go), a round-robin proxy in front (round_robin_proxy.py),
kiosks uploading their chains at once. One server is SIGKILLed while uploads are in flight;
kiosks whose request was cut try again. Every batch and record is stored exactly once and every
chain is complete."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

import httpx
import pytest
from round_robin_proxy import RoundRobinProxy
from sqlalchemy import Engine

from kiosk.central.campaign import CampaignInfo
from kiosk.central.status import device_status

KIOSK = str(Path(sys.executable).with_name("kiosk"))
HOSTS = ("127.0.0.2", "127.0.0.3")
KIOSKS = 16
BATCHES_EACH = 4
ATTEMPTS = 20


def _serve(host: str, port: int, database_url: str, tmp_path: Path) -> subprocess.Popen[bytes]:
    log = tmp_path / f"serve-{host}.log"
    argv = [KIOSK, "central", "serve", "--data-dir", str(tmp_path / host), "--host", host]
    argv += ["--port", str(port), "--database-url", database_url, "--insecure-http"]
    with log.open("w") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 60
    while "Uvicorn running on" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, log.read_text()
        time.sleep(0.1)
    return process


def _port_free_on_both() -> int:
    for _ in range(50):
        with socket.create_server((HOSTS[0], 0)) as first:
            port = int(first.getsockname()[1])
            try:
                socket.create_server((HOSTS[1], port)).close()
            except OSError:
                continue
            return port
    raise AssertionError("no port free on both addresses")


def _upload_chain(url: str, batches: list[Any], retried: list[int]) -> list[int]:
    """Each batch in chain order, again after a cut connection or a 5xx (bounded)."""
    statuses = []
    with httpx.Client(base_url=url, timeout=20) as http:
        for signed in batches:
            for attempt in range(ATTEMPTS):
                try:
                    response = http.put(
                        f"/api/v2/batches/{signed.batch.batch_id}", content=signed.to_bytes()
                    )
                except httpx.TransportError:
                    response = None
                if response is not None and response.status_code < 500:
                    statuses.append(response.status_code)
                    break
                retried.append(1)
                time.sleep(0.05 * (attempt + 1))
            else:
                statuses.append(0)
    return statuses


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_hosts_behind_a_balancer_store_everything_once_when_one_dies(
    database_url: str,
    engine: Engine,
    campaign: CampaignInfo,
    enrolled: Any,
    stored_counts: Any,
    tmp_path: Path,
) -> None:
    port = _port_free_on_both()
    servers = [_serve(host, port, database_url, tmp_path) for host in HOSTS]
    chains = []
    for _ in range(KIOSKS):
        kiosk = enrolled()
        chains.append([kiosk.batch(5) for _ in range(BATCHES_EACH)])
    results: list[list[int]] = []
    retried: list[int] = []
    try:
        with RoundRobinProxy([(h, port) for h in HOSTS]) as proxy:
            threads = [
                threading.Thread(
                    target=lambda c=chain: results.append(_upload_chain(proxy.url, c, retried))
                )
                for chain in chains
            ]
            for t in threads:
                t.start()
            while stored_counts()[0] < KIOSKS:  # a quarter of the batches are in
                time.sleep(0.01)
            servers[0].send_signal(signal.SIGKILL)
            for t in threads:
                t.join(timeout=120)
            assert all(not t.is_alive() for t in threads)
        answers = [status for chain in results for status in chain]
        # 201 stored now; 200 stored by an attempt whose answer the kill cut off
        assert len(answers) == KIOSKS * BATCHES_EACH and set(answers) <= {200, 201}, answers
        assert stored_counts() == (KIOSKS * BATCHES_EACH, KIOSKS * BATCHES_EACH * 5)
        statuses = device_status(engine)
        assert len(statuses) == KIOSKS
        assert all(s.chain_ok and not s.missing and s.batches == BATCHES_EACH for s in statuses)
        assert proxy.served[(HOSTS[0], port)] > 0 and proxy.served[(HOSTS[1], port)] > 0
        print(f"{len(retried)} attempts repeated after the kill; {proxy.served}")
    finally:
        for server in servers:
            if server.poll() is None:
                server.terminate()
            server.wait(timeout=30)
