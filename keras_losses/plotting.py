"""Pictures of losses: the value and the gradient over each loss's natural axis.

``keras_losses.plot("huber")`` draws a loss's value and its derivative along one axis:
the residual for regression losses; the probability (or the logit, with
``from_logits=True``) for binary losses, for ``y = 1`` and ``y = 0``; the true-class
logit for multi-class losses; the overlap for region (segmentation) losses. Both curves
are computed by the loss itself on the current Keras backend: the value by calling it,
the gradient by one training step of Keras (``SGD(learning_rate=1)`` on a zero offset
added to the predictions), so no backend is imported here.

Which axis a loss gets is decided from the registry (its family, its options) and the
small table :data:`KINDS` keyed by input kind; a class may also set ``plot_kind`` (one
of :data:`KINDS`) or ``plot_unavailable`` (a reason) itself. Losses with no meaningful
one-dimensional picture (batch-level mining, sequences) raise :class:`PlotUnavailable`
with the reason (:func:`unavailable_reason`).

matplotlib is imported only when a figure is drawn (``pip install keras-losses[docs]``).
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from keras_losses._info import family, find
from keras_losses.core.registry import LossEntry

__all__ = ["Curve", "PlotUnavailable", "curves", "plot", "plot_kind", "unavailable_reason"]


class PlotUnavailable(ValueError):
    """A loss has no meaningful one-dimensional picture; the message says why."""


# --- input kinds ----------------------------------------------------------------------------------
# Each kind builds, for points ``x`` of its axis, curves of (y_true, y_pred, dy_pred/dx): the loss's
# value along x is loss(y_true, y_pred(x)) and its derivative sum(dloss/dy_pred * dy_pred/dx).


@dataclasses.dataclass(frozen=True)
class _Setup:
    axis: str
    x: np.ndarray
    #: ``[(label, y_true, y_pred, dy_pred_dx)]``, arrays with one row per point of ``x``.
    curves: list
    #: Whether a row's value depends only on that row (otherwise one batch per point).
    rowwise: bool = True
    note: str = ""


def _col(v: np.ndarray) -> np.ndarray:
    return np.asarray(v, "float32")[:, None]


def _residual(options: dict, kind: str) -> _Setup:
    x = np.linspace(-3.0, 3.0, 121)
    z = np.zeros_like(x)
    if kind == "relative":
        return _Setup("residual y_pred − y_true (y_true = 1)", x, [("", _col(z + 1), _col(1 + x), _col(z + 1))])
    if kind == "pairwise":
        y_pred = np.stack([x, z], -1).astype("float32")
        d = np.stack([z + 1, z], -1).astype("float32")
        return _Setup("error of one of two outputs (the other exact)", x, [("", np.zeros_like(y_pred), y_pred, d)])
    if kind == "gaussian":
        y_pred = np.stack([_col(x), _col(z + 1)], 1)
        d = np.stack([_col(z + 1), _col(z)], 1)
        return _Setup("residual of the mean (variance 1)", x, [("", _col(z), y_pred, d)])
    if kind == "angle":
        x = np.linspace(-math.pi, math.pi, 121)
        y_pred = np.stack([np.cos(x), np.sin(x)], -1).astype("float32")
        d = np.stack([-np.sin(x), np.cos(x)], -1).astype("float32")
        y_true = np.tile(np.array([[1.0, 0.0]], "float32"), (len(x), 1))
        return _Setup("angle between y_pred and y_true (radians)", x, [("", y_true, y_pred, d)])
    return _Setup("residual y_pred − y_true", x, [("", _col(z), _col(x), _col(z + 1))])


def _rate(options: dict, kind: str) -> _Setup:
    log = kind == "log_rate" and options.get("log_input", True)
    x = np.linspace(-2.0, 3.0, 121) if log else np.linspace(0.05, 6.0, 121)
    label = "predicted log-rate (y_true = 2)" if log else "prediction (y_true = 2)"
    return _Setup(label, x, [("", _col(x * 0 + 2), _col(x), _col(x * 0 + 1))])


def _logits_axis(options: dict) -> bool:
    return options.get("from_logits") is not False


def _binary(options: dict, kind: str) -> _Setup:
    if kind == "binary_logit" or _logits_axis(options):
        x, axis = np.linspace(-6.0, 6.0, 121), "logit"
    else:
        x, axis = np.linspace(0.005, 0.995, 119), "predicted probability"
    if kind == "sign":
        x, axis = np.linspace(-3.0, 3.0, 121), "score"
    one = np.ones_like(x)
    negative = ("y = −1", -one) if kind == "sign" else ("y = 0", 0 * one)
    return _Setup(
        axis, x, [("y = 1", _col(one), _col(x), _col(one)), (negative[0], _col(negative[1]), _col(x), _col(one))]
    )


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(-1, keepdims=True))
    return e / e.sum(-1, keepdims=True)


#: What ``y_pred`` holds for multi-class losses without a ``from_logits`` option (raw scores otherwise).
_OUTPUTS: dict[str, Callable[[dict], str]] = {
    "NegativeLogLikelihood": lambda options: "log_probs",
    "KLDivergence": lambda options: "log_probs" if options.get("log_input") else "probs",
}


def _classes(options: dict, kind: str) -> _Setup:
    """Three classes, the true one first: logits ``[x, 0, 0]``, as scores, probabilities or log-probabilities."""
    if "from_logits" in options:
        outputs = "scores" if _logits_axis(options) else "probs"
    else:
        outputs = _OUTPUTS.get(options.get("_class", ""), lambda o: "scores")(options)
    x = np.linspace(-6.0, 6.0, 121)
    n, classes = len(x), 3
    logits = np.zeros((n, classes))
    logits[:, 0] = x
    p = _softmax(logits)
    e0 = np.zeros((n, classes))
    e0[:, 0] = 1.0
    if outputs == "probs":
        y_pred, d = p, p * (e0 - p[:, :1])
    elif outputs == "log_probs":
        y_pred, d = np.log(p), e0 - p[:, :1]
    else:
        y_pred, d = logits, e0
    if kind == "label":
        y_true = np.zeros((n,))
    elif kind == "index_rows":
        y_true = np.tile([[0.0, -1.0, -1.0]], (n, 1))
    elif kind == "distribution":
        target = np.array([[0.8, 0.1, 0.1]])
        y_true = np.tile(np.log(target) if options.get("log_target") else target, (n, 1))
    else:  # one-hot targets, or relevance lists (ranking)
        y_true = e0
    axis = "score of the relevant item (others 0)" if kind == "list" else "true-class logit (other logits 0)"
    return _Setup(axis, x, [("", y_true.astype("float32"), y_pred.astype("float32"), d.astype("float32"))])


def _overlap(options: dict, kind: str) -> _Setup:
    """One image of 8 pixels, half object: prediction p on the object and 1 - p on the background."""
    pixels, half = 8, 4
    mode = "multiclass" if kind == "overlap_labels" else options.get("mode", "binary")
    logits = options.get("from_logits") is True or (mode == "binary" and options.get("from_logits", False) is None)
    x = np.linspace(-4.0, 4.0, 41) if logits else np.linspace(0.0, 1.0, 41)
    sign = np.array([1.0] * half + [-1.0] * (pixels - half))
    curves = []
    if mode == "multiclass":
        labels = np.array([0.0] * half + [1.0] * (pixels - half))
        onehot = np.eye(2)[labels.astype(int)]
        for value in x:
            if logits:
                y_pred, d = onehot * value, onehot
            else:
                y_pred, d = onehot * value + (1 - onehot) * (1 - value), 2 * onehot - 1
            curves.append((labels[None], y_pred[None], d[None]))
    else:
        y_true = (sign > 0).astype("float64")[:, None]
        for value in x:
            y_pred = (sign * value)[:, None] if logits else np.where(sign > 0, value, 1 - value)[:, None]
            curves.append((y_true[None], y_pred[None], sign[:, None][None]))
    stack = [np.concatenate([c[i] for c in curves]).astype("float32") for i in range(3)]
    axis = "logit on the object (its negative on the background)" if logits else "overlap p"
    note = "" if logits else "prediction p on the object, 1 − p on the background (half of the pixels each)"
    return _Setup(axis, x, [("", *stack)], rowwise=False, note=note)


def _pairs(options: dict, kind: str) -> _Setup:
    """Embedding pairs and triplets: the distance (or score difference) along the axis."""
    x = np.linspace(0.0, 3.0, 121) if kind != "score_pair" else np.linspace(-3.0, 3.0, 121)
    one, zero = np.ones_like(x), np.zeros_like(x)
    if kind == "angle_pair":
        one = np.ones(121)
    if kind == "angle_pair":  # y in {1, -1}, y_pred (N, 2, 2): the second vector at angle x from the first
        x = np.linspace(-math.pi, math.pi, 121)
        y_pred = np.zeros((len(x), 2, 2))
        y_pred[:, 0, 0], y_pred[:, 1, 0], y_pred[:, 1, 1] = 1.0, np.cos(x), np.sin(x)
        d = np.zeros_like(y_pred)
        d[:, 1, 0], d[:, 1, 1] = -np.sin(x), np.cos(x)
        return _Setup(
            "angle between the two embeddings (radians)", x, [("y = 1", one, y_pred, d), ("y = −1", -one, y_pred, d)]
        )
    if kind == "score_pair":  # y in {1, -1}, y_pred (N, 2): x1 - x2
        y_pred, d = np.stack([x, zero], -1), np.stack([one, zero], -1)
        return _Setup(
            "score difference x1 − x2", x, [("y = 1", _col(one), y_pred, d), ("y = −1", _col(-one), y_pred, d)]
        )
    if kind == "sign_distance":
        return _Setup(
            "distance", x, [("y = 1", _col(one), _col(x), _col(one)), ("y = −1", _col(-one), _col(x), _col(one))]
        )
    if kind == "pair_distance":
        return _Setup(
            "distance",
            x,
            [
                ("similar (y = 1)", _col(one), _col(x), _col(one)),
                ("dissimilar (y = 0)", _col(zero), _col(x), _col(one)),
            ],
        )
    # triplet: anchor at 0, positive at distance 1, negative at distance x, (N, 3, 2)
    y_pred = np.zeros((len(x), 3, 2))
    y_pred[:, 1, 0], y_pred[:, 2, 0] = 1.0, x
    d = np.zeros_like(y_pred)
    d[:, 2, 0] = 1.0
    return _Setup("anchor–negative distance (anchor–positive 1)", x, [("", zero, y_pred, d)])


#: Input kinds: how the axis and the inputs are built, and the registered classes of each kind.
#: Classes not listed get their family's kind (:data:`FAMILY_KINDS`) or set ``plot_kind`` themselves.
KINDS: dict[str, tuple[Callable[[dict, str], _Setup], tuple[str, ...]]] = {
    "residual": (_residual, ()),
    "relative": (_residual, ("MeanAbsolutePercentageError",)),
    "pairwise": (_residual, ("MeanPairwiseSquaredError",)),
    "gaussian": (_residual, ("GaussianNLL",)),
    "angle": (_residual, ("CosineSimilarity",)),
    "rate": (_rate, ("MeanSquaredLogarithmicError", "Poisson")),
    "log_rate": (_rate, ("PoissonNLL",)),
    "binary": (_binary, ("BinaryCrossentropy", "BalancedBinaryCrossentropy", "BinaryFocalCrossentropy")),
    "binary_logit": (_binary, ("MultiLabelSoftMargin",)),
    "sign": (_binary, ("Hinge", "SquaredHinge", "SoftMargin")),
    "onehot": (
        _classes,
        (
            "CategoricalCrossentropy",
            "CategoricalFocalCrossentropy",
            "PolyCrossentropy",
            "CategoricalHinge",
            "Sparsemax",
        ),
    ),
    "label": (
        _classes,
        (
            "SparseCategoricalCrossentropy",
            "SparseCategoricalFocalCrossentropy",
            "NegativeLogLikelihood",
            "CategoricalGeneralizedCrossEntropy",
            "MultiMargin",
        ),
    ),
    "index_rows": (_classes, ("MultiLabelMargin",)),
    "distribution": (_classes, ("KLDivergence",)),
    "list": (
        _classes,
        (
            "PairwiseHinge",
            "PairwiseLogistic",
            "PairwiseMeanSquaredError",
            "PairwiseSoftZeroOne",
            "ListMLE",
            "RankingSoftmax",
        ),
    ),
    "overlap": (_overlap, ()),
    "overlap_labels": (_overlap, ("GeneralizedDice",)),
    "score_pair": (_pairs, ("MarginRanking",)),
    "angle_pair": (_pairs, ("CosineEmbedding",)),
    "sign_distance": (_pairs, ("HingeEmbedding",)),
    "pair_distance": (_pairs, ("Contrastive",)),
    "triplet": (_pairs, ("TripletMargin", "TripletMarginWithDistance")),
}

#: The kind of a family's losses not listed in :data:`KINDS`.
FAMILY_KINDS: dict[str, str] = {"regression": "residual", "segmentation": "overlap", "ranking": "list"}

#: Options a picture needs where the loss's default has no one-dimensional meaning (shown in the label).
PLOT_OPTIONS: dict[str, dict[str, Any]] = {
    # beta=None weighs by the fraction of negatives in each sample: 0 for a one-pixel positive sample.
    "BalancedBinaryCrossentropy": {"beta": 0.5},
}

#: Losses (class names) and families with no meaningful one-dimensional picture, and why.
UNAVAILABLE: dict[str, str] = {
    "sequence": "a sequence loss depends on an alignment of whole sequences (CTC, edit distances), not on one score",
    "TripletSemiHard": "a batch-level mining loss: its value depends on every pair in the batch, not on one distance",
    "TripletHard": "a batch-level mining loss: its value depends on every pair in the batch, not on one distance",
    "NTXent": "a batch-level contrastive loss: its value depends on every pair in the batch",
    "SupervisedContrastive": "a batch-level contrastive loss: its value depends on every pair in the batch",
    "Circle": "a batch-level pair loss: its value depends on every pair in the batch",
}


def _entry(loss: Any) -> tuple[LossEntry, str]:
    name = loss if isinstance(loss, str) else type(loss).__name__
    return find(name), name


def unavailable_reason(entry: LossEntry) -> str | None:
    """Why a registered loss has no picture, or ``None`` if it has one."""
    reason = getattr(entry.cls, "plot_unavailable", None)
    return reason or UNAVAILABLE.get(entry.cls.__name__) or UNAVAILABLE.get(family(entry))


def plot_kind(loss: Any, options: dict | None = None) -> str:
    """The input kind (a key of :data:`KINDS`) of a loss given by name, class name or instance."""
    entry, name = _entry(loss)
    reason = unavailable_reason(entry)
    if reason:
        raise PlotUnavailable(f"{entry.cls.__name__} has no one-dimensional picture: {reason}.")
    options = {**entry.presets.get(name, {}), **(options or {})}
    declared = getattr(entry.cls, "plot_kind", None)
    if declared:
        return declared
    if entry.cls.__name__ == "Sparsemax" and options.get("sparse"):
        return "label"
    for kind, (_, classes) in KINDS.items():
        if entry.cls.__name__ in classes:
            return kind
    kind = FAMILY_KINDS.get(family(entry))
    if kind is None:
        raise PlotUnavailable(
            f"No plot kind for {entry.cls.__name__} (family {family(entry)!r}): set `plot_kind` on the class "
            f"(one of {', '.join(KINDS)}) or list it in keras_losses.plotting.KINDS."
        )
    return kind


# --- evaluation -----------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Curve:
    """One loss's value and derivative along ``x`` (for one target, ``label``)."""

    loss: str
    label: str
    x: np.ndarray
    value: np.ndarray
    gradient: np.ndarray
    axis: str
    note: str = ""


def _value_and_gradient(
    loss: Any, y_true: np.ndarray, y_pred: np.ndarray, rowwise: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """Per-row values of ``loss`` (``reduction="none"``), summed per row, and d(sum)/d(y_pred).

    The gradient is one Keras training step: a model whose output is ``y_pred`` plus a
    zero trainable offset, trained with SGD at learning rate 1 on the sum of the loss's
    values, leaves ``-gradient`` in the offset, on whatever backend Keras runs.
    """
    import keras
    from keras import ops

    def total(y_pred_tensor: Any) -> Any:
        if rowwise:
            return loss(y_true, y_pred_tensor)
        # One batch per row: a pooled loss would mix the rows of one batch.
        return ops.stack([ops.sum(loss(y_true[i : i + 1], y_pred_tensor[i : i + 1])) for i in range(len(y_pred))])

    values = keras.ops.convert_to_numpy(total(y_pred))
    values = values.reshape(len(y_pred), -1).sum(-1)

    class _Offset(keras.Model):
        def __init__(self) -> None:
            super().__init__()
            self.offset = self.add_weight(shape=y_pred.shape, initializer="zeros", name="offset")

        def call(self, inputs: Any) -> Any:
            return ops.convert_to_tensor(y_pred) + self.offset + 0.0 * ops.sum(inputs)

        def compute_loss(self, x: Any = None, y: Any = None, y_pred: Any = None, *args: Any, **kwargs: Any) -> Any:
            return ops.sum(total(y_pred))

    model = _Offset()
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=1.0), run_eagerly=True)
    model.train_on_batch(np.zeros((len(y_pred), 1), "float32"), np.zeros((len(y_pred), 1), "float32"))
    return values, -keras.ops.convert_to_numpy(model.offset)


def inputs(loss: Any, **options: Any) -> tuple[Any, Any, str]:
    """``(setup, loss instance with reduction="none", label)``: the axis, the inputs along it and the loss."""

    entry, name = _entry(loss)
    if not isinstance(loss, str):  # the options that differ from the class's defaults
        defaults = _defaults(entry)
        config = {k: v for k, v in loss.get_config().items() if k in defaults and v != defaults[k]}
        options = {**config, **options}
    kind = plot_kind(name, options)
    build, _ = KINDS[kind]
    label = name if isinstance(loss, str) else entry.cls.__name__
    if options:
        label += "(" + ", ".join(f"{k}={v!r}" for k, v in options.items()) + ")"
    extra = {k: v for k, v in PLOT_OPTIONS.get(entry.cls.__name__, {}).items() if k not in options}
    options = {**extra, **options}
    full = {**_defaults(entry), **entry.presets.get(name, {}), **options, "_class": entry.cls.__name__}
    setup = build(full, kind)
    if not setup.rowwise and full.get("per_image") is False and "per_image" not in options:
        # One image per row: per_image=True gives each row its own value, equal to the pooled
        # value of that image alone, so one batch holds every point.
        options = {**options, "per_image": True}
        setup = dataclasses.replace(setup, rowwise=True)
    instance = entry.build(name, **{**options, "reduction": "none"})
    if extra:
        label += " [" + ", ".join(f"{k}={v!r}" for k, v in extra.items()) + "]"
    return setup, instance, label


def curves(loss: Any, **options: Any) -> list[Curve]:
    """The value and derivative curves of one loss (a name, or an instance of a registered loss).

    Options override the loss's (and its preset's) options; ``reduction`` is ignored.
    """
    setup, instance, label = inputs(loss, **options)
    out = []
    for curve_label, y_true, y_pred, d in setup.curves:
        values, grads = _value_and_gradient(instance, y_true, y_pred, setup.rowwise)
        gradient = (grads * d).reshape(len(y_pred), -1).sum(-1)
        out.append(Curve(label, curve_label, setup.x, values, gradient, setup.axis, setup.note))
    return out


def _defaults(entry: LossEntry) -> dict:
    import inspect

    parameters = inspect.signature(entry.cls.__init__).parameters.values()
    return {
        p.name: p.default
        for p in parameters
        if p.default is not p.empty and p.name not in ("reduction", "name", "dtype")
    }


def plot(
    loss: Any,
    *compare: Any,
    options: dict | None = None,
    compare_options: Sequence[dict] | None = None,
    title: str | None = None,
    figsize: tuple[float, float] = (8.0, 3.2),
    dpi: int = 80,
) -> Any:
    """Draw the value and the gradient of one loss, or several on the same axes.

    Args:
        loss: a registered name (``"huber"``) or an instance (``keras_losses.Huber(delta=0.5)``).
        *compare: more losses to draw on the same axes (names or instances).
        options: options of ``loss`` (``{"delta": 0.5}``).
        compare_options: options for each of ``compare``, in order.
        title: the figure's title (default: the names).
        figsize, dpi: the figure's size.

    Returns:
        A ``matplotlib.figure.Figure`` with two axes: value (left) and gradient (right).

    Raises:
        PlotUnavailable: for a loss without a one-dimensional picture (the message says why).

    Examples:
        >>> import keras_losses
        >>> figure = keras_losses.plot("huber", "mse", "log_cosh")
        >>> [axes.get_title() for axes in figure.axes]
        ['value', 'gradient']
    """
    from matplotlib.figure import Figure  # no pyplot: no display backend is needed

    compare_options = list(compare_options or [{}] * len(compare))
    if len(compare_options) != len(compare):
        raise ValueError(
            f"`compare_options` needs one dict per compared loss, got {len(compare_options)} for {len(compare)}."
        )
    drawn = [curves(loss, **(options or {}))]
    drawn += [curves(other, **extra) for other, extra in zip(compare, compare_options, strict=True)]
    figure = Figure(figsize=figsize, dpi=dpi, layout="constrained")
    value_axes, grad_axes = figure.subplots(1, 2)
    for group in drawn:
        for curve in group:
            label = curve.loss + (f", {curve.label}" if curve.label else "")
            (line,) = value_axes.plot(curve.x, curve.value, label=label)
            grad_axes.plot(curve.x, curve.gradient, color=line.get_color(), linestyle=line.get_linestyle())
    axis = drawn[0][0].axis
    for axes, what in ((value_axes, "value"), (grad_axes, "gradient")):
        axes.set_title(what)
        axes.set_xlabel(axis)
        axes.grid(alpha=0.3)
        axes.axhline(0.0, color="0.6", linewidth=0.6)
    labels = [line.get_label() for line in value_axes.lines]
    columns = 1 if len(labels) <= 2 or max(map(len, labels)) > 45 else 2
    figure.legend(loc="outside lower center", ncols=columns, fontsize="small", frameon=False)
    if title is None:
        title = ", ".join(dict.fromkeys(group[0].loss.split("(")[0] for group in drawn))
    note = drawn[0][0].note
    figure.suptitle(title + (f"\n{note}" if note else ""), fontsize="medium")
    return figure
