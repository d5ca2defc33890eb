"""`kiosk central ...` on a server that `kiosk central init` set up itself (campaign key,
coordinator signing key and first keyset, as a coordinator's first command leaves them), for
the tests of what comes after: rotation, destroying a key. Test modules import the fixtures
by name (tests/central/conftest.py's `central` runs on a campaign made directly instead)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from coordinator import PASSPHRASE, fast_key_files

from kiosk.cli.main import main


@pytest.fixture
def coordinator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    key_dir = tmp_path / "coordinator"
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", PASSPHRASE)
    monkeypatch.setenv("KIOSK_COORDINATOR_DIR", str(key_dir))
    fast_key_files(monkeypatch)
    return key_dir


@pytest.fixture
def central(tmp_path: Path, database_url: str, coordinator: Path) -> Any:
    data_dir = tmp_path / "central"

    def run(*argv: str | int | Path, stdin: str = "") -> int:
        common = ["--data-dir", str(data_dir), "--database-url", database_url]
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr("sys.stdin", io.StringIO(stdin))
            return main(["central", str(argv[0]), *common, *map(str, argv[1:])])

    assert run("init") == 0
    return run
