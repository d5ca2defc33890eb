"""Types shared by the sync tests (conftest modules cannot be imported by name reliably)."""

from collections.abc import Callable

from kiosk.vault import NewSignature

AddSignatures = Callable[..., list[NewSignature]]
