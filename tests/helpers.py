"""Test helpers: gradients on the current backend, float64 references, comparisons.

The reference side never uses keras_losses: it is NumPy (gradients by central
finite differences in float64) or PyTorch in float64 (gradients by autograd).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import keras
import ml_dtypes
import numpy as np
import torch

BACKEND = keras.backend.backend()

#: Catalog tolerances: float32 against a float64 oracle, relative to the largest magnitude.
VALUE_RTOL = 2e-5
GRAD_RTOL = 5e-4

ALL_REDUCTIONS = (
    "sum_over_batch_size",
    "mean",
    "sum",
    "mean_with_sample_weight",
    "none",
    None,
    "sum_by_nonzero_weights",
    "weighted_mean",
)


def max_relative_error(actual, expected) -> float:
    """``max|actual - expected| / max|expected|`` (absolute when ``expected`` is all 0)."""
    actual = np.asarray(actual, dtype="float64")
    expected = np.asarray(expected, dtype="float64")
    assert actual.shape == expected.shape, f"shape {actual.shape} != expected {expected.shape}"
    scale = max(float(np.max(np.abs(expected), initial=0.0)), 1e-30)
    if not np.all(np.isfinite(expected)):
        raise AssertionError("the reference is not finite")
    return float(np.max(np.abs(actual - expected), initial=0.0)) / (scale if scale > 1e-12 else 1.0)


#: Largest error seen per (loss, "value" | "gradient"); tests/conftest.py writes it out on request.
MAX_ERRORS: dict[tuple[str, str], float] = {}


def assert_close(actual, expected, rtol: float, what: str = "value", record: str | None = None) -> float:
    error = max_relative_error(actual, expected)
    if record is not None:
        key = (record, what)
        MAX_ERRORS[key] = max(MAX_ERRORS.get(key, 0.0), error)
    assert error <= rtol, f"{what}: max relative error {error:.3g} > {rtol:g}\nactual={actual}\nexpected={expected}"
    return error


def to_numpy(x) -> np.ndarray:
    return np.asarray(keras.ops.convert_to_numpy(x))


def value_and_grads(fn: Callable, arrays: Sequence[np.ndarray], wrt: Sequence[int]):
    """Value of ``fn(*tensors)`` (a scalar) and its gradients w.r.t. ``arrays[i]`` for ``i`` in ``wrt``."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        tensors = [tf.convert_to_tensor(a) for a in arrays]
        with tf.GradientTape() as tape:
            for i in wrt:
                tape.watch(tensors[i])
            value = fn(*tensors)
        grads = tape.gradient(value, [tensors[i] for i in wrt])
        grads = [np.zeros_like(arrays[i]) if g is None else g.numpy() for i, g in zip(wrt, grads, strict=True)]
        return value.numpy(), grads
    if BACKEND == "jax":
        import jax

        def wrapped(differentiable, *rest):
            tensors = list(rest)
            for i, t in zip(wrt, differentiable, strict=True):
                tensors[i] = t
            return fn(*tensors)

        value, grads = jax.value_and_grad(wrapped)([arrays[i] for i in wrt], *arrays)
        return np.asarray(value), [np.asarray(g) for g in grads]
    if BACKEND == "torch":
        tensors = [
            torch.tensor(a.astype("float32")).to(torch.bfloat16).requires_grad_(i in wrt)
            if a.dtype == ml_dtypes.bfloat16
            else torch.tensor(a, requires_grad=i in wrt)
            for i, a in enumerate(arrays)
        ]
        value = fn(*tensors)
        value.backward()
        grads = [
            np.zeros_like(arrays[i])
            if tensors[i].grad is None
            else tensors[i].grad.float().numpy()
            if tensors[i].dtype == torch.bfloat16
            else tensors[i].grad.numpy()
            for i in wrt
        ]
        return value.detach().float().numpy(), grads
    raise NotImplementedError(BACKEND)


def backend_variables(array: np.ndarray) -> list:
    """``array`` held in each kind of variable a user may differentiate against on this backend."""
    variables = [keras.Variable(array)]
    if BACKEND == "tensorflow":
        import tensorflow as tf

        variables.append(tf.Variable(array))
    elif BACKEND == "torch":
        variables.append(torch.nn.Parameter(torch.tensor(array)))
    return variables


def value_and_grad_wrt_variable(fn: Callable, variable):
    """Value of ``fn(variable)`` (a scalar) and its gradient with respect to the variable, in a custom loop."""
    if BACKEND == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            value = fn(variable)
        target = variable.value if isinstance(variable, keras.Variable) else variable
        return value.numpy(), tape.gradient(value, target).numpy()
    if BACKEND == "jax":
        import jax

        value, grad = jax.value_and_grad(fn)(variable.value)
        return np.asarray(value), np.asarray(grad)
    tensor = variable.value if isinstance(variable, keras.Variable) else variable
    value = fn(tensor)
    value.backward()
    return value.detach().numpy(), tensor.grad.numpy()


def numeric_grad(fn: Callable[[np.ndarray], float], x: np.ndarray, step: float = 1e-6) -> np.ndarray:
    """Central finite differences of a float64 NumPy function (error ~1e-9 relative)."""
    x = np.array(x, dtype="float64")
    grad = np.zeros_like(x)
    flat, flat_grad = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        original = flat[i]
        h = step * max(1.0, abs(original))
        flat[i] = original + h
        up = fn(x)
        flat[i] = original - h
        down = fn(x)
        flat[i] = original
        flat_grad[i] = (up - down) / (2 * h)
    return grad


def reduce_reference(values, sample_weight, reduction, element_weight=None, valid=None):
    """Reductions written from Keras's, TF1's and PyTorch's definitions.

    Works on NumPy arrays and torch tensors alike (operators only).
    ``sample_weight`` is ``None`` or has the shape of ``values`` or of its
    leading axes. ``element_weight`` (class weights of the labels, already
    inside ``values``) counts in the PyTorch and TF1 denominators; ``valid``
    (labels not ignored) is a Keras mask: means are over the valid values.
    """
    as_values = (lambda x: torch.tensor(x)) if isinstance(values, torch.Tensor) else (lambda x: x)
    zeros = values.detach() * 0 if isinstance(values, torch.Tensor) else values * 0  # weights carry no gradient
    if sample_weight is None:
        weight = zeros + 1
    else:
        weight = sample_weight
        while len(weight.shape) < len(values.shape):
            weight = weight[..., None]
        weight = weight + zeros  # broadcast to the values' shape
    if valid is not None:
        weight = weight * as_values(valid.astype("float64"))
    weighted = values * weight
    if reduction in ("none", None):
        return weighted
    total = weighted.sum()
    count = int(np.prod(values.shape)) if valid is None else int(valid.sum())
    if reduction == "sum":
        return total
    if reduction in ("sum_over_batch_size", "mean"):
        return total / count if count else total * 0
    if reduction == "mean_with_sample_weight":
        if sample_weight is None and valid is None:
            return total / count
        given = sample_weight if valid is None else weight  # Keras: the weights as given, not broadcast
        return total / given.sum() if float(given.sum()) else total * 0
    if element_weight is not None:
        weight = weight * as_values(element_weight)
    if reduction == "weighted_mean":
        return total / weight.sum() if float(weight.sum()) else total * 0
    if reduction == "sum_by_nonzero_weights":
        nonzero = (weight != 0).sum()
        return total / nonzero if int(nonzero) else total * 0
    raise ValueError(reduction)


def scalarize(values, reduction, cotangent):
    """The scalar whose gradient is compared: the loss, or ``sum(loss * cotangent)`` when unreduced."""
    if reduction not in ("none", None):
        return values
    product = values * cotangent
    if isinstance(product, (np.ndarray, torch.Tensor)):  # references (and the torch backend)
        return product.sum()
    return keras.ops.sum(product)


def run_example(script: str, *args: str) -> str:
    """Run ``examples/<script>`` with ``args`` in this process (no second Keras import) and return its stdout.

    Its Keras state (random seed, clear session) is its own business: the global
    seed is restored afterwards, so later tests in this worker draw as before.
    """
    import contextlib
    import io
    import pathlib
    import runpy
    import sys

    path = pathlib.Path(__file__).parents[1] / "examples" / script
    argv, out = sys.argv, io.StringIO()
    sys.argv = [str(path), *args]
    try:
        with contextlib.redirect_stdout(out):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = argv
        keras.utils.set_random_seed(0)
    return out.getvalue()
