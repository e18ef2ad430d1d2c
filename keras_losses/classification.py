"""Classification losses: cross-entropies, focal, poly, hinge and margin losses.

Dense losses take ``y_true`` and ``y_pred`` of one shape ``(N, ..., C)`` and
reduce the class axis (``axis``, last by default): one value per sample (and
per position). Sparse losses take integer labels of shape ``(N, ..., )`` (a
trailing axis of size 1 is fine) against ``(N, ..., C)`` predictions and never
build a one-hot of the labels, so they stay cheap for large vocabularies.

``from_logits=False`` means probabilities; they are clipped to
``[epsilon, 1 - epsilon]`` the same way on every backend (see
:mod:`keras_losses.core.probabilities`). ``ignore_index`` drops labels: their
values are 0 and the default reduction averages over the other positions;
``reduction="weighted_mean"`` divides by the sum of the class weights of the
kept labels, which is PyTorch's ``reduction="mean"``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from keras_losses.core.base import Loss
from keras_losses.core.labels import (
    apply_label_policy,
    as_tensor,
    class_labels,
    gather_classes,
    smooth_labels,
    zero_ignored,
)
from keras_losses.core.numerics import amax
from keras_losses.core.probabilities import (
    binary_log_probabilities,
    binary_logit_terms,
    binary_probabilities,
    clip_probabilities,
    epsilon,
    log_probabilities,
    normalized_probabilities,
)
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    at_least,
    axis,
    boolean,
    check_shapes_match,
    checked,
    float_tensor,
    integer,
    non_negative,
    one_of,
    optional,
    per_class,
    per_output,
    real,
    same_shape,
    to_tensor,
    unit_interval,
)

__all__ = [
    "BalancedBinaryCrossentropy",
    "BinaryCrossentropy",
    "BinaryFocalCrossentropy",
    "CategoricalCrossentropy",
    "CategoricalFocalCrossentropy",
    "CategoricalHinge",
    "Hinge",
    "KLDivergence",
    "MultiLabelMargin",
    "MultiLabelSoftMargin",
    "MultiMargin",
    "NegativeLogLikelihood",
    "PolyCrossentropy",
    "SoftMargin",
    "SparseCategoricalCrossentropy",
    "SparseCategoricalFocalCrossentropy",
    "SquaredHinge",
    "balanced_binary_crossentropy",
    "binary_crossentropy",
    "binary_focal_crossentropy",
    "categorical_crossentropy",
    "categorical_focal_crossentropy",
    "categorical_hinge",
    "hinge",
    "kl_divergence",
    "multi_margin",
    "multilabel_margin",
    "multilabel_soft_margin",
    "negative_log_likelihood",
    "poly_crossentropy",
    "soft_margin",
    "sparse_categorical_crossentropy",
    "sparse_categorical_focal_crossentropy",
    "squared_hinge",
]

_REDUCTION = "sum_over_batch_size"
Weights = float | Sequence[float] | None


def _class_axis_last(y_pred: Any, axis: int) -> Any:
    return y_pred if axis in (-1, len(y_pred.shape) - 1) else ops.moveaxis(y_pred, axis, -1)


def _focal_factor(base: Any, gamma: float) -> Any:
    """``base ** gamma`` for ``base`` in [0, 1], with a finite gradient at ``base = 0``.

    For ``0 < gamma < 1`` the derivative ``gamma * base**(gamma - 1)`` is
    infinite at 0, so 0 is kept out of ``power`` (the double-``where`` trick).
    """
    if gamma == 0:
        return ops.ones_like(base)
    if gamma == 1:
        return base
    if gamma == 2:
        return ops.square(base)
    if gamma > 1:
        return ops.power(base, gamma)
    positive = base > 0
    safe = ops.where(positive, base, ops.ones_like(base))
    return ops.where(positive, ops.power(safe, gamma), ops.zeros_like(base))


def _hinge_labels(y_true: Any) -> Any:
    """Keras's rule: labels that are all 0 or 1 become -1 or 1; others are used as given."""
    is_binary = ops.all(ops.logical_or(ops.equal(y_true, 0), ops.equal(y_true, 1)))
    return ops.where(is_binary, 2.0 * y_true - 1.0, y_true)


# --- binary ------------------------------------------------------------------------------------


def _binary_cross_entropy(y_true: Any, y_pred: Any, from_logits: bool, pos_weight: Weights = None) -> Any:
    """Elementwise ``-(pos_weight * y * log(p) + (1 - y) * log(1 - p))``."""
    if pos_weight is None and from_logits:
        # Keras's op: one fused kernel on torch (binary_cross_entropy_with_logits) and
        # TF (sigmoid_cross_entropy_with_logits); two log_sigmoid calls on JAX.
        return ops.binary_crossentropy(y_true, y_pred, from_logits=True)
    log_p, log_not_p = binary_log_probabilities(y_pred, from_logits=from_logits)
    positive = y_true if pos_weight is None else as_tensor(pos_weight, y_pred) * y_true
    return -(positive * log_p + (1.0 - y_true) * log_not_p)


@checked(from_logits=boolean, label_smoothing=unit_interval, axis=axis, pos_weight=optional(per_output(non_negative)))
def binary_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
    *,
    pos_weight: Weights = None,
) -> Any:
    """Binary cross-entropy, optionally with a weight on the positive term.

    Formula:
        ``y' = y * (1 - label_smoothing) + 0.5 * label_smoothing``;
        ``loss = mean(-(pos_weight * y' * log(p) + (1 - y') * log(1 - p)), axis)``,
        ``p = sigmoid(y_pred)`` from logits (computed as ``softplus``, exact),
        else ``y_pred`` clipped to ``[epsilon, 1 - epsilon]``.

    Shape:
        y_true, y_pred: ``(N, ..., C)``. ``pos_weight``: scalar or ``(C,)``.
        Output: ``(N, ...)`` (``axis`` averaged).

    Args:
        from_logits: whether ``y_pred`` are logits (else probabilities).
        label_smoothing: in [0, 1]; squeezes the labels toward 0.5.
        axis: the axis averaged.
        pos_weight: ``None``, or a weight ``>= 0`` (one per class) of the
            positive term, as in ``torch.nn.BCEWithLogitsLoss(pos_weight=)``.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.binary_crossentropy([[1.0, 0.0]], [[0.0, 0.0]], from_logits=True)[0]), 4)
        0.6931
        >>> round(float(keras_losses.binary_crossentropy([[1.0]], [[0.5]], pos_weight=3.0)[0]), 4)  # 3 log 2
        2.0794

    References:
        ``torch.nn.functional.binary_cross_entropy_with_logits``;
        ``tf.nn.weighted_cross_entropy_with_logits``; ``keras.losses.binary_crossentropy``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, 2)
    return ops.mean(_binary_cross_entropy(y_true, y_pred, from_logits, pos_weight), axis=axis)


@checked(from_logits=boolean, beta=optional(unit_interval))
def balanced_binary_crossentropy(
    y_true: Any, y_pred: Any, *, from_logits: bool = False, beta: float | None = None
) -> Any:
    """Class-balanced binary cross-entropy of HED (edge detection).

    Formula:
        ``beta = mean(1 - y)`` over each sample (the fraction of negatives) unless given;
        ``loss = mean(-(beta * y * log(p) + (1 - beta) * (1 - y) * log(1 - p)))`` over each sample.

    Shape:
        y_true, y_pred: ``(N, ...)``. Output: ``(N,)`` (every axis but the
        first is averaged; HED sums instead, which only scales by the size).

    Args:
        from_logits: whether ``y_pred`` are logits (else probabilities).
        beta: ``None`` for HED's per-sample fraction of negatives, or a fixed weight in [0, 1].

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[1.0, 0.0, 0.0, 0.0]], [[0.5, 0.5, 0.5, 0.5]]
        >>> round(float(keras_losses.balanced_binary_crossentropy(y_true, y_pred)[0]), 4)  # (0.75 + 3 * 0.25) log 2 / 4
        0.2599

    References:
        Xie and Tu, "Holistically-Nested Edge Detection", ICCV 2015, eq. 2.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    sample_axes = tuple(range(1, len(y_pred.shape)))
    log_p, log_not_p = binary_log_probabilities(y_pred, from_logits=from_logits)
    if beta is None:
        beta = ops.mean(1.0 - y_true, axis=sample_axes, keepdims=True)
    values = -(beta * y_true * log_p + (1.0 - beta) * (1.0 - y_true) * log_not_p)
    return ops.mean(values, axis=sample_axes)


@checked(
    apply_class_balancing=boolean,
    alpha=optional(unit_interval),
    gamma=non_negative,
    from_logits=boolean,
    label_smoothing=unit_interval,
    axis=axis,
)
def binary_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    apply_class_balancing: bool = False,
    alpha: float | None = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Binary focal loss: cross-entropy scaled down where the prediction is already right.

    Formula:
        ``p_t = y * p + (1 - y) * (1 - p)``;
        ``alpha_t = alpha * y + (1 - alpha) * (1 - y)`` with ``apply_class_balancing``
        (else 1, and 1 when ``alpha`` is None);
        ``loss = mean(alpha_t * (1 - p_t)**gamma * bce(y, p), axis)``.
        From logits, ``1 - p_t = y * sigmoid(-x) + (1 - y) * sigmoid(x)`` (no cancellation).

    Shape:
        y_true, y_pred: ``(N, ..., C)``. Output: ``(N, ...)``.

    Args:
        apply_class_balancing: whether to weigh the classes by ``alpha`` (Keras's switch).
        alpha: weight of the positive class in [0, 1] when balancing, or ``None`` for none.
        gamma: focusing parameter ``>= 0``; 0 gives (alpha-weighted) cross-entropy.
        from_logits: whether ``y_pred`` are logits (else probabilities).
        label_smoothing: in [0, 1]; squeezes the labels toward 0.5.
        axis: the axis averaged.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.binary_focal_crossentropy([[1.0]], [[0.5]])[0]), 4)  # 0.25 log 2
        0.1733
        >>> round(float(keras_losses.binary_focal_crossentropy([[1.0]], [[0.5]], True, alpha=0.25)[0]), 4)
        0.0433

    References:
        Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
        ``optax.sigmoid_focal_loss``; ``keras.losses.binary_focal_crossentropy``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, 2)
    if from_logits:
        bce, p, not_p = binary_logit_terms(y_true, y_pred)
    else:
        bce, (p, not_p) = _binary_cross_entropy(y_true, y_pred, False), binary_probabilities(y_pred, from_logits=False)
    values = bce * _focal_factor(y_true * not_p + (1.0 - y_true) * p, gamma)
    if apply_class_balancing and alpha is not None:
        values = values * ((1.0 - alpha) + (2.0 * alpha - 1.0) * y_true)
    return ops.mean(values, axis=axis)


# --- categorical (dense targets) -----------------------------------------------------------------


@checked(from_logits=boolean, label_smoothing=unit_interval, axis=axis, class_weight=optional(per_class(non_negative)))
def categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
    *,
    class_weight: Weights = None,
) -> Any:
    """Cross-entropy between target distributions (one-hot or soft) and predictions.

    Formula:
        ``y' = y * (1 - label_smoothing) + label_smoothing / C``;
        ``loss = -sum(w * y' * log_softmax(y_pred), axis)`` (``w`` = ``class_weight`` or 1).
        Probabilities are normalised over ``axis`` and clipped instead.

    Shape:
        y_true, y_pred: ``(N, ..., C)`` with classes on ``axis``. ``class_weight``: ``(C,)``.
        Output: ``(N, ...)``.

    Args:
        from_logits: whether ``y_pred`` are logits (else probabilities).
        label_smoothing: in [0, 1]; mixes the targets with the uniform distribution.
        axis: the class axis.
        class_weight: ``None`` or one weight ``>= 0`` per class (PyTorch's ``weight``;
            with probability targets torch's ``"mean"`` divides by ``N``, as our default does).

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[0.0, 1.0, 0.0]], [[0.1, 0.8, 0.1]]
        >>> round(float(keras_losses.categorical_crossentropy(y_true, y_pred)[0]), 4)  # -log 0.8
        0.2231

    References:
        ``torch.nn.functional.cross_entropy`` (probability targets); ``keras.losses.categorical_crossentropy``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, y_pred.shape[axis])
    if class_weight is not None:  # cross-entropy is linear in the targets: weigh them
        y_true = y_true * _along(as_tensor(class_weight, y_pred), axis, len(y_pred.shape))
    if from_logits and keras.backend.backend() == "tensorflow":
        # -log_softmax(x) as logsumexp(x) - x: under TensorFlow's XLA 0.8x the time of log_softmax
        # (measured), as fast as Keras's fused softmax_cross_entropy_with_logits, whose gradient
        # (softmax - y) is wrong for targets that do not sum to 1 (weighted, multi-label).
        return ops.sum(y_true * (ops.logsumexp(y_pred, axis=axis, keepdims=True) - y_pred), axis=axis)
    return -ops.sum(y_true * log_probabilities(y_pred, from_logits=from_logits, axis=axis), axis=axis)


def _along(vector: Any, axis: int, rank: int) -> Any:
    """A ``(C,)`` vector shaped to broadcast along ``axis`` of a rank-``rank`` tensor."""
    axis = axis % rank
    return ops.reshape(vector, (-1,) + (1,) * (rank - 1 - axis))


@checked(
    alpha=optional(per_output(unit_interval)),
    gamma=non_negative,
    from_logits=boolean,
    label_smoothing=unit_interval,
    axis=axis,
)
def categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    alpha: Weights = 0.25,
    gamma: float = 2.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Categorical focal loss: cross-entropy with each class term scaled by ``alpha * (1 - p)**gamma``.

    Formula:
        ``loss = -sum(alpha * (1 - p)**gamma * y' * log(p), axis)``, ``p = softmax(y_pred)``
        (from logits; ``1 - p = -expm1(log p)``, exact near 1) or the normalised,
        clipped probabilities, ``y'`` the smoothed labels. ``gamma = 0`` and
        ``alpha = None`` give :func:`categorical_crossentropy`.

    Shape:
        y_true, y_pred: ``(N, ..., C)``. ``alpha``: scalar or ``(C,)``. Output: ``(N, ...)``.

    Args:
        alpha: ``None``, a weight in [0, 1], or one per class.
        gamma: focusing parameter ``>= 0``.
        from_logits: whether ``y_pred`` are logits (else probabilities).
        label_smoothing: in [0, 1].
        axis: the class axis.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[0.0, 1.0]], [[0.5, 0.5]]
        >>> round(float(keras_losses.categorical_focal_crossentropy(y_true, y_pred, alpha=None)[0]), 4)
        0.1733

    References:
        Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
        ``keras.losses.categorical_focal_crossentropy``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    rank = len(y_pred.shape)
    y_true = smooth_labels(y_true, label_smoothing, y_pred.shape[axis])
    if from_logits:
        log_p = ops.log_softmax(y_pred, axis=axis)
        not_p = -ops.expm1(log_p)  # 1 - p without cancellation where p is near 1
    else:
        p = normalized_probabilities(y_pred, axis)
        log_p, not_p = ops.log(p), 1.0 - p
    values = -y_true * log_p * _focal_factor(not_p, gamma)
    if alpha is not None:
        values = values * _along(ops.reshape(as_tensor(alpha, y_pred), (-1,)), axis, rank)
    return ops.sum(values, axis=axis)


@checked(epsilon=at_least(-1.0), from_logits=boolean, label_smoothing=unit_interval, axis=axis)
def poly_crossentropy(
    y_true: Any,
    y_pred: Any,
    *,
    epsilon: float = 1.0,
    from_logits: bool = False,
    label_smoothing: float = 0.0,
    axis: int = -1,
) -> Any:
    """Poly-1 loss: cross-entropy plus ``epsilon`` times the first polynomial term ``1 - p_t``.

    Formula:
        ``loss = -sum(y' * log(p), axis) + epsilon * sum(y' * (1 - p), axis)``.

    Shape:
        y_true, y_pred: ``(N, ..., C)``. Output: ``(N, ...)``.

    Args:
        epsilon: weight of the poly term, ``>= -1``; 0 gives cross-entropy.
        from_logits: whether ``y_pred`` are logits (else probabilities).
        label_smoothing: in [0, 1].
        axis: the class axis.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.poly_crossentropy([[0.0, 1.0]], [[0.5, 0.5]], epsilon=1.0)[0]), 4)  # log 2 + 0.5
        1.1931

    References:
        Leng et al., "PolyLoss: A Polynomial Expansion Perspective of Classification
        Loss Functions", ICLR 2022. ``optax.poly_loss_cross_entropy``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    y_true = smooth_labels(y_true, label_smoothing, y_pred.shape[axis])
    log_p = log_probabilities(y_pred, from_logits=from_logits, axis=axis)
    return ops.sum(y_true * (epsilon * -ops.expm1(log_p) - log_p), axis=axis)


@checked(log_input=boolean, log_target=boolean)
def kl_divergence(y_true: Any, y_pred: Any, *, log_input: bool = False, log_target: bool = False) -> Any:
    """Kullback-Leibler divergence ``KL(y_true || y_pred)`` over the last axis.

    Formula:
        ``loss = sum(t * (log(t) - log(q)), axis=-1)``. With ``log_input=False``
        both are probabilities clipped to ``[epsilon, 1]`` (``keras.losses.kl_divergence``);
        with ``log_input=True``, ``y_pred`` is ``log q`` and the target is used as
        given, ``0 * log 0 = 0`` (``torch.nn.functional.kl_div``). ``log_target``:
        ``y_true`` is ``log t``.

    Shape:
        y_true, y_pred: ``(N, ..., C)``. Output: ``(N, ...)``. Our default
        reduction is torch's ``reduction="batchmean"`` for ``(N, C)`` inputs.

    Args:
        log_input: whether ``y_pred`` holds log-probabilities.
        log_target: whether ``y_true`` holds log-probabilities.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.kl_divergence([[0.5, 0.5]], [[0.25, 0.75]])[0]), 4)
        0.1438

    References:
        Kullback and Leibler, "On Information and Sufficiency", 1951.
        ``keras.losses.kl_divergence``; ``torch.nn.functional.kl_div``.
    """
    y_true, y_pred = same_shape(y_true, y_pred)
    if log_input:
        log_q = y_pred
    else:
        log_q = ops.log(ops.clip(y_pred, epsilon(), 1.0))
    if log_target:
        return ops.sum(ops.exp(y_true) * (y_true - log_q), axis=-1)
    if log_input:
        positive = y_true > 0
        log_t = ops.log(ops.where(positive, y_true, ops.ones_like(y_true)))
        return ops.sum(ops.where(positive, y_true * (log_t - log_q), -y_true * log_q), axis=-1)
    t = ops.clip(y_true, epsilon(), 1.0)
    return ops.sum(t * (ops.log(t) - log_q), axis=-1)


# --- sparse (integer labels) ---------------------------------------------------------------------


def _label_cross_entropy(logits_or_probs: Any, labels: Any, from_logits: bool) -> Any:
    """``-log p[label]`` without building an ``(N, ..., C)`` one-hot or a log of every class.

    From logits, Keras's op is one fused kernel on TensorFlow
    (``sparse_softmax_cross_entropy_with_logits``) and torch (``F.cross_entropy``).
    On JAX it builds a one-hot: faster for a few classes (measured: up to 32),
    while ``logsumexp(x) - x[label]`` takes half its time and memory from 64 classes
    to 128k (``benchmarks/``). From probabilities, the label's probability is
    gathered first and normalised by the row's sum: one log per position, not per
    class (the same value as Keras's clipped, normalised probabilities).
    """
    if from_logits:
        if keras.backend.backend() in ("tensorflow", "torch") or logits_or_probs.shape[-1] <= 32:
            return ops.sparse_categorical_crossentropy(labels, logits_or_probs, from_logits=True)
        return ops.logsumexp(logits_or_probs, axis=-1) - gather_classes(logits_or_probs, labels)
    total = ops.sum(logits_or_probs, axis=-1)
    return -ops.log(clip_probabilities(gather_classes(logits_or_probs, labels) / total))


def _merge_ignore(ignore_class: int | None, ignore_index: int | None) -> int | None:
    """Keras's ``ignore_class`` and PyTorch's ``ignore_index`` are one option under two names."""
    optional(integer)("ignore_class", ignore_class)
    optional(integer)("ignore_index", ignore_index)
    if ignore_class is not None and ignore_index is not None and ignore_class != ignore_index:
        raise ValueError(
            f"Invalid value for argument `ignore_index`: {ignore_index!r}. `ignore_class` and `ignore_index` "
            f"name the same option; got ignore_class={ignore_class!r}. Expected one of them, or equal values."
        )
    return ignore_class if ignore_class is not None else ignore_index


def _squeeze_class_axis(y_true: Any, y_pred: Any, axis: int) -> Any:
    """Keras's rule: labels with a size-1 axis at the class axis (``(N, 1, H, W)`` for axis 1) lose it."""
    y_true = to_tensor(y_true)
    if axis not in (-1, len(y_pred.shape) - 1) and len(y_true.shape) == len(y_pred.shape):
        if y_true.shape[axis] == 1:
            return ops.squeeze(y_true, axis=axis)
    return y_true


@checked(
    from_logits=boolean,
    ignore_class=optional(integer),
    axis=axis,
    ignore_index=optional(integer),
    class_weight=optional(per_class(non_negative)),
    label_smoothing=unit_interval,
)
def sparse_categorical_crossentropy(
    y_true: Any,
    y_pred: Any,
    from_logits: bool = False,
    ignore_class: int | None = None,
    axis: int = -1,
    *,
    ignore_index: int | None = None,
    class_weight: Weights = None,
    label_smoothing: float = 0.0,
) -> Any:
    """Cross-entropy with integer class labels: PyTorch's ``F.cross_entropy(reduction="none")``.

    Formula:
        ``loss = w[t] * (1 - e) * -log p[t] + e / C * sum_c w[c] * -log p[c]``,
        ``e = label_smoothing``, ``w = class_weight`` (or 1), and 0 where
        ``t == ignore_index``. From logits, ``-log p[t] = logsumexp(x) - x[t]``
        and ``sum_c -log p[c] = C * logsumexp(x) - sum(x)``: no one-hot and no
        second ``(N, ..., C)`` array beyond what the gradient needs. A label
        outside ``[0, C)`` (and not ignored) gives NaN.

    Shape:
        y_true: ``(N, d1, ..., dk)`` integers (or with a size-1 axis at the end
        or at ``axis``). y_pred: ``(N, d1, ..., dk, C)`` with classes on ``axis``.
        Output: ``(N, d1, ..., dk)``.

    Args:
        from_logits: whether ``y_pred`` are logits (else probabilities).
        ignore_class: a label to skip (e.g. padding), or ``None``; Keras's name
            of ``ignore_index``.
        axis: the class axis of ``y_pred``.
        ignore_index: PyTorch's name of ``ignore_class``; give either.
        class_weight: ``None`` or one weight ``>= 0`` per class.
        label_smoothing: in [0, 1].

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [1, -100], [[0.0, 0.0], [5.0, 1.0]]
        >>> values = keras_losses.sparse_categorical_crossentropy(y_true, y_pred, from_logits=True, ignore_index=-100)
        >>> [round(float(v), 4) for v in values]
        [0.6931, 0.0]

    References:
        ``torch.nn.functional.cross_entropy``; ``keras.losses.sparse_categorical_crossentropy``;
        Szegedy et al., "Rethinking the Inception Architecture", 2016 (label smoothing).
    """
    ignore_index = _merge_ignore(ignore_class, ignore_index)
    y_pred = float_tensor(y_pred)
    y_true = _squeeze_class_axis(y_true, y_pred, axis)
    y_pred = _class_axis_last(y_pred, axis)
    labels = class_labels(y_true, y_pred, ignore_index)
    num_classes = y_pred.shape[-1]
    weight = None if class_weight is None else as_tensor(class_weight, y_pred)
    if from_logits and label_smoothing:
        # The smoothing term needs logsumexp(x) anyway; one serves both terms:
        # -log p[t] = lse - x[t] and sum_c w_c * -log p_c = sum(w) * lse - sum(w * x).
        lse = ops.logsumexp(y_pred, axis=-1)
        values = lse - gather_classes(y_pred, labels.index)
        total_weight = num_classes if weight is None else ops.sum(weight)
        smooth = total_weight * lse - ops.sum(y_pred if weight is None else y_pred * weight, axis=-1)
    else:
        values = _label_cross_entropy(y_pred, labels.index, from_logits)
        if label_smoothing:  # probabilities: the smoothing term needs every class's log
            log_p = log_probabilities(y_pred, from_logits=False)
            smooth = -ops.sum(log_p if weight is None else log_p * weight, axis=-1)
    if weight is not None:
        values = values * ops.take(weight, labels.index)
    if label_smoothing:
        values = (1.0 - label_smoothing) * values + (label_smoothing / num_classes) * smooth
    return apply_label_policy(values, labels)


@checked(ignore_index=optional(integer), class_weight=optional(per_class(non_negative)), axis=axis)
def negative_log_likelihood(
    y_true: Any, y_pred: Any, *, ignore_index: int | None = None, class_weight: Weights = None, axis: int = -1
) -> Any:
    """Negative log-likelihood of integer labels under log-probabilities: ``F.nll_loss(reduction="none")``.

    Formula:
        ``loss = -w[t] * y_pred[t]``, 0 where ``t == ignore_index`` and NaN where
        ``t`` is outside ``[0, C)``.

    Shape:
        y_true: ``(N, d1, ..., dk)`` integers. y_pred: ``(N, d1, ..., dk, C)``
        log-probabilities, classes on ``axis``. Output: ``(N, d1, ..., dk)``.

    Args:
        ignore_index: a label to skip, or ``None``.
        class_weight: ``None`` or one weight ``>= 0`` per class.
        axis: the class axis of ``y_pred``.

    Examples:
        >>> import keras_losses
        >>> [float(v) for v in keras_losses.negative_log_likelihood([0, 1], [[-0.5, -1.0], [-2.0, -0.25]])]
        [0.5, 0.25]

    References:
        ``torch.nn.functional.nll_loss``.
    """
    y_pred = _class_axis_last(float_tensor(y_pred), axis)
    labels = class_labels(y_true, y_pred, ignore_index)
    values = -gather_classes(y_pred, labels.index)
    if class_weight is not None:
        values = values * ops.take(as_tensor(class_weight, y_pred), labels.index)
    return apply_label_policy(values, labels)


@checked(
    gamma=non_negative,
    alpha=optional(per_output(unit_interval)),
    ignore_index=optional(integer),
    from_logits=boolean,
    axis=axis,
)
def sparse_categorical_focal_crossentropy(
    y_true: Any,
    y_pred: Any,
    *,
    gamma: float = 2.0,
    alpha: Weights = 0.25,
    ignore_index: int | None = None,
    from_logits: bool = False,
    axis: int = -1,
) -> Any:
    """Focal loss with integer labels: :func:`categorical_focal_crossentropy` of the one-hot labels.

    Formula:
        ``loss = -alpha[t] * (1 - p[t])**gamma * log p[t]``, 0 where ``t == ignore_index``
        and NaN where ``t`` is outside ``[0, C)``.

    Shape:
        y_true: ``(N, d1, ..., dk)`` integers. y_pred: ``(N, d1, ..., dk, C)``. ``alpha``:
        scalar or ``(C,)``. Output: ``(N, d1, ..., dk)``.

    Args:
        gamma: focusing parameter ``>= 0``.
        alpha: ``None``, a weight in [0, 1], or one per class.
        ignore_index: a label to skip, or ``None``.
        from_logits: whether ``y_pred`` are logits (else probabilities).
        axis: the class axis of ``y_pred``.

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.sparse_categorical_focal_crossentropy([1], [[0.5, 0.5]], alpha=None)[0]), 4)
        0.1733

    References:
        Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """
    y_pred = _class_axis_last(float_tensor(y_pred), axis)
    labels = class_labels(y_true, y_pred, ignore_index)
    cross_entropy = _label_cross_entropy(y_pred, labels.index, from_logits)
    values = cross_entropy * _focal_factor(-ops.expm1(-cross_entropy), gamma)
    if alpha is not None:
        alpha = as_tensor(alpha, y_pred)
        values = values * (ops.take(alpha, labels.index) if len(alpha.shape) else alpha)
    return apply_label_policy(values, labels)


# --- hinge and margin ----------------------------------------------------------------------------


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
        values = values * ops.take(as_tensor(class_weight, y_pred), labels.index)
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
    if keras.backend.is_float_dtype(entries.dtype):  # a non-integer (NaN included) is a bad entry, -2
        entries = ops.where(ops.equal(ops.floor(entries), entries), entries, ops.full_like(entries, -2))
    entries = ops.cast(entries, "int32")
    # A row lists labels until its first -1; a listed entry outside [0, C) is bad.
    listed = ops.cast(ops.cumprod(ops.cast(ops.not_equal(entries, -1), "int32"), axis=-1), "bool")
    in_range = ops.logical_and(ops.greater_equal(entries, 0), ops.less(entries, num_classes))
    bad = ops.any(ops.logical_and(listed, ops.logical_not(in_range)), axis=-1)
    listed = ops.logical_and(listed, in_range)
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
    return ops.where(bad, ops.full_like(values, math.nan), values)


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
        values = values * as_tensor(class_weight, y_pred)
    return ops.mean(values, axis=-1)


# --- classes -------------------------------------------------------------------------------------


class _IndexLabelLoss(Loss):
    """A loss whose ``y_true`` are class indices, with ``ignore_index`` and ``class_weight``.

    Ignored labels act as a mask (means are over the others); class weights of
    the labels count in ``"weighted_mean"``, which is then PyTorch's ``"mean"``.
    """

    index_labels = True
    #: Whether ``class_weight`` is a weight of the label (PyTorch's ``weight``) for ``"weighted_mean"``.
    weights_count = True

    def element_weights(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        options = self._options
        ignore_index = _merge_ignore(options.get("ignore_class"), options.get("ignore_index"))
        class_weight = options.get("class_weight") if self.weights_count else None
        if ignore_index is None and class_weight is None:
            return None, None
        axis = options.get("axis", -1)
        y_true = _squeeze_class_axis(y_true, y_pred, axis)
        y_pred = _class_axis_last(y_pred, axis)
        labels = class_labels(y_true, y_pred, ignore_index)
        weight = None
        if class_weight is not None:
            weight = zero_ignored(ops.take(as_tensor(class_weight, y_pred), labels.index), labels.valid)
        return weight, labels.valid


@register_loss("bce", "sigmoid_cross_entropy")
class BinaryCrossentropy(Loss):
    """Binary cross-entropy; see :func:`binary_crossentropy`.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.BinaryCrossentropy(from_logits=True, pos_weight=[1.0, 2.0])
        >>> round(float(loss([[1.0, 1.0]], [[0.0, 0.0]])), 4)  # 1.5 log 2
        1.0397
    """

    function = binary_crossentropy

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "binary_crossentropy",
        dtype: Any = None,
        *,
        pos_weight: Weights = None,
    ):
        super().__init__(
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            pos_weight=pos_weight,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("balanced_sigmoid_cross_entropy")
class BalancedBinaryCrossentropy(Loss):
    """HED's class-balanced binary cross-entropy; see :func:`balanced_binary_crossentropy`."""

    function = balanced_binary_crossentropy

    def __init__(
        self,
        from_logits: bool = False,
        beta: float | None = None,
        reduction: str | None = _REDUCTION,
        name: str = "balanced_binary_crossentropy",
        dtype: Any = None,
    ):
        super().__init__(from_logits=from_logits, beta=beta, reduction=reduction, name=name, dtype=dtype)


@register_loss("softmax_cross_entropy")
class CategoricalCrossentropy(Loss):
    """Categorical cross-entropy; see :func:`categorical_crossentropy`."""

    function = categorical_crossentropy

    def __init__(
        self,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "categorical_crossentropy",
        dtype: Any = None,
        *,
        class_weight: Weights = None,
    ):
        super().__init__(
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            class_weight=class_weight,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("sparse_softmax_cross_entropy")
class SparseCategoricalCrossentropy(_IndexLabelLoss):
    """Cross-entropy with integer labels; see :func:`sparse_categorical_crossentropy`.

    Keras's ``ignore_class`` and PyTorch's ``ignore_index`` are one option: give
    either (the config stores it as ``ignore_class``).
    ``reduction="weighted_mean"`` is PyTorch's ``CrossEntropyLoss(reduction="mean")``.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.SparseCategoricalCrossentropy(from_logits=True, ignore_index=-100)
        >>> round(float(loss([1, -100], [[0.0, 0.0], [5.0, 1.0]])), 4)  # the ignored label does not count
        0.6931
    """

    function = sparse_categorical_crossentropy

    def __init__(
        self,
        from_logits: bool = False,
        ignore_class: int | None = None,
        reduction: str | None = _REDUCTION,
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        *,
        ignore_index: int | None = None,
        class_weight: Weights = None,
        label_smoothing: float = 0.0,
    ):
        super().__init__(
            from_logits=from_logits,
            ignore_class=_merge_ignore(ignore_class, ignore_index),
            axis=axis,
            class_weight=class_weight,
            label_smoothing=label_smoothing,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("nll")
class NegativeLogLikelihood(_IndexLabelLoss):
    """Negative log-likelihood; see :func:`negative_log_likelihood`.

    ``reduction="weighted_mean"`` is PyTorch's ``NLLLoss(reduction="mean")``.
    """

    function = negative_log_likelihood

    def __init__(
        self,
        ignore_index: int | None = None,
        class_weight: Weights = None,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "negative_log_likelihood",
        dtype: Any = None,
    ):
        super().__init__(
            ignore_index=ignore_index, class_weight=class_weight, axis=axis, reduction=reduction, name=name, dtype=dtype
        )


@register_loss("kld", "kullback_leibler_divergence")
class KLDivergence(Loss):
    """Kullback-Leibler divergence; see :func:`kl_divergence`."""

    function = kl_divergence

    def __init__(
        self,
        reduction: str | None = _REDUCTION,
        name: str = "kl_divergence",
        dtype: Any = None,
        *,
        log_input: bool = False,
        log_target: bool = False,
    ):
        super().__init__(log_input=log_input, log_target=log_target, reduction=reduction, name=name, dtype=dtype)


@register_loss("binary_focal", "sigmoid_focal")
class BinaryFocalCrossentropy(Loss):
    """Binary focal loss; see :func:`binary_focal_crossentropy`.

    As in Keras, ``alpha`` weighs the classes only with ``apply_class_balancing=True``.
    """

    function = binary_focal_crossentropy

    def __init__(
        self,
        apply_class_balancing: bool = False,
        alpha: float | None = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "binary_focal_crossentropy",
        dtype: Any = None,
    ):
        super().__init__(
            apply_class_balancing=apply_class_balancing,
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("focal")
class CategoricalFocalCrossentropy(Loss):
    """Categorical focal loss, the ``"focal"`` string; see :func:`categorical_focal_crossentropy`.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.CategoricalFocalCrossentropy(alpha=None, gamma=0.0)  # plain cross-entropy
        >>> round(float(loss([[0.0, 1.0]], [[0.2, 0.8]])), 4)
        0.2231
    """

    function = categorical_focal_crossentropy

    def __init__(
        self,
        alpha: Weights = 0.25,
        gamma: float = 2.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "categorical_focal_crossentropy",
        dtype: Any = None,
    ):
        super().__init__(
            alpha=alpha,
            gamma=gamma,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("sparse_focal")
class SparseCategoricalFocalCrossentropy(_IndexLabelLoss):
    """Focal loss with integer labels; see :func:`sparse_categorical_focal_crossentropy`."""

    function = sparse_categorical_focal_crossentropy
    weights_count = False  # alpha is a focal parameter, not a label weight

    def __init__(
        self,
        gamma: float = 2.0,
        alpha: Weights = 0.25,
        ignore_index: int | None = None,
        from_logits: bool = False,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "sparse_categorical_focal_crossentropy",
        dtype: Any = None,
    ):
        super().__init__(
            gamma=gamma,
            alpha=alpha,
            ignore_index=ignore_index,
            from_logits=from_logits,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("poly")
class PolyCrossentropy(Loss):
    """Poly-1 cross-entropy; see :func:`poly_crossentropy`."""

    function = poly_crossentropy

    def __init__(
        self,
        epsilon: float = 1.0,
        from_logits: bool = False,
        label_smoothing: float = 0.0,
        axis: int = -1,
        reduction: str | None = _REDUCTION,
        name: str = "poly_crossentropy",
        dtype: Any = None,
    ):
        super().__init__(
            epsilon=epsilon,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss()
class Hinge(Loss):
    """Hinge loss; see :func:`hinge`."""

    function = hinge

    def __init__(self, reduction: str | None = _REDUCTION, name: str = "hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class SquaredHinge(Loss):
    """Squared hinge loss; see :func:`squared_hinge`."""

    function = squared_hinge

    def __init__(self, reduction: str | None = _REDUCTION, name: str = "squared_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class CategoricalHinge(Loss):
    """Categorical hinge loss; see :func:`categorical_hinge`."""

    function = categorical_hinge

    def __init__(self, reduction: str | None = _REDUCTION, name: str = "categorical_hinge", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiMargin(Loss):
    """Multi-class margin loss; see :func:`multi_margin`."""

    function = multi_margin
    index_labels = True

    def __init__(
        self,
        p: int = 1,
        margin: float = 1.0,
        class_weight: Weights = None,
        reduction: str | None = _REDUCTION,
        name: str = "multi_margin",
        dtype: Any = None,
    ):
        super().__init__(p=p, margin=margin, class_weight=class_weight, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiLabelMargin(Loss):
    """Multi-label margin loss; see :func:`multilabel_margin`."""

    function = multilabel_margin
    index_labels = True

    def __init__(self, reduction: str | None = _REDUCTION, name: str = "multilabel_margin", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class SoftMargin(Loss):
    """Soft margin loss; see :func:`soft_margin`."""

    function = soft_margin

    def __init__(self, reduction: str | None = _REDUCTION, name: str = "soft_margin", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)


@register_loss()
class MultiLabelSoftMargin(Loss):
    """Multi-label soft margin loss; see :func:`multilabel_soft_margin`."""

    function = multilabel_soft_margin

    def __init__(
        self,
        class_weight: Weights = None,
        reduction: str | None = _REDUCTION,
        name: str = "multilabel_soft_margin",
        dtype: Any = None,
    ):
        super().__init__(class_weight=class_weight, reduction=reduction, name=name, dtype=dtype)
