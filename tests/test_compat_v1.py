"""keras_losses.compat.v1 against tf.compat.v1.losses: every function, reduction and weight shape.

TF1 computes in float32; both sides do, so values and gradients (with respect
to the predictions or logits) must agree to float32 rounding. TF1's own
published test values and its errors are checked too.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import tensorflow as tf

from keras_losses.compat import v1
from tests.helpers import GRAD_RTOL, VALUE_RTOL, assert_close, to_numpy, value_and_grads

TF1 = tf.compat.v1.losses
REDUCTIONS = ["NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS"]


def _inputs(name, rng):
    """(labels, predictions, extra kwargs, shape of the unreduced losses) for each TF1 function."""
    if name in ("absolute_difference", "mean_squared_error", "huber_loss", "mean_pairwise_squared_error"):
        return rng.normal(0, 2, (4, 3)), rng.normal(0, 2, (4, 3)), {}, (4, 3)
    if name == "log_loss":
        return rng.integers(0, 2, (4, 3)).astype("float64"), rng.uniform(0.02, 0.98, (4, 3)), {}, (4, 3)
    if name in ("hinge_loss", "sigmoid_cross_entropy"):
        return rng.integers(0, 2, (4, 3)).astype("float64"), rng.normal(0, 2, (4, 3)), {}, (4, 3)
    if name == "cosine_distance":
        unit = lambda x: x / np.linalg.norm(x, axis=1, keepdims=True)  # noqa: E731
        return unit(rng.normal(size=(4, 3))), unit(rng.normal(size=(4, 3))), {"axis": 1}, (4, 1)
    if name == "softmax_cross_entropy":
        return np.eye(3)[rng.integers(0, 3, 4)], rng.normal(0, 2, (4, 3)), {}, (4,)
    if name == "sparse_softmax_cross_entropy":
        return rng.integers(0, 3, (4, 1)), rng.normal(0, 2, (4, 3)), {}, (4,)
    raise ValueError(name)


def _weight_cases(loss_shape, rng):
    cases = {"python_scalar": 2.3, "zero_scalar": 0.0, "tensor_scalar": np.float32(0.7)}
    per_sample = rng.uniform(0.5, 2.0, (loss_shape[0],) + (1,) * (len(loss_shape) - 1))
    per_sample[1] = 0.0
    cases["per_sample"] = per_sample.astype("float32")
    elementwise = rng.uniform(0.0, 2.0, loss_shape)
    elementwise.reshape(-1)[::3] = 0.0
    cases["elementwise"] = elementwise.astype("float32")
    return cases


def _ours_and_tf1(name, labels, predictions, weights, kwargs):
    ours_fn, tf_fn = getattr(v1, name), getattr(TF1, name)

    def ours(p):
        return ours_fn(labels, p, weights=weights, **kwargs)

    p32 = predictions.astype("float32")
    value, (grad,) = value_and_grads(lambda p: keras.ops.sum(ours(p)), [p32], wrt=[0])
    x = tf.Variable(p32)
    tf_labels = tf.constant(labels.astype("int32" if name.startswith("sparse") else "float32"))
    tf_weights = tf.constant(weights) if isinstance(weights, np.ndarray) else weights
    with tf.GradientTape() as tape:
        expected = tf_fn(tf_labels, x, weights=tf_weights, **kwargs)
        total = tf.reduce_sum(expected)
    return (to_numpy(ours(p32)), grad), (expected.numpy(), tape.gradient(total, x).numpy(), total.numpy(), value)


FUNCTIONS = [
    "absolute_difference",
    "cosine_distance",
    "hinge_loss",
    "huber_loss",
    "log_loss",
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


@pytest.mark.parametrize("weighting", ["python_scalar", "zero_scalar", "tensor_scalar", "per_sample", "elementwise"])
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("name", FUNCTIONS)
def test_matches_tf_compat_v1(name, reduction, weighting, rng):
    labels, predictions, kwargs, loss_shape = _inputs(name, rng)
    weights = _weight_cases(loss_shape, rng)[weighting]
    kwargs = dict(kwargs, reduction=getattr(v1.Reduction, reduction))
    (value, grad), (expected, expected_grad, _, _) = _ours_and_tf1(name, labels, predictions, weights, kwargs)
    assert value.shape == expected.shape
    assert_close(value, expected, VALUE_RTOL, record=f"compat.v1.{name}")
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient", record=f"compat.v1.{name}")


@pytest.mark.parametrize("smoothing", [0.1, 0.3])
@pytest.mark.parametrize("name", ["sigmoid_cross_entropy", "softmax_cross_entropy"])
def test_label_smoothing_matches(name, smoothing, rng):
    labels, predictions, _, _ = _inputs(name, rng)
    kwargs = {"label_smoothing": smoothing}
    (value, grad), (expected, expected_grad, _, _) = _ours_and_tf1(name, labels, predictions, 1.0, kwargs)
    assert_close(value, expected, VALUE_RTOL)
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient")


@pytest.mark.parametrize("delta", [0.3, 2.0])
def test_huber_delta_and_log_loss_epsilon(delta, rng):
    labels, predictions, _, _ = _inputs("huber_loss", rng)
    (value, _), (expected, _, _, _) = _ours_and_tf1("huber_loss", labels, predictions, 1.0, {"delta": delta})
    assert_close(value, expected, VALUE_RTOL)
    labels, predictions, _, _ = _inputs("log_loss", rng)
    (value, _), (expected, _, _, _) = _ours_and_tf1("log_loss", labels, predictions, 1.0, {"epsilon": delta})
    assert_close(value, expected, VALUE_RTOL)


@pytest.mark.parametrize("weighting", ["python_scalar", "zero_scalar", "tensor_scalar", "per_sample", "elementwise"])
def test_mean_pairwise_squared_error_matches_including_the_scalar_quirk(weighting, rng):
    labels, predictions, _, loss_shape = _inputs("mean_pairwise_squared_error", rng)
    weights = _weight_cases(loss_shape, rng)[weighting]
    (value, grad), (expected, expected_grad, _, _) = _ours_and_tf1(
        "mean_pairwise_squared_error", labels, predictions, weights, {}
    )
    assert_close(value, expected, VALUE_RTOL)
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient")


# --- TF1's own test values (tensorflow/python/kernel_tests/losses_test.py) -------------------------------

AD_PREDICTIONS = np.array([4, 8, 12, 8, 1, 3], "float32").reshape(2, 3)
AD_LABELS = np.array([1, 9, 2, -5, -2, 6], "float32").reshape(2, 3)
SOFTMAX_LOGITS = np.array([[10.0, 0.0, 0.0], [0.0, 10.0, 0.0], [0.0, 0.0, 10.0]], "float32")
WRONG_ONEHOT = np.array([[0, 0, 1], [1, 0, 0], [0, 1, 0]], "float32")


@pytest.mark.parametrize(
    "weights,expected",
    [
        (1.0, 5.5),
        (2.3, 5.5 * 2.3),
        (np.array([[1.2], [0.0]], "float32"), 5.6),
        (np.array([3, 6, 5, 0, 4, 2], "float32").reshape(2, 3), 16.6),
        (np.array([0, 0, 0, 0, 0, 2], "float32").reshape(2, 3), 6.0),
        (np.zeros((2, 3), "float32"), 0.0),
    ],
)
def test_tf1_published_absolute_difference_values(weights, expected):
    assert abs(float(v1.absolute_difference(AD_LABELS, AD_PREDICTIONS, weights)) - expected) < 1e-3


def test_tf1_published_softmax_values():
    assert abs(float(v1.softmax_cross_entropy(WRONG_ONEHOT, SOFTMAX_LOGITS)) - 10.0) < 1e-3
    assert abs(float(v1.softmax_cross_entropy(WRONG_ONEHOT, SOFTMAX_LOGITS, 2.3)) - 23.0) < 1e-3
    weights = np.array([1.2, 3.4, 5.6], "float32")
    got = float(v1.softmax_cross_entropy(WRONG_ONEHOT, SOFTMAX_LOGITS, weights))
    assert abs(got - (1.2 + 3.4 + 5.6) * 10.0 / 3.0) < 1e-3
    assert abs(float(v1.softmax_cross_entropy(WRONG_ONEHOT, SOFTMAX_LOGITS, np.array([1.2, 0, 0]))) - 12.0) < 1e-3
    assert float(v1.softmax_cross_entropy(WRONG_ONEHOT, SOFTMAX_LOGITS, np.zeros(3))) == 0.0
    smoothed = v1.softmax_cross_entropy(
        np.array([[1, 0, 0]], "float32"), np.array([[100.0, -100.0, -100.0]], "float32"), label_smoothing=0.1
    )
    assert abs(float(smoothed) - 400.0 * 0.1 / 3.0) < 1e-3
    sparse_labels = np.array([[2], [0], [1]], "int32")
    got = float(v1.sparse_softmax_cross_entropy(sparse_labels, SOFTMAX_LOGITS, weights.reshape(3, 1)))
    assert abs(got - (1.2 + 3.4 + 5.6) * 10.0 / 3.0) < 1e-3
    assert abs(float(v1.sparse_softmax_cross_entropy(np.array([2, 0, 1]), SOFTMAX_LOGITS)) - 10.0) < 1e-3


# --- TF1's errors --------------------------------------------------------------------------------------


def test_weights_none_raise():
    for name in FUNCTIONS + ["mean_pairwise_squared_error"]:
        labels, predictions, kwargs, _ = _inputs(name, np.random.default_rng(0))
        with pytest.raises(ValueError):
            getattr(TF1, name)(labels, predictions, weights=None, **kwargs)
        with pytest.raises(ValueError, match="`weights` must not be None"):
            getattr(v1, name)(labels, predictions, weights=None, **kwargs)


@pytest.mark.parametrize(
    "name,weights",
    [
        ("absolute_difference", np.ones(2, "float32")),  # rank 1 against (2, 3) losses
        ("mean_squared_error", np.ones((2, 3, 1), "float32")),  # rank 3
        ("log_loss", np.ones((2, 2), "float32")),  # dim 1: 2 is neither 1 nor 3
        ("softmax_cross_entropy", np.ones((2, 3), "float32")),  # per-class weights on per-sample losses
    ],
)
def test_weight_rank_errors_match_tf1(name, weights):
    labels = np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]], "float32")
    predictions = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1]], "float32")
    with pytest.raises(ValueError, match="weights can not be broadcast to values") as tf_error:
        getattr(TF1, name)(labels, predictions, weights=tf.constant(weights))
    with pytest.raises(ValueError, match="weights can not be broadcast to values") as our_error:
        getattr(v1, name)(labels, predictions, weights=weights)
    # Same diagnosis: the rank message or the dimension message.
    assert ("Mismatch at dim" in str(tf_error.value)) == ("Mismatch at dim" in str(our_error.value))


def test_other_errors():
    with pytest.raises(ValueError, match="axis"):
        v1.cosine_distance(np.ones((2, 3)), np.ones((2, 3)))
    assert float(v1.cosine_distance(np.ones((2, 3)), np.ones((2, 3)), dim=1)) == -2.0
    with pytest.raises(ValueError, match=r"\(2, 3\) and \(2, 4\)"):
        v1.mean_squared_error(np.ones((2, 4)), np.ones((2, 3)))
    with pytest.raises(ValueError, match="reduction"):
        v1.mean_squared_error(np.ones((2, 3)), np.ones((2, 3)), reduction="avg")
    assert v1.Reduction.all() == tuple(
        getattr(tf.compat.v1.losses.Reduction, k) for k in ["NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE"]
    ) + (tf.compat.v1.losses.Reduction.SUM_BY_NONZERO_WEIGHTS,)
