"""`kiosk demo/run --appeal FILE` with a misspelt key: one line naming the file, the key and the key
it was probably meant to be, exit status 2, no traceback, and no window."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

import pytest
from cli_output import one_error_line, run_kiosk

from kiosk.cli import main as cli

BUNDLED = files("kiosk.resources").joinpath("appeals", "un-chechnya.toml").read_text("utf-8")


def _misspelt(tmp_path: Path, old: str, new: str) -> Path:
    assert BUNDLED.count(old) == 1, old
    path = tmp_path / "my-appeal.toml"
    path.write_text(BUNDLED.replace(old, new), encoding="utf-8")
    return path


def test_a_misspelt_goal_stops_the_installed_command(tmp_path: Path) -> None:
    appeal = _misspelt(tmp_path, "# goal = 100000\n", "gaol = 100000\n")
    result = run_kiosk(
        ["demo", "--data-dir", str(tmp_path / "d"), "--appeal", str(appeal)], timeout=60
    )
    assert result.returncode == 2
    assert result.stdout == ""
    assert one_error_line(result.stderr) == (
        f"kiosk: {appeal}: field 'gaol': is not a key an appeal file has; did you mean 'goal'?"
    )


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        (
            "drawn_signature = ",
            "drawn_signatur = ",
            "field 'fields.drawn_signatur': is not a key an appeal file has; "
            "did you mean 'drawn_signature'?",
        ),
        (
            'comment_prompt = "I tuoi',
            'commento = "I tuoi',
            "field 'translations.it.letter.commento': cannot be translated; "
            "did you mean 'comment_prompt'?",
        ),
    ],
)
def test_a_misspelt_key_in_a_table_stops_the_kiosk(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], old: str, new: str, message: str
) -> None:
    appeal = _misspelt(tmp_path, old, new)
    # `run` rather than `demo`: had the key been let through, it stops at the missing campaign
    # key instead of opening a window that nobody closes.
    code = cli.main(["run", "--data-dir", str(tmp_path / "d"), "--appeal", str(appeal)])
    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert one_error_line(err) == f"kiosk: {appeal}: {message}"
