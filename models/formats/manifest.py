"""The TF.js model folder's facts, in one place: the format names, and the reader of a
`model.json`'s weightsManifest (which shard files it names, and what they hold).

A leaf module (json and pathlib only), so the store (is a downloaded folder complete? which
shards to fetch?) and the format loaders and the Model formats page all read a manifest the
same way without depending on each other.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

TFJS_LAYERS = "tfjs-layers"
TFJS_GRAPH = "tfjs-graph"
TFJS_FORMATS = (TFJS_LAYERS, TFJS_GRAPH)


def read_manifest(model_json: Path) -> list[dict]:
    """The weightsManifest of `model_json`; ValueError when the file is no TF.js model.json
    (unreadable JSON, no manifest, or a manifest of the wrong shape)."""
    try:
        manifest = json.loads(Path(model_json).read_text(encoding="utf-8"))["weightsManifest"]
        if not all(isinstance(group.get("paths"), list) for group in manifest):
            raise TypeError("a manifest group without paths")
    except (KeyError, TypeError, AttributeError, json.JSONDecodeError) as exc:
        raise ValueError(f"{model_json} is not a TF.js model.json (no weightsManifest)") from exc
    return manifest


def weight_paths(manifest: list[dict]) -> list[str]:
    """The shard file names the manifest names, in order."""
    return [path for group in manifest for path in group["paths"]]


def summarize(folder: Path, manifest: list[dict]) -> dict:
    """What the Model formats page shows of a manifest: shards with their sizes (0 when a
    shard is missing), each weight's shape, dtype and how it is stored (quantization)."""
    files = [Path(folder) / path for path in weight_paths(manifest)]
    shards = [{"path": f.name, "bytes": f.stat().st_size if f.is_file() else 0} for f in files]
    weights = [
        {
            "name": w.get("name"),
            "shape": list(w.get("shape", [])),
            "dtype": w.get("dtype"),
            "stored_as": (w.get("quantization") or {}).get("dtype", w.get("dtype")),
        }
        for group in manifest
        for w in group.get("weights", [])
    ]
    return {
        "shards": shards,
        "total_bytes": sum(s["bytes"] for s in shards),
        "weights": weights,
        "stored_as": dict(Counter(w["stored_as"] for w in weights).most_common()),
    }
