"""Ranking losses against keras-rs 0.4 (on this backend) and optax (JAX, on NumPy inputs), values and gradients.

keras-rs is Keras 3: its losses run here on the backend under test, in float64
(JAX with x64 enabled for the call), with padding labels (-1), keras-rs's dict
masks, item weights ``(N, L)`` and list weights. optax's
``ranking_softmax_loss`` runs in JAX float64 whatever the backend.
"""

from __future__ import annotations

import contextlib

import keras
import numpy as np
import pytest

import keras_losses as kl
from tests.helpers import (
    BACKEND,
    GRAD_RTOL,
    VALUE_RTOL,
    assert_close,
    numeric_grad,
    scalarize,
    to_numpy,
    value_and_grads,
)

keras_rs = pytest.importorskip("keras_rs")

PAIRWISE = {
    kl.PairwiseHinge: "PairwiseHingeLoss",
    kl.PairwiseLogistic: "PairwiseLogisticLoss",
    kl.PairwiseSoftZeroOne: "PairwiseSoftZeroOneLoss",
    kl.PairwiseMeanSquaredError: "PairwiseMeanSquaredError",
}
KERAS_RS = {**PAIRWISE, kl.ListMLE: "ListMLELoss"}
N, L = 6, 5


def _x64():
    if BACKEND == "jax":
        import jax

        return jax.enable_x64(True)
    return contextlib.nullcontext()


def _inputs(rng, pad=True):
    """Labels 0..3 (ties included), some padding (-1), one list all padding; scores without ties."""
    labels = rng.integers(0, 4, (N, L)).astype("float64")
    if pad:
        labels[rng.uniform(size=(N, L)) < 0.2] = -1.0
        labels[3] = -1.0
    return labels, rng.normal(0, 1.5, (N, L))


def _value_and_grad(loss, labels, scores, mask, weight, reduction, cotangent, dtype):
    """Value and gradient (w.r.t. the scores) of ``loss`` on ``dtype`` inputs, on this backend."""
    arrays = [labels.astype(dtype), scores.astype(dtype)]
    arrays += [] if mask is None else [mask]
    arrays += [] if weight is None else [weight.astype(dtype)]
    cot = None if cotangent is None else keras.ops.convert_to_tensor(cotangent.astype(dtype))

    def call(t, p, *rest):
        rest = list(rest)
        y_true = t if mask is None else {"labels": t, "mask": rest.pop(0)}
        return loss(y_true, p, sample_weight=rest.pop(0) if weight is not None else None)

    _, (grad,) = value_and_grads(lambda *a: scalarize(call(*a), reduction, cot), arrays, wrt=[1])
    return to_numpy(call(*[keras.ops.convert_to_tensor(a, dtype=a.dtype.name) for a in arrays])), grad


def _compare(ours, theirs, labels, scores, mask, weight, reduction, rng):
    out_shape = (N, L) if type(ours) in PAIRWISE else (N,)
    cotangent = rng.normal(size=out_shape)
    with _x64():
        expected, expected_grad = _value_and_grad(theirs, labels, scores, mask, weight, reduction, cotangent, "float64")
    actual, grad = _value_and_grad(ours, labels, scores, mask, weight, reduction, cotangent, "float32")
    # A float64 oracle (Keras's torch backend rounds a reduced scalar to float32 at the very end).
    assert expected_grad.dtype == np.float64 and (expected.dtype == np.float64 or expected.ndim == 0)
    name = type(ours).__name__
    assert_close(actual, expected, VALUE_RTOL, record=name)
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient", record=name)


KERAS_RS_CASES = [
    # (temperature, reduction, masked, weighting)
    (1.0, "sum_over_batch_size", False, None),
    (0.5, "none", True, "items"),
    (2.0, "mean_with_sample_weight", True, "lists"),
]


@pytest.mark.parametrize("case", KERAS_RS_CASES, ids=lambda c: "-".join(map(str, c)))
@pytest.mark.parametrize("cls", list(KERAS_RS), ids=lambda c: c.__name__)
def test_same_as_keras_rs(cls, case, rng):
    temperature, reduction, masked, weighting = case
    if cls is kl.ListMLE and weighting == "items":
        weighting = "lists"  # keras-rs's ListMLE fails on item weights; ours says why (below)
    labels, scores = _inputs(rng)
    mask = (rng.uniform(size=(N, L)) > 0.25) if masked else None
    weight = None
    if weighting == "items":
        weight = rng.uniform(0, 2, (N, L))
        weight[0, 1] = 0.0
    elif weighting == "lists":  # (N, 1): keras-rs's pairwise losses fail on (N,)
        weight = rng.uniform(0.2, 2, (N, 1))
        weight[1] = 0.0
    ours = cls(temperature=temperature, reduction=reduction)
    theirs = getattr(keras_rs.losses, KERAS_RS[cls])(temperature=temperature, reduction=reduction, dtype="float64")
    _compare(ours, theirs, labels, scores, mask, weight, reduction, rng)


@pytest.mark.parametrize("cls", list(KERAS_RS), ids=lambda c: c.__name__)
def test_one_list_and_keras_rs_doc_examples(cls):
    """A rank-1 input is one list (keras-rs): values of shape (1, L) or (1,), equal to keras-rs's."""
    y_true = np.array([1.0, 0.0, 1.0, 3.0, 2.0], "float32")
    y_pred = np.array([1.0, 3.0, 2.0, 4.0, 0.8], "float32")
    theirs = getattr(keras_rs.losses, KERAS_RS[cls])
    for reduction in ("none", "sum_over_batch_size"):
        got = to_numpy(cls(reduction=reduction)(y_true, y_pred))
        assert_close(got, to_numpy(theirs(reduction=reduction)(y_true, y_pred)), 1e-6)
    assert to_numpy(cls(reduction="none")(y_true, y_pred)).shape == ((1, 5) if cls in PAIRWISE else (1,))


def test_list_mle_refuses_item_weights(rng):
    labels, scores = _inputs(rng)
    with pytest.raises(ValueError, match=r"one weight per list.*\(6, 5\)"):
        kl.ListMLE()(labels, scores, sample_weight=np.ones((N, L)))
    # List weights (N,) -- where keras-rs's pairwise losses fail -- weigh whole lists.
    values = to_numpy(kl.PairwiseHinge(reduction="none")(labels, scores))
    weight = rng.uniform(size=N)
    assert_close(to_numpy(kl.PairwiseHinge(reduction="none")(labels, scores, weight)), values * weight[:, None], 1e-6)


def test_dict_labels_need_labels():
    with pytest.raises(ValueError, match='"labels"'):
        kl.PairwiseHinge()({"mask": np.ones((2, 3), bool)}, np.zeros((2, 3)))
    with pytest.raises(ValueError, match=r"mask\.shape=\(2, 2\).*y_true\.shape=\(2, 3\)"):
        kl.pairwise_hinge(np.zeros((2, 3)), np.zeros((2, 3)), mask=np.ones((2, 2), bool))


def test_tied_scores_get_the_true_gradient():
    """At tied scores log(1 + exp(-x)) has slope -1/2 (keras-rs's relu(-x) + log(1 + exp(-|x|)) gives 0)."""
    labels = np.array([[2.0, 1.0, 0.0, 1.0]])
    scores = np.zeros((1, 4))

    def reference(s):
        d = s[0][:, None] - s[0][None, :]
        return float(np.sum(np.log1p(np.exp(-d)) * (labels[0][:, None] > labels[0][None, :])))

    loss = kl.PairwiseLogistic(reduction="sum")
    value, (grad,) = value_and_grads(loss, [labels.astype("float32"), scores.astype("float32")], wrt=[1])
    assert_close(value, reference(scores), VALUE_RTOL)
    assert_close(grad, numeric_grad(reference, scores), GRAD_RTOL, "gradient")


# --- optax's ranking_softmax_loss ------------------------------------------------------------------------


def _optax_value_and_grad(labels, scores, where, weights, list_weight, reduction, cotangent):
    """optax in JAX float64: the per-list losses (reduce_fn=None), then the reduction written out."""
    import jax
    import jax.numpy as jnp
    import optax

    with jax.enable_x64(True):

        def loss(s):
            kwargs = {"where": None if where is None else jnp.asarray(where)}
            kwargs["weights"] = None if weights is None else jnp.asarray(weights)
            if reduction == "sum_over_batch_size" and list_weight is None:  # optax's own mean
                return optax.losses.ranking_softmax_loss(s, jnp.asarray(labels), **kwargs)
            values = optax.losses.ranking_softmax_loss(s, jnp.asarray(labels), reduce_fn=None, **kwargs)
            weighted = values * (1.0 if list_weight is None else jnp.asarray(list_weight))
            if reduction == "none":
                return weighted
            if reduction == "sum":
                return jnp.sum(weighted)
            valid = jnp.any(jnp.asarray(where), axis=-1)  # mean over the lists that have a valid item
            return jnp.sum(weighted) / jnp.sum(valid)

        def scalar(s):
            value = loss(s)
            return jnp.sum(value * cotangent) if reduction == "none" else value

        value = loss(jnp.asarray(scores, jnp.float64))
        grad = jax.grad(scalar)(jnp.asarray(scores, jnp.float64))
        return np.asarray(value, "float64"), np.asarray(grad, "float64")


OPTAX_CASES = [
    # (reduction, masked, item weights, list weights)
    ("sum_over_batch_size", False, False, False),
    ("sum_over_batch_size", True, True, False),
    ("none", False, True, True),
    ("sum", True, False, True),
]


@pytest.mark.parametrize("case", OPTAX_CASES, ids=lambda c: "-".join(map(str, c)))
def test_ranking_softmax_same_as_optax(case, rng):
    reduction, masked, item_weights, list_weights = case
    labels, scores = _inputs(rng)
    labels[labels > 0] = rng.uniform(0.1, 3.0, int(np.sum(labels > 0)))  # graded relevance, any real >= 0
    mask = (rng.uniform(size=(N, L)) > 0.25) if masked else None
    where = labels >= 0 if mask is None else (labels >= 0) & mask  # optax's `where`: no padding labels of its own
    weights = rng.uniform(0, 2, (N, L)) if item_weights else None
    list_weight = rng.uniform(0.5, 2, N) if list_weights else None
    cotangent = rng.normal(size=N)
    expected, expected_grad = _optax_value_and_grad(labels, scores, where, weights, list_weight, reduction, cotangent)
    loss = kl.RankingSoftmax(reduction=reduction)
    if item_weights and list_weights:  # both: item weights by the function, list weights by the reduction
        function_loss = kl.RankingSoftmax(reduction=reduction)

        def call(t, p, m, w, lw):
            y_true = {"labels": t, "mask": m, "weights": w}
            return function_loss(y_true, p, sample_weight=lw)

        arrays = [labels, scores, where, weights, list_weight]
    else:

        def call(t, p, m, w, lw):
            return loss({"labels": t, "mask": m} if masked else t, p, sample_weight=w if item_weights else lw)

        arrays = [labels, scores, mask if masked else np.ones((N, L), bool), weights, list_weight]
    arrays = [None if a is None else a.astype("float32") if a.dtype != bool else a for a in arrays]
    cot = keras.ops.convert_to_tensor(cotangent.astype("float32"))
    tensors = [None if a is None else keras.ops.convert_to_tensor(a) for a in arrays]
    actual = to_numpy(call(*tensors))
    present = [i for i, a in enumerate(arrays) if a is not None]

    def scalar(*given):
        full = list(tensors)
        for i, value in zip(present, given, strict=True):
            full[i] = value
        return scalarize(call(*full), reduction, cot)

    _, (grad,) = value_and_grads(scalar, [arrays[i] for i in present], wrt=[1])
    assert_close(actual, expected, VALUE_RTOL, record="RankingSoftmax")
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient", record="RankingSoftmax")


def test_ranking_softmax_optax_doc_example():
    """optax's docstring: scores [2, 1, 3], labels [1, 0, 0] give 1.408; one list gives shape (1,)."""
    value = to_numpy(kl.ranking_softmax(np.array([1.0, 0.0, 0.0]), np.array([2.0, 1.0, 3.0])))
    assert_close(value, np.array([np.log(np.exp([2.0, 1.0, 3.0]).sum()) - 2.0]), VALUE_RTOL)


# --- in a model -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("cls", [kl.PairwiseLogistic, kl.RankingSoftmax], ids=lambda c: c.__name__)
def test_fit_with_item_weights(cls, rng):
    """``fit(sample_weight=(N, L))`` reaches the loss as item weights: the reported loss is the loss's."""
    labels, _ = _inputs(rng)
    labels = labels.astype("float32")
    x = rng.normal(size=(N, 4)).astype("float32")
    weight = rng.uniform(0, 2, (N, L)).astype("float32")
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(L)])
    loss = cls()
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss=loss)
    history = model.fit(x, labels, sample_weight=weight, batch_size=N, epochs=1, verbose=0)
    expected = to_numpy(loss(labels, model.predict(x, verbose=0), sample_weight=weight))
    np.testing.assert_allclose(history.history["loss"][0], expected, rtol=1e-5)


def test_keras_mask_marks_valid_items_of_per_list_losses(rng):
    """A Keras mask on the scores (an Embedding(mask_zero=True) model) is the item mask of ListMLE."""
    from keras.src.backend import set_keras_mask

    labels, scores = _inputs(rng, pad=False)
    mask = rng.uniform(size=(N, L)) > 0.3
    expected = to_numpy(kl.ListMLE()({"labels": labels, "mask": mask}, scores))
    scores = keras.ops.convert_to_tensor(scores.astype("float32"))
    try:
        set_keras_mask(scores, keras.ops.convert_to_tensor(mask))
    except AttributeError:  # JAX arrays carry no attributes
        pytest.skip("this backend's tensors carry no Keras mask")
    assert_close(to_numpy(kl.ListMLE()(labels, scores)), expected, 1e-6)


KERAS_RS_NAMES = ["PairwiseHingeLoss", "PairwiseLogisticLoss", "PairwiseSoftZeroOneLoss", "ListMLELoss"]


@pytest.mark.parametrize("name", KERAS_RS_NAMES)
def test_keras_rs_class_names_and_signatures(name):
    """keras-rs code switches by changing its import: same class names, same constructor parameters."""
    import inspect

    import keras_rs

    ours, theirs = getattr(kl, name), getattr(keras_rs.losses, name)
    assert ours is getattr(kl, name.removesuffix("Loss"))
    expected = [p for p in inspect.signature(theirs.__init__).parameters if p not in ("self", "kwargs")]
    assert list(inspect.signature(ours.__init__).parameters)[1 : 1 + len(expected)] == expected
