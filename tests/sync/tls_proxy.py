"""A TLS-terminating proxy on 127.0.0.1: what an attacker on the venue's network runs between a
kiosk and its server. It serves its own certificate to the kiosk, opens its own TLS connection
to the real server, and relays the bytes both ways (reading them all in the clear), so every
request reaches the real server and every answer comes back unchanged.

Threads and blocking sockets, bounded: each relay ends when either side closes or after
`idle` seconds without a byte, and `__exit__` joins every thread.
"""

from __future__ import annotations

import contextlib
import socket
import ssl
import threading
from pathlib import Path
from urllib.parse import urlsplit

from kiosk.central.tls import ensure_self_signed


class TlsProxy:
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
        self._idle = idle
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"https://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.seen = bytearray()  # every byte the kiosk sent, in the clear
        self.connections = 0

    def __enter__(self) -> TlsProxy:
        self._spawn(self._accept)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        for thread in list(self._threads):
            thread.join(self._idle + 5)
        self._listener.close()

    def _spawn(self, target: object, *args: object) -> None:
        thread = threading.Thread(target=target, args=args, daemon=True)  # type: ignore[arg-type]
        thread.start()
        self._threads.append(thread)

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                raw, _ = self._listener.accept()
            except TimeoutError:
                continue
            self.connections += 1
            self._spawn(self._relay, raw)

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
        done = threading.Event()
        self._spawn(self._pipe, kiosk, upstream, done, True)
        self._pipe(upstream, kiosk, done, False)
        done.wait(self._idle)
        kiosk.close()
        upstream.close()

    def _pipe(
        self, source: ssl.SSLSocket, sink: ssl.SSLSocket, done: threading.Event, record: bool
    ) -> None:
        try:
            while not self._stopping.is_set():
                chunk = source.recv(65536)
                if not chunk:
                    break
                if record:
                    self.seen += chunk
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            done.set()
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
