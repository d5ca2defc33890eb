"""The on-screen keyboard option: Qt Virtual Keyboard is asked for only where it is installed.

The offscreen platform shows no keyboard, so this checks the configuration, not the keys."""

from __future__ import annotations

from pathlib import Path

from kiosk.cli.main import _parser as build_parser
from kiosk.ui.keyboard import IM_MODULE, plugin_folder, use_on_screen_keyboard


def test_the_keyboard_is_enabled_when_its_plugin_is_installed(tmp_path: Path) -> None:
    (tmp_path / "libqtvirtualkeyboardplugin.so").write_bytes(b"")
    environ: dict[str, str] = {}
    assert use_on_screen_keyboard(environ, folder=tmp_path) is None
    assert environ == {"QT_IM_MODULE": IM_MODULE}


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
