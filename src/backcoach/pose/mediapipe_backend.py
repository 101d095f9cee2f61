"""The default pose backend: MediaPipe BlazePose (legacy ``mp.solutions.pose``), full model.

``mediapipe==0.10.21`` ships the *full* landmark model (``model_complexity=1``) and the detector
inside the wheel, so this backend runs offline. The lite and heavy models are not shipped: asking
mediapipe for them would make it download a file at run time, which backcoach never does, so only
the full model is offered.

In video mode MediaPipe detects a person once and then tracks the region around the previous
landmarks, re-running the detector only when tracking is lost: that is what keeps one person
followed when two are in view, and what keeps inference cheap. Its landmark smoothing is driven by
timestamps, so we pass the real frame time instead of MediaPipe's simulated 30 fps clock; with an
adaptive frame rate the gaps between frames vary.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import sys
import warnings
from collections.abc import Iterator
from importlib import resources
from typing import Any

import cv2
import numpy as np

from backcoach.pose.backend import Landmarks, PoseBackendError

MODEL_NAME = "mediapipe-pose-full"
_FULL_MODEL = "modules/pose_landmark/pose_landmark_full.tflite"
_FRAME_STEP_US = 33_333  # mediapipe's own per-call timestamp increment
_NOISY_CALLS = 3  # calls after the first detection that may still print one-off notices


def _quiet_native_logs() -> None:
    """Keep TensorFlow Lite / absl start-up chatter off the user's terminal."""
    os.environ.setdefault("GLOG_minloglevel", "2")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


@contextlib.contextmanager
def _native_stderr_silenced() -> Iterator[None]:
    """Hide what MediaPipe's C++ code prints on start-up (absl and TFLite notices written straight
    to file descriptor 2, out of Python's reach). Python-level errors still raise."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):
        yield
        return
    try:
        with open(os.devnull, "wb") as devnull:
            os.dup2(devnull.fileno(), 2)
            yield
    finally:
        _flush_c_streams()  # notices still buffered in C stdio go to /dev/null too
        os.dup2(saved, 2)
        os.close(saved)


def _flush_c_streams() -> None:
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).fflush(None)


def _import_pose_module() -> Any:
    _quiet_native_logs()
    with warnings.catch_warnings():
        # protobuf's runtime/gencode version notice, raised while mediapipe imports its protos
        warnings.filterwarnings("ignore", category=UserWarning, module=r"google\.protobuf\..*")
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"google\.protobuf.*")
        from mediapipe.python.solutions import pose as mp_pose
    return mp_pose


def full_model_installed() -> bool:
    """Whether the installed mediapipe ships the full model (so no download can be attempted)."""
    try:
        return (resources.files("mediapipe") / _FULL_MODEL).is_file()
    except ModuleNotFoundError:
        return False


class MediaPipePoseBackend:
    """BlazePose full, offline; one person followed per stream.

    ``smooth`` turns on MediaPipe's own landmark filter (its default). Create one backend per
    video or camera stream: tracking state lives inside.
    """

    name = MODEL_NAME

    def __init__(
        self,
        *,
        smooth: bool = True,
        min_detection_confidence: float = 0.5,
        min_tracking_confidence: float = 0.5,
    ) -> None:
        if not full_model_installed():
            raise PoseBackendError(
                "the MediaPipe pose model is not installed; install mediapipe==0.10.21 "
                "(backcoach never downloads models at run time)"
            )
        try:
            with _native_stderr_silenced():
                mp_pose = _import_pose_module()
                self._pose = mp_pose.Pose(
                    static_image_mode=False,
                    model_complexity=1,
                    smooth_landmarks=smooth,
                    enable_segmentation=False,
                    min_detection_confidence=min_detection_confidence,
                    min_tracking_confidence=min_tracking_confidence,
                )
        except (RuntimeError, OSError) as exc:
            raise PoseBackendError(f"cannot start the MediaPipe pose model: {exc}") from None
        self._noisy_calls_left = _NOISY_CALLS
        self._last_us = 0

    def _set_timestamp(self, t: float) -> None:
        # SolutionBase adds 33333 µs before each call; pre-set it so the packet carries t.
        t_us = max(round(t * 1e6), self._last_us + 1)
        self._pose._simulated_timestamp = t_us - _FRAME_STEP_US
        self._last_us = t_us

    def estimate(self, image_bgr: np.ndarray, t: float) -> Landmarks | None:
        if image_bgr.ndim != 3 or image_bgr.shape[2] != 3 or image_bgr.size == 0:
            raise PoseBackendError(f"expected a colour image, got an array of {image_bgr.shape}")
        rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
        self._set_timestamp(t)
        if self._noisy_calls_left <= 0:
            result = self._pose.process(rgb)
        else:  # loading the model and the first tracked frames print notices on stderr
            with _native_stderr_silenced():
                result = self._pose.process(rgb)
        found = result.pose_landmarks
        if found is not None or self._noisy_calls_left < _NOISY_CALLS:
            self._noisy_calls_left -= 1
        if found is None:
            return None
        return [[lm.x, lm.y, lm.z, lm.visibility] for lm in found.landmark]

    def close(self) -> None:
        self._pose.close()
