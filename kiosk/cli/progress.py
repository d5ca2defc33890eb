"""The one progress bar of every long command (export, deliver, erase, review --heuristics,
import, audit, vault salvage): on standard error, with the rate and the time left, when it is a
terminal (or with --progress); nothing when it is not, so a script's log gets only the
commands' results. The core reports through a `Progress` callback, `(done, total)`, and never
knows how it is shown."""

from __future__ import annotations

import argparse
import sys
import time
from typing import TextIO


class TextProgress:
    """A plain-text progress bar on a stream with the rate and the time left, redrawn at most
    ten times a second: "export: [######------] 4000/10000 records, 2,750/s, 2 s left"."""

    WIDTH = 30

    def __init__(self, stream: TextIO, what: str = "export", unit: str = "records") -> None:
        self.stream = stream
        self.what = what
        self.unit = unit
        self._start = time.monotonic()
        self._last = 0.0
        self._drawn = False
        self._width = 0  # of the bar last drawn, to clear it

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        elapsed = now - self._start
        rate = done / elapsed if elapsed > 0 else 0.0
        pace = f", {rate:,.0f}/s, {time_left((total - done) / rate)} left" if rate else ""
        line = f"{self.what}: [{bar}] {done}/{total} {self.unit}{pace}"
        self.stream.write(f"\r{line}" + " " * max(0, self._width - len(line)))
        self.stream.flush()
        self._drawn, self._width = True, len(line)

    def note(self, text: str, stream: TextIO) -> None:
        """Print a line of the command's own (to `stream`) where the bar is, and draw the bar
        again below it at the next report."""
        if self._drawn:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._drawn, self._last = False, 0.0
        print(text, file=stream, flush=True)

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()


def time_left(seconds: float) -> str:
    whole = round(seconds)
    return f"{whole} s" if whole < 120 else f"{whole // 60} min {whole % 60:02d} s"


def add_progress_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--progress", action="store_true", help="show progress even when not a terminal")


def progress_for(args: argparse.Namespace, what: str, unit: str = "records") -> TextProgress | None:
    """A progress bar for `what` if standard error is a terminal or --progress was given."""
    shown = getattr(args, "progress", False) or sys.stderr.isatty()
    return TextProgress(sys.stderr, what, unit) if shown else None
