"""Settings of one web app instance: where the journal lives, limits on input, test speed-ups.

Kept in one frozen value so the app, the WebSocket protocol and the tests read the same numbers;
nothing here is read from the environment at import time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from backcoach.pose.images import ImageLimits

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


@dataclass(frozen=True)
class WebSettings:
    """What ``create_app`` needs to know. Defaults suit a person running ``backcoach serve``."""

    data_dir: Path | None = None
    db_url: str | None = None
    catalog_dir: Path | None = None
    profile: str = "default"
    # Session timers run this many times faster than the wall clock (tests and demos only).
    time_scale: float = 1.0
    # Input limits: anything above is refused with a clear 4xx / WebSocket close reason.
    max_body_bytes: int = 64 * 1024
    max_frame_bytes: int = 512 * 1024
    # A client sending more messages than this per second (averaged over 2 s) is flooding.
    max_messages_per_s: float = 90.0
    max_camera_clients: int = 4
    # A camera socket with no message for this long is closed, so idle tabs cannot hold slots.
    camera_idle_s: float = 30.0
    # Frames decoded and posed at once over all sockets (each in its own worker thread).
    max_frames_in_flight: int = 2
    # The largest camera picture accepted (its header is checked before decoding).
    max_image_pixels: int = 3840 * 2160
    # Longer side of the picture the pose model gets.
    pose_side_px: int = 640
    # "mediapipe" runs the real pose model; "none" accepts landmark frames only.
    pose_backend: str = "mediapipe"
    # Real seconds without a heartbeat from a session's page before the session pauses itself
    # (the page polls 4 times a second while it is visible).
    heartbeat_timeout_s: float = 4.0
    # Extra Host header values accepted besides localhost / 127.0.0.1 / [::1].
    allowed_hosts: tuple[str, ...] = ()
    # ``serve --lan``: every device must pair with this code first (see web/pairing.py), and
    # ``public_url`` is the https address the QR code points phones to.
    lan: bool = False
    pairing_code: str | None = None
    public_url: str | None = None

    @property
    def image_limits(self) -> ImageLimits:
        from backcoach.pose.images import ImageLimits

        return ImageLimits(max_bytes=self.max_frame_bytes, max_pixels=self.max_image_pixels,
                           max_side_px=self.pose_side_px)

    def __post_init__(self) -> None:
        if not 0.1 <= self.time_scale <= 1000:
            raise ValueError("time_scale must be between 0.1 and 1000")
        if self.max_frame_bytes < 1024 or self.max_body_bytes < 1024:
            raise ValueError("max_frame_bytes and max_body_bytes must be at least 1 KiB")
        if self.camera_idle_s <= 0 or self.max_frames_in_flight < 1:
            raise ValueError("camera_idle_s must be positive and max_frames_in_flight at least 1")
        if self.lan and (self.pairing_code is None or len(self.pairing_code) < 6):
            raise ValueError("lan mode needs a pairing code of at least 6 characters")
