"""All TensorFlow work of Tensor Playground: registry, downloads, loaders, pre- and post-processing.

Nothing here imports Streamlit, so the same code serves the pages, the command line
(`python -m models ...`) and the benchmarks (`python -m bench ...`).
"""
