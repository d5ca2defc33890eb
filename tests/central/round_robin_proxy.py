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


class RoundRobinProxy:
    def __init__(self, upstreams: list[tuple[str, int]], *, idle: float = 20.0) -> None:
        self._upstreams = upstreams
        self._turn = itertools.cycle(range(len(upstreams)))
        self._lock = threading.Lock()
        self._idle = idle
        self._listener = socket.create_server(("127.0.0.1", 0))
        self._listener.settimeout(0.1)
        self.url = f"http://127.0.0.1:{self._listener.getsockname()[1]}"
        self._stopping = threading.Event()
        self._threads: list[threading.Thread] = []
        self.served: Counter[tuple[str, int]] = Counter()  # connections per server

    def __enter__(self) -> RoundRobinProxy:
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
                client, _ = self._listener.accept()
            except TimeoutError:
                continue
            self._spawn(self._relay, client)

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
