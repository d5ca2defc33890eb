"""What every test of a refused command checks of its standard error."""

from __future__ import annotations


def one_error_line(stderr: str) -> str:
    """A refusal is one line, `kiosk: ...`, and never a traceback; returns that line."""
    assert "Traceback" not in stderr
    lines = [line for line in stderr.splitlines() if line.strip()]
    assert len(lines) == 1, stderr
    assert lines[0].startswith("kiosk: ")
    return lines[0]
