"""Distances between embeddings: the one place every embedding loss gets them from.

Two forms, one set of names (:data:`DISTANCES`):

- :func:`pairwise_distances`: the ``(N, M)`` matrix between two batches (the
  mining, contrastive and circle losses compute it once per batch);
- :func:`paired_distances`: ``(N,)``, row ``i`` of one batch against row ``i``
  of the other (the triplet and pair losses).

``"euclidean"`` and ``"squared_euclidean"`` use ``‖a‖² + ‖b‖² − 2a·b`` clamped
at 0, one matrix product instead of an ``(N, M, D)`` difference tensor. Where a
distance is 0 its square root has an infinite derivative: it is kept out of the
root (the double-``where`` trick) and gets the gradient 0, and the diagonal of a
batch against itself is exactly 0 (TF-Addons' ``pairwise_distance``).
``"cosine"`` is ``1 − cos`` of the L2-normalised embeddings (TF-Addons'
``angular``), ``"dot"`` is ``1 − a·b`` of the embeddings as given (Keras's
``Circle``, for embeddings that are already unit norm); both clamped at 0.
Masks are ``where``, never boolean indexing: everything compiles under
``jax.jit`` and XLA.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import keras
from keras import ops

from keras_losses.core.numerics import amax, safe_power
from keras_losses.core.validation import Check

__all__ = [
    "DISTANCES",
    "cosine_similarities",
    "distance_name",
    "l2_normalize",
    "lp_distance",
    "paired_cosine_similarity",
    "paired_distances",
    "pairwise_distances",
    "safe_sqrt",
]

#: The built-in distances.
DISTANCES = ("euclidean", "squared_euclidean", "cosine", "dot")

#: The ``distance`` option of the losses that take only built-in distances.
distance = Check("one of " + ", ".join(repr(d) for d in DISTANCES), lambda v: v in DISTANCES, lambda s: list(DISTANCES))


def _registered(value: Any) -> bool:
    """Whether ``value`` names (or is) a function registered with ``keras.saving.register_keras_serializable``."""
    if callable(value) and not isinstance(value, str):
        value = keras.saving.get_registered_name(value)
    return isinstance(value, str) and ">" in value and keras.saving.get_registered_object(value) is not None


#: ``distance`` of the losses that also take a registered row-wise function ``f(a, b) -> (N,)``.
distance_or_function = Check(
    "one of " + ", ".join(repr(d) for d in DISTANCES) + ", or a function registered with "
    "keras.saving.register_keras_serializable (or its registered name 'package>name')",
    lambda v: (isinstance(v, str) and v in DISTANCES) or _registered(v),
    lambda s: list(DISTANCES),
)


def distance_name(value: Any) -> Any:
    """A distance as stored in a config: a built-in name, or a registered function's ``'package>name'``."""
    if callable(value) and not isinstance(value, str):
        return keras.saving.get_registered_name(value)
    return value


def _function(value: Any) -> Callable[..., Any]:
    if callable(value):
        return value
    return keras.saving.get_registered_object(value)


def l2_normalize(x: Any, axis: int = -1) -> Any:
    """``x / max(‖x‖, 1e-6)`` along ``axis`` (``tf.math.l2_normalize``): a zero vector stays 0, gradient finite."""
    squared = ops.sum(ops.square(x), axis=axis, keepdims=True)
    return x * ops.rsqrt(ops.maximum(squared, ops.convert_to_tensor(1e-12, x.dtype)))


def safe_sqrt(x: Any) -> Any:
    """``sqrt(x)`` for ``x >= 0``, with value and gradient 0 at ``x = 0`` (NaN stays NaN)."""
    positive = x > 0
    root = ops.sqrt(ops.where(positive, x, ops.ones_like(x)))
    return ops.where(positive, root, x * 0.0)


def cosine_similarities(x: Any, y: Any = None) -> Any:
    """``(N, M)`` cosine similarities of the rows of ``x`` and ``y`` (``None``: ``x``), normalised once."""
    x = l2_normalize(x)
    y = x if y is None else l2_normalize(y)
    return ops.matmul(x, ops.transpose(y))


def _squared_norms(x: Any) -> Any:
    return ops.sum(ops.square(x), axis=-1)


def paired_cosine_similarity(a: Any, b: Any) -> Any:
    """``(N, ...)``: the cosine of each row of ``a`` with the same row of ``b`` (last axis reduced).

    Of the normalised rows ``â``, ``b̂`` (:func:`l2_normalize`), as
    ``1 − ½‖â − b̂‖²`` where they point the same way and ``½‖â + b̂‖² − 1``
    where they point apart: the gradient of either is proportional to
    ``â ∓ b̂``, exactly 0 for parallel rows, where ``â·b̂`` leaves float32
    rounding of about ``1e-7 / ‖a‖`` (and a different one under XLA). A zero
    row (``‖a‖ < 1e-6``) gets ``â·b̂``, near 0, as ``(‖a‖² + 1e-12)``-guarded
    cosines do (``torch.nn.functional.cosine_similarity``).
    """
    a, b = l2_normalize(a), l2_normalize(b)
    dot = ops.sum(a * b, axis=-1)
    same = 1.0 - 0.5 * _squared_norms(a - b)
    apart = 0.5 * _squared_norms(a + b) - 1.0
    unit = ops.logical_and(_squared_norms(a) > 0.5, _squared_norms(b) > 0.5)
    return ops.where(unit, ops.where(dot >= 0, same, apart), dot)


def pairwise_distances(x: Any, y: Any = None, distance: str = "euclidean") -> Any:
    """``(N, M)`` distances between the rows of ``x (N, D)`` and of ``y (M, D)`` (``y=None``: ``x`` itself).

    See the module docstring for the distances. With ``y=None`` the
    euclidean diagonal is exactly 0.
    """
    same = y is None
    y = x if same else y
    if distance == "cosine":
        return ops.relu(1.0 - cosine_similarities(x, None if same else y))
    if distance == "dot":
        return ops.relu(1.0 - ops.matmul(x, ops.transpose(y)))
    if distance not in ("euclidean", "squared_euclidean"):
        raise ValueError(f"Invalid value for argument `distance`: {distance!r}. Expected one of {DISTANCES}.")
    product = ops.matmul(x, ops.transpose(y))
    squared = ops.expand_dims(_squared_norms(x), 1) + ops.expand_dims(_squared_norms(y), 0) - 2.0 * product
    squared = ops.relu(squared)
    if same:
        size = ops.shape(x)[0]
        squared = ops.where(ops.eye(size, dtype="bool"), ops.zeros_like(squared), squared)
    return squared if distance == "squared_euclidean" else safe_sqrt(squared)


def paired_distances(a: Any, b: Any, distance: Any = "euclidean") -> Any:
    """``(N, ...)``: the distance of each row of ``a`` to the same row of ``b`` (last axis reduced).

    ``distance`` is a built-in name or a registered function ``f(a, b)``.
    """
    if distance == "squared_euclidean":
        return _squared_norms(a - b)
    if distance == "euclidean":
        return safe_sqrt(_squared_norms(a - b))
    if distance == "cosine":
        return ops.relu(1.0 - paired_cosine_similarity(a, b))
    if distance == "dot":
        return ops.relu(1.0 - ops.sum(a * b, axis=-1))
    return _function(distance)(a, b)


def lp_distance(a: Any, b: Any, p: float, eps: float) -> Any:
    """``‖a − b + eps‖_p`` over the last axis, as ``torch.nn.functional.pairwise_distance``; gradient 0 at 0."""
    difference = a - b + eps
    if p == 2:
        return safe_sqrt(_squared_norms(difference))
    if p == 1:
        return ops.sum(ops.abs(difference), axis=-1)
    if p == float("inf"):
        return amax(ops.abs(difference), axis=-1)
    return safe_power(ops.sum(safe_power(ops.abs(difference), p), axis=-1), 1.0 / p)
