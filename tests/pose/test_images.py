"""Camera pictures: the declared size is checked before decoding, and the model gets a small image.

The fuzz tests feed crafted JPEG/PNG headers and garbage: every input is either decoded into a
picture no larger than ``max_side_px`` or refused with ``ImageError``; nothing else escapes.
"""

from __future__ import annotations

import struct
import zlib

import cv2
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from backcoach.pose.images import ImageError, ImageLimits, check_size, declared_size, decode_image

LIMITS = ImageLimits(max_bytes=512 * 1024, max_pixels=3840 * 2160, max_side_px=640)


def jpeg(width: int = 64, height: int = 48) -> bytes:
    image = np.full((height, width, 3), 120, dtype=np.uint8)
    ok, encoded = cv2.imencode(".jpg", image)
    assert ok
    return bytes(encoded.tobytes())


def claim_size(data: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its frame header claiming another size (a 'decompression bomb')."""
    sof = data.index(b"\xff\xc0")
    return data[: sof + 5] + struct.pack(">HH", height, width) + data[sof + 9 :]


def png_header(width: int, height: int) -> bytes:
    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    chunk = b"IHDR" + ihdr
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + chunk + struct.pack(
        ">I", zlib.crc32(chunk)
    )


def test_the_declared_size_is_read_from_jpeg_and_png_headers() -> None:
    assert declared_size(jpeg(64, 48)) == (64, 48)
    assert declared_size(png_header(300, 200)) == (300, 200)


def test_a_bomb_header_is_refused_before_decoding() -> None:
    bomb = claim_size(jpeg(), 27000, 27000)
    assert len(bomb) < 1000
    with pytest.raises(ImageError, match="too large"):
        decode_image(bomb, LIMITS)
    with pytest.raises(ImageError, match="too large"):
        decode_image(png_header(20000, 20000) + b"\x00" * 64, LIMITS)


def test_a_large_allowed_picture_reaches_the_model_small() -> None:
    image = decode_image(jpeg(3840, 2160), LIMITS)
    assert max(image.shape[:2]) == 640
    assert decode_image(jpeg(320, 240), LIMITS).shape == (240, 320, 3)


def test_too_many_bytes_are_refused() -> None:
    with pytest.raises(ImageError, match="bytes"):
        check_size(b"\xff\xd8" + b"\x00" * 600_000, LIMITS)


def _outcome(data: bytes) -> None:
    try:
        image = decode_image(data, LIMITS)
    except ImageError:
        return
    assert image.ndim == 3 and max(image.shape[:2]) <= LIMITS.max_side_px


@given(st.integers(0, 65535), st.integers(0, 65535), st.binary(max_size=64))
def test_fuzz_crafted_jpeg_headers(width: int, height: int, tail: bytes) -> None:
    data = claim_size(jpeg(), width, height)
    _outcome(data)
    _outcome(data[: len(data) // 2] + tail)


@settings(max_examples=25)  # an allowed large PNG is decoded in full: slow-ish
@given(st.integers(0, 2**32 - 1), st.integers(0, 2**32 - 1), st.binary(max_size=256))
def test_fuzz_crafted_png_headers(width: int, height: int, body: bytes) -> None:
    _outcome(png_header(width, height) + body)


@given(st.binary(max_size=2048))
def test_fuzz_garbage(data: bytes) -> None:
    _outcome(data)
    _outcome(b"\xff\xd8" + data)
    _outcome(b"\x89PNG\r\n\x1a\n" + data)
