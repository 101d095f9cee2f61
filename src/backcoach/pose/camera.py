"""A local camera as a stream of frames, always the newest one.

A live analysis must not fall behind the camera: a background thread keeps reading and holds
only the latest frame, so a slow model drops frames instead of building a queue. Frame times come
from the monotonic clock at capture (this is an adapter; the core is given these times).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from functools import partial

import cv2
import numpy as np

_FIRST_FRAME_TIMEOUT_S = 10.0
_STALL_TIMEOUT_S = 5.0


#: The highest camera number tried (computers number their cameras from 0, a few at most).
MAX_CAMERA_INDEX = 255


class CameraError(Exception):
    """The camera cannot be opened or stopped sending frames."""


class LatestFrameCamera:
    """Reads camera ``source`` in a thread; iterate to get (t, image) of the newest frames.

    ``source`` is a camera number, or a stream address or file OpenCV can open (tests use a
    video file as a stand-in camera: the same code path, read as fast as it decodes).
    """

    def __init__(self, source: int | str) -> None:
        if isinstance(source, int) and source < 0:
            raise CameraError(f"camera {source}: camera numbers start at 0")
        if isinstance(source, int) and source > MAX_CAMERA_INDEX:
            # OpenCV takes a C int and fails with an overload error beyond it.
            raise CameraError(f"camera {source}: camera numbers go up to {MAX_CAMERA_INDEX}")
        self.index = source
        self._capture = cv2.VideoCapture(source)
        if not self._capture.isOpened():
            self._capture.release()
            raise CameraError(
                f"camera {source}: cannot be opened (is a camera connected, and not in use by "
                "another program?)"
            )
        self._lock = threading.Condition()
        self._latest: tuple[float, np.ndarray] | None = None
        self._stop = threading.Event()
        self._ended = False
        self._start = time.monotonic()
        self._thread = threading.Thread(target=self._run, name="backcoach-camera", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            ok, image = self._capture.read()
            if not ok or image is None:
                break
            with self._lock:
                self._latest = (time.monotonic() - self._start, image)
                self._lock.notify_all()
        with self._lock:
            self._ended = True
            self._lock.notify_all()

    def _has_news(self, last_t: float) -> bool:
        return self._ended or (self._latest is not None and self._latest[0] > last_t)

    def frames(self) -> Iterator[tuple[float, np.ndarray]]:
        """Newest frames as they come; ends when the camera stops."""
        last_t = -1.0
        while True:
            with self._lock:
                timeout = _FIRST_FRAME_TIMEOUT_S if last_t < 0 else _STALL_TIMEOUT_S
                fresh = self._lock.wait_for(partial(self._has_news, last_t), timeout=timeout)
                latest = self._latest
                if not fresh:
                    raise CameraError(f"camera {self.index}: no frame for {timeout:.0f} s")
                if latest is None or latest[0] <= last_t:
                    return  # ended
            last_t = latest[0]
            yield latest

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)
        self._capture.release()
