"""MoveNet MultiPose: two people found in the two shared photos side by side, decoding and
mirroring by hand, the IoU tracker over a synthetic clip, drawing, the command line."""

import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from crowd_helper import YOGA_LEFT, photos, two_people

from models.loading import TENSORFLOW, load_model
from models.pose.draw import DrawOptions, draw_crowd, person_colour
from models.pose.movenet import Pose, estimate
from models.pose.multipose import (
    MULTIPOSE_MODEL,
    Crowd,
    CrowdFollower,
    Person,
    decode,
    estimate_crowd,
)
from models.pose.tracking import IouTracker
from models.vision.letterbox import Letterbox

ROOT = Path(__file__).resolve().parent.parent
THUNDER = "movenet-singlepose-thunder"


@pytest.fixture(scope="module")
def crowd(shared) -> Crowd:
    return estimate_crowd(load_model(MULTIPOSE_MODEL), two_people(shared), 256)


def _near(found: Pose, single: Pose) -> np.ndarray:
    """Distances (px) between the keypoints both models are sure of."""
    sure = (found.keypoints[:, 2] >= 0.3) & (single.keypoints[:, 2] >= 0.3)
    return np.hypot(*(found.keypoints[sure, :2] - single.keypoints[sure, :2]).T)


def test_two_people_each_near_the_single_pose_answer(shared, crowd) -> None:
    assert len(crowd.people) == 2
    assert (crowd.width, crowd.height) == (926, 640)
    left, right = sorted(crowd.people, key=lambda p: p.box[0])
    squat, yoga = photos(shared)
    thunder = load_model(THUNDER)
    alone = [estimate(thunder, squat, 256), estimate(thunder, yoga, 256)]
    alone[1].keypoints[:, 0] += YOGA_LEFT
    for person, single in zip((left, right), alone, strict=True):
        distances = _near(person.pose, single)
        assert len(distances) >= 14  # nearly every joint, on both models
        assert distances.mean() < 12 and distances.max() < 35, distances.round(1)
        # the box holds the person's keypoints (a few pixels of slack at the edges)
        x1, y1, x2, y2 = person.box
        sure = person.pose.keypoints[person.pose.keypoints[:, 2] >= 0.3]
        assert (sure[:, 0] >= x1 - 5).all() and (sure[:, 0] <= x2 + 5).all()
        assert (sure[:, 1] >= y1 - 5).all() and (sure[:, 1] <= y2 + 5).all()
    assert left.box[2] < YOGA_LEFT + 10 and right.box[0] > YOGA_LEFT - 10
    assert sorted(p.id for p in crowd.people) == [1, 2]
    assert crowd.people[0].score >= crowd.people[1].score > 0.25


def test_a_larger_input_finds_the_same_two_people(shared, crowd) -> None:
    """320 × 320 on LiteRT (converted for that size) agrees with 256 within a few pixels."""
    larger = estimate_crowd(load_model(MULTIPOSE_MODEL, size=320), two_people(shared), 320)
    assert len(larger.people) == 2
    for a, b in zip(
        sorted(crowd.people, key=lambda p: p.box[0]),
        sorted(larger.people, key=lambda p: p.box[0]),
        strict=True,
    ):
        assert _near(a.pose, b.pose).mean() < 10
        assert np.abs(a.box - b.box).max() < 25


def test_litert_agrees_with_the_graph_in_tensorflow(shared, crowd) -> None:
    graph = estimate_crowd(load_model(MULTIPOSE_MODEL, runtime=TENSORFLOW), two_people(shared), 256)
    assert len(graph.people) == 2
    for a, b in zip(crowd.people, graph.people, strict=True):
        np.testing.assert_allclose(a.pose.keypoints, b.pose.keypoints, atol=0.05)
        np.testing.assert_allclose(a.box, b.box, atol=0.05)


def test_decode_maps_rows_to_frame_pixels_best_person_first() -> None:
    """A 200 × 100 frame letterboxed into 100 × 100: it fills the width, rows 25..75."""
    box = Letterbox.fit(200, 100, 100)
    raw = np.zeros((6, 56), np.float32)
    raw[0, :51] = np.tile([0.5, 0.5, 0.9], 17)  # centre of the square
    raw[0, 51:55] = [0.25, 0.0, 0.75, 0.5]  # ymin, xmin, ymax, xmax: the left half
    raw[0, 55] = 0.4
    raw[1, :51] = np.tile([0.25, 1.0, 0.8], 17)  # top-right corner of the frame
    raw[1, 51:55] = [0.25, 0.5, 0.75, 1.0]
    raw[1, 55] = 0.9
    raw[2, 55] = 0.1  # under the person score: dropped
    people = decode(raw, box)
    assert [p.score for p in people] == pytest.approx([0.9, 0.4])
    assert [p.id for p in people] == [1, 2]
    np.testing.assert_allclose(people[0].pose.keypoints[0], [200, 0, 0.8], atol=1e-4)
    np.testing.assert_allclose(people[0].box, [100, 0, 200, 100], atol=1e-4)
    np.testing.assert_allclose(people[1].pose.keypoints[5], [100, 50, 0.9], atol=1e-4)
    mirrored = Crowd(people, 200, 100).mirrored()
    np.testing.assert_allclose(mirrored.people[0].box, [0, 0, 100, 100], atol=1e-4)
    np.testing.assert_allclose(mirrored.people[0].pose.keypoints[0, :2], [0, 0], atol=1e-4)


def test_records_and_document_name_each_person() -> None:
    pose = Pose(np.tile(np.float32([10, 20, 0.5]), (17, 1)), 100, 100)
    people = decode(np.zeros((6, 56), np.float32), Letterbox.fit(100, 100, 100))
    assert people == []  # six empty rows: nobody
    crowd = Crowd([], 100, 100)
    assert crowd.records() == [] and crowd.document() == {"people": []}
    crowd = Crowd([Person(pose, np.float32([1, 2, 3, 4]), 0.75, 7)], 100, 100)
    assert crowd.records()[0] == {"person": 7, "name": "nose", "x": 10.0, "y": 20.0, "score": 0.5}
    person = crowd.document()["people"][0]
    assert (person["id"], person["score"], person["box"]) == (7, 0.75, [1.0, 2.0, 3.0, 4.0])
    assert len(person["keypoints"]) == 17


def _clip() -> list[list[np.ndarray]]:
    """Twelve frames, 30 apart: A walks right, B walks left; their boxes never swap places
    in the order MultiPose lists them (it lists them by score, here alternating)."""
    frames = []
    for i in range(12):
        a = np.float32([100 + 8 * i, 100, 180 + 8 * i, 300])
        b = np.float32([500 - 8 * i, 120, 580 - 8 * i, 320])
        frames.append([a, b] if i % 2 else [b, a])
    return frames


def test_tracker_ids_stay_with_each_person_over_a_clip() -> None:
    tracker = IouTracker()
    seen = []
    for i, boxes in enumerate(_clip()):
        ids = tracker.assign(boxes, i / 30)
        by_x = dict(zip((float(b[0]) for b in boxes), ids, strict=True))
        seen.append((by_x[100 + 8 * i], by_x[500 - 8 * i]))
    assert len(set(seen)) == 1, seen  # the same pair of ids on every frame
    assert set(seen[0]) == {1, 2}


def test_tracker_forgets_after_a_second_and_numbers_newcomers() -> None:
    tracker = IouTracker()
    person = np.float32([100, 100, 200, 300])
    assert tracker.assign([person], 0.0) == [1]
    assert tracker.assign([person + 3], 0.5) == [1]  # still there, moved a little
    newcomer = np.float32([400, 100, 500, 300])
    assert tracker.assign([person + 3, newcomer], 0.6) == [1, 2]
    assert tracker.assign([newcomer], 1.2) == [2]
    assert tracker.assign([newcomer], 2.0) == [2]  # #1 left the room 1.4 s ago
    assert tracker.assign([person, newcomer], 2.1) == [3, 2]  # so who comes back is new
    tracker.reset()
    assert tracker.assign([person], 3.0) == [1]


def _jittered(crowd: Crowd, rng: np.random.Generator, reverse: bool) -> Crowd:
    """The crowd with every keypoint shaken by σ 4 px, its people listed in either order."""
    people = [
        replace(p, pose=replace(p.pose, keypoints=p.pose.keypoints + _shake(rng)))
        for p in crowd.people
    ]
    return replace(crowd, people=people[::-1] if reverse else people)


def _shake(rng: np.random.Generator) -> np.ndarray:
    noise = np.zeros((17, 3), np.float32)
    noise[:, :2] = rng.normal(0, 4, (17, 2))
    return noise


def test_follower_tracks_and_smooths_each_person(crowd) -> None:
    follow, rng = CrowdFollower(smooth=True), np.random.default_rng(0)
    ids, noses = [], []
    for i in range(10):
        followed = follow(_jittered(crowd, rng, reverse=bool(i % 2)), i / 30)
        ids.append({p.id: tuple(p.box.round()) for p in followed.people})
        noses.append(next(p for p in followed.people if p.id == 1).pose.keypoints[0, :2])
    assert all(frame == ids[0] for frame in ids)  # each box keeps its id whatever the order
    motion = np.abs(np.diff(noses, axis=0)).mean()
    assert motion < 3  # unsmoothed, σ 4 px of jitter moves a nose ~4.5 px a frame


def test_each_person_is_drawn_in_their_own_colour(crowd) -> None:
    canvas = np.full((crowd.height, crowd.width, 3), 128, np.uint8)
    draw_crowd(canvas, crowd, DrawOptions())
    for person in crowd.people:
        colour = person_colour(person.id)
        x1, y1, x2, y2 = (int(v) for v in person.box)
        inside = canvas[y1 : y2 + 1, x1 : x2 + 1].reshape(-1, 3)
        assert (inside == colour).all(axis=1).sum() > 500, person.id
    assert person_colour(1) != person_colour(2)


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "models", "pose", *args],
        cwd=ROOT,
        env=os.environ.copy(),
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_cli_answers_people_in_pixels_of_the_original(shared, tmp_path, crowd) -> None:
    import cv2

    picture = tmp_path / "two.png"
    cv2.imwrite(str(picture), cv2.cvtColor(two_people(shared), cv2.COLOR_RGB2BGR))
    done = _cli(str(picture), "--model", MULTIPOSE_MODEL, "--json")
    assert done.returncode == 0, done.stderr
    record = json.loads(done.stdout)
    assert set(record) == {"file", "width", "height", "people"}
    assert len(record["people"]) == 2
    for got, expected in zip(record["people"], crowd.document()["people"], strict=True):
        assert set(got) == {"id", "score", "box", "keypoints"}
        np.testing.assert_allclose(got["box"], expected["box"], atol=0.2)
        assert [k["name"] for k in got["keypoints"]] == [k["name"] for k in expected["keypoints"]]
    refused = _cli(str(picture), "--size", "300", "--model", MULTIPOSE_MODEL)
    assert refused.returncode == 2 and "multiple of 32" in refused.stderr
    single = _cli(str(picture), "--size", "320")
    assert single.returncode == 2 and "only MultiPose" in single.stderr
