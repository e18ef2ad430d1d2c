"""Compiled equals eager for every registered loss and option set.

``jax.jit`` and ``tf.function(jit_compile=True)`` (XLA) compile the value and
its gradient; ``torch.compile`` (inductor, as Keras's ``jit_compile=True`` on
torch) the value. One compiled function per loss evaluates all its option sets,
which keeps torch's compile time (its tracer walks Keras's Python ops) within
the suite's budget. A loss that ``torch.compile(fullgraph=True)`` cannot capture
whole must be listed in :data:`TORCH_GRAPH_BREAKS` (and the README) with why.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest

import keras_losses as kl
from tests.cases import CASES, pooled
from tests.helpers import BACKEND, assert_close, to_numpy

ENTRIES = kl.entries()

#: Losses that torch.compile(fullgraph=True) cannot capture in one graph, and why. With the default
#: torch.compile (Keras's jit_compile=True on torch) the graph breaks there and the value is unchanged.
TORCH_GRAPH_BREAKS = {
    "BinaryCrossentropy": "from logits it calls Keras's ops.binary_crossentropy (PyTorch's fused kernel), whose "
    "torch backend asks torch.backends.mps.is_available(), which dynamo cannot put in a graph",
    "BinaryFocalCrossentropy": "the same fused cross-entropy op from logits",
    "CTC": "PyTorch's native ctc_loss kernel (aten._ctc_loss), whose output shape dynamo reads as data-dependent",
}
COMPILED_RTOL = 1e-6


def _arrays(entry):
    """Inputs and per-sample weights (one zero) for each option set of ``entry``."""
    case = CASES[entry.cls.__name__]
    arrays = []
    for i, options in enumerate(case.option_sets):
        y_true, y_pred = case.sample(np.random.default_rng(i), 5)
        weight = np.array([1.0, 0.0, 2.0, 0.5, 1.0], "float32")
        if options.get("axis", -1) != -1:  # reduces across samples: one weight per remaining value
            weight = np.array([1.0, 0.0, 2.0], "float32")
        if pooled(case, options):  # one value per batch: no per-sample values to weigh
            weight = None
        arrays.append((y_true.astype("float32"), y_pred.astype("float32"), weight))
    return arrays


def _losses(entry):
    """Each option set's loss, with the default reduction and with ``"none"``."""
    options = CASES[entry.cls.__name__].option_sets
    return [(entry.cls(**o), entry.cls(**o, reduction="none")) for o in options]


def _total(losses, y_trues, y_preds, weights):
    """One scalar per option set (so each gradient is its own loss's), plus the per-sample values summed."""
    values = [loss(t, p, sample_weight=w) for (loss, _), t, p, w in zip(losses, y_trues, y_preds, weights, strict=True)]
    per_sample = [keras.ops.sum(none(t, p)) for (_, none), t, p in zip(losses, y_trues, y_preds, strict=True)]
    return values, per_sample


def _eager_and_compiled(entry):
    losses = _losses(entry)
    y_trues, y_preds, weights = (list(x) for x in zip(*_arrays(entry), strict=True))
    if BACKEND == "jax":
        import jax

        def scalar(preds, trues, weights):
            values, per_sample = _total(losses, trues, preds, weights)
            return sum(values) + sum(per_sample), (values, per_sample)

        grad_fn = jax.value_and_grad(scalar, has_aux=True)
        (_, eager), eager_grads = grad_fn(y_preds, y_trues, weights)
        (_, compiled), compiled_grads = jax.jit(grad_fn)(y_preds, y_trues, weights)
        return (eager, eager_grads), (compiled, compiled_grads)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        def run(preds, trues, weights):
            with tf.GradientTape() as tape:
                tape.watch(preds)
                values, per_sample = _total(losses, trues, preds, weights)
                total = tf.add_n(values) + tf.add_n(per_sample)
            return (values, per_sample), tape.gradient(total, preds)

        tensors = [[None if a is None else tf.constant(a) for a in group] for group in (y_preds, y_trues, weights)]
        return run(*tensors), tf.function(run, jit_compile=True)(*tensors)
    import torch

    torch._dynamo.config.cache_size_limit = max(torch._dynamo.config.cache_size_limit, 64)
    tensors = [[None if a is None else torch.tensor(a) for a in group] for group in (y_trues, y_preds, weights)]

    def run(trues, preds, weights):
        return _total(losses, trues, preds, weights)

    eager = run(*tensors)
    torch._dynamo.reset()  # each loss from a clean cache: what an earlier test compiled must not decide
    try:
        compiled = torch.compile(run, fullgraph=True)(*tensors)
        whole = True
    except Exception:  # a graph break: compile as Keras does, letting dynamo split the graph
        torch._dynamo.reset()
        compiled = torch.compile(run)(*tensors)
        whole = False
    return (eager, None), (compiled, whole)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.cls.__name__ for e in ENTRIES])
def test_compiled_equals_eager(entry):
    (eager, eager_grads), (compiled, extra) = _eager_and_compiled(entry)
    for got, want in zip(keras.tree.flatten(compiled), keras.tree.flatten(eager), strict=True):
        assert_close(to_numpy(got), to_numpy(want), COMPILED_RTOL)
    if BACKEND == "torch":
        whole = extra
        assert whole == (entry.cls.__name__ not in TORCH_GRAPH_BREAKS), (
            f"torch.compile(fullgraph=True) {'captures' if whole else 'cannot capture'} {entry.cls.__name__} whole: "
            "update TORCH_GRAPH_BREAKS and the README"
        )
        return
    for got, want in zip(extra, eager_grads, strict=True):
        assert np.all(np.isfinite(to_numpy(got)))
        assert_close(to_numpy(got), to_numpy(want), COMPILED_RTOL, "gradient")
