"""Accuracy and speed of the movement analysers on synthetic sequences with known truth.

    .venv/bin/python benchmarks/motion_accuracy.py [--quick] [--seed N] [--exercise ID]
        [--count N] [--by-code] [--misses]

A fixed-seed set of varied sequences (``backcoach.synthetic.random_spec``: 0-6 repetitions,
partial attempts, too-short holds, fidgets, faults, body sizes, camera sides and yaw up to 35
degrees, both facing directions, noise, dropouts, 15-60 fps) is generated, then each exercise's
analyser runs over every sequence. Per exercise it prints:

* exact-count and off-by-one rates and the count's mean absolute error;
* the median absolute hold-time error and the side accuracy over *matched* repetitions: detected
  and true repetitions are paired one to one by the largest time overlap of [start, end]. The
  true hold is the time in the position (arrived 97 % of the way there until 3 % of the way
  back); its signed median and the error against the time in the catalog's target range (which
  includes the ends of the ramps) are printed below it;
* fault precision and recall: for each matched pair the detected and true fault-code sets are
  compared (a code in both is a hit); faults of unmatched detected repetitions count as false
  alarms and those of unmatched true repetitions as misses; non-repetition faults
  (``knees_not_to_chest``) pair with a detected note of the same code during the failed
  attempt (give or take 2 s);
* throughput: frames per second of the analyser's ``update`` loop alone over pre-generated
  frames on one core, next to a bare loop that only touches each frame (as a ratio).
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from backcoach.core.motion.registry import create_analyser
from backcoach.core.motion.types import AnalysisSummary, PoseFrame, RepetitionResult
from backcoach.synthetic import SyntheticSequence, TrueRep, generate, random_spec
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.poses import EXERCISES

TARGETS = {
    "exact": 0.97,
    "off_by_one": 0.995,
    "hold_err_s": 0.5,
    "side": 0.99,
    "fault_f1": 0.9,
    "frames_per_s": 20_000.0,
}
NON_REP_CODES = ("knees_not_to_chest",)
NON_REP_SLACK_S = 2.0  # a note may come this long before or after the failed attempt


@dataclass
class Tally:
    sequences: int = 0
    exact: int = 0
    off_by_one: int = 0
    abs_count_errors: list[int] = field(default_factory=list)
    hold_errors: list[float] = field(default_factory=list)  # found - in_position_s, matched
    in_target_errors: list[float] = field(default_factory=list)  # found - hold_s (in target)
    sides_right: int = 0
    sides_total: int = 0
    hits: Counter[str] = field(default_factory=Counter)
    false_alarms: Counter[str] = field(default_factory=Counter)
    misses: Counter[str] = field(default_factory=Counter)
    frames: int = 0
    analyser_s: float = 0.0
    baseline_s: float = 0.0
    wrong_counts: list[str] = field(default_factory=list)


def _overlap(a: RepetitionResult, b: TrueRep) -> float:
    return min(a.end, b.end) - max(a.start, b.start)


def match_reps(
    found: Sequence[RepetitionResult], truth: Sequence[TrueRep]
) -> list[tuple[int, int]]:
    """One-to-one pairs (found index, true index), largest time overlap first."""
    pairs = sorted(
        ((_overlap(f, t), i, j) for i, f in enumerate(found) for j, t in enumerate(truth)),
        reverse=True,
    )
    used_f: set[int] = set()
    used_t: set[int] = set()
    matched = []
    for overlap, i, j in pairs:
        if overlap <= 0:
            break
        if i not in used_f and j not in used_t:
            used_f.add(i)
            used_t.add(j)
            matched.append((i, j))
    return matched


def _score(tally: Tally, summary: AnalysisSummary, sequence: SyntheticSequence) -> None:
    truth = sequence.truth
    tally.sequences += 1
    diff = abs(summary.reps - truth.count)
    tally.exact += diff == 0
    tally.off_by_one += diff <= 1
    tally.abs_count_errors.append(diff)
    pairs = match_reps(summary.rep_events, truth.reps)
    for i, j in pairs:
        found, true = summary.rep_events[i], truth.reps[j]
        tally.hold_errors.append(found.hold_s - true.in_position_s)
        tally.in_target_errors.append(found.hold_s - true.hold_s)
        if true.side is not None:
            tally.sides_total += 1
            tally.sides_right += found.side == true.side
        _compare_codes(tally, set(found.faults), set(true.faults))
    matched_f = {i for i, _ in pairs}
    matched_t = {j for _, j in pairs}
    for i, found in enumerate(summary.rep_events):
        if i not in matched_f:
            _compare_codes(tally, set(found.faults), set())
    for j, true in enumerate(truth.reps):
        if j not in matched_t:
            _compare_codes(tally, set(), set(true.faults))
    notes = [n for n in summary.faults if n.code in NON_REP_CODES]
    used: set[int] = set()
    for fault in truth.faults:
        low, high = fault.start - NON_REP_SLACK_S, fault.end + NON_REP_SLACK_S
        near = [k for k, n in enumerate(notes)
                if k not in used and n.code == fault.code and low <= n.t <= high]  # fmt: skip
        if near:
            used.add(near[0])
            tally.hits[fault.code] += 1
        else:
            tally.misses[fault.code] += 1
    for k, note in enumerate(notes):
        if k not in used:
            tally.false_alarms[note.code] += 1


def _compare_codes(tally: Tally, found: set[str], true: set[str]) -> None:
    for code in found & true:
        tally.hits[code] += 1
    for code in found - true:
        tally.false_alarms[code] += 1
    for code in true - found:
        tally.misses[code] += 1


def _timed_run(
    sequence: SyntheticSequence, exercise_id: str
) -> tuple[AnalysisSummary, float, float]:
    frames: list[PoseFrame] = sequence.frames
    analyser = create_analyser(
        exercise_for(exercise_id), aspect_ratio=sequence.width / sequence.height
    )
    update = analyser.update
    start = time.perf_counter()
    for frame in frames:
        update(frame)
    analyser_s = time.perf_counter() - start
    start = time.perf_counter()
    touched = 0
    for frame in frames:
        if frame.landmarks is not None:
            touched += len(frame.landmarks)
    baseline_s = time.perf_counter() - start
    return analyser.summary(), analyser_s, baseline_s


def run_exercise(exercise_id: str, count: int, seed: int) -> Tally:
    rng = np.random.default_rng([seed, EXERCISES.index(exercise_id)])
    tally = Tally()
    for n in range(count):
        spec = random_spec(exercise_id, rng)
        seed = int(rng.integers(2**31))
        sequence = generate(spec, seed=seed)
        summary, analyser_s, baseline_s = _timed_run(sequence, exercise_id)
        tally.frames += len(sequence.frames)
        tally.analyser_s += analyser_s
        tally.baseline_s += baseline_s
        _score(tally, summary, sequence)
        if summary.reps != sequence.truth.count:
            camera = spec.camera
            tally.wrong_counts.append(
                f"    sequence {n} (generate seed {seed}): true {sequence.truth.count}, found "
                f"{summary.reps}; camera {camera.side} yaw {camera.yaw_deg:.0f} deg, "
                f"{spec.fps:g} fps, jitter {spec.noise.jitter:.3f}"
            )
    return tally


def _median_abs(values: list[float]) -> float:
    return statistics.median(abs(v) for v in values) if values else float("nan")


def _prf(tally: Tally, codes: Sequence[str] | None = None) -> tuple[float, float, float]:
    pick = (lambda c: True) if codes is None else (lambda c: c in codes)
    hits = sum(v for c, v in tally.hits.items() if pick(c))
    fa = sum(v for c, v in tally.false_alarms.items() if pick(c))
    miss = sum(v for c, v in tally.misses.items() if pick(c))
    precision = hits / (hits + fa) if hits + fa else 1.0
    recall = hits / (hits + miss) if hits + miss else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return precision, recall, f1


def _line(name: str, value: str, target: str, ok: bool | None) -> str:
    mark = "" if ok is None else ("ok" if ok else "MISS")
    return f"  {name:<28}{value:>14}   target {target:<12}{mark}"


def report(exercise_id: str, tally: Tally, by_code: bool, show_misses: bool) -> list[str]:
    n = max(tally.sequences, 1)
    exact, near = tally.exact / n, tally.off_by_one / n
    mae = sum(tally.abs_count_errors) / n
    hold = _median_abs(tally.hold_errors)
    bias = statistics.median(tally.hold_errors) if tally.hold_errors else float("nan")
    in_target = _median_abs(tally.in_target_errors)
    side = tally.sides_right / tally.sides_total if tally.sides_total else None
    precision, recall, f1 = _prf(tally)
    fps = tally.frames / tally.analyser_s if tally.analyser_s else float("inf")
    base = tally.frames / tally.baseline_s if tally.baseline_s else float("inf")
    lines = [
        f"{exercise_id}: {tally.sequences} sequences, {tally.frames} frames, "
        f"{len(tally.hold_errors)} matched repetitions",
        _line("exact count", f"{exact:.1%}", ">= 97 %", exact >= TARGETS["exact"]),
        _line("off by one at most", f"{near:.1%}", ">= 99.5 %", near >= TARGETS["off_by_one"]),
        _line("count MAE", f"{mae:.3f}", "-", None),
        _line("median hold error", f"{hold:.3f} s", "<= 0.5 s", hold <= TARGETS["hold_err_s"]),
        _line("  median signed (bias)", f"{bias:+.3f} s", "-", None),
        _line("  vs time in target range", f"{in_target:.3f} s", "-", None),
        _line("side accuracy", "n/a" if side is None else f"{side:.1%}", ">= 99 %",
              None if side is None else side >= TARGETS["side"]),
        _line("fault precision", f"{precision:.3f}", "-", None),
        _line("fault recall", f"{recall:.3f}", "-", None),
        _line("fault F1", f"{f1:.3f}", ">= 0.9", f1 >= TARGETS["fault_f1"]),
        _line("analyser throughput", f"{fps:,.0f} f/s", ">= 20,000",
              fps >= TARGETS["frames_per_s"]),
        _line("bare loop (baseline)", f"{base:,.0f} f/s", f"ratio {base / fps:.1f}x", None),
    ]  # fmt: skip
    if show_misses:
        lines += tally.wrong_counts
    if by_code:
        codes = sorted(set(tally.hits) | set(tally.false_alarms) | set(tally.misses))
        for code in codes:
            p, r, _ = _prf(tally, (code,))
            lines.append(
                f"    {code:<26} P {p:.2f}  R {r:.2f}  (hits {tally.hits[code]}, "
                f"false {tally.false_alarms[code]}, missed {tally.misses[code]})"
            )
    return lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="15 sequences per exercise")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--exercise", choices=EXERCISES)
    parser.add_argument("--count", type=int, help="sequences per exercise (default 110)")
    parser.add_argument("--by-code", action="store_true", help="precision/recall per fault code")
    parser.add_argument("--misses", action="store_true", help="list sequences counted wrongly")
    args = parser.parse_args()
    count = args.count or (15 if args.quick else 110)
    exercises = (args.exercise,) if args.exercise else EXERCISES
    print(f"motion accuracy: seed {args.seed}, {count} sequences per exercise")
    print(
        "(holds, sides and faults over repetitions paired by largest time overlap; faults as\n"
        " code sets per pair, unpaired ones count against; throughput: update() loop only)"
    )
    for exercise_id in exercises:
        started = time.perf_counter()
        tally = run_exercise(exercise_id, count, args.seed)
        print("\n".join(report(exercise_id, tally, args.by_code, args.misses)))
        print(f"  ({time.perf_counter() - started:.0f} s including generation)")


if __name__ == "__main__":
    main()
