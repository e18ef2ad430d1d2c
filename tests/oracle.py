"""The oracle harness: our loss against a float64 reference, values and gradients, any reduction."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import keras
import torch

from tests.helpers import GRAD_RTOL, VALUE_RTOL, assert_close, numeric_grad, scalarize, to_numpy, value_and_grads
from tests.helpers import reduce_reference as reduce_with


def real_inputs(rng, shape):
    return rng.normal(0, 2, shape), rng.normal(0, 2, shape)


@dataclasses.dataclass(frozen=True)
class Oracle:
    cls: type
    options: dict
    reference: Callable  # (y_true, y_pred) -> per-sample values
    inputs: Callable | None = None  # (rng, shape) -> (y_true, y_pred); real normals by default
    kind: str = "numpy"  # "numpy": finite-difference gradients; "torch": autograd
    #: ``y_true -> (element_weight, valid)`` for losses with class weights or ignored labels.
    effective: Callable | None = None

    @property
    def id(self):
        options = ",".join(f"{k}={v}" for k, v in self.options.items())
        return f"{self.cls.__name__}({options})"


WEIGHTINGS = ("none", "per_sample")


def oracle_params(oracles):
    """``(oracle, reduction, weighting)`` cases: where the oracle tests find bugs, not every product.

    The reductions themselves are shared code, checked against Keras's and the
    frameworks' definitions in ``test_core.py``. So the first oracle of each loss
    runs every reduction with and without sample weights; every other option
    set runs the per-sample values and gradients under sample weights
    (``"none"``), the unweighted mean, and, where the loss has class weights or
    ignored labels (its own part of the denominators), ``"weighted_mean"`` and
    ``"sum_by_nonzero_weights"``.
    """
    import pytest

    from tests.helpers import ALL_REDUCTIONS

    params, seen = [], set()
    for oracle in oracles:
        if oracle.cls not in seen:
            seen.add(oracle.cls)
            cases = [(r, w) for r in ALL_REDUCTIONS for w in WEIGHTINGS]
        else:
            cases = [("none", "per_sample"), ("sum_over_batch_size", "none")]
            if oracle.effective is not None:
                cases += [("weighted_mean", "per_sample"), ("sum_by_nonzero_weights", "per_sample")]
        params += [pytest.param(oracle, r, w, id=f"{oracle.id}-{oracle.kind}-{r}-{w}") for r, w in cases]
    return params


def make_inputs(oracle, rng, shape):
    y_true, y_pred = (oracle.inputs or real_inputs)(rng, shape)
    parts = list(y_pred) if isinstance(y_pred, tuple) else [y_pred]
    return y_true, parts


def reference_value_and_grads(oracle, y_true, parts, weight, reduction, cotangent):
    """float64 value and gradients w.r.t. the prediction parts."""
    element_weight, valid = oracle.effective(y_true) if oracle.effective else (None, None)

    def reduce_reference(values, weight, reduction):
        return reduce_with(values, weight, reduction, element_weight=element_weight, valid=valid)

    if oracle.kind == "torch":
        t = torch.tensor(y_true, dtype=torch.float64)
        ps = [torch.tensor(p, dtype=torch.float64, requires_grad=True) for p in parts]
        w = None if weight is None else torch.tensor(weight, dtype=torch.float64)
        pred = tuple(ps) if len(ps) > 1 else ps[0]
        values = reduce_reference(oracle.reference(t, pred), w, reduction)
        scalarize(values, reduction, None if cotangent is None else torch.tensor(cotangent)).backward()
        return values.detach().numpy(), [p.grad.numpy() for p in ps]

    def scalar(*ps):
        pred = tuple(ps) if len(ps) > 1 else ps[0]
        return scalarize(reduce_reference(oracle.reference(y_true, pred), weight, reduction), reduction, cotangent)

    pred = tuple(parts) if len(parts) > 1 else parts[0]
    values = reduce_reference(oracle.reference(y_true, pred), weight, reduction)
    grads = []
    for i in range(len(parts)):

        def along(x, i=i):
            args = list(parts)
            args[i] = x
            return scalar(*args)

        grads.append(numeric_grad(along, parts[i]))
    return values, grads


def our_value_and_grads(loss, y_true, parts, weight, reduction, cotangent):
    arrays = [y_true.astype("float32"), *[p.astype("float32") for p in parts]]
    if weight is not None:
        arrays.append(weight.astype("float32"))
    cot = keras.ops.convert_to_tensor(cotangent.astype("float32"))

    def scalar(t, *rest):
        preds = rest[: len(parts)]
        sample_weight = rest[len(parts)] if weight is not None else None
        pred = tuple(preds) if len(preds) > 1 else preds[0]
        return scalarize(loss(t, pred, sample_weight=sample_weight), reduction, cot)

    _, grads = value_and_grads(scalar, arrays, wrt=list(range(1, 1 + len(parts))))
    pred = tuple(arrays[1 : 1 + len(parts)]) if len(parts) > 1 else arrays[1]
    values = loss(arrays[0], pred, sample_weight=arrays[-1] if weight is not None else None)
    return to_numpy(values), grads


def assert_same_as_keras(ours, theirs, t, p, weight, cotangent):
    """Our loss and a Keras built-in agree on this backend: values and gradients, float32 both."""
    results = []
    for loss in (ours, theirs):

        def scalar(t, p, w, loss=loss):
            return scalarize(loss(t, p, sample_weight=w), loss.reduction, cotangent)

        _, (grad,) = value_and_grads(scalar, [t, p, weight], wrt=[1])
        results.append((to_numpy(loss(t, p, sample_weight=weight)), grad))
    assert_close(results[0][0], results[1][0], VALUE_RTOL)
    assert_close(results[0][1], results[1][1], GRAD_RTOL, "gradient")


def check_oracle(oracle, rng, reduction, weighting, shape=(6, 5), out_shape=(6,)):
    """The core oracle check: every reduction, unweighted or per-sample weights with a zero."""
    y_true, parts = make_inputs(oracle, rng, shape)
    weight = None
    if weighting == "per_sample":
        weight = rng.uniform(0.2, 2.0, (shape[0],) + (1,) * (len(out_shape) - 1))
        weight[1] = 0.0
    loss = oracle.cls(**oracle.options, reduction=reduction)
    cotangent = rng.normal(size=out_shape)
    expected, expected_grads = reference_value_and_grads(oracle, y_true, parts, weight, reduction, cotangent)
    actual, actual_grads = our_value_and_grads(loss, y_true, parts, weight, reduction, cotangent)
    assert_close(actual, expected, VALUE_RTOL, record=oracle.cls.__name__)
    for got, want in zip(actual_grads, expected_grads, strict=True):
        assert_close(got, want, GRAD_RTOL, "gradient", record=oracle.cls.__name__)
