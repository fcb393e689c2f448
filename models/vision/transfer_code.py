"""The Python and TF.js code of "teach it your own classes", for the page's code panel.

Both tabs describe the one model the page trains: MobileNetV2 (1.0, 224) read up to its
1280-value global average pool, and the head chosen on the page (HEADS) with the same
optimizer, learning rate, epochs and batch size. In TF.js the same embedding comes from
`@tensorflow-models/mobilenet` (`infer(img, true)`); the course's own truncation of a layers
MobileNet at `conv_pw_13_relu` is shown beside it as the same idea.
"""

from __future__ import annotations

from models.vision.transfer import BATCH_SIZE, EPOCHS, HEADS, LEARNING_RATE

EMBEDDING = 1280  # MobileNetV2 1.0's pool, the page's extractor (TRANSFER_MODELS[0])


def python_code(head: str) -> str:
    spec = HEADS[head]
    dropout = f"\n    keras.layers.Dropout({spec.dropout})," if spec.dropout else ""
    return f"""import keras
import numpy as np
from ai_edge_litert.interpreter import Interpreter

# 1. A truncated MobileNet: read the {EMBEDDING}-value global average pool before the logits
interpreter = Interpreter(model_path="mobilenet_v2_1.0_224_quant.tflite",
                          experimental_preserve_all_tensors=True)
interpreter.allocate_tensors()
pool = next(d for d in interpreter.get_tensor_details()
            if d["name"] == "MobilenetV2/Logits/AvgPool")          # [1, 1, 1, {EMBEDDING}]

def embed(image_uint8):                                             # [224, 224, 3]
    interpreter.set_tensor(interpreter.get_input_details()[0]["index"], image_uint8[None])
    interpreter.invoke()
    scale, zero = pool["quantization"]
    return (interpreter.get_tensor(pool["index"]).reshape(-1).astype(np.float32) - zero) * scale

# 2. A small dense head trained on the embeddings of your examples
X = np.stack([embed(img) for img in images])    # [N, {EMBEDDING}]
y = np.array(classes)                           # [N] 0 … k−1
head = keras.Sequential([
    keras.Input(shape=({EMBEDDING},)),
    keras.layers.Dense({spec.units}, activation="relu"),{dropout}
    keras.layers.Dense(k, activation="softmax"),
])
head.compile(optimizer=keras.optimizers.Adam({LEARNING_RATE}),
             loss="sparse_categorical_crossentropy", metrics=["accuracy"])
head.fit(X, y, epochs={EPOCHS}, batch_size={BATCH_SIZE}, shuffle=True)
print(head.predict(embed(new_image)[None]))      # per-class probabilities
head.save("transfer_head.keras")
"""


def tfjs_code(head: str) -> str:
    spec = HEADS[head]
    dropout = f"\n  tf.layers.dropout({{rate: {spec.dropout}}})," if spec.dropout else ""
    return f"""import * as tf from '@tensorflow/tfjs';
import * as mobilenetModule from '@tensorflow-models/mobilenet';

// 1. A truncated MobileNet: MobileNetV2 1.0 without its classifier, {EMBEDDING} values per photo
const mobilenet = await mobilenetModule.load({{version: 2, alpha: 1.0}});
const embed = (img) => mobilenet.infer(img, true);              // [1, {EMBEDDING}]
// The course truncates a layers model at an inner layer instead, the same idea:
//   const base = await tf.loadLayersModel(
//     'https://storage.googleapis.com/tfjs-models/tfjs/mobilenet_v1_0.25_224/model.json');
//   const layer = base.getLayer('conv_pw_13_relu');
//   const truncated = tf.model({{inputs: base.inputs, outputs: layer.output}});

// 2. A small dense head trained on the examples captured (xs: [N, {EMBEDDING}], ys one-hot)
const head = tf.sequential({{layers: [
  tf.layers.dense({{inputShape: [{EMBEDDING}], units: {spec.units}, activation: 'relu'}}),{dropout}
  tf.layers.dense({{units: numClasses, activation: 'softmax'}}),
]}});
head.compile({{optimizer: tf.train.adam({LEARNING_RATE}), loss: 'categoricalCrossentropy',
              metrics: ['accuracy']}});
await head.fit(xs, ys, {{epochs: {EPOCHS}, batchSize: {BATCH_SIZE}, shuffle: true, callbacks: {{
  onEpochEnd: (epoch, logs) => console.log(epoch, logs.loss.toFixed(5))}}}});

const probs = head.predict(embed(img));   // per-class probabilities
"""


def camera_python_code() -> str:
    """What the camera section does in Python: a streamlit-webrtc callback per frame."""
    return f"""import av
import numpy as np
from streamlit_webrtc import webrtc_streamer

# embed() and head as above; the newest frame is kept for the class buttons
newest = {{}}

def callback(frame: av.VideoFrame) -> av.VideoFrame:
    image = frame.to_ndarray(format="rgb24")        # one webcam frame, [H, W, 3]
    newest["frame"] = image.copy()                  # a class button adds this one
    embedding = embed(resize(image, 224))           # [{EMBEDDING}]
    probs = head.predict(embedding[None], verbose=0)[0]
    label = class_names[int(np.argmax(probs))]
    print(f"I see {{label}} ({{probs.max():.0%}})")
    return frame

webrtc_streamer(key="rps", video_frame_callback=callback)

# a class button: its class gets the newest frame (and its mirror image)
def add_example(label):
    images.append(newest["frame"]); classes.append(label)
"""


def camera_tfjs_code() -> str:
    """The course's rock-paper-scissors loop: a class button adds the webcam's embedding to
    the dataset (`tf.keep`, concat, dispose: the RPSDataset), and predicting runs in
    `tf.tidy` frame after frame with `tf.nextFrame()`."""
    return """// embed() and head as above. The course's webcam lesson, with tf.data.webcam:
const webcam = await tf.data.webcam(document.getElementById('wc'),
                                    {resizeWidth: 224, resizeHeight: 224});
const dataset = {xs: null, labels: []};   // the course's RPSDataset

async function addExample(label) {        // each class button: onclick="addExample(0)"
  const img = await webcam.capture();
  const example = tf.tidy(() => embed(img));
  img.dispose();
  if (dataset.xs == null) {
    dataset.xs = tf.keep(example);
  } else {
    const oldX = dataset.xs;
    dataset.xs = tf.keep(oldX.concat(example, 0));
    oldX.dispose();
    example.dispose();
  }
  dataset.labels.push(label);
}

// train: head.fit(dataset.xs, tf.oneHot(dataset.labels, numClasses), {...}) as above

let isPredicting = false;
async function predict() {
  while (isPredicting) {
    const img = await webcam.capture();
    const predictedClass = tf.tidy(() => head.predict(embed(img)).as1D().argMax());
    const classId = (await predictedClass.data())[0];
    document.getElementById('prediction').innerText = 'I see ' + classNames[classId];
    img.dispose();
    predictedClass.dispose();
    await tf.nextFrame();
  }
}
"""
