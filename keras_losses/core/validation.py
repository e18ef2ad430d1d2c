"""Checks for loss options and input shapes.

Options are declared once, next to the loss function, with :func:`checked`::

    @checked(delta=positive)
    def huber(y_true, y_pred, delta=1.0): ...

The function then validates its options on every call, and the loss class
validates them at construction through ``huber.validate_options(...)``. A bad
value raises ``ValueError`` naming the argument, the value and what is allowed.
Options that are valid alone but not together (``class_weight`` in binary
mode) are refused by a combination check given first: ``@checked(combination,
mode=..., ...)`` calls ``combination(**options)`` with the defaults filled in.
"""

from __future__ import annotations

import functools
import inspect
import math
from collections.abc import Callable
from typing import Any

import keras
import numpy as np
from keras import ops


class Check:
    """An option check: ``check(name, value)`` raises ``ValueError`` unless ``value`` is allowed.

    ``allowed`` says in words what is allowed (error messages, docs), and
    ``edges(size)`` lists allowed values at the edges of that range (the fuzz
    tests try them); ``size`` is the length of per-class or per-output vectors.
    Checks are plain Python on Python values (no NumPy), so that ``torch.compile``
    traces a function's own validation without a graph break.
    """

    def __init__(self, allowed: str, accept: Callable[[Any], bool], edges: Callable[[int], list]) -> None:
        self.allowed = allowed
        self._accept = accept
        self._edges = edges

    def __call__(self, name: str, value: Any) -> None:
        if hasattr(value, "shape") and not isinstance(value, (np.ndarray, np.generic)):
            return  # a backend tensor: its values exist only when it runs
        if not self._accept(value.tolist() if isinstance(value, (np.ndarray, np.generic)) else value):
            raise _bad(name, value, self.allowed)

    def edges(self, size: int = 3) -> list:
        return self._edges(size)

    def __repr__(self) -> str:
        return f"<Check: {self.allowed}>"


def _bad(name: str, value: Any, allowed: str) -> ValueError:
    return ValueError(f"Invalid value for argument `{name}`: {value!r}. Expected {allowed}.")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number(allowed: str, ok: Callable[[float], bool], edges: tuple) -> Check:
    """A scalar number check."""
    return Check(allowed, lambda v: _is_number(v) and ok(float(v)), lambda size: list(edges))


def _is_vector(value: Any) -> bool:
    return isinstance(value, (list, tuple)) and len(value) > 0


positive = _number("a number > 0", lambda v: math.isfinite(v) and v > 0, (1e-6, 1.0, 100.0))
non_negative = _number("a number >= 0", lambda v: math.isfinite(v) and v >= 0, (0.0, 1e-6, 100.0))
unit_interval = _number("a number in [0, 1]", lambda v: 0 <= v <= 1, (0.0, 0.5, 1.0))
#: Any real number, ``float("-inf")`` and ``float("inf")`` included (not NaN).
extended_real = _number(
    "a number, -inf or inf (not NaN)",
    lambda v: not math.isnan(v),
    (-math.inf, -2.0, -1e-6, 0.0, 1e-6, 1.0, 2.0 - 1e-6, 2.0, 2.0 + 1e-6, 100.0, math.inf),
)
real = _number("a finite number", math.isfinite, (-100.0, 0.0, 100.0))


def at_least(bound: float) -> Check:
    return _number(f"a number >= {bound:g}", lambda v: math.isfinite(v) and v >= bound, (bound, bound + 1.0, 100.0))


def per_output(check: Check) -> Check:
    """A value ``check`` allows, or a list of them: one per output (per class)."""

    def accept(value: Any) -> bool:
        items = value if _is_vector(value) else [value]
        return all(not _is_vector(v) and check._accept(v) for v in items)

    def edges(size: int) -> list:
        scalars = check.edges(size)
        return [*scalars, [scalars[i % len(scalars)] for i in range(size)]]

    return Check(f"{check.allowed}, or a list of them (one per output)", accept, edges)


def per_class(check: Check) -> Check:
    """A list of values ``check`` allows, one per class."""

    def accept(value: Any) -> bool:
        return _is_vector(value) and all(not _is_vector(v) and check._accept(v) for v in value)

    def edges(size: int) -> list:
        scalars = check.edges(size)
        return [[e] * size for e in scalars] + [[scalars[i % len(scalars)] for i in range(size)]]

    return Check(f"a list of numbers, one per class, each {check.allowed}", accept, edges)


def optional(check: Check) -> Check:
    """``None`` or a value that passes ``check``."""
    return Check(f"None or {check.allowed}", lambda v: v is None or check._accept(v), lambda s: [None, *check.edges(s)])


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


integer = Check("an integer", _is_int, lambda size: [-1, 0])
positive_integer = Check("an integer >= 1", lambda v: _is_int(v) and v >= 1, lambda size: [1, 2])
boolean = Check("True or False", lambda v: isinstance(v, bool), lambda size: [False, True])
#: An axis; the fuzz tests choose axes from the inputs' rank, not from ``edges``.
axis = Check("an integer axis", _is_int, lambda size: [-1])


def one_of(*choices: Any) -> Check:
    return Check(
        "one of " + ", ".join(repr(c) for c in choices),
        lambda v: any(v == c and type(v) is type(c) for c in choices),
        lambda size: list(choices),
    )


#: The open interval (0, 1): Keras's range of a generalized cross-entropy's ``q``.
open_unit_interval = _number("a number in (0, 1)", lambda v: 0 < v < 1, (1e-6, 0.5, 1 - 1e-6))


def checked(combination: Callable[..., None] | None = None, /, **checks: Check) -> Callable[[Callable], Callable]:
    """Declare the option checks of a loss function (see module docstring).

    Options may be passed by keyword or, after ``y_true`` and ``y_pred``, by
    position (Keras's functions take theirs positionally); both are checked.
    ``combination``, if given, is called with every option (defaults filled in)
    after each one passed its own check.
    """

    def decorate(function: Callable) -> Callable:
        parameters = list(inspect.signature(function).parameters.values())[2:]
        positional = [p.name for p in parameters]
        defaults = {p.name: p.default for p in parameters if p.default is not p.empty}

        def validate_options(**options: Any) -> None:
            for name, value in options.items():
                if name in checks:
                    checks[name](name, value)
            if combination is not None:
                combination(**{**defaults, **options})

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            validate_options(**dict(zip(positional, args[2:], strict=False)), **kwargs)
            return function(*args, **kwargs)

        wrapper.validate_options = validate_options  # type: ignore[attr-defined]
        wrapper.checks = dict(checks)  # type: ignore[attr-defined]
        wrapper.unchecked = function  # type: ignore[attr-defined]
        return wrapper

    return decorate


def _shape_str(shape: tuple) -> str:
    return "(" + ", ".join("None" if d is None else str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def to_tensor(x: Any, dtype: Any = None) -> Any:
    """``ops.convert_to_tensor``, and a tensor, not a variable, on every backend.

    Keras's TensorFlow backend hands a ``tf.Variable`` back unchanged, and some
    Keras ops (``take_along_axis``) then fail on it; reading it into a tensor
    keeps its gradient.
    """
    x = ops.convert_to_tensor(x, dtype=dtype)
    return x if hasattr(x, "ndim") else ops.copy(x)


def float_tensor(x: Any) -> Any:
    """``x`` as a tensor of its float dtype, or of ``keras.config.floatx()`` if it is not float."""
    x = to_tensor(x)
    return x if keras.backend.is_float_dtype(x.dtype) else ops.cast(x, keras.backend.floatx())


def match_ranks(x1: Any, x2: Any) -> tuple[Any, Any]:
    """Keras's rank rule (``squeeze_or_expand_to_same_rank``), for targets, predictions and weights.

    When the ranks differ by one and the longer side ends in an axis of size 1,
    a rank-1 shorter side gains that axis (``(N,)`` against ``(N, 1)`` gives
    ``(N, 1)`` both: one value per sample); otherwise the longer side loses it.
    """
    rank1, rank2 = len(x1.shape), len(x2.shape)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1:
            x2 = ops.expand_dims(x2, -1)
        else:
            x1 = ops.squeeze(x1, -1)
    elif rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1:
            x1 = ops.expand_dims(x1, -1)
        else:
            x2 = ops.squeeze(x2, -1)
    return x1, x2


def same_shape(y_true: Any, y_pred: Any) -> tuple[Any, Any]:
    """Convert both to tensors of ``y_pred``'s float dtype and check shapes.

    Ranks follow Keras's rule (:func:`match_ranks`): ``(N,)`` targets against
    ``(N, 1)`` predictions (a ``Dense(1)`` output) keep one value per sample.
    Anything else that differs raises ``ValueError`` with both shapes: a loss
    never broadcasts its inputs silently.
    """
    y_pred = float_tensor(y_pred)
    y_true, y_pred = match_ranks(ops.cast(to_tensor(y_true), y_pred.dtype), y_pred)
    check_shapes_match(y_true, y_pred)
    return y_true, y_pred


def shapes_compatible(a: tuple, b: tuple) -> bool:
    """Whether two static shapes can be the same (``None`` matches any size)."""
    return len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))


def check_labels_match(labels: Any, y_pred: Any) -> None:
    """Raise ``ValueError`` unless ``labels`` has the shape of ``y_pred`` without its class axis (last)."""
    a, b = tuple(labels.shape), tuple(y_pred.shape)
    if not shapes_compatible(a, b[:-1]):
        raise ValueError(
            "`y_true` must hold one class index per prediction, of shape y_pred.shape[:-1]; got "
            f"y_true.shape={_shape_str(a)} and y_pred.shape={_shape_str(b)}."
        )


def check_shapes_match(y_true: Any, y_pred: Any) -> None:
    """Raise ``ValueError`` unless the two static shapes agree (``None`` matches any)."""
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    if not shapes_compatible(a, b):
        raise ValueError(
            "`y_true` and `y_pred` must have the same shape, got "
            f"y_true.shape={_shape_str(a)} and y_pred.shape={_shape_str(b)}."
        )


def declared_checks(function: Callable) -> dict[str, Check]:
    """The option checks a loss function declared with :func:`checked` (``{}`` if none)."""
    return dict(getattr(function, "checks", {}))
