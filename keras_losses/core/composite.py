"""Loss arithmetic: ``Dice(...) + 0.5 * SparseCategoricalCrossentropy(...)`` is one loss.

Segmentation practice trains on sums of losses (Dice + cross-entropy, Dice +
focal). :class:`LossArithmetic` gives every keras_losses loss ``+``, ``-``,
``*`` and ``/`` by a number; the result is a :class:`CompositeLoss`, a
registered Keras loss whose config holds its terms, so it works in
``compile``, saves to ``.keras`` and loads on any backend. Terms may be any
``keras.losses.Loss`` (Keras's own included): ``keras.losses.Dice() + ours``
works through our ``__radd__``.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import keras


class LossArithmetic:
    """``+``, ``-`` with another loss and ``*``, ``/`` by a number, for losses."""

    def _terms(self) -> list[tuple[float, Any]]:
        return [(1.0, self)]

    def __add__(self, other: Any) -> CompositeLoss:
        if not isinstance(other, keras.losses.Loss):
            return NotImplemented
        return CompositeLoss(self._terms() + _terms_of(other))

    def __radd__(self, other: Any) -> CompositeLoss:
        if not isinstance(other, keras.losses.Loss):
            return NotImplemented
        return CompositeLoss(_terms_of(other) + self._terms())

    def __sub__(self, other: Any) -> CompositeLoss:
        if not isinstance(other, keras.losses.Loss):
            return NotImplemented
        return CompositeLoss(self._terms() + [(-weight, loss) for weight, loss in _terms_of(other)])

    def __mul__(self, factor: Any) -> CompositeLoss:
        if not isinstance(factor, numbers.Real) or isinstance(factor, bool):
            return NotImplemented
        return CompositeLoss([(float(factor) * weight, loss) for weight, loss in self._terms()])

    __rmul__ = __mul__

    def __truediv__(self, divisor: Any) -> CompositeLoss:
        if not isinstance(divisor, numbers.Real) or isinstance(divisor, bool):
            return NotImplemented
        return self * (1.0 / float(divisor))

    def __neg__(self) -> CompositeLoss:
        return self * -1.0


def _terms_of(loss: Any) -> list[tuple[float, Any]]:
    return loss._terms() if isinstance(loss, LossArithmetic) else [(1.0, loss)]


@keras.saving.register_keras_serializable(package="keras_losses")
class CompositeLoss(LossArithmetic, keras.losses.Loss):
    """A weighted sum of losses, each reduced by its own reduction.

    Formula:
        ``loss = Σ_i w_i · L_i(y_true, y_pred, sample_weight)``.

    Every term sees the same ``y_true``, ``y_pred`` and ``sample_weight`` and
    applies its own reduction, masks and (under ``tf.distribute``) replica
    scaling; the sum adds nothing of its own. Built by arithmetic on losses
    or directly from ``(weight, loss)`` pairs.

    Args:
        terms: ``(weight, loss)`` pairs; a loss is any ``keras.losses.Loss``.
        name: the loss's name.

    Examples:
        >>> import keras_losses
        >>> import keras
        >>> loss = keras_losses.SmoothL1(beta=0.5) + keras.losses.MeanSquaredError()  # Keras's own too
        >>> loss  # doctest: +ELLIPSIS
        CompositeLoss(1.0 * SmoothL1(beta=0.5, ...) + 1.0 * MeanSquaredError(reduction=..., name=...))
        >>> round(float(loss([[0.0, 2.0]], [[0.2, 0.0]])), 4)  # (0.04 + 1.75) / 2 + (0.04 + 4) / 2
        2.915
        >>> round(float((0.5 * loss)([[0.0, 2.0]], [[0.2, 0.0]])), 4)
        1.4575
    """

    def __init__(self, terms: Sequence[tuple[float, Any]], name: str = "composite_loss", dtype: Any = None) -> None:
        pairs = []
        for term in terms:
            weight, loss = term
            if not isinstance(weight, numbers.Real) or isinstance(weight, bool):
                raise ValueError(f"Invalid value for argument `terms`: weight {weight!r} of {loss!r} is not a number.")
            if not isinstance(loss, keras.losses.Loss):
                raise ValueError(f"Invalid value for argument `terms`: {loss!r} is not a keras.losses.Loss.")
            pairs.append((float(weight), loss))
        if not pairs:
            raise ValueError("Invalid value for argument `terms`: a composite loss needs at least one term.")
        super().__init__(name=name, reduction="none", dtype=dtype)
        self.terms = pairs

    def _terms(self) -> list[tuple[float, Any]]:
        return list(self.terms)

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        total = None
        for weight, loss in self.terms:
            value = loss(y_true, y_pred, sample_weight=sample_weight)
            value = value if weight == 1.0 else value * weight
            total = value if total is None else total + value
        return total

    def call(self, y_true: Any, y_pred: Any) -> Any:
        return self(y_true, y_pred)

    def get_config(self) -> dict[str, Any]:
        terms = [{"weight": w, "loss": keras.saving.serialize_keras_object(loss)} for w, loss in self.terms]
        return {"name": self.name, "dtype": self._dtype_policy.name, "terms": terms}

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> CompositeLoss:
        config = dict(config)
        unknown = sorted(set(config) - {"name", "dtype", "terms", "reduction"})
        if unknown:
            raise ValueError(
                f"Unknown option(s) {', '.join(f'`{k}`' for k in unknown)} in the config of CompositeLoss."
            )
        config.pop("reduction", None)
        terms = [(t["weight"], keras.saving.deserialize_keras_object(t["loss"])) for t in config.pop("terms")]
        return cls(terms, **config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({' + '.join(f'{w!r} * {_short(loss)}' for w, loss in self.terms)})"


def _short(loss: Any) -> str:
    """A term as its repr (ours show their options), or Keras's class with its name and reduction."""
    if isinstance(loss, LossArithmetic):
        return repr(loss)
    return f"{type(loss).__name__}(reduction={loss.reduction!r}, name={loss.name!r})"
