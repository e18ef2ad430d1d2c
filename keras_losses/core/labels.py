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

    #: int32 labels in ``[0, C)``: ignored and bad labels are replaced by class 0.
    index: Any
    #: ``None``, or ``False`` where the label is ``ignore_index`` (a mask for the reduction).
    valid: Any
    #: ``False`` everywhere but where the label is bad (see the module docstring).
    bad: Any


def class_labels(y_true: Any, y_pred: Any, ignore_index: int | None = None) -> ClassLabels:
    """Integer labels of shape ``y_pred.shape[:-1]`` (class axis last), checked against the class count.

    Labels arrive as integers or, from Keras, as floats (float32 holds every
    integer up to 2**24 exactly). Floats are checked before the cast, since a
    cast of NaN to an integer is 0 on some backends. A trailing axis of size 1
    (``(N, 1)`` labels for ``(N, C)`` predictions) is squeezed; any other
    mismatch raises ``ValueError`` with both shapes.
    """
    labels = to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    check_labels_match(labels, y_pred)
    if keras.backend.is_float_dtype(labels.dtype):
        if keras.backend.standardize_dtype(labels.dtype) in ("float16", "bfloat16"):
            labels = ops.cast(labels, "float32")
        integral = ops.equal(ops.floor(labels), labels)  # False for NaN and ±inf
        index = ops.cast(ops.where(integral, labels, ops.zeros_like(labels)), "int32")
    else:
        integral, index = None, ops.cast(labels, "int32")
    in_range = ops.logical_and(ops.greater_equal(index, 0), ops.less(index, y_pred.shape[-1]))
    if integral is not None:
        in_range = ops.logical_and(in_range, integral)
    valid = None
    usable = in_range
    if ignore_index is not None:
        ignored = ops.equal(index, ignore_index)
        if integral is not None:
            ignored = ops.logical_and(ignored, integral)
        valid = ops.logical_not(ignored)
        usable = ops.logical_or(in_range, ignored)
    index = ops.where(in_range, index, ops.zeros_like(index))
    return ClassLabels(index, valid, ops.logical_not(usable))


def apply_label_policy(values: Any, labels: ClassLabels) -> Any:
    """``values`` with 0 where the label is ignored and NaN where it is bad."""
    values = zero_ignored(values, labels.valid)
    return ops.where(labels.bad, ops.full_like(values, math.nan), values)


def zero_ignored(values: Any, valid: Any) -> Any:
    """``values`` with 0 at the positions ``valid`` rules out; as is when it is ``None``."""
    return values if valid is None else ops.where(valid, values, ops.zeros_like(values))


def gather_classes(values: Any, labels: Any) -> Any:
    """``values[..., labels]``: one entry per label along the last axis (no one-hot is built)."""
    return ops.squeeze(ops.take_along_axis(values, ops.expand_dims(labels, -1), axis=-1), -1)
