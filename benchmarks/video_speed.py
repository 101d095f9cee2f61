"""Speed of ``backcoach analyze VIDEO``: the plain loop against the fast pipeline, in one run.

    .venv/bin/python benchmarks/video_speed.py [--reps 2] [--no-mannequin]

For each test video, two runs of the whole analysis (decode, pose model, movement analysis):

* plain loop: decode every frame and run MediaPipe Pose on every full-size frame;
* fast pipeline: ``backcoach.pose.pipeline`` with its defaults (decoding in its own thread,
  downscaling to 640 px, an adaptive frame rate set by the analyser: 15 fps while the person
  moves, 10 fps while holding, 5 fps at rest; MediaPipe's own region tracking).

Videos: Sports2D's demo (real people walking, none doing our exercises), re-encoded to 1280×720
and as shipped; and the synthetic body drawn as a mannequin doing each exercise (known count).

It prints each run's real-time factor (video seconds per wall-clock second: 2.0 means twice as
fast as real time), the ratio between the two, and whether the repetition counts of every
exercise agree when the same analyser reads the two landmark streams. Timings depend on what else
runs on the machine: compare the two runs of one invocation, not runs across invocations.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from _videos import DEMO_VIDEO, mannequin_video, write_mannequin, write_variant
from backcoach.core.catalog import BLAZEPOSE_LANDMARKS, Exercise, load_catalog
from backcoach.core.motion.registry import analyse_frames, create_analyser
from backcoach.core.motion.types import PoseFrame
from backcoach.pose.mediapipe_backend import MediaPipePoseBackend
from backcoach.pose.pipeline import PipelineSettings, run_video
from backcoach.pose.video import probe_video
from backcoach.usecases.video_analysis import activity

_KEY_JOINTS = [
    BLAZEPOSE_LANDMARKS.index(name)
    for name in ("left_shoulder", "right_shoulder", "left_hip", "right_hip", "left_knee",
                 "right_knee", "left_ankle", "right_ankle")
]


@dataclass
class Run:
    seconds: float
    frames: list[PoseFrame]
    decoded: int
    width: int
    height: int


def plain_loop(path: Path, exercise: Exercise) -> Run:
    """The baseline: decode every frame, run the model on it at full size, analyse it."""
    start = time.perf_counter()
    backend = MediaPipePoseBackend()
    capture = cv2.VideoCapture(str(path))
    fps = capture.get(cv2.CAP_PROP_FPS) or 30.0
    width = int(capture.get(cv2.CAP_PROP_FRAME_WIDTH))
    height = int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT))
    analyser = create_analyser(exercise, aspect_ratio=width / height)
    frames: list[PoseFrame] = []
    index = 0
    while True:
        ok, image = capture.read()
        if not ok:
            break
        frame = PoseFrame(t=index / fps, landmarks=backend.estimate(image, index / fps))
        analyser.update(frame)
        frames.append(frame)
        index += 1
    analyser.summary()
    capture.release()
    backend.close()
    return Run(time.perf_counter() - start, frames, index, width, height)


def fast_pipeline(path: Path, exercise: Exercise, settings: PipelineSettings) -> Run:
    """What ``backcoach analyze VIDEO`` runs: the pipeline, paced by the analyser."""
    start = time.perf_counter()
    info = probe_video(path)
    analyser = create_analyser(exercise, aspect_ratio=info.width / info.height)
    stats, stream = run_video(path, MediaPipePoseBackend, settings,
                              pace=lambda: activity(analyser))
    frames: list[PoseFrame] = []
    for video_frame in stream:
        if video_frame.pose is not None:
            analyser.update(video_frame.pose)
            frames.append(video_frame.pose)
    analyser.summary()
    return Run(time.perf_counter() - start, frames, stats.frames_decoded, info.width, info.height)


def landmark_gap_px(plain: Run, fast: Run) -> float:
    """Median distance (pixels of the video) between the two runs' key joints on the frames
    both analysed."""
    by_t = {round(f.t, 4): f.landmarks for f in plain.frames}
    gaps: list[float] = []
    for frame in fast.frames:
        other = by_t.get(round(frame.t, 4))
        if frame.landmarks is None or other is None:
            continue
        a = np.asarray(frame.landmarks)[_KEY_JOINTS, :2] * (plain.width, plain.height)
        b = np.asarray(other)[_KEY_JOINTS, :2] * (plain.width, plain.height)
        gaps.extend(np.linalg.norm(a - b, axis=1).tolist())
    return float(np.median(gaps)) if gaps else float("nan")


def found_ratio(frames: Sequence[PoseFrame]) -> float:
    return sum(f.landmarks is not None for f in frames) / max(len(frames), 1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=2, help="repetitions per mannequin video")
    parser.add_argument("--no-mannequin", action="store_true", help="real-people videos only")
    args = parser.parse_args()
    catalog = load_catalog()
    settings = PipelineSettings()
    print(f"fast settings: {settings}")
    header = (f"{'video':44} {'dur s':>6} {'plain x':>8} {'fast x':>7} {'ratio':>6} "
              f"{'analysed':>10} {'found p/f':>10} {'gap px':>7}  exercise: reps plain/fast[/true]")
    with tempfile.TemporaryDirectory(prefix="backcoach-bench-") as tmp:
        videos: list[tuple[str, Path, str, int | None]] = [
            ("people: demo 1280x720 30fps MPEG-4",
             write_variant(DEMO_VIDEO, Path(tmp) / "demo720.mp4", size=(1280, 720)),
             "knee-to-chest", None),
            ("people: demo original 1768x994 30fps VP9", DEMO_VIDEO, "knee-to-chest", None),
        ]
        if not args.no_mannequin:
            for exercise_id in ("knee-to-chest", "neck-flexion", "hip-flexor-stretch"):
                video = mannequin_video(exercise_id, reps=args.reps, seed=11)
                path = write_mannequin(video, Path(tmp) / f"{exercise_id}.mp4")
                videos.append((f"mannequin: {exercise_id} 1280x720 30fps MPEG-4", path,
                               exercise_id, video.true_reps))
        print(header)
        all_agree = True
        plain_s = fast_s = 0.0
        for label, path, timed_id, true_reps in videos:
            plain = plain_loop(path, catalog.get(timed_id))
            duration_s = plain.decoded / probe_video(path).fps
            aspect = plain.width / plain.height
            # real people: every exercise; mannequin: the exercise it performs
            exercises = [catalog.get(timed_id)] if true_reps is not None else list(catalog)
            for exercise in exercises:
                fast = fast_pipeline(path, exercise, settings)
                plain_s += plain.seconds
                fast_s += fast.seconds
                a = analyse_frames(exercise, plain.frames, aspect_ratio=aspect).reps
                b = analyse_frames(exercise, fast.frames, aspect_ratio=aspect).reps
                all_agree &= a == b
                truth = "" if true_reps is None else f"/{true_reps}"
                print(f"{label:44} {duration_s:6.2f} {duration_s / plain.seconds:8.2f} "
                      f"{duration_s / fast.seconds:7.2f} {plain.seconds / fast.seconds:6.2f} "
                      f"{len(fast.frames):5d}/{fast.decoded:<4d} "
                      f"{found_ratio(plain.frames):4.0%}/{found_ratio(fast.frames):4.0%} "
                      f"{landmark_gap_px(plain, fast):7.1f}  {exercise.id} {a}/{b}{truth}")
        print(f"all videos: plain {plain_s:.1f} s, fast {fast_s:.1f} s, ratio "
              f"{plain_s / fast_s:.2f}")
        print(f"repetition counts of plain loop and fast pipeline agree everywhere: {all_agree}")
    print("x = real-time factor (video seconds per wall-clock second); ratio = plain time / fast "
          "time; analysed = frames given to the model / frames decoded; gap px = median distance "
          "between the two runs' key joints on frames both analysed. The plain loop runs once per "
          "video (its landmarks do not depend on the exercise); the fast pipeline once per "
          "exercise, paced by that exercise's analyser")


if __name__ == "__main__":
    main()
