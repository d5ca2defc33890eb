"""A command run on a real terminal (a pseudo-terminal that is its controlling tty), as a
person runs it: what it writes is read back as the screen would get it, and lines are typed at
its prompts (getpass reads them from /dev/tty, as it does for a person)."""

from __future__ import annotations

import os
import re
import select
import subprocess
import sys
import time
from collections.abc import Sequence

# The `kiosk` command, as the installed entry point runs it, in a session of its own whose
# controlling terminal is the one it was given (a session leader's first tty open makes it so).
KIOSK = [
    sys.executable,
    "-c",
    "import os, sys; os.close(os.open(os.ttyname(0), os.O_RDWR)); "
    "from kiosk.cli.main import main; sys.exit(main())",
]


class Terminal:
    def __init__(self, argv: Sequence[str], env: dict[str, str]) -> None:
        self.fd, child = os.openpty()
        self.process = subprocess.Popen(
            list(argv), stdin=child, stdout=child, stderr=child, env=env, start_new_session=True
        )
        os.close(child)
        self.screen = ""
        self._seen = 0
        self.returncode: int | None = None

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # the child closed the terminal
            return False
        if not data:
            return False
        self.screen += data.decode("utf-8", "replace")
        return True

    def expect(self, pattern: str, timeout: float = 60) -> re.Match[str]:
        """Wait until the output after the last match holds `pattern` (a regex)."""
        end = time.monotonic() + timeout
        while True:
            found = re.compile(pattern).search(self.screen, self._seen)
            if found:
                self._seen = found.end()
                return found
            if time.monotonic() > end or not self._read(min(1.0, end - time.monotonic())):
                found = re.compile(pattern).search(self.screen, self._seen)
                if found:
                    self._seen = found.end()
                    return found
                raise AssertionError(f"{pattern!r} never appeared on the terminal:\n{self.screen}")

    def type(self, line: str) -> None:
        os.write(self.fd, line.encode("utf-8") + b"\r")

    def wait(self, timeout: float = 120) -> int:
        """The exit code, once the command has ended and everything it wrote is read."""
        end = time.monotonic() + timeout
        while time.monotonic() < end and self._read(0.5):
            pass
        try:
            self.returncode = self.process.wait(max(0.1, end - time.monotonic()))
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"the command did not end in {timeout} s:\n{self.screen}"
            ) from None
        finally:
            os.close(self.fd)
        return self.returncode
