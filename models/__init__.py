"""All TensorFlow work of Tensor Playground — code, not weights (those live in the local mirror,
the download cache or their public homes: see models/store/).

One package per subject: `store` (registry, mirror, cache, downloads, data sets), `formats`
(TF.js graph/layers, TFLite, SavedModel, Keras files, conversion), `tensors`, `vision`,
`digits`, `pose`, `text`, `training`; `loading` opens a registered model once per process
and `commands` holds the `python -m models …` subcommands. Nothing here imports Streamlit,
so the same code serves the pages, the command line and the benchmarks (`python -m bench …`).
"""
