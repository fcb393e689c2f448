"""The Python and TF.js code of the Convolution lab, as the course writes it."""

PYTHON = """import numpy as np
import tensorflow as tf

image = tf.io.decode_image(open("cat.jpg", "rb").read(), channels=1)  # uint8 [H, W, 1]
x = tf.cast(image, tf.float32)[None]  # [1, H, W, 1]: a batch of one

sobel_x = tf.constant([[-1, 0, 1], [-2, 0, 2], [-1, 0, 1]], tf.float32)
kernel = tf.reshape(sobel_x, [3, 3, 1, 1])  # [F, F, input channels, filters]

# out = (N − F + 2P) / S + 1 along each side
y = tf.nn.conv2d(x, kernel, strides=1, padding="VALID")  # or "SAME", dilations=2
y = tf.nn.relu(y)
pooled = tf.nn.max_pool2d(y, ksize=2, strides=2, padding="VALID")
print(x.shape, y.shape, pooled.shape)

# the same as layers, with model.summary() counting (F·F·C + 1)·K parameters
model = tf.keras.Sequential([
    tf.keras.Input((64, 64, 3)),
    tf.keras.layers.Conv2D(16, 3, strides=1, padding="same", activation="relu"),
    tf.keras.layers.MaxPooling2D(2),
    tf.keras.layers.SeparableConv2D(32, 3, padding="same"),  # F·F·C + C·K + K
    tf.keras.layers.GlobalAveragePooling2D(),
])
model.summary()
"""

TFJS = """import * as tf from '@tensorflow/tfjs';

const image = tf.browser.fromPixels(document.querySelector('img'), 1);  // int32 [H, W, 1]
const x = image.toFloat().expandDims(0);                                  // [1, H, W, 1]

const kernel = tf.tensor4d([-1, 0, 1, -2, 0, 2, -1, 0, 1], [3, 3, 1, 1]);  // Sobel x
// tf.conv2d(x, filter, strides, pad, dataFormat, dilations)
const y = tf.conv2d(x, kernel, 1, 'valid').relu();
const pooled = tf.maxPool(y, 2, 2, 'valid');
console.log(x.shape, y.shape, pooled.shape);

const model = tf.sequential();
model.add(tf.layers.conv2d({inputShape: [64, 64, 3], filters: 16, kernelSize: 3,
                            strides: 1, padding: 'same', activation: 'relu'}));
model.add(tf.layers.maxPooling2d({poolSize: 2, strides: 2}));
model.add(tf.layers.separableConv2d({filters: 32, kernelSize: 3, padding: 'same'}));
model.add(tf.layers.globalAveragePooling2d({}));
model.summary();
"""


def python_code() -> str:
    return PYTHON


def tfjs_code() -> str:
    return TFJS
