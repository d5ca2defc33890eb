"""Invariant 2 and 7 on a seized machine: after a kiosk crashed mid-form, took a signature, wiped
a walked-away form and purged what the server acknowledged, nothing it was given is anywhere
on disk. Not in the data directory, not in $HOME, not in the caches Qt, fontconfig and Python
make there (and the bytecode cache, sent to a folder of its own), not in the temporary files it
made, not in a core file.

Each run types values made for it (a random token in each), so that a hit can only come from
this run's kiosk. The kiosk is the real `kiosk demo` in a child process (tests/e2e/canary_kiosk.py
drives its window, offscreen and on a virtual X display), with HOME, the XDG folders and TMPDIR
in this test's folder and the core size limit raised to unlimited, as a careless system might
have it. After the purge, not a piece of the purged record's ciphertext is left on the kiosk
either (secure_delete and the WAL's truncation): only the demo's own central server, in its
folder, keeps it.
"""

from __future__ import annotations

import json
import os
import re
import resource
import secrets
import shutil
import signal
import stat
import string
import subprocess
import sys
import time
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from canary import hits_in, needles
from ci import skip_unless_ci
from xvfb import xvfb

from kiosk.cli.launch import DEMO_CENTRAL_DIR
from kiosk.clock import utc_now
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.desks.pin import PinGuard
from kiosk.files import datadir, keys
from kiosk.petition.record import open_record
from kiosk.vault import Vault, outbox

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux processes and cores"),
]

DRIVER = Path(__file__).with_name("canary_kiosk.py")
TESTS = Path(__file__).parent.parent
KIOSK = Path(sys.executable).with_name("kiosk")
CORE_FILE = re.compile(r"core(\.\d+)?")  # core_pattern "core", with core_uses_pid or not
MAX_SEARCHED = 16 * 2**20  # bytes: another program's big file there is not the kiosk's
SCANNED_ELSEWHERE = (Path("/tmp"), Path("/dev/shm"))  # files the child made outside its HOME


def _values(token: str) -> dict[str, str]:
    """What the supporter types: the token in every field, in several scripts."""
    return {
        "first_name": f"Xanthippë{token}",
        "last_name": f"Q\u0301uor{token}-Ørsted",
        "email": f"Canary.{token}@Example.ORG",
        "postcode": f"qz9 {token[:4]}",
        "country": "Åland Islands",
        "comment": f"Tweetie {token} sang\nUnder the ünïcode lamp {token[::-1]} \U0001f424",
    }


def _searched_for(values: dict[str, str]) -> list[str]:
    """Each value whole, each line of it, and the token-bearing pieces: what would betray the
    supporter even cut up or reformatted (a log line, a title-cased name)."""
    token = values["first_name"].removeprefix("Xanthippë")
    lines = [line for v in values.values() for line in v.split("\n")]
    pieces = [token, token[::-1], f"qz9 {token[:4]}", f"canary.{token}"]
    marked = (token[:4], token[::-1])  # every value but the country's name carries one
    return [v for v in [*values.values(), *lines, *pieces] if any(m in v for m in marked)]


class Machine:
    """A user's world in a folder: HOME (with the kiosk's data directory where platformdirs puts
    it), XDG_RUNTIME_DIR, TMPDIR, the bytecode cache and the working directory."""

    def __init__(self, root: Path, platform: dict[str, str]) -> None:
        self.root = root
        self.home = root / "home"
        self.data_dir = self.home / ".local" / "share" / "kiosk-demo"
        self.cwd = root / "cwd"
        for folder in (self.home, self.cwd, root / "run", root / "tmp", root / "pycache"):
            folder.mkdir(parents=True, mode=0o700)
        self.env = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("XDG_", "QT_", "PYTHON")) and k not in ("DISPLAY", "TMPDIR")
        }
        self.env.update(
            HOME=str(self.home),
            XDG_RUNTIME_DIR=str(root / "run"),
            TMPDIR=str(root / "tmp"),
            PYTHONPYCACHEPREFIX=str(root / "pycache"),
            PYTHONPATH=str(TESTS),
            CANARY_DATA_DIR=str(self.data_dir),
        )
        self.env.update(platform)

    def kiosk(self, scenario: str, values: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, str(DRIVER), scenario],
            input=json.dumps(values) + "\n",
            env=self.env,
            cwd=self.cwd,
            capture_output=True,
            text=True,
            timeout=400,
            preexec_fn=_unlimited_cores,
            check=False,
        )

    def files(self) -> list[Path]:
        return [p for p in sorted(self.root.rglob("*")) if p.is_file()]


def _unlimited_cores() -> None:
    resource.setrlimit(resource.RLIMIT_CORE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))


def _made_since(started: float, besides: Path) -> list[Path]:
    """Files the child may have made outside its TMPDIR: in /tmp and /dev/shm, each entry made
    or changed since `started` (a folder: all its files), leaving out `besides` (searched
    already) and pytest's folders of other runs. Other programs come and go there meanwhile:
    what vanishes is passed over."""
    found = []
    for top in SCANNED_ELSEWHERE:
        for entry in top.iterdir() if top.is_dir() else ():
            try:
                if entry.name.startswith("pytest-of-") or entry.lstat().st_mtime < started:
                    continue
            except OSError:
                continue
            inside = os.walk(entry, onerror=lambda _: None) if entry.is_dir() else ()
            paths = [Path(folder, name) for folder, _, names in inside for name in names]
            for path in paths or [entry]:
                try:
                    info = path.lstat()
                except OSError:
                    continue
                if (
                    stat.S_ISREG(info.st_mode)
                    and info.st_size <= MAX_SEARCHED
                    and not path.is_relative_to(besides)
                ):
                    found.append(path)
    return found


@pytest.fixture(params=["offscreen", "xcb"])
def platform(request: pytest.FixtureRequest) -> Iterator[dict[str, str]]:
    """Qt's platform for the kiosk: offscreen, or xcb on a virtual X display (Xvfb), where X
    libraries could keep caches of their own in HOME."""
    if request.param == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    if shutil.which("Xvfb") is None:
        skip_unless_ci("the xcb case needs Xvfb (Debian: apt-get install xvfb libxcb-cursor0)")
    with xvfb(1600, 1000) as name:  # room for the demo's 1280x800 window
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": name}


def test_a_crashed_signed_wiped_and_purged_kiosk_leaves_no_trace_on_disk(
    tmp_path: Path, platform: dict[str, str]
) -> None:
    started = time.time() - 1
    token = "".join(secrets.choice(string.ascii_lowercase) for _ in range(10))
    values = _values(token)
    machine = Machine(tmp_path / "machine", platform)
    # A volunteer chose the PIN at an earlier start (else the chooser comes first).
    vault = Vault.open(datadir.prepare(machine.data_dir))
    try:
        PinGuard(vault).choose("2468")
    finally:
        vault.close()

    for scenario, dying in (("abort", signal.SIGABRT), ("segv", signal.SIGSEGV)):
        crashed = machine.kiosk(scenario, values)
        assert "typed" in crashed.stdout.splitlines(), (crashed.stdout, crashed.stderr)
        assert crashed.returncode == -dying, (crashed.returncode, crashed.stderr)

    signed = machine.kiosk("sign", values)
    assert signed.returncode == 0, (signed.stdout, signed.stderr)
    steps = signed.stdout.splitlines()
    assert steps == ["typed", "signed", "walked away", "wiped", "acknowledged"], signed.stderr

    # The search means something only if the kiosk really recorded what was typed.
    private = CampaignPrivateKey.from_pem(
        (machine.data_dir / keys.DEMO_DIR / keys.PRIVATE_KEY_FILE).read_bytes(),
        keys.DEMO_PASSPHRASE,
        "demo",
    )
    vault = Vault.open(machine.data_dir)
    try:
        (row,) = vault.signatures()
        ids = {"appeal_id": row.appeal_id, "signature_id": row.id, "device_id": vault.device_id}
        assert open_record(row.sealed, private, **ids).fields["first_name"] == values["first_name"]
        # Pieces of the sealed record, to show that the purge leaves none of it on the kiosk.
        sealed = {row.sealed[i : i + 32]: f"sealed bytes {i}" for i in range(0, 8192, 512)}
        assert hits_in([machine.data_dir / "vault.sqlite3"], sealed, root=machine.root)
        assert outbox.purge(vault, timedelta(0), utc_now()) == 1  # as the worker does, later
        assert vault.signatures() == []
    finally:
        vault.close()
    again = subprocess.run(
        [str(KIOSK), "demo", "--data-dir", str(machine.data_dir), "--quit-after-shown"],
        env=machine.env,
        cwd=machine.cwd,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr

    files = machine.files()
    names = {p.name for p in files}
    assert "vault.sqlite3" in names and "kiosk.log" in names, names
    assert any(p.suffix == ".pyc" for p in files), "the bytecode cache was not where searched"
    assert not [p for p in files if CORE_FILE.fullmatch(p.name)], "a crash left a core file"
    wanted = needles(_searched_for(values))
    assert hits_in(files, wanted, root=machine.root) == []
    assert hits_in(_made_since(started, tmp_path), wanted, root=machine.root) == []
    # The demo's own central server keeps the ciphertext, as a server does; the kiosk does not.
    on_the_kiosk = [p for p in files if DEMO_CENTRAL_DIR not in p.parts]
    assert hits_in(on_the_kiosk, sealed, root=machine.root) == []
