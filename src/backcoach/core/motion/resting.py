"""The person's own resting reading of a helper signal (an angle), learned while they rest.

Second signals that are fused into a primary one (the face's turn for the neck, the trunk's lean
for the hip flexor stretch) are measured from where they sit at rest, because their absolute
value depends on the body, the posture and the camera. The resting samples of the first
``warmup_s`` seconds set the level by their median (so one landmark glitch at the start cannot
set it); afterwards it follows the resting samples with a time constant of ``tau_s`` seconds (a
person settles, a camera drifts). Both are in seconds, not samples, so the level does not depend
on the frame rate (the video pipeline analyses 5 to 15 frames a second).
"""

from __future__ import annotations


def wrap_deg(angle: float) -> float:
    """``angle`` brought into [-180, 180) degrees."""
    return (angle + 180.0) % 360.0 - 180.0


class RestingLevel:
    """Median of the resting samples of the first ``warmup_s``, then a moving average.

    With ``circular`` the samples are angles in degrees and differences wrap at 360 (a face
    seen turned past straight up or down does not jump by a full turn).
    """

    __slots__ = ("_first", "_start", "_t", "circular", "tau_s", "value", "warmup_s")

    def __init__(self, *, warmup_s: float = 1.0, tau_s: float = 2.0,
                 circular: bool = False) -> None:  # fmt: skip
        if warmup_s < 0 or tau_s <= 0:
            raise ValueError("warmup_s must not be negative and tau_s must be positive")
        self.warmup_s = warmup_s
        self.tau_s = tau_s
        self.circular = circular
        self.value: float | None = None
        self._first: list[float] = []
        self._start: float | None = None
        self._t: float | None = None

    def _diff(self, a: float, b: float) -> float:
        return wrap_deg(a - b) if self.circular else a - b

    def add(self, t: float, sample: float) -> float:
        """Learn from one resting sample taken at time ``t`` (seconds); return the level."""
        if self._start is None:
            self._start = t
        last = self._t if self._t is not None else t
        self._t = t
        first = self._first
        if self.value is None or t - self._start <= self.warmup_s:
            if first and self.circular:  # keep the early samples on one side of the wrap
                sample = first[0] + wrap_deg(sample - first[0])
            first.append(sample)
            ordered = sorted(first)
            level = ordered[len(ordered) // 2]
        else:
            first.clear()
            dt = max(0.0, t - last)
            level = self.value + dt / (self.tau_s + dt) * self._diff(sample, self.value)
        self.value = wrap_deg(level) if self.circular else level
        return self.value

    def since_rest(self, sample: float) -> float | None:
        """How far ``sample`` is from the resting level (None before any resting sample)."""
        if self.value is None:
            return None
        return self._diff(sample, self.value)
