"""Rows of numbers the student types to ask the trained model, read safely."""

from __future__ import annotations

import math

import numpy as np

from models.errors import BadInput

MAX_ROWS = 50


def parse_rows(text: str, features: int) -> np.ndarray:
    """One example per line, values split by commas, semicolons or spaces; BadInput if wrong."""
    lines = [line for line in text.replace(";", "\n").splitlines() if line.strip()]
    if not lines:
        raise BadInput("type at least one row of numbers", code="training_predict_empty")
    if len(lines) > MAX_ROWS:
        raise BadInput(f"at most {MAX_ROWS} rows", code="training_predict_rows", high=MAX_ROWS)
    rows = []
    for number, line in enumerate(lines, start=1):
        parts = line.replace(",", " ").split()
        try:
            values = [float(part) for part in parts]
        except ValueError as exc:
            raise BadInput(
                f"row {number} is not a list of numbers: {line.strip()!r}",
                code="training_predict_number",
                row=number,
            ) from exc
        if len(values) != features or not all(math.isfinite(v) for v in values):
            raise BadInput(
                f"row {number} has {len(values)} values; the model takes {features} finite ones",
                code="training_predict_count",
                row=number,
                count=len(values),
                features=features,
            )
        rows.append(values)
    return np.asarray(rows, dtype="float32")
