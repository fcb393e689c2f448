"""IoU and non-maximum suppression on boxes drawn by hand (x1, y1, x2, y2)."""

import numpy as np
import pytest

from models.vision.boxes import area, iou, iou_matrix, iou_steps, non_max_suppression


def test_iou_of_hand_made_boxes() -> None:
    a = np.array([0, 0, 10, 10])
    assert iou(a, a) == 1.0
    assert iou(a, np.array([20, 20, 30, 30])) == 0.0  # apart
    assert iou(a, np.array([10, 0, 20, 10])) == 0.0  # touching along an edge
    # half of a overlaps b of the same size: 50 / (100 + 100 − 50) = 1/3
    assert iou(a, np.array([5, 0, 15, 10])) == pytest.approx(1 / 3)
    # a box inside another: the small area over the large one
    assert iou(a, np.array([2, 2, 7, 7])) == pytest.approx(25 / 100)


def test_iou_steps_spell_out_the_arithmetic() -> None:
    steps = iou_steps(np.array([0, 0, 4, 4]), np.array([2, 1, 6, 3]))
    assert steps.intersection_box == (2, 1, 4, 3)
    assert (steps.intersection, steps.area_a, steps.area_b) == (4, 16, 8)
    assert steps.union == 20 and steps.iou == pytest.approx(0.2)
    apart = iou_steps(np.array([0, 0, 1, 1]), np.array([5, 5, 6, 6]))
    assert apart.intersection_box is None and apart.intersection == 0 and apart.union == 2


def test_degenerate_boxes_have_no_area_and_no_overlap() -> None:
    flat = np.array([3, 3, 3, 9])
    assert area(flat) == 0 and area(np.array([5, 5, 1, 1])) == 0
    assert iou(flat, flat) == 0.0  # no union: 0, not a division by zero


def test_the_matrix_equals_the_pairwise_iou() -> None:
    rng = np.random.default_rng(3)
    corners = rng.uniform(0, 100, (7, 2, 2))
    boxes = np.concatenate([corners.min(axis=1), corners.max(axis=1)], axis=1)
    matrix = iou_matrix(boxes[:4], boxes[4:])
    assert matrix.shape == (4, 3)
    for i in range(4):
        for j in range(3):
            assert matrix[i, j] == pytest.approx(iou(boxes[i], boxes[4 + j]))
    assert iou_matrix(boxes[:2], np.zeros((0, 4))).shape == (2, 0)


def test_nms_keeps_the_best_of_each_overlapping_group() -> None:
    boxes = np.array(
        [
            [0, 0, 10, 10],  # 0: group A, score .6
            [1, 1, 11, 11],  # 1: group A, best (.9), IoU with 0 ≈ 0.68
            [50, 50, 60, 60],  # 2: alone
            [5, 0, 15, 10],  # 3: IoU 54 / 146 ≈ 0.37 with box 1
        ]
    )
    scores = np.array([0.6, 0.9, 0.5, 0.8])
    assert non_max_suppression(boxes, scores, iou_threshold=0.5) == [1, 3, 2]
    # a stricter threshold also drops box 3, which overlaps box 1 by 0.37
    assert non_max_suppression(boxes, scores, iou_threshold=0.2) == [1, 2]
    # threshold 1: nothing overlaps "too much", every box stays, best first
    assert non_max_suppression(boxes, scores, iou_threshold=1.0) == [1, 3, 0, 2]
    assert non_max_suppression(boxes, scores, 0.5, max_boxes=2) == [1, 3]
    assert non_max_suppression(np.zeros((0, 4)), np.zeros(0), 0.5) == []
