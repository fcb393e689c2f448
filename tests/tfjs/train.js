// Train a small dense model with TensorFlow.js itself (pure JS CPU backend), as the course's
// slides do, and print how long model.fit took — the yardstick of `python -m bench training
// --vs-tfjs`.
//
//   node train.js SPEC.json
//
// SPEC.json: {"layers": [{"units", "activation"}], "inputDim", "loss", "optimizer",
// "learningRate", "epochs", "batchSize", "x": [[...]], "y": [[...]], "predict": [[...]]}
// Prints one JSON line: {"seconds", "epochs", "finalLoss", "prediction"}.
"use strict";

const fs = require("fs");
const tf = require("@tensorflow/tfjs");

async function main() {
  const spec = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
  await tf.setBackend("cpu");
  const model = tf.sequential();
  spec.layers.forEach((layer, i) => {
    const options = { units: layer.units, activation: layer.activation };
    if (i === 0) options.inputShape = [spec.inputDim];
    model.add(tf.layers.dense(options));
  });
  const optimizers = { sgd: tf.train.sgd, adam: tf.train.adam };
  model.compile({ optimizer: optimizers[spec.optimizer](spec.learningRate), loss: spec.loss });
  const xs = tf.tensor2d(spec.x);
  const ys = tf.tensor2d(spec.y);
  let epochs = 0;
  let finalLoss = null;
  const start = process.hrtime.bigint();
  await model.fit(xs, ys, {
    epochs: spec.epochs,
    batchSize: spec.batchSize,
    shuffle: true,
    callbacks: {
      onEpochEnd: async (epoch, logs) => {
        epochs = epoch + 1;
        finalLoss = logs.loss;
      },
    },
  });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const prediction = spec.predict ? Array.from(model.predict(tf.tensor2d(spec.predict)).dataSync()) : null;
  console.log(JSON.stringify({ seconds, epochs, finalLoss, prediction }));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
