"""Accuracy of ``backcoach analyze VIDEO`` on rendered videos of a clothed person in a room.

    .venv/bin/python benchmarks/video_accuracy.py [--per-exercise N] [--seed N]
        [--split held-out|tuning|all] [--replay] [--only NAME] [--list] [--failures]

Seeded clips (``clip_plans``) are acted out by the synthetic body (``backcoach.synthetic``: the
project's one definition of each exercise's movement), rendered by the avatar
(``backcoach.avatar``: MakeHuman's CC0 body, clothed, in a furnished room, lit, with a shadow),
degraded like a webcam and written as MP4. Each clip then goes through the same function as
``backcoach analyze VIDEO`` (``usecases.video_analysis.analyse_video``: decoding, MediaPipe, the
exercise's analyser), and its landmarks are saved beside it.

Videos and landmarks are cached under ``out/video_accuracy/`` (git-ignored), keyed by the clip's
plan, so a second run only analyses. ``--replay`` feeds the saved landmarks straight to the
analyser (seconds instead of minutes, for tuning; the full path is the reference).

Variations, cycled over each exercise's clips so every value is covered: start posture (legs
extended / knees bent; upright / forward head; feet hip-width / together / apart), amplitude
(gentle / medium / full: the fraction of the way to the full position), speed, holds and rests,
partial attempts (must not count), both sides and both orders (hip flexor), camera yaw up to
40 degrees either way off the side view and heights from the floor to a table, six body shapes
(sex, height, weight) and skin tones, clothing (including dark clothes on a dark floor and mat),
four rooms and their lighting, webcam degradation (blur, noise, JPEG, shake, dim exposure, low
resolution) and frame sizes 640x360 to 1280x720. Non-exercise clips (resting with fidgets,
every posture) must give 0 repetitions.

Camera check: each clip's first ``CHECK_S`` seconds (the person resting in the start position)
also go through the app's camera check (``pose.camera_check``, landmarks and picture brightness),
and the tables are repeated for the clips it accepts and those where it would ask the person to
change the view or the light ("camera check" rows).

Truth: the synthetic ground truth (``synthetic.truth``): a repetition reaches the catalog's target
range (a gentle one only just: 6 degrees inside) and stays in it for the minimum hold; partial
attempts (30-50 % of the way to the target) do not count. Hold truth: time in the position
(as in ``motion_accuracy.py``). Clips are split by seed: seed % 3 == 0 is the tuning set
(thresholds may be tuned on it), the rest is held out; the figures to report are the held-out ones.
Another ``--seed`` draws a fresh set with the same variations (new timings, framings and fidgets):
seeds 2026 and 2027 were looked at while developing, and ``--seed 2028 --split all`` was rendered
and run only once, after the last change (README: its figures).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from backcoach.avatar.body import SKIN_TONES, Look
from backcoach.avatar.clip import Staging, write_video
from backcoach.avatar.degrade import Webcam
from backcoach.avatar.scene import ROOMS
from backcoach.core.motion.registry import create_analyser
from backcoach.core.motion.types import AnalysisSummary
from backcoach.synthetic import generate
from backcoach.synthetic.camera import CameraSpec
from backcoach.synthetic.generate import SequenceSpec, exercise_for
from backcoach.synthetic.poses import EXERCISES, START_POSTURES
from backcoach.synthetic.skeleton import BodyShape, Side
from backcoach.synthetic.timeline import Attempt

sys.path.insert(0, str(Path(__file__).resolve().parent))
from motion_accuracy import match_reps

ROOT = Path(__file__).resolve().parents[1]
CACHE = ROOT / "out" / "video_accuracy"
RENDER_VERSION = 2  # bump when the renderer changes what a clip looks like (2: framing centred)
TARGETS = {"exact": 0.95, "off_by_one": 0.99, "side": 0.98, "hold_err_s": 0.7, "non_exercise": 0}

AMPLITUDES = {"gentle": 0.0, "medium": 0.5, "full": 1.0}
YAWS = (0.0, -40.0, 25.0, -20.0, 40.0, -30.0)
HEIGHTS = {  # lens heights above the floor, metres: floor, low, chair, table
    "knee-to-chest": (0.12, 0.35, 0.6, 0.95),
    "neck-flexion": (0.35, 0.75, 1.0, 1.2),
    "hip-flexor-stretch": (0.25, 0.6, 0.95, 1.25),
}
BODIES = (  # (label, look fields, synthetic height)
    ("woman 1.58 m slim", {"sex": "female", "height_m": 1.58, "weight": 0.25}),
    ("man 1.85 m heavy", {"sex": "male", "height_m": 1.85, "weight": 0.9}),
    ("woman 1.70 m heavy", {"sex": "female", "height_m": 1.70, "weight": 0.85}),
    ("man 1.72 m slim", {"sex": "male", "height_m": 1.72, "weight": 0.2}),
    ("woman 1.64 m average", {"sex": "female", "height_m": 1.64, "weight": 0.5}),
    ("man 1.92 m average", {"sex": "male", "height_m": 1.92, "weight": 0.5}),
)
CLOTHES = {
    "blue/black": {"shirt": (0.25, 0.45, 0.70), "trousers": (0.12, 0.12, 0.14)},
    "red/grey": {"shirt": (0.70, 0.18, 0.15), "trousers": (0.45, 0.45, 0.47)},
    "dark-on-dark": {"shirt": (0.10, 0.10, 0.12), "trousers": (0.07, 0.07, 0.08),
                     "socks": (0.10, 0.10, 0.10), "long_sleeves": True},
    "white/beige": {"shirt": (0.92, 0.92, 0.90), "trousers": (0.70, 0.62, 0.50)},
}  # fmt: skip
WEBCAMS = {
    "clean": Webcam(),
    "blur": Webcam(blur_px=1.8, jpeg_quality=70),
    "noise": Webcam(noise=9.0, jpeg_quality=60),
    "jpeg": Webcam(jpeg_quality=25),
    "shake": Webcam(shake_px=4.0, blur_px=0.8),
    "dim": Webcam(exposure=0.55, noise=6.0, jpeg_quality=60),
    "low-res": Webcam(downscale=0.5, jpeg_quality=50),
}
SIZES = ((640, 360), (640, 360), (1280, 720), (640, 360), (640, 360), (960, 540), (640, 360),
         (640, 360), (640, 360), (640, 360), (640, 360), (640, 360))


@dataclass(frozen=True)
class ClipPlan:
    """One rendered clip: what is acted out, who, where, seen how; and its variation labels."""

    name: str
    exercise_id: str
    seed: int
    spec: SequenceSpec
    look: Look
    room: str
    webcam: str
    labels: dict[str, str] = field(default_factory=dict)
    exercise_clip: bool = True  # False: a non-exercise clip (0 repetitions is right)

    @property
    def split(self) -> str:
        return "tuning" if self.seed % 3 == 0 else "held-out"

    def key(self) -> str:
        text = repr((RENDER_VERSION, self.spec, self.look, self.room, self.webcam, self.seed))
        return hashlib.sha256(text.encode()).hexdigest()[:12]


def _attempts(exercise_id: str, k: int, amplitude: float, rng: np.random.Generator,
              sides: tuple[Side, ...]) -> tuple[Attempt, ...]:  # fmt: skip
    exercise = exercise_for(exercise_id)
    min_hold = exercise.kinematics.min_hold_s
    reps = 2
    kinds = ["rep"] * reps + (["partial"] if k % 2 == 0 else [])
    order = rng.permutation(len(kinds))
    attempts = []
    for n, index in enumerate(order):
        kind = kinds[index]
        side = sides[n % len(sides)] if exercise.sided else None
        slow = k % 4 == 1
        attempts.append(Attempt(
            kind="rep" if kind == "rep" else "partial",
            hold_s=float(rng.uniform(min_hold + 1.0, min_hold + 3.5)) if kind == "rep"
            else float(rng.uniform(0.3, 1.0)),
            up_s=float(rng.uniform(2.5, 4.0) if slow else rng.uniform(1.5, 2.5)),
            down_s=float(rng.uniform(2.5, 4.0) if slow else rng.uniform(1.5, 2.5)),
            rest_s=float(rng.uniform(1.5, 3.0)),
            side=side,
            reach=float(rng.uniform(0.3, 0.5)) if kind == "partial" else 1.0,
            amplitude=amplitude if kind == "rep" else 1.0,
        ))  # fmt: skip
    return tuple(attempts)


def _sides(exercise_id: str, k: int) -> tuple[tuple[Side, ...], str]:
    if not exercise_for(exercise_id).sided:
        return ("left",), "-"
    first: Side = "left" if k % 2 == 0 else "right"
    other: Side = "right" if first == "left" else "left"
    if (k // 2) % 2 == 0:
        return (first, other), f"alternating, {first} first"
    return (first, first, other), f"{first}, {first}, then {other}"


def clip_plans(per_exercise: int = 12, seed: int = 2026, non_exercise: int = 6) -> list[ClipPlan]:
    """The benchmark's clips, deterministic for a seed: ``per_exercise`` clips of each exercise
    (variations cycled so each value is covered) and ``non_exercise`` clips of resting."""
    plans = []
    for e, exercise_id in enumerate(EXERCISES):
        for k in range(per_exercise):
            clip_seed = seed * 1000 + e * 100 + k
            plans.append(_plan(exercise_id, k, clip_seed, exercise_clip=True))
    for k in range(non_exercise):
        exercise_id = EXERCISES[k % len(EXERCISES)]
        plans.append(_plan(exercise_id, k + 3, seed * 1000 + 900 + k, exercise_clip=False))
    return plans


def _plan(exercise_id: str, k: int, clip_seed: int, *, exercise_clip: bool) -> ClipPlan:
    rng = np.random.default_rng(clip_seed)
    starts = START_POSTURES[exercise_id]
    start = starts[k % len(starts)]
    amp_name = tuple(AMPLITUDES)[(k // len(starts)) % 3]
    sides, order = _sides(exercise_id, k)
    attempts = _attempts(exercise_id, k, AMPLITUDES[amp_name], rng, sides) if exercise_clip else ()
    yaw = YAWS[k % len(YAWS)]
    height = HEIGHTS[exercise_id][(k * 3 + 1) % 4]
    body_label, body = BODIES[(k + len(exercise_id)) % len(BODIES)]
    skin = SKIN_TONES[(k * 5 + len(exercise_id)) % len(SKIN_TONES)]
    clothes = tuple(CLOTHES)[(k * 3) % len(CLOTHES)]
    room = "dark_floor" if clothes == "dark-on-dark" else tuple(ROOMS)[k % 3]
    webcam = tuple(WEBCAMS)[(k * 2 + len(exercise_id)) % len(WEBCAMS)]
    width, height_px = SIZES[k % len(SIZES)]
    look = Look(skin=skin, **body, **CLOTHES[clothes])  # type: ignore[arg-type]
    spec = SequenceSpec(
        exercise_id=exercise_id,
        attempts=attempts,
        lead_in_s=float(rng.uniform(1.5, 2.5)),
        body=BodyShape(height_m=look.height_m),
        camera=CameraSpec(side="left" if k % 2 == 0 else "right", yaw_deg=yaw, height_m=height,
                          fill=float(rng.uniform(0.6, 0.8)), fov_deg=float(rng.uniform(55, 70))),
        heading_deg=0.0,
        fps=10.0,
        width=width,
        height=height_px,
        fidgets_per_min=2.0 if exercise_clip else 8.0,
        start=start,
    )  # fmt: skip
    if not exercise_clip:
        spec = replace(spec, lead_in_s=float(rng.uniform(10.0, 14.0)))
    labels = {
        "start": start, "amplitude": amp_name if exercise_clip else "-",
        "speed": "slow" if k % 4 == 1 else "normal", "partial": "yes" if k % 2 == 0 else "no",
        "sides": order, "yaw": f"{yaw:+.0f} deg", "lens height": f"{height:.2f} m",
        "body": body_label, "skin": f"tone {SKIN_TONES.index(skin) + 1}/6", "clothes": clothes,
        "room": room, "webcam": webcam, "size": f"{width}x{height_px}",
    }  # fmt: skip
    kind = "clip" if exercise_clip else "rest"
    name = f"{exercise_id}-{kind}-{clip_seed}"
    return ClipPlan(name, exercise_id, clip_seed, spec, look, room, webcam, labels, exercise_clip)


# --- making and analysing clips -----------------------------------------------------------------


def _truth(plan: ClipPlan) -> dict[str, Any]:
    seq = generate(plan.spec, seed=plan.seed)
    reps = [{"start": r.start, "end": r.end, "side": r.side, "in_position_s": r.in_position_s}
            for r in seq.truth.reps]  # fmt: skip
    return {"reps": reps, "duration_s": seq.duration_s}


def make_clip(plan: ClipPlan, folder: Path = CACHE) -> tuple[Path, dict[str, Any]]:
    """The clip's video and truth, rendered now if not cached."""
    folder.mkdir(parents=True, exist_ok=True)
    video = folder / f"{plan.name}-{plan.key()}.mp4"
    truth_path = video.with_suffix(".truth.json")
    if not video.exists() or not truth_path.exists():
        seq = generate(plan.spec, seed=plan.seed)
        staging = Staging(look=plan.look, room=ROOMS[plan.room])
        partial = video.with_suffix(".part.mp4")
        write_video(seq, staging, partial, WEBCAMS[plan.webcam], seed=plan.seed)
        truth_path.write_text(json.dumps(_truth(plan)))
        partial.rename(video)
    return video, json.loads(truth_path.read_text())


def analyse(plan: ClipPlan, video: Path, replay: bool) -> AnalysisSummary:
    """The summary ``backcoach analyze VIDEO`` gives (or, with ``replay``, its saved landmarks
    fed straight to the analyser)."""
    exercise = exercise_for(plan.exercise_id)
    landmarks = video.with_suffix(".landmarks.jsonl")
    if replay and landmarks.exists():
        from backcoach.pose.landmark_file import read_landmark_file

        header, frames = read_landmark_file(landmarks)
        analyser = create_analyser(exercise, aspect_ratio=header.width / header.height)
        for frame in frames:
            analyser.update(frame)
        return analyser.summary()
    from backcoach.usecases.video_analysis import analyse_video

    return analyse_video(video, exercise, save_landmarks=landmarks).summary


CHECK_S = 3.0  # seconds of the clip's start the camera check sees


def camera_check(plan: ClipPlan, video: Path) -> str:
    """What the app's camera check says about the clip's first seconds: "accepted", or
    "refused (codes)". Uses the saved landmarks (so after an analysis) and the video's pixels."""
    import cv2

    from backcoach.pose.camera_check import CameraChecker
    from backcoach.pose.landmark_file import read_landmark_file

    header, frames = read_landmark_file(video.with_suffix(".landmarks.jsonl"))
    capture = cv2.VideoCapture(str(video))
    images: dict[int, np.ndarray] = {}
    index = 0
    while index < CHECK_S * header.fps + 1:
        ok, image = capture.read()
        if not ok:
            break
        images[index] = image
        index += 1
    capture.release()
    checker = CameraChecker(exercise_for(plan.exercise_id), header.width, header.height)
    for frame in frames:
        if frame.t > CHECK_S:
            break
        checker.add(frame.landmarks, images.get(round(frame.t * header.fps)))
    result = checker.result()
    if result.ok:
        return "accepted"
    return "refused (" + ", ".join(p.code for p in result.problems) + ")"


# --- scoring ------------------------------------------------------------------------------------


@dataclass
class Tally:
    clips: int = 0
    exact: int = 0
    off_by_one: int = 0
    sides_right: int = 0
    sides_total: int = 0
    hold_errors: list[float] = field(default_factory=list)
    non_exercise_reps: int = 0
    non_exercise_clips: int = 0

    def add(self, plan: ClipPlan, summary: AnalysisSummary, truth: dict[str, Any]) -> None:
        if not plan.exercise_clip:
            self.non_exercise_clips += 1
            self.non_exercise_reps += summary.reps
            return
        true = truth["reps"]
        self.clips += 1
        diff = abs(summary.reps - len(true))
        self.exact += diff == 0
        self.off_by_one += diff <= 1
        wrapped = [_TrueRep(r["start"], r["end"]) for r in true]
        for i, j in match_reps(summary.rep_events, wrapped):  # type: ignore[arg-type]
            found = summary.rep_events[i]
            self.hold_errors.append(found.hold_s - true[j]["in_position_s"])
            if true[j]["side"] is not None and exercise_for(plan.exercise_id).sided:
                self.sides_total += 1
                self.sides_right += found.side == true[j]["side"]

    def row(self) -> list[str]:
        def rate(a: int, b: int) -> str:
            return f"{a / b:6.1%}" if b else "     -"

        hold = statistics.median(abs(e) for e in self.hold_errors) if self.hold_errors else None
        return [
            f"{self.clips:3d}", rate(self.exact, self.clips), rate(self.off_by_one, self.clips),
            rate(self.sides_right, self.sides_total),
            f"{hold:5.2f}" if hold is not None else "    -",
            f"{self.non_exercise_reps}/{self.non_exercise_clips}" if self.non_exercise_clips
            else "-",
        ]  # fmt: skip


@dataclass(frozen=True)
class _TrueRep:
    start: float
    end: float


_HEADER = ["clips", " exact", " off<=1", "  side", "hold|err| s", "non-ex reps/clips"]


def _print_table(title: str, rows: dict[str, Tally]) -> None:
    width = max([len(k) for k in rows] + [len(title)])
    print(f"\n{title:<{width}}  " + "  ".join(_HEADER))
    for key, tally in rows.items():
        cells = tally.row()
        print(f"{key:<{width}}  " + "  ".join(c.rjust(len(h)) for c, h in zip(cells, _HEADER,
                                                                                strict=True)))


def _shard(text: str) -> tuple[int, int]:
    """``K/N`` (0 <= K < N) for ``--shard``."""
    k, _, n = text.partition("/")
    if not (k.isdigit() and n.isdigit() and int(k) < int(n)):
        raise argparse.ArgumentTypeError(f"{text!r}: give K/N with 0 <= K < N, e.g. 0/2")
    return int(k), int(n)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-exercise", type=int, default=12)
    parser.add_argument("--non-exercise", type=int, default=6)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--split", choices=("held-out", "tuning", "all"), default="held-out")
    parser.add_argument("--replay", action="store_true", help="analyse saved landmarks only")
    parser.add_argument("--render-only", action="store_true", help="make clips, do not analyse")
    parser.add_argument("--only", help="clips whose name contains this")
    parser.add_argument("--shard", type=_shard, help="K/N: every N-th clip from the K-th")
    parser.add_argument("--list", action="store_true", help="list the clips and exit")
    parser.add_argument("--failures", action="store_true", help="print clips with wrong counts")
    args = parser.parse_args()
    plans = clip_plans(args.per_exercise, args.seed, args.non_exercise)
    plans = [p for p in plans if args.split == "all" or p.split == args.split]
    if args.only:
        plans = [p for p in plans if args.only in p.name]
    if args.shard:
        k, n = args.shard
        plans = plans[k::n]
    if args.list:
        for p in plans:
            print(p.name, p.split, json.dumps(p.labels))
        return
    overall: dict[str, Tally] = defaultdict(Tally)
    checked: dict[str, Tally] = defaultdict(Tally)  # by the camera check's verdict
    by_label: dict[str, dict[str, Tally]] = defaultdict(lambda: defaultdict(Tally))
    failures = []
    started = time.perf_counter()
    for n, plan in enumerate(plans, 1):
        t0 = time.perf_counter()
        video, truth = make_clip(plan)
        if args.render_only:
            print(f"[{n}/{len(plans)}] {plan.name} {time.perf_counter() - t0:.0f} s", flush=True)
            continue
        summary = analyse(plan, video, args.replay)
        check = camera_check(plan, video)
        overall[plan.exercise_id].add(plan, summary, truth)
        overall["all"].add(plan, summary, truth)
        accepted = check == "accepted"
        checked[f"{plan.exercise_id}, {'accepted' if accepted else 'refused'}"].add(
            plan, summary, truth)
        checked[f"all, {'accepted' if accepted else 'refused'}"].add(plan, summary, truth)
        for label, value in {**plan.labels, "camera check": check}.items():
            by_label[label][f"{value}"].add(plan, summary, truth)
        if summary.reps != len(truth["reps"]):
            failures.append(f"  {plan.name}: true {len(truth['reps'])}, found {summary.reps}; "
                            + ", ".join(f"{k} {v}" for k, v in plan.labels.items())
                            + f"; camera check {check}")  # fmt: skip
        took = time.perf_counter() - t0
        print(f"[{n}/{len(plans)}] {plan.name} ({plan.split}): true {len(truth['reps'])}, found "
              f"{summary.reps} ({took:.0f} s)", file=sys.stderr, flush=True)  # fmt: skip
    if args.render_only:
        return
    print(f"video_accuracy: {len(plans)} clips ({args.split}), seed {args.seed}, "
          f"{'replayed landmarks' if args.replay else 'full analyze VIDEO path'}, "
          f"{time.perf_counter() - started:.0f} s")  # fmt: skip
    print("targets: exact >= 95 %, off by <= 1 >= 99 %, side >= 98 %, median |hold error| <= "
          "0.7 s, 0 repetitions on non-exercise clips")
    _print_table("exercise", dict(overall))
    _print_table("exercise, camera check", dict(sorted(checked.items())))
    for label, rows in by_label.items():
        _print_table(label, dict(sorted(rows.items())))
    if args.failures and failures:
        print("\nwrong counts:")
        print("\n".join(failures))


if __name__ == "__main__":
    main()
