"""What the registry-driven conformance suite needs to know about each loss.

Every registered loss must have a :class:`Case` here, keyed by class name:
``tests/test_conformance.py`` fails for a registered loss without one, so a
loss cannot be added without passing the conformance suite.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable

import numpy as np

BIG = 1e4  # "extreme" inputs: large errors, well inside float16's range


# --- inputs: (rng, lead, d) -> (y_true, y_pred) -------------------------------------------------------
# ``lead`` is the leading shape (batch first, then any time or space axes), ``d`` the size of the
# last axis (outputs or classes): one model output of shape ``lead + (d,)``.


def real_inputs(rng, lead, d=3):
    return rng.normal(0, 1, (*lead, d)), rng.normal(0, 1, (*lead, d))


def away_from_zero_inputs(rng, lead, d=3):
    """Targets of either sign, at least 0.5 from 0: relative errors stay well conditioned."""
    y_true = rng.choice([-1.0, 1.0], (*lead, d)) * rng.uniform(0.5, 3.0, (*lead, d))
    return y_true, rng.normal(0, 1, (*lead, d))


def rate_inputs(rng, lead, d=3):
    return rng.poisson(2.0, (*lead, d)).astype("float64"), rng.uniform(0.1, 3.0, (*lead, d))


def gaussian_inputs(rng, lead, d=3):
    mean, var = rng.normal(0, 1, (*lead, d)), rng.uniform(0.1, 2.0, (*lead, d))
    return rng.normal(0, 1, (*lead, d)), np.stack([mean, var], axis=1)


# Extreme inputs: huge errors both ways, exact zeros, and exact agreement.
REAL_EXTREMES = [
    (np.array([[BIG, -BIG, 0.0], [0.0, 0.0, 0.0]]), np.array([[-BIG, BIG, 0.0], [0.0, 0.0, 0.0]])),
    (np.array([[1.0, -2.0, 3.0], [BIG, BIG, BIG]]), np.array([[1.0, -2.0, 3.0], [BIG, BIG, BIG]])),
]
RATE_EXTREMES = [
    (np.array([[0.0, BIG, 0.0], [BIG, 0.0, 1.0]]), np.array([[0.0, 0.0, BIG], [BIG, BIG, 0.0]])),
]
# A log-rate of 80 is exp(80) ~ 5.5e34, near float32's end: beyond ~88 the true value itself overflows.
LOG_RATE_EXTREMES = [
    (np.array([[0.0, BIG, 0.0], [BIG, 0.0, 1.0]]), np.array([[-80.0, -80.0, 80.0], [80.0, 0.0, 0.0]])),
]
GAUSSIAN_EXTREMES = [
    (
        np.array([[BIG, -BIG, 0.0], [0.0, 1.0, 2.0]]),
        np.array([[[-BIG, BIG, 0.0], [0.0, 0.0, 0.0]], [[0.0, 1.0, 2.0], [BIG, BIG, 1.0]]]),
    ),
]


def softmax(x):
    e = np.exp(x - x.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


def binary_inputs(rng, lead, d=3):
    return rng.integers(0, 2, (*lead, d)).astype("float64"), rng.uniform(0.05, 0.95, (*lead, d))


def onehot_inputs(rng, lead, d=3):
    return np.eye(d)[rng.integers(0, d, lead)], softmax(rng.normal(0, 1, (*lead, d)))


def distribution_inputs(rng, lead, d=3):
    return softmax(rng.normal(0, 1, (*lead, d))), softmax(rng.normal(0, 1, (*lead, d)))


def label_inputs(rng, lead, d=3):
    return rng.integers(0, d, lead).astype("float64"), softmax(rng.normal(0, 1, (*lead, d)))


def sign_inputs(rng, lead, d=3):
    return rng.choice([-1.0, 1.0], (*lead, d)), rng.normal(0, 1, (*lead, d))


def margin_label_inputs(rng, lead, d=3):
    return rng.integers(0, d, lead).astype("float64"), rng.normal(0, 1, (*lead, d))


def multilabel_index_inputs(rng, lead, d=3):
    rows = [rng.permutation(d)[: rng.integers(1, d)].tolist() for _ in range(int(np.prod(lead)))]
    y_true = np.array([r + [-1] * (d - len(r)) for r in rows], "float64").reshape((*lead, d))
    return y_true, rng.normal(0, 1, (*lead, d))


PROB_EXTREMES = [
    (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([[0.0, 1.0, 1.0], [0.0, 1.0, 0.0]])),
]
LOGIT_BINARY_EXTREMES = [
    (np.array([[1.0, 0.0, 1.0], [0.0, 1.0, 0.0]]), np.array([[-BIG, BIG, BIG], [-BIG, BIG, 0.0]])),
]
ONEHOT_EXTREMES = [
    (np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])),
]
ONEHOT_LOGIT_EXTREMES = [
    (np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), np.array([[-BIG, BIG, 0.0], [0.0, BIG, -BIG]])),
]
LABEL_EXTREMES = [(np.array([0.0, 1.0]), np.array([[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]]))]
LABEL_LOGIT_EXTREMES = [(np.array([0.0, 1.0]), np.array([[-BIG, BIG, 0.0], [0.0, BIG, -BIG]]))]
# Every label ignored (ignore_index=-1): value 0, gradient 0.
IGNORED_EXTREMES = [(np.array([-1.0, -1.0]), np.array([[-BIG, BIG, 0.0], [0.0, BIG, -BIG]]))]
LOG_PROB_EXTREMES = [(np.array([0.0, 1.0]), np.array([[-BIG, 0.0, -BIG], [-BIG, 0.0, -BIG]]))]
SIGN_EXTREMES = [
    (np.array([[1.0, -1.0, 1.0], [-1.0, 1.0, 1.0]]), np.array([[-BIG, BIG, BIG], [BIG, -BIG, 0.0]])),
]
MARGIN_LABEL_EXTREMES = [(np.array([0.0, 2.0]), np.array([[-BIG, BIG, 0.0], [BIG, 0.0, -BIG]]))]
MULTILABEL_INDEX_EXTREMES = [
    (np.array([[0.0, 2.0, -1.0], [1.0, -1.0, 0.0]]), np.array([[-BIG, BIG, 0.0], [BIG, 0.0, -BIG]])),
]


# --- extreme inputs for the fuzz tests: (rng, lead, d, options) -> (y_true, y_pred) --------------------
# Values at the ends of what each input kind allows, all valid: the true loss is finite in float32.

REAL_POOL = (-BIG, -1.0, -1e-30, 0.0, 1e-30, 1.0, BIG)
PROB_POOL = (0.0, 1e-30, 0.5, 1.0)
LOGIT_POOL = (-BIG, -30.0, 0.0, 30.0, BIG)


def _pick(rng, pool, shape):
    return rng.choice(np.asarray(pool, "float64"), shape)


def _onehot_rows(rng, lead, d):
    return np.eye(d)[rng.integers(0, d, lead)]


def real_extremes(rng, lead, d, options):
    return _pick(rng, REAL_POOL, (*lead, d)), _pick(rng, REAL_POOL, (*lead, d))


def rate_extremes(rng, lead, d, options):
    if options.get("log_input", False):  # log-rates: exp(80) is near float32's end, exp(89) beyond it
        return _pick(rng, (0.0, 1.0, BIG), (*lead, d)), _pick(rng, (-80.0, 0.0, 80.0), (*lead, d))
    return _pick(rng, (0.0, 1.0, BIG), (*lead, d)), _pick(rng, (0.0, 1e-30, 1.0, BIG), (*lead, d))


def gaussian_extremes(rng, lead, d, options):
    mean, var = _pick(rng, REAL_POOL, (*lead, d)), _pick(rng, (0.0, 1e-30, 1.0, BIG), (*lead, d))
    return _pick(rng, REAL_POOL, (*lead, d)), np.stack([mean, var], axis=1)


def binary_extremes(rng, lead, d, options):
    pool = LOGIT_POOL if options.get("from_logits") else PROB_POOL
    return _pick(rng, (0.0, 1.0), (*lead, d)), _pick(rng, pool, (*lead, d))


def onehot_extremes(rng, lead, d, options):
    y_pred = _pick(rng, LOGIT_POOL, (*lead, d)) if options.get("from_logits") else _onehot_rows(rng, lead, d)
    return _onehot_rows(rng, lead, d), y_pred


def distribution_extremes(rng, lead, d, options):
    t, q = _onehot_rows(rng, lead, d), _onehot_rows(rng, lead, d)
    if options.get("log_input"):
        q = np.where(q > 0, 0.0, -BIG)
    if options.get("log_target"):
        t = np.where(t > 0, 0.0, -BIG)
    return t, q


def label_extremes(rng, lead, d, options):
    y_pred = _pick(rng, LOGIT_POOL, (*lead, d)) if options.get("from_logits") else _onehot_rows(rng, lead, d)
    return rng.integers(0, d, lead).astype("float64"), y_pred


def log_prob_extremes(rng, lead, d, options):
    return rng.integers(0, d, lead).astype("float64"), _pick(rng, (-BIG, -1.0, 0.0), (*lead, d))


def sign_extremes(rng, lead, d, options):
    return _pick(rng, (-1.0, 1.0), (*lead, d)), _pick(rng, REAL_POOL, (*lead, d))


def margin_label_extremes(rng, lead, d, options):
    return rng.integers(0, d, lead).astype("float64"), _pick(rng, REAL_POOL, (*lead, d))


def multilabel_index_extremes(rng, lead, d, options):
    y_true, _ = multilabel_index_inputs(rng, lead, d)
    return y_true, _pick(rng, REAL_POOL, (*lead, d))


@dataclasses.dataclass(frozen=True)
class Case:
    #: ``(rng, lead, d) -> (y_true, y_pred)`` as one model output of shape ``lead + (d,)`` would give them.
    inputs: Callable = real_inputs
    #: ``(y_true, y_pred)`` pairs on which value and gradient must be finite, in every dtype.
    extremes: list = dataclasses.field(default_factory=lambda: REAL_EXTREMES)
    #: Option sets exercised by the round-trip and extreme-input checks (``{}`` is the default).
    option_sets: list = dataclasses.field(default_factory=lambda: [{}])
    #: ``(kwargs, argument name)`` pairs that must raise ``ValueError`` naming the argument.
    bad_options: list = dataclasses.field(default_factory=list)
    #: Activation of the model output in the fit test (e.g. positive rates).
    activation: str = "linear"
    #: Extra extremes for one option set: ``{option-set index: extremes}``.
    extremes_for: dict = dataclasses.field(default_factory=dict)
    #: What ``y_true`` holds: ``"dense"`` (the shape of ``y_pred``), ``"index"`` (one class
    #: index per position, ``y_pred.shape[:-1]``), ``"index_rows"`` (rows of indices), ``"labels"``
    #: (one label per row of ``(N, ..., D)`` predictions, ``(N,)``: group identities or signs, which
    #: couple the rows of a batch; not class indices), ``"sequence"`` (label sequences ``(N, S)``
    #: padded with -1 for scores ``(N, T, C)``) or ``"tokens"`` (padded token sequences ``(N, S1)``
    #: against ``(N, S2)``): see :data:`SEQUENCE_TARGETS`.
    targets: str = "dense"
    #: Ranks of ``y_pred`` the fuzz tests try (rank 1 is one axis of ``d`` values).
    ranks: tuple = (1, 2, 3, 4)
    #: ``(rng, lead, d, options) -> (y_true, y_pred)``: valid inputs at the ends of their range.
    extreme_inputs: Callable = real_extremes
    #: Option values the fuzz tests add to (or use instead of) the validation edges: ``{name: [values]}``.
    fuzz_options: dict = dataclasses.field(default_factory=dict)
    #: Options the fuzz tests hold at one value (the other values need other inputs): ``{name: value}``.
    fuzz_fixed: dict = dataclasses.field(default_factory=dict)
    #: Options that give one value per sample, for the tests that weigh samples, where the default
    #: pools the batch into one value (segmentation's ``per_image=True``); ``{}`` if it never does.
    per_sample: dict = dataclasses.field(default_factory=dict)
    #: Whether a sample's value depends on the rest of the batch (class weights from the batch's
    #: frequencies): per replica under ``tf.distribute``, like data-dependent means. (A pooled value,
    #: see ``per_sample``, is per replica too.)
    batch_statistics: bool = False
    #: Whether ``y_true`` and ``y_pred`` are lists of items ``(N, L)`` (ranking): a rank-1 input is one
    #: list (keras-rs), not ``N`` samples, so Keras's ``(N,)`` against ``(N, 1)`` rule does not apply.
    lists: bool = False
    #: Whether the value is one number per batch whatever the options (triplet mining, NT-Xent,
    #: SupCon): ``sample_weight`` (and ``class_weight`` in ``fit``) is refused with a ValueError.
    one_per_batch: bool = False
    #: Whether ``y_true`` is not used (triplets: Keras's ``fit`` needs a target): NaN there changes nothing.
    ignores_y_true: bool = False
    #: Inputs and activation for preset aliases whose options change the inputs' kind:
    #: ``{alias: (inputs, activation)}`` (``"lovasz_softmax"`` takes labels, not binary targets).
    preset_inputs: dict = dataclasses.field(default_factory=dict)
    #: Whether the loss has a gradient: ``False`` for piecewise-constant losses (edit distance),
    #: whose gradient must then be exactly 0 (never NaN, never a made-up slope).
    differentiable: bool = True

    def sample(self, rng, batch, d=3):
        """``(y_true, y_pred)`` for ``batch`` samples of ``d`` outputs."""
        return self.inputs(rng, (batch,), d)


CASES: dict[str, Case] = {
    "MeanSquaredError": Case(),
    "MeanAbsoluteError": Case(),
    "MeanAbsolutePercentageError": Case(inputs=away_from_zero_inputs),
    "MeanSquaredLogarithmicError": Case(
        inputs=rate_inputs, extremes=REAL_EXTREMES + RATE_EXTREMES, extreme_inputs=rate_extremes
    ),
    "L1Norm": Case(option_sets=[{}, {"axis": -2}], bad_options=[({"axis": "last"}, "axis")]),
    "L2Norm": Case(option_sets=[{}, {"axis": 0}], bad_options=[({"axis": 1.5}, "axis")]),
    "Huber": Case(
        option_sets=[{}, {"delta": 0.1}, {"delta": 5.0}],
        bad_options=[({"delta": 0}, "delta"), ({"delta": -1.0}, "delta"), ({"delta": math.nan}, "delta")],
    ),
    "SmoothL1": Case(
        option_sets=[{}, {"beta": 0.0}, {"beta": 0.2}],
        bad_options=[({"beta": -1.0}, "beta"), ({"beta": math.inf}, "beta")],
    ),
    "LogCosh": Case(),
    "Poisson": Case(inputs=rate_inputs, extremes=RATE_EXTREMES, activation="softplus", extreme_inputs=rate_extremes),
    "PoissonNLL": Case(
        inputs=rate_inputs,
        extremes=LOG_RATE_EXTREMES,
        option_sets=[{}, {"full": True}, {"log_input": False, "full": True}, {"log_input": False, "eps": 1e-3}],
        extremes_for={2: RATE_EXTREMES, 3: RATE_EXTREMES},
        bad_options=[({"eps": 0.0}, "eps"), ({"log_input": "yes"}, "log_input"), ({"full": 1}, "full")],
        extreme_inputs=lambda rng, lead, d, options: rate_extremes(
            rng, lead, d, {"log_input": options.get("log_input", True)}
        ),
    ),
    "GaussianNLL": Case(
        inputs=gaussian_inputs,
        extremes=GAUSSIAN_EXTREMES,
        option_sets=[{}, {"full": True, "eps": 1e-3}],
        bad_options=[({"eps": -1.0}, "eps"), ({"full": "no"}, "full")],
        activation="softplus",
        ranks=(3, 4),
        extreme_inputs=gaussian_extremes,
    ),
    "CosineSimilarity": Case(option_sets=[{}, {"axis": 0}], bad_options=[({"axis": None}, "axis")]),
    "Pinball": Case(
        option_sets=[{}, {"tau": 0.0}, {"tau": 1.0}, {"tau": [0.1, 0.5, 0.9]}],
        bad_options=[({"tau": 1.5}, "tau"), ({"tau": -0.1}, "tau"), ({"tau": [0.1, 2.0]}, "tau")],
    ),
    "MeanPairwiseSquaredError": Case(),
    "AdaptiveRobust": Case(
        option_sets=[
            {},
            {"alpha": 2.0},
            {"alpha": 0.0},
            {"alpha": -2.0},
            {"alpha": -math.inf},
            {"alpha": 0.5, "scale": 0.1},
        ],
        bad_options=[({"alpha": math.nan}, "alpha"), ({"scale": 0.0}, "scale"), ({"scale": -1.0}, "scale")],
    ),
    # --- classification ---
    "BinaryCrossentropy": Case(
        inputs=binary_inputs,
        extremes=PROB_EXTREMES,
        option_sets=[
            {},
            {"from_logits": True},
            {"from_logits": True, "pos_weight": [0.5, 2.0, 3.0], "label_smoothing": 0.1},
            {"pos_weight": 2.0, "label_smoothing": 0.2},
        ],
        extremes_for={1: LOGIT_BINARY_EXTREMES, 2: LOGIT_BINARY_EXTREMES},
        bad_options=[
            ({"label_smoothing": 1.5}, "label_smoothing"),
            ({"pos_weight": -1.0}, "pos_weight"),
            ({"from_logits": "yes"}, "from_logits"),
        ],
        activation="sigmoid",
        extreme_inputs=binary_extremes,
    ),
    "BalancedBinaryCrossentropy": Case(
        inputs=binary_inputs,
        extremes=PROB_EXTREMES,
        option_sets=[{}, {"from_logits": True}, {"beta": 0.3}],
        extremes_for={1: LOGIT_BINARY_EXTREMES},
        bad_options=[({"beta": 2.0}, "beta")],
        activation="sigmoid",
        extreme_inputs=binary_extremes,
    ),
    "CategoricalCrossentropy": Case(
        inputs=onehot_inputs,
        extremes=ONEHOT_EXTREMES,
        option_sets=[
            {},
            {"from_logits": True, "label_smoothing": 0.1},
            {"class_weight": [1.0, 2.0, 0.5], "label_smoothing": 0.2},
        ],
        extremes_for={1: ONEHOT_LOGIT_EXTREMES},
        bad_options=[({"label_smoothing": -0.1}, "label_smoothing"), ({"class_weight": [1.0, -2.0]}, "class_weight")],
        activation="softmax",
        extreme_inputs=onehot_extremes,
    ),
    "SparseCategoricalCrossentropy": Case(
        inputs=label_inputs,
        extremes=LABEL_EXTREMES,
        option_sets=[
            {},
            {"from_logits": True},
            {"from_logits": True, "ignore_index": -1, "class_weight": [1.0, 2.0, 0.5], "label_smoothing": 0.1},
            {"ignore_index": 2, "class_weight": [1.0, 2.0, 0.5], "label_smoothing": 0.2},
        ],
        extremes_for={1: LABEL_LOGIT_EXTREMES, 2: LABEL_LOGIT_EXTREMES + IGNORED_EXTREMES},
        bad_options=[
            ({"ignore_index": 1.5}, "ignore_index"),
            ({"ignore_class": "void"}, "ignore_class"),
            ({"ignore_class": 1, "ignore_index": 2}, "ignore_index"),
            ({"axis": "classes"}, "axis"),
        ],
        activation="softmax",
        targets="index",
        ranks=(2, 3, 4),
        extreme_inputs=label_extremes,
    ),
    "NegativeLogLikelihood": Case(
        inputs=label_inputs,
        extremes=LOG_PROB_EXTREMES,
        option_sets=[{}, {"ignore_index": -1, "class_weight": [1.0, 2.0, 0.5]}],
        extremes_for={1: LOG_PROB_EXTREMES + IGNORED_EXTREMES},
        bad_options=[({"ignore_index": "none"}, "ignore_index"), ({"class_weight": [math.nan]}, "class_weight")],
        activation="log_softmax",
        targets="index",
        ranks=(2, 3, 4),
        extreme_inputs=log_prob_extremes,
    ),
    "KLDivergence": Case(
        inputs=distribution_inputs,
        extremes=ONEHOT_EXTREMES,
        option_sets=[{}, {"log_input": True}, {"log_input": True, "log_target": True}, {"log_target": True}],
        extremes_for={
            1: [(np.array([[1.0, 0.0, 0.0]]), np.array([[-BIG, 0.0, -BIG]]))],
            2: [(np.array([[0.0, -BIG, -BIG]]), np.array([[-BIG, 0.0, -BIG]]))],
            3: [(np.array([[0.0, -BIG, -BIG]]), np.array([[0.0, 1.0, 0.0]]))],
        },
        bad_options=[({"log_input": 1}, "log_input")],
        activation="softmax",
        extreme_inputs=distribution_extremes,
    ),
    "BinaryFocalCrossentropy": Case(
        inputs=binary_inputs,
        extremes=PROB_EXTREMES,
        option_sets=[
            {},
            {"from_logits": True},
            {"from_logits": True, "gamma": 0.5, "alpha": None, "label_smoothing": 0.1},
            {"apply_class_balancing": True, "gamma": 0.0, "alpha": 0.75},
        ],
        extremes_for={1: LOGIT_BINARY_EXTREMES, 2: LOGIT_BINARY_EXTREMES},
        bad_options=[
            ({"gamma": -1.0}, "gamma"),
            ({"alpha": 1.5}, "alpha"),
            ({"apply_class_balancing": 1}, "apply_class_balancing"),
        ],
        activation="sigmoid",
        extreme_inputs=binary_extremes,
    ),
    "CategoricalFocalCrossentropy": Case(
        inputs=onehot_inputs,
        extremes=ONEHOT_EXTREMES,
        option_sets=[
            {},
            {"from_logits": True, "alpha": [0.25, 0.5, 0.25], "gamma": 0.5},
            {"gamma": 0.0, "alpha": None, "label_smoothing": 0.1},
        ],
        extremes_for={1: ONEHOT_LOGIT_EXTREMES},
        bad_options=[({"gamma": math.inf}, "gamma"), ({"alpha": [0.5, -0.5]}, "alpha")],
        activation="softmax",
        extreme_inputs=onehot_extremes,
    ),
    "SparseCategoricalFocalCrossentropy": Case(
        inputs=label_inputs,
        extremes=LABEL_EXTREMES,
        option_sets=[{}, {"from_logits": True, "alpha": [0.25, 0.5, 0.25], "gamma": 0.5, "ignore_index": -1}],
        extremes_for={1: LABEL_LOGIT_EXTREMES + IGNORED_EXTREMES},
        bad_options=[({"gamma": -0.5}, "gamma"), ({"ignore_index": None, "alpha": 2.0}, "alpha")],
        activation="softmax",
        targets="index",
        ranks=(2, 3, 4),
        extreme_inputs=label_extremes,
    ),
    "PolyCrossentropy": Case(
        inputs=onehot_inputs,
        extremes=ONEHOT_EXTREMES,
        option_sets=[{}, {"from_logits": True, "epsilon": -1.0, "label_smoothing": 0.1}, {"epsilon": 2.0}],
        extremes_for={1: ONEHOT_LOGIT_EXTREMES},
        bad_options=[({"epsilon": -2.0}, "epsilon")],
        activation="softmax",
        extreme_inputs=onehot_extremes,
    ),
    "Hinge": Case(inputs=sign_inputs, extremes=SIGN_EXTREMES, extreme_inputs=sign_extremes),
    "SquaredHinge": Case(inputs=sign_inputs, extremes=SIGN_EXTREMES, extreme_inputs=sign_extremes),
    "CategoricalHinge": Case(
        inputs=onehot_inputs,
        extremes=ONEHOT_LOGIT_EXTREMES,
        extreme_inputs=lambda rng, lead, d, options: onehot_extremes(rng, lead, d, {"from_logits": True}),
    ),
    "MultiMargin": Case(
        inputs=margin_label_inputs,
        extremes=MARGIN_LABEL_EXTREMES,
        option_sets=[{}, {"p": 2, "margin": 0.5, "class_weight": [1.0, 2.0, 0.5]}],
        bad_options=[({"p": 3}, "p"), ({"margin": math.nan}, "margin")],
        targets="index",
        ranks=(2, 3),
        extreme_inputs=margin_label_extremes,
    ),
    "MultiLabelMargin": Case(
        inputs=multilabel_index_inputs,
        extremes=MULTILABEL_INDEX_EXTREMES,
        targets="index_rows",
        ranks=(2,),
        extreme_inputs=multilabel_index_extremes,
    ),
    "SoftMargin": Case(inputs=sign_inputs, extremes=SIGN_EXTREMES, extreme_inputs=sign_extremes),
    "MultiLabelSoftMargin": Case(
        inputs=binary_inputs,
        extremes=LOGIT_BINARY_EXTREMES,
        option_sets=[{}, {"class_weight": [1.0, 2.0, 0.5]}],
        bad_options=[({"class_weight": "balanced"}, "class_weight")],
        extreme_inputs=lambda rng, lead, d, options: binary_extremes(rng, lead, d, {"from_logits": True}),
    ),
}


def binary_logit_inputs(rng, lead, d=3):
    return rng.integers(0, 2, (*lead, d)).astype("float64"), rng.normal(0, 2, (*lead, d))


def binary_logit_extremes(rng, lead, d, options):
    return binary_extremes(rng, lead, d, {"from_logits": True})


REGION_BAD_OPTIONS = [
    ({"mode": "ternary"}, "mode"),
    ({"eps": 0.0}, "eps"),
    ({"smooth": -1.0}, "smooth"),
    ({"class_weight": [1.0, 2.0, 1.0]}, "class_weight"),  # binary mode has one class
]
# Binary mode on 0/1 targets and probabilities; the multiclass and multilabel modes, whose targets
# differ, are in tests/test_segmentation.py (oracle tests, fit, save and load).
REGION = dict(
    fuzz_fixed={"mode": "binary", "class_weight": None, "axis": None},
    inputs=binary_inputs,
    extremes=PROB_EXTREMES,
    activation="sigmoid",
    extreme_inputs=binary_extremes,
    per_sample={"per_image": True},
)


def onehot_score_inputs(rng, lead, d=3):
    return np.eye(d)[rng.integers(0, d, lead)], rng.normal(0, 2, (*lead, d))


CASES |= {
    "CategoricalGeneralizedCrossEntropy": Case(
        inputs=label_inputs,
        extremes=LABEL_EXTREMES,
        option_sets=[{}, {"q": 0.8, "from_logits": True, "ignore_index": -1, "class_weight": [1.0, 2.0, 0.5]}],
        extremes_for={1: LABEL_LOGIT_EXTREMES + IGNORED_EXTREMES},
        bad_options=[({"q": 1.0}, "q"), ({"q": 0.0}, "q"), ({"class_weight": [-1.0, 1.0, 1.0]}, "class_weight")],
        activation="softmax",
        targets="index",
        ranks=(2, 3, 4),
        extreme_inputs=label_extremes,
    ),
    # One-hot targets (sparse=False); integer labels (sparse=True) in tests/test_classification.py.
    "Sparsemax": Case(
        inputs=onehot_score_inputs,
        extremes=ONEHOT_LOGIT_EXTREMES,
        bad_options=[({"sparse": "yes"}, "sparse")],
        extreme_inputs=lambda rng, lead, d, options: onehot_extremes(rng, lead, d, {"from_logits": True}),
        fuzz_fixed={"sparse": False},
    ),
    "Dice": Case(
        **REGION,
        option_sets=[{}, {"smooth": 1.0, "log_loss": True, "per_image": True}, {"from_logits": True, "eps": 1e-3}],
        extremes_for={2: LOGIT_BINARY_EXTREMES},
        bad_options=REGION_BAD_OPTIONS,
    ),
    "Jaccard": Case(
        **REGION,
        option_sets=[{}, {"smooth": 0.5, "per_image": True, "ignore_index": -1}, {"log_loss": True}],
        bad_options=REGION_BAD_OPTIONS,
    ),
    "Tversky": Case(
        **REGION,
        option_sets=[{}, {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}, {"alpha": 0.0, "beta": 2.0, "per_image": True}],
        bad_options=[*REGION_BAD_OPTIONS, ({"alpha": -0.5}, "alpha"), ({"gamma": 0.0}, "gamma")],
    ),
    "Lovasz": Case(
        inputs=binary_logit_inputs,
        extremes=LOGIT_BINARY_EXTREMES,
        option_sets=[{}, {"per_image": True, "ignore_index": -1}],
        bad_options=[({"mode": "multilabel"}, "mode"), ({"from_logits": False}, "from_logits")],
        extreme_inputs=binary_logit_extremes,
        fuzz_fixed={"mode": "binary", "from_logits": None},
        per_sample={"per_image": True},
        preset_inputs={"lovasz_softmax": (label_inputs, "softmax")},
    ),
    "GeneralizedDice": Case(
        inputs=label_inputs,
        extremes=LABEL_EXTREMES,
        option_sets=[{}, {"smooth": 0.0, "from_logits": True}],
        extremes_for={1: LABEL_LOGIT_EXTREMES},
        bad_options=[({"smooth": -1.0}, "smooth"), ({"eps": -1e-7}, "eps")],
        activation="softmax",
        targets="index",
        ranks=(2, 3, 4),
        extreme_inputs=label_extremes,
        batch_statistics=True,
    ),
}


def ranking_inputs(rng, lead, d=3):
    """Relevance labels 0..3 (ties included), some padding items (-1), and real scores."""
    labels = rng.integers(0, 4, (*lead, d)).astype("float64")
    labels[rng.uniform(size=labels.shape) < 0.15] = -1.0
    return labels, rng.normal(0, 1, (*lead, d))


def ranking_extremes(rng, lead, d, options):
    return _pick(rng, (-1.0, 0.0, 1.0, 3.0, BIG), (*lead, d)), _pick(rng, REAL_POOL, (*lead, d))


# Scores of ±1e4, tied scores, a list of padding only, huge labels.
RANKING_EXTREMES = [
    (np.array([[3.0, 0.0, -1.0], [-1.0, -1.0, -1.0]]), np.array([[-BIG, BIG, 0.0], [BIG, -BIG, 0.0]])),
    (np.array([[1.0, 1.0, 2.0], [BIG, 0.0, 1.0]]), np.array([[BIG, BIG, -BIG], [0.0, 0.0, 0.0]])),
]
RANKING = dict(
    inputs=ranking_inputs, extremes=RANKING_EXTREMES, extreme_inputs=ranking_extremes, lists=True, ranks=(1, 2, 3)
)
TEMPERATURE_BAD_OPTIONS = [({"temperature": 0.0}, "temperature"), ({"temperature": -1.0}, "temperature")]

CASES |= {
    "PairwiseHinge": Case(**RANKING, option_sets=[{}, {"temperature": 0.5}], bad_options=TEMPERATURE_BAD_OPTIONS),
    "PairwiseLogistic": Case(**RANKING, bad_options=TEMPERATURE_BAD_OPTIONS),
    "PairwiseSoftZeroOne": Case(**RANKING, bad_options=TEMPERATURE_BAD_OPTIONS),
    "PairwiseMeanSquaredError": Case(**RANKING, bad_options=TEMPERATURE_BAD_OPTIONS),
    "ListMLE": Case(**RANKING, option_sets=[{}, {"temperature": 0.5}], bad_options=TEMPERATURE_BAD_OPTIONS),
    "RankingSoftmax": Case(**RANKING),
}


# --- embeddings ---------------------------------------------------------------------------------------


def ranking_pair_inputs(rng, lead, d=3):
    """Signs ``lead + (d,)`` and two score arrays stacked on axis 1."""
    x1, x2 = rng.normal(0, 1, (*lead, d)), rng.normal(0, 1, (*lead, d))
    return rng.choice([-1.0, 1.0], (*lead, d)), np.stack([x1, x2], axis=1)


def ranking_pair_extremes(rng, lead, d, options):
    x1, x2 = _pick(rng, REAL_POOL, (*lead, d)), _pick(rng, REAL_POOL, (*lead, d))
    return _pick(rng, (-1.0, 1.0), (*lead, d)), np.stack([x1, x2], axis=1)


def distance_inputs(rng, lead, d=3):
    return rng.integers(0, 2, (*lead, d)).astype("float64"), np.abs(rng.normal(0, 1, (*lead, d)))


def distance_extremes(rng, lead, d, options):
    return _pick(rng, (0.0, 1.0), (*lead, d)), _pick(rng, (0.0, 1e-30, 1.0, BIG), (*lead, d))


def cosine_pair_inputs(rng, lead, d=3):
    return rng.choice([-1.0, 1.0], lead), rng.normal(0, 1, (lead[0], 2, *lead[1:], d))


def cosine_pair_extremes(rng, lead, d, options):
    return _pick(rng, (-1.0, 1.0), lead), _pick(rng, REAL_POOL, (lead[0], 2, *lead[1:], d))


def triplet_inputs(rng, lead, d=3):
    return np.zeros(lead), rng.normal(0, 1, (lead[0], 3, *lead[1:], d))


def triplet_extremes(rng, lead, d, options):
    return np.zeros(lead), _pick(rng, REAL_POOL, (lead[0], 3, *lead[1:], d))


def embedding_inputs(rng, lead, d=3):
    """Labels in {0, 1, 2} (positive and negative pairs in most batches) and embeddings ``(N, d)``."""
    return rng.integers(0, 3, lead).astype("float64"), rng.normal(0, 1, (*lead, d))


def unit_embedding_inputs(rng, lead, d=3):
    labels, x = embedding_inputs(rng, lead, d)
    return labels, x / np.maximum(np.linalg.norm(x, axis=-1, keepdims=True), 1e-12)


def embedding_extremes(rng, lead, d, options):
    return rng.integers(0, 3, lead).astype("float64"), _pick(rng, REAL_POOL, (*lead, d))


EMBEDDING_EXTREMES = [
    (np.array([0.0, 0.0, 1.0]), np.array([[BIG, -BIG, 0.0], [BIG, -BIG, 0.0], [0.0, 0.0, 0.0]])),
    (np.array([0.0, 1.0, 1.0]), np.array([[1.0, 2.0, 3.0], [1.0, 2.0, 3.0], [-BIG, BIG, BIG]])),
]
TRIPLET_EXTREMES = [
    (np.zeros(2), np.array([[[BIG, -BIG, 0.0], [0.0, 0.0, 0.0], [BIG, -BIG, 0.0]], [[1.0, 2.0, 3.0]] * 3])),
]
COSINE_PAIR_EXTREMES = [
    (np.array([1.0, -1.0]), np.array([[[BIG, -BIG, 0.0], [0.0, 0.0, 0.0]], [[1.0, 2.0, 3.0], [1.0, 2.0, 3.0]]])),
]
EMBEDDING = dict(
    targets="labels",
    ranks=(2,),
    inputs=embedding_inputs,
    extremes=EMBEDDING_EXTREMES,
    extreme_inputs=embedding_extremes,
)
BATCH_EMBEDDING = dict(EMBEDDING, one_per_batch=True, batch_statistics=True)
TRIPLETS = dict(
    targets="labels",
    ranks=(2,),
    inputs=triplet_inputs,
    extremes=TRIPLET_EXTREMES,
    extreme_inputs=triplet_extremes,
    ignores_y_true=True,
)

CASES |= {
    "MarginRanking": Case(
        inputs=ranking_pair_inputs,
        extremes=[(SIGN_EXTREMES[0][0], np.stack([SIGN_EXTREMES[0][1], -SIGN_EXTREMES[0][1]], axis=1))],
        option_sets=[{}, {"margin": 0.5}],
        bad_options=[({"margin": math.nan}, "margin")],
        ranks=(2, 3),
        extreme_inputs=ranking_pair_extremes,
    ),
    "HingeEmbedding": Case(
        inputs=sign_inputs,
        extremes=SIGN_EXTREMES,
        option_sets=[{}, {"margin": 0.5}],
        bad_options=[({"margin": "1"}, "margin")],
        extreme_inputs=sign_extremes,
    ),
    "CosineEmbedding": Case(
        targets="labels",
        ranks=(2,),
        inputs=cosine_pair_inputs,
        extremes=COSINE_PAIR_EXTREMES,
        extreme_inputs=cosine_pair_extremes,
        option_sets=[{}, {"margin": 0.3}],
        bad_options=[({"margin": math.inf}, "margin")],
    ),
    "TripletMargin": Case(
        **TRIPLETS,
        option_sets=[{}, {"p": 1, "swap": True, "eps": 0.0}, {"p": 3.5, "margin": 0.2}],
        bad_options=[({"p": 0.5}, "p"), ({"eps": -1.0}, "eps"), ({"swap": 1}, "swap")],
    ),
    "TripletMarginWithDistance": Case(
        **TRIPLETS,
        option_sets=[{}, {"distance": "cosine", "swap": True}, {"distance": "squared_euclidean", "margin": 0.5}],
        bad_options=[({"distance": "L2"}, "distance"), ({"margin": math.nan}, "margin")],
    ),
    "Contrastive": Case(
        inputs=distance_inputs,
        extremes=[(np.array([[0.0, 1.0, 0.0], [1.0, 0.0, 1.0]]), np.array([[0.0, BIG, BIG], [0.0, 0.0, 1e-30]]))],
        option_sets=[{}, {"margin": 2.0}],
        bad_options=[({"margin": math.nan}, "margin")],
        activation="softplus",
        extreme_inputs=distance_extremes,
    ),
    "TripletSemiHard": Case(
        **BATCH_EMBEDDING,
        option_sets=[{}, {"distance": "cosine", "margin": 0.3}, {"distance": "squared_euclidean"}],
        bad_options=[({"distance": "L2"}, "distance"), ({"margin": math.nan}, "margin")],
    ),
    "TripletHard": Case(
        **BATCH_EMBEDDING,
        option_sets=[{}, {"soft": True, "distance": "cosine"}],
        bad_options=[({"soft": "yes"}, "soft"), ({"distance": "angular"}, "distance")],
    ),
    "NTXent": Case(
        **BATCH_EMBEDDING,
        option_sets=[{}, {"temperature": 0.5}],
        bad_options=[({"temperature": 0.0}, "temperature")],
    ),
    "SupervisedContrastive": Case(
        **BATCH_EMBEDDING,
        option_sets=[{}, {"temperature": 1.0}],
        bad_options=[({"temperature": -0.1}, "temperature")],
    ),
    "Circle": Case(
        **dict(EMBEDDING, inputs=unit_embedding_inputs),
        option_sets=[{}, {"gamma": 16.0, "margin": 0.25, "remove_diagonal": False, "distance": "cosine"}],
        bad_options=[
            ({"gamma": 0.0}, "gamma"),
            ({"distance": "L2"}, "distance"),
            ({"remove_diagonal": 1}, "remove_diagonal"),
        ],
        batch_statistics=True,
        # Keras's "dot" distance assumes unit-norm embeddings: a linear head's grow under SGD until
        # gamma=80 overflows the weights (in one-device training too); tanh keeps them bounded.
        activation="tanh",
    ),
}


# --- sequences: labels padded with -1 (tests/test_sequence.py has the oracle tests) -----------------------

#: Targets whose samples are sequences of different lengths, not one value per prediction.
SEQUENCE_TARGETS = ("sequence", "tokens")
SEQ_S, SEQ_T = 3, 5  # label length and input steps: 2 * 3 - 1 = 5 steps fit any label with repeats


def _padded(rng, n, width, low, high, min_length=0):
    """``(n, width)`` integers in ``[low, high)``, each row padded with -1 after a random length."""
    if high <= low:  # no label can be drawn: empty rows
        return np.full((n, width), -1.0)
    lengths = rng.integers(min_length, width + 1, n)
    values = rng.integers(low, high, (n, width)).astype("float64")
    return np.where(np.arange(width)[None, :] < lengths[:, None], values, -1.0)


def ctc_inputs(rng, lead, d=3):
    """Labels in ``[1, d - 1)`` (neither blank 0 nor blank -1) and per-step probabilities ``(N, T, d)``
    (valid as logits too); every label fits ``T`` steps."""
    n = lead[0]
    labels = _padded(rng, n, SEQ_S, 1, d - 1)
    return labels, softmax(rng.normal(0, 1, (n, SEQ_T, d)))


def ctc_extremes(rng, lead, d, options):
    labels, _ = ctc_inputs(rng, lead, d)
    if options.get("from_logits", True):
        return labels, _pick(rng, LOGIT_POOL, (lead[0], SEQ_T, d))
    return labels, _pick(rng, PROB_POOL, (lead[0], SEQ_T, d))


def soft_edit_inputs(rng, lead, d=3):
    n = lead[0]
    return _padded(rng, n, SEQ_S, 0, d), softmax(rng.normal(0, 1, (n, SEQ_T - 1, d)))


def soft_edit_extremes(rng, lead, d, options):
    labels, _ = soft_edit_inputs(rng, lead, d)
    return labels, _pick(rng, PROB_POOL, (lead[0], SEQ_T - 1, d))


def token_inputs(rng, lead, d=3):
    """Truths of 1 to 4 tokens (an empty truth is inf when normalising), hypotheses of 0 to 5."""
    n = lead[0]
    return _padded(rng, n, 4, 0, d, min_length=1), _padded(rng, n, 5, 0, d)


def token_extremes(rng, lead, d, options):
    truth, hypothesis = token_inputs(rng, lead, d)
    big = np.where(truth >= 0, truth * BIG, -1.0), np.where(hypothesis >= 0, hypothesis * BIG - 1e-3, -1.0)
    return big if rng.random() < 0.5 else (truth, hypothesis)


# Feasible alignments (with repeats and an empty label), ±1e4 logits or exact 0/1 probabilities.
CTC_LOGIT_EXTREMES = [
    (
        np.array([[1.0, 1.0, -1.0], [-1.0, -1.0, -1.0]]),
        np.array([[[BIG, -BIG, 0.0]] * SEQ_T, [[-BIG, BIG, 0.0], [0.0, 0.0, 0.0], [BIG, BIG, -BIG]] + [[0.0] * 3] * 2]),
    ),
]
CTC_PROB_EXTREMES = [
    (np.array([[1.0, 1.0, -1.0], [1.0, -1.0, -1.0]]), np.eye(3)[[[0, 0, 0, 0, 0], [2, 2, 2, 2, 2]]]),
]
SOFT_EDIT_EXTREMES = [(np.array([[0.0, 2.0, -1.0], [-1.0, -1.0, -1.0]]), np.eye(3)[[[1, 1, 0, 2], [0, 1, 2, 2]]])]
TOKEN_EXTREMES = [
    (np.array([[BIG, 1.0, -1.0], [-1.0, -1.0, -1.0]]), np.array([[BIG, 2.0, 3.0, -1.0], [-1.0, -1.0, -1.0, -1.0]])),
]

CASES |= {
    "CTC": Case(
        inputs=ctc_inputs,
        extremes=CTC_LOGIT_EXTREMES,
        option_sets=[{}, {"blank": -1, "from_logits": False, "zero_infinity": True, "length_normalized": True}],
        extremes_for={1: CTC_PROB_EXTREMES},
        bad_options=[
            ({"blank": 1.5}, "blank"),
            ({"zero_infinity": 1}, "zero_infinity"),
            ({"from_logits": "no"}, "from_logits"),
        ],
        targets="sequence",
        ranks=(2,),
        extreme_inputs=ctc_extremes,
    ),
    "EditDistance": Case(
        inputs=token_inputs,
        extremes=TOKEN_EXTREMES,
        option_sets=[{}, {"normalize": False}],
        bad_options=[({"normalize": 1}, "normalize")],
        targets="tokens",
        ranks=(2,),
        extreme_inputs=token_extremes,
        differentiable=False,
    ),
    "SoftEditDistance": Case(
        inputs=soft_edit_inputs,
        extremes=SOFT_EDIT_EXTREMES,
        option_sets=[{}, {"temperature": 0.1}],
        bad_options=[({"temperature": 0.0}, "temperature"), ({"temperature": -1.0}, "temperature")],
        # Below ~1e-3 the soft minimum is a hard one: near-ties then split the gradient differently
        # under XLA and eagerly (rounding decides the argmin), a property of the minimum, not a bug.
        fuzz_fixed={"temperature": 0.05},
        activation="softmax",
        targets="sequence",
        ranks=(2,),
        extreme_inputs=soft_edit_extremes,
    ),
}


def pooled(case, options):
    """Whether ``options`` give one value per batch (they lack what :attr:`Case.per_sample` sets)."""
    return case.one_per_batch or any(options.get(k) != v for k, v in case.per_sample.items())


def per_sample(entry, options=None):
    """``options`` plus what makes the loss give one value per sample (see :attr:`Case.per_sample`)."""
    return {**(options or {}), **CASES[entry.cls.__name__].per_sample}


def build_model(class_name, output_shape, input_dim=4, activation=None, name=None):
    """A small model whose output has ``output_shape`` per sample, for the fit and save tests."""
    import keras

    units = int(np.prod(output_shape))
    activation = activation or CASES[class_name].activation
    if activation == "softmax" and units == 1:  # a softmax over one unit is constant 1 (Keras warns)
        activation = "sigmoid"
    inputs = keras.Input((input_dim,))
    x = keras.layers.Dense(units, activation=activation)(inputs)
    return keras.Model(inputs, keras.layers.Reshape(tuple(output_shape))(x), name=name)
