"""Segmentation on the shared photos: DeepLab's classes (a bird, a dog, a person), the person
model's mask, mask sizes and values, the effects, and `python -m models segment`."""

import json

import cv2
import numpy as np
import pytest

from models.cli import main
from models.loading import load_model
from models.segmentation.effects import (
    BLUR,
    COLOUR,
    IMAGE,
    MASK,
    VOC_COLOURS,
    KeptBackdrop,
    bokeh,
    overlay,
    person_effect,
    soft_alpha,
)
from models.segmentation.masks import (
    PERSON_MODEL,
    SCENE_MODEL,
    labels,
    mask_iou,
    segment_person,
    segment_scene,
)
from models.vision.images import decode_image


def _photo(shared, name: str) -> np.ndarray:
    folder = "pose" if name in ("squat.bmp", "yoga.jpeg") else "images"
    return decode_image((shared / "data" / folder / name).read_bytes())


@pytest.fixture(scope="module")
def voc() -> tuple[str, ...]:
    return labels(SCENE_MODEL)


@pytest.mark.parametrize(
    ("name", "label"),
    [("bird.bmp", "bird"), ("dog.bmp", "dog"), ("squat.bmp", "person"), ("yoga.jpeg", "person")],
)
def test_deeplab_finds_the_photo_s_subject(shared, voc, name, label) -> None:
    pixels = _photo(shared, name)
    found = segment_scene(load_model(SCENE_MODEL), pixels, voc)
    assert found.classes.shape == pixels.shape[:2] and found.classes.dtype == np.uint8
    assert found.classes.max() < len(voc)
    shares = found.shares()
    assert list(shares)[:2] == ["background", label] or list(shares)[0] == label
    assert 0.05 < shares[label] < 0.6 and sum(shares.values()) == pytest.approx(1, abs=1e-3)
    assert found.model_output.shape == (513, 513)


def test_voc_labels_and_colours(voc) -> None:
    assert len(voc) == 21 and voc[0] == "background" and voc[15] == "person"
    assert tuple(VOC_COLOURS[15]) == (192, 128, 128)  # the devkit's person colour
    assert tuple(VOC_COLOURS[0]) == (0, 0, 0) and tuple(VOC_COLOURS[1]) == (128, 0, 0)


def test_the_person_masks_of_both_models_agree(shared, voc) -> None:
    pixels = _photo(shared, "squat.bmp")
    person = segment_person(load_model(PERSON_MODEL), pixels)
    scene = segment_scene(load_model(SCENE_MODEL), pixels, voc)
    assert set(np.unique(person.classes)) == {0, 1}
    assert person.probability.shape == pixels.shape[:2]
    assert person.probability.min() >= 0 and person.probability.max() <= 1
    assert mask_iou(person.classes == 1, scene.classes == voc.index("person")) > 0.7


def test_a_plain_wall_is_only_background(voc) -> None:
    wall = np.full((300, 400, 3), 180, np.uint8)
    assert segment_scene(load_model(SCENE_MODEL), wall, voc).only_background()
    assert segment_person(load_model(PERSON_MODEL), wall).only_background()


def test_mask_iou_by_hand() -> None:
    a = np.zeros((10, 10), bool)
    b = np.zeros((10, 10), bool)
    a[:, :5], b[:, 3:8] = True, True  # 50 and 50 pixels sharing 20
    assert mask_iou(a, b) == pytest.approx(20 / 80)
    empty = np.zeros((10, 10), bool)
    assert mask_iou(a, a) == 1.0 and mask_iou(empty, empty) == 1.0  # nothing vs nothing


def test_overlay_paints_classes_and_can_show_one_alone() -> None:
    photo = np.full((4, 4, 3), 100, np.uint8)
    classes = np.zeros((4, 4), np.uint8)
    classes[0, 0], classes[3, 3] = 15, 12
    painted = overlay(photo, classes, 1.0)
    assert tuple(painted[0, 0]) == tuple(VOC_COLOURS[15]) and tuple(painted[1, 1]) == (100,) * 3
    alone = overlay(photo, classes, 1.0, only=12)
    assert tuple(alone[3, 3]) == tuple(VOC_COLOURS[12]) and alone[0, 0, 0] < 100  # dimmed


def test_person_effects_keep_the_person_and_change_the_background() -> None:
    rng = np.random.default_rng(0)
    frame = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    probability = np.zeros((60, 80), np.float32)
    probability[10:50, 20:60] = 1.0
    for effect in (BLUR, COLOUR, IMAGE):
        out = person_effect(
            frame, probability, effect, softness=0, background=np.zeros((10, 10, 3), np.uint8)
        )
        np.testing.assert_array_equal(out[20:40, 30:50], frame[20:40, 30:50])  # the person
        assert not np.array_equal(out[:5, :5], frame[:5, :5])  # the background changed
    coloured = person_effect(frame, probability, COLOUR, softness=0, colour=(1, 2, 3))
    assert tuple(coloured[0, 0]) == (1, 2, 3)
    mask = person_effect(frame, probability, MASK, softness=0)
    assert mask[30, 40].tolist() == [255] * 3 and mask[0, 0].tolist() == [0] * 3
    edge = soft_alpha(probability, 5)
    assert 0 < edge[30, 20] < 1  # a softened edge is partly the person


def test_a_stream_makes_its_backdrop_once_and_again_when_it_changes() -> None:
    """The colour or image behind the person is the same picture frame after frame, and a
    new one as soon as the effect, colour, image or frame size changes."""
    kept = KeptBackdrop()
    green = kept(COLOUR, (80, 60), (0, 177, 64), None)
    assert green.shape == (60, 80, 3) and (green == (0, 177, 64)).all()
    assert kept(COLOUR, (80, 60), (0, 177, 64), None) is green  # no new picture per frame
    red = kept(COLOUR, (80, 60), (255, 0, 0), None)
    assert (red == (255, 0, 0)).all()
    assert kept(COLOUR, (40, 30), (255, 0, 0), None).shape == (30, 40, 3)
    photo = np.zeros((12, 16, 3), np.uint8)
    photo[:, 8:] = 200
    image = kept(IMAGE, (80, 60), (255, 0, 0), photo)
    assert image[:, :35].max() == 0 and (image[:, 45:] == 200).all()
    other = photo.copy()
    other[:] = 50
    assert (kept(IMAGE, (80, 60), (255, 0, 0), other) == 50).all()  # a new upload, same size
    assert (kept(IMAGE, (80, 60), (255, 0, 0), None) == (255, 0, 0)).all()  # no image: colour


def test_the_bokeh_looks_like_the_full_size_gaussian(shared) -> None:
    """Blurred at a quarter of the size and scaled back, the background is the wide Gaussian's
    picture within a level or so, and far from the sharp photo."""
    photo = cv2.resize(_photo(shared, "dog.bmp"), (480, 360), interpolation=cv2.INTER_AREA)
    wide = cv2.GaussianBlur(photo, (31, 31), 0).astype(int)
    fast = bokeh(photo, 15)
    assert fast.shape == photo.shape and fast.dtype == np.uint8
    assert np.abs(fast - wide).mean() < 1.5
    assert np.abs(photo.astype(int) - wide).mean() > 5 * np.abs(fast - wide).mean()


def test_the_bokeh_keeps_things_where_they_are() -> None:
    """A bright square blurred stays centred where it was: the quarter-size frame is scaled
    back into place, not shifted by the half pixel a careless shrink or enlargement adds."""
    frame = np.zeros((360, 480, 3), np.uint8)
    frame[150:190, 200:260] = 255
    light = bokeh(frame, 15)[..., 0].astype(float)
    rows, columns = np.indices(light.shape)
    centre = (light * rows).sum() / light.sum(), (light * columns).sum() / light.sum()
    assert abs(centre[0] - 169.5) < 0.2 and abs(centre[1] - 229.5) < 0.2


def test_the_bokeh_of_a_tiny_picture_keeps_its_size() -> None:
    tiny = np.full((3, 5, 3), 90, np.uint8)
    assert bokeh(tiny, 15).shape == (3, 5, 3)


def test_the_effect_mixes_each_pixel_by_its_alpha_in_place() -> None:
    """alpha · frame + (1 − alpha) · behind, rounded; written into the frame when asked."""
    rng = np.random.default_rng(1)
    frame = rng.integers(0, 256, (36, 48, 3), dtype=np.uint8)
    probability = rng.uniform(0, 1, (36, 48)).astype(np.float32)
    mixed = person_effect(frame, probability, COLOUR, softness=0, colour=(10, 200, 30))
    hard = (probability >= 0.5)[..., None]
    np.testing.assert_array_equal(mixed, np.where(hard, frame, [10, 200, 30]))
    soft = person_effect(frame, probability, COLOUR, softness=1, colour=(10, 200, 30))
    blurred = soft_alpha(probability, 1)[..., None]
    expected = blurred * frame + (1 - blurred) * np.array([10, 200, 30], np.float32)
    assert np.abs(soft.astype(np.float32) - expected).max() <= 1.0
    own = frame.copy()
    out = person_effect(own, probability, COLOUR, softness=1, colour=(10, 200, 30), dst=own)
    assert out is own and np.array_equal(own, soft)


def test_a_soft_edge_made_on_the_model_grid_matches_the_one_made_at_frame_size(shared) -> None:
    """A live frame's alpha is blurred on the model's 256 × 256 grid and scaled up after; it
    is the frame-size blur of the upscaled probability within a few hundredths, for every
    softness, and still in 0..1."""
    from models.segmentation.masks import person_grid

    frame = cv2.resize(_photo(shared, "squat.bmp"), (480, 360), interpolation=cv2.INTER_AREA)
    grid, _ = person_grid(load_model(PERSON_MODEL), frame)
    full = cv2.resize(grid, (480, 360), interpolation=cv2.INTER_LINEAR)
    for softness in (0, 1, 3, 8, 15):
        fast, slow = soft_alpha(grid, softness, (480, 360)), soft_alpha(full, softness)
        assert fast.shape == slow.shape == (360, 480)
        assert np.abs(fast - slow).max() < 0.08 and np.abs(fast - slow).mean() < 0.002
        assert fast.min() >= 0 and fast.max() <= 1 + 1e-6


def test_cli_writes_masks_of_the_photo_s_size(shared, tmp_path, capsys) -> None:
    bird = shared / "data" / "images" / "bird.bmp"
    squat = shared / "data" / "pose" / "squat.bmp"
    masks = tmp_path / "masks"
    assert main(["segment", str(bird), str(squat), "--masks", str(masks), "--json"]) == 0
    lines = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [set(line) for line in lines] == [{"file", "width", "height", "mask", "classes"}] * 2
    assert lines[0]["mask"] == str(masks / "bird.png") and "bird" in lines[0]["classes"]
    mask = cv2.imread(lines[0]["mask"], cv2.IMREAD_UNCHANGED)
    assert mask.shape == (343, 512) and mask.dtype == np.uint8
    assert set(np.unique(mask)) == {0, 3}  # background and bird, PASCAL VOC indices
    assert main(["segment", str(squat), "--model", PERSON_MODEL, "--masks", str(masks)]) == 0
    person = cv2.imread(str(masks / "squat.png"), cv2.IMREAD_UNCHANGED)
    assert person.shape == (610, 500) and set(np.unique(person)) == {0, 1}
    capsys.readouterr()
    assert main(["segment", str(bird), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["mask"] is None


def test_cli_refuses_bad_input(shared, tmp_path, capsys) -> None:
    text = tmp_path / "notes.png"
    text.write_text("no")
    assert main(["segment", str(text)]) == 2
    bird = shared / "data" / "images" / "bird.bmp"
    assert main(["segment", str(bird), "--model", "centernet-mobilenetv3-coco"]) == 2
    assert "not a segmentation model" in capsys.readouterr().err
    assert main(["segment", str(bird), "--masks", str(text)]) == 2


def test_the_live_callback_cuts_the_person_out_of_a_camera_frame(shared) -> None:
    """A webcam-sized yuv420p frame of the squat: the person kept, the wall blurred, the picture
    mirrored, and the share of person pixels in the panel's result."""
    import av

    from components.segment_stream import PersonProcessor, Settings

    frame = np.full((360, 480, 3), 220, np.uint8)
    person = cv2.resize(_photo(shared, "squat.bmp"), (270, 330), interpolation=cv2.INTER_AREA)
    frame[30:, 105:375] = person
    frame[:, :60] = np.indices((360, 60)).sum(axis=0)[..., None] % 2 * 255  # a sharp check
    camera = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
    seen = camera.to_ndarray(format="rgb24")
    processor = PersonProcessor()
    processor.configure(Settings(load_model(PERSON_MODEL)))
    out = processor.callback(camera).to_ndarray(format="rgb24")
    assert processor.failure is None
    result = processor.latest()
    assert 0.03 < result.person_share < 0.5 and result.callback_ms >= result.inference_ms > 0
    unmirrored = out[:, ::-1].astype(int)
    assert np.abs(unmirrored[200:260, 200:280] - seen[200:260, 200:280]).mean() < 6  # the person
    check = np.abs(unmirrored[100:300, 10:50] - seen[100:300, 10:50]).mean()
    assert check > 60  # the check pattern behind him is blurred to grey


def test_the_live_callback_puts_the_chosen_colour_behind_the_person(shared) -> None:
    """The colour effect on a stream: the wall becomes the colour on every frame, and the
    next colour chosen shows on the next frame."""
    import av

    from components.segment_stream import PersonProcessor, Settings

    frame = np.full((360, 480, 3), 220, np.uint8)
    frame[30:, 105:375] = cv2.resize(_photo(shared, "squat.bmp"), (270, 330))
    camera = av.VideoFrame.from_ndarray(frame, format="rgb24").reformat(format="yuv420p")
    processor = PersonProcessor()
    model = load_model(PERSON_MODEL)
    for colour in ((0, 177, 64), (0, 177, 64), (200, 30, 30)):
        processor.configure(Settings(model, effect=COLOUR, softness=0, colour=colour))
        out = processor.callback(camera).to_ndarray(format="rgb24").astype(int)
        assert processor.failure is None
        assert np.abs(out[20:300, :40] - colour).max() <= 3  # the wall, both sides mirrored
        assert np.abs(out[20:300, -40:] - colour).max() <= 3
