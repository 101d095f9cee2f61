"""How fast a movement into (or out of) the position was: the ``too_fast`` definition.

A movement's ends are slow and blurred by landmark noise and by small drifts at rest and in the
hold, so its whole duration cannot be read reliably. Its middle can: the time from
``MOVE_FROM`` (10 %) to ``MOVE_TO`` (90 %) of the way from the person's resting level to the
level they hold. A smooth human movement covers that middle in a fixed share of its duration
(``limits.move_middle_share``, about half for the minimum-jerk profile of unhurried reaching),
so dividing by that share estimates the whole movement's duration, which ``data/faults.toml``
compares with ``limits.min_move_s``. The analysers and the synthetic body model's ground truth
both use these numbers, so "too fast" means the same thing to both.
"""

from __future__ import annotations

from collections.abc import Mapping

#: The movement is timed from this fraction of the way from rest to the held level...
MOVE_FROM = 0.1
#: ...to this fraction (and, coming back, from MOVE_TO down to MOVE_FROM).
MOVE_TO = 0.9
#: Used when an exercise's limits do not name ``move_middle_share``: the minimum-jerk profile
#: (Flash & Hogan 1985) covers 10 % to 90 % of its way in 0.51 of its duration.
DEFAULT_MIDDLE_SHARE = 0.5
#: Used when an exercise's limits do not name ``min_move_s``.
DEFAULT_MIN_MOVE_S = 1.0


def middle_share(limits: Mapping[str, float]) -> float:
    """The share of a movement's duration spent between MOVE_FROM and MOVE_TO of the way."""
    return float(limits.get("move_middle_share", DEFAULT_MIDDLE_SHARE))


def min_move_s(limits: Mapping[str, float]) -> float:
    """The shortest acceptable whole movement into or out of the position (seconds)."""
    return float(limits.get("min_move_s", DEFAULT_MIN_MOVE_S))


def move_s(middle_s: float, limits: Mapping[str, float]) -> float:
    """The whole movement's duration estimated from the time its middle took (seconds)."""
    return middle_s / middle_share(limits)
