"""Fixtures for the sync tests: a device key, a way to fill the vault quickly, and the fake
central server with this vault's device enrolled.

Sealed blobs here are random bytes standing in for HPKE output: batching, upload and purge
treat them as opaque, and random bytes make "is this blob still in the file?" unambiguous.
"""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime

import pytest
from fake_central import FakeCentral, serve  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.vault import NewSignature, Vault

HOUR = datetime(2025, 5, 1, 10)


@pytest.fixture(scope="session")
def device_key() -> DeviceKey:
    return DeviceKey.generate()


AddSignatures = Callable[..., list[NewSignature]]


@pytest.fixture
def add_signatures(vault: Vault) -> AddSignatures:
    def _add(
        n: int, *, appeal_id: str = "test-appeal", version: int = 1, target: Vault | None = None
    ) -> list[NewSignature]:
        added = []
        for _ in range(n):
            new = NewSignature(
                id=str(uuid.uuid4()),
                appeal_id=appeal_id,
                appeal_version=version,
                collected_hour=HOUR,
                key_fingerprint="abcd-ef01-2345-6789-abcd",
                sealed=b"SEALED:" + os.urandom(48),
            )
            (target or vault).add(new)
            added.append(new)
        return added

    return _add


@pytest.fixture
def central(vault: Vault, device_key: DeviceKey) -> Iterator[tuple[FakeCentral, str]]:
    """The fake central server on loopback (its state, its URL), knowing this vault's device."""
    fake = FakeCentral()
    fake.devices[vault.device_id] = device_key.public_bytes
    with serve(fake.app()) as url:
        yield fake, url


@pytest.fixture(autouse=True)
def _close_log_files() -> Iterator[None]:
    """Commands run in-process set up file logging in their data directory; close it after."""
    yield
    root = logging.getLogger("kiosk")
    for handler in root.handlers:
        handler.close()
    root.handlers.clear()
