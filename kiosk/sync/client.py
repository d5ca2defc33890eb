"""HTTP client for the central server's API (docs/sync-protocol.md), with errors in words.

Every failure is a SyncError whose message a volunteer can read. `permanent` says whether
trying again can help: a revoked kiosk stays revoked, a dropped connection may come back.
"""

from __future__ import annotations

import base64
import logging
import re
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import httpx

from kiosk.clock import utc_now
from kiosk.crypto.enrolment_mac import ANSWER_CONTEXT, REQUEST_CONTEXT, CodeKeys
from kiosk.crypto.tls_pin import PIN_LENGTH, is_pin
from kiosk.errors import (
    BadSignature,
    CertificateRefused,
    KeysetFormatError,
    ReceiptFormatError,
    SyncError,
)
from kiosk.message import QT_TRANSLATE_NOOP, Message
from kiosk.protocol import heartbeat as heartbeat_format
from kiosk.protocol import receipt
from kiosk.protocol.batch import MEDIA_TYPE, UPLOAD_SLOT_HEADER
from kiosk.protocol.keyset import SignedKeyset
from kiosk.protocol.receipt import SignedReceipt
from kiosk.sync.backoff import describe_wait, server_wait
from kiosk.sync.pinning import ServerTrust, address_refusal, unverified_certificate

log = logging.getLogger("kiosk.sync")

API = "/api/v2"
# A body this large is not sent before the server has a slot for it: uvicorn and httpx have no
# `Expect: 100-continue`, so a body once started goes whole even when the answer is 503.
ASK_FIRST_BYTES = 256 * 1024


@dataclass(frozen=True)
class CampaignTotal:
    appeal_id: str
    signatures: int  # received by the server for the appeal, from every kiosk


@dataclass(frozen=True)
class HeartbeatReply:
    latest_seq: int  # the newest heartbeat number the server holds for this kiosk
    clock_offset_seconds: int  # this kiosk's clock minus the server's, as the server saw it


@dataclass(frozen=True)
class Enrolment:
    device_id: str
    event: str
    campaign_public_key_pem: str
    campaign_key_fingerprint: str
    appeal_toml: str
    receipt_public_key: bytes  # the server's Ed25519 receipt key
    tls_pin: str | None  # the key of the certificate the server says it serves HTTPS with
    coordinator_key: bytes | None = None  # the coordinator's signing key (kiosk.sync.keyset)
    keyset: SignedKeyset | None = None  # the campaign keyset it signed, if there is one


def _receipt_key(value: object, what: str = "receipt key") -> bytes:
    try:
        key = base64.b64decode(str(value), validate=True)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise SyncError(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The server's enrolment answer holds no valid {what}; is it a kiosk server?",
                ),
                what=what,
            ),
            permanent=True,
            reached_server=True,
        )
    return key


def _keyset(value: object) -> SignedKeyset | None:
    if value is None:
        return None
    try:
        return SignedKeyset.from_json(value)
    except KeysetFormatError as exc:
        raise SyncError(
            f"The server's campaign keyset is malformed ({exc}).",
            permanent=False,
            reached_server=True,
        ) from None


class CentralClient:
    """`receipt_key`: the server's receipt key from the enrolment answer; an upload counts only
    with a receipt it signed (a client for enrolment alone has none yet). `trust`: which TLS
    certificate the server must present (kiosk.sync.pinning; default: the system's authorities).
    An address this kiosk must not send to (plain http:// off this machine) fails every request."""

    def __init__(
        self,
        server_url: str,
        *,
        receipt_key: bytes | None = None,
        trust: ServerTrust | None = None,
        timeout: float = 20.0,
        transport: httpx.BaseTransport | None = None,
        clock: Callable[[], datetime] = utc_now,
    ) -> None:
        self.server_url = server_url.rstrip("/")
        self._receipt_key = receipt_key
        self.trust = trust or ServerTrust()
        self._refusal = address_refusal(self.server_url)
        self._clock = clock  # for a Retry-After given as a date
        self._http = httpx.Client(
            base_url=self.server_url,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            transport=transport,
            verify=self.trust.verify(),
            headers={"User-Agent": "kiosk-sync/2"},
        )

    def close(self) -> None:
        self._http.close()

    def __enter__(self) -> CentralClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def put_batch(self, batch_id: str, envelope: bytes) -> SignedReceipt:
        """Upload one envelope; returns the receipt of a 2xx answer, its signature verified
        with the server's receipt key (not yet checked against the batch: Receipt.confirms)."""
        if self._receipt_key is None:
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "This kiosk has no receipt key from its server, so it cannot tell a real "
                        "receipt from a forged one. Enrol it again with a new link from the "
                        "coordinator.",
                    )
                ),
                permanent=True,
                reached_server=False,
            )
        headers = {"Content-Type": MEDIA_TYPE}
        if len(envelope) >= ASK_FIRST_BYTES:
            slot = self.upload_slot()
            if slot is not None:
                headers[UPLOAD_SLOT_HEADER] = slot
        response = self._send("PUT", f"{API}/batches/{batch_id}", content=envelope, headers=headers)
        if response.is_success:
            try:
                answer = receipt.parse(_json_object(response))
            except ReceiptFormatError:
                raise _incomplete() from None
            try:
                answer.verify(self._receipt_key)
            except BadSignature:
                log.warning("a receipt that the server's receipt key did not sign")
                raise SyncError(
                    Message(
                        QT_TRANSLATE_NOOP(
                            "sync",
                            "The answer to this upload is not signed by the campaign's server, so "
                            "the batch stays on this kiosk and is sent again. Something between "
                            "the kiosk and the server may be answering in its place: tell the "
                            "coordinator.",
                        )
                    ),
                    permanent=False,
                    reached_server=False,
                ) from None
            return answer
        raise _batch_refusal(response)

    def upload_slot(self) -> str | None:
        """Ask the server to hold a slot for the upload that follows (a few bytes instead of
        megabytes when it is busy: its 503 and Retry-After raise here). None from a server
        that does not hand out slots, or an answer without one: the PUT goes without."""
        response = self._send("POST", f"{API}/upload-slots")
        if not response.is_success:
            return None
        try:
            slot = response.json().get("slot")
        except (ValueError, AttributeError):
            return None
        if isinstance(slot, str) and re.fullmatch(r"[A-Za-z0-9_-]{1,64}", slot):
            return slot
        return None

    def put_heartbeat(self, device_id: str, envelope: bytes) -> HeartbeatReply:
        """Send the kiosk's signed status (PUT /api/v2/devices/{id}/heartbeat)."""
        response = self._send(
            "PUT",
            f"{API}/devices/{device_id}/heartbeat",
            content=envelope,
            headers={"Content-Type": heartbeat_format.MEDIA_TYPE},
        )
        if not response.is_success:
            raise SyncError(
                f"The server refused this kiosk's status (HTTP {response.status_code}): "
                f"{_problem(response)}",
                permanent=response.status_code in (401, 403, 404, 410),
                reached_server=True,
            )
        doc = _json_object(response)
        latest, offset = doc.get("latest_seq"), doc.get("clock_offset_seconds")
        if not all(isinstance(v, int) and not isinstance(v, bool) for v in (latest, offset)):
            raise _incomplete()
        return HeartbeatReply(int(latest), int(offset))  # type: ignore[arg-type]

    def campaign_summary(self) -> CampaignTotal:
        """The campaign's total as the server counts it (GET /api/v2/campaign/summary)."""
        response = self._send("GET", f"{API}/campaign/summary")
        if not response.is_success:
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync", "The server gives no campaign total (HTTP {status}): {detail}"
                    ),
                    status=response.status_code,
                    detail=_problem(response),
                ),
                permanent=True,
                reached_server=True,
            )
        doc = _json_object(response)
        appeal_id, signatures = doc.get("appeal_id"), doc.get("signatures")
        if (
            not isinstance(appeal_id, str)
            or not isinstance(signatures, int)
            or isinstance(signatures, bool)
            or signatures < 0
        ):
            raise SyncError(
                Message(QT_TRANSLATE_NOOP("sync", "The server's campaign total is malformed.")),
                permanent=False,
                reached_server=True,
            )
        return CampaignTotal(appeal_id, signatures)

    def campaign_keyset(self) -> SignedKeyset | None:
        """The campaign keyset the coordinator signed, as the server holds it (GET
        /api/v2/campaign/keyset); None from a server that has none. Not checked here: that is
        kiosk.sync.keyset's, with the coordinator key pinned at enrolment."""
        response = self._send("GET", f"{API}/campaign/keyset")
        if response.status_code == 404:
            return None
        if not response.is_success:
            raise SyncError(
                f"The server gives no campaign keyset (HTTP {response.status_code}): "
                f"{_problem(response)}",
                permanent=False,
                reached_server=True,
            )
        return _keyset(_json_object(response))

    def enrol(self, code: str, device_id: str, device_public_key: bytes) -> Enrolment:
        """Enrol with the code the volunteer has, never sending it: the request names the code
        by its id and is MACed with its key, and the answer must carry a MAC under the same key
        over everything it says and this request's nonce (kiosk.crypto.enrolment_mac)."""
        keys = CodeKeys.derive(code)
        request = {
            "code_id": keys.code_id,
            "device_id": device_id,
            "device_public_key": base64.b64encode(device_public_key).decode("ascii"),
            "nonce": secrets.token_hex(16),
        }
        response = self._send(
            "POST",
            f"{API}/enrolments",
            json={**request, "mac": keys.mac(REQUEST_CONTEXT, request)},
        )
        if not response.is_success:
            detail, status = _problem(response), response.status_code
            if status == 403:
                template = QT_TRANSLATE_NOOP("sync", "The enrolment code was refused: {detail}")
            elif status == 409:
                template = QT_TRANSLATE_NOOP(
                    "sync", "This kiosk is already enrolled with another key: {detail}"
                )
            else:
                template = QT_TRANSLATE_NOOP(
                    "sync", "The server refused the enrolment (HTTP {status}): {detail}"
                )
            raise SyncError(
                Message(template, detail=detail, status=status),
                permanent=True,
                reached_server=True,
            )
        answer = _json_object(response)
        fields = {k: v for k, v in answer.items() if k != "mac"}
        bound = {
            **fields,
            "nonce": request["nonce"],
            "device_public_key": request["device_public_key"],
        }
        if not keys.verify(ANSWER_CONTEXT, bound, answer.get("mac")):
            log.warning("an enrolment answer that the code does not authenticate")
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "The answer to this enrolment is not authenticated by the code, so "
                        "nothing was kept: something between this kiosk and the server changed it "
                        "(or this is not the coordinator's server). Try again on another network, "
                        "and tell the coordinator.",
                    )
                ),
                permanent=True,
                reached_server=True,
            )
        doc = fields
        try:
            return Enrolment(
                device_id=str(doc["device_id"]),
                event=str(doc["event"]),
                campaign_public_key_pem=str(doc["campaign_public_key"]),
                campaign_key_fingerprint=str(doc["campaign_key_fingerprint"]),
                appeal_toml=str(doc["appeal_toml"]),
                receipt_public_key=_receipt_key(doc["receipt_public_key"]),
                tls_pin=_tls_pin(doc.get("tls_pin")),
                coordinator_key=None
                if doc.get("coordinator_key") is None
                else _receipt_key(doc["coordinator_key"], "coordinator key"),
                keyset=_keyset(doc.get("keyset")),
            )
        except KeyError as exc:
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "The server's enrolment answer lacks '{field}'; is it a kiosk server?",
                    ),
                    field=str(exc.args[0]),
                ),
                permanent=True,
                reached_server=True,
            ) from None

    def _send(self, method: str, path: str, **kwargs: Any) -> httpx.Response:
        if self._refusal is not None:
            raise SyncError(self._refusal, permanent=True, reached_server=False)
        try:
            response = self._http.request(
                method, path, extensions={"trace": self.trust.trace}, **kwargs
            )
        except httpx.TimeoutException:
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync", "The server did not answer in time; trying again later."
                    )
                ),
                permanent=False,
                reached_server=False,
            ) from None
        except httpx.ConnectError as exc:
            if not unverified_certificate(exc):
                raise self._unreachable(exc) from None
            log.warning("the server's certificate did not verify")
            raise CertificateRefused(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "The certificate of the server at {server} is not signed by an authority "
                        "this kiosk trusts, so nothing was sent. Enrol with the coordinator's "
                        "enrolment link (it names the server's own certificate).",
                    ),
                    server=self.server_url,
                )
            ) from None
        except httpx.TransportError as exc:
            raise self._unreachable(exc) from None
        except httpx.InvalidURL:
            raise SyncError(
                Message(
                    QT_TRANSLATE_NOOP("sync", "{server} is not a usable server address."),
                    server=self.server_url,
                ),
                permanent=True,
                reached_server=False,
            ) from None
        if response.status_code >= 500 or response.status_code == 429:
            raise _server_busy(response, self._clock())
        return response

    def _unreachable(self, exc: httpx.TransportError) -> SyncError:
        log.info("request to the server failed: %s", type(exc).__name__)
        return SyncError(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync", "The server at {server} cannot be reached; trying again later."
                ),
                server=self.server_url,
            ),
            permanent=False,
            reached_server=False,
        )


def _tls_pin(value: object) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str) or not is_pin(value) or len(value) != PIN_LENGTH:
        raise SyncError(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The server's enrolment answer names its certificate in a form this kiosk "
                    "does not know; is it a kiosk server of this version?",
                )
            ),
            permanent=True,
            reached_server=True,
        )
    return value


def _server_busy(response: httpx.Response, now: datetime) -> SyncError:
    """A 429 or 5xx: try again later, and no sooner than the server's Retry-After says."""
    status = response.status_code
    wait = server_wait(response.headers.get("retry-after"), now) if status in (429, 503) else None
    if wait is None:
        message = Message(
            QT_TRANSLATE_NOOP(
                "sync", "The server had a problem (HTTP {status}); trying again later."
            ),
            status=status,
        )
    elif status == 429:
        message = Message(
            QT_TRANSLATE_NOOP(
                "sync",
                "The server asked this kiosk to wait {wait} before trying again (HTTP 429: too "
                "many requests). Nothing is lost: the signatures stay on this kiosk.",
            ),
            wait=describe_wait(wait),
        )
    else:
        message = Message(
            QT_TRANSLATE_NOOP(
                "sync",
                "The server is unavailable for now (HTTP 503) and asked this kiosk to wait "
                "{wait} before trying again. Nothing is lost: the signatures stay on this kiosk.",
            ),
            wait=describe_wait(wait),
        )
    log.info("the server answered HTTP %d, asking for a wait of %s s", status, wait)
    return SyncError(message, permanent=False, reached_server=True, retry_after=wait)


def _batch_refusal(response: httpx.Response) -> SyncError:
    status, detail = response.status_code, _problem(response)
    if status == 408:  # the body came too slowly for the server: the network, not the batch
        return SyncError(
            Message(
                QT_TRANSLATE_NOOP(
                    "sync",
                    "The connection to the server is too slow: it stopped waiting for this "
                    "batch (HTTP 408). Nothing is lost; trying again later.",
                )
            ),
            permanent=False,
            reached_server=True,
        )
    if status == 401:
        template = QT_TRANSLATE_NOOP(
            "sync",
            "The server does not accept this kiosk's signature (unknown kiosk or wrong key). "
            "Ask the coordinator to enrol it again. ({detail})",
        )
    elif status == 403:
        template = QT_TRANSLATE_NOOP(
            "sync",
            "This kiosk was revoked by the coordinator, so the server no longer accepts its "
            "batches. Its signatures are safe here: export them to a USB stick for the "
            "coordinator.",
        )
    elif status == 409:
        template = QT_TRANSLATE_NOOP(
            "sync",
            "The server already holds a different batch under this kiosk's batch id or number. "
            "Ask the coordinator to check this kiosk. ({detail})",
        )
    elif status == 404:
        template = QT_TRANSLATE_NOOP(
            "sync", "The server address does not offer the kiosk sync API (HTTP 404). Check it."
        )
    else:
        template = QT_TRANSLATE_NOOP("sync", "The server refused a batch (HTTP {status}): {detail}")
    return SyncError(
        Message(template, detail=detail, status=status), permanent=True, reached_server=True
    )


def _problem(response: httpx.Response) -> str:
    """The server's own words from an RFC 9457 problem document, or the HTTP reason."""
    try:
        doc = response.json()
    except ValueError:
        return response.reason_phrase or f"HTTP {response.status_code}"
    if isinstance(doc, dict):
        for key in ("detail", "title"):
            if isinstance(doc.get(key), str) and doc[key]:
                return str(doc[key])[:500]
    return response.reason_phrase or f"HTTP {response.status_code}"


def _json_object(response: httpx.Response) -> dict[str, Any]:
    try:
        doc = response.json()
    except ValueError:
        doc = None
    if not isinstance(doc, dict):
        raise _incomplete()
    return doc


def _incomplete() -> SyncError:
    # A 2xx that is not a whole answer (a cut or garbled response) proves nothing.
    return SyncError(
        Message(
            QT_TRANSLATE_NOOP("sync", "The server's answer was incomplete; trying again later.")
        ),
        permanent=False,
        reached_server=True,
    )
