"""Running the installed `kiosk` command as a person would, a command run in the test's own
process, and what every test of a refused command checks of its standard error."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

KIOSK = Path(sys.executable).with_name("kiosk")


def run_kiosk(
    args: list[str],
    *,
    env: dict[str, str] | None = None,
    timeout: float = 120,
    preexec_fn: Callable[[], None] | None = None,
) -> subprocess.CompletedProcess[str]:
    """The console script in a process of its own: no input, from /, output captured."""
    return subprocess.run(
        [str(KIOSK), *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
        stdin=subprocess.DEVNULL,
        preexec_fn=preexec_fn,
        cwd="/",
    )


def one_error_line(stderr: str) -> str:
    """A refusal is one line, `kiosk: ...`, and never a traceback; returns that line."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("kiosk: ")
    return lines[0]


def succeeded(
    run: Callable[..., int], capsys: pytest.CaptureFixture[str], *argv: object
) -> pytest.CaptureResult[str]:
    """`run(*argv)`, a command run in this process (a fixture such as tests/central's
    `central`), which must exit 0; what it printed, that call's alone (`.out`, `.err`)."""
    capsys.readouterr()
    status = run(*argv)
    printed = capsys.readouterr()
    assert status == 0, printed.err
    return printed
