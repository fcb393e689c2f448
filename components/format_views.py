"""The Streamlit pieces of the Model formats page: pick a model, show what it is, run it,
convert it and compare the variants.

A picked model lives in `st.session_state[OPENED_KEY]` (an upload's temporary folder stays
alive with it), so reruns and bad inputs elsewhere on the page never lose it. The last
comparison is kept with the zips of its variants under COMPARE_KEY.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import streamlit as st

from components import model_cache
from components.charts import horizontal_bars
from components.feedback import show_error
from components.heavy_slots import heavy_work
from components.i18n import catalog, option_labels, t
from components.shared_state import trained_models
from models.errors import BadInput, PlaygroundError
from models.formats.convert import TARGETS, compare, zip_bytes
from models.formats.describe import describe, layer_table, manifest_summary
from models.formats.model_files import (
    OpenedModel,
    example_input,
    image_input,
    open_upload,
    run_model,
    signature,
    takes_image,
)
from models.loading import TENSORFLOW
from models.store.locate import locate_model
from models.store.registry import MODELS
from models.training.demos import iris_demo_model, iris_v1_model, mnist_demo_model
from models.vision.images import decode_image

OPENED_KEY = "formats_opened"
DEMO_KEY = "formats_demo"
COMPARE_KEY = "formats_compare"
OUTPUT_KEY = "formats_output"
SHOWN_VALUES = 2000  # larger outputs are shown as a summary, not a table
RANDOM_SAMPLES = 32
MAX_COMPARE_SAMPLES = 500  # TFLite runs one sample at a time: keep the table quick
DEFAULT_TARGETS = ["tfjs-layers", "tfjs-graph", "tflite", "tflite-float16", "tflite-int8"]


def show_format_error(error: PlaygroundError) -> None:
    """Like show_error, with this page's translations of the loaders' own error codes."""
    key = f"formats.loader_error.{error.code}"
    if f"error.{error.code}" not in catalog() and key in catalog():
        try:
            st.error(t(key, **error.params), icon="⚠️")
            return
        except (KeyError, IndexError, ValueError):
            pass
    show_error(error)


# --- picking a model -------------------------------------------------------------------------


def _trained_runs() -> dict[str, dict]:
    """The Training lab's runs, then the demo models built on this page."""
    runs = dict(trained_models())
    for demo, run in st.session_state.get(DEMO_KEY, {}).items():
        runs[t(f"formats.demo.{demo}")] = run
    return runs


def _build_demo(demo: str) -> None:
    with st.spinner(t("formats.building_demo")):
        if demo == "iris":
            run = iris_demo_model(model_cache.iris())
        elif demo == "iris_v1":
            run = iris_v1_model(model_cache.iris())
        else:
            run = mnist_demo_model(model_cache.mnist())
    st.session_state.setdefault(DEMO_KEY, {})[demo] = run
    st.session_state["formats_trained_run"] = t(f"formats.demo.{demo}")


def _pick_trained() -> dict | None:
    notice = st.empty()  # emptied by a demo built in this run, not left saying "none yet"
    if not _trained_runs():
        notice.info(t("formats.no_trained"))
    columns = st.columns(3)
    for column, demo in zip(columns, ("iris_v1", "iris", "mnist"), strict=True):
        if column.button(t(f"formats.build_demo.{demo}"), key=f"formats_build_{demo}"):
            _build_demo(demo)
            notice.empty()
    runs = _trained_runs()
    if not runs:
        return None
    name = st.selectbox(t("formats.trained_pick"), list(runs), key="formats_trained_run")
    run = runs[name]
    return {
        "key": f"trained:{name}:{id(run['model'])}",
        "name": name,
        "opened": OpenedModel(
            run.get("format", "keras"), run["model"], run.get("folder", Path("."))
        ),
        "data": run,
    }


def _pick_registry() -> dict | None:
    ids = list(MODELS)
    model_id = st.selectbox(t("formats.registry_pick"), ids, key="formats_registry_id")
    if not st.toggle(t("formats.registry_load"), key="formats_registry_load"):
        return None
    model = model_cache.model(model_id, TENSORFLOW)  # this page is about the files
    folder = locate_model(model_id).path or Path(".")
    kind = MODELS[model_id].format
    return {
        "key": f"registry:{model_id}",
        "name": model_id,
        "opened": OpenedModel(kind, model, folder),
    }


def _pick_upload() -> dict | None:
    files = st.file_uploader(
        t("formats.upload"),
        type=["json", "bin", "keras", "h5", "tflite"],
        accept_multiple_files=True,
        key="formats_upload",
        help=t("formats.upload_help"),
    )
    if not files:
        return None
    key = "upload:" + "|".join(f"{f.name}:{f.size}" for f in files)
    held = st.session_state.get(OPENED_KEY)
    if held and held["key"] == key:
        return held
    opened = open_upload([(f.name, f.getvalue()) for f in files])
    return {"key": key, "name": ", ".join(opened.files), "opened": opened}


def pick_model(source: str) -> dict | None:
    """The chosen model as {"key", "name", "opened": OpenedModel, "data"?}, or None.

    Errors are shown here; the previously opened model is kept for the session."""
    pickers = {"trained": _pick_trained, "registry": _pick_registry, "upload": _pick_upload}
    try:
        picked = pickers[source]()
    except PlaygroundError as error:
        show_format_error(error)
        return None
    if picked is not None:
        if (st.session_state.get(OPENED_KEY) or {}).get("key") != picked["key"]:
            st.session_state.pop(COMPARE_KEY, None)
            st.session_state.pop(OUTPUT_KEY, None)
        st.session_state[OPENED_KEY] = picked
    return picked


# --- what it is ------------------------------------------------------------------------------


def _shape(shape: list) -> str:
    return "[" + ", ".join("?" if d is None or d == -1 else str(d) for d in shape) + "]"


def show_model(picked: dict) -> None:
    """Format, parameters, signature, layers table, op histogram and weights manifest."""
    opened: OpenedModel = picked["opened"]
    info = describe(opened.model)
    left, right = st.columns(2)
    left.metric(t("formats.format"), t(f"formats.kind.{opened.format}"))
    parameters = info["parameters"]
    right.metric(t("formats.parameters"), f"{parameters:,}" if parameters is not None else "—")
    st.caption(t(f"formats.kind_help.{opened.format}"))
    inputs, outputs = signature(opened.model)
    rows = [
        {
            t("formats.col.role"): t(f"formats.role.{role}"),
            t("formats.col.name"): item.name,
            t("formats.col.dtype"): item.dtype,
            t("formats.col.shape"): _shape(list(item.shape)),
        }
        for role, items in (("inputs", inputs), ("outputs", outputs))
        for item in items
    ]
    st.markdown(f"**{t('formats.signature')}**")
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")
    if hasattr(opened.model, "count_params"):
        st.markdown(f"**{t('formats.summary')}**")
        table = pd.DataFrame(layer_table(opened.model))
        table.columns = [t(f"formats.col.{c}") for c in table.columns]
        st.dataframe(table, hide_index=True, width="stretch")
    if hasattr(opened.model, "op_histogram"):
        st.markdown(f"**{t('formats.ops')}**")
        count, op = t("formats.col.count"), t("formats.col.op")
        ops = pd.DataFrame(list(opened.model.op_histogram().items()), columns=[op, count])
        st.bar_chart(ops, x=op, y=count, horizontal=True, sort=f"-{count}")
    _show_manifest(opened)


def _show_manifest(opened: OpenedModel) -> None:
    if not opened.format.startswith("tfjs"):
        return
    summary = manifest_summary(opened.folder)
    if summary is None:
        return
    st.markdown(f"**{t('formats.manifest')}**")
    stored = ", ".join(f"{dtype} × {n}" for dtype, n in summary["stored_as"].items())
    st.caption(
        t(
            "formats.manifest_caption",
            shards=len(summary["shards"]),
            kb=f"{summary['total_bytes'] / 1024:.1f}",
            stored=stored,
        )
    )
    left, right = st.columns(2)
    shards = pd.DataFrame(summary["shards"])
    shards.columns = [t("formats.col.shard"), t("formats.col.bytes")]
    left.dataframe(shards, hide_index=True, width="stretch")
    weights = pd.DataFrame(summary["weights"])
    weights["shape"] = weights["shape"].map(_shape)
    weights.columns = [t(f"formats.col.{c}") for c in weights.columns]
    right.dataframe(weights, hide_index=True, width="stretch", height=240)


# --- running ---------------------------------------------------------------------------------


def _image_for(info: Any, index: int) -> np.ndarray:
    upload = st.file_uploader(
        t("formats.image_for", name=info.name, shape=_shape(list(info.shape))),
        type=["jpg", "jpeg", "png", "bmp", "webp", "gif"],
        key=f"formats_image_{index}",
    )
    if upload is None:
        return example_input(info, "zeros")
    return image_input(decode_image(upload.getvalue()), info)


def _input_for(info: Any, kind: str, index: int) -> np.ndarray:
    if kind == "image" and takes_image(info):
        return _image_for(info, index)
    if kind != "values":
        return example_input(info, "zeros" if kind == "image" else kind)
    default = json.dumps(example_input(info, "zeros").tolist())
    text = st.text_area(
        t("formats.values_for", name=info.name, shape=_shape(list(info.shape)), dtype=info.dtype),
        value=default if len(default) < 2000 else "",
        key=f"formats_values_{index}",
        height=100,
    )
    try:
        return np.asarray(json.loads(text or "null"))
    except json.JSONDecodeError as exc:
        raise BadInput(str(exc), code="formats_bad_json_values", detail=str(exc)) from exc


def _show_output(output: dict) -> None:
    values = np.asarray(output["values"])
    st.markdown(
        t(
            "formats.output_line",
            name=output["name"],
            shape=_shape(output["shape"]),
            dtype=output["dtype"],
        )
    )
    if values.size > SHOWN_VALUES or values.ndim == 0:
        st.caption(
            t(
                "formats.output_stats",
                min=f"{values.min():.4g}",
                max=f"{values.max():.4g}",
                mean=f"{values.mean():.4g}",
            )
        )
        return
    table = values.reshape(-1, values.shape[-1]) if values.ndim > 1 else values[None]
    st.dataframe(pd.DataFrame(table), width="stretch")


def run_panel(picked: dict) -> None:
    """Build an input from the signature (zeros, random, typed values), run, show outputs."""
    st.subheader(t("formats.run_title"))
    inputs, _ = signature(picked["opened"].model)
    kinds = ["zeros", "random", "values"]
    if any(takes_image(info) for info in inputs):
        kinds.append("image")
    kind = st.radio(
        t("formats.input_kind"),
        kinds,
        format_func=option_labels(kinds, "formats.input"),
        horizontal=True,
        key="formats_input_kind",
    )
    try:
        arrays = [_input_for(info, kind, i) for i, info in enumerate(inputs)]
        if st.button(t("formats.run"), key="formats_run", type="primary"):
            st.session_state[OUTPUT_KEY] = run_model(picked["opened"].model, arrays)
    except PlaygroundError as error:
        show_format_error(error)
    for output in st.session_state.get(OUTPUT_KEY) or []:
        _show_output(output)


# --- converting ------------------------------------------------------------------------------


def _held_out(picked: dict) -> tuple[np.ndarray, np.ndarray | None, np.ndarray]:
    """(x, labels or None, representative) for the comparison: the run's data, else random."""
    data = picked.get("data") or {}
    if data.get("x_val") is not None:
        x_val = np.asarray(data["x_val"])[:MAX_COMPARE_SAMPLES]
        truth = data.get("y_val")
        truth = None if truth is None else np.asarray(truth)[:MAX_COMPARE_SAMPLES]
        representative = data.get("x_train")
        return x_val, truth, x_val if representative is None else representative
    info = signature(picked["opened"].model)[0][0]
    x = np.concatenate([example_input(info, "random", seed) for seed in range(RANDOM_SAMPLES)])
    return x, None, x


def _comparison_table(rows: list[dict]) -> pd.DataFrame:
    def percent(value: float | None) -> str:
        return "—" if value is None else f"{value:.1%}"

    return pd.DataFrame(
        [
            {
                t("formats.col.variant"): t(f"formats.target.{r['target']}"),
                t("formats.col.size"): f"{r['bytes'] / 1024:.1f} KB",
                t("formats.col.load"): f"{r['load_ms']:.1f} ms",
                t("formats.col.latency"): f"{r['latency_ms']:.3f} ms",
                t("formats.col.accuracy"): percent(r["accuracy"]),
                t("formats.col.agreement"): percent(r["agreement"]),
                t("formats.col.diff"): f"{r['max_abs_diff']:.2g}",
            }
            for r in rows
        ]
    )


def convert_panel(picked: dict) -> None:
    """Convert a Keras model to the chosen variants, compare them, offer zip downloads."""
    st.subheader(t("formats.convert_title"))
    opened: OpenedModel = picked["opened"]
    if not hasattr(opened.model, "count_params"):
        st.info(t("formats.convert_needs_keras"))
        return
    targets = st.multiselect(
        t("formats.targets"),
        list(TARGETS),
        default=DEFAULT_TARGETS,
        format_func=option_labels(TARGETS, "formats.target"),
        key="formats_targets",
    )
    if st.button(t("formats.convert"), key="formats_convert", disabled=not targets):
        x, truth, representative = _held_out(picked)
        try:
            with heavy_work(), st.spinner(t("formats.converting")):
                st.session_state[COMPARE_KEY] = _compare(
                    opened.model, x, truth, representative, targets
                )
        except PlaygroundError as error:
            show_format_error(error)
    result = st.session_state.get(COMPARE_KEY)
    if not result:
        return
    caption = (
        "formats.compare_caption_labels" if result["labelled"] else "formats.compare_caption_random"
    )
    st.caption(t(caption, count=result["count"]))
    st.dataframe(_comparison_table(result["rows"]), hide_index=True, width="stretch")
    kilobytes = [row["bytes"] / 1024 for row in result["rows"]]
    st.plotly_chart(
        horizontal_bars(
            [t(f"formats.target.{row['target']}") for row in result["rows"]],
            kilobytes,
            [f"{kb:,.0f} KB" for kb in kilobytes],
            {"title": t("formats.col.size_kb")},
            bar_px=40,
        ),
        key="formats_sizes",
    )
    targets = [row["target"] for row in result["rows"] if row["target"] in result["zips"]]
    columns = st.columns(min(len(targets), 4) or 1)
    for index, target in enumerate(targets):  # in the table's order
        columns[index % len(columns)].download_button(
            t("formats.download", variant=t(f"formats.target.{target}")),
            result["zips"][target],
            file_name=f"model-{target}.zip",
            mime="application/zip",
            key=f"formats_zip_{target}",
        )


def _compare(model: Any, x: np.ndarray, labels: Any, representative: Any, targets: list) -> dict:
    import tempfile

    with tempfile.TemporaryDirectory(prefix="formats-page-") as scratch:
        reports = compare(
            model,
            x,
            labels,
            representative=representative,
            targets=tuple(targets),
            out=Path(scratch),
        )
        zips = {target: zip_bytes(Path(scratch) / target) for target in targets}
    return {
        "rows": [r.as_dict() for r in reports],
        "zips": zips,
        "labelled": labels is not None,
        "count": len(x),
    }


# --- code panel ------------------------------------------------------------------------------

_PYTHON = """import keras
import numpy as np
import tensorflow as tf
from ai_edge_litert.interpreter import Interpreter

# Keras file: safe_mode refuses Lambda layers (Python code inside the file)
model = keras.saving.load_model("model.keras", safe_mode=True)
model.summary()
x = np.zeros({shape}, "{dtype}")   # the course's "predicción ficticia"
print(model.predict(x))

# TFLite, with post-training quantization
converter = tf.lite.TFLiteConverter.from_keras_model(model)
converter.optimizations = [tf.lite.Optimize.DEFAULT]        # dynamic range: int8 weights
# converter.target_spec.supported_types = [tf.float16]     # float16 weights
# Full int8: calibrate on ~100 real training samples
converter.representative_dataset = lambda: ([s[None]] for s in x_train[:100])
converter.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
converter.inference_input_type = tf.int8
converter.inference_output_type = tf.int8
open("model.tflite", "wb").write(converter.convert())

interpreter = Interpreter(model_path="model.tflite")
interpreter.allocate_tensors()

# The course's path (003_…): export a SavedModel, then convert it
export_dir = "/tmp/saved_model"
model.export(export_dir)                  # Keras 2: tf.saved_model.save(model, export_dir)
converter = tf.lite.TFLiteConverter.from_saved_model(export_dir)
open("model.tflite", "wb").write(converter.convert())
# Terminal: tflite_convert --output_file=model.tflite --saved_model_dir=/tmp/saved_model
#           tensorflowjs_converter --input_format=tf_saved_model /tmp/saved_model graph_model

# TF.js layers / graph model, from this playground's command line:
#   python -m models convert model.keras --to tfjs-layers --out web_model --json
#   python -m models run web_model --input x.npy --json
"""

_TFJS = """import * as tf from '@tensorflow/tfjs';

// Layers model (model.json + group1-shard1of1.bin): inspectable and trainable
const model = await tf.loadLayersModel('web_model/model.json');
model.summary();

// Graph model: frozen and optimised for inference only
const graph = await tf.loadGraphModel('graph_model/model.json');

const x = tf.zeros({shape}, '{dtype}');   // "predicción ficticia"
const y = model.predict(x);               // graph: await graph.executeAsync(x)
y.print();

// Terminal (pip install tensorflowjs):
//   tensorflowjs_converter --input_format keras model.h5 web_model
//   tensorflowjs_converter --input_format tf_saved_model \\
//       --output_format tfjs_graph_model --quantize_float16 saved_model graph_model
// Weights stored smaller (the "TF.js Layers, … weights" variants above):
//   tensorflowjs_converter --input_format keras --quantize_float16 model.h5 web_model_f16
//   tensorflowjs_converter --input_format keras --quantize_uint16 model.h5 web_model_u16
//   tensorflowjs_converter --input_format keras --quantize_uint8 model.h5 web_model_u8
"""


_IRIS_V1_PYTHON = """import numpy as np
from models.formats.tfjs_layers import load_layers_model  # this project's model.json reader

# 1. Load the model: the folder holding model.json and its weights shard
model = load_layers_model("iris_v1")
# 2. Understand the model: Dense1 50 + Dense2 33 = 83 parameters
model.summary()
# 3. Make inferences or predictions
IRIS_CLASSES = ["setosa", "versicolor", "virginica"]
prediction = model.predict(np.array([[5.0, 3.3, 1.4, 0.2]], np.float32))
print(IRIS_CLASSES[int(prediction.argmax(-1)[0])])
"""

# The course's three steps (000_…: load, summary, predict inside tf.tidy)
_IRIS_V1_TFJS = """//1. Load the model
const model = await tf.loadLayersModel(
  "https://storage.googleapis.com/tfjs-models/tfjs/iris_v1/model.json"
);
//2. Understand the model
model.summary();
//3. Make inferences or predictions
const IRIS_CLASSES = ["setosa", "versicolor", "virginica"];
tf.tidy(() => {
  const inputValues = [5.0, 3.3, 1.4, 0.2];
  const inputTensor = tf.tensor2d([inputValues], [1, 4]);
  const prediction = model.predict(inputTensor);
  const argMaxIdx = prediction.argMax(-1).dataSync()[0];
  console.log(`Input: ${inputValues} - ${IRIS_CLASSES[argMaxIdx]}`);
});
"""


def code_snippets(picked: dict | None) -> tuple[str, str]:
    """(Python, TF.js) code for the panel, with the picked model's input shape and dtype;
    for the course's iris v1, the slides' own three steps."""
    if picked is not None and picked.get("data", {}).get("preset") == "iris-v1":
        return _IRIS_V1_PYTHON, _IRIS_V1_TFJS
    shape, dtype = [1, 192, 192, 3], "int32"
    if picked is not None:
        info = signature(picked["opened"].model)[0][0]
        shape = [1 if d is None or d < 0 else int(d) for d in info.shape]
        dtype = info.dtype
    js_dtype = dtype if dtype in ("float32", "int32", "bool") else "int32"
    return (
        _PYTHON.replace("{shape}", str(tuple(shape))).replace("{dtype}", dtype),
        _TFJS.replace("{shape}", json.dumps(shape)).replace("{dtype}", js_dtype),
    )
