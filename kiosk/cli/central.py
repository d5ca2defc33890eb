"""`kiosk central ...`: the coordinator's commands (init, serve, enroll, revoke, import, status,
export, deliver; erase, retention, review and test-mode in kiosk.cli.central_review). Each is
a thin shell over the services that the HTTP API uses as well; heavy imports (FastAPI,
SQLAlchemy, uvicorn, WeasyPrint) happen inside the commands, so `kiosk run` does not pay for
them.

Every command takes --data-dir (default: the platform's user data directory "kiosk-central",
which holds the SQLite database and the server's TLS certificate) and --database-url (e.g.
postgresql+psycopg://user@host/db; default: SQLite in the data directory). The campaign private
key is not the server's: `init` writes it to the coordinator's directory (the platform's user
data directory "kiosk-coordinator", or $KIOSK_COORDINATOR_DIR, or --key-out), and `export`
reads it from there (or --key). Only `init` makes a database: every other command, finding no
campaign, says where it looked and makes nothing (no_campaign). For the demo's server data
(demo-central/ of a `kiosk demo` data directory) the coordinator's directory is the
demo-coordinator/ beside it.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import os
import re
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO, Literal, TextIO, overload

from kiosk.central.ratelimit import (
    DEFAULT_RECORDS_PER_HOUR,
    MAX_RECORDS_PER_HOUR,
    UPLOAD_SLOTS,
)
from kiosk.cli.options import add_data_dir, counted
from kiosk.cli.passphrase import PASSPHRASE_ENV, Passphrases, new_passphrase
from kiosk.cli.progress import add_progress_option
from kiosk.errors import KeyFileError, UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk.central.exclusions import Exclusions
    from kiosk.central.export import ExportResult, Opened
    from kiosk.central.keyring import Keyring
    from kiosk.central.tls import TlsFiles
    from kiosk.cli.progress import TextProgress
    from kiosk.crypto.device_key import DeviceKey

APP_NAME = "kiosk-central"
COORDINATOR_APP_NAME = "kiosk-coordinator"
COORDINATOR_DIR_ENV = "KIOSK_COORDINATOR_DIR"
DESCRIPTION = """\
The coordinator's commands: create the campaign (init), run the central server (serve), make
an enrolment code for a kiosk (enroll), refuse a lost kiosk (revoke) or let one move to
another campaign (release), take in batch files from a USB stick (import), see what each kiosk
has delivered (status), check every stored batch against its kiosk's signature (audit),
export the signatures (export: CSV, XLSX, JSON, OSDI, Mailchimp) and
make the delivery pack for the target (deliver); afterwards, honour an erasure request (erase),
delete what the retention policy says (retention), mark signatures valid, invalid or test and
run the heuristics (review), and keep a test kiosk or event out of every count (test-mode);
add a named account for the web console (user); list, rotate or destroy the campaign's keys
(key).

Every command takes --data-dir (default: the platform's user data directory "kiosk-central",
which holds the SQLite database and the server's TLS certificate) and --database-url (e.g.
postgresql+psycopg://user@host/db; default: SQLite in the data directory). The campaign private
keys are not the server's: init writes them to the coordinator's directory ($KIOSK_COORDINATOR_DIR,
else "kiosk-coordinator" in the user data directory, or --key-out; the demo's is demo-coordinator/
beside demo-central/), and the commands that open records use every key file there (or --key).
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
        p.set_defaults(handler=_disposing_engines(handler), central_command=name)
        return p

    p = command("init", "create the campaign: key pair, appeal, coordinator credential", _init)
    p.add_argument("--appeal", type=Path, help="the appeal file (default: the bundled appeal)")
    p.add_argument(
        "--passphrase-file", type=Path, help=f"the new key's passphrase (or ${PASSPHRASE_ENV})"
    )
    p.add_argument(
        "--key-out",
        type=Path,
        help="the directory for the campaign key pair, on the coordinator's machine, not the "
        f"server's (default: ${COORDINATOR_DIR_ENV} or the user data directory "
        f"{COORDINATOR_APP_NAME!r})",
    )
    p.add_argument(
        "--records-per-hour",
        type=int,
        default=DEFAULT_RECORDS_PER_HOUR,
        metavar="N",
        help="how many signatures one kiosk may deliver per hour; more waits for the next "
        f"hour's allowance (default: {DEFAULT_RECORDS_PER_HOUR})",
    )
    retention_options(p)

    p = command("serve", "run the central server (HTTPS)", _serve)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback)")
    p.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"(default: {DEFAULT_PORT})")
    _tls_options(p)
    p.add_argument(
        "--insecure-http",
        action="store_true",
        help="serve plain HTTP (only behind a reverse proxy that serves HTTPS on this machine)",
    )
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        help="server processes (PostgreSQL only; on SQLite one process queues the writes)",
    )
    p.add_argument(
        "--max-uploads",
        type=int,
        default=UPLOAD_SLOTS,
        help="uploads each process reads and stores at once; more are told to come back "
        f"(HTTP 503 with Retry-After) before their body is sent (default: {UPLOAD_SLOTS})",
    )

    p = command("enroll", "make a one-time enrolment code for a kiosk", _enroll)
    p.add_argument("--event", required=True, help="the event the kiosk collects at")
    p.add_argument(
        "--valid-for", default="24h", type=_duration, help="e.g. 30m, 24h, 7d (default: 24h)"
    )
    p.add_argument(
        "--server-url",
        help="the address kiosks reach this server at (e.g. https://192.168.1.20:8443): prints "
        "an enrolment link with it, the campaign key's fingerprint and the server "
        "certificate's, and shows it as a QR code",
    )
    p.add_argument(
        "--tls-cert",
        type=Path,
        help="the certificate `serve --tls-cert` serves, to pin in the link (default: the "
        "self-signed one in --data-dir)",
    )
    p.add_argument(
        "--no-tls-pin",
        action="store_true",
        help="no certificate in the link: kiosks verify the server's domain certificate with "
        "the authorities they trust (a server behind Caddy or nginx)",
    )

    p = command("revoke", "refuse any further batch from a device", _revoke)
    p.add_argument("device", metavar="DEVICE", help="the device id, as shown by status")

    p = command(
        "release",
        "let a kiosk move to another campaign: revoke it here and print its signed release",
        _release,
    )
    p.add_argument("device", metavar="DEVICE", help="the device id, as shown by status")

    p = command("import", "import batch files (e.g. from a USB stick)", _import)
    p.add_argument("files", nargs="+", type=Path, metavar="FILE")
    add_progress_option(p)

    p = command(
        "audit",
        "check every stored batch against its kiosk's signature: rebuilt byte for byte, as "
        "the kiosk signed it",
        _audit,
    )
    add_progress_option(p)

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
        choices=("csv", "json", "xlsx", "osdi", "mailchimp"),
        default="csv",
        dest="fmt",
        help="csv (default): UTF-8 CSV for a CRM or another program; xlsx: a spreadsheet to open "
        "in LibreOffice or Excel, every cell text (postcodes keep their leading zeros, nothing "
        "runs as a formula), needs --out; json: everything, drawn signatures included; osdi: "
        "OSDI / Action Network signatures (JSON); mailchimp: a Mailchimp audience CSV of the "
        "signers who opted in to updates",
    )
    p.add_argument("--out", type=Path, help="output file (default: standard output)")
    p.add_argument(
        "--signatures",
        type=Path,
        metavar="DIR",
        help="also write each drawn signature as DIR/<record id>.svg and .png",
    )
    key_options(p)
    p.add_argument(
        "--include-invalid",
        action="store_true",
        help="also export the signatures marked invalid or test in review, and those of kiosks "
        "and events in test mode (the review column says which)",
    )

    p = command(
        "deliver",
        "make the delivery pack for the target (PDF and signed manifest), or --verify one",
        _deliver,
    )
    p.add_argument("--out", type=Path, help="the pack to write, e.g. pack.pdf")
    p.add_argument("--verify", type=Path, metavar="PACK", help="check PACK against its manifest")
    p.add_argument(
        "--manifest", type=Path, help="with --verify: the manifest (default: PACK.manifest.json)"
    )
    p.add_argument(
        "--expect-key",
        metavar="FINGERPRINT",
        help="with --verify: the coordinator signing key's fingerprint as the campaign "
        "published it; refuse a pack signed by another (default: the campaign's coordinator "
        "key, from the database in --data-dir or --database-url)",
    )
    key_options(p)

    from kiosk.central.console.cli import register_user
    from kiosk.cli.central_review import register_review
    from kiosk.cli.keys import register_keys

    register_review(command, key_options)
    register_user(command, _engine)
    register_keys(command, _engine, _coordinator_dir)  # with the command's args: the demo's


def retention_options(p: argparse.ArgumentParser) -> None:
    from kiosk.central.policy import DEFAULT_MONTHS_AFTER_COLLECTION, DEFAULT_MONTHS_AFTER_DELIVERY

    p.add_argument(
        "--keep-after-collection",
        type=int,
        default=DEFAULT_MONTHS_AFTER_COLLECTION,
        metavar="MONTHS",
        help="the server deletes each signature's ciphertext this many months after it was "
        f"collected (default: {DEFAULT_MONTHS_AFTER_COLLECTION}, the ECI rule)",
    )
    p.add_argument(
        "--keep-after-delivery",
        type=int,
        default=DEFAULT_MONTHS_AFTER_DELIVERY,
        metavar="MONTHS",
        help="or this many months after the delivery to the target, whichever comes first "
        f"(default: {DEFAULT_MONTHS_AFTER_DELIVERY}); 'retention --delivered DATE' records it",
    )


def key_options(p: argparse.ArgumentParser) -> None:
    """The options of a command that opens records: the keys, their passphrase, the ledger."""
    p.add_argument(
        "--key",
        type=Path,
        action="append",
        help="a campaign private key file; give it once per key of the keyset (default: every "
        f"campaign-private*.pem in ${COORDINATOR_DIR_ENV} or the user data directory "
        f"{COORDINATOR_APP_NAME!r})",
    )
    p.add_argument(
        "--passphrase-file",
        type=Path,
        action="append",
        help=f"a file with the keys' passphrase (or ${PASSPHRASE_ENV}); give it again for "
        "keys under other passphrases: each is tried on every key file, and at a terminal a "
        "key none of them opens is asked for by its id",
    )
    p.add_argument(
        "--ledger",
        type=Path,
        help="the erasure ledger (default: erasure-ledger.json next to the default key, in "
        f"${COORDINATOR_DIR_ENV} or the user data directory {COORDINATOR_APP_NAME!r})",
    )
    add_progress_option(p)
    p.add_argument(
        "--workers",
        type=int,
        default=os.cpu_count() or 1,
        metavar="N",
        help="processes that open the records, each its own share (default: one per core)",
    )


def _disposing_engines(
    handler: Callable[[argparse.Namespace], int],
) -> Callable[[argparse.Namespace], int]:
    """Every database engine the command opened is disposed when it ends, however it ends. Its
    failures (CentralError, DatabaseError: KioskErrors) reach kiosk.cli.main as one line; "no
    campaign" says where the command looked (no_campaign)."""

    from kiosk.central.errors import NoCampaign

    @functools.wraps(handler)
    def run(args: argparse.Namespace) -> int:
        args.engines = []
        try:
            return handler(args)
        except NoCampaign as exc:  # a database without a campaign: where, and what to do
            raise NoCampaign(no_campaign(args)) from exc
        finally:
            for engine in args.engines:
                engine.dispose()

    return run


def _duration(text: str) -> timedelta:
    match = _DURATION.match(text.strip())
    if not match:
        raise argparse.ArgumentTypeError(f"{text!r} is not a duration like 30m, 24h or 7d")
    return timedelta(**{_UNITS[match.group(2)]: int(match.group(1))})


def _tls_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--tls-cert",
        type=Path,
        help="a certificate the campaign already has, PEM (default: the self-signed one "
        "`init` made in --data-dir)",
    )
    p.add_argument("--tls-key", type=Path, help="the private key of --tls-cert, PEM")


def _coordinator_dir(args: argparse.Namespace | None = None) -> Path:
    """The coordinator's directory: $KIOSK_COORDINATOR_DIR when it is set, else the demo's own
    (demo-coordinator/ beside demo-central/) for the demo's server data, else the user data
    directory's."""
    from platformdirs import user_data_path

    chosen = os.environ.get(COORDINATOR_DIR_ENV)
    if chosen:
        return Path(chosen)
    demo = _demo_coordinator_dir(args) if args is not None else None
    return demo if demo is not None else user_data_path(COORDINATOR_APP_NAME, appauthor=False)


def _demo_coordinator_dir(args: argparse.Namespace) -> Path | None:
    """demo-coordinator/ of a `kiosk demo` data directory whose demo-central/ is --data-dir."""
    from kiosk.cli.launch import DEMO_CENTRAL_DIR
    from kiosk.files.keys import DEMO_DIR

    given_dir = getattr(args, "data_dir", None)
    if given_dir is None or getattr(args, "database_url", None) is not None:
        return None
    given = Path(given_dir).expanduser()
    demo = given.parent / DEMO_DIR
    return demo if given.name == DEMO_CENTRAL_DIR and demo.is_dir() else None


def _server_dir(args: argparse.Namespace) -> Path:
    """--data-dir, or the default one; not created (see _data_dir)."""
    from platformdirs import user_data_path

    return Path(args.data_dir or user_data_path(APP_NAME, appauthor=False)).expanduser()


def _data_dir(args: argparse.Namespace) -> Path:
    from kiosk.files import datadir

    return datadir.prepare(_server_dir(args))


def no_campaign(args: argparse.Namespace) -> str:
    """Where the command looked for a campaign and found none, and what to do: init there, or
    point the command at the campaign's server data (the demo's, for one)."""
    if args.database_url is not None:
        return (
            "no campaign in the database at --database-url: run 'kiosk central init "
            "--database-url URL' for it, or give the --database-url of the campaign's server"
        )
    where = _server_dir(args)
    init = "kiosk central init" + (f" --data-dir {where}" if args.data_dir else "")
    return (
        f"no campaign at {where}: run '{init}' there, or give --data-dir of the campaign's "
        f"server (the demo's is {_demo_central()})"
    )


def _demo_central() -> Path:
    """The demo's central server data, where `kiosk demo` (make run) puts it by default."""
    from kiosk.cli.launch import DEMO_CENTRAL_DIR
    from kiosk.settings import default_data_dir

    return default_data_dir(demo=True) / DEMO_CENTRAL_DIR


def _engine(args: argparse.Namespace, *, create: bool = False) -> Engine:
    """The command's database. Only `init` (`create`) makes one: every other command refuses
    where there is none, and makes neither a database nor a directory to find out, and refuses
    a database that holds no campaign (not an empty all-clear)."""
    from kiosk.central.campaign import get_campaign
    from kiosk.central.db import DATABASE_FILE, default_url, open_database
    from kiosk.central.errors import NoCampaign

    missing = args.database_url is None and not (_server_dir(args) / DATABASE_FILE).is_file()
    if missing and not create:
        raise NoCampaign(no_campaign(args))
    engine = open_database(args.database_url or default_url(_data_dir(args)))
    args.engines.append(engine)  # disposed when the command ends
    if not create:
        get_campaign(engine)  # NoCampaign, said with where it looked (_disposing_engines)
    return engine


def _init(args: argparse.Namespace) -> int:
    from kiosk.central.campaign import create_campaign, find_campaign, issue_credential
    from kiosk.central.db import DATABASE_FILE
    from kiosk.central.keyring import write_coordinator_key
    from kiosk.central.models import utcnow
    from kiosk.central.policy import check_months
    from kiosk.central.retention import policy, set_policy
    from kiosk.central.rotation import first_keyset
    from kiosk.central.tls import ensure_self_signed
    from kiosk.crypto.campaign_key import CampaignPrivateKey
    from kiosk.crypto.coordinator_key import coordinator_fingerprint
    from kiosk.crypto.device_key import DeviceKey
    from kiosk.files import keys
    from kiosk.files.recovery_sheet import write_sheet
    from kiosk.petition.appeal import DEFAULT_APPEAL, load_appeal

    if not 1 <= args.records_per_hour <= MAX_RECORDS_PER_HOUR:
        raise UsageError(
            f"--records-per-hour must be 1 to {MAX_RECORDS_PER_HOUR}, not {args.records_per_hour}"
        )
    check_months(args.keep_after_collection, "--keep-after-collection")
    check_months(args.keep_after_delivery, "--keep-after-delivery")
    data_dir = _data_dir(args)
    # Nothing is created until every check has passed: a refused appeal or passphrase leaves
    # no database behind. A database that does not exist yet holds no campaign.
    if args.database_url is not None or (data_dir / DATABASE_FILE).exists():
        existing = find_campaign(_engine(args, create=True))
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
    key_dir = (args.key_out or _coordinator_dir()).expanduser()
    if key_dir.resolve() == data_dir.resolve():
        raise UsageError(
            f"--key-out {key_dir} is the server's data directory: the campaign private key "
            "belongs on the coordinator's machine, apart from the server. Choose another one."
        )
    passphrase = new_passphrase(args.passphrase_file)  # the same rules as `kiosk keygen`
    engine = args.engines[0] if args.engines else _engine(args, create=True)
    private = CampaignPrivateKey.generate()
    private_path, public_path = keys.write_key_pair(private, passphrase, key_dir)
    try:
        keys.check_written_key(private_path, passphrase, private.public_key())
    except KeyFileError:
        private_path.unlink(missing_ok=True)
        public_path.unlink(missing_ok=True)
        raise
    sheet = write_sheet(
        private_path.read_bytes(), private.public_key().fingerprint, utcnow(), key_dir
    )
    signing = DeviceKey.generate()  # signs the keyset kiosks follow (kiosk.central.rotation)
    signing_path = write_coordinator_key(signing, passphrase, key_dir)
    campaign = create_campaign(
        engine,
        private.public_key(),
        appeal_toml,
        records_per_hour=args.records_per_hour,
        coordinator_key=signing.public_bytes,
    )
    first_keyset(engine, signing, private.public_key())
    set_policy(engine, args.keep_after_collection, args.keep_after_delivery)
    credential = issue_credential(engine)
    tls, _made = ensure_self_signed(data_dir)
    print(
        f"Campaign {campaign.key_fingerprint} for appeal {campaign.appeal_id!r} "
        f"(version {campaign.appeal_version}), up to {campaign.records_per_hour} signatures "
        "per kiosk and hour.\n"
        f"  private key (passphrase-encrypted; back it up with its passphrase, and keep it off\n"
        f"  the server: export, deliver, erase and review open records with it): {private_path}\n"
        f"  public key (kiosks receive it at enrolment):                       {public_path}\n"
        f"  recovery sheet (print it, keep it apart; the passphrase is not on it): {sheet}\n"
        f"  coordinator signing key (same passphrase; kiosks pin it, and follow only the\n"
        f"  key changes it signs: 'kiosk central key rotate'):                 {signing_path}\n"
        f"    fingerprint {coordinator_fingerprint(signing.public_bytes)}\n"
        f"  the key was read back from disk and opened a test record.\n"
        f"  retention: {policy(engine).describe()}\n"
        f"  the server's TLS certificate (self-signed; kiosks pin its key):    {tls.cert}\n"
        f"    key fingerprint {tls.pin()}\n"
        f"Coordinator credential, shown only now (for GET /api/v2/devices):\n  {credential}"
    )
    return 0


def _serve(args: argparse.Namespace) -> int:
    from kiosk.central.api import create_app
    from kiosk.central.campaign import get_campaign
    from kiosk.central.retention import RetentionSchedule
    from kiosk.central.server import serve, serve_workers
    from kiosk.files import logs
    from kiosk.sync.pinning import is_loopback

    engine = _engine(args)  # before anything is written to a data directory without a campaign
    campaign = get_campaign(engine)
    data_dir = _data_dir(args)
    logs.setup(data_dir)
    if args.workers < 1:
        raise UsageError("--workers is a number of processes, 1 or more")
    if args.max_uploads < 1:
        raise UsageError("--max-uploads is a number of uploads at once, 1 or more")
    if args.workers > 1 and engine.dialect.name == "sqlite":
        raise UsageError(
            "SQLite takes one writer at a time, so --workers above 1 would only make the "
            "processes wait for each other: run one (it queues uploads in order), or use "
            "PostgreSQL with --database-url for several"
        )
    _check_port_free(args.host, args.port)
    tls = None if args.insecure_http else _serving_tls(args, data_dir)
    if tls is None:
        where = f"http://{args.host}:{args.port}"
        if not is_loopback(args.host):
            print(
                "kiosk central: WARNING: plain HTTP on a network address. Anyone on the network "
                "sees which kiosks send when, and kiosks refuse plain http:// off their own "
                "machine: use this only behind a reverse proxy on this machine that serves "
                "HTTPS (docs/deployment.md).",
                file=sys.stderr,
            )
    else:
        where = f"https://{args.host}:{args.port}"
    pin = tls.pin() if tls is not None else None
    print(
        f"kiosk central: campaign {campaign.key_fingerprint}, appeal {campaign.appeal_id!r}, "
        f"serving on {where}" + (f" (certificate key {pin})" if pin else ""),
        file=sys.stderr,
    )
    # Retention runs in this process (the workers' parent), once an hour.
    schedule = RetentionSchedule(engine).start()
    try:
        if args.workers > 1:
            url = engine.url.render_as_string(hide_password=False)
            engine.dispose()  # each worker opens its own pool; the schedule opens a new one
            serve_workers(
                url,
                args.workers,
                host=args.host,
                port=args.port,
                tls=tls,
                tls_pin=pin,
                max_uploads=args.max_uploads,
            )
            return 0
        app = create_app(engine, tls_pin=pin, max_uploads=args.max_uploads)
        serve(app, host=args.host, port=args.port, tls=tls)
    except SystemExit as exc:  # uvicorn exits when it cannot start, having logged why
        if exc.code not in (0, None):
            raise UsageError(
                f"the central server did not start on {args.host}:{args.port} (see above)"
            ) from None
        raise
    finally:
        schedule.stop()
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


def _serving_tls(args: argparse.Namespace, data_dir: Path) -> TlsFiles:
    from kiosk.central.tls import TlsFiles, certificate_pin, ensure_self_signed

    if (args.tls_cert is None) != (args.tls_key is None):
        raise UsageError("give both --tls-cert and --tls-key, or neither (the self-signed one)")
    if args.tls_cert is not None:
        certificate_pin(args.tls_cert)  # a readable PEM certificate, or one line saying why
        return TlsFiles(args.tls_cert, args.tls_key)
    tls, made = ensure_self_signed(data_dir)
    if made:
        print(f"kiosk central: made a self-signed certificate, {tls.cert}", file=sys.stderr)
    return tls


def _enroll(args: argparse.Namespace) -> int:
    import segno

    from kiosk.central.enrolment import enrolment_link, issue_code

    engine = _engine(args)
    server_url = args.server_url.rstrip("/") if args.server_url else None
    pin = _link_pin(args, server_url) if server_url else None  # before a code is spent
    issued = issue_code(engine, args.event, args.valid_for)
    print(
        f"Enrolment code for event {issued.event!r}, single use, valid until "
        f"{issued.expires_at:%Y-%m-%d %H:%M} UTC:\n\n    {issued.code}\n"
    )
    shown = issued.code
    if server_url:
        shown = enrolment_link(engine, server_url, issued.code, pin)
        print(f"Enrolment link (scan the QR code below, or paste it):\n\n    {shown}\n")
    segno.make(shown, error="m").terminal(out=sys.stdout, compact=True)
    return 0


def _link_pin(args: argparse.Namespace, server_url: str) -> str | None:
    """The certificate key the link pins: the one this server serves HTTPS with."""
    from kiosk.central.tls import certificate_pin, ensure_self_signed
    from kiosk.crypto.tls_pin import link_pin
    from kiosk.sync.pinning import address_refusal

    refusal = address_refusal(server_url)
    if refusal is not None:
        raise UsageError(f"--server-url {server_url}: kiosks would refuse it. {refusal}")
    if not server_url.startswith("https://") or args.no_tls_pin:
        return None
    if args.tls_cert is not None:
        return link_pin(certificate_pin(args.tls_cert))
    return link_pin(ensure_self_signed(_data_dir(args))[0].pin())  # the one `serve` serves


def _revoke(args: argparse.Namespace) -> int:
    from kiosk.central.enrolment import revoke

    if revoke(_engine(args), args.device):
        print(f"Device {args.device} is revoked; its batches from now on are refused.")
    else:
        print(f"Device {args.device} was already revoked.")
    return 0


def _release(args: argparse.Namespace) -> int:
    import segno

    from kiosk.central.enrolment import release

    token = release(_engine(args), args.device)
    print(
        f"Device {args.device} is revoked here, and released: with this release it can enrol "
        "with another campaign (a volunteer pastes or scans it on the kiosk's enrolment page, "
        "or runs 'kiosk enroll LINK --release RELEASE'):\n\n"
        f"    {token}\n"
    )
    segno.make(token, error="m").terminal(out=sys.stdout, compact=True)
    return 0


def _import(args: argparse.Namespace) -> int:
    from kiosk.central.errors import CentralError
    from kiosk.central.imports import import_envelope
    from kiosk.files.reading import read_regular_file
    from kiosk.protocol.batch import MAX_ENVELOPE_BYTES

    engine = _engine(args)
    progress = _progress(args, "import", "files")

    def say(text: str, stream: TextIO = sys.stdout) -> None:
        if progress is None:
            print(text, file=stream)
        else:
            progress.note(text, stream)

    failed = 0
    for done, path in enumerate(args.files, 1):
        try:
            imported = import_envelope(engine, read_regular_file(path, MAX_ENVELOPE_BYTES))
        except (UsageError, CentralError) as exc:
            failed += 1
            say(f"kiosk: {path}: not imported: {exc}", sys.stderr)
        else:
            receipt = imported.receipt
            state = "imported" if imported.created else "already stored"
            if imported.salvage:
                say(
                    f"{path}: {state}: salvage batch {receipt.batch_id}, device "
                    f"{receipt.device_id}, {receipt.record_count} signatures read back from a "
                    f"damaged vault, {imported.new_records} of them new here"
                )
            else:
                say(
                    f"{path}: {state}: batch {receipt.batch_id}, device {receipt.device_id} "
                    f"#{receipt.seq}, {counted(receipt.record_count, 'signature')}"
                )
        if progress is not None:
            progress(done, len(args.files))
    if progress is not None:
        progress.finish()
    if failed:
        print(
            f"kiosk: {failed} of {counted(len(args.files), 'file')} "
            f"{'was' if failed == 1 else 'were'} not imported",
            file=sys.stderr,
        )
        return 2
    return 0


def _audit(args: argparse.Namespace) -> int:
    from kiosk.central.audit import audit

    progress = _progress(args, "audit", "batches")
    report = audit(_engine(args), progress)
    if progress is not None:
        progress.finish()
    print(
        f"audit: {counted(report.batches, 'stored batch', 'stored batches')}; "
        f"{report.verified} rebuilt byte for byte, each signed by its kiosk"
    )
    if report.incomplete:
        deleted = report.deleted
        print(
            f"{counted(len(report.incomplete), 'batch', 'batches')} held signatures deleted "
            f"since ({deleted['erased']} erased at a supporter's request, "
            f"{deleted['retention']} past retention): their envelopes cannot be rebuilt, so "
            "their kiosks' signatures cannot be checked again. This is expected after an "
            "erasure or a retention deletion (the server keeps the deleted ids), not a sign "
            "of tampering:"
        )
        for batch in report.incomplete:
            print(f"  {batch.describe()}")
    if report.altered:
        one = len(report.altered) == 1
        print(
            f"ALTERED: {counted(len(report.altered), 'batch', 'batches')} no longer "
            + (
                "reads back as its kiosk signed it, with no erasure or retention to explain it; "
                "restore it from a backup of the server, or import the kiosk's batch file again:"
                if one
                else "read back as their kiosks signed them, with no erasure or retention to "
                "explain it; restore them from a backup of the server, or import the kiosks' "
                "batch files again:"
            )
        )
        for bad in report.altered:
            print(f"  batch {bad.batch_id} of device {bad.device_id} (#{bad.seq}): {bad.why}")
        return 1
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
        event = s.event if s.event_now is None else s.event_now
        print(f"{s.device_id:36}  {event[:20]:20}  {counts}  {last:19}  {state}")
        if s.event_now is not None and s.event_now != s.event and s.event_seen_at is not None:
            now_under = f"'{s.event_now}'" if s.event_now else "no event name"
            seen = f"{s.event_seen_at:%Y-%m-%d %H:%M}"
            said = f"collects under {now_under} (its heartbeat at {seen} UTC)"
            print(f"    {said}; enrolled for '{s.event}'")
        if s.test_mode:
            print("    TEST MODE: its signatures do not count (kiosk central test-mode --off)")
        for name in s.test_events:
            print(f"    event '{name}' is in test mode: what it collected there does not count")
        if silent is not None:
            what = "delivered nothing since it enrolled" if s.batches == 0 else "delivered nothing"
            print(f"    {what}, since {silent:%Y-%m-%d %H:%M} UTC: is it on and online?")
        if s.missing:
            first = s.missing[0][0] == 1
            note = " (its first delivered batch is not number 1)" if first else ""
            print(f"    missing batches: {describe_ranges(s.missing)}{note}")
        if s.salvage_batches:
            files = "file" if s.salvage_batches == 1 else "files"
            print(
                f"    salvaged: {s.salvaged} signatures only a salvage brought in, from "
                f"{s.salvage_batches} salvage batch {files} of a damaged vault"
            )
        if s.broken_links:
            numbers = ", ".join(str(n) for n in s.broken_links)
            print(
                f"    broken chain at batches: {numbers} (prev_hash differs from the stored batch)"
            )
    return 0


def _keyring(args: argparse.Namespace, engine: Engine) -> tuple[Keyring, list[str]]:
    """The keys given (--key, or every key file in the coordinator's directory), unlocked,
    and notes about them. Every file is checked (damaged, the wrong kind, another campaign's)
    before anyone types a passphrase; a KeyFileError reaches kiosk.cli.main.main as one line."""
    from kiosk.cli.keys import open_keyring

    return open_keyring(engine, args.key or _default_keys(args), passphrases(args))


def key_dir(args: argparse.Namespace) -> Path:
    """The coordinator's directory: that of the first --key, else the default one (the demo's
    for the demo's server data)."""
    return args.key[0].parent if args.key else _coordinator_dir(args)


def signing_key(args: argparse.Namespace) -> DeviceKey:
    """The coordinator signing key in the coordinator's directory, opened with the command's
    passphrases (kiosk.central.keyring)."""
    from kiosk.central.keyring import COORDINATOR_KEY_FILE, load_coordinator_key

    if getattr(args, "signing_key", None) is None:  # opened once per command
        where = key_dir(args)
        args.signing_key = passphrases(args).open(
            "the coordinator signing key",
            str(where / COORDINATOR_KEY_FILE),
            lambda passphrase: load_coordinator_key(where, passphrase),
        )
    key: DeviceKey = args.signing_key
    return key


def passphrases(args: argparse.Namespace) -> Passphrases:
    """The command's passphrases, one set for every key it opens (kiosk.cli.passphrase)."""
    if getattr(args, "passphrases", None) is None:
        args.passphrases = Passphrases(args.passphrase_file)
    known: Passphrases = args.passphrases
    return known


def _progress(args: argparse.Namespace, what: str, unit: str = "records") -> TextProgress | None:
    from kiosk.cli.progress import progress_for

    return progress_for(args, what, unit)


def _export(args: argparse.Namespace) -> int:
    from kiosk.central import crm
    from kiosk.central.export import (
        csv_line,
        open_all,
        open_shaped,
        write_csv,
        write_csv_lines,
        write_json,
        write_xlsx,
    )

    if args.fmt == "xlsx" and args.out is None:
        raise UsageError("--format xlsx writes a file: add --out FILE.xlsx")
    from kiosk.cli.keys import describe_unopened

    if args.signatures:
        from kiosk.central.drawn import require_png

        require_png()  # before the passphrase
    engine = _engine(args)
    key, notes = _keyring(args, engine)
    exclusions = _exclusions(args, engine, key)
    progress = _progress(args, "export")
    rows: list[Opened] = []
    lines: list[str] | None = None
    if args.fmt == "csv" and not args.signatures:  # each line made where its record is opened
        lines, result = open_shaped(
            engine, key, csv_line, progress, exclusions, workers=args.workers
        )
    else:
        rows, result = open_all(engine, key, progress, exclusions, workers=args.workers)
    if progress is not None:
        progress.finish()
    for line in [*notes, *describe_unopened(result)]:
        print(line, file=sys.stderr)
    listed: crm.ListResult | None = None
    if args.fmt == "xlsx":
        with _private_file(args.out, binary=True) as book:
            write_xlsx(rows, book)
    else:
        with _private_file(args.out) if args.out else contextlib.nullcontext(sys.stdout) as out:
            if lines is not None:
                write_csv_lines(lines, out)
            elif args.fmt == "csv":
                write_csv(rows, out)
            elif args.fmt == "json":
                write_json(rows, result, out)
            elif args.fmt == "osdi":
                crm.write_osdi(rows, out)
            else:
                listed = crm.write_mailchimp(rows, out)
    drawn = _write_signatures(rows, args.signatures) if args.signatures else None
    where = f" to {args.out}" if args.out else ""
    written = listed.written if listed is not None else result.written
    print(
        f"kiosk: exported {counted(written, 'signature')}{where}; removed "
        f"{counted(result.duplicates_removed, 'duplicate')} (same e-mail address, the earliest "
        "kept)"
        + (
            f"; {counted(result.unreadable, 'record')} did not open and "
            f"{'was' if result.unreadable == 1 else 'were'} left out"
            if result.unreadable
            else ""
        )
        + left_out_note(result),
        file=sys.stderr,
    )
    if listed is not None:
        print(
            f"kiosk: a mailing list holds only signers who opted in to updates: left out "
            f"{counted(listed.without_consent, 'signer')} who did not opt in"
            + (
                f" and {counted(listed.without_email, 'signer')} who opted in without an "
                "e-mail address"
                if listed.without_email
                else ""
            ),
            file=sys.stderr,
        )
    if drawn is not None:
        print(
            f"kiosk: wrote {counted(drawn, 'drawn signature')} as SVG and PNG to {args.signatures}",
            file=sys.stderr,
        )
    return 0


def _exclusions(args: argparse.Namespace, engine: Engine, key: Keyring) -> Exclusions:
    from kiosk.central.exclusions import load_exclusions
    from kiosk.cli.central_review import coordinator_ledger

    ledger = coordinator_ledger(args, engine, key, must_exist_if_erased=True)
    return load_exclusions(engine, ledger, include_invalid=getattr(args, "include_invalid", False))


def left_out_note(result: ExportResult) -> str:
    parts = [
        f"{counted(result.erased, 'erased signature')}",
        f"{counted(result.invalid, 'signature')} marked invalid",
        f"{counted(result.test, 'test signature')}",
    ]
    shown = [
        p for p, n in zip(parts, (result.erased, result.invalid, result.test), strict=True) if n
    ]
    return f"; left out {', '.join(shown)}" if shown else ""


def _write_signatures(rows: list[Opened], directory: Path) -> int:
    from kiosk.central.drawn import drawable, write_signatures

    drawings = [
        (o.record.device_id, o.record.signature_id, o.record.drawing)
        for o in rows
        if o.record.drawing is not None and drawable(o.record.drawing)
    ]
    return len(write_signatures(drawings, directory))


def _deliver(args: argparse.Namespace) -> int:
    from kiosk.central import deliver
    from kiosk.central.errors import DeliveryError

    if args.verify is not None:
        checked = deliver.verify(
            args.verify,
            args.manifest,
            trusted_key=None
            if args.expect_key
            else functools.partial(_campaign_coordinator_key, args),
            expected_fingerprint=args.expect_key,
        )
        print(
            f"kiosk: {args.verify} verifies: {counted(checked.signatures, 'signature')} for "
            f"appeal {checked.appeal_id}, made {checked.made_at}, signed by the campaign's "
            f"coordinator key {checked.coordinator_fingerprint}"
        )
        return 0
    if args.out is None:
        raise UsageError("deliver writes a PDF: add --out FILE.pdf (or --verify FILE.pdf)")
    from kiosk.central.campaign import get_campaign
    from kiosk.central.export import open_all
    from kiosk.clock import utc_now
    from kiosk.petition.appeal import parse_appeal

    deliver.require_layout()  # before the passphrase: nothing to type for a pack not made here
    engine = _engine(args)
    campaign = get_campaign(engine)
    if campaign.coordinator_key is None:
        raise DeliveryError(
            "this campaign was made before coordinator signing keys, so nothing can sign its "
            "delivery manifest; nothing was written. Its signatures can still be exported "
            "('kiosk central export --out FILE'); demo data made by an older 'kiosk demo' is "
            "replaced by moving the demo's data directory away and starting 'kiosk demo' again"
        )
    key, notes = _keyring(args, engine)
    for line in notes:
        print(line, file=sys.stderr)
    if key.not_given:
        ids = ", ".join(str(k.id) for k in key.not_given)
        raise DeliveryError(
            f"the pack would leave out the signatures sealed to key {ids} (above) and still "
            "state its total as the whole count; nothing was written. Give every key file, or, "
            f"if a key is lost for good, destroy it first ('kiosk central key destroy ID')"
        )
    # The manifest is signed by the coordinator signing key, the one kiosks pinned at
    # enrolment and the server keeps the public half of (docs/crypto.md).
    signing = signing_key(args)
    if signing.public_bytes != campaign.coordinator_key:
        raise DeliveryError(
            f"the coordinator signing key in {key_dir(args)} is not this campaign's: pass the "
            "directory that holds this campaign's keys (--key FILE in it)"
        )
    exclusions = _exclusions(args, engine, key)  # the pack leaves out what the export does
    progress = _progress(args, "deliver: opening")
    rows, result = open_all(engine, key, progress, exclusions, workers=args.workers)
    if progress is not None:
        progress.finish()
    layout = _progress(args, "deliver: laying out")
    pack = deliver.write_pack(
        parse_appeal(campaign.appeal_toml.encode("utf-8"), "the campaign's appeal"),
        rows,
        args.out,
        signing,
        campaign_fingerprint=campaign.key_fingerprint,
        made_at=utc_now(),
        write=_write_private_bytes,
        progress=layout,
    )
    if layout is not None:
        layout.finish()
    print(
        f"kiosk: wrote the delivery pack {args.out} ({counted(pack.signatures, 'signature')}) "
        f"and its manifest {pack.manifest}, signed by the coordinator key "
        f"{pack.coordinator_fingerprint} (the one kiosks pinned at enrolment: give the target "
        "this fingerprint, apart from the pack, to check it with 'kiosk central deliver "
        "--verify PACK --expect-key FINGERPRINT')"
        + (f"; {counted(result.unreadable, 'record')} did not open" if result.unreadable else "")
        + left_out_note(result),
        file=sys.stderr,
    )
    return 0


def _campaign_coordinator_key(args: argparse.Namespace) -> bytes | None:
    """The coordinator key the server's database keeps, if this machine has the database (the
    coordinator's); None elsewhere (an auditor's: no --data-dir, none at the default one), and
    no database is made to find out. A database named (--data-dir, --database-url) that holds
    no campaign, or one made before coordinator signing keys, is said so."""
    from kiosk.central.campaign import get_campaign
    from kiosk.central.db import DATABASE_FILE
    from kiosk.central.errors import DeliveryError

    stored = args.database_url is not None or (_server_dir(args) / DATABASE_FILE).is_file()
    if not stored and args.data_dir is None:
        return None
    if not stored:
        raise DeliveryError(
            f"no campaign at {_server_dir(args)} to check the pack's signer against: give "
            "--expect-key FINGERPRINT, the coordinator signing key's fingerprint as the "
            "campaign published it (kiosk central init and key list print it), or the "
            f"--data-dir of the campaign's server (the demo's is {_demo_central()})"
        )
    campaign = get_campaign(_engine(args))  # none: NoCampaign, said with where it looked
    if campaign.coordinator_key is None:
        where = "--database-url" if args.database_url else str(_server_dir(args))
        raise DeliveryError(
            f"the campaign at {where} was made before coordinator signing keys, so it has no "
            "coordinator key to check the pack's signer against (and made no signed pack): "
            "give --expect-key FINGERPRINT, the coordinator signing key's fingerprint as the "
            "campaign that made the pack published it"
        )
    return campaign.coordinator_key


def _write_private_bytes(path: Path, data: bytes) -> None:
    with _private_file(path, binary=True) as out:
        out.write(data)


def _default_keys(args: argparse.Namespace) -> list[Path]:
    """The coordinator directory's keys; where an older `init` left it, the server's, said so."""
    from kiosk.central.keyring import private_key_files
    from kiosk.files import keys

    found = private_key_files(_coordinator_dir(args))
    if found:
        return found
    chosen = _coordinator_dir(args) / keys.PRIVATE_KEY_FILE
    legacy = _server_dir(args) / keys.PRIVATE_KEY_FILE
    if legacy.exists():
        print(
            f"kiosk: using the campaign private key in the server's data directory ({legacy}); "
            f"move it to the coordinator's machine (e.g. {chosen}) and pass --key there.",
            file=sys.stderr,
        )
        return [legacy]
    return [chosen]  # missing: read_locked says so, and how to pass --key


@overload
def _private_file(path: Path, *, binary: Literal[True]) -> BinaryIO: ...
@overload
def _private_file(path: Path, *, binary: Literal[False] = False) -> TextIO: ...
def _private_file(path: Path, *, binary: bool = False) -> TextIO | BinaryIO:
    """The export holds personal data: readable by its owner only (an existing file too), never
    through a symbolic link (which could point anywhere), and a regular file."""
    import errno
    import stat

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_NOFOLLOW | os.O_NONBLOCK, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(
                f"{path} is a symbolic link; the export is written only to a plain file. "
                "Give the real path."
            ) from None
        if exc.errno == errno.ENXIO:  # a FIFO nobody reads, a device
            raise UsageError(
                f"{path} is not a regular file; give a file name for the export"
            ) from None
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise UsageError(f"{path} is not a regular file; give a file name for the export")
    os.fchmod(fd, 0o600)
    os.ftruncate(fd, 0)
    os.set_blocking(fd, True)
    if binary:
        return open(fd, "wb")
    encoding = "utf-8-sig" if path.suffix.lower() == ".csv" else "utf-8"
    return open(fd, "w", encoding=encoding, newline="")
