"""The HTTP API of the central server (docs/sync-protocol.md), versioned by path: /api/v2.

Routes only translate: they read the request, call a service (enrolment.enrol, ingest.ingest,
status.device_status) in a worker thread, and turn its result or its error into JSON. Every
error, including FastAPI's own validation and routing errors, is RFC 9457 problem JSON.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import FastAPI, Header, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.central import errors
from kiosk.central.admission import Admission
from kiosk.central.campaign import credential_is_valid, get_campaign
from kiosk.central.console.routes import console_router
from kiosk.central.db import open_database
from kiosk.central.enrolment import enrol
from kiosk.central.heartbeat import take_heartbeat
from kiosk.central.ingest import ingest
from kiosk.central.keyset import signed_keyset
from kiosk.central.models import utcnow
from kiosk.central.ratelimit import UPLOAD_SLOTS, Limiter, address_key
from kiosk.central.slow_clients import BodyPace
from kiosk.central.status import campaign_summary, device_status
from kiosk.central.write_queue import WriteQueue, run_write
from kiosk.crypto.device_key import DeviceKey
from kiosk.crypto.enrolment_mac import ANSWER_CONTEXT
from kiosk.protocol import heartbeat as heartbeat_format
from kiosk.protocol.batch import MAX_ENVELOPE_BYTES, MEDIA_TYPE, UPLOAD_SLOT_HEADER
from kiosk.protocol.receipt import Receipt
from kiosk.sql import disk_full

log = logging.getLogger("kiosk.central")

PROBLEM = "application/problem+json"
STATUS = {
    errors.Malformed: 422,
    errors.IdMismatch: 400,
    errors.Unacceptable: 422,
    errors.UnknownDevice: 401,
    errors.BadSignature: 401,
    errors.RevokedDevice: 403,
    errors.Conflict: 409,
    errors.TooLarge: 413,
    errors.EnrolmentRefused: 403,
    errors.BodyTooSlow: 408,
    errors.NoCampaign: 503,
    errors.NotFound: 404,
    errors.Overloaded: 503,
    errors.RateLimited: 429,
}
RETRY_AFTER = {
    "Retry-After": {
        "description": "seconds to wait before the next request (the kiosk waits at least "
        "that long, at most an hour)",
        "schema": {"type": "integer", "minimum": 1},
    }
}


class Problem(BaseModel):
    type: str = "about:blank"
    title: str
    status: int
    detail: str


class Health(BaseModel):
    status: str


class EnrolmentRequest(BaseModel):
    code_id: str = Field(max_length=32, description="HKDF id of the one-time code (hex)")
    device_id: str = Field(max_length=36, description="the kiosk's device UUID (lower case)")
    device_public_key: str = Field(max_length=100, description="base64 of 32-byte Ed25519 key")
    nonce: str = Field(max_length=64, description="the kiosk's fresh nonce (hex)")
    mac: str = Field(
        max_length=64,
        description="HMAC-SHA256 under the code's MAC key over 'kiosk/enrol-request/v2\\0' "
        "and the canonical JSON of the other fields",
    )


class SignedKeysetAnswer(BaseModel):
    keyset: str = Field(
        description="base64 of the keyset's canonical JSON: campaign, version, primary, "
        "issued_at, keys [{id, fingerprint, state}], primary_public_key (docs/crypto.md)"
    )
    signature: str = Field(
        description="base64 Ed25519 signature by the coordinator's signing key over "
        "'kiosk/keyset/v1\\0' and the keyset bytes"
    )


class EnrolmentResponse(BaseModel):
    device_id: str
    event: str
    campaign_public_key: str
    campaign_key_fingerprint: str
    appeal_toml: str
    receipt_public_key: str = Field(
        description="base64 of the server's 32-byte Ed25519 receipt key: every receipt is "
        "signed with it"
    )
    tls_pin: str | None = Field(
        description="SHA-256 (hex) of the SubjectPublicKeyInfo of the certificate this server "
        "serves HTTPS with, which the kiosk pins; null when a reverse proxy terminates TLS"
    )
    coordinator_key: str | None = Field(
        default=None,
        description="base64 of the coordinator's 32-byte Ed25519 signing key, which the kiosk "
        "pins: only keysets it signed change the key the kiosk seals to; null for a campaign "
        "made before keysets",
    )
    keyset: SignedKeysetAnswer | None = Field(
        default=None, description="the campaign keyset the coordinator signed, if any"
    )
    mac: str = Field(
        description="HMAC-SHA256 under the code's MAC key over 'kiosk/enrol-answer/v2\\0' and "
        "the canonical JSON of the other fields with the request's nonce, device id and key"
    )


class SignedReceiptAnswer(BaseModel):
    receipt: Receipt
    signature: str = Field(
        description="base64 Ed25519 signature by the server's receipt key over "
        "'kiosk/receipt-signature/v2\\0' and the receipt's canonical JSON"
    )


class UploadSlot(BaseModel):
    slot: str = Field(description=f"send it in the {UPLOAD_SLOT_HEADER} header of the PUT")
    expires_in: float = Field(description="seconds the slot is held for that PUT")


class HeartbeatAnswer(BaseModel):
    device_id: str
    latest_seq: int = Field(
        description="the newest heartbeat number the server holds for this kiosk: this one, "
        "or a newer one (then this one changed nothing)"
    )
    clock_offset_seconds: int = Field(
        description="the kiosk's clock minus the server's when that heartbeat arrived"
    )


class CampaignSummary(BaseModel):
    appeal_id: str = Field(description="the appeal the campaign collects signatures for")
    signatures: int = Field(description="signatures received for it, from every kiosk")


class DeviceReport(BaseModel):
    device_id: str
    event: str
    revoked: bool
    batches: int
    signatures: int
    last_received_at: str | None
    missing_seqs: list[tuple[int, int]] = Field(
        description="inclusive ranges of batch numbers not received"
    )
    broken_links: list[int] = Field(
        description="batch numbers whose prev_hash differs from the stored predecessor's hash"
    )


ENVELOPE_SCHEMA = {
    "type": "string",
    "format": "binary",
    "description": "a kiosk-batch/2 envelope: the signed body (magic, header length, canonical "
    "JSON header, sealed records) and its Ed25519 signature; see docs/sync-protocol.md",
}


HEARTBEAT_SCHEMA = {
    "type": "string",
    "format": "binary",
    "description": "a kiosk-heartbeat/1 envelope: the canonical JSON status (versions, event, "
    "backlog, battery, free disk, the kiosk's clock, a sequence number) and its Ed25519 "
    "signature by the device key; see docs/sync-protocol.md",
}


def _problems(*codes: int) -> dict[int | str, dict[str, Any]]:
    return {
        code: {
            "model": Problem,
            "content": {PROBLEM: {"schema": Problem.model_json_schema()}},
            **({"headers": RETRY_AFTER} if code in (429, 503) else {}),
        }
        for code in codes
    }


def problem(
    status: int, title: str, detail: str, *, retry_after: int | None = None
) -> JSONResponse:
    body = Problem(title=title, status=status, detail=detail).model_dump()
    headers = None if retry_after is None else {"Retry-After": str(retry_after)}
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


# How long a kiosk is asked to wait when the database is busy or down, or the disk is full.
DATABASE_RETRY_AFTER = 30
DISK_FULL_RETRY_AFTER = 300


def create_app(
    database: str | Engine,
    *,
    max_body_bytes: int = MAX_ENVELOPE_BYTES,
    tls_pin: str | None = None,
    limiter: Limiter | None = None,
    max_uploads: int = UPLOAD_SLOTS,
    body_pace: BodyPace | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> FastAPI:
    """The ASGI app over a database URL (migrated on start) or an already open engine.
    `tls_pin`: the pin of the certificate it is served with, told to kiosks as they enrol.
    `limiter`: the rate limits (kiosk.central.ratelimit), by default Limits() in this process.
    `max_uploads`: uploads read and ingested at once (kiosk.central.admission).
    `body_pace`: how fast upload and heartbeat bodies must arrive (kiosk.central.slow_clients).
    `clock`: the server's time for heartbeats and the console (tests move it)."""
    engine = open_database(database) if isinstance(database, str) else database
    limiter = limiter or Limiter()
    pace = body_pace or BodyPace()
    keys: list[DeviceKey] = []  # the receipt key, read once the campaign exists

    def receipt_key() -> DeviceKey:
        if not keys:
            keys.append(get_campaign(engine).receipt_key)
        return keys[0]

    app = FastAPI(
        title="kiosk central server",
        version=__version__,
        description="Receives signed batches of sealed signatures from enrolled kiosks. "
        "See docs/sync-protocol.md.",
    )
    app.state.engine = engine
    # SQLite: one writer at a time, in order (kiosk.central.write_queue); PostgreSQL: none.
    writes = WriteQueue() if engine.dialect.name == "sqlite" else None
    app.state.write_queue = writes
    admission = Admission(max_uploads)
    app.state.admission = admission

    @app.exception_handler(errors.CentralError)
    async def _central_error(request: Request, exc: errors.CentralError) -> JSONResponse:
        status = STATUS.get(type(exc), 400)
        answer = problem(status, exc.title, str(exc), retry_after=exc.retry_after)
        if isinstance(exc, errors.BodyTooSlow):
            answer.headers["Connection"] = "close"  # the rest of the body is not waited for
        return answer

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(
            f"{'.'.join(str(p) for p in e.get('loc', ()))}: {e.get('msg', 'invalid')}"
            for e in exc.errors()[:5]
        )
        return problem(422, "Malformed request", where or "the request is malformed")

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return problem(exc.status_code, "Request refused", str(exc.detail))

    @app.exception_handler(OperationalError)
    async def _database_down(request: Request, exc: OperationalError) -> JSONResponse:
        if disk_full(exc):
            log.error("database unavailable: the disk is full")
            return problem(
                503,
                "Disk full",
                "the server's disk is full; the kiosk keeps the batch and sends it again later",
                retry_after=DISK_FULL_RETRY_AFTER,
            )
        log.error("database unavailable: %s", exc.__class__.__name__)
        return problem(
            503,
            "Database unavailable",
            "the server's database is busy or down",
            retry_after=DATABASE_RETRY_AFTER,
        )

    @app.get("/api/v2/health", response_model=Health, tags=["kiosk"])
    async def health() -> Health:
        return Health(status="ok")

    @app.post(
        "/api/v2/enrolments",
        status_code=201,
        response_model=EnrolmentResponse,
        responses=_problems(403, 409, 422, 429),
        tags=["kiosk"],
    )
    async def enrolments(request: EnrolmentRequest, http: Request) -> EnrolmentResponse:
        """Register a kiosk's device key with a one-time enrolment code it proves it knows.
        Attempts are limited per client address and per code (429 with Retry-After)."""
        limiter.enrolment(client_address(http), request.code_id)
        fields = request.model_dump(exclude={"mac"})
        result, code = await run_write(writes, lambda: enrol(engine, fields, request.mac))
        campaign = result.campaign
        keyset = await run_in_threadpool(signed_keyset, engine)
        answer = {
            "device_id": result.device_id,
            "event": result.event,
            "campaign_public_key": campaign.public_key_pem,
            "campaign_key_fingerprint": campaign.key_fingerprint,
            "appeal_toml": campaign.appeal_toml,
            "receipt_public_key": base64.b64encode(campaign.receipt_key.public_bytes).decode(),
            "tls_pin": tls_pin,
            "coordinator_key": base64.b64encode(campaign.coordinator_key).decode()
            if campaign.coordinator_key
            else None,
            "keyset": keyset.to_json() if keyset is not None else None,
        }
        bound = {**answer, "nonce": request.nonce, "device_public_key": request.device_public_key}
        return EnrolmentResponse.model_validate({**answer, "mac": code.mac(ANSWER_CONTEXT, bound)})

    @app.post(
        "/api/v2/upload-slots",
        status_code=201,
        response_model=UploadSlot,
        responses=_problems(429, 503),
        tags=["kiosk"],
    )
    async def upload_slots(request: Request) -> UploadSlot:
        """Ask before sending a large batch: a slot held for the PUT that names it, or 503
        with Retry-After when the server is taking in as many uploads as it can (or as many
        as one address may), so that the kiosk does not send megabytes to be turned away
        (kiosk.central.admission). Limited per client address (429 with Retry-After)."""
        address = client_address(request)
        limiter.upload_request(address)
        return UploadSlot(slot=await admission.reserve(address), expires_in=admission.hold)

    @app.put(
        "/api/v2/batches/{batch_id}",
        status_code=201,
        response_model=SignedReceiptAnswer,
        responses={
            200: {
                "model": SignedReceiptAnswer,
                "description": "The identical batch was already stored",
            },
            **_problems(400, 401, 403, 408, 409, 413, 422, 429, 503),
        },
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {MEDIA_TYPE: {"schema": ENVELOPE_SCHEMA}},
            }
        },
        tags=["kiosk"],
    )
    async def put_batch(batch_id: str, request: Request) -> JSONResponse:
        """Store a signed batch once; the same batch again gets the same receipt. Uploads and
        records are limited per device (429 with Retry-After): the campaign's records_per_hour.
        When the server is taking in as many uploads as it can, 503 with Retry-After before the
        body is read; a slot from POST /api/v2/upload-slots, named in Kiosk-Upload-Slot, is
        kept for this PUT. Limited per client address too, before anything is read."""
        address = client_address(request)
        limiter.upload_request(address)
        async with admission.upload(request.headers.get(UPLOAD_SLOT_HEADER), address):
            envelope = await _read_limited(request, max_body_bytes, pace)
            receipt, created = await run_write(
                writes, lambda: ingest(engine, envelope, expected_id=batch_id, limiter=limiter)
            )
        key = await run_in_threadpool(receipt_key)
        return JSONResponse(receipt.sign(key).to_json(), status_code=201 if created else 200)

    @app.put(
        "/api/v2/devices/{device_id}/heartbeat",
        response_model=HeartbeatAnswer,
        responses=_problems(400, 401, 403, 408, 409, 413, 422, 429, 503),
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {heartbeat_format.MEDIA_TYPE: {"schema": HEARTBEAT_SCHEMA}},
            }
        },
        tags=["kiosk"],
    )
    async def put_heartbeat(device_id: str, request: Request) -> HeartbeatAnswer:
        """Keep a kiosk's signed status as its latest (no personal data). The same heartbeat
        again gets the same answer; an older one changes nothing. Limited per device (429 with
        Retry-After)."""
        envelope = await _read_limited(request, heartbeat_format.MAX_BYTES, pace)
        answer = await run_write(
            writes,
            lambda: take_heartbeat(
                engine, envelope, device_id=device_id, limiter=limiter, clock=clock
            ),
        )
        return HeartbeatAnswer(
            device_id=device_id,
            latest_seq=answer.latest_seq,
            clock_offset_seconds=answer.clock_offset_seconds,
        )

    @app.get(
        "/api/v2/campaign/summary",
        response_model=CampaignSummary,
        responses=_problems(503),
        tags=["kiosk"],
    )
    async def summary() -> CampaignSummary:
        """How many signatures the campaign has received: a count only, public, so that every
        kiosk's resting screen can show the campaign's total."""
        result = await run_in_threadpool(campaign_summary, engine)
        return CampaignSummary(appeal_id=result.appeal_id, signatures=result.signatures)

    @app.get(
        "/api/v2/campaign/keyset",
        response_model=SignedKeysetAnswer,
        responses=_problems(404, 503),
        tags=["kiosk"],
    )
    async def keyset() -> SignedKeysetAnswer:
        """The campaign keyset as the coordinator signed it: which key kiosks seal new
        signatures to. Public (public keys and states only); kiosks check the signature with
        the coordinator key they pinned at enrolment, so the server cannot change it."""
        signed = await run_in_threadpool(signed_keyset, engine)
        if signed is None:
            raise errors.NotFound("this campaign has no keyset signed by its coordinator")
        return SignedKeysetAnswer.model_validate(signed.to_json())

    @app.get(
        "/api/v2/devices",
        response_model=list[DeviceReport],
        responses=_problems(401),
        tags=["coordinator"],
    )
    async def devices(authorization: str = Header(default="")) -> list[DeviceReport]:
        """What each kiosk has delivered, with gaps and breaks in its chain (no personal data).
        Needs the coordinator credential from 'kiosk central init' as a Bearer token."""
        scheme, _, credential = authorization.partition(" ")
        valid = scheme.lower() == "bearer" and await run_in_threadpool(
            credential_is_valid, engine, credential.strip()
        )
        if not valid:
            raise _Unauthorised("send the coordinator credential as 'Authorization: Bearer ...'")
        reports = await run_in_threadpool(device_status, engine)
        return [
            DeviceReport(
                device_id=r.device_id,
                event=r.event,
                revoked=r.revoked,
                batches=r.batches,
                signatures=r.signatures,
                last_received_at=r.last_received_at.isoformat() if r.last_received_at else None,
                missing_seqs=list(r.missing),
                broken_links=list(r.broken_links),
            )
            for r in reports
        ]

    app.include_router(console_router(engine, writes=writes, tls_pin=tls_pin, clock=clock))

    @app.api_route(
        "/api/v1/{rest:path}",
        methods=["GET", "POST", "PUT"],
        include_in_schema=False,
    )
    async def protocol_v1(rest: str) -> JSONResponse:
        """An older kiosk: told what to do, not a bare 404."""
        return problem(
            410,
            "Protocol version 1 is gone",
            "this server speaks kiosk protocol version 2; update the kiosk "
            f"(kiosk {__version__} or later) and enrol it again with a new link",
        )

    return app


class _Unauthorised(errors.CentralError):
    title = "Coordinator credential required"


STATUS[_Unauthorised] = 401


def client_address(request: Request) -> str:
    """The key of the request's client address for the per-address limits (the proxy's
    X-Forwarded-For where uvicorn trusts it: docs/deployment.md)."""
    return address_key(request.client.host if request.client else "")


async def _read_limited(request: Request, limit: int, pace: BodyPace) -> bytes:
    """The body, refused with 413 as soon as it is known to be too large (before reading it
    all when the client declares its length), and cut with 408 when it falls behind `pace`
    (kiosk.central.slow_clients): a slow sender holds no slot for longer than that."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise errors.Malformed("the Content-Length header is not a number")
        if int(declared) > limit:
            raise errors.TooLarge(f"the body is {declared} bytes; the limit is {limit}")
    chunks: list[bytes] = []
    size = 0
    clock = asyncio.get_running_loop().time
    began = last = clock()
    pieces = request.stream().__aiter__()
    while True:
        now = clock()
        left = pace.time_left(now - began, now - last, size)
        try:
            if left <= 0:
                raise TimeoutError
            async with asyncio.timeout(left):
                chunk = await anext(pieces)
        except StopAsyncIteration:
            break
        except TimeoutError:
            took = clock() - began
            log.warning(
                "cut a %s request whose body came too slowly: %d of %s bytes in %.1f s "
                "(at least %d bytes a second after %.0f s, no pause over %.0f s)",
                request.method,
                size,
                declared or "undeclared",
                took,
                pace.min_rate,
                pace.grace,
                pace.idle,
            )
            raise errors.BodyTooSlow(
                f"the body arrived too slowly: {size} bytes in {took:.0f} s; it must keep up "
                f"with {pace.min_rate / 1024:.0f} KiB a second after {pace.grace:.0f} s. "
                "Send it again on a faster connection"
            ) from None
        last = clock()
        size += len(chunk)
        if size > limit:
            raise errors.TooLarge(f"the body is over the limit of {limit} bytes")
        chunks.append(chunk)
    return b"".join(chunks)
