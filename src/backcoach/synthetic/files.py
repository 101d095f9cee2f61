"""Synthetic sequences as landmark files (the JSON Lines format ``backcoach analyze`` reads),
with their ground truth beside them as JSON.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from backcoach.pose.landmark_file import LandmarkHeader, write_landmark_file
from backcoach.synthetic.generate import SyntheticSequence
from backcoach.synthetic.truth import GroundTruth


def truth_to_dict(truth: GroundTruth) -> dict[str, Any]:
    """The ground truth in the shape of ``backcoach analyze --json`` (where it has one)."""
    return {
        "exercise": truth.exercise,
        "reps": truth.count,
        "sides": truth.sides,
        "rep_events": [
            {
                "start": round(r.start, 3),
                "end": round(r.end, 3),
                "hold_s": round(r.hold_s, 3),
                "in_position_s": round(r.in_position_s, 3),
                "side": r.side,
                "faults": list(r.faults),
            }
            for r in truth.reps
        ],
        "faults": [
            {"code": f.code, "t": round(f.t, 3), "start": round(f.start, 3), "end": round(f.end, 3)}
            for f in truth.faults
        ],
    }


def write_sequence(sequence: SyntheticSequence, path: Path) -> Path:
    """Write ``path`` (landmarks) and ``path`` with suffix ``.truth.json``; returns the latter."""
    header = LandmarkHeader(fps=sequence.fps, width=sequence.width, height=sequence.height)
    write_landmark_file(path, header, sequence.frames)
    truth_path = path.with_suffix(".truth.json")
    truth_path.write_text(json.dumps(truth_to_dict(sequence.truth), indent=1) + "\n", "utf-8")
    return truth_path
