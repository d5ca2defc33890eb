"""Reading a QR code back from a screenshot, as a phone's camera would: zbarimg with every
symbology but QR switched off, since its 1-D decoders now and then read a spurious barcode out
of the modules (a CI run once got the link plus a second line, "C$6C")."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from ci import skip_unless_ci


def decode_qr(png: Path) -> str:
    if shutil.which("zbarimg") is None:
        skip_unless_ci("zbarimg is missing: apt-get install zbar-tools")
    done = subprocess.run(
        ["zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    return done.stdout.strip()
