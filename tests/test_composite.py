"""Loss arithmetic: a weighted sum of losses is one loss that compiles, saves and reloads."""

from __future__ import annotations

import json

import keras
import numpy as np
import pytest

import keras_losses as kl
from tests.helpers import assert_close, to_numpy, value_and_grads


def _segmentation_batch(rng, n=4, classes=3):
    labels = rng.integers(0, classes, (n, 5, 5)).astype("float32")
    logits = rng.normal(0, 2, (n, 5, 5, classes)).astype("float32")
    return labels, logits


def _value_and_grad(loss, y_true, y_pred, weight=None):
    arrays = [y_true, y_pred] + ([] if weight is None else [weight])
    value, (grad,) = value_and_grads(lambda t, p, *w: loss(t, p, sample_weight=w[0] if w else None), arrays, [1])
    return value, grad


def test_dice_plus_half_cross_entropy_is_the_weighted_sum(rng):
    labels, logits = _segmentation_batch(rng)
    dice = kl.Dice(mode="multiclass", from_logits=True)
    ce = kl.SparseCategoricalCrossentropy(from_logits=True)
    combined = dice + 0.5 * ce
    assert isinstance(combined, kl.CompositeLoss)
    value, grad = _value_and_grad(combined, labels, logits)
    parts = [_value_and_grad(loss, labels, logits) for loss in (dice, ce)]
    assert_close(value, parts[0][0] + 0.5 * parts[1][0], 1e-6)
    assert_close(grad, parts[0][1] + 0.5 * parts[1][1], 1e-5, "gradient")


def test_each_term_keeps_its_own_reduction_and_sees_the_sample_weights(rng):
    y_true, y_pred = rng.normal(size=(6, 3)).astype("float32"), rng.normal(size=(6, 3)).astype("float32")
    weight = rng.uniform(0, 2, 6).astype("float32")
    total = kl.MeanSquaredError(reduction="sum") - kl.MeanAbsoluteError() / 4
    expected = to_numpy(kl.MeanSquaredError(reduction="sum")(y_true, y_pred, weight)) - 0.25 * to_numpy(
        kl.MeanAbsoluteError()(y_true, y_pred, weight)
    )
    assert_close(to_numpy(total(y_true, y_pred, sample_weight=weight)), expected, 1e-6)
    assert_close(to_numpy((-total)(y_true, y_pred, sample_weight=weight)), -expected, 1e-6)


def test_keras_losses_are_terms_too(rng):
    y_true = (rng.random((4, 6, 1)) > 0.5).astype("float32")
    y_pred = rng.uniform(0.05, 0.95, (4, 6, 1)).astype("float32")
    combined = keras.losses.BinaryCrossentropy() + kl.Jaccard()  # Keras's Loss has no __add__: ours runs
    expected = to_numpy(keras.losses.BinaryCrossentropy()(y_true, y_pred)) + to_numpy(kl.Jaccard()(y_true, y_pred))
    assert_close(to_numpy(combined(y_true, y_pred)), expected, 1e-6)
    assert [type(loss) for _, loss in combined.terms] == [keras.losses.BinaryCrossentropy, kl.Jaccard]


def test_config_round_trip_and_repr(rng):
    labels, logits = _segmentation_batch(rng)
    combined = 0.7 * kl.Dice(mode="multiclass", from_logits=True, smooth=1.0) + keras.losses.CategoricalHinge()
    assert "0.7 * Dice(" in repr(combined) and "smooth=1.0" in repr(combined) and "CategoricalHinge" in repr(combined)
    config = json.loads(json.dumps(keras.saving.serialize_keras_object(combined)))
    revived = keras.saving.deserialize_keras_object(config)
    assert type(revived) is kl.CompositeLoss and revived.get_config() == combined.get_config()
    onehot = np.eye(3, dtype="float32")[labels.astype(int)]
    mixed = 0.7 * kl.Dice(mode="multilabel", from_logits=True) + keras.losses.CategoricalHinge()
    again = kl.CompositeLoss.from_config(mixed.get_config())
    assert_close(to_numpy(again(onehot, logits)), to_numpy(mixed(onehot, logits)), 1e-7)
    with pytest.raises(ValueError, match="`not_an_option`"):
        kl.CompositeLoss.from_config({**combined.get_config(), "not_an_option": 1})
    with pytest.raises(ValueError, match="`terms`"):
        kl.CompositeLoss([(0.5, "mse")])


def test_compiles_trains_saves_and_loads(tmp_path, rng):
    labels, _ = _segmentation_batch(rng, n=8)
    x = rng.normal(size=(8, 5, 5, 2)).astype("float32")
    inputs = keras.Input((5, 5, 2))
    model = keras.Model(inputs, keras.layers.Conv2D(3, 1)(inputs))
    loss = kl.Dice(mode="multiclass", from_logits=True) + 0.5 * kl.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
    history = model.fit(x, labels, epochs=3, batch_size=8, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "composite.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # safe_mode=True
    assert isinstance(loaded.loss, kl.CompositeLoss) and loaded.loss.get_config() == loss.get_config()
    np.testing.assert_allclose(loaded.evaluate(x, labels, verbose=0), model.evaluate(x, labels, verbose=0), 1e-6)
