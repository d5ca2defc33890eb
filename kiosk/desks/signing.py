"""Recording a signature: the one operation the supporter's screens call."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from kiosk.clock import local_day, to_hour, utc_now
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.desks.activity import Activity, Event
from kiosk.desks.presence import Presence
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import Submission
from kiosk.petition.record import SignatureRecord
from kiosk.sync.keyset import SealingKey
from kiosk.vault import NewSignature, Vault

log = logging.getLogger("kiosk.desks.signing")


@dataclass(frozen=True)
class Recorded:
    """What the desk tells the screens once a signature is durable (not the server's receipt,
    kiosk.protocol.receipt, which proves a batch reached the campaign)."""

    signature_id: str
    sequence: int


class SignatureDesk:
    """Seals each submission to the campaign key (the keyset's primary, `sealing`) and commits
    it to the vault.

    `record` returns only after the sealed row is durable, so the thank-you screen that follows
    it promises something true. `on_recorded` is then told, on the same thread (the kiosk wires
    the sync worker's cheap recount there, so its pending count follows at once); its failure is
    logged, never the signature's. Nothing is logged per signature: `activity` counts them by
    the hour, with the forms the window clears after idle (`note_walked_away`). `presence`
    holds whether a supporter is at the form now, which the window keeps up to date.
    """

    def __init__(
        self,
        appeal: Appeal,
        vault: Vault,
        campaign_key: CampaignPublicKey | SealingKey,
        *,
        clock: Callable[[], datetime] = utc_now,
        on_recorded: Callable[[Recorded], None] | None = None,
        activity: Activity | None = None,
    ) -> None:
        self.appeal = appeal
        self._vault = vault
        # The key moves when the coordinator rotates it (kiosk.sync.keyset); its fingerprint is
        # computed once per key, not per record.
        self.sealing = (
            campaign_key if isinstance(campaign_key, SealingKey) else SealingKey(campaign_key)
        )
        self._clock = clock
        self._on_recorded = on_recorded
        self.activity = activity if activity is not None else Activity(clock=clock)
        self.presence = Presence()

    def record(self, submission: Submission) -> Recorded:
        signed_at = self._clock().astimezone(UTC)
        record = SignatureRecord.from_submission(
            submission,
            appeal=self.appeal,
            signature_id=str(uuid.uuid4()),
            device_id=self._vault.device_id,
            signed_at=signed_at,
        )
        key, fingerprint, _key_id = self.sealing.current()
        sequence = self._vault.add(
            NewSignature(
                id=record.signature_id,
                appeal_id=self.appeal.id,
                appeal_version=self.appeal.version,
                collected_hour=to_hour(signed_at).replace(tzinfo=None),
                key_fingerprint=fingerprint,
                sealed=record.seal(key),
                day=local_day(signed_at),
            )
        )
        self.activity.note(Event.SIGNED)
        receipt = Recorded(record.signature_id, sequence)
        if self._on_recorded is not None:
            try:
                self._on_recorded(receipt)
            except Exception:  # the signature is durable; an observer's bug must not undo that
                log.exception("an observer of recorded signatures failed")
        return receipt

    def note_walked_away(self, *, entered: bool) -> None:
        """The window cleared the screens after idle: a form with entries (`entered`), or only
        the appeal screen's language, size and contrast choices. Counted, never logged alone."""
        self.activity.note(Event.FORM_CLEARED if entered else Event.CHOICES_RESET)

    def count(self, *, after_seq: int = 0) -> int:
        """Signatures for this appeal on this kiosk (after a device sequence number only)."""
        return self._vault.count(self.appeal.id, after_seq=after_seq)
