"""`kiosk demo` (what `make run` runs) starts the coordinators' console too and prints its
address and a sign-in in the terminal: the real command, its printed credential signs in, and
the console lists the demo kiosk."""

from __future__ import annotations

import os
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from cli_output import KIOSK

CONSOLE_LINE = re.compile(
    r"kiosk: the coordinators' console is at (http://127\.0\.0\.1:\d+/console) ; sign in with "
    r"(kc_\S+) \(a credential for this demo server only\)"
)
START_TIMEOUT = 120.0
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.mark.slow  # the real `kiosk demo`, started end to end
def test_the_demo_prints_the_console_and_a_sign_in_that_works(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    err = tmp_path / "stderr.txt"
    with err.open("w") as out:
        demo = subprocess.Popen(
            [str(KIOSK), "demo", "--data-dir", str(tmp_path / "demo")],
            stdout=subprocess.DEVNULL,
            stderr=out,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd="/",
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while (found := CONSOLE_LINE.search(err.read_text())) is None:
            assert demo.poll() is None, err.read_text()
            assert time.monotonic() < deadline, err.read_text()
            time.sleep(0.2)
        console, credential = found.groups()
        assert f"kiosk: demo central server at {console.removesuffix('/console')}" in (
            err.read_text()
        )
        with httpx.Client(base_url=console.removesuffix("/console"), timeout=10) as http:
            form = http.get("/console/sign-in")
            token = CSRF.search(form.text)
            assert token is not None
            signed = http.post(
                "/console/sign-in", data={"csrf": token.group(1), "credential": credential}
            )
            assert signed.status_code == 303 and signed.headers["location"] == "/console/now"
            kiosks = http.get("/console/kiosks")
            assert kiosks.status_code == 200
            assert "Demo event" in kiosks.text  # the demo kiosk, enrolled for the demo's event
    finally:
        demo.terminate()
        demo.wait(timeout=30)
