"""Signatures per hour as an inline SVG bar chart, drawn on the server (no script, no library).
With a goal, the running total is drawn as a line against the goal (a dashed line), on the
right-hand scale. Every value in it is escaped; it carries a text summary for screen readers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from html import escape

WIDTH, HEIGHT = 720, 220
LEFT, BOTTOM, TOP = 44, 28, 12


@dataclass(frozen=True)
class Goal:
    signatures: int  # the goal
    before: int  # signatures collected before the first hour shown
    label: str  # the goal line's words, e.g. "Goal: 5000"


def hourly_svg(hours: list[tuple[datetime, int]], summary: str, goal: Goal | None = None) -> str:
    """`hours`: consecutive hours with their counts. `summary`: the chart said in words."""
    right = 48 if goal is not None else 8
    plot_w, plot_h = WIDTH - LEFT - right, HEIGHT - BOTTOM - TOP
    peak = max((n for _, n in hours), default=0)
    top = _nice(peak)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" '
        f'class="chart" role="img" aria-label="{escape(summary)}">',
        f"<title>{escape(summary)}</title>",
    ]
    for step in range(5):
        value = top * step // 4
        y = TOP + plot_h - plot_h * step / 4
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    if hours:
        slot = plot_w / len(hours)
        label_every = _label_every(len(hours))
        for i, (hour, count) in enumerate(hours):
            x = LEFT + i * slot
            if count:
                h = plot_h * count / top
                parts.append(
                    f'<rect x="{x + slot * 0.1:.1f}" y="{TOP + plot_h - h:.1f}" '
                    f'width="{max(slot * 0.8, 0.5):.1f}" height="{h:.1f}" class="bar">'
                    f"<title>{hour:%Y-%m-%d %H}:00 UTC: {count}</title></rect>"
                )
            if i % label_every == 0:
                text = f"{hour:%H}:00" if len(hours) <= 24 else f"{hour:%d.%m}"
                parts.append(
                    f'<text x="{x:.1f}" y="{HEIGHT - 8}" text-anchor="start">{text}</text>'
                )
    if goal is not None:
        parts.append(_goal_parts(hours, goal, plot_w, plot_h))
    parts.append("</svg>")
    return "".join(parts)


def _goal_parts(hours: list[tuple[datetime, int]], goal: Goal, plot_w: float, plot_h: int) -> str:
    """The running total (a line) and the goal (dashed), scaled to the larger of the two."""
    running, points = goal.before, []
    slot = plot_w / max(len(hours), 1)
    for i, (_hour, count) in enumerate(hours):
        running += count
        points.append((LEFT + (i + 1) * slot, running))
    top = max(goal.signatures, running, 1) * 1.12  # room above the line for its label

    def y(value: float) -> float:
        return TOP + plot_h - plot_h * value / top

    x_end = LEFT + plot_w
    start = f"{LEFT:.1f},{y(goal.before):.1f} "
    line = start + " ".join(f"{x:.1f},{y(v):.1f}" for x, v in points)
    return (
        f'<polyline points="{line}" class="total"/>'
        f'<line x1="{LEFT}" x2="{x_end:.1f}" y1="{y(goal.signatures):.1f}" '
        f'y2="{y(goal.signatures):.1f}" class="goal"/>'
        f'<text x="{x_end:.1f}" y="{y(goal.signatures) - 4:.1f}" text-anchor="end" '
        f'class="goal-label">{escape(goal.label)}</text>'
        f'<text x="{x_end + 4:.1f}" y="{y(running) + 4:.1f}" class="total-label">{running}</text>'
    )


def _nice(peak: int) -> int:
    """The axis maximum: a multiple of 4 at or above the peak, at least 4."""
    return max(4, -(-peak // 4) * 4)


def _label_every(bars: int) -> int:
    if bars <= 24:
        return 3
    days = max(1, bars // 24)
    return 24 * max(1, days // 7)
