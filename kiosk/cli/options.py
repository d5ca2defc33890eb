"""Options that several `kiosk` commands share, defined once."""

from __future__ import annotations

import argparse
from pathlib import Path

KIOSK_DATA_DIR_HELP = (
    "where the kiosk keeps its vault, keys and logs (default: the platform's user data directory)"
)


def add_data_dir(parser: argparse.ArgumentParser, helptext: str = KIOSK_DATA_DIR_HELP) -> None:
    parser.add_argument("--data-dir", type=Path, help=helptext)


def counted(number: int, one: str, many: str | None = None) -> str:
    """`number` and its noun in the right form: "1 signature", "2 signatures", "0 batches"."""
    return f"{number} {one if number == 1 else many or one + 's'}"
