"""The form's drawn signature: required, optional or not asked, and within its limits."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kiosk.petition.appeal import Appeal
from kiosk.petition.form import validate
from kiosk.petition.strokes import MAX_DURATION_MS, MAX_POINTS, Drawing, Point

VALID = {
    "first_name": "Ada",
    "last_name": "Lovelace",
    "email": "ada@example.org",
    "country": "United Kingdom",
}
SIGNED = Drawing(((Point(0.1, 0.5, 0), Point(0.4, 0.6, 40), Point(0.8, 0.4, 90)),))
TAP = Drawing(((Point(0.5, 0.5, 0),),))
# A second of points on one spot, repeated into a stroke past the cap: the same stroke as one
# made point by point, without up to 24,000 new Point objects per example.
STILL = tuple(Point(0.5, 0.5, t) for t in range(1000))


def _check(appeal: Appeal, setting: str, drawing: Drawing | None):  # type: ignore[no-untyped-def]
    return validate(
        replace(appeal, drawn_signature=setting),
        VALID,
        terms_accepted=True,
        updates_opt_in=False,
        drawing=drawing,
    )


@pytest.mark.parametrize("drawing", [None, Drawing(), TAP])
def test_a_required_drawing_must_be_drawn(appeal: Appeal, drawing: Drawing | None) -> None:
    result = _check(appeal, "required", drawing)
    assert not result.ok
    assert result.errors["drawn_signature"] == (
        "Please sign in the box with your finger, a pen or the mouse."
    )


def test_a_required_drawing_is_kept(appeal: Appeal) -> None:
    result = _check(appeal, "required", SIGNED)
    assert result.submission is not None and result.submission.drawing == SIGNED


@pytest.mark.parametrize("drawing", [None, Drawing(), TAP])
def test_an_optional_drawing_may_be_left_out(appeal: Appeal, drawing: Drawing | None) -> None:
    result = _check(appeal, "optional", drawing)
    assert result.submission is not None and result.submission.drawing is None


def test_an_optional_drawing_is_kept(appeal: Appeal) -> None:
    result = _check(appeal, "optional", SIGNED)
    assert result.submission is not None and result.submission.drawing == SIGNED


def test_a_drawing_the_appeal_does_not_ask_for_is_dropped(appeal: Appeal) -> None:
    result = _check(appeal, "none", SIGNED)
    assert result.submission is not None and result.submission.drawing is None


@given(
    setting=st.sampled_from(["optional", "required"]),
    extra_ms=st.integers(1, 10 * 60 * 1000),
    extra_points=st.integers(1, 3 * MAX_POINTS),
    which=st.sampled_from(["duration", "points"]),
)
def test_a_drawing_past_the_caps_says_what_to_do(
    appeal: Appeal, setting: str, extra_ms: int, extra_points: int, which: str
) -> None:
    if which == "duration":
        drawing = Drawing((*SIGNED.strokes, (Point(0.2, 0.2, 0), Point(0.3, 0.3, 0))))
        drawing = Drawing(
            (*drawing.strokes, (Point(0.5, 0.5, MAX_DURATION_MS + extra_ms), Point(0.6, 0.6, 0)))
        )
    else:
        count = MAX_POINTS + extra_points
        drawing = Drawing(((STILL * (count // len(STILL) + 1))[:count],))
    result = _check(appeal, setting, drawing)
    assert not result.ok
    message = result.errors["drawn_signature"]
    assert "Please press Clear and sign again" in message
    assert set(result.errors) == {"drawn_signature"}


def test_a_drawing_problem_is_reported_with_the_other_problems(appeal: Appeal) -> None:
    result = validate(
        replace(appeal, drawn_signature="required"),
        {**VALID, "email": ""},
        terms_accepted=False,
        updates_opt_in=False,
    )
    assert set(result.errors) == {"email", "drawn_signature", "terms"}
