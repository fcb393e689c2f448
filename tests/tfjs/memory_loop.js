// The course's webcam loop (000_…) in TensorFlow.js itself, for tests/test_tensors_memory.py:
// for each way of cleaning up, tf.memory()'s numTensors and numBytes above the start after
// each of FRAMES frames. A zero 192×192×3 int32 tensor stands in for webcam.capture().
const tf = require('@tensorflow/tfjs');
for (const level of ['log', 'info', 'warn']) console[level] = () => {};  // the Node banner
const FRAMES = Number(process.argv[2] || 3);
const capture = () => tf.zeros([192, 192, 3], 'int32');
const out = {};
for (const mode of ['leak', 'dispose', 'tidy']) {
  const start = tf.memory();
  const rows = [];
  for (let f = 0; f < FRAMES; f++) {
    const img = capture();
    const input = mode === 'tidy'
      ? tf.tidy(() => img.toFloat().div(255).expandDims(0))
      : img.toFloat().div(255).expandDims(0);
    if (mode !== 'leak') img.dispose();
    if (mode === 'tidy') input.dispose();
    const m = tf.memory();
    rows.push([m.numTensors - start.numTensors, m.numBytes - start.numBytes]);
  }
  out[mode] = rows;
}
process.stdout.write(JSON.stringify(out));
