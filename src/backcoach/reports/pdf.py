"""Laying the report page out as a PDF with WeasyPrint, fully offline.

The page already carries its images as ``data:`` URIs. The only files read are the DejaVu fonts
that ship with matplotlib (so the PDF looks the same on a machine without system fonts), and the
URL fetcher refuses every other scheme: a report can never trigger a network request.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import matplotlib
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

_FONT_FILES = {
    ("DejaVu Sans", "normal", "normal"): "DejaVuSans.ttf",
    ("DejaVu Sans", "bold", "normal"): "DejaVuSans-Bold.ttf",
    ("DejaVu Sans", "normal", "italic"): "DejaVuSans-Oblique.ttf",
    ("DejaVu Sans Mono", "normal", "normal"): "DejaVuSansMono.ttf",
}


class PdfRenderError(Exception):
    """The PDF could not be laid out (e.g. a font file is missing)."""


def _font_dir() -> Path:
    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


@cache
def font_faces_css() -> str:
    """``@font-face`` rules for the bundled DejaVu fonts that exist on this machine."""
    rules = []
    for (family, weight, style), name in _FONT_FILES.items():
        path = _font_dir() / name
        if path.is_file():
            rules.append(
                f'@font-face {{ font-family: "{family}"; font-weight: {weight}; '
                f'font-style: {style}; src: url("{path.as_uri()}"); }}'
            )
    return "\n".join(rules)


def _offline_fetcher() -> URLFetcher:
    """Fetch ``data:`` URIs and local files only; anything else stops the rendering."""
    return URLFetcher(allowed_protocols=("data", "file"), fail_on_errors=True)


def html_to_pdf(html: str) -> bytes:
    """Render a self-contained HTML page to PDF bytes; raises ``PdfRenderError``."""
    fonts = FontConfiguration()
    fetcher = _offline_fetcher()
    try:
        faces = CSS(string=font_faces_css(), font_config=fonts, url_fetcher=fetcher)
        document = HTML(string=html, url_fetcher=fetcher, base_url=str(_font_dir()))
        pdf = document.write_pdf(stylesheets=[faces], font_config=fonts)
    except (Exception, FatalURLFetchingError) as exc:  # many types; the message is what matters
        raise PdfRenderError(f"the PDF could not be made: {exc}") from exc
    if not pdf:
        raise PdfRenderError("the PDF could not be made: the renderer returned nothing")
    return bytes(pdf)
