"""The number on the appeal screen: how many people have signed.

Once the server has reported the campaign's total, the kiosk shows that total plus its own
signatures the server had not yet acknowledged when it counted, so nothing is counted twice: the
worker asks for the total only after every batch it had closed was acknowledged, and notes the
last device sequence number then acknowledged (`SyncStatus.counted_through_seq`). Every later
signature of this kiosk is added on top, until a newer total includes it. Before any total (an
offline kiosk, or one never enrolled), the kiosk counts what was signed on it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kiosk.desks.signing import SignatureDesk
    from kiosk.sync.status import SyncStatus


@dataclass(frozen=True)
class Tally:
    signatures: int
    campaign_wide: bool  # the campaign's total, every kiosk's; else this kiosk's alone


def tally(desk: SignatureDesk, status: SyncStatus | None) -> Tally:
    if (
        status is not None
        and status.campaign_total is not None
        and status.campaign_appeal_id == desk.appeal.id
    ):
        not_yet_counted = desk.count(after_seq=status.counted_through_seq)
        return Tally(status.campaign_total + not_yet_counted, campaign_wide=True)
    return Tally(desk.count(), campaign_wide=False)
