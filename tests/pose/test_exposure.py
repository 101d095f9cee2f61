"""Brightening dim frames for the pose model (pose/exposure.py)."""

from __future__ import annotations

import numpy as np
import pytest

from backcoach.pose.exposure import (
    DIM_BELOW,
    MIN_GAMMA,
    TARGET_MEAN,
    Brightener,
    gamma_for,
    mean_grey,
)


def _grey(level: int, size: tuple[int, int] = (90, 160)) -> np.ndarray:
    return np.full((*size, 3), level, dtype=np.uint8)


def test_a_dim_picture_is_lifted_towards_the_target_mean() -> None:
    rng = np.random.default_rng(1)
    dim = np.clip(rng.normal(35, 12, (180, 320, 3)), 0, 255).astype(np.uint8)
    out = Brightener()(dim)
    assert mean_grey(dim) < 40
    assert TARGET_MEAN - 20 < mean_grey(out) < TARGET_MEAN + 20
    assert out.shape == dim.shape and out.dtype == np.uint8


def test_a_well_lit_picture_goes_to_the_model_unchanged() -> None:
    bright = _grey(150)
    brightener = Brightener()
    assert brightener(bright) is bright
    assert brightener.gamma == 1.0


def test_the_curve_keeps_the_order_of_grey_levels_and_black_and_white() -> None:
    ramp = np.tile(np.arange(256, dtype=np.uint8), (4, 1))
    picture = np.repeat(ramp[:, :, None], 3, axis=2)
    dark = np.concatenate([picture, _grey(5, (60, 256))], axis=0)  # mostly dark overall
    out = Brightener()(dark)[0, :, 0].astype(int)
    assert out[0] == 0 and out[255] == 255
    assert np.all(np.diff(out) >= 0)


@pytest.mark.parametrize("mean", [200.0, 0.0, TARGET_MEAN, DIM_BELOW])
def test_no_curve_for_bright_or_black_pictures(mean: float) -> None:
    assert gamma_for(mean) == 1.0


def test_the_curve_is_never_stronger_than_the_floor() -> None:
    assert gamma_for(2.0) == MIN_GAMMA
    assert MIN_GAMMA < gamma_for(40.0) < 1.0
    assert gamma_for(60.0) == 1.0  # not dim: left alone


def test_the_curve_follows_a_change_of_light_gradually() -> None:
    brightener = Brightener()
    brightener(_grey(30))
    first = brightener.gamma
    brightener(_grey(150))  # the light came on: the curve relaxes towards 1, not at once
    assert first < brightener.gamma < 1.0
