"""Focal and poly losses: cross-entropy reweighted by how wrong each prediction is."""

from __future__ import annotations

from typing import Any

from keras import ops

from keras_losses.classification._shared import (
    IndexLabelLoss,
    Weights,
    along,
    binary_cross_entropy,
    label_cross_entropy,
)
from keras_losses.core.base import Loss
from keras_losses.core.labels import (
    apply_label_policy,
    class_vector,
    index_labels,
    smooth_labels,
)
from keras_losses.core.numerics import safe_power
from keras_losses.core.probabilities import (
    binary_logit_terms,
    binary_probabilities,
    log_probabilities,
    normalized_probabilities,
)
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    at_least,
    axis,
    boolean,
    checked,
    float_tensor,
    integer,
    non_negative,
    optional,
    per_output,
    same_shape,
    unit_interval,
)


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
        bce, (p, not_p) = binary_cross_entropy(y_true, y_pred, False), binary_probabilities(y_pred)
    values = bce * safe_power(y_true * not_p + (1.0 - y_true) * p, gamma)
    if apply_class_balancing and alpha is not None:
        values = values * ((1.0 - alpha) + (2.0 * alpha - 1.0) * y_true)
    return ops.mean(values, axis=axis)


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
    values = -y_true * log_p * safe_power(not_p, gamma)
    if alpha is not None:
        values = values * along(ops.reshape(class_vector(alpha, y_pred, "alpha", axis), (-1,)), axis, rank)
    return ops.sum(values, axis=axis)


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
    labels, y_pred = index_labels(y_true, float_tensor(y_pred), axis, ignore_index)
    cross_entropy = label_cross_entropy(y_pred, labels.index, from_logits)
    values = cross_entropy * safe_power(-ops.expm1(-cross_entropy), gamma)
    if alpha is not None:
        alpha = class_vector(alpha, y_pred, "alpha")
        values = values * (ops.take(alpha, labels.index) if len(alpha.shape) else alpha)
    return apply_label_policy(values, labels)


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
        reduction: str | None = DEFAULT_REDUCTION,
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
        reduction: str | None = DEFAULT_REDUCTION,
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
class SparseCategoricalFocalCrossentropy(IndexLabelLoss):
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
        reduction: str | None = DEFAULT_REDUCTION,
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
        reduction: str | None = DEFAULT_REDUCTION,
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
