"""A drawn signature as a picture: SVG (vector strokes) and PNG, on the coordinator's machine.

The kiosk keeps a drawing as points only (kiosk/petition/strokes.py); the coordinator's export
and delivery pack draw it again with the same ink as the pad: a cubic Bézier curve through the
points (Catmull-Rom control points) whose width follows the pen's speed (`stroke_widths`).
Each curve segment is one SVG path with its own width and round caps, so the picture is vector
(it scales to any size in the delivery pack and prints sharp). PNG is the same drawing painted
with Pillow at twice the size and scaled down (smooth edges).

`write_signatures` writes one SVG and one PNG file per drawn signature into a directory, named
by the record's id (`<signature_id>.svg`, `<signature_id>.png`), readable by their owner only:
they are personal data, exactly like the export file they go with.

Only a drawing the pad could have made is drawn (`drawable`): the campaign key is public, so a
malicious kiosk can seal any drawing, and one a million times wider than tall would exhaust
the coordinator's memory as a PNG (or stop the export).
"""

from __future__ import annotations

import errno
import hashlib
import io
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from xml.sax.saxutils import quoteattr

from kiosk.central.errors import MissingExtra
from kiosk.errors import UsageError
from kiosk.petition.strokes import (
    Drawing,
    bezier_point,
    bezier_segments,
    limit_problem,
    stroke_widths,
)

HEIGHT = 200.0  # the picture's height in SVG units (pixels of the PNG); the width follows aspect
DEFAULT_ASPECT = 3.0  # a drawing from before the pad kept its shape
MIN_WIDTH, MAX_WIDTH = 1.2, 5.0  # the ink's width range at this height, as on the pad
INK = "#1a1a2e"
_SAFE_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
_PNG_SUPERSAMPLE = 2
_PNG_SAMPLES = 8  # points along each curve segment the PNG paints


@dataclass(frozen=True)
class Segment:
    """One piece of ink: a cubic Bézier curve (or a dot, where all four points are one)."""

    points: tuple[
        tuple[float, float], tuple[float, float], tuple[float, float], tuple[float, float]
    ]
    width: float


def drawable(drawing: Drawing | None) -> bool:
    """Whether there is a drawing to draw, within the pad's limits (see the docstring)."""
    return drawing is not None and drawing.is_signature() and limit_problem(drawing) is None


def size(drawing: Drawing) -> tuple[float, float]:
    """The picture's width and height in SVG units."""
    return HEIGHT * (drawing.aspect or DEFAULT_ASPECT), HEIGHT


def segments(drawing: Drawing) -> list[Segment]:
    """Every piece of ink of the drawing, in the picture's coordinates."""
    width, height = size(drawing)
    ink: list[Segment] = []
    for stroke in drawing.strokes:
        pixels = [(p.x * width, p.y * height) for p in stroke]
        if not pixels:
            continue
        widths = stroke_widths(
            [(x, y, p.t) for (x, y), p in zip(pixels, stroke, strict=True)],
            min_width=MIN_WIDTH,
            max_width=MAX_WIDTH,
        )
        if len(pixels) == 1:
            ink.append(Segment((pixels[0],) * 4, widths[0]))
            continue
        for i, curve in enumerate(bezier_segments(pixels)):
            ink.append(Segment(curve, (widths[i] + widths[i + 1]) / 2))
    return ink


def to_svg(drawing: Drawing, *, title: str = "Drawn signature") -> str:
    """A standalone SVG document of the drawing (vector strokes)."""
    width, height = size(drawing)
    paths = []
    for seg in segments(drawing):
        (x0, y0), (x1, y1), (x2, y2), (x3, y3) = seg.points
        d = f"M{x0:.2f} {y0:.2f}C{x1:.2f} {y1:.2f} {x2:.2f} {y2:.2f} {x3:.2f} {y3:.2f}"
        paths.append(f'<path d="{d}" stroke-width="{seg.width:.2f}"/>')
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:.0f}" height="{height:.0f}" '
        f'viewBox="0 0 {width:.2f} {height:.2f}" role="img">'
        f"<title>{_text(title)}</title>"
        f'<g fill="none" stroke={quoteattr(INK)} stroke-linecap="round" stroke-linejoin="round">'
        + "".join(paths)
        + "</g></svg>\n"
    )


def require_png() -> None:
    """Pillow is installed (the coordinator extra), or MissingExtra."""
    try:
        import PIL  # noqa: F401
    except ImportError as exc:
        raise MissingExtra("a PNG copy of each drawn signature (--signatures)", "Pillow") from exc


def to_png(drawing: Drawing) -> bytes:
    """The drawing as a PNG: dark ink on white, the SVG's size in pixels."""
    require_png()
    from PIL import Image, ImageDraw

    width, height = size(drawing)
    scale = _PNG_SUPERSAMPLE
    image = Image.new("RGB", (round(width * scale), round(height * scale)), "white")
    pen = ImageDraw.Draw(image)
    for seg in segments(drawing):
        radius = seg.width * scale / 2
        line = [
            (x * scale, y * scale)
            for x, y in (
                bezier_point(seg.points, i / _PNG_SAMPLES) for i in range(_PNG_SAMPLES + 1)
            )
        ]
        pen.line(line, fill=INK, width=max(1, round(seg.width * scale)), joint="curve")
        for x, y in (line[0], line[-1]):  # round caps
            pen.ellipse((x - radius, y - radius, x + radius, y + radius), fill=INK)
    image = image.resize((round(width), round(height)), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def file_stem(signature_id: str, device_id: str, taken: set[str]) -> str:
    """The file name (without suffix) for a record: its id, when that is a safe file name and
    not taken yet (ids are unique per device only); else a digest of device and id."""
    stem = signature_id if _SAFE_ID.match(signature_id) else ""
    if not stem or stem in taken:
        digest = hashlib.sha256(f"{device_id}/{signature_id}".encode()).hexdigest()[:32]
        stem = f"{stem or 'record'}-{digest}"
    taken.add(stem)
    return stem


def write_signatures(
    drawings: Iterable[tuple[str, str, Drawing]], directory: Path
) -> dict[tuple[str, str], str]:
    """Write `<id>.svg` and `<id>.png` for each (device id, signature id, drawing) into
    `directory` (made if missing, owner-only); returns each record's file stem."""
    _private_directory(directory)
    taken: set[str] = set()
    written: dict[tuple[str, str], str] = {}
    for device_id, signature_id, drawing in drawings:
        if not drawable(drawing):
            continue
        stem = file_stem(signature_id, device_id, taken)
        _write_private(directory / f"{stem}.svg", to_svg(drawing).encode("utf-8"))
        _write_private(directory / f"{stem}.png", to_png(drawing))
        written[(device_id, signature_id)] = stem
    return written


def _private_directory(directory: Path) -> None:
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"cannot make the directory {directory} ({exc.strerror})") from None
    if directory.is_symlink() or not directory.is_dir():
        raise UsageError(f"{directory} is not a directory; give a directory for the signatures")


def _write_private(path: Path, data: bytes) -> None:
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise UsageError(f"{path} is a symbolic link; remove it and try again") from None
        raise UsageError(f"cannot write {path} ({exc.strerror})") from None
    with open(fd, "wb") as out:
        os.fchmod(out.fileno(), 0o600)
        out.write(data)


def _text(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
