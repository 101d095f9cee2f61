"""Generated sequences: deterministic, well-formed, and their ground truth matches the timeline."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

import numpy as np
import pytest

from backcoach.core.motion.tempo import middle_share, min_move_s
from backcoach.synthetic import (
    Attempt,
    DropoutSpec,
    NoiseSpec,
    SequenceSpec,
    SpecError,
    SyntheticSequence,
    generate,
    measure,
    random_spec,
    simple_spec,
)
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.poses import EXERCISES, FAULTS_BY_EXERCISE, limit


def _kin(exercise_id: str):  # type: ignore[no-untyped-def]
    return exercise_for(exercise_id).kinematics


def test_same_seed_same_sequence_other_seed_other_sequence() -> None:
    spec = simple_spec("hip-flexor-stretch", reps=2, hold_s=4.0, partials=1)
    a, b, c = generate(spec, seed=11), generate(spec, seed=11), generate(spec, seed=12)
    assert a.frames == b.frames
    assert a.truth == b.truth
    assert a.frames != c.frames


def test_frames_are_blazepose_shaped_at_the_requested_rate() -> None:
    seq = generate(simple_spec("neck-flexion", reps=1, fps=24.0), seed=3)
    times = np.array([f.t for f in seq.frames])
    assert np.allclose(np.diff(times), 1 / 24, atol=1e-5)
    for frame in seq.frames:
        assert frame.landmarks is not None and len(frame.landmarks) == 33
        assert all(len(lm) == 4 and 0.0 <= lm[3] <= 1.0 for lm in frame.landmarks)
    assert seq.duration_s == pytest.approx(times[-1])


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_truth_counts_full_holds_and_ignores_partials(exercise_id: str) -> None:
    seq = generate(simple_spec(exercise_id, reps=3, hold_s=5.0, partials=1), seed=5)
    kin = _kin(exercise_id)
    truth = seq.truth
    assert truth.count == 3
    assert [a.kind for a in truth.attempts] == ["rep", "rep", "rep", "partial"]
    assert not truth.attempts[-1].counted
    assert truth.attempts[-1].peak_deg < kin.target.min_deg
    for rep, attempt in zip(truth.reps, truth.attempts, strict=False):
        assert rep.start < rep.end
        # In the position: the 5 s pause plus the slow last and first few percent of the ramps.
        ramps = rep.end - rep.start - 5.0
        assert 5.0 < rep.in_position_s < 5.0 + 0.2 * ramps
        assert rep.in_position_s < rep.hold_s <= 5.0 + ramps
        assert attempt.peak_deg > kin.target.min_deg + 8  # reached clearly, not just touched
    assert all(a.end < b.start for a, b in zip(truth.reps, truth.reps[1:], strict=False))


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_exact_signal_agrees_with_the_truth(exercise_id: str) -> None:
    seq = generate(simple_spec(exercise_id, reps=2, hold_s=4.0), seed=8)
    kin = _kin(exercise_id)
    times = np.array([f.t for f in seq.frames])
    before = times < seq.truth.reps[0].start
    assert seq.signal_deg[before].max() <= kin.rest.max_deg
    for rep in seq.truth.reps:
        inside = seq.signal_deg[(times >= rep.start) & (times <= rep.end)] >= kin.target.min_deg
        assert inside.sum() / seq.fps == pytest.approx(rep.hold_s, abs=2 / seq.fps)
        assert rep.hold_s > rep.in_position_s  # the ramps' ends are in the range too


def test_sides_alternate_and_name_the_leg_that_steps_back() -> None:
    seq = generate(simple_spec("hip-flexor-stretch", reps=4, first_side="right"), seed=2)
    assert [r.side for r in seq.truth.reps] == ["right", "left", "right", "left"]
    assert seq.truth.sides == {"left": 2, "right": 2}
    times = np.array([f.t for f in seq.frames])
    for rep in seq.truth.reps:
        mid = np.argmin(np.abs(times - (rep.start + rep.end) / 2))
        world = seq.world[mid]
        forward = np.array([1.0, 0.0, 0.0])  # heading 0: the body faces +x
        back_leg, front_leg = (28, 27) if rep.side == "right" else (27, 28)
        assert (world[back_leg] - world[front_leg]) @ forward < -0.2  # metres behind


def test_short_holds_and_failed_attempts() -> None:
    attempts = (
        Attempt("short_hold", hold_s=0.2, up_s=2.0, down_s=2.0, rest_s=3.0),
        Attempt("partial", hold_s=0.5, up_s=2.5, down_s=2.5, rest_s=3.0, reach=0.85),
        Attempt("partial", hold_s=0.5, up_s=2.5, down_s=2.5, rest_s=3.0, reach=0.35),
        Attempt("rep", hold_s=4.0, up_s=3.0, down_s=3.0, rest_s=3.0),
    )
    seq = generate(SequenceSpec("knee-to-chest", attempts), seed=4)
    kin = _kin("knee-to-chest")
    short, failed, small, _ = seq.truth.attempts
    assert short.peak_deg >= kin.target.min_deg and short.hold_s < kin.min_hold_s / 2
    assert seq.truth.count == 1
    assert [f.code for f in seq.truth.faults] == ["knees_not_to_chest"]
    assert failed.start < seq.truth.faults[0].t < failed.end
    assert small.peak_deg < kin.rest.max_deg + 0.4 * (kin.target.min_deg - kin.rest.max_deg)


def test_dropouts_leave_frames_without_a_person() -> None:
    spec = simple_spec(
        "neck-flexion", reps=2, dropouts=DropoutSpec(short_per_min=6.0, away=((19.0, 2.0),))
    )
    seq = generate(spec, seed=9)
    missing = [f.t for f in seq.frames if f.landmarks is None]
    assert any(19.0 <= t < 21.0 for t in missing)
    assert sum(19.0 <= t < 21.0 for t in missing) == pytest.approx(2.0 * seq.fps, abs=1)
    assert len(missing) > 2.0 * seq.fps  # plus short losses elsewhere


def test_noise_is_small_and_larger_on_the_far_side() -> None:
    still = NoiseSpec(jitter=0.0, far_side_bias=0.0, outlier_rate=0.0)
    spec = simple_spec("neck-flexion", reps=0, noise=replace(still, jitter=0.01))
    clean = simple_spec("neck-flexion", reps=0, noise=still)
    noisy, exact = generate(spec, seed=1), generate(clean, seed=1)
    a = np.array([f.landmarks for f in noisy.frames])
    b = np.array([f.landmarks for f in exact.frames])
    err = np.abs(a[:, :, :2] - b[:, :, :2]).mean(axis=(0, 2))
    assert 0.0005 < err[11] < 0.01  # left shoulder (near side: camera on the left)
    assert err[12] > 1.3 * err[11]  # right shoulder (far side)


def test_bad_specs_are_refused_with_a_clear_message() -> None:
    with pytest.raises(SpecError, match="do not apply to knee-to-chest"):
        generate(SequenceSpec("knee-to-chest", (Attempt(faults=("slouching",)),)), seed=1)
    with pytest.raises(SpecError, match="is sided"):
        generate(SequenceSpec("hip-flexor-stretch", (Attempt(),)), seed=1)


# --- faults: injected ones clearly past faults.toml's thresholds, clean ones clearly inside ------


def _rest_ear_height(seq: SyntheticSequence) -> float:
    return float(measure.ear_shoulder_height(seq.world[:1])[0])


Check = Callable[[dict[str, float], SyntheticSequence], bool]


def _checks(exercise_id: str) -> dict[str, tuple[Check, Check]]:
    """Per fault: (clearly present, clearly absent) on the hold's true measurements."""
    lim = _kin(exercise_id).limits

    def L(name: str) -> float:
        return limit(lim, name)

    target_max = _kin(exercise_id).target.max_deg
    return {
        "head_lifted": (lambda m, s: m["head_lift_deg"] > L("head_lift_deg") + 8,
                        lambda m, s: m["head_lift_deg"] < L("head_lift_deg") - 8),
        "slouching": (lambda m, s: abs(m["trunk_from_vertical_deg"]) > L("slouch_deg") + 6,
                      lambda m, s: abs(m["trunk_from_vertical_deg"]) < L("slouch_deg") - 10),
        "shoulders_shrugged": (
            lambda m, s: m["ear_shoulder_m"] / _rest_ear_height(s) < L("shrug_ratio") - 0.08,
            lambda m, s: m["ear_shoulder_m"] / _rest_ear_height(s) > L("shrug_ratio") + 0.08),
        "neck_overflexed": (lambda m, s: m["neck_flexion_deg"] > target_max + 6,
                            lambda m, s: m["neck_flexion_deg"] < target_max - 6),
        "front_knee_past_toes": (
            lambda m, s: m["knee_past_toes_ratio"] > L("knee_past_toes_ratio") + 0.08,
            lambda m, s: m["knee_past_toes_ratio"] < L("knee_past_toes_ratio") - 0.1),
        "back_knee_bent": (lambda m, s: m["back_knee_flexion_deg"] > L("back_knee_max_deg") + 10,
                           lambda m, s: m["back_knee_flexion_deg"] < L("back_knee_max_deg") - 15),
        "trunk_not_leaning": (
            lambda m, s: m["trunk_from_vertical_deg"] < L("trunk_lean_min_deg") - 4,
            lambda m, s: m["trunk_from_vertical_deg"] > L("trunk_lean_min_deg") + 4),
        "trunk_leaning_too_far": (
            lambda m, s: m["trunk_from_vertical_deg"] > L("trunk_lean_max_deg") + 7,
            lambda m, s: m["trunk_from_vertical_deg"] < L("trunk_lean_max_deg") - 5),
        "stance_too_narrow": (
            lambda m, s: m["stance_width_ratio"] < L("stance_width_min_ratio") - 0.2,
            lambda m, s: m["stance_width_ratio"] > L("stance_width_min_ratio") + 0.3),
    }  # fmt: skip


CASES = [(e, code) for e in EXERCISES for code in FAULTS_BY_EXERCISE[e]]


@pytest.mark.parametrize(("exercise_id", "code"), CASES)
def test_injected_faults_are_clear_and_clean_reps_are_clean(exercise_id: str, code: str) -> None:
    checks = _checks(exercise_id)
    for seed in range(2):
        faulty = generate(simple_spec(exercise_id, reps=2, faults=(code,)), seed=seed)
        clean = generate(simple_spec(exercise_id, reps=2), seed=seed)
        present = checks[code][0]
        for rep, attempt in zip(faulty.truth.reps, faulty.truth.attempts, strict=False):
            assert code in rep.faults
            assert present(dict(attempt.metrics), faulty), (seed, attempt.metrics)
        for rep, attempt in zip(clean.truth.reps, clean.truth.attempts, strict=False):
            assert code not in rep.faults
            for other, (_, fine) in checks.items():
                if other in FAULTS_BY_EXERCISE[exercise_id]:
                    assert fine(dict(attempt.metrics), clean), (other, seed, attempt.metrics)


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_too_fast_is_measured_from_the_movement(exercise_id: str) -> None:
    """Transits are the middle of a movement (10 % to 90 % of the way, see core/motion/tempo.py);
    "too fast" when shorter than min_move_s x move_middle_share, never near that limit."""
    limits = _kin(exercise_id).limits
    min_move = min_move_s(limits) * middle_share(limits)
    seq = generate(simple_spec(exercise_id, reps=2, faults=("too_fast",)), seed=1)
    for attempt in seq.truth.attempts:
        transits = [t for t in (attempt.up_transit_s, attempt.down_transit_s) if t is not None]
        assert min(transits) < 0.7 * min_move
        assert "too_fast" in attempt.faults
    for attempt in generate(simple_spec(exercise_id, reps=2), seed=1).truth.attempts:
        transits = [t for t in (attempt.up_transit_s, attempt.down_transit_s) if t is not None]
        slow = min(transits) > 1.3 * min_move
        assert slow == ("too_fast" not in attempt.faults)
        assert slow or min(transits) < 0.7 * min_move  # never near the threshold


@pytest.mark.parametrize("exercise_id", EXERCISES)
def test_random_specs_act_out_what_they_plan(exercise_id: str) -> None:
    rng = np.random.default_rng(99)
    for n in range(4):
        spec = random_spec(exercise_id, rng)
        seq = generate(spec, seed=n)
        planned = [a for a in spec.attempts if a.kind == "rep"]
        assert seq.truth.count == len(planned)
        for rep, attempt in zip(seq.truth.reps, planned, strict=True):
            assert set(attempt.faults) <= set(rep.faults)
            assert rep.hold_s >= exercise_for(exercise_id).kinematics.min_hold_s + 0.9
        assert 15 <= spec.fps <= 60 and abs(spec.camera.yaw_deg) <= 35
        assert seq.world[:, :, 1].min() > -0.03  # nothing sinks into the floor


def test_irregular_frame_times_stay_increasing() -> None:
    spec = replace(simple_spec("knee-to-chest", reps=1), time_jitter=0.5)
    times = np.array([f.t for f in generate(spec, seed=2).frames])
    steps = np.diff(times)
    assert (steps > 0).all()
    assert steps.std() > 0.05 / 30  # visibly irregular
    assert steps.mean() == pytest.approx(1 / 30, rel=0.01)


def test_the_person_walks_out_of_the_picture_before_a_spell_away() -> None:
    spec = simple_spec("hip-flexor-stretch", reps=2, dropouts=DropoutSpec(away=((20.0, 3.0),)))
    seq = generate(spec, seed=3)
    by_time = {round(f.t, 3): f.landmarks for f in seq.frames}
    leaving = by_time[round(20.0 - 2 / seq.fps, 3)]
    settled = by_time[round(20.0 - 1.0, 3)]
    assert leaving is not None and settled is not None
    outside = sum(not 0 <= lm[0] <= 1 for lm in leaving)
    assert outside > 20 and all(0 <= lm[0] <= 1 for lm in settled)
    assert by_time[round(21.0, 3)] is None


@pytest.mark.parametrize("profile", ["cosine", "linear"])
def test_other_ramp_shapes_keep_the_truth_consistent(profile: str) -> None:
    attempt = Attempt(hold_s=4.0, up_s=3.0, down_s=3.0, rest_s=3.0, profile=profile)  # type: ignore[arg-type]
    seq = generate(SequenceSpec("neck-flexion", (attempt, attempt)), seed=6)
    assert seq.truth.count == 2
    for rep in seq.truth.reps:
        assert 4.0 < rep.in_position_s < rep.hold_s
