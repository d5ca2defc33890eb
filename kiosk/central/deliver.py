"""The delivery pack for the petition's target: a PDF, and a signed manifest beside it.

`write_pack` lays out, from the rows the export opens (`Opened`, de-duplicated and filtered):
the appeal's title and target, the letter, the total, counts by country and by event, a
timeline of milestones (the day the 1st, 10th, 100th ... signature and the goal were reached),
and the signer list in the form the appeal's consent allows (`[consent] delivered_names`,
docs/appeal-format.md): by default the first name, the last name's initial and the country;
the full name only with `delivered_names = "full"`. No e-mail, postcode, comment or time of
signing goes to the target. The list is sorted by country and name, not by time, so nobody's
place in it says when they signed. A drawn signature is drawn as vector strokes
(kiosk/central/drawn.py) beside the name.

The PDF is HTML laid out by WeasyPrint (Pango and HarfBuzz): Arabic is shaped and Arabic and
Hebrew run right to left, each name isolated from its neighbours (`<bdi>`); Noto fonts cover
Latin, Cyrillic, Arabic, Hebrew and CJK, Noto Color Emoji the emoji. A missing font is said
before anything is written, with the Debian packages that bring it (`FONT_PACKAGES`).

The manifest (`<pack>.manifest.json`) holds the pack's SHA-256, the number of signatures in it,
a SHA-256 of the signatures' ids (device/record, sorted: no personal data), the appeal, the
campaign key's fingerprint and the coordinator signing key's public half and fingerprint,
signed with that key (kiosk/crypto/coordinator_key.py: the one `init` made and every kiosk
pinned; docs/crypto.md). `verify` checks a pack against its manifest, and the manifest's signer
against the coordinator key the checker trusts: the campaign's (from the server's database)
or the fingerprint the campaign published.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import shutil
import subprocess
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from kiosk.central.drawn import drawable, to_svg
from kiosk.central.errors import DeliveryError, MissingExtra
from kiosk.central.export import Opened, Progress
from kiosk.crypto.coordinator_key import coordinator_fingerprint
from kiosk.crypto.device_key import (
    MANIFEST_SIGNATURE_CONTEXT,
    DeviceKey,
    verify_device_signature,
)
from kiosk.errors import BadSignature
from kiosk.petition.appeal import Appeal
from kiosk.petition.countries import english_name
from kiosk.petition.record import SignatureRecord

if TYPE_CHECKING:
    from markupsafe import Markup

MANIFEST_FORMAT = "kiosk-delivery-manifest/2"
OLD_FORMATS = ("kiosk-delivery-manifest/1",)  # signed by a key derived from the campaign key
MANIFEST_SUFFIX = ".manifest.json"
# The font families the pack asks for, in order, and the Debian package of each.
FONTS = {
    "Noto Sans": "fonts-noto-core",
    "Noto Sans Arabic": "fonts-noto-core",
    "Noto Sans Hebrew": "fonts-noto-core",
    "Noto Sans CJK SC": "fonts-noto-cjk",
    "Noto Color Emoji": "fonts-noto-color-emoji",
}
# The families the pack's CSS names. Not the emoji font: named there it also supplies the
# digits (it has text glyphs for 0-9 for keycaps), set far apart; fontconfig falls back to it
# for emoji by itself.
CSS_FONTS = [f for f in FONTS if f != "Noto Color Emoji"]
# The signer list is laid out in parts of this many (each its own HTML document, the pages
# joined at the end): WeasyPrint's time grows with a table's length, and between parts the
# progress bar moves.
SIGNERS_PER_PART = 500
MILESTONES = (1, 10, 100, 1_000, 10_000, 100_000, 1_000_000)


@dataclass(frozen=True)
class Pack:
    signatures: int
    manifest: Path
    coordinator_fingerprint: str


@dataclass(frozen=True)
class Verified:
    signatures: int
    coordinator_fingerprint: str
    appeal_id: str
    made_at: str


def signer_name(record: SignatureRecord, form: str) -> str:
    """The signer as the pack shows them: "Ada L." by default, "Ada Lovelace" if "full"."""
    first = record.fields.get("first_name", "").strip()
    last = record.fields.get("last_name", "").strip()
    if form == "full":
        return " ".join(p for p in (first, last) if p)
    initial = regex.match(r"\X", last)
    return (
        f"{first} {initial.group()}."
        if initial and first
        else first or (f"{initial.group()}." if initial else "")
    )


def country_label(code: str) -> str:
    return english_name(code) or code or "—"


def missing_fonts() -> list[str]:
    """The pack's font families that fontconfig does not find on this machine."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return list(FONTS)
    listed = subprocess.run(
        [fc_list, ":", "family"], capture_output=True, text=True, check=False, timeout=60
    ).stdout
    families = {f.strip() for line in listed.splitlines() for f in line.split(",")}
    return [f for f in FONTS if f not in families]


def require_layout() -> None:
    """Before anything else: WeasyPrint is installed, and the fonts are there."""
    _html()
    require_fonts()


def _html() -> Any:
    try:
        from weasyprint import HTML  # type: ignore[import-untyped]
    except ImportError as exc:  # the coordinator extra is not installed
        raise MissingExtra("kiosk central deliver (the delivery pack's PDF)", "WeasyPrint") from exc
    except OSError as exc:  # WeasyPrint is, but the system's Pango is not
        raise DeliveryError(
            f"WeasyPrint, which lays out the delivery pack, cannot load Pango ({exc}). On Debian "
            "or Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0"
        ) from exc
    return HTML


def require_fonts() -> None:
    missing = missing_fonts()
    if missing:
        packages = " ".join(sorted({FONTS[f] for f in missing}))
        raise DeliveryError(
            f"the delivery pack needs the fonts {', '.join(missing)}, which this computer lacks "
            f"(they cover Arabic, Hebrew, CJK and emoji names). On Debian or Ubuntu: "
            f"sudo apt-get install {packages}"
        )


def milestones(rows: Sequence[Opened], goal: int | None) -> list[tuple[str, date]]:
    """(what, the day it happened) for the first signature, each power of ten reached, the
    goal, and the last signature."""
    days = sorted(_utc(o.record.signed_at).date() for o in rows)
    if not days:
        return []
    marks = {n: f"{n:,}{_ordinal(n)} signature" for n in MILESTONES if n <= len(days)}
    if goal is not None and goal <= len(days):
        marks[goal] = f"goal of {goal:,} reached"
    events = [(what, days[n - 1]) for n, what in sorted(marks.items())]
    if len(days) not in marks:
        events.append((f"last signature ({len(days):,} in all)", days[-1]))
    return events


def _ordinal(n: int) -> str:
    return "st" if n == 1 else "th"


def _utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def pack_html(
    appeal: Appeal,
    rows: Sequence[Opened],
    made_at: datetime,
    *,
    per_part: int = 0,
    signer: str = "",
) -> Iterator[str]:
    """The pack as HTML documents (every value escaped): the front (title, total, letter,
    counts, timeline), then the signer list in parts of `per_part` signers (0: one part)."""
    from jinja2 import Environment, PackageLoader, select_autoescape

    env = Environment(
        loader=PackageLoader("kiosk.central", "templates"),
        autoescape=select_autoescape(["html"]),
    )
    template = env.get_template("delivery.html")
    form = appeal.consent.delivered_names
    signers = sorted(
        (
            (
                country_label(o.record.fields.get("country", "")),
                signer_name(o.record, form),
                o,
            )
            for o in rows
        ),
        key=lambda s: (s[0].casefold(), s[1].casefold()),
    )
    common = {
        "appeal": appeal,
        "full_names": form == "full",
        "fonts": CSS_FONTS,
        "footer": css_string(appeal.title),
    }
    yield template.render(
        **common,
        front=True,
        total=len(rows),
        made_on=made_at.date().isoformat(),
        signer=signer,
        by_country=Counter(s[0] for s in signers).most_common(),
        by_event=Counter(o.event for o in rows).most_common(),
        milestones=milestones(rows, appeal.goal),
    )
    size = per_part or max(len(signers), 1)
    for start in range(0, len(signers), size):
        part = [(country, name, _svg_uri(o)) for country, name, o in signers[start : start + size]]
        yield template.render(**common, front=False, signers=part, first_number=start + 1)


def css_string(text: str) -> Markup:
    """`text` as a quoted CSS string, safe inside <style>: quotes, backslashes, line ends and
    "<" (which could close the style element) written as CSS escapes."""
    from markupsafe import Markup

    escaped = "".join(f"\\{ord(c):X} " if c in '"\\<>&\n\r' or ord(c) < 0x20 else c for c in text)
    return Markup(f'"{escaped}"')


def _svg_uri(opened: Opened) -> str | None:
    drawing = opened.record.drawing
    if drawing is None or not drawable(drawing):  # within the pad's limits: kiosk.central.drawn
        return None
    svg = to_svg(drawing).encode("utf-8")
    return "data:image/svg+xml;base64," + base64.b64encode(svg).decode("ascii")


def records_digest(rows: Sequence[Opened]) -> str:
    ids = sorted(f"{o.record.device_id}/{o.record.signature_id}" for o in rows)
    return hashlib.sha256("\n".join(ids).encode("utf-8")).hexdigest()


def manifest_path(pack: Path) -> Path:
    return pack.with_name(pack.name + MANIFEST_SUFFIX)


def signed_bytes(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def write_pack(
    appeal: Appeal,
    rows: Sequence[Opened],
    pack: Path,
    key: DeviceKey,
    *,
    campaign_fingerprint: str,
    made_at: datetime,
    write: Any,
    progress: Progress | None = None,
) -> Pack:
    """Lay out and write the pack and its manifest, signed with the coordinator signing key
    `key`. `write(path, data)` writes a file (the CLI passes one that makes it owner-only);
    `progress(done, total)` hears of every part of the signer list laid out."""
    HTML = _html()
    require_fonts()
    signer = coordinator_fingerprint(key.public_bytes)
    documents = []
    parts = pack_html(appeal, rows, made_at, per_part=SIGNERS_PER_PART, signer=signer)
    for part, html in enumerate(parts):
        documents.append(HTML(string=html).render())
        if progress is not None:  # part 0 is the front, then SIGNERS_PER_PART signers a part
            progress(min(part * SIGNERS_PER_PART, len(rows)), len(rows))
    pages = [page for document in documents for page in document.pages]
    pdf = documents[0].copy(pages).write_pdf()
    assert pdf is not None  # write_pdf without a target returns the bytes
    write(pack, pdf)
    manifest: dict[str, Any] = {
        "format": MANIFEST_FORMAT,
        "pack_file": pack.name,
        "pack_sha256": hashlib.sha256(pdf).hexdigest(),
        "signatures": len(rows),
        "records_sha256": records_digest(rows),
        "appeal_id": appeal.id,
        "appeal_version": appeal.version,
        "campaign_key": campaign_fingerprint,
        "made_at": _utc(made_at).isoformat(timespec="seconds"),
        "coordinator_key": base64.b64encode(key.public_bytes).decode("ascii"),
        "coordinator_key_fingerprint": signer,
    }
    signature = key.sign(signed_bytes(manifest), context=MANIFEST_SIGNATURE_CONTEXT)
    manifest["signature"] = base64.b64encode(signature).decode("ascii")
    where = manifest_path(pack)
    write(where, (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return Pack(len(rows), where, signer)


def _fingerprint_given(text: str) -> str:
    """A coordinator key fingerprint as typed: 32 hex digits, in any case, with any spaces,
    dashes or colons between them; a DeliveryError for anything else, which is a typing
    mistake or another key's fingerprint, not a forged pack."""
    digits = re.sub(r"[\s:-]", "", text).lower()
    if re.fullmatch(r"[0-9a-f]{32}", digits) is None:
        raise DeliveryError(
            f"--expect-key {text!r} is not a coordinator key fingerprint, which is 32 hex "
            "digits (0-9, a-f): the one kiosk central init and key list print after 'pinned it "
            "at enrolment' and enrolment links name as coordinator=. Nothing was checked; ask "
            "the campaign for it again"
        )
    return digits


def verify(
    pack: Path,
    manifest_file: Path | None = None,
    *,
    trusted_key: bytes | Callable[[], bytes | None] | None = None,
    expected_fingerprint: str | None = None,
) -> Verified:
    """Check `pack` against its signed manifest, and the manifest's signer against the
    coordinator key the checker trusts: `trusted_key` (the campaign's, from its database, or a
    function that finds it, called once both files are read) or `expected_fingerprint` (the
    one the campaign published); one of them is needed, since a manifest names its own signer.
    Raise DeliveryError saying what differs; a file that cannot be read is said first."""
    manifest_file = manifest_file or manifest_path(pack)
    if expected_fingerprint is not None:
        expected_fingerprint = _fingerprint_given(expected_fingerprint)
    try:
        pdf = pack.read_bytes()
    except OSError as exc:
        raise DeliveryError(f"cannot read the pack {pack} ({exc.strerror})") from None
    manifest = _read_manifest(manifest_file)
    if callable(trusted_key):
        trusted_key = trusted_key()
    if trusted_key is None and not expected_fingerprint:
        raise DeliveryError(
            "nothing to check the pack's signer against: give --expect-key FINGERPRINT, the "
            "coordinator signing key's fingerprint as the campaign published it (kiosk central "
            "init and key list print it; every enrolment link names it as coordinator=), or "
            "run the check where the campaign's database is (--data-dir, --database-url)"
        )
    try:
        signer = base64.b64decode(str(manifest["coordinator_key"]), validate=True)
        signature = base64.b64decode(str(manifest["signature"]), validate=True)
        verify_device_signature(
            signer,
            signed_bytes(manifest),
            signature,
            context=MANIFEST_SIGNATURE_CONTEXT,
            what="the manifest's signature does not verify",
        )
    except (KeyError, ValueError, BadSignature):
        raise DeliveryError(
            f"{manifest_file}: the manifest's signature does not verify: something in it (the "
            "number of signatures, the pack's hash, ...) was changed after it was signed, or "
            "it is not a manifest made by 'kiosk central deliver'"
        ) from None
    found = coordinator_fingerprint(signer)
    wanted = [expected_fingerprint or ""]
    wanted.append(coordinator_fingerprint(trusted_key) if trusted_key is not None else "")
    for fingerprint in filter(None, wanted):
        if found != fingerprint:
            raise DeliveryError(
                f"{manifest_file} is signed by coordinator key {found}, not by the campaign's "
                f"coordinator key {fingerprint}: whoever made it is not this campaign's "
                "coordinator, so its number proves nothing"
            )
    if hashlib.sha256(pdf).hexdigest() != manifest.get("pack_sha256"):
        raise DeliveryError(
            f"{pack} is not the pack the manifest was signed for: its SHA-256 differs (the file "
            "was altered, or it is another pack)"
        )
    return Verified(
        int(manifest["signatures"]),
        found,
        str(manifest.get("appeal_id", "")),
        str(manifest.get("made_at", "")),
    )


def _read_manifest(manifest_file: Path) -> dict[str, Any]:
    try:
        manifest = json.loads(manifest_file.read_text("utf-8"))
    except OSError as exc:
        raise DeliveryError(
            f"cannot read the manifest {manifest_file} ({exc.strerror}); it is written beside "
            "the pack; pass it with --manifest FILE"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"{manifest_file} is not a delivery manifest (not JSON)") from None
    if isinstance(manifest, dict) and manifest.get("format") in OLD_FORMATS:
        raise DeliveryError(
            f"{manifest_file} was made by an older kiosk, signed by a key derived from the "
            "campaign key rather than by the coordinator signing key: make the pack again with "
            "'kiosk central deliver'"
        )
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise DeliveryError(f"{manifest_file} is not a delivery manifest ({MANIFEST_FORMAT})")
    return manifest
