"""WeasyPrint and Pillow are the `coordinator` extra's (pyproject.toml): the kiosk and the server
run without them, and the two commands that need them say what to install, before any
passphrase. The tests and CI install the extra."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from kiosk.central import deliver, drawn
from kiosk.central.errors import DeliveryError, MissingExtra
from kiosk.crypto.device_key import DeviceKey
from kiosk.petition.appeal import Appeal
from kiosk.petition.strokes import Drawing, Point

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
LIBRARIES = ("weasyprint", "PIL")  # import names of the extra's two distributions


@pytest.fixture
def without_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the extra were not installed: importing either library raises ImportError."""
    for name in LIBRARIES:
        monkeypatch.setitem(sys.modules, name, None)


def test_the_extra_holds_them_and_the_tests_install_it() -> None:
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    core = " ".join(project["dependencies"]).lower()
    assert "weasyprint" not in core and "pillow" not in core
    extras = project["optional-dependencies"]
    assert sorted(d.split(">")[0] for d in extras["coordinator"]) == ["Pillow", "weasyprint"]
    assert any("coordinator" in d for d in extras["test"])  # make test, CI (.ci/run)


def test_the_kiosk_and_the_server_load_without_them() -> None:
    blocked = "; ".join(f"sys.modules[{name!r}] = None" for name in LIBRARIES)
    code = (
        f"import sys; {blocked}\n"
        "import kiosk.cli.main, kiosk.cli.central, kiosk.cli.launch, kiosk.central.api\n"
        "import kiosk.central.embedded, kiosk.central.server, kiosk.central.deliver\n"
        "import kiosk.ui.app\n"
        "from kiosk.central.api import create_app\n"
        "from kiosk.central.db import open_database\n"
        "create_app(open_database('sqlite+pysqlite:///:memory:'))\n"
        "print('loaded')"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "loaded"


@pytest.mark.usefixtures("without_extra")
def test_deliver_says_to_install_the_extra_before_any_passphrase(
    central: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "")  # a passphrase asked for would fail
    assert central("deliver", "--out", tmp_path / "pack.pdf") == 2
    err = capsys.readouterr().err
    assert err == (
        "kiosk: kiosk central deliver (the delivery pack's PDF) needs WeasyPrint, which is not "
        "installed here: install the kiosk with its coordinator extra, pip install "
        "'kiosk[coordinator]' (in a checkout: pip install -e '.[coordinator]')\n"
    )
    assert not (tmp_path / "pack.pdf").exists()


@pytest.mark.usefixtures("without_extra")
def test_export_signatures_says_to_install_the_extra_before_any_passphrase(
    central: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, capsys: Any
) -> None:
    monkeypatch.setenv("KIOSK_KEY_PASSPHRASE", "")
    out = tmp_path / "signers.csv"
    assert central("export", "--out", out, "--signatures", tmp_path / "drawn") == 2
    err = capsys.readouterr().err
    assert "needs Pillow, which is not installed here" in err and "kiosk[coordinator]" in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.usefixtures("without_extra")
def test_the_library_calls_raise_the_same(appeal: Appeal, tmp_path: Path) -> None:
    drawing = Drawing(((Point(0.1, 0.2, 0), Point(0.6, 0.7, 40), Point(0.9, 0.3, 80)),), 2.0)
    assert drawn.to_svg(drawing).startswith("<?xml")  # the SVG needs neither
    with pytest.raises(MissingExtra, match="needs Pillow"):
        drawn.to_png(drawing)
    with pytest.raises(MissingExtra, match="needs WeasyPrint"):
        deliver.write_pack(
            appeal,
            [],
            tmp_path / "pack.pdf",
            DeviceKey.generate(),  # the coordinator signing key
            campaign_fingerprint="ab" * 16,
            made_at=datetime(2026, 3, 2, tzinfo=UTC),
            write=lambda path, data: None,
        )


def test_weasyprint_without_pango_is_a_message(monkeypatch: pytest.MonkeyPatch) -> None:
    class NoPango:
        def __getattr__(self, name: str) -> Any:
            raise OSError("cannot load library 'libpango-1.0-0'")

    monkeypatch.setitem(sys.modules, "weasyprint", NoPango())
    with pytest.raises(DeliveryError, match=r"apt-get install libpango-1\.0-0"):
        deliver.require_layout()
