"""Generalized cross-entropy (noise-robust) and the sparsemax loss."""

from __future__ import annotations

from typing import Any

from keras import ops

from keras_losses.classification._shared import IndexLabelLoss, Weights, label_cross_entropy
from keras_losses.core.base import Loss
from keras_losses.core.labels import apply_label_policy, class_vector, gather_classes, index_labels
from keras_losses.core.numerics import safe_power
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    boolean,
    checked,
    float_tensor,
    integer,
    non_negative,
    open_unit_interval,
    optional,
    per_class,
    same_shape,
)


@checked(q=open_unit_interval, from_logits=boolean, ignore_index=optional(integer),
         class_weight=optional(per_class(non_negative)))  # fmt: skip
def categorical_generalized_cross_entropy(
    y_true: Any,
    y_pred: Any,
    q: float = 0.5,
    *,
    from_logits: bool = False,
    ignore_index: int | None = None,
    class_weight: Weights = None,
) -> Any:
    """Generalized cross-entropy (Zhang & Sabuncu 2018): between cross-entropy (q → 0) and MAE (q = 1).

    Formula:
        ``loss = w[t] · (1 - p[t]**q) / q`` with ``p[t]`` the probability of the
        label ``t``: as given (Keras's; the gradient at ``p[t] = 0`` is 0, not
        infinite), or from logits ``p[t]**q = exp(-q · CE)`` (exact for any
        logits). 0 where ``t`` is ``ignore_index``, NaN where ``t`` is outside ``[0, C)``.

    Shape:
        y_true: integer labels ``(N, ...)`` (or ``(N, ..., 1)``). y_pred: ``(N, ..., C)``.
        Output: ``(N, ...)``.

    Args:
        q: in (0, 1); closer to 1 is more robust to noisy labels.
        from_logits: whether ``y_pred`` are logits (softmax over the last axis).
        ignore_index: a label to skip, or ``None``.
        class_weight: ``None`` or one weight ``>= 0`` per class.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [0, 1], [[0.7, 0.3], [0.2, 0.8]]
        >>> [round(float(v), 4) for v in keras_losses.categorical_generalized_cross_entropy(y_true, y_pred)]
        [0.3267, 0.2111]

    References:
        Zhang & Sabuncu, "Generalized Cross Entropy Loss for Training Deep Neural Networks
        with Noisy Labels", NeurIPS 2018; ``keras.losses.CategoricalGeneralizedCrossEntropy``.
    """
    labels, y_pred = index_labels(y_true, float_tensor(y_pred), -1, ignore_index)
    if from_logits:  # p**q = exp(q log p) = exp(-q CE): finite for any logits
        powered = ops.exp(-q * label_cross_entropy(y_pred, labels.index, from_logits=True))
    else:  # Keras's value, exact at p = 0 (gradient 0 there, where q p**(q-1) is infinite)
        powered = safe_power(gather_classes(y_pred, labels.index), q)
    values = (1.0 - powered) / q
    if class_weight is not None:
        values = values * ops.take(class_vector(class_weight, y_pred, "class_weight"), labels.index)
    return apply_label_policy(values, labels)


def _sparsemax(scores: Any) -> Any:
    """The Euclidean projection of ``scores`` on the simplex, over the last axis (Martins & Astudillo, Alg. 1).

    ``p = max(z - τ, 0)`` with ``τ = (Σ_{j ≤ k} z_(j) - 1) / k`` over the ``k``
    largest scores that stay above it. ``τ`` keeps its gradient (``1/k`` for
    each of them), so differentiating ``p`` gives the sparsemax Jacobian.
    """
    classes = scores.shape[-1]
    descending = ops.flip(ops.sort(scores, axis=-1), axis=-1)
    cumulative = ops.cumsum(descending, axis=-1)
    rank = ops.arange(1, classes + 1, dtype=scores.dtype)
    in_support = ops.cast(1.0 + rank * descending > cumulative, scores.dtype)
    size = ops.sum(in_support, axis=-1, keepdims=True)  # >= 1: the largest score is always in
    top = ops.sum(cumulative * ops.cast(ops.equal(rank, size), scores.dtype), axis=-1, keepdims=True)
    return ops.relu(scores - (top - 1.0) / size)


@checked(sparse=boolean)
def sparsemax_loss(y_true: Any, y_pred: Any, *, sparse: bool = False) -> Any:
    """Sparsemax loss (Martins & Astudillo 2016), the Fenchel-Young loss of sparsemax.

    Formula:
        ``p = sparsemax(z)``; ``loss = <p - q, z - c> + (‖q‖² - ‖p‖²) / 2`` for target
        distribution ``q`` (one-hot for labels) and any shift ``c`` (``Σ q·z``, so that
        large scores do not cancel), which is ``-q·z + ½ Σ_{j∈S} (z_j² - τ²) + ½‖q‖²``.
        Gradient ``p - q``. One score (``C = 1``): the binary loss of a logit ``x``,
        ``sparse_plus(-x)`` for ``y = 1`` and ``sparse_plus(x)`` for ``y = 0`` (scores ``(0, x)``).

    Shape:
        y_true: ``(N, ..., C)`` distributions (``sparse=False``) or integer labels
        ``(N, ...)`` (``sparse=True``); 0/1 labels for ``C = 1``. y_pred: scores
        ``(N, ..., C)``. Output: ``(N, ...)``.

    Args:
        sparse: whether ``y_true`` holds integer labels (else one-hot or soft targets).

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[0.0, 1.0, 0.0]], [[0.5, 1.0, -2.0]]  # sparsemax: (0.25, 0.75, 0)
        >>> round(float(keras_losses.sparsemax_loss(y_true, y_pred)[0]), 4)  # 0.25 * -0.5 + (1 - 0.625) / 2
        0.0625

    References:
        Martins & Astudillo, "From Softmax to Sparsemax", ICML 2016; Blondel et al.,
        "Learning with Fenchel-Young Losses", JMLR 2020; ``optax.losses.multiclass_sparsemax_loss``.
    """
    scores = float_tensor(y_pred)
    if not sparse or scores.shape[-1] == 1:  # Keras's rank rule first: (N,) against (N, 1) is one score each
        targets, scores = same_shape(y_true, scores)
    if scores.shape[-1] == 1:  # binary: sparse_plus(-x) for y = 1, sparse_plus(x) for y = 0
        signed = scores * (1.0 - 2.0 * targets)
        middle = ops.where(signed >= 1.0, signed, 0.25 * ops.square(signed + 1.0))
        values = ops.where(signed <= -1.0, ops.zeros_like(signed), middle)
        return ops.squeeze(values, -1)
    labels = None
    if sparse:
        labels, scores = index_labels(y_true, scores, -1)
        targets = ops.one_hot(labels.index, scores.shape[-1], dtype=scores.dtype)
    probabilities = _sparsemax(scores)
    shifted = scores - ops.sum(targets * scores, axis=-1, keepdims=True)
    squares = ops.sum(ops.square(targets), axis=-1) - ops.sum(ops.square(probabilities), axis=-1)
    values = ops.sum((probabilities - targets) * shifted, axis=-1) + 0.5 * squares
    return values if labels is None else apply_label_policy(values, labels)


@register_loss("generalized_cross_entropy", "gce")
class CategoricalGeneralizedCrossEntropy(IndexLabelLoss):
    """Generalized cross-entropy; see :func:`categorical_generalized_cross_entropy`. Keras's signature first."""

    function = categorical_generalized_cross_entropy

    def __init__(
        self,
        q: float = 0.5,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "categorical_generalized_cross_entropy",
        dtype: Any = None,
        *,
        from_logits: bool = False,
        ignore_index: int | None = None,
        class_weight: Weights = None,
    ):
        super().__init__(
            q=q,
            from_logits=from_logits,
            ignore_index=ignore_index,
            class_weight=class_weight,
            reduction=reduction,
            name=name,
            dtype=dtype,
        )


@register_loss("sparsemax")
class Sparsemax(Loss):
    """Sparsemax loss; see :func:`sparsemax_loss`."""

    function = sparsemax_loss

    def __init__(
        self,
        sparse: bool = False,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "sparsemax_loss",
        dtype: Any = None,
    ):
        super().__init__(sparse=sparse, reduction=reduction, name=name, dtype=dtype)

    @property
    def takes_class_indices(self) -> bool:  # type: ignore[override]
        return bool(self._options.get("sparse"))


__all__ = [
    "CategoricalGeneralizedCrossEntropy",
    "Sparsemax",
    "categorical_generalized_cross_entropy",
    "sparsemax_loss",
]
