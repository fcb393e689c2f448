// Runs the Training lab's TF.js `augment(images)` (models/training/augment.py) on some images
// and prints (JSON) what it made and whether it left tensors behind.
//   node run_augment.js FUNCTION.js INPUT.json      INPUT.json: {"shape": […], "values": […]}
const tf = require('@tensorflow/tfjs');
const fs = require('fs');

(async () => {
  const source = fs.readFileSync(process.argv[2], 'utf8');
  const input = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const augment = new Function('tf', source + '\nreturn augment;')(tf);
  const images = tf.tensor(input.values, input.shape);
  const before = tf.memory().numTensors;
  const out = augment(images);
  const after = tf.memory().numTensors;
  process.stdout.write(JSON.stringify({
    shape: out.shape, values: Array.from(await out.data()), leaked: after - before - 1,
  }));
})().catch((error) => { process.stderr.write(String(error.stack || error)); process.exit(1); });
