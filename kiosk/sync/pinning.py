"""Which server certificate a kiosk trusts, checked on every new connection before anything
is sent on it.

- **Pinned** (a server with its own, self-signed certificate): only a certificate whose key has
  the pinned fingerprint (kiosk.crypto.tls_pin). Its name and issuer are not looked at.
- **Authorities** (a domain certificate, e.g. behind Caddy or nginx): the usual verification
  against the certificate authorities this machine trusts (or SSL_CERT_FILE), name included.
- **Learning** (enrolment with a typed code, after the usual verification failed): any
  certificate, remembered; enrolment keeps it only if the server's MACed answer names the same
  key (kiosk.sync.enrol), so a proxy with its own certificate is found out.

Plain http:// is refused for anything but a server on this machine (the demo).

The check runs in httpx's `trace` hook when the TLS handshake completes: a refused certificate
closes the connection before the request's first byte is written.
"""

from __future__ import annotations

import ipaddress
import ssl
from typing import Any
from urllib.parse import urlsplit

from kiosk.crypto.tls_pin import link_pin, matches, spki_pin
from kiosk.errors import CertificateRefused
from kiosk.message import QT_TRANSLATE_NOOP, Message

TLS_DONE = "connection.start_tls.complete"


class ServerTrust:
    def __init__(self, pinned: str | None = None, *, learning: bool = False) -> None:
        self.pinned = pinned
        self.learning = learning and pinned is None
        self.presented: str | None = None  # the full pin of the last certificate seen

    def verify(self) -> ssl.SSLContext | bool:
        """httpx's `verify`: the system's authorities, or no chain check (the pin is the check)."""
        if self.pinned is None and not self.learning:
            return True
        context = ssl.create_default_context()
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        return context

    def trace(self, event: str, info: dict[str, Any]) -> None:
        """httpx's `trace` extension: check the certificate as the handshake completes."""
        if event != TLS_DONE:
            return
        stream = info["return_value"]
        der = stream.get_extra_info("ssl_object").getpeercert(True)
        self.presented = spki_pin(der) if der else ""
        if self.pinned is not None and not matches(self.presented, self.pinned):
            stream.close()
            raise CertificateRefused(
                Message(
                    QT_TRANSLATE_NOOP(
                        "sync",
                        "The server presented a certificate with key {presented}, not the one "
                        "this kiosk trusts ({pinned}), so nothing was sent. Someone on this "
                        "network may be posing as the server, or the coordinator replaced its "
                        "certificate: tell the coordinator.",
                    ),
                    presented=link_pin(self.presented),
                    pinned=link_pin(self.pinned),
                )
            )


def unverified_certificate(exc: BaseException) -> bool:
    """Whether a connection failed because the certificate did not verify."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ssl.SSLCertVerificationError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def is_loopback(host: str | None) -> bool:
    if not host:
        return False
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def address_refusal(url: str) -> Message | None:
    """Why this kiosk will not talk to a server at `url`, or None if it may."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return None
    if parts.scheme == "http" and is_loopback(parts.hostname):
        return None
    if parts.scheme == "http" and parts.hostname:
        return Message(
            QT_TRANSLATE_NOOP(
                "sync",
                "This kiosk sends signatures to {host} only over https://: plain http:// is for a "
                "server on this same machine. Ask the coordinator for the enrolment link, which "
                "holds the server's https:// address and its certificate's fingerprint.",
            ),
            host=parts.hostname,
        )
    return Message(
        QT_TRANSLATE_NOOP("sync", "'{address}' is not a server address; it starts with https://"),
        address=url,
    )
