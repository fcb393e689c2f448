"""Skip connections in the Training lab: where they go, what the model computes, the code
panels' functional API, and the refusal when no layer can take one.

The deck (004_…, "Keras - API Funcional"): `inputs = layers.Input(shape=(784,))`, each layer
called on the previous output, `model = Model(inputs=inputs, outputs=outputs)`; merging
outputs needs it, and a Sequential model cannot branch.
"""

import base64

import keras
import numpy as np
import pytest

from models.errors import BadInput
from models.training import presets
from models.training.build import build_layers
from models.training.code import keras_code, tfjs_code
from models.training.config import LayerSpec, with_changes
from models.training.data import make_dataset
from models.training.link import from_url, to_url
from models.training.runner import train
from models.training.shapes import skip_layers
from models.training.summary import summary_rows
from models.training.validate import check_config

DEEP = (
    LayerSpec("dense", 25, "relu"),
    LayerSpec("dense", 25, "tanh"),
    LayerSpec("dense", 25, "relu"),
    LayerSpec("dense", 1, "sigmoid"),
)


def _residual(layers=DEEP, **changes):
    return with_changes(presets.preset("circles").config, layers=layers, residual=True, **changes)


def test_a_skip_goes_around_each_hidden_dense_layer_that_keeps_its_width() -> None:
    assert skip_layers(DEEP, (2,)) == {1, 2}  # the first changes 2 → 25, the last is the output
    assert skip_layers(presets.preset("circles").config.layers, (2,)) == set()
    assert skip_layers((LayerSpec("dense", 2, "relu"), LayerSpec("dense", 2)), (2,)) == {0}
    cnn = presets.preset("mnist-cnn").config.layers
    assert skip_layers(cnn, (28, 28, 1)) == set()  # Conv2D, pooling: never


def test_the_residual_model_computes_x_plus_f_x() -> None:
    """The model's output, recomputed by hand from its own weights with the skips, matches;
    without the skips it would not."""
    keras.utils.set_random_seed(4)
    model = build_layers(_residual(), (2,))
    assert not isinstance(model, keras.Sequential)
    assert [type(layer).__name__ for layer in model.layers].count("Add") == 2
    dense = [layer for layer in model.layers if isinstance(layer, keras.layers.Dense)]
    (w1, b1), (w2, b2), (w3, b3), (w4, b4) = (layer.get_weights() for layer in dense)
    x = np.random.default_rng(0).normal(size=(6, 2)).astype("float32")
    h = np.maximum(x @ w1 + b1, 0)
    h = h + np.tanh(h @ w2 + b2)
    h = h + np.maximum(h @ w3 + b3, 0)
    expected = 1 / (1 + np.exp(-(h @ w4 + b4)))
    np.testing.assert_allclose(model.predict(x, verbose=0), expected, rtol=1e-5, atol=1e-6)
    plain = np.maximum(np.tanh(np.maximum(x @ w1 + b1, 0) @ w2 + b2) @ w3 + b3, 0)
    assert np.abs(1 / (1 + np.exp(-(plain @ w4 + b4))) - expected).max() > 1e-3


def test_without_the_option_the_model_stays_sequential() -> None:
    config = with_changes(_residual(), residual=False)
    assert isinstance(build_layers(config, (2,)), keras.Sequential)
    assert "keras.Sequential([" in keras_code(config, (2,), "binary")
    assert "const model = tf.sequential();" in tfjs_code(config, (2,), "binary")


def test_the_python_panel_is_the_functional_model_the_lab_trains() -> None:
    """Run as a student would paste it, the panel's model takes the lab model's weights and
    gives the same outputs: the same layers, joined the same way."""
    config = _residual(max_norm=2.0)
    code = keras_code(config, (2,), "binary")
    assert "inputs = keras.Input(shape=(2,))" in code
    assert "model = keras.Model(inputs=inputs, outputs=outputs)" in code
    assert code.count("layers.add([x, layers.Dense(25") == 2
    namespace: dict = {}
    exec(code.split("model.summary()")[0], namespace)  # noqa: S102
    theirs, ours = namespace["model"], build_layers(config, (2,))
    theirs.set_weights(ours.get_weights())
    x = np.random.default_rng(1).normal(size=(5, 2)).astype("float32")
    np.testing.assert_allclose(theirs.predict(x, verbose=0), ours.predict(x, verbose=0), rtol=1e-6)


def test_the_tfjs_panel_uses_tf_model_with_add_layers() -> None:
    code = tfjs_code(_residual(), (2,), "binary")
    assert "const inputs = tf.input({shape: [2]});" in code
    assert code.count("x = tf.layers.add().apply([x, tf.layers.dense({units: 25") == 2
    assert "const model = tf.model({inputs, outputs});" in code and "tf.sequential" not in code
    iris = with_changes(
        presets.preset("iris").config,
        residual=True,
        layers=(LayerSpec("dense", 4, "relu"), LayerSpec("dense", 3, "softmax")),
    )
    assert "const inputs = tf.input({shape: [numOfFeatures]});" in tfjs_code(
        iris, (4,), "multiclass"
    )


def test_skip_connections_with_no_layer_to_skip_are_refused_with_a_reason() -> None:
    config = with_changes(presets.preset("circles").config, residual=True)
    data = make_dataset(config.dataset, config.validation_split)
    with pytest.raises(BadInput) as caught:
        check_config(config, data)
    assert caught.value.code == "training_no_skip"
    check_config(_residual(), data)  # a Dense(25) after a Dense(25): accepted


def test_the_summary_says_what_each_layer_is_connected_to() -> None:
    rows = {row["type"]: row for row in summary_rows(build_layers(_residual(), (2,)))}
    first, add = rows["InputLayer"], rows["Add"]
    assert first["connected_to"] == "-" and first["params"] == 0
    assert add["connected_to"].count("[0][0]") == 2 and add["output_shape"] == "(None, 25)"
    plain = summary_rows(build_layers(presets.preset("circles").config, (2,)))
    assert all("connected_to" not in row for row in plain)


def test_skip_connections_travel_in_a_link() -> None:
    config = _residual()
    assert from_url(to_url(config)) == config
    assert '"rs":true' in base64.urlsafe_b64decode(to_url(config) + "===").decode()


def test_a_residual_model_trains_in_the_lab_and_learns_the_circles() -> None:
    config = _residual(epochs=15)
    data = make_dataset(config.dataset, config.validation_split)
    result = train(config, data, lambda record: None)
    accuracy = result.history["val_accuracy"]
    assert len(accuracy) == 15 and accuracy[-1] > max(accuracy[0], 0.8)
