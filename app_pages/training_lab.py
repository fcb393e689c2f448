"""Training lab: pick a seed experiment, change anything, train live, compare and share."""

import streamlit as st

from components import live_training, training_controls, training_results
from components.augment_preview import augment_section
from components.code_panel import code_panel
from components.feedback import show_error
from components.heavy_slots import heavy_work
from components.i18n import t
from components.mnist_sprite import sprite_section
from models.errors import PlaygroundError
from models.training.build import metric_name
from models.training.code import keras_code, tfjs_code
from models.training.link import to_url
from models.training.runner import fit, prepare

st.title(t("training.title"))
st.caption(t("training.intro"))

training_controls.apply_link_once()
training_results.finish_interrupted_run()
if st.session_state.get("training_link_status"):
    show_error(st.session_state["training_link_status"])

controls, results = st.columns([1, 2], gap="large")
with controls:
    preset_id = training_controls.preset_picker()
    st.caption(t(f"training.preset_help.{preset_id}"))
    problem = training_controls.problem_of(preset_id)
    with st.expander(t("training.layers"), expanded=True):
        layers = training_controls.layer_editor()
    with st.expander(t("training.loss_optimizer")):
        training_controls.optimizer_controls(problem)
    with st.expander(t("training.schedule")):
        training_controls.schedule_controls()
    with st.expander(t("training.fit"), expanded=True):
        training_controls.fit_controls(preset_id)
    start = st.button(t("training.train"), type="primary", key="training_start", width="stretch")

config = data = None
with results:
    try:
        config = training_controls.read_config(layers)
        data = training_controls.dataset_for(config)
        model = prepare(config, data) if start else None
    except PlaygroundError as error:
        show_error(training_controls.labelled(error))
        model = None
    if model is not None:
        st.query_params["train"] = to_url(config)
        st.session_state["training_link_applied"] = st.query_params["train"]
        run = training_results.begin_run(config, model, data)
        stop_slot = st.empty()  # Stop is only for the run: gone once it has ended
        stop_slot.button(t("training.stop"), key="training_stop", icon="⏹️")
        view = live_training.LiveView(
            metric_name(data.problem),
            run["history"],
            per_batch=config.per_batch,
            data=data,
            model_getter=lambda: model,
        )
        try:
            with heavy_work():
                result = fit(model, config, data, view.sink)
            training_results.end_run(result.reason)
        except Exception as error:  # noqa: BLE001 - a Keras failure becomes a message
            training_results.end_run("stopped")
            st.error(t("common.unexpected_error", detail=error), icon="⚠️")
        stop_slot.empty()
        view.finish()
    training_results.show_last_run(live=model is not None)

training_results.show_comparison()
if config is not None and data is not None:
    with st.expander(t("training.share")):
        training_results.share_link(config)
    st.caption(t("training.engine_note"))
    code_panel(
        keras_code(config, data.input_shape, data.problem),
        tfjs_code(config, data.input_shape, data.problem),
    )
    if config.dataset == "mnist":
        augment_section(config, data)
        sprite_section(data)
