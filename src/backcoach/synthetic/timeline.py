"""When things happen in a synthetic sequence: attempts, ramps, holds, rests and fidgets.

A sequence is a lead-in at rest followed by *attempts*. Each attempt moves from rest toward the
target (by default a minimum-jerk ramp, the smooth profile of unhurried human reaching; cosine
and linear ramps are there for variety), pauses there, comes
back and rests. A full attempt that is held long enough is a repetition; a *partial* attempt turns
back before the target; a *short hold* reaches the target but leaves too soon.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from backcoach.synthetic.skeleton import Array, Side

AttemptKind = Literal["rep", "partial", "short_hold"]
Profile = Literal["min_jerk", "cosine", "linear"]


@dataclass(frozen=True)
class Attempt:
    """One movement toward the target and back.

    ``hold_s`` is the pause at the peak of the movement; ``reach`` (partial attempts) is how far
    the primary signal gets, as a fraction of the way from its rest value to the target's lower
    bound. ``faults`` are codes from ``data/faults.toml`` to act out during this attempt.
    """

    kind: AttemptKind = "rep"
    hold_s: float = 5.0
    up_s: float = 2.5
    down_s: float = 2.5
    rest_s: float = 3.0
    side: Side | None = None
    reach: float = 1.0
    faults: tuple[str, ...] = ()
    profile: Profile = "min_jerk"  # the shape of the ramps in time
    # A repetition's range: 1 goes to the full position, 0 only just inside the target range
    # (generate.py), values between part of the way.
    amplitude: float = 1.0


@dataclass(frozen=True)
class Phase:
    """The absolute times of one attempt: up from ``start``, hold, down, then rest."""

    start: float
    peak: float  # reached the top of the ramp
    leave: float  # starts coming back
    back: float  # back at rest
    end: float  # rest over; the next attempt may start
    profile: Profile = "min_jerk"


def schedule(attempts: tuple[Attempt, ...], lead_in_s: float) -> list[Phase]:
    phases = []
    t = lead_in_s
    for attempt in attempts:
        peak = t + attempt.up_s
        leave = peak + attempt.hold_s
        back = leave + attempt.down_s
        end = back + attempt.rest_s
        phases.append(Phase(t, peak, leave, back, end, attempt.profile))
        t = end
    return phases


def min_jerk(u: Array) -> Array:
    """The minimum-jerk position profile on 0..1 (Flash & Hogan 1985)."""
    u = np.clip(u, 0.0, 1.0)
    return np.asarray(u**3 * (10 - 15 * u + 6 * u**2), dtype=np.float64)


def _cosine(u: Array) -> Array:
    u = np.clip(u, 0.0, 1.0)
    return np.asarray(0.5 - 0.5 * np.cos(np.pi * u), dtype=np.float64)


def _linear(u: Array) -> Array:
    return np.asarray(np.clip(u, 0.0, 1.0), dtype=np.float64)


PROFILES: dict[str, Callable[[Array], Array]] = {
    "min_jerk": min_jerk,
    "cosine": _cosine,
    "linear": _linear,
}


def profile_inverse(profile: Profile, w: float) -> float:
    """The time fraction at which ``profile`` reaches ``w``."""
    grid = np.linspace(0.0, 1.0, 2001)
    return float(np.interp(np.clip(w, 0.0, 1.0), PROFILES[profile](grid), grid))


def progress(phase: Phase, t: Array) -> Array:
    """How far (0..1) toward this attempt's peak the body is at times ``t``."""
    shape = PROFILES[phase.profile]
    up = shape((t - phase.start) / max(phase.peak - phase.start, 1e-9))
    down = 1.0 - shape((t - phase.leave) / max(phase.back - phase.leave, 1e-9))
    return np.asarray(np.where(t < phase.leave, up, down), dtype=np.float64)


def attempt_index(phases: list[Phase], t: Array) -> Array:
    """Which attempt's window each time falls in (the lead-in belongs to the first)."""
    if not phases:
        return np.zeros(len(t), dtype=int)
    starts = np.array([p.start for p in phases])
    return np.clip(np.searchsorted(starts, t, side="right") - 1, 0, len(phases) - 1)


@dataclass(frozen=True)
class Fidget:
    """A small smooth movement of one angle (degrees): up and back over ``duration_s``."""

    t: float
    duration_s: float
    angle: str
    amount_deg: float

    def at(self, t: Array) -> Array:
        u = np.clip((t - self.t) / self.duration_s, 0.0, 1.0)
        return np.asarray(self.amount_deg * np.sin(np.pi * u) ** 2, dtype=np.float64)


def sway(t: Array, amplitude_deg: float, rng: np.random.Generator) -> Array:
    """Slow postural sway: a few incommensurate sines (0.1 to 0.6 Hz)."""
    out = np.zeros_like(t)
    for _ in range(3):
        freq, phase = rng.uniform(0.1, 0.6), rng.uniform(0, 2 * np.pi)
        out += np.sin(2 * np.pi * freq * t + phase)
    return np.asarray(out * amplitude_deg / 3, dtype=np.float64)
