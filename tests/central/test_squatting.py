"""The squatting device: another enrolled kiosk copies an honest kiosk's batch id and record ids
(from its batch file on a USB stick, or from the wire) and uploads its own batch under them
first. Ids are scoped to the device (docs/crypto.md), so the honest kiosk's upload still goes
through with a receipt the server signed, and the export holds both kiosks' signatures."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import httpx
from enrolment_requests import enrol_with
from sqlalchemy import Engine

from kiosk.central.api import create_app
from kiosk.central.campaign import CampaignInfo
from kiosk.central.enrolment import issue_code
from kiosk.central.export import open_all
from kiosk.central.server import ServerThread
from kiosk.crypto.campaign_key import CampaignPrivateKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.desks.signing import SignatureDesk
from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.protocol import batch as batch_format
from kiosk.protocol import receipt
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.closer import BatchCloser
from kiosk.sync.worker import Outcome, SyncWorker
from kiosk.vault import Vault, outbox


def sign_on(desk: SignatureDesk, appeal: Appeal, emails: list[str]) -> None:
    for email in emails:
        entries = {"first_name": "Ada", "last_name": "Lovelace", "email": email, "country": "Italy"}
        result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
        assert result.submission is not None
        desk.record(result.submission)


def test_a_squatting_device_cannot_block_an_honest_kiosk(
    engine: Engine,
    campaign: CampaignInfo,
    enrolled: Any,
    vault: Vault,
    desk: SignatureDesk,
    appeal: Appeal,
    campaign_private_key: CampaignPrivateKey,
) -> None:
    # The honest kiosk A: a real vault, enrolled, three signatures closed into a batch.
    a_key = DeviceKey.generate()
    code = issue_code(engine, "Square", timedelta(hours=1)).code
    enrol_with(engine, code, vault.device_id, base64.b64encode(a_key.public_bytes).decode())
    sign_on(desk, appeal, [f"a{i}@example.org" for i in range(3)])
    closer = BatchCloser(vault, a_key, batch_size=10)
    closer.close_all()
    [a_batch] = outbox.unacknowledged(vault)
    seen = batch_format.parse(a_batch.envelope).batch  # what a batch file or the wire shows

    # The squatter B, enrolled on the same server, takes A's batch id and record ids for its own.
    squatter = enrolled("Other rally")
    b_records = [
        replace(squatter.record(email=f"b{i}@example.org"), signature_id=r.id)
        for i, r in enumerate(seen.records)
    ]
    squatted = squatter.batch(b_records, batch_id=seen.batch_id)

    server_key = campaign.receipt_key.public_bytes
    with ServerThread(create_app(engine)) as server, httpx.Client(base_url=server.url) as http:
        first = http.put(f"/api/v2/batches/{seen.batch_id}", content=squatted.to_bytes())
        assert first.status_code == 201, first.text

        settings = SyncSettings(batch_size=10)
        worker = SyncWorker(
            vault, closer, CentralClient(server.url, receipt_key=server_key), settings
        )
        outcome = worker.run_once(force=True)
        worker.stop()
        assert outcome is Outcome.DONE, worker.board.current.last_error
        assert worker.board.current.last_error is None
        assert outbox.unacknowledged(vault) == []

        # The receipt A keeps is the server's, for A's batch, not B's.
        with vault.engine.connect() as conn:
            kept = conn.exec_driver_sql("SELECT receipt FROM batch").scalar_one()
        answer = receipt.parse(json.loads(kept))
        answer.verify(server_key)
        assert answer.receipt.device_id == vault.device_id
        assert answer.receipt.confirms(seen.batch_id, a_batch.hash)

        # Each device's own batch again is the same receipt; B cannot replace its batch either.
        again = http.put(f"/api/v2/batches/{seen.batch_id}", content=a_batch.envelope)
        assert again.status_code == 200 and receipt.parse(again.json()) == answer
        changed = squatter.batch(1, seq=1, batch_id=seen.batch_id)
        refused = http.put(f"/api/v2/batches/{seen.batch_id}", content=changed.to_bytes())
        assert refused.status_code == 409 and "different batch" in refused.json()["detail"]

    opened, result = open_all(engine, campaign_private_key)
    assert (result.unreadable, result.duplicates_removed) == (0, 0)
    by_device = sorted((o.record.device_id, o.record.fields["email"]) for o in opened)
    assert by_device == sorted(
        [(vault.device_id, f"a{i}@example.org") for i in range(3)]
        + [(squatter.device_id, f"b{i}@example.org") for i in range(3)]
    )
    ids: dict[str, set[str]] = {vault.device_id: set(), squatter.device_id: set()}
    for o in opened:
        ids[o.record.device_id].add(o.record.signature_id)
    assert ids[vault.device_id] == ids[squatter.device_id] == {r.id for r in seen.records}
