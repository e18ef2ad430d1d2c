"""Ranking losses: lists of items, their relevance labels and their scores.

``y_true`` (relevance labels) and ``y_pred`` (scores) are lists of the same
shape ``(N, L)``: ``N`` lists of ``L`` items (more leading axes are more lists).
A rank-1 input ``(L,)`` is one list, as in keras-rs (not ``N`` samples:
Keras's ``(N,)`` against ``(N, 1)`` rule does not apply to lists, and a
mismatch of shapes raises ``ValueError`` naming both).

Padding and masks follow keras-rs: an item whose label is negative (``-1``) is
padding, and ``y_true`` may be a dict ``{"labels": ..., "mask": ...}`` whose
boolean ``mask`` (shape ``(N, L)``) leaves items out as well. A NaN label makes
its list's values NaN (keras-rs treats it as padding, silently).

What the values are, per loss:

- the pairwise losses (``PairwiseHinge``, ``PairwiseLogistic``,
  ``PairwiseMeanSquaredError``, ``PairwiseSoftZeroOne``) give one value per
  item, shape ``(N, L)``: item ``i``'s sum over its pairs ``(i, j)``, exactly
  keras-rs 0.4's ``call``. Their default reduction is then the mean over the
  ``N * L`` items (padding included), as in keras-rs, and an item weight
  ``sample_weight`` of shape ``(N, L)`` weighs item ``i``'s value (keras-rs);
  ``(N,)`` or ``(N, 1)`` weights weigh whole lists (keras-rs fails on ``(N,)``);
- ``ListMLE`` and ``RankingSoftmax`` give one value per list, shape ``(N,)``;
  ``sample_weight`` of shape ``(N,)`` or ``(N, 1)`` weighs lists.
  ``RankingSoftmax`` takes item weights ``(N, L)`` as optax's ``weights`` (they
  multiply the labels) and averages over the lists that have a valid item, as
  optax's ``ranking_softmax_loss``; ``ListMLE`` refuses item weights with a
  ``ValueError`` (keras-rs fails on them with a broadcasting error, or, when
  ``N == L``, weighs the wrong axis). A Keras mask on ``y_pred`` (an
  ``Embedding(mask_zero=True)`` model) marks the valid items of these two.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
from keras import ops

from keras_losses.core._keras_internals import get_keras_mask
from keras_losses.core.base import Loss
from keras_losses.core.numerics import amax
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    _shape_str,
    check_shapes_match,
    checked,
    float_tensor,
    positive,
    shapes_compatible,
    to_tensor,
)

__all__ = [
    "ListMLE",
    "ListMLELoss",
    "PairwiseHinge",
    "PairwiseHingeLoss",
    "PairwiseLogistic",
    "PairwiseLogisticLoss",
    "PairwiseMeanSquaredError",
    "PairwiseSoftZeroOne",
    "PairwiseSoftZeroOneLoss",
    "RankingSoftmax",
    "list_mle",
    "pairwise_hinge",
    "pairwise_logistic",
    "pairwise_mean_squared_error",
    "pairwise_soft_zero_one",
    "ranking_softmax",
]

#: keras-rs's ``ListMLELoss._epsilon``: added to every normaliser before its log.
_LIST_MLE_EPSILON = 1e-10


# --- lists, padding and masks ---------------------------------------------------------------------------


def _unpack(y_true: Any, mask: Any) -> tuple[Any, Any, Any]:
    """``(labels, mask, weights)`` from ``y_true`` (a tensor, or keras-rs's dict) and the ``mask`` argument."""
    weights = None
    if isinstance(y_true, dict):
        if "labels" not in y_true:
            raise ValueError(f'`y_true` given as a dict needs a "labels" key; got keys {sorted(y_true)}.')
        unknown = sorted(set(y_true) - {"labels", "mask", "weights"})
        if unknown:
            raise ValueError(f'Unknown key(s) {unknown} in `y_true`: expected "labels", and optionally "mask".')
        if mask is not None and y_true.get("mask") is not None:
            mask = ops.logical_and(ops.cast(to_tensor(mask), "bool"), ops.cast(to_tensor(y_true["mask"]), "bool"))
        elif y_true.get("mask") is not None:
            mask = y_true["mask"]
        weights = y_true.get("weights")
        y_true = y_true["labels"]
    return y_true, mask, weights


def _lists(y_true: Any, y_pred: Any, mask: Any = None) -> tuple[Any, Any, Any]:
    """``(labels, scores, valid)`` of shape ``(..., L)`` (a rank-1 list gains a leading axis).

    ``valid`` is keras-rs's: the label is not negative, and ``mask`` (if any)
    is true. A NaN label counts as valid, so that its NaN reaches the value.
    """
    scores = float_tensor(y_pred)
    labels = ops.cast(to_tensor(y_true), scores.dtype)
    check_shapes_match(labels, scores)
    if len(scores.shape) == 0:
        raise ValueError("Ranking losses take lists: `y_true` and `y_pred` of shape (N, L) or (L,), got scalars.")
    valid = ops.logical_not(ops.less(labels, ops.zeros_like(labels)))
    if mask is not None:
        valid = ops.logical_and(valid, ops.cast(_like_labels(mask, labels, "mask"), "bool"))
    if len(scores.shape) == 1:  # one list, as keras-rs
        labels, scores, valid = (ops.expand_dims(x, 0) for x in (labels, scores, valid))
    return labels, scores, valid


def _like_labels(x: Any, labels: Any, what: str) -> Any:
    """``x`` as a tensor, checked to have the labels' shape (an item mask or item weights)."""
    x = to_tensor(x)
    if not shapes_compatible(tuple(x.shape), tuple(labels.shape)):
        raise ValueError(
            f"The item {what} must have the labels' shape, got {what}.shape={_shape_str(tuple(x.shape))} "
            f"and y_true.shape={_shape_str(tuple(labels.shape))}."
        )
    return x


def _nan_of(labels: Any) -> Any:
    """NaN where a label is NaN, else 0: added to the values, so that a NaN label is never silent."""
    return ops.where(ops.isnan(labels), labels, ops.zeros_like(labels))


def _pairs(x: Any, op: Callable[[Any, Any], Any]) -> Any:
    """``op(x_i, x_j)`` for every pair of items: ``(..., L, L)``, ``[..., i, j]`` for the pair ``(i, j)``."""
    return op(ops.expand_dims(x, -1), ops.expand_dims(x, -2))


def _pairwise(y_true: Any, y_pred: Any, mask: Any, temperature: float, pair_loss: Callable[[Any], Any]) -> Any:
    """keras-rs's ``PairwiseLoss.call``: ``sum_j I(y_i > y_j) * pair_loss((s_i - s_j) / temperature)``."""
    y_true, mask, _ = _unpack(y_true, mask)
    labels, scores, valid = _lists(y_true, y_pred, mask)
    both_valid = _pairs(valid, ops.logical_and)
    ordered = ops.logical_and(ops.greater(_pairs(labels, ops.subtract), 0), both_valid)
    differences = _pairs(scores, ops.subtract) / ops.cast(temperature, scores.dtype)
    # A product, as keras-rs (a NaN score makes its list's values NaN, never masked to 0).
    values = ops.sum(pair_loss(differences) * ops.cast(ordered, scores.dtype), axis=-1)
    return values + _nan_of(labels)


# --- pairwise losses ------------------------------------------------------------------------------------


@checked(temperature=positive)
def pairwise_hinge(y_true: Any, y_pred: Any, *, temperature: float = 1.0, mask: Any = None) -> Any:
    """Pairwise hinge loss of a ranking: every pair ordered by the labels should be ordered by the scores.

    Formula:
        ``loss_i = sum_j I(y_i > y_j) * max(0, 1 - (s_i - s_j) / temperature)``
        over the valid items ``j`` (label >= 0, ``mask`` true); padding items get 0.

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N, L)``, one value per item.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        temperature: the score differences are divided by it (> 0).
        mask: optional boolean ``(N, L)``: items to leave out (with the negative labels).

    Examples:
        >>> import keras_losses
        >>> y_true = [[1.0, 0.0, 1.0, 3.0], [0.0, 1.0, 2.0, 3.0]]
        >>> y_pred = [[1.0, 3.0, 2.0, 4.0], [1.0, 1.8, 2.0, 3.0]]
        >>> [[round(float(v), 4) for v in row] for row in keras_losses.pairwise_hinge(y_true, y_pred)]
        [[3.0, 0.0, 2.0, 0.0], [0.0, 0.2, 0.8, 0.0]]

    References:
        keras-rs 0.4 ``PairwiseHingeLoss`` (same values, masks and padding); Herbrich et al. 1999.
    """
    return _pairwise(y_true, y_pred, mask, temperature, lambda x: ops.relu(1.0 - x))


@checked(temperature=positive)
def pairwise_logistic(y_true: Any, y_pred: Any, *, temperature: float = 1.0, mask: Any = None) -> Any:
    """Pairwise logistic (RankNet) loss of a ranking.

    Formula:
        ``loss_i = sum_j I(y_i > y_j) * log(1 + exp(-(s_i - s_j) / temperature))``
        over the valid items ``j`` (label >= 0, ``mask`` true), computed as
        ``-log_sigmoid``: stable for any difference, with the derivative -1/2
        at tied scores (keras-rs's ``relu(-x) + log(1 + exp(-|x|))`` has 0 there).

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N, L)``, one value per item.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        temperature: the score differences are divided by it (> 0).
        mask: optional boolean ``(N, L)``: items to leave out (with the negative labels).

    Examples:
        >>> import keras_losses
        >>> values = keras_losses.pairwise_logistic([[2.0, 0.0, -1.0]], [[0.0, 0.0, 5.0]])
        >>> [round(float(v), 4) for v in values[0]]  # log 2 for the tie; the padding item gets 0
        [0.6931, 0.0, 0.0]

    References:
        keras-rs 0.4 ``PairwiseLogisticLoss``; Burges et al. 2005 (RankNet).
    """
    return _pairwise(y_true, y_pred, mask, temperature, lambda x: -ops.log_sigmoid(x))


@checked(temperature=positive)
def pairwise_soft_zero_one(y_true: Any, y_pred: Any, *, temperature: float = 1.0, mask: Any = None) -> Any:
    """Pairwise soft zero-one loss of a ranking: a smooth count of the mis-ordered pairs.

    Formula:
        ``loss_i = sum_j I(y_i > y_j) * sigmoid(-(s_i - s_j) / temperature)``
        over the valid items ``j`` (label >= 0, ``mask`` true); keras-rs writes
        ``1 - sigmoid(x)`` for ``x > 0``, the same number, less precise.

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N, L)``, one value per item.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        temperature: the score differences are divided by it (> 0).
        mask: optional boolean ``(N, L)``: items to leave out (with the negative labels).

    Examples:
        >>> import keras_losses
        >>> values = keras_losses.pairwise_soft_zero_one([[1.0, 0.0]], [[0.0, 0.0]])
        >>> [float(v) for v in values[0]]
        [0.5, 0.0]

    References:
        keras-rs 0.4 ``PairwiseSoftZeroOneLoss``.
    """
    return _pairwise(y_true, y_pred, mask, temperature, lambda x: ops.sigmoid(-x))


@checked(temperature=positive)
def pairwise_mean_squared_error(y_true: Any, y_pred: Any, *, temperature: float = 1.0, mask: Any = None) -> Any:
    """Pairwise squared error: score differences should equal label differences.

    Formula:
        ``loss_i = sum_{j != i} ((y_i - y_j) - (s_i - s_j))^2`` over the valid
        items ``j`` (label >= 0, ``mask`` true): every ordered pair, not only
        ``y_i > y_j`` (keras-rs's code; its docstring says otherwise).
        ``temperature`` is accepted and ignored, as in keras-rs.

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N, L)``, one value per item.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        temperature: kept for keras-rs's signature; it does not change the value.
        mask: optional boolean ``(N, L)``: items to leave out (with the negative labels).

    Examples:
        >>> import keras_losses
        >>> values = keras_losses.pairwise_mean_squared_error([[2.0, 0.0, -1.0]], [[1.0, 0.0, 7.0]])
        >>> [float(v) for v in values[0]]
        [1.0, 1.0, 0.0]

    References:
        keras-rs 0.4 ``PairwiseMeanSquaredError``.
    """
    y_true, mask, _ = _unpack(y_true, mask)
    labels, scores, valid = _lists(y_true, y_pred, mask)
    index = ops.arange(ops.shape(labels)[-1])
    weight = ops.logical_and(_pairs(valid, ops.logical_and), _pairs(index, ops.not_equal))  # j != i
    squared = ops.square(_pairs(labels, ops.subtract) - _pairs(scores, ops.subtract))
    return ops.sum(squared * ops.cast(weight, scores.dtype), axis=-1) + _nan_of(labels)


# --- listwise losses ------------------------------------------------------------------------------------


@checked(temperature=positive)
def list_mle(y_true: Any, y_pred: Any, *, temperature: float = 1.0, mask: Any = None) -> Any:
    """ListMLE: the negative log-likelihood of the labels' ranking under the Plackett-Luce model of the scores.

    Formula:
        Sort each list's valid items by label, descending (ties keep their
        order in the list, as keras-rs's stable sort), and let
        ``z_k = s_(k) / temperature - max_k s_(k) / temperature``; then
        ``loss = -sum_k (z_k - log(sum_{m >= k} exp(z_m) + 1e-10))`` over the
        valid items (label >= 0, ``mask`` true); a list without one gives 0.

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N,)``, one value per list.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        temperature: the scores are divided by it (> 0).
        mask: optional boolean ``(N, L)``: items to leave out (with the negative labels).

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.list_mle([[3.0, 2.0, 1.0, 0.0]], [[0.8, 0.6, 0.4, 0.2]])[0]), 4)
        2.6212

    References:
        keras-rs 0.4 ``ListMLELoss``; Xia et al. 2008, "Listwise approach to learning to rank".
    """
    y_true, mask, _ = _unpack(y_true, mask)
    labels, scores, valid = _lists(y_true, y_pred, mask)
    order = ops.argsort(ops.where(valid, -labels, ops.full_like(labels, float("inf"))), axis=-1)
    sorted_scores = ops.take_along_axis(scores, order, axis=-1) / ops.cast(temperature, scores.dtype)
    sorted_valid = ops.take_along_axis(valid, order, axis=-1)
    any_valid = ops.any(valid, axis=-1, keepdims=True)
    lowest = ops.full_like(sorted_scores, -1e9)
    top = ops.expand_dims(amax(ops.where(sorted_valid, sorted_scores, lowest), axis=-1), -1)
    top = ops.where(any_valid, top, ops.zeros_like(top))
    z = ops.where(sorted_valid, sorted_scores - top, ops.zeros_like(sorted_scores))
    exp_z = ops.where(sorted_valid, ops.exp(z), ops.zeros_like(z))
    from_here = ops.flip(ops.cumsum(ops.flip(exp_z, axis=-1), axis=-1), axis=-1)
    log_probs = z - ops.log(from_here + _LIST_MLE_EPSILON)
    values = -ops.sum(ops.where(sorted_valid, log_probs, ops.zeros_like(log_probs)), axis=-1)
    return values + ops.sum(_nan_of(labels), axis=-1)


def ranking_softmax(y_true: Any, y_pred: Any, *, mask: Any = None, weights: Any = None) -> Any:
    """Ranking softmax loss: cross-entropy between the labels and the softmax of the scores over each list.

    Formula:
        ``loss = -sum_i w_i * y_i * log(exp(s_i) / sum_j exp(s_j))`` over the
        valid items (optax's ``where``: label >= 0 and ``mask`` true; the
        softmax is over them only), ``w`` optax's item ``weights`` (1 if None).
        A list without a valid item gives 0, and the loss classes leave it out
        of their means, as optax's ``reduce_fn=jnp.mean`` does.

    Shape:
        y_true, y_pred: ``(N, L)`` (or ``(L,)``: one list). Output: ``(N,)``, one value per list.
        ``y_true`` may be keras-rs's dict ``{"labels": (N, L), "mask": (N, L) bool}``.

    Args:
        mask: optional boolean ``(N, L)``: items to leave out (optax's ``where``).
        weights: optional ``(N, L)`` item weights; they multiply the labels (optax's ``weights``).

    Examples:
        >>> import keras_losses
        >>> round(float(keras_losses.ranking_softmax([[1.0, 0.0, 0.0]], [[2.0, 1.0, 3.0]])[0]), 3)
        1.408

    References:
        optax ``losses.ranking_softmax_loss`` (negative labels are padding here, as in keras-rs and
        TF-Ranking; optax would weigh them negatively); Cao et al. 2007 (ListNet).
    """
    y_true, mask, dict_weights = _unpack(y_true, mask)
    weights = dict_weights if weights is None else weights
    labels, scores, valid = _lists(y_true, y_pred, mask)
    targets = ops.where(valid, labels, ops.zeros_like(labels))
    if weights is not None:
        weights = ops.cast(_like_labels(weights, to_tensor(y_true), "weights"), scores.dtype)
        targets = targets * ops.reshape(weights, ops.shape(targets))
    any_valid = ops.any(valid, axis=-1, keepdims=True)
    # The softmax over the valid items, shifted by their largest score (no gradient: the shift cancels).
    top = ops.expand_dims(amax(ops.where(valid, scores, ops.full_like(scores, -1e9)), axis=-1), -1)
    top = ops.stop_gradient(ops.where(any_valid, top, ops.zeros_like(top)))
    shifted = ops.where(valid, scores - top, ops.zeros_like(scores))
    total = ops.sum(ops.where(valid, ops.exp(shifted), ops.zeros_like(shifted)), axis=-1, keepdims=True)
    log_softmax = shifted - ops.log(ops.where(any_valid, total, ops.ones_like(total)))
    products = targets * log_softmax
    return -ops.sum(ops.where(valid, products, ops.zeros_like(products)), axis=-1)


def _valid_lists(y_true: Any, y_pred: Any) -> Any:
    """Whether each list has a valid item (a NaN label counts, so that its NaN reaches the mean)."""
    labels, mask, _ = _unpack(y_true, None)
    _, _, valid = _lists(labels, y_pred, mask)
    return ops.any(valid, axis=-1)


def _item_shaped(sample_weight: Any, y_true: Any) -> bool:
    """Whether ``sample_weight`` has the labels' full shape (one weight per item), in lists of more than one item."""
    labels = y_true["labels"] if isinstance(y_true, dict) else y_true
    shape, labels_shape = np.shape(sample_weight), np.shape(labels)
    return len(shape) == len(labels_shape) >= 1 and labels_shape[-1] != 1 and shape[-1] != 1


def _fold_keras_mask(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """A Keras mask of the scores' shape marks the valid items of a per-list loss (not a weight of its values)."""
    keras_mask = get_keras_mask(y_pred) if not isinstance(y_pred, (tuple, list)) else None
    if keras_mask is None or tuple(keras_mask.shape) != tuple(y_pred.shape):
        return y_true, y_pred
    labels, mask, weights = _unpack(y_true, keras_mask)
    folded = {"labels": labels, "mask": mask}
    if weights is not None:
        folded["weights"] = weights
    return folded, ops.add(y_pred, ops.zeros_like(y_pred))  # a tensor without the mask


# --- classes --------------------------------------------------------------------------------------------


class _PairwiseLoss(Loss):
    """keras-rs's ``PairwiseLoss`` signature: ``(temperature=1.0, reduction, name, dtype)``."""

    def __init__(
        self,
        temperature: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = None,
        dtype: Any = None,
    ):
        super().__init__(temperature=temperature, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class PairwiseHinge(_PairwiseLoss):
    """keras-rs's ``PairwiseHingeLoss``; see :func:`pairwise_hinge`.

    One value per item ``(N, L)``; the default reduction is their mean, padding included, as in keras-rs.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.PairwiseHinge()
        >>> y_true = [[1.0, 0.0, 1.0, 3.0], [0.0, 1.0, 2.0, 3.0]]
        >>> round(float(loss(y_true, [[1.0, 3.0, 2.0, 4.0], [1.0, 1.8, 2.0, 3.0]])), 4)
        0.75
    """

    function = pairwise_hinge


@register_loss()
class PairwiseLogistic(_PairwiseLoss):
    """keras-rs's ``PairwiseLogisticLoss``; see :func:`pairwise_logistic`."""

    function = pairwise_logistic


@register_loss()
class PairwiseSoftZeroOne(_PairwiseLoss):
    """keras-rs's ``PairwiseSoftZeroOneLoss``; see :func:`pairwise_soft_zero_one`."""

    function = pairwise_soft_zero_one


@register_loss()
class PairwiseMeanSquaredError(_PairwiseLoss):
    """keras-rs's ``PairwiseMeanSquaredError``; see :func:`pairwise_mean_squared_error`."""

    function = pairwise_mean_squared_error


class _PerListLoss(Loss):
    """One value per list: a Keras mask marks valid items, ``sample_weight`` weighs lists."""

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        y_true, y_pred = _fold_keras_mask(y_true, y_pred)
        if sample_weight is not None and _item_shaped(sample_weight, y_true):
            y_true, sample_weight = self.item_weights(y_true, sample_weight)
        return super().__call__(y_true, y_pred, sample_weight)

    def item_weights(self, y_true: Any, sample_weight: Any) -> tuple[Any, Any]:
        """``(y_true, sample_weight)`` for a ``sample_weight`` of one weight per item."""
        shape = _shape_str(tuple(sample_weight.shape))
        raise ValueError(
            f"{type(self).__name__} gives one value per list: `sample_weight` must have one weight per list, "
            f"shape (N,) or (N, 1), not one per item {shape}."
        )


@register_loss()
class ListMLE(_PerListLoss):
    """keras-rs's ``ListMLELoss``; see :func:`list_mle`.

    One value per list ``(N,)``; ``sample_weight`` weighs lists (``(N,)`` or
    ``(N, 1)``): one weight per item is a ``ValueError`` (keras-rs fails on it
    too, or weighs the wrong axis when ``N == L``).

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.ListMLE(temperature=0.5)
        >>> round(float(loss([[3.0, 2.0, 1.0, 0.0]], [[0.8, 0.6, 0.4, 0.2]])), 4)
        2.1484
    """

    function = list_mle

    def __init__(
        self,
        temperature: float = 1.0,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str = "list_mle",
        dtype: Any = None,
    ):
        super().__init__(temperature=temperature, reduction=reduction, name=name, dtype=dtype)


@register_loss()
class RankingSoftmax(_PerListLoss):
    """optax's ``ranking_softmax_loss``; see :func:`ranking_softmax`.

    One value per list ``(N,)``; the default reduction is the mean over the
    lists that have a valid item (optax's ``jnp.mean`` with ``where``). A
    ``sample_weight`` of one weight per item ``(N, L)`` is optax's ``weights``
    (it multiplies the labels); ``(N,)`` or ``(N, 1)`` weighs lists.

    Examples:
        >>> import keras_losses
        >>> loss = keras_losses.RankingSoftmax()
        >>> scores = [[2.0, 1.0, 0.0], [1.0, 0.5, 1.5]]
        >>> labels = {"labels": [[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], "mask": [[True, True, False], [True, True, True]]}
        >>> round(float(loss(labels, scores)), 3)
        0.497
    """

    function = ranking_softmax

    def __init__(self, reduction: str | None = DEFAULT_REDUCTION, name: str = "ranking_softmax", dtype: Any = None):
        super().__init__(reduction=reduction, name=name, dtype=dtype)

    def item_weights(self, y_true: Any, sample_weight: Any) -> tuple[Any, Any]:
        labels, mask, _ = _unpack(y_true, None)
        folded = {"labels": labels, "weights": sample_weight}
        if mask is not None:
            folded["mask"] = mask
        return folded, None

    def element_weights(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        return None, _valid_lists(y_true, y_pred)


# keras-rs's class names, so that switching from keras-rs is a change of import only.
PairwiseHingeLoss = PairwiseHinge
PairwiseLogisticLoss = PairwiseLogistic
PairwiseSoftZeroOneLoss = PairwiseSoftZeroOne
ListMLELoss = ListMLE
