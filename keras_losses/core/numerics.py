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


def with_zero_gradient(values: Any, source: Any) -> Any:
    """``values`` (not differentiated) tied to ``source`` with a gradient of exactly 0.

    For piecewise-constant losses (edit distance): the derivative is 0 almost
    everywhere, and a zero gradient, unlike none, keeps Keras's TensorFlow and
    torch trainers running (they refuse a loss with no path to the weights).
    ``0 * tanh(source)`` is finite for every finite or infinite input and NaN
    for NaN, so a NaN prediction still makes the value NaN.
    """
    link = 0.0 * ops.tanh(source)
    if len(link.shape) > 1:
        link = ops.sum(link, axis=tuple(range(1, len(link.shape))))
    return ops.stop_gradient(values) + ops.cast(link, values.dtype)


def safe_power(base: Any, exponent: float) -> Any:
    """``base ** exponent`` for ``base >= 0``, with a finite gradient at ``base = 0``.

    For ``0 < exponent < 1`` the derivative ``exponent * base**(exponent - 1)``
    is infinite at 0, so 0 is kept out of ``power`` (the double-``where`` trick)
    and gets the gradient 0. Common exponents are plain products.
    """
    if exponent == 0:
        return ops.ones_like(base)
    if exponent == 1:
        return base
    if exponent == 2:
        return ops.square(base)
    if exponent > 1:
        return ops.power(base, exponent)
    positive = base > 0
    safe = ops.where(positive, base, ops.ones_like(base))
    return ops.where(positive, ops.power(safe, exponent), base * 0.0)  # base * 0: NaN stays NaN


def masked_logsumexp(x: Any, mask: Any, axis: int = -1) -> tuple[Any, Any]:
    """``(log Σ_mask exp(x), any(mask))`` along ``axis``: finite everywhere, value 0 where the mask is empty.

    The shift is the masked maximum (no gradient), so the sum is at least 1
    wherever the mask holds anything: no ``-inf``, no NaN gradient, and no
    underflow of the whole sum at tiny temperatures. Outside the mask the
    exponent is ``-inf`` (``exp`` gives 0, with a zero gradient), so only the
    reduced ``(..., 1, ...)`` results tell empty rows apart: a sum of exactly 0
    (a NaN sum stays NaN). Five full-size ops, scalars broadcast, no full-size
    constants: torch's eager mode pays per op and per allocation.
    """
    lowest = like(-float("inf"), x)
    shift = ops.stop_gradient(amax(ops.where(mask, x, lowest), axis=axis))  # -inf on an empty row
    total = ops.sum(ops.exp(ops.where(mask, x - ops.expand_dims(shift, axis), lowest)), axis=axis)
    has = ops.logical_not(ops.equal(total, 0.0))
    value = shift + ops.log(ops.where(has, total, ops.ones_like(total)))
    return ops.where(has, value, ops.zeros_like(value)), has
