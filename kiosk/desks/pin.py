"""The volunteer PIN: choosing it, changing it, checking it, and slowing down guesses.

The PIN lives in the vault only as an Argon2id hash (kiosk.crypto.pin_hash.hash_pin). Every wrong
try is counted in the vault, so restarting the kiosk does not reset the count. From the third wrong
try on, the next try is refused for a while that doubles each time (5 s, 10 s, 20 s, ...); from the
tenth, the PIN pad stays locked for 15 minutes after each wrong try. A right PIN clears it all.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from kiosk.clock import utc_now
from kiosk.crypto.pin_hash import PinHashParams, hash_pin, verify_pin
from kiosk.errors import PinHashError, PinNotSet, PinRuleError, PinWait
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.vault import Vault
from kiosk.vault import state as state_row

log = logging.getLogger("kiosk.desks.pin")

# The rules' messages are shown on the PIN pad, translated there (kiosk/ui/admin/pin_flow.py):
# each PinRuleError carries a Message whose template is marked for the catalogs in this context.
TRANSLATION_CONTEXT = "pin"

MIN_DIGITS = 4  # the least any kiosk allows (the demo's minimum)
RUN_MIN_DIGITS = 6  # what `kiosk run` asks for: a PIN guards the exit and every signature count
MAX_DIGITS = 12
FREE_TRIES = 2  # wrong tries before any wait
BASE_DELAY = timedelta(seconds=5)
LOCKOUT_AFTER = 10  # wrong tries in a row
LOCKOUT = timedelta(minutes=15)


@dataclass(frozen=True)
class PinCheck:
    accepted: bool
    failures: int = 0  # wrong tries in a row, this one included
    wait_seconds: int = 0  # before the next try is accepted
    locked: bool = False  # the long lockout, not just a delay


# The PINs people choose most (DataGenetics' analysis of 3.4 million four-digit PINs, and the
# six-digit ones of the same kind), besides repeats and runs, which the rules catch in any length.
COMMON_PINS = frozenset(
    {"1212", "1004", "2000", "6969", "1122", "1313", "2001", "1010", "2580", "0852", "5683",
     "121212", "112233", "696969", "159753", "147258", "123123"}
)  # fmt: skip


def check_rules(pin: str, *, min_digits: int = MIN_DIGITS, refuse_easy: bool = True) -> None:
    """Raises PinRuleError, its one argument a `Message`, unless `pin` follows the rules."""
    if not (pin.isascii() and pin.isdigit()):
        raise PinRuleError(
            Message(
                QT_TRANSLATE_NOOP("pin", "A PIN is made of digits only, {low} to {high} of them."),
                low=min_digits,
                high=MAX_DIGITS,
            )
        )
    if not min_digits <= len(pin) <= MAX_DIGITS:
        raise PinRuleError(
            Message(
                QT_TRANSLATE_NOOP("pin", "A PIN has {low} to {high} digits."),
                low=min_digits,
                high=MAX_DIGITS,
            )
        )
    weak = _weakness(pin) if refuse_easy else None
    if weak:
        raise PinRuleError(Message(weak))


def _weakness(pin: str) -> str | None:
    if len(set(pin)) == 1:
        return QT_TRANSLATE_NOOP(
            "pin", "That PIN is easy to guess (one digit repeated). Choose another."
        )
    steps = {(int(b) - int(a)) % 10 for a, b in itertools.pairwise(pin)}
    if steps in ({1}, {9}):  # 1234, 7890, 4321: up or down the keypad's digits
        return QT_TRANSLATE_NOOP(
            "pin", "That PIN is easy to guess (a run of digits). Choose another."
        )
    if pin in COMMON_PINS:
        return QT_TRANSLATE_NOOP(
            "pin", "That PIN is easy to guess (one of the PINs people choose most). Choose another."
        )
    return None


def delay_after(failures: int) -> timedelta:
    """How long the next try waits after `failures` wrong tries in a row."""
    if failures >= LOCKOUT_AFTER:
        return LOCKOUT
    if failures <= FREE_TRIES:
        return timedelta(0)
    return BASE_DELAY * (1 << (failures - FREE_TRIES - 1))


def _naive(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(tzinfo=None)


def _ceil_seconds(delta: timedelta) -> int:
    return max(0, -int(-delta.total_seconds() // 1))


class PinGuard:
    def __init__(
        self,
        vault: Vault,
        *,
        clock: Callable[[], datetime] = utc_now,
        params: PinHashParams | None = None,
        min_digits: int = MIN_DIGITS,
        refuse_easy: bool = True,
    ) -> None:
        """`min_digits` and `refuse_easy`: the rules new PINs follow (`kiosk run`: 6 digits and
        no easy PIN; the demo: 4 digits, any PIN)."""
        self._vault = vault
        self._clock = clock
        self._params = params or PinHashParams()
        self.min_digits = min_digits
        self._refuse_easy = refuse_easy

    def check_rules(self, pin: str) -> None:
        """Raises PinRuleError, in words, unless `pin` may be chosen on this kiosk."""
        check_rules(pin, min_digits=self.min_digits, refuse_easy=self._refuse_easy)

    def is_set(self) -> bool:
        with state_row.edit(self._vault) as state:
            return state.pin_hash is not None

    def choose(self, pin: str) -> None:
        """Set the first PIN. Refused once one exists: changing it needs the old one."""
        self.check_rules(pin)
        with state_row.edit(self._vault) as state:
            if state.pin_hash is not None:
                raise PinRuleError(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "pin", "A PIN is already set; change it with the old one."
                        )
                    )
                )
            state.pin_hash = hash_pin(pin, self._params)
        log.info("volunteer PIN chosen")

    def change(self, old: str, new: str) -> PinCheck:
        """Replace the PIN if `old` is right; a wrong `old` counts as a wrong try."""
        self.check_rules(new)
        result = self.verify(old)
        if result.accepted:
            with state_row.edit(self._vault) as state:
                state.pin_hash = hash_pin(new, self._params)
            log.info("volunteer PIN changed")
        return result

    def wait_seconds(self) -> PinCheck:
        """Whether a try would be accepted now: wait_seconds 0 if so."""
        with state_row.edit(self._vault) as state:
            return self._pause(state.pin_failures, state.pin_locked_until)

    def verify(self, pin: str) -> PinCheck:
        """Check a try. Raises PinWait while tries are paused (the try is not even looked at),
        PinNotSet before a PIN was chosen."""
        with state_row.edit(self._vault) as state:
            if state.pin_hash is None:
                raise PinNotSet("no volunteer PIN has been chosen yet")
            pause = self._pause(state.pin_failures, state.pin_locked_until)
            if pause.wait_seconds:
                raise PinWait(pause.wait_seconds, locked=pause.locked)
            try:
                right = verify_pin(pin, state.pin_hash)
            except PinHashError:
                log.error("the stored PIN hash is damaged; the PIN cannot be checked")
                right = False
            if right:
                state.pin_failures = 0
                state.pin_locked_until = None
                return PinCheck(accepted=True)
            state.pin_failures += 1
            delay = delay_after(state.pin_failures)
            state.pin_locked_until = _naive(self._clock() + delay) if delay else None
            log.warning("wrong volunteer PIN (%d in a row)", state.pin_failures)
            return PinCheck(
                accepted=False,
                failures=state.pin_failures,
                wait_seconds=_ceil_seconds(delay),
                locked=state.pin_failures >= LOCKOUT_AFTER,
            )

    def _pause(self, failures: int, until: datetime | None) -> PinCheck:
        if until is None:
            return PinCheck(accepted=False, failures=failures)
        left = until.replace(tzinfo=UTC) - self._clock()
        # A clock set back far (a tablet whose battery ran flat) must not lock for days.
        left = min(left, delay_after(failures))
        return PinCheck(
            accepted=False,
            failures=failures,
            wait_seconds=_ceil_seconds(left),
            locked=failures >= LOCKOUT_AFTER and left > timedelta(0),
        )
