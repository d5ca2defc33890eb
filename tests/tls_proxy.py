"""A TLS-terminating proxy on 127.0.0.1: what an attacker on the venue's network runs between a
kiosk and its server. It serves its own certificate to the kiosk, opens its own TLS connection
to the real server, and relays the bytes both ways (reading them all in the clear), so every
request reaches the real server and every answer comes back unchanged.

A thread per connection, which alone reads and writes both of its sockets; bounded: each relay
ends when either side closes or after `idle` seconds without a byte, and `__exit__` joins
every thread.
"""

from __future__ import annotations

import select
import socket
import ssl
from pathlib import Path
from urllib.parse import urlsplit

from loopback_relay import LoopbackRelay

from kiosk.central.tls import ensure_self_signed


class TlsProxy(LoopbackRelay):
    def __init__(self, upstream: str, cert_dir: Path, *, idle: float = 10.0) -> None:
        parts = urlsplit(upstream)
        assert parts.scheme == "https" and parts.hostname == "127.0.0.1" and parts.port
        self._upstream = (parts.hostname, parts.port)
        files, _ = ensure_self_signed(cert_dir)  # the attacker's own certificate
        self.pin = files.pin()
        self._server_side = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self._server_side.load_cert_chain(files.cert, files.key)
        self._client_side = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self._client_side.check_hostname = False
        self._client_side.verify_mode = ssl.CERT_NONE
        super().__init__(idle=idle, scheme="https")
        self.seen = bytearray()  # every byte the kiosk sent, in the clear

    def _relay(self, raw: socket.socket) -> None:
        raw.settimeout(self._idle)
        try:
            kiosk = self._server_side.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()  # the kiosk refused our certificate during the handshake
            return
        try:
            upstream = self._client_side.wrap_socket(
                socket.create_connection(self._upstream, timeout=self._idle)
            )
        except OSError:
            kiosk.close()
            return
        try:
            self._pipe(kiosk, upstream)
        finally:
            kiosk.close()
            upstream.close()

    def _pipe(self, kiosk: ssl.SSLSocket, upstream: ssl.SSLSocket) -> None:
        """Both directions from this one thread: an SSL socket must not be read in one thread
        while another writes it (OpenSSL's objects are not shared between threads)."""
        peers = {kiosk: upstream, upstream: kiosk}
        for sock in peers:
            # Readable need not mean application data (a TLS 1.3 session ticket, say): reads
            # must not block, or the other direction would wait behind them.
            sock.setblocking(False)
        while not self._stopping.is_set():
            readable, _, _ = select.select(list(peers), [], [], self._idle)
            if not readable:
                return  # idle for too long
            for source in readable:
                while True:
                    try:
                        chunk = source.recv(65536)
                    except ssl.SSLWantReadError:
                        break
                    except OSError:
                        return
                    if not chunk:
                        return
                    if source is kiosk:
                        self.seen += chunk
                    sink = peers[source]
                    try:
                        sink.setblocking(True)
                        sink.settimeout(self._idle)
                        sink.sendall(chunk)
                        sink.setblocking(False)
                    except OSError:
                        return
                    if not source.pending():
                        break
