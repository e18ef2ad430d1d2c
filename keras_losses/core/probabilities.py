"""From-logits handling: log-probabilities from logits or from probabilities.

Every loss with a ``from_logits`` option goes through these helpers, so all
of them treat probabilities the same way on every backend:

- Logits are used exactly (``log_softmax``, ``log_sigmoid``); nothing is clipped.
- Probabilities are clipped to ``[epsilon, 1 - epsilon]`` (``keras.config.epsilon()``)
  before the log, as Keras does on JAX and PyTorch. Keras's TensorFlow backend
  instead recovers the logits from a ``sigmoid``/``softmax`` output, so the
  same probabilities give other numbers there; we never do, so saturated
  probabilities (exactly 0 or 1) give one number, with finite gradients, on
  every backend.
"""

from __future__ import annotations

from typing import Any

import keras
from keras import ops


def epsilon() -> float:
    return keras.config.epsilon()


def clip_probabilities(probabilities: Any) -> Any:
    """``probabilities`` clipped to ``[epsilon, 1 - epsilon]`` (Keras's rule)."""
    eps = epsilon()
    return ops.clip(probabilities, eps, 1.0 - eps)


def log_probabilities(y_pred: Any, *, from_logits: bool, axis: int = -1) -> Any:
    """Log-probabilities over ``axis`` from logits or from (unnormalised) probabilities.

    Probabilities are first divided by their sum over ``axis``, as in Keras.
    """
    if from_logits:
        return ops.log_softmax(y_pred, axis=axis)
    return ops.log(clip_probabilities(y_pred / ops.sum(y_pred, axis=axis, keepdims=True)))


def binary_log_probabilities(y_pred: Any, *, from_logits: bool) -> tuple[Any, Any]:
    """``(log p, log(1 - p))`` of a sigmoid output, from logits or probabilities.

    From logits, ``log(sigmoid(x)) = -softplus(-x)`` and
    ``log(1 - sigmoid(x)) = -softplus(x)``: exact, where ``log(1 - sigmoid(x))``
    would round to ``log(0)`` for ``x`` above ~17.
    """
    if from_logits:
        return -ops.softplus(-y_pred), -ops.softplus(y_pred)
    p = clip_probabilities(y_pred)
    return ops.log(p), ops.log(1.0 - p)


def binary_probabilities(y_pred: Any, *, from_logits: bool) -> tuple[Any, Any]:
    """``(p, 1 - p)`` of a sigmoid output; from logits, ``1 - sigmoid(x) = sigmoid(-x)`` without cancellation."""
    if from_logits:
        return ops.sigmoid(y_pred), ops.sigmoid(-y_pred)
    return y_pred, 1.0 - y_pred
