"""Batch losses on labelled embeddings: triplet mining (TF-Addons), NT-Xent (optax), supervised
contrastive (pytorch-metric-learning) and circle (Keras) losses.

``y_true`` holds one integer label per embedding, ``(N,)`` or ``(N, 1)``: any
integers (group identities, not class indices); ``y_pred`` the embeddings
``(N, D)``. Two embeddings with one label are a positive pair, with different
labels a negative pair. Distances come from :mod:`keras_losses.core.distances`,
computed once per batch. A label that is not an integer (NaN, inf, 2.5), or a
NaN distance, makes the batch's value NaN.

The mining, NT-Xent and supervised contrastive losses are one value per batch
(a mean over the batch's pairs or anchors, each depending on the whole batch):
there are no per-sample values to weigh, so they refuse ``sample_weight`` (and
``class_weight`` in ``fit``) with a ``ValueError``; to weigh classes, draw the
batches accordingly. Under ``tf.distribute`` each replica computes the value
of its own share of the batch; the reported value is the mean over replicas.
``Circle`` is, as in Keras, one value per anchor: sample weights weigh anchors.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_losses.core._keras_internals import set_keras_mask
from keras_losses.core.base import Loss
from keras_losses.core.distances import cosine_similarities, distance, l2_normalize, pairwise_distances
from keras_losses.core.labels import nan_where
from keras_losses.core.numerics import amax, divide_no_nan, like, masked_logsumexp
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import _shape_str, boolean, checked, float_tensor, positive, real, to_tensor

__all__ = [
    "Circle",
    "NTXent",
    "SupervisedContrastive",
    "TripletHard",
    "TripletSemiHard",
    "circle",
    "ntxent",
    "supervised_contrastive",
    "triplet_hard",
    "triplet_semihard",
]


def labelled_embeddings(y_true: Any, y_pred: Any) -> tuple[Any, Any, Any]:
    """``(labels (N,), embeddings (N, D), bad)``: ``bad`` is whether some label is not an integer."""
    embeddings = float_tensor(y_pred)
    labels = to_tensor(y_true)
    if len(labels.shape) == 2 and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, -1)
    n, m = (labels.shape[0] if len(labels.shape) == 1 else -1), embeddings.shape[0]
    if len(embeddings.shape) != 2 or len(labels.shape) != 1 or (n is not None and m is not None and n != m):
        raise ValueError(
            "`y_true` must hold one label per embedding, shape (N,) or (N, 1), for `y_pred` embeddings (N, D); got "
            f"y_true.shape={_shape_str(tuple(to_tensor(y_true).shape))} and "
            f"y_pred.shape={_shape_str(tuple(embeddings.shape))}."
        )
    bad = ops.convert_to_tensor(False)
    if keras.backend.is_float_dtype(labels.dtype):
        labels = ops.cast(labels, "float32")
        good = ops.logical_and(ops.isfinite(labels), ops.equal(ops.floor(labels), labels))
        bad = ops.logical_not(ops.all(good))
    return labels, embeddings, bad


def pair_masks(labels: Any, ref_labels: Any = None, remove_diagonal: bool = True) -> tuple[Any, Any]:
    """``(positive, negative)`` boolean ``(N, M)`` masks; the diagonal is never a positive pair."""
    ref = labels if ref_labels is None else ref_labels
    same = ops.equal(ops.expand_dims(labels, 1), ops.expand_dims(ref, 0))
    positive_pairs = same
    if remove_diagonal:
        eye = ops.eye(ops.shape(labels)[0], ops.shape(ref)[0], dtype="bool")
        positive_pairs = ops.logical_and(same, ops.logical_not(eye))
    return positive_pairs, ops.logical_not(same)


def _finish(value: Any, witness: Any, bad: Any) -> Any:
    """NaN where a label is bad or ``witness`` (distances, or unit embeddings) holds a NaN, so that no mask hides it."""
    return nan_where(ops.logical_or(bad, ops.any(ops.isnan(witness))), value)


def _masked_min(x: Any, mask: Any) -> Any:
    """TF-Addons' ``_masked_minimum`` along axis 1: the row maximum where the mask is empty."""
    top = amax(x, axis=1)
    shifted = ops.where(mask, x - ops.expand_dims(top, 1), ops.zeros_like(x))
    return -amax(-shifted, axis=1) + top


def _masked_max(x: Any, mask: Any) -> Any:
    """TF-Addons' ``_masked_maximum`` along axis 1: the row minimum where the mask is empty."""
    bottom = -amax(-x, axis=1)
    shifted = ops.where(mask, x - ops.expand_dims(bottom, 1), ops.zeros_like(x))
    return amax(shifted, axis=1) + bottom


def _count_at_most(sorted_rows: Any, values: Any) -> Any:
    """``(N, M)`` int32: per row ``i``, how many of ``sorted_rows[i]`` (ascending) are ``<= values[i, j]``.

    A batched ``searchsorted(side="right")``, exact for ties, in ``O(N·M·log N)``
    time and ``O(N·M)`` memory, where TF-Addons' tiling takes ``O(N³)`` of both.
    On JAX and torch, ``searchsorted`` mapped over the rows (one kernel: 3× and
    13× faster than the search below at N = 1024); on TensorFlow, whose
    ``searchsorted`` compares every pair under XLA (40× slower), a branchless
    binary search, one gather per bit of the row length.
    """
    if keras.backend.backend() != "tensorflow":
        return ops.vectorized_map(lambda rows: ops.searchsorted(rows[0], rows[1], side="right"), (sorted_rows, values))
    size = sorted_rows.shape[1]
    bits = max(1, int(size).bit_length()) if size is not None else 31
    length = ops.shape(sorted_rows)[1]
    count = ops.zeros(ops.shape(values), dtype="int32")
    for bit in reversed(range(bits)):
        candidate = count + (1 << bit)
        index = ops.clip(candidate - 1, 0, ops.maximum(length - 1, 0))
        fits = ops.logical_and(candidate <= length, ops.take_along_axis(sorted_rows, index, axis=1) <= values)
        count = ops.where(fits, candidate, count)
    return count


@checked(margin=real, distance=distance)
def triplet_semihard(y_true: Any, y_pred: Any, *, margin: float = 1.0, distance: str = "euclidean") -> Any:
    """Triplet loss with semi-hard negative mining, TF-Addons' ``triplet_semihard_loss``.

    Formula:
        For every ordered positive pair ``(a, p)`` (same label, ``a != p``):
        the negative is the closest one farther than ``p``
        (``min{d(a, n) : d(a, n) > d(a, p)}``), else the farthest negative
        (else, with no negative at all, the row minimum of ``d(a, ·)``: TF-Addons');
        ``loss = mean over pairs of max(0, margin + d(a, p) - d(a, n))``.
        A batch without a positive pair gives 0 (TF-Addons gives NaN).

    Shape:
        y_true: integer labels ``(N,)`` or ``(N, 1)``; y_pred: embeddings ``(N, D)``.
        Output: ``()``, one value per batch (``sample_weight`` is refused).

    Args:
        margin: the margin.
        distance: ``"euclidean"`` (TF-Addons' ``"L2"``, not normalised),
            ``"squared_euclidean"`` (``"squared-L2"``), ``"cosine"`` (``"angular"``:
            normalised) or ``"dot"`` (``1 - a·b``).

    Examples:
        >>> import keras_losses
        >>> y_pred = [[0.0, 0.0], [0.0, 1.0], [2.0, 0.0], [2.0, 0.5]]
        >>> round(float(keras_losses.triplet_semihard([0, 0, 1, 1], y_pred)), 4)
        0.0

    References:
        Schroff, Kalenichenko and Philbin, "FaceNet", CVPR 2015; ``tfa.losses.triplet_semihard_loss``.
    """
    labels, embeddings, bad = labelled_embeddings(y_true, y_pred)
    d = pairwise_distances(embeddings, None, distance)
    positive_pairs, negative_pairs = pair_masks(labels)
    # Every row's negative distances in ascending order (others last, as +inf): gathered, so they keep gradients.
    key = ops.where(negative_pairs, ops.stop_gradient(d), ops.full_like(d, float("inf")))
    order = ops.argsort(key, axis=1)
    sorted_key = ops.take_along_axis(key, order, axis=1)
    sorted_negatives = ops.take_along_axis(d, order, axis=1)
    # Negatives at most as far as each positive: the next one is the semi-hard negative.
    closer = _count_at_most(sorted_key, ops.stop_gradient(d))
    negatives = ops.expand_dims(ops.sum(ops.cast(negative_pairs, "int32"), axis=1), 1)
    last = ops.maximum(ops.shape(d)[1] - 1, 0)
    outside = ops.take_along_axis(sorted_negatives, ops.clip(closer, 0, last), axis=1)
    inside = ops.expand_dims(_masked_max(d, negative_pairs), 1)
    semihard = ops.where(closer < negatives, outside, inside)
    losses = ops.where(positive_pairs, ops.relu(margin + d - semihard), ops.zeros_like(d))
    value = divide_no_nan(ops.sum(losses), ops.sum(ops.cast(positive_pairs, d.dtype)))
    return _finish(value, d, bad)


@checked(margin=real, soft=boolean, distance=distance)
def triplet_hard(
    y_true: Any, y_pred: Any, *, margin: float = 1.0, soft: bool = False, distance: str = "euclidean"
) -> Any:
    """Batch-hard triplet loss, TF-Addons' ``triplet_hard_loss``.

    Formula:
        Per anchor ``a``: the farthest positive ``d⁺ = max d(a, p)`` (0 without
        one: TF-Addons' row minimum) and the closest negative ``d⁻ = min d(a, n)``
        (the row maximum without one); ``max(0, d⁺ - d⁻ + margin)``, or with
        ``soft`` ``log(1 + exp(d⁺ - d⁻))``; the mean over every anchor.

    Shape:
        y_true: integer labels ``(N,)`` or ``(N, 1)``; y_pred: embeddings ``(N, D)``.
        Output: ``()``, one value per batch (``sample_weight`` is refused).

    Args:
        margin: the margin (unused with ``soft``).
        soft: the soft-margin form.
        distance: as for :func:`triplet_semihard`.

    Examples:
        >>> import keras_losses
        >>> y_pred = [[0.0, 0.0], [0.0, 1.5], [1.0, 0.0], [1.0, 0.5]]
        >>> round(float(keras_losses.triplet_hard([0, 0, 1, 1], y_pred)), 4)  # (1.5 + 2.5 - √2 + 0.5 + 1.5 - √1.25) / 4
        0.8669

    References:
        Hermans, Beyer and Leibe, "In Defense of the Triplet Loss for Person
        Re-Identification", 2017; ``tfa.losses.triplet_hard_loss``.
    """
    labels, embeddings, bad = labelled_embeddings(y_true, y_pred)
    d = pairwise_distances(embeddings, None, distance)
    positive_pairs, negative_pairs = pair_masks(labels)
    gap = _masked_max(d, positive_pairs) - _masked_min(d, negative_pairs)
    losses = ops.softplus(gap) if soft else ops.relu(gap + margin)
    count = ops.cast(ops.shape(d)[0], d.dtype)
    return _finish(divide_no_nan(ops.sum(losses), count), d, bad)


@checked(temperature=positive)
def ntxent(y_true: Any, y_pred: Any, *, temperature: float = 0.07) -> Any:
    """Normalised temperature-scaled cross-entropy (NT-Xent), optax's ``ntxent``.

    Formula:
        ``s_ij = cos(x_i, x_j) / temperature``; for every ordered positive pair
        ``(i, j)``: ``-log(exp(s_ij) / (exp(s_ij) + Σ_{k negative of i} exp(s_ik)))``;
        the mean over positive pairs. A batch without a positive pair gives 0
        (optax gives NaN).

    Shape:
        y_true: integer labels ``(N,)`` or ``(N, 1)`` (two views of one image
        share a label); y_pred: embeddings ``(N, D)``. Output: ``()``, one value
        per batch (``sample_weight`` is refused).

    Args:
        temperature: the temperature (> 0).

    Examples:
        >>> import keras_losses
        >>> y_pred = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
        >>> round(float(keras_losses.ntxent([0, 0, 1, 1], y_pred, temperature=1.0)), 4)  # log(1 + 2e^-1)
        0.5514

    References:
        Chen et al., "A Simple Framework for Contrastive Learning of Visual Representations"
        (SimCLR), 2020; ``optax.losses.ntxent``.
    """
    labels, embeddings, bad = labelled_embeddings(y_true, y_pred)
    s = cosine_similarities(embeddings) / temperature
    positive_pairs, negative_pairs = pair_masks(labels)
    negatives, has_negative = masked_logsumexp(s, negative_pairs, axis=1)
    # -log(e^s / (e^s + e^negatives)) = softplus(negatives - s); 0 for an anchor without negatives.
    losses = ops.where(ops.expand_dims(has_negative, 1), ops.softplus(ops.expand_dims(negatives, 1) - s), 0.0)
    losses = ops.where(positive_pairs, losses, ops.zeros_like(losses))
    value = divide_no_nan(ops.sum(losses), ops.sum(ops.cast(positive_pairs, s.dtype)))
    return _finish(value, s, bad)


@checked(temperature=positive)
def supervised_contrastive(y_true: Any, y_pred: Any, *, temperature: float = 0.1) -> Any:
    """Supervised contrastive loss (SupCon), pytorch-metric-learning's ``SupConLoss``.

    Formula:
        ``s_ij = cos(x_i, x_j) / temperature``; per anchor ``i`` with positives
        ``P_i``: ``L_i = log Σ_{k != i} exp(s_ik) - mean_{j in P_i} s_ij``; the
        mean of ``L_i`` over the anchors with a positive (PML's
        ``AvgNonZeroReducer``: a loss of exactly 0 is left out too); 0 for a
        batch without a positive or without a negative pair.

    Shape:
        y_true: integer labels ``(N,)`` or ``(N, 1)``; y_pred: embeddings ``(N, D)``.
        Output: ``()``, one value per batch (``sample_weight`` is refused).

    Args:
        temperature: the temperature (> 0).

    Examples:
        >>> import keras_losses
        >>> y_pred = [[1.0, 0.0], [1.0, 0.0], [0.0, 1.0], [0.0, 1.0]]
        >>> round(float(keras_losses.supervised_contrastive([0, 0, 1, 1], y_pred, temperature=1.0)), 4)
        0.5514

    References:
        Khosla et al., "Supervised Contrastive Learning", NeurIPS 2020;
        ``pytorch_metric_learning.losses.SupConLoss``.
    """
    labels, embeddings, bad = labelled_embeddings(y_true, y_pred)
    unit = l2_normalize(embeddings)
    s = ops.matmul(unit / temperature, ops.transpose(unit))  # scaled on the (N, D) side: one (N, N) op fewer
    same = ops.equal(ops.expand_dims(labels, 1), ops.expand_dims(labels, 0))
    others = ops.logical_not(ops.eye(ops.shape(s)[0], dtype="bool"))
    positive_pairs = ops.logical_and(same, others)
    log_denominator, _ = masked_logsumexp(s, others, axis=1)
    positives = ops.sum(ops.cast(positive_pairs, s.dtype), axis=1)
    mean_positive = divide_no_nan(ops.sum(ops.where(positive_pairs, s, 0.0), axis=1), positives)
    losses = log_denominator - mean_positive
    kept = ops.logical_and(positives > 0, ops.logical_not(losses <= 0))  # NaN is kept
    losses = ops.where(kept, losses, ops.zeros_like(losses))
    value = divide_no_nan(ops.sum(losses), ops.sum(ops.cast(kept, s.dtype)))
    # Counted per anchor, not over the (N, N) masks: anchor i has N - 1 - positives_i negatives.
    size = ops.cast(ops.shape(s)[0], s.dtype)
    both = ops.logical_and(ops.any(positives > 0), ops.any(positives < size - 1.0))
    # A NaN similarity comes only from a NaN unit row (a non-finite embedding): check (N, D), not (N, N).
    return _finish(ops.where(both, value, ops.zeros_like(value)), unit, bad)


@checked(remove_diagonal=boolean, gamma=positive, margin=real, distance=distance)
def circle(
    y_true: Any,
    y_pred: Any,
    ref_labels: Any = None,
    ref_embeddings: Any = None,
    remove_diagonal: bool = True,
    gamma: float = 80.0,
    margin: float = 0.4,
    *,
    distance: str = "dot",
) -> Any:
    """Circle loss (Sun et al. 2020), Keras's ``keras.losses.circle`` on every backend.

    Formula:
        With distances ``d`` (Keras: ``max(1 - a·b, 0)`` of unit-norm embeddings)
        and ``m = margin``: positive terms ``-γ·max(m + d, 0)·(m - d)``, negative
        terms ``γ·max(1 + m - d, 0)·(1 - m - d)``; per anchor
        ``softplus(logsumexp(positive terms) + logsumexp(negative terms))``, 0 for
        an anchor without a positive or a negative, which a Keras mask leaves
        out of the mean (as Keras).

    Shape:
        y_true: integer labels ``(N,)`` or ``(N, 1)``; y_pred: embeddings ``(N, D)``
        (L2-normalised, as Keras expects, for the default distance).
        ``ref_labels (M,)``, ``ref_embeddings (M, D)``: the other side of the
        pairs (default: the batch). Output: ``(N,)``, one value per anchor.

    Args:
        ref_labels: labels of the reference embeddings.
        ref_embeddings: reference embeddings.
        remove_diagonal: whether pair ``(i, i)`` is not a positive.
        gamma: the scale (Keras's 80).
        margin: the relaxation (Keras's 0.4).
        distance: ``"dot"`` (Keras's ``1 - a·b``), ``"cosine"`` (normalised
            first), ``"euclidean"`` or ``"squared_euclidean"``.

    Examples:
        >>> import keras_losses
        >>> y_pred = [[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]
        >>> [round(float(v), 3) for v in keras_losses.circle([0, 1, 0], y_pred, gamma=1.0)]  # softplus(-0.16 - 0.16)
        [0.546, 0.0, 0.546]

    References:
        Sun et al., "Circle Loss: A Unified Perspective of Pair Similarity Optimization",
        CVPR 2020; ``keras.losses.Circle``.
    """
    labels, embeddings, bad = labelled_embeddings(y_true, y_pred)
    if ref_embeddings is None:
        ref_labels, references, ref_bad = labels, embeddings, bad
    else:
        ref_labels, references, ref_bad = labelled_embeddings(ref_labels, ops.cast(ref_embeddings, embeddings.dtype))
    d = pairwise_distances(embeddings, references if ref_embeddings is not None else None, distance)
    positive_pairs, negative_pairs = pair_masks(labels, ref_labels, remove_diagonal)
    zeros = ops.zeros_like(d)
    positive_terms = -gamma * ops.relu(margin + d) * (margin - d)
    negative_terms = gamma * ops.relu(1.0 + margin - d) * (1.0 - margin - d)
    positive_lse, has_positive = masked_logsumexp(ops.where(positive_pairs, positive_terms, zeros), positive_pairs, 1)
    negative_lse, has_negative = masked_logsumexp(ops.where(negative_pairs, negative_terms, zeros), negative_pairs, 1)
    both = ops.logical_and(has_positive, has_negative)
    values = ops.where(both, ops.softplus(positive_lse + negative_lse), like(0.0, positive_lse))
    nan_rows = ops.logical_or(ops.logical_or(bad, ref_bad), ops.any(ops.isnan(d), axis=1))
    values = nan_where(nan_rows, values)
    return set_keras_mask(values, ops.not_equal(values, 0.0))


# --- classes ----------------------------------------------------------------------------------------


class BatchLoss(Loss):
    """A loss with one value per batch: no per-sample values, so ``sample_weight`` is refused."""

    takes_class_indices = True

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if sample_weight is not None:
            raise ValueError(
                f"{type(self).__name__} gives one value per batch (a mean over the batch's pairs or anchors, each "
                "depending on the whole batch), which has no per-sample values to weigh: sample_weight (and "
                "class_weight in fit) cannot apply. Draw the batches with the class balance you want instead."
            )
        return super().__call__(y_true, y_pred)


@register_loss()
class TripletSemiHard(BatchLoss):
    """Semi-hard triplet loss, TF-Addons' ``TripletSemiHardLoss`` (see :func:`triplet_semihard`)."""

    function = triplet_semihard

    def __init__(
        self,
        margin: float = 1.0,
        distance: str = "euclidean",
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "triplet_semihard",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin, distance=distance)


@register_loss()
class TripletHard(BatchLoss):
    """Batch-hard triplet loss, TF-Addons' ``TripletHardLoss`` (see :func:`triplet_hard`)."""

    function = triplet_hard

    def __init__(
        self,
        margin: float = 1.0,
        soft: bool = False,
        distance: str = "euclidean",
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "triplet_hard",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, margin=margin, soft=soft, distance=distance)


@register_loss()
class NTXent(BatchLoss):
    """NT-Xent (SimCLR), optax's ``ntxent`` (see :func:`ntxent`)."""

    function = ntxent

    def __init__(
        self,
        temperature: float = 0.07,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "ntxent",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, temperature=temperature)


@register_loss("supcon")
class SupervisedContrastive(BatchLoss):
    """Supervised contrastive loss, pytorch-metric-learning's ``SupConLoss`` (see :func:`supervised_contrastive`)."""

    function = supervised_contrastive

    def __init__(
        self,
        temperature: float = 0.1,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "supervised_contrastive",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, temperature=temperature)


@register_loss()
class Circle(Loss):
    """Circle loss, a drop-in for ``keras.losses.Circle`` (see :func:`circle`); ``distance`` added."""

    function = circle
    takes_class_indices = True

    def __init__(
        self,
        gamma: float = 80.0,
        margin: float = 0.4,
        remove_diagonal: bool = True,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "circle",
        dtype: Any = None,
        *,
        distance: str = "dot",
    ) -> None:
        super().__init__(
            reduction=reduction,
            name=name,
            dtype=dtype,
            gamma=gamma,
            margin=margin,
            remove_diagonal=remove_diagonal,
            distance=distance,
        )
