"""The progress report as one self-contained HTML page (the PDF is made from the same page).

The page carries its stylesheet and its charts inline (``data:`` URIs), so it opens anywhere,
offline, and the PDF renderer never needs to fetch a thing.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from backcoach.core.records import MorningFeeling
from backcoach.reports.charts import Chart, report_charts
from backcoach.reports.period import ReportInputError
from backcoach.reports.summary import (
    ReportData,
    ReportSource,
    adherence_rows,
    build_report,
    mean_or_none,
)

REPORT_SUFFIXES = (".pdf", ".html")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("backcoach.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["day"] = _day
    env.filters["when"] = _when
    env.filters["score"] = _score
    return env


def _day(value: date | datetime) -> str:
    return value.strftime("%a %d %b %Y")


def _when(value: datetime) -> str:
    return value.strftime("%d %b %Y %H:%M")


def _score(value: float | int | None, digits: int = 1) -> str:
    if value is None:
        return "-"
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def stylesheet() -> str:
    """The report's CSS (also used by the PDF renderer)."""
    return (resources.files("backcoach.reports") / "templates" / "report.css").read_text("utf-8")


def render_html(data: ReportData, charts: dict[str, Chart] | None = None) -> str:
    """The report page for ``data``; ``charts`` defaults to drawing every chart the data allows."""
    drawn = report_charts(data) if charts is None else charts
    template = _environment().get_template("report.html.j2")
    return template.render(
        data=data,
        charts=drawn,
        range_charts=[c for key, c in drawn.items() if key.startswith("range-")],
        css=Markup(stylesheet()),  # our own file: must not be HTML-escaped inside <style>
        adherence_rows=adherence_rows(data.adherence),
        glance=_glance(data),
    )


def _glance(data: ReportData) -> dict[str, object]:
    """The figures of the "at a glance" box."""
    planned = data.sessions_planned
    return {
        "percent": None if planned == 0 else round(100 * data.sessions_completed / planned),
        "pain_before": mean_or_none(p.before for p in data.pain),
        "pain_after": mean_or_none(p.after for p in data.pain),
        "latest_screening": data.screenings[-1] if data.screenings else None,
        "psfs_first": data.psfs[0].mean if data.psfs else None,
        "psfs_latest": data.psfs[-1].mean if data.psfs else None,
        "worse_mornings": sum(1 for c in data.checkins if c.feeling is MorningFeeling.WORSE),
    }


def check_report_path(out: Path) -> str:
    """The format for ``out`` (``"pdf"`` or ``"html"``); raises ``ReportInputError`` otherwise."""
    suffix = out.suffix.lower()
    if suffix not in REPORT_SUFFIXES:
        raise ReportInputError(
            f"cannot tell the report format from {out.name!r}: end the file name in .pdf or .html"
        )
    if not out.parent.is_dir():
        raise ReportInputError(f"cannot write the report to {out}: the folder does not exist")
    return suffix.lstrip(".")


def render_report(source: ReportSource, kind: str) -> tuple[ReportData, bytes]:
    """The report for ``source`` as ``"pdf"`` or ``"html"`` bytes (the web serves these)."""
    if kind not in ("pdf", "html"):
        raise ReportInputError(f"unknown report format {kind!r}: use pdf or html")
    data = build_report(source)
    html = render_html(data)
    if kind == "html":
        return data, html.encode("utf-8")
    from backcoach.reports.pdf import html_to_pdf  # deferred: WeasyPrint is slow to import

    return data, html_to_pdf(html)


def write_report(source: ReportSource, out: Path) -> ReportData:
    """Build the report for ``source`` and write it to ``out`` as PDF or HTML (by suffix)."""
    data, payload = render_report(source, check_report_path(out))
    try:
        out.write_bytes(payload)
    except OSError as exc:
        raise ReportInputError(f"cannot write the report to {out}: {exc.strerror}") from None
    return data
