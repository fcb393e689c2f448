"""Share links: short enough to copy and scan, and back to the same experiment."""

from __future__ import annotations

import base64
import json
import math
from dataclasses import asdict

import cv2
import numpy as np
import pytest

from components.share import qr_data_uri
from models.errors import BadInput
from models.training import presets
from models.training.config import with_changes
from models.training.link import from_url, to_url


def test_a_link_holds_only_what_differs_from_its_preset_and_needs_no_escaping() -> None:
    config = with_changes(presets.preset("linear").config, optimizer="adam")
    link = to_url(config)
    assert link == "eyJwIjoibGluZWFyIiwibyI6ImFkYW0ifQ"  # {"p":"linear","o":"adam"}
    assert from_url(link) == config
    legacy = json.dumps(asdict(config), separators=(",", ":"))
    assert len(legacy) > 10 * len(link)  # the earlier form: every field, long keys


def test_changed_layers_and_every_field_survive_the_short_link() -> None:
    base = presets.preset("mnist-cnn").config
    config = with_changes(
        base, learning_rate=0.003, schedule="step", nesterov=True, layers=base.layers[:-1]
    )
    assert from_url(to_url(config)) == config
    assert math.isnan(from_url(to_url(with_changes(base, learning_rate=math.nan))).learning_rate)


def test_links_of_the_earlier_plain_json_form_still_open() -> None:
    config = with_changes(presets.preset("iris").config, epochs=7, optimizer="sgd")
    assert from_url(json.dumps(asdict(config))) == config


@pytest.mark.parametrize(
    "text",
    [
        "!!!not base64",
        "eyJ4IjoxfQ",  # {"x":1}: no such field
        "eyJvIjoiYWRhbSJ9",  # {"o":"adam"}: no preset
        "eyJwIjoibGluZWFyIiwiTCI6M30",  # {"p":"linear","L":3}
        "eyJwIjoibGluZWFyIiwiTCI6W3t9XX0",  # {"p":"linear","L":[{}]}: a layer without a kind
        "W10",  # []
    ],
)
def test_a_garbled_short_link_is_refused_with_the_link_message(text) -> None:
    with pytest.raises(BadInput) as caught:
        from_url(text)
    assert caught.value.code == "training_bad_link"


def test_the_qr_code_reads_back_as_the_link() -> None:
    url = "http://127.0.0.1:8501/tensors?lang=es&t=fib&op=slice&a=t[1:4]"
    header, data = qr_data_uri(url).split(",", 1)
    assert header == "data:image/png;base64"
    image = cv2.imdecode(np.frombuffer(base64.b64decode(data), np.uint8), cv2.IMREAD_GRAYSCALE)
    text, _, _ = cv2.QRCodeDetector().detectAndDecode(image)
    assert text == url
