"""Write synthetic exercise sequences as landmark files, each with a ``.truth.json`` beside it.

    .venv/bin/python benchmarks/make_landmark_files.py OUT_DIR [--count 5] [--seed 7]
        [--exercise knee-to-chest]

The files are what ``backcoach analyze FILE --exercise ID --json`` reads; the truth files hold
the repetitions, holds, sides and faults the body model acted out.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from backcoach.synthetic import generate, random_spec
from backcoach.synthetic.files import write_sequence
from backcoach.synthetic.poses import EXERCISES


def make_files(out_dir: Path, count: int, seed: int, exercises: tuple[str, ...]) -> list[Path]:
    """``count`` varied sequences per exercise; returns the landmark file paths."""
    out_dir.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(seed)
    paths = []
    for exercise_id in exercises:
        for n in range(count):
            spec = random_spec(exercise_id, rng)
            sequence = generate(spec, seed=int(rng.integers(2**31)))
            path = out_dir / f"{exercise_id}-{n:03d}.jsonl"
            write_sequence(sequence, path)
            paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out_dir", type=Path)
    parser.add_argument("--count", type=int, default=5, help="sequences per exercise")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--exercise", choices=EXERCISES, help="only this exercise")
    args = parser.parse_args()
    exercises = (args.exercise,) if args.exercise else EXERCISES
    for path in make_files(args.out_dir, args.count, args.seed, exercises):
        print(path)


if __name__ == "__main__":
    main()
