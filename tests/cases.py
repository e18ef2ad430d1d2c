"""What the registry-driven conformance suite needs to know about each loss.

Every registered loss must have a :class:`Case` here, keyed by class name:
``tests/test_conformance.py`` fails for a registered loss without one, so a
loss cannot be added without passing the conformance suite.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

BIG = 1e4  # "extreme" inputs: large errors, well inside float16's range


def real_inputs(rng, batch):
    return rng.normal(0, 1, (batch, 3)), rng.normal(0, 1, (batch, 3))


def rate_inputs(rng, batch):
    return rng.poisson(2.0, (batch, 3)).astype("float64"), rng.uniform(0.1, 3.0, (batch, 3))


def gaussian_inputs(rng, batch):
    mean, var = rng.normal(0, 1, (batch, 3)), rng.uniform(0.1, 2.0, (batch, 3))
    return rng.normal(0, 1, (batch, 3)), np.stack([mean, var], axis=1)


# Extreme inputs: huge errors both ways, exact zeros, and exact agreement.
REAL_EXTREMES = [
    (np.array([[BIG, -BIG, 0.0], [0.0, 0.0, 0.0]]), np.array([[-BIG, BIG, 0.0], [0.0, 0.0, 0.0]])),
    (np.array([[1.0, -2.0, 3.0], [BIG, BIG, BIG]]), np.array([[1.0, -2.0, 3.0], [BIG, BIG, BIG]])),
]
RATE_EXTREMES = [
    (np.array([[0.0, BIG, 0.0], [BIG, 0.0, 1.0]]), np.array([[0.0, 0.0, BIG], [BIG, BIG, 0.0]])),
]
# A log-rate of 80 is exp(80) ~ 5.5e34, near float32's end: beyond ~88 the true value itself overflows.
LOG_RATE_EXTREMES = [
    (np.array([[0.0, BIG, 0.0], [BIG, 0.0, 1.0]]), np.array([[-80.0, -80.0, 80.0], [80.0, 0.0, 0.0]])),
]
GAUSSIAN_EXTREMES = [
    (
        np.array([[BIG, -BIG, 0.0], [0.0, 1.0, 2.0]]),
        np.array([[[-BIG, BIG, 0.0], [0.0, 0.0, 0.0]], [[0.0, 1.0, 2.0], [BIG, BIG, 1.0]]]),
    ),
]


@dataclasses.dataclass(frozen=True)
class Case:
    #: ``(rng, batch) -> (y_true, y_pred)`` as one model output would give them.
    inputs: Callable = real_inputs
    #: ``(y_true, y_pred)`` pairs on which value and gradient must be finite, in every dtype.
    extremes: list = dataclasses.field(default_factory=lambda: REAL_EXTREMES)
    #: Option sets exercised by the round-trip and extreme-input checks (``{}`` is the default).
    option_sets: list = dataclasses.field(default_factory=lambda: [{}])
    #: ``(kwargs, argument name)`` pairs that must raise ``ValueError`` naming the argument.
    bad_options: list = dataclasses.field(default_factory=list)
    #: Activation of the model output in the fit test (e.g. positive rates).
    activation: str = "linear"
    #: Extra extremes for one option set: ``{option-set index: extremes}``.
    extremes_for: dict = dataclasses.field(default_factory=dict)


CASES: dict[str, Case] = {
    "MeanSquaredError": Case(),
    "MeanAbsoluteError": Case(),
    "MeanAbsolutePercentageError": Case(),
    "MeanSquaredLogarithmicError": Case(inputs=rate_inputs, extremes=REAL_EXTREMES + RATE_EXTREMES),
    "L1Norm": Case(option_sets=[{}, {"axis": -2}], bad_options=[({"axis": "last"}, "axis")]),
    "L2Norm": Case(option_sets=[{}, {"axis": 0}], bad_options=[({"axis": 1.5}, "axis")]),
    "Huber": Case(
        option_sets=[{}, {"delta": 0.1}, {"delta": 5.0}],
        bad_options=[({"delta": 0}, "delta"), ({"delta": -1.0}, "delta"), ({"delta": math.nan}, "delta")],
    ),
    "SmoothL1": Case(
        option_sets=[{}, {"beta": 0.0}, {"beta": 0.2}],
        bad_options=[({"beta": -1.0}, "beta"), ({"beta": math.inf}, "beta")],
    ),
    "LogCosh": Case(),
    "Poisson": Case(inputs=rate_inputs, extremes=RATE_EXTREMES, activation="softplus"),
    "PoissonNLL": Case(
        inputs=rate_inputs,
        extremes=LOG_RATE_EXTREMES,
        option_sets=[{}, {"full": True}, {"log_input": False, "full": True}, {"log_input": False, "eps": 1e-3}],
        extremes_for={2: RATE_EXTREMES, 3: RATE_EXTREMES},
        bad_options=[({"eps": 0.0}, "eps"), ({"log_input": "yes"}, "log_input"), ({"full": 1}, "full")],
    ),
    "GaussianNLL": Case(
        inputs=gaussian_inputs,
        extremes=GAUSSIAN_EXTREMES,
        option_sets=[{}, {"full": True, "eps": 1e-3}],
        bad_options=[({"eps": -1.0}, "eps"), ({"full": "no"}, "full")],
        activation="softplus",
    ),
    "CosineSimilarity": Case(option_sets=[{}, {"axis": 0}], bad_options=[({"axis": None}, "axis")]),
    "Pinball": Case(
        option_sets=[{}, {"tau": 0.0}, {"tau": 1.0}, {"tau": [0.1, 0.5, 0.9]}],
        bad_options=[({"tau": 1.5}, "tau"), ({"tau": -0.1}, "tau"), ({"tau": [0.1, 2.0]}, "tau")],
    ),
    "MeanPairwiseSquaredError": Case(),
    "AdaptiveRobust": Case(
        option_sets=[
            {},
            {"alpha": 2.0},
            {"alpha": 0.0},
            {"alpha": -2.0},
            {"alpha": -math.inf},
            {"alpha": 0.5, "scale": 0.1},
        ],
        bad_options=[({"alpha": math.nan}, "alpha"), ({"scale": 0.0}, "scale"), ({"scale": -1.0}, "scale")],
    ),
}


def build_model(class_name, output_shape, input_dim=4):
    """A small model whose output has ``output_shape`` per sample, for the fit and save tests."""
    import keras

    inputs = keras.Input((input_dim,))
    x = keras.layers.Dense(int(np.prod(output_shape)), activation=CASES[class_name].activation)(inputs)
    return keras.Model(inputs, keras.layers.Reshape(tuple(output_shape))(x))
