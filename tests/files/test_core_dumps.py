"""A kiosk that crashes mid-form leaves no core dump with the form in it.

A child process puts a canary name in a Qt line edit (as the form holds a supporter's name) and
aborts, with the core size limit raised to unlimited as a careless system might have it. Without
`core_dumps.forbid()` its core holds the name in UTF-16; with it, there is no core at all.
"""

from __future__ import annotations

import codecs
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from ci import skip_unless_ci

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux core dumps")

CANARY = "Zyxwv Canary-Dumpling"
CHILD = """
import codecs, os, sys
from kiosk.files import core_dumps
if sys.argv[1] == "hardened":
    core_dumps.forbid()
from PySide6.QtWidgets import QApplication, QLineEdit
app = QApplication([])
field = QLineEdit()
field.setText(codecs.decode(sys.argv[2], "rot13"))  # only Qt's copy is the name in UTF-16
print("dumpable" if core_dumps.dumpable() else "not dumpable", flush=True)
os.abort()
"""


def _unlimited_cores() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _crash(mode: str, cwd: Path) -> tuple[str, list[Path]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", CHILD, mode, codecs.encode(CANARY, "rot13")],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=_unlimited_cores,
        check=False,
    )
    assert done.returncode < 0, done.stderr  # killed by SIGABRT, as a crash is
    return done.stdout.strip(), sorted(cwd.glob("core*"))


def _core_pattern() -> str:
    return Path("/proc/sys/kernel/core_pattern").read_text().strip()


def test_an_aborted_kiosk_leaves_no_core_with_the_form_in_it(tmp_path: Path) -> None:
    before = resource.getrlimit(resource.RLIMIT_CORE)
    try:
        _unlimited_cores()  # what the child will do: see if this user may
    except (ValueError, OSError):
        skip_unless_ci("this user may not raise the core size limit, so no core can be provoked")
    finally:
        resource.setrlimit(resource.RLIMIT_CORE, before)
    if _core_pattern().startswith("|"):
        skip_unless_ci(f"cores go to a handler ({_core_pattern()}), not a file this test can read")

    careless, hardened = tmp_path / "careless", tmp_path / "hardened"
    careless.mkdir()
    hardened.mkdir()
    said, cores = _crash("careless", careless)
    assert said == "dumpable"
    assert cores, "without forbid() the child left no core: this test could not tell"
    assert CANARY.encode("utf-16-le") in cores[0].read_bytes()

    said, cores = _crash("hardened", hardened)
    assert said == "not dumpable"
    assert cores == []


def test_forbid_sets_a_hard_limit_the_process_cannot_raise_again() -> None:
    probe = (
        "import resource\n"
        "from kiosk.files import core_dumps\n"
        "print(core_dumps.forbid())\n"
        "print(resource.getrlimit(resource.RLIMIT_CORE), core_dumps.dumpable())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.splitlines() == [
        "['core file size limit 0', 'not dumpable']",
        "(0, 0) False",
    ]
