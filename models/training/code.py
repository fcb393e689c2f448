"""The Keras and TF.js code of the current configuration, for the page's code panel."""

from __future__ import annotations

from collections.abc import Iterator

from models.training import augment
from models.training.build import stopping_monitor
from models.training.config import AUGMENTATION_LAYERS, PLAIN_LAYERS, LayerSpec, TrainConfig
from models.training.data import (
    IRIS_CLASSES,
    IRIS_ROWS,
    MNIST_VALIDATION,
    REGRESSION,
    holds_out,
)
from models.training.initializers import DEFAULT as DEFAULT_INITIALIZER
from models.training.initializers import INITIALIZERS
from models.training.shapes import skip_layers

_KERAS_OPTIMIZERS = {
    "sgd": "SGD",
    "adagrad": "Adagrad",
    "adadelta": "Adadelta",
    "rmsprop": "RMSprop",
    "adam": "Adam",
}
_TFJS_LOSSES = {
    "mean_squared_error": "'meanSquaredError'",
    "mean_squared_logarithmic_error": "'meanSquaredLogarithmicError'",
    "mean_absolute_error": "'meanAbsoluteError'",
    "binary_crossentropy": "'binaryCrossentropy'",
    "hinge": "'hinge'",
    "squared_hinge": "'squaredHinge'",
    "categorical_crossentropy": "'categoricalCrossentropy'",
    "sparse_categorical_crossentropy": "'sparseCategoricalCrossentropy'",
    "kl_divergence": "'kullbackLeiblerDivergence'",
}


def _keras_weights(config: TrainConfig) -> str:
    parts = []
    if config.initializer != DEFAULT_INITIALIZER:
        parts.append(f"kernel_initializer={INITIALIZERS[config.initializer].python}")
    if config.l1 or config.l2:
        parts.append(f"kernel_regularizer=keras.regularizers.L1L2(l1={config.l1}, l2={config.l2})")
    if config.max_norm:
        parts.append(
            f"kernel_constraint=keras.constraints.MaxNorm(max_value={config.max_norm}, axis=0)"
        )
    return "".join(f", {p}" for p in parts)


def _keras_layer(spec: LayerSpec, config: TrainConfig) -> str:
    weights = _keras_weights(config)
    if spec.kind == "dense":
        return f'layers.Dense({spec.units}, activation="{spec.activation}"{weights})'
    if spec.kind == "conv2d":
        return f'layers.Conv2D({spec.units}, {spec.size}, activation="{spec.activation}"{weights})'
    if spec.kind == "maxpool":
        return f"layers.MaxPooling2D({spec.size})"
    if spec.kind == "dropout":
        return f"layers.Dropout({spec.rate})"
    if spec.kind in AUGMENTATION_LAYERS:
        return augment.python(spec)
    if spec.kind in PLAIN_LAYERS:
        return f"layers.{PLAIN_LAYERS[spec.kind][0]}()"
    return "layers.Flatten()"


def _keras_optimizer(config: TrainConfig) -> str:
    rate = str(config.learning_rate)
    if config.schedule == "time_decay":
        schedule = "keras.optimizers.schedules.InverseTimeDecay"
        rate = f"{schedule}({config.learning_rate}, 1, {config.decay})"
    extra = ""
    if config.optimizer in ("sgd", "rmsprop") and config.momentum:
        extra += f", momentum={config.momentum}"
    if config.optimizer == "sgd" and config.nesterov:
        extra += ", nesterov=True"
    return f"keras.optimizers.{_KERAS_OPTIMIZERS[config.optimizer]}({rate}{extra})"


def _keras_callbacks(config: TrainConfig) -> str:
    stopping = ""
    if config.early_stopping:
        monitor = stopping_monitor(holds_out(config.dataset, config.validation_split))
        stopping = (
            "\ncallbacks.append(keras.callbacks.EarlyStopping(\n"
            f'    monitor="{monitor}", patience={config.early_stopping}, '
            "restore_best_weights=True))\n"
        )
    if config.schedule == "step":
        return (
            "def drop(epoch, lr):\n"
            f"    return {config.learning_rate} * {config.factor} "
            f"** (epoch // {config.patience})\n\n"
            "callbacks = [LiveCharts(), keras.callbacks.LearningRateScheduler(drop)]\n"
        ) + stopping
    if config.schedule == "plateau":
        return (
            "callbacks = [LiveCharts(), keras.callbacks.ReduceLROnPlateau(\n"
            f'    monitor="{config.monitor}", factor={config.factor}, '
            f"patience={config.patience})]\n"
        ) + stopping
    return "callbacks = [LiveCharts()]\n" + stopping


def _functional_steps(
    config: TrainConfig, input_shape: tuple[int, ...]
) -> Iterator[tuple[LayerSpec, bool, bool]]:
    """Each layer of a model with skip connections, as both panels write it: (the layer, is
    its input added to its output?, is it the output?)."""
    skips = skip_layers(config.layers, input_shape)
    for index, spec in enumerate(config.layers):
        yield spec, index in skips, index == len(config.layers) - 1


def _keras_model(config: TrainConfig, input_shape: tuple[int, ...]) -> str:
    """The model definition: a Sequential, or with skip connections the functional API (the
    deck's `inputs = layers.Input(…)`, each layer called on `x`, `Model(inputs, outputs)`)."""
    if not config.residual:
        layers = "\n".join(f"    {_keras_layer(spec, config)}," for spec in config.layers)
        return f"model = keras.Sequential([\n    keras.Input(shape={input_shape}),\n{layers}\n])"
    lines = [f"inputs = keras.Input(shape={input_shape})", "x = inputs"]
    for spec, skipped, last in _functional_steps(config, input_shape):
        layer, target = _keras_layer(spec, config), "outputs" if last else "x"
        if skipped:
            lines.append(f"{target} = layers.add([x, {layer}(x)])  # skip connection: x + f(x)")
        else:
            lines.append(f"{target} = {layer}(x)")
    lines.append("model = keras.Model(inputs=inputs, outputs=outputs)")
    return "\n".join(lines)


def keras_code(config: TrainConfig, input_shape: tuple[int, ...], problem: str) -> str:
    """A runnable Keras script (data loading aside) for `config`."""
    metric = '"mae"' if problem == REGRESSION else '"accuracy"'
    return f'''import keras
from keras import layers

{_keras_model(config, input_shape)}
model.compile(optimizer={_keras_optimizer(config)},
              loss="{config.loss}", metrics=[{metric}])
model.summary()


class LiveCharts(keras.callbacks.Callback):
    """What the lab does: one point per epoch on the loss and metric charts."""

    def on_epoch_end(self, epoch, logs=None):
        print(epoch + 1, logs["loss"], logs.get("val_loss"))


{_keras_callbacks(config)}history = model.fit(x_train, y_train, epochs={config.epochs},
                    batch_size={config.batch_size}, validation_data=(x_val, y_val),
                    shuffle=True, callbacks=callbacks)
'''


def _tfjs_layer(spec: LayerSpec, config: TrainConfig, first: str) -> str:
    init = ""
    if spec.kind in ("dense", "conv2d") and config.initializer != DEFAULT_INITIALIZER:
        init = f", kernelInitializer: {INITIALIZERS[config.initializer].tfjs}"
    if spec.kind in ("dense", "conv2d") and (config.l1 or config.l2):
        init += f", kernelRegularizer: tf.regularizers.l1l2({{l1: {config.l1}, l2: {config.l2}}})"
    if spec.kind in ("dense", "conv2d") and config.max_norm:
        init += (
            f", kernelConstraint: tf.constraints.maxNorm({{maxValue: {config.max_norm}, axis: 0}})"
        )
    if spec.kind == "dense":
        return (
            f"tf.layers.dense({{{first}units: {spec.units}, "
            f"activation: '{spec.activation}'{init}}})"
        )
    if spec.kind == "conv2d":
        return (
            f"tf.layers.conv2d({{{first}filters: {spec.units}, kernelSize: {spec.size}, "
            f"activation: '{spec.activation}'{init}}})"
        )
    if spec.kind == "maxpool":
        return f"tf.layers.maxPooling2d({{{first}poolSize: {spec.size}}})"
    if spec.kind == "dropout":
        return f"tf.layers.dropout({{{first}rate: {spec.rate}}})"
    if spec.kind in PLAIN_LAYERS:
        return f"tf.layers.{PLAIN_LAYERS[spec.kind][1]}({{{first.rstrip(', ')}}})"
    return f"tf.layers.flatten({{{first.rstrip(', ')}}})"


def _tfjs_optimizer(config: TrainConfig) -> str:
    rate = config.learning_rate
    if config.optimizer == "sgd" and config.momentum:
        return f"tf.train.momentum({rate}, {config.momentum}, {str(config.nesterov).lower()})"
    if config.optimizer == "rmsprop":
        return f"tf.train.rmsprop({rate}, 0.9, {config.momentum})"
    return f"tf.train.{config.optimizer}({rate})"


def _augmentation_note(layers: tuple[LayerSpec, ...]) -> list[str]:
    """The comment that stands for the augmentation layers TF.js does not have."""
    names = ", ".join(AUGMENTATION_LAYERS[spec.kind] for spec in augment.augmentations(layers))
    return [f"// {names}: augment() above changes each training batch instead"] if names else []


def _tfjs_model(config: TrainConfig, input_shape: tuple[int, ...], dims: str) -> str:
    """`tf.sequential()` and its layers, or with skip connections `tf.model({inputs, outputs})`
    over layers applied to `x`; `dims` is the input shape as the code writes it."""
    note = _augmentation_note(config.layers)
    if not config.residual:
        kept = [spec for spec in config.layers if spec.kind not in AUGMENTATION_LAYERS]
        lines = [*note, "const model = tf.sequential();"] + [
            f"model.add({_tfjs_layer(spec, config, f'inputShape: {dims}, ' if i == 0 else '')});"
            for i, spec in enumerate(kept)
        ]
        return "\n".join(lines)
    lines = [*note, f"const inputs = tf.input({{shape: {dims}}});", "let x = inputs;"]
    for spec, skipped, last in _functional_steps(config, input_shape):
        if spec.kind in AUGMENTATION_LAYERS:
            continue
        layer = f"{_tfjs_layer(spec, config, '')}.apply(x)"
        target = "const outputs" if last else "x"
        if skipped:
            lines.append(f"{target} = tf.layers.add().apply([x, {layer}]);  // skip: x + f(x)")
        else:
            lines.append(f"{target} = {layer};")
    lines.append("const model = tf.model({inputs, outputs});")
    return "\n".join(lines)


def tfjs_code(config: TrainConfig, input_shape: tuple[int, ...], problem: str) -> str:
    """The TF.js version with tfjs-vis `fitCallbacks`, as in the course's MNIST example; for
    MNIST and Iris, with the course's own data loading (sprite-sheet batches, `tf.data.csv`)."""
    metric = "mae" if problem == REGRESSION else "acc"
    prelude, fit, dims, validated = _tfjs_data(config, input_shape)
    charted = ["loss", "val_loss", metric, f"val_{metric}"] if validated else ["loss", metric]
    return f"""{prelude}{_tfjs_model(config, input_shape, dims)}
model.compile({{
  optimizer: {_tfjs_optimizer(config)},
  loss: {_TFJS_LOSSES[config.loss]},
  metrics: ['{"mae" if problem == REGRESSION else "accuracy"}'],
}});
model.summary();

const container = {{name: 'Model Training', tab: 'Model', styles: {{height: '1000px'}}}};
const fitCallbacks = tfvis.show.fitCallbacks(
    container, [{", ".join(f"'{name}'" for name in charted)}]);

{fit}
  callbacks: {_tfjs_callbacks(config, validated)},
}});
"""


def _tfjs_callbacks(config: TrainConfig, validated: bool) -> str:
    """The fit call's callbacks: tfjs-vis's charts, and tf.callbacks.earlyStopping if asked
    (TF.js has no restoreBestWeights: it keeps the last epoch's weights). In a list beside a
    built-in callback the charts must be a tf.CustomCallback: TF.js refuses a plain object
    there ("callback.setParams is not a function")."""
    charts = """{
    ...fitCallbacks,
    onEpochEnd: async (epoch, logs) => {
      fitCallbacks.onEpochEnd(epoch, logs);
      console.log('Epoch', epoch + 1, 'loss', logs.loss);
    },
  }"""
    if not config.early_stopping:
        return charts
    monitor = stopping_monitor(validated)
    return (
        f"[\n    tf.callbacks.earlyStopping({{monitor: '{monitor}', "
        f"patience: {config.early_stopping}}}),  // no restoreBestWeights in TF.js\n    "
        + "new tf.CustomCallback("
        + charts.replace("\n", "\n  ")
        + "),\n  ]"
    )


MNIST_SPRITE_TRAIN = 55000  # the course's sprite sheet: 55,000 training digits (and 10,000 test)


def _tfjs_data(config: TrainConfig, input_shape: tuple[int, ...]) -> tuple[str, str, str, bool]:
    """(data loading, the opening of the fit call, the input shape as written, validated?)."""
    shape = f"[{', '.join(str(d) for d in input_shape)}]"
    if config.dataset == "mnist" and augment.augmentations(config.layers):
        prelude = _tfjs_mnist(config) + augment.tfjs_function(config.layers) + _AUGMENTED_BATCHES
        fit = f"await model.fitDataset(trainData, {{\n  epochs: {config.epochs},"
        return prelude, fit + "\n  validationData: [xVal, yVal],", shape, True
    if config.dataset == "mnist":
        return _tfjs_mnist(config), _tfjs_fit(config, "BATCH_SIZE"), shape, True
    if config.dataset == "iris":
        prelude, validated = _tfjs_iris(config)
        fit = f"await model.fitDataset(trainData, {{\n  epochs: {config.epochs},"
        if validated:
            fit += "\n  validationData: valData,"
        return prelude, fit, "[numOfFeatures]", validated
    return "", _tfjs_fit(config, str(config.batch_size)), shape, True


# fitDataset reads the generator again each epoch: every epoch trains on new random changes
_AUGMENTED_BATCHES = """
const trainData = tf.data.generator(function* () {
  const order = tf.util.createShuffledIndices(TRAIN_DATA_SIZE);
  for (let start = 0; start < TRAIN_DATA_SIZE; start += BATCH_SIZE) {
    const rows = Array.from(order.slice(start, start + BATCH_SIZE));
    yield tf.tidy(() => {
      const index = tf.tensor1d(rows, 'int32');
      return {xs: augment(xTrain.gather(index)), ys: yTrain.gather(index)};
    });
  }
});

"""


def _tfjs_fit(config: TrainConfig, batch_size: str) -> str:
    return f"""await model.fit(xTrain, yTrain, {{
  epochs: {config.epochs},
  batchSize: {batch_size},
  validationData: [xVal, yVal],
  shuffle: true,"""


def _tfjs_mnist(config: TrainConfig) -> str:
    """The course's MNIST loading (003_…): batches cut from the sprite sheet, inside tf.tidy."""
    size = config.train_size or MNIST_SPRITE_TRAIN
    return f"""// MnistData: the course's data.js, which cuts 28×28 digits out of one sprite image
const data = new MnistData();
await data.load();

const BATCH_SIZE = {config.batch_size};
const TRAIN_DATA_SIZE = {size};
const TEST_DATA_SIZE = {MNIST_VALIDATION};
const [xTrain, yTrain] = tf.tidy(() => {{
  const d = data.nextTrainBatch(TRAIN_DATA_SIZE);
  return [d.xs.reshape([TRAIN_DATA_SIZE, 28, 28, 1]), d.labels];
}});
const [xVal, yVal] = tf.tidy(() => {{
  const d = data.nextTestBatch(TEST_DATA_SIZE);
  return [d.xs.reshape([TEST_DATA_SIZE, 28, 28, 1]), d.labels];
}});

"""


def _tfjs_iris(config: TrainConfig) -> tuple[str, bool]:
    """The course's Iris loading (003_…): `tf.data.csv` with the label column, one-hot in the
    course's class order, batches of `fitDataset`; a validation split takes a seeded shuffle's
    first rows, as the page does (the course fits all 150)."""
    held_out = round(IRIS_ROWS * config.validation_split)
    one_hot = ",\n".join(f'      ys.species == "{name}" ? 1 : 0' for name in IRIS_CLASSES)
    prelude = f"""const csvUrl = 'iris.csv';
const trainingData = tf.data.csv(csvUrl, {{
  columnConfigs: {{
    species: {{
      isLabel: true
    }}
  }}
}});
const numOfFeatures = (await trainingData.columnNames()).length - 1;
const convertedData =
  trainingData.map(({{xs, ys}}) => {{
    const labels = [
{one_hot}
    ];
    return {{xs: Object.values(xs), ys: Object.values(labels)}};
  }});
"""
    if not held_out:
        return prelude + f"const trainData = convertedData.batch({config.batch_size});\n\n", False
    return (
        prelude
        + f"""// {held_out} of the {IRIS_ROWS} flowers validate, the same ones every epoch
const shuffled = convertedData.shuffle({IRIS_ROWS}, 'iris', false);
const valData = shuffled.take({held_out}).batch({config.batch_size});
const trainData = shuffled.skip({held_out}).batch({config.batch_size});

""",
        True,
    )
