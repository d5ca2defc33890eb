"""A virtual X display for the tests that run the kiosk on Qt's xcb platform
(tests/e2e/test_real_window.py, tests/e2e/test_canary_scan.py), and the one way they stop a
child process. `.ci/run` installs Xvfb."""

from __future__ import annotations

import os
import signal
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL after 10 s; bounded either way."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@contextmanager
def xvfb(width: int, height: int) -> Iterator[str]:
    """An Xvfb server of one screen this size for the time of the block: its DISPLAY name."""
    read_end, write_end = os.pipe()
    screen = f"{width}x{height}x24"
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_end), "-screen", "0", screen, "-nolisten", "tcp"],
        pass_fds=(write_end,),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    os.close(write_end)
    try:
        with os.fdopen(read_end) as numbers:
            # Xvfb writes its display number once it accepts clients; bounded by its own exit.
            number = numbers.readline().strip()
        assert number, "Xvfb did not start"
        yield f":{number}"
    finally:
        stop(server)
