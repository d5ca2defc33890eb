"""The core never imports Qt or the server: import each core module alone and look."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kiosk

CORE = sorted(
    m.name
    for m in pkgutil.walk_packages(kiosk.__path__, "kiosk.", onerror=lambda _: None)
    if not m.ispkg
    and m.name.split(".")[1]
    in {"clock", "petition", "crypto", "protocol", "desks", "files", "sync", "vault"}
    and ".migrations" not in m.name
)
FORBIDDEN = ("PySide6", "kiosk.ui", "kiosk.central", "fastapi", "uvicorn")


def test_core_modules_were_found() -> None:
    core = set(CORE)
    assert {"kiosk.petition.appeal", "kiosk.petition.form", "kiosk.desks.signing"} <= core
    assert "kiosk.crypto.campaign_key" in core
    assert "kiosk.protocol.batch" in CORE and "kiosk.vault.store" in CORE


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui_or_server(module: str) -> None:
    probe = (
        f"import sys, {module}\n"
        f"bad = sorted(m for m in sys.modules if m.split('.')[0] in {FORBIDDEN!r} "
        f"or m.startswith({FORBIDDEN!r}))\n"
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout.strip()
    assert out == "", f"{module} pulls in {out}"
