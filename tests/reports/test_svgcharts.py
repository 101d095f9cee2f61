"""The history charts: inline SVG drawn from the journal's records on the shared time axis."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

from backcoach.core.records import SessionOutcome, SessionRecord, SetRecord, SetSource, Side
from backcoach.reports.svgcharts import (
    FONT,
    W,
    pain_chart,
    pain_marks,
    range_chart,
    range_marks,
    reps_points,
    value_chart,
)
from backcoach.reports.timeaxis import time_axis

DAY0 = datetime(2026, 3, 2, 9, 0)
NS = {"svg": "http://www.w3.org/2000/svg"}


def _session(hours: float, pain: tuple[int | None, int | None], reps: int,
             outcome: SessionOutcome = SessionOutcome.COMPLETED) -> SessionRecord:
    start = DAY0 + timedelta(hours=hours)
    sets = (SetRecord("knee-to-chest", reps, 5.0, start, start + timedelta(minutes=2)),)
    return SessionRecord(start, outcome, pain[0], pain[1], start + timedelta(minutes=5), sets=sets)


def _marks(svg: str) -> list[ET.Element]:
    root = ET.fromstring(svg)
    return [e for e in root if e.get("class") == "mark"]


def test_no_scores_no_pain_chart() -> None:
    sessions = [_session(0, (None, None), 3)]
    assert pain_chart(pain_marks(sessions), time_axis([s.started_at for s in sessions])) is None
    assert value_chart("Repetitions", "reps", [], time_axis([DAY0])) is None


def test_sessions_of_one_day_get_their_own_places_and_equal_scores_stay_visible() -> None:
    sessions = [_session(0, (3, 3), 4), _session(4, (4, 3), 6),
                _session(9, (5, None), 1, SessionOutcome.SHARP_PAIN)]
    axis = time_axis([s.started_at for s in sessions])
    marks = _marks(pain_chart(pain_marks(sessions), axis) or "")
    dots = [m for m in marks if m.tag.endswith("circle")]
    squares = [m for m in marks if m.tag.endswith("rect")]
    assert len(dots) == 3 and len(squares) == 2  # 3 before + 2 after
    xs = sorted(float(d.get("cx", 0)) for d in dots)
    assert xs[1] - xs[0] > 40 and xs[2] - xs[1] > 40
    # the first session's after-square (open) stands beside its before-dot: both can be seen
    assert squares[0].get("fill") == "none"
    dot_right = float(dots[0].get("cx", 0)) + float(dots[0].get("r", 0))
    stroke = float(squares[0].get("stroke-width", 0))
    assert float(squares[0].get("x", 0)) - stroke / 2 >= dot_right
    assert float(squares[0].get("width", 0)) + stroke >= 2 * float(dots[0].get("r", 0))
    root = ET.fromstring(pain_chart(pain_marks(sessions), axis) or "")
    assert any(t.text == "!" for t in root.findall("svg:text", NS))
    assert root.find("svg:title", NS) is not None


def test_bars_follow_repetitions_and_text_is_big_enough_for_a_phone() -> None:
    sessions = [_session(0, (3, 2), 4), _session(24, (4, 3), 6), _session(48, (5, 5), 1)]
    axis = time_axis([s.started_at for s in sessions])
    svg = value_chart("Repetitions per session", "repetitions", reps_points(sessions), axis)
    heights = [float(b.get("height", 0)) for b in _marks(svg or "")]
    assert heights[1] > heights[0] > heights[2] > 0
    # about 300 px of chart on a 360 px phone: text scales by 300/W
    assert FONT * 300 / W >= 12


def _camera_session(hours: float, *ranges: tuple[str, Side | None, float | None]) -> SessionRecord:
    start = DAY0 + timedelta(hours=hours)
    sets = tuple(
        SetRecord(e, 3, 5.0, start, start + timedelta(minutes=2), side=side,
                  source=SetSource.MANUAL if r is None else SetSource.CAMERA, range_deg=r)
        for e, side, r in ranges
    )  # fmt: skip
    return SessionRecord(start, SessionOutcome.COMPLETED, 3, 2, start + timedelta(minutes=5),
                         sets=sets)  # fmt: skip


def test_range_chart_has_no_point_without_a_camera_and_sits_under_the_pain_marks() -> None:
    sessions = [
        _camera_session(0, ("knee-to-chest", None, 40.0), ("knee-to-chest", None, 46.5)),
        _camera_session(24, ("knee-to-chest", None, None)),  # no camera: no point, not a zero
        _camera_session(48, ("knee-to-chest", None, 52.0), ("neck-flexion", None, 20.0)),
    ]
    axis = time_axis([s.started_at for s in sessions])
    marks = [m for m in range_marks(sessions) if m.exercise_id == "knee-to-chest"]
    assert [(m.at, m.range_deg) for m in marks] == [(DAY0, 46.5),
                                                     (DAY0 + timedelta(hours=48), 52.0)]
    svg = range_chart("Knee-to-chest", marks, axis) or ""
    dots = _marks(svg)
    assert len(dots) == 2
    pain = _marks(pain_chart(pain_marks(sessions), axis) or "")
    befores = [float(d.get("cx", 0)) for d in pain if d.tag.endswith("circle")]
    afters = [float(d.get("x", 0)) + float(d.get("width", 0)) / 2 for d in pain
              if d.tag.endswith("rect")]  # fmt: skip
    # the session's place is midway between its before-dot and its after-square
    sessions_x = [round((b + a) / 2, 1) for b, a in zip(befores, afters, strict=True)]
    assert [float(d.get("cx", 0)) for d in dots] == [sessions_x[0], sessions_x[2]]
    assert float(dots[1].get("cy", 0)) < float(dots[0].get("cy", 0))  # further: higher
    root = ET.fromstring(svg)
    assert "Knee-to-chest" in (root.findtext("svg:title", namespaces=NS) or "")
    desc = root.findtext("svg:desc", namespaces=NS) or ""  # the numbers, in words
    assert "first 46.5° on Mon 02 Mar 2026" in desc and "latest 52° on Wed 04 Mar 2026" in desc
    assert all(float(t.get("font-size", 0)) == FONT for t in root.iter(f"{{{NS['svg']}}}text"))
    assert range_chart("Knee-to-chest", [], axis) is None


def test_a_sided_exercise_shows_each_side_as_its_own_series() -> None:
    sessions = [_camera_session(0, ("hip-flexor-stretch", Side.LEFT, 30.0),
                                ("hip-flexor-stretch", Side.RIGHT, 30.0))]  # fmt: skip
    axis = time_axis([s.started_at for s in sessions])
    marks = _marks(range_chart("Hip flexor stretch", range_marks(sessions), axis) or "")
    # the left side as a dot, the right side as an open square
    assert sorted(m.tag.split("}")[1] for m in marks) == ["circle", "rect"]
