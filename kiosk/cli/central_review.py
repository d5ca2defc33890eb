"""`kiosk central erase`, `retention`, `review` and `test-mode`: the campaign's life after the
rally (kiosk.central.erasure, .retention, .review, .heuristics). Registered by
kiosk.cli.central; like its commands, these import the database libraries only when they run."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from kiosk.cli.options import counted
from kiosk.clock import parse_hour, utc_now
from kiosk.errors import UsageError

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from kiosk.central.erasure import Found
    from kiosk.central.export import Opened
    from kiosk.central.keyring import Keyring
    from kiosk.central.ledger import Ledger
    from kiosk.central.retention import Report
    from kiosk.central.review import Selection
    from kiosk.cli.progress import TextProgress


def register_review(command: Any, key_options: Callable[[argparse.ArgumentParser], None]) -> None:
    p = command(
        "erase",
        "honour an erasure request: delete a supporter's signatures from the server and keep "
        "their address's keyed hash in the erasure ledger, so no later export or import brings "
        "them back",
        _erase,
    )
    p.add_argument(
        "--email",
        action="append",
        default=[],
        metavar="ADDRESS",
        help="the supporter's e-mail address (again for several)",
    )
    p.add_argument(
        "--record",
        action="append",
        default=[],
        metavar="ID",
        help="a signature id, or DEVICE:ID, as the export shows them (again for several)",
    )
    p.add_argument(
        "--sweep",
        action="store_true",
        help="also delete from the server every signature the ledger already holds: those "
        "stored since an earlier erasure (a USB stick found later)",
    )
    p.add_argument("--dry-run", action="store_true", help="show what would go; change nothing")
    key_options(p)

    p = command(
        "retention",
        "delete ciphertext past the retention policy set at init (serve does it every hour)",
        _retention,
    )
    when = p.add_mutually_exclusive_group(required=True)
    when.add_argument("--dry-run", action="store_true", help="report what is due; delete nothing")
    when.add_argument("--apply", action="store_true", help="delete what is due now")
    p.add_argument(
        "--delivered",
        type=_date,
        metavar="YYYY-MM-DD",
        help="the day the signatures were delivered to the target (kept with --apply)",
    )

    p = command(
        "review",
        "mark signatures valid, invalid or test, one by one or in bulk (with a count first), "
        "or run the heuristics",
        _review,
    )
    p.add_argument(
        "--heuristics",
        action="store_true",
        help="count bursts per kiosk-minute, disposable domains, canonical duplicates "
        "and households (needs the key)",
    )
    p.add_argument(
        "--burst",
        type=int,
        default=5,
        metavar="N",
        help="with --heuristics: N or more signatures in one minute at one kiosk (default: 5)",
    )
    p.add_argument(
        "--mark",
        choices=("valid", "invalid", "test"),
        help="the mark to give the selected signatures",
    )
    p.add_argument(
        "--reason", default="", help="why (needed for invalid and test); no personal data"
    )
    p.add_argument(
        "--record",
        action="append",
        default=[],
        metavar="ID",
        help="a signature id, or DEVICE:ID (again for several)",
    )
    p.add_argument("--device", help="every signature of this kiosk")
    p.add_argument(
        "--event", help="every signature collected at this event (the name its batch carries)"
    )
    p.add_argument(
        "--hour",
        type=_hour,
        metavar="YYYY-MM-DDTHH",
        help="every signature collected in this hour (UTC)",
    )
    p.add_argument(
        "--domain", help="every signature with an address at this domain (needs the key)"
    )
    p.add_argument(
        "--household",
        type=int,
        metavar="N",
        help="every signature of an address with more than N signatures (needs the "
        "key); with --heuristics, N for its count (default: 3)",
    )
    go = p.add_mutually_exclusive_group()
    go.add_argument("--dry-run", action="store_true", help="count the selection; mark nothing")
    go.add_argument("--apply", action="store_true", help="mark the selection")
    key_options(p)

    p = command(
        "test-mode",
        "put a kiosk or an event in test mode (its signatures never count), or take it out",
        _test_mode,
    )
    which = p.add_mutually_exclusive_group(required=True)
    which.add_argument("--device", help="the device id, as shown by status")
    which.add_argument(
        "--event",
        help="the event's name: the signatures collected there, by any kiosk, do not count",
    )
    p.add_argument("--off", action="store_true", help="take it out of test mode")


def _date(text: str) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d").replace(tzinfo=UTC)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a day like 2026-12-03") from None


def _hour(text: str) -> datetime:
    try:
        return parse_hour(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _engine(args: argparse.Namespace) -> Engine:
    from kiosk.cli.central import _engine as engine_of

    return engine_of(args)


def _key(args: argparse.Namespace, engine: Engine) -> Keyring:
    """The campaign's keys from --key (or the coordinator's directory), unlocked."""
    from kiosk.cli.central import _default_keys, passphrases
    from kiosk.cli.keys import open_keyring

    keyring, notes = open_keyring(engine, args.key or _default_keys(args), passphrases(args))
    for line in notes:
        print(line, file=sys.stderr)
    return keyring


def coordinator_ledger(
    args: argparse.Namespace,
    engine: Engine,
    keyring: Keyring,
    *,
    must_exist_if_erased: bool = False,
) -> Ledger:
    """The erasure ledger: --ledger, or erasure-ledger.json next to the key. A server that
    holds erased records with no ledger in sight is refused (`must_exist_if_erased`): the
    records erased by id are gone, but a batch found later may hold the same addresses."""
    from sqlalchemy import func, select
    from sqlalchemy.orm import Session

    from kiosk.central.campaign import get_campaign
    from kiosk.central.deletion import ERASED
    from kiosk.central.keyring import COORDINATOR_KEY_FILE, KEY_DESTROYED
    from kiosk.central.ledger import LEDGER_FILE, ledger_owner, new_ledger, open_ledger
    from kiosk.central.models import DeletedRecord
    from kiosk.cli.central import key_dir, signing_key
    from kiosk.crypto.keyed_hash import COORDINATOR_OWNER, LedgerKey

    path = args.ledger or (key_dir(args) / LEDGER_FILE)
    if must_exist_if_erased and not path.exists():
        with Session(engine) as s:
            erased = s.scalar(
                select(func.count())
                .select_from(DeletedRecord)
                .where(DeletedRecord.reason == ERASED)
            )
        if erased:
            raise UsageError(
                f"this server has erased {counted(erased, 'signature')}, but there is no "
                f"erasure ledger at {path}: without it an erased supporter's other signatures "
                "could come back. Give it with --ledger FILE (it is kept next to the campaign "
                "private key)."
            )
    # A new ledger is keyed by the coordinator signing key, which no rotation or destruction
    # touches; a campaign made before keysets has none, and uses its first campaign key (a
    # rotation retires it but keeps it). The file names the key it is keyed by.
    signing_file = key_dir(args) / COORDINATOR_KEY_FILE
    owner = ledger_owner(path)
    if (owner is None and signing_file.exists()) or (owner or "").startswith(COORDINATOR_OWNER):
        signing = LedgerKey.of_coordinator(signing_key(args))
        if owner is None:
            return new_ledger(path, signing)
        return open_ledger(path, signing, owner)
    if owner is None:
        first = get_campaign(engine).key_fingerprint
        private = keyring.key_for(first) or next(iter(keyring.keys.values()), None)
        if private is None:
            raise UsageError("no campaign private key was opened: give one with --key FILE")
        return new_ledger(path, LedgerKey.of(private))
    private = keyring.key_for(owner)
    if private is not None:
        return open_ledger(path, LedgerKey.of(private), owner)
    if keyring.why_not(owner) != KEY_DESTROYED:
        raise UsageError(
            f"the erasure ledger {path} is keyed by {keyring.describe(owner)}, which is not "
            "among the key files given: add it with --key FILE"
        )
    print(
        f"kiosk: the erasure ledger {path} is keyed by {keyring.describe(owner)}, which is "
        "destroyed: its erased signature ids still apply, its addresses can no longer be checked",
        file=sys.stderr,
    )
    return open_ledger(path, None, owner)


def _progress(args: argparse.Namespace) -> TextProgress | None:
    from kiosk.cli.progress import progress_for

    return progress_for(args, f"{args.central_command}: opening")


def _erase(args: argparse.Namespace) -> int:
    from kiosk.central.erasure import erase, find, requested_address, stored_refs

    if not args.email and not args.record and not args.sweep:
        raise UsageError("say what to erase: --email ADDRESS, --record ID or --sweep")
    args.email = [requested_address(a) for a in args.email]
    engine = _engine(args)
    stored_refs(engine, args.record)  # an id nothing could keep out: said before the passphrase
    key = _key(args, engine)
    ledger = coordinator_ledger(args, engine, key, must_exist_if_erased=True)
    progress = _progress(args)
    search = find(engine, key, args.email, args.record, progress, ledger if args.sweep else None)
    found = search.found
    if progress is not None:
        progress.finish()
    verb = "would erase" if args.dry_run else "erasing"
    print(f"{verb} {counted(len(found), 'stored signature')}" + (":" if found else ""))
    for f in found:
        print(f"  {f.device_id}:{f.record_id} (by {f.how})")
    for ref in _not_stored(args.record, found):
        print(
            f"  {ref} is not stored here: its id {'would go' if args.dry_run else 'goes'} into "
            "the ledger and the server's erased ids, so a later upload or import of it is dropped"
        )
    for address in args.email:
        held = "already in" if ledger.holds_address(address) else "to go into"
        print(f"  the address's keyed hash is {held} the ledger {ledger.path}")
    if search.unreadable:
        print(
            f"  {counted(search.unreadable, 'stored record')} did not open, so could not be "
            "checked by address (kiosk central export names them in its warnings)"
            + (
                ". The ledger leaves them out of every export all the same; to delete them "
                "from the server too, run 'kiosk central erase --sweep' once every key file is "
                "given"
                if key.not_given
                else ""
            )
        )
    if args.dry_run:
        print("dry run: nothing was changed")
        return 0
    deleted = erase(engine, ledger, args.email, args.record, found)
    print(
        f"erased: {counted(deleted, 'signature')} deleted from the server; the ledger "
        f"{ledger.path} leaves out {counted(len(ledger.tags), 'address', 'addresses')} and "
        f"{counted(len(ledger.records), 'signature id')} in every later export, and the server "
        "drops these ids from any later upload or import. Keep the ledger with the campaign "
        "key's backup."
    )
    return 0


def _retention(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from kiosk.central import retention

    engine = _engine(args)
    now = utc_now()
    if args.apply:
        if args.delivered is not None:
            _keep_delivery_day(engine, args.delivered, now)
        done = retention.apply(engine, now)
    else:
        p = retention.policy(engine)
        if args.delivered is not None:
            p = replace(p, delivered_at=args.delivered)
        done = retention.report(engine, now, p)
    _print_report(done, dry_run=args.dry_run)
    return 0


def _not_stored(record_refs: list[str], found: list[Found]) -> list[str]:
    """The DEVICE:ID refs given that name no stored record (a bare ID must be stored)."""
    from kiosk.central.erasure import parse_record_ref

    stored = {(f.device_id, f.record_id) for f in found}
    refs = [(ref, parse_record_ref(ref)) for ref in record_refs]
    return [ref for ref, (device, record) in refs if device and (device, record) not in stored]


def _keep_delivery_day(engine: Engine, day: datetime, now: datetime) -> None:
    """The day of the delivery, kept: never one still to come (it would delete a month after a
    delivery that has not happened), and a day it replaces is said."""
    from kiosk.central import retention

    if day.date() > now.date():
        raise UsageError(
            f"--delivered {day:%Y-%m-%d} is after today ({now:%Y-%m-%d}, UTC): give it with "
            "--apply once the signatures have been handed to the target; --dry-run shows "
            "what a day to come would delete"
        )
    before = retention.policy(engine).delivered_at
    retention.set_delivered(engine, day)
    if before is not None and before.date() != day.date():
        print(f"retention: the delivery day was {before:%Y-%m-%d}; it is {day:%Y-%m-%d} now")


def _print_report(r: Report, *, dry_run: bool) -> None:
    print(f"retention: {r.policy.describe()}")
    print(
        f"due now: {counted(r.due, 'signature')} ({r.due_by_collection} by collection, "
        f"{r.due_by_delivery} by delivery)"
    )
    if dry_run:
        print("dry run: nothing was deleted")
    else:
        print(f"deleted: {counted(r.deleted, 'signature')}")
    nxt = f"{r.next_deletion:%Y-%m-%d %H:00} UTC" if r.next_deletion else "none (nothing stored)"
    print(f"next deletion: {nxt}")


def _review(args: argparse.Namespace) -> int:
    from kiosk.central.review import Selection, marks_count

    engine = _engine(args)
    if args.heuristics:
        return _heuristics(args, engine)
    sel = Selection(
        records=tuple(_refs(args.record)),
        device=args.device,
        event=args.event,
        hour=args.hour,
        domain=args.domain,
        household=args.household,
    )
    if args.mark is None:
        if not sel.empty:
            raise UsageError("say which mark to give: --mark valid, invalid or test")
        counts = marks_count(engine)
        print(", ".join(f"{counted(n, 'signature')} marked {m}" for m, n in counts.items()))
        return 0
    if sel.empty:
        raise UsageError(
            "say which signatures: --record, --device, --event, --hour, --domain or --household"
        )
    if not (args.dry_run or args.apply):
        raise UsageError("count first with --dry-run, then mark with --apply")
    return _mark(args, engine, sel)


def _refs(texts: list[str]) -> Iterator[tuple[str | None, str]]:
    from kiosk.central.erasure import parse_record_ref

    return map(parse_record_ref, texts)


def _mark(args: argparse.Namespace, engine: Engine, sel: Selection) -> int:
    from kiosk.central.review import (
        apply_marks,
        by_fields,
        by_metadata,
        check_mark,
        check_selection,
    )

    check_mark(args.mark, args.reason)  # before a passphrase is asked for
    check_selection(engine, sel)
    chosen = by_metadata(engine, sel)
    if sel.needs_opening:
        chosen = by_fields(_counted_records(args, engine), sel, chosen)
    if args.dry_run:
        print(
            f"would mark {counted(len(chosen), 'signature')} {args.mark}; dry run: nothing "
            "was changed"
        )
        return 0
    done = apply_marks(engine, chosen, args.mark, args.reason)
    print(f"marked {counted(done, 'signature')} {args.mark}")
    return 0


def _counted_records(args: argparse.Namespace, engine: Engine) -> Iterator[Opened]:
    """Every record that opens and is not erased (the ledger), whatever its mark."""
    from kiosk.central.exclusions import load_exclusions
    from kiosk.central.export import Opened, each_opened

    key = _key(args, engine)
    exclusions = load_exclusions(
        engine,
        coordinator_ledger(args, engine, key, must_exist_if_erased=True),
        include_invalid=True,
    )
    progress = _progress(args)
    for opened in each_opened(engine, key, progress):
        if isinstance(opened, Opened) and exclusions.judge(opened)[0] is None:
            yield opened
    if progress is not None:
        progress.finish()


def _heuristics(args: argparse.Namespace, engine: Engine) -> int:
    from kiosk.central import heuristics

    household = heuristics.DEFAULT_HOUSEHOLD if args.household is None else args.household
    f = heuristics.run(_counted_records(args, engine), burst=args.burst, household=household)
    rules = ", ".join(f"{n} by {rule}" for rule, n in sorted(f.by_rule.items())) or "none"
    print(
        f"heuristics over {counted(f.records, 'signature')} (erased ones left out):\n"
        f"  bursts: {counted(f.burst_minutes, 'kiosk-minute')} with {args.burst} or more "
        f"signatures, {counted(f.burst_signatures, 'signature')} in them\n"
        f"  disposable domains: {counted(f.disposable_signatures, 'signature')} at "
        f"{counted(f.disposable_domains, 'domain')}\n"
        f"  duplicates: {f.plain_duplicates} by the address as typed, {f.canonical_duplicates} "
        f"more by the canonical address ({rules})\n"
        f"  households: {counted(f.households, 'address', 'addresses')} with more than "
        f"{household} signatures, {counted(f.household_signatures, 'signature')} in them\n"
        "Nothing was marked: mark with 'review --mark invalid --reason ... --domain/--household "
        "...'."
    )
    return 0


def _test_mode(args: argparse.Namespace) -> int:
    from kiosk.central.review import set_test_mode

    kind, name = ("device", args.device) if args.device else ("event", args.event)
    changed = set_test_mode(_engine(args), kind, name, not args.off)
    what = f"device {name}" if kind == "device" else f"event {name!r}"
    if args.off:
        state = "is out of test mode" if changed else "was not in test mode"
        print(f"{what} {state}; its signatures count.")
    else:
        state = "is in test mode" if changed else "was in test mode already"
        print(f"{what} {state}; its signatures do not count (status, console, export).")
    return 0
