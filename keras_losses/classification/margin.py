"""Hinge and margin losses: Keras's hinges, and PyTorch's multi-class, multi-label and soft margins."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_losses.classification._shared import (
    Weights,
)
from keras_losses.core.base import Loss
from keras_losses.core.labels import (
    apply_label_policy,
    class_labels,
    class_vector,
    gather_classes,
    nan_where,
)
from keras_losses.core.numerics import amax
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    check_shapes_match,
    checked,
    float_tensor,
    non_negative,
    one_of,
    optional,
    per_class,
    real,
    same_shape,
    to_tensor,
)


def _hinge_labels(y_true: Any) -> Any:
    """Keras's rule: labels that are all 0 or 1 become -1 or 1; others are used as given."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


def hinge(y_true: Any, y_pred: Any) -> Any:
    """Hinge loss for labels in {-1, 1} (or {0, 1}, mapped to {-1, 1}).

    Formula:
        ``loss = mean(max(1 - y * y_pred, 0), axis=-1)``.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.hinge([[1.0, 0.0]], [[0.5, 0.5]])[0])  # (0.5 + 1.5) / 2
        1.0

    References:
        ``keras.losses.hinge``; Cortes and Vapnik, "Support-Vector Networks", 1995.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(ops.relu(1.0 - _hinge_labels(y_true) * y_pred), axis=-1)


def squared_hinge(y_true: Any, y_pred: Any) -> Any:
    """Squared hinge loss for labels in {-1, 1} (or {0, 1}).

    Formula:
        ``loss = mean(max(1 - y * y_pred, 0)**2, axis=-1)``.

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.squared_hinge([[1.0, 0.0]], [[0.5, 0.5]])[0])  # (0.25 + 2.25) / 2
        1.25

    References:
        ``keras.losses.squared_hinge``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(ops.square(ops.relu(1.0 - _hinge_labels(y_true) * y_pred)), axis=-1)


def categorical_hinge(y_true: Any, y_pred: Any) -> Any:
    """Categorical (Crammer-Singer) hinge loss for one-hot labels.

    Formula:
        ``pos = sum(y * y_pred)``, ``neg = max((1 - y) * y_pred)``;
        ``loss = max(neg - pos + 1, 0)`` over the last axis.

    Shape:
        y_true, y_pred: ``(N, ..., C)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> float(keras_losses.categorical_hinge([[0.0, 1.0, 0.0]], [[0.5, 1.0, 0.25]])[0])
        0.5

    References:
        ``keras.losses.categorical_hinge``; Crammer and Singer, JMLR 2001.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    positive = ops.sum(y_true * y_pred, axis=-1)
    negative = amax((1.0 - y_true) * y_pred, axis=-1)
    return ops.relu(negative - positive + 1.0)


@checked(p=one_of(1, 2), margin=real, class_weight=optional(per_class(non_negative)))
def multi_margin(y_true: Any, y_pred: Any, *, p: int = 1, margin: float = 1.0, class_weight: Weights = None) -> Any:
    """Multi-class margin loss (one-vs-all hinge on the label's score): ``F.multi_margin_loss``.

    Formula:
        ``loss = w[t] / C * sum_{i != t} max(0, margin - x[t] + x[i])**p``;
        NaN where ``t`` is outside ``[0, C)``.

    Shape:
        y_true: ``(N,)`` integer labels. y_pred: ``(N, C)`` scores. Output: ``(N,)``.

    Args:
        p: 1 or 2.
        margin: the margin.
        class_weight: ``None`` or one weight ``>= 0`` per class.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.multi_margin([3], [[0.1, 0.2, 0.4, 0.8]])[0]), 4)  # torch's documented example
        0.325

    References:
        ``torch.nn.functional.multi_margin_loss``; Weston and Watkins, 1999.
    """
    y_pred = float_tensor(y_pred)
    labels = class_labels(y_true, y_pred)
    target_score = ops.expand_dims(gather_classes(y_pred, labels.index), -1)
    margins = ops.relu(margin - target_score + y_pred)
    if p == 2:
        margins = ops.square(margins)
    is_label = ops.equal(ops.arange(y_pred.shape[-1], dtype="int32"), ops.expand_dims(labels.index, -1))
    values = ops.mean(ops.where(is_label, ops.zeros_like(margins), margins), axis=-1)
    if class_weight is not None:
        values = values * ops.take(class_vector(class_weight, y_pred, "class_weight"), labels.index)
    return apply_label_policy(values, labels)


def multilabel_margin(y_true: Any, y_pred: Any) -> Any:
    """Multi-label margin loss: every label's score above every non-label's by 1 (``F.multilabel_margin_loss``).

    Formula:
        ``loss = sum_{j in labels} sum_{i not in labels} max(0, 1 - (x[j] - x[i])) / C``,
        where the labels of a sample are the entries of its ``y_true`` row before the first -1.
        A listed entry outside ``[0, C)`` (PyTorch raises) makes the sample's value NaN.

    Shape:
        y_true: ``(N, C)`` class indices, -1 terminated (as in PyTorch). y_pred: ``(N, C)``.
        Output: ``(N,)``; ``(C,)`` rows are one sample, output ``()``.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[3, 0, -1, 1]], [[0.1, 0.2, 0.4, 0.8]]
        >>> round(float(keras_losses.multilabel_margin(y_true, y_pred)[0]), 4)  # torch's documented example
        0.85

    References:
        ``torch.nn.functional.multilabel_margin_loss``.
    """
    y_pred = float_tensor(y_pred)
    entries = to_tensor(y_true)
    if len(y_pred.shape) == 1:  # one sample, as in PyTorch
        return ops.squeeze(multilabel_margin(ops.expand_dims(entries, 0), ops.expand_dims(y_pred, 0)), 0)
    check_shapes_match(entries, y_pred)
    num_classes = y_pred.shape[-1]
    # Checked in their own dtype before the cast (NaN, inf, fractions and integers beyond int32):
    # an entry is a class in [0, C), or -1, which ends the row's list; anything else becomes -2.
    acceptable = ops.logical_and(ops.greater_equal(entries, -1), ops.less(entries, num_classes))
    if keras.backend.is_float_dtype(entries.dtype):
        acceptable = ops.logical_and(acceptable, ops.equal(ops.floor(entries), entries))
    entries = ops.cast(ops.where(acceptable, entries, ops.full_like(entries, -2)), "int32")
    listed = ops.cast(ops.cumprod(ops.cast(ops.not_equal(entries, -1), "int32"), axis=-1), "bool")
    bad = ops.any(ops.logical_and(listed, ops.less(entries, 0)), axis=-1)  # a -2 before the row's -1
    listed = ops.logical_and(listed, ops.greater_equal(entries, 0))
    safe = ops.where(listed, entries, ops.zeros_like(entries))
    one_hot = ops.logical_and(
        ops.expand_dims(listed, -1),
        ops.equal(ops.expand_dims(safe, -1), ops.arange(num_classes, dtype=safe.dtype)),
    )  # (N, J, C): label j is class c
    is_label = ops.any(one_hot, axis=-2)  # (N, C)
    label_score = ops.expand_dims(ops.take_along_axis(y_pred, safe, axis=-1), -1)  # (N, J, 1)
    margins = ops.relu(1.0 - label_score + ops.expand_dims(y_pred, -2))  # (N, J, C)
    counted = ops.logical_and(ops.expand_dims(listed, -1), ops.expand_dims(ops.logical_not(is_label), -2))
    values = ops.sum(ops.where(counted, margins, ops.zeros_like(margins)), axis=(-2, -1)) / num_classes
    return nan_where(bad, values)


def soft_margin(y_true: Any, y_pred: Any) -> Any:
    """Soft margin loss (logistic loss) for labels in {-1, 1}: ``F.soft_margin_loss``.

    Formula:
        ``loss = mean(log(1 + exp(-y * y_pred)), axis=-1)``, computed as ``softplus`` (no overflow).

    Shape:
        y_true, y_pred: ``(N, ..., D)``. Output: ``(N, ...)``.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.soft_margin([[1.0, -1.0]], [[0.0, 0.0]])[0]), 4)
        0.6931

    References:
        ``torch.nn.functional.soft_margin_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    return ops.mean(ops.softplus(-y_true * y_pred), axis=-1)


@checked(class_weight=optional(per_class(non_negative)))
def multilabel_soft_margin(y_true: Any, y_pred: Any, *, class_weight: Weights = None) -> Any:
    """Multi-label one-vs-all logistic loss: ``F.multilabel_soft_margin_loss``.

    Formula:
        ``loss = -mean(w * (y * log(sigmoid(x)) + (1 - y) * log(sigmoid(-x))), axis=-1)``
        ``= mean(w * (softplus(x) - y * x), axis=-1)``.

    Shape:
        y_true: ``(N, C)`` in {0, 1}. y_pred: ``(N, C)`` logits. ``class_weight``: ``(C,)``.
        Output: ``(N,)``.

    Args:
        class_weight: ``None`` or one weight ``>= 0`` per class.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.multilabel_soft_margin([[1.0, 0.0]], [[0.0, 0.0]])[0]), 4)
        0.6931

    References:
        ``torch.nn.functional.multilabel_soft_margin_loss``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    values = ops.softplus(y_pred) - y_true * y_pred
    if class_weight is not None:
        values = values * class_vector(class_weight, y_pred, "class_weight")
    return ops.mean(values, axis=-1)


@register_loss()
class Hinge(Loss):
    """Hinge loss; see :func:`hinge`."""

    function = hinge

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class SquaredHinge(Loss):
    """Squared hinge loss; see :func:`squared_hinge`."""

    function = squared_hinge

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class CategoricalHinge(Loss):
    """Categorical hinge loss; see :func:`categorical_hinge`."""

    function = categorical_hinge

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiMargin(Loss):
    """Multi-class margin loss; see :func:`multi_margin`."""

    function = multi_margin
    takes_class_indices = True

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        class_weight: Weights = None,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "multi_margin",
        dtype: Any = None,
    ):
        super().__init__(p=p, margin=margin, class_weight=class_weight, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiLabelMargin(Loss):
    """Multi-label margin loss; see :func:`multilabel_margin`."""

    function = multilabel_margin
    takes_class_indices = True

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "multilabel_margin", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class SoftMargin(Loss):
    """Soft margin loss; see :func:`soft_margin`."""

    function = soft_margin

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "soft_margin", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiLabelSoftMargin(Loss):
    """Multi-label soft margin loss; see :func:`multilabel_soft_margin`."""

    function = multilabel_soft_margin

    def __init__(
        self,
        class_weight: Weights = None,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "multilabel_soft_margin",
        dtype: Any = None,
    ):
        super().__init__(class_weight=class_weight, reduction=reduction, name=name, dtype=dtype)
