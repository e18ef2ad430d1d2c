"""Segmentation losses against segmentation_models_pytorch 0.6 and optax: values and gradients.

smp is the binding oracle (channels-first transpose of our channels-last
inputs, float64, gradients by autograd). Its Lovász helper casts the Jaccard
gradient to float32; the float64 reference swaps in a float64 copy of that one
step. ``per_image=True`` is smp applied to each image alone (a batch of one),
which is the per-image formula. Identities: Tversky 0.5/0.5 is Dice, 1/1 is
Jaccard; ``GeneralizedDice`` equals optax's ``multiclass_generalized_dice_loss``.
"""

from __future__ import annotations

from unittest import mock

import keras
import numpy as np
import pytest
import torch

import keras_losses as kl
from tests.helpers import BACKEND, GRAD_RTOL, VALUE_RTOL, assert_close, run_example, to_numpy, value_and_grads
from tests.oracle import Oracle, check_oracle
from tests.smp import smp_losses, smp_lovasz

N, H, W, C = 3, 5, 4, 4
SHAPE = (N, H, W, C)


# --- inputs (channels last): (rng, shape) -> (y_true, y_pred) -------------------------------------------


def multiclass_labels(rng, shape, ignore=False):
    labels = rng.integers(0, shape[-1], shape[:-1]).astype("float64")
    labels[labels == shape[-1] - 1] = 1  # the last class is absent from the batch (smp: loss 0, counted)
    labels[0, 0] = shape[-1] - 1  # ... except in one row of the first image, when per image it is absent elsewhere
    if ignore:
        labels[1, :2, :2] = -1
    return labels


def multiclass_inputs(ignore=False, logits=True):
    def inputs(rng, shape):
        x = rng.normal(0, 2, shape)
        if not logits:
            e = np.exp(x - x.max(-1, keepdims=True))
            x = e / e.sum(-1, keepdims=True)
        return multiclass_labels(rng, shape, ignore), x

    return inputs


def binary_inputs(ignore=False, logits=True, soft=False):
    def inputs(rng, shape):
        t = rng.uniform(0, 1, shape[:-1]) if soft else (rng.random(shape[:-1]) > 0.6).astype("float64")
        if ignore:
            t[1, :2, :2] = -1
        x = rng.normal(0, 2, (*shape[:-1], 1))
        return t, (x if logits else 1 / (1 + np.exp(-x)))

    return inputs


def multilabel_inputs(ignore=False, logits=True, soft=False):
    def inputs(rng, shape):
        t = rng.uniform(0, 1, shape) if soft else (rng.random(shape) > 0.6).astype("float64")
        t[..., -1] = 0  # an absent class
        if ignore:
            t[1, :2, :2, 0] = -1
        x = rng.normal(0, 2, shape)
        return t, (x if logits else 1 / (1 + np.exp(-x)))

    return inputs


# --- references: smp on the channels-first transpose, float64 torch --------------------------------------


def _per_image(one, per_image):
    def reference(t, p):
        if not per_image:
            return one(t, p)
        return torch.stack([one(t[i : i + 1], p[i : i + 1]) for i in range(p.shape[0])])

    return reference


def smp_region(kind, mode, per_image=False, **options):
    losses = smp_losses()
    cls = {"dice": losses.DiceLoss, "jaccard": losses.JaccardLoss, "tversky": losses.TverskyLoss}[kind]
    if "class_weight" in options:
        options["class_weights"] = options.pop("class_weight")
    loss = cls(mode=mode, **options)

    def one(t, p):
        p = p.movedim(-1, 1)
        if mode == "multiclass":
            t = t.long()
        elif mode == "multilabel":
            t = t.movedim(-1, 1)
        return loss(p, t)

    return _per_image(one, per_image)


def _float64_lovasz_grad(gt_sorted):
    """smp's ``_lovasz_grad`` in float64 (smp casts to float32)."""
    gts = gt_sorted.sum()
    intersection = gts - gt_sorted.double().cumsum(0)
    union = gts + (1 - gt_sorted).double().cumsum(0)
    jaccard = 1.0 - intersection / union
    if len(gt_sorted) > 1:
        jaccard[1:] = jaccard[1:] - jaccard[:-1]
    return jaccard


def smp_lovasz_reference(mode, per_image=False, ignore_index=None, from_logits=True):
    lovasz = smp_lovasz()

    def one(t, p):
        with mock.patch.object(lovasz, "_lovasz_grad", _float64_lovasz_grad):
            if mode == "binary":
                return lovasz._lovasz_hinge(p[..., 0], t, per_image=False, ignore=ignore_index)
            probabilities = torch.softmax(p, -1) if from_logits else p
            return lovasz._lovasz_softmax(probabilities.movedim(-1, 1), t.long(), per_image=False, ignore=ignore_index)

    return _per_image(one, per_image)


REGION = {"dice": kl.Dice, "jaccard": kl.Jaccard, "tversky": kl.Tversky}
MODE_INPUTS = {"binary": binary_inputs, "multiclass": multiclass_inputs, "multilabel": multilabel_inputs}
TVERSKY = {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}


def _region_oracles():
    oracles = []
    for kind, cls in REGION.items():
        extra = TVERSKY if kind == "tversky" else {}
        for mode, inputs in MODE_INPUTS.items():
            option_sets = [
                ({"from_logits": True}, inputs()),
                ({"from_logits": False, "smooth": 1.0}, inputs(logits=False)),
                ({"from_logits": True, "log_loss": True, "eps": 1e-4}, inputs()),
                ({"from_logits": True, "ignore_index": -1}, inputs(ignore=True)),
                ({"from_logits": True, "per_image": True, "smooth": 0.5}, inputs()),
            ]
            if mode != "multiclass":  # soft targets: smp's TP = (ΣP + ΣT - ‖P - T‖₁) / 2
                option_sets.append(({"from_logits": False}, inputs(logits=False, soft=True)))
            if mode != "binary":
                option_sets.append(({"from_logits": True, "class_weight": [1.0, 2.0, 0.5, 0.0]}, inputs()))
            for options, make in option_sets:
                options = {"mode": mode, **options, **extra}
                smp_options = {k: v for k, v in options.items() if k not in ("mode", "per_image")}
                reference = smp_region(kind, mode, options.get("per_image", False), **smp_options)
                oracles.append(Oracle(cls, options, reference, make, kind="torch"))
    return oracles


def _lovasz_oracles():
    oracles = []
    for per_image in (False, True):
        for ignore in (None, -1):
            options = {"per_image": per_image, "ignore_index": ignore}
            reference = smp_lovasz_reference("binary", per_image, ignore)
            oracles.append(Oracle(kl.Lovasz, options, reference, binary_inputs(ignore=ignore is not None), "torch"))
            for from_logits in (True, False):
                options = {
                    "mode": "multiclass",
                    "from_logits": from_logits,
                    "per_image": per_image,
                    "ignore_index": ignore,
                }
                reference = smp_lovasz_reference("multiclass", per_image, ignore, from_logits)
                make = multiclass_inputs(ignore=ignore is not None, logits=from_logits)
                oracles.append(Oracle(kl.Lovasz, options, reference, make, "torch"))
    return oracles


ORACLES = _region_oracles() + _lovasz_oracles()


def _params():
    params = []
    for oracle in ORACLES:
        if oracle.options.get("per_image"):
            cases = [("none", "per_sample"), ("sum_over_batch_size", "per_sample"), ("weighted_mean", "per_sample")]
        else:  # one value per batch: every reduction returns it, and sample weights are refused
            cases = [("sum_over_batch_size", "none"), ("sum", "none"), ("none", "none")]
        params += [pytest.param(oracle, r, w, id=f"{oracle.id}-{r}-{w}") for r, w in cases]
    return params


@pytest.mark.parametrize("oracle,reduction,weighting", _params())
def test_against_smp(oracle, reduction, weighting, rng):
    out_shape = (N,) if oracle.options.get("per_image") else ()
    check_oracle(oracle, rng, reduction, weighting, shape=SHAPE, out_shape=out_shape)


# --- identities -------------------------------------------------------------------------------------------


def _value_and_grad(loss, y_true, y_pred):
    value, (grad,) = value_and_grads(lambda t, p: keras.ops.sum(loss(t, p)), [y_true, y_pred], wrt=[1])
    return value, grad


@pytest.mark.parametrize("mode", list(MODE_INPUTS))
def test_tversky_half_half_is_dice_and_one_one_is_jaccard(mode, rng):
    y_true, y_pred = (x.astype("float32") for x in MODE_INPUTS[mode]()(rng, SHAPE))
    for alpha_beta, other in ((0.5, kl.Dice), (1.0, kl.Jaccard)):
        tversky = kl.Tversky(alpha=alpha_beta, beta=alpha_beta, mode=mode, from_logits=True)
        value, grad = _value_and_grad(tversky, y_true, y_pred)
        expected, expected_grad = _value_and_grad(other(mode=mode, from_logits=True), y_true, y_pred)
        assert_close(value, expected, 1e-6)
        assert_close(grad, expected_grad, 1e-5, "gradient")


@pytest.mark.parametrize("cls", [kl.Dice, kl.Jaccard, kl.Tversky, kl.Lovasz])
def test_per_image_of_one_image_is_the_pooled_value(cls, rng):
    y_true, y_pred = (x.astype("float32") for x in binary_inputs()(rng, SHAPE))
    for i in range(N):
        pooled = to_numpy(cls(from_logits=True)(y_true[i : i + 1], y_pred[i : i + 1]))
        per_image = to_numpy(cls(from_logits=True, per_image=True, reduction="none")(y_true, y_pred))
        assert_close(per_image[i], pooled, 1e-6)


def test_three_dimensional_volumes(rng):
    """Any number of spatial axes: a volume is its positions, in any arrangement."""
    labels, logits = multiclass_inputs()(rng, (2, 3, 4, 5, C))
    loss = kl.Dice(mode="multiclass", from_logits=True)
    flat = to_numpy(loss(labels.reshape(2, -1), logits.reshape(2, -1, C)))
    assert_close(to_numpy(loss(labels, logits)), flat, 1e-6)


# --- generalized Dice: optax ---------------------------------------------------------------------------


@pytest.mark.parametrize("smooth", [1.0, 0.0, 0.5])
@pytest.mark.parametrize("from_logits", [True, False])
def test_generalized_dice_equals_optax(smooth, from_logits, rng):
    import jax
    import jax.numpy as jnp
    import optax

    labels, y_pred = multiclass_inputs(logits=from_logits)(rng, SHAPE)
    y_pred = y_pred.astype("float32")
    onehot = np.eye(C, dtype="float32")[labels.astype(int)]

    def theirs(p):
        return optax.losses.multiclass_generalized_dice_loss(p, onehot, smooth=smooth, apply_softmax=from_logits)

    expected, expected_grad = jax.value_and_grad(theirs)(jnp.asarray(y_pred))
    loss = kl.GeneralizedDice(smooth=smooth, from_logits=from_logits)
    for y_true in (labels.astype("float32"), onehot):  # integer labels or one-hot targets
        value, grad = _value_and_grad(loss, y_true, y_pred)
        assert_close(value, np.asarray(expected), VALUE_RTOL, record="GeneralizedDice")
        assert_close(grad, np.asarray(expected_grad), GRAD_RTOL, "gradient", record="GeneralizedDice")


# --- errors, presets ------------------------------------------------------------------------------------


def test_a_mode_that_does_not_fit_says_which_does():
    labels, logits = np.zeros((2, 4, 4)), np.zeros((2, 4, 4, 21), "float32")
    with pytest.raises(ValueError, match="21 channels.*mode='multiclass'"):
        kl.Dice()(labels, logits)
    with pytest.raises(ValueError, match="mode='multilabel'"):
        kl.Dice(mode="multiclass")(np.zeros((2, 4, 4, 21)), logits)
    with pytest.raises(ValueError, match="mode='binary'"):
        kl.Jaccard(mode="multiclass")(labels, np.zeros((2, 4, 4, 1), "float32"))


def test_refused_options_name_the_argument():
    with pytest.raises(ValueError, match="`class_weight`.*binary"):
        kl.Dice(class_weight=[1.0, 2.0])
    with pytest.raises(ValueError, match="`from_logits`"):
        kl.Lovasz(mode="binary", from_logits=False)
    with pytest.raises(ValueError, match="`mode`"):
        kl.Lovasz(mode="multilabel")
    with pytest.raises(ValueError, match="`class_weight`"):
        kl.Dice(mode="multiclass", class_weight=[0.0, 0.0])


@pytest.mark.parametrize(
    "name,cls,preset",
    [
        ("focal_tversky", kl.Tversky, {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}),
        ("lovasz_hinge", kl.Lovasz, {"mode": "binary"}),
        ("lovasz_softmax", kl.Lovasz, {"mode": "multiclass"}),
    ],
)
def test_preset_aliases_carry_their_options(name, cls, preset):
    for loss in (kl.get(name), keras.losses.get(name)):
        assert type(loss) is cls
        assert {k: loss.get_config()[k] for k in preset} == preset  # stored explicitly in the config
    assert kl.get(name, reduction="sum").reduction == "sum"
    assert keras.losses.get(name) is not keras.losses.get(name)  # a fresh instance each time


@pytest.mark.parametrize("mode", ["multiclass", "multilabel"])
def test_other_modes_train_save_and_load(mode, tmp_path, rng):
    """The conformance suite fits the binary mode; the other modes by string, here, with a per-image mean."""
    y_true, _ = MODE_INPUTS[mode]()(rng, (8, 4, 4, C))
    x = rng.normal(size=(8, 4, 4, 2)).astype("float32")
    inputs = keras.Input((4, 4, 2))
    model = keras.Model(inputs, keras.layers.Conv2D(C, 1)(inputs))
    loss = kl.Dice(mode=mode, from_logits=True, per_image=True)
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss=loss)
    history = model.fit(x, y_true.astype("float32"), sample_weight=np.linspace(0.5, 1.5, 8), epochs=2, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = keras.saving.load_model(path)
    assert loaded.loss.get_config() == loss.get_config()
    np.testing.assert_allclose(loaded.evaluate(x, y_true, verbose=0), model.evaluate(x, y_true, verbose=0), 1e-6)


def test_bad_labels_make_the_value_nan(rng):
    labels, logits = multiclass_inputs()(rng, SHAPE)
    labels[2, 0, 0] = C  # out of range
    for loss in (kl.Dice(mode="multiclass", from_logits=True), kl.Lovasz(mode="multiclass", from_logits=True)):
        assert np.isnan(to_numpy(loss(labels, logits)))
    values = to_numpy(kl.Jaccard(mode="multiclass", per_image=True, reduction="none")(labels, logits))
    assert np.isnan(values[2]) and np.all(np.isfinite(values[:2]))
    assert BACKEND  # every backend runs this module


def test_segmentation_example_runs_on_this_backend(tmp_path):
    """The example trains both losses, prints per-class IoU and writes its PNG (a short run)."""

    output = tmp_path / "segmentation.png"
    stdout = run_example("segmentation.py", "--epochs", "2", "--images", "160", "--output", str(output))
    assert f"backend: {keras.backend.backend()}" in stdout
    lines = [line for line in stdout.splitlines() if "cross (rare)" in line]
    assert len(lines) == 2 and output.stat().st_size > 10_000
