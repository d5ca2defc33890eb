"""`kiosk central ...`: the coordinator's commands (init, serve, enroll, revoke, import, status,
export). Each is a thin shell over the services that the HTTP API uses as well; heavy imports
(FastAPI, SQLAlchemy, uvicorn) happen inside the commands, so `kiosk run` does not pay for them.

Every command takes --data-dir (default: the platform's user data directory "kiosk-central",
which holds the passphrase-encrypted campaign private key and the SQLite database) and
--database-url (e.g. postgresql+psycopg://user@host/db; default: SQLite in the data directory).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO, overload

from kiosk.cli.options import add_data_dir, counted
from kiosk.cli.passphrase import PASSPHRASE_ENV, existing_passphrase, new_passphrase
from kiosk.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

APP_NAME = "kiosk-central"
DESCRIPTION = """\
The coordinator's commands: create the campaign (init), run the central server (serve), make
an enrolment code for a kiosk (enroll), refuse a lost kiosk (revoke), take in batch files from
a USB stick (import), see what each kiosk has delivered (status) and export the signatures
(export).

Every command takes --data-dir (default: the platform's user data directory "kiosk-central",
which holds the passphrase-encrypted campaign private key and the SQLite database) and
--database-url (e.g. postgresql+psycopg://user@host/db; default: SQLite in the data directory).
'COMMAND --help' says more about each."""
DEFAULT_PORT = 8080
_DURATION = re.compile(r"^(\d{1,6})([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def register(sub: Any) -> None:
    """Add `central` and its subcommands to the `kiosk` parser's subparsers."""
    central = sub.add_parser(
        "central",
        help="the central server and the coordinator's commands",
        description=DESCRIPTION,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    commands = central.add_subparsers(required=True, metavar="COMMAND")

    def command(name: str, helptext: str, handler: Callable[[argparse.Namespace], int]) -> Any:
        p = commands.add_parser(name, help=helptext, description=helptext)
        add_data_dir(p, "the central server's data directory")
        p.add_argument("--database-url", help="a database URL (default: SQLite in --data-dir)")
        p.set_defaults(handler=_disposing_engines(handler))
        return p

    p = command("init", "create the campaign: key pair, appeal, coordinator credential", _init)
    p.add_argument("--appeal", type=Path, help="the appeal file (default: the bundled appeal)")
    p.add_argument(
        "--passphrase-file", type=Path, help=f"the new key's passphrase (or ${PASSPHRASE_ENV})"
    )

    p = command("serve", "run the central server", _serve)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default: {DEFAULT_PORT})")

    p = command("enroll", "make a one-time enrolment code for a kiosk", _enroll)
    p.add_argument("--event", required=True, help="the event the kiosk collects at")
    p.add_argument(
        "--valid-for", default="24h", type=_duration, help="e.g. 30m, 24h, 7d (default: 24h)"
    )
    p.add_argument(
        "--server-url",
        help="the address kiosks reach this server at (e.g. https://192.168.1.20:8443): prints "
        "an enrolment link with it and the campaign key's fingerprint, and shows it as a QR code",
    )

    p = command("revoke", "refuse any further batch from a device", _revoke)
    p.add_argument("device", metavar="DEVICE", help="the device id, as shown by status")

    p = command("import", "import batch files (e.g. from a USB stick)", _import)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")

    p = command("status", "what each kiosk has delivered, and gaps in its chain", _status)
    p.add_argument(
        "--silent-after",
        default="2h",
        type=_duration,
        help="flag a kiosk that has delivered nothing for this long, e.g. 30m, 2h (default: 2h)",
    )

    p = command("export", "decrypt, de-duplicate and write the signatures", _export)
    p.add_argument(
        "--format",
        choices=("csv", "json", "xlsx"),
        default="csv",
        dest="fmt",
        help="csv (default): UTF-8 CSV for a CRM or another program; xlsx: a spreadsheet to open "
        "in LibreOffice or Excel, every cell text (postcodes keep their leading zeros, nothing "
        "runs as a formula), needs --out; json: everything, drawn signatures included",
    )
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    p.add_argument("--key", type=Path, help="the campaign private key (default: in --data-dir)")
    p.add_argument(
        "--passphrase-file", type=Path, help=f"the key's passphrase (or ${PASSPHRASE_ENV})"
    )
    p.add_argument("--progress", action="store_true", help="show progress even when not a terminal")


def _disposing_engines(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Every database engine the command opened is disposed when it ends, however it ends. Its
    failures (CentralError, DatabaseError: KioskErrors) reach kiosk.cli.main as one line."""

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        args.engines = []
        try:
            return handler(args)
        finally:
            for engine in args.engines:
                engine.dispose()

    return run


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30m, 24h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _data_dir(args: argparse.Namespace) -> Path:
    from platformdirs import user_data_path

    from kiosk.files import datadir

    return datadir.prepare(args.data_dir or user_data_path(APP_NAME, appauthor=False))


def _engine(args: argparse.Namespace) -> Engine:
    from kiosk.central.db import default_url, open_database

    engine = open_database(args.database_url or default_url(_data_dir(args)))
    args.engines.append(engine)  # disposed when the command ends
    return engine


def _init(args: argparse.Namespace) -> int:
    from kiosk.central.campaign import create_campaign, find_campaign, issue_credential
    from kiosk.central.db import DATABASE_FILE
    from kiosk.crypto.campaign_key import CampaignPrivateKey
    from kiosk.files import keys
    from kiosk.petition.appeal import DEFAULT_APPEAL, load_appeal

    data_dir = _data_dir(args)
    # Nothing is created until every check has passed: a refused appeal or passphrase leaves
    # no database behind. A database that does not exist yet holds no campaign.
    if args.database_url is not None or (data_dir / DATABASE_FILE).exists():
        existing = find_campaign(_engine(args))
        if existing is not None:
            raise UsageError(
                f"this database already holds campaign {existing.key_fingerprint} for appeal "
                f"{existing.appeal_id!r}; nothing was changed"
            )
    if args.appeal is not None:
        load_appeal(args.appeal)  # the checks and their messages
        appeal_toml = args.appeal.read_text(encoding="utf-8")
    else:
        from importlib.resources import files

        appeal_toml = (
            files("kiosk.resources").joinpath("appeals", DEFAULT_APPEAL).read_text("utf-8")
        )
    passphrase = new_passphrase(args.passphrase_file)  # the same rules as `kiosk keygen`
    engine = args.engines[0] if args.engines else _engine(args)
    private = CampaignPrivateKey.generate()
    private_path, public_path = keys.write_key_pair(private, passphrase, data_dir)
    campaign = create_campaign(engine, private.public_key(), appeal_toml)
    credential = issue_credential(engine)
    print(
        f"Campaign {campaign.key_fingerprint} for appeal {campaign.appeal_id!r} "
        f"(version {campaign.appeal_version}).\n"
        f"  private key (passphrase-encrypted; back it up with its passphrase): {private_path}\n"
        f"  public key (kiosks receive it at enrolment):                       {public_path}\n"
        f"Coordinator credential, shown only now (for GET /api/v2/devices):\n  {credential}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kiosk.central.api import create_app
    from kiosk.central.campaign import get_campaign
    from kiosk.central.server import serve
    from kiosk.files import logs

    logs.setup(_data_dir(args))
    engine = _engine(args)
    campaign = get_campaign(engine)
    _check_port_free(args.host, args.port)
    if args.host in ("0.0.0.0", "::"):
        where = (
            f"on every address of this computer, port {args.port}; kiosks enrol with "
            f"--server http://<this computer's address>:{args.port}"
        )
    else:
        url = f"http://{args.host}:{args.port}"
        where = f"at {url}; kiosks enrol with: kiosk enroll CODE --server {url}"
    print(
        f"kiosk central: campaign {campaign.key_fingerprint}, appeal {campaign.appeal_id!r}, "
        f"{where}",
        file=sys.stderr,
    )
    try:
        serve(create_app(engine), host=args.host, port=args.port)
    except SystemExit as exc:  # uvicorn exits when it cannot start, having logged why
        if exc.code not in (0, None):
            raise UsageError(
                f"the central server did not start on {args.host}:{args.port} (see above)"
            ) from None
        raise
    return 0


def _check_port_free(host: str, port: int) -> None:
    """Say which port is taken (or not allowed) before the server starts, not after."""
    import errno
    import socket

    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror:
        raise UsageError(f"{host!r} is not an address this computer has; check --host") from None
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn does
        try:
            probe.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                raise UsageError(
                    f"the central server did not start: port {port} on {host} is taken by "
                    "another program. Stop that program, or choose another port with --port."
                ) from None
            if exc.errno == errno.EACCES:
                raise UsageError(
                    f"the central server did not start: this user may not listen on port "
                    f"{port} (ports below 1024 need administrator rights). Use --port 8080."
                ) from None
            if exc.errno == errno.EADDRNOTAVAIL:
                raise UsageError(
                    f"the central server did not start: {host} is not an address of this "
                    "computer; check --host"
                ) from None
            raise UsageError(
                f"the central server did not start on {host}:{port} ({exc.strerror or exc})"
            ) from None


def _enroll(args: argparse.Namespace) -> int:
    import segno

    from kiosk.central.campaign import get_campaign
    from kiosk.central.enrolment import issue_code
    from kiosk.protocol.enrolment_link import EnrolmentLink

    engine = _engine(args)
    issued = issue_code(engine, args.event, args.valid_for)
    print(
        f"Enrolment code for event {issued.event!r}, single use, valid until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC:\n\n    {issued.code}\n"
    )
    shown = issued.code
    if args.server_url:
        campaign = get_campaign(engine).key_fingerprint
        shown = EnrolmentLink(args.server_url.rstrip("/"), issued.code, campaign).to_text()
        print(f"Enrolment link (scan the QR code below, or paste it):\n\n    {shown}\n")
    segno.make(shown, error="m").terminal(out=sys.stdout, compact=True)
    return 0


def _revoke(args: argparse.Namespace) -> int:
    from kiosk.central.enrolment import revoke

    if revoke(_engine(args), args.device):
        print(f"Device {args.device} is revoked; its batches from now on are refused.")
    else:
        print(f"Device {args.device} was already revoked.")
    return 0


def _import(args: argparse.Namespace) -> int:
    from kiosk.central.errors import CentralError
    from kiosk.central.ingest import ingest
    from kiosk.files.reading import read_regular_file
    from kiosk.protocol.batch import MAX_ENVELOPE_BYTES

    engine = _engine(args)
    failed = 0
    for path in args.files:
        try:
            receipt, created = ingest(engine, read_regular_file(path, MAX_ENVELOPE_BYTES))
        except (UsageError, CentralError) as exc:
            failed += 1
            reason = str(exc)
            print(f"kiosk: {path}: not imported: {reason}", file=sys.stderr)
            continue
        state = "imported" if created else "already stored"
        print(
            f"{path}: {state}: batch {receipt.batch_id}, device {receipt.device_id} "
            f"#{receipt.seq}, {counted(receipt.record_count, 'signature')}"
        )
    if failed:
        print(
            f"kiosk: {failed} of {counted(len(args.files), 'file')} "
            f"{'was' if failed == 1 else 'were'} not imported",
            file=sys.stderr,
        )
        return 2
    return 0


def _status(args: argparse.Namespace) -> int:
    from kiosk.central.models import utcnow
    from kiosk.central.status import describe_ranges, device_status

    statuses = device_status(_engine(args))
    now = utcnow()
    if not statuses:
        print("No kiosk is enrolled yet: 'kiosk central enroll --event NAME' makes a code.")
        return 0
    print(f"{'DEVICE':36}  {'EVENT':20}  BATCHES  SIGNATURES  LAST RECEIVED (UTC)  STATE")
    for s in statuses:
        last = f"{s.last_received_at:%Y-%m-%d %H:%M}" if s.last_received_at else "never"
        silent = s.silent_since(now, args.silent_after)
        state = "revoked" if s.revoked else ("ok" if s.chain_ok else "CHAIN PROBLEM")
        state = "SILENT" if silent is not None and state == "ok" else state
        counts = f"{s.batches:>7}  {s.signatures:>10}"
        print(f"{s.device_id:36}  {s.event[:20]:20}  {counts}  {last:19}  {state}")
        if silent is not None:
            what = "delivered nothing since it enrolled" if s.batches == 0 else "delivered nothing"
            print(f"    {what}, since {silent:%Y-%m-%d %H:%M} UTC: is it on and online?")
        if s.missing:
            first = s.missing[0][0] == 1
            note = " (its first delivered batch is not number 1)" if first else ""
            print(f"    missing batches: {describe_ranges(s.missing)}{note}")
        if s.broken_links:
            numbers = ", ".join(str(n) for n in s.broken_links)
            print(
                f"    broken chain at batches: {numbers} (prev_hash differs from the stored batch)"
            )
    return 0


def _export(args: argparse.Namespace) -> int:
    from kiosk.central.campaign import get_campaign, require_own_key
    from kiosk.central.export import export, export_xlsx
    from kiosk.crypto.campaign_key import LockedCampaignKey
    from kiosk.files import keys

    if args.fmt == "xlsx" and args.out is None:
        raise UsageError("--format xlsx writes a file: add --out FILE.xlsx")
    data_dir = _data_dir(args)
    engine = _engine(args)
    key_path = args.key or data_dir / keys.PRIVATE_KEY_FILE
    try:
        key_pem = key_path.read_bytes()
    except OSError as exc:
        raise UsageError(
            f"cannot read the campaign private key {key_path} ({exc.strerror}); "
            "pass it with --key FILE"
        ) from None
    # A damaged file, a file of the wrong kind or another campaign's key is said so before
    # anyone types a passphrase; a KeyFileError reaches kiosk.cli.main.main as one line.
    locked = LockedCampaignKey.read(key_pem, str(key_path))
    require_own_key(get_campaign(engine), locked)
    passphrase = existing_passphrase(args.passphrase_file, key_path)
    key = locked.unlock(passphrase)
    progress = TextProgress(sys.stderr) if args.progress or sys.stderr.isatty() else None
    if args.fmt == "xlsx":
        with _private_file(args.out, binary=True) as book:
            result = export_xlsx(engine, key, book, progress)
    elif args.out is None:
        result = export(engine, key, args.fmt, sys.stdout, progress)
    else:
        with _private_file(args.out) as out:
            result = export(engine, key, args.fmt, out, progress)
    if progress is not None:
        progress.finish()
    where = f" to {args.out}" if args.out else ""
    print(
        f"kiosk: exported {counted(result.written, 'signature')}{where}; removed "
        f"{counted(result.duplicates_removed, 'duplicate')} (same e-mail address, the earliest "
        "kept)"
        + (
            f"; {counted(result.unreadable, 'record')} did not open and "
            f"{'was' if result.unreadable == 1 else 'were'} left out"
            if result.unreadable
            else ""
        ),
        file=sys.stderr,
    )
    return 0


@overload
def _private_file(path: Path, *, binary: Literal[True]) -> BinaryIO: ...
@overload
def _private_file(path: Path, *, binary: Literal[False] = False) -> TextIO: ...
def _private_file(path: Path, *, binary: bool = False) -> TextIO | BinaryIO:
    """The export holds personal data: readable by its owner only, written in place."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    except OSError as exc:
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None
    if binary:
        return open(fd, "wb")
    encoding = "utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8"
    return open(fd, "w", encoding=encoding, newline="")


class TextProgress:
    """A plain-text progress bar on a stream, redrawn at most ten times a second."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._last = 0.0
        self._drawn = False

    def __call__(self, done: int, total: int) -> None:
        now = time.monotonic()
        if done != total and now - self._last < 0.1:
            return
        self._last = now
        filled = self.WIDTH * done // max(total, 1)
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        self.stream.write(f"\rexport: [{bar}] {done}/{total} records")
        self.stream.flush()
        self._drawn = True

    def finish(self) -> None:
        if self._drawn:
            self.stream.write("\n")
            self.stream.flush()
