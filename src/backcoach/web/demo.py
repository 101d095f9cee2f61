"""Animated demonstrations: the synthetic body model doing each exercise, as landmark frames.

The browser draws them with the same skeleton painter as the live camera overlay, so a person
sees the movement the analyser looks for. Frames are noise-free, one slow repetition (one per
side for sided exercises), generated once per exercise and cached.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS, Exercise

DEMO_FPS = 10.0
# The model moves as slowly as the exercise asks (a repetition takes about half a minute); the
# demonstration plays it this many times faster.
DEMO_SPEED = 2.0
_FILL = 0.85
DEMO_WIDTH, DEMO_HEIGHT = 640, 480


def _sequence(exercise: Exercise) -> Any:
    from backcoach.synthetic import (
        Attempt,
        CameraSpec,
        DropoutSpec,
        NoiseSpec,
        SequenceSpec,
        generate,
    )

    sides: tuple[str | None, ...] = ("left", "right") if exercise.sided else (None,)
    attempts = tuple(
        Attempt(hold_s=2.5, up_s=2.5, down_s=2.5, rest_s=1.5, side=side)  # type: ignore[arg-type]
        for side in sides
    )
    spec = SequenceSpec(
        exercise_id=exercise.id,
        attempts=attempts,
        lead_in_s=1.0,
        camera=CameraSpec(side="left", fill=0.8),
        noise=NoiseSpec(jitter=0.0, visibility_jitter=0.0, outlier_rate=0.0),
        dropouts=DropoutSpec(short_per_min=0.0),
        fps=DEMO_FPS,
        width=DEMO_WIDTH,
        height=DEMO_HEIGHT,
        fidgets_per_min=0.0,
    )
    return generate(spec, seed=7, exercise=exercise)


_CACHE: dict[str, dict[str, Any]] = {}


def _framed(points: np.ndarray, width: int, height: int) -> np.ndarray:
    """Centre the whole movement in the picture and scale it to fill 85% of it (aspect kept)."""
    px, py = points[..., 0] * width, points[..., 1] * height
    span_x, span_y = float(np.ptp(px)) or 1.0, float(np.ptp(py)) or 1.0
    scale = min(_FILL * width / span_x, _FILL * height / span_y)
    mid_x, mid_y = (px.max() + px.min()) / 2, (py.max() + py.min()) / 2
    framed = points.copy()
    framed[..., 0] = ((px - mid_x) * scale + width / 2) / width
    framed[..., 1] = ((py - mid_y) * scale + height / 2) / height
    return framed


def _demo_for(exercise: Exercise) -> dict[str, Any]:
    sequence = _sequence(exercise)
    found = [f.landmarks for f in sequence.frames if f.landmarks is not None]
    points = _framed(np.asarray(found, dtype=float)[..., :4], sequence.width, sequence.height)
    frames = [[[round(float(v), 3) for v in point] for point in frame] for frame in points]
    peak = sequence.truth.reps[0] if sequence.truth.reps else None
    still = int(((peak.start + peak.end) / 2) * sequence.fps) if peak else 0
    return {
        "exercise": exercise.id,
        "fps": sequence.fps * DEMO_SPEED,
        "width": sequence.width,
        "height": sequence.height,
        "frames": frames,
        "still_index": min(still, len(frames) - 1),
        "landmark_names": list(BLAZEPOSE_LANDMARKS),
        "caption": f"{exercise.name}, seen from the side, at double speed. "
        "Yellow: left side; blue: right side.",
    }


def demo_frames(exercise: Exercise) -> dict[str, Any]:
    """The demonstration for ``exercise`` as JSON-ready data (cached after the first call)."""
    if exercise.id not in _CACHE:
        _CACHE[exercise.id] = _demo_for(exercise)
    return _CACHE[exercise.id]
