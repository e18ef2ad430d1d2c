"""Property-based fuzzing of every registered loss (``hypothesis``), generated from its conformance case.

Each example draws a batch size (0, 1, 2 or 5), a rank the loss allows, the
size of the class/output axis, a value for every option at the edges of what
its validation allows (``Check.edges``; a case may add values), an axis where
the loss has one, sample weights with zeros, and normal or extreme inputs
(±1e4 logits, probabilities exactly 0 and 1, huge and tiny targets). Properties:

- value and gradient are finite unless some sample's loss, computed in float64,
  is beyond float32's range; then the value may be inf, never NaN;
- permuting the batch leaves the mean unchanged;
- ``reduction="none"`` summed is ``"sum"``;
- scaling every sample weight by 4 scales ``"sum"`` by 4 and leaves ``"weighted_mean"`` unchanged;
- compiled equals eager, on one example in :data:`COMPILE_EVERY` (``jax.jit``,
  ``tf.function(jit_compile=True)``; on torch dynamo's capture,
  ``torch.compile(backend="aot_eager")``: inductor's numerics are checked per
  option set in ``test_compiled.py``, at a cost per compile that a fuzz budget
  cannot pay).

The budget is fixed: :data:`MAX_EXAMPLES` per loss and backend, derandomized,
so CI runs the same examples every time.
"""

from __future__ import annotations

import inspect

import keras
import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import keras_losses as kl
from tests.cases import CASES, per_sample
from tests.helpers import BACKEND, assert_close, to_numpy, value_and_grads

MAX_EXAMPLES = 5
#: Compile one example in this many (the second: the first is hypothesis's simplest, often empty): a
#: compilation costs 0.5-3 s, the other checks milliseconds; test_compiled.py compiles every option set.
COMPILE_EVERY = MAX_EXAMPLES
ENTRIES = kl.entries()
FLOAT32_MAX = float(np.finfo(np.float32).max)
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)


def option_space(entry, d):
    """``{option: [values]}``: the validation edges of each option (and the case's additions)."""
    case = CASES[entry.cls.__name__]
    checks = getattr(entry.function, "checks", {})
    space = {}
    for name in inspect.signature(entry.cls.__init__).parameters:
        if name in ("self", "reduction", "name", "dtype") or name in case.fuzz_fixed:
            continue
        values = list(case.fuzz_options.get(name, []))
        if name in checks and name != "axis":
            values += checks[name].edges(d)
        assert values or name == "axis", f"{entry.cls.__name__}: no fuzz values for option `{name}`"
        space[name] = values
    return space


@st.composite
def examples(draw, entry):
    case = CASES[entry.cls.__name__]
    rank = draw(st.sampled_from(case.ranks))
    batch = draw(st.sampled_from([0, 1, 2, 5]))
    d = draw(st.sampled_from([2, 3] if case.targets == "index_rows" else [1, 3]))
    lead = () if rank == 1 else (batch, *draw(st.lists(st.sampled_from([1, 2]), min_size=rank - 2, max_size=rank - 2)))
    parameters = inspect.signature(entry.cls.__init__).parameters
    options = {name: value for name, value in case.fuzz_fixed.items() if name in parameters}
    for name, values in option_space(entry, d).items():
        if name == "axis":  # any axis but the batch's: classes or outputs are moved there
            options[name] = draw(st.sampled_from([-1] if rank == 1 else [-1, *range(1, rank)]))
        else:
            options[name] = draw(st.sampled_from(values))
    if options.get("ignore_class") is not None and options.get("ignore_index") is not None:
        options["ignore_index"] = options["ignore_class"]  # one option under two names
    seed = draw(st.integers(0, 2**31 - 1))
    extreme = draw(st.booleans())
    weighted = draw(st.booleans()) and not case.one_per_batch  # one value per batch refuses weights
    rng = np.random.default_rng(seed)
    if extreme:
        y_true, y_pred = case.extreme_inputs(rng, lead, d, options)
    else:
        y_true, y_pred = case.inputs(rng, lead, d)
    axis = options.get("axis", -1)
    # pos_weight is per output of the last axis (PyTorch's broadcast), whatever axis the mean is over:
    # a list sized for outputs moved elsewhere is a wrong input (a ValueError), not a fuzz case.
    assume(axis in (-1, None) or not isinstance(options.get("pos_weight"), (list, tuple)))
    if axis not in (-1, None):  # the class (or output) axis where the option puts it
        y_pred = np.moveaxis(y_pred, -1, axis)
        if case.targets == "dense":
            y_true = np.moveaxis(y_true, -1, axis)
    weight = None
    if weighted:
        options.update(case.per_sample)  # weights need one value per sample
        shape = (batch,) if rank > 1 else ()
        weight = rng.choice(np.array([0.0, 0.5, 1.0, 2.0], "float32"), shape)
    return options, y_true.astype("float32"), y_pred.astype("float32"), weight


def _value(entry, options, reduction, y_true, y_pred, weight, dtype=None):
    loss = entry.cls(**options, reduction=reduction, dtype=dtype)
    return to_numpy(loss(y_true, y_pred, sample_weight=weight))


def _float64_values(entry, options, y_true, y_pred):
    """The per-sample values in float64 on this backend (JAX with x64 enabled for the call)."""
    arrays = [y_true.astype("float64"), y_pred.astype("float64"), None]
    if BACKEND == "jax":
        import jax

        with jax.enable_x64(True):
            return _value(entry, options, "none", *arrays, dtype="float64")
    return _value(entry, options, "none", *arrays, dtype="float64")


def _compiled_value_and_grad(entry, options, y_true, y_pred, weight):
    loss = entry.cls(**options)
    args = [y_true, y_pred] + ([] if weight is None else [weight])

    def scalar(t, p, *w):
        return keras.ops.sum(loss(t, p, sample_weight=w[0] if w else None))

    if BACKEND == "jax":
        import jax

        value, grad = jax.jit(jax.value_and_grad(scalar, argnums=1))(*args)
        return np.asarray(value), np.asarray(grad)
    if BACKEND == "tensorflow":
        import tensorflow as tf

        @tf.function(jit_compile=True)
        def run(t, p, *w):
            with tf.GradientTape() as tape:
                tape.watch(p)
                value = scalar(t, p, *w)
            return value, tape.gradient(value, p)

        value, grad = run(*[tf.constant(a) for a in args])
        return value.numpy(), grad.numpy()
    import torch

    torch._dynamo.reset()
    tensors = [torch.tensor(a) for a in args]
    tensors[1].requires_grad_(True)
    value = torch.compile(scalar, backend="aot_eager", fullgraph=entry.cls.__name__ not in _TORCH_BREAKS)(*tensors)
    value.backward()
    return value.detach().numpy(), tensors[1].grad.numpy()


def _torch_breaks():
    from tests.test_compiled import TORCH_GRAPH_BREAKS

    return set(TORCH_GRAPH_BREAKS)


_TORCH_BREAKS = _torch_breaks()


def _overflows(entry, options, value, grad, y_true, y_pred, weight) -> bool:
    """Check finiteness; return whether some sample's true (float64) loss is beyond float32's range.

    Without such a sample, value and gradient must be finite. With one, the value
    may be inf but never NaN; its gradient may be inf, and NaN where a weight of 0
    meets it (0 * inf, inside the loss's own derivative).
    """
    what = f"{entry.cls.__name__}({options}) on y_true={y_true.tolist()}, y_pred={y_pred.tolist()}, weight={weight}"
    assert not np.any(np.isnan(value)), f"NaN value: {what}"
    if np.all(np.isfinite(value)) and np.all(np.isfinite(grad)):
        return False
    exact = _float64_values(entry, options, y_true, y_pred)
    assert np.any(~(np.abs(exact) <= FLOAT32_MAX)), f"inf or NaN where every float64 value is finite: {what}"
    return True


def check_properties(entry, example, compile_too=True):
    options, y_true, y_pred, weight = example
    rtol = 1e-5
    sum_ = _value(entry, options, "sum", y_true, y_pred, weight)
    none = _value(entry, options, "none", y_true, y_pred, weight)
    # Finite value and gradient (of the default reduction).
    loss = entry.cls(**options)
    arrays = [y_true, y_pred] + ([] if weight is None else [weight])
    value, (grad,) = value_and_grads(lambda t, p, *w: keras.ops.sum(loss(t, p, *w)), arrays, wrt=[1])
    if _overflows(entry, options, value, grad, y_true, y_pred, weight):
        return  # the identities below hold for finite numbers
    # "none" summed is "sum".
    assert_close(np.sum(none), sum_, rtol, "none summed vs sum")
    # Scaling the weights by 4 scales "sum" by 4 and leaves "weighted_mean" unchanged.
    one_per_batch = CASES[entry.cls.__name__].one_per_batch
    if one_per_batch:  # one value per batch, weights refused: every reduction is that value
        for reduction in ("sum_over_batch_size", "weighted_mean", "none"):
            assert_close(_value(entry, options, reduction, y_true, y_pred, None), sum_, rtol, reduction)
    base = np.ones(y_pred.shape[:1] if y_pred.ndim > 1 else (), "float32") if weight is None else weight
    weighed = per_sample(entry, options)
    for reduction, factor in () if one_per_batch else (("sum", 4.0), ("weighted_mean", 1.0)):
        plain = _value(entry, weighed, reduction, y_true, y_pred, base)
        scaled = _value(entry, weighed, reduction, y_true, y_pred, base * 4)
        assert_close(scaled, factor * plain, rtol, f"weights x4, {reduction}")
    # Permuting the batch leaves the mean unchanged.
    if y_pred.ndim > 1 and y_pred.shape[0] > 1:
        order = np.random.default_rng(0).permutation(y_pred.shape[0])
        permuted_weight = None if weight is None else weight[order]
        mean = _value(entry, options, "sum_over_batch_size", y_true, y_pred, weight)
        permuted = _value(entry, options, "sum_over_batch_size", y_true[order], y_pred[order], permuted_weight)
        assert_close(permuted, mean, rtol, "permuted batch")
    # Compiled equals eager (gradients near 0 are rounding noise: judged against a scale of at least 1e-2).
    if compile_too:
        compiled_value, compiled_grad = _compiled_value_and_grad(entry, options, y_true, y_pred, weight)
        assert_close(compiled_value, value, rtol, "compiled value")
        scale = max(float(np.max(np.abs(grad), initial=0.0)), 1e-2)
        assert float(np.max(np.abs(compiled_grad - grad), initial=0.0)) <= 1e-4 * scale, "compiled gradient"


@pytest.mark.parametrize("entry", ENTRIES, ids=[e.cls.__name__ for e in ENTRIES])
def test_fuzz(entry):
    count = iter(range(10**9))

    @FUZZ
    @given(example=examples(entry))
    def run(example):
        check_properties(entry, example, compile_too=next(count) % COMPILE_EVERY == 1)

    run()


def test_every_option_of_every_loss_is_fuzzed():
    for entry in ENTRIES:
        for d in (1, 3):
            option_space(entry, d)  # raises for an option with neither validation edges nor case values
