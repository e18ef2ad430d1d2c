"""Oracle tests for the classification family: values and gradients, every option and reduction.

References are PyTorch in float64 (autograd), NumPy transcriptions of the
papers' formulas (finite differences), optax (jitted, float32) and Keras's
built-ins on the current backend.
"""

from __future__ import annotations

import keras
import numpy as np
import pytest
import torch
import torch.nn.functional as F

import keras_losses as kl
from tests.cases import softmax as _softmax
from tests.helpers import (
    BACKEND,
    GRAD_RTOL,
    VALUE_RTOL,
    assert_close,
    to_numpy,
    value_and_grads,
)
from tests.oracle import Oracle, assert_same_as_keras, check_oracle, oracle_params

C = 5  # classes in the (6, 5) inputs of the oracle table

# --- inputs: (rng, shape) -> (y_true, y_pred) ----------------------------------------------------


def binary_probs(rng, shape):
    return rng.integers(0, 2, shape).astype("float64"), rng.uniform(0.02, 0.98, shape)


def binary_logits_with_zeros(rng, shape):
    """Logits of exactly 0 (a zero-initialised head), where separate subgradients of relu and abs would disagree."""
    labels, logits = binary_logits(rng, shape)
    logits[rng.uniform(size=shape) < 0.4] = 0.0
    return labels, logits


def soft_binary_logits(rng, shape):
    return rng.uniform(0, 1, shape), rng.normal(0, 3, shape)


def binary_logits(rng, shape):
    return rng.integers(0, 2, shape).astype("float64"), rng.normal(0, 3, shape)


def onehot_probs(rng, shape):
    return np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])], _softmax(rng.normal(0, 1.5, shape))


def soft_logits(rng, shape):
    return rng.dirichlet(np.ones(shape[-1]), shape[:-1]), rng.normal(0, 2, shape)


def onehot_logits(rng, shape):
    return np.eye(shape[-1])[rng.integers(0, shape[-1], shape[:-1])], rng.normal(0, 2, shape)


def multi_hot_logits(rng, shape):
    """Targets that do not sum to 1 (multi-label): a fused softmax cross-entropy's gradient is wrong there."""
    return rng.integers(0, 2, shape).astype("float64"), rng.normal(0, 2, shape)


def distributions(rng, shape):
    return rng.dirichlet(np.ones(shape[-1]), shape[:-1]), _softmax(rng.normal(0, 1, shape))


def target_and_log_input(rng, shape):
    t, q = distributions(rng, shape)
    return t, np.log(q)


def log_distributions(rng, shape):
    t, q = distributions(rng, shape)
    return np.log(t), np.log(q)


def labels_probs(rng, shape):
    return rng.integers(0, shape[-1], shape[:-1]).astype("float64"), _softmax(rng.normal(0, 1.5, shape))


def labels_logits(rng, shape):
    return rng.integers(0, shape[-1], shape[:-1]).astype("float64"), rng.normal(0, 2, shape)


def labels_with_ignored(rng, shape, ignored=-100):
    labels, logits = labels_logits(rng, shape)
    labels[rng.uniform(size=labels.shape) < 0.3] = ignored
    labels.reshape(-1)[0] = 1  # never all ignored here (that case is in the conformance suite)
    return labels, logits


def labels_log_probs(rng, shape):
    labels, logits = labels_logits(rng, shape)
    return labels, np.log(_softmax(logits))


def labels_log_probs_ignored(rng, shape):
    labels, log_p = labels_log_probs(rng, shape)
    labels[rng.uniform(size=labels.shape) < 0.3] = -1
    labels.reshape(-1)[0] = 0
    return labels, log_p


def signs(rng, shape):
    return rng.choice([-1.0, 1.0], shape), rng.normal(0, 1.5, shape)


def zero_one_signs(rng, shape):
    return rng.integers(0, 2, shape).astype("float64"), rng.normal(0, 1.5, shape)


def multilabel_indices(rng, shape):
    n, c = shape
    rows = []
    for _ in range(n):
        k = rng.integers(0, c + 1)  # 0 to C labels, then -1 and junk after it
        row = list(rng.permutation(c)[:k]) + [-1] * (c - k)
        if k < c - 1:
            row[k + 1] = rng.integers(0, c)  # after the -1: must be ignored
        rows.append(row)
    return np.array(rows, "float64"), rng.normal(0, 1, shape)


# --- float64 references ----------------------------------------------------------------------------


def smooth(t, e, classes):
    return t * (1 - e) + e / classes


def np_log_probs(p, from_logits):
    if from_logits:
        return p - np.log(np.sum(np.exp(p - p.max(-1, keepdims=True)), -1, keepdims=True)) - p.max(-1, keepdims=True)
    return np.log(p / p.sum(-1, keepdims=True))


def np_bce(t, p, from_logits=False, pos_weight=None, label_smoothing=0.0):
    t = smooth(t, label_smoothing, 2)
    pw = 1.0 if pos_weight is None else np.asarray(pos_weight)
    if from_logits:
        log_p, log_q = -np.logaddexp(0, -p), -np.logaddexp(0, p)
    else:
        log_p, log_q = np.log(p), np.log(1 - p)
    return np.mean(-(pw * t * log_p + (1 - t) * log_q), -1)


def np_balanced_bce(t, p, from_logits=False, beta=None):
    """Xie and Tu 2015, eq. 2: beta = |Y-| / |Y| per image (averaged instead of summed)."""
    if from_logits:
        p = 1 / (1 + np.exp(-p))
    beta = np.mean(1 - t, -1, keepdims=True) if beta is None else beta
    return np.mean(-(beta * t * np.log(p) + (1 - beta) * (1 - t) * np.log(1 - p)), -1)


def np_binary_focal(t, p, gamma, alpha, from_logits=False, label_smoothing=0.0, apply_class_balancing=False):
    """Lin et al. 2017, eq. 5, with soft labels as in Keras: p_t = y p + (1 - y)(1 - p)."""
    t = smooth(t, label_smoothing, 2)
    prob = 1 / (1 + np.exp(-p)) if from_logits else p
    ce = np_bce(t[..., None], p[..., None], from_logits)
    p_t = t * prob + (1 - t) * (1 - prob)
    a_t = 1.0 if alpha is None or not apply_class_balancing else alpha * t + (1 - alpha) * (1 - t)
    return np.mean(a_t * (1 - p_t) ** gamma * ce, -1)


def np_categorical_focal(t, p, gamma, alpha, from_logits=False, label_smoothing=0.0):
    t = smooth(t, label_smoothing, t.shape[-1])
    log_p = np_log_probs(p, from_logits)
    a = 1.0 if alpha is None else np.asarray(alpha)
    return np.sum(-a * (1 - np.exp(log_p)) ** gamma * t * log_p, -1)


def np_sparse_focal(t, p, gamma, alpha, from_logits=False, ignore_index=None):
    labels = t.astype(int)
    valid = labels != ignore_index if ignore_index is not None else np.ones(labels.shape, bool)
    safe = np.where(valid, labels, 0)
    log_p = np.take_along_axis(np_log_probs(p, from_logits), safe[..., None], -1)[..., 0]
    a = 1.0 if alpha is None else (np.asarray(alpha)[safe] if np.ndim(alpha) else alpha)
    return np.where(valid, -a * (1 - np.exp(log_p)) ** gamma * log_p, 0.0)


def np_poly(t, p, epsilon, from_logits=False, label_smoothing=0.0):
    """Leng et al. 2022, eq. 3 (Poly-1): CE + epsilon * (1 - p_t), p_t = <y, p>."""
    t = smooth(t, label_smoothing, t.shape[-1])
    log_p = np_log_probs(p, from_logits)
    return np.sum(-t * log_p, -1) + epsilon * np.sum(t * (1 - np.exp(log_p)), -1)


def np_kl(t, p):
    """keras.losses.kl_divergence: both sides clipped to [eps, 1]."""
    t, p = np.clip(t, 1e-7, 1), np.clip(p, 1e-7, 1)
    return np.sum(t * np.log(t / p), -1)


def hinge_sign(t):
    return 2 * t - 1 if np.all((t == 0) | (t == 1)) else t


def np_categorical_hinge(t, p):
    return np.maximum(np.max((1 - t) * p, -1) - np.sum(t * p, -1) + 1, 0)


def torch_cross_entropy(t, x, from_logits=True, **kwargs):
    logits = x if from_logits else torch.log(x)  # log_softmax(log p) = log p for normalised p
    return F.cross_entropy(logits, t, reduction="none", **kwargs)


def _weight(w):
    return None if w is None else torch.tensor(w, dtype=torch.float64)


def _label_effective(ignore_index=None, class_weight=None):
    def effective(t):
        labels = t.astype(int)
        valid = None if ignore_index is None else labels != ignore_index
        safe = labels if valid is None else np.where(valid, labels, 0)
        weight = None if class_weight is None else np.asarray(class_weight)[safe] * (1 if valid is None else valid)
        return weight, valid

    return effective


W = [1.0, 2.0, 0.5, 0.0, 3.0]  # class weights, one class weighted 0


def np_generalized_ce(t, p, q=0.5, from_logits=False, ignore_index=None, class_weight=None):
    """Zhang & Sabuncu 2018 in float64: (1 - p_t**q) / q (Keras's, probabilities as given)."""
    labels = t.astype(int)
    valid = np.ones(labels.shape, bool) if ignore_index is None else labels != ignore_index
    safe = np.where(valid, labels, 0)
    probabilities = _softmax(p) if from_logits else p
    p_t = np.take_along_axis(probabilities, safe[..., None], -1)[..., 0]
    values = (1.0 - p_t**q) / q
    if class_weight is not None:
        values = values * np.asarray(class_weight)[safe]
    return np.where(valid, values, 0.0)


def np_sparsemax(z):
    """Martins & Astudillo 2016, Algorithm 1 (float64)."""
    descending = -np.sort(-z, axis=-1)
    k = np.arange(1, z.shape[-1] + 1)
    cumulative = np.cumsum(descending, -1)
    size = np.sum(1 + k * descending > cumulative, -1, keepdims=True)
    tau = (np.take_along_axis(cumulative, size - 1, -1) - 1) / size
    return np.maximum(z - tau, 0.0)


def np_sparsemax_loss(q, z):
    """Martins & Astudillo's loss in their form: -q·z + ½ Σ_{j∈S} (z_j² - τ²) + ½‖q‖²."""
    p = np_sparsemax(z)
    support = p > 0
    tau = np.max(np.where(support, z - p, -np.inf), -1, keepdims=True)  # z_j - p_j = τ on the support
    squares = np.sum(np.where(support, z**2 - tau**2, 0.0), -1)
    return -np.sum(q * z, -1) + 0.5 * squares + 0.5 * np.sum(q**2, -1)


ORACLES = [
    # BinaryCrossentropy: torch (probabilities and logits, pos_weight scalar and per class), numpy.
    *[
        Oracle(
            kl.BinaryCrossentropy,
            {"label_smoothing": e},
            lambda t, p, e=e: F.binary_cross_entropy(p, smooth(t, e, 2), reduction="none").mean(-1),
            binary_probs,
            "torch",
        )
        for e in (0.0, 0.2)
    ],
    *[
        Oracle(
            kl.BinaryCrossentropy,
            {"from_logits": True, "pos_weight": pw, "label_smoothing": e},
            lambda t, p, pw=pw, e=e: F.binary_cross_entropy_with_logits(
                p, smooth(t, e, 2), pos_weight=_weight(pw), reduction="none"
            ).mean(-1),
            inputs,
            "torch",
        )
        for pw in (None, 3.0, [0.5, 1.0, 2.0, 0.0, 4.0])
        for e in (0.0, 0.1)
        for inputs in (binary_logits, soft_binary_logits)
    ],
    Oracle(
        kl.BinaryCrossentropy,
        {"pos_weight": [0.5, 1.0, 2.0, 0.0, 4.0], "label_smoothing": 0.1},
        lambda t, p: np_bce(t, p, pos_weight=[0.5, 1.0, 2.0, 0.0, 4.0], label_smoothing=0.1),
        binary_probs,
    ),
    *[
        Oracle(kl.BalancedBinaryCrossentropy, o, lambda t, p, o=o: np_balanced_bce(t, p, **o), inputs)
        for o, inputs in [
            ({}, binary_probs),
            ({"from_logits": True}, binary_logits),
            ({"beta": 0.8}, binary_probs),
            ({"from_logits": True, "beta": 0.1}, soft_binary_logits),
        ]
    ],
    # CategoricalCrossentropy: torch cross_entropy with probability targets.
    *[
        Oracle(
            kl.CategoricalCrossentropy,
            {"from_logits": from_logits, "label_smoothing": e, "class_weight": w},
            lambda t, p, o=(from_logits, e, w): torch_cross_entropy(
                t, p, o[0], label_smoothing=o[1], weight=_weight(o[2])
            ),
            inputs,
            "torch",
        )
        for from_logits, inputs in ((False, onehot_probs), (True, soft_logits))
        for e in (0.0, 0.15)
        for w in (None, W)
    ],
    Oracle(
        kl.CategoricalCrossentropy,
        {"from_logits": True},
        lambda t, p: torch_cross_entropy(t, p, True),
        multi_hot_logits,
        "torch",
    ),
    # SparseCategoricalCrossentropy: torch cross_entropy with index targets (weight, ignore_index, smoothing).
    *[
        Oracle(
            kl.SparseCategoricalCrossentropy,
            {"from_logits": from_logits, "ignore_index": ii, "class_weight": w, "label_smoothing": e},
            lambda t, p, o=(from_logits, ii, w, e): torch_cross_entropy(
                t.long(),
                p,
                o[0],
                ignore_index=-100 if o[1] is None else o[1],
                weight=_weight(o[2]),
                label_smoothing=o[3],
            ),
            inputs,
            "torch",
            _label_effective(ii, w),
        )
        for from_logits, inputs, ii in (
            (False, labels_probs, None),
            (True, labels_logits, None),
            (True, labels_with_ignored, -100),
            (False, labels_probs, 2),  # an ignored class inside the class range
        )
        for w in (None, W)
        for e in (0.0, 0.1)
    ],
    *[
        Oracle(
            kl.NegativeLogLikelihood,
            {"ignore_index": ii, "class_weight": w},
            lambda t, p, o=(ii, w): F.nll_loss(
                p, t.long(), weight=_weight(o[1]), ignore_index=-100 if o[0] is None else o[0], reduction="none"
            ),
            labels_log_probs if ii is None else labels_log_probs_ignored,
            "torch",
            _label_effective(ii, w),
        )
        for ii in (None, -1)
        for w in (None, W)
    ],
    Oracle(kl.KLDivergence, {}, np_kl, distributions),
    *[
        Oracle(
            kl.KLDivergence,
            {"log_input": True, "log_target": lt},
            lambda t, p, lt=lt: F.kl_div(p, t, reduction="none", log_target=lt).sum(-1),
            log_distributions if lt else target_and_log_input,
            "torch",
        )
        for lt in (False, True)
    ],
    Oracle(
        kl.KLDivergence,
        {"log_target": True},
        lambda t, p: np_kl(np.exp(t), p),
        lambda rng, shape: (lambda t, q: (np.log(t), q))(*distributions(rng, shape)),
    ),
    *[
        Oracle(kl.BinaryFocalCrossentropy, o, lambda t, p, o=o: np_binary_focal(t, p, **o), inputs)
        for o, inputs in [
            ({"gamma": 2.0, "alpha": 0.25}, binary_probs),  # Keras's default: no balancing
            ({"apply_class_balancing": True, "gamma": 2.0, "alpha": 0.25}, binary_probs),
            ({"apply_class_balancing": True, "gamma": 2.0, "alpha": 0.25, "from_logits": True}, binary_logits),
            ({"gamma": 1.5, "alpha": 0.25, "from_logits": True}, binary_logits_with_zeros),
            ({"gamma": 0.5, "alpha": None, "from_logits": True, "label_smoothing": 0.1}, soft_binary_logits),
            ({"apply_class_balancing": True, "gamma": 3.0, "alpha": 0.9, "label_smoothing": 0.2}, binary_probs),
            ({"apply_class_balancing": True, "gamma": 0.0, "alpha": None}, binary_probs),
        ]
    ],
    *[
        Oracle(kl.CategoricalFocalCrossentropy, o, lambda t, p, o=o: np_categorical_focal(t, p, **o), inputs)
        for o, inputs in [
            ({"gamma": 2.0, "alpha": 0.25}, onehot_probs),
            ({"gamma": 2.0, "alpha": [0.1, 0.2, 0.3, 0.2, 0.2], "from_logits": True}, soft_logits),
            ({"gamma": 0.5, "alpha": None, "from_logits": True, "label_smoothing": 0.1}, onehot_logits),
            ({"gamma": 0.0, "alpha": None, "label_smoothing": 0.2}, onehot_probs),
        ]
    ],
    *[
        Oracle(
            kl.SparseCategoricalFocalCrossentropy,
            o,
            lambda t, p, o=o: np_sparse_focal(t, p, **o),
            inputs,
            effective=_label_effective(o.get("ignore_index")),
        )
        for o, inputs in [
            ({"gamma": 2.0, "alpha": 0.25}, labels_probs),
            ({"gamma": 2.0, "alpha": [0.1, 0.2, 0.3, 0.2, 0.2], "from_logits": True}, labels_logits),
            ({"gamma": 0.5, "alpha": None, "from_logits": True, "ignore_index": -100}, labels_with_ignored),
        ]
    ],
    *[
        Oracle(kl.PolyCrossentropy, o, lambda t, p, o=o: np_poly(t, p, **o), inputs)
        for o, inputs in [
            ({"epsilon": 1.0}, onehot_probs),
            ({"epsilon": 2.0, "from_logits": True}, soft_logits),
            ({"epsilon": -1.0, "from_logits": True, "label_smoothing": 0.1}, onehot_logits),
        ]
    ],
    *[
        Oracle(kl.Hinge, {}, lambda t, p: np.mean(np.maximum(1 - hinge_sign(t) * p, 0), -1), inputs)
        for inputs in (signs, zero_one_signs)
    ],
    *[
        Oracle(kl.SquaredHinge, {}, lambda t, p: np.mean(np.maximum(1 - hinge_sign(t) * p, 0) ** 2, -1), inputs)
        for inputs in (signs, zero_one_signs)
    ],
    Oracle(kl.CategoricalHinge, {}, np_categorical_hinge, onehot_logits),
    *[
        Oracle(
            kl.MultiMargin,
            {"p": p, "margin": m, "class_weight": w},
            lambda t, x, o=(p, m, w): F.multi_margin_loss(
                x, t.long(), p=o[0], margin=o[1], weight=_weight(o[2]), reduction="none"
            ),
            labels_logits,
            "torch",
        )
        for p in (1, 2)
        for m in (1.0, 0.3)
        for w in (None, W)
    ],
    Oracle(
        kl.MultiLabelMargin,
        {},
        lambda t, x: F.multilabel_margin_loss(x, t.long(), reduction="none"),
        multilabel_indices,
        "torch",
    ),
    Oracle(kl.SoftMargin, {}, lambda t, x: F.soft_margin_loss(x, t, reduction="none").mean(-1), signs, "torch"),
    *[
        Oracle(
            kl.CategoricalGeneralizedCrossEntropy,
            {"q": q, "from_logits": from_logits, "ignore_index": ii, "class_weight": w},
            lambda t, p, o=(q, from_logits, ii, w): np_generalized_ce(t, p, *o),
            inputs,
            effective=_label_effective(ii, w),
        )
        for q, from_logits, inputs, ii, w in (
            (0.5, False, labels_probs, None, None),
            (0.8, True, labels_logits, None, W),
            (0.2, True, labels_with_ignored, -100, None),
        )
    ],
    *[
        Oracle(kl.Sparsemax, {}, np_sparsemax_loss, inputs)
        for inputs in (soft_logits, onehot_logits)  # soft targets: Martins's general q
    ],
    *[
        Oracle(
            kl.MultiLabelSoftMargin,
            {"class_weight": w},
            lambda t, x, w=w: F.multilabel_soft_margin_loss(x, t, weight=_weight(w), reduction="none"),
            binary_logits,
            "torch",
        )
        for w in (None, W)
    ],
]


@pytest.mark.parametrize("oracle,reduction,weighting", oracle_params(ORACLES))
def test_matches_oracle(oracle, reduction, weighting, rng):
    check_oracle(oracle, rng, reduction, weighting)


def test_every_classification_loss_has_an_oracle():
    covered = {o.cls for o in ORACLES}
    missing = [name for name in kl.classification.__all__ if name[0].isupper() and getattr(kl, name) not in covered]
    assert not missing


# --- PyTorch's own reduction, N-d inputs, class axis 1 ----------------------------------------------


@pytest.mark.parametrize("smoothing", [0.0, 0.1])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_weighted_mean_is_torch_mean_nd(weighted, smoothing, rng):
    """(N, C, d1, d2) logits with the class axis at 1, as torch takes them."""
    logits = rng.normal(0, 2, (3, C, 4, 2))
    labels = rng.integers(0, C, (3, 4, 2))
    labels[rng.uniform(size=labels.shape) < 0.25] = -100
    weight = np.array(W) if weighted else None
    x = torch.tensor(logits, requires_grad=True)
    expected = F.cross_entropy(
        x, torch.tensor(labels), weight=_weight(weight), ignore_index=-100, label_smoothing=smoothing
    )
    expected.backward()
    loss = kl.SparseCategoricalCrossentropy(
        from_logits=True,
        ignore_index=-100,
        class_weight=None if weight is None else weight.tolist(),
        label_smoothing=smoothing,
        axis=1,
        reduction="weighted_mean",
    )
    value, (grad,) = value_and_grads(lambda t, p: loss(t, p), [labels.astype("float32"), logits.astype("float32")], [1])
    assert_close(value, expected.item(), VALUE_RTOL)
    assert_close(grad, x.grad.numpy(), GRAD_RTOL, "gradient")
    # The default reduction: the mean over the positions that are not ignored.
    unweighted = kl.SparseCategoricalCrossentropy(from_logits=True, ignore_index=-100, axis=1)
    per_position = F.cross_entropy(torch.tensor(logits), torch.tensor(labels), reduction="none")
    assert_close(
        to_numpy(unweighted(labels, logits.astype("float32"))),
        per_position[torch.tensor(labels) != -100].mean().item(),
        VALUE_RTOL,
    )


def test_nll_weighted_mean_is_torch_mean_nd(rng):
    log_p = np.log(_softmax(rng.normal(0, 2, (3, 4, 2, C))))
    labels = rng.integers(0, C, (3, 4, 2))
    labels[0, 0, 0] = 7  # ignored
    expected = F.nll_loss(
        torch.tensor(np.moveaxis(log_p, -1, 1)), torch.tensor(labels), weight=_weight(W), ignore_index=7
    ).item()
    loss = kl.NegativeLogLikelihood(ignore_index=7, class_weight=W, reduction="weighted_mean")
    assert_close(to_numpy(loss(labels, log_p.astype("float32"))), expected, VALUE_RTOL)


def test_pos_weight_matches_tf_weighted_cross_entropy(rng):
    import tensorflow as tf

    labels, logits = rng.integers(0, 2, (6, 5)).astype("float64"), rng.normal(0, 3, (6, 5))
    expected = tf.nn.weighted_cross_entropy_with_logits(labels, logits, pos_weight=2.5).numpy().mean(-1)
    got = kl.binary_crossentropy(labels.astype("float32"), logits.astype("float32"), from_logits=True, pos_weight=2.5)
    assert_close(to_numpy(got), expected, VALUE_RTOL)


def test_kl_batchmean_is_our_default_reduction(rng):
    t, q = distributions(rng, (6, C))
    expected = F.kl_div(torch.tensor(np.log(q)), torch.tensor(t), reduction="batchmean").item()
    got = kl.KLDivergence(log_input=True)(t.astype("float32"), np.log(q).astype("float32"))
    assert_close(to_numpy(got), expected, VALUE_RTOL)


# --- optax ------------------------------------------------------------------------------------------


def _optax_value_and_grad(fn, *args):
    """optax in float32 under jit: value and gradient with respect to the first argument."""
    import jax

    value, grad = jax.jit(jax.value_and_grad(lambda x, *rest: fn(x, *rest).sum()))(*args)
    return np.asarray(value), np.asarray(grad)


def _ours_value_and_grad(fn, y_true, y_pred):
    return value_and_grads(lambda t, p: keras.ops.sum(fn(t, p)), [y_true, y_pred], wrt=[1])


@pytest.mark.parametrize("gamma,alpha", [(2.0, 0.25), (0.0, None), (1.5, None), (3.0, 0.8)])
def test_binary_focal_matches_optax_sigmoid_focal_loss(gamma, alpha, rng):
    import optax

    labels, logits = (x.astype("float32") for x in binary_logits(rng, (6, 5)))
    expected = _optax_value_and_grad(
        lambda x, y: optax.losses.sigmoid_focal_loss(x, y, alpha=alpha, gamma=gamma), logits, labels
    )
    # optax is elementwise; ours averages the last axis (Keras): compare sums over the batch.
    got = _ours_value_and_grad(
        lambda t, p: kl.binary_focal_crossentropy(t, p, True, alpha, gamma, from_logits=True) * 5, labels, logits
    )
    assert_close(got[0], expected[0], VALUE_RTOL)
    assert_close(got[1][0], expected[1], GRAD_RTOL, "gradient")


@pytest.mark.parametrize("from_logits", [False, True])
def test_binary_focal_reproduces_tf_addons_published_ratios(from_logits):
    """TF-Addons' focal_loss_test: gamma=2 divides BCE by 10^3, 10^2, 10 as p_t falls from 0.97 to 0.73."""
    p = np.array([[0.97], [0.91], [0.73], [0.27], [0.09], [0.03]], "float32")
    y = np.array([[1], [1], [1], [0], [0], [0]], "float32")
    y_pred = np.log(p / (1.0 - p)) if from_logits else p
    bce = to_numpy(kl.binary_crossentropy(y, y_pred, from_logits=from_logits))
    focal = to_numpy(kl.binary_focal_crossentropy(y, y_pred, gamma=2.0, alpha=None, from_logits=from_logits))
    np.testing.assert_allclose(10.0 ** np.floor(np.log10(bce / focal)), [1000, 100, 10, 10, 100, 1000])
    plain = to_numpy(kl.binary_focal_crossentropy(y, y_pred, gamma=0.0, alpha=None, from_logits=from_logits))
    np.testing.assert_allclose(plain, bce, rtol=1e-6)


@pytest.mark.parametrize("epsilon", [1.0, 2.0, -1.0])
def test_poly_matches_optax(epsilon, rng):
    import optax

    labels, logits = (x.astype("float32") for x in soft_logits(rng, (6, C)))
    expected = _optax_value_and_grad(
        lambda x, y: optax.losses.poly_loss_cross_entropy(x, y, epsilon=epsilon), logits, labels
    )
    got = _ours_value_and_grad(
        lambda t, p: kl.poly_crossentropy(t, p, epsilon=epsilon, from_logits=True), labels, logits
    )
    assert_close(got[0], expected[0], VALUE_RTOL)
    assert_close(got[1][0], expected[1], GRAD_RTOL, "gradient")


def test_sparse_matches_optax_integer_labels(rng):
    import optax

    labels, logits = labels_logits(rng, (6, C))
    expected = _optax_value_and_grad(
        optax.softmax_cross_entropy_with_integer_labels, logits.astype("float32"), labels.astype("int32")
    )
    got = _ours_value_and_grad(
        lambda t, p: kl.sparse_categorical_crossentropy(t, p, from_logits=True),
        labels.astype("float32"),
        logits.astype("float32"),
    )
    assert_close(got[0], expected[0], VALUE_RTOL)
    assert_close(got[1][0], expected[1], GRAD_RTOL, "gradient")


# --- property identities -------------------------------------------------------------------------------


def test_identities(rng):
    onehot, logits = (x.astype("float32") for x in onehot_logits(rng, (6, C)))
    labels = onehot.argmax(-1).astype("float32")
    ce = to_numpy(kl.categorical_crossentropy(onehot, logits, from_logits=True))
    # focal with gamma = 0 and alpha = None is cross-entropy; sparse forms equal the one-hot forms.
    focal0 = kl.categorical_focal_crossentropy(onehot, logits, gamma=0.0, alpha=None, from_logits=True)
    assert_close(to_numpy(focal0), ce, VALUE_RTOL)
    assert_close(to_numpy(kl.sparse_categorical_crossentropy(labels, logits, from_logits=True)), ce, VALUE_RTOL)
    assert_close(to_numpy(kl.poly_crossentropy(onehot, logits, epsilon=0.0, from_logits=True)), ce, VALUE_RTOL)
    alpha = [0.1, 0.2, 0.3, 0.2, 0.2]
    sparse_focal = kl.sparse_categorical_focal_crossentropy(labels, logits, gamma=2.0, alpha=alpha, from_logits=True)
    dense_focal = kl.categorical_focal_crossentropy(onehot, logits, gamma=2.0, alpha=alpha, from_logits=True)
    assert_close(to_numpy(sparse_focal), to_numpy(dense_focal), VALUE_RTOL)
    # NLL of log_softmax is sparse cross-entropy.
    log_p = to_numpy(keras.ops.log_softmax(logits))
    assert_close(to_numpy(kl.negative_log_likelihood(labels, log_p)), ce, VALUE_RTOL)
    # Binary focal with gamma = 0 and alpha = None is binary cross-entropy.
    t, x = (v.astype("float32") for v in binary_logits(rng, (6, 5)))
    bce = to_numpy(kl.binary_crossentropy(t, x, from_logits=True))
    assert_close(to_numpy(kl.binary_focal_crossentropy(t, x, gamma=0.0, alpha=None, from_logits=True)), bce, VALUE_RTOL)
    # Masking equals slicing: ignored labels do not change the mean of the others.
    ignored = labels.copy()
    ignored[:2] = -1
    loss = kl.SparseCategoricalCrossentropy(from_logits=True, ignore_index=-1)
    assert_close(to_numpy(loss(ignored, logits)), to_numpy(loss(labels[2:], logits[2:])), VALUE_RTOL)


def test_labels_up_to_2_pow_24_are_exact():
    """Float labels from Keras: class 16777215 (2**24 - 1) is read as itself, also with a float16 loss.

    Every logit but two is -1e4, whose exp is exactly 0 in float32, so the
    value does not depend on how a kernel orders its sum over 2**24 classes:
    log(1 + e**-2) for the right label, 2 + log(1 + e**-2) for its neighbour
    and about 1e4 for any other class.
    """
    classes = 2**24
    logits = np.full((1, classes), -1e4, "float32")
    logits[0, classes - 1] = 5.0
    logits[0, classes - 2] = 3.0
    expected = float(np.log1p(np.exp(-2.0)))
    for dtype in ("float32", "float16"):
        loss = kl.SparseCategoricalCrossentropy(from_logits=True, dtype=dtype)
        value = float(to_numpy(loss(np.array([classes - 1], "float32"), logits)))
        assert abs(value - expected) < 1e-5, (dtype, value, expected)


# --- one number on every backend for probabilities, saturated ones included ---------------------------

SATURATED = np.array([[0.0, 1.0, 1.0 / (1.0 + np.exp(30.0)), 1.0 / (1.0 + np.exp(-30.0)), 0.5]], "float32")
SATURATED_LABELS = np.array([[1.0, 0.0, 1.0, 0.0, 1.0]], "float32")


def saturated_reference():
    """Keras's documented rule for probabilities: clip to [eps, 1 - eps], in float32."""
    p = np.clip(SATURATED, np.float32(1e-7), np.float32(1 - 1e-7)).astype("float64")
    t = SATURATED_LABELS.astype("float64")
    return np.mean(-(t * np.log(p) + (1 - t) * np.log(1 - p)), -1)


def test_saturated_probabilities_give_the_documented_number():
    loss = kl.BinaryCrossentropy(reduction="none")
    value, (grad,) = value_and_grads(lambda t, p: keras.ops.sum(loss(t, p)), [SATURATED_LABELS, SATURATED], wrt=[1])
    assert_close(value, saturated_reference().sum(), VALUE_RTOL)
    assert np.all(np.isfinite(grad))


def test_sigmoid_output_in_a_model_gives_the_same_number_on_every_backend():
    """Keras's TF backend reads the logits behind a sigmoid output; ours uses the probabilities."""
    inputs = keras.Input((1,))
    logits = keras.layers.Dense(5, use_bias=False, kernel_initializer="zeros")(inputs)
    model = keras.Model(inputs, keras.layers.Activation("sigmoid")(logits))
    model.layers[1].set_weights([np.array([[-1e4, 1e4, -30.0, 30.0, 0.0]], "float32")])
    x = np.ones((1, 1), "float32")
    model.compile(loss=kl.BinaryCrossentropy())
    ours = model.evaluate(x, SATURATED_LABELS, verbose=0)
    assert_close(ours, saturated_reference().mean(), VALUE_RTOL)
    if BACKEND == "tensorflow":  # the difference we remove: Keras's own loss reads the logits here
        model.compile(loss=keras.losses.BinaryCrossentropy())
        assert abs(model.evaluate(x, SATURATED_LABELS, verbose=0) - ours) > 1.0


# --- Keras built-ins on this backend ---------------------------------------------------------------------

KERAS_TWINS = [
    (kl.BinaryCrossentropy, keras.losses.BinaryCrossentropy, {"label_smoothing": 0.1}, binary_probs),
    (kl.BinaryCrossentropy, keras.losses.BinaryCrossentropy, {"from_logits": True}, binary_logits),
    (kl.CategoricalCrossentropy, keras.losses.CategoricalCrossentropy, {"label_smoothing": 0.1}, onehot_probs),
    (kl.CategoricalCrossentropy, keras.losses.CategoricalCrossentropy, {"from_logits": True}, soft_logits),
    (kl.SparseCategoricalCrossentropy, keras.losses.SparseCategoricalCrossentropy, {}, labels_probs),
    (
        kl.SparseCategoricalCrossentropy,
        keras.losses.SparseCategoricalCrossentropy,
        {"from_logits": True},
        labels_logits,
    ),
    (kl.KLDivergence, keras.losses.KLDivergence, {}, distributions),
    (kl.Hinge, keras.losses.Hinge, {}, zero_one_signs),
    (kl.SquaredHinge, keras.losses.SquaredHinge, {}, signs),
    (kl.CategoricalHinge, keras.losses.CategoricalHinge, {}, onehot_logits),
    (
        kl.CategoricalGeneralizedCrossEntropy,
        keras.losses.CategoricalGeneralizedCrossEntropy,
        {"q": 0.7},
        labels_probs,
    ),
]
KERAS_FOCAL_TWINS = [
    # Keras's binary focal computes from probabilities; ours from the logits: compare probabilities.
    (
        kl.BinaryFocalCrossentropy(True, 0.4, 2.0),
        keras.losses.BinaryFocalCrossentropy(True, 0.4, 2.0),
        binary_probs,
    ),
    (kl.BinaryFocalCrossentropy(gamma=1.0), keras.losses.BinaryFocalCrossentropy(gamma=1.0), binary_probs),
    (kl.CategoricalFocalCrossentropy(0.3, 1.5), keras.losses.CategoricalFocalCrossentropy(0.3, 1.5), onehot_probs),
]


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none"])
@pytest.mark.parametrize("ours,theirs,options,inputs", KERAS_TWINS, ids=lambda x: getattr(x, "__name__", str(x)))
def test_matches_keras_builtin(ours, theirs, options, inputs, reduction, rng):
    t, p = (x.astype("float32") for x in inputs(rng, (6, C)))
    weight = rng.uniform(0, 2, (6,)).astype("float32")
    cot = keras.ops.convert_to_tensor(rng.normal(size=(6,)).astype("float32"))
    pair = ours(**options, reduction=reduction), theirs(**options, reduction=reduction)
    assert_same_as_keras(*pair, t, p, weight, cot)


@pytest.mark.parametrize("ours,theirs,inputs", KERAS_FOCAL_TWINS, ids=lambda x: getattr(x, "name", ""))
def test_focal_matches_keras_builtin(ours, theirs, inputs, rng):
    t, p = (x.astype("float32") for x in inputs(rng, (6, C)))
    weight = np.ones((6,), "float32")
    assert_same_as_keras(ours, theirs, t, p, weight, None)


@pytest.mark.parametrize("from_logits", [True, False])
def test_all_zero_target_rows_have_no_gradient(from_logits):
    """Padding rows (all-zero targets) add nothing, value or gradient (Keras's fused TF op gives softmax there)."""
    y_true = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 0.0]], "float32")
    y_pred = np.array([[1.0, 2.0, 0.5], [0.3, -1.0, 2.0]], "float32")
    if not from_logits:
        y_pred = _softmax(y_pred).astype("float32")
    loss = kl.CategoricalCrossentropy(from_logits=from_logits, reduction="sum")
    value, (grad,) = value_and_grads(lambda t, p: loss(t, p), [y_true, y_pred], wrt=[1])
    single, (single_grad,) = value_and_grads(lambda t, p: loss(t, p), [y_true[:1], y_pred[:1]], wrt=[1])
    np.testing.assert_allclose(value, single, rtol=1e-6)
    np.testing.assert_allclose(grad[:1], single_grad, rtol=1e-6)
    np.testing.assert_array_equal(grad[1], np.zeros(3, "float32"))


# --- sparsemax: optax ----------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["labels", "onehot", "binary"])
def test_sparsemax_matches_optax(kind, rng):
    import jax
    import jax.numpy as jnp
    import optax

    if kind == "binary":
        scores = rng.normal(0, 1.5, (8, 1)).astype("float32")
        labels = rng.integers(0, 2, (8, 1))

        def theirs(z):
            return optax.losses.sparsemax_loss(z, jnp.asarray(labels))[:, 0]

        y_true, loss = labels.astype("float32"), kl.Sparsemax()
    else:
        scores = rng.normal(0, 1.5, (8, C)).astype("float32")
        labels = rng.integers(0, C, 8)

        def theirs(z):
            return optax.losses.multiclass_sparsemax_loss(z, jnp.asarray(labels))

        sparse = kind == "labels"
        y_true = labels.astype("float32") if sparse else np.eye(C, dtype="float32")[labels]
        loss = kl.Sparsemax(sparse=sparse, reduction="none")
    cotangent = rng.normal(size=8).astype("float32")
    expected = np.asarray(theirs(jnp.asarray(scores)))
    expected_grad = np.asarray(jax.grad(lambda z: jnp.sum(theirs(z) * cotangent))(jnp.asarray(scores)))
    loss = kl.Sparsemax(sparse=kind == "labels", reduction="none")
    values = to_numpy(loss(y_true, scores))
    _, (grad,) = value_and_grads(
        lambda t, z: keras.ops.sum(loss(t, z) * keras.ops.convert_to_tensor(cotangent)), [y_true, scores], wrt=[1]
    )
    assert_close(values, expected, VALUE_RTOL, record="Sparsemax")
    assert_close(grad, expected_grad, GRAD_RTOL, "gradient", record="Sparsemax")


def test_sparsemax_is_exact_for_large_scores():
    """Shifted by the target's score, large scores do not cancel: a confident right answer is 0."""
    y_true, scores = np.array([[1.0, 0.0, 0.0]], "float32"), np.array([[1e4, 0.0, -1e4]], "float32")
    assert to_numpy(kl.sparsemax_loss(y_true, scores))[0] == 0.0
    wrong = to_numpy(kl.sparsemax_loss(y_true[:, ::-1].copy(), scores))[0]  # -z_y + z_max + 0 = 2e4 (p one-hot)
    assert_close(wrong, 2e4, 1e-7)
