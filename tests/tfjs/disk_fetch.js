// A fetch function for tf.loadGraphModel / tf.loadLayersModel that serves model files from a
// folder on disk, so TF.js's own HTTP loader reads model.json, follows the weightsManifest
// paths and decodes the shards exactly as in a browser.
"use strict";

const fs = require("fs");
const path = require("path");

const HOST = "http://model.local/";

function diskFetch(modelDir) {
  return async (url) => {
    const name = decodeURIComponent(new URL(url).pathname.slice(1));
    const file = path.join(modelDir, name);
    if (!fs.existsSync(file)) {
      return new Response("not found", { status: 404, statusText: "Not Found" });
    }
    return new Response(fs.readFileSync(file), { status: 200 });
  };
}

module.exports = { HOST, diskFetch };
