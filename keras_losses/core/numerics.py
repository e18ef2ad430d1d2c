"""Small numerical helpers that behave the same on every backend.

Keras's torch backend turns ``float64`` into ``float32`` in
``ops.divide_no_nan`` and in ``ops.minimum``/``ops.maximum`` with a Python
float, and its TensorFlow backend refuses the max of an empty tensor; these
helpers keep the input's dtype and take empty batches everywhere.
"""

from __future__ import annotations

from typing import Any

from keras import ops


def like(value: Any, tensor: Any) -> Any:
    """``value`` as a tensor of ``tensor``'s dtype."""
    return ops.convert_to_tensor(value, dtype=tensor.dtype)


def divide_no_nan(numerator: Any, denominator: Any) -> Any:
    """``numerator / denominator``, and 0 (with a zero gradient) where the denominator is 0."""
    is_zero = ops.equal(denominator, 0)
    safe = ops.where(is_zero, ops.ones_like(denominator), denominator)
    return ops.where(is_zero, ops.zeros_like(numerator / safe), numerator / safe)


def amax(x: Any, axis: int) -> Any:
    """``ops.amax`` that also takes an empty batch (Keras's TensorFlow max refuses empty tensors eagerly)."""
    if 0 in tuple(x.shape):
        return ops.sum(x, axis=axis)  # no values: the (empty) result has the right shape
    return ops.amax(x, axis=axis)
