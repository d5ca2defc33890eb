"""Every long command shows one progress bar (kiosk/cli/progress.py) with the rate and the time
left on a terminal or with --progress, and stays quiet when its output is not a terminal:
export, import, erase, review --heuristics, audit (deliver's is in test_deliver.py, vault
salvage's in tests/vault/test_page_scan.py). One of them runs on a real pseudo-terminal."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine
from terminal import KIOSK, Terminal

from kiosk.central.ingest import ingest

BAR = r"\[[#-]{30}\] (\d+)/(\d+) %s, [\d,]+/s, \d+ s left"


def _stick(enrolled: Any, engine: Engine, tmp_path: Path) -> list[Path]:
    """Two signatures stored, and two batch files on a stick."""
    kiosk = enrolled()
    ingest(
        engine, kiosk.batch([kiosk.record(email=f"s{i}@example.org") for i in range(2)]).to_bytes()
    )
    stick = tmp_path / "stick"
    stick.mkdir()
    files = []
    for n in range(2):
        batch = kiosk.batch([kiosk.record(email=f"usb{n}@example.org")])
        files.append(stick / f"{n}.kiosk-batch")
        files[-1].write_bytes(batch.to_bytes())
    return files


COMMANDS: dict[str, tuple[list[str], str, str, str]] = {
    # name: (arguments, the bar's label, its unit, the count at the end)
    "export": (["export", "--out", "{tmp}/out.csv"], "export", "records", "2/2"),
    "import": (["import", "{file0}", "{file1}"], "import", "files", "2/2"),
    "erase": (
        ["erase", "--email", "s0@example.org", "--dry-run"],
        "erase: opening",
        "records",
        "2/2",
    ),
    "review": (["review", "--heuristics"], "review: opening", "records", "2/2"),
    "audit": (["audit"], "audit", "batches", "1/1"),
}


@pytest.mark.parametrize("name", COMMANDS)
def test_a_long_command_shows_its_progress_with_rate_and_time_left_only_when_asked(
    name: str, central: Any, enrolled: Any, engine: Engine, tmp_path: Path, capsys: Any
) -> None:
    files = _stick(enrolled, engine, tmp_path)
    argv, label, unit, end = COMMANDS[name]
    argv = [a.format(tmp=tmp_path, file0=files[0], file1=files[1]) for a in argv]
    capsys.readouterr()
    assert central(*argv) == 0
    quiet = capsys.readouterr()
    assert "[#" not in quiet.err and "/s," not in quiet.err and "\r" not in quiet.err
    if name == "import":  # the same files again: already stored, and said so
        assert "already stored" not in quiet.out
    assert central(*argv, "--progress") == 0
    shown = capsys.readouterr()
    bars = re.findall(re.escape(label) + ": " + BAR % unit, shown.err)
    assert bars, shown.err
    assert f"{bars[-1][0]}/{bars[-1][1]}" == end
    assert shown.err.endswith("\n")  # the bar's line is ended, what follows starts afresh
    if name == "import":
        # the command's own lines are not drawn over by the bar
        assert shown.out.count("already stored") == 2


def test_on_a_terminal_the_bar_shows_without_asking(
    central: Any, enrolled: Any, engine: Engine, tmp_path: Path, database_url: str
) -> None:
    files = _stick(enrolled, engine, tmp_path)
    argv = [*KIOSK, "central", "import", *map(str, files)]
    argv += ["--data-dir", str(tmp_path / "central"), "--database-url", database_url]
    term = Terminal(argv, dict(os.environ))
    term.expect("import: " + BAR % "files")
    assert term.wait() == 0, term.screen
    lines = term.screen.replace("\r\n", "\n").split("\n")
    imported = [line for line in lines if ": imported: batch " in line]
    assert len(imported) == 2  # each on its own line, not under the bar
    assert all(line.split("\r")[-1].startswith(str(tmp_path)) for line in imported)
