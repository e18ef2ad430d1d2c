"""Oracle tests of the embedding losses, values and gradients, on the current backend.

Pairs and triplets: ``torch.nn.functional`` in float64 (every option, tuple and
stacked inputs, sample weights). Contrastive: TF-Addons' published values.
Triplet mining: a float64 NumPy port of TF-Addons' test references (gradients
by finite differences). NT-Xent: optax's published values and optax itself.
Supervised contrastive: pytorch-metric-learning's ``SupConLoss`` itself. Circle:
``keras.losses.Circle`` on this backend. Batches include labels with a single
member, batches without a positive pair (0, not NaN) and without a negative.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import keras_losses as kl
from tests.helpers import (
    BACKEND,
    GRAD_RTOL,
    VALUE_RTOL,
    assert_close,
    numeric_grad,
    run_example,
    to_numpy,
    value_and_grads,
)
from tests.oracle import Oracle, check_oracle

# --- pairs and triplets against torch.nn.functional ------------------------------------------------------


def _signs(rng, shape):
    return rng.choice([-1.0, 1.0], shape)


def ranking_inputs(shape):
    def inputs(rng, _):
        return _signs(rng, shape), (rng.normal(0, 1, shape), rng.normal(0, 1, shape))

    return inputs


def hinge_inputs(rng, shape):
    return _signs(rng, shape), np.abs(rng.normal(0, 1.2, shape))


def cosine_inputs(rng, shape):
    return _signs(rng, shape[:1]), (rng.normal(0, 1, shape), rng.normal(0, 1, shape))


def triplet_inputs(rng, shape):
    return np.zeros(shape[:1]), tuple(rng.normal(0, 1, shape) for _ in range(3))


def contrastive_inputs(rng, shape):
    return rng.integers(0, 2, shape).astype("float64"), np.abs(rng.normal(0, 1, shape))


TORCH_DISTANCES = {
    "euclidean": lambda a, b: torch.linalg.vector_norm(a - b, dim=-1),
    "squared_euclidean": lambda a, b: ((a - b) ** 2).sum(-1),
    "cosine": lambda a, b: torch.clamp(1.0 - F.cosine_similarity(a, b, dim=-1), min=0),
    "dot": lambda a, b: torch.clamp(1.0 - (a * b).sum(-1), min=0),  # clamped at 0, as Keras's Circle
}


def _triplet_reference(p, margin, eps, swap):
    return lambda t, x: F.triplet_margin_loss(*x, margin=margin, p=p, eps=eps, swap=swap, reduction="none")


ORACLES = [
    *[
        Oracle(
            kl.MarginRanking,
            {"margin": margin},
            lambda t, x, m=margin: F.margin_ranking_loss(x[0], x[1], t, margin=m, reduction="none"),
            inputs=ranking_inputs((6,)),
            kind="torch",
        )
        for margin in (0.0, 0.5)
    ],
    Oracle(
        kl.MarginRanking,
        {"margin": 0.3},
        lambda t, x: F.margin_ranking_loss(x[0], x[1], t, margin=0.3, reduction="none").mean(-1),
        inputs=ranking_inputs((6, 5)),
        kind="torch",
    ),
    *[
        Oracle(
            kl.HingeEmbedding,
            {"margin": margin},
            lambda t, x, m=margin: F.hinge_embedding_loss(x, t, margin=m, reduction="none").mean(-1),
            inputs=hinge_inputs,
            kind="torch",
        )
        for margin in (1.0, 0.5)
    ],
    *[
        Oracle(
            kl.CosineEmbedding,
            {"margin": margin},
            lambda t, x, m=margin: F.cosine_embedding_loss(x[0], x[1], t, margin=m, reduction="none"),
            inputs=cosine_inputs,
            kind="torch",
        )
        for margin in (0.0, -0.2, 0.3)
    ],
    *[
        Oracle(
            kl.TripletMargin,
            {"margin": margin, "p": p, "eps": eps, "swap": swap},
            _triplet_reference(p, margin, eps, swap),
            inputs=triplet_inputs,
            kind="torch",
        )
        for margin, p, eps, swap in [
            (1.0, 2, 1e-6, False),
            (0.5, 1, 1e-6, True),
            (2.0, 3.0, 0.0, False),
            (1.0, 1.5, 1e-3, True),
            (1.0, math.inf, 1e-6, False),
        ]
    ],
    *[
        Oracle(
            kl.TripletMarginWithDistance,
            {"distance": distance, "margin": margin, "swap": swap},
            lambda t, x, d=distance, m=margin, s=swap: F.triplet_margin_with_distance_loss(
                *x, distance_function=TORCH_DISTANCES[d], margin=m, swap=s, reduction="none"
            ),
            inputs=triplet_inputs,
            kind="torch",
        )
        for distance, margin, swap in [
            ("euclidean", 1.0, False),
            ("squared_euclidean", 2.0, True),
            ("cosine", 0.5, False),
            ("dot", 1.0, True),
        ]
    ],
    *[
        Oracle(
            kl.Contrastive,
            {"margin": margin},
            lambda t, d, m=margin: (t * d**2 + (1 - t) * torch.clamp(m - d, min=0) ** 2).mean(-1),
            inputs=contrastive_inputs,
            kind="torch",
        )
        for margin in (1.0, 2.0)
    ],
]


def _reductions(oracles):
    params, seen = [], set()
    for oracle in oracles:  # every reduction once per loss, then the values under weights
        cases = [("none", "per_sample")]
        if oracle.cls not in seen:
            seen.add(oracle.cls)
            cases += [("sum_over_batch_size", "none"), ("sum", "per_sample"), ("weighted_mean", "per_sample")]
        params += [pytest.param(oracle, r, w, id=f"{oracle.id}-{r}-{w}") for r, w in cases]
    return params


@pytest.mark.parametrize("oracle,reduction,weighting", _reductions(ORACLES))
def test_pair_and_triplet_losses_equal_torch(oracle, reduction, weighting, rng):
    check_oracle(oracle, rng, reduction, weighting, shape=(6, 5), out_shape=(6,))


@pytest.mark.parametrize(
    "cls,parts",
    [(kl.MarginRanking, 2), (kl.CosineEmbedding, 2), (kl.TripletMargin, 3), (kl.TripletMarginWithDistance, 3)],
)
def test_stacked_and_tuple_inputs_agree(cls, parts, rng):
    xs = [rng.normal(size=(4, 3)).astype("float32") for _ in range(parts)]
    y_true = rng.choice([-1.0, 1.0], (4,) if cls is not kl.MarginRanking else (4, 3)).astype("float32")
    loss = cls(reduction="none")
    by_tuple = to_numpy(loss(y_true, tuple(xs)))
    assert_close(to_numpy(loss(y_true, list(xs))), by_tuple, 1e-7)
    assert_close(to_numpy(loss(y_true, np.stack(xs, axis=1))), by_tuple, 1e-7)
    with pytest.raises(ValueError, match="stacked on axis 1"):
        loss(y_true, xs[0][:, :1])
    with pytest.raises(ValueError, match="tuple"):
        loss(y_true, tuple(xs[:1]))


def test_margin_ranking_on_one_score_per_sample_equals_torch(rng):
    y, x1, x2 = _signs(rng, 7), rng.normal(size=7), rng.normal(size=7)
    expected = F.margin_ranking_loss(torch.tensor(x1), torch.tensor(x2), torch.tensor(y), margin=0.2).item()
    got = kl.MarginRanking(margin=0.2)(y.astype("float32"), np.stack([x1, x2], 1).astype("float32"))
    assert_close(to_numpy(got), expected, VALUE_RTOL)


def test_triplet_margin_with_a_registered_distance(tmp_path, rng):
    @keras.saving.register_keras_serializable(package="tests_embedding")
    def manhattan(a, b):
        return keras.ops.sum(keras.ops.abs(a - b), axis=-1)

    a, p, n = (rng.normal(size=(5, 3)) for _ in range(3))
    loss = kl.TripletMarginWithDistance(distance=manhattan, margin=0.7, reduction="none")
    assert loss.get_config()["distance"] == "tests_embedding>manhattan"
    expected = F.triplet_margin_with_distance_loss(
        *(torch.tensor(x) for x in (a, p, n)),
        distance_function=lambda x, y: (x - y).abs().sum(-1),
        margin=0.7,
        reduction="none",
    ).numpy()
    inputs = (np.zeros(5, "float32"), tuple(x.astype("float32") for x in (a, p, n)))
    assert_close(to_numpy(loss(*inputs)), expected, VALUE_RTOL)
    clone = kl.TripletMarginWithDistance.from_config(loss.get_config())
    assert_close(to_numpy(clone(*inputs)), expected, VALUE_RTOL)
    with pytest.raises(ValueError, match="`distance`"):
        kl.TripletMarginWithDistance(distance=lambda x, y: x)  # not registered: no config could name it


def test_triplet_targets_are_ignored_but_must_have_the_batch_size(rng):
    y_pred = rng.normal(size=(4, 3, 2)).astype("float32")
    loss = kl.TripletMargin(reduction="none")
    expected = to_numpy(loss(np.zeros(4, "float32"), y_pred))
    assert_close(to_numpy(loss(np.full((4, 1), np.nan, "float32"), y_pred)), expected, 0.0)
    with pytest.raises(ValueError, match=r"y_true.shape=\(5,\).*y_pred.shape=\(4, 2\)"):
        loss(np.zeros(5, "float32"), y_pred)


# --- contrastive: TF-Addons' published values ------------------------------------------------------------

TFA_LABELS = np.array([0, 0, 1, 1, 0, 1], "float32")
TFA_DISTANCES = np.array([0.1, 0.3, 1.3, 0.7, 1.1, 0.5], "float32")


def test_contrastive_equals_tfa_published_values():
    zero = kl.Contrastive()(TFA_LABELS, np.array([1.0, 1.0, 0.0, 0.0, 1.0, 0.0], "float32"))
    assert_close(to_numpy(zero), 0.0, 1e-7)
    assert_close(to_numpy(kl.Contrastive()(TFA_LABELS, TFA_DISTANCES)), 0.621666, 2e-6)
    weight = np.array([1.2, 0.8, 0.5, 0.4, 1.5, 1.0], "float32")
    assert_close(to_numpy(kl.Contrastive()(TFA_LABELS, TFA_DISTANCES, sample_weight=weight)), 0.4425, 2e-6)
    assert_close(to_numpy(kl.Contrastive(margin=2.0)(TFA_LABELS, TFA_DISTANCES)), 1.623333, 2e-6)


# --- triplet mining: float64 NumPy port of TF-Addons' test references ---------------------------------------


def np_distances(x, distance):
    if distance == "cosine":
        unit = x / np.linalg.norm(x, axis=1, keepdims=True)
        return np.maximum(1.0 - unit @ unit.T, 0.0)
    if distance == "dot":
        return np.maximum(1.0 - x @ x.T, 0.0)
    squared = ((x[:, None, :] - x[None, :, :]) ** 2).sum(-1)
    return squared if distance == "squared_euclidean" else np.sqrt(squared)


def np_semihard(labels, x, margin, distance):
    """TF-Addons' ``triplet_semihard_loss_np`` (tests/triplet_test.py), vectorised, with 0 for no positive pair.

    Per positive pair (i, j): the smallest negative distance strictly greater than d[i, j], else the
    largest negative distance, else (no negative) the row minimum.
    """
    d = np_distances(x, distance)
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(labels), dtype=bool)
    negative = ~same
    farther = negative[:, None, :] & (d[:, None, :] > d[:, :, None])  # [i, j, k]: k negative of i beyond d[i, j]
    outside = np.where(farther, d[:, None, :], np.inf).min(-1)
    largest = np.where(negative, d, -np.inf).max(-1)
    inside = np.where(negative.any(-1), largest, d.min(-1))[:, None]
    chosen = np.where(farther.any(-1), outside, inside)
    losses = np.where(positive, np.maximum(0.0, margin - chosen + d), 0.0)
    return losses.sum() / positive.sum() if positive.any() else 0.0


def np_hard(labels, x, margin, distance, soft=False):
    """TF-Addons' ``triplet_hard_loss_np`` (tests/triplet_test.py), vectorised."""
    d = np_distances(x, distance)
    same = labels[:, None] == labels[None, :]
    positive = same & ~np.eye(len(labels), dtype=bool)
    negative = ~same
    hardest_positive = np.where(positive.any(-1), np.where(positive, d, -np.inf).max(-1), d.min(-1))
    hardest_negative = np.where(negative.any(-1), np.where(negative, d, np.inf).min(-1), d.max(-1))
    gap = hardest_positive - hardest_negative
    return float(np.mean(np.log1p(np.exp(gap)) if soft else np.maximum(0.0, gap + margin)))


def _labels(rng, n, classes):
    labels = rng.integers(0, classes, n)
    labels[0] = classes + 5  # a label with a single member
    return labels.astype("float32")


def _batch_value_and_grad(loss, labels, x):
    value, (grad,) = value_and_grads(lambda t, p: loss(t, p), [labels, x.astype("float32")], wrt=[1])
    return value, grad


def _check_batch_oracle(loss, reference, labels, x, record):
    value, grad = _batch_value_and_grad(loss, labels, x)
    assert_close(value, reference(x), VALUE_RTOL, record=record)
    assert_close(grad, numeric_grad(reference, x), GRAD_RTOL, "gradient", record=record)


MINING = [
    ("euclidean", 1.0),
    ("squared_euclidean", 0.5),
    ("cosine", 0.3),
    ("dot", 0.8),
]


@pytest.mark.parametrize("distance,margin", MINING)
def test_triplet_semihard_equals_tfa_reference(distance, margin, rng):
    for n, classes in ((10, 4), (10, 2)):  # TF-Addons' test: rand(10, 6), 4 classes
        labels, x = _labels(rng, n, classes), rng.uniform(0, 1, (n, 6))
        loss = kl.TripletSemiHard(margin=margin, distance=distance)
        _check_batch_oracle(loss, lambda e, t=labels: np_semihard(t, e, margin, distance), labels, x, "TripletSemiHard")


@pytest.mark.parametrize("soft", [False, True])
@pytest.mark.parametrize("distance,margin", MINING)
def test_triplet_hard_equals_tfa_reference(distance, margin, soft, rng):
    labels, x = _labels(rng, 10, 4), rng.uniform(0, 1, (10, 6))  # TF-Addons' test: rand(20, 6), 4 classes
    loss = kl.TripletHard(margin=margin, soft=soft, distance=distance)
    _check_batch_oracle(loss, lambda e: np_hard(labels, e, margin, distance, soft), labels, x, "TripletHard")


def test_semihard_mining_ties_are_exact():
    """Negatives exactly as far as the positive are not semi-hard (strictly farther only), as in TF-Addons."""
    x = np.array([[0.0], [1.0], [-1.0], [2.0], [0.0]], "float32")  # d(0,1) = d(0,2) = 1; d(0,4) = 0
    labels = np.array([0, 0, 1, 1, 2], "float32")
    for distance in ("euclidean", "squared_euclidean"):
        expected = np_semihard(labels, x.astype("float64"), 1.0, distance)
        assert_close(to_numpy(kl.triplet_semihard(labels, x, distance=distance)), expected, 1e-6)


@pytest.mark.parametrize("loss", [kl.TripletSemiHard(), kl.NTXent(), kl.SupervisedContrastive()], ids=repr)
def test_a_batch_without_positive_pairs_gives_zero(loss, rng):
    x = rng.normal(size=(5, 3)).astype("float32")
    value, grad = _batch_value_and_grad(loss, np.arange(5, dtype="float32"), x)
    assert value == 0.0 and np.all(grad == 0.0)


def test_batches_without_negatives_follow_tfa(rng):
    x = rng.uniform(size=(10, 6))
    labels = np.zeros(10, "float32")
    for loss, reference in [
        (kl.TripletSemiHard(), lambda e: np_semihard(labels, e, 1.0, "euclidean")),
        (kl.TripletHard(), lambda e: np_hard(labels, e, 1.0, "euclidean")),
    ]:
        _check_batch_oracle(loss, reference, labels, x, type(loss).__name__)
    assert to_numpy(kl.SupervisedContrastive()(labels, x)) == 0.0  # PML: no negative pair, 0
    assert to_numpy(kl.NTXent()(labels, x)) == 0.0  # optax: each pair over itself, log 1


# --- NT-Xent: optax ----------------------------------------------------------------------------------------

OPTAX_YS = np.array([[-1.9540, 1.0780], [0.2380, -0.5703], [1.8745, -0.0195], [-0.6719, -1.9210]], "float32")


def test_ntxent_equals_optax_published_values():
    ys_2 = OPTAX_YS.copy()
    ys_2[0] = 0.0
    for labels, ys, expected in [([0, 0, 1, 1], OPTAX_YS, 14.01032), ([0, 0, 0, 1], OPTAX_YS, 8.968544)]:
        assert abs(float(to_numpy(kl.NTXent()(np.array(labels, "float32"), ys))) - expected) <= 1e-4
    assert abs(float(to_numpy(kl.NTXent()(np.array([0, 0, 1, 1], "float32"), ys_2))) - 9.2889) <= 1e-4


@pytest.mark.parametrize("temperature", [0.07, 0.5, 2.0])
def test_ntxent_equals_optax(temperature, rng):
    import jax
    import optax

    labels, x = _labels(rng, 10, 4), rng.normal(size=(10, 6))
    with jax.enable_x64(True):
        fn = lambda e: optax.losses.ntxent(e, labels.astype("int32"), temperature=temperature)  # noqa: E731
        expected, expected_grad = jax.value_and_grad(fn)(jax.numpy.asarray(x, "float64"))
    value, grad = _batch_value_and_grad(kl.NTXent(temperature=temperature), labels, x)
    assert_close(value, np.asarray(expected), VALUE_RTOL, record="NTXent")
    assert_close(grad, np.asarray(expected_grad), GRAD_RTOL, "gradient", record="NTXent")


# --- supervised contrastive: pytorch-metric-learning -----------------------------------------------------


@pytest.mark.parametrize("temperature", [0.1, 0.5])
def test_supervised_contrastive_equals_pml(temperature, rng):
    from pytorch_metric_learning.losses import SupConLoss

    for labels, x in [
        (_labels(rng, 10, 4), rng.normal(size=(10, 6))),
        (np.array([0, 0, 1, 2, 3, 1, 4, 5, 6, 0], "float32"), rng.normal(size=(10, 6))),  # singletons: left out
    ]:
        e = torch.tensor(x, requires_grad=True)
        expected = SupConLoss(temperature=temperature)(e, torch.tensor(labels.astype("int64")))
        expected.backward()
        value, grad = _batch_value_and_grad(kl.SupervisedContrastive(temperature=temperature), labels, x)
        assert_close(value, expected.item(), VALUE_RTOL, record="SupervisedContrastive")
        assert_close(grad, e.grad.numpy(), GRAD_RTOL, "gradient", record="SupervisedContrastive")


# --- Circle: keras.losses.Circle on this backend ------------------------------------------------------------


def _unit(x):
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype("float32")


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("options", [{}, {"gamma": 32.0, "margin": 0.25, "remove_diagonal": False}])
def test_circle_equals_keras(options, reduction, rng):
    labels, x = _labels(rng, 10, 3), _unit(rng.normal(size=(10, 6)))
    weight = rng.uniform(0.2, 2.0, 10).astype("float32")
    cotangent = rng.normal(size=10).astype("float32")
    results = []
    for loss in (kl.Circle(**options, reduction=reduction), keras.losses.Circle(**options, reduction=reduction)):

        def scalar(t, p, w, loss=loss):
            values = loss(t, p, sample_weight=w)
            return keras.ops.sum(values * keras.ops.convert_to_tensor(cotangent)) if reduction == "none" else values

        results.append(value_and_grads(scalar, [labels, x, weight], wrt=[1]))
    (ours, (our_grad,)), (theirs, (their_grad,)) = results
    assert_close(ours, theirs, VALUE_RTOL, record="Circle")
    assert_close(our_grad, their_grad, GRAD_RTOL, "gradient", record="Circle")


def test_circle_function_with_references_equals_keras(rng):
    labels, x = _labels(rng, 10, 3), _unit(rng.normal(size=(10, 6)))
    ref_labels, ref = np.array([0, 1, 2, 0, 9, 1], "float32"), _unit(rng.normal(size=(6, 6)))
    for remove_diagonal in (True, False):
        kwargs = dict(ref_labels=ref_labels, ref_embeddings=ref, remove_diagonal=remove_diagonal, gamma=80.0)
        ours = to_numpy(kl.circle(labels, x, **kwargs))
        theirs = to_numpy(keras.losses.circle(labels.astype("int32"), x, **kwargs))
        assert_close(ours, theirs, VALUE_RTOL)


def test_circle_normalised_distance_option(rng):
    labels, x = _labels(rng, 10, 3), rng.normal(size=(10, 6)).astype("float32")
    expected = to_numpy(keras.losses.Circle(gamma=16.0)(labels, _unit(x)))
    assert_close(to_numpy(kl.Circle(gamma=16.0, distance="cosine")(labels, x)), expected, VALUE_RTOL)


# --- one value per batch: sample weights refused --------------------------------------------------------


@pytest.mark.parametrize("cls", [kl.TripletSemiHard, kl.TripletHard, kl.NTXent, kl.SupervisedContrastive])
def test_batch_losses_refuse_sample_weights(cls, rng):
    labels, x = _labels(rng, 6, 2), rng.normal(size=(6, 3)).astype("float32")
    with pytest.raises(ValueError, match="one value per batch"):
        cls()(labels, x, sample_weight=np.ones(6, "float32"))


def test_bad_labels_make_the_batch_value_nan(rng):
    x = rng.normal(size=(4, 3)).astype("float32")
    for bad in (np.nan, 1.5, np.inf):
        labels = np.array([0.0, 0.0, 1.0, bad], "float32")
        for loss in (kl.TripletSemiHard(), kl.TripletHard(), kl.NTXent(), kl.SupervisedContrastive(), kl.Circle()):
            assert np.isnan(to_numpy(loss(labels, x))), (type(loss).__name__, bad)


# --- the example ------------------------------------------------------------------------------------------


def test_metric_learning_example_runs_on_this_backend(tmp_path):
    """The example trains both losses, prints recall@1 (trained above untrained) and writes its PNG (a short run)."""
    import re

    output = tmp_path / "metric_learning.png"
    stdout = run_example("metric_learning.py", "--epochs", "3", "--output", str(output))
    assert f"backend: {keras.backend.backend()}" in stdout
    recalls = dict(re.findall(r"^\s+(\w+): ([0-9.]+)$", stdout, re.MULTILINE))
    assert set(recalls) == {"untrained", "TripletSemiHard", "SupervisedContrastive"}, stdout
    for name in ("TripletSemiHard", "SupervisedContrastive"):
        assert float(recalls[name]) > float(recalls["untrained"]) + 0.1, stdout
    assert output.stat().st_size > 10_000


def test_backend():
    assert BACKEND in ("tensorflow", "jax", "torch")
