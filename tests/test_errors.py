"""Every failure the kiosk expects has one root, and kiosk/errors.py draws the whole tree."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import kiosk
from kiosk import errors
from kiosk.cli import main as cli
from kiosk.errors import KioskError


def _exception_classes() -> dict[str, type[BaseException]]:
    """Every exception class defined in a kiosk module (not merely imported into one)."""
    found: dict[str, type[BaseException]] = {}
    for info in pkgutil.walk_packages(kiosk.__path__, "kiosk."):
        if ".migrations" in info.name or info.name.startswith("kiosk.ui"):
            continue  # migrations run inside Alembic; the UI defines no failures of its own
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if (
                inspect.isclass(value)
                and issubclass(value, BaseException)
                and value.__module__ == info.name
            ):
                found[f"{info.name}.{name}"] = value
    return found


def test_every_exception_the_kiosk_defines_is_a_kiosk_error() -> None:
    classes = _exception_classes()
    assert len(classes) >= 30  # the walk found the tree, not nothing
    outside = sorted(name for name, cls in classes.items() if not issubclass(cls, KioskError))
    assert outside == []


def test_the_docstring_tree_names_every_public_kiosk_error() -> None:
    drawn = set(re.findall(r"[├└]── (\w+)", errors.__doc__ or ""))
    public = {
        cls.__name__
        for name, cls in _exception_classes().items()
        if not cls.__name__.startswith("_") and not name.startswith("kiosk.central.errors.")
    } - {"KioskError"} | {"CentralError", "DatabaseError", "ServerStartError"}
    assert public <= drawn, sorted(public - drawn)


@pytest.mark.parametrize(
    "error",
    [
        errors.UsageError("the passphrase file is empty"),
        errors.VaultError("The signature store is damaged"),
        errors.SyncError("the server refused", permanent=True, reached_server=True),
    ],
)
def test_the_command_line_prints_any_kiosk_error_as_one_line(
    error: KioskError, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def fail(_: object) -> int:
        raise error

    monkeypatch.setattr(cli, "_keygen", fail)
    assert cli.main(["keygen"]) == cli.EXIT_USAGE
    assert capsys.readouterr().err == f"kiosk: {error}\n"


def test_a_bug_keeps_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(_: object) -> int:
        raise KeyError("a bug")

    monkeypatch.setattr(cli, "_keygen", fail)
    with pytest.raises(KeyError, match="a bug"):
        cli.main(["keygen"])
