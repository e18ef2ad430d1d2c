"""Targets: label smoothing, integer class labels, ignore masks and class weights.

The one place where labels are turned into what a loss multiplies with.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from keras import ops

from keras_losses.core.validation import check_labels_match


def smooth_labels(y_true: Any, label_smoothing: float, num_classes: int) -> Any:
    """``y * (1 - ε) + ε / num_classes``: toward 0.5 for binary (``num_classes=2``), 1/C for C classes."""
    if not label_smoothing:
        return y_true
    return y_true * (1.0 - label_smoothing) + label_smoothing / num_classes


def as_tensor(values: float | Sequence[float] | Any, like: Any) -> Any:
    """An option (scalar, list or tensor) as a tensor of ``like``'s dtype."""
    return ops.convert_to_tensor(values, dtype=like.dtype)


def class_labels(y_true: Any, y_pred: Any) -> Any:
    """Integer labels of shape ``y_pred.shape[:-1]`` (class axis last).

    Labels arrive as integers or, from Keras, as floats; float32 holds every
    integer up to 2**24 exactly, so the cast to int32 loses nothing there. A
    trailing axis of size 1 (``(N, 1)`` labels for ``(N, C)`` predictions) is
    squeezed; any other mismatch raises ``ValueError`` with both shapes.
    """
    labels = ops.convert_to_tensor(y_true)
    if "int" not in str(labels.dtype):
        labels = ops.cast(labels, "int32")
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, axis=-1)
    check_labels_match(labels, y_pred)
    return labels


def ignore_mask(labels: Any, ignore_index: int | None) -> tuple[Any, Any]:
    """``(safe_labels, valid)``: ignored labels replaced by class 0 (so gathers stay in range) and the mask.

    ``valid`` is ``None`` when nothing is ignored.
    """
    if ignore_index is None:
        return labels, None
    valid = ops.not_equal(labels, ignore_index)
    return ops.where(valid, labels, ops.zeros_like(labels)), valid


def zero_ignored(values: Any, valid: Any) -> Any:
    """``values`` with 0 at the positions ``valid`` (from :func:`ignore_mask`) rules out; as is when it is ``None``."""
    return values if valid is None else ops.where(valid, values, ops.zeros_like(values))


def gather_classes(values: Any, labels: Any) -> Any:
    """``values[..., labels]``: one entry per label along the last axis (no one-hot is built)."""
    return ops.squeeze(ops.take_along_axis(values, ops.expand_dims(labels, -1), axis=-1), -1)
