// Runs a Training-lab TF.js snippet as the page shows it, in TensorFlow.js itself, and prints
// (JSON) what a student would see: what tfjs-vis would chart, each epoch's logs, and the
// model's outputs for some rows.
//   node run_training_code.js SNIPPET.js INPUT.json
// INPUT.json: {"rows": [[…]], "arrays": {"xTrain": {"shape", "values"}, …}, "mnist": DIR}
// `arrays` become the snippet's xTrain/yTrain/xVal/yVal; `mnist` is a folder of raw uint8
// files (train-images, train-labels, test-images, test-labels) served by a stand-in for the
// course's MnistData (data.js, which cuts digits out of a sprite image in the browser).
// `tfvis` is a stand-in recording what fitCallbacks would chart (tfjs-vis needs a DOM).
const tf = require('@tensorflow/tfjs');
const fs = require('fs');
const path = require('path');

class MnistData {
  constructor(dir) { this.dir = dir; this.train = 0; this.test = 0; }
  async load() {
    const read = (name) => new Uint8Array(fs.readFileSync(path.join(this.dir, name)));
    this.parts = {trainImages: read('train-images'), trainLabels: read('train-labels'),
                  testImages: read('test-images'), testLabels: read('test-labels')};
  }
  batch(images, labels, start, size) {
    return tf.tidy(() => ({
      xs: tf.tensor2d(Float32Array.from(images.subarray(start * 784, (start + size) * 784),
                                        (v) => v / 255), [size, 784]),
      labels: tf.oneHot(tf.tensor1d(Int32Array.from(labels.subarray(start, start + size)),
                                    'int32'), 10).toFloat(),
    }));
  }
  nextTrainBatch(size) {
    const b = this.batch(this.parts.trainImages, this.parts.trainLabels, this.train, size);
    this.train += size;
    return b;
  }
  nextTestBatch(size) {
    const b = this.batch(this.parts.testImages, this.parts.testLabels, this.test, size);
    this.test += size;
    return b;
  }
}

(async () => {
  const snippet = fs.readFileSync(process.argv[2], 'utf8');
  const input = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const out = process.stdout.write.bind(process.stdout);
  for (const level of ['log', 'info', 'warn']) console[level] = () => {};  // summary, banners
  const charted = [];
  const epochs = [];
  const tfvis = {show: {fitCallbacks: (container, metrics) => {
    charted.push(...metrics);
    return {onEpochEnd: async (epoch, logs) => { epochs.push(logs); }};
  }}};
  const arrays = Object.entries(input.arrays || {});
  const names = ['tf', 'tfvis', 'MnistData', ...arrays.map(([name]) => name)];
  const values = [tf, tfvis, class extends MnistData { constructor() { super(input.mnist); } },
                  ...arrays.map(([, a]) => tf.tensor(a.values, a.shape))];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  const model = await new AsyncFunction(...names, snippet + '\nreturn model;')(...values);
  const rows = input.rows || [];
  const outputs = rows.length ? model.predict(tf.tensor2d(rows)).arraySync() : [];
  out(JSON.stringify({charted, epochs, outputs}));
})().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
