"""Where a preset reproduces a slide, it does what the slide does (../shared/course/)."""

import numpy as np
from pages_helper import open_page

from models.tensors.make import Recipe, build
from models.training import presets
from models.training.config import TrainConfig


def test_the_slides_magic_square_and_its_rank_3_stack() -> None:
    # 000_…: "Rango 2 … [[4, 9, 2], [3, 5, 7], [8, 1, 6]]", "Rango 3 … una pila de matrices"
    magic = build(Recipe("magic"))
    np.testing.assert_array_equal(magic, [[4, 9, 2], [3, 5, 7], [8, 1, 6]])
    stack = build(Recipe("stack"))
    np.testing.assert_array_equal(stack[0], magic)
    np.testing.assert_array_equal(stack[1], [[2, 7, 6], [9, 5, 1], [4, 3, 8]])
    np.testing.assert_array_equal(stack[2], [[6, 1, 8], [7, 5, 3], [2, 9, 4]])
    for square in stack:  # each layer of the stack is magic too
        assert set(square.sum(axis=0)) == set(square.sum(axis=1)) == {15}


def test_circles_and_blobs_reuse_the_regression_network() -> None:
    # 004_…: "Se usa el mismo modelo" as make_regression's Dense(25, relu, he_uniform)
    regression = presets.preset("regression").config.layers[0]
    for name in ("circles", "blobs"):
        hidden = presets.preset(name).config.layers[0]
        assert (hidden.kind, hidden.units, hidden.activation) == ("dense", 25, "relu")
        assert hidden == regression


def test_reduce_lr_on_plateau_uses_the_deck_s_factor() -> None:
    # 004_…: ReduceLROnPlateau(monitor='val_loss', factor=0.1, …)
    assert TrainConfig.__dataclass_fields__["factor"].default == 0.1
    assert all(presets.preset(name).config.factor == 0.1 for name in presets.PRESETS)


def test_the_digit_pen_is_as_wide_as_the_course_s() -> None:
    # 003_…: ctx.lineWidth = 24;
    at = open_page("app_pages/draw_digit.py", "en")
    assert at.slider(key="digit_stroke").value == 24


def test_the_mobilenet_tfjs_code_is_the_course_s() -> None:
    # 003_…: mobilenet.load().then(model => { model.classify(img).then(predictions => …
    from components.classifier_views import TFJS_CODE

    assert "mobilenet.load().then(model => {" in TFJS_CODE
    assert "model.classify(img).then(predictions => {" in TFJS_CODE
    assert "top 3" in TFJS_CODE


def test_the_movenet_tfjs_panel_shows_the_course_s_webcam_loop() -> None:
    # 000_…: tf.data.webcam(webcamEl, {centerCrop: true, resizeWidth: 192, resizeHeight: 192})
    from components.pose_views import tfjs_code

    code = tfjs_code("movenet-singlepose-lightning", 0.3, 192)
    assert "tf.data.webcam(webcamEl, {" in code and "centerCrop: true" in code
    assert "const SIZE = 192;" in code and "resizeWidth: SIZE" in code
    assert "await webcam.capture()" in code and "img.dispose()" in code
    assert "await tf.nextFrame()" in code
    assert "pads the frame to a square instead of cropping" in code


def test_a_small_rgb_like_tensor_is_shown_as_numbers_and_a_stretched_picture() -> None:
    # issue 21 #11: [[[1,2,3],[4,5,6]],[[7,8,9],[10,11,12]]] was drawn as a black picture
    from components.tensor_view import image_pixels, is_dim

    small = np.array([[[1, 2, 3], [4, 5, 6]], [[7, 8, 9], [10, 11, 12]]], np.int32)
    assert is_dim(small) and not is_dim(small * 20)
    assert image_pixels(small).max() == 12  # as it is: nearly black
    stretched = image_pixels(small, stretch=True)
    assert stretched.min() == 0 and stretched.max() == 255
    at = open_page("app_pages/tensor_explorer.py", "en")
    at.radio(key="tensor_mode").set_value("literal").run()
    at.text_area(key="tensor_literal").set_value(str(small.tolist())).run()
    at.button(key="tensor_create").click().run()
    assert not at.exception
    captions = " ".join(c.value for c in at.caption)
    assert "These values (1 … 12) are far below the 0–255 of a picture" in captions


def test_both_transfer_tabs_describe_the_model_the_page_trains_with_the_course_s_head() -> None:
    # 003_…: "a single hidden layer with a hundred neurons and then output one of our three
    # specific classes"; the TF.js tab showed it while the Python side trained Dense(64)+Dropout
    import re

    from models.vision.transfer import BATCH_SIZE, DEFAULT_HEAD, EPOCHS, HEADS, build_head
    from models.vision.transfer_code import python_code, tfjs_code

    assert DEFAULT_HEAD == "course" and HEADS["course"].units == 100
    trained = build_head(1280, 3)
    assert [layer.__class__.__name__ for layer in trained.layers] == ["Dense", "Dense"]
    assert trained.layers[0].units == 100
    for head, spec in HEADS.items():
        python, tfjs = python_code(head), tfjs_code(head)
        assert f'keras.layers.Dense({spec.units}, activation="relu")' in python
        assert f"units: {spec.units}, activation: 'relu'" in tfjs
        assert ("Dropout(" in python) == ("dropout(" in tfjs) == bool(spec.dropout)
        assert f"epochs={EPOCHS}, batch_size={BATCH_SIZE}" in python
        assert f"epochs: {EPOCHS}, batchSize: {BATCH_SIZE}" in tfjs
        rate = re.search(r"Adam\(([\d.e-]+)\)", python).group(1)
        assert f"tf.train.adam({rate})" in tfjs
        assert "keras.Input(shape=(1280,))" in python and "inputShape: [1280]" in tfjs
        assert "conv_pw_13_relu" in tfjs  # the course's truncation, named beside it


def test_the_page_trains_the_head_it_shows() -> None:
    at = open_page("app_pages/image_classifier.py", "en")
    assert at.selectbox(key="transfer_head_choice").value == "course"
    assert "units: 100, activation: 'relu'" in " ".join(c.value for c in at.code)
    at.selectbox(key="transfer_head_choice").select("dropout").run()
    assert "units: 64, activation: 'relu'" in " ".join(c.value for c in at.code)
