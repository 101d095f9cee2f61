"""The live loop (``backcoach analyze --camera N``), with a video file standing in for a camera:
the same OpenCV capture, newest-frame thread and analyser; no camera exists on this machine."""

from __future__ import annotations

from pathlib import Path

import pytest
from rich.console import Console

from backcoach.cli.analyze_video import analyse_camera
from backcoach.cli.errors import InputError
from backcoach.core.catalog import load_catalog
from backcoach.pose.camera import CameraError, LatestFrameCamera
from backcoach.pose.mediapipe_backend import MediaPipePoseBackend


@pytest.mark.timeout(30)
def test_frames_arrive_newest_first_and_the_stream_ends(blank_video: Path) -> None:
    camera = LatestFrameCamera(str(blank_video))
    try:
        times = [t for t, image in camera.frames() if image.shape == (240, 320, 3)]
    finally:
        camera.close()
    assert times and times == sorted(times)
    assert len(times) <= 60  # a slow reader gets the newest frame, not a backlog


@pytest.mark.timeout(30)
def test_a_missing_camera_is_refused() -> None:
    with pytest.raises(CameraError, match="camera 9"):
        LatestFrameCamera(9)
    with pytest.raises(CameraError, match="go up to 255"):
        LatestFrameCamera(10**20)  # OpenCV's own error for this was a crash message
    with pytest.raises(CameraError, match="start at 0"):
        LatestFrameCamera(-1)


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_live_loop_prints_and_summarises(demo_3s: Path) -> None:
    console = Console(record=True, width=120)
    exercise = load_catalog().get("neck-flexion")
    summary = analyse_camera(str(demo_3s), exercise, console=console,
                             backend_factory=MediaPipePoseBackend)
    text = console.export_text()
    assert "Watching camera" in text
    assert summary.exercise == "neck-flexion" and summary.frames >= 1 and summary.reps == 0


@pytest.mark.timeout(30)
def test_live_loop_on_a_missing_camera_is_an_input_error() -> None:
    exercise = load_catalog().get("neck-flexion")
    with pytest.raises(InputError, match="camera 5"):
        analyse_camera(5, exercise, console=Console(record=True))
