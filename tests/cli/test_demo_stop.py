"""Stopping the running kiosk as a person or a service manager does: Ctrl-C in the terminal of
`make run` (SIGINT) and systemd's stop (SIGTERM). The real `kiosk demo` in a child process,
offscreen: it stops within seconds, with status 0, through its own close (the demo's server
stopped, the vault closed), and says nothing but that it is stopping: no KeyboardInterrupt
inside a Qt callback ("Error calling Python override ..."), no traceback."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest
from demo_process import start_demo, wait_until  # type: ignore[import-not-found]

from kiosk.vault import Vault

CONSOLE = "kiosk: the coordinators' console is at "
STOP_TIMEOUT = 30.0


@pytest.mark.slow  # the real `kiosk demo`, started end to end
@pytest.mark.parametrize("sent", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_the_demo_stops_cleanly_on_ctrl_c_and_sigterm(tmp_path: Path, sent: signal.Signals) -> None:
    data_dir, err = tmp_path / "demo", tmp_path / "stderr.txt"
    demo = start_demo(data_dir, err)
    try:
        wait_until(demo, err, lambda said: (CONSOLE in said) or None)  # vault open, server up
        time.sleep(1.0)  # the event loop at rest: timers, the sync worker's round
        demo.send_signal(sent)
        status = demo.wait(timeout=STOP_TIMEOUT)
    finally:
        if demo.poll() is None:
            demo.kill()
            demo.wait(timeout=10)
    said = err.read_text()
    assert status == 0, said
    assert f"kiosk: {sent.name} received: stopping" in said
    assert "Error calling Python override" not in said and "Traceback" not in said
    assert "KeyboardInterrupt" not in said
    # Closed, not killed: the vault opens again at once, with nothing left to recover.
    vault = Vault.open(data_dir)
    vault.close()
