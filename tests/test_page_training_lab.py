"""Training lab under AppTest: real page, real Keras training, in English and Spanish.

AppTest cannot click Stop while `model.fit` runs, so the stop path is tested here through
the page's state handling (an unfinished live run found on the next run) and in
test_training.py through the callback's stop flag.
"""

import json

import pytest
from pages_helper import open_page

from models.training import presets
from models.training.config import OPTIMIZERS, SCHEDULES, LayerSpec, with_changes
from models.training.link import from_url, to_url

PAGE = "app_pages/training_lab.py"
CONTRACT_KEYS = {"model", "preset", "x_val", "y_val", "history"}


def texts(elements) -> str:
    return " ".join(str(e.value) for e in elements)


def charts(at) -> int:
    return len(at.get("plotly_chart"))


def train(at, epochs: int, preset: str | None = None, **numbers) -> None:
    if preset:
        at.selectbox(key="training_preset").select(preset).run()
    at.number_input(key="training_epochs").set_value(epochs)
    for key, value in numbers.items():
        at.number_input(key=key).set_value(value)
    at.button(key="training_start").click().run()
    assert not at.exception, [e.value for e in at.exception]


@pytest.mark.parametrize(
    ("lang", "title", "done", "layer"),
    [
        ("en", "📈 Training lab", "Training finished: 30 epochs", "Output shape"),
        (
            "es",
            "📈 Laboratorio de entrenamiento",
            "Entrenamiento terminado: 30 épocas",
            "Forma de salida",
        ),
    ],
)
def test_a_short_training_shows_charts_summary_and_shares_the_model(lang, title, done, layer):
    at = open_page(PAGE, lang)
    assert not at.exception and at.title[0].value == title
    assert charts(at) == 0 and any("TF.js" in str(tab.label) for tab in at.tabs)
    train(at, 30, "iris")
    assert done in texts(at.success)
    assert charts(at) >= 4  # loss, metric, learning rate, confusion matrix
    summary = next(d.value for d in at.dataframe if layer in d.value.columns)
    assert len(summary) == 2
    assert list(summary.iloc[:, 3]) == [25, 18]  # Dense(5) on 4 inputs, Dense(3) on 5
    assert "Total parameters: 43" in texts(at.caption) or "Parámetros totales: 43" in texts(
        at.caption
    )
    models = at.session_state["trained_models"]
    ((name, entry),) = models.items()
    assert set(entry) == CONTRACT_KEYS and entry["preset"] == "iris"
    assert entry["x_val"].shape == (150, 4) and len(entry["history"]["loss"]) == 30
    assert entry["model"].output_shape == (None, 3)
    assert "tfvis.show.fitCallbacks" in texts(at.code) and "epochs: 30" in texts(at.code)
    assert from_url(at.query_params["train"]).epochs == 30
    link = f"http://localhost:8501/training?lang={lang}&train={at.query_params['train']}"
    assert link in texts(at.code) and len(link) < 100  # whole, and short (was ~900 characters)
    predictions = at.dataframe[-1].value
    assert list(predictions.iloc[:, -2]) == ["setosa", "versicolor", "virginica"]


def test_bad_parameters_are_refused_with_a_message_and_nothing_is_lost():
    at = open_page(PAGE, "es")
    train(at, 0, "blobs")
    assert "Las épocas deben ser un número entero de 1 a" in texts(at.error)
    assert "trained_models" not in at.session_state
    at.number_input(key="training_epochs").set_value(2)
    at.text_input(key="training_lr").input("nan")
    at.button(key="training_start").click().run()
    assert "La tasa de aprendizaje debe ser un número mayor que 0" in texts(at.error)
    assert at.selectbox(key="training_preset").value == "blobs"
    at.text_input(key="training_lr").input("1000")
    at.selectbox(key="training_preset").select("regression").run()
    at.text_input(key="training_lr").input("1000")
    train(at, 20)
    assert "la pérdida se volvió NaN o infinita" in texts(at.error)
    (run,) = at.session_state["training_runs"]
    assert run["reason"] == "nan" and run["epochs_done"] < 20


def test_stop_keeps_the_model_and_runs_can_be_compared():
    at = open_page(PAGE, "en")
    train(at, 3, "circles")
    assert charts(at) >= 5  # three curves, the decision boundary, the confusion matrix
    first = at.session_state["training_runs"][0]
    # What the page finds when Stop interrupted `model.fit`: a live run not closed yet.
    interrupted = dict(first, name="#9 circles · sgd lr=0.01", reason="running", epochs=50)
    at.session_state["trained_models"][interrupted["name"]] = dict(
        at.session_state["trained_models"][first["name"]], history=interrupted["history"]
    )
    at.session_state["training_live"] = interrupted
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Training was stopped after 3 of 50 epochs" in texts(at.warning)
    assert "training_live" not in at.session_state
    assert [r["reason"] for r in at.session_state["training_runs"]] == ["finished", "stopped"]
    assert "Compare runs" in texts(at.subheader)
    table = at.dataframe[-1].value
    assert len(table) == 2 and list(table["Ended"]) == ["finished", "stopped"]


def test_a_shared_link_restores_the_experiment_and_a_bad_one_is_explained():
    config = with_changes(
        presets.preset("iris").config, epochs=7, learning_rate=0.02, optimizer="sgd", momentum=0.5
    )
    at = open_page(PAGE, "en", train=to_url(config))
    assert not at.exception
    assert at.selectbox(key="training_preset").value == "iris"
    assert at.number_input(key="training_epochs").value == 7
    assert at.text_input(key="training_lr").value == "0.02"
    assert at.selectbox(key="training_optimizer").value == "sgd"
    assert "SGD(0.02, momentum=0.5)" in texts(at.code)
    broken = open_page(PAGE, "es", train='{"preset": "iris", "layers": "x"')
    assert not broken.exception
    assert "El enlace del experimento compartido está dañado" in texts(broken.error)
    assert broken.selectbox(key="training_preset").value == "linear"


def test_every_optimizer_schedule_and_preset_trains_after_any_change_of_controls():
    """Controls shown only for some choices (momentum for sgd/rmsprop, decay, factor…) are not
    drawn for the others, and Streamlit forgets an undrawn widget's state: the page must still
    read a whole configuration. One session walks all presets; with each, every optimizer, the
    schedule rotating so that every optimizer meets every schedule."""
    at = open_page(PAGE, "en")
    for p, preset in enumerate(presets.PRESETS):
        at.selectbox(key="training_preset").select(preset).run()
        if preset != "linear":
            at.number_input(key="training_train_size").set_value(64)
        for o, optimizer in enumerate(OPTIMIZERS):
            schedule = SCHEDULES[(o + p) % len(SCHEDULES)]
            at.selectbox(key="training_optimizer").select(optimizer)
            at.selectbox(key="training_schedule").select(schedule)
            train(at, 1)  # one run: the controls the previous choice drew are gone in it
            done = texts(at.success)
            assert "Training finished: 1 epoch" in done, (preset, optimizer, schedule, done)


def test_after_a_run_stop_and_progress_are_gone_and_a_nan_model_offers_no_prediction():
    """Stop and the progress line belong to the running fit: a finished run left Stop on the
    screen and, after a NaN stop, "epoch 1/8 … about 9 s left" above the error. A NaN model
    predicts only NaN, and the constant learning rate was drawn on a −0.5…1 axis."""
    at = open_page(PAGE, "en")
    train(at, 3, "blobs")
    assert "training_stop" not in [button.key for button in at.button]
    assert not at.get("progress")
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    lr_axes = [s["layout"]["yaxis"] for s in specs if "rate" in str(s["layout"].get("title"))]
    assert lr_axes and all(axis.get("rangemode") == "tozero" for axis in lr_axes)
    assert any("Predict" in str(e.label) for e in at.expander)
    at.text_input(key="training_lr").input("1000")
    at.selectbox(key="training_preset").select("regression").run()
    at.text_input(key="training_lr").input("1000")
    train(at, 8)
    assert "the loss became NaN or infinite" in texts(at.error)
    assert "training_stop" not in [button.key for button in at.button]
    assert not at.get("progress")
    assert not any("Predict" in str(e.label) for e in at.expander)
    assert "its weights are NaN" in texts(at.info)


def test_a_run_that_blows_up_marks_the_nan_on_its_charts_and_shows_no_nan_figures():
    """A loss that became NaN in epoch 1 left an empty loss chart and "nan" metrics; a NaN
    classifier still got a confusion matrix (every guess the same junk class)."""
    at = open_page(PAGE, "en")
    at.selectbox(key="training_preset").select("blobs").run()
    at.text_input(key="training_lr").input("1000")
    train(at, 4)
    assert "the loss became NaN or infinite" in texts(at.error)
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    marked = [s for s in specs if "loss = NaN" in str(s["layout"].get("annotations"))]
    assert len(marked) == 2, "the loss and the metric chart show where the loss became NaN"
    assert all(s["layout"]["shapes"][0]["x0"] == 1 for s in marked)
    assert "Training stopped at epoch 1:" in texts(at.error)  # where the charts mark it
    assert not [m for m in at.metric if "nan" in str(m.value).lower()]
    assert "the last one that finished with a finite loss" not in texts(at.caption)
    assert not any("Diagnostics" in str(e.label) for e in at.expander)
    assert "No confusion matrix and no predictions" in texts(at.info)

    at.switch_page("app_pages/home.py").run()  # charts replayed from the stored history
    at.switch_page(PAGE).run()
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    assert [s for s in specs if "loss = NaN" in str(s["layout"].get("annotations"))]


def test_stopped_or_finished_metrics_name_their_epoch_and_the_matrix_its_weights():
    at = open_page(PAGE, "en")
    train(at, 3, "blobs")
    assert "end of epoch 3, the last one that finished" in texts(at.caption)
    assert "Accuracy of the weights as training left them, on the 500 validation" in texts(
        at.caption
    )


def test_early_stopping_says_which_epoch_s_weights_it_kept():
    at = open_page(PAGE, "en")
    at.selectbox(key="training_preset").select("blobs").run()
    at.number_input(key="training_early_stopping").set_value(3)
    at.text_input(key="training_lr").input("0.3")
    train(at, 200)
    status = texts(at.success)
    assert "Stopped early after" in status and "of 200 epochs" in status
    best = int(status.split("those of epoch ")[1].split(",")[0])
    assert f"end of epoch {best}," in texts(at.caption)  # the figures of the weights kept
    assert "restore_best_weights=True" in texts(at.code)
    assert "tf.callbacks.earlyStopping({monitor: 'val_loss', patience: 3})" in texts(at.code)


def test_max_norm_is_a_control_both_codes_show():
    at = open_page(PAGE, "es")
    assert at.number_input(key="training_max_norm").value == 0
    at.number_input(key="training_max_norm").set_value(2.0).run()
    assert not at.exception
    assert "kernel_constraint=keras.constraints.MaxNorm(max_value=2.0, axis=0)" in texts(at.code)
    assert "tf.constraints.maxNorm({maxValue: 2.0, axis: 0})" in texts(at.code)


def test_a_range_error_names_the_control_not_the_config_field():
    at = open_page(PAGE, "es")
    at.number_input(key="training_max_norm").set_value(500.0)
    at.button(key="training_start").click().run()
    assert not at.exception
    assert "MaxNorm debe ser un número de 0 a 100, no 500.0" in texts(at.error)
    at.number_input(key="training_max_norm").set_value(0.0)
    at.selectbox(key="training_optimizer").set_value("sgd").run()
    at.number_input(key="training_momentum").set_value(1.5)
    at.button(key="training_start").click().run()
    assert "Momento debe ser un número de 0 a 1, no 1.5" in texts(at.error)
    assert "max_norm" not in texts(at.error) and "momentum" not in texts(at.error)


def test_the_mnist_data_is_shown_as_the_course_s_sprite_sheet_and_batches() -> None:
    at = open_page(PAGE, "en")
    at.selectbox(key="training_preset").select("mnist-cnn").run()
    assert not at.exception
    before = len(at.get("image"))  # closed: the sheet waits until opened
    at.session_state["training_sprite"] = True
    at.run()
    assert not at.exception
    assert len(at.get("image")) == before + 3  # the sheet, the batch's rows and digits
    assert "5,500 digits this run trains on" in texts(at.caption)  # the course's 5,500
    labels = next(c.value for c in at.code if "→" in c.value).splitlines()
    assert len(labels) == 8  # the default batch of 8, one line of ten bytes each
    assert all(line.split()[:10].count("01") == 1 for line in labels)
    at.number_input(key="training_sprite_batch").set_value(1).run()
    after = next(c.value for c in at.code if "→" in c.value).splitlines()
    assert after != labels  # the next call: other rows of the sheet
    at.session_state["training_sprite_code"] = True  # the code panel, opened
    at.run()
    assert "data.nextTrainBatch(8)" in " ".join(c.value for c in at.code)


def test_skip_connections_switch_model_and_codes_to_the_functional_api():
    at = open_page(PAGE, "es")
    at.checkbox(key="training_residual").check()
    at.button(key="training_start").click().run()
    assert not at.exception
    assert "Una conexión residual suma la entrada de una capa a su salida" in texts(at.error)
    assert at.checkbox(key="training_residual").value  # the choice survives the refusal

    deep = (LayerSpec("dense", 16, "relu"), LayerSpec("dense", 16, "relu"), LayerSpec("dense", 1))
    config = with_changes(presets.preset("circles").config, layers=deep, residual=True)
    at = open_page(PAGE, "es", train=to_url(config))
    assert at.checkbox(key="training_residual").value
    train(at, 3)
    assert "Entrenamiento terminado: 3 épocas" in texts(at.success)
    summary = next(d.value for d in at.dataframe if "Conectada a" in d.value.columns)
    add = summary[summary.iloc[:, 1] == "Add"]
    assert len(add) == 1 and add.iloc[0]["Conectada a"].count("[0][0]") == 2
    code = texts(at.code)
    assert "model = keras.Model(inputs=inputs, outputs=outputs)" in code
    assert "const model = tf.model({inputs, outputs});" in code


def _image_rows(at) -> list[list]:
    return [[(img.url, img.caption) for img in el.proto.imgs] for el in at.get("image")]


def test_augmentation_layers_show_what_training_sees_and_a_new_draw_changes_it():
    cnn = presets.preset("mnist-cnn").config
    augmented = (LayerSpec("randomrotation", rate=0.1), LayerSpec("randomzoom", rate=0.2))
    config = with_changes(cnn, layers=augmented + cnn.layers)
    at = open_page(PAGE, "es", train=to_url(config))
    assert not at.exception
    closed = len(at.get("image"))
    at.session_state["training_augment"] = True
    at.run()
    assert not at.exception
    rows = _image_rows(at)[closed:]
    assert len(rows) == 6 and all(len(row) == 6 for row in rows)  # 6 digits, each + 5 copies
    assert all(row[0][1] == "guardado" for row in rows)
    assert "RandomRotation, RandomZoom" in texts(at.caption)
    at.number_input(key="training_augment_draw").set_value(1).run()
    again = _image_rows(at)[closed:]
    assert [row[0] for row in again] == [row[0] for row in rows]  # the stored digits stay
    assert all(a[1:] != b[1:] for a, b in zip(again, rows, strict=True))  # new copies
    at.session_state["training_augment_code"] = True
    at.run()
    code = texts(at.code)
    assert 'layers.RandomRotation(0.1, fill_mode="constant")' in code
    assert "tf.image.rotateWithOffset(" in code and "augment(images)" in code

    plain = open_page(PAGE, "en")  # no augmentation layers: no such expander
    plain.selectbox(key="training_preset").select("mnist-cnn").run()
    assert not any("Data augmentation" in str(e.label) for e in plain.expander)
