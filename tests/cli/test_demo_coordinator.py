"""The real `kiosk demo` (what `make run` runs), then the coordinator's commands on its data as
the README shows them: the demo's campaign has a coordinator signing key and a signed keyset, so
`key list`, `deliver` and `deliver --verify` work, and the keys are found in demo-coordinator/."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from demo_process import running_demo  # type: ignore[import-not-found]

from kiosk.cli.main import main
from kiosk.files import keys

CONSOLE = "kiosk: the coordinators' console is at "


def _run_the_demo(data_dir: Path, err: Path) -> str:
    """Start `kiosk demo`, wait until its server and console are up, stop it; its stderr."""
    with running_demo(data_dir, err, lambda said: (CONSOLE in said) or None):
        pass
    return err.read_text()


@pytest.mark.slow  # the real `kiosk demo`, started end to end
def test_the_coordinators_commands_work_on_the_demos_data(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    demo = tmp_path / "demo"
    said = _run_the_demo(demo, tmp_path / "stderr.txt")
    central = demo / "demo-central"
    key = demo / keys.DEMO_DIR / keys.PRIVATE_KEY_FILE
    assert f"private keys are in {key.parent}," in said  # the notice names where and how
    assert f"--data-dir {central} (they use every key file there)" in said
    assert "older version" not in said
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", keys.DEMO_PASSPHRASE)
    monkeypatch.delenv("KIOSK_COORDINATOR_DIR", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # nothing at the defaults

    # key list, with --data-dir only: the private key column looks in demo-coordinator/
    assert main(["central", "key", "list", "--data-dir", str(central)]) == 0
    out = capsys.readouterr().out
    assert "keyset version 1" in out and "made before keysets" not in out
    assert re.search(rf"^\s+1\s+active \*\s+\S+\s+0\s+{re.escape(str(key))}$", out, re.M), out
    fingerprint = re.search(r"pinned it at enrolment\): ([0-9a-f]{32})$", out, re.M)
    assert fingerprint is not None, out

    # deliver, as the README writes it (the keys found in demo-coordinator/), and its check
    pack = tmp_path / "pack.pdf"
    args = ["--data-dir", str(central)]
    assert main(["central", "deliver", *args, "--out", str(pack)]) == 0
    assert f"signed by the coordinator key {fingerprint.group(1)}" in capsys.readouterr().err
    assert main(["central", "deliver", "--data-dir", str(central), "--verify", str(pack)]) == 0
    assert f"signed by the campaign's coordinator key {fingerprint.group(1)}" in (
        capsys.readouterr().out
    )
    # the demo's key rotates, signed by the demo's coordinator key
    assert main(["central", "key", "rotate", *args]) == 0
    assert "keyset version 2" in capsys.readouterr().out
