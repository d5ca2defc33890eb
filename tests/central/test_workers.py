"""`kiosk central serve --workers N`: several processes on one PostgreSQL database (uvicorn
workers from kiosk.central.app_factory). Uploads from many kiosks at once are all stored once,
also after one worker is killed; on SQLite the option is refused with the reason."""

from __future__ import annotations

import os
import re
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
from cli_output import one_error_line
from sqlalchemy import Engine

from kiosk.central.campaign import CampaignInfo
from kiosk.cli.main import main

KIOSK = str(Path(sys.executable).with_name("kiosk"))
WORKER_STARTED = re.compile(r"Started server process \[(\d+)\]")


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _upload_all(url: str, batches: list[Any]) -> list[int]:
    statuses: list[int] = []
    start = threading.Barrier(len(batches), timeout=30)

    def upload(signed: Any) -> None:
        with httpx.Client(base_url=url, timeout=20) as http:
            start.wait()
            path = f"/api/v2/batches/{signed.batch.batch_id}"
            statuses.append(http.put(path, content=signed.to_bytes()).status_code)

    threads = [threading.Thread(target=upload, args=(b,)) for b in batches]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return statuses


def _worker_pids(log: Path, count: int, deadline: float) -> list[int]:
    while True:
        text = log.read_text()
        pids = [int(p) for p in WORKER_STARTED.findall(text)]
        if len(pids) >= count and "Uvicorn running on" in text:
            return pids
        assert time.monotonic() < deadline, f"the workers did not start:\n{text}"
        time.sleep(0.1)


@pytest.mark.postgres
@pytest.mark.slow
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_two_workers_on_postgresql_store_every_upload_once_also_after_one_is_killed(
    database_url: str,
    engine: Engine,
    campaign: CampaignInfo,
    enrolled: Any,
    stored_counts: Any,
    tmp_path: Path,
) -> None:
    port = _free_port()
    log = tmp_path / "serve.log"
    argv = [KIOSK, "central", "serve", "--data-dir", str(tmp_path / "server")]
    argv += ["--database-url", database_url, "--port", str(port), "--workers", "2"]
    with log.open("w") as out:
        server = subprocess.Popen(
            [*argv, "--insecure-http"], stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
    url = f"http://127.0.0.1:{port}"
    try:
        first, second = _worker_pids(log, 2, time.monotonic() + 60)[:2]
        assert first != second
        assert _upload_all(url, [enrolled().batch(3) for _ in range(12)]) == [201] * 12
        os.kill(first, signal.SIGKILL)  # one worker dies; the other (and its restart) serve on
        assert _upload_all(url, [enrolled().batch(3) for _ in range(12)]) == [201] * 12
        assert stored_counts() == (24, 72)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)


@pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
def test_several_workers_on_sqlite_are_refused_with_the_reason(
    database_url: str, campaign: CampaignInfo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = ["central", "serve", "--data-dir", str(tmp_path), "--database-url", database_url]
    assert main([*argv, "--workers", "2"]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "SQLite takes one writer at a time" in line and "PostgreSQL" in line
