"""Margin heads and center loss: PML oracles, Wen et al.'s rule in NumPy, and the layer conformance suite.

The heads are checked against pytorch-metric-learning 2.9 in float64 (values and
gradients with respect to the embeddings and the kernel, every option, the
embeddings placed in every branch of ψ and on both sides of ArcFace's π − m);
CenterLoss against a float64 NumPy transcription of Wen et al. 2016. The
conformance tests run over ``keras_losses.layers.LAYERS``; the cross-backend
``.keras`` files and the distribution strategies are in ``test_cross_backend.py``
and ``test_distribution.py``.
"""

from __future__ import annotations

import math

import keras
import numpy as np
import pytest
import torch
from keras import ops
from pytorch_metric_learning import losses as pml

import keras_losses as kl
from keras_losses.layers import LAYERS, MARGIN_HEADS
from tests.helpers import BACKEND, GRAD_RTOL, VALUE_RTOL, assert_close, run_example, to_numpy, value_and_grads
from tests.layer_cases import CLASSES, LAYER_CASES, build_layer_model, layer_data

N, D, C = 12, 5, 4

FUNCTIONS = {
    "ArcFace": kl.layers.arcface_logits,
    "CosFace": kl.layers.cosface_logits,
    "SphereFace": kl.layers.sphereface_logits,
    "LargeMarginSoftmax": kl.layers.large_margin_softmax_logits,
}
PML = {
    "ArcFace": pml.ArcFaceLoss,
    "CosFace": pml.CosFaceLoss,
    "SphereFace": pml.SphereFaceLoss,
    "LargeMarginSoftmax": pml.LargeMarginSoftmaxLoss,
}
DEFAULTS = {
    "ArcFace": {"scale": 64.0, "margin": 0.5},
    "CosFace": {"scale": 64.0, "margin": 0.35},
    "SphereFace": {"scale": 1.0, "margin": 4},
    "LargeMarginSoftmax": {"scale": 1.0, "margin": 4},
}
ORACLES = [
    ("ArcFace", {}),
    ("ArcFace", {"scale": 16.0, "margin": 1.2}),
    ("ArcFace", {"scale": 8.0, "margin": 0.0}),
    ("CosFace", {}),
    ("CosFace", {"scale": 10.0, "margin": 0.6}),
    ("SphereFace", {}),
    ("SphereFace", {"margin": 1}),
    ("SphereFace", {"margin": 2, "scale": 2.5}),
    ("SphereFace", {"margin": 3}),
    ("LargeMarginSoftmax", {}),
    ("LargeMarginSoftmax", {"margin": 1}),
    ("LargeMarginSoftmax", {"margin": 2, "scale": 0.5}),
    ("LargeMarginSoftmax", {"margin": 3, "scale": 2.0}),
    ("LargeMarginSoftmax", {"margin": 6}),
]


def test_every_layer_has_a_case_and_is_exported():
    assert sorted(LAYER_CASES) == sorted(cls.__name__ for cls in LAYERS)
    assert set(MARGIN_HEADS) <= set(LAYERS)
    for cls in LAYERS:
        assert getattr(kl, cls.__name__) is cls
        assert keras.saving.get_registered_name(cls) == f"keras_losses>{cls.__name__}"
        assert LAYER_CASES[cls.__name__].head == (cls in MARGIN_HEADS)


# ---------------------------------------------------------------------------------------------
# Heads against pytorch-metric-learning.


def _angles(rng, name, options, n):
    """Target angles: both sides of ArcFace's π − m, every branch k of ψ, away from the edges."""
    margin = options["margin"]
    if name == "ArcFace":
        below = rng.uniform(0.15, math.pi - margin - 0.15, n)
        if margin < 0.3:
            return below
        return np.where(np.arange(n) % 2 == 0, below, rng.uniform(math.pi - margin + 0.15, math.pi - 0.05, n))
    if name in ("SphereFace", "LargeMarginSoftmax"):
        k = np.arange(n) % margin
        return np.minimum((k + rng.uniform(0.15, 0.85, n)) * math.pi / margin, math.pi - 0.05)
    return rng.uniform(0.1, math.pi - 0.1, n)


def _inputs(rng, name, options):
    """Kernel ``(D, C)``, labels and embeddings at chosen angles to their class's weight."""
    kernel = rng.normal(size=(D, C))
    labels = rng.integers(0, C, N)
    angles = _angles(rng, name, options, N)
    w = kernel[:, labels].T / np.linalg.norm(kernel[:, labels].T, axis=1, keepdims=True)
    u = rng.normal(size=(N, D))
    u -= np.sum(u * w, axis=1, keepdims=True) * w
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    x = (np.cos(angles)[:, None] * w + np.sin(angles)[:, None] * u) * rng.uniform(0.5, 2.0, (N, 1))
    return x, kernel, labels, angles


def _pml_reference(name, options, x, kernel, labels):
    """PML's loss (mean softmax CE of its logits), its gradients w.r.t. x and W, and get_logits."""
    kwargs = dict(options)
    if name == "ArcFace":
        kwargs["margin"] = float(np.degrees(options["margin"]))  # PML takes degrees
    loss = PML[name](num_classes=C, embedding_size=D, **kwargs)
    loss.W.data = torch.tensor(kernel, dtype=torch.float64)
    xt = torch.tensor(x, dtype=torch.float64, requires_grad=True)
    value = loss(xt, torch.tensor(labels))
    value.backward()
    with torch.no_grad():
        plain = loss.get_logits(torch.tensor(x, dtype=torch.float64))
    return value.item(), xt.grad.numpy(), loss.W.grad.numpy(), plain.numpy()


def _mean_ce(logits, labels):
    return ops.mean(keras.losses.sparse_categorical_crossentropy(labels, logits, from_logits=True))


@pytest.mark.parametrize(("name", "options"), ORACLES, ids=[f"{n}-{o}" for n, o in ORACLES])
def test_head_equals_pml(name, options, rng):
    options = {**DEFAULTS[name], **options}
    x, kernel, labels, angles = _inputs(rng, name, options)
    if name == "ArcFace" and options["margin"] >= 0.3:
        assert (angles > math.pi - options["margin"]).sum() >= N // 2 - 1  # both sides of π − m
    if name in ("SphereFace", "LargeMarginSoftmax"):
        assert set(np.floor(angles * options["margin"] / math.pi).astype(int)) == set(range(options["margin"]))
    value, grad_x, grad_w, plain = _pml_reference(name, options, x, kernel, labels)
    fn = FUNCTIONS[name]

    def scalar(xx, ww):
        return _mean_ce(fn(xx, ww, labels, **options), labels)

    ours, (ours_x, ours_w) = value_and_grads(scalar, [x.astype("float32"), kernel.astype("float32")], wrt=[0, 1])
    record = f"{name}"
    assert_close(ours, value, VALUE_RTOL, record=record)
    assert_close(ours_x, grad_x, GRAD_RTOL, "gradient", record=record)
    assert_close(ours_w, grad_w, GRAD_RTOL, "gradient", record=record)
    plain_ours = to_numpy(fn(x.astype("float32"), kernel.astype("float32"), None, **options))
    assert_close(plain_ours, plain, VALUE_RTOL, record=record)


@pytest.mark.parametrize("cls", MARGIN_HEADS, ids=lambda c: c.__name__)
def test_head_layer_training_gives_margin_logits_and_inference_plain_logits(cls, rng):
    name = cls.__name__
    options = {**DEFAULTS[name], **LAYER_CASES[name].options}
    x, kernel, labels, _ = _inputs(rng, name, options)
    x32 = x.astype("float32")
    layer = cls(C, **options)
    layer.build([(None, D), (None,)])
    assert [w.name for w in layer.weights] == ["kernel"] and layer.kernel.shape == (D, C)
    assert layer.kernel.trainable
    layer.kernel.assign(kernel.astype("float32"))
    expected = to_numpy(FUNCTIONS[name](x32, kernel.astype("float32"), labels, **options))
    for y in (labels, labels[:, None].astype("int64"), labels.astype("float32")):
        np.testing.assert_allclose(to_numpy(layer([x32, y], training=True)), expected, rtol=1e-6, atol=1e-6)
    _, _, _, plain = _pml_reference(name, options, x, kernel, labels)
    for got in (layer([x32, labels], training=False), layer([x32, labels]), layer(x32), layer(x32, training=True)):
        assert_close(to_numpy(got), plain, VALUE_RTOL)
    with pytest.raises(ValueError, match="labels"):
        layer([x32, labels[:-1]], training=True)


def test_invalid_options_raise_value_error_naming_the_argument():
    bad = [
        (kl.SphereFace, {"margin": 4.5}, "margin"),
        (kl.SphereFace, {"margin": 0}, "margin"),
        (kl.LargeMarginSoftmax, {"margin": 2.0}, "margin"),
        (kl.LargeMarginSoftmax, {"margin": True}, "margin"),
        (kl.ArcFace, {"margin": math.pi}, "margin"),
        (kl.ArcFace, {"margin": -0.1}, "margin"),
        (kl.CosFace, {"margin": -0.1}, "margin"),
        (kl.ArcFace, {"scale": 0.0}, "scale"),
        (kl.CenterLoss, {"alpha": 1.5}, "alpha"),
        (kl.CenterLoss, {"weight": -1.0}, "weight"),
    ]
    for cls, options, argument in bad:
        with pytest.raises(ValueError, match=f"`{argument}`"):
            cls(3, **options)
    for cls in LAYERS:
        with pytest.raises(ValueError, match="`num_classes`"):
            cls(0)
    with pytest.raises(ValueError, match="`margin`"):
        kl.layers.sphereface_logits(np.ones((2, 3)), np.ones((3, 4)), None, margin=2.5)


# ---------------------------------------------------------------------------------------------
# CenterLoss against a float64 NumPy transcription of Wen et al. 2016.


def _numpy_center_loss(x, labels, centers):
    return 0.5 * np.sum((x - centers[labels]) ** 2, axis=1)


def _numpy_center_update(x, labels, centers, alpha):
    new = centers.copy()
    for j in range(len(centers)):
        members = labels == j
        delta = np.sum(centers[j] - x[members], axis=0) / (1 + members.sum())
        new[j] = centers[j] - alpha * delta
    return new


def test_center_loss_layer_follows_wen_et_al_over_several_calls(rng):
    alpha, weight, classes = 0.3, 0.7, 4
    layer = kl.CenterLoss(classes, alpha=alpha, weight=weight)
    centers = np.zeros((classes, D))
    batches = [
        (rng.normal(size=(8, D)), rng.integers(0, classes, 8)),
        (rng.normal(size=(6, D)), np.array([0, 0, 1, 1, 1, 0])),  # classes 2 and 3 absent
        (rng.normal(size=(5, D)) + 2, np.array([[3], [3], [2], [0], [3]])),  # (N, 1) labels
        (rng.normal(size=(4, D)), np.array([2, 2, 2, 2])),
    ]
    for x, labels in batches:
        flat = labels.reshape(-1)
        out = layer([x.astype("float32"), labels], training=True)
        np.testing.assert_array_equal(to_numpy(out), x.astype("float32"))  # unchanged
        (added,) = layer.losses
        expected = weight * np.mean(_numpy_center_loss(x, flat, centers))
        assert_close(to_numpy(added), expected, VALUE_RTOL, record="CenterLoss")
        centers = _numpy_center_update(x, flat, centers, alpha)
        assert_close(to_numpy(layer.centers), centers, VALUE_RTOL, record="CenterLoss")
    assert not layer.centers.trainable and layer.trainable_weights == []
    # Inference adds and moves nothing.
    before = to_numpy(layer.centers)
    for call in (lambda: layer([x.astype("float32"), labels], training=False), lambda: layer(x.astype("float32"))):
        call()
        assert layer.losses == []
        np.testing.assert_array_equal(to_numpy(layer.centers), before)


def test_center_loss_gradient_equals_numpy(rng):
    x, labels, centers = rng.normal(size=(7, D)), rng.integers(0, 3, 7), rng.normal(size=(3, D))
    weight = 0.4

    def scalar(xx, cc):
        return weight * ops.mean(kl.layers.center_loss(xx, labels, cc))

    value, (grad,) = value_and_grads(scalar, [x.astype("float32"), centers.astype("float32")], wrt=[0])
    assert_close(value, weight * np.mean(_numpy_center_loss(x, labels, centers)), VALUE_RTOL, record="CenterLoss")
    expected = weight * (x - centers[labels]) / len(x)
    assert_close(grad, expected, GRAD_RTOL, "gradient", record="CenterLoss")


def test_center_loss_centers_move_in_fit_as_the_rule_says():
    """Embeddings fixed (the model input): fit's center updates replay exactly in NumPy."""
    x, labels = layer_data(24, seed=3)
    features = keras.Input((x.shape[1],))
    y_in = keras.Input((), dtype="int32")
    keras.utils.set_random_seed(0)
    embedded = kl.CenterLoss(CLASSES, alpha=0.5, weight=0.1, name="centers")([features, y_in])
    model = keras.Model([features, y_in], keras.layers.Dense(CLASSES)(embedded))
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=kl.SparseCategoricalCrossentropy(from_logits=True))
    model.fit([x, labels], labels, batch_size=8, epochs=2, shuffle=False, verbose=0)
    centers = np.zeros((CLASSES, x.shape[1]))
    for _ in range(2):
        for start in range(0, 24, 8):
            centers = _numpy_center_update(x[start : start + 8], labels[start : start + 8], centers, 0.5)
    assert np.max(np.abs(centers)) > 0.5
    assert_close(to_numpy(model.get_layer("centers").centers), centers, 1e-5)


# ---------------------------------------------------------------------------------------------
# Conformance over LAYERS.


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_config_round_trip(cls):
    options = LAYER_CASES[cls.__name__].options
    layer = cls(CLASSES, **options, name="layer")
    config = layer.get_config()
    for key, value in {"num_classes": CLASSES, **options}.items():
        assert config[key] == value and type(config[key]) is type(value), key
    again = cls.from_config(config)
    assert again.get_config() == config
    revived = keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(layer))
    assert type(revived) is cls and revived.get_config() == config


def _fit_step(policy):
    """The model of every layer, after one SGD step on one batch under ``policy``."""
    previous = keras.config.dtype_policy().name
    keras.config.set_dtype_policy(policy)
    try:
        x, labels = layer_data()
        keras.utils.set_random_seed(2)
        model = build_layer_model()
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=kl.SparseCategoricalCrossentropy(from_logits=True))
        kernels = [to_numpy(model.get_layer(c.__name__.lower()).kernel) for c in MARGIN_HEADS]
        history = model.fit([x, labels], labels, batch_size=32, epochs=1, verbose=0)
        return model, history.history["loss"][0], kernels
    finally:
        keras.config.set_dtype_policy(previous)


@pytest.fixture(scope="module")
def float32_fit():
    return _fit_step("float32")


def test_keras_file_saves_and_loads_every_layer_without_custom_objects(float32_fit, tmp_path):
    model, _, kernels = float32_fit
    assert np.max(np.abs(to_numpy(model.get_layer("centerloss").centers))) > 0  # the centers moved
    for cls, before in zip(MARGIN_HEADS, kernels, strict=True):  # the raw kernel trains (no constraint)
        after = to_numpy(model.get_layer(cls.__name__.lower()).kernel)
        assert np.max(np.abs(np.linalg.norm(after, axis=0) - np.linalg.norm(before, axis=0))) > 1e-6, cls
    path = tmp_path / "layers.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)  # no custom_objects, safe mode
    for cls in LAYERS:
        name = cls.__name__.lower()
        assert type(loaded.get_layer(name)) is cls
        assert loaded.get_layer(name).get_config() == model.get_layer(name).get_config()
    for got, want in zip(loaded.get_weights(), model.get_weights(), strict=True):
        np.testing.assert_array_equal(got, want)
    x, labels = layer_data()
    inferred = [to_numpy(m([x, labels])) for m in (model, loaded)]
    np.testing.assert_allclose(inferred[0], inferred[1], rtol=1e-6, atol=1e-6)
    trained = [to_numpy(m([x, labels], training=True)) for m in (model, loaded)]
    np.testing.assert_allclose(trained[0], trained[1], rtol=1e-6, atol=1e-6)
    assert not np.allclose(trained[0], inferred[0])  # the margins


@pytest.mark.parametrize("cls", LAYERS, ids=lambda c: c.__name__)
def test_finite_values_and_gradients_at_the_angle_limits(cls, rng):
    """Embeddings exactly on, opposite to and orthogonal to a class weight (or a center), and zero."""
    kernel = rng.normal(size=(D, C)).astype("float32")
    labels = np.array([0, 1, 2, 3, 0, 1])
    x = np.stack(
        [kernel[:, 0], -kernel[:, 1], 5.0 * kernel[:, 2], -0.01 * kernel[:, 3], np.zeros(D), kernel[:, 0]]
    ).astype("float32")
    x[5] -= kernel[:, 1] * (x[5] @ kernel[:, 1]) / (kernel[:, 1] @ kernel[:, 1])  # orthogonal to its class
    if cls in MARGIN_HEADS:
        options = {**DEFAULTS[cls.__name__], **LAYER_CASES[cls.__name__].options}
        fn = FUNCTIONS[cls.__name__]
        for margin in [options["margin"], 5 if isinstance(options["margin"], int) else 2.0]:
            opts = {**options, "margin": margin}

            def scalar(xx, ww, opts=opts):
                return _mean_ce(fn(xx, ww, labels, **opts), labels)

            value, grads = value_and_grads(scalar, [x, kernel], wrt=[0, 1])
            assert np.isfinite(value) and all(np.all(np.isfinite(g)) for g in grads), (cls.__name__, margin)
            assert np.all(np.isfinite(to_numpy(fn(x, kernel, None, **opts))))
    else:
        centers = x[:4].copy()

        def scalar(xx, cc):
            return ops.mean(kl.layers.center_loss(xx, labels, cc))

        value, (grad,) = value_and_grads(scalar, [x, centers], wrt=[0])
        assert np.isfinite(value) and np.all(np.isfinite(grad))
        assert np.all(np.isfinite(to_numpy(kl.layers.center_update(x, labels, centers))))


@pytest.mark.parametrize("policy", ["mixed_float16", "mixed_bfloat16"])
def test_mixed_precision_fit_step_is_finite_and_close_to_float32(policy, float32_fit):
    model, value, _ = _fit_step(policy)
    assert model.get_layer("embed").compute_dtype == policy.split("_")[1]
    for cls in LAYERS:
        layer = model.get_layer(cls.__name__.lower())
        assert all(w.dtype == "float32" for w in layer.weights)
    x, labels = layer_data()
    out = model([x, labels], training=True)
    assert keras.backend.standardize_dtype(out.dtype) == "float32" and np.all(np.isfinite(to_numpy(out)))
    assert np.isfinite(value) and all(np.all(np.isfinite(w)) for w in model.get_weights())
    reference = float32_fit[1]
    assert abs(value - reference) <= 2e-2 * abs(reference), (value, reference)
    assert BACKEND  # every backend runs this module


def test_metric_heads_example_runs_on_this_backend(tmp_path):
    """The example trains the three models, prints verification accuracy and writes its PNG (a short run)."""

    output = tmp_path / "metric_heads.png"
    stdout = run_example("metric_heads.py", "--epochs", "1", "--output", str(output))
    assert f"backend: {keras.backend.backend()}" in stdout
    lines = [line for line in stdout.splitlines() if "verification accuracy" in line]
    assert len(lines) == 3 and output.stat().st_size > 10_000
