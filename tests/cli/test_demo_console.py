"""`kiosk demo` (what `make run` runs) starts the coordinators' console too and prints its
address and a sign-in in the terminal: the real command, its printed credential signs in, and
the console lists the demo kiosk."""

from __future__ import annotations

import re
from pathlib import Path

import httpx
import pytest
from demo_process import running_demo  # type: ignore[import-not-found]

CONSOLE_LINE = re.compile(
    r"kiosk: the coordinators' console is at (http://127\.0\.0\.1:\d+/console) ; sign in with "
    r"(kc_\S+) \(a credential for this demo server only\)"
)
CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@pytest.mark.slow  # the real `kiosk demo`, started end to end
def test_the_demo_prints_the_console_and_a_sign_in_that_works(tmp_path: Path) -> None:
    err = tmp_path / "stderr.txt"
    with running_demo(tmp_path / "demo", err, CONSOLE_LINE.search) as found:
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
