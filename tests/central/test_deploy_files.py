"""The deployment files under deploy/ are what docs/deployment.md says they are: the systemd
unit passes `systemd-analyze verify` (with this machine's kiosk command in place of
/opt/kiosk/...), and its ExecStart is a command line this kiosk accepts."""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

from ci import skip_unless_ci

from kiosk.cli.main import _parser

DEPLOY = Path(__file__).parents[2] / "deploy"
UNIT = DEPLOY / "systemd" / "kiosk-central.service"
KIOSK = str(Path(sys.executable).with_name("kiosk"))


def _exec_start() -> list[str]:
    line = next(x for x in UNIT.read_text().splitlines() if x.startswith("ExecStart="))
    return shlex.split(line.removeprefix("ExecStart="))


def test_the_units_command_line_is_one_the_kiosk_accepts() -> None:
    argv = _exec_start()
    assert argv[0].endswith("/bin/kiosk")
    args = _parser().parse_args(
        [a.replace("${KIOSK_CENTRAL_DATABASE}", "postgresql+psycopg://k@h/k") for a in argv[1:]]
    )
    assert args.workers == 4 and args.insecure_http and args.host == "127.0.0.1"


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        skip_unless_ci("systemd-analyze (Debian's systemd) is not installed")
    unit = tmp_path / UNIT.name
    unit.write_text(UNIT.read_text().replace("/opt/kiosk/.venv/bin/kiosk", KIOSK))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(unit)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    problems = [
        line
        for line in result.stderr.splitlines()
        if UNIT.name in line and "User" not in line and "Group" not in line
    ]
    assert result.returncode == 0 and not problems, result.stderr  # it warns, exit status 0
