"""Reading video files: checks that give a clear message, and decoding in its own thread.

Decoding runs in a background thread (OpenCV releases the GIL while it decodes and resizes), so
the pose model works on one frame while the next ones are decoded. Frames are downscaled in that
thread too: the pose model looks at a 256×256 crop anyway, and a smaller image is cheaper to
convert and copy. The rotation stored in a phone video's metadata is applied while decoding
(OpenCV's automatic orientation, switched on here), so frames arrive as the video is meant to be
seen.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

VIDEO_SUFFIXES = frozenset(
    {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".3gp"}
)
_QUEUE_FRAMES = 16
_PUT_TIMEOUT_S = 0.2


class VideoError(Exception):
    """A video cannot be opened or decoded; the message names the file and what to do."""


@dataclass(frozen=True, slots=True)
class VideoInfo:
    """What a video claims about itself (frame count is the container's estimate)."""

    path: Path
    fps: float
    width: int  # as decoded, after the metadata rotation
    height: int
    frame_count: int
    rotation_deg: int  # rotation stored in the metadata (already applied to decoded frames)

    @property
    def duration_s(self) -> float:
        return self.frame_count / self.fps if self.fps > 0 else 0.0


@dataclass(frozen=True, slots=True)
class DecodedFrame:
    """One decoded frame: its index, its time, the small image for inference (``None`` when the
    reader was told the frame is not wanted) and, if asked for, the full-size image."""

    index: int
    t: float
    small: np.ndarray | None
    full: np.ndarray | None


def _looks_like_video_bytes(head: bytes) -> bool:
    return (
        head[4:8] == b"ftyp"  # MP4, MOV, 3GP
        or (head[:4] == b"RIFF" and head[8:12] == b"AVI ")
        or head[:4] == b"\x1a\x45\xdf\xa3"  # Matroska, WebM
        or head[:4] in (b"\x00\x00\x01\xba", b"\x00\x00\x01\xb3")  # MPEG-PS/ES
        or head[:3] == b"FLV"
        or head[:4] == b"\x30\x26\xb2\x75"  # ASF / WMV
    )


def is_video_file(path: Path) -> bool:
    """Whether ``path`` should be treated as a video: by its extension or by its first bytes."""
    if path.suffix.lower() in VIDEO_SUFFIXES:
        return True
    if not path.is_file():  # a pipe or a device: never opened (it could block or never end)
        return False
    try:
        with path.open("rb") as handle:
            return _looks_like_video_bytes(handle.read(16))
    except OSError:
        return False


def _quiet_opencv() -> None:
    os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
    os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
    cv2.setLogLevel(0)  # 0 = silent: our own messages explain a failure


def _open_capture(path: Path) -> cv2.VideoCapture:
    if not path.exists():
        raise VideoError(f"{path}: no such file")
    if path.is_dir():
        raise VideoError(f"{path}: is a folder, not a video file")
    if path.stat().st_size == 0:
        raise VideoError(f"{path}: the file is empty")
    _quiet_opencv()
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    if not capture.isOpened():
        capture.release()
        raise VideoError(
            f"{path}: not a video that can be decoded (damaged, or not a video file); "
            "try re-exporting it as MP4"
        )
    capture.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)  # off by default in this OpenCV build
    return capture


#: The largest video frame decoded (8K UHD); the header's claim is checked before any frame.
MAX_VIDEO_PIXELS = 7680 * 4320


def _check_declared_size(path: Path, capture: cv2.VideoCapture) -> None:
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH) or 0)
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT) or 0)
    if width * height > MAX_VIDEO_PIXELS or max(width, height) > 16384:
        raise VideoError(
            f"{path}: the video's frames are too large ({width}x{height}; at most 8K, "
            f"{MAX_VIDEO_PIXELS} pixels)"
        )


def probe_video(path: Path) -> VideoInfo:
    """Open ``path``, decode its first frame and describe it; raises ``VideoError`` if unusable."""
    capture = _open_capture(path)
    try:
        _check_declared_size(path, capture)
        ok, frame = capture.read()
        if not ok or frame is None or frame.size == 0:
            raise VideoError(f"{path}: no frame could be decoded; the video may be damaged")
        fps = float(capture.get(cv2.CAP_PROP_FPS) or 0.0)
        if not 1.0 <= fps <= 1000.0:
            fps = 30.0  # unknown frame rate: assume the common one
        return VideoInfo(
            path=path,
            fps=fps,
            width=int(frame.shape[1]),
            height=int(frame.shape[0]),
            frame_count=max(int(capture.get(cv2.CAP_PROP_FRAME_COUNT) or 0), 1),
            rotation_deg=int(capture.get(cv2.CAP_PROP_ORIENTATION_META) or 0) % 360,
        )
    finally:
        capture.release()


def downscale(image: np.ndarray, max_side_px: int) -> np.ndarray:
    """Shrink ``image`` so its longer side is at most ``max_side_px`` (never enlarges)."""
    height, width = image.shape[:2]
    scale = max_side_px / max(height, width)
    if scale >= 1.0:
        return image
    size = (max(1, round(width * scale)), max(1, round(height * scale)))
    return cv2.resize(image, size, interpolation=cv2.INTER_AREA)


_END = object()


class ThreadedVideoReader:
    """Iterates over a video's frames, decoded and downscaled ahead in a background thread.

    Use as a context manager; leaving it (or breaking out early) stops the thread.
    ``wanted(t, slack_s)`` (asked in the reader thread) may say a frame will not be analysed:
    it is then decoded, as later frames depend on it, but not converted to colour nor
    downscaled. A decode error in the middle of a file ends the stream early (``truncated`` is
    then true) rather than raising: what was decoded is still analysed.
    """

    def __init__(
        self,
        path: Path,
        *,
        max_side_px: int = 640,
        keep_full: bool = False,
        wanted: Callable[[float, float], bool] | None = None,
    ) -> None:
        self.info = probe_video(path)
        self._wanted = wanted
        self._path = path
        self._max_side_px = max_side_px
        self._keep_full = keep_full
        self._queue: queue.Queue[object] = queue.Queue(maxsize=_QUEUE_FRAMES)
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.frames_decoded = 0
        self.truncated = False

    def __enter__(self) -> ThreadedVideoReader:
        self._thread = threading.Thread(target=self._run, name="backcoach-decode", daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            while self._thread.is_alive():
                self._drain()
                self._thread.join(timeout=0.05)
            self._thread = None

    def _drain(self) -> None:
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass

    def _put(self, item: object) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_PUT_TIMEOUT_S)
                return True
            except queue.Full:
                continue
        return False

    def _run(self) -> None:
        capture = _open_capture(self._path)
        fps = self.info.fps
        slack_s = 2.0 / fps  # the reader errs toward converting a frame too many
        index = 0
        try:
            while not self._stop.is_set():
                ok = capture.grab()
                t = index / fps
                image = None
                if ok and (self._keep_full or self._wanted is None or self._wanted(t, slack_s)):
                    ok, image = capture.retrieve()  # colour conversion only when needed
                    ok = ok and image is not None
                if not ok:
                    expected = self.info.frame_count
                    self.truncated = index < expected * 0.9 and expected > 1
                    break
                small = None if image is None else downscale(image, self._max_side_px)
                frame = DecodedFrame(index, t, small, image if self._keep_full else None)
                if not self._put(frame):
                    break
                index += 1
                self.frames_decoded = index
        except cv2.error:
            self.truncated = True
        finally:
            capture.release()
            self._put(_END)

    def __iter__(self) -> Iterator[DecodedFrame]:
        if self._thread is None:
            raise RuntimeError("use ThreadedVideoReader as a context manager")
        while True:
            item = self._queue.get()
            if item is _END:
                return
            assert isinstance(item, DecodedFrame)
            yield item
