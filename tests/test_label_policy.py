"""One policy for bad class labels on every backend, eagerly and compiled.

A label that is not an integer in ``[0, C)`` and not ``ignore_index`` makes
that position's value NaN (so the mean is NaN and ``TerminateOnNaN`` stops
training); the other positions keep their values. Checked for every
registered loss whose ``y_true`` holds class indices, every option set, with
labels ``C + 4``, ``-3``, ``C``, ``1.5`` and NaN, under ``jax.jit``,
``tf.function(jit_compile=True)`` and ``torch.compile`` as well as eagerly.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import keras_losses as kl
from tests.cases import CASES
from tests.helpers import BACKEND, assert_close, to_numpy

INDEX_ENTRIES = [e for e in kl.entries() if CASES[e.cls.__name__].targets in ("index", "index_rows", "sequence")]
C = 3


BAD_LABELS = (C + 4, -3, C, 1.5, np.nan)
BAD = [1, 2, 4, 5, 6]  # positions of the bad labels in a batch of 8


def _bad_label_inputs(entry, options):
    """``(y_true, y_pred)``: one bad label of each kind at :data:`BAD`, the other positions valid, not ignored."""
    case = CASES[entry.cls.__name__]
    ignored = options.get("ignore_index", options.get("ignore_class"))
    y_true, y_pred = case.sample(np.random.default_rng(0), 8, C)
    if case.targets == "index":
        if ignored is not None:
            y_true[y_true == ignored] = (ignored + 1) % C
        y_true[BAD] = BAD_LABELS
    else:  # rows of indices or label sequences: a bad entry first in the row
        y_true[BAD, 0] = BAD_LABELS
    return y_true.astype("float32"), y_pred.astype("float32")


def _compiled(fn):
    if BACKEND == "jax":
        import jax

        return jax.jit(fn)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    import torch

    return torch.compile(fn)


@pytest.mark.parametrize("entry", INDEX_ENTRIES, ids=[e.cls.__name__ for e in INDEX_ENTRIES])
def test_bad_labels_give_nan_at_their_position_only(entry):
    option_sets = CASES[entry.cls.__name__].option_sets
    losses = [entry.cls(**o, reduction="none") for o in option_sets]
    inputs = [_bad_label_inputs(entry, o) for o in option_sets]

    def evaluate(all_inputs):
        return [loss(t, p) for loss, (t, p) in zip(losses, all_inputs, strict=True)]

    tensors = keras.tree.map_structure(keras.ops.convert_to_tensor, inputs)
    eager, compiled = evaluate(tensors), _compiled(evaluate)(tensors)
    good = [i for i in range(8) if i not in BAD]
    for values, values_compiled, options, (t, p) in zip(eager, compiled, option_sets, inputs, strict=True):
        for result in (to_numpy(values), to_numpy(values_compiled)):
            assert np.all(np.isnan(result[BAD])) and np.all(np.isfinite(result[good])), result
        assert_close(to_numpy(values_compiled)[good], to_numpy(values)[good], 1e-6)
        assert np.isnan(to_numpy(entry.cls(**options)(t, p)))  # and so is the mean


def test_ignored_labels_are_not_bad():
    """``ignore_index`` outside ``[0, C)`` (PyTorch's -100) is ignored, never NaN; every other stray label is."""
    loss = kl.SparseCategoricalCrossentropy(from_logits=True, ignore_index=-100, reduction="none")
    logits = np.zeros((3, C), "float32")
    values = to_numpy(loss(np.array([-100.0, 1.0, -99.0]), logits))
    assert values[0] == 0.0 and np.isclose(values[1], np.log(C)) and np.isnan(values[2])


def test_integer_labels_follow_the_same_policy():
    loss = kl.NegativeLogLikelihood(reduction="none")
    values = to_numpy(loss(np.array([0, 3, -1], "int32"), np.log(np.full((3, C), 1 / C, "float32"))))
    assert np.isclose(values[0], np.log(C)) and np.isnan(values[1]) and np.isnan(values[2])


def test_terminate_on_nan_stops_training_on_a_bad_label():
    x = np.random.default_rng(0).normal(size=(8, 4)).astype("float32")
    y = np.array([0, 1, 2, 0, 1, 2, 7, 0], "float32")  # 7 is not one of the 3 classes
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(C)])
    model.compile(optimizer="sgd", loss=kl.SparseCategoricalCrossentropy(from_logits=True))
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0, callbacks=[keras.callbacks.TerminateOnNaN()])
    assert len(history.history["loss"]) == 1 and np.isnan(history.history["loss"][0])
