"""`tensorflowjs_converter --quantize_float16 / --quantize_uint16 / --quantize_uint8` applied to a
model that is already TF.js (layers or graph): the same model.json, its float32 weights
written again in the smaller dtype (models/formats/tfjs_weights.py), and what TF.js would
load from it read back as float32.

This is how the course's counter-example is made: MoveNet's weights stored as uint8 (one
byte, 256 levels per tensor) instead of the float16 it ships with.
"""

from __future__ import annotations

import json
from pathlib import Path

from models.formats.tfjs_weights import read_weights, write_weights


def quantized_copy(folder: Path, dtype: str | None, out: Path) -> Path:
    """`out`, a copy of the TF.js model in `folder` with weights stored as `dtype` ("float16",
    "uint16", "uint8"; None = float32). Weights already quantized in `folder` are first read
    as the float32 values TF.js would compute from them."""
    folder, out = Path(folder), Path(out)
    document = json.loads((folder / "model.json").read_text(encoding="utf-8"))
    weights = read_weights(folder, document["weightsManifest"])
    document["weightsManifest"] = write_weights(list(weights.items()), out, quantize=dtype)
    (out / "model.json").write_text(json.dumps(document), encoding="utf-8")
    return out


def weights_bytes(folder: Path) -> int:
    """Bytes of the weight shards of the TF.js model in `folder` (model.json not counted)."""
    document = json.loads((Path(folder) / "model.json").read_text(encoding="utf-8"))
    return sum(
        (Path(folder) / path).stat().st_size
        for group in document["weightsManifest"]
        for path in group["paths"]
    )
