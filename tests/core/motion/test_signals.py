"""Building blocks: the One Euro filter, plane angles, fault definitions."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest

from backcoach.core.catalog import load_catalog
from backcoach.core.motion import analyser, hip_flexor, knee_to_chest, neck_flexion
from backcoach.core.motion.faults import FaultCatalogError, load_faults, shipped_faults
from backcoach.core.motion.filters import OneEuroFilter
from backcoach.core.motion.geometry import angle_between_deg, signed_angle_deg


def test_one_euro_smooths_jitter_and_follows_a_step() -> None:
    rng = random.Random(0)
    f = OneEuroFilter(0.5, 0.005)
    out = [f(i / 30, 10.0 + rng.gauss(0, 3)) for i in range(90)]
    spread = max(out[30:]) - min(out[30:])
    assert spread < 4.0  # raw spread is about 18 degrees
    for i in range(90, 180):
        value = f(i / 30, 60.0)
    assert value == pytest.approx(60.0, abs=1.0)


def test_one_euro_is_causal() -> None:
    samples = [(i / 30, float(i % 7)) for i in range(60)]
    a, b = OneEuroFilter(1.0, 0.01), OneEuroFilter(1.0, 0.01)
    first = [a(t, x) for t, x in samples]
    changed = samples[:30] + [(t, 100.0) for t, _ in samples[30:]]
    second = [b(t, x) for t, x in changed]
    assert first[:30] == second[:30]  # a later sample never changes an earlier output


def test_one_euro_rejects_bad_settings() -> None:
    with pytest.raises(ValueError):
        OneEuroFilter(0.0)


def test_angles() -> None:
    assert angle_between_deg(1, 0, 0, 1) == pytest.approx(90.0)
    assert angle_between_deg(1, 0, -1, 0) == pytest.approx(180.0)
    assert signed_angle_deg(0, -1, 1, -1) == pytest.approx(45.0)
    assert signed_angle_deg(0, -1, -1, -1) == pytest.approx(-45.0)


def test_every_fault_code_in_the_analysers_is_defined_for_its_exercise() -> None:
    faults = shipped_faults()
    catalog = load_catalog()
    modules = {"knee-to-chest": knee_to_chest, "neck-flexion": neck_flexion,
               "hip-flexor-stretch": hip_flexor}
    shared = set(re.findall(r'"([a-z_]+)"', Path(analyser.__file__).read_text()))
    for exercise_id, module in modules.items():
        assert exercise_id in catalog
        text = Path(module.__file__).read_text()  # type: ignore[arg-type]
        used = set(re.findall(r'"([a-z_]+)"', text)) | (shared & {"too_fast"})
        codes = used & set(faults)
        assert codes, exercise_id
        for code in codes:
            assert exercise_id in faults[code].exercises, (code, exercise_id)


def test_fault_file_errors_name_the_file(tmp_path: Path) -> None:
    bad = tmp_path / "faults.toml"
    bad.write_text('[[fault]]\ncode = "x"\n', encoding="utf-8")
    with pytest.raises(FaultCatalogError, match=r"faults\.toml"):
        load_faults(bad)
    bad.write_text("not toml [", encoding="utf-8")
    with pytest.raises(FaultCatalogError, match="cannot be read"):
        load_faults(bad)
