"""A central server inside another program: what `kiosk demo` runs so that a newcomer sees the
whole flow (enrol, sign, sync, export) without setting anything up.

    from kiosk.central.embedded import start_local_server

    server = start_local_server(data_dir, public_key)   # SQLite in data_dir, 127.0.0.1:<free port>
    code = server.issue_enrolment_code("Demo")          # what `kiosk central enroll` would print
    server.console_url, server.console_credential()     # the web console and a sign-in for it
    ...                                                 # the kiosk enrols at server.url and syncs
    server.export(private_key, "csv", out)              # optional: the coordinator's export
    server.stop()

- `data_dir` gets its own SQLite database (`central.sqlite3`); the first start stores the campaign
  (`public_key` and the appeal, by default the bundled one) and, given a `coordinator` signing
  key (or a function that makes one, called only then), its first signed keyset, as
  `kiosk central init` does; later starts reuse it (`server.campaign`). A data
  directory that holds another campaign raises `kiosk.central.errors.Conflict`.
- The server is uvicorn on 127.0.0.1 with an ephemeral port, in a daemon thread; `url` is its base
  (e.g. "http://127.0.0.1:54321"), the API under `/api/v2` as in docs/sync-protocol.md.
- `tls=True` serves HTTPS with the data directory's self-signed certificate (made on first use,
  kiosk.central.tls) and tells enrolling kiosks its key, as `kiosk central serve` does; `url`
  then starts with https://.
- `stop()` ends the server (bounded wait) and closes the database; `LocalServer` is also a
  context manager.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from importlib.resources import files
from pathlib import Path
from typing import TextIO

from kiosk.central import errors
from kiosk.central.api import create_app
from kiosk.central.campaign import (
    CampaignInfo,
    create_campaign,
    find_campaign,
    issue_credential,
)
from kiosk.central.db import default_url, open_database
from kiosk.central.enrolment import issue_code
from kiosk.central.exclusions import load_exclusions
from kiosk.central.export import ExportResult, export
from kiosk.central.ratelimit import Limiter, Limits
from kiosk.central.rotation import first_keyset
from kiosk.central.server import ServerThread
from kiosk.central.status import DeviceStatus, device_status
from kiosk.central.tls import ensure_self_signed
from kiosk.crypto.campaign_key import CampaignPrivateKey, CampaignPublicKey
from kiosk.crypto.device_key import DeviceKey
from kiosk.files import datadir
from kiosk.petition.appeal import DEFAULT_APPEAL


class LocalServer:
    def __init__(
        self,
        data_dir: Path,
        public_key: CampaignPublicKey,
        appeal_toml: str,
        *,
        tls: bool = False,
        limits: Limits | None = None,
        coordinator: DeviceKey | Callable[[], DeviceKey] | None = None,
    ) -> None:
        self.engine = open_database(default_url(datadir.prepare(data_dir)))
        self.tls = ensure_self_signed(data_dir)[0] if tls else None
        try:
            campaign = find_campaign(self.engine) or self._create(
                public_key, appeal_toml, coordinator
            )
            if campaign.key_fingerprint != public_key.fingerprint:
                raise errors.Conflict(
                    f"{data_dir} holds the central database of campaign "
                    f"{campaign.key_fingerprint}, not {public_key.fingerprint}"
                )
            pin = self.tls.pin() if self.tls else None
            limiter = Limiter(limits) if limits is not None else None
            app = create_app(self.engine, tls_pin=pin, limiter=limiter)
            self._thread = ServerThread(app, tls=self.tls).start()
        except BaseException:
            self.engine.dispose()
            raise
        self.url = self._thread.url
        self.campaign = campaign

    def _create(
        self,
        public_key: CampaignPublicKey,
        appeal_toml: str,
        coordinator: DeviceKey | Callable[[], DeviceKey] | None,
    ) -> CampaignInfo:
        if callable(coordinator):
            coordinator = coordinator()
        coordinator_key = coordinator.public_bytes if coordinator is not None else None
        campaign = create_campaign(
            self.engine, public_key, appeal_toml, coordinator_key=coordinator_key
        )
        if coordinator is not None:
            first_keyset(self.engine, coordinator, public_key)
        return campaign

    def issue_enrolment_code(self, event: str, valid_for: timedelta = timedelta(hours=1)) -> str:
        return issue_code(self.engine, event, valid_for).code

    @property
    def console_url(self) -> str:
        """The coordinators' web console of this server (docs/console.md)."""
        return f"{self.url}/console"

    def console_credential(self) -> str:
        """A new coordinator credential to sign in to the console with (only its hash is
        kept: show it now)."""
        return issue_credential(self.engine)

    def status(self) -> list[DeviceStatus]:
        return device_status(self.engine)

    def export(self, key: CampaignPrivateKey, fmt: str, out: TextIO) -> ExportResult:
        """As `kiosk central export`: review marks and test mode apply (no erasure ledger)."""
        return export(self.engine, key, fmt, out, exclusions=load_exclusions(self.engine, None))

    def stop(self) -> None:
        self._thread.stop()
        self.engine.dispose()

    def __enter__(self) -> LocalServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def start_local_server(
    data_dir: Path,
    public_key: CampaignPublicKey,
    appeal_toml: str | None = None,
    *,
    tls: bool = False,
    limits: Limits | None = None,
    coordinator: DeviceKey | Callable[[], DeviceKey] | None = None,
) -> LocalServer:
    """Start a central server for this campaign on loopback; see the module docstring.
    `limits`: its rate limits (default: those of `kiosk central serve`); `coordinator`: the
    coordinator signing key, or a function that makes it, whose first keyset a new campaign
    publishes (none by default; the demo's is made in its coordinator directory)."""
    if appeal_toml is None:
        appeal_toml = (
            files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")
        )
    return LocalServer(
        data_dir, public_key, appeal_toml, tls=tls, limits=limits, coordinator=coordinator
    )
