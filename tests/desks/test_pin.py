"""The volunteer PIN: Argon2id hashing, rules, growing waits, lockout, memory across restarts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from kiosk.crypto.pin_hash import PinHashParams, hash_pin, pin_hash_params, verify_pin
from kiosk.desks.pin import (
    LOCKOUT,
    RUN_MIN_DIGITS,
    PinCheck,
    PinGuard,
    PinNotSet,
    PinRuleError,
    PinWait,
    check_rules,
    delay_after,
)
from kiosk.errors import PinHashError
from kiosk.vault import Vault
from kiosk.vault.models import KioskState

# Cheap enough for tests; the default (46 MiB) is checked once below.
CHEAP = PinHashParams(memory_kib=64, iterations=1, lanes=1)


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def guard(vault: Vault, clock: FakeClock) -> PinGuard:
    g = PinGuard(vault, clock=clock, params=CHEAP)
    g.choose("2468")
    return g


def test_the_hash_holds_no_pin_and_differs_each_time() -> None:
    first, second = hash_pin("482913", CHEAP), hash_pin("482913", CHEAP)
    assert "482913" not in first
    assert first != second  # a fresh salt each time
    assert verify_pin("482913", first) and verify_pin("482913", second)
    assert not verify_pin("482914", first)
    assert not verify_pin("", first)


def test_the_parameters_are_stored_and_used() -> None:
    stored = hash_pin("1234", PinHashParams(memory_kib=256, iterations=2, lanes=2))
    assert stored.startswith("$argon2id$v=19$m=256,t=2,p=2$")
    assert pin_hash_params(stored) == PinHashParams(256, 2, 2)
    # The same PIN under other parameters is another hash: verify must use the stored ones.
    tampered = stored.replace("m=256,t=2", "m=512,t=2")
    assert not verify_pin("1234", tampered)


def test_the_default_is_memory_hard() -> None:
    stored = hash_pin("1234")
    assert pin_hash_params(stored).memory_kib >= 46 * 1024
    assert verify_pin("1234", stored)


@pytest.mark.parametrize(
    "stored",
    [
        "",
        "$scrypt$n=16384$abc$def",
        "$argon2id$v=19$m=99999999,t=1,p=1$c2FsdHNhbHRzYWx0$aGFzaGhhc2hoYXNoaGFzaA",
        "$argon2id$v=19$m=64,t=1,p=1$!!$aGFzaGhhc2hoYXNoaGFzaA",
    ],
)
def test_damaged_hashes_are_refused(stored: str) -> None:
    with pytest.raises(PinHashError):
        verify_pin("1234", stored)


@pytest.mark.parametrize(
    "pin", ["123", "1234567890123", "12a4", "\uff11\uff12\uff13\uff14", " 1234", ""]
)
def test_pin_rules(pin: str) -> None:
    with pytest.raises(PinRuleError):
        check_rules(pin)


def test_pin_rules_accept_4_to_12_digits() -> None:
    check_rules("0461")
    check_rules("918273645091")


@pytest.mark.parametrize(
    ("pin", "reason"),
    [
        ("0000", "one digit repeated"),
        ("1111", "one digit repeated"),
        ("999999", "one digit repeated"),
        ("1234", "a run of digits"),
        ("4321", "a run of digits"),
        ("7890", "a run of digits"),
        ("123456789012", "a run of digits"),
        ("2580", "one of the PINs people choose most"),
        ("1212", "one of the PINs people choose most"),
    ],
)
def test_easy_pins_are_refused_with_the_reason(pin: str, reason: str) -> None:
    with pytest.raises(PinRuleError, match=f"easy to guess \\({reason}\\)"):
        check_rules(pin)


def test_only_the_hash_is_stored(vault: Vault, data_dir: Path, clock: FakeClock) -> None:
    PinGuard(vault, clock=clock, params=CHEAP).choose("90817263")
    with Session(vault.engine) as s:
        stored = s.scalars(select(KioskState.pin_hash)).one()
    assert stored is not None and stored.startswith("$argon2id$") and "90817263" not in stored
    files = list(data_dir.glob("vault.sqlite3*"))  # the database and its WAL
    assert len(files) >= 2
    assert all(b"90817263" not in f.read_bytes() for f in files)
    assert any(stored.encode() in f.read_bytes() for f in files)  # so the scan could see it


def test_right_and_wrong_pins(guard: PinGuard) -> None:
    assert guard.verify("2468") == PinCheck(accepted=True)
    wrong = guard.verify("1357")
    assert not wrong.accepted and wrong.failures == 1 and wrong.wait_seconds == 0


def test_before_a_pin_is_chosen(vault: Vault, clock: FakeClock) -> None:
    fresh = PinGuard(vault, clock=clock, params=CHEAP)
    assert not fresh.is_set()
    with pytest.raises(PinNotSet):
        fresh.verify("1357")
    fresh.choose("1357")
    assert fresh.is_set()
    with pytest.raises(PinRuleError):
        fresh.choose("5791")  # a second "first" PIN would bypass the old one


def test_delays_double_after_the_third_wrong_try() -> None:
    assert [delay_after(n).total_seconds() for n in range(1, 11)] == [
        0, 0, 5, 10, 20, 40, 80, 160, 320, LOCKOUT.total_seconds()
    ]  # fmt: skip


def test_waits_are_enforced_and_then_lifted(guard: PinGuard, clock: FakeClock) -> None:
    guard.verify("0000")
    guard.verify("0000")
    third = guard.verify("0000")
    assert third.wait_seconds == 5 and not third.locked
    # Even the right PIN is not looked at while the wait lasts.
    with pytest.raises(PinWait) as waiting:
        guard.verify("2468")
    assert waiting.value.seconds == 5
    clock.advance(4)
    assert guard.wait_seconds().wait_seconds == 1
    clock.advance(1)
    assert guard.wait_seconds().wait_seconds == 0
    assert guard.verify("0000").wait_seconds == 10
    clock.advance(10)
    assert guard.verify("2468").accepted
    # A right PIN clears the count: the next wrong try is free again.
    assert guard.verify("0000").wait_seconds == 0


def test_lockout_after_ten_wrong_tries(guard: PinGuard, clock: FakeClock) -> None:
    result = PinCheck(accepted=False)
    for _ in range(10):
        clock.advance(LOCKOUT.total_seconds())
        result = guard.verify("0000")
    assert result.locked and result.failures == 10
    assert result.wait_seconds == LOCKOUT.total_seconds()
    clock.advance(14 * 60)
    with pytest.raises(PinWait) as waiting:
        guard.verify("2468")
    assert waiting.value.locked and waiting.value.seconds == 60
    clock.advance(60)
    assert guard.verify("2468").accepted


def test_a_restart_keeps_the_count_and_the_wait(data_dir: Path, clock: FakeClock) -> None:
    vault = Vault.open(data_dir)
    try:
        guard = PinGuard(vault, clock=clock, params=CHEAP)
        guard.choose("97531")
        for _ in range(3):
            guard.verify("11111")
    finally:
        vault.close()
    clock.advance(2)
    vault = Vault.open(data_dir)
    try:
        again = PinGuard(vault, clock=clock, params=CHEAP)
        assert again.is_set()
        assert again.wait_seconds() == PinCheck(accepted=False, failures=3, wait_seconds=3)
        clock.advance(3)
        assert again.verify("11111").wait_seconds == 10  # the fourth in a row
    finally:
        vault.close()


def test_a_clock_set_back_does_not_lock_for_days(guard: PinGuard, clock: FakeClock) -> None:
    for _ in range(3):
        guard.verify("0000")
    clock.advance(-3 * 24 * 3600)
    assert guard.wait_seconds().wait_seconds == 5


def test_change_needs_the_old_pin(guard: PinGuard) -> None:
    wrong = guard.change("1111", "8642")
    assert not wrong.accepted and wrong.failures == 1
    assert guard.verify("2468").accepted
    assert guard.change("2468", "8642").accepted
    assert guard.verify("8642").accepted
    assert not guard.verify("2468").accepted
    with pytest.raises(PinRuleError):
        guard.change("8642", "12")


def test_a_rally_kiosk_asks_six_digits_and_the_demo_takes_any_pin(
    vault: Vault, clock: FakeClock
) -> None:
    rally = PinGuard(vault, clock=clock, params=CHEAP, min_digits=RUN_MIN_DIGITS)
    with pytest.raises(PinRuleError, match="A PIN has 6 to 12 digits"):
        rally.choose("13579")
    with pytest.raises(PinRuleError, match="easy to guess"):
        rally.choose("123456")
    demo = PinGuard(vault, clock=clock, params=CHEAP, refuse_easy=False)
    demo.choose("1234")
    assert demo.verify("1234").accepted
