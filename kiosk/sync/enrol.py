"""Enrolment from the kiosk's side, and reading back what enrolment stored.

The kiosk takes a one-time code from the coordinator, makes (or reuses) its Ed25519 device
key, registers the public half with the server, and keeps what the server hands back: the
campaign public key, the appeal, the event, the server's address, its receipt key and the key
of its TLS certificate (kiosk.sync.pinning says which certificate each connection trusts).
An enrolment link also names the coordinator key the kiosk pins and the keyset version when the
link was made: a keyset older than that is refused, for a new kiosk has no keyset of its own to
compare with and would otherwise seal to whatever old key a server taken over hands it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from kiosk.clock import to_hour, utc_now
from kiosk.crypto.campaign_key import CampaignPublicKey
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.tls_pin import link_pin
from kiosk.errors import (
    CertificateRefused,
    EnrolmentError,
    KeyFileError,
    KeysetRefused,
    SyncError,
)
from kiosk.files import keys
from kiosk.files.atomic import write_atomic
from kiosk.message import QT_TRANSLATE_NOOP, Message, said
from kiosk.petition.appeal import parse_appeal
from kiosk.protocol.enrolment_link import is_link, parse_link
from kiosk.protocol.keyset import SignedKeyset
from kiosk.protocol.release import check_release
from kiosk.sync import APPEAL_FILE
from kiosk.sync.client import CentralClient
from kiosk.sync.client import Enrolment as Answer
from kiosk.sync.keyset import checked
from kiosk.sync.pinning import ServerTrust, address_refusal
from kiosk.vault import Vault, device, outbox
from kiosk.vault.keyset import follow as follow_keyset
from kiosk.vault.keyset import followed as followed_keyset

log = logging.getLogger("kiosk.sync")


@dataclass(frozen=True)
class Enrolled:
    server_url: str
    event: str
    device_key_file: Path
    campaign_key_fingerprint: str
    enrolled_at: datetime
    receipt_key: bytes  # the server's receipt key: only receipts it signed acknowledge a batch
    tls_pin: str | None = None  # the server certificate's key; None: the system's authorities
    coordinator_key: bytes | None = None  # signs the campaign keyset (kiosk.sync.keyset)

    def trust(self) -> ServerTrust:
        return ServerTrust(self.tls_pin)


def enrolled(vault: Vault, data_dir: Path) -> Enrolled | None:
    """What this kiosk's enrolment stored, or None if it was never enrolled."""
    stored = device.enrolment(vault)
    if stored is None:
        return None
    return Enrolled(
        server_url=stored.server_url,
        event=stored.event,
        device_key_file=data_dir / stored.device_key_file,
        campaign_key_fingerprint=stored.campaign_key_fingerprint,
        enrolled_at=stored.enrolled_at,
        receipt_key=stored.receipt_key,
        tls_pin=stored.tls_pin,
        coordinator_key=stored.coordinator_key,
    )


def enrol(
    vault: Vault,
    data_dir: Path,
    code: str,
    server_url: str | None = None,
    *,
    release: str | None = None,
    client: CentralClient | None = None,
) -> Enrolled:
    """Enrol with a code and the server's address, or with an enrolment link (`code` holding
    the whole link, `server_url` then None or the same server). A kiosk that collects for a
    campaign moves to another one only with `release`, a release from its current campaign's
    server (kiosk.protocol.release), or after a factory reset (kiosk.sync.reset)."""
    expected: str | None = None
    linked_pin: str | None = None
    linked_coordinator: str | None = None
    linked_version: int | None = None
    if is_link(code):
        link = parse_link(code)
        if server_url and server_url.rstrip("/") != link.server_url.rstrip("/"):
            raise EnrolmentError(
                Message(
                    QT_TRANSLATE_NOOP(
                        "enrolment", "The link is for {link}, not {server}; use one or the other."
                    ),
                    link=link.server_url,
                    server=server_url,
                )
            )
        code, server_url = link.code, link.server_url
        expected, linked_pin = link.campaign_fingerprint, link.tls_pin
        linked_coordinator, linked_version = link.coordinator, link.keyset
    if not server_url:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment", "Give the server's address with the code, or the whole link."
                )
            )
        )
    server_url = server_url.rstrip("/")
    refusal = address_refusal(server_url)
    if refusal is not None:
        raise EnrolmentError(refusal)
    current = current_campaign(data_dir)
    if release is not None:
        _check_release(vault, release, current)
    elif expected is not None:
        _refuse_other_campaign(vault, current, expected)  # before the code is spent
    device_key = keys.device_key(data_dir)
    request = (code.strip(), vault.device_id, device_key.public_bytes)
    if client is not None:
        answer, trust = _ask(client, request), client.trust
    else:
        trust = ServerTrust(linked_pin)
        try:
            with CentralClient(server_url, trust=trust) as http:
                answer = _ask(http, request)
        except CertificateRefused as exc:
            if trust.pinned is not None:
                raise EnrolmentError(said(exc)) from None
            # No authority vouches for the certificate: it may be the server's own self-signed
            # one. Learn it, and keep it only if the server's MACed answer names the same key.
            trust = ServerTrust(learning=True)
            with CentralClient(server_url, trust=trust) as http:
                answer = _ask(http, request)
    tls_pin = _pin_to_keep(server_url, trust, answer)
    if answer.device_id != vault.device_id:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment", "The server enrolled a different device id; nothing was changed."
                )
            )
        )
    try:
        campaign = CampaignPublicKey.from_pem(
            answer.campaign_public_key_pem.encode("utf-8"), "the server's campaign key"
        )
    except KeyFileError as exc:
        raise EnrolmentError(said(exc)) from None
    if campaign.fingerprint != answer.campaign_key_fingerprint:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The campaign key the server sent does not match its fingerprint; nothing "
                    "was kept.",
                )
            )
        )
    if expected is not None and campaign.fingerprint != expected:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server's campaign key is {sent}, but the link names {expected}: this is "
                    "not the coordinator's campaign. Nothing was kept.",
                ),
                sent=campaign.fingerprint,
                expected=expected,
            )
        )
    appeal_bytes = answer.appeal_toml.encode("utf-8")
    parse_appeal(appeal_bytes, "the appeal sent by the server")  # AppealError says what is wrong
    if release is None:
        _refuse_other_campaign(vault, current, campaign.fingerprint)
    _refuse_with_unsent(vault, current, campaign.fingerprint)
    keyset = _keyset_to_follow(
        vault, answer, campaign.fingerprint, linked_coordinator, linked_version
    )

    keys.store_public_key(campaign, data_dir)
    write_atomic(data_dir / APPEAL_FILE, appeal_bytes, mode=0o644)
    now = to_hour(utc_now())
    device.record_enrolment(
        vault,
        device.Enrolment(
            server_url,
            answer.event,
            keys.DEVICE_KEY_FILE,
            campaign.fingerprint,
            now,
            answer.receipt_public_key,
            tls_pin,
            answer.coordinator_key,
        ),
    )
    if keyset is not None:
        follow_keyset(vault, keyset)
    log.info("enrolled for event %r with campaign key %s", answer.event, campaign.fingerprint)
    return Enrolled(
        server_url,
        answer.event,
        data_dir / keys.DEVICE_KEY_FILE,
        campaign.fingerprint,
        now,
        answer.receipt_public_key,
        tls_pin,
        answer.coordinator_key,
    )


def _keyset_to_follow(
    vault: Vault, answer: Answer, campaign: str, linked: str | None, version: int | None
) -> SignedKeyset | None:
    """The answer's keyset, once its coordinator key is the one the link names and the one
    this kiosk pinned before (the server cannot swap it at a second enrolment), the keyset
    passes the checks every keyset does (kiosk.sync.keyset), and it is no older than the
    version the link names: a new kiosk has no keyset of its own to compare with, so without
    the link a server that was taken over could hand it one from before a rotation."""
    given = answer.coordinator_key
    if linked is not None and (given is None or coordinator_fingerprint(given) != linked):
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server's coordinator key is not the one the enrolment link names: this is "
                    "not the coordinator's campaign server, or something changed its answer. "
                    "Nothing was kept.",
                )
            )
        )
    before = device.enrolment(vault)
    pinned = before.coordinator_key if before is not None else None
    same_campaign = before is not None and before.campaign_key_fingerprint == campaign
    if same_campaign and pinned is not None and given != pinned:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server's answer names another coordinator key than the one this kiosk "
                    "pinned when it enrolled with this campaign. Nothing was kept: tell the "
                    "coordinator.",
                )
            )
        )
    if given is None or answer.keyset is None:
        if version is not None:
            raise _older_than_linked(version, None)
        return None
    try:
        keyset = checked(
            answer.keyset,
            pinned=given,
            campaign=campaign,
            current=followed_keyset(vault) if same_campaign else None,
        )
    except KeysetRefused as exc:
        kept = Message(QT_TRANSLATE_NOOP("enrolment", "Nothing was kept."))
        reason = said(exc)
        raise EnrolmentError(
            Message.joined([reason, kept]) if isinstance(reason, Message) else f"{reason} {kept}"
        ) from None
    if version is not None and keyset.version < version:
        raise _older_than_linked(version, keyset.version)
    return answer.keyset


def _older_than_linked(linked: int, sent: int | None) -> EnrolmentError:
    """The refusal of a keyset older than the link's (or of none): what a server taken over
    would send to make a new kiosk seal to a key the coordinator has since replaced."""
    if sent is None:
        return EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server sent no campaign keyset, but the enrolment link names keyset "
                    "version {linked}: the server may have been taken over. This kiosk kept "
                    "nothing and is not enrolled; ask the coordinator.",
                ),
                linked=str(linked),
            )
        )
    return EnrolmentError(
        Message(
            QT_TRANSLATE_NOOP(
                "enrolment",
                "The server sent an older campaign key (keyset version {sent}) than the "
                "enrolment link names (version {linked}): the server may have been taken over. "
                "This kiosk kept nothing and is not enrolled; ask the coordinator.",
            ),
            sent=str(sent),
            linked=str(linked),
        )
    )


def _ask(http: CentralClient, request: tuple[str, str, bytes]) -> Answer:
    try:
        return http.enrol(*request)
    except CertificateRefused:
        raise  # enrol() decides: a pinned certificate refused, or one to learn
    except SyncError as exc:
        raise EnrolmentError(said(exc)) from None


def _pin_to_keep(server_url: str, trust: ServerTrust, answer: Answer) -> str | None:
    """The certificate key every later connection must present: the one the link pinned or the
    one learnt (and named by the MACed answer); None for a certificate the system's authorities
    vouched for (a domain's) and for plain http on this machine. Whatever the answer names must
    be what this connection presented."""
    if not server_url.startswith("https://"):
        return None
    presented = trust.presented
    if presented is None:  # a client whose transport is not a network (a test's)
        return answer.tls_pin or trust.pinned
    if answer.tls_pin is not None and presented != answer.tls_pin:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server says it serves the certificate with key {named}, but this "
                    "connection presented {presented}: something between this kiosk and the "
                    "server is posing as it. Nothing was kept; enrol on another network and tell "
                    "the coordinator.",
                ),
                named=link_pin(answer.tls_pin),
                presented=link_pin(presented),
            )
        )
    if trust.learning and answer.tls_pin is None:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "The server's certificate is signed by no authority this kiosk trusts, and "
                    "the server does not name it. Enrol with the coordinator's enrolment link, "
                    "which holds the certificate's fingerprint. Nothing was kept.",
                )
            )
        )
    if trust.pinned is not None or trust.learning:
        return presented
    return None  # an authority vouched for it: renewed certificates (new keys) stay trusted


def current_campaign(data_dir: Path) -> str | None:
    """The fingerprint of the campaign key this kiosk seals to; None if it has none (or only a
    damaged copy, which a good one then replaces)."""
    current = data_dir / keys.PUBLIC_KEY_FILE
    if not current.exists():
        return None
    try:
        return keys.load_public_key(current).fingerprint
    except KeyFileError:
        return None


def _refuse_other_campaign(vault: Vault, current: str | None, new: str) -> None:
    """A kiosk stays with its campaign: the PIN that opened the panel is not enough to move it."""
    if current is None or current == new:
        return
    raise EnrolmentError(
        Message(
            QT_TRANSLATE_NOOP(
                "enrolment",
                "This kiosk collects for campaign {current}, and this code is for campaign {new}. "
                "To move it, the coordinator of its campaign gives a release for it ('kiosk "
                "central release {device}'), or the kiosk is factory reset ('kiosk "
                "factory-reset'). Nothing was changed.",
            ),
            current=current,
            new=new,
            device=vault.device_id,
        )
    )


def _check_release(vault: Vault, release: str, current: str | None) -> None:
    stored = device.enrolment(vault)
    if current is None:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This kiosk collects for no campaign yet, so it needs no release: enrol it "
                    "with the code alone.",
                )
            )
        )
    if stored is None or stored.campaign_key_fingerprint != current:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This kiosk was given campaign {current}'s key by hand, not enrolled with its "
                    "server, so no release can be checked: only a factory reset ('kiosk "
                    "factory-reset') moves it to another campaign.",
                ),
                current=current,
            )
        )
    check_release(
        release, receipt_key=stored.receipt_key, device_id=vault.device_id, campaign=current
    )


def _refuse_with_unsent(vault: Vault, current: str | None, new: str) -> None:
    """Signatures sealed to one campaign must reach that campaign before the kiosk switches."""
    if current is not None and current != new and outbox.backlog(vault).waiting_total > 0:
        raise EnrolmentError(
            Message(
                QT_TRANSLATE_NOOP(
                    "enrolment",
                    "This kiosk still holds signatures for campaign key {current} that the server "
                    "has not confirmed. Sync them, or export them with 'kiosk export-batches', "
                    "before enrolling it for another campaign.",
                ),
                current=current,
            )
        )
