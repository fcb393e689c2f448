// Print, as a JSON list, every TensorFlow op name the installed TensorFlow.js executes.
//
//   node list_ops.js
//
// Read from tfjs-converter's own op lists (the table its graph executor dispatches on), so
// the Python writer's copy (models/tfjs_graph.py, _TFJS_OPS) can be checked against it.
"use strict";

const fs = require("fs");
const path = require("path");

const opLists = path.join(
  path.dirname(require.resolve("@tensorflow/tfjs-converter/package.json")),
  "dist",
  "operations",
  "op_list",
);
const names = new Set();
for (const file of fs.readdirSync(opLists).filter((f) => f.endsWith(".js"))) {
  const module = require(path.join(opLists, file));
  for (const op of module.json || []) names.add(op.tfOpName);
}
process.stdout.write(JSON.stringify([...names].sort()) + "\n");
