"""Score ``backcoach analyze`` on the hold-out landmark files (made by an independent generator).

    .venv/bin/python benchmarks/holdout_check.py [--dir tests/fixtures/holdout] [--in-process]
        [--exercise knee-to-chest] [--show-failures]

By default every file goes through the installed command, ``backcoach analyze FILE --exercise ID
--json``, as a subprocess (the real interface); ``--in-process`` calls the same function the
command calls, which is much faster. Files are stored xz-compressed; each one is unpacked to a
temporary plain ``.jsonl`` landmark file first. Prints per exercise: exact count rate, off-by-one
rate, count MAE, median absolute hold-time error (and the median signed error, so a difference of
definition shows up as a bias), side accuracy, and which sequences fail.

The files and their ``.truth.json`` come from ``benchmarks/holdout/generate_holdout.py``.
"""

from __future__ import annotations

import argparse
import json
import lzma
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DIR = ROOT / "tests" / "fixtures" / "holdout"
EXERCISES = ("knee-to-chest", "neck-flexion", "hip-flexor-stretch")
Analyse = Callable[[Path, str], dict[str, Any]]


def truth_files(folder: Path, exercise: str | None = None) -> list[Path]:
    """The ``.truth.json`` files of the hold-out set, sorted (optionally for one exercise)."""
    paths = sorted(folder.glob("*.truth.json"))
    return [p for p in paths if exercise is None or p.name.startswith(exercise + "-")]


def unpack(packed: Path, out_dir: Path) -> Path:
    """Write the plain landmark file (``NAME.jsonl``) for ``NAME.jsonl.xz``; returns its path."""
    plain = out_dir / packed.name.removesuffix(".xz")
    plain.write_bytes(lzma.decompress(packed.read_bytes()))
    return plain


def analyse_with_cli(path: Path, exercise: str) -> dict[str, Any]:
    """Run the installed ``backcoach analyze --json`` and parse its one JSON object."""
    exe = Path(sys.executable).with_name("backcoach")
    command = [str(exe) if exe.exists() else "backcoach", "analyze", str(path),
               "--exercise", exercise, "--json"]
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"backcoach analyze failed on {path.name}: {done.stderr.strip()}")
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def analyse_in_process() -> Analyse:
    """The function ``backcoach analyze`` calls, without a new interpreter per file."""
    from backcoach.core.catalog import load_catalog
    from backcoach.usecases.video_analysis import analyse_landmark_file

    catalog = load_catalog()

    def run(path: Path, exercise: str) -> dict[str, Any]:
        summary = analyse_landmark_file(path, catalog.get(exercise)).summary
        result: dict[str, Any] = summary.to_dict()
        return result

    return run


@dataclass
class FileScore:
    """How one analysis compares with the truth of one sequence."""

    name: str
    exercise: str
    case: str
    true_reps: int
    found_reps: int
    hold_errors_s: list[float] = field(default_factory=list)  # found - true, matched reps
    hold_errors_90_s: list[float] = field(default_factory=list)  # the same against hold_s_90
    flagged_reps: int = 0  # matched reps the analyser gave form faults (all true reps are clean)
    fault_codes: list[str] = field(default_factory=list)
    sides_right: int = 0
    sides_total: int = 0
    sides_match: bool = True  # the {"left": n, "right": n} counts agree
    notes: list[str] = field(default_factory=list)

    @property
    def count_error(self) -> int:
        return self.found_reps - self.true_reps


def _overlap(a: dict[str, Any], b: dict[str, Any]) -> float:
    return min(a["end"], b["end"]) - max(a["start"], b["start"])


def match_reps(truth: list[dict[str, Any]],
               found: list[dict[str, Any]]) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """Pair each true repetition with the found one it overlaps most (each used once)."""
    pairs = []
    used: set[int] = set()
    for true_rep in truth:
        best, best_overlap = None, 0.0
        for i, rep in enumerate(found):
            overlap = _overlap(true_rep, rep)
            if i not in used and overlap > best_overlap:
                best, best_overlap = i, overlap
        if best is not None:
            used.add(best)
            pairs.append((true_rep, found[best]))
    return pairs


def score(truth: dict[str, Any], result: dict[str, Any], name: str) -> FileScore:
    """Compare one analysis (``backcoach analyze --json`` output) with its truth file."""
    found = result.get("rep_events", [])
    s = FileScore(name, truth["exercise"], truth["case"], truth["reps"], int(result["reps"]))
    for true_rep, rep in match_reps(truth["rep_events"], found):
        s.hold_errors_s.append(float(rep["hold_s"]) - float(true_rep["hold_s"]))
        if "hold_s_90" in true_rep:
            s.hold_errors_90_s.append(float(rep["hold_s"]) - float(true_rep["hold_s_90"]))
        s.flagged_reps += bool(rep.get("faults"))
        s.fault_codes.extend(rep.get("faults", []))
        if true_rep["side"] is not None:
            s.sides_total += 1
            s.sides_right += rep.get("side") == true_rep["side"]
    if truth["exercise"] == "hip-flexor-stretch":
        s.sides_total = max(s.sides_total, truth["reps"])  # a missed rep has no right side
        s.sides_match = result.get("sides") == truth["sides"]
    if s.count_error:
        s.notes.append(f"count {s.found_reps} (true {s.true_reps})")
    if not s.sides_match:
        s.notes.append(f"sides {result.get('sides')} (true {truth['sides']})")
    return s


def evaluate(folder: Path, analyse: Analyse, exercise: str | None = None) -> list[FileScore]:
    """Analyse every hold-out file (unpacked to a temporary folder) and score it."""
    scores = []
    with tempfile.TemporaryDirectory(prefix="holdout-") as tmp:
        for truth_path in truth_files(folder, exercise):
            truth = json.loads(truth_path.read_text())
            plain = unpack(folder / truth["file"], Path(tmp))
            result = analyse(plain, truth["exercise"])
            plain.unlink()
            scores.append(score(truth, result, truth_path.name.removesuffix(".truth.json")))
    return scores


@dataclass(frozen=True)
class Summary:
    """The figures for one exercise (rates are 0..1; None when there is nothing to measure)."""

    exercise: str
    files: int
    exact_rate: float
    off_by_one_rate: float
    count_mae: float
    median_abs_hold_error_s: float | None
    median_hold_bias_s: float | None
    side_accuracy: float | None
    sides_match_rate: float | None
    median_abs_hold_error_90_s: float | None  # against the looser "arrived" reading (hold_s_90)
    median_hold_bias_90_s: float | None
    flagged_rate: float | None  # share of matched (clean) reps given a form fault
    fault_counts: dict[str, int]


def summarise(exercise: str, scores: Iterable[FileScore]) -> Summary:
    mine = [s for s in scores if s.exercise == exercise]
    n = max(len(mine), 1)
    holds = [e for s in mine for e in s.hold_errors_s]
    holds_90 = [e for s in mine for e in s.hold_errors_90_s]
    codes = [c for s in mine for c in s.fault_codes]
    side_total = sum(s.sides_total for s in mine)
    sided = exercise == "hip-flexor-stretch"
    return Summary(
        exercise=exercise, files=len(mine),
        exact_rate=sum(s.count_error == 0 for s in mine) / n,
        off_by_one_rate=sum(abs(s.count_error) <= 1 for s in mine) / n,
        count_mae=sum(abs(s.count_error) for s in mine) / n,
        median_abs_hold_error_s=statistics.median(abs(e) for e in holds) if holds else None,
        median_hold_bias_s=statistics.median(holds) if holds else None,
        side_accuracy=sum(s.sides_right for s in mine) / side_total if side_total else None,
        sides_match_rate=sum(s.sides_match for s in mine) / n if sided else None,
        median_abs_hold_error_90_s=statistics.median(abs(e) for e in holds_90) if holds_90
        else None,
        median_hold_bias_90_s=statistics.median(holds_90) if holds_90 else None,
        flagged_rate=sum(s.flagged_reps for s in mine) / len(holds) if holds else None,
        fault_counts={c: codes.count(c) for c in sorted(set(codes))},
    )


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else format(value, pattern)


def print_report(scores: list[FileScore], show_failures: bool) -> None:
    print(f"{'exercise':20} {'files':>5} {'exact':>7} {'off-by-1':>8} {'MAE':>5} "
          f"{'hold|err| s':>11} {'hold bias s':>11} {'side acc':>8} {'sides ok':>8}")
    for exercise in EXERCISES:
        sm = summarise(exercise, scores)
        if not sm.files:
            continue
        print(f"{exercise:20} {sm.files:5d} {sm.exact_rate:7.1%} {sm.off_by_one_rate:8.1%} "
              f"{sm.count_mae:5.2f} {_fmt(sm.median_abs_hold_error_s, '11.2f')} "
              f"{_fmt(sm.median_hold_bias_s, '+11.2f')} {_fmt(sm.side_accuracy, '8.1%')} "
              f"{_fmt(sm.sides_match_rate, '8.1%')}")
    print("\nform faults on clean repetitions (every hold-out repetition is done correctly):")
    for exercise in EXERCISES:
        sm = summarise(exercise, scores)
        if sm.files:
            print(f"  {exercise:20} flagged {_fmt(sm.flagged_rate, '.1%')} of reps; "
                  f"{sm.fault_counts or 'none'}")
    print("\nhold error against the looser 90 % reading of 'arrived' (truth hold_s_90):")
    for exercise in EXERCISES:
        sm = summarise(exercise, scores)
        if sm.files:
            print(f"  {exercise:20} median |error| {_fmt(sm.median_abs_hold_error_90_s, '.2f')} s, "
                  f"bias {_fmt(sm.median_hold_bias_90_s, '+.2f')} s")
    failures = [s for s in scores if s.notes]
    if show_failures and failures:
        print("\nfailing sequences:")
        for s in failures:
            print(f"  {s.name} [{s.case}]: {'; '.join(s.notes)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--exercise", choices=EXERCISES)
    parser.add_argument("--in-process", action="store_true",
                        help="call the analyser in this process instead of the CLI per file")
    parser.add_argument("--show-failures", action="store_true")
    args = parser.parse_args()
    analyse = analyse_in_process() if args.in_process else analyse_with_cli
    scores = evaluate(args.dir, analyse, args.exercise)
    if not scores:
        sys.exit(f"no hold-out files in {args.dir}: run benchmarks/holdout/generate_holdout.py")
    print_report(scores, args.show_failures)


if __name__ == "__main__":
    main()
