"""Video files: recognised by name or content, bad ones refused with a clear message, frames
decoded in a background thread in order, downscaled, and the thread stopped when left early."""

from __future__ import annotations

import struct
import threading
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from backcoach.pose.video import (
    ThreadedVideoReader,
    VideoError,
    downscale,
    is_video_file,
    probe_video,
)


def _frames(count: int, size: tuple[int, int] = (160, 120)) -> list[np.ndarray]:
    width, height = size
    return [np.full((height, width, 3), (i * 7) % 255, np.uint8) for i in range(count)]


@pytest.fixture
def small_video(tmp_path: Path, make_video: Callable[..., Path]) -> Path:
    return make_video(tmp_path / "small.mp4", _frames(45, (320, 180)), fps=15.0)


def test_videos_are_recognised_by_extension_or_content(tmp_path: Path, small_video: Path) -> None:
    assert is_video_file(small_video)
    renamed = tmp_path / "recording.bin"
    renamed.write_bytes(small_video.read_bytes())
    assert is_video_file(renamed)  # MP4 by its "ftyp" box
    landmarks = tmp_path / "session.jsonl"
    landmarks.write_text('{"format": "backcoach-landmarks"}\n')
    assert not is_video_file(landmarks)
    assert is_video_file(tmp_path / "missing.MOV")  # by name; opening it will then explain


def test_probe_describes_the_video(small_video: Path) -> None:
    info = probe_video(small_video)
    assert (info.width, info.height, info.fps) == (320, 180, 15.0)
    assert info.frame_count == 45
    assert info.duration_s == pytest.approx(3.0)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty"),
        (b"this is a shopping list, not a video\n" * 20, "not a video"),
        (b"\x00\x00\x00\x18ftypmp42" + bytes(3000), "not a video"),
    ],
)
@pytest.mark.timeout(30)
def test_bad_files_are_refused_with_a_message(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "clip.mp4"
    path.write_bytes(content)
    with pytest.raises(VideoError, match=message):
        probe_video(path)


def test_missing_file_and_folder_are_refused(tmp_path: Path) -> None:
    with pytest.raises(VideoError, match="no such file"):
        probe_video(tmp_path / "nothing.mp4")
    with pytest.raises(VideoError, match="folder"):
        probe_video(tmp_path)


@pytest.mark.timeout(30)
def test_a_truncated_video_yields_what_can_be_decoded(
    tmp_path: Path, make_video: Callable[..., Path]
) -> None:
    whole = make_video(tmp_path / "whole.mp4", _frames(90, (320, 240)))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[: whole.stat().st_size * 6 // 10])
    try:
        reader = ThreadedVideoReader(cut)
    except VideoError as exc:  # the container index may be what was cut off
        assert "damaged" in str(exc) or "not a video" in str(exc)
        return
    with reader:
        frames = list(reader)
    assert 0 < len(frames) < 90


def test_reader_decodes_every_frame_in_order_with_times(small_video: Path) -> None:
    with ThreadedVideoReader(small_video, max_side_px=160, keep_full=True) as reader:
        frames = list(reader)
    assert [f.index for f in frames] == list(range(45))
    assert frames[30].t == pytest.approx(2.0)
    assert frames[0].small.shape == (90, 160, 3)
    assert frames[0].full is not None and frames[0].full.shape == (180, 320, 3)


def test_leaving_early_stops_the_decoding_thread(small_video: Path) -> None:
    before = threading.active_count()
    with ThreadedVideoReader(small_video) as reader:
        for frame in reader:
            if frame.index == 2:
                break
    assert threading.active_count() == before


def test_downscale_keeps_the_aspect_and_never_enlarges() -> None:
    image = np.zeros((720, 1280, 3), np.uint8)
    assert downscale(image, 640).shape == (360, 640, 3)
    assert downscale(image, 2000) is image


def test_rotation_metadata_is_applied(tmp_path: Path, make_video: Callable[..., Path]) -> None:
    """A phone holds video upright by metadata: the track's display matrix says "turn by 90°"."""
    frame = np.zeros((180, 320, 3), np.uint8)
    frame[:40, :40] = 255  # a marker in the top-left corner as stored
    stored = make_video(tmp_path / "stored.mp4", [frame] * 5)
    data = bytearray(stored.read_bytes())
    tkhd = data.find(b"tkhd") - 4  # box start; the matrix sits 48 bytes in (version 0)
    data[tkhd + 48 : tkhd + 84] = struct.pack(">9i", 0, 65536, 0, -65536, 0, 0, 0, 0, 1 << 30)
    turned = tmp_path / "phone.mp4"
    turned.write_bytes(bytes(data))
    info = probe_video(turned)
    assert (info.width, info.height, info.rotation_deg) == (180, 320, 90)
    with ThreadedVideoReader(turned, max_side_px=1000) as reader:
        first = next(iter(reader)).small
    assert first is not None and first.shape == (320, 180, 3)
    assert first[5, -5].mean() > 200 and first[5, 5].mean() < 50  # marker now top-right
