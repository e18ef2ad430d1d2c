"""Mixed precision: one ``fit`` step of every registered loss is finite and within 1% of float32's.

One model has one output per registered loss (each ``Dense`` head under the
global policy, its loss computed in the loss's float32), so Keras reports each
loss on its own; under ``"mixed_float16"`` Keras scales the loss for the
gradients (``LossScaleOptimizer``), as it does for its own losses.
"""

from __future__ import annotations

import functools

import keras
import numpy as np
import pytest

import keras_losses as kl
from tests.cases import CASES
from tests.helpers import to_numpy

ENTRIES = kl.entries()


@functools.cache  # float32's, the reference of both policies, once
def _one_step(policy):
    previous = keras.config.dtype_policy().name
    keras.config.set_dtype_policy(policy)
    try:
        keras.utils.set_random_seed(3)
        rng = np.random.default_rng(3)
        inputs = keras.Input((4,))
        outputs, targets, losses = [], [], []
        for entry in ENTRIES:
            case = CASES[entry.cls.__name__]
            y_true, y_pred = case.sample(rng, 16)
            dense = keras.layers.Dense(int(np.prod(y_pred.shape[1:])), activation=case.activation)
            outputs.append(keras.layers.Reshape(y_pred.shape[1:], name=entry.cls.__name__)(dense(inputs)))
            targets.append(y_true.astype("float32"))
            losses.append(entry.cls())
        model = keras.Model(inputs, outputs)
        # Not XLA-compiled: XLA takes minutes over 60 losses in one graph (test_compiled.py compiles each).
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss=losses, jit_compile=False)
        x = rng.normal(size=(16, 4)).astype("float32")
        predictions = model.predict(x, verbose=0)
        history = model.fit(x, targets, batch_size=16, epochs=1, verbose=0)
        values = {e.cls.__name__: history.history[f"{e.cls.__name__}_loss"][0] for e in ENTRIES}
        # The typical size of one sample's loss: a mean of terms of both signs (cosine similarity)
        # can be far smaller than its terms, and is judged against them.
        scales = {
            e.cls.__name__: float(np.mean(np.abs(to_numpy(e.cls(reduction="none")(t, p)))))
            for e, t, p in zip(ENTRIES, targets, predictions, strict=True)
        }
        return values, scales, model
    finally:
        keras.config.set_dtype_policy(previous)


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_one_fit_step_in_mixed_precision_matches_float32(policy):
    reference, scales, _ = _one_step("float32")
    mixed, _, model = _one_step(policy)
    assert model.layers[1].compute_dtype == policy.split("_")[1]
    if policy == "mixed_float16":
        assert isinstance(model.optimizer, keras.optimizers.LossScaleOptimizer)
    for name, value in mixed.items():
        assert np.isfinite(value), (name, value)
        scale = max(abs(reference[name]), scales[name])
        # Mining picks each pair's negative by comparing distances: float16 embeddings flip near-ties.
        tolerance = 3e-2 if CASES[name].one_per_batch else 1e-2
        assert abs(value - reference[name]) <= tolerance * scale, (name, value, reference[name], scale)
