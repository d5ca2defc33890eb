"""Whole files or nothing: short writes, a write that stops, the rename made durable."""

from __future__ import annotations

import os
import stat
from datetime import UTC, datetime
from pathlib import Path

import pytest

from kiosk.files import atomic
from kiosk.files.atomic import write_atomic

DATA = bytes(range(256)) * 40


def test_short_writes_are_continued_until_every_byte_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls: list[int] = []

    def a_few_bytes_at_a_time(fd: int, data: bytes | memoryview) -> int:
        calls.append(len(data))
        return real_write(fd, bytes(data)[:777])

    monkeypatch.setattr(os, "write", a_few_bytes_at_a_time)
    target = tmp_path / "batch.kbatch"
    write_atomic(target, DATA, mode=0o600)
    assert target.read_bytes() == DATA
    assert len(calls) == -(-len(DATA) // 777)
    assert stat.S_IMODE(target.stat().st_mode) == 0o600


def test_a_write_that_stops_leaves_the_old_file_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "appeal.toml"
    target.write_bytes(b"the old appeal")
    real_write = os.write
    written: list[int] = []

    def full_after_a_kilobyte(fd: int, data: bytes | memoryview) -> int:
        if written:
            return 0
        written.append(1)
        return real_write(fd, bytes(data)[:1024])

    monkeypatch.setattr(os, "write", full_after_a_kilobyte)
    with pytest.raises(OSError, match="stopped after 1024 bytes"):
        write_atomic(target, DATA)
    assert target.read_bytes() == b"the old appeal"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["appeal.toml"]


def test_the_directory_is_synced_after_the_rename(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    events: list[str] = []
    real_fsync, real_replace = os.fsync, os.replace

    def fsync(fd: int) -> None:
        events.append("fsync dir" if stat.S_ISDIR(os.fstat(fd).st_mode) else "fsync file")
        real_fsync(fd)

    def replace(src: str | Path, dst: str | Path) -> None:
        events.append("rename")
        real_replace(src, dst)

    monkeypatch.setattr(os, "fsync", fsync)
    monkeypatch.setattr(atomic.os, "replace", replace)
    write_atomic(tmp_path / "key.pem", b"key")
    assert events == ["fsync file", "rename", "fsync dir"]


def test_mtime_is_set_when_asked(tmp_path: Path) -> None:
    hour = datetime(2026, 12, 3, 15, tzinfo=UTC)
    target = tmp_path / "b.kbatch"
    write_atomic(target, b"x", mtime=hour)
    assert target.stat().st_mtime == hour.timestamp()
