"""Landmark noise and tracking dropouts that look like a real pose model's output.

BlazePose's landmarks jitter frame to frame by a fraction of a percent of the body's size in the
image, a little more for landmarks on the far side of the body (which the model partly guesses),
and its depth (``z``) is much noisier than ``x`` and ``y``. The model also loses the person for a
few frames now and then, and reports nothing while the person is out of view.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from backcoach.synthetic.skeleton import Array


@dataclass(frozen=True)
class NoiseSpec:
    """How the pose model errs. Sizes are fractions of the body's extent in the image.

    ``jitter`` is the frame-to-frame noise; ``far_side_bias`` a slowly drifting offset of the
    landmarks the body hides (the model guesses where an occluded limb is, consistently wrong
    for a while); ``far_visibility_drop`` how much lower their visibility is in a pure side view.
    """

    jitter: float = 0.005
    far_side_factor: float = 1.8
    far_side_bias: float = 0.0
    far_visibility_drop: float = 0.38
    depth_factor: float = 4.0
    correlation_s: float = 0.04  # the model's own smoothing correlates noise over a few frames
    visibility_jitter: float = 0.04
    outlier_rate: float = 0.0005  # chance per far-side landmark and frame of a short jump
    swap_per_min: float = 0.0  # left/right mix-ups of the far and near legs (a few frames each)


@dataclass(frozen=True)
class DropoutSpec:
    """Frames with no person: short losses anywhere, longer ones while the person is away."""

    short_per_min: float = 1.0
    short_max_s: float = 0.25
    away: tuple[tuple[float, float], ...] = ()  # (start_s, duration_s) windows with no person


# Relative jitter per landmark: the face is tracked steadily, the extremities less so.
_LANDMARK_SCALE = np.array(
    [0.6] * 11  # face
    + [1.0, 1.0, 1.15, 1.15, 1.3, 1.3, 1.6, 1.6, 1.6, 1.6, 1.6, 1.6]  # arms and hands
    + [1.0, 1.0, 1.1, 1.1, 1.25, 1.25, 1.4, 1.4, 1.4, 1.4]  # legs and feet
)
_SHARED = np.sqrt(0.4)  # part of the variance common to all landmarks in a frame
_OWN = np.sqrt(0.6)


def _correlated(rng: np.random.Generator, shape: tuple[int, ...], phi: float) -> Array:
    """AR(1) noise with unit variance, correlated along the first axis."""
    white = rng.standard_normal(shape)
    out = np.empty(shape)
    out[0] = white[0]
    scale = np.sqrt(1 - phi**2)
    for i in range(1, shape[0]):
        out[i] = phi * out[i - 1] + scale * white[i]
    return out


def add_noise(
    landmarks: Array, far: Array, spec: NoiseSpec, fps: float, rng: np.random.Generator
) -> Array:
    """Jitter ``landmarks`` (n, 33, 4: x, y, z, visibility) in place-free fashion."""
    out = landmarks.copy()
    n = len(out)
    if n == 0:
        return out
    body_h = np.ptp(np.median(landmarks[:, :, 1], axis=0))
    body_w = np.ptp(np.median(landmarks[:, :, 0], axis=0))
    size = max(body_h, body_w, 0.05)
    phi = float(np.exp(-1.0 / (fps * spec.correlation_s)))
    sigma = spec.jitter * size * np.where(far, spec.far_side_factor, 1.0) * _LANDMARK_SCALE
    for axis, factor in ((0, 1.0), (1, 1.0), (2, spec.depth_factor)):
        own = _correlated(rng, (n, 33), phi)
        shared = _correlated(rng, (n, 1), phi)  # the whole skeleton shifts a little together
        out[:, :, axis] += (own * _OWN + shared * _SHARED) * sigma[None, :] * factor
    out[:, :, 3] += rng.standard_normal((n, 33)) * spec.visibility_jitter
    if spec.far_side_bias > 0:
        drift = _correlated(rng, (n, 2), float(np.exp(-1.0 / (fps * 3.0))))  # ~3 s wander
        offsets = np.clip(rng.standard_normal((33, 2)), -2, 2) * spec.far_side_bias * size
        bias = offsets[None, :, :] * (0.5 + 0.5 * drift[:, None, :])
        out[:, :, :2] += np.where(np.asarray(far, dtype=bool)[None, :, None], bias, 0.0)
    jumps = (rng.random((n, 33)) < spec.outlier_rate) & np.asarray(far, dtype=bool)[None, :]
    if jumps.any():
        count = int(jumps.sum())
        out[:, :, 0][jumps] += rng.normal(0, 0.08 * size, count)
        out[:, :, 1][jumps] += rng.normal(0, 0.08 * size, count)
        out[:, :, 3][jumps] -= 0.2
    out[:, :, 3] = np.clip(out[:, :, 3], 0.0, 1.0)
    return out


def dropout_mask(times: Array, spec: DropoutSpec, rng: np.random.Generator) -> Array:
    """Booleans per frame: True where the pose model reports no person."""
    missing = np.zeros(len(times), dtype=bool)
    duration_s = float(times[-1]) if len(times) else 0.0
    count = rng.poisson(spec.short_per_min * duration_s / 60.0)
    for start in rng.uniform(0, duration_s, count):
        length = rng.uniform(0.02, spec.short_max_s)
        missing |= (times >= start) & (times < start + length)
    for start, length in spec.away:
        missing |= (times >= start) & (times < start + length)
    return missing


SWAP_PAIRS = ((23, 24), (25, 26), (27, 28), (29, 30), (31, 32))


def swap_glitches(landmarks: Array, spec: NoiseSpec, fps: float, rng: np.random.Generator) -> Array:
    """Now and then the model swaps the left and right legs for a few frames (side views)."""
    out = landmarks.copy()
    n = len(out)
    count = rng.poisson(spec.swap_per_min * n / fps / 60.0)
    for start in rng.integers(0, max(n, 1), count):
        stop = min(n, int(start + rng.integers(2, max(3, int(0.2 * fps)))))
        for a, b in SWAP_PAIRS:
            out[start:stop, [a, b], :3] = out[start:stop, [b, a], :3]
    return out


WALK_S = 0.6  # how long leaving (or coming back into) the picture takes


def walk_out(landmarks: Array, times: Array, away: tuple[tuple[float, float], ...]) -> Array:
    """Around each spell away, the body slides out of the picture (toward the nearer side edge)
    and back in, with the landmarks outside the image losing visibility."""
    out = landmarks.copy()
    for start, length in away:
        before = np.clip((times - (start - WALK_S)) / WALK_S, 0.0, 1.0)
        after = np.clip(((start + length + WALK_S) - times) / WALK_S, 0.0, 1.0)
        shift = np.minimum(before, after)
        centre = float(np.median(landmarks[:, :, 0]))
        direction = 1.0 if centre >= 0.5 else -1.0
        out[:, :, 0] += (direction * 1.1 * shift)[:, None]
        outside = (out[:, :, 0] < 0) | (out[:, :, 0] > 1)
        out[:, :, 3] = np.where(outside, out[:, :, 3] * 0.25, out[:, :, 3])
    return out
