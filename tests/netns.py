"""Two machines on one network, made of Linux network namespaces: each namespace has its own
interfaces and loopback, joined by a veth pair (`10.X.Y.1` and `10.X.Y.2`). A server in one is
reachable from the other only at its network address, never at 127.0.0.1: what a laptop and a
tablet on a venue's Wi-Fi see of each other.

Needs root (CAP_NET_ADMIN) and `ip`; `available()` says why not. Names hold the process id, so
pytest-xdist workers never share one; `__exit__` deletes both namespaces (and so the pair).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Sequence


def available() -> str | None:
    """None if namespaces can be made here, else why not."""
    if shutil.which("ip") is None:
        return "the `ip` command (iproute2) is not installed"
    if os.geteuid() != 0:
        return "network namespaces need root"
    return None


def _ip(*argv: str) -> None:
    subprocess.run(["ip", *argv], check=True, capture_output=True, timeout=20)


class TwoMachines:
    def __init__(self) -> None:
        tag = f"{os.getpid() % 100000}"
        self.server_ns, self.kiosk_ns = f"ks{tag}", f"kk{tag}"
        subnet = os.getpid() % 250
        self.server_ip, self.kiosk_ip = f"10.213.{subnet}.1", f"10.213.{subnet}.2"
        self._ends = (f"vs{tag}", f"vk{tag}")

    def __enter__(self) -> TwoMachines:
        try:
            for ns in (self.server_ns, self.kiosk_ns):
                _ip("netns", "add", ns)
                _ip("-n", ns, "link", "set", "lo", "up")
            server_end, kiosk_end = self._ends
            _ip("link", "add", server_end, "type", "veth", "peer", "name", kiosk_end)
            for end, ns, address in (
                (server_end, self.server_ns, self.server_ip),
                (kiosk_end, self.kiosk_ns, self.kiosk_ip),
            ):
                _ip("link", "set", end, "netns", ns)
                _ip("-n", ns, "addr", "add", f"{address}/24", "dev", end)
                _ip("-n", ns, "link", "set", end, "up")
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *_exc: object) -> None:
        for ns in (self.server_ns, self.kiosk_ns):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True, timeout=20)

    def on_server(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.server_ns, *argv]

    def on_kiosk(self, argv: Sequence[str]) -> list[str]:
        return ["ip", "netns", "exec", self.kiosk_ns, *argv]
