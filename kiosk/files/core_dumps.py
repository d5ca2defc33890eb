"""No core dumps: a crash must not write the form being filled in to disk.

A core dump of a kiosk that crashes mid-form holds the supporter's name, e-mail and comment (Qt
keeps a QLineEdit's text as UTF-16 in the heap). `forbid()` runs first thing in `kiosk run` and
`kiosk demo`, before Qt or any entry exists:

- Linux, macOS, the BSDs: RLIMIT_CORE soft and hard limits 0, so the kernel writes no core file
  (and a core handler such as systemd-coredump gets none from a limit of 0).
- Linux: prctl(PR_SET_DUMPABLE, 0) as well. It also stops a core through a pipe handler that
  ignores the limit, and stops other processes of the same user from ptrace-attaching to read
  the kiosk's memory.
- Windows: SetErrorMode(SEM_NOGPFAULTERRORBOX), so Windows Error Reporting shows no crash dialog
  and uploads nothing; a machine-wide WER LocalDumps policy can still write dumps, which
  docs/deployment.md says how to turn off.

What this cannot do, docs/deployment.md covers: swap (use encrypted swap or none), hibernation
images, and a root user's debugger.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
SEM_NOGPFAULTERRORBOX = 0x0002


def forbid() -> list[str]:
    """Turn core dumps off for this process; returns what was done, in words, for the log."""
    done: list[str] = []
    if os.name == "nt":
        kernel32 = ctypes.WinDLL("kernel32")  # type: ignore[attr-defined,unused-ignore]
        kernel32.SetErrorMode(SEM_NOGPFAULTERRORBOX)
        done.append("Windows Error Reporting dialogs off")
        return done
    import resource

    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    done.append("core file size limit 0")
    if sys.platform.startswith("linux") and _prctl(PR_SET_DUMPABLE, 0) == 0:
        done.append("not dumpable")
    return done


def dumpable() -> bool | None:
    """Whether Linux would dump this process (None where it cannot say)."""
    if not sys.platform.startswith("linux"):
        return None
    answer = _prctl(PR_GET_DUMPABLE, 0)
    return None if answer < 0 else answer != 0


def _prctl(option: int, value: int) -> int:
    name = ctypes.util.find_library("c")
    if name is None:
        return -1
    libc = ctypes.CDLL(name, use_errno=True)
    return int(libc.prctl(option, value, 0, 0, 0))
