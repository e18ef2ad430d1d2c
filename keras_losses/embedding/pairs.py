"""Pair and triplet losses with one value per sample: PyTorch's margin, hinge, cosine and triplet losses,
and TF-Addons' contrastive loss.

Multi-input losses take ``y_pred`` as a tuple/list of parts or stacked on axis 1:
``(N, 2, ...)`` for pairs, ``(N, 3, ...)`` for (anchor, positive, negative).
"""

from __future__ import annotations

import math
from typing import Any

from keras import ops

from keras_losses.core.base import Loss, _nested_numbers_as_array
from keras_losses.core.distances import (
    distance_name,
    distance_or_function,
    lp_distance,
    paired_cosine_similarity,
    paired_distances,
)
from keras_losses.core.labels import nan_where
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    Check,
    _shape_str,
    boolean,
    checked,
    float_tensor,
    non_negative,
    real,
    same_shape,
    shapes_compatible,
    to_tensor,
)

__all__ = [
    "Contrastive",
    "CosineEmbedding",
    "HingeEmbedding",
    "MarginRanking",
    "TripletMargin",
    "TripletMarginWithDistance",
    "contrastive",
    "cosine_embedding",
    "hinge_embedding",
    "margin_ranking",
    "triplet_margin",
    "triplet_margin_with_distance",
]

#: ``p`` of a p-norm: a number >= 1, or inf.
p_norm = Check(
    "a number >= 1, or inf",
    lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v) and v >= 1,
    lambda size: [1, 1.5, 2, 3.0, math.inf],
)


def split_parts(y_pred: Any, count: int, names: str) -> list[Any]:
    """The ``count`` parts of a multi-input ``y_pred``: a tuple/list, or one tensor stacked on axis 1."""
    y_pred = _nested_numbers_as_array(y_pred)  # nested lists of numbers are one array
    if isinstance(y_pred, (tuple, list)):
        if len(y_pred) != count:
            raise ValueError(f"`y_pred` as a tuple must be ({names}), got {len(y_pred)} parts.")
        parts = [float_tensor(p) for p in y_pred]
    else:
        y_pred = float_tensor(y_pred)
        if len(y_pred.shape) < 2 or y_pred.shape[1] != count:
            raise ValueError(
                f"`y_pred` must be ({names}) stacked on axis 1, of shape (N, {count}, ...), "
                f"got shape {_shape_str(tuple(y_pred.shape))}."
            )
        parts = [y_pred[:, i] for i in range(count)]
    first = tuple(parts[0].shape)
    for part in parts[1:]:
        if not shapes_compatible(tuple(part.shape), first):
            raise ValueError(
                f"The parts ({names}) of `y_pred` must have one shape, got "
                f"{', '.join(_shape_str(tuple(p.shape)) for p in parts)}."
            )
    dtype = parts[0].dtype
    return [ops.cast(p, dtype) for p in parts]


def _per_sample(values: Any) -> Any:
    """Mean over the last axis of ``(N, ..., D)`` values; ``(N,)`` values are one per sample already."""
    return ops.mean(values, axis=-1) if len(values.shape) > 1 else values


def sample_labels(y_true: Any, rows: Any) -> Any:
    """``y_true`` of shape ``rows.shape[:-1]`` (one label per row; a trailing axis of 1 is dropped)."""
    labels = to_tensor(y_true)
    expected = tuple(rows.shape[:-1])
    if len(labels.shape) == len(expected) + 1 and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, -1)
    if not shapes_compatible(tuple(labels.shape), expected):
        raise ValueError(
            "`y_true` must hold one value per row of y_pred, of shape y_pred.shape[:-1]; got "
            f"y_true.shape={_shape_str(tuple(to_tensor(y_true).shape))} and "
            f"y_pred.shape={_shape_str(tuple(rows.shape))}."
        )
    return ops.cast(labels, rows.dtype)


@checked(margin=real)
def margin_ranking(y_true: Any, y_pred: Any, *, margin: float = 0.0) -> Any:
    """Margin ranking loss, as ``torch.nn.functional.margin_ranking_loss``.

    Formula:
        ``loss = max(0, -y * (x1 - x2) + margin)`` with ``y`` in {-1, 1}
        (``y = 1``: ``x1`` should rank higher); averaged over the last axis
        of ``(N, ..., D)`` inputs.

    Shape:
        y_true: ``(N,)`` or ``(N, ..., D)``. y_pred: ``(x1, x2)`` of y_true's
        shape, or stacked on axis 1: ``(N, 2)`` or ``(N, 2, ..., D)``.
        Output: ``(N,)`` or ``(N, ...)``.

    Args:
        margin: the margin (any real).

    Examples:
        >>> import keras_losses
        >>> y_pred = [[0.5, 0.2], [0.1, 0.4]]           # (x1, x2) stacked on axis 1
        >>> [round(float(v), 4) for v in keras_losses.margin_ranking([1.0, 1.0], y_pred, margin=0.1)]
        [0.0, 0.4]

    References:
        ``torch.nn.functional.margin_ranking_loss``.
    """
    x1, x2 = split_parts(y_pred, 2, "x1, x2")
    y, x1 = same_shape(y_true, x1)
    _, x2 = same_shape(y_true, x2)
    return _per_sample(ops.relu(-y * (x1 - x2) + margin))


@checked(margin=real)
def hinge_embedding(y_true: Any, y_pred: Any, *, margin: float = 1.0) -> Any:
    """Hinge embedding loss, as ``torch.nn.functional.hinge_embedding_loss``.

    Formula:
        For distances ``x`` and labels ``y``: ``x`` where ``y != -1``, plus
        ``max(0, margin - x)`` where ``y != 1`` (PyTorch's rule, so ``y`` in
        {-1, 1} picks one term); averaged over the last axis.

    Shape:
        y_true, y_pred: ``(N,)`` or ``(N, ..., D)``. Output: ``(N,)`` or ``(N, ...)``.

    Args:
        margin: the margin for dissimilar pairs (``y = -1``).

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.hinge_embedding([[1.0, -1.0]], [[0.3, 0.4]])[0]), 4)  # (0.3 + 0.6) / 2
        0.45

    References:
        ``torch.nn.functional.hinge_embedding_loss``; Hadsell et al., 2006.
    """
    y, x = same_shape(y_true, y_pred)
    zeros = ops.zeros_like(x)
    values = ops.where(ops.not_equal(y, 1.0), ops.relu(margin - x), zeros)
    values = values + ops.where(ops.not_equal(y, -1.0), x, zeros)
    return _per_sample(nan_where(ops.isnan(y), values))


@checked(margin=real)
def cosine_embedding(y_true: Any, y_pred: Any, *, margin: float = 0.0) -> Any:
    """Cosine embedding loss, as ``torch.nn.functional.cosine_embedding_loss``.

    Formula:
        ``cos = x1·x2 / (‖x1‖‖x2‖)`` (PyTorch's, which adds 1e-12 to each
        ``‖x‖²``; here each norm is at least 1e-6, and the cosine is computed
        from the normalised vectors so that its gradient is exactly 0 for
        parallel vectors: :func:`keras_losses.core.distances.paired_cosine_similarity`);
        ``1 - cos`` where ``y = 1``, ``max(0, cos - margin)`` where ``y = -1``, 0 otherwise.

    Shape:
        y_true: ``(N,)`` or ``(N, 1)``. y_pred: ``(x1, x2)`` each ``(N, D)``, or
        ``(N, 2, D)``. Output: ``(N,)``.

    Args:
        margin: the cosine below which dissimilar pairs cost nothing.

    Examples:
        >>> import keras_losses
        >>> y_pred = [[[1.0, 0.0], [1.0, 1.0]]]             # one pair, 45 degrees apart
        >>> round(float(keras_losses.cosine_embedding([-1.0], y_pred)[0]), 4)  # cos 45°
        0.7071

    References:
        ``torch.nn.functional.cosine_embedding_loss``.
    """
    x1, x2 = split_parts(y_pred, 2, "x1, x2")
    y = sample_labels(y_true, x1)
    cos = paired_cosine_similarity(x1, x2)
    zeros = ops.zeros_like(cos)
    values = ops.where(ops.equal(y, 1.0), 1.0 - cos, zeros) + ops.where(
        ops.equal(y, -1.0), ops.relu(cos - margin), zeros
    )
    return nan_where(ops.isnan(y), values)


def _check_ignored_targets(y_true: Any, anchor: Any) -> None:
    """``y_true`` is not used, but a batch of another size is a mistake: ``ValueError`` naming both shapes."""
    shape = tuple(to_tensor(y_true).shape)
    n, m = (shape[0] if shape else None), anchor.shape[0]
    if not shape or (n is not None and m is not None and n != m):
        raise ValueError(
            "`y_true` is ignored but must have the batch's first axis; got "
            f"y_true.shape={_shape_str(shape)} and y_pred.shape={_shape_str(tuple(anchor.shape))} (the anchor's)."
        )


def _triplet(y_true: Any, y_pred: Any, margin: float, swap: bool, distance: Any) -> Any:
    anchor, positive, negative = split_parts(y_pred, 3, "anchor, positive, negative")
    _check_ignored_targets(y_true, anchor)
    d_ap, d_an = distance(anchor, positive), distance(anchor, negative)
    if swap:
        d_an = ops.minimum(d_an, distance(positive, negative))
    return ops.relu(margin + d_ap - d_an)


@checked(margin=real, p=p_norm, eps=non_negative, swap=boolean)
def triplet_margin(
    y_true: Any, y_pred: Any, *, margin: float = 1.0, p: float = 2, eps: float = 1e-6, swap: bool = False
) -> Any:
    """Triplet margin loss, as ``torch.nn.functional.triplet_margin_loss``.

    Formula:
        ``d(x, y) = ‖x - y + eps‖_p``; ``loss = max(0, margin + d(a, p) - d(a, n))``;
        with ``swap``, ``d(a, n)`` is ``min(d(a, n), d(p, n))`` (Balntas et al. 2016).

    Shape:
        y_true: ignored (any array whose first axis is the batch, e.g. zeros
        ``(N,)``: Keras's ``fit`` needs a target). y_pred: ``(anchor, positive,
        negative)`` each ``(N, D)``, or ``(N, 3, D)``. Output: ``(N,)``.

    Args:
        margin: the margin.
        p: the norm's degree (>= 1, or inf).
        eps: added to the difference vector, as PyTorch's ``pairwise_distance``.
        swap: use the distance swap.

    Examples:
        >>> import keras_losses
        >>> y_pred = [[[0.0, 0.0], [1.0, 0.0], [0.0, 1.5]]]  # a, p, n
        >>> round(float(keras_losses.triplet_margin([0.0], y_pred)[0]), 4)  # 1 + 1 - 1.5
        0.5

    References:
        Balntas et al., "Learning local feature descriptors with triplets and shallow
        convolutional neural networks", BMVC 2016; ``torch.nn.functional.triplet_margin_loss``.
    """
    return _triplet(y_true, y_pred, margin, swap, lambda x, y: lp_distance(x, y, p, eps))


@checked(distance=distance_or_function, margin=real, swap=boolean)
def triplet_margin_with_distance(
    y_true: Any, y_pred: Any, *, distance: Any = "euclidean", margin: float = 1.0, swap: bool = False
) -> Any:
    """Triplet margin loss with a chosen distance, as ``torch.nn.functional.triplet_margin_with_distance_loss``.

    Formula:
        ``loss = max(0, margin + d(a, p) - d(a, n))`` (with ``swap``,
        ``d(a, n)`` is ``min(d(a, n), d(p, n))``), ``d`` one of
        :mod:`keras_losses.core.distances`: ``"euclidean"`` ``‖a - b‖``
        (PyTorch's default adds 1e-6 to the difference), ``"squared_euclidean"``,
        ``"cosine"`` ``1 - cos``, ``"dot"`` ``1 - a·b``, or a function
        ``f(a, b) -> (N,)`` registered with ``keras.saving.register_keras_serializable``.

    Shape:
        y_true: ignored (the batch's first axis). y_pred: ``(anchor, positive,
        negative)`` each ``(N, D)``, or ``(N, 3, D)``. Output: ``(N,)``.

    Args:
        distance: the distance (a name, or a registered function or its
            ``'package>name'``; stored in configs by name).
        margin: the margin.
        swap: use the distance swap.

    Examples:
        >>> import keras_losses
        >>> y_pred = [[[0.0, 0.0], [1.0, 0.0], [0.0, 1.5]]]
        >>> round(float(keras_losses.triplet_margin_with_distance([0.0], y_pred, distance="squared_euclidean")[0]), 4)
        0.0

    References:
        ``torch.nn.functional.triplet_margin_with_distance_loss``.
    """
    return _triplet(y_true, y_pred, margin, swap, lambda x, y: paired_distances(x, y, distance))


@checked(margin=real)
def contrastive(y_true: Any, y_pred: Any, *, margin: float = 1.0) -> Any:
    """Contrastive loss on distances, as TF-Addons' ``contrastive_loss``.

    Formula:
        ``loss = y · d² + (1 - y) · max(margin - d, 0)²`` for distances ``d``
        and ``y = 1`` for similar pairs; averaged over the last axis of
        ``(N, ..., D)`` inputs.

    Shape:
        y_true, y_pred: ``(N,)`` (one distance per pair) or ``(N, ..., D)``.
        Output: ``(N,)`` or ``(N, ...)``.

    Args:
        margin: the distance beyond which dissimilar pairs cost nothing.

    Examples:
        >>> import keras_losses
        >>> [round(float(v), 4) for v in keras_losses.contrastive([0.0, 1.0], [0.1, 1.3])]
        [0.81, 1.69]

    References:
        Hadsell, Chopra and LeCun, "Dimensionality Reduction by Learning an Invariant
        Mapping", CVPR 2006; ``tfa.losses.contrastive_loss``.
    """
    y, d = same_shape(y_true, y_pred)
    return _per_sample(y * ops.square(d) + (1.0 - y) * ops.square(ops.relu(margin - d)))


# --- classes ----------------------------------------------------------------------------------------


@register_loss()
class MarginRanking(Loss):
    """Margin ranking loss, ``torch.nn.functional.margin_ranking_loss`` (see :func:`margin_ranking`)."""

    function = margin_ranking

    def __init__(
        self,
        margin: float = 0.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "margin_ranking",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin)


@register_loss()
class HingeEmbedding(Loss):
    """Hinge embedding loss, ``torch.nn.functional.hinge_embedding_loss`` (see :func:`hinge_embedding`)."""

    function = hinge_embedding

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "hinge_embedding",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin)


@register_loss()
class CosineEmbedding(Loss):
    """Cosine embedding loss, ``torch.nn.functional.cosine_embedding_loss`` (see :func:`cosine_embedding`)."""

    function = cosine_embedding
    takes_class_indices = True

    def __init__(
        self,
        margin: float = 0.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "cosine_embedding",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin)


@register_loss()
class TripletMargin(Loss):
    """Triplet margin loss, ``torch.nn.functional.triplet_margin_loss`` (see :func:`triplet_margin`)."""

    function = triplet_margin
    takes_class_indices = True

    def __init__(
        self,
        margin: float = 1.0,
        p: float = 2,
        eps: float = 1e-6,
        swap: bool = False,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "triplet_margin",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin, p=p, eps=eps, swap=swap)


@register_loss()
class TripletMarginWithDistance(Loss):
    """Triplet loss with a chosen distance, ``torch.nn.functional.triplet_margin_with_distance_loss``
    (see :func:`triplet_margin_with_distance`)."""

    function = triplet_margin_with_distance
    takes_class_indices = True

    def __init__(
        self,
        distance: Any = "euclidean",
        margin: float = 1.0,
        swap: bool = False,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "triplet_margin_with_distance",
        dtype: Any = None,
    ) -> None:
        distance_or_function("distance", distance)
        super().__init__(
            reduction=reduction, name=name, dtype=dtype, distance=distance_name(distance), margin=margin, swap=swap
        )


@register_loss()
class Contrastive(Loss):
    """Contrastive loss on distances, TF-Addons' ``ContrastiveLoss`` (see :func:`contrastive`)."""

    function = contrastive

    def __init__(
        self,
        margin: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "contrastive",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin)
