"""Targets: label smoothing, integer class labels, ignore masks and the bad-label policy.

The one place where labels are turned into what a loss multiplies with.

Bad labels, one policy on every backend: a class label that is not an integer
in ``[0, C)`` and not ``ignore_index`` (``-3``, ``C``, ``2.5``, NaN) makes that
position's loss value NaN, eagerly and compiled alike, so that a mean over the
batch is NaN and ``keras.callbacks.TerminateOnNaN`` stops training. Without it,
TensorFlow and torch raise and JAX clamps the index, a finite, plausible and
wrong number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import keras
from keras import ops

from keras_losses.core.validation import check_labels_match, to_tensor


def smooth_labels(y_true: Any, label_smoothing: float, num_classes: int) -> Any:
    """``y * (1 - ε) + ε / num_classes``: toward 0.5 for binary (``num_classes=2``), 1/C for C classes."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def as_tensor(values: float | Sequence[float] | Any, like: Any) -> Any:
    """An option (scalar, list or tensor) as a tensor of ``like``'s dtype."""
    return ops.convert_to_tensor(values, dtype=like.dtype)


class ClassLabels(NamedTuple):
    """Integer labels ready for gathers, and what the loss must do with each position."""

    #: int32 labels in ``[0, C)``: ignored and bad labels are clipped into the range.
    index: Any
    #: ``None``, or ``False`` where the label is ``ignore_index`` (a mask for the reduction).
    valid: Any
    #: ``False`` everywhere but where the label is bad (see the module docstring).
    bad: Any


#: Where a float label is not an integer (NaN included): an int32 no class and no ignore_index is.
_NOT_AN_INTEGER = -(2**31)


def class_labels(y_true: Any, y_pred: Any, ignore_index: int | None = None) -> ClassLabels:
    """Integer labels of shape ``y_pred.shape[:-1]`` (class axis last), checked against the class count.

    Labels arrive as integers or, from Keras, as floats (float32 holds every
    integer up to 2**24 exactly). Floats are checked before the cast, since a
    cast of NaN to an integer is 0 on some backends. A trailing axis of size 1
    (``(N, 1)`` labels for ``(N, C)`` predictions) is squeezed; any other
    mismatch raises ``ValueError`` with both shapes. Few ops, on labels only:
    clipping into ``[0, C)`` makes the gather index, and a label is outside the
    range exactly where clipping changed it.
    """
    labels = to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    check_labels_match(labels, y_pred)
    if keras.backend.is_float_dtype(labels.dtype):
        if keras.backend.standardize_dtype(labels.dtype) in ("float16", "bfloat16"):
            labels = ops.cast(labels, "float32")
        integral = ops.equal(ops.floor(labels), labels)  # False for NaN and ±inf
        labels = ops.where(integral, labels, ops.full_like(labels, _NOT_AN_INTEGER))
    labels = ops.cast(labels, "int32")
    index = ops.clip(labels, 0, y_pred.shape[-1] - 1)
    bad = ops.not_equal(index, labels)
    valid = None
    if ignore_index is not None:
        valid = ops.not_equal(labels, ignore_index)
        bad = ops.logical_and(bad, valid)
    return ClassLabels(index, valid, bad)


def apply_label_policy(values: Any, labels: ClassLabels) -> Any:
    """``values`` with 0 where the label is ignored and NaN where it is bad."""
    values = zero_ignored(values, labels.valid)
    return ops.where(labels.bad, math.nan, values)


def zero_ignored(values: Any, valid: Any) -> Any:
    """``values`` with 0 at the positions ``valid`` rules out; as is when it is ``None``."""
    return values if valid is None else ops.where(valid, values, ops.zeros_like(values))


def gather_classes(values: Any, labels: Any) -> Any:
    """``values[..., labels]``: one entry per label along the last axis (no one-hot is built)."""
    return ops.squeeze(ops.take_along_axis(values, ops.expand_dims(labels, -1), axis=-1), -1)
