"""Checks for loss options and input shapes.

Options are declared once, next to the loss function, with :func:`checked`::

    @checked(delta=positive)
    def huber(y_true, y_pred, *, delta=1.0): ...

The function then validates its options on every call, and the loss class
validates them at construction through ``huber.validate_options(...)``. A bad
value raises ``ValueError`` naming the argument, the value and what is allowed.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
from keras import ops

#: A check takes the argument's name and value and raises ``ValueError``.
Check = Callable[[str, Any], None]


def _bad(name: str, value: Any, allowed: str) -> ValueError:
    return ValueError(f"Invalid value for argument `{name}`: {value!r}. Expected {allowed}.")


def _number_check(allowed: str, ok: Callable[[np.ndarray], np.ndarray]) -> Check:
    def check(name: str, value: Any) -> None:
        if value is None or isinstance(value, (str, bytes, bool, np.bool_)):
            raise _bad(name, value, allowed)
        try:
            array = np.asarray(value, dtype="float64")
        except (TypeError, ValueError):
            if hasattr(value, "shape"):  # a symbolic tensor: its values exist only when it runs
                return
            raise _bad(name, value, allowed) from None
        if array.size == 0 or not bool(np.all(ok(array))):
            raise _bad(name, value, allowed)

    return check


positive = _number_check("a number > 0", lambda a: np.isfinite(a) & (a > 0))
non_negative = _number_check("a number >= 0", lambda a: np.isfinite(a) & (a >= 0))
unit_interval = _number_check("a number (or one per output) in [0, 1]", lambda a: np.isfinite(a) & (a >= 0) & (a <= 1))
#: Any real number, ``float("-inf")`` and ``float("inf")`` included (not NaN).
extended_real = _number_check("a number, -inf or inf (not NaN)", lambda a: ~np.isnan(a))
real = _number_check("a finite number", np.isfinite)


def at_least(bound: float) -> Check:
    return _number_check(f"a number >= {bound:g}", lambda a: np.isfinite(a) & (a >= bound))


def optional(check: Check) -> Check:
    """``None`` or a value that passes ``check``."""

    def check_optional(name: str, value: Any) -> None:
        if value is not None:
            check(name, value)

    return check_optional


def integer(name: str, value: Any) -> None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise _bad(name, value, "an integer")


def boolean(name: str, value: Any) -> None:
    if not isinstance(value, (bool, np.bool_)):
        raise _bad(name, value, "True or False")


def axis(name: str, value: Any) -> None:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise _bad(name, value, "an integer axis")


def one_of(*choices: Any) -> Check:
    def check(name: str, value: Any) -> None:
        if value not in choices:
            raise _bad(name, value, "one of " + ", ".join(repr(c) for c in choices))

    return check


def checked(**checks: Check) -> Callable[[Callable], Callable]:
    """Declare the option checks of a loss function (see module docstring)."""

    def decorate(function: Callable) -> Callable:
        def validate_options(**options: Any) -> None:
            for name, value in options.items():
                if name in checks:
                    checks[name](name, value)

        @functools.wraps(function)
        def wrapper(y_true: Any, y_pred: Any = None, **options: Any) -> Any:
            validate_options(**options)
            return function(y_true, y_pred, **options)

        wrapper.validate_options = validate_options  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _shape_str(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def float_tensor(x: Any) -> Any:
    """``x`` as a tensor of its float dtype, or of ``keras.config.floatx()`` if it is not float."""
    x = ops.convert_to_tensor(x)
    return x if keras.backend.is_float_dtype(x.dtype) else ops.cast(x, keras.backend.floatx())


def same_shape(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """Convert both to tensors of ``y_pred``'s float dtype and check shapes.

    As in Keras, a trailing axis of size 1 on one side only is squeezed
    (``(N, 1)`` against ``(N,)``). Anything else that differs raises
    ``ValueError`` with both shapes: a loss never broadcasts its inputs
    silently.
    """
    y_pred = float_tensor(y_pred)
    y_true = ops.cast(ops.convert_to_tensor(y_true), y_pred.dtype)
    true_shape, pred_shape = tuple(y_true.shape), tuple(y_pred.shape)
    if len(true_shape) == len(pred_shape) + 1 and true_shape[-1] == 1:
        y_true = ops.squeeze(y_true, axis=-1)
    elif len(pred_shape) == len(true_shape) + 1 and pred_shape[-1] == 1:
        y_pred = ops.squeeze(y_pred, axis=-1)
    check_shapes_match(y_true, y_pred)
    return y_true, y_pred


def _compatible(a: tuple, b: tuple) -> bool:
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def check_labels_match(labels: Any, y_pred: Any) -> None:
    """Raise ``ValueError`` unless ``labels`` has the shape of ``y_pred`` without its class axis (last)."""
    a, b = tuple(labels.shape), tuple(y_pred.shape)
    if not _compatible(a, b[:-1]):
        raise ValueError(
            "`y_true` must hold one class index per prediction, of shape y_pred.shape[:-1]; got "
            f"y_true.shape={_shape_str(a)} and y_pred.shape={_shape_str(b)}."
        )


def check_shapes_match(y_true: Any, y_pred: Any) -> None:
    """Raise ``ValueError`` unless the two static shapes agree (``None`` matches any)."""
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    if not _compatible(a, b):
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape, got "
            f"y_true.shape={_shape_str(a)} and y_pred.shape={_shape_str(b)}."
        )
