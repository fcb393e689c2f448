// Load a TF.js layers model with TensorFlow.js itself (pure JS CPU backend) and predict.
//
//   node check_layers.js MODEL_DIR INPUTS.json
//
// INPUTS.json: [{"dtype": "float32", "shape": [2, 4], "data": [flat values]}, ...] in the
// model's input order. Prints one JSON line:
// {"className": ..., "inputs": [names], "outputs": [{"shape", "data"}], "weights": [names]}
//
// tf.loadLayersModel reads model.json through its HTTP loader with a fetch function that
// serves files from MODEL_DIR, so TF.js parses the topology, follows the weightsManifest
// and matches weights by name exactly as in a browser (strict: a missing weight fails).
"use strict";

const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

const { HOST, diskFetch } = require("./disk_fetch");

async function main() {
  const [modelDir, inputsPath] = process.argv.slice(2);
  await tf.setBackend("cpu");
  const model = await tf.loadLayersModel(HOST + "model.json", {
    fetchFunc: diskFetch(path.resolve(modelDir)),
    strict: true,
  });
  const spec = JSON.parse(fs.readFileSync(inputsPath, "utf8"));
  const feeds = spec.map((input) => tf.tensor(input.data, input.shape, input.dtype));
  let results = model.predict(feeds.length === 1 ? feeds[0] : feeds);
  if (!Array.isArray(results)) results = [results];
  const outputs = [];
  for (const result of results) {
    outputs.push({ shape: result.shape, data: Array.from(await result.data()) });
  }
  const report = {
    className: model.getClassName(),
    inputs: model.inputs.map((i) => i.name),
    outputs,
    weights: model.weights.map((w) => w.originalName),
  };
  process.stdout.write("\n" + JSON.stringify(report) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
