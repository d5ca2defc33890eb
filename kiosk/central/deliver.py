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
a SHA-256 of the signatures' ids (device/record, sorted: no personal data), the appeal and the
campaign key's fingerprint, signed with the delivery key derived from the campaign private key
(kiosk/crypto/manifest_key.py, docs/crypto.md). `verify` checks a pack against its manifest.
"""

from __future__ import annotations

import base64
import hashlib
import json
import shutil
import subprocess
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import regex

from kiosk.central.drawn import drawable, to_svg
from kiosk.central.errors import DeliveryError
from kiosk.central.export import Opened, Progress
from kiosk.crypto.manifest_key import DeliveryKey, fingerprint, verify_manifest_signature
from kiosk.errors import BadSignature
from kiosk.petition.appeal import Appeal
from kiosk.petition.countries import english_name
from kiosk.petition.record import SignatureRecord

if TYPE_CHECKING:
    from markupsafe import Markup

MANIFEST_FORMAT = "kiosk-delivery-manifest/1"
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
    delivery_key_fingerprint: str


@dataclass(frozen=True)
class Verified:
    signatures: int
    delivery_key_fingerprint: str
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
    appeal: Appeal, rows: Sequence[Opened], made_at: datetime, *, per_part: int = 0
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


def _signed_bytes(manifest: dict[str, Any]) -> bytes:
    body = {k: v for k, v in manifest.items() if k != "signature"}
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def write_pack(
    appeal: Appeal,
    rows: Sequence[Opened],
    pack: Path,
    key: DeliveryKey,
    *,
    campaign_fingerprint: str,
    made_at: datetime,
    write: Any,
    progress: Progress | None = None,
) -> Pack:
    """Lay out and write the pack and its signed manifest. `write(path, data)` writes a file
    (the CLI passes one that makes it owner-only); `progress(done, total)` hears of every
    part of the signer list laid out."""
    from weasyprint import HTML  # type: ignore[import-untyped]

    require_fonts()
    documents = []
    for part, html in enumerate(pack_html(appeal, rows, made_at, per_part=SIGNERS_PER_PART)):
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
        "delivery_key": key.public_b64,
    }
    manifest["signature"] = key.sign(_signed_bytes(manifest))
    where = manifest_path(pack)
    write(where, (json.dumps(manifest, indent=1, ensure_ascii=False) + "\n").encode("utf-8"))
    return Pack(len(rows), where, fingerprint(key.public_b64))


def verify(pack: Path, manifest_file: Path | None = None) -> Verified:
    """Check `pack` against its signed manifest; raise DeliveryError saying what differs."""
    manifest_file = manifest_file or manifest_path(pack)
    try:
        pdf = pack.read_bytes()
    except OSError as exc:
        raise DeliveryError(f"cannot read the pack {pack} ({exc.strerror})") from None
    try:
        manifest = json.loads(manifest_file.read_text("utf-8"))
    except OSError as exc:
        raise DeliveryError(
            f"cannot read the manifest {manifest_file} ({exc.strerror}); it is written beside "
            "the pack; pass it with --manifest FILE"
        ) from None
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise DeliveryError(f"{manifest_file} is not a delivery manifest (not JSON)") from None
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        raise DeliveryError(f"{manifest_file} is not a delivery manifest ({MANIFEST_FORMAT})")
    try:
        verify_manifest_signature(
            str(manifest["delivery_key"]), _signed_bytes(manifest), str(manifest["signature"])
        )
    except (KeyError, BadSignature):
        raise DeliveryError(
            f"{manifest_file}: the manifest's signature does not verify: it was altered or "
            "is not the one made with this pack"
        ) from None
    if hashlib.sha256(pdf).hexdigest() != manifest.get("pack_sha256"):
        raise DeliveryError(
            f"{pack} is not the pack the manifest was signed for: its SHA-256 differs (the file "
            "was altered, or it is another pack)"
        )
    return Verified(
        int(manifest["signatures"]),
        fingerprint(str(manifest["delivery_key"])),
        str(manifest.get("appeal_id", "")),
        str(manifest.get("made_at", "")),
    )
