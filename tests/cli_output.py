"""Running the installed `kiosk` command as a person would, and what every test of a refused
command checks of its standard error."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

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
