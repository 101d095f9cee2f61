"""The real model on real people (Sports2D's demo video), offline."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from collections.abc import Callable
from pathlib import Path

import cv2
import numpy as np
import pytest

from backcoach.core.catalog import BLAZEPOSE_LANDMARKS
from backcoach.pose.mediapipe_backend import MediaPipePoseBackend, full_model_installed
from backcoach.pose.pipeline import PipelineSettings, run_video

pytestmark = pytest.mark.slow

_HIPS = [BLAZEPOSE_LANDMARKS.index("left_hip"), BLAZEPOSE_LANDMARKS.index("right_hip")]


def test_the_full_model_ships_with_mediapipe() -> None:
    assert full_model_installed()


@pytest.mark.timeout(120)
def test_the_model_runs_with_the_network_cut_off(demo_3s: Path) -> None:
    """Any attempt to open a connection fails in this process; the model must not need one."""
    script = textwrap.dedent(f"""
        import socket, urllib.request
        def refuse(*args, **kwargs):
            raise SystemExit("network access attempted")
        socket.socket.connect = refuse
        socket.create_connection = refuse
        urllib.request.urlopen = refuse
        import cv2
        from backcoach.pose.mediapipe_backend import MediaPipePoseBackend
        capture = cv2.VideoCapture({str(demo_3s)!r})
        backend = MediaPipePoseBackend()
        found = 0
        for i in range(30):
            ok, image = capture.read()
            found += backend.estimate(image, i / 30) is not None
        backend.close()
        print("found", found)
    """)
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                            timeout=100, check=False)
    assert result.returncode == 0, result.stderr
    assert "found" in result.stdout
    assert int(result.stdout.split()[-1]) >= 20  # the first few frames flicker


@pytest.mark.timeout(120)
def test_pose_is_found_on_most_frames_and_one_person_is_followed(demo_3s: Path) -> None:
    """The man on the box (left) is in view all along; a woman walks in on the right after
    about 1.5 s. The pipeline keeps following the man."""
    stats, stream = run_video(demo_3s, MediaPipePoseBackend, PipelineSettings())
    hips_x = []
    for frame in stream:
        if frame.pose is not None and frame.pose.landmarks is not None:
            hips_x.append(float(np.mean([frame.pose.landmarks[i][0] for i in _HIPS])))
    assert stats.frames_decoded == 90
    assert stats.person_ratio >= 0.8
    assert 10 <= stats.frames_analysed < 90
    assert max(hips_x) < 0.5  # never jumped to the woman on the right


@pytest.mark.timeout(120)
def test_a_video_turned_sideways_still_finds_the_person(
    tmp_path: Path, demo_video: Path, make_reencoded: Callable[..., Path]
) -> None:
    turned = make_reencoded(demo_video, tmp_path / "sideways.mp4", seconds=2.0, width=640,
                            transform=lambda image: cv2.rotate(image, cv2.ROTATE_90_CLOCKWISE))
    stats, stream = run_video(turned, MediaPipePoseBackend, PipelineSettings())
    for _ in stream:
        pass
    assert stats.frames_decoded == 60
    assert stats.person_ratio >= 0.8
