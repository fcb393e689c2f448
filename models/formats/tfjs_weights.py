"""The TF.js weights format: a `weightsManifest` plus binary shards, read and written.

Both TF.js model kinds (graph and layers) keep their weights the same way: `model.json`
holds a `weightsManifest`, a list of groups `{"paths": [...], "weights": [...]}`. The shards
of a group, concatenated in order, hold each weight's bytes one after another, little-endian:
float32 / int32 4 bytes, bool 1 byte, strings as a uint32 length then the UTF-8 bytes.
A weight may be stored quantized (`"quantization": {"dtype": "uint8"|"uint16", "scale", "min"}`
or `{"dtype": "float16"}`); reading dequantizes it exactly as TF.js does (`q * scale + min`
computed in double precision, stored as float32; float16 widened exactly).

`write_weights` writes what `tensorflowjs_converter` writes: one group, shards named
`group1-shard{i}of{n}.bin` of at most 4 MB, optional uint8 / uint16 / float16 quantization
of float32 weights with the converter's affine scheme (0 exactly representable).

Broken files raise `ModelFormatError` naming the file and the bytes expected and found, so
an upload with a missing or truncated shard ends in a sentence, not in a numpy error.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from models.errors import ModelFormatError

# Bytes per element of each stored dtype (strings are variable-length).
_ITEM_BYTES = {"float32": 4, "int32": 4, "bool": 1, "uint8": 1, "uint16": 2, "float16": 2}
_NUMPY = {
    "float32": "<f4",
    "int32": "<i4",
    "bool": "?",
    "uint8": "u1",
    "uint16": "<u2",
    "float16": "<f2",
}
QUANTIZE_DTYPES = ("uint8", "uint16", "float16")
DEFAULT_SHARD_BYTES = 4 * 1024 * 1024


def _shard_path(folder: Path, name: str) -> Path:
    """The shard `name` inside `folder`; a manifest may not point outside its folder."""
    path = Path(name)
    if path.is_absolute() or ".." in path.parts or not path.name:
        raise ModelFormatError(
            f"weightsManifest names a shard outside the model folder: {name!r}",
            code="tfjs_bad_shard_path",
            file=name,
        )
    return folder / path


def _group_bytes(folder: Path, paths: list[str]) -> bytes:
    """The shards of one group concatenated in order (checked to exist by `_shard_sizes`)."""
    return b"".join(_shard_path(folder, name).read_bytes() for name in paths)


def _stored_dtype(entry: dict) -> str:
    quantization = entry.get("quantization")
    return quantization["dtype"] if quantization else entry["dtype"]


def _element_count(entry: dict) -> int:
    return int(np.prod(entry.get("shape", []), dtype=np.int64))


def _check_entry(entry: dict) -> None:
    """Reject entries TF.js would reject, before any bytes are read."""
    if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
        raise ModelFormatError(
            f"weightsManifest has an entry that is no named weight: {entry!r:.80}",
            code="tfjs_bad_manifest",
            file="model.json",
        )
    name = entry["name"]
    shape = entry.get("shape", [])
    if not isinstance(shape, list) or not all(
        isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**31 for d in shape
    ):
        raise ModelFormatError(
            f"weight {name} has a shape that is no list of sizes: {shape!r}",
            code="tfjs_bad_manifest",
            file="model.json",
        )
    dtype = entry.get("dtype")
    if dtype not in _ITEM_BYTES and dtype != "string":
        raise ModelFormatError(
            f"weight {name} has a dtype this loader does not know: {dtype}",
            code="tfjs_bad_dtype",
            weight=name,
            dtype=str(dtype),
        )
    quantization = entry.get("quantization")
    if quantization is not None and not _valid_quantization(quantization):
        raise ModelFormatError(
            f"weight {name} has a quantization TF.js does not know: {quantization!r:.120}",
            code="tfjs_bad_quantization",
            weight=name,
        )


def _valid_quantization(quantization: object) -> bool:
    """{"dtype": "float16"} or {"dtype": "uint8"|"uint16", "scale": number, "min": number}."""
    if not isinstance(quantization, dict) or quantization.get("dtype") not in QUANTIZE_DTYPES:
        return False
    if quantization["dtype"] == "float16":
        return True
    numbers = [quantization.get("scale"), quantization.get("min")]
    return all(isinstance(v, int | float) and not isinstance(v, bool) for v in numbers)


def _decode(entry: dict, raw: memoryview) -> np.ndarray:
    """One weight's stored bytes → the array TF.js would hold (dequantized)."""
    shape = tuple(int(d) for d in entry.get("shape", []))
    dtype = entry["dtype"]
    quantization = entry.get("quantization")
    stored = _stored_dtype(entry)
    values = np.frombuffer(raw, dtype=_NUMPY[stored]).reshape(shape)
    if quantization and stored in ("uint8", "uint16"):
        real = values.astype(np.float64) * float(quantization["scale"]) + float(quantization["min"])
        if dtype in ("int32", "bool"):
            return np.round(real).astype(np.int32 if dtype == "int32" else np.bool_)
        return real.astype(np.float32)
    if stored == "float16":
        return values.astype(np.float32)
    return values.copy()


def _decode_strings(
    entry: dict, data: bytes, offset: int, paths: list[str]
) -> tuple[np.ndarray, int]:
    """A string weight (uint32 length + UTF-8 bytes per element) and the offset after it."""
    items = []
    for _ in range(_element_count(entry)):
        length = int.from_bytes(data[offset : offset + 4], "little")
        if offset + 4 + length > len(data):
            raise _size_error(paths, len(data), offset + 4 + length)
        items.append(data[offset + 4 : offset + 4 + length])
        offset += 4 + length
    shape = tuple(int(d) for d in entry.get("shape", []))
    return np.array(items, dtype=object).reshape(shape), offset


def _size_error(paths: list[str], actual: int, expected: int) -> ModelFormatError:
    """Shards holding more or fewer bytes than the manifest describes, named with both sizes."""
    files = ", ".join(paths)
    return ModelFormatError(
        f"weight shards {files} hold {actual} bytes but the weightsManifest needs {expected}",
        code="tfjs_short_shard" if actual < expected else "tfjs_long_shard",
        file=files,
        expected=expected,
        actual=actual,
    )


def _expected_bytes(weights: list[dict]) -> int | None:
    """Total stored bytes of a group, or None when strings make it data-dependent."""
    total = 0
    for entry in weights:
        stored = _stored_dtype(entry)
        if stored == "string":
            return None
        total += _element_count(entry) * _ITEM_BYTES[stored]
    return total


def _shard_sizes(folder: Path, paths: list[str]) -> int:
    """Sum of the shard sizes on disk, checked before reading (a manifest may lie)."""
    total = 0
    for name in paths:
        path = _shard_path(folder, name)
        if not path.is_file():
            raise ModelFormatError(
                f"weight shard {name} is missing from {folder}",
                code="tfjs_missing_shard",
                file=name,
            )
        total += path.stat().st_size
    return total


def read_weights(folder: Path, manifest: list[dict]) -> dict[str, np.ndarray]:
    """Every weight named in `manifest`, read from the shards in `folder`, dequantized."""
    folder = Path(folder)
    weights: dict[str, np.ndarray] = {}
    try:
        groups = [(list(g["paths"]), list(g["weights"])) for g in manifest]
        if not all(isinstance(path, str) for paths, _ in groups for path in paths):
            raise TypeError("shard paths must be strings")
    except (KeyError, TypeError) as exc:
        raise ModelFormatError(
            f"weightsManifest is malformed: {exc!r}", code="tfjs_bad_manifest", file="model.json"
        ) from exc
    for paths, entries in groups:
        for entry in entries:
            _check_entry(entry)
        expected = _expected_bytes(entries)
        on_disk = _shard_sizes(folder, paths)
        if expected is not None and on_disk != expected:
            raise _size_error(paths, on_disk, expected)
        data = _group_bytes(folder, paths)
        view = memoryview(data)
        offset = 0
        for entry in entries:
            if _stored_dtype(entry) == "string":
                weights[entry["name"]], offset = _decode_strings(entry, data, offset, paths)
                continue
            size = _element_count(entry) * _ITEM_BYTES[_stored_dtype(entry)]
            weights[entry["name"]] = _decode(entry, view[offset : offset + size])
            offset += size
        if offset != len(data):
            raise _size_error(paths, len(data), offset)
    return weights


def affine_range(values: np.ndarray, dtype: str) -> tuple[float, float]:
    """(scale, min) of tensorflowjs_converter's uint8/uint16 scheme, 0 exactly representable.

    The range is nudged so that 0 falls on a grid point (zero padding and ReLU outputs stay
    exact); every value then dequantizes within scale / 2.
    """
    if values.size == 0:
        return 1.0, 0.0
    low, high = float(np.min(values)), float(np.max(values))
    steps = np.iinfo(dtype).max
    if low == high:
        return 1.0, low
    scale = (high - low) / steps
    if low <= 0.0 <= high:
        return scale, -round(-low / scale) * scale
    return scale, low


def _quantize(values: np.ndarray, dtype: str) -> tuple[bytes, dict]:
    """Quantized bytes and the manifest `quantization` entry of one float32 weight."""
    if dtype == "float16":
        stored = values.astype("<f2")
        return stored.tobytes(), {"dtype": "float16", "original_dtype": "float32"}
    scale, low = affine_range(values, dtype)
    steps = np.iinfo(dtype).max
    levels = np.round((values.astype(np.float64) - low) / scale)
    stored = np.clip(levels, 0, steps).astype(_NUMPY[dtype])
    entry = {"dtype": dtype, "scale": scale, "min": low, "original_dtype": "float32"}
    return stored.tobytes(), entry


def _as_stored(name: str, values: np.ndarray) -> tuple[str, np.ndarray]:
    """A weight in a dtype TF.js stores: float64 → float32, int64 → int32 (as the converter)."""
    kind = values.dtype.kind
    if kind == "f":
        return "float32", values.astype("<f4")
    if kind in "iu":
        return "int32", values.astype("<i4")
    if kind == "b":
        return "bool", values.astype("?")
    if kind in "OSU":
        return "string", values
    raise ModelFormatError(
        f"weight {name} has dtype {values.dtype}, which TF.js cannot store",
        code="tfjs_bad_dtype",
        weight=name,
        dtype=str(values.dtype),
    )


def _encode_strings(values: np.ndarray) -> bytes:
    parts = []
    for item in values.reshape(-1):
        raw = item if isinstance(item, bytes) else str(item).encode("utf-8")
        parts.append(len(raw).to_bytes(4, "little") + raw)
    return b"".join(parts)


def write_weights(
    weights: list[tuple[str, np.ndarray]],
    folder: Path,
    *,
    shard_bytes: int = DEFAULT_SHARD_BYTES,
    quantize: str | None = None,
) -> list[dict]:
    """Write `weights` as `group1-shard{i}of{n}.bin` in `folder`; return the weightsManifest.

    `quantize` ("uint8", "uint16" or "float16") applies to float32 weights only, as in
    tensorflowjs_converter; integers, bools and strings are stored as they are.
    """
    if quantize is not None and quantize not in QUANTIZE_DTYPES:
        raise ValueError(f"quantize must be one of {QUANTIZE_DTYPES} or None, not {quantize!r}")
    if shard_bytes < 1:
        raise ValueError("shard_bytes must be positive")
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    entries, chunks = [], []
    for name, array in weights:
        dtype, values = _as_stored(name, np.asarray(array))
        entry = {"name": name, "shape": [int(d) for d in values.shape], "dtype": dtype}
        if dtype == "string":
            chunks.append(_encode_strings(values))
        elif dtype == "float32" and quantize:
            raw, entry["quantization"] = _quantize(values, quantize)
            chunks.append(raw)
        else:
            chunks.append(np.ascontiguousarray(values).tobytes())
        entries.append(entry)
    data = b"".join(chunks)
    count = max(1, math.ceil(len(data) / shard_bytes))
    paths = [f"group1-shard{i}of{count}.bin" for i in range(1, count + 1)]
    for index, name in enumerate(paths):
        (folder / name).write_bytes(data[index * shard_bytes : (index + 1) * shard_bytes])
    return [{"paths": paths, "weights": entries}]
