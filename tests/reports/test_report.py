"""The report as a person hands it over: a real PDF, read back as text and as page images."""

from __future__ import annotations

import dataclasses
import re
import shutil
import subprocess
from pathlib import Path

import numpy as np
import pytest
from pypdf import PdfReader

from backcoach.core.records import History
from backcoach.reports.charts import report_charts
from backcoach.reports.period import ReportInputError
from backcoach.reports.report import render_html, render_report, write_report
from backcoach.reports.summary import ReportSource, build_report

HEADINGS = (
    "backcoach progress report",
    "At a glance",
    "Red-flag screening",
    "Adherence",
    "Pain before and after sessions",
    "Repetitions and hold times",
    "Form quality (camera)",
    "Sharp-pain stops",
    "Plan changes",
    "Patient-Specific Functional Scale",
    "Disclaimer",
)


@pytest.fixture(scope="module")
def pdf_path(source: ReportSource, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("report") / "report.pdf"
    write_report(source, out)
    return out


def _text(path: Path) -> str:
    reader = PdfReader(path)
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


def _read_ppm(data: bytes) -> np.ndarray:
    """Decode a binary PPM (P6) as written by pdftoppm into an H x W x 3 array."""
    match = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert match, "pdftoppm did not write a PPM image"
    width, height = int(match[1]), int(match[2])
    pixels = np.frombuffer(data[match.end() :], dtype=np.uint8)
    return pixels[: width * height * 3].reshape(height, width, 3)


def _page_images(path: Path) -> list[np.ndarray]:
    assert shutil.which("pdftoppm"), "pdftoppm is missing: apt-get install poppler-utils"
    images = []
    for number in range(1, len(PdfReader(path).pages) + 1):
        ppm = subprocess.run(
            ["pdftoppm", "-r", "40", "-f", str(number), "-l", str(number), str(path)],
            check=True,
            capture_output=True,
        ).stdout
        images.append(_read_ppm(ppm))
    return images


def test_pdf_text_is_extractable_with_every_heading(pdf_path: Path) -> None:
    text = _text(pdf_path)
    for heading in HEADINGS:
        assert heading in text
    assert "alex" in text
    assert "Knee-to-chest stretch" in text  # in the exercise table and the sharp-pain stop
    assert "Stratford" in text  # PSFS attribution
    assert "not medical advice" in text


def test_pdf_has_pages_and_embedded_charts(pdf_path: Path) -> None:
    reader = PdfReader(pdf_path)
    assert 2 <= len(reader.pages) <= 8
    # WeasyPrint shares one resource dictionary between pages: count distinct images
    images = {image.name: image for page in reader.pages for image in page.images}
    assert len(images) == 4  # adherence, exercises, quality, PSFS (pain is vector SVG)
    assert all(i.image is not None and i.image.width >= 600 for i in images.values())


def test_rendered_pages_show_the_charts(pdf_path: Path) -> None:
    pages = _page_images(pdf_path)
    assert all(page.shape[0] > 300 and page.shape[1] > 200 for page in pages)
    every = np.concatenate([page.reshape(-1, 3) for page in pages]).astype(int)
    # the adherence chart's green bars and the sharp-pain stop's red cross are drawn
    green = (abs(every - (0x2E, 0x7D, 0x32)).sum(axis=1) < 60).sum()
    red = (abs(every - (0xB0, 0x00, 0x20)).sum(axis=1) < 60).sum()  # the web chart's "!"
    assert green > 300 and red > 5
    for page in pages:  # no page is blank
        assert (page.min(axis=2) < 200).mean() > 0.01


def test_html_is_self_contained(source: ReportSource, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    write_report(source, out)
    html = out.read_text("utf-8")
    assert html.count('src="data:image/png;base64,') == 4
    # the web page's charts: pain, and the range of movement of each of the 3 exercises, each
    # drawn at the report's width and at a phone's (for the HTML report opened on a phone)
    assert html.count('src="data:image/svg+xml;base64,') == 8
    assert html.count('class="web-chart phone"') == 4
    assert '<section id="range-of-movement">' in html
    assert "http://" not in html and "https://" not in html
    assert "<h2>Sharp-pain stops</h2>" in html


def test_charts_follow_the_data(source: ReportSource) -> None:
    data = build_report(source)
    charts = report_charts(data)
    ranges = {f"range-{e.id}" for e in source.catalog}
    assert set(charts) == {"adherence", "pain", "exercises", "quality", "psfs", *ranges}
    svgs = {"pain", *ranges}
    assert all(chart.png.startswith(b"\x89PNG") for k, chart in charts.items() if k not in svgs)
    assert all((charts[k].svg or "").startswith("<svg") for k in svgs)
    no_camera = dataclasses.replace(data, quality=(), psfs=(), ranges=())
    assert set(report_charts(no_camera)) == {"adherence", "pain", "exercises"}
    html = render_html(no_camera, charts={})
    assert "The camera was not used in this period." in html
    assert "The camera did not measure a range of movement in this period." in html
    assert "Not recorded in this period" in html


def test_empty_journal_gives_a_report_that_says_so(source: ReportSource, tmp_path: Path) -> None:
    empty = dataclasses.replace(source, history=History(), psfs=())
    out = tmp_path / "empty.pdf"
    write_report(empty, out)
    text = _text(out)
    assert "No data" in text and "alex" in text and "not medical advice" in text
    assert [image for page in PdfReader(out).pages for image in page.images] == []


def test_user_text_is_escaped(source: ReportSource) -> None:
    hostile = dataclasses.replace(source, profile="<script>alert(1)</script>")
    html = render_html(build_report(hostile), charts={})
    assert "<script>" not in html and "&lt;script&gt;" in html


@pytest.mark.parametrize("name", ["report.docx", "report"])
def test_unknown_output_format_is_refused(source: ReportSource, tmp_path: Path, name: str) -> None:
    with pytest.raises(ReportInputError, match=r"\.pdf or \.html"):
        write_report(source, tmp_path / name)
    assert not (tmp_path / name).exists()


def test_unwritable_output_is_a_clear_error(source: ReportSource, tmp_path: Path) -> None:
    with pytest.raises(ReportInputError, match="cannot write the report"):
        write_report(source, tmp_path / "missing-folder" / "report.html")


def test_uncleared_red_flag_is_shown_first(source: ReportSource) -> None:
    record = source.history.screenings[0]
    flagged = dataclasses.replace(
        record, answers={**record.answers, "fever": True}, positive_flags=("infection",)
    )
    history = dataclasses.replace(source.history, screenings=(flagged,))
    html = render_html(build_report(dataclasses.replace(source, history=history)), charts={})
    glance = html.split("<h2>Red-flag screening</h2>")[0]
    assert "Signs that could point to an infection; not cleared, exercise is blocked." in glance
    assert '<tr class="yes"><td>Do you have a fever' in html


def test_render_report_refuses_unknown_kinds(source: ReportSource) -> None:
    with pytest.raises(ReportInputError, match="use pdf or html"):
        render_report(source, "docx")
