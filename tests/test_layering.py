"""The core never imports Qt or the server: import each core module alone and look."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from collections.abc import Callable, Iterator

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


# Third-party libraries the core may use, loaded once by the prober below rather than again for
# every module: none of them loads anything forbidden (the prober checks), so what a module
# pulls in beyond them is still seen.
ALLOWED_LIBRARIES = ("sqlalchemy", "sqlalchemy.orm", "httpx", "email_validator", "cryptography")

# A fresh interpreter that loads only the libraries above, then for each module named on its
# input forks a child that imports that module alone and answers with the forbidden modules
# loaded (or the import's error). Forking is what a new interpreter per module was, less the
# cost of starting Python and loading those libraries 38 times.
PROBER = f"""
import os, sys
FORBIDDEN = {FORBIDDEN!r}
def forbidden():
    return sorted(m for m in sys.modules if m.split('.')[0] in FORBIDDEN or m.startswith(FORBIDDEN))
for library in sys.argv[1:]:
    __import__(library)
print(','.join(forbidden()), flush=True)
for line in sys.stdin:
    read_end, write_end = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(read_end)
        try:
            __import__(line.strip())
            answer = ','.join(forbidden())
        except BaseException as exc:
            answer = 'import failed: ' + repr(exc)
        os.write(write_end, answer.replace(chr(10), ' ').encode())
        os._exit(0)
    os.close(write_end)
    with os.fdopen(read_end, 'rb') as answer:
        print(answer.read().decode(), flush=True)
    assert os.waitpid(pid, 0)[1] == 0
"""


@pytest.fixture(scope="module")
def imports_alone() -> Iterator[Callable[[str], str]]:
    """Import one module in a fresh process; returns the forbidden modules it loaded."""
    prober = subprocess.Popen(
        [sys.executable, "-c", PROBER, *ALLOWED_LIBRARIES],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert prober.stdin is not None and prober.stdout is not None
    stdin, stdout = prober.stdin, prober.stdout
    assert stdout.readline().strip() == "", "an allowed library loads a forbidden module"

    def probe(module: str) -> str:
        stdin.write(module + "\n")
        stdin.flush()
        return stdout.readline().strip()

    try:
        yield probe
    finally:
        stdin.close()
        assert prober.wait(timeout=30) == 0
        stdout.close()


@pytest.mark.parametrize("module", CORE)
def test_core_module_imports_no_ui_or_server(
    module: str, imports_alone: Callable[[str], str]
) -> None:
    out = imports_alone(module)
    assert out == "", f"{module} pulls in {out}"
