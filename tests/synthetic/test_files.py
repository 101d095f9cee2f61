"""Synthetic sequences written as landmark files read back exactly, with their truth beside them."""

from __future__ import annotations

import json
from pathlib import Path

from backcoach.pose.landmark_file import read_landmark_file
from backcoach.synthetic import (
    DropoutSpec,
    demonstration,
    generate,
    pose_landmarks,
    simple_spec,
)
from backcoach.synthetic.files import write_sequence
from backcoach.synthetic.skeleton import BodyAngles


def test_landmark_file_round_trip_with_truth(tmp_path: Path) -> None:
    spec = simple_spec(
        "hip-flexor-stretch", reps=2, hold_s=4.0, dropouts=DropoutSpec(away=((16.0, 1.5),))
    )
    seq = generate(spec, seed=4)
    path = tmp_path / "hfs.jsonl"
    truth_path = write_sequence(seq, path)
    header, frames = read_landmark_file(path)
    assert (header.fps, header.width, header.height) == (seq.fps, seq.width, seq.height)
    back = list(frames)
    assert len(back) == len(seq.frames)
    assert [f.t for f in back] == [f.t for f in seq.frames]
    assert any(f.landmarks is None for f in back)
    for ours, theirs in zip(seq.frames, back, strict=True):
        if ours.landmarks is None:
            assert theirs.landmarks is None
        else:
            assert [list(p) for p in theirs.landmarks] == [list(p) for p in ours.landmarks]
    truth = json.loads(truth_path.read_text("utf-8"))
    assert truth["reps"] == 2 and truth["sides"] == {"left": 1, "right": 1}
    assert [r["side"] for r in truth["rep_events"]] == ["left", "right"]


def test_demonstration_is_clean_and_complete() -> None:
    seq = demonstration("neck-flexion", reps=2, hold_s=3.0)
    assert seq.truth.count == 2
    assert all(f.landmarks is not None for f in seq.frames)
    assert all(rep.faults in ((), ("too_fast",)) for rep in seq.truth.reps)


def test_pose_landmarks_for_a_single_pose() -> None:
    seq = demonstration("knee-to-chest")
    points = pose_landmarks(BodyAngles(posture="lying"), seq.spec.body, seq.camera)
    assert len(points) == 33 and all(len(p) == 4 for p in points)
    assert all(0.0 < p[0] < 1.0 and 0.0 < p[1] < 1.0 for p in points)
