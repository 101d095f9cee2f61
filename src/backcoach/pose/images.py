"""Decoding untrusted still images (camera frames) with their size checked before any allocation.

A JPEG or PNG header can claim any size: a 631-byte JPEG that says 27000x27000 makes a decoder
allocate gigabytes. We read the declared width and height from the header first and refuse a
picture above ``ImageLimits``; a large but allowed picture is decoded at a reduced scale (the JPEG
decoder's own 1/2, 1/4, 1/8 steps) and then shrunk to ``max_side_px``, so the pose model and the
memory never see more than a small frame, whatever the client sends.
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from typing import Any

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Start-of-frame markers carry the size; C4 (Huffman table), C8 (reserved), CC (arithmetic
# coding table) share the range but are not frames.
_SOF_MARKERS = frozenset(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}
_STANDALONE = frozenset({0x01, *range(0xD0, 0xD8)})  # markers without a length field


class ImageError(ValueError):
    """An image that cannot be used: not a JPEG/PNG, damaged, or too large; the message says why."""


@dataclass(frozen=True)
class ImageLimits:
    """The largest picture accepted and the size the pose model gets."""

    max_bytes: int = 512 * 1024
    max_width: int = 4096
    max_height: int = 4096
    max_pixels: int = 3840 * 2160
    max_side_px: int = 640


def _jpeg_size(data: bytes) -> tuple[int, int]:
    """(width, height) from the first start-of-frame segment, walking the marker segments."""
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            raise ImageError("the JPEG image could not be decoded (bad marker)")
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in _STANDALONE:
            pos += 2
            continue
        if marker in (0xD9, 0xDA):  # end of image / start of scan before any frame header
            break
        (length,) = struct.unpack(">H", data[pos + 2 : pos + 4])
        if length < 2:
            raise ImageError("the JPEG image could not be decoded (bad segment length)")
        if marker in _SOF_MARKERS:
            if pos + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 5 : pos + 9])
            return width, height
        pos += 2 + length
    raise ImageError("the JPEG image could not be decoded (no frame header)")


def _png_size(data: bytes) -> tuple[int, int]:
    if len(data) < 24 or data[12:16] != b"IHDR":
        raise ImageError("the PNG image could not be decoded (no IHDR header)")
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def declared_size(data: bytes) -> tuple[int, int]:
    """The (width, height) an image's header declares; ``ImageError`` if not a JPEG or PNG."""
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    if data.startswith(_PNG_SIGNATURE):
        return _png_size(data)
    raise ImageError("the image must be a JPEG or a PNG")


def check_size(data: bytes, limits: ImageLimits) -> tuple[int, int]:
    """The declared size, refused (``ImageError``) above the limits: bytes, sides, pixels."""
    if len(data) > limits.max_bytes:
        raise ImageError(f"image too large ({len(data)} bytes; the limit is {limits.max_bytes})")
    width, height = declared_size(data)
    if width < 1 or height < 1:
        raise ImageError("the image declares no pixels")
    if width > limits.max_width or height > limits.max_height or width * height > limits.max_pixels:
        raise ImageError(
            f"image too large ({width}x{height} pixels; the limit is "
            f"{limits.max_width}x{limits.max_height} and {limits.max_pixels} pixels)"
        )
    return width, height


def _reduced_flag(cv2: Any, longer_side: int, max_side_px: int) -> int:
    """The largest JPEG decode-time reduction that keeps the image at least ``max_side_px``."""
    for factor, flag in ((8, cv2.IMREAD_REDUCED_COLOR_8), (4, cv2.IMREAD_REDUCED_COLOR_4),
                         (2, cv2.IMREAD_REDUCED_COLOR_2)):
        if longer_side // factor >= max_side_px:
            return int(flag)
    return int(cv2.IMREAD_COLOR)


def decode_image(data: bytes, limits: ImageLimits | None = None) -> Any:
    """A BGR image no larger than ``limits.max_side_px`` on its longer side.

    Raises ``ImageError`` for anything that is not a decodable JPEG/PNG within the limits.
    """
    import cv2  # deferred: only image frames need OpenCV
    import numpy as np

    from backcoach.pose.video import downscale

    limits = limits or ImageLimits()
    width, height = check_size(data, limits)
    flag = int(cv2.IMREAD_COLOR)
    if data.startswith(b"\xff\xd8"):
        flag = _reduced_flag(cv2, max(width, height), limits.max_side_px)
    try:
        image = cv2.imdecode(np.frombuffer(data, dtype=np.uint8), flag)
    except cv2.error:
        image = None
    if image is None or image.ndim != 3 or image.size == 0:
        raise ImageError("the image could not be decoded (damaged or cut short)")
    return downscale(image, limits.max_side_px)
