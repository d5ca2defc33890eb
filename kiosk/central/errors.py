"""What can go wrong in the central server's services, in words a person can act on.

The services raise these; the HTTP layer maps each class to a status code (api.py) and the
coordinator CLI prints the message. Messages never contain personal data.
"""

from __future__ import annotations

from kiosk.errors import KioskError
from kiosk.message import Marked, Message, Value

# The context of the refusals the console shows in its own language: `words` marks them, and
# kiosk.central.console.i18n translates the template, then fills in the values.
CONTEXT = "central"


def words(template: str, **values: Value) -> Message:
    """A refusal's words: `str()` is the English (the command line, the API, the log), and the
    template and values are kept, so the console shows it translated. Values are filled in
    after translating ({name} placeholders); a value that is itself a `Message` is translated
    too."""
    return Message(Marked(template, CONTEXT), **values)


class CentralError(KioskError):
    """Base of every refused request or command; `str(exc)` is the message to show.
    `retry_after`: seconds the client should wait before trying again (a Retry-After header)."""

    title = "Request refused"
    retry_after: int | None = None


class Malformed(CentralError):
    title = "Malformed request"


class IdMismatch(CentralError):
    title = "Batch id mismatch"


class Unacceptable(CentralError):
    """Well formed, but not for this campaign (another appeal or campaign key)."""

    title = "Batch not for this campaign"


class UnknownDevice(CentralError):
    title = "Unknown device"


class BadSignature(CentralError):
    title = "Bad batch signature"


class RevokedDevice(CentralError):
    title = "Device revoked"


class Conflict(CentralError):
    title = "Conflict"


class TooLarge(CentralError):
    title = "Request too large"


class EnrolmentRefused(CentralError):
    title = "Enrolment refused"


class BodyTooSlow(CentralError):
    """A request body that did not arrive at the server's minimum pace (slow_clients.BodyPace):
    answered 408 and the connection closed, so it holds no upload slot."""

    title = "Request body too slow"


class NoCampaign(CentralError):
    title = "No campaign"


class NotFound(CentralError):
    title = "Not found"


class RecordsDeleted(NotFound):
    """A batch's envelope cannot be rebuilt: it held records deleted since (an erasure or
    retention, kiosk.central.deletion). Expected, not tampering (kiosk.central.audit)."""

    title = "Records deleted"


class Overloaded(CentralError):
    """Too many uploads waiting: the client is told when to come back."""

    title = "Server busy"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class RateLimited(CentralError):
    """Too many requests for now; `retry_after`: whole seconds until one would be served."""

    title = "Too many requests"

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DatabaseError(KioskError):
    """The server's database cannot be used; the message says which and why."""


class ServerStartError(KioskError):
    """The embedded server did not start listening."""


class MissingExtra(CentralError):
    """A coordinator's command needs a library of the optional `coordinator` extra
    (pyproject.toml), which this installation lacks."""

    title = "Not installed"

    def __init__(self, what: str, library: str) -> None:
        super().__init__(
            f"{what} needs {library}, which is not installed here: install the kiosk with its "
            "coordinator extra, pip install 'kiosk[coordinator]' (in a checkout: "
            "pip install -e '.[coordinator]')"
        )


class DeliveryError(CentralError):
    """A delivery pack that cannot be made (a missing font) or does not verify."""

    title = "Delivery pack refused"
