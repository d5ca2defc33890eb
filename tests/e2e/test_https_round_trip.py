"""The coordinator's side end to end, over HTTPS, as the README tells it: `kiosk central init`
(which makes the self-signed certificate), `kiosk central serve` in its own process, `kiosk
central enroll --server-url` printing the link, `kiosk enroll LINK` on the kiosk, signatures,
a sync, `kiosk central export`. Then another server on the same address with another
certificate (the same database and campaign: only the certificate differs) gets nothing."""

from __future__ import annotations

import csv
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from signing import sign, sync_once

from kiosk.central.tls import certificate_pin, ensure_self_signed, self_signed_files
from kiosk.cli.main import main
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.files import keys
from kiosk.petition.appeal import Appeal
from kiosk.sync.enrol import enrolled
from kiosk.vault import Vault, outbox

KIOSK = Path(sys.executable).with_name("kiosk")
PASSPHRASE = "correct horse battery staple"
START_TIMEOUT = 60.0


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


@contextmanager
def _serving(server_dir: Path, port: int, log: Path, *extra: str | Path) -> Iterator[None]:
    argv = [KIOSK, "central", "serve", "--data-dir", server_dir, "--port", str(port), *extra]
    with log.open("w") as out:
        process = subprocess.Popen(
            [str(a) for a in argv], stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            assert process.poll() is None, log.read_text()
            assert time.monotonic() < deadline, f"serve did not listen: {log.read_text()}"
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.1)
        yield
    finally:
        process.terminate()
        process.wait(timeout=20)


def _key(kiosk_dir: Path) -> CampaignPublicKey:
    return keys.load_public_key(kiosk_dir / keys.PUBLIC_KEY_FILE)


@pytest.mark.slow
def test_https_from_init_to_export_and_an_impostor_certificate_is_refused(
    tmp_path: Path,
    appeal: Appeal,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    server_dir, coordinator, kiosk_dir = tmp_path / "server", tmp_path / "coord", tmp_path / "k"
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(coordinator))
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    assert main(["central", "init", "--data-dir", str(server_dir)]) == 0
    pin = certificate_pin(self_signed_files(server_dir).cert)
    port = _free_port()
    url = f"https://127.0.0.1:{port}"

    with _serving(server_dir, port, tmp_path / "serve.log"):
        capsys.readouterr()
        argv = ["--data-dir", str(server_dir), "--event", "Rally", "--server-url", url]
        assert main(["central", "enroll", *argv]) == 0
        out = capsys.readouterr().out
        link = next(x.strip() for x in out.splitlines() if x.strip().startswith("kiosk-enrol:"))
        assert f"tls={pin[:32]}" in link
        assert main(["enroll", link, "--data-dir", str(kiosk_dir)]) == 0
        assert "Enrolled for 'Rally'" in capsys.readouterr().out
        vault = Vault.open(kiosk_dir)
        try:
            state = enrolled(vault, kiosk_dir)
            assert state is not None and state.tls_pin == pin and state.server_url == url
            sign(vault, appeal, _key(kiosk_dir), ["Ada", "Grace", "Hedy"])
            first = sync_once(vault, state)
            assert first.board.current.last_error is None
            assert outbox.unacknowledged(vault) == []
        finally:
            vault.close()
    assert "certificate key " + pin in (tmp_path / "serve.log").read_text()

    export = tmp_path / "signatures.csv"
    assert main(["central", "export", "--data-dir", str(server_dir), "--out", str(export)]) == 0
    with export.open(encoding="utf-8-sig", newline="") as f:
        assert sorted(r["first_name"] for r in csv.DictReader(f)) == ["Ada", "Grace", "Hedy"]

    impostor, _ = ensure_self_signed(tmp_path / "impostor")
    other = ("--tls-cert", impostor.cert, "--tls-key", impostor.key)
    with _serving(server_dir, port, tmp_path / "impostor.log", *other):
        vault = Vault.open(kiosk_dir)
        try:
            sign(vault, appeal, _key(kiosk_dir), ["Mallory"])
            state = enrolled(vault, kiosk_dir)
            assert state is not None
            refused = sync_once(vault, state)
            error = refused.board.current.last_error or ""
            assert "not the one this kiosk trusts" in error, error
            assert len(outbox.unacknowledged(vault)) == 1  # kept for the real server
        finally:
            vault.close()
    capsys.readouterr()
    assert main(["central", "status", "--data-dir", str(server_dir)]) == 0
    status = capsys.readouterr().out
    assert "      1           3  " in status  # still one batch, three signatures: nothing new
