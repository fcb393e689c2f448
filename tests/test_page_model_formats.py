"""The Model formats page under AppTest, in English and Spanish: demo model, run, convert,
a registry graph model with its op histogram and manifest, and bad typed values."""

import numpy as np
import pytest

from tests.pages_helper import open_page

PAGE = "app_pages/model_formats.py"


def _texts(at) -> str:
    parts = [m.value for m in at.markdown] + [c.value for c in at.caption]
    parts += [i.value for i in at.info] + [e.value for e in at.error]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "es"])
def test_demo_model_runs_and_converts(lang) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception
    assert at.title[0].value == ("📦 Model formats" if lang == "en" else "📦 Formatos de modelo")
    build = "Build the Iris demo (tiny)" if lang == "en" else "Crear la demo Iris (diminuta)"
    assert at.button(key="formats_build_iris").label == build
    none_yet = "No model trained" if lang == "en" else "Todavía no hay ningún modelo"
    assert none_yet in _texts(at)
    at.button(key="formats_build_iris").click().run()
    assert not at.exception
    assert none_yet not in _texts(at)  # gone in the very run that built the demo
    assert at.metric[0].value in ("Keras",)
    assert at.metric[1].value == "131"  # 4·16+16 + 16·3+3
    summary = at.dataframe[1].value
    assert list(summary.iloc[:, 1]) == ["Dense", "Dense"]
    at.button(key="formats_run").click().run()
    assert ("Output" if lang == "en" else "Salida") in _texts(at)
    at.multiselect(key="formats_targets").set_value(["tfjs-layers", "tflite-int8"]).run()
    at.button(key="formats_convert").click().run()
    assert not at.exception
    table = at.dataframe[-1].value
    assert len(table) == 3  # the original and the two variants
    downloads = [b.label for b in at.get("download_button")]
    assert [d for d in downloads if "TF.js Layers" in d or "int8" in d] == downloads[-2:]
    assert "TF.js Layers" in downloads[-2]  # in the table's order, not at random
    assert table.iloc[1, 0] == "TF.js Layers"
    agreement = table.iloc[:, 5].str.rstrip("%").astype(float)
    accuracy = table.iloc[:, 4].str.rstrip("%").astype(float)
    assert (agreement >= 90).all() and (accuracy >= 80).all()  # held-out Iris labels used


def test_registry_graph_model_and_bad_values() -> None:
    at = open_page(PAGE, "es")
    at.radio(key="formats_source").set_value("registry").run()
    at.selectbox(key="formats_registry_id").set_value("movenet-singlepose-lightning").run()
    at.toggle(key="formats_registry_load").set_value(True).run()
    assert not at.exception
    assert at.metric[0].value == "Modelo Graph de TF.js"
    texts = _texts(at)
    assert "Histograma de operaciones" in texts and "Manifiesto de pesos" in texts
    assert "float16" in texts  # MoveNet stores some weights as float16
    assert "conversión parte de un modelo Keras" in texts
    assert "una imagen" in at.radio(key="formats_input_kind").options  # [1, 192, 192, 3] input
    at.button(key="formats_run").click().run()
    assert "forma [1, 1, 17, 3]" in _texts(at)
    at.radio(key="formats_input_kind").set_value("values").run()
    at.text_area(key="formats_values_0").input("[[1, 2").run()
    assert not at.exception
    assert any("JSON" in e.value for e in at.error)
    at.text_area(key="formats_values_0").input("[[1, 2]]").run()
    at.button(key="formats_run").click().run()
    assert any("debe tener forma" in e.value for e in at.error)
    assert at.metric[0].value == "Modelo Graph de TF.js"  # the model survived the bad input


def test_the_course_s_iris_v1_is_built_once_as_a_tfjs_layers_model(tmp_path, monkeypatch) -> None:
    # 000_…: tf.loadLayersModel(".../iris_v1/model.json"); model.summary() — Dense1 50,
    # Dense2 33, "Total params: 83"; then predict [5.0, 3.3, 1.4, 0.2] inside tf.tidy
    from test_tfjs_layers import _tfjs_predict

    from models.training.demos import COURSE_FLOWERS, iris_v1_folder

    monkeypatch.setenv("PLAYGROUND_CACHE_DIR", str(tmp_path / "cache"))
    at = open_page(PAGE, "en")
    at.button(key="formats_build_iris_v1").click().run()
    assert not at.exception
    assert [m.value for m in at.metric[:2]] == ["TF.js Layers model", "83"]
    summary = at.dataframe[1].value
    assert list(summary.iloc[:, 0]) == ["Dense1", "Dense2"]
    assert "tf.loadLayersModel(" in " ".join(c.value for c in at.code)
    folder = iris_v1_folder()
    assert (folder / "model.json").is_file() and list(folder.glob("*.bin"))
    built = (folder / "model.json").stat().st_mtime_ns
    at.button(key="formats_build_iris_v1").click().run()  # built once, then read back
    assert (folder / "model.json").stat().st_mtime_ns == built
    report = _tfjs_predict(folder, np.asarray(COURSE_FLOWERS, np.float32), tmp_path)
    out = report["outputs"][0]
    guesses = np.array(out["data"]).reshape(out["shape"]).argmax(axis=1)
    assert guesses.tolist() == [0, 1, 2]  # setosa, versicolor, virginica, in TF.js itself


def test_the_uint8_counter_example_shows_movenet_breaking() -> None:
    at = open_page(PAGE, "es")
    assert not at.exception
    at.session_state["formats_quant"] = True  # a student opens the counter-example
    at.run()
    at.button(key="formats_quant_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    table = next(d.value for d in at.dataframe if "Pesos guardados como" in d.value.columns)
    assert list(table.iloc[:, 0]) == ["float32", "float16", "uint16", "uint8"]
    assert list(table.iloc[:, 1])[1:] == [
        "--quantize_float16",
        "--quantize_uint16",
        "--quantize_uint8",
    ]
    moved = [float(cell.split()[0]) for cell in table.iloc[:, 3]]
    assert moved[:3] == [0.0, 0.0, moved[2]] and moved[2] < 2 < 30 < moved[3]
    assert "uint8 movió los puntos clave" in _texts(at)
