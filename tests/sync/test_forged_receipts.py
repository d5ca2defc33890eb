"""A fake server that answers every upload with a receipt it computed from what it saw: the
right batch id and hash, a plausible seq and count. Signed with its own key, or with a copy of
an old signature, it acknowledges nothing: the batches stay on the kiosk, the volunteer is
told, and the real server then receives them."""

from __future__ import annotations

import base64
import json
import random
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from fake_central import FakeCentral, serve  # type: ignore[import-not-found]
from receipts import SERVER_KEY, SERVER_RECEIPT_KEY
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route
from sync_types import AddSignatures, receipt_for  # type: ignore[import-not-found]

from kiosk.crypto.device_key import DeviceKey
from kiosk.protocol.batch import parse
from kiosk.protocol.receipt import Receipt
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox

SETTINGS = SyncSettings(batch_size=2)
FORGER = DeviceKey.generate()


def _own_key(answer: dict[str, object]) -> dict[str, object]:
    return answer


def _zero_signature(answer: dict[str, object]) -> dict[str, object]:
    return {**answer, "signature": base64.b64encode(bytes(64)).decode()}


def _replayed_signature(answer: dict[str, object]) -> dict[str, object]:
    """The real server's signature, seen on the wire, over another batch's receipt."""
    receipt = answer["receipt"]
    assert isinstance(receipt, dict)
    other = Receipt(str(uuid.uuid4()), receipt["device_id"], 1, "0" * 64, 2, datetime.now(UTC))
    return {**answer, "signature": other.sign(SERVER_KEY).to_json()["signature"]}


def _forging_server(forge: Callable[[dict[str, object]], dict[str, object]]) -> Starlette:
    async def put(request: Request) -> Response:
        signed = parse(await request.body())
        return JSONResponse(forge(receipt_for(signed, key=FORGER)), status_code=201)

    return Starlette(routes=[Route("/api/v2/batches/{batch_id}", put, methods=["PUT"])])


@pytest.mark.parametrize("forge", [_own_key, _zero_signature, _replayed_signature])
def test_a_forged_receipt_acknowledges_nothing(
    vault: Vault,
    device_key: DeviceKey,
    add_signatures: AddSignatures,
    forge: Callable[[dict[str, object]], dict[str, object]],
) -> None:
    add_signatures(4)
    closer = BatchCloser(vault, device_key, batch_size=2)
    with serve(_forging_server(forge)) as fake:
        worker = SyncWorker(
            vault,
            closer,
            CentralClient(fake, receipt_key=SERVER_RECEIPT_KEY),
            SETTINGS,
            rng=random.Random(1),
        )
        assert worker.run_once(force=True) is Outcome.RETRY
        worker.stop()
    status = worker.board.current
    assert "not signed by the campaign's server" in (status.last_error or "")
    assert outbox.backlog(vault).unsent_signatures == 4
    assert len(outbox.unacknowledged(vault)) == 2
    assert vault.count() == 4

    # The campaign's own server then takes them, and its receipts count.
    real = FakeCentral()
    real.devices[vault.device_id] = device_key.public_bytes
    with serve(real.app()) as url:
        worker = SyncWorker(
            vault, closer, CentralClient(url, receipt_key=SERVER_RECEIPT_KEY), SETTINGS
        )
        assert worker.run_once(force=True) is Outcome.DONE
        worker.stop()
    assert outbox.unacknowledged(vault) == []
    assert len(real.records) == 4
    kept = [json.loads(b) for b in _receipts(vault)]
    assert all(set(k) == {"receipt", "signature"} for k in kept)


def _receipts(vault: Vault) -> list[str]:
    with vault.engine.connect() as conn:
        rows = conn.exec_driver_sql("SELECT receipt FROM batch WHERE receipt IS NOT NULL")
        return [r[0] for r in rows]
