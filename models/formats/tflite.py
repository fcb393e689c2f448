"""TFLite models through LiteRT (`ai-edge-litert`; `tf.lite.Interpreter` is deprecated).

Quantized inputs and outputs are handled with their scale and zero point, so callers may
pass and receive real values (`quantize`/`dequantize`) or raw integers as they prefer.
An interpreter is not thread-safe: each model holds a lock, so unrelated models never wait
for each other while concurrent calls on one model are serialised.
"""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
from ai_edge_litert.interpreter import Interpreter

from models.errors import ModelFormatError
from models.formats.runtime import TensorInfo


def _info(detail: dict) -> TensorInfo:
    return TensorInfo(
        name=detail["name"],
        dtype=np.dtype(detail["dtype"]).name,
        shape=tuple(int(d) for d in detail["shape"]),
    )


class TFLiteModel:
    """A TFLite flatbuffer ready to run: `model(x)` returns {output name: array}."""

    def __init__(self, path: Path | str | bytes, num_threads: int = 2) -> None:
        try:
            if isinstance(path, bytes):
                self._interpreter = Interpreter(model_content=path, num_threads=num_threads)
            else:
                self._interpreter = Interpreter(model_path=str(path), num_threads=num_threads)
            self._interpreter.allocate_tensors()
        except (ValueError, RuntimeError) as exc:
            where = "uploaded bytes" if isinstance(path, bytes) else str(path)
            raise ModelFormatError(
                f"{where} is not a TFLite model this runtime can open: {exc}",
                code="bad_tflite",
                file=where,
            ) from exc
        self._lock = threading.Lock()
        self._input_details = self._interpreter.get_input_details()
        self._output_details = self._interpreter.get_output_details()
        self.inputs = [_info(d) for d in self._input_details]
        self.outputs = [_info(d) for d in self._output_details]

    def quantization(self, name: str) -> tuple[float, int]:
        """(scale, zero_point) of an input or output; (0.0, 0) when it is not quantized."""
        for detail in self._input_details + self._output_details:
            if detail["name"] == name:
                scale, zero_point = detail["quantization"]
                return float(scale), int(zero_point)
        raise KeyError(name)

    def quantize(self, name: str, values: np.ndarray) -> np.ndarray:
        """Real values → the integer dtype the input `name` expects (identity if float)."""
        info = next(i for i in self.inputs if i.name == name)
        scale, zero_point = self.quantization(name)
        if scale == 0.0:
            return np.asarray(values, dtype=info.dtype)
        limits = np.iinfo(info.dtype)
        q = np.round(np.asarray(values, np.float32) / scale + zero_point)
        return np.clip(q, limits.min, limits.max).astype(info.dtype)

    def dequantize(self, name: str, values: np.ndarray) -> np.ndarray:
        """An output's raw integers → real values (identity if float)."""
        scale, zero_point = self.quantization(name)
        if scale == 0.0:
            return np.asarray(values, np.float32)
        return (np.asarray(values, np.float32) - zero_point) * scale

    def __call__(self, *args: np.ndarray, **named: np.ndarray) -> dict[str, np.ndarray]:
        feeds = dict(zip((i.name for i in self.inputs), args, strict=False)) | named
        with self._lock:
            for detail in self._input_details:
                value = np.asarray(feeds[detail["name"]], dtype=detail["dtype"])
                self._interpreter.set_tensor(detail["index"], value)
            self._interpreter.invoke()
            return {
                d["name"]: self._interpreter.get_tensor(d["index"]).copy()
                for d in self._output_details
            }
