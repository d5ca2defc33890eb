"""A small TCP load balancer on 127.0.0.1: each new connection goes to the next server in turn
that accepts it, and its bytes are relayed both ways. A server that died mid-request drops the
client's connection (the client tries again, and the next connection goes to a live server).

Threads and blocking sockets, bounded: a relay ends when either side closes or after `idle`
seconds without a byte; `__exit__` joins every thread.
"""

from __future__ import annotations

import contextlib
import itertools
import socket
import threading
from collections import Counter

from loopback_relay import LoopbackRelay


class RoundRobinProxy(LoopbackRelay):
    def __init__(self, upstreams: list[tuple[str, int]], *, idle: float = 20.0) -> None:
        self._upstreams = upstreams
        self._turn = itertools.cycle(range(len(upstreams)))
        self._lock = threading.Lock()
        super().__init__(idle=idle)
        self.served: Counter[tuple[str, int]] = Counter()  # connections per server

    def _connect(self) -> socket.socket | None:
        for _ in range(len(self._upstreams)):
            with self._lock:
                upstream = self._upstreams[next(self._turn)]
            try:
                server = socket.create_connection(upstream, timeout=2)
            except OSError:
                continue  # down: the next one in turn
            with self._lock:
                self.served[upstream] += 1
            return server
        return None

    def _relay(self, client: socket.socket) -> None:
        server = self._connect()
        if server is None:
            client.close()
            return
        for sock in (client, server):
            sock.settimeout(self._idle)
        done = threading.Event()
        self._spawn(self._pipe, client, server, done)
        self._pipe(server, client, done)
        done.wait(self._idle)
        client.close()
        server.close()

    def _pipe(self, source: socket.socket, sink: socket.socket, done: threading.Event) -> None:
        try:
            while not self._stopping.is_set():
                chunk = source.recv(65536)
                if not chunk:
                    break
                sink.sendall(chunk)
        except OSError:
            pass
        finally:
            done.set()
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
