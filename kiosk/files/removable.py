"""Where a USB stick is: the mounted removable drives a volunteer can export batches to.

Linux desktops mount sticks under /media/$USER, /run/media/$USER or /media; macOS under
/Volumes; on Windows each removable drive has a letter that GetDriveTypeW reports as removable.
Only writable directories are offered.
"""

from __future__ import annotations

import getpass
import os
import string
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

_DRIVE_REMOVABLE = 2  # GetDriveTypeW's DRIVE_REMOVABLE


@dataclass(frozen=True)
class Drive:
    path: Path
    label: str


def removable_drives(
    platform: str = sys.platform, roots: Iterable[Path] | None = None
) -> list[Drive]:
    """Mounted removable drives, by label. `roots` overrides the mount folders (for tests)."""
    if platform.startswith("win") and roots is None:
        return _windows_drives()
    folders = list(roots) if roots is not None else _mount_roots(platform)
    drives: dict[Path, Drive] = {}
    for root in folders:
        try:
            children = sorted(root.iterdir())
        except OSError:
            continue
        for child in children:
            if child.is_dir() and os.access(child, os.W_OK) and child not in drives:
                if child.name == _user() and root == Path("/media"):
                    continue  # /media/$USER itself is a folder of mounts, listed on its own
                drives[child] = Drive(child, child.name)
    return list(drives.values())


def _user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return ""


def _mount_roots(platform: str) -> list[Path]:
    if platform == "darwin":
        return [Path("/Volumes")]
    user = _user()
    roots = [Path("/media") / user, Path("/run/media") / user] if user else []
    return [*roots, Path("/media")]


def _windows_drives() -> list[Drive]:  # pragma: no cover - runs on Windows only
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    mask = kernel32.GetLogicalDrives()
    drives = []
    for index, letter in enumerate(string.ascii_uppercase):
        if mask & (1 << index):
            root = f"{letter}:\\"
            if kernel32.GetDriveTypeW(ctypes.c_wchar_p(root)) == _DRIVE_REMOVABLE:
                drives.append(Drive(Path(root), f"{letter}:"))
    return drives
