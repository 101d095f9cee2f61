"""How well the range of movement (``core/motion/range_of_movement.py``) follows the true one.

    .venv/bin/python benchmarks/range_accuracy.py [--seeds 3]

Synthetic sequences (``backcoach.synthetic``) of each exercise from each start posture, gentle to
full amplitude, two camera yaws: the exact primary signal is known at every frame, so the true
range of a set is its peak above the true resting level (the mean of the first ten frames). The
measured range is what a camera set records: the furthest repetition's peak of the analysed
signal above the person's own resting level. Prints per exercise the number of sets, the median
and 90th-percentile absolute error, the median signed error (a bias shows a difference of
definition, e.g. the hip flexor's signal adds the trunk's lean), and how often a fuller movement
of the same posture, yaw and seed reads as a larger range. Synthetic data only: no tuning was done
on it for this measure.
"""

from __future__ import annotations

import argparse
import itertools
import statistics
from collections import defaultdict

from backcoach.core.motion.range_of_movement import summary_range_deg
from backcoach.core.motion.registry import analyse_frames
from backcoach.synthetic import CameraSpec, SequenceSpec, generate
from backcoach.synthetic.generate import exercise_for
from backcoach.synthetic.poses import START_POSTURES
from backcoach.synthetic.timeline import Attempt

AMPLITUDES = (0.0, 0.5, 1.0)
YAWS = (0.0, 25.0)


def _one(exercise_id: str, start: str, amplitude: float, yaw: float,
         seed: int) -> tuple[float | None, float]:  # fmt: skip
    side = "left" if exercise_id == "hip-flexor-stretch" else None
    attempts = tuple(Attempt("rep", 4.0, 2.5, 2.5, 3.0, side, amplitude=amplitude)  # type: ignore[arg-type]
                     for _ in range(2))  # fmt: skip
    spec = SequenceSpec(exercise_id, attempts, camera=CameraSpec(yaw_deg=yaw),
                        fidgets_per_min=0.0, start=start)  # fmt: skip
    seq = generate(spec, seed=seed)
    summary = analyse_frames(exercise_for(exercise_id), seq.frames,
                             aspect_ratio=seq.width / seq.height)  # fmt: skip
    truth = float(seq.signal_deg.max() - seq.signal_deg[:10].mean())
    return summary_range_deg(summary), truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, default=3)
    args = parser.parse_args()
    print("exercise            sets  missed  median |err|  p90 |err|  median err  "
          "fuller reads larger")
    for exercise_id, starts in START_POSTURES.items():
        errors: list[float] = []
        missed = 0
        by_case: dict[tuple[str, float, int], list[tuple[float, float | None]]] = defaultdict(list)
        for start in starts:
            for yaw in YAWS:
                for seed in range(args.seeds):
                    for amplitude in AMPLITUDES:
                        measured, truth = _one(exercise_id, start, amplitude, yaw, seed)
                        by_case[(start, yaw, seed)].append((amplitude, measured))
                        if measured is None:
                            missed += 1
                        else:
                            errors.append(measured - truth)
        absolute = sorted(abs(e) for e in errors)
        p90 = absolute[min(len(absolute) - 1, int(0.9 * len(absolute)))]
        pairs = [(a[1], b[1]) for case in by_case.values()
                 for a, b in itertools.pairwise(case)
                 if a[1] is not None and b[1] is not None]  # fmt: skip
        larger = sum(b > a for a, b in pairs)
        print(f"{exercise_id:18s} {len(errors) + missed:5d} {missed:7d} "
              f"{statistics.median(absolute):10.1f} ° {p90:8.1f} ° "
              f"{statistics.median(errors):9.1f} ° "
              f"{larger:8d} / {len(pairs)}")


if __name__ == "__main__":
    main()
