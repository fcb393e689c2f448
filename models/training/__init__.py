"""The Training lab's TensorFlow side: presets, data, model building, checks, live records.

Nothing here imports Streamlit: the page (app_pages/training_lab.py), the command line
(`python -m models train`) and the benchmark (`python -m bench training`) share it.
"""
