"""From-logits handling: log-probabilities from logits or from probabilities.

The losses with a ``from_logits`` option build on these helpers (and on Keras's
fused cross-entropy ops from logits), so all of them treat probabilities the
same way on every backend:

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


def normalized_probabilities(y_pred: Any, axis: int = -1) -> Any:
    """Probabilities divided by their sum over ``axis``, then clipped, as in Keras."""
    return clip_probabilities(y_pred / ops.sum(y_pred, axis=axis, keepdims=True))


def log_probabilities(y_pred: Any, *, from_logits: bool, axis: int = -1) -> Any:
    """Log-probabilities over ``axis`` from logits or from (unnormalised) probabilities."""
    if from_logits:
        return ops.log_softmax(y_pred, axis=axis)
    return ops.log(normalized_probabilities(y_pred, axis))


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


def binary_probabilities(y_pred: Any) -> tuple[Any, Any]:
    """``(p, 1 - p)`` of probabilities as given (from logits, see :func:`binary_logit_terms`)."""
    return y_pred, 1.0 - y_pred


def binary_logit_terms(y_true: Any, logits: Any) -> tuple[Any, Any, Any]:
    """``(bce, p, 1 - p)`` of sigmoid logits: the cross-entropy and both probabilities, all exact.

    In each backend's fastest form (``benchmarks/RESULTS.md``). Under XLA one
    ``e = exp(-|x|)`` gives all three: ``bce = max(x, 0) - y x + log1p(e)``, and
    ``p``, ``1 - p`` are ``1 / (1 + e)`` and ``e / (1 + e)`` in the order the sign
    of ``x`` says, so neither is ``1 -`` the other. One select on the sign serves
    every term, so that at ``x = 0`` all take the same side and the gradient is
    the true one (separate ``relu`` and ``abs`` would take different
    subgradients there). In torch eager the fused
    ``binary_cross_entropy_with_logits`` kernel and two ``sigmoid`` calls are
    fewer kernels.
    """
    if keras.backend.backend() == "torch":
        bce = ops.binary_crossentropy(y_true, logits, from_logits=True)
        return bce, ops.sigmoid(logits), ops.sigmoid(-logits)
    positive = logits >= 0
    e = ops.exp(ops.where(positive, -logits, logits))
    inverse = 1.0 / (1.0 + e)
    small = e * inverse  # the probability of the side the logit points away from
    bce = ops.where(positive, logits, ops.zeros_like(logits)) - y_true * logits + ops.log1p(e)
    return bce, ops.where(positive, inverse, small), ops.where(positive, small, inverse)
