"""One way to open a model file, whatever its format: the registry loader (models/loading.py),
uploads and files on disk (models/formats/model_files.py) and converted files
(models/formats/convert.py) all come here."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from models.formats.manifest import TFJS_GRAPH, TFJS_LAYERS

TFLITE = "tflite"
KERAS = "keras"
SAVED_MODEL = "saved-model"
FORMATS = (TFJS_LAYERS, TFJS_GRAPH, TFLITE, KERAS, SAVED_MODEL)


def open_model(format: str, path: Path) -> Any:
    """The model at `path` opened with the loader of `format`: a TF.js folder (or its
    model.json), a SavedModel folder, a `.tflite` file or a `.keras` / `.h5` file (scanned,
    then loaded in safe mode)."""
    path = Path(path)
    if format in (TFJS_GRAPH, TFJS_LAYERS):
        folder = path if path.is_dir() else path.parent
        if format == TFJS_GRAPH:
            from models.formats.tfjs_graph import load_graph_model

            return load_graph_model(folder)
        from models.formats.tfjs_layers import load_layers_model

        return load_layers_model(folder)
    if format == TFLITE:
        from models.formats.tflite import TFLiteModel

        return TFLiteModel(path)
    if format == KERAS:
        from models.formats.keras_file import open_keras_file

        return open_keras_file(path)
    if format == SAVED_MODEL:
        from models.formats.saved_model import SavedModel

        return SavedModel(path)
    raise ValueError(f"no loader for format {format!r}; known: {', '.join(FORMATS)}")
