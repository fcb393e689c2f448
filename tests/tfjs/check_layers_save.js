// Build and save a small layers model with TensorFlow.js itself, as tf.io's file handlers do,
// so the Python reader is checked on what TF.js writes (not only on what Python writes).
//
//   node check_layers_save.js OUT_DIR INPUTS.json
//
// Writes OUT_DIR/model.json (format "layers-model", TF.js's own topology and weight names)
// and OUT_DIR/weights.bin, then prints one JSON line {"outputs": [{"shape", "data"}]}:
// the model's predictions on INPUTS.json ({"dtype", "shape", "data"}).
"use strict";

const fs = require("fs");
const path = require("path");
const tf = require("@tensorflow/tfjs");

function diskSaver(outDir) {
  return tf.io.withSaveHandler(async (artifacts) => {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, "weights.bin"), Buffer.from(artifacts.weightData));
    const modelJson = {
      modelTopology: artifacts.modelTopology,
      format: artifacts.format,
      generatedBy: artifacts.generatedBy,
      convertedBy: artifacts.convertedBy,
      weightsManifest: [{ paths: ["weights.bin"], weights: artifacts.weightSpecs }],
    };
    fs.writeFileSync(path.join(outDir, "model.json"), JSON.stringify(modelJson));
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
  });
}

async function main() {
  const [outDir, inputsPath] = process.argv.slice(2);
  await tf.setBackend("cpu");
  tf.util.seedrandom && tf.util.seedrandom(7);
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [8, 8, 2], filters: 3, kernelSize: 3, activation: "relu" }));
  model.add(tf.layers.batchNormalization());
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 4, activation: "softmax", kernelRegularizer: tf.regularizers.l2() }));
  // Non-trivial batch-norm statistics, so reading them in the wrong order would show.
  const bn = model.layers[1];
  bn.setWeights(bn.getWeights().map((w, i) => tf.randomUniform(w.shape, 0.5 + i, 1.5 + i)));
  await model.save(diskSaver(path.resolve(outDir)));
  const spec = JSON.parse(fs.readFileSync(inputsPath, "utf8"));
  const result = model.predict(tf.tensor(spec.data, spec.shape, spec.dtype));
  const report = { outputs: [{ shape: result.shape, data: Array.from(await result.data()) }] };
  process.stdout.write("\n" + JSON.stringify(report) + "\n");
}

main().catch((error) => {
  process.stderr.write(String(error && error.stack ? error.stack : error) + "\n");
  process.exit(1);
});
