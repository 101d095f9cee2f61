"""Demonstration clips: which files exist for an exercise, as URLs the pages can use.

Clips are rendered by a script from the exercise's motion definition and shipped in
``static/demos`` (``<id>.webm`` or ``<id>.mp4`` looping, ``<id>.png`` still for reduced motion,
``<id>-placement.png`` for where the camera goes). Nothing is fetched from the network. A missing
file is simply left out: the page then shows the exercise's steps as text instead, and never asks
the server for a file it does not have.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from backcoach.core.catalog import Exercise
from backcoach.web.render import STATIC_DIR

DEMO_DIR = STATIC_DIR / "demos"
_VIDEO_TYPES = ((".webm", "video/webm"), (".mp4", "video/mp4"))


@dataclass(frozen=True)
class DemoAssets:
    """URLs (under ``/static``) of the files present for one exercise; ``None`` when absent."""

    exercise_id: str
    videos: tuple[tuple[str, str], ...]  # (url, MIME type), preferred first
    still: str | None
    placement: str | None

    def to_dict(self) -> dict[str, object]:
        return {
            "exercise_id": self.exercise_id,
            "videos": [{"src": src, "type": kind} for src, kind in self.videos],
            "still": self.still,
            "placement": self.placement,
        }


def _url(path: Path) -> str | None:
    return f"/static/demos/{path.name}" if path.is_file() and path.stat().st_size else None


def demo_assets(exercise: Exercise, folder: Path = DEMO_DIR) -> DemoAssets:
    """What is there for ``exercise`` (checked on each call: the files are few and small)."""
    videos = tuple(
        (url, kind)
        for suffix, kind in _VIDEO_TYPES
        if (url := _url(folder / f"{exercise.id}{suffix}")) is not None
    )
    return DemoAssets(
        exercise_id=exercise.id,
        videos=videos,
        still=_url(folder / f"{exercise.id}.png"),
        placement=_url(folder / f"{exercise.id}-placement.png"),
    )
