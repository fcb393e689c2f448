// For each {loss, metric} in the JSON file argv[2]: compile a tiny model the way the Training
// lab's TF.js panel does, fit one epoch with validation data, and print the logs' keys, so a
// test can check that the panel's loss and metric names exist and that its charts have data.
const tf = require('@tensorflow/tfjs');
const fs = require('fs');

(async () => {
  const cases = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  const report = [];
  for (const {loss, metric, units} of cases) {
    const model = tf.sequential();
    model.add(tf.layers.dense({inputShape: [2], units, activation: units > 1 ? 'softmax' : 'sigmoid'}));
    try {
      model.compile({optimizer: 'sgd', loss, metrics: [metric]});
      const x = tf.randomUniform([8, 2]);
      const ids = tf.tensor1d([0, 1, 2, 0, 1, 2, 0, 1], 'int32');
      const y = units === 1 ? tf.randomUniform([8, 1]).round()
        : loss.startsWith('sparse') ? ids.expandDims(1).toFloat()  // class ids, not one-hot
        : tf.oneHot(ids, units);
      let keys = [];
      await model.fit(x, y, {epochs: 1, validationData: [x, y], verbose: 0,
        callbacks: {onEpochEnd: async (epoch, logs) => { keys = Object.keys(logs); }}});
      report.push({loss, metric, keys});
    } catch (error) {
      report.push({loss, metric, error: String(error.message || error)});
    }
  }
  console.log(JSON.stringify(report));
})();
