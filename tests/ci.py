"""Skipping, but never on CI: under CI=true a missing tool or an unusable machine is a failure,
because a skipped test there would prove nothing while the run still looked green."""

from __future__ import annotations

import os
from typing import NoReturn

import pytest

CI = os.environ.get("CI") == "true"


def skip_unless_ci(reason: str) -> NoReturn:
    if CI:
        pytest.fail(f"CI=true, so this may not be skipped: {reason}")
    pytest.skip(reason)
