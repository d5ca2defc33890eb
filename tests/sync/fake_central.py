"""A small stand-in for the central server, for the sync client's own tests.

It follows docs/sync-protocol.md for enrolment and batch upload, keeps everything in memory
behind one lock, and counts what it stored. The real server has its own tests; the sync tests
that cross both live in tests/e2e.
"""

from __future__ import annotations

import asyncio
import base64
import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import uvicorn
from receipts import SERVER_KEY, SERVER_RECEIPT_KEY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from kiosk.crypto.enrolment_mac import ANSWER_CONTEXT, REQUEST_CONTEXT, CodeKeys
from kiosk.errors import BadSignature, BatchFormatError, HeartbeatFormatError
from kiosk.protocol import heartbeat as heartbeat_format
from kiosk.protocol.batch import parse
from kiosk.protocol.receipt import Receipt


@dataclass
class FakeCentral:
    campaign_public_pem: str = ""
    campaign_fingerprint: str = ""
    appeal_toml: str = ""
    codes: dict[str, str] = field(default_factory=dict)  # code -> event, removed when used
    devices: dict[str, bytes] = field(default_factory=dict)
    revoked: set[str] = field(default_factory=set)
    receipts: dict[str, dict[str, Any]] = field(default_factory=dict)
    hashes: dict[str, str] = field(default_factory=dict)
    seqs: dict[tuple[str, int], str] = field(default_factory=dict)
    records: dict[str, str] = field(default_factory=dict)  # record id -> batch id
    fail_next: int = 0  # answer this many batch uploads with 503 before looking at them
    # Answer this many batch uploads with `busy_status` and a Retry-After of `busy_retry_after`.
    busy_next: int = 0
    busy_status: int = 429
    busy_retry_after: str | None = None
    # The campaign summary: None answers 404, as a server from before it existed does.
    summary_appeal_id: str | None = None
    other_kiosks_signatures: int = 0  # counted in the summary besides this fake's records
    requests: int = 0
    # Heartbeats taken (verified), in order; None answers 404, as an older server does.
    heartbeats: list[heartbeat_format.Heartbeat] | None = field(default_factory=list)
    heartbeat_busy_next: int = 0  # answered 429 with Retry-After: heartbeat_retry_after
    heartbeat_retry_after: str = "120"
    clock_offset_seconds: int = 0  # what the answer says of the kiosk's clock
    # Set: each heartbeat request, once it arrives, waits for this before it is answered.
    heartbeat_gate: threading.Event | None = None
    heartbeat_arrived: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/api/v2/health", self._health, methods=["GET"]),
                Route("/api/v2/enrolments", self._enrol, methods=["POST"]),
                Route("/api/v2/batches/{batch_id}", self._put, methods=["PUT"]),
                Route("/api/v2/campaign/summary", self._summary, methods=["GET"]),
                Route("/api/v2/devices/{device_id}/heartbeat", self._heartbeat, methods=["PUT"]),
            ]
        )

    async def _health(self, _request: Request) -> Response:
        return JSONResponse({"status": "ok"})

    async def _summary(self, _request: Request) -> Response:
        with self.lock:
            if self.summary_appeal_id is None:
                return _problem(404, "Not Found")
            total = len(self.records) + self.other_kiosks_signatures
            return JSONResponse({"appeal_id": self.summary_appeal_id, "signatures": total})

    async def _enrol(self, request: Request) -> Response:
        """As the real server does: the request's MAC under the code's key, then an answer
        MACed under it (kiosk.crypto.enrolment_mac)."""
        doc = json.loads(await request.body())
        fields = {k: v for k, v in doc.items() if k != "mac"}
        with self.lock:
            by_id = {CodeKeys.derive(c).code_id: c for c in self.codes}
            code = by_id.get(doc.get("code_id", ""))
            if code is None:
                return _problem(403, "This enrolment code is unknown, used or expired.")
            keys = CodeKeys.derive(code)
            if not keys.verify(REQUEST_CONTEXT, fields, doc.get("mac")):
                return _problem(403, "The enrolment request is not authenticated by this code.")
            event = self.codes.pop(code)
            self.devices[doc["device_id"]] = base64.b64decode(doc["device_public_key"])
        answer = {
            "device_id": doc["device_id"],
            "event": event,
            "campaign_public_key": self.campaign_public_pem,
            "campaign_key_fingerprint": self.campaign_fingerprint,
            "appeal_toml": self.appeal_toml,
            "receipt_public_key": base64.b64encode(SERVER_RECEIPT_KEY).decode("ascii"),
        }
        bound = {**answer, "nonce": doc["nonce"], "device_public_key": doc["device_public_key"]}
        return JSONResponse({**answer, "mac": keys.mac(ANSWER_CONTEXT, bound)}, status_code=201)

    async def _heartbeat(self, request: Request) -> Response:
        body = await request.body()
        self.heartbeat_arrived.set()
        if self.heartbeat_gate is not None:
            await asyncio.get_running_loop().run_in_executor(None, self.heartbeat_gate.wait, 10)
        with self.lock:
            if self.heartbeats is None:
                return _problem(404, "Not Found")
            if self.heartbeat_busy_next > 0:
                self.heartbeat_busy_next -= 1
                answer = _problem(429, "Too many heartbeats.")
                answer.headers["Retry-After"] = self.heartbeat_retry_after
                return answer
            if request.path_params["device_id"] in self.revoked:
                return _problem(403, "This device was revoked.")
            try:
                signed = heartbeat_format.parse(body)
                signed.verify(self.devices[request.path_params["device_id"]])
            except (HeartbeatFormatError, BadSignature, KeyError) as exc:
                return _problem(401, str(exc))
            self.heartbeats.append(signed.heartbeat)
            return JSONResponse(
                {
                    "device_id": signed.heartbeat.device_id,
                    "latest_seq": signed.heartbeat.seq,
                    "clock_offset_seconds": self.clock_offset_seconds,
                }
            )

    async def _put(self, request: Request) -> Response:
        body = await request.body()
        with self.lock:
            self.requests += 1
            if self.fail_next > 0:
                self.fail_next -= 1
                return _problem(503, "Try again later.")
            if self.busy_next > 0:
                self.busy_next -= 1
                answer = _problem(self.busy_status, "Too many requests.")
                if self.busy_retry_after is not None:
                    answer.headers["Retry-After"] = self.busy_retry_after
                return answer
            try:
                signed = parse(body)
            except BatchFormatError as exc:
                return _problem(422, str(exc))
            batch = signed.batch
            if batch.batch_id != request.path_params["batch_id"]:
                return _problem(422, "The path and the body name different batches.")
            key = self.devices.get(batch.device_id)
            if key is None:
                return _problem(401, "Unknown device.")
            if batch.device_id in self.revoked:
                return _problem(403, "This device was revoked.")
            try:
                signed.verify(key)
            except BadSignature:
                return _problem(401, "The batch signature does not verify.")
            if batch.batch_id in self.receipts:
                if self.hashes[batch.batch_id] != signed.hash:
                    return _problem(409, "A different batch has this id.")
                return JSONResponse(self.receipts[batch.batch_id], status_code=200)
            if (batch.device_id, batch.seq) in self.seqs or any(
                r.id in self.records for r in batch.records
            ):
                return _problem(409, "This device's batch number or a record is taken.")
            receipt = (
                Receipt(
                    batch.batch_id,
                    batch.device_id,
                    batch.seq,
                    signed.hash,
                    len(batch.records),
                    datetime.now(UTC),
                )
                .sign(SERVER_KEY)
                .to_json()
            )
            self.receipts[batch.batch_id] = receipt
            self.hashes[batch.batch_id] = signed.hash
            self.seqs[(batch.device_id, batch.seq)] = batch.batch_id
            self.records.update({r.id: batch.batch_id for r in batch.records})
        return JSONResponse(receipt, status_code=201)


def _problem(status: int, detail: str) -> Response:
    return JSONResponse(
        {"title": "refused", "detail": detail},
        status_code=status,
        media_type="application/problem+json",
    )


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Serve an ASGI app on 127.0.0.1 in a thread; yields its base URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(app, log_level="warning", lifespan="off", ws="none", access_log=False)
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    for _ in range(500):  # bounded: five seconds
        if server.started:
            break
        threading.Event().wait(0.01)
    else:
        raise RuntimeError("the test server did not start")
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)
        sock.close()
