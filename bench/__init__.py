"""Benchmarks: `python -m bench NAME --json` prints speed and memory figures."""
