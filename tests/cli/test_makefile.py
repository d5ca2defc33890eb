"""`make run`, as a newcomer first types it (issue 11, item 13): it installs only what the kiosk
needs, with pip's progress, and a refusal of the kiosk's own is not followed by make's
"Error 2". Driven with a stand-in virtualenv, so nothing is installed here."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _make(*argv: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    make = shutil.which("make")
    if make is None:
        pytest.fail("make is not installed: the README's first command needs it")
    return subprocess.run(
        [make, "--no-print-directory", "-C", str(ROOT), *argv],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )


def test_make_run_installs_the_kiosk_without_the_test_tools_and_shows_progress(
    tmp_path: Path,
) -> None:
    venv = tmp_path / "venv"
    plan = _make("-n", "run", f"VENV={venv}")
    assert plan.returncode == 0, plan.stderr
    installs = [line for line in plan.stdout.splitlines() if "pip install" in line]
    assert any("-m venv" in line for line in plan.stdout.splitlines())
    (kiosk_install,) = [line for line in installs if line.rstrip().endswith("-e .")]
    assert "--progress-bar on" in kiosk_install and "--quiet" not in kiosk_install
    assert not any("[test]" in line for line in installs)
    # `make test` installs the test tools, and counts as `make run`'s install too.
    tests = _make("-n", "test", f"VENV={venv}")
    assert any("-e '.[test]'" in line for line in tests.stdout.splitlines())


def _stand_in_venv(tmp_path: Path) -> Path:
    """A virtualenv whose kiosk is this one, already "installed" (its stamps newer than
    pyproject.toml)."""
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "python").symlink_to(sys.executable)
    kiosk = Path(sys.executable).with_name("kiosk")
    (venv / "bin" / "kiosk").symlink_to(kiosk)
    for stamp in (".installed-run", ".installed"):
        (venv / stamp).touch()
    return venv


def test_make_run_without_a_display_ends_with_the_kiosk_s_message_alone(tmp_path: Path) -> None:
    venv = _stand_in_venv(tmp_path)
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "MAKEFLAGS", "MFLAGS")
    }
    env["HOME"] = str(tmp_path)  # the demo's data directory, away from the real one
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    # ARGS= as well: `make test ARGS=...` exports ARGS to this test's environment, and `make run`
    # would hand it to the kiosk.
    done = _make("run", f"VENV={venv}", "ARGS=", env=env)
    lines = [line for line in (done.stdout + done.stderr).splitlines() if line.strip()]
    assert lines == [
        "kiosk: no display found (neither DISPLAY nor WAYLAND_DISPLAY is set). Run the kiosk on a "
        "desktop session, or headless with QT_QPA_PLATFORM=offscreen (nothing is shown) or "
        "under a virtual display: xvfb-run -a make run (in the checkout), or xvfb-run -a kiosk demo"
    ]
    assert "Error" not in done.stderr


def test_make_run_still_fails_on_a_failure_that_is_not_the_kiosk_s_own(tmp_path: Path) -> None:
    venv = _stand_in_venv(tmp_path)
    (venv / "bin" / "kiosk").unlink()
    (venv / "bin" / "kiosk").write_text("#!/bin/sh\nexit 3\n")
    (venv / "bin" / "kiosk").chmod(0o755)
    done = _make("run", f"VENV={venv}")
    assert done.returncode != 0 and "Error 3" in done.stderr


def test_make_alone_lists_the_targets_and_installs_nothing(tmp_path: Path) -> None:
    venv = tmp_path / "no-venv"
    done = _make(f"VENV={venv}")
    assert done.returncode == 0, done.stderr
    listed = [line.split()[1] for line in done.stdout.splitlines() if line.startswith("make ")]
    assert listed[:2] == ["run", "test"]
    assert {"test-fast", "lint", "i18n", "screenshots", "bench", "clean"} <= set(listed)
    assert not venv.exists()
