"""Every failure the kiosk expects, under one root, in words a person can act on.

`str(exc)` of any `KioskError` is a message for the person in front of it (a volunteer, a
coordinator at a terminal): what is wrong and what to do. It never contains personal data, so
it may be shown, printed and logged. The command line prints any `KioskError` as one line
(`kiosk: ...`, exit status 2); anything else is a bug and keeps its traceback.

The tree (the module that raises each, in brackets):

    KioskError
    ├── UsageError ............ a command line or input file the person can fix [cli]
    ├── DataDirError .......... the data directory cannot be used [files.datadir]
    ├── AppealError ........... an appeal file that cannot be used, with where and why [petition]
    ├── KeyFileError .......... a campaign key file that cannot be used [crypto.campaign_key]
    │   ├── WrongPassphrase
    │   ├── DamagedKeyFile
    │   ├── WrongKindOfKey
    │   └── OtherCampaignKey
    ├── SealBroken ............ a sealed record that does not open [crypto.seal]
    ├── BadSignature .......... a device signature that does not verify [crypto.device_key]
    ├── PinHashError .......... a stored PIN hash this kiosk did not make [crypto.pin_hash]
    ├── WireFormatError ....... a wire document that is not well formed [protocol]
    │   ├── BatchFormatError .. a batch (an upload, a file on a stick) [protocol.batch]
    │   ├── ReceiptFormatError  a server's receipt [protocol.receipt]
    │   ├── HeartbeatFormatError  a kiosk's heartbeat [protocol.heartbeat]
    │   └── KeysetFormatError . a campaign keyset document [protocol.keyset]
    ├── VaultError ............ the vault cannot be opened, read or written [vault]
    │   └── UnknownSchema ..... written by a newer kiosk [vault.schema]
    ├── PinError .............. the volunteer PIN [desks.pin]
    │   ├── PinRuleError ...... a new PIN that breaks the rules
    │   ├── PinNotSet ......... no PIN chosen yet
    │   └── PinWait ........... tries are paused for `seconds`
    ├── AdminError ............ a volunteer's request that cannot be done [desks.admin]
    ├── EnrolmentError ........ enrolment did not happen [sync.enrol]
    ├── KeysetRefused ......... a campaign keyset this kiosk must not follow [sync.keyset]
    ├── SyncError ............. one sync round failed; `permanent`, `reached_server` [sync.client]
    │   └── CertificateRefused  the server's TLS certificate is not the one trusted [sync.pinning]
    └── (the central server's own branch, in kiosk.central.errors)
        ├── CentralError ...... a request or command the server refuses; `title` for HTTP
        │   ├── DeliveryError . a delivery pack that cannot be made or does not verify
        │   └── MissingExtra .. a coordinator's command without its optional library
        ├── DatabaseError ..... the server's database cannot be used
        └── ServerStartError .. the embedded server did not start

Errors that are also a `ValueError` (a bad PIN, hash or batch document) stay one, so code
that validates with `except ValueError` keeps working.
"""

from __future__ import annotations


class KioskError(Exception):
    """The root: an expected failure whose message says what is wrong and what to do."""


class UsageError(KioskError):
    """Something the person running a command can fix; printed without a traceback."""


class DataDirError(KioskError):
    """The data directory cannot be used; the message says what to do."""


class AppealError(KioskError):
    """An appeal file that cannot be used, with where and why."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        where = f"{source}: field '{field}'" if field else source
        super().__init__(f"{where}: {problem}")


class KeyFileError(KioskError):
    """A campaign key file that cannot be used; the message says what to do."""


class WrongPassphrase(KeyFileError):
    """The passphrase does not open a key file whose shape is sound."""


class DamagedKeyFile(KeyFileError):
    """A key file cut short or altered: only a backup or a fresh copy helps."""


class WrongKindOfKey(KeyFileError):
    """A key file that is not the kind asked for: a public key for a private one, or no key."""


class OtherCampaignKey(KeyFileError):
    """A sound key file, but of another campaign than the one it is meant for."""


class SealBroken(KioskError):
    """A sealed record that does not open: altered, moved to another record, or another key."""


class BadSignature(KioskError):
    """A batch whose device signature does not verify."""


class PinHashError(KioskError, ValueError):
    """A stored PIN hash that is not one this kiosk made (damaged, or of another kind)."""


class WireFormatError(KioskError, ValueError):
    """A document on the wire that is not well formed; the message names the part that is wrong."""


class BatchFormatError(WireFormatError):
    """A batch document that is not well formed."""


class HeartbeatFormatError(WireFormatError):
    """A kiosk's heartbeat (its signed status) that is not well formed."""


class ReceiptFormatError(WireFormatError):
    """A server's receipt that is not well formed: it proves nothing about the batch."""


class KeysetFormatError(WireFormatError):
    """A campaign keyset document that is not well formed."""


class VaultError(KioskError):
    """The vault cannot be opened or written; the message is meant for a volunteer."""


class UnknownSchema(VaultError):
    """The vault was written by a kiosk with migrations this one does not have."""


class PinError(KioskError):
    """The volunteer PIN: not set, not by the rules, or paused after wrong tries."""


class PinRuleError(PinError, ValueError):
    """A PIN that does not follow the rules; the message says which."""


class PinNotSet(PinError):
    """No PIN was chosen yet."""


class PinWait(PinError):
    """Tries are paused; `seconds` until the next one is accepted."""

    def __init__(self, seconds: int, *, locked: bool) -> None:
        super().__init__(f"wait {seconds} s")
        self.seconds = seconds
        self.locked = locked


class AdminError(KioskError):
    """Something the volunteer asked for that cannot be done; the message says why."""


class EnrolmentError(KioskError):
    """Enrolment did not happen; the message says why and what to do."""


class KeysetRefused(KioskError):
    """A campaign keyset the kiosk refuses: not the coordinator's, another campaign's, older
    than the one it follows, or one that brings back a retired or destroyed key."""


class SyncError(KioskError):
    """One sync round failed. `permanent`: retrying the same request cannot help;
    `reached_server`: a server answered (so the network is up); `retry_after`: seconds the
    server asked the kiosk to wait before its next request (HTTP 429 or 503 Retry-After)."""

    def __init__(
        self,
        message: str,
        *,
        permanent: bool,
        reached_server: bool,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message)
        self.permanent = permanent
        self.reached_server = reached_server
        self.retry_after = retry_after


class CertificateRefused(SyncError):
    """The server presented a TLS certificate this kiosk does not trust (not the pinned key, or
    not signed by an authority it trusts): nothing was sent on that connection."""

    def __init__(self, message: str) -> None:
        super().__init__(message, permanent=False, reached_server=False)
