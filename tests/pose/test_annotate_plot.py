"""The overlay follows the analyser's events; the annotated video and the plot are files that
open with the right size (checked by decoding them, not by their existence)."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np
import pytest

from backcoach.core.catalog import load_catalog
from backcoach.core.motion.types import (
    AnalysisSummary,
    EventKind,
    MotionEvent,
    RepetitionResult,
)
from backcoach.pose.annotate import AnnotatedVideoWriter, AnnotationError, OverlayState
from backcoach.pose.plot import HEIGHT_PX, WIDTH_PX, PlotError, hold_spans, plot_angles
from backcoach.synthetic import generate, simple_spec

EVENTS = [
    MotionEvent(EventKind.REP_STARTED, 1.0, rep=1),
    MotionEvent(EventKind.HOLD_PROGRESS, 2.0, rep=1, hold_s=0.0),
    MotionEvent(EventKind.HOLD_PROGRESS, 3.5, rep=1, hold_s=1.5),
    MotionEvent(EventKind.FAULT, 3.6, rep=1, code="head_lifted", message="Rest your head."),
    MotionEvent(EventKind.REP_COMPLETED, 6.0, rep=1, hold_s=3.0, quality=0.8),
]


def test_overlay_counts_times_and_shows_the_latest_cue_for_a_while() -> None:
    state = OverlayState(title="Knee-to-chest")
    state.update(3.5, EVENTS[:3])
    assert (state.reps, state.hold_s) == (0, 1.5)
    state.update(3.6, EVENTS[3:4])
    assert state.current_cue(5.0) == "Rest your head."
    state.update(6.0, EVENTS[4:])
    assert state.reps == 1 and state.hold_s == 3.0
    assert state.current_cue(6.5) == "Repetition 1 done"
    assert state.current_cue(20.0) is None


def test_hold_spans_come_from_hold_progress() -> None:
    assert hold_spans(EVENTS) == [(2.0, 5.0)]


def test_hold_spans_leave_out_holds_that_were_not_counted() -> None:
    unfinished = [*EVENTS[:3], MotionEvent(EventKind.HOLD_PROGRESS, 8.0, rep=2, hold_s=0.5)]
    assert hold_spans(unfinished) == []
    assert hold_spans([*EVENTS, unfinished[-1]]) == [(2.0, 5.0)]


def test_annotated_video_opens_with_every_frame(tmp_path: Path) -> None:
    landmarks = generate(simple_spec("knee-to-chest", reps=1), seed=2).frames[40].landmarks
    path = tmp_path / "annotated.mp4"
    writer = AnnotatedVideoWriter(path, 30.0, 320, 180)
    state = OverlayState(title="Knee-to-chest")
    blank = np.zeros((180, 320, 3), np.uint8)
    for i in range(12):
        writer.write(blank, landmarks if i % 3 else None, state, {"hip_flexion": 42.0}, i / 30)
    writer.close()
    capture = cv2.VideoCapture(str(path))
    frames = []
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        frames.append(frame)
    capture.release()
    assert len(frames) == 12 and frames[0].shape == (180, 320, 3)
    assert frames[1].max() > 100  # something was drawn: skeleton and text panel


def test_annotated_video_in_a_missing_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(AnnotationError, match="does not exist"):
        AnnotatedVideoWriter(tmp_path / "no" / "a.mp4", 30.0, 320, 180)


def test_plot_is_a_png_of_the_promised_size(tmp_path: Path) -> None:
    exercise = load_catalog().get("knee-to-chest")
    times = [i / 10 for i in range(80)]
    series = [None if 20 <= i < 25 else {"hip_flexion": 60 + 50 * np.sin(i / 12)}
              for i in range(80)]
    summary = AnalysisSummary("knee-to-chest", 1, {"left": 0, "right": 0},
                              (RepetitionResult(1.0, 6.0, 3.0, None, 0.8),), (), 80, 7.9)
    path = tmp_path / "angles.png"
    plot_angles(path, exercise, times, series, summary, hold_spans(EVENTS))
    image = cv2.imread(str(path))
    assert image is not None and image.shape == (HEIGHT_PX, WIDTH_PX, 3)
    with pytest.raises(PlotError):
        plot_angles(tmp_path / "no" / "p.png", exercise, times, series, summary)
