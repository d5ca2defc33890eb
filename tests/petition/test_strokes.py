"""The drawn signature as data: its limits, its compact form, and the geometry of its ink."""

from __future__ import annotations

import math
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.petition.strokes import (
    MAX_DURATION_MS,
    MAX_POINTS,
    MAX_STROKES,
    Drawing,
    LimitProblem,
    Point,
    bezier_point,
    bezier_segments,
    is_palm,
    limit_problem,
    quantised,
    stroke_widths,
)

unit = st.floats(min_value=0, max_value=1, allow_nan=False)
pressures = st.one_of(st.none(), unit)
points = st.builds(Point, unit, unit, st.integers(0, MAX_DURATION_MS), pressures)
strokes = st.lists(points, min_size=1, max_size=40).map(tuple)
aspects = st.one_of(st.none(), st.floats(min_value=0.1, max_value=10))
drawings = st.builds(lambda s, a: Drawing(tuple(s), a), st.lists(strokes, max_size=8), aspects)


def _line(n: int, *, start_t: int = 0, step_ms: int = 10) -> tuple[Point, ...]:
    return tuple(Point(i / max(n, 1), 0.5, start_t + i * step_ms) for i in range(n))


@given(drawings)
def test_a_drawing_reads_back_from_its_compact_form(drawing: Drawing) -> None:
    kept = quantised(drawing)
    assert Drawing.from_document(kept.to_document()) == kept
    assert (kept.aspect is None) == (drawing.aspect is None)
    for original, read in zip(drawing.strokes, kept.strokes, strict=True):
        for a, b in zip(original, read, strict=True):
            assert abs(a.x - b.x) <= 0.00005 and abs(a.y - b.y) <= 0.00005 and a.t == b.t
            assert (a.pressure is None) == (b.pressure is None)


@given(drawings)
def test_drawings_within_the_caps_pass(drawing: Drawing) -> None:
    # Every generated drawing lies on the pad and lasts at most the limit.
    assert limit_problem(drawing) is None


@given(st.integers(MAX_STROKES + 1, MAX_STROKES + 50))
def test_too_many_strokes_are_refused(count: int) -> None:
    drawing = Drawing(tuple(_line(2) for _ in range(count)))
    assert limit_problem(drawing) == LimitProblem.TOO_MANY_STROKES


@given(st.integers(MAX_POINTS + 1, MAX_POINTS * 3), st.integers(1, MAX_STROKES))
def test_too_many_points_are_refused(total: int, stroke_count: int) -> None:
    per_stroke, extra = divmod(total, stroke_count)
    # The strokes share their points (a slice of one tuple), so that a drawing of up to 18,000
    # points makes only a stroke's worth of Point objects: the count is what is checked.
    longer = _line(per_stroke + 1, step_ms=0)
    drawing = Drawing((longer,) * extra + (longer[:-1],) * (stroke_count - extra))
    assert drawing.point_count == total
    assert limit_problem(drawing) == LimitProblem.TOO_MANY_POINTS


@given(st.integers(MAX_DURATION_MS + 1, 10 * 60 * 1000))
def test_a_ten_minute_scribble_is_refused(last_t: int) -> None:
    drawing = Drawing((_line(3), (Point(0.2, 0.2, last_t), Point(0.3, 0.3, last_t))))
    assert limit_problem(drawing) == LimitProblem.TOO_LONG


def test_exactly_at_the_caps_is_accepted() -> None:
    per = MAX_POINTS // MAX_STROKES
    drawing = Drawing(tuple(_line(per, step_ms=0) for _ in range(MAX_STROKES - 1)))
    drawing = Drawing((*drawing.strokes, (Point(0, 0, 0), Point(1, 1, MAX_DURATION_MS))))
    assert drawing.point_count <= MAX_POINTS and len(drawing.strokes) == MAX_STROKES
    assert limit_problem(drawing) is None


@pytest.mark.parametrize(
    "point",
    [Point(1.5, 0.5, 0), Point(0.5, -0.1, 0), Point(0.5, 0.5, -1), Point(0.5, 0.5, 0, 1.2)],
)
def test_points_off_the_pad_are_malformed(point: Point) -> None:
    assert limit_problem(Drawing(((Point(0.1, 0.1, 0), point),))) == LimitProblem.MALFORMED


@pytest.mark.parametrize("aspect", [0.0, 0.05, 11.0, -3.0])
def test_an_impossible_pad_shape_is_malformed(aspect: float) -> None:
    line = (Point(0.1, 0.1, 0), Point(0.2, 0.2, 10))
    assert limit_problem(Drawing((line,), aspect)) == LimitProblem.MALFORMED


@pytest.mark.parametrize("doc", [[], {"strokes": [], "aspect": "wide"}, {"aspect": 4.0}])
def test_a_damaged_drawing_document_is_refused(doc: object) -> None:
    with pytest.raises(ValueError):
        Drawing.from_document(doc)


@pytest.mark.parametrize(
    "data",
    [
        {"strokes": []},
        [[[0.1, 0.2]]],
        [[[0.1, 0.2, 1.5]]],
        [[[0.1, "0.2", 1]]],
        [[[0.1, float("nan"), 1]]],
        [[[True, 0.2, 1]]],
        [[0.1, 0.2, 1]],
    ],
)
def test_damaged_stroke_data_is_refused(data: object) -> None:
    with pytest.raises(ValueError):
        Drawing.from_data(data)


def test_a_signature_needs_a_stroke_of_two_points() -> None:
    assert not Drawing().is_signature()
    assert not Drawing(((Point(0.5, 0.5, 0),), (Point(0.2, 0.2, 90),))).is_signature()
    assert Drawing(((Point(0.5, 0.5, 0), Point(0.6, 0.5, 16)),)).is_signature()


# --- ink ---------------------------------------------------------------------------------------


def _straight(speed_px_per_ms: float, n: int = 30) -> list[tuple[float, float, int]]:
    return [(i * speed_px_per_ms * 10, 0.0, i * 10) for i in range(n)]


def test_a_faster_hand_draws_a_thinner_line() -> None:
    slow = stroke_widths(_straight(0.05), min_width=1, max_width=6)
    fast = stroke_widths(_straight(3.0), min_width=1, max_width=6)
    assert slow[-1] > 5 and fast[-1] < 2
    assert all(1 <= w <= 6 for w in slow + fast)


@given(
    st.lists(
        st.tuples(st.floats(0, 2000), st.floats(0, 2000), st.integers(0, 20)),
        min_size=1,
        max_size=60,
    )
)
def test_widths_stay_between_the_limits(steps: list[tuple[float, float, int]]) -> None:
    t = 0
    pts = []
    for x, y, dt in steps:
        t += dt
        pts.append((x, y, t))
    widths = stroke_widths(pts, min_width=1.5, max_width=5)
    assert len(widths) == len(pts)
    assert all(1.5 <= w <= 5 for w in widths)


def test_the_width_changes_gradually_when_the_hand_speeds_up() -> None:
    # Slow, then suddenly fast: the filter lets the width fall over several points, not one.
    pts = [*_straight(0.05, 10)]
    x, t = pts[-1][0], pts[-1][2]
    pts += [(x + (i + 1) * 40.0, 0.0, t + (i + 1) * 10) for i in range(10)]
    widths = stroke_widths(pts, min_width=1, max_width=6)
    falling = widths[10:]
    assert all(a > b for a, b in pairwise(falling))
    unfiltered = 6 / (40 / 10 + 1)  # the width the fast speed alone would give
    assert widths[10] > 2 * unfiltered and widths[-1] < 1.2 * unfiltered


def test_the_curve_passes_through_every_point() -> None:
    pts = [(0.0, 0.0), (10.0, 5.0), (20.0, -3.0), (35.0, 8.0)]
    segments = bezier_segments(pts)
    assert len(segments) == 3
    for (start, _, _, end), a, b in zip(segments, pts[:-1], pts[1:], strict=True):
        assert start == a and end == b
    assert bezier_point(segments[1], 0) == pts[1]
    assert bezier_point(segments[1], 1) == pts[2]
    # Between points the curve bends smoothly: tangents match at the joints.
    (_, _, c2, joint), (_, c1, _, _) = segments[0], segments[1]
    assert math.isclose(
        math.atan2(joint[1] - c2[1], joint[0] - c2[0]),
        math.atan2(c1[1] - joint[1], c1[0] - joint[0]),
    )


def test_palm_touches_are_told_from_fingertips() -> None:
    # 96 dots per inch: 20 mm is about 76 px.
    assert not is_palm((30, 40), 96, limit_mm=20)
    assert is_palm((120, 60), 96, limit_mm=20)
    assert not is_palm((0, 0), 96, limit_mm=20)  # no contact size reported
    assert not is_palm((500, 500), 0, limit_mm=20)  # no physical size known
