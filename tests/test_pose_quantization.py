"""The course's counter-example to weight quantization (models/pose/quantization.py): MoveNet
Lightning stored as uint8 moves its keypoints by far; uint16 and float16 do not."""

from __future__ import annotations

import numpy as np
import pytest

from models.pose.quantization import DTYPES, compare_quantized
from models.vision.images import decode_image


@pytest.fixture(scope="module")
def runs(shared) -> dict:
    photo = decode_image((shared / "data" / "pose" / "squat.bmp").read_bytes())
    return {run.dtype: run for run in compare_quantized(photo)}


def test_each_dtype_is_the_size_its_bytes_say(runs) -> None:
    assert list(runs) == list(DTYPES)
    sizes = {dtype: run.weights_bytes for dtype, run in runs.items()}
    assert sizes["float16"] == sizes["uint16"]  # two bytes a weight either way
    assert 1.99 < sizes["float32"] / sizes["float16"] < 2  # int32 weights stay four bytes
    assert sizes["uint8"] < 0.51 * sizes["float16"]  # a byte a weight (plus scale and min)


def test_uint8_moves_the_keypoints_and_the_others_do_not(runs) -> None:
    # TF Hub ships MoveNet as float16: stored as float16 again, it is exactly the same model
    assert runs["float16"].max_error_px == 0 and runs["float32"].max_error_px == 0
    assert runs["uint16"].mean_error_px < 2  # photo pixels
    assert runs["uint8"].mean_error_px > 30 and runs["uint8"].mean_score_change > 0.2
    # the float32 model still finds the person: the reference is a real pose
    assert np.mean(runs["float32"].pose.keypoints[:, 2] > 0.3) > 0.8
