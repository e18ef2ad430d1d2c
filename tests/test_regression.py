"""Oracle tests for the regression family: values and gradients, every option and reduction.

Each loss is compared with the oracle the catalog names, computed in float64:
PyTorch (autograd gradients), TF1 ``tf.compat.v1.losses``, or a NumPy
transcription of the formula (finite-difference gradients); Keras built-ins are
compared on the current backend in float32 as well.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import keras_losses as kl
from tests.helpers import (
    GRAD_RTOL,
    VALUE_RTOL,
    assert_close,
    to_numpy,
    value_and_grads,
)
from tests.oracle import (
    Oracle,
    assert_same_as_keras,
    check_oracle,
    make_inputs,
    oracle_params,
    our_value_and_grads,
    real_inputs,
    reference_value_and_grads,
)

EPS = 1e-7  # keras.config.epsilon()

# --- inputs -----------------------------------------------------------------------------------


def rate_inputs(rng, shape):
    return rng.poisson(2.0, shape).astype("float64"), rng.uniform(0.1, 4.0, shape)


def count_and_log_rate_inputs(rng, shape):
    return rng.poisson(3.0, shape).astype("float64"), rng.normal(0.5, 1.0, shape)


def nonnegative_inputs(rng, shape):
    return rng.uniform(0, 5, shape), rng.uniform(0, 5, shape)


def gaussian_inputs(rng, shape):
    return rng.normal(0, 2, shape), (rng.normal(0, 2, shape), rng.uniform(0.05, 3.0, shape))


# --- float64 references -------------------------------------------------------------------------
# NumPy references return per-sample values; torch references work on float64 tensors.


def np_huber(t, p, delta):
    d = np.abs(p - t)
    return np.mean(np.where(d <= delta, 0.5 * d**2, delta * (d - 0.5 * delta)), -1)


def np_pinball(t, p, tau):
    d = t - p
    tau = np.asarray(tau, dtype="float64")
    return np.mean(np.maximum(tau * d, (tau - 1) * d), -1)


def np_barron(t, p, alpha, scale):
    """Barron 2019, eq. 1 and its limits (eq. 4-7), written from the paper."""
    x2 = ((p - t) / scale) ** 2
    if alpha == 2:
        rho = 0.5 * x2
    elif alpha == 0:
        rho = np.log(0.5 * x2 + 1)
    elif alpha == -math.inf:
        rho = 1 - np.exp(-0.5 * x2)
    elif alpha == math.inf:
        rho = np.exp(0.5 * x2) - 1
    else:
        b = abs(alpha - 2)
        rho = b / alpha * ((x2 / b + 1) ** (alpha / 2) - 1)
    return np.mean(rho, -1)


def np_cosine(t, p, axis):
    def unit(x):
        return x / np.sqrt(np.maximum(np.sum(x * x, axis=axis, keepdims=True), EPS**2))

    return -np.sum(unit(t) * unit(p), axis=axis)


def np_pairwise(t, p):
    """Mean over pairs i < j of (d_i - d_j)^2, with an explicit double loop."""
    d = (p - t).reshape(len(t), -1)
    out = np.zeros(len(t))
    n = d.shape[1]
    for k in range(len(t)):
        pairs = [(d[k, i] - d[k, j]) ** 2 for i in range(n) for j in range(i + 1, n)]
        out[k] = np.mean(pairs) if pairs else 0.0
    return out


ORACLES = [
    Oracle(kl.MeanSquaredError, {}, lambda t, p: F.mse_loss(p, t, reduction="none").mean(-1), kind="torch"),
    Oracle(kl.MeanSquaredError, {}, lambda t, p: np.mean((p - t) ** 2, -1)),
    Oracle(kl.MeanAbsoluteError, {}, lambda t, p: F.l1_loss(p, t, reduction="none").mean(-1), kind="torch"),
    Oracle(
        kl.MeanAbsolutePercentageError,
        {},
        lambda t, p: 100 * np.mean(np.abs(t - p) / np.maximum(np.abs(t), EPS), -1),
    ),
    Oracle(
        kl.MeanSquaredLogarithmicError,
        {},
        lambda t, p: np.mean((np.log(np.maximum(p, EPS) + 1) - np.log(np.maximum(t, EPS) + 1)) ** 2, -1),
        inputs=nonnegative_inputs,
    ),
    Oracle(kl.L1Norm, {}, lambda t, p: np.sum(np.abs(p - t), -1)),
    Oracle(kl.L1Norm, {"axis": 1}, lambda t, p: np.sum(np.abs(p - t), 1)),
    Oracle(kl.L1Norm, {"axis": -2}, lambda t, p: np.sum(np.abs(p - t), -2)),
    Oracle(kl.L2Norm, {}, lambda t, p: np.sqrt(np.sum((p - t) ** 2, -1))),
    Oracle(kl.L2Norm, {"axis": 1}, lambda t, p: np.sqrt(np.sum((p - t) ** 2, 1))),
    *[Oracle(kl.Huber, {"delta": delta}, lambda t, p, delta=delta: np_huber(t, p, delta)) for delta in (0.5, 1.0, 3.0)],
    *[
        Oracle(
            kl.Huber,
            {"delta": delta},
            lambda t, p, delta=delta: F.huber_loss(p, t, delta=delta, reduction="none").mean(-1),
            kind="torch",
        )
        for delta in (0.5, 1.0, 3.0)
    ],
    *[
        Oracle(
            kl.SmoothL1,
            {"beta": beta},
            lambda t, p, beta=beta: F.smooth_l1_loss(p, t, beta=beta, reduction="none").mean(-1),
            kind="torch",
        )
        for beta in (0.0, 0.5, 1.0, 2.5)
    ],
    Oracle(kl.LogCosh, {}, lambda t, p: np.mean(np.log(np.cosh(p - t)), -1)),
    Oracle(kl.Poisson, {}, lambda t, p: np.mean(p - t * np.log(p + EPS), -1), inputs=rate_inputs),
    *[
        Oracle(
            kl.PoissonNLL,
            {"log_input": log_input, "full": full, "eps": eps},
            lambda t, p, o=(log_input, full, eps): F.poisson_nll_loss(
                p, t, log_input=o[0], full=o[1], eps=o[2], reduction="none"
            ).mean(-1),
            inputs=count_and_log_rate_inputs if log_input else rate_inputs,
            kind="torch",
        )
        for log_input in (True, False)
        for full in (False, True)
        for eps in (1e-8, 0.5)
    ],
    *[
        Oracle(
            kl.GaussianNLL,
            {"full": full, "eps": eps},
            lambda t, p, o=(full, eps): F.gaussian_nll_loss(p[0], t, p[1], full=o[0], eps=o[1], reduction="none").mean(
                -1
            ),
            inputs=gaussian_inputs,
            kind="torch",
        )
        for full in (False, True)
        for eps in (1e-6, 0.5)  # 0.5 clamps some variances: the gradient passes through as in torch
    ],
    Oracle(kl.CosineSimilarity, {}, lambda t, p: np_cosine(t, p, -1)),
    Oracle(kl.CosineSimilarity, {"axis": 1}, lambda t, p: np_cosine(t, p, 1)),
    *[
        Oracle(kl.Pinball, {"tau": tau}, lambda t, p, tau=tau: np_pinball(t, p, tau))
        for tau in (0.0, 0.1, 0.5, 0.9, 1.0)
    ],
    Oracle(
        kl.Pinball,
        {"tau": [0.1, 0.3, 0.5, 0.7, 0.9]},
        lambda t, p: np_pinball(t, p, [0.1, 0.3, 0.5, 0.7, 0.9]),
    ),
    Oracle(kl.MeanPairwiseSquaredError, {}, np_pairwise),
    *[
        Oracle(
            kl.AdaptiveRobust,
            {"alpha": alpha, "scale": scale},
            lambda t, p, o=(alpha, scale): np_barron(t, p, *o),
        )
        for alpha, scale in [
            (1.0, 1.0),
            (2.0, 1.0),
            (0.0, 1.0),
            (-2.0, 0.5),
            (-math.inf, 1.0),
            (math.inf, 2.0),
            (0.5, 2.0),
            (1.5, 0.7),
            (4.0, 3.0),
            (-7.0, 1.0),
        ]
    ],
]


@pytest.mark.parametrize("oracle,reduction,weighting", oracle_params(ORACLES))
def test_matches_oracle(oracle, reduction, weighting, rng):
    # With axis=1 the vectors lie along axis 1 of (N, K, D) inputs: the output is (N, D).
    shape, out_shape = ((6, 4, 5), (6, 5)) if "axis" in oracle.options else ((6, 5), (6,))
    check_oracle(oracle, rng, reduction, weighting, shape, out_shape)


@pytest.mark.parametrize(
    "oracle",
    # MeanPairwiseSquaredError is per sample by definition (all non-batch axes are pairs).
    [o for o in ORACLES if "axis" not in o.options and o.cls is not kl.MeanPairwiseSquaredError],
    ids=lambda o: o.id,
)
def test_time_steps_with_per_step_weights(oracle, rng):
    """Inputs (N, T, D) with weights (N, T): the loss is per step, weighted per step."""
    y_true, parts = make_inputs(oracle, rng, (3, 4, 5))
    weight = rng.uniform(0.0, 2.0, (3, 4))
    for reduction in ("sum_over_batch_size", "weighted_mean", "sum_by_nonzero_weights"):
        loss = oracle.cls(**oracle.options, reduction=reduction)
        expected, _ = reference_value_and_grads(oracle, y_true, parts, weight, reduction, None)
        actual, _ = our_value_and_grads(loss, y_true, parts, weight, reduction, np.ones((3, 4)))
        assert_close(actual, expected, VALUE_RTOL)


# --- the oracle's own reduction --------------------------------------------------------------------

TORCH_MEAN = [
    (kl.MeanSquaredError(), lambda t, p: F.mse_loss(p, t)),
    (kl.MeanAbsoluteError(), lambda t, p: F.l1_loss(p, t)),
    (kl.Huber(delta=0.7), lambda t, p: F.huber_loss(p, t, delta=0.7)),
    (kl.SmoothL1(beta=0.3), lambda t, p: F.smooth_l1_loss(p, t, beta=0.3)),
    (kl.PoissonNLL(), lambda t, p: F.poisson_nll_loss(p, t)),
]


@pytest.mark.parametrize("loss,torch_loss", TORCH_MEAN, ids=lambda x: getattr(x, "name", ""))
def test_default_reduction_is_torch_mean(loss, torch_loss, rng):
    """Our default reduction equals torch's reduction="mean" over all elements, for N-d inputs too."""
    t, p = rng.poisson(2.0, (4, 3, 5)).astype("float64"), rng.normal(0, 1, (4, 3, 5))
    expected = torch_loss(torch.tensor(t), torch.tensor(p)).item()
    assert_close(to_numpy(loss(t.astype("float32"), p.astype("float32"))), expected, VALUE_RTOL)


def test_gaussian_nll_stacked_equals_tuple_and_torch_homoscedastic(rng):
    t = rng.normal(size=(5, 3))
    mean, var = rng.normal(size=(5, 3)), rng.uniform(0.1, 2, (5, 3))
    loss = kl.GaussianNLL()
    stacked = np.stack([mean, var], axis=1).astype("float32")
    by_tuple = to_numpy(loss(t.astype("float32"), (mean.astype("float32"), var.astype("float32"))))
    assert_close(to_numpy(loss(t.astype("float32"), stacked)), by_tuple, VALUE_RTOL)
    by_keyword = to_numpy(kl.gaussian_nll(t.astype("float32"), mean=mean.astype("float32"), var=var.astype("float32")))
    assert_close(by_keyword.mean(), by_tuple, VALUE_RTOL)
    for shared in (var[:, :1], var[:, 0]):  # one variance per sample: (N, 1) and (N,)
        expected = F.gaussian_nll_loss(torch.tensor(mean), torch.tensor(t), torch.tensor(shared)).item()
        got = to_numpy(loss(t.astype("float32"), (mean.astype("float32"), shared.astype("float32"))))
        assert_close(got, expected, VALUE_RTOL)
    with pytest.raises(ValueError, match=r"mean.shape=\(5, 3\) and var.shape=\(5, 2\)"):
        loss(t, (mean, var[:, :2]))
    with pytest.raises(ValueError, match="stacked on axis 1"):
        loss(t, mean)


# --- Keras built-ins on this backend ----------------------------------------------------------------

KERAS_TWINS = [
    (kl.MeanSquaredError, keras.losses.MeanSquaredError, {}, real_inputs),
    (kl.MeanAbsoluteError, keras.losses.MeanAbsoluteError, {}, real_inputs),
    (kl.MeanAbsolutePercentageError, keras.losses.MeanAbsolutePercentageError, {}, real_inputs),
    (kl.MeanSquaredLogarithmicError, keras.losses.MeanSquaredLogarithmicError, {}, nonnegative_inputs),
    (kl.Huber, keras.losses.Huber, {"delta": 0.8}, real_inputs),
    (kl.LogCosh, keras.losses.LogCosh, {}, real_inputs),
    (kl.Poisson, keras.losses.Poisson, {}, rate_inputs),
    (kl.CosineSimilarity, keras.losses.CosineSimilarity, {}, real_inputs),
    (kl.CosineSimilarity, keras.losses.CosineSimilarity, {"axis": 1}, real_inputs),
]
KERAS_REDUCTIONS = ("sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", "none")


@pytest.mark.parametrize("reduction", KERAS_REDUCTIONS)
@pytest.mark.parametrize("ours,theirs,options,inputs", KERAS_TWINS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_matches_keras_builtin(ours, theirs, options, inputs, reduction, rng):
    shape, weight_shape = ((6, 4, 5), (6, 1)) if "axis" in options else ((6, 5), (6,))
    t, p = (x.astype("float32") for x in inputs(rng, shape))
    weight = rng.uniform(0, 2, weight_shape).astype("float32")
    cot = keras.ops.convert_to_tensor(rng.normal(size=shape[:1] + shape[2:]).astype("float32"))
    assert_same_as_keras(
        ours(**options, reduction=reduction), theirs(**options, reduction=reduction), t, p, weight, cot
    )


def test_log_cosh_matches_optax_for_large_errors(rng):
    import jax.numpy as jnp
    import optax

    t = np.zeros((4, 6), "float32")
    p = np.concatenate([rng.normal(0, 1, (4, 3)), rng.uniform(100, 5000, (4, 3)) * rng.choice([-1, 1], (4, 3))], 1)
    p = p.astype("float32")
    expected = np.asarray(optax.log_cosh(jnp.asarray(p), jnp.asarray(t))).mean(-1)
    assert_close(to_numpy(kl.log_cosh(t, p)), expected, VALUE_RTOL)


# --- TF1 and published values -----------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(4, 6), (3, 2, 5), (5, 1)])
def test_pairwise_matches_tf1_with_per_sample_weights(shape, rng):
    import tensorflow as tf

    t, p = rng.normal(size=shape), rng.normal(size=shape)
    weight = rng.uniform(0.0, 2.0, shape[0])
    weight[0] = 0.0
    wshape = (shape[0],) + (1,) * (len(shape) - 1)
    pt = tf.constant(p)
    with tf.GradientTape() as tape:
        tape.watch(pt)
        expected = tf.compat.v1.losses.mean_pairwise_squared_error(
            tf.constant(t), pt, weights=tf.constant(weight.reshape(wshape))
        )
    expected_grad = tape.gradient(expected, pt).numpy()
    loss = kl.MeanPairwiseSquaredError(reduction="sum")

    def scalar(t, p, w):
        return loss(t, p, sample_weight=w)

    actual, (grad,) = value_and_grads(scalar, [t.astype("float32"), p.astype("float32"), weight.astype("float32")], [1])
    assert_close(actual, expected.numpy(), VALUE_RTOL)
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient")


def test_pairwise_is_shift_invariant(rng):
    t, p = rng.normal(size=(4, 7)).astype("float32"), rng.normal(size=(4, 7)).astype("float32")
    shifted = p + rng.normal(size=(4, 1)).astype("float32") * 100
    assert_close(to_numpy(kl.mean_pairwise_squared_error(t, shifted)), np_pairwise(t, p), 1e-4)


PINBALL_Y_TRUE = np.array([1, 9, 2, -5, -2, 6], "float32").reshape(2, 3)
PINBALL_Y_PRED = np.array([4, 8, 12, 8, 1, 3], "float32").reshape(2, 3)


@pytest.mark.parametrize(
    "kwargs,call_kwargs,expected",
    [  # the published test values of tfa.losses.PinballLoss (tensorflow_addons/losses/tests/quantiles_test.py)
        ({}, {}, 2.75),
        ({}, {"sample_weight": 2.3}, 6.325),
        ({}, {"sample_weight": np.array([[1.2], [3.4]], "float32")}, 40.7 / 6),
        ({}, {"sample_weight": 0.0}, 0.0),
        ({"tau": 0.0}, {}, 4.8333),
        ({"tau": 0.1}, {}, 4.4166),
        ({"tau": 0.9}, {}, 1.0833),
        ({"tau": 1.0}, {}, 0.6666),
        ({"reduction": "none"}, {"sample_weight": 2.3}, [5.3666, 7.28333]),
        ({"reduction": "sum"}, {"sample_weight": 2.3}, 12.65),
    ],
)
def test_pinball_published_values(kwargs, call_kwargs, expected):
    value = to_numpy(kl.Pinball(**kwargs)(PINBALL_Y_TRUE, PINBALL_Y_PRED, **call_kwargs))
    np.testing.assert_allclose(value, expected, atol=1e-3)


def test_pinball_published_timestep_weights():
    weight = np.array([3, 6, 5, 0, 4, 2], "float32").reshape(2, 3)
    value = kl.Pinball()(PINBALL_Y_TRUE.reshape(2, 3, 1), PINBALL_Y_PRED.reshape(2, 3, 1), sample_weight=weight)
    np.testing.assert_allclose(to_numpy(value), 41.5 / 6, atol=1e-3)


# --- numerics at the edges --------------------------------------------------------------------------


def test_log_cosh_is_exact_for_large_errors_and_float32_accurate_near_zero():
    d = np.array([[100.0], [-250.0], [1e4], [-3e4]], "float32")
    expected = np.abs(d[:, 0].astype("float64")) - math.log(2.0)  # cosh(x) = exp(|x|) / 2 here
    np.testing.assert_allclose(to_numpy(kl.log_cosh(np.zeros_like(d), d)), expected, rtol=1e-7)
    small = np.array([[1e-4], [-1e-3], [0.0]], "float32")
    expected = np.log(np.cosh(small[:, 0].astype("float64")))
    np.testing.assert_allclose(to_numpy(kl.log_cosh(np.zeros_like(small), small)), expected, rtol=0, atol=4e-7)


def test_l2_norm_gradient_at_zero_is_finite_and_zero():
    x = np.ones((3, 4), "float32")
    _, (grad,) = value_and_grads(lambda t, p: kl.L2Norm()(t, p), [x, x.copy()], [1])
    np.testing.assert_array_equal(grad, np.zeros_like(x))


@pytest.mark.parametrize("alpha", [2.0, 0.0, -math.inf])
def test_adaptive_robust_is_continuous_at_its_limits(alpha, rng):
    """Near alpha = 2, 0 and -inf, the general formula approaches the exact limit."""
    t, p = rng.normal(size=(4, 5)).astype("float32"), rng.normal(size=(4, 5)).astype("float32")
    exact = to_numpy(kl.adaptive_robust(t, p, alpha=alpha))
    near = [-1e6] if alpha == -math.inf else [alpha - 1e-5, alpha + 1e-5]
    for nearby in near:
        assert_close(to_numpy(kl.adaptive_robust(t, p, alpha=nearby)), exact, 1e-3)


def test_adaptive_robust_special_cases(rng):
    """alpha = 1 is Charbonnier sqrt(z^2 + 1) - 1; alpha = -2 is Geman-McClure 2 z^2 / (z^2 + 4)."""
    t, p = rng.normal(size=(4, 5)), rng.normal(size=(4, 5))
    z2 = (p - t) ** 2
    charbonnier = (np.sqrt(z2 + 1) - 1).mean(-1)
    geman_mcclure = (2 * z2 / (z2 + 4)).mean(-1)
    args = (t.astype("float32"), p.astype("float32"))
    assert_close(to_numpy(kl.adaptive_robust(*args, alpha=1.0)), charbonnier, VALUE_RTOL)
    assert_close(to_numpy(kl.adaptive_robust(*args, alpha=-2.0)), geman_mcclure, VALUE_RTOL)


def test_smooth_l1_is_huber_over_beta(rng):
    t, p = rng.normal(size=(4, 5)).astype("float32"), rng.normal(size=(4, 5)).astype("float32")
    assert_close(to_numpy(kl.smooth_l1(t, p, beta=0.6)), to_numpy(kl.huber(t, p, delta=0.6)) / 0.6, VALUE_RTOL)
