"""Cold start of `kiosk demo`, offscreen: how long until the appeal is on screen.

    .venv/bin/python bench/cold_start.py [--runs 5] [--bytecode]

Each run starts a new process, exactly as the `kiosk` console script does, with
`demo --quit-after-shown` and QT_QPA_PLATFORM=offscreen, and reports three times from the moment
the process was spawned: when the appeal screen received its first paint event ("appeal
visible"), when the window got the desk that records signatures ("signing": the vault is open),
and when the process had exited (--quit-after-shown quits once the start has finished: in the
demo, its own central server runs and this kiosk has enrolled with it). The floor, measured in
the same run and the same way, is a bare `python -c` that imports PySide6.QtWidgets, creates a
QApplication and shows a QLabel. One warm-up run of each comes first (it also creates the demo
key, which costs a deliberate half-second of scrypt), then the runs alternate. For comparison it
also times `kiosk run --window`, which does not start the demo's own central server. Goal:
appeal visible in under 1 s.

Where PYTHONDONTWRITEBYTECODE is set, Python keeps no bytecode of the kiosk's own modules (an
editable install) and compiles them on every start; an installed kiosk, or one whose Python
writes bytecode, does not. `--bytecode` measures that case, with the bytecode in a temporary
folder (PYTHONPYCACHEPREFIX), the floor included.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path
from typing import NamedTuple

from kiosk.crypto.campaign_key import CampaignPrivateKey

GOAL_SECONDS = 1.0

# The console script is `from kiosk.cli.main import main; sys.exit(main())`. This is the same, plus
# wrappers that print when the appeal screen's first-paint filter fires and when the window gets
# its desk. (`kiosk run` and `kiosk demo` import kiosk.ui.app before their window anyway.)
KIOSK = textwrap.dedent(
    """
    import sys, time
    from kiosk.ui import app as _app
    _filter = _app._FirstPaint.eventFilter
    def _painted(self, watched, event):
        from PySide6.QtCore import QEvent
        if event.type() == QEvent.Type.Paint:
            print(f"painted {time.time():.6f}", flush=True)
        return _filter(self, watched, event)
    _app._FirstPaint.eventFilter = _painted
    _attach = _app.KioskWindow.attach_desk
    def _attached(self, desk):
        _attach(self, desk)
        print(f"signing {time.time():.6f}", flush=True)
    _app.KioskWindow.attach_desk = _attached
    from kiosk.cli.main import main
    sys.argv[0] = "kiosk"
    sys.exit(main())
    """
)
FLOOR = textwrap.dedent(
    """
    import sys, time
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QApplication, QLabel
    class Painted(QObject):
        def eventFilter(self, watched, event):
            if event.type() == QEvent.Type.Paint:
                print(f"painted {time.time():.6f}", flush=True)
                watched.removeEventFilter(self)
                QTimer.singleShot(0, app.quit)
            return False
    app = QApplication(sys.argv[:1])
    label = QLabel("An appeal")
    watcher = Painted()
    label.installEventFilter(watcher)
    label.show()
    sys.exit(app.exec())
    """
)


class Run(NamedTuple):
    visible: float  # seconds from the spawn to the appeal screen's first paint
    signing: float | None  # to the window's desk (the vault open); None for the floor
    exited: float  # to the process's exit
    status: int  # its exit status


def _run(code: str, args: list[str], pycache: Path | None = None) -> Run:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    if pycache is not None:
        # Bytecode for every module, kept apart from the checkout; the warm-up writes it.
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(pycache)
    started = time.time()
    result = subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
    )
    ended = time.time()

    def moments(event: str) -> list[float]:
        prefix = f"{event} "
        lines = result.stdout.splitlines()
        return [float(line.split()[1]) - started for line in lines if line.startswith(prefix)]

    painted, signing = moments("painted"), moments("signing")
    if len(painted) != 1 or len(signing) > 1:
        raise SystemExit(
            f"run failed (exit {result.returncode}):\n{result.stdout}\n{result.stderr}"
        )
    # A crash after the paint still yields a time, but the table says so.
    return Run(painted[0], signing[0] if signing else None, ended - started, result.returncode)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each (default 5)")
    parser.add_argument(
        "--bytecode",
        action="store_true",
        help="let every run read compiled bytecode, as an installed kiosk does, even where "
        "PYTHONDONTWRITEBYTECODE is set (then the kiosk's own modules compile on every start)",
    )
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="kiosk-cold-start-"))
    kiosk_args = ["demo", "--data-dir", str(work / "data"), "--quit-after-shown"]
    # For comparison: `kiosk run` in a window, as at an event but not enrolled, so without the
    # demo's own central server. The campaign key is handed over once, in the warm-up.
    key_file = work / "campaign-public.pem"
    key_file.write_bytes(CampaignPrivateKey.generate().public_key().to_pem())
    run_args = ["run", "--window", "--data-dir", str(work / "run-data"), "--quit-after-shown"]
    try:
        pycache = work / "pycache" if args.bytecode else None
        # Warm-up: also makes the demo key and vault (and with --bytecode, the bytecode).
        first_kiosk = _run(KIOSK, kiosk_args, pycache)
        _run(KIOSK, [*run_args, "--campaign-key", str(key_file)], pycache)
        _run(FLOOR, [], pycache)
        kiosk_runs: list[Run] = []
        run_runs: list[Run] = []
        floor_runs: list[Run] = []
        for _ in range(args.runs):
            kiosk_runs.append(_run(KIOSK, kiosk_args, pycache))
            run_runs.append(_run(KIOSK, run_args, pycache))
            floor_runs.append(_run(FLOOR, [], pycache))
    finally:
        shutil.rmtree(work)

    def row(label: str, runs: list[Run]) -> float:
        visible = statistics.median(r.visible for r in runs)
        spread = f"{min(r.visible for r in runs):.2f}-{max(r.visible for r in runs):.2f}"
        signed = [r.signing for r in runs if r.signing is not None]
        signing = f"{statistics.median(signed):10.2f}" if signed else f"{'':10}"
        exited = statistics.median(r.exited for r in runs)
        statuses = sorted({r.status for r in runs})
        note = "" if statuses == [0] else f"  exit status {statuses}: crashed after the paint"
        print(f"{label:36} {visible:10.2f} {spread:>12} {signing} {exited:10.2f}{note}")
        return visible

    compiled = (
        "bytecode kept"
        if args.bytecode or not sys.flags.dont_write_bytecode
        else ("no bytecode kept (PYTHONDONTWRITEBYTECODE): kiosk modules compile each start")
    )
    print(f"cold start, offscreen: median of {args.runs} runs after one warm-up; {compiled}")
    print(f"{'':36} {'visible s':>10} {'range s':>12} {'signing s':>10} {'exited s':>10}")
    kiosk_visible = row("kiosk demo --quit-after-shown", kiosk_runs)
    row("kiosk run --window (no demo server)", run_runs)
    floor_visible = row("floor: bare PySide6 QLabel", floor_runs)
    made = "key, vault, bytecode" if args.bytecode else "key and vault"
    row(f"first run (creates {made})", [first_kiosk])
    print(f"{'kiosk minus floor':36} {kiosk_visible - floor_visible:10.2f}")
    verdict = "met" if kiosk_visible < GOAL_SECONDS else "MISSED"
    print(f"goal: appeal visible in under {GOAL_SECONDS:.0f} s: {verdict} ({kiosk_visible:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
