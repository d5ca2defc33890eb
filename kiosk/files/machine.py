"""What the kiosk's machine says about itself, for the heartbeat and the volunteer's panel: its
battery (Linux /sys/class/power_supply; None where the OS reports none) and the free room where
its data directory is. Nothing about a supporter."""

from __future__ import annotations

import logging
import shutil
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("kiosk.files")

POWER_SUPPLY = Path("/sys/class/power_supply")
_EXTERNAL = {"Mains", "USB", "USB_C", "USB_PD", "USB_PD_DRP", "Wireless"}


@dataclass(frozen=True)
class BatteryReading:
    percent: int
    charging: bool  # on external power (charging, full, or held by a charge limit)


def battery(root: Path = POWER_SUPPLY) -> BatteryReading | None:
    """The first system battery's charge and whether the machine is on external power; None
    with no battery (a desktop, a tablet whose OS does not say, another OS)."""
    try:
        supplies = sorted(root.iterdir())
    except OSError:
        return None
    percent: int | None = None
    status = ""
    external = False
    for supply in supplies:
        kind = _read(supply / "type")
        if kind == "Battery" and percent is None and _read(supply / "scope") != "Device":
            capacity = _read(supply / "capacity")
            if capacity is not None and capacity.isdigit():
                percent = min(100, int(capacity))
                status = _read(supply / "status") or ""
        elif kind in _EXTERNAL and _read(supply / "online") == "1":
            external = True
    if percent is None:
        return None
    return BatteryReading(percent, external or status in ("Charging", "Full"))


def disk_free(path: Path) -> int | None:
    """Free bytes for this user on the file system holding `path`; None if it cannot be read."""
    try:
        return shutil.disk_usage(path).free
    except OSError:
        log.info("free disk space could not be read")
        return None


def _read(path: Path) -> str | None:
    try:
        return path.read_text("ascii", errors="replace").strip()
    except OSError:  # a supply that vanished (unplugged) or cannot be read
        return None
