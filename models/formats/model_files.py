"""Model files of any format the course uses, opened safely and run on a typed input.

Uploads are untrusted: file names are reduced to a plain base name and checked against an
allow-list of extensions, sizes are capped (each file, the total, and the unpacked size of
a `.keras` zip), everything is written inside one temporary folder, and nothing is executed
or unpickled. Keras files open with `safe_mode=True` after their config has been scanned:
a `Lambda` layer (Python code inside the file) is refused with a message that says so.
`.h5` configs are read with h5py as plain JSON attributes.

Formats: "tfjs-layers" and "tfjs-graph" (model.json + shards), "keras" (.keras / .h5),
"tflite" (.tflite).
"""

from __future__ import annotations

import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from models.errors import BadInput, ModelFormatError
from models.formats.open import KERAS, TFLITE, open_model
from models.formats.runtime import TensorInfo

MAX_FILE_BYTES = 100 * 1024 * 1024
MAX_TOTAL_BYTES = 150 * 1024 * 1024
MAX_FILES = 64
EXTENSIONS = (".json", ".bin", ".keras", ".h5", ".tflite")
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")


@dataclass
class OpenedModel:
    """A model opened from files: its format, the model, and where its files are."""

    format: str
    model: Any
    folder: Path
    files: list[str] = field(default_factory=list)
    _keep: Any = None  # the TemporaryDirectory holding an upload, alive as long as this


def _safe_name(name: str) -> str:
    base = Path(str(name).replace("\\", "/")).name
    if not _SAFE_NAME.match(base) or not base.lower().endswith(EXTENSIONS):
        raise BadInput(
            f"file {base!r} is not a model file (expected {', '.join(EXTENSIONS)})",
            code="formats_bad_file_name",
            file=base[:80],
            allowed=", ".join(EXTENSIONS),
        )
    return base


def _check_sizes(files: list[tuple[str, bytes]]) -> None:
    if not files:
        raise BadInput("no file was given", code="formats_no_files")
    if len(files) > MAX_FILES:
        raise BadInput(
            f"too many files ({len(files)}); at most {MAX_FILES}",
            code="formats_too_many_files",
            count=len(files),
            limit=MAX_FILES,
        )
    for name, data in files:
        if len(data) > MAX_FILE_BYTES:
            raise BadInput(
                f"{name} is {len(data) / 1e6:.1f} MB; the limit is {MAX_FILE_BYTES / 1e6:.0f} MB",
                code="formats_file_too_big",
                file=name,
                mb=f"{len(data) / 1e6:.1f}",
                limit=f"{MAX_FILE_BYTES / 1e6:.0f}",
            )
    total = sum(len(data) for _, data in files)
    if total > MAX_TOTAL_BYTES:
        raise BadInput(
            f"the files hold {total / 1e6:.1f} MB; the limit is {MAX_TOTAL_BYTES / 1e6:.0f} MB",
            code="formats_total_too_big",
            mb=f"{total / 1e6:.1f}",
            limit=f"{MAX_TOTAL_BYTES / 1e6:.0f}",
        )


def stage_files(files: list[tuple[str, bytes]], folder: Path) -> list[Path]:
    """Write uploaded (name, bytes) into `folder` under safe base names; one .json becomes
    model.json (TF.js looks for the shards beside it). Returns the written paths."""
    _check_sizes(files)
    names = [_safe_name(name) for name, _ in files]
    if len(set(names)) != len(names):
        raise BadInput("two files have the same name", code="formats_duplicate_names")
    jsons = [n for n in names if n.lower().endswith(".json")]
    written = []
    for name, (_, data) in zip(names, files, strict=True):
        target = "model.json" if jsons == [name] else name
        path = Path(folder) / target
        path.write_bytes(data)
        written.append(path)
    return written


def tfjs_kind(folder: Path) -> str:
    """ "tfjs-layers" or "tfjs-graph" from the model.json in `folder`."""
    from models.formats.tfjs_layers import read_model_json

    document = read_model_json(folder)
    topology = document.get("modelTopology")
    if document.get("format") == "graph-model" or (
        isinstance(topology, dict) and "node" in topology
    ):
        return "tfjs-graph"
    if document.get("format") == "layers-model" or (
        isinstance(topology, dict) and ("model_config" in topology or "class_name" in topology)
    ):
        return "tfjs-layers"
    raise ModelFormatError(
        f"{Path(folder) / 'model.json'} is no TF.js model (no layers or graph topology)",
        code="formats_not_a_model",
        file=str(Path(folder) / "model.json"),
    )


def open_path(path: Path) -> OpenedModel:
    """Open a model file or folder from disk, whatever its format."""
    path = Path(path)
    if path.is_dir() or path.name.endswith(".json"):
        folder = path if path.is_dir() else path.parent
        kind = tfjs_kind(folder)
        return OpenedModel(kind, open_model(kind, folder), folder)
    if not path.is_file():
        raise BadInput(f"{path} does not exist", code="formats_no_such_file", file=str(path))
    suffix = path.suffix.lower()
    kind = {".keras": KERAS, ".h5": KERAS, ".tflite": TFLITE}.get(suffix)
    if kind is not None:
        return OpenedModel(kind, open_model(kind, path), path.parent, [path.name])
    raise BadInput(
        f"{path.name} is not a model file (expected {', '.join(EXTENSIONS)})",
        code="formats_bad_file_name",
        file=path.name,
        allowed=", ".join(EXTENSIONS),
    )


def open_upload(files: list[tuple[str, bytes]]) -> OpenedModel:
    """Open uploaded files (a TF.js folder's files, or one .keras/.h5/.tflite) in a temp dir."""
    keep = tempfile.TemporaryDirectory(prefix="playground-upload-")
    folder = Path(keep.name)
    try:
        written = stage_files(files, folder)
        singles = [p for p in written if p.suffix.lower() in (".keras", ".h5", ".tflite")]
        if len(singles) == 1 and len(written) == 1:
            opened = open_path(singles[0])
        elif (folder / "model.json").is_file() and not singles:
            opened = open_path(folder)
        else:
            raise BadInput(
                "upload either one .keras / .h5 / .tflite file, or a TF.js model.json "
                "with its .bin shards",
                code="formats_which_files",
            )
    except Exception:
        keep.cleanup()
        raise
    opened.files = [p.name for p in written]
    opened._keep = keep
    return opened


# --- running ---------------------------------------------------------------------------------


def _keras_output_name(tensor: Any) -> str:
    """The name of the layer that makes an output (Keras 3 tensors are named keras_tensor_N)."""
    history = getattr(tensor, "_keras_history", None)
    operation = getattr(history, "operation", None)
    return getattr(operation, "name", None) or tensor.name


def signature(model: Any) -> tuple[list[TensorInfo], list[TensorInfo]]:
    """(inputs, outputs) of any model we open, as TensorInfo."""
    if hasattr(model, "count_params"):
        names = [_keras_output_name(t) for t in model.outputs]
        inputs = [TensorInfo(t.name, str(t.dtype), tuple(t.shape)) for t in model.inputs]
        outputs = [
            TensorInfo(name, str(t.dtype), tuple(t.shape))
            for name, t in zip(names, model.outputs, strict=True)
        ]
        return inputs, outputs
    return list(model.inputs), list(model.outputs)


def example_input(info: TensorInfo, kind: str = "zeros", seed: int = 0) -> np.ndarray:
    """An input for `info`: "zeros" (the course's tf.zeros([1, 192, 192, 3], 'int32')),
    "random" (uniform in [0, 1) for floats, [0, 255] for integers) or "ones";
    free dimensions become 1."""
    shape = tuple(1 if d is None or d < 0 else int(d) for d in info.shape)
    dtype = np.dtype(info.dtype)
    if kind == "zeros":
        return np.zeros(shape, dtype)
    if kind == "ones":
        return np.ones(shape, dtype)
    rng = np.random.default_rng(seed)
    if dtype.kind in "iu":
        high = min(255, np.iinfo(dtype).max)
        return rng.integers(0, high + 1, size=shape).astype(dtype)
    return rng.random(shape).astype(dtype)


def takes_image(info: TensorInfo) -> bool:
    """True for an input shaped like a batch of pictures: [N, H, W, 1 or 3]."""
    return len(info.shape) == 4 and info.shape[-1] in (1, 3)


def image_input(pixels: np.ndarray, info: TensorInfo) -> np.ndarray:
    """An RGB uint8 picture [H, W, 3] resized to the input's size (224 where it is free),
    grayscale if it wants one channel; integers stay 0–255, floats are scaled to [0, 1]."""
    from PIL import Image

    if not takes_image(info):
        raise BadInput(
            f"input {info.name} is not an image input",
            code="formats_not_image_input",
            name=info.name,
        )
    height, width = (224 if d is None or d < 0 else int(d) for d in info.shape[1:3])
    picture = Image.fromarray(np.asarray(pixels, np.uint8)).resize((width, height))
    if info.shape[-1] == 1:
        picture = picture.convert("L")
    array = np.asarray(picture).reshape(1, height, width, int(info.shape[-1]))
    dtype = np.dtype(info.dtype)
    return array.astype(dtype) / 255.0 if dtype.kind == "f" else array.astype(dtype)


def typed_input(info: TensorInfo, values: Any) -> np.ndarray:
    """`values` (nested lists / an array) as the dtype and shape `info` needs, checked."""
    try:
        array = np.asarray(values, dtype=np.dtype(info.dtype))
    except (ValueError, TypeError) as exc:
        raise BadInput(
            f"input {info.name} needs {info.dtype} values: {exc}",
            code="formats_bad_values",
            name=info.name,
            dtype=info.dtype,
        ) from exc
    if not info.fits(array.shape):
        expected = info.shape_text()
        raise BadInput(
            f"input {info.name} must have shape {expected}, got {list(array.shape)}",
            code="formats_bad_shape",
            name=info.name,
            expected=expected,
            actual=str(list(array.shape)),
        )
    return array


def run_model(model: Any, arrays: list[np.ndarray]) -> list[dict]:
    """Outputs of `model` on `arrays` (input order): [{"name", "shape", "dtype", "values"}]."""
    inputs, outputs = signature(model)
    if len(arrays) != len(inputs):
        raise BadInput(
            f"the model takes {len(inputs)} inputs, got {len(arrays)}",
            code="formats_input_count",
            expected=len(inputs),
            actual=len(arrays),
        )
    from models.formats.tflite import TFLiteModel

    if isinstance(model, TFLiteModel):  # real values into a quantized input
        arrays = [
            model.quantize(info.name, a) if np.asarray(a).dtype.kind == "f" else a
            for info, a in zip(inputs, arrays, strict=True)
        ]
    fed = [typed_input(info, array) for info, array in zip(inputs, arrays, strict=True)]
    if hasattr(model, "count_params"):
        result = model(fed[0] if len(fed) == 1 else fed, training=False)
        results = result if isinstance(result, list | tuple) else [result]
        named = {info.name: np.asarray(r) for info, r in zip(outputs, results, strict=True)}
    else:
        named = model(*fed)
    return [
        {"name": name, "shape": list(v.shape), "dtype": str(v.dtype), "values": v.tolist()}
        for name, v in ((n, np.asarray(v)) for n, v in named.items())
    ]
