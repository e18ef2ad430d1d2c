"""Regression losses.

Every function takes ``y_true`` and ``y_pred`` of the same shape ``(N, ..., D)``
and returns one value per sample (and per time step, ...): shape ``(N, ...)``,
the last axis averaged as in ``keras.losses`` (``L1Norm``, ``L2Norm`` and
``CosineSimilarity`` reduce their ``axis`` instead). Each class wraps its
function; its reduction then gives PyTorch's ``reduction="mean"`` as the
default ``"sum_over_batch_size"``.

A trailing axis of size 1 on one side is squeezed, as in Keras; any other
shape mismatch raises ``ValueError`` naming both shapes.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from keras_losses.core.base import Loss
from keras_losses.core.numerics import divide_no_nan, like
from keras_losses.core.probabilities import epsilon
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    axis,
    boolean,
    checked,
    extended_real,
    non_negative,
    per_output,
    positive,
    same_shape,
    unit_interval,
)

__all__ = [
    "AdaptiveRobust",
    "CosineSimilarity",
    "GaussianNLL",
    "Huber",
    "L1Norm",
    "L2Norm",
    "LogCosh",
    "MeanAbsoluteError",
    "MeanAbsolutePercentageError",
    "MeanPairwiseSquaredError",
    "MeanSquaredError",
    "MeanSquaredLogarithmicError",
    "Pinball",
    "Poisson",
    "PoissonNLL",
    "SmoothL1",
    "adaptive_robust",
    "cosine_similarity",
    "gaussian_nll",
    "huber",
    "l1_norm",
    "l2_norm",
    "log_cosh",
    "mean_absolute_error",
    "mean_absolute_percentage_error",
    "mean_pairwise_squared_error",
    "mean_squared_error",
    "mean_squared_logarithmic_error",
    "pinball",
    "poisson",
    "poisson_nll",
    "smooth_l1",
]

_LOG2 = math.log(2.0)
_HALF_LOG_2PI = 0.5 * math.log(2.0 * math.pi)


# --- squared, absolute and relative errors --------------------------------------------------------


def mean_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean squared error over the last axis.

    Formula:
        ``loss = mean((y_pred - y_true) ** 2, axis=-1)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.mean_squared_error([[0.0, 2.0]], [[1.0, 0.0]])[0])
        2.5

    References:
        ``keras.losses.mean_squared_error``; ``torch.nn.functional.mse_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


def mean_absolute_error(y_true: Any, y_pred: Any) -> Any:
    """Mean absolute error over the last axis.

    Formula:
        ``loss = mean(|y_pred - y_true|, axis=-1)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.mean_absolute_error([[0.0, 2.0]], [[1.0, 0.0]])[0])
        1.5

    References:
        ``keras.losses.mean_absolute_error``; ``torch.nn.functional.l1_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(ops.abs(y_pred - y_true), axis=-1)


def mean_absolute_percentage_error(y_true: Any, y_pred: Any) -> Any:
    """Mean absolute percentage error over the last axis.

    Formula:
        ``loss = 100 * mean(|y_true - y_pred| / max(|y_true|, epsilon), axis=-1)``
        with ``epsilon = keras.config.epsilon()``, so ``y_true = 0`` gives a
        large but finite value, as in Keras.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.mean_absolute_percentage_error([[1.0, 4.0]], [[1.5, 3.0]])[0])
        37.5

    References:
        ``keras.losses.mean_absolute_percentage_error``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    relative = ops.abs(y_true - y_pred) / ops.maximum(ops.abs(y_true), like(epsilon(), y_true))
    return 100.0 * ops.mean(relative, axis=-1)


def mean_squared_logarithmic_error(y_true: Any, y_pred: Any) -> Any:
    """Mean squared logarithmic error over the last axis.

    Formula:
        ``loss = mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1)) ** 2, axis=-1)``
        with ``eps = keras.config.epsilon()`` (negative inputs count as ``eps``, as in Keras).
        ``log(x + 1)`` rather than ``log1p(x)``: the same to float32's absolute precision
        here, and ``log`` is the faster kernel under XLA (measured: log1p made it 1.4x
        Keras's time on JAX and TF).

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import math, keras_losses
        >>> value = float(keras_losses.mean_squared_logarithmic_error([[math.e - 1]], [[0.0]])[0])
        >>> round(value, 5)
        1.0

    References:
        ``keras.losses.mean_squared_logarithmic_error``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    eps = like(epsilon(), y_pred)
    log_ratio = ops.log(ops.maximum(y_pred, eps) + 1.0) - ops.log(ops.maximum(y_true, eps) + 1.0)
    return ops.mean(ops.square(log_ratio), axis=-1)


@checked(axis=axis)
def l1_norm(y_true: Any, y_pred: Any, *, axis: int = -1) -> Any:
    """L1 norm of the error along ``axis`` (a sum, where MAE is a mean).

    Formula:
        ``loss = sum(|y_pred - y_true|, axis)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: the input shape without ``axis``.

    Args:
        axis: the axis summed over.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.l1_norm([[0.0, 2.0]], [[1.0, 0.0]])[0])
        3.0

    References:
        The "L1 norm loss" of the seed documents; ``torch.nn.L1Loss(reduction="sum")`` per sample.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.sum(ops.abs(y_pred - y_true), axis=axis)


@checked(axis=axis)
def l2_norm(y_true: Any, y_pred: Any, *, axis: int = -1) -> Any:
    """Euclidean (L2) norm of the error along ``axis``.

    Formula:
        ``loss = sqrt(sum((y_pred - y_true) ** 2, axis))``

    The gradient at a zero error is 0 (the subgradient), not NaN.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: the input shape without ``axis``.

    Args:
        axis: the axis the norm is taken over.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.l2_norm([[0.0, 0.0]], [[3.0, 4.0]])[0])
        5.0

    References:
        The "L2 loss" (Euclidean distance) of the seed documents.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    squared = ops.sum(ops.square(y_pred - y_true), axis=axis)
    # sqrt has an infinite slope at 0: take the root of a safe value there so that
    # the discarded branch's gradient is finite (the "double where" trick).
    is_zero = ops.equal(squared, 0.0)
    return ops.where(is_zero, 0.0, ops.sqrt(ops.where(is_zero, 1.0, squared)))


# --- robust losses ----------------------------------------------------------------------------


def _huber_core(error: Any, delta: float) -> Any:
    """``0.5 e**2`` for ``|e| <= delta``, else ``delta * (|e| - delta / 2)``, in each backend's fastest form.

    Measured at 2M elements, forward and backward (``benchmarks/RESULTS.md``):
    under XLA (TensorFlow, JAX) Keras's ``where`` of the two branches fuses best
    (a ``minimum``-based form was 1.2x Keras on JAX); in torch eager, where each
    op is one kernel, ``q = clip(e, -delta, delta)`` gives both branches as
    ``q * (e - q / 2)`` in four ops (0.6x Keras's time). Same values and
    gradients on both sides of ``delta``.
    """
    delta_ = like(delta, error)
    if keras.backend.backend() == "torch":
        clipped = ops.clip(error, -delta_, delta_)
        return clipped * (error - 0.5 * clipped)
    abs_error = ops.abs(error)
    return ops.where(abs_error <= delta_, 0.5 * ops.square(error), delta_ * abs_error - 0.5 * delta**2)


@checked(delta=positive)
def huber(y_true: Any, y_pred: Any, delta: float = 1.0) -> Any:
    """Huber loss: quadratic for small errors, linear beyond ``delta``.

    Formula:
        ``e = |y_pred - y_true|``;
        ``loss = mean(0.5 * e**2 if e <= delta else delta * (e - 0.5 * delta), axis=-1)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Args:
        delta: where the loss turns from quadratic to linear; ``> 0``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.huber([[0.0, 0.0]], [[0.5, 3.0]], delta=1.0)[0])
        1.3125

    References:
        Huber, "Robust Estimation of a Location Parameter", 1964.
        ``torch.nn.functional.huber_loss``; ``keras.losses.huber``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(_huber_core(y_pred - y_true, delta), axis=-1)


@checked(beta=non_negative)
def smooth_l1(y_true: Any, y_pred: Any, *, beta: float = 1.0) -> Any:
    """Smooth L1 loss (Fast R-CNN): Huber divided by ``beta``; L1 when ``beta = 0``.

    Formula:
        ``e = |y_pred - y_true|``;
        ``loss = mean(0.5 * e**2 / beta if e < beta else e - 0.5 * beta, axis=-1)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Args:
        beta: where the loss turns from quadratic to linear; ``>= 0``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.smooth_l1([[0.0, 0.0]], [[0.5, 3.0]], beta=1.0)[0])
        1.3125

    References:
        Girshick, "Fast R-CNN", ICCV 2015. ``torch.nn.functional.smooth_l1_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    if beta == 0:
        return ops.mean(ops.abs(y_pred - y_true), axis=-1)
    return ops.mean(_huber_core(y_pred - y_true, beta), axis=-1) / beta


def log_cosh(y_true: Any, y_pred: Any) -> Any:
    """Logarithm of the hyperbolic cosine of the error.

    Formula:
        ``loss = mean(log(cosh(x)), axis=-1)`` with ``x = y_pred - y_true``, computed
        as ``x + softplus(-2x) - log(2)``: ``cosh`` overflows float32 beyond
        ``|x| = 89``, this does not, and it is exact for large ``|x|`` of either
        sign (``-2x`` is exact, and so is ``softplus(-2x) = -2x`` there). Near 0
        its absolute error is float32's (about 1e-7), as for Keras's and optax's.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.log_cosh([[0.0]], [[1000.0]])[0]), 3)
        999.307

    References:
        ``keras.losses.log_cosh``; ``optax.log_cosh``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    error = y_pred - y_true
    return ops.mean(error + ops.softplus(-2.0 * error) - _LOG2, axis=-1)


@checked(tau=per_output(unit_interval))
def pinball(y_true: Any, y_pred: Any, *, tau: float | Sequence[float] = 0.5) -> Any:
    """Pinball (quantile) loss for the ``tau``-quantile.

    Formula:
        ``d = y_true - y_pred``; ``loss = mean(max(tau * d, (tau - 1) * d), axis=-1)``

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Args:
        tau: the quantile, in ``[0, 1]``; a scalar, or one per output (length ``D``),
            to fit several quantiles at once.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.pinball([[1.0, 1.0]], [[0.0, 2.0]], tau=0.9)[0])
        0.5

    References:
        Koenker and Bassett, "Regression Quantiles", Econometrica 1978.
        ``tfa.losses.PinballLoss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    tau = ops.convert_to_tensor(tau, dtype=y_pred.dtype)
    error = y_true - y_pred
    return ops.mean(ops.maximum(tau * error, (tau - 1.0) * error), axis=-1)


@checked(alpha=extended_real, scale=positive)
def adaptive_robust(y_true: Any, y_pred: Any, *, alpha: float = 1.0, scale: float = 1.0) -> Any:
    """Barron's general and adaptive robust loss, with its limits handled exactly.

    Formula:
        ``z = (y_pred - y_true) / scale``;
        ``rho = |alpha - 2| / alpha * ((z**2 / |alpha - 2| + 1) ** (alpha / 2) - 1)``,
        averaged over the last axis. At its removable singularities and limits:
        ``alpha = 2``: ``z**2 / 2`` (L2); ``alpha = 0``: ``log(z**2 / 2 + 1)`` (Cauchy);
        ``alpha = -inf``: ``1 - exp(-z**2 / 2)`` (Welsch); ``alpha = inf``:
        ``exp(z**2 / 2) - 1``. ``alpha = 1`` is Charbonnier (pseudo-Huber),
        ``alpha = -2`` Geman-McClure.

    The general case is evaluated as ``b / alpha * expm1(alpha / 2 * log1p(z**2 / b))``
    (``b = |alpha - 2|``), which keeps full precision for small ``z`` and for
    ``alpha`` near 0.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Args:
        alpha: shape parameter, any real number, ``float("-inf")`` or ``float("inf")``.
        scale: ``c > 0``, the size of the quadratic bowl near 0.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.adaptive_robust([[0.0]], [[3.0]], alpha=1.0)[0]), 5)
        2.16228
        >>> round(float(keras_losses.adaptive_robust([[0.0]], [[3.0]], alpha=2.0)[0]), 5)
        4.5

    References:
        Barron, "A General and Adaptive Robust Loss Function", CVPR 2019.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    squared = ops.square(y_pred - y_true)
    if scale != 1:
        squared = squared * (1.0 / scale**2)
    if alpha == 2:
        rho = 0.5 * squared
    elif alpha == 1:  # sqrt(z**2 + 1) - 1, without its cancellation for small z
        rho = squared / (ops.sqrt(squared + 1.0) + 1.0)
    elif alpha == 0:
        rho = ops.log1p(0.5 * squared)
    elif alpha == -math.inf:
        rho = -ops.expm1(-0.5 * squared)
    elif alpha == math.inf:
        rho = ops.expm1(0.5 * squared)
    else:
        b = abs(alpha - 2.0)
        rho = (b / alpha) * ops.expm1((0.5 * alpha) * ops.log1p(squared / b))
    return ops.mean(rho, axis=-1)


# --- count and likelihood losses ---------------------------------------------------------------


def poisson(y_true: Any, y_pred: Any) -> Any:
    """Poisson loss for predicted rates (Keras's definition).

    Formula:
        ``loss = mean(y_pred - y_true * log(y_pred + epsilon), axis=-1)``,
        ``epsilon = keras.config.epsilon()``.

    Shape:
        y_true, y_pred: ``(N, ..., D)``, ``y_pred >= 0``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.poisson([[2.0]], [[1.0]])[0]), 5)
        1.0

    References:
        ``keras.losses.poisson``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(y_pred - y_true * ops.log(y_pred + epsilon()), axis=-1)


@checked(log_input=boolean, full=boolean, eps=positive)
def poisson_nll(y_true: Any, y_pred: Any, *, log_input: bool = True, full: bool = False, eps: float = 1e-8) -> Any:
    """Poisson negative log-likelihood (PyTorch's ``poisson_nll_loss``).

    Formula:
        ``log_input=True``: ``loss = exp(y_pred) - y_true * y_pred``;
        ``log_input=False``: ``loss = y_pred - y_true * log(y_pred + eps)``;
        ``full=True`` adds Stirling's approximation of ``log(y_true!)``,
        ``y_true * log(y_true) - y_true + 0.5 * log(2 * pi * y_true)``, where ``y_true > 1``.
        Averaged over the last axis.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Args:
        log_input: whether ``y_pred`` is the log of the rate (else the rate itself).
        full: whether to add the Stirling term.
        eps: added to the rate before the log when ``log_input=False``; ``> 0``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.poisson_nll([[2.0]], [[0.0]])[0])
        1.0

    References:
        ``torch.nn.functional.poisson_nll_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    if log_input:
        loss = ops.exp(y_pred) - y_true * y_pred
    else:
        loss = y_pred - y_true * ops.log(y_pred + eps)
    if full:
        above_one = ops.greater(y_true, 1.0)
        safe_true = ops.where(above_one, y_true, 1.0)  # log(<=1) is never used
        stirling = safe_true * ops.log(safe_true) - safe_true + 0.5 * ops.log(2.0 * math.pi * safe_true)
        loss = loss + ops.where(above_one, stirling, 0.0)
    return ops.mean(loss, axis=-1)


def _split_mean_var(y_pred: Any, mean: Any, var: Any) -> tuple[Any, Any]:
    """``(mean, var)`` from a tuple/list, from ``y_pred`` stacked on axis 1, or by keyword."""
    if y_pred is None:
        if mean is None or var is None:
            raise ValueError("gaussian_nll needs `y_pred=(mean, var)` or both `mean=` and `var=`.")
        return mean, var
    if mean is not None or var is not None:
        raise ValueError("Pass either `y_pred` or `mean=`/`var=` to gaussian_nll, not both.")
    if isinstance(y_pred, (tuple, list)):
        if len(y_pred) != 2:
            raise ValueError(f"`y_pred` as a tuple must be (mean, var), got {len(y_pred)} parts.")
        return y_pred[0], y_pred[1]
    y_pred = ops.convert_to_tensor(y_pred)
    if len(y_pred.shape) < 2 or y_pred.shape[1] != 2:
        raise ValueError(
            f"`y_pred` must be (mean, var) stacked on axis 1, of shape (N, 2, ...), got shape {tuple(y_pred.shape)}."
        )
    return y_pred[:, 0], y_pred[:, 1]


@checked(full=boolean, eps=positive)
def gaussian_nll(
    y_true: Any,
    y_pred: Any = None,
    *,
    mean: Any = None,
    var: Any = None,
    full: bool = False,
    eps: float = 1e-6,
) -> Any:
    """Gaussian negative log-likelihood with predicted mean and variance.

    Formula:
        ``v = max(var, eps)``; ``loss = 0.5 * (log(v) + (mean - y_true)**2 / v)``,
        plus ``0.5 * log(2 * pi)`` when ``full``; averaged over the last axis.
        As in PyTorch, the clamp at ``eps`` passes the gradient through to ``var``
        unchanged.

    Shape:
        y_true: ``(N, ..., D)``. ``y_pred``: a tuple ``(mean, var)`` or one tensor
        ``(N, 2, ..., D)`` with mean and var stacked on axis 1; or ``mean=`` and
        ``var=`` by keyword. ``mean``: like ``y_true``. ``var``: like ``y_true``,
        or with size 1 on one axis, or without the last axis (a variance shared
        along that axis). Output: ``(N, ...)``.

    Args:
        full: whether to add the constant ``0.5 * log(2 * pi)``.
        eps: lower clamp of the variance, for stability; ``> 0``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.gaussian_nll([[1.0]], ([[3.0]], [[1.0]]))[0])
        2.0

    References:
        Nix and Weigend, "Estimating the mean and variance of the target
        probability distribution", 1994. ``torch.nn.functional.gaussian_nll_loss``.
    """
    mean, var = _split_mean_var(y_pred, mean, var)
    y_true, mean = same_shape(y_true, mean)
    var = ops.cast(ops.convert_to_tensor(var), mean.dtype)
    if tuple(var.shape) == tuple(mean.shape)[:-1]:
        var = ops.expand_dims(var, -1)
    # As in PyTorch: var matches mean, or has size 1 on exactly one axis (shared variance).
    var_shape, mean_shape = tuple(var.shape), tuple(mean.shape)
    mismatched = [v for v, m in zip(var_shape, mean_shape, strict=False) if v != m and None not in (v, m)]
    if len(var_shape) != len(mean_shape) or len(mismatched) > 1 or mismatched not in ([], [1]):
        raise ValueError(
            "`var` must have the shape of `mean`, or size 1 on one axis, or lack the last axis; "
            f"got mean.shape={mean_shape} and var.shape={var_shape}."
        )
    # Clamp for the value only: the gradient reaches var as if unclamped (PyTorch).
    var = var + ops.stop_gradient(ops.maximum(var, like(eps, var)) - var)
    loss = 0.5 * (ops.log(var) + ops.square(mean - y_true) / var)
    if full:
        loss = loss + _HALF_LOG_2PI
    return ops.mean(loss, axis=-1)


# --- directions and pairs ----------------------------------------------------------------------


@checked(axis=axis)
def cosine_similarity(y_true: Any, y_pred: Any, axis: int = -1) -> Any:
    """Negative cosine similarity along ``axis`` (Keras's definition).

    Formula:
        ``loss = -sum(l2_normalize(y_true) * l2_normalize(y_pred), axis)``, in
        ``[-1, 1]``; ``-1`` when the directions agree. A zero vector gives 0.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: the input shape without ``axis``.

    Args:
        axis: the axis of the vectors.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.cosine_similarity([[1.0, 1.0]], [[2.0, 2.0]])[0]), 6)
        -1.0

    References:
        ``keras.losses.cosine_similarity``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    # Keras's l2_normalize scales by min(rsqrt(s), 1 / eps) = rsqrt(max(s, eps**2)), s the squared
    # norm: the same values with max inside rsqrt, whose gradient is finite at s = 0 (Keras's is
    # 0 * inf = NaN there). Scaling the dot product once, not both vectors, saves a pass.
    tiny = like(epsilon() ** 2, y_pred)
    inverse_norms = ops.rsqrt(ops.maximum(ops.sum(ops.square(y_true), axis=axis), tiny)) * ops.rsqrt(
        ops.maximum(ops.sum(ops.square(y_pred), axis=axis), tiny)
    )
    return -ops.sum(y_true * y_pred, axis=axis) * inverse_norms


def mean_pairwise_squared_error(y_true: Any, y_pred: Any) -> Any:
    """Mean over pairs ``i < j`` of ``((y_pred_i - y_pred_j) - (y_true_i - y_true_j)) ** 2``, per sample.

    Invariant to adding a constant to a sample's predictions: it scores
    relative, not absolute, values.

    Formula:
        With ``d = y_pred - y_true`` flattened per sample to ``n`` values,
        ``loss = 2 / (n - 1) * sum((d - mean(d)) ** 2)``, which equals the mean
        of ``(d_i - d_j)**2`` over the ``n(n-1)/2`` pairs. Centring first keeps
        float32 exact where the textbook ``sum(d**2) - sum(d)**2 / n`` cancels.
        ``n = 1`` gives 0.

    Shape:
        y_true, y_pred: ``(N, ...)``. Output: ``(N,)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.mean_pairwise_squared_error([[0.0, 0.0, 0.0]], [[1.0, 2.0, 3.0]])[0])
        2.0

    References:
        ``tf.compat.v1.losses.mean_pairwise_squared_error`` (per-sample weights).
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    error = y_pred - y_true
    if len(error.shape) == 1:
        error = ops.expand_dims(error, -1)
    feature_shape = tuple(error.shape[1:])
    if None in feature_shape:  # only known when the graph runs
        error = ops.reshape(error, (ops.shape(error)[0], -1))
        count = ops.cast(ops.shape(error)[1], error.dtype)
    else:
        count = math.prod(feature_shape)
        error = ops.reshape(error, (-1, count))
    centred = error - ops.mean(error, axis=-1, keepdims=True)
    sum_squares = ops.sum(ops.square(centred), axis=-1)
    # One value per sample has no pairs: the loss is 0, with the graph still connected.
    if isinstance(count, int):
        return sum_squares * (2.0 / (count - 1) if count > 1 else 0.0)
    return divide_no_nan(2.0 * sum_squares, count - 1.0)


# --- classes ----------------------------------------------------------------------------------


@register_loss("mse")
class MeanSquaredError(Loss):
    """Mean squared error; see :func:`mean_squared_error`."""

    function = mean_squared_error

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "mean_squared_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss("mae")
class MeanAbsoluteError(Loss):
    """Mean absolute error; see :func:`mean_absolute_error`."""

    function = mean_absolute_error

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "mean_absolute_error", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss("mape")
class MeanAbsolutePercentageError(Loss):
    """Mean absolute percentage error; see :func:`mean_absolute_percentage_error`."""

    function = mean_absolute_percentage_error

    def __init__(
        self, reduction: str | None = DEFAULT_REDUCTION, name: str = "mean_absolute_percentage_error", dtype: Any = None
    ):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss("msle")
class MeanSquaredLogarithmicError(Loss):
    """Mean squared logarithmic error; see :func:`mean_squared_logarithmic_error`."""

    function = mean_squared_logarithmic_error

    def __init__(
        self, reduction: str | None = DEFAULT_REDUCTION, name: str = "mean_squared_logarithmic_error", dtype: Any = None
    ):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss("manhattan")
class L1Norm(Loss):
    """L1 norm of the error; see :func:`l1_norm`."""

    function = l1_norm

    def __init__(
        self, axis: int = -1, reduction: str | None = DEFAULT_REDUCTION, name: str = "l1_norm", dtype: Any = None
    ):
        super().__init__(axis=axis, reduction=reduction, name=name, dtype=dtype)


@register_loss("euclidean")
class L2Norm(Loss):
    """Euclidean norm of the error; see :func:`l2_norm`."""

    function = l2_norm

    def __init__(
        self, axis: int = -1, reduction: str | None = DEFAULT_REDUCTION, name: str = "l2_norm", dtype: Any = None
    ):
        super().__init__(axis=axis, reduction=reduction, name=name, dtype=dtype)


@register_loss("huber_loss")
class Huber(Loss):
    """Huber loss; see :func:`huber`.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.Huber(delta=1.0)
        >>> float(loss([[0.0, 0.0], [0.0, 0.0]], [[0.5, 3.0], [1.0, 0.0]]))
        0.78125
    """

    function = huber

    def __init__(
        self, delta: float = 1.0, reduction: str | None = DEFAULT_REDUCTION, name: str = "huber_loss", dtype: Any = None
    ):
        super().__init__(delta=delta, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class SmoothL1(Loss):
    """Smooth L1 loss; see :func:`smooth_l1`.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.SmoothL1(beta=0.5, reduction="sum")
        >>> float(loss([[0.0, 0.0]], [[0.25, 2.0]]))  # (0.0625 + 1.75) / 2
        0.90625
    """

    function = smooth_l1

    def __init__(
        self, beta: float = 1.0, reduction: str | None = DEFAULT_REDUCTION, name: str = "smooth_l1", dtype: Any = None
    ):
        super().__init__(beta=beta, reduction=reduction, name=name, dtype=dtype)


@register_loss("logcosh")
class LogCosh(Loss):
    """Log-cosh loss; see :func:`log_cosh`."""

    function = log_cosh

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "log_cosh", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class Poisson(Loss):
    """Poisson loss; see :func:`poisson`."""

    function = poisson

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "poisson", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class PoissonNLL(Loss):
    """Poisson negative log-likelihood; see :func:`poisson_nll`."""

    function = poisson_nll

    def __init__(
        self,
        log_input: bool = True,
        full: bool = False,
        eps: float = 1e-8,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "poisson_nll",
        dtype: Any = None,
    ):
        super().__init__(log_input=log_input, full=full, eps=eps, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class GaussianNLL(Loss):
    """Gaussian negative log-likelihood; see :func:`gaussian_nll`.

    ``y_pred`` is ``(mean, var)`` as a tuple, or stacked on axis 1 as
    ``(N, 2, ..., D)`` (what one model output gives).

    Examples:
        >>> import numpy as np, keras_losses
        >>> y_pred = np.array([[[3.0], [1.0]]])  # (N=1, 2, D=1): mean 3, var 1
        >>> float(keras_losses.GaussianNLL()(np.array([[1.0]]), y_pred))
        2.0
    """

    function = gaussian_nll

    def __init__(
        self,
        full: bool = False,
        eps: float = 1e-6,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "gaussian_nll",
        dtype: Any = None,
    ):
        super().__init__(full=full, eps=eps, reduction=reduction, name=name, dtype=dtype)


@register_loss("cosine_proximity")
class CosineSimilarity(Loss):
    """Negative cosine similarity; see :func:`cosine_similarity`."""

    function = cosine_similarity

    def __init__(
        self,
        axis: int = -1,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "cosine_similarity",
        dtype: Any = None,
    ):
        super().__init__(axis=axis, reduction=reduction, name=name, dtype=dtype)


@register_loss("quantile")
class Pinball(Loss):
    """Pinball (quantile) loss; see :func:`pinball`.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.Pinball(tau=0.1)
        >>> y_true = [[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]]
        >>> y_pred = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]
        >>> round(float(loss(y_true, y_pred)), 4)
        4.4167
    """

    function = pinball

    def __init__(
        self,
        tau: float | Sequence[float] = 0.5,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "pinball",
        dtype: Any = None,
    ):
        super().__init__(tau=tau, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MeanPairwiseSquaredError(Loss):
    """Mean pairwise squared error; see :func:`mean_pairwise_squared_error`."""

    function = mean_pairwise_squared_error

    def __init__(
        self, reduction: str | None = DEFAULT_REDUCTION, name: str = "mean_pairwise_squared_error", dtype: Any = None
    ):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss("barron")
class AdaptiveRobust(Loss):
    """Barron's general robust loss; see :func:`adaptive_robust`.

    ``alpha`` and ``scale`` are fixed options here (a ``Loss`` holds no
    trainable state).
    """

    function = adaptive_robust

    def __init__(
        self,
        alpha: float = 1.0,
        scale: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "adaptive_robust",
        dtype: Any = None,
    ):
        super().__init__(alpha=alpha, scale=scale, reduction=reduction, name=name, dtype=dtype)
