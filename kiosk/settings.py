"""The kiosk's settings: one declared, typed set of options with their defaults."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_path

APP_NAME = "kiosk"


def default_data_dir(*, demo: bool) -> Path:
    # The demo keeps its own directory so demo signatures never mix with a real campaign's.
    return user_data_path(f"{APP_NAME}-demo" if demo else APP_NAME, appauthor=False)


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    appeal_file: Path | None = None  # None: the bundled appeal
    fullscreen: bool = True
    thanks_seconds: int = 8  # the thank-you screen returns to the appeal by itself
