"""Keras `.keras` / `.h5` files opened safely: the stored config is read as data and scanned
for layers that carry Python code (a `Lambda` is refused with a message that says so) before
Keras loads the file with `safe_mode=True`; nothing is executed or unpickled.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

from models.errors import BadInput, ModelFormatError

MAX_UNPACKED_BYTES = 150 * 1024 * 1024  # a .keras zip unpacking to more is refused unread
_CODE_LAYERS = {"Lambda", "TFOpLambda", "TFSMLayer"}


def _scan_config(config: Any, file: str) -> None:
    """Refuse layers that carry code (Lambda) anywhere in a Keras config."""
    if isinstance(config, dict):
        if config.get("class_name") in _CODE_LAYERS:
            raise ModelFormatError(
                f"{file} contains a {config['class_name']} layer, which holds Python code; "
                "it is refused for safety (rebuild the model without it)",
                code="formats_lambda_refused",
                file=file,
                layer=str(config["class_name"]),
            )
        for value in config.values():
            _scan_config(value, file)
    elif isinstance(config, list):
        for value in config:
            _scan_config(value, file)


def _keras_config(path: Path) -> Any:
    """The model config stored in a .keras zip or an .h5 file, read as data only."""
    try:
        if path.suffix.lower() == ".keras":
            with zipfile.ZipFile(path) as archive:
                unpacked = sum(info.file_size for info in archive.infolist())
                if unpacked > MAX_UNPACKED_BYTES:
                    raise BadInput(
                        f"{path.name} unpacks to {unpacked / 1e6:.0f} MB; too big",
                        code="formats_total_too_big",
                        mb=f"{unpacked / 1e6:.1f}",
                        limit=f"{MAX_UNPACKED_BYTES / 1e6:.0f}",
                    )
                return json.loads(archive.read("config.json"))
        import h5py

        with h5py.File(path, "r") as handle:
            raw = handle.attrs.get("model_config")
            if raw is None:
                raise KeyError("model_config")
            return json.loads(raw.decode("utf-8") if isinstance(raw, bytes) else raw)
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as exc:
        raise ModelFormatError(
            f"{path.name} is not a Keras model file: {exc}",
            code="formats_bad_keras",
            file=path.name,
        ) from exc


def open_keras_file(path: Path) -> Any:
    """A .keras / .h5 model, its config scanned for code first, then loaded in safe mode."""
    import keras

    path = Path(path)
    _scan_config(_keras_config(path), path.name)
    try:
        return keras.saving.load_model(path, compile=False, safe_mode=True)
    except (ValueError, TypeError, KeyError, OSError) as exc:
        raise ModelFormatError(
            f"{path.name} could not be loaded as a Keras model: {str(exc)[:300]}",
            code="formats_bad_keras",
            file=path.name,
        ) from exc
