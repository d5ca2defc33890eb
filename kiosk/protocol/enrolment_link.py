"""The enrolment link: everything a kiosk needs to enrol, in one string a QR code can carry.

    kiosk-enrol:?server=https%3A%2F%2F192.168.1.20%3A8443&code=ABCD-EFGH-...&campaign=1a2b...
                &tls=9f86d081884c7d659a2feaa0c55ad015&coordinator=3c1f...&keyset=2

`server` is where to enrol, `code` the one-time secret (never sent: kiosk.crypto.enrolment_mac),
`campaign` the campaign key's fingerprint, which the kiosk compares with the key it receives
before it keeps anything, `tls` the first 128 bits of the server certificate's key pin
(kiosk.crypto.tls_pin), which the kiosk checks before it sends anything; a server behind a
domain certificate has none. `coordinator` is the fingerprint of the coordinator's signing key
(kiosk.crypto.coordinator_key), which the kiosk pins: only keysets it signs change the key the
kiosk seals to. `keyset` is the version of the campaign keyset when the link was made: a new
kiosk, which has no earlier keyset to compare with, refuses an older one, so a server that was
taken over cannot hand it a keyset from before a rotation (whose primary key may have leaked).
A link without it (made before links carried it) enrols as before, without that check.
`kiosk central enroll --server-url URL` prints it and shows it as a QR code; `kiosk enroll` and
the volunteer panel take it whole, or the code and the address typed.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlencode

from kiosk.crypto.tls_pin import is_pin
from kiosk.errors import EnrolmentError
from kiosk.message import QT_TRANSLATE_NOOP, Message

SCHEME = "kiosk-enrol:"


@dataclass(frozen=True)
class EnrolmentLink:
    server_url: str
    code: str
    campaign_fingerprint: str | None = None
    tls_pin: str | None = None
    coordinator: str | None = None  # the coordinator signing key's fingerprint (32 hex)
    keyset: int | None = None  # the keyset version when the link was made: none older is kept

    def to_text(self) -> str:
        fields = {"server": self.server_url, "code": self.code}
        if self.campaign_fingerprint:
            fields["campaign"] = self.campaign_fingerprint
        if self.tls_pin:
            fields["tls"] = self.tls_pin
        if self.coordinator:
            fields["coordinator"] = self.coordinator
        if self.keyset is not None:
            fields["keyset"] = str(self.keyset)
        return SCHEME + "?" + urlencode(fields)


def is_link(text: str) -> bool:
    return text.strip().lower().startswith(SCHEME)


def parse_link(text: str) -> EnrolmentLink:
    text = text.strip()
    if not is_link(text):
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP("enrolment", "An enrolment link starts with '{scheme}'."),
                scheme=SCHEME,
            )
        )
    query = text[len(SCHEME) :].lstrip("/").lstrip("?")
    # Blank values kept: `keyset=` with its number cut off is damaged, not absent.
    fields = {k: v[-1] for k, v in parse_qs(query, keep_blank_values=True).items()}
    server, code = fields.get("server", ""), fields.get("code", "")
    if not server or not code:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This enrolment link is incomplete (it needs the server and the code): copy "
                    "or scan it again, or type the code and the server's address.",
                )
            )
        )
    tls = fields.get("tls", "").lower() or None
    if tls is not None and not is_pin(tls):
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This enrolment link's certificate fingerprint is damaged: copy or scan it "
                    "again.",
                )
            )
        )
    coordinator = fields.get("coordinator", "").lower() or None
    if coordinator is not None and not re.fullmatch(r"[0-9a-f]{32}", coordinator):
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This enrolment link's coordinator fingerprint is damaged: copy or scan it "
                    "again.",
                )
            )
        )
    keyset = fields.get("keyset")
    if keyset is not None and not re.fullmatch(r"[1-9][0-9]{0,17}", keyset):
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This enrolment link's campaign keyset version is damaged: copy or scan it "
                    "again.",
                )
            )
        )
    return EnrolmentLink(
        server,
        code,
        fields.get("campaign") or None,
        tls,
        coordinator,
        int(keyset) if keyset is not None else None,
    )
