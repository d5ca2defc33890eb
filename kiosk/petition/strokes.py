"""A drawn signature as data: strokes of timed points, their limits, and the geometry of ink.

Points are kept normalised to the pad (x and y from 0 to 1), so the drawing survives a resize
or a rotation of the screen; `t` is milliseconds since the drawing's first point; `pressure`
(0 to 1) is there only when the device reported one (a pen). The drawing is personal data: it
lives in memory and inside the sealed record, never as an image or any other file.

The ink follows the "smoother signatures" technique (Square, 2014): a cubic Bézier curve
through the points (control points from Catmull-Rom), and a stroke width that follows the
pen's velocity through a low-pass filter, thinner where the hand moved fast.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

# Limits that keep one drawing to a few hundred kilobytes of record even if someone scribbles
# for ten minutes. A signature takes a few seconds and a few hundred points.
MAX_STROKES = 100
MAX_POINTS = 6000
MAX_DURATION_MS = 120_000
# No pad is narrower or wider than this, relative to its height.
MIN_ASPECT = 0.1

# Decimal places kept when a drawing is written: 1/10,000 of the pad is well below a pixel.
_XY_PLACES = 4
_PRESSURE_PLACES = 3


@dataclass(frozen=True)
class Point:
    x: float  # 0..1 of the pad's width
    y: float  # 0..1 of the pad's height
    t: int  # ms since the first point of the drawing
    pressure: float | None = None  # 0..1 where the device reports it


Stroke = tuple[Point, ...]


@dataclass(frozen=True)
class Drawing:
    """The strokes of one drawn signature, in the order they were drawn."""

    strokes: tuple[Stroke, ...] = ()
    # The pad's width over its height when the drawing began, so the shape can be drawn again
    # undistorted from the normalised points; None where it is not known.
    aspect: float | None = None

    @property
    def point_count(self) -> int:
        return sum(len(s) for s in self.strokes)

    @property
    def duration_ms(self) -> int:
        times = [p.t for s in self.strokes for p in s]
        return max(times) - min(times) if times else 0

    def is_signature(self) -> bool:
        """At least one stroke that goes somewhere: two points or more."""
        return any(len(s) >= 2 for s in self.strokes)

    def to_data(self) -> list[list[list[float | int]]]:
        """Compact JSON-ready form: strokes of [x, y, t] or [x, y, t, pressure]."""
        return [[_point_data(p) for p in stroke] for stroke in self.strokes]

    def to_document(self) -> dict[str, Any]:
        """What a record keeps: the strokes, and the pad's shape where known."""
        doc: dict[str, Any] = {"strokes": self.to_data()}
        if self.aspect is not None:
            doc["aspect"] = round(self.aspect, _XY_PLACES)
        return doc

    @classmethod
    def from_document(cls, doc: Any) -> Drawing:
        if not isinstance(doc, dict):
            raise ValueError("a drawn signature is a table with its strokes")
        aspect = doc.get("aspect")
        drawing = cls.from_data(doc.get("strokes"))
        return cls(drawing.strokes, None if aspect is None else _number(aspect))

    @classmethod
    def from_data(cls, data: Any) -> Drawing:
        """The inverse of `to_data`; raises ValueError for anything else."""
        if not isinstance(data, list):
            raise ValueError("a drawing is a list of strokes")
        strokes = []
        for stroke in data:
            if not isinstance(stroke, list):
                raise ValueError("a stroke is a list of points")
            strokes.append(tuple(_point(p) for p in stroke))
        return cls(tuple(strokes))


def _point_data(p: Point) -> list[float | int]:
    values: list[float | int] = [round(p.x, _XY_PLACES), round(p.y, _XY_PLACES), p.t]
    if p.pressure is not None:
        values.append(round(p.pressure, _PRESSURE_PLACES))
    return values


def _number(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValueError(f"{value!r} is not a finite number")
    return float(value)


def _point(data: Any) -> Point:
    if not isinstance(data, list) or len(data) not in (3, 4):
        raise ValueError("a point is [x, y, t] or [x, y, t, pressure]")
    x, y = _number(data[0]), _number(data[1])
    t = data[2]
    if isinstance(t, bool) or not isinstance(t, int):
        raise ValueError(f"{t!r} is not a time in whole milliseconds")
    pressure = _number(data[3]) if len(data) == 4 else None
    return Point(x, y, t, pressure)


def quantised(drawing: Drawing) -> Drawing:
    """The drawing as it will read back from a record: coordinates to the places kept."""
    return Drawing.from_document(drawing.to_document())


# Limits and well-formedness.


class LimitProblem:
    """Why a drawing cannot be kept; the form turns each into a message for the supporter."""

    TOO_MANY_STROKES = "too_many_strokes"
    TOO_MANY_POINTS = "too_many_points"
    TOO_LONG = "too_long"
    MALFORMED = "malformed"


def limit_problem(drawing: Drawing) -> str | None:
    """The first limit the drawing breaks, or None when it can be sealed as it is."""
    if drawing.aspect is not None and not MIN_ASPECT <= drawing.aspect <= 1 / MIN_ASPECT:
        return LimitProblem.MALFORMED
    if len(drawing.strokes) > MAX_STROKES:
        return LimitProblem.TOO_MANY_STROKES
    if drawing.point_count > MAX_POINTS:
        return LimitProblem.TOO_MANY_POINTS
    for stroke in drawing.strokes:
        for p in stroke:
            if not (0.0 <= p.x <= 1.0 and 0.0 <= p.y <= 1.0 and p.t >= 0):
                return LimitProblem.MALFORMED
            if p.pressure is not None and not 0.0 <= p.pressure <= 1.0:
                return LimitProblem.MALFORMED
    if drawing.duration_ms > MAX_DURATION_MS:
        return LimitProblem.TOO_LONG
    return None


# The geometry of ink, in the pad's pixels at its present size.

Pixel = tuple[float, float]

VELOCITY_FILTER_WEIGHT = 0.7  # how much of the last velocity each new one keeps


def stroke_widths(
    points: Sequence[tuple[float, float, int]],
    *,
    min_width: float,
    max_width: float,
    filter_weight: float = VELOCITY_FILTER_WEIGHT,
) -> list[float]:
    """The ink width at each point of a stroke, from (x px, y px, t ms) points.

    Velocity (pixels per millisecond) between consecutive points is smoothed by a low-pass
    filter, and the width is `max_width / (velocity + 1)`, never below `min_width`: a slow
    hand leaves a thick line, a quick flourish a thin one.
    """
    if not points:
        return []
    middle = (min_width + max_width) / 2
    widths = [middle]
    velocity = 0.0
    for (x0, y0, t0), (x1, y1, t1) in pairwise(points):
        elapsed = max(t1 - t0, 1)
        measured = math.hypot(x1 - x0, y1 - y0) / elapsed
        velocity = filter_weight * velocity + (1 - filter_weight) * measured
        widths.append(max(max_width / (velocity + 1), min_width))
    if len(widths) > 1:
        widths[0] = widths[1]  # the first point has no velocity of its own
    return widths


def bezier_segments(points: Sequence[Pixel]) -> list[tuple[Pixel, Pixel, Pixel, Pixel]]:
    """Cubic Bézier segments (start, control 1, control 2, end) through every point, with the
    control points of a Catmull-Rom spline, so the curve passes through what the hand touched."""
    segments = []
    count = len(points)
    for i in range(count - 1):
        p0 = points[max(i - 1, 0)]
        p1, p2 = points[i], points[i + 1]
        p3 = points[min(i + 2, count - 1)]
        c1 = (p1[0] + (p2[0] - p0[0]) / 6, p1[1] + (p2[1] - p0[1]) / 6)
        c2 = (p2[0] - (p3[0] - p1[0]) / 6, p2[1] - (p3[1] - p1[1]) / 6)
        segments.append((p1, c1, c2, p2))
    return segments


def bezier_point(segment: tuple[Pixel, Pixel, Pixel, Pixel], s: float) -> Pixel:
    """The point at parameter `s` (0..1) of a cubic Bézier segment."""
    (x0, y0), (x1, y1), (x2, y2), (x3, y3) = segment
    u = 1 - s
    a, b, c, d = u * u * u, 3 * u * u * s, 3 * u * s * s, s * s * s
    return (a * x0 + b * x1 + c * x2 + d * x3, a * y0 + b * y1 + c * y2 + d * y3)


def is_palm(diameters_px: tuple[float, float], dots_per_inch: float, *, limit_mm: float) -> bool:
    """Whether a touch's contact ellipse is too large for a fingertip (a resting palm or the
    side of a hand), given the screen's physical resolution."""
    if dots_per_inch <= 0:
        return False
    widest_mm = max(diameters_px) / dots_per_inch * 25.4
    return widest_mm > limit_mm
