"""What the classification modules share: label handling of index losses, weights, axes."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import keras
from keras import ops

from keras_losses.core.base import Loss
from keras_losses.core.labels import class_vector, gather_classes, index_labels, zero_ignored
from keras_losses.core.probabilities import binary_log_probabilities, clip_probabilities

Weights = float | Sequence[float] | None


def binary_cross_entropy(y_true: Any, y_pred: Any, from_logits: bool, pos_weight: Weights = None) -> Any:
    """Elementwise ``-(pos_weight * y * log(p) + (1 - y) * log(1 - p))``."""
    if pos_weight is None and from_logits:
        # Keras's op: one fused kernel on torch (binary_cross_entropy_with_logits) and
        # TF (sigmoid_cross_entropy_with_logits); two log_sigmoid calls on JAX.
        return ops.binary_crossentropy(y_true, y_pred, from_logits=True)
    log_p, log_not_p = binary_log_probabilities(y_pred, from_logits=from_logits)
    positive = y_true if pos_weight is None else class_vector(pos_weight, y_pred, "pos_weight") * y_true
    return -(positive * log_p + (1.0 - y_true) * log_not_p)


def along(vector: Any, axis: int, rank: int) -> Any:
    """A ``(C,)`` vector shaped to broadcast along ``axis`` of a rank-``rank`` tensor."""
    axis = axis % rank
    return ops.reshape(vector, (-1,) + (1,) * (rank - 1 - axis))


def merge_ignore(ignore_class: int | None, ignore_index: int | None) -> int | None:
    """Keras's ``ignore_class`` and PyTorch's ``ignore_index`` are one option under two names.

    Both have been checked already (``@checked`` on the function, or the class's constructor).
    """
    if ignore_class is not None and ignore_index is not None and ignore_class != ignore_index:
        raise ValueError(
            f"Invalid value for argument `ignore_index`: {ignore_index!r}. `ignore_class` and `ignore_index` "
            f"name the same option; got ignore_class={ignore_class!r}. Expected one of them, or equal values."
        )
    return ignore_class if ignore_class is not None else ignore_index


#: Up to this many classes, Keras's one-hot sparse cross-entropy is the faster one on JAX.
FEW_CLASSES = 32


def label_cross_entropy(logits_or_probs: Any, labels: Any, from_logits: bool) -> Any:
    """``-log p[label]`` without building an ``(N, ..., C)`` one-hot or a log of every class.

    From logits, Keras's op is one fused kernel on TensorFlow
    (``sparse_softmax_cross_entropy_with_logits``) and torch (``F.cross_entropy``).
    On JAX it builds a one-hot: faster up to :data:`FEW_CLASSES` classes, while
    beyond them ``logsumexp(x) - x[label]`` takes about half its time and memory
    (``benchmarks/RESULTS.md``). From probabilities, the label's probability is
    gathered first and normalised by the row's sum: one log per position, not per
    class (the same value as Keras's clipped, normalised probabilities).
    """
    if from_logits:
        classes = logits_or_probs.shape[-1]
        if keras.backend.backend() in ("tensorflow", "torch") or (classes is not None and classes <= FEW_CLASSES):
            return ops.sparse_categorical_crossentropy(labels, logits_or_probs, from_logits=True)
        return ops.logsumexp(logits_or_probs, axis=-1) - gather_classes(logits_or_probs, labels)
    total = ops.sum(logits_or_probs, axis=-1)
    return -ops.log(clip_probabilities(gather_classes(logits_or_probs, labels) / total))


class IndexLabelLoss(Loss):
    """A loss whose ``y_true`` are class indices, with ``ignore_index`` and ``class_weight``.

    Ignored labels act as a mask (means are over the others); class weights of
    the labels count in ``"weighted_mean"``, which is then PyTorch's ``"mean"``.
    """

    takes_class_indices = True
    #: Whether ``class_weight`` is a weight of the label (PyTorch's ``weight``) for ``"weighted_mean"``.
    weights_count = True

    def element_weights(self, y_true: Any, y_pred: Any) -> tuple[Any, Any]:
        options = self._options
        ignore_index = options.get("ignore_class", options.get("ignore_index"))  # one of the two is stored
        class_weight = options.get("class_weight") if self.weights_count else None
        if ignore_index is None and class_weight is None:
            return None, None
        labels, y_pred = index_labels(y_true, y_pred, options.get("axis", -1), ignore_index)
        weight = None
        if class_weight is not None:
            weight = class_vector(class_weight, y_pred, "class_weight")
            weight = zero_ignored(ops.take(weight, labels.index), labels.valid)
        return weight, labels.valid
