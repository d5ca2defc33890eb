"""The kiosk's local store of sealed signatures (SQLite through SQLAlchemy)."""

from kiosk.errors import VaultError
from kiosk.vault.store import VAULT_FILE, NewSignature, Vault

__all__ = ["VAULT_FILE", "NewSignature", "Vault", "VaultError"]
