"""The process the crash test kills: records signatures in a loop and reports each commit.

Run as `python crash_child.py DATA_DIR CAMPAIGN_PUBLIC_KEY_PEM`. Importing the kiosk costs about
a second on a small machine, so this process imports once and then works as a fork server: for
each `fork ROUND` line on stdin it forks a child that opens the vault, prints
`ready ROUND PID DEVICE_ID`, and then records signatures until it is killed, printing
`ok ROUND INDEX SIGNATURE_ID SEQUENCE` only after `SignatureDesk.record` has returned. The server
prints `forked ROUND PID` at once and `exited ROUND STATUS` when the child is gone.

The test imports `entries` from here to know what each reported signature must decrypt to.
"""

from __future__ import annotations

import os
import sys

MAX_SIGNATURES_PER_CHILD = 5_000  # bounded even if nobody kills it
MAX_SECONDS_PER_CHILD = 30.0


def entries(round_no: int, index: int) -> dict[str, str]:
    """What the supporter typed for signature INDEX of ROUND: distinct, and not plain ASCII."""
    return {
        "first_name": f"Zoë{round_no}",
        "last_name": f"Ōkuma\u200b-{index}",
        "email": f"Crash.{round_no}.{index}@Example.ORG",
        "postcode": f"k{index % 100} {round_no % 10}aa",
        "country": "Italy",
        "comment": f"Round {round_no}, signature {index} \U0001f3f3\ufe0f\u200d\U0001f308\n",
    }


def _say(line: str) -> None:
    # One write(2) per line, unbuffered: a line is either wholly in the pipe or not at all, and
    # nothing buffered in the server can be written twice by a forked child.
    os.write(1, (line + "\n").encode())


def _child(round_no: int, data_dir: str, key_file: str) -> None:
    import time
    from pathlib import Path

    from kiosk.crypto.campaign_key import CampaignPublicKey
    from kiosk.desks.signing import SignatureDesk
    from kiosk.petition.appeal import load_bundled_appeal
    from kiosk.petition.form import validate
    from kiosk.vault import Vault

    appeal = load_bundled_appeal()
    key = CampaignPublicKey.from_pem(Path(key_file).read_bytes(), key_file)
    vault = Vault.open(Path(data_dir))
    desk = SignatureDesk(appeal, vault, key)
    _say(f"ready {round_no} {os.getpid()} {vault.device_id}")
    deadline = time.monotonic() + MAX_SECONDS_PER_CHILD
    for index in range(MAX_SIGNATURES_PER_CHILD):
        if time.monotonic() > deadline:
            break
        result = validate(
            appeal, entries(round_no, index), terms_accepted=True, updates_opt_in=index % 2 == 0
        )
        assert result.submission is not None, result.errors
        receipt = desk.record(result.submission)
        _say(f"ok {round_no} {index} {receipt.signature_id} {receipt.sequence}")
    vault.close()


def main(data_dir: str, key_file: str) -> None:
    # Import everything the child needs before forking, so each child starts in milliseconds.
    import kiosk.crypto.campaign_key
    import kiosk.desks.signing
    import kiosk.petition.appeal
    import kiosk.petition.form
    import kiosk.vault  # noqa: F401

    _say("server-ready")
    for line in sys.stdin:
        command, round_text = line.split()
        assert command == "fork"
        round_no = int(round_text)
        pid = os.fork()
        if pid == 0:
            status = 0
            try:
                _child(round_no, data_dir, key_file)
            except BaseException as exc:  # report, so a failure is not mistaken for a kill
                _say(f"error {round_no} {type(exc).__name__}: {exc}")
                status = 1
            finally:
                os._exit(status)
        _say(f"forked {round_no} {pid}")
        _, wait_status = os.waitpid(pid, 0)
        _say(f"exited {round_no} {wait_status}")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
