"""Following the campaign keyset: which campaign key this kiosk seals new signatures to.

The coordinator rotates the campaign key on their own machine (`kiosk central key rotate`) and
signs the new keyset with the coordinator signing key; the server passes it on unchanged, in
enrolment answers and at `GET /api/v2/campaign/keyset`, which the sync worker asks for after
each round that delivered everything. The kiosk follows a keyset only if

- the coordinator key it pinned at enrolment signed it (the server's own receipt key, or any
  other key, does not do: the server is trusted less than the coordinator's machine);
- it is for this kiosk's campaign;
- it is newer than the one followed (a replayed older keyset is refused), or the same one;
- its primary key is active, and no key goes back to an earlier state (a retired or destroyed
  key never becomes the one to seal to again).

Otherwise the kiosk keeps sealing to the key it has, and says why (KeysetRefused).
"""

from __future__ import annotations

import logging
import threading
from typing import TYPE_CHECKING

from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.errors import BadSignature, KeysetFormatError, KeysetRefused
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.protocol.keyset import STATES, Keyset, SignedKeyset
from kiosk.vault import Vault
from kiosk.vault import keyset as stored

if TYPE_CHECKING:
    from kiosk.sync.client import CentralClient

log = logging.getLogger("kiosk.sync")


class SealingKey:
    """The campaign key new signatures are sealed to, and its id in the keyset (None before any
    keyset: the key received at enrolment). Read by the signing desk on the GUI thread, moved by
    the sync worker's thread when a newer keyset verifies."""

    def __init__(self, key: CampaignPublicKey, key_id: int | None = None) -> None:
        self._lock = threading.Lock()
        self._key, self._fingerprint, self._id = key, key.fingerprint, key_id

    @classmethod
    def of_vault(cls, vault: Vault, enrolment_key: CampaignPublicKey) -> SealingKey:
        keyset = stored.followed(vault)
        if keyset is None:
            return cls(enrolment_key)
        return cls(keyset.public_key(), keyset.primary)

    def current(self) -> tuple[CampaignPublicKey, str, int | None]:
        """The key, its fingerprint and its id, read together."""
        with self._lock:
            return self._key, self._fingerprint, self._id

    def move(self, keyset: Keyset) -> None:
        key = keyset.public_key()
        with self._lock:
            self._key, self._fingerprint, self._id = key, key.fingerprint, keyset.primary


def checked(
    signed: SignedKeyset, *, pinned: bytes, campaign: str, current: Keyset | None
) -> Keyset:
    """The keyset in `signed` if this kiosk may follow it; KeysetRefused says why not."""
    try:
        keyset = signed.verify(pinned)
    except BadSignature:
        raise KeysetRefused(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The server sent a change of campaign key that the campaign's coordinator "
                    "did not sign, so this kiosk keeps sealing to the key it has. Tell the "
                    "coordinator.",
                )
            )
        ) from None
    except KeysetFormatError as exc:
        raise KeysetRefused(
            Message(
                QT_TRANSLATE_NOOP("sync", "The server sent a damaged campaign keyset ({reason})."),
                reason=str(exc),
            )
        ) from None
    if keyset.campaign != campaign:
        raise KeysetRefused(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The server sent the keyset of campaign {other}; this kiosk collects for "
                    "campaign {campaign}, and keeps sealing to the key it has. Tell the "
                    "coordinator.",
                ),
                other=keyset.campaign,
                campaign=campaign,
            )
        )
    if current is not None:
        if keyset.version < current.version or (
            keyset.version == current.version and keyset != current
        ):
            raise KeysetRefused(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "The server sent campaign keyset version {sent}, older than the version "
                        "{followed} this kiosk follows; it keeps sealing to key {primary}. Tell "
                        "the coordinator.",
                    ),
                    sent=str(keyset.version),
                    followed=str(current.version),
                    primary=str(current.primary),
                )
            )
        for old in current.keys:
            new = keyset.entry(old.id)
            if new is None or new.fingerprint != old.fingerprint:
                raise KeysetRefused(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "sync",
                            "The server sent a campaign keyset without key {key} as this kiosk "
                            "knows it; the kiosk keeps sealing to the key it has. Tell the "
                            "coordinator.",
                        ),
                        key=str(old.id),
                    )
                )
            if STATES.index(new.state) < STATES.index(old.state):
                raise KeysetRefused(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "sync",
                            "The server sent a campaign keyset that makes key {key} {new} again "
                            "after it was {old}; this kiosk keeps sealing to the key it has. Tell "
                            "the coordinator.",
                        ),
                        key=str(old.id),
                        new=new.state,
                        old=old.state,
                    )
                )
    if keyset.primary_entry.state != "active":
        raise KeysetRefused(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The server sent a campaign keyset whose primary key {key} is {state}; this "
                    "kiosk keeps sealing to the key it has.",
                ),
                key=str(keyset.primary),
                state=keyset.primary_entry.state,
            )
        )
    return keyset


class KeysetFollower:
    """What the sync worker calls after a round: fetch the keyset, check it, keep it, and move
    the sealing key. Built for a kiosk that pinned a coordinator key at enrolment."""

    def __init__(
        self, vault: Vault, campaign: str, pinned: bytes, sealing: SealingKey | None = None
    ) -> None:
        self._vault, self._campaign, self._pinned = vault, campaign, pinned
        self._sealing = sealing
        current = stored.followed(vault)
        if sealing is not None and current is not None and sealing.current()[2] != current.primary:
            sealing.move(current)  # kept by an enrolment since the desk read the vault

    def follow(self, client: CentralClient) -> Keyset | None:
        """The keyset newly followed, or None (no keyset on the server, or no change). Raises
        KeysetRefused for one it must not follow, SyncError when the server cannot say."""
        signed = client.campaign_keyset()
        if signed is None:
            return None
        current = stored.followed(self._vault)
        keyset = checked(signed, pinned=self._pinned, campaign=self._campaign, current=current)
        if current is not None and keyset.version == current.version:
            return None
        stored.follow(self._vault, signed)
        if self._sealing is not None:
            self._sealing.move(keyset)
        log.info(
            "following campaign keyset version %d: sealing to key %d (%s)",
            keyset.version,
            keyset.primary,
            keyset.primary_entry.fingerprint,
        )
        return keyset
