"""The campaign keyset this kiosk follows, as the coordinator signed it (kiosk.protocol.keyset).

The vault keeps the signed body and its signature on the device row (migration 0011), not a
parsed copy: what the kiosk seals to after a restart is read back from the very bytes the
coordinator signed, and checked again with the coordinator key pinned beside them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select

from kiosk.errors import BadSignature, KeysetFormatError, VaultError
from kiosk.protocol.keyset import Keyset, SignedKeyset
from kiosk.vault.models import Device

if TYPE_CHECKING:
    from kiosk.vault.store import Vault


def coordinator_key(vault: Vault) -> bytes | None:
    """The coordinator's signing key pinned at enrolment; None for a kiosk enrolled before
    keysets, or never enrolled."""
    with vault.session() as s:
        value = s.scalars(select(Device.coordinator_key)).one()
    return bytes.fromhex(value) if value else None


def followed(vault: Vault) -> Keyset | None:
    """The keyset this kiosk follows, verified again with the pinned coordinator key."""
    with vault.session() as s:
        device = s.scalars(select(Device)).one()
        body, signature, pinned = (
            device.keyset_body,
            device.keyset_signature,
            device.coordinator_key,
        )
    if body is None or signature is None or not pinned:
        return None
    try:
        return SignedKeyset(body, signature).verify(bytes.fromhex(pinned))
    except (BadSignature, KeysetFormatError):
        raise VaultError(
            "The campaign keyset kept in the vault does not verify with the coordinator's key: "
            "the vault was changed. Tell the coordinator before collecting more signatures."
        ) from None


def follow(vault: Vault, signed: SignedKeyset) -> None:
    """Keep `signed` as the keyset to follow (its checks are kiosk.sync.keyset's)."""
    with vault.session(write=True) as s:
        device = s.scalars(select(Device)).one()
        device.keyset_body, device.keyset_signature = signed.body, signed.signature
