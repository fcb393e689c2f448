// Runs the camera section's TF.js code (models/vision/transfer_code.py) in TensorFlow.js with
// stand-ins for what only a browser has (the <video>, tf.data.webcam) and for the page's
// embed() and head, and prints (JSON) what adding examples and predicting did to memory.
//   node run_camera_code.js SNIPPET.js INPUT.json      INPUT.json: {"adds": N, "frames": M}
const tf = require('@tensorflow/tfjs');
const fs = require('fs');

(async () => {
  const snippet = fs.readFileSync(process.argv[2], 'utf8');
  const input = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  let frame = 0;
  const webcam = async () => ({capture: async () => tf.fill([224, 224, 3], ++frame % 7)});
  const shim = {...tf, data: {...tf.data, webcam}};  // tf's own namespace is read-only
  const shown = {};
  const document = {getElementById: (id) => (shown[id] = shown[id] || {innerText: ''})};
  const embed = (img) => img.mean([0, 1]).reshape([1, 3]).tile([1, 4]);   // [1, 12]
  const head = tf.sequential({layers: [tf.layers.dense({inputShape: [12], units: 3})]});
  const classNames = ['Rock', 'Paper', 'Scissors'];
  const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor;
  const run = new AsyncFunction('tf', 'document', 'embed', 'head', 'classNames', 'input',
    snippet + `
    const before = tf.memory().numTensors;
    for (let i = 0; i < input.adds; i++) await addExample(i % 3);
    const afterAdds = tf.memory().numTensors;
    let frames = 0;
    tf.nextFrame = async () => { if (++frames >= input.frames) isPredicting = false; };
    isPredicting = true;
    await predict();
    return {before, afterAdds, afterPredict: tf.memory().numTensors, frames,
            xs: dataset.xs.shape, labels: dataset.labels};`);
  const out = await run(shim, document, embed, head, classNames, input);
  out.prediction = shown.prediction && shown.prediction.innerText;
  process.stdout.write(JSON.stringify(out));
})().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
