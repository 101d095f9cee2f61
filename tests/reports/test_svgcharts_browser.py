"""The SVG charts' time-axis labels measured in real Chromium: from one day to eight years, at a
360 px phone and a 1366 px laptop, no two labels overlap, none leaves the chart, and the text
renders at 12 px or more. (Label widths are estimated in ``reports.timeaxis``; this checks the
estimate against the fonts a browser really uses.)"""

from __future__ import annotations

import itertools
from datetime import date, datetime, timedelta
from importlib import resources

import pytest
from playwright.sync_api import Browser

from backcoach.core.records import SessionOutcome, SessionRecord, SetRecord, SetSource
from backcoach.reports.svgcharts import pain_chart, pain_marks, range_chart, range_marks
from backcoach.reports.timeaxis import time_axis

pytestmark = pytest.mark.slow

WIDTHS = {"phone-360": (360, 740), "laptop": (1366, 768)}
SPANS = [1, 7, 10, 30, 92, 120, 365, 500, 730, 1461, 2922]  # one day to eight years
END = date(2026, 11, 30)


def _sessions(days: int) -> list[SessionRecord]:
    """Sessions spread over ``days`` (three on the last day), every other one with a camera."""
    last = datetime.combine(END, datetime.min.time())
    starts = [last + timedelta(hours=h) for h in (8, 13, 18)]
    starts += [last - timedelta(days=d, hours=-9) for d in range(1, days, max(1, days // 12))]
    sessions = []
    for i, at in enumerate(sorted(starts)):
        one = SetRecord("knee-to-chest", 4, 5.0, at, at + timedelta(minutes=2),
                        source=SetSource.CAMERA, range_deg=40.0 + i) if i % 2 else SetRecord(
                        "knee-to-chest", 4, 5.0, at, at + timedelta(minutes=2))  # fmt: skip
        sessions.append(SessionRecord(at, SessionOutcome.COMPLETED, 3, 2,
                                      at + timedelta(minutes=5), sets=(one,)))  # fmt: skip
    return sessions


def _page_html(days: int) -> str:
    sessions = _sessions(days)
    axis = time_axis([s.started_at for s in sessions], END - timedelta(days=days - 1), END)
    charts = [pain_chart(pain_marks(sessions), axis),
              range_chart("Knee-to-chest", range_marks(sessions), axis)]  # fmt: skip
    css = (resources.files("backcoach.web") / "static" / "css" / "app.css").read_text("utf-8")
    figures = "".join(f'<figure class="card chart-card">{c}</figure>' for c in charts if c)
    return (f"<!doctype html><html><head><style>{css}</style></head><body><main>"
            f'<div class="chart-grid">{figures}</div></main></body></html>')


@pytest.mark.parametrize("size", list(WIDTHS))
def test_axis_labels_never_overlap_and_stay_in_the_chart(browser: Browser, size: str) -> None:
    width, height = WIDTHS[size]
    page = browser.new_page(viewport={"width": width, "height": height})
    for days in SPANS:
        page.set_content(_page_html(days))
        charts = page.locator("svg.chart")
        assert charts.count() == 2
        for i in range(2):
            boxes = page.evaluate("""(svg) => {
                const frame = svg.getBoundingClientRect();
                const ticks = [...svg.querySelectorAll('text.tick')].map(t => {
                    const r = t.getBoundingClientRect();
                    return [r.left, r.right, r.height, t.textContent];
                });
                const all = [...svg.querySelectorAll('text')].map(
                    t => t.getBoundingClientRect().height);
                return {left: frame.left, right: frame.right, ticks, smallest: Math.min(...all)};
            }""", charts.nth(i).element_handle())
            ticks = sorted(boxes["ticks"])
            assert ticks, days
            for a, b in itertools.pairwise(ticks):
                assert b[0] - a[1] >= 2, (days, size, a[3], b[3])
            assert ticks[0][0] >= boxes["left"] - 0.5 and ticks[-1][1] <= boxes["right"] + 0.5
            assert boxes["smallest"] >= 12, (days, size)
    page.close()
