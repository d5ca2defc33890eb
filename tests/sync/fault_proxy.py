"""A fault-injecting HTTP/1.1 proxy for 127.0.0.1, between the sync client and a server.

One request per connection (it answers with `Connection: close`). For each request it draws a
fault from a seeded random plan:

- ``cut_before``: the request is read, then the connection drops before the server sees it;
- ``cut_after``: the server handles (and commits) the request, then the connection drops
  before the response;
- ``truncate``: the server handles it and only part of its response arrives;
- ``delay``: the response arrives late (sometimes later than the client waits);
- ``error_before`` / ``error_after``: a 503 instead of forwarding, or instead of the server's
  real (committed) answer;
- ``pass``: forwarded untouched.
"""

from __future__ import annotations

import random
import socket
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

FAULTS = ("cut_before", "cut_after", "truncate", "delay", "error_before", "error_after")
_503 = b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
MAX_MESSAGE = 64 * 1024 * 1024


class FaultProxy:
    def __init__(
        self, upstream: str, *, fault_rate: float, seed: int, max_delay: float = 1.0
    ) -> None:
        parts = urlsplit(upstream)
        assert parts.hostname == "127.0.0.1" and parts.port
        self._upstream = (parts.hostname, parts.port)
        self.fault_rate = fault_rate
        self._rng = random.Random(seed)
        self._max_delay = max_delay
        self._lock = threading.Lock()
        self.counts: Counter[str] = Counter()
        self._stopping = threading.Event()
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._threads: list[threading.Thread] = []

    def __enter__(self) -> FaultProxy:
        thread = threading.Thread(target=self._accept, name="fault-proxy", daemon=True)
        thread.start()
        self._threads.append(thread)
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stopping.set()
        for thread in list(self._threads):
            thread.join(10)
        self._listener.close()

    @property
    def faults(self) -> int:
        return sum(n for kind, n in self.counts.items() if kind != "pass")

    def _draw(self) -> str:
        with self._lock:
            kind = self._rng.choice(FAULTS) if self._rng.random() < self.fault_rate else "pass"
            self.counts[kind] += 1
            return kind

    def _accept(self) -> None:
        while not self._stopping.is_set():
            try:
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            thread = threading.Thread(target=self._handle, args=(client,), daemon=True)
            thread.start()
            self._threads.append(thread)

    def _handle(self, client: socket.socket) -> None:
        with client:
            client.settimeout(10)
            try:
                request = _read_message(client)
            except (OSError, ValueError):
                return
            if request is None:
                return
            kind = self._draw()
            if kind == "cut_before":
                return
            if kind == "error_before":
                client.sendall(_503)
                return
            try:
                with socket.create_connection(self._upstream, timeout=10) as upstream:
                    upstream.sendall(request)
                    response = _read_message(upstream)
            except (OSError, ValueError):
                return
            if response is None or kind == "cut_after":
                return
            response = _close_after(response)
            if kind == "error_after":
                client.sendall(_503)
            elif kind == "truncate":
                client.sendall(response[: self._rng.randrange(1, len(response))])
            else:
                if kind == "delay":
                    time.sleep(self._rng.uniform(0.05, self._max_delay))
                try:
                    client.sendall(response)
                except OSError:
                    return


def _read_message(sock: socket.socket) -> bytes | None:
    """One HTTP/1.1 message with a Content-Length body (or none), or None at a clean EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return data or None
        data += chunk
        if len(data) > MAX_MESSAGE:
            raise ValueError("message too large")
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    if length > MAX_MESSAGE:
        raise ValueError("message too large")
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def _close_after(response: bytes) -> bytes:
    head, _, body = response.partition(b"\r\n\r\n")
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body
