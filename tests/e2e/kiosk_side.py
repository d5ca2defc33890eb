"""The kiosk's half of tests/e2e/test_two_machines.py, run inside the kiosk's network namespace:
sign the names given on the command line into an enrolled kiosk's vault, sync once, and print
what happened as one JSON line. (Signing is otherwise done through the window.)

    python kiosk_side.py DATA_DIR NAME...
"""

from __future__ import annotations

import json
import sys
from datetime import timedelta
from pathlib import Path

from kiosk.desks.signing import SignatureDesk
from kiosk.files import keys
from kiosk.petition.appeal import load_bundled_appeal
from kiosk.petition.form import validate
from kiosk.settings import SyncSettings
from kiosk.sync.client import CentralClient
from kiosk.sync.enrol import enrolled
from kiosk.sync.service import closer_for
from kiosk.sync.worker import SyncWorker
from kiosk.vault import Vault, outbox


def main(data_dir: Path, names: list[str]) -> dict[str, object]:
    appeal = load_bundled_appeal()
    vault = Vault.open(data_dir)
    try:
        state = enrolled(vault, data_dir)
        assert state is not None, "the kiosk is not enrolled"
        desk = SignatureDesk(appeal, vault, keys.load_public_key(data_dir / keys.PUBLIC_KEY_FILE))
        for name in names:
            entries = {
                "first_name": name,
                "last_name": "Example",
                "email": f"{name.lower()}@example.org",
                "country": "Italy",
            }
            result = validate(appeal, entries, terms_accepted=True, updates_opt_in=False)
            assert result.submission is not None, result
            desk.record(result.submission)
        settings = SyncSettings(batch_size=50, retention=timedelta(days=1))
        client = CentralClient(
            state.server_url, receipt_key=state.receipt_key, trust=state.trust(), timeout=10
        )
        worker = SyncWorker(vault, closer_for(vault, state, settings), client, settings)
        outcome = worker.run_once(force=True)
        worker.stop()
        return {
            "outcome": outcome.value,
            "error": worker.board.current.last_error,
            "unacknowledged": len(outbox.unacknowledged(vault)),
            "tls_pin": state.tls_pin,
            "server_url": state.server_url,
        }
    finally:
        vault.close()


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]), sys.argv[2:])))
