"""Cross-entropies: binary (with HED's balanced form), categorical, sparse (integer labels), NLL and KL."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_losses.classification._shared import (
    IndexLabelLoss,
    Weights,
    along,
    binary_cross_entropy,
    label_cross_entropy,
    merge_ignore,
)
from keras_losses.core.base import Loss
from keras_losses.core.labels import (
    apply_label_policy,
    class_vector,
    gather_classes,
    index_labels,
    smooth_labels,
)
from keras_losses.core.probabilities import (
    binary_log_probabilities,
    epsilon,
    log_probabilities,
)
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    axis,
    boolean,
    checked,
    float_tensor,
    integer,
    non_negative,
    optional,
    per_class,
    per_output,
    same_shape,
    unit_interval,
)


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
    return ops.mean(binary_cross_entropy(y_true, y_pred, from_logits, pos_weight), axis=axis)


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
        y_true = y_true * along(class_vector(class_weight, y_pred, "class_weight", axis), axis, len(y_pred.shape))
    if from_logits and keras.backend.backend() == "tensorflow":
        # -log_softmax(x) as logsumexp(x) - x: the faster form under TensorFlow's XLA (RESULTS.md).
        # Not Keras's fused softmax_cross_entropy_with_logits: its gradient, softmax - y, is wrong
        # for targets that do not sum to 1 (weighted, multi-label).
        return ops.sum(y_true * (ops.logsumexp(y_pred, axis=axis, keepdims=True) - y_pred), axis=axis)
    return -ops.sum(y_true * log_probabilities(y_pred, from_logits=from_logits, axis=axis), axis=axis)


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
    labels, y_pred = index_labels(y_true, float_tensor(y_pred), axis, merge_ignore(ignore_class, ignore_index))
    num_classes = y_pred.shape[-1]
    weight = None if class_weight is None else class_vector(class_weight, y_pred, "class_weight")
    if from_logits and label_smoothing:
        # The smoothing term needs logsumexp(x) anyway; one serves both terms:
        # -log p[t] = lse - x[t] and sum_c w_c * -log p_c = sum(w) * lse - sum(w * x).
        lse = ops.logsumexp(y_pred, axis=-1)
        values = lse - gather_classes(y_pred, labels.index)
        total_weight = num_classes if weight is None else ops.sum(weight)
        smooth = total_weight * lse - ops.sum(y_pred if weight is None else y_pred * weight, axis=-1)
    else:
        values = label_cross_entropy(y_pred, labels.index, from_logits)
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
    labels, y_pred = index_labels(y_true, float_tensor(y_pred), axis, ignore_index)
    values = -gather_classes(y_pred, labels.index)
    if class_weight is not None:
        values = values * ops.take(class_vector(class_weight, y_pred, "class_weight"), labels.index)
    return apply_label_policy(values, labels)


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
        reduction: str | None = DEFAULT_REDUCTION,
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
        reduction: str | None = DEFAULT_REDUCTION,
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
        reduction: str | None = DEFAULT_REDUCTION,
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
class SparseCategoricalCrossentropy(IndexLabelLoss):
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
        reduction: str | None = DEFAULT_REDUCTION,
        axis: int = -1,
        name: str = "sparse_categorical_crossentropy",
        dtype: Any = None,
        *,
        ignore_index: int | None = None,
        class_weight: Weights = None,
        label_smoothing: float = 0.0,
    ):
        sparse_categorical_crossentropy.validate_options(ignore_class=ignore_class, ignore_index=ignore_index)
        super().__init__(
            from_logits=from_logits,
            ignore_class=merge_ignore(ignore_class, ignore_index),
            axis=axis,
            class_weight=class_weight,
            label_smoothing=label_smoothing,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("nll")
class NegativeLogLikelihood(IndexLabelLoss):
    """Negative log-likelihood; see :func:`negative_log_likelihood`.

    ``reduction="weighted_mean"`` is PyTorch's ``NLLLoss(reduction="mean")``.
    """

    function = negative_log_likelihood

    def __init__(
        self,
        ignore_index: int | None = None,
        class_weight: Weights = None,
        axis: int = -1,
        reduction: str | None = DEFAULT_REDUCTION,
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
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "kl_divergence",
        dtype: Any = None,
        *,
        log_input: bool = False,
        log_target: bool = False,
    ):
        super().__init__(log_input=log_input, log_target=log_target, reduction=reduction, name=name, dtype=dtype)
