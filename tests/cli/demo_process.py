"""The real `kiosk demo` (what `make run` runs) in a child process, offscreen, for the tests
that use it as a newcomer would: started, waited for until its terminal shows what a test
needs, then stopped."""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from cli_output import KIOSK

START_TIMEOUT = 120.0
T = TypeVar("T")


def start_demo(data_dir: Path, err: Path) -> subprocess.Popen[bytes]:
    """`kiosk demo --data-dir data_dir` started offscreen, its stderr in `err`."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    with err.open("w") as out:
        return subprocess.Popen(
            [str(KIOSK), "demo", "--data-dir", str(data_dir)],
            stdout=subprocess.DEVNULL,
            stderr=out,
            stdin=subprocess.DEVNULL,
            env=env,
            cwd="/",
        )


def wait_until(demo: subprocess.Popen[bytes], err: Path, ready: Callable[[str], T | None]) -> T:
    """What `ready` makes of the demo's stderr once it is not None (bounded: START_TIMEOUT)."""
    deadline = time.monotonic() + START_TIMEOUT
    while (found := ready(err.read_text())) is None:
        assert demo.poll() is None, err.read_text()
        assert time.monotonic() < deadline, err.read_text()
        time.sleep(0.2)
    return found


@contextmanager
def running_demo(data_dir: Path, err: Path, ready: Callable[[str], T | None]) -> Iterator[T]:
    """`kiosk demo --data-dir data_dir`, its stderr in `err`, running until the block ends;
    the block gets what `ready` makes of the stderr once it is not None."""
    demo = start_demo(data_dir, err)
    try:
        yield wait_until(demo, err, ready)
    finally:
        demo.terminate()
        demo.wait(timeout=30)
