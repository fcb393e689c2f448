"""TF Hub / SavedModel models, opened with `tf.saved_model.load` (what `hub.load` does).

We do not depend on `tensorflow_hub`: it needs `tf_keras` and with it the full `tensorflow`
wheel next to `tensorflow-cpu` (PITFALLS.md #2), 570 MB more for one function call. A TF Hub
handle's SavedModel archive is fetched by the registry's downloader like any other file.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import tensorflow as tf

from models.errors import ModelFormatError
from models.formats.runtime import TensorInfo


class SavedModel:
    """A SavedModel's serving signature as a `Runnable`: `model(x)` → {output name: array}."""

    def __init__(self, folder: Path, signature: str = "serving_default") -> None:
        try:
            self._module = tf.saved_model.load(str(folder))
            self._fn = self._module.signatures[signature]
        except (OSError, ValueError, KeyError) as exc:
            raise ModelFormatError(
                f"{folder} is not a SavedModel with a '{signature}' signature: {exc}",
                code="bad_saved_model",
                file=str(folder),
            ) from exc
        _, named = self._fn.structured_input_signature
        self._input_names = sorted(named)
        self.inputs = [
            TensorInfo(name, named[name].dtype.name, tuple(named[name].shape))
            for name in self._input_names
        ]
        self.outputs = [
            TensorInfo(name, spec.dtype.name, tuple(spec.shape))
            for name, spec in sorted(self._fn.structured_outputs.items())
        ]
        self.parameter_count = int(sum(np.prod(v.shape) for v in self._fn.variables))

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]:
        feeds = dict(zip(self._input_names, args, strict=False)) | named
        tensors = {
            info.name: tf.convert_to_tensor(feeds[info.name], dtype=info.dtype)
            for info in self.inputs
        }
        return {name: value.numpy() for name, value in self._fn(**tensors).items()}
