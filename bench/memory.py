"""Resident memory of the kiosk over a long day: 1,000 signatures through the real window.

    .venv/bin/python bench/memory.py [--signatures 1000] [--every 100]

Builds the kiosk window (offscreen, fullscreen, locked) over a vault in a temporary directory
and signs through it as supporters do (bench/drive.py: tap, type, tick, continue, confirm,
done), each signature sealed and committed for real. Every form is built for its supporter and
destroyed after, so memory should stay flat. Prints the resident set size (VmRSS from
/proc/self/status) before the first signature and after every `--every` of them, and how much
of it SQLite holds (its page cache grows with the vault up to its limit, about 2 MB). Goal:
flat, and under 250 MB.
"""

from __future__ import annotations

import argparse
import ctypes
import ctypes.util
import os
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from drive import sign_once

from PySide6.QtCore import QCoreApplication, QEvent

from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.ui.app import application
from kiosk.ui.window import KioskWindow
from kiosk.vault import Vault

GOAL_MB = 250.0


def rss_mb() -> float:
    for line in Path("/proc/self/status").read_text(encoding="ascii").splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS in /proc/self/status (this benchmark needs Linux)")


def sqlite_mb() -> float | None:
    """What SQLite holds in memory (mostly its page cache, which stops growing at its
    cache_size), where Python's sqlite3 uses the system's shared library; else None."""
    name = ctypes.util.find_library("sqlite3")
    if name is None:
        return None
    try:
        used = ctypes.CDLL(name).sqlite3_memory_used
    except (OSError, AttributeError):
        return None
    used.restype = ctypes.c_int64
    return used() / (1024 * 1024)


def settle() -> None:
    """Let deleteLater() run, as the event loop does between two supporters."""
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    QCoreApplication.processEvents()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--signatures", type=int, default=1000)
    parser.add_argument("--every", type=int, default=100)
    args = parser.parse_args()

    app = application()
    with tempfile.TemporaryDirectory() as data:
        vault = Vault.open(Path(data))
        desk = SignatureDesk(
            load_bundled_appeal(), vault, CampaignPrivateKey.generate().public_key()
        )
        window = KioskWindow(desk, thanks_seconds=60, locked=True)
        window.showFullScreen()
        settle()
        sign_once(window)  # the first form builds Qt's caches; measure from after it
        settle()
        series = [(0, rss_mb(), sqlite_mb())]
        started = time.monotonic()
        for done in range(1, args.signatures + 1):
            sign_once(window)
            settle()
            if done % args.every == 0:
                series.append((done, rss_mb(), sqlite_mb()))
        elapsed = time.monotonic() - started
        stored = desk.count()
        window.allow_exit()
        window.close()
        del app
        vault.close()

    print(f"{args.signatures} signatures through the window in {elapsed:.0f} s ({stored} stored)")
    print("signatures  RSS (MB)  of which SQLite (MB)")
    for done, mb, sqlite in series:
        held = "" if sqlite is None else f"{sqlite:20.1f}"
        print(f"{done:>10}  {mb:8.1f}  {held}")
    growth = series[-1][1] - series[0][1]
    peak = max(mb for _, mb, _ in series)
    print(f"growth {growth:+.1f} MB from the first to the last sample; peak {peak:.1f} MB")
    ok = peak < GOAL_MB
    print(f"{'meets' if ok else 'MISSES'} the goal of under {GOAL_MB:.0f} MB")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
