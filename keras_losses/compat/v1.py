"""TensorFlow 1's ``tf.compat.v1.losses``, on every Keras backend.

Same signatures, defaults and numbers as TF1: losses are elementwise (or per
sample for the softmax and pairwise losses), ``weights`` is a scalar or a
tensor of the losses' rank whose dimensions are 1 or equal to theirs, and the
default reduction is ``Reduction.SUM_BY_NONZERO_WEIGHTS``. As in TF1, the
arithmetic is float32 and the result has the input's dtype; ``weights=None``
and weights that cannot broadcast raise ``ValueError``; ``scope`` and
``loss_collection`` are accepted and ignored (TF2 ignores them when eager).

One TF1 quirk is kept on purpose: :func:`mean_pairwise_squared_error` with a
nonzero scalar weight counts every element of the batch as one sample's
(``keras_losses.MeanPairwiseSquaredError`` does not). Two differences remove
NaN and silent errors: a weight of 0 contributes exactly 0 even where the loss
is inf or NaN (TF1 gives NaN), and a label outside ``[0, C)`` in
:func:`sparse_softmax_cross_entropy` gives NaN at its position on every backend
(TF1 raises on TensorFlow; JAX would read another class).

Examples:
    >>> from keras_losses.compat import v1
    >>> labels = [[1.0, 9.0, 2.0], [-5.0, -2.0, 6.0]]
    >>> predictions = [[4.0, 8.0, 12.0], [8.0, 1.0, 3.0]]
    >>> round(float(v1.absolute_difference(labels, predictions)), 4)  # TF1's test value
    5.5
    >>> round(float(v1.absolute_difference(labels, predictions, weights=[[1.2], [0.0]])), 4)
    5.6
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from keras import ops

from keras_losses.core.labels import apply_label_policy, class_labels, gather_classes
from keras_losses.core.numerics import divide_no_nan
from keras_losses.core.reduction import reduce_loss

__all__ = [
    "Reduction",
    "absolute_difference",
    "compute_weighted_loss",
    "cosine_distance",
    "hinge_loss",
    "huber_loss",
    "log_loss",
    "mean_pairwise_squared_error",
    "mean_squared_error",
    "sigmoid_cross_entropy",
    "softmax_cross_entropy",
    "sparse_softmax_cross_entropy",
]


class Reduction:
    """TF1's reduction keys (the same strings, so TF's own constants work too)."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls) -> tuple[str, ...]:
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key: str) -> None:
        if key not in cls.all():
            raise ValueError(f"Invalid value for argument `reduction`: {key!r}. Expected one of {cls.all()}.")


# TF1 key -> keras_losses reduction (the same definitions).
_REDUCTIONS = {
    Reduction.NONE: "none",
    Reduction.SUM: "sum",
    Reduction.SUM_OVER_BATCH_SIZE: "sum_over_batch_size",
    Reduction.MEAN: "weighted_mean",
    Reduction.SUM_BY_NONZERO_WEIGHTS: "sum_by_nonzero_weights",
}
_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS
_PREFIX = "weights can not be broadcast to values."


def _required(x: Any, name: str) -> Any:
    """TF1's check: ``x`` as a tensor, or ``ValueError`` naming the argument if it is None."""
    if x is None:
        raise ValueError(f"Argument `{name}` must not be None.")
    return ops.convert_to_tensor(x)


def _float32(x: Any, name: str) -> Any:
    return ops.cast(_required(x, name), "float32")


def _check_compatible(a: Any, b: Any) -> None:
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) != len(sb) or any(x is not None and y is not None and x != y for x, y in zip(sa, sb, strict=True)):
        raise ValueError(f"Shapes {sa} and {sb} are incompatible.")


def _float32_pair(labels: Any, predictions: Any, name: str = "predictions") -> tuple[Any, Any]:
    """``(labels, predictions)`` as float32, both required, of compatible shapes (TF1's checks)."""
    predictions, labels = _float32(predictions, name), _float32(labels, "labels")
    _check_compatible(predictions, labels)
    return labels, predictions


def _check_broadcastable(weights: Any, values: Any) -> None:
    """TF1's static ``assert_broadcastable``: rank 0, or the values' rank with each dimension 1 or equal."""
    ws, vs = tuple(weights.shape), tuple(values.shape)
    if not ws:
        return
    if len(ws) != len(vs):
        raise ValueError(
            f"{_PREFIX} values.rank={len(vs)}. weights.rank={len(ws)}. values.shape={vs}. weights.shape={ws}."
        )
    for i, (w, v) in enumerate(zip(ws, vs, strict=True)):
        if w is not None and v is not None and w not in (1, v):
            raise ValueError(f"{_PREFIX} Mismatch at dim {i}. values.shape={vs}, weights.shape={ws}.")


def _weights(weights: Any) -> Any:
    return _float32(weights, "weights")


def compute_weighted_loss(
    losses: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Weight ``losses`` and reduce them: ``tf.compat.v1.losses.compute_weighted_loss``.

    Formula:
        ``NONE``: ``losses * weights``; ``SUM``: their sum; ``MEAN``: the sum over
        ``sum(weights broadcast)``; ``SUM_OVER_BATCH_SIZE``: the sum over the number
        of losses; ``SUM_BY_NONZERO_WEIGHTS``: the sum over the number of nonzero
        broadcast weights. Every mean is 0 when its denominator is 0.

    Shape:
        losses: any. weights: ``()`` or the losses' rank, each dimension 1 or equal.
        Output: ``()``, or the losses' shape for ``NONE``.

    Examples:
        >>> from keras_losses.compat import v1
        >>> float(v1.compute_weighted_loss([1.0, 2.0, 3.0], [1.0, 0.0, 1.0]))  # (1 + 3) / 2
        2.0

    References:
        ``tf.compat.v1.losses.compute_weighted_loss``.
    """
    Reduction.validate(reduction)
    losses = ops.convert_to_tensor(losses)
    input_dtype = losses.dtype
    losses = ops.cast(losses, "float32")
    weights = _weights(weights)
    _check_broadcastable(weights, losses)
    weights = ops.broadcast_to(weights, ops.shape(losses))
    loss = reduce_loss(losses, sample_weight=weights, reduction=_REDUCTIONS[reduction])
    return ops.cast(loss, input_dtype)


def absolute_difference(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """``|predictions - labels|``, weighted and reduced (``tf.compat.v1.losses.absolute_difference``)."""
    labels, predictions = _float32_pair(labels, predictions)
    return compute_weighted_loss(ops.abs(predictions - labels), weights, reduction=reduction)


def mean_squared_error(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """``(predictions - labels)**2``, weighted and reduced (``tf.compat.v1.losses.mean_squared_error``)."""
    labels, predictions = _float32_pair(labels, predictions)
    return compute_weighted_loss(ops.square(predictions - labels), weights, reduction=reduction)


def huber_loss(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    delta: float = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Elementwise Huber loss (``tf.compat.v1.losses.huber_loss``).

    ``0.5 q**2 + delta (|e| - q)`` with ``q = min(|e|, delta)``.
    """
    labels, predictions = _float32_pair(labels, predictions)
    abs_error = ops.abs(predictions - labels)
    quadratic = ops.minimum(abs_error, delta)
    return compute_weighted_loss(
        0.5 * quadratic * quadratic + delta * (abs_error - quadratic), weights, reduction=reduction
    )


def log_loss(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    epsilon: float = 1e-7,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Elementwise log loss (``tf.compat.v1.losses.log_loss``): ``-y log(p + eps) - (1 - y) log(1 - p + eps)``."""
    labels, predictions = _float32_pair(labels, predictions)
    losses = -labels * ops.log(predictions + epsilon) - (1.0 - labels) * ops.log(1.0 - predictions + epsilon)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def hinge_loss(
    labels: Any,
    logits: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Elementwise hinge loss for {0, 1} labels (``tf.compat.v1.losses.hinge_loss``): ``relu(1 - (2y - 1) x)``."""
    labels, logits = _float32_pair(labels, logits, "logits")
    return compute_weighted_loss(ops.relu(1.0 - (2.0 * labels - 1.0) * logits), weights, reduction=reduction)


def cosine_distance(
    labels: Any,
    predictions: Any,
    axis: int | None = None,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
    dim: int | None = None,
) -> Any:
    """Cosine distance of unit vectors (``tf.compat.v1.losses.cosine_distance``).

    ``1 - sum(labels * predictions, axis, keepdims=True)``.

    ``dim`` is TF1's deprecated name of ``axis``.
    """
    if axis is None:
        axis = dim
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    labels, predictions = _float32_pair(labels, predictions)
    losses = 1.0 - ops.sum(predictions * labels, axis=axis, keepdims=True)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def sigmoid_cross_entropy(
    multi_class_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Elementwise sigmoid cross-entropy from logits (``tf.compat.v1.losses.sigmoid_cross_entropy``).

    Labels are smoothed toward 0.5: ``y (1 - label_smoothing) + 0.5 label_smoothing``.
    """
    labels = _required(multi_class_labels, "multi_class_labels")
    logits = _required(logits, "logits")
    labels = ops.cast(labels, logits.dtype)
    _check_compatible(logits, labels)
    if label_smoothing > 0:
        labels = labels * (1 - label_smoothing) + 0.5 * label_smoothing
    losses = ops.binary_crossentropy(labels, logits, from_logits=True)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def softmax_cross_entropy(
    onehot_labels: Any,
    logits: Any,
    weights: Any = 1.0,
    label_smoothing: float = 0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Per-sample softmax cross-entropy (``tf.compat.v1.losses.softmax_cross_entropy``).

    Labels are smoothed toward ``1 / C`` and carry no gradient. Weights are
    per sample (``(N,)``); per-class weights raise ``ValueError`` as in TF1.
    """
    labels = _required(onehot_labels, "onehot_labels")
    logits = _required(logits, "logits")
    labels = ops.cast(labels, logits.dtype)
    _check_compatible(logits, labels)
    if label_smoothing > 0:
        labels = labels * (1 - label_smoothing) + label_smoothing / labels.shape[-1]
    labels = ops.stop_gradient(labels)
    losses = -ops.sum(labels * ops.log_softmax(logits, axis=-1), axis=-1)
    return compute_weighted_loss(losses, weights, reduction=reduction)


def sparse_softmax_cross_entropy(
    labels: Any,
    logits: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
    reduction: str = _DEFAULT,
) -> Any:
    """Per-sample softmax cross-entropy of integer labels (``tf.compat.v1.losses.sparse_softmax_cross_entropy``).

    ``(N, 1)`` labels are squeezed to ``(N,)``, and so are weights with one axis more than the labels.
    A label outside ``[0, C)`` gives NaN at its position on every backend (TF1 raises on
    TensorFlow), unless its weight is 0.
    """
    labels = _required(labels, "labels")
    logits = _required(logits, "logits")
    labels = class_labels(labels, logits)
    weights = _weights(weights)
    if len(weights.shape) == len(labels.index.shape) + 1:
        weights = ops.squeeze(weights, -1)
    losses = -gather_classes(ops.log_softmax(logits, axis=-1), labels.index)
    return compute_weighted_loss(apply_label_policy(losses, labels), weights, reduction=reduction)


def _scalar_nonzero(weights: Any) -> bool:
    """TF1's test for "a nonzero scalar weight" (a Python float, or a concrete rank-0 tensor)."""
    if isinstance(weights, (int, float, np.number)):
        return weights != 0
    if len(getattr(weights, "shape", (1,))) == 0:
        try:
            return bool(np.asarray(ops.convert_to_numpy(weights)) != 0)
        except Exception:  # a symbolic scalar: TF1's graph mode counts per sample
            return False
    return False


def mean_pairwise_squared_error(
    labels: Any,
    predictions: Any,
    weights: Any = 1.0,
    scope: Any = None,
    loss_collection: Any = None,
) -> Any:
    """TF1's pairwise squared error: per sample, the mean of ``(d_i - d_j)**2`` over pairs, weighted, summed.

    Formula:
        With ``n`` the number of present elements of a sample,
        ``2 sum(d**2) / (n - 1) - 2 sum(d)**2 / (n (n - 1))``, times the weight,
        summed over the batch. TF1's quirk: with a nonzero scalar weight, ``n``
        is the number of elements of the whole batch.
    """
    labels, predictions = _float32(labels, "labels"), _float32(predictions, "predictions")
    quirk = _scalar_nonzero(weights)
    weights_tensor = _weights(weights)
    _check_broadcastable(weights_tensor, labels)
    _check_compatible(predictions, labels)
    diffs = predictions - labels
    axes = tuple(range(1, len(diffs.shape)))
    if quirk:
        num_present = ops.convert_to_tensor(float(math.prod(diffs.shape)), dtype="float32")
    else:
        present = ops.cast(ops.not_equal(weights_tensor, 0), "float32")
        num_present = ops.sum(ops.broadcast_to(present, ops.shape(diffs)), axis=axes, keepdims=True)
    zero = ops.zeros_like(num_present)
    term1 = 2.0 * divide_no_nan(
        ops.sum(ops.square(diffs), axis=axes, keepdims=True), ops.maximum(num_present - 1, zero)
    )
    term2 = 2.0 * divide_no_nan(
        ops.square(ops.sum(diffs, axis=axes, keepdims=True)), ops.maximum(num_present * (num_present - 1), zero)
    )
    loss = ops.sum((term1 - term2) * weights_tensor)
    return ops.where(ops.sum(num_present) > 0, loss, ops.zeros_like(loss))
