"""Feature maps of a real network for a student's photo, as CNN Explainer shows them.

MobileNetV2's quantized TFLite (the Image classifier's model) run once more by a LiteRT
interpreter that keeps every intermediate tensor (`experimental_preserve_all_tensors`), so
the ReLU6 outputs of an early, a middle and a late layer can be read: 112×112×32 edges and
colours, 28×28×144 textures and parts, 7×7×576 whole-object detectors. The interpreter is
the classifier's file opened a second time: the classifier's own stays lean.
"""

from __future__ import annotations

import threading
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

MODEL_ID = "mobilenet-v2-1.0-224-quant-tflite"
LAYERS = {  # stage → the ReLU6 output tensor whose name starts so
    "early": "MobilenetV2/Conv/Relu6",
    "middle": "MobilenetV2/expanded_conv_3/depthwise/Relu6",
    "late": "MobilenetV2/expanded_conv_13/depthwise/Relu6",
}


@dataclass(frozen=True)
class FeatureMap:
    stage: str
    name: str
    values: np.ndarray  # float32 [H, W, C], dequantized


class FeatureMapModel:
    """The quantized MobileNetV2 with its intermediate tensors kept; one call at a time."""

    def __init__(self, path: Path) -> None:
        from ai_edge_litert.interpreter import Interpreter

        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "for debugging": here it is the point
            self._interpreter = Interpreter(
                model_path=str(path), experimental_preserve_all_tensors=True, num_threads=2
            )
        self._interpreter.allocate_tensors()
        self._input = self._interpreter.get_input_details()[0]
        details = self._interpreter.get_tensor_details()
        self._tensors = {
            stage: next(d for d in details if d["name"].startswith(prefix))
            for stage, prefix in LAYERS.items()
        }
        self._lock = threading.Lock()

    @property
    def size(self) -> int:
        return int(self._input["shape"][1])

    def __call__(self, photo: np.ndarray) -> list[FeatureMap]:
        """The three stages' maps for `photo` (uint8 RGB [H, W, 3], squeezed to 224×224)."""
        square = cv2.resize(photo, (self.size, self.size), interpolation=cv2.INTER_AREA)
        with self._lock:
            self._interpreter.set_tensor(self._input["index"], square[None])
            self._interpreter.invoke()
            maps = []
            for stage, detail in self._tensors.items():
                raw = self._interpreter.get_tensor(detail["index"])[0].astype(np.float32)
                scale, zero = detail["quantization"]
                maps.append(FeatureMap(stage, detail["name"].split(";")[0], (raw - zero) * scale))
        return maps


def tile(values: np.ndarray, count: int = 8) -> list[np.ndarray]:
    """The `count` most active channels as uint8 pictures, each scaled to its own maximum."""
    order = np.argsort(-values.reshape(-1, values.shape[-1]).mean(axis=0))[:count]
    pictures = []
    for channel in order:
        plane = values[..., channel]
        top = float(plane.max())
        pictures.append((plane / top * 255).astype(np.uint8) if top > 0 else plane.astype(np.uint8))
    return pictures
