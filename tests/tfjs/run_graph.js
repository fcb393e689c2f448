// Run a TF.js graph model with TensorFlow.js itself (pure JS CPU backend) and print its outputs.
//
//   node run_graph.js MODEL_DIR INPUTS.json
//
// INPUTS.json: {"NAME": {"dtype": "int32", "shape": [1, 192, 192, 3], "data": [flat values]}, ...}
// Prints one JSON line: {"inputs": [names], "outputs": {NAME: {dtype, shape, data}}, "outputNames": [...]}
//
// The model is loaded through tf.loadGraphModel's own HTTP loader with a fetch function
// that serves files from MODEL_DIR, so TF.js itself reads model.json, follows the
// weightsManifest paths and decodes the shards (quantization included) as in a browser.
"use strict";

const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

const { HOST, diskFetch } = require("./disk_fetch");

async function main() {
  const [modelDir, inputsPath] = process.argv.slice(2);
  await tf.setBackend("cpu");
  const model = await tf.loadGraphModel(HOST + "model.json", {
    fetchFunc: diskFetch(path.resolve(modelDir)),
  });
  const spec = JSON.parse(fs.readFileSync(inputsPath, "utf8"));
  const feeds = {};
  for (const [name, input] of Object.entries(spec)) {
    feeds[name] = tf.tensor(input.data, input.shape, input.dtype);
  }
  const names = model.outputs.map((o) => o.name);
  let results = await model.executeAsync(feeds);
  if (!Array.isArray(results)) results = [results];
  const outputs = {};
  for (let i = 0; i < results.length; i++) {
    outputs[names[i]] = {
      dtype: results[i].dtype,
      shape: results[i].shape,
      data: Array.from(await results[i].data()),
    };
  }
  const report = {
    inputs: model.inputs.map((i) => i.name),
    outputNames: names,
    outputs,
  };
  process.stdout.write("\n" + JSON.stringify(report) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
