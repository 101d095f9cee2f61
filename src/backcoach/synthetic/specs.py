"""Ready-made sequence specs: a plain one for tests and demos, and varied random ones.

``random_spec`` draws the whole range the analysers must handle: 0 to 10 repetitions (up to the
catalog's largest set), holds from ``min_hold_s + 1`` s up to the catalog's longest (15-30 s),
sides alternating or all of one side then the other, tempos, rests, partial attempts, holds too
short to count, fidgets, faults, body sizes, camera placements (either side, yaw up to 35
degrees either way, distance, height, small roll), noise levels, far-side guesses, dropouts,
walking out of the picture, irregular frame timing and frame rates of 15-60 fps.
"""

from __future__ import annotations

import numpy as np

from backcoach.synthetic.camera import CameraSpec
from backcoach.synthetic.generate import SequenceSpec, exercise_for
from backcoach.synthetic.noise import DropoutSpec, NoiseSpec
from backcoach.synthetic.poses import FAULTS_BY_EXERCISE
from backcoach.synthetic.skeleton import BodyShape, Side
from backcoach.synthetic.timeline import Attempt, Profile, schedule


def simple_spec(
    exercise_id: str,
    reps: int = 3,
    hold_s: float = 5.0,
    *,
    partials: int = 0,
    faults: tuple[str, ...] = (),
    first_side: Side = "left",
    camera: CameraSpec | None = None,
    heading_deg: float = 0.0,
    fps: float = 30.0,
    noise: NoiseSpec | None = None,
    dropouts: DropoutSpec | None = None,
) -> SequenceSpec:
    """``reps`` clean repetitions (alternating sides when sided) then ``partials`` partial
    attempts; ``faults`` are acted out in every repetition."""
    sided = exercise_for(exercise_id).sided
    other: Side = "right" if first_side == "left" else "left"
    attempts = []
    for n in range(reps + partials):
        side = (first_side if n % 2 == 0 else other) if sided else None
        if n < reps:
            attempts.append(Attempt("rep", hold_s, 2.5, 2.5, 3.0, side, 1.0, faults))
        else:
            attempts.append(Attempt("partial", 0.8, 2.0, 2.0, 3.0, side, 0.5))
    return SequenceSpec(
        exercise_id, tuple(attempts), camera=camera or CameraSpec(), heading_deg=heading_deg,
        fps=fps, noise=noise or NoiseSpec(), dropouts=dropouts or DropoutSpec(short_per_min=0.0),
    )  # fmt: skip


def _faults(exercise_id: str, rng: np.random.Generator) -> tuple[str, ...]:
    roll = rng.random()
    if roll > 0.35:
        return ()
    pool = [*FAULTS_BY_EXERCISE[exercise_id], "too_fast"]
    first = str(rng.choice(pool))
    # A second fault is only ever moving too fast: form faults compounded on one repetition
    # (a slumped, shrugged, over-flexed neck) stop looking like the exercise at all.
    if roll < 0.06 and first != "too_fast":
        return tuple(sorted((first, "too_fast")))
    return (first,)


def _partial_reach(exercise_id: str, rng: np.random.Generator) -> float:
    if exercise_id == "knee-to-chest":
        # Clearly past attempt_ratio (a failed attempt: a fault) or clearly short of it (not one).
        return float(rng.uniform(0.78, 0.86) if rng.random() < 0.6 else rng.uniform(0.3, 0.5))
    return float(rng.uniform(0.25, 0.6))


def _sides(count: int, rng: np.random.Generator) -> list[Side]:
    """Alternating sides, or (as a guided session asks) all of one side, then the other."""
    first: Side = "left" if rng.random() < 0.5 else "right"
    other: Side = "right" if first == "left" else "left"
    if rng.random() < 0.5:
        return [first if n % 2 == 0 else other for n in range(count)]
    half = (count + 1) // 2
    return [first] * half + [other] * (count - half)


def _attempts(exercise_id: str, rng: np.random.Generator) -> tuple[Attempt, ...]:
    exercise = exercise_for(exercise_id)
    min_hold = exercise.kinematics.min_hold_s
    longest = float(exercise.max.hold_s)  # up to the catalog's longest hold (20-30 s)
    most = exercise.max.reps  # up to the catalog's largest set (6-10), now and then
    reps = int(rng.choice([0, 1, 2, 3, 3, 4, 4, 5, 6, most])) if rng.random() > 0.04 else 0
    partials = int(rng.choice([0, 0, 0, 1, 1, 2]))
    shorts = int(rng.random() < 0.15)
    kinds = ["rep"] * reps + ["partial"] * partials + ["short_hold"] * shorts
    rng.shuffle(kinds)
    sides = _sides(len(kinds), rng)
    profiles: tuple[Profile, ...] = ("min_jerk", "cosine", "linear")
    profile = profiles[int(rng.choice(3, p=[0.6, 0.3, 0.1]))]
    attempts = []
    for kind, side in zip(kinds, sides, strict=True):
        long_hold = rng.random() < 0.2
        hold = rng.uniform(min_hold + 1.0, longest if long_hold else 10.0)
        attempts.append(
            Attempt(
                kind=kind,  # type: ignore[arg-type]
                hold_s=float(hold) if kind == "rep" else float(rng.uniform(0.3, 1.5)),
                up_s=float(rng.uniform(1.5, 4.0)),
                down_s=float(rng.uniform(1.5, 4.0)),
                rest_s=float(rng.uniform(1.0, 12.0)),
                side=side if exercise.sided else None,
                reach=_partial_reach(exercise_id, rng) if kind == "partial" else 1.0,
                faults=_faults(exercise_id, rng) if kind == "rep" else (),
                profile=profile,
            )
        )
    return tuple(attempts)


def _body(rng: np.random.Generator) -> BodyShape:
    def scale(spread: float) -> float:
        return float(np.clip(rng.normal(1.0, spread), 1 - 2.5 * spread, 1 + 2.5 * spread))

    return BodyShape(
        height_m=float(rng.uniform(1.50, 1.95)), leg_scale=scale(0.04), arm_scale=scale(0.04),
        trunk_scale=scale(0.05), shoulder_width_scale=scale(0.06), hip_width_scale=scale(0.08),
        head_scale=scale(0.04),
    )  # fmt: skip


_LENS_HEIGHT_M = {"knee-to-chest": (0.2, 1.0), "neck-flexion": (0.6, 1.4),
                  "hip-flexor-stretch": (0.7, 1.6)}  # fmt: skip


def _away_windows(
    attempts: tuple[Attempt, ...], lead_in_s: float, rng: np.random.Generator
) -> tuple[tuple[float, float], ...]:
    """At most one spell out of view, inside a rest long enough to leave and come back."""
    if rng.random() > 0.25:
        return ()
    walk = 0.6 + 0.3  # noise.WALK_S plus a margin: walking out and back in happens at rest
    rests = [(p.back + walk, p.end - walk) for p in schedule(attempts, lead_in_s)[:-1]]
    rests = [(a, b) for a, b in rests if b - a >= 1.2]
    if not rests:
        return ()
    start, stop = rests[int(rng.integers(len(rests)))]
    length = float(rng.uniform(1.0, stop - start))
    begin = float(rng.uniform(start, stop - length))
    return ((begin, length),)


def random_spec(exercise_id: str, rng: np.random.Generator) -> SequenceSpec:
    """A varied, plausible sequence spec for ``exercise_id``."""
    attempts = _attempts(exercise_id, rng)
    lead_in = float(rng.uniform(1.0, 4.0))
    low, high = _LENS_HEIGHT_M[exercise_id]
    portrait = exercise_id == "hip-flexor-stretch" and rng.random() < 0.3
    size = (720, 1280) if portrait else [(1280, 720), (640, 480), (1920, 1080)][rng.integers(3)]
    fill = float(rng.uniform(0.45, 0.85))
    room = 0.8 * (1 - fill) / 2  # keep the body in the picture
    camera = CameraSpec(
        side="left" if rng.random() < 0.5 else "right",
        yaw_deg=float(rng.uniform(-35, 35)),
        height_m=float(rng.uniform(low, high)),
        roll_deg=float(rng.uniform(-4, 4)),
        fill=fill,
        fov_deg=float(rng.uniform(50, 75)),
        offset=(float(rng.uniform(-room, room)), float(rng.uniform(-room, room))),
    )
    return SequenceSpec(
        exercise_id=exercise_id,
        attempts=attempts,
        lead_in_s=lead_in,
        body=_body(rng),
        camera=camera,
        heading_deg=0.0 if rng.random() < 0.5 else 180.0,
        noise=NoiseSpec(
            jitter=float(rng.uniform(0.002, 0.009)),
            far_side_bias=float(rng.uniform(0.0, 0.008)),
            far_visibility_drop=float(rng.uniform(0.15, 0.6)),
            swap_per_min=0.5 if rng.random() < 0.2 else 0.0,
        ),
        dropouts=DropoutSpec(
            short_per_min=float(rng.uniform(0.0, 3.0)),
            away=_away_windows(attempts, lead_in, rng),
        ),
        fps=float(rng.choice([15, 20, 24, 25, 30, 30, 30, 50, 60])),
        width=int(size[0]),
        height=int(size[1]),
        fidgets_per_min=float(rng.uniform(0.0, 4.0)),
        time_jitter=float(rng.uniform(0.0, 0.4)) if rng.random() < 0.3 else 0.0,
    )
