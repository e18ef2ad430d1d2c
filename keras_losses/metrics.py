"""Metrics for ``compile(metrics=[...])``: what a sequence model's user watches during ``fit``."""

from __future__ import annotations

from typing import Any

import keras
from keras import ops

from keras_losses.core.validation import boolean, integer, one_of
from keras_losses.sequence import collapse_repeats, edit_distance

__all__ = ["EditDistance"]

_DECODERS = (None, "argmax", "ctc_greedy")


@keras.saving.register_keras_serializable(package="keras_losses.metrics")  # the loss is keras_losses>EditDistance
class EditDistance(keras.metrics.Metric):
    """Mean edit distance (the character or word error rate) over every sample seen.

    The result is ``Σ w_n d_n / Σ w_n`` over all the batches since the last
    reset (a mean over samples, not a mean of batch means), where ``d_n`` is
    :func:`keras_losses.edit_distance` (normalised by the truth's length: the
    character error rate, with ``normalize=True``).

    Args:
        normalize: divide each distance by the length of the truth.
        decode: how to read ``y_pred``: ``None``, padded token sequences ``(N, S2)``;
            ``"argmax"``, the argmax of each step of ``(N, T, C)`` scores;
            ``"ctc_greedy"``, CTC's best path (argmax per step, repeats merged, then
            blanks dropped).
        blank: the blank class of ``"ctc_greedy"``.
        name, dtype: as for every Keras metric.

    Examples:
        >>> import numpy as np
        >>> from keras_losses.metrics import EditDistance
        >>> metric = EditDistance(decode="ctc_greedy")
        >>> scores = np.eye(3, dtype="float32")[[[1, 1, 0, 2], [2, 0, 0, 0]]]  # "1 1 _ 2" and "2 _ _ _"
        >>> metric.update_state([[1, 2], [1, 2]], scores)
        >>> float(metric.result())  # (0 + 1/2) / 2
        0.25
    """

    def __init__(
        self,
        normalize: bool = True,
        decode: str | None = None,
        blank: int = 0,
        name: str = "edit_distance",
        dtype: Any = None,
    ) -> None:
        boolean("normalize", normalize)
        one_of(*_DECODERS)("decode", decode)
        integer("blank", blank)
        super().__init__(name=name, dtype=dtype)
        self.normalize = normalize
        self.decode = decode
        self.blank = blank
        self.total = self.add_variable(shape=(), initializer="zeros", name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", name="count")

    def _hypotheses(self, y_pred: Any) -> Any:
        if self.decode is None:
            return y_pred
        best = ops.argmax(y_pred, axis=-1)
        if self.decode == "argmax":
            return best
        return collapse_repeats(best, blank=self.blank % y_pred.shape[-1])

    def update_state(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> None:
        y_pred = ops.convert_to_tensor(y_pred)
        hypotheses = self._hypotheses(y_pred)  # decoded: integer tokens, compared exactly
        distance = ops.stop_gradient(edit_distance.unchecked(y_true, hypotheses, normalize=self.normalize))
        weight = ops.ones_like(distance) if sample_weight is None else ops.reshape(sample_weight, (-1,))
        weight = ops.cast(weight, distance.dtype)
        self.total.assign_add(ops.cast(ops.sum(distance * weight), self.dtype))
        self.count.assign_add(ops.cast(ops.sum(weight), self.dtype))

    def result(self) -> Any:
        return ops.divide_no_nan(self.total, self.count)

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "normalize": self.normalize, "decode": self.decode, "blank": self.blank}
