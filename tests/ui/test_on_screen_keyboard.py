"""The on-screen keyboard option: Qt Virtual Keyboard is asked for only where it works.

The offscreen platform shows no keyboard, so this checks the configuration and whether the
keyboard's input panel loads, not the keys."""

from __future__ import annotations

import importlib.metadata
from pathlib import Path

import pytest

from kiosk.cli.main import _parser as build_parser
from kiosk.ui.keyboard import (
    IM_MODULE,
    plugin_folder,
    probe_input_panel,
    use_on_screen_keyboard,
    virtual_keyboard_installed,
)


def test_the_keyboard_is_enabled_when_its_input_panel_loads(tmp_path: Path) -> None:
    (tmp_path / "libqtvirtualkeyboardplugin.so").write_bytes(b"")
    environ: dict[str, str] = {}
    assert use_on_screen_keyboard(environ, folder=tmp_path, probe=lambda: None) is None
    assert environ == {"QT_IM_MODULE": IM_MODULE}


def test_a_plugin_file_without_a_working_panel_is_said_at_start(tmp_path: Path) -> None:
    """What PySide6-Essentials ships: the plugin file, not the library its QML module needs."""
    (tmp_path / "libqtvirtualkeyboardplugin.so").write_bytes(b"")
    environ: dict[str, str] = {}
    missing = use_on_screen_keyboard(
        environ, folder=tmp_path, probe=lambda: "libQt6VirtualKeyboardQml.so.6: cannot open"
    )
    assert missing == (
        "the on-screen keyboard is not available: Qt Virtual Keyboard's input panel does not "
        "load (libQt6VirtualKeyboardQml.so.6: cannot open). It comes whole with PySide6-Addons: "
        "pip install 'kiosk[keyboard]' (the kiosk runs on without it)"
    )
    assert environ == {}


def _addons_installed() -> bool:
    try:
        importlib.metadata.distribution("PySide6-Addons")
    except importlib.metadata.PackageNotFoundError:
        return False
    return True


@pytest.mark.slow  # a Qt application in a child process
def test_the_real_check_loads_the_panel_exactly_when_the_addons_are_there() -> None:
    """This machine's PySide6 as it is: Essentials alone has the plugin file (the case that
    showed no keyboard and no message) but its panel does not load."""
    problem = probe_input_panel()
    if _addons_installed():
        assert problem is None
    else:
        assert problem is not None and "VirtualKeyboard" in problem
        if virtual_keyboard_installed():
            environ: dict[str, str] = {}
            missing = use_on_screen_keyboard(environ)
            assert missing is not None and "kiosk[keyboard]" in missing
            assert environ == {}


def test_without_the_plugin_the_kiosk_says_what_to_install(tmp_path: Path) -> None:
    (tmp_path / "libcomposeplatforminputcontextplugin.so").write_bytes(b"")
    environ: dict[str, str] = {}
    missing = use_on_screen_keyboard(environ, folder=tmp_path / "nowhere")
    assert missing is not None and "kiosk[keyboard]" in missing
    assert use_on_screen_keyboard(environ, folder=tmp_path) is not None
    assert environ == {}


def test_the_plugin_folder_is_qt_s_own() -> None:
    assert plugin_folder().name == "platforminputcontexts"


def test_run_and_demo_take_the_option() -> None:
    parser = build_parser()
    for command in ("run", "demo"):
        assert parser.parse_args([command, "--on-screen-keyboard"]).on_screen_keyboard is True
        assert parser.parse_args([command]).on_screen_keyboard is False
