"""Reductions: from per-sample loss values to the number that is minimised.

Keras's six reductions behave exactly as in ``keras.losses.Loss`` (masks and
``sample_weight`` included). Two more come from the other frameworks:

- ``"sum_by_nonzero_weights"`` (TF1 ``SUM_BY_NONZERO_WEIGHTS``): the sum of
  the weighted losses divided by the number of non-zero weights, weights
  broadcast to the losses' shape.
- ``"weighted_mean"`` (PyTorch ``reduction="mean"`` with ``weight=``): the sum
  of the weighted losses divided by the sum of the weights, broadcast to the
  losses' shape. Weights are the product of the mask, ``sample_weight`` and
  any ``element_weight`` the loss already applied (class weights).

Both return 0, not NaN, when every weight is zero.
"""

from __future__ import annotations

import math
from typing import Any

from keras import ops

from keras_losses.core.numerics import divide_no_nan
from keras_losses.core.validation import match_ranks, shapes_compatible

KERAS_REDUCTIONS = ("sum_over_batch_size", "mean", "sum", "mean_with_sample_weight", "none", None)
REDUCTIONS = KERAS_REDUCTIONS + ("sum_by_nonzero_weights", "weighted_mean")
#: The default of every loss, as in Keras.
DEFAULT_REDUCTION = "sum_over_batch_size"
#: Reductions that are means over the batch: Keras divides them by the number of replicas under
#: ``tf.distribute``, whose gradients are then summed over the replicas.
PER_REPLICA_MEANS = (
    "sum_over_batch_size",
    "mean",
    "mean_with_sample_weight",
    "weighted_mean",
    "sum_by_nonzero_weights",
)


def check_reduction(reduction: Any) -> Any:
    """Return ``reduction`` if it is known, else raise ``ValueError``."""
    if reduction not in REDUCTIONS:
        raise ValueError(
            f"Invalid value for argument `reduction`: {reduction!r}. "
            f"Expected one of {', '.join(repr(r) for r in REDUCTIONS)}."
        )
    return reduction


def _per_sample(weight: Any, values: Any) -> Any:
    """A weight of ``values``'s leading axes (one per sample: ``(N,)`` for ``(N, T)``) gains trailing axes.

    Keras broadcasts from the trailing axis only, so ``(N,)`` sample weights of
    ``(N, T)`` losses (a masked sequence model) fail there, or, when ``N == T``,
    weigh the steps instead of the samples. A weight whose shape is the values'
    leading shape (unknown sizes match) is read as one per sample, whatever
    the batch size.
    """
    w_shape, v_shape = tuple(weight.shape), tuple(values.shape)
    rank = len(w_shape)
    if not 0 < rank < len(v_shape) or not shapes_compatible(w_shape, v_shape[:rank]):
        return weight
    for _ in range(len(v_shape) - rank):
        weight = ops.expand_dims(weight, -1)
    return weight


def _size(x: Any, dtype: str) -> Any:
    """The number of elements: a Python int when the shape is static (no op at all)."""
    shape = tuple(x.shape)
    if None not in shape:
        return math.prod(shape)
    return ops.cast(ops.prod(ops.convert_to_tensor(ops.shape(x), dtype="int32")), dtype)


def _mean(values: Any) -> Any:
    """Mean over every element (0 for no elements); one op when the shape is static."""
    size = _size(values, values.dtype)
    if isinstance(size, int):
        return ops.mean(values) if size else ops.sum(values)
    return divide_no_nan(ops.sum(values), size)


def reduce_loss(
    values: Any,
    sample_weight: Any = None,
    mask: Any = None,
    reduction: str | None = "sum_over_batch_size",
    element_weight: Any = None,
) -> Any:
    """Weight ``values`` by ``sample_weight`` and ``mask``, then reduce them.

    Args:
        values: unreduced loss values, one per sample (and time step, ...).
        sample_weight: ``None`` or a tensor broadcastable to ``values`` after
            Keras's trailing-axis rule, or of ``values``'s leading axes (one
            weight per sample of ``(N, T)`` values, where Keras fails).
        mask: ``None`` or a boolean tensor of ``values``'s shape; masked-out
            entries count as weight 0 (and, for ``"sum_over_batch_size"`` and
            ``"mean"``, the mean is over the unmasked entries, as in Keras).
        reduction: one of :data:`REDUCTIONS`.
        element_weight: ``None`` or weights of ``values``'s shape that are
            already inside ``values`` (class weights of the labels); they
            count in the denominators of ``"weighted_mean"`` and
            ``"sum_by_nonzero_weights"`` only.
    """
    dtype = values.dtype
    weight = None if sample_weight is None else ops.cast(sample_weight, dtype)
    if mask is not None:
        if reduction in ("sum_over_batch_size", "mean"):
            # Keras: valid entries weigh total/valid, so the mean is over them.
            scale = divide_no_nan(_size(mask, dtype), ops.sum(ops.cast(mask, dtype)))
            mask_weight = ops.where(ops.cast(mask, "bool"), scale, ops.zeros_like(scale))
        else:
            mask_weight = ops.cast(mask, dtype)
        if weight is None:
            weight = mask_weight
        else:
            mask_weight, weight = match_ranks(mask_weight, weight)
            weight = _per_sample(weight, mask_weight) * mask_weight
    if weight is not None:
        values, weight = match_ranks(values, weight)
        weight = _per_sample(weight, values)
        # A weight of 0 (or a masked entry) contributes exactly 0 to the value, even where the loss is
        # inf or NaN there (padding, an overflowing excluded sample), where 0 * inf would be NaN.
        values = ops.where(ops.equal(weight, 0), ops.zeros_like(values * weight), values * weight)

    # Unlike Keras, a scalar or an empty batch is reduced too: one weighted value is its own weighted
    # mean (Keras returns it weighted), and an empty batch's loss is 0 (Keras returns an empty array).
    if reduction in (None, "none"):
        return values
    if reduction == "sum":
        return ops.sum(values)
    if reduction in ("sum_over_batch_size", "mean") or (weight is None and element_weight is None):
        return _mean(values)
    total = ops.sum(values)
    if reduction == "mean_with_sample_weight":  # Keras: the weights as given, not broadcast
        return divide_no_nan(total, ops.sum(weight)) if weight is not None else _mean(values)
    weight = ops.broadcast_to(weight, ops.shape(values)) if weight is not None else None
    if element_weight is not None:
        element_weight = ops.cast(element_weight, dtype)
        weight = element_weight if weight is None else weight * element_weight
    if reduction == "weighted_mean":
        return divide_no_nan(total, ops.sum(weight))
    return divide_no_nan(total, ops.sum(ops.cast(ops.not_equal(weight, 0), dtype)))  # sum_by_nonzero_weights
