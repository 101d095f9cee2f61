"""Causal smoothing of motion signals: the One Euro filter.

Landmarks jitter by about 0.5-1 % of the image from frame to frame. A plain low-pass filter that
removes that jitter also delays real movement; the One Euro filter (Casiez, Roussel and Vogel,
CHI 2012) adapts its cut-off to the signal's speed, so it is smooth when still and quick when
moving. It only looks at past samples, so live and batch analysis give the same result.
"""

from __future__ import annotations

import math

_TWO_PI = 2.0 * math.pi


def _alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (_TWO_PI * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)


class OneEuroFilter:
    """A One Euro filter over a scalar signal sampled at irregular times.

    ``min_cutoff_hz`` sets the smoothing when still; ``beta`` how quickly the cut-off rises with
    speed (units of the signal per second). Call ``reset`` after a long gap so that the filter
    does not glide from a stale value.
    """

    __slots__ = ("_d_cutoff_hz", "_dx", "_t", "_x", "beta", "min_cutoff_hz")

    def __init__(self, min_cutoff_hz: float = 1.0, beta: float = 0.0, d_cutoff_hz: float = 1.0):
        if min_cutoff_hz <= 0 or d_cutoff_hz <= 0 or beta < 0:
            raise ValueError("cut-off frequencies must be positive and beta not negative")
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self._d_cutoff_hz = d_cutoff_hz
        self._x: float | None = None
        self._dx = 0.0
        self._t = 0.0

    def reset(self) -> None:
        self._x = None
        self._dx = 0.0

    @property
    def value(self) -> float | None:
        """The latest filtered value (``None`` before the first sample)."""
        return self._x

    def __call__(self, t: float, x: float) -> float:
        """Filter sample ``x`` taken at time ``t`` (seconds, increasing); return the estimate."""
        prev = self._x
        if prev is None:
            self._x = x
            self._t = t
            return x
        dt = t - self._t
        if dt <= 0.0:
            return prev
        self._t = t
        # Smoothed derivative, then a cut-off that grows with speed.
        a_d = _alpha(self._d_cutoff_hz, dt)
        dx = self._dx + a_d * ((x - prev) / dt - self._dx)
        self._dx = dx
        cutoff = self.min_cutoff_hz + self.beta * abs(dx)
        value = prev + _alpha(cutoff, dt) * (x - prev)
        self._x = value
        return value
