"""The core never imports Qt or the server: import each core module alone and look."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import pytest

import kiosk
import kiosk.sync
import kiosk.vault

CORE = sorted(
    {f"kiosk.{m.name}" for m in pkgutil.iter_modules(kiosk.__path__) if not m.ispkg}
    - {"kiosk.cli", "kiosk.launch"}  # the command and its wiring: everything, lazily
    | {f"kiosk.sync.{m.name}" for m in pkgutil.iter_modules(kiosk.sync.__path__)}
    | {f"kiosk.vault.{m.name}" for m in pkgutil.iter_modules(kiosk.vault.__path__) if not m.ispkg}
)
FORBIDDEN = ("PySide6", "kiosk.ui", "kiosk.central", "fastapi", "uvicorn")


def test_core_modules_were_found() -> None:
    assert {"kiosk.appeal", "kiosk.form", "kiosk.crypto", "kiosk.signing"} <= set(CORE)
    assert "kiosk.sync.batch" in CORE and "kiosk.vault.store" in CORE


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
