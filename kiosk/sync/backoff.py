"""Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter").

Full jitter spreads the retries of many kiosks that lost the network at the same moment, so
they do not all return to the server in step.
"""

from __future__ import annotations

import random


def retry_delay(failures: int, *, base: float, cap: float, rng: random.Random) -> float:
    """Seconds to wait after `failures` consecutive failures (1, 2, ...): uniform in
    [0, min(cap, base * 2 ** (failures - 1))]."""
    if failures <= 0:
        return 0.0
    ceiling = min(cap, base * 2.0 ** min(failures - 1, 62))
    return rng.uniform(0.0, ceiling)
