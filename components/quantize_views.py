"""Model formats: the counter-example to weight quantization (models/pose/quantization.py).
MoveNet stored as float32, float16, uint16 and uint8 on one photo: the sizes, how far each
moves the keypoints, and the float32 and uint8 skeletons side by side."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from components import photo_input
from components.code_panel import code_panel
from components.feedback import show_error
from components.heavy_slots import heavy_work
from components.i18n import t
from components.lazy_expander import opened
from models.errors import PlaygroundError
from models.pose.draw import DrawOptions, draw_pose
from models.pose.quantization import QuantizedRun, compare_quantized, python_code, tfjs_code

RESULT = "formats_quant_result"  # session state: (photo digest, [QuantizedRun, …])


def counter_example() -> None:
    """An expander that runs only while open; the comparison runs on a click (four models)."""
    box = opened(t("formats.quant.header"), "formats_quant", icon="⚠️")
    if box is None:
        return
    with box:
        st.caption(t("formats.quant.intro"))
        photo = photo_input.photo_choice("formats_quant", first="squat")
        if photo is None:
            return
        if st.button(t("formats.quant.run"), key="formats_quant_run"):
            try:
                with heavy_work(), st.spinner(t("formats.quant.running")):
                    st.session_state[RESULT] = (photo["digest"], compare_quantized(photo["pixels"]))
            except PlaygroundError as error:
                show_error(error)
        kept = st.session_state.get(RESULT)
        if kept is not None and kept[0] == photo["digest"]:
            _show(kept[1], photo["pixels"])
        code_panel(python_code("uint8"), tfjs_code("uint8"), key="formats_quant_code")


def _show(runs: list[QuantizedRun], pixels) -> None:
    st.dataframe(
        pd.DataFrame(
            [
                {
                    t("formats.quant.col.dtype"): run.dtype,
                    t("formats.quant.col.flag"): "—"
                    if run.dtype == "float32"
                    else f"--quantize_{run.dtype}",
                    t("formats.col.size"): f"{run.weights_bytes / 1e6:.2f} MB",
                    t("formats.quant.col.mean"): f"{run.mean_error_px:.1f} px",
                    t("formats.quant.col.max"): f"{run.max_error_px:.1f} px",
                    t("formats.quant.col.score"): f"{run.mean_score_change:.3f}",
                }
                for run in runs
            ]
        ),
        hide_index=True,
        width="stretch",
    )
    by_dtype = {run.dtype: run for run in runs}
    left, right = st.columns(2)
    for column, dtype in ((left, "float32"), (right, "uint8")):
        drawn = draw_pose(pixels.copy(), by_dtype[dtype].pose, DrawOptions(threshold=0.2))
        column.image(drawn, caption=t(f"formats.quant.picture.{dtype}"), width="stretch")
    st.caption(
        t(
            "formats.quant.verdict",
            uint8=f"{by_dtype['uint8'].mean_error_px:.1f}",
            uint16=f"{by_dtype['uint16'].mean_error_px:.1f}",
            float16=f"{by_dtype['float16'].mean_error_px:.1f}",
        )
    )
