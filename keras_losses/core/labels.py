"""Targets: label smoothing, integer class labels, ignore masks, per-class weights and the bad-label policy.

The one place where labels are turned into what a loss multiplies with.

Bad labels, one policy on every backend: a class label that is not an integer
in ``[0, C)`` and not ``ignore_index`` (``-3``, ``C``, ``2.5``, NaN, inf) makes
that position's loss value NaN, eagerly and compiled alike, so that a mean over
the batch is NaN and ``keras.callbacks.TerminateOnNaN`` stops training. Without
it, TensorFlow and torch raise and JAX clamps the index: a finite, plausible
and wrong number.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

import keras
from keras import ops

from keras_losses.core.numerics import like
from keras_losses.core.validation import check_labels_match, to_tensor


def smooth_labels(y_true: Any, label_smoothing: float, num_classes: int) -> Any:
    """``y * (1 - ε) + ε / num_classes``: toward 0.5 for binary (``num_classes=2``), 1/C for C classes."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def class_vector(values: float | Sequence[float], y_pred: Any, name: str, axis: int = -1) -> Any:
    """A per-class option (``class_weight``, per-class ``alpha``) as a tensor, checked against the classes.

    A scalar stays a scalar. A list must have one entry per class of ``axis``
    (JAX's gather would silently read past a short one): ``ValueError`` otherwise.
    """
    vector = like(values, y_pred)
    classes = y_pred.shape[axis]
    if len(vector.shape) == 1 and classes is not None and vector.shape[0] != classes:
        raise ValueError(
            f"Invalid value for argument `{name}`: {len(values)} values for {classes} classes. "  # type: ignore[arg-type]
            f"Expected one per class (y_pred.shape={tuple(y_pred.shape)}, class axis {axis})."
        )
    return vector


class ClassLabels(NamedTuple):
    """Integer labels ready for gathers, and what the loss must do with each position."""

    #: int32 labels in ``[0, C)``: ignored and bad labels are replaced by class 0.
    index: Any
    #: ``None``, or ``False`` where the label is ``ignore_index`` (a mask for the reduction).
    valid: Any
    #: ``True`` where the label is bad (see the module docstring).
    bad: Any


def class_labels(y_true: Any, y_pred: Any, ignore_index: int | None = None) -> ClassLabels:
    """Integer labels of shape ``y_pred.shape[:-1]`` (class axis last), checked against the class count.

    Labels arrive as integers or, from Keras, as floats (float32 holds every
    integer up to 2**24 exactly). They are checked in their own dtype, before the
    cast to int32: a cast of NaN, inf or of an integer beyond int32 is
    undefined or wraps into range. A trailing axis of size 1 (``(N, 1)`` labels
    for ``(N, C)`` predictions) is squeezed; any other mismatch raises
    ``ValueError`` with both shapes. Few ops, on labels only: clipping into
    ``[0, C - 1]`` makes the gather index, and an integer label is outside the
    range exactly where clipping changed it.
    """
    labels = to_tensor(y_true)
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    check_labels_match(labels, y_pred)
    top = y_pred.shape[-1] - 1 if y_pred.shape[-1] is not None else ops.cast(ops.shape(y_pred)[-1] - 1, labels.dtype)
    if keras.backend.is_float_dtype(labels.dtype):
        if keras.backend.standardize_dtype(labels.dtype) in ("float16", "bfloat16"):
            labels = ops.cast(labels, "float32")
        clipped = ops.clip(labels, 0, top)
        # NaN equals nothing; inf and fractions change under floor or clip.
        good = ops.logical_and(ops.equal(clipped, labels), ops.equal(ops.floor(labels), labels))
        bad = ops.logical_not(good)
        index = ops.cast(ops.where(good, clipped, ops.zeros_like(clipped)), "int32")
    else:
        clipped = ops.clip(labels, 0, top)
        bad = ops.not_equal(clipped, labels)
        index = ops.cast(clipped, "int32")
    valid = None
    if ignore_index is not None:
        valid = ops.not_equal(labels, ignore_index)
        bad = ops.logical_and(bad, valid)
    return ClassLabels(index, valid, bad)


def index_labels(y_true: Any, y_pred: Any, axis: int, ignore_index: int | None = None) -> tuple[ClassLabels, Any]:
    """``(labels, y_pred)`` of a loss whose classes lie on ``axis`` of ``y_pred``: the class axis moved last.

    As in Keras, labels with a size-1 axis at the class axis (``(N, 1, H, W)``
    for classes on axis 1) lose it.
    """
    rank = len(y_pred.shape)
    if axis not in (-1, rank - 1):
        y_true = to_tensor(y_true)
        if len(y_true.shape) == rank and y_true.shape[axis] == 1:
            y_true = ops.squeeze(y_true, axis=axis)
        y_pred = ops.moveaxis(y_pred, axis, -1)
    return class_labels(y_true, y_pred, ignore_index), y_pred


def nan_where(bad: Any, values: Any) -> Any:
    """``values`` with NaN where ``bad`` is true (a bad label's position)."""
    return ops.where(bad, math.nan, values)


def apply_label_policy(values: Any, labels: ClassLabels) -> Any:
    """``values`` with 0 where the label is ignored and NaN where it is bad."""
    return nan_where(labels.bad, zero_ignored(values, labels.valid))


def zero_ignored(values: Any, valid: Any) -> Any:
    """``values`` with 0 at the positions ``valid`` rules out; as is when it is ``None``."""
    return values if valid is None else ops.where(valid, values, ops.zeros_like(values))


def gather_classes(values: Any, labels: Any) -> Any:
    """``values[..., labels]``: one entry per label along the last axis (no one-hot is built)."""
    return ops.squeeze(ops.take_along_axis(values, ops.expand_dims(labels, -1), axis=-1), -1)
