"""The toxicity page under AppTest: model out of reach, and the stand-in in a temporary mirror."""

from pathlib import Path

import pytest
from pages_helper import open_page
from toxicity_standin import build_standin, expected_probability

from components import model_cache
from models import loading
from models.text.toxicity import LABELS, MAX_TEXT_CHARS
from models.text.use_tokenizer import load_tokenizer

PAGE = "app_pages/toxicity.py"


def _forget_model() -> None:
    """Nothing of one test's model may leak into the next: process and Streamlit caches."""
    loading.forget("toxicity")
    model_cache._model.clear()


@pytest.fixture(scope="module")
def standin_dir(tmp_path_factory) -> Path:
    mirror = tmp_path_factory.mktemp("mirror")
    build_standin(mirror / "toxicity", load_tokenizer())
    return mirror


@pytest.fixture
def offline(empty_mirror):
    _forget_model()
    yield empty_mirror
    _forget_model()


@pytest.fixture
def standin(standin_dir, monkeypatch):
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(standin_dir))
    _forget_model()
    yield standin_dir
    _forget_model()


def _texts(elements) -> str:
    return " ".join(e.value for e in elements)


def _results_table(at):
    """The per-label table: the dataframe whose columns are label / probability / match."""
    return next(
        d.value for d in at.dataframe if list(d.value.columns)[:2] == ["label", "probability"]
    )


TOKEN_ROWS = {"en": ["piece", "id"], "es": ["pieza", "id"]}


def _token_table(at):
    """The tokenizer's table, its rows named in the page's language."""
    rows = TOKEN_ROWS[at.session_state["lang"]]
    return next(d.value for d in at.dataframe if list(d.value.index) == rows)


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "cannot be reached"), ("es", "No se puede acceder")],
)
def test_model_out_of_reach_says_how_and_tokenizer_still_works(offline, lang, words) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception, [e.value for e in at.exception]
    warning = _texts(at.warning)
    assert words in warning
    assert "python -m models download toxicity" in warning and "toxicity/" in warning
    # students see the setting and the folder's name, never the server's own paths
    shown = warning + " ".join(str(c.value) for c in at.code)
    assert "$PLAYGROUND_MODEL_DIR/toxicity/" in warning
    assert str(offline) not in shown and str(Path.home()) not in shown
    if lang == "es":  # the technical detail too is in the page's language
        assert "Could not download" not in shown and "No se pudo descargar" in shown
    assert not any(list(d.value.columns)[:1] == ["label"] for d in at.dataframe), "no scores"
    assert "▁wonderful" in _token_table(at).iloc[0].tolist()
    assert at.button(key="toxicity_batch_run").disabled
    assert ("needs the toxicity model" if lang == "en" else "necesita el modelo") in _texts(
        at.caption
    )  # a greyed button says why

    for text in ["😀😀 ok", "שלום עולם", "tab\there\x00", "x" * 100_000]:
        at.text_area(key="toxicity_text").set_value(text).run()
        assert not at.exception, [e.value for e in at.exception]
    assert f"{MAX_TEXT_CHARS:,}" in _texts(at.warning) and "100,000" in _texts(at.warning)
    at.selectbox(key="toxicity_example").set_value("🇪🇸 Eres un idiota y te odio.").run()
    assert at.text_area(key="toxicity_text").value == "Eres un idiota y te odio."
    at.text_area(key="toxicity_text").set_value("hola amigo").run()
    ids = load_tokenizer().encode("hola amigo")
    assert _token_table(at).iloc[1].tolist() == [str(i) for i in ids]
    assert at.session_state["toxicity_threshold"] == 0.9


def test_vocabulary_out_of_reach_is_a_message_not_a_crash(offline, monkeypatch) -> None:
    monkeypatch.setenv("PLAYGROUND_DATA_DIR", str(offline / "no-data"))
    at = open_page(PAGE, "en")
    assert not at.exception, [e.value for e in at.exception]
    assert "use-vocab" in _texts(at.error)
    assert at.button(key="toxicity_batch_run").disabled


def test_try_again_picks_up_a_model_added_to_the_mirror(offline, standin_dir, monkeypatch) -> None:
    at = open_page(PAGE, "en")
    assert "cannot be reached" in _texts(at.warning)
    monkeypatch.setenv("PLAYGROUND_MODEL_DIR", str(standin_dir))
    at.slider(key="toxicity_threshold").set_value(0.8).run()
    assert "cannot be reached" in _texts(at.warning), "a failure is not retried on every rerun"
    at.button(key="toxicity_retry").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "cannot be reached" not in _texts(at.warning)
    assert len(_results_table(at)) == len(LABELS)
    assert at.session_state["toxicity_threshold"] == 0.8


@pytest.mark.parametrize(
    ("lang", "insult", "clean"),
    [("en", "insult", "no label matches"), ("es", "insulto", "no coincide")],
)
def test_scores_with_the_standin(standin, lang, insult, clean) -> None:
    at = open_page(PAGE, lang)
    assert not at.exception, [e.value for e in at.exception]
    table = _results_table(at)
    assert len(table) == len(LABELS) and insult in table["label"].tolist()
    assert set(table["match"]) == {"❌ false"}
    assert clean in _texts(at.success)

    tokenizer = load_tokenizer()
    at.text_area(key="toxicity_text").set_value("idiot").run()
    table = _results_table(at).set_index("label")
    assert table.loc[insult, "probability"] == pytest.approx(
        expected_probability(tokenizer, "idiot", "insult")
    )
    assert table.loc[insult, "match"] == "✅ true"
    assert insult in _texts(at.error)  # the summary names the matching labels


def test_threshold_slider_turns_null_into_a_match(standin) -> None:
    at = open_page(PAGE, "en")
    at.text_area(key="toxicity_text").set_value("I hate hate you").run()  # P(toxicity) = 0.881
    assert _results_table(at).set_index("label").loc["toxicity", "match"] == "❔ null"
    at.slider(key="toxicity_threshold").set_value(0.85).run()
    assert _results_table(at).set_index("label").loc["toxicity", "match"] == "✅ true"
    assert at.text_area(key="toxicity_text").value == "I hate hate you"
    python, tfjs = (c.value for c in at.code[-2:])
    assert "'I hate hate you'" in python and "threshold=0.85" in python
    assert "toxicity.load(threshold)" in tfjs and 'model.classify(["I hate hate you"])' in tfjs


def test_which_words_highlights_escaped_words(standin) -> None:
    at = open_page(PAGE, "en")
    at.text_area(key="toxicity_text").set_value("you are a stupid <b>person</b>").run()
    assert not at.exception, [e.value for e in at.exception]
    effects = next(d.value for d in at.dataframe if "effect" in d.value.columns)
    assert effects.iloc[0]["word"] == "stupid"  # sorted: the word that raises toxicity most
    body = at.get("html")[0].proto.body
    assert "&lt;b&gt;person&lt;/b&gt;" in body and "<b>" not in body
    assert "rgba(220,38,38" in body  # the trigger word is red
    at.text_area(key="toxicity_text").set_value("idiot").run()
    assert "at least two words" in _texts(at.info)


@pytest.mark.parametrize(
    "text",
    ["", "   \n  ", "😀", "مرحبا بالعالم", "\x00\x07\x1b[31m", "é" * 100_000],
    ids=["empty", "spaces", "emoji", "rtl", "control", "100k"],
)
def test_bad_input_never_crashes(standin, text) -> None:
    at = open_page(PAGE, "es")
    at.text_area(key="toxicity_text").set_value(text).run()
    assert not at.exception, [e.value for e in at.exception]
    if not text.strip():
        assert "Escribe una frase" in _texts(at.info)
    else:
        assert len(_results_table(at)) == len(LABELS)
    if len(text) > MAX_TEXT_CHARS:
        assert "100,000" in _texts(at.warning)


def test_batch_of_pasted_lines_gives_a_table_and_a_download(standin) -> None:
    at = open_page(PAGE, "en")
    at.text_area(key="toxicity_lines").set_value(
        "idiot\n\n   \nHave a nice day\nI hate hate you"
    ).run()
    at.button(key="toxicity_batch_run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "2 empty line(s) skipped" in _texts(at.caption)
    table = next(d.value for d in at.dataframe if "toxicity_match" in d.value.columns)
    assert table["text"].tolist() == ["idiot", "Have a nice day", "I hate hate you"]
    assert table["toxicity_match"].tolist() == ["true", "false", "null"]
    assert at.get("download_button")
    at.slider(key="toxicity_threshold").set_value(0.85).run()
    table = next(d.value for d in at.dataframe if "toxicity_match" in d.value.columns)
    assert table["toxicity_match"].tolist() == ["true", "false", "true"], "kept and re-decided"
