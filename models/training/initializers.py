"""The kernel initializers the deck lists (004_…, "Capas en Keras - Inicializadores"), each as
Keras builds it and as the two code panels write it.

The deck's own arguments where it gives them: `Constant(value=5)` and
`VarianceScaling(scale=1.0, mode='fan_in', distribution='normal')`; the others with their
defaults, which Keras and TF.js share (RandomNormal, RandomUniform and TruncatedNormal at
±0.05, Orthogonal with gain 1). Left out: `Identity`, which needs every kernel square and
2-D (inputs = units), which no Training-lab network with its output layer has.
"""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT = "glorot_uniform"


@dataclass(frozen=True)
class Initializer:
    """`keras`: what `keras.initializers.get` takes; `python` / `tfjs`: the argument's value in
    the Python and TF.js code panels."""

    keras: str | dict
    python: str
    tfjs: str


def _named(keras_name: str, tfjs_name: str) -> Initializer:
    return Initializer(keras_name, f'"{keras_name}"', f"'{tfjs_name}'")


INITIALIZERS: dict[str, Initializer] = {
    "glorot_uniform": _named("glorot_uniform", "glorotUniform"),
    "glorot_normal": _named("glorot_normal", "glorotNormal"),
    "he_uniform": _named("he_uniform", "heUniform"),
    "he_normal": _named("he_normal", "heNormal"),
    "lecun_normal": _named("lecun_normal", "leCunNormal"),
    "lecun_uniform": _named("lecun_uniform", "leCunUniform"),
    "random_normal": _named("random_normal", "randomNormal"),
    "random_uniform": _named("random_uniform", "randomUniform"),
    "truncated_normal": _named("truncated_normal", "truncatedNormal"),
    "variance_scaling": Initializer(
        {
            "class_name": "VarianceScaling",
            "config": {"scale": 1.0, "mode": "fan_in", "distribution": "normal"},
        },
        'keras.initializers.VarianceScaling(scale=1.0, mode="fan_in", distribution="normal")',
        "tf.initializers.varianceScaling({scale: 1, mode: 'fanIn', distribution: 'normal'})",
    ),
    "orthogonal": _named("orthogonal", "orthogonal"),
    "zeros": _named("zeros", "zeros"),
    "ones": _named("ones", "ones"),
    "constant": Initializer(
        {"class_name": "Constant", "config": {"value": 5.0}},
        "keras.initializers.Constant(value=5)",
        "tf.initializers.constant({value: 5})",
    ),
}
