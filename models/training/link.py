"""A Training-lab experiment in a link: `?train=` holds what differs from its preset.

The value is URL-safe base64 of compact JSON with short keys (SHORT_KEYS), so a link needs
no percent-encoding and stays short enough to copy, read aloud or put in a QR code: the
course's first model with Adam is `?train=eyJwIjoibGluZWFyIiwibyI6ImFkYW0ifQ`. Links of
the earlier form (the whole configuration as plain JSON, long keys) still open. A short link
reads its preset as the app defines it when opened: a preset changed by a later release
changes the fields the link did not set.

NaN and ∞ stay in the link (Python's JSON reads them back) so that a shared experiment
shows the same refusal as the page that made it.
"""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import asdict, fields

from models.errors import BadInput
from models.training import presets
from models.training.config import LayerSpec, TrainConfig

MAX_URL_CHARS = 4000  # a shared configuration longer than this is refused unread
SHORT_KEYS = {
    "preset": "p",
    "dataset": "d",
    "layers": "L",
    "loss": "ls",
    "optimizer": "o",
    "learning_rate": "lr",
    "momentum": "m",
    "nesterov": "n",
    "initializer": "i",
    "l1": "l1",
    "l2": "l2",
    "max_norm": "mn",
    "residual": "rs",
    "schedule": "s",
    "decay": "dc",
    "factor": "f",
    "patience": "pt",
    "monitor": "mo",
    "epochs": "e",
    "batch_size": "b",
    "validation_split": "v",
    "train_size": "ts",
    "per_batch": "pb",
    "early_stopping": "es",
}
LAYER_SHORT_KEYS = {"kind": "k", "units": "u", "activation": "a", "size": "z", "rate": "r"}
_LONG_KEYS = {short: long for long, short in SHORT_KEYS.items()}
_LAYER_LONG_KEYS = {short: long for long, short in LAYER_SHORT_KEYS.items()}
_DEFAULT_LAYER = LayerSpec(kind="dense")
_SCALARS = {f.name: f.type for f in fields(TrainConfig) if f.name != "layers"}


def to_url(config: TrainConfig) -> str:
    """The `?train=` value of `config`: its preset and what differs from it."""
    preset = presets.PRESETS.get(config.preset)
    base = preset.config if preset is not None else None
    changed = {
        SHORT_KEYS[name]: value
        for name, value in asdict(config).items()
        if name != "layers" and (base is None or name == "preset" or value != getattr(base, name))
    }
    if base is None or config.layers != base.layers:
        changed["L"] = [_short_layer(layer) for layer in config.layers]
    text = json.dumps(changed, separators=(",", ":"))
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _short_layer(layer: LayerSpec) -> dict:
    return {
        LAYER_SHORT_KEYS[k]: v
        for k, v in asdict(layer).items()
        if k == "kind" or v != getattr(_DEFAULT_LAYER, k)
    }


def from_url(text: str) -> TrainConfig:
    """The configuration of a shared link; BadInput (never an exception of json) if garbled."""
    if len(text) > MAX_URL_CHARS:
        raise _bad_link("the shared configuration is too long", "-")
    if text.lstrip().startswith("{"):  # the earlier form: the whole configuration, long keys
        return _config(_json(text))
    try:
        decoded = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError) as exc:
        raise _bad_link("the shared configuration is not readable", "-") from exc
    return _config(_expanded(_json(decoded)))


def _json(text: str) -> dict:
    try:
        data = json.loads(text)
    except (ValueError, RecursionError) as exc:
        raise _bad_link("the shared configuration is not valid JSON", "-") from exc
    if not isinstance(data, dict):
        raise _bad_link("the shared configuration is not an object", "-")
    return data


def _bad_link(message: str, field: str) -> BadInput:
    """The one refusal of a link, naming the first field that is wrong ("-" for the whole)."""
    return BadInput(message, code="training_bad_link", field=field)


def _refuse_unknown(names: set[str]) -> None:
    if names:
        name = sorted(names)[0]
        raise _bad_link(f"unknown field {name!r} in the shared configuration", name)


def _expanded(short: dict) -> dict:
    """The long-key configuration: the preset's, with the link's changes over it."""
    _refuse_unknown(set(short) - set(_LONG_KEYS))
    if not isinstance(short.get("p"), str):
        raise _bad_link("the shared configuration names no preset", "preset")
    data = asdict(presets.preset(short["p"]).config)
    data["layers"] = list(data["layers"])
    data |= {_LONG_KEYS[key]: value for key, value in short.items()}
    if "L" in short:
        if not isinstance(short["L"], list) or not all(isinstance(i, dict) for i in short["L"]):
            raise _bad_link("a layer of the shared configuration is garbled", "layers")
        data["layers"] = [
            {_LAYER_LONG_KEYS.get(key, key): value for key, value in item.items()}
            for item in short["L"]
        ]
    return data


def _coerce(name: str, value: object, kind: str) -> object:
    """`value` as the field's type; BadInput if it is not one (a NaN stays, validate refuses it)."""
    try:
        if kind == "int":
            if isinstance(value, bool) or float(value) != int(value):
                raise ValueError
            return int(value)
        if kind == "float":
            if isinstance(value, bool):
                raise ValueError
            return float(value)
        if kind == "bool":
            if not isinstance(value, bool):
                raise ValueError
            return value
        if not isinstance(value, str):
            raise ValueError
        return value
    except (TypeError, ValueError, OverflowError) as exc:
        raise _bad_link(
            f"the shared configuration has a bad value for {name}: {value!r}", name
        ) from exc


def _config(data: dict) -> TrainConfig:
    """A checked TrainConfig from long-key `data`; BadInput naming the first bad field."""
    if not isinstance(data.get("layers"), list):
        raise _bad_link("the shared configuration has no layers", "layers")
    _refuse_unknown(set(data) - set(_SCALARS) - {"layers"})
    values = {
        name: _coerce(name, value, _SCALARS[name])
        for name, value in data.items()
        if name != "layers"
    }
    layers = []
    layer_types = {f.name: f.type for f in fields(LayerSpec)}
    for item in data["layers"][:64]:
        if not isinstance(item, dict) or "kind" not in item or set(item) - set(layer_types):
            raise _bad_link("a layer of the shared configuration is garbled", "layers")
        layers.append(LayerSpec(**{k: _coerce(k, v, layer_types[k]) for k, v in item.items()}))
    missing = {"preset", "dataset", "loss"} - set(values)
    if missing:
        name = sorted(missing)[0]
        raise _bad_link(f"the shared configuration lacks {name}", name)
    return TrainConfig(layers=tuple(layers), **values)
