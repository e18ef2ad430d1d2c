"""The core: reductions against Keras's own, the registry, `get`, validation, the Keras hooks."""

from __future__ import annotations

import ast
import pathlib

import keras
import numpy as np
import pytest
from keras.src.backend import set_keras_mask
from keras.src.losses.loss import reduce_weighted_values, squeeze_or_expand_to_same_rank

import keras_losses as kl
from keras_losses.core import registry
from keras_losses.core._keras_internals import keras_loss_table
from keras_losses.core.numerics import masked_logsumexp
from keras_losses.core.reduction import KERAS_REDUCTIONS, reduce_loss
from keras_losses.core.validation import same_shape
from tests.helpers import BACKEND, assert_close, reduce_reference, to_numpy, value_and_grads

PACKAGE = pathlib.Path(kl.__file__).parent

# --- reductions ------------------------------------------------------------------------------------


@pytest.mark.parametrize("reduction", KERAS_REDUCTIONS, ids=str)
@pytest.mark.parametrize("weighting", ["none", "per_sample", "per_step", "trailing_one"])
@pytest.mark.parametrize("masked", [False, True])
def test_keras_reductions_equal_keras(reduction, weighting, masked, rng):
    values = rng.uniform(0, 3, (4, 5)).astype("float32")
    weight = {
        "none": None,
        "per_sample": rng.uniform(0, 2, (4, 1)),
        "per_step": rng.uniform(0, 2, (4, 5)),
        "trailing_one": rng.uniform(0, 2, (4, 5, 1)),
    }[weighting]
    weight = None if weight is None else weight.astype("float32")
    mask = (rng.uniform(size=(4, 5)) > 0.3) if masked else None
    args = [keras.ops.convert_to_tensor(x) if x is not None else None for x in (values, weight, mask)]
    ours = reduce_loss(*args, reduction=reduction)
    if masked and weighting == "per_sample":
        # Keras's torch backend multiplies the mask into a (4, 1) weight in place and fails;
        # the same weight broadcast to (4, 5) first gives Keras's result on every backend.
        args[1] = keras.ops.convert_to_tensor(np.broadcast_to(weight, (4, 5)).copy())
    theirs = reduce_weighted_values(*args, reduction=reduction, dtype="float32")
    assert_close(to_numpy(ours), to_numpy(theirs), 1e-6)


@pytest.mark.parametrize("reduction", ["weighted_mean", "sum_by_nonzero_weights"])
def test_framework_reductions_with_mask_and_weights(reduction, rng):
    values = rng.uniform(0, 3, (4, 5))
    weight = rng.uniform(0, 2, (4, 1))
    weight[2] = 0.0
    mask = rng.uniform(size=(4, 5)) > 0.3
    ours = reduce_loss(
        *(
            keras.ops.convert_to_tensor(x.astype(t))
            for x, t in ((values, "float32"), (weight, "float32"), (mask, "bool"))
        ),
        reduction=reduction,
    )
    expected = reduce_reference(values, weight * mask, reduction)
    assert_close(to_numpy(ours), expected, 1e-6)


def test_weighted_mean_is_torch_mean_with_weights(rng):
    """PyTorch: sum(w_i * l_i) / sum(w_i), not divided by the batch size."""
    values, weight = rng.uniform(0, 3, 6).astype("float32"), rng.uniform(0, 2, 6).astype("float32")
    got = reduce_loss(
        keras.ops.convert_to_tensor(values), keras.ops.convert_to_tensor(weight), reduction="weighted_mean"
    )
    assert_close(to_numpy(got), (values * weight).sum() / weight.sum(), 1e-6)


def test_keras_mask_on_predictions_is_honoured(rng):
    """A Keras mask on y_pred (e.g. from a Masking layer) weighs the loss as Keras's own losses do."""
    y_true, y_pred = rng.normal(size=(3, 4, 2)).astype("float32"), rng.normal(size=(3, 4, 2)).astype("float32")
    mask = keras.ops.convert_to_tensor(rng.uniform(size=(3, 4)) > 0.4)
    for reduction in KERAS_REDUCTIONS:
        results = []
        for loss in (kl.MeanSquaredError(reduction=reduction), keras.losses.MeanSquaredError(reduction=reduction)):
            masked_pred = keras.ops.convert_to_tensor(y_pred)
            set_keras_mask(masked_pred, mask)
            results.append(to_numpy(loss(y_true, masked_pred)))
        assert_close(results[0], results[1], 1e-6)


def test_masked_logsumexp_is_float64_logsumexp_over_the_mask(rng):
    """Rows with entries: log Σ exp over them (at a scale that overflows exp); empty rows: 0, zero gradient."""
    x = (rng.normal(size=(4, 6)) * 50).astype("float32")
    mask = rng.uniform(size=(4, 6)) > 0.4
    mask[2] = False
    mask[3] = [True] + [False] * 5

    def total(x, mask):
        value, has = masked_logsumexp(x, mask, axis=1)
        return keras.ops.sum(value * keras.ops.convert_to_tensor([1.0, 2.0, 3.0, 4.0]))

    value, (grad,) = value_and_grads(total, [x, mask], wrt=[0])
    x64 = x.astype("float64")
    pairs = list(zip(x64, mask, strict=True))
    rows = [np.log(np.sum(np.exp(r[m] - r[m].max()))) + r[m].max() if m.any() else 0.0 for r, m in pairs]
    expected_grad = np.zeros_like(x64)
    for i, (r, m) in enumerate(pairs):
        if m.any():
            expected_grad[i, m] = (i + 1) * np.exp(r[m] - rows[i])
    assert_close(value, np.dot(rows, [1, 2, 3, 4]), 1e-6)
    assert_close(grad, expected_grad, 1e-5)
    _, has = masked_logsumexp(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(mask), axis=1)
    np.testing.assert_array_equal(to_numpy(has), mask.any(1))
    x[0, np.argmax(mask[0])] = np.nan  # a NaN inside the mask is not hidden as an empty row
    value, has = masked_logsumexp(keras.ops.convert_to_tensor(x), keras.ops.convert_to_tensor(mask), axis=1)
    assert np.isnan(to_numpy(value)[0]) and to_numpy(has)[0]


def test_jax_is_compiling_tells_jit_from_eager_and_eager_gradients():
    """CTC picks its formulation by it: jit (with or without a gradient) is compiling; eager calls are not."""
    from keras_losses.core._keras_internals import jax_is_compiling

    x = keras.ops.ones((3,))
    assert not jax_is_compiling(x)
    if BACKEND != "jax":
        return
    import jax

    seen = []

    def record(x):
        seen.append(jax_is_compiling(x))
        return keras.ops.sum(x * x)

    record(x)
    jax.grad(record)(x)
    jax.jit(record)(x)
    jax.jit(jax.value_and_grad(record))(x)
    assert seen == [False, False, True, True]


def test_unknown_reduction_is_a_clear_error():
    with pytest.raises(ValueError, match=r"`reduction`: 'avg'.*'weighted_mean'"):
        kl.Huber(reduction="avg")


# --- dtype ----------------------------------------------------------------------------------------


def test_dtype_is_kept_in_config_and_used():
    loss = kl.Huber(dtype="float64")
    assert loss.get_config()["dtype"] == "float64"
    if BACKEND != "jax":  # JAX computes float64 only with jax_enable_x64
        value = loss(np.zeros((2, 3)), np.ones((2, 3)))
        assert keras.backend.standardize_dtype(value.dtype) == "float64"
    assert kl.Huber.from_config(loss.get_config()).dtype == "float64"
    assert kl.Huber().get_config()["dtype"] == keras.config.floatx()


# --- registry and get -----------------------------------------------------------------------------


def test_get_resolves_keras_owned_names_to_ours():
    for name in ("mse", "huber", "MeanSquaredError", "poisson", "log_cosh"):
        assert isinstance(kl.get(name), kl.Loss), name


def test_get_takes_configs_instances_and_callables():
    loss = kl.get("pinball", tau=0.9, reduction="sum")
    assert isinstance(loss, kl.Pinball) and loss.options == {"tau": 0.9} and loss.reduction == "sum"
    assert kl.get(loss) is loss
    assert kl.get(loss, tau=0.1).options == {"tau": 0.1}
    serialized = keras.saving.serialize_keras_object(loss)
    assert kl.get(serialized).get_config() == loss.get_config()
    assert kl.get(serialized, tau=0.2).options == {"tau": 0.2}
    assert isinstance(kl.get({"class_name": "SmoothL1", "config": {"beta": 0.5}}), kl.SmoothL1)
    keras_huber = keras.saving.serialize_keras_object(keras.losses.Huber())
    assert type(kl.get(keras_huber)) is keras.losses.Huber  # Keras's config stays Keras's
    assert kl.get(kl.huber) is kl.huber


def test_get_unknown_name_lists_the_known_ones():
    with pytest.raises(ValueError, match=r"Unknown loss 'smoth_l1'.*smooth_l1"):
        kl.get("smoth_l1")
    with pytest.raises(ValueError, match="class_name"):
        kl.get({"config": {}})


def test_register_refuses_a_taken_name():
    class Copy(kl.Loss):
        function = kl.huber

    with pytest.raises(ValueError, match="'huber' of Copy is already taken by Huber"):
        kl.register_loss("another_alias")(Copy)
    assert "another_alias" not in kl.names()


def test_names_are_unique_and_complete():
    names = [name for entry in kl.entries() for name in entry.names]
    assert len(names) == len(set(names)) == len(kl.names())


# --- the two Keras hooks (fail loudly if a future Keras changes them) ------------------------------


def test_keras_string_table_is_where_keras_losses_get_looks():
    table = keras_loss_table()
    assert table, "keras.src.losses.ALL_OBJECTS_DICT is gone: update keras_losses.core._keras_internals"
    assert table is keras.src.losses.ALL_OBJECTS_DICT
    assert type(keras.losses.get("smooth_l1")) is kl.SmoothL1
    assert type(keras.losses.get("SmoothL1")) is kl.SmoothL1


def test_keras_scales_losses_for_replicas_where_we_look():
    from keras_losses.core._keras_internals import _keras_scale_loss

    assert _keras_scale_loss() is keras.src.losses.loss.scale_loss_for_distribution


def test_no_keras_string_is_shadowed():
    for name in ("mse", "mae", "mape", "msle", "huber", "poisson", "log_cosh", "MeanSquaredError", "Huber"):
        assert name in registry.KERAS_OWNED_NAMES
        assert not isinstance(keras.losses.get(name), kl.Loss), name
    for name in registry.KERAS_OWNED_NAMES:
        obj = keras_loss_table()[name]
        assert getattr(obj, "__module__", "").startswith("keras."), name


def test_compile_with_a_string_uses_our_loss(rng):
    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2)])
    model.compile(optimizer="sgd", loss="pinball")
    x, y = rng.normal(size=(8, 3)).astype("float32"), rng.normal(size=(8, 2)).astype("float32")
    model.fit(x, y, epochs=1, verbose=0)
    expected = to_numpy(kl.Pinball()(y, model.predict(x, verbose=0)))
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), expected, rtol=1e-5)


# --- validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "true_shape,pred_shape,expected",
    [((4, 1), (4,), (4, 1)), ((4,), (4, 1), (4, 1)), ((4, 2, 1), (4, 2), (4, 2)), ((4, 2), (4, 2, 1), (4, 2))],
)
def test_ranks_follow_keras_rule(true_shape, pred_shape, expected):
    """Keras's squeeze_or_expand_to_same_rank: (N,) against (N, 1) keeps one value per sample."""
    y_true, y_pred = same_shape(np.zeros(true_shape), np.zeros(pred_shape))
    assert tuple(y_true.shape) == tuple(y_pred.shape) == expected
    keras_true, keras_pred = squeeze_or_expand_to_same_rank(
        keras.ops.convert_to_tensor(np.zeros(true_shape)), keras.ops.convert_to_tensor(np.zeros(pred_shape))
    )
    assert tuple(keras_true.shape) == tuple(keras_pred.shape) == expected


@pytest.mark.parametrize("true_shape,pred_shape", [((4, 3), (4, 1)), ((4,), (3,)), ((2, 3, 4), (2, 3))])
def test_mismatched_shapes_name_both(true_shape, pred_shape):
    with pytest.raises(ValueError, match=r"y_true.shape=.*y_pred.shape="):
        kl.mean_squared_error(np.zeros(true_shape), np.zeros(pred_shape))


def test_option_errors_name_argument_value_and_allowed():
    with pytest.raises(ValueError, match=r"`delta`: 0\. Expected a number > 0"):
        kl.Huber(delta=0)
    with pytest.raises(ValueError, match=r"`beta`: -1\. Expected a number >= 0"):
        kl.SmoothL1(beta=-1)
    with pytest.raises(
        ValueError, match=r"`tau`: 1\.5\. Expected a number in \[0, 1\], or a list of them \(one per output\)"
    ):
        kl.Pinball(tau=1.5)
    for not_a_number in ("big", None, True, [0.1, "x"]):
        with pytest.raises(ValueError, match="`delta`"):
            kl.Huber(delta=not_a_number)


# --- the library imports no framework ----------------------------------------------------------


def test_library_code_imports_no_framework():
    forbidden = {"tensorflow", "jax", "jaxlib", "torch", "optax"}
    for path in PACKAGE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                assert module.split(".")[0] not in forbidden, f"{path.name} imports {module}"
