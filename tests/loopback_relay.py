"""The listening half the tests' proxies share (tests/sync/tls_proxy.py,
tests/central/round_robin_proxy.py): a socket on 127.0.0.1 with an ephemeral port, an accept
loop in a thread that hands each connection to `_relay` in a thread of its own, and an exit
that stops accepting and joins every thread (bounded by `idle`)."""

from __future__ import annotations

import socket
import threading
from typing import Self


class LoopbackRelay:
    def __init__(self, *, idle: float, scheme: str = "http") -> None:
        self._idle = idle
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"{scheme}://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.connections = 0  # accepted so far

    def __enter__(self) -> Self:
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
                accepted, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                continue  # a connection that went away before it was accepted
            self.connections += 1
            self._spawn(self._relay, accepted)

    def _relay(self, accepted: socket.socket) -> None:
        raise NotImplementedError
