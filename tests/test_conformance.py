"""The conformance suite: every registered loss, checked the same way.

Driven by ``keras_losses.entries()``: a loss registered now or later is
checked for names, config round trip, every reduction, finite values and
gradients on extreme inputs in float32/float16/bfloat16 (all-zero weights
included), clear errors, docs, and one compile/fit/save/load cycle.
"""

from __future__ import annotations

import json
import re
import zipfile

import keras
import ml_dtypes
import numpy as np
import pytest

import keras_losses as kl
from keras_losses.core.registry import KERAS_OWNED_NAMES
from tests.cases import CASES, SEQUENCE_TARGETS, build_model, per_sample
from tests.helpers import (
    ALL_REDUCTIONS,
    BACKEND,
    assert_close,
    backend_variables,
    to_numpy,
    value_and_grad_wrt_variable,
    value_and_grads,
)

ENTRIES = kl.entries()
ENTRY_IDS = [e.cls.__name__ for e in ENTRIES]
DTYPES = {"float32": np.float32, "float16": np.float16, "bfloat16": ml_dtypes.bfloat16}


def _options(entry):
    return [(entry, i, options) for i, options in enumerate(CASES[entry.cls.__name__].option_sets)]


OPTION_SETS = [x for e in ENTRIES for x in _options(e)]
OPTION_IDS = [f"{e.cls.__name__}-{i}" for e, i, _ in OPTION_SETS]


def _inputs(entry, batch=4, seed=0):
    y_true, y_pred = CASES[entry.cls.__name__].sample(np.random.default_rng(seed), batch)
    return y_true.astype("float32"), y_pred.astype("float32")


def test_every_registered_loss_has_a_case():
    assert sorted(CASES) == sorted(ENTRY_IDS), "add a tests/cases.py Case for every registered loss"


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_every_name_resolves(entry):
    for name in entry.names:
        loss = kl.get(name)
        assert type(loss) is entry.cls, name
        assert kl.get(name, reduction="sum").reduction == "sum"
        from_keras = keras.losses.get(name)
        if name in KERAS_OWNED_NAMES:  # never shadowed: Keras's string keeps Keras's meaning
            assert not isinstance(from_keras, kl.Loss), name
        else:
            assert type(from_keras) is entry.cls, name


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_docstring_has_formula_shape_examples_references(entry):
    doc = entry.function.__doc__ or ""
    for section in ("Formula:", "Shape:", "Examples:", "References:"):
        assert section in doc, f"{entry.function.__name__} lacks {section}"
    assert entry.cls.__doc__, entry.cls.__name__


@pytest.mark.parametrize("entry,index,options", OPTION_SETS, ids=OPTION_IDS)
def test_config_round_trip(entry, index, options):
    y_true, y_pred = _inputs(entry)
    loss = entry.cls(**options, reduction="sum", name="custom_name", dtype="float16")
    config = loss.get_config()
    assert config["dtype"] == "float16" and config["reduction"] == "sum" and config["name"] == "custom_name"
    json.dumps(config)  # JSON-friendly, as .keras files need
    clone = entry.cls.from_config(config)
    assert clone.get_config() == config
    revived = keras.saving.deserialize_keras_object(json.loads(json.dumps(keras.saving.serialize_keras_object(loss))))
    assert type(revived) is entry.cls and revived.get_config() == config
    assert kl.get({"class_name": entry.cls.__name__, "config": config}).get_config() == config
    expected = to_numpy(loss(y_true, y_pred))
    assert_close(to_numpy(clone(y_true, y_pred)), expected, 1e-12)
    assert_close(to_numpy(revived(y_true, y_pred)), expected, 1e-12)


@pytest.mark.parametrize("reduction", ALL_REDUCTIONS, ids=str)
@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_every_reduction(entry, reduction):
    y_true, y_pred = _inputs(entry, batch=5)
    weight = np.array([1.0, 0.0, 2.0, 0.5, 1.0], "float32")
    if CASES[entry.cls.__name__].one_per_batch:  # one value: every reduction is that value; weights refused
        expected = to_numpy(entry.cls()(y_true, y_pred))
        assert expected.shape == () and np.isfinite(expected)
        assert_close(to_numpy(entry.cls(reduction=reduction)(y_true, y_pred)), expected, 1e-6)
        with pytest.raises(ValueError, match="one value per batch"):
            entry.cls(reduction=reduction)(y_true, y_pred, sample_weight=weight)
        return
    options = per_sample(entry)
    values = to_numpy(entry.cls(**options, reduction="none")(y_true, y_pred))
    value = to_numpy(entry.cls(**options, reduction=reduction)(y_true, y_pred, sample_weight=weight))
    assert np.all(np.isfinite(value))
    if reduction in ("none", None):
        assert value.shape == values.shape
        assert_close(value, values * weight.reshape((5,) + (1,) * (values.ndim - 1)), 1e-6)
    else:
        assert value.shape == ()


def _finite_value_and_grad(loss, y_true, y_pred, dtype, sample_weight=None):
    arrays = [y_true.astype(dtype), y_pred.astype(dtype)]
    if sample_weight is not None:
        arrays.append(sample_weight.astype(dtype))

    def scalar(t, p, *w):
        values = loss(t, p, sample_weight=w[0] if w else None)
        return keras.ops.sum(values) if loss.reduction in ("none", None) else values

    value, (grad,) = value_and_grads(scalar, arrays, wrt=[1])
    return np.asarray(value, "float64"), np.asarray(grad, "float64")


def _assert_finite_where_representable(grad, reference, dtype, what):
    """No NaN ever; inf only where the float32 gradient is beyond the dtype's range."""
    assert not np.any(np.isnan(grad)), f"NaN gradient {grad} ({what})"
    representable = np.abs(reference) < 0.5 * float(ml_dtypes.finfo(DTYPES[dtype]).max)
    assert np.all(np.isfinite(grad[representable])), f"gradient {grad}, float32 gives {reference} ({what})"


# float32 for every option set; the half dtypes (computed in float32, the cast is the base class's) for
# each loss's first. All-zero weights: two reductions per option set, every reduction in turn.
EXTREME_SETS = [(e, i, o, d) for e, i, o in OPTION_SETS for d in DTYPES if d == "float32" or i == 0]
ZERO_WEIGHT_REDUCTIONS = {
    (e.cls.__name__, i): [ALL_REDUCTIONS[(2 * turn + k) % len(ALL_REDUCTIONS)] for k in (0, 1)]
    for turn, (e, i, _) in enumerate(OPTION_SETS)
}


@pytest.mark.parametrize(
    "entry,index,options,dtype", EXTREME_SETS, ids=[f"{e.cls.__name__}-{i}-{d}" for e, i, _, d in EXTREME_SETS]
)
def test_extreme_inputs_give_finite_values_and_gradients(entry, index, options, dtype):
    case = CASES[entry.cls.__name__]
    for y_true, y_pred in case.extremes_for.get(index, case.extremes):
        what = f"{y_true.tolist()}, {y_pred.tolist()}"
        value, grad = _finite_value_and_grad(entry.cls(**options, dtype=dtype), y_true, y_pred, DTYPES[dtype])
        _, reference = _finite_value_and_grad(entry.cls(**options), y_true, y_pred, np.float32)
        assert np.isfinite(value), f"value {value} on {what}"
        assert np.all(np.isfinite(reference)), f"float32 gradient {reference} on {what}"
        _assert_finite_where_representable(grad, reference, dtype, what)
        if case.one_per_batch:  # no per-sample values: weights are refused
            with pytest.raises(ValueError, match="one value per batch"):
                entry.cls(**options)(y_true, y_pred, sample_weight=np.zeros(len(y_true)))
            continue
        if dtype != "float32":  # half dtypes compute in float32 (above): the weights' path is float32's
            continue
        options = per_sample(entry, options)  # weights need one value per sample
        zeros = np.zeros(to_numpy(entry.cls(**options, reduction="none")(y_true, y_pred)).shape)
        for reduction in ZERO_WEIGHT_REDUCTIONS[entry.cls.__name__, index]:
            loss = entry.cls(**options, reduction=reduction, dtype=dtype)
            value, grad = _finite_value_and_grad(loss, y_true, y_pred, DTYPES[dtype], sample_weight=zeros)
            assert np.all(value == 0) and np.all(grad == 0), f"all-zero weights, reduction={reduction}"


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
def test_half_precision_is_computed_in_float32(dtype):
    """Like torch.autocast for losses: half inputs in, float32 arithmetic and result out."""
    loss = kl.MeanSquaredError(dtype=dtype)
    y_true, y_pred = np.zeros((2, 3), DTYPES[dtype]), np.full((2, 3), 300.0, DTYPES[dtype])
    value = loss(y_true, y_pred)  # 300**2 = 90000 overflows float16
    assert keras.backend.standardize_dtype(value.dtype) == "float32"
    assert float(value) == 90000.0


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_bad_options_raise_value_error_naming_the_argument(entry):
    for kwargs, argument in CASES[entry.cls.__name__].bad_options:
        with pytest.raises(ValueError, match=f"`{argument}`"):
            entry.cls(**kwargs)
        with pytest.raises(ValueError, match=f"`{argument}`"):
            entry.function(*_inputs(entry), **kwargs)
    with pytest.raises(ValueError, match=r"`reduction`.*'avg'.*'sum_over_batch_size'"):
        entry.cls(reduction="avg")


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_mismatched_shapes_raise_with_both_shapes(entry):
    y_true, y_pred = _inputs(entry, batch=4)
    if CASES[entry.cls.__name__].targets in SEQUENCE_TARGETS:  # any lengths fit: the batch sizes must agree
        wrong = np.concatenate([y_true, y_true], axis=0)
        with pytest.raises(
            ValueError, match=re.escape(_shape(wrong.shape)) + r".*y_pred\.shape=" + re.escape(_shape(y_pred.shape))
        ):
            entry.cls()(wrong, y_pred)
        return
    wrong = np.concatenate([y_true, y_true], axis=-1)  # e.g. (4, 6) against (4, 3), or labels (8,)
    # Both shapes are named: the wrong one, then the predictions' (the mean's, for stacked inputs).
    with pytest.raises(ValueError, match=re.escape(_shape(wrong.shape)) + r".*y_pred\.shape=\(4, 3\)"):
        entry.cls()(wrong, y_pred)


def _shape(shape):
    return "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_compile_fit_save_load(entry, tmp_path):
    """Compile by string (an alias Keras does not own), fit a step, save, load, same evaluate()."""
    y_true, y_pred = _inputs(entry, batch=16, seed=1)
    x = np.random.default_rng(2).normal(size=(16, 4)).astype("float32")
    keras.utils.set_random_seed(0)
    model = build_model(entry.cls.__name__, y_pred.shape[1:])
    strings = [name for name in entry.names[1:] if name not in KERAS_OWNED_NAMES]  # function name, aliases
    loss = strings[0] if strings else entry.cls()  # e.g. Poisson: every name is Keras's
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss=loss)
    history = model.fit(x, y_true, batch_size=8, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    before = model.evaluate(x, y_true, verbose=0)
    path = tmp_path / f"{entry.cls.__name__}.keras"
    model.save(path)
    loaded = keras.saving.load_model(path, safe_mode=True)
    assert isinstance(loaded.loss, entry.cls) or loaded.loss == loss
    np.testing.assert_allclose(loaded.evaluate(x, y_true, verbose=0), before, rtol=1e-6)


# --- saving safety ------------------------------------------------------------------------------------


def _rewrite_loss_config(path, out, change):
    """Copy a ``.keras`` file, changing the compiled loss's config on the way."""
    with zipfile.ZipFile(path) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            data = source.read(name)
            if name == "config.json":
                config = json.loads(data)
                change(config["compile_config"]["loss"]["config"])
                data = json.dumps(config)
            target.writestr(name, data)


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_keras_file_loads_in_safe_mode_and_rejects_bad_configs(entry, tmp_path):
    """Every option set survives ``load_model(safe_mode=True)``; an unknown or bad option is a ValueError naming it."""
    case = CASES[entry.cls.__name__]
    _, y_pred = _inputs(entry)
    model = build_model(entry.cls.__name__, y_pred.shape[1:])
    path = tmp_path / "model.keras"
    for options in case.option_sets:
        model.compile(optimizer="sgd", loss=entry.cls(**options, reduction="sum"))
        model.save(path)
        loaded = keras.saving.load_model(path, safe_mode=True)
        assert loaded.loss.get_config() == model.loss.get_config()
    unknown = tmp_path / "unknown.keras"
    _rewrite_loss_config(path, unknown, lambda config: config.update(not_an_option=1))
    with pytest.raises(ValueError, match="`not_an_option`"):
        keras.saving.load_model(unknown)
    for bad, argument in case.bad_options[:1]:
        bad_file = tmp_path / "bad.keras"
        _rewrite_loss_config(path, bad_file, lambda config, bad=bad: config.update(bad))
        with pytest.raises(ValueError, match=f"`{argument}`"):
            keras.saving.load_model(bad_file)


# --- Keras's rank rule: (N,) targets against (N, 1) predictions ---------------------------------------


def _one_column(entry, rng, batch=5):
    """``(y_true, y_pred)`` of one model output per sample: ``(N, 1)`` both, or labels ``(N,)`` for ``(N, C)``."""
    case = CASES[entry.cls.__name__]
    if case.targets == "dense":
        return case.inputs(rng, (batch,), 1)
    return case.sample(rng, batch)


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_one_dimensional_targets_keep_one_value_per_sample(entry, rng):
    """Keras's rule: ``(N,)`` against ``(N, 1)`` (either way) is ``(N, 1)`` against ``(N, 1)``, never averaged."""
    case = CASES[entry.cls.__name__]
    if case.lists:  # a 1-D input is one list (keras-rs); (N,) against (N, 1) is two shapes, never expanded
        y_true, y_pred = (x.astype("float32") for x in case.sample(rng, 5))
        one_list = to_numpy(entry.function(y_true[0], y_pred[0]))
        assert_close(one_list, to_numpy(entry.function(y_true, y_pred))[:1], 1e-6)
        column = y_pred[:, :1]
        with pytest.raises(ValueError, match=re.escape(_shape(y_true[:, 0].shape)) + r".*y_pred\.shape=\(5, 1\)"):
            entry.cls()(y_true[:, 0], column)
        return
    if case.targets in SEQUENCE_TARGETS:  # (N,) targets are sequences of one label each: (N, 1)
        y_true, y_pred = (x.astype("float32") for x in case.sample(rng, 5))
        column = y_true[:, :1]
        expected = to_numpy(entry.function(column, y_pred))
        assert expected.shape == (5,)
        assert_close(to_numpy(entry.function(column[:, 0], y_pred)), expected, 1e-6)
        weight = np.array([1.0, 0.0, 2.0, 0.5, 1.0], "float32")
        for reduction in ("sum_over_batch_size", "sum", "none"):
            loss = entry.cls(reduction=reduction)
            assert_close(to_numpy(loss(column[:, 0], y_pred, weight)), to_numpy(loss(column, y_pred, weight)), 1e-6)
        return
    if case.targets == "index_rows":  # rows of indices: a 1-D row is one sample, as in PyTorch
        y_true, y_pred = (x.astype("float32") for x in case.sample(rng, 1))
        one_row = to_numpy(entry.function(y_true[0], y_pred[0]))
        assert one_row.shape == () and one_row == to_numpy(entry.function(y_true, y_pred))[0]
        return
    y_true, y_pred = (x.astype("float32") for x in _one_column(entry, rng))
    options = per_sample(entry)
    expected = to_numpy(entry.function(y_true, y_pred, **options))
    assert expected.shape == (() if case.one_per_batch else (5,))
    if case.targets in ("index", "labels"):
        pairs = [(y_true[:, None], y_pred)]  # labels (N, 1) and (N,) for (N, C) predictions
    elif y_pred.ndim == 3:  # (mean, var) stacked on axis 1: (N, 2, 1)
        pairs = [(y_true[:, 0], y_pred), (y_true, y_pred[..., 0])]
    else:
        pairs = [(y_true[:, 0], y_pred), (y_true, y_pred[:, 0])]
    weight = np.array([1.0, 0.0, 2.0, 0.5, 1.0], "float32")
    for t, p in pairs:
        assert_close(to_numpy(entry.function(t, p, **options)), expected, 1e-6)
        if case.one_per_batch:
            weight = None
        for reduction in ("sum_over_batch_size", "sum", "none"):
            loss = entry.cls(**options, reduction=reduction)
            assert_close(to_numpy(loss(t, p, sample_weight=weight)), to_numpy(loss(y_true, y_pred, weight)), 1e-6)


# Rows of class indices (MultiLabelMargin) have no (N,) form in a model; their 1-D row is tested above.
ONE_COLUMN_ENTRIES = [e for e in ENTRIES if CASES[e.cls.__name__].targets != "index_rows"]


@pytest.mark.parametrize("entry", ONE_COLUMN_ENTRIES, ids=lambda e: e.cls.__name__)
def test_one_dimensional_targets_in_fit_with_class_weight(entry, rng):
    """A ``Dense`` model fed ``(N,)`` targets weighs samples by ``class_weight`` (or ``sample_weight``), as Keras."""
    case = CASES[entry.cls.__name__]
    y_true, y_pred = (x.astype("float32") for x in _one_column(entry, rng, batch=8))
    if case.lists:  # lists (N, L) have no one-column form: Keras passes one weight per list through fit
        y_true, y_pred = (x.astype("float32") for x in case.sample(rng, 8))
    x = rng.normal(size=(8, 4)).astype("float32")
    model = build_model(entry.cls.__name__, y_pred.shape[1:])
    loss = entry.cls(**per_sample(entry))
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=loss)
    sequences = case.targets in SEQUENCE_TARGETS  # (N, S) rows: Keras's class_weight has no meaning there
    targets = y_true if case.targets in ("index", "labels") or case.lists or sequences else y_true.reshape(8)
    integral = not sequences and not case.lists and np.all(targets == np.round(targets)) and np.all(targets >= 0)
    if integral:  # class indices (labels, binary targets, counts): Keras turns class_weight into sample weights
        class_weight = {int(c): 0.5 + i for i, c in enumerate(np.unique(targets))}
        weight = np.array([class_weight[int(c)] for c in targets], "float32")
        fit = {"class_weight": class_weight}
    else:
        weight = rng.uniform(0, 2, 8).astype("float32")
        fit = {"sample_weight": weight}
    if case.one_per_batch:  # one value per batch: Keras's class weights (sample weights) are refused
        with pytest.raises(ValueError, match="one value per batch"):
            model.fit(x, targets, batch_size=8, epochs=1, verbose=0, **fit)
        weight, fit = None, {}
    history = model.fit(x, targets, batch_size=8, epochs=1, verbose=0, **fit)
    expected = to_numpy(loss(y_true, model(x), sample_weight=weight))  # model(x): no predict() to compile
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, targets, sample_weight=weight, verbose=0), expected, rtol=1e-5)


ONE_PER_BATCH_ENTRIES = [e for e in ENTRIES if CASES[e.cls.__name__].one_per_batch]


@pytest.mark.parametrize("entry", ONE_PER_BATCH_ENTRIES, ids=lambda e: e.cls.__name__)
def test_one_value_per_batch_refuses_sample_weights(entry):
    """A loss that is one value per batch whatever its options: a ValueError says why weights cannot apply."""
    y_true, y_pred = _inputs(entry)
    assert to_numpy(entry.cls()(y_true, y_pred)).shape == ()
    for weight in (np.ones(4, "float32"), np.float32(2.0)):
        with pytest.raises(ValueError, match="one value per batch.*sample_weight"):
            entry.cls()(y_true, y_pred, sample_weight=weight)


POOLED_ENTRIES = [e for e in ENTRIES if CASES[e.cls.__name__].per_sample]


@pytest.mark.parametrize("entry", POOLED_ENTRIES, ids=lambda e: e.cls.__name__)
def test_batch_pooled_values_refuse_sample_weights(entry):
    """One value per batch has no per-sample values to weigh: a ValueError says what gives them."""
    y_true, y_pred = _inputs(entry)
    pooled = to_numpy(entry.cls()(y_true, y_pred))
    assert pooled.shape == ()
    option = next(iter(CASES[entry.cls.__name__].per_sample))
    with pytest.raises(ValueError, match=f"{option}=True"):
        entry.cls()(y_true, y_pred, sample_weight=np.ones(4, "float32"))
    assert to_numpy(entry.cls(**per_sample(entry))(y_true, y_pred, sample_weight=np.ones(4, "float32"))).shape == ()


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_gradient_is_zero_exactly_where_the_loss_is_not_differentiable(entry):
    """A differentiable loss has a gradient on random inputs; a piecewise-constant one (``differentiable=False``)
    has a gradient of exactly 0, never NaN and never a made-up slope, so that ``fit`` still runs."""
    y_true, y_pred = _inputs(entry, batch=5, seed=3)
    loss = entry.cls(**per_sample(entry), reduction="sum")
    _, (grad,) = value_and_grads(lambda t, p: loss(t, p), [y_true, y_pred], wrt=[1])
    if CASES[entry.cls.__name__].differentiable:
        assert np.all(np.isfinite(grad)) and np.any(grad != 0), grad
    else:
        assert np.all(grad == 0), grad


# --- inputs as variables, NaN propagation -----------------------------------------------------------------


@pytest.mark.parametrize("entry", ENTRIES, ids=ENTRY_IDS)
def test_predictions_held_in_variables(entry):
    """A custom loop differentiating with respect to predictions held in variables (tf.Variable, keras.Variable)."""
    y_true, y_pred = _inputs(entry)
    loss = entry.cls()
    expected = to_numpy(loss(y_true, y_pred))
    _, (expected_grad,) = value_and_grads(lambda t, p: loss(t, p), [y_true, y_pred], wrt=[1])
    for variable in backend_variables(y_pred):
        value, grad = value_and_grad_wrt_variable(lambda v: loss(y_true, v), variable)
        assert_close(value, expected, 1e-6)
        assert_close(grad, expected_grad, 1e-6, "gradient")


def _nan_first_sample(entry, options):
    case = CASES[entry.cls.__name__]
    y_true, y_pred = _inputs(entry)
    ignored = options.get("ignore_index", options.get("ignore_class"))
    if case.targets == "index" and ignored is not None and y_true[0] == ignored:
        y_true[0] = (ignored + 1) % y_pred.shape[-1]
    bad_true, bad_pred = y_true.copy(), y_pred.copy()
    bad_true[0] = np.nan
    bad_pred[0] = np.nan
    return (bad_true, y_pred), (y_true, bad_pred)


@pytest.mark.parametrize("entry,index,options", OPTION_SETS, ids=OPTION_IDS)
def test_nan_inputs_propagate(entry, index, options):
    """NaN in ``y_true`` or ``y_pred`` makes that sample's value NaN (never masked to 0), and so the mean."""
    case = CASES[entry.cls.__name__]
    clean = to_numpy(entry.cls(**options, reduction="none")(*_inputs(entry)))
    for which, (y_true, y_pred) in enumerate(_nan_first_sample(entry, options)):
        values = to_numpy(entry.cls(**options, reduction="none")(y_true, y_pred))
        if which == 0 and case.ignores_y_true:  # y_true is not used: NaN there changes nothing
            assert_close(values, clean, 0.0)
            continue
        if case.targets == "labels" and values.ndim > 0:  # rows coupled through the batch's pairs
            assert np.all(np.isnan(values[0])), values
            assert np.isnan(to_numpy(entry.cls(**options)(y_true, y_pred)))
            continue
        # An axis option may reduce across samples instead, and a pooled loss has one value per batch.
        if options.get("axis", -1) == -1 and values.ndim > 0:
            assert np.all(np.isnan(values[0])) and np.all(np.isfinite(values[1:])), values
        else:
            assert np.any(np.isnan(values)), values
        assert np.isnan(to_numpy(entry.cls(**options)(y_true, y_pred)))


def test_backend_is_the_one_asked_for():
    import os

    assert BACKEND == os.environ.get("KERAS_BACKEND", "tensorflow")
