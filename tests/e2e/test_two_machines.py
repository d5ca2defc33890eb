"""The README's coordinator path across two machines of one network (two Linux network
namespaces, tests/netns.py): the server on one, serving HTTPS at its network address; the kiosk
on the other, which has nothing from the server but the enrolment link. It enrols, signs, syncs;
the coordinator exports. Plain http:// to that address is refused by the kiosk."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from ci import skip_unless_ci
from netns import TwoMachines, available

from kiosk.central.tls import certificate_pin, self_signed_files
from kiosk.cli.main import main

KIOSK = str(Path(sys.executable).with_name("kiosk"))
KIOSK_SIDE = str(Path(__file__).with_name("kiosk_side.py"))
PASSPHRASE = "correct horse battery staple"
PORT = 8443


def _run(argv: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(argv, capture_output=True, text=True, timeout=120)


def _wait_listening(log: Path, process: subprocess.Popen[bytes], deadline: float) -> None:
    while "Uvicorn running on" not in log.read_text():
        assert process.poll() is None, log.read_text()
        assert time.monotonic() < deadline, f"serve did not start: {log.read_text()}"
        time.sleep(0.1)


@pytest.mark.slow
def test_a_kiosk_on_another_machine_enrols_with_the_link_alone_and_syncs_over_https(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    why_not = available()
    if why_not is not None:
        skip_unless_ci(f"two machines need network namespaces: {why_not}")
    server_dir, kiosk_dir = tmp_path / "server", tmp_path / "kiosk"
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(tmp_path / "coordinator"))
    assert main(["central", "init", "--data-dir", str(server_dir)]) == 0
    pin = certificate_pin(self_signed_files(server_dir).cert)

    with TwoMachines() as net:
        url = f"https://{net.server_ip}:{PORT}"
        log = tmp_path / "serve.log"
        serve = [KIOSK, "central", "serve", "--data-dir", str(server_dir)]
        serve += ["--host", net.server_ip, "--port", str(PORT)]
        with log.open("w") as out:
            server = subprocess.Popen(net.on_server(serve), stdout=out, stderr=subprocess.STDOUT)
        try:
            _wait_listening(log, server, time.monotonic() + 60)
            capsys.readouterr()
            argv = ["--data-dir", str(server_dir), "--event", "Rally", "--server-url", url]
            assert main(["central", "enroll", *argv]) == 0
            out = capsys.readouterr().out
            code = out.split("\n\n")[1].strip()
            link = next(x.strip() for x in out.splitlines() if x.startswith("    kiosk-enrol:"))

            plain = _run(
                net.on_kiosk(
                    [
                        KIOSK,
                        "enroll",
                        code,
                        "--server",
                        f"http://{net.server_ip}:{PORT}",
                        "--data-dir",
                        str(kiosk_dir),
                    ]
                )
            )
            assert plain.returncode == 2 and "only over https://" in plain.stderr, plain.stderr

            enrolled = _run(net.on_kiosk([KIOSK, "enroll", link, "--data-dir", str(kiosk_dir)]))
            assert enrolled.returncode == 0, enrolled.stderr
            assert f"at {url}" in enrolled.stdout

            signed = _run(
                net.on_kiosk([sys.executable, KIOSK_SIDE, str(kiosk_dir), "Ada", "Grace"])
            )
            assert signed.returncode == 0, signed.stderr
            result = json.loads(signed.stdout.strip().splitlines()[-1])
            assert result == {
                "outcome": "done",
                "error": None,
                "unacknowledged": 0,
                "tls_pin": pin,
                "server_url": url,
            }
        finally:
            server.terminate()
            server.wait(timeout=20)

    export = tmp_path / "signatures.csv"
    assert main(["central", "export", "--data-dir", str(server_dir), "--out", str(export)]) == 0
    with export.open(encoding="utf-8-sig", newline="") as f:
        assert sorted(r["first_name"] for r in csv.DictReader(f)) == ["Ada", "Grace"]
