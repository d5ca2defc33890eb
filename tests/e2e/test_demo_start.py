"""The real program, started as a person would: `kiosk demo` in a fresh data directory, offscreen,
quitting once the appeal has been painted. Then: what did it leave on disk?"""

from __future__ import annotations

import os
import re
import sqlite3
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.files import keys
from kiosk.files.logs import LOG_DIR, LOG_FILE
from kiosk.vault import VAULT_FILE
from kiosk.vault.schema import SCHEMA_HEAD

KIOSK = Path(sys.executable).with_name("kiosk")
LOG_LINE = re.compile(r"^\d{4}-\d{2}-\d{2} \d{2}h UTC (DEBUG|INFO|WARNING) kiosk(\.[a-z_.]+)?: .+$")


def _start_demo(data_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    env.pop("DISPLAY", None)
    env.pop("WAYLAND_DISPLAY", None)
    return subprocess.run(
        [str(KIOSK), "demo", "--data-dir", str(data_dir), "--quit-after-shown"],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd="/",
    )


def _vault_facts(data_dir: Path) -> tuple[str, str, int]:
    conn = sqlite3.connect(data_dir / VAULT_FILE)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert conn.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        (revision,) = conn.execute("SELECT version_num FROM alembic_version").fetchone()
        (device_id,) = conn.execute("SELECT id FROM device").fetchone()
        (signatures,) = conn.execute("SELECT count(*) FROM signature").fetchone()
    finally:
        conn.close()
    return revision, device_id, signatures


@pytest.mark.slow
def test_kiosk_demo_starts_shows_the_appeal_and_leaves_a_sound_data_dir(tmp_path: Path) -> None:
    data_dir = tmp_path / "kiosk-demo"
    first = _start_demo(data_dir)
    assert first.returncode == 0, first.stderr
    assert "Traceback" not in first.stderr
    assert "kiosk: demo mode." in first.stderr
    assert keys.DEMO_PASSPHRASE in first.stderr  # the terminal says how to open demo records

    # The data directory is private to this user.
    assert stat.S_IMODE(data_dir.stat().st_mode) == 0o700
    assert stat.S_IMODE((data_dir / LOG_DIR).stat().st_mode) == 0o700

    # The vault: created through the migrations, a device identity, nothing signed yet.
    revision, device_id, signatures = _vault_facts(data_dir)
    assert (revision, signatures) == (SCHEMA_HEAD, 0)
    assert re.fullmatch(r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}", device_id)

    # The demo key: the public half where the kiosk reads it, the private half (0600) opening
    # with the passphrase the terminal printed, and the two belonging together.
    public = CampaignPublicKey.from_pem((data_dir / keys.PUBLIC_KEY_FILE).read_bytes(), "public")
    private_file = data_dir / keys.DEMO_DIR / keys.PRIVATE_KEY_FILE
    assert stat.S_IMODE(private_file.stat().st_mode) == 0o600
    private = CampaignPrivateKey.from_pem(private_file.read_bytes(), keys.DEMO_PASSPHRASE, "demo")
    assert private.public_key().fingerprint == public.fingerprint
    assert public.fingerprint in first.stderr

    # The log: well-formed lines from named kiosk loggers, no errors, nothing personal.
    log_text = (data_dir / LOG_DIR / LOG_FILE).read_text(encoding="utf-8")
    lines = log_text.splitlines()
    assert lines, "the kiosk logged nothing"
    for line in lines:
        assert LOG_LINE.match(line), line
    assert "@" not in log_text  # no email address, whoever's
    assert "upgrading vault schema from empty" in log_text
    assert "core dumps: core file size limit 0, not dumpable" in log_text
    assert f"created demo campaign key {public.fingerprint}" in log_text

    # A second start reuses everything: same device, same key, no migration, still no signature.
    second = _start_demo(data_dir)
    assert second.returncode == 0, second.stderr
    assert _vault_facts(data_dir) == (SCHEMA_HEAD, device_id, 0)
    again = CampaignPublicKey.from_pem((data_dir / keys.PUBLIC_KEY_FILE).read_bytes(), "public")
    assert again.fingerprint == public.fingerprint
    log_text = (data_dir / LOG_DIR / LOG_FILE).read_text(encoding="utf-8")
    assert log_text.count("upgrading vault schema") == 1
    assert log_text.count("created demo campaign key") == 1
    assert "Traceback" not in second.stderr


@pytest.mark.slow
def test_kiosk_run_starts_with_a_handed_over_key_and_exits_cleanly(
    tmp_path: Path, campaign_public_key: CampaignPublicKey
) -> None:
    key_file = tmp_path / "from-the-coordinator.pem"
    key_file.write_bytes(campaign_public_key.to_pem())
    data_dir = tmp_path / "kiosk"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    args = [str(KIOSK), "run", "--data-dir", str(data_dir), "--quit-after-shown"]
    result = subprocess.run(
        [*args, "--campaign-key", str(key_file)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        stdin=subprocess.DEVNULL,
        cwd="/",
    )
    # The key is installed before the window shows, and the vault created once it has.
    assert (data_dir / keys.PUBLIC_KEY_FILE).read_bytes() == campaign_public_key.to_pem()
    assert _vault_facts(data_dir)[0] == SCHEMA_HEAD
    assert "Fatal Python error" not in result.stderr
    assert result.returncode == 0, result.stderr
