"""Region losses for segmentation: Dice, Jaccard, Tversky, Lovász and generalized Dice.

Channels last. Three modes say what ``y_true`` holds (segmentation_models_pytorch's):

- ``"binary"``: one foreground channel; ``y_true`` and ``y_pred`` of one shape
  after Keras's rank rule (``(N, H, W)`` targets for ``(N, H, W, 1)``
  predictions), pooled as one class.
- ``"multiclass"``: integer labels ``(N, ...)`` (or ``(N, ..., 1)``) against
  ``(N, ..., C)`` predictions; softmax over the last axis from logits.
- ``"multilabel"``: ``(N, ..., C)`` targets in ``[0, 1]`` of ``y_pred``'s shape;
  one sigmoid per channel from logits.

Statistics are pooled over the batch and every spatial axis (one value per
batch, smp's default) or, with ``per_image=True``, over each image's spatial
axes (one value per image, which ``sample_weight`` and every reduction then
weigh like any per-sample loss). A pooled value has no per-sample values, so
it refuses ``sample_weight``; under ``tf.distribute`` each replica pools its own
share of the batch and the reported value is the mean over replicas.

Ignored positions (``ignore_index``) are zeroed in targets and predictions, as
smp does; a label outside ``[0, C)`` that is not ``ignore_index`` makes the value
of its image (or of the pooled batch) NaN, as in every sparse loss.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, NamedTuple

from keras import ops

from keras_losses.core.base import Loss
from keras_losses.core.labels import class_labels, class_vector, nan_where
from keras_losses.core.numerics import like, safe_power
from keras_losses.core.reduction import DEFAULT_REDUCTION
from keras_losses.core.registry import register_loss
from keras_losses.core.validation import (
    Check,
    _shape_str,
    boolean,
    checked,
    float_tensor,
    integer,
    match_ranks,
    non_negative,
    one_of,
    optional,
    positive,
    to_tensor,
)

__all__ = [
    "Dice",
    "GeneralizedDice",
    "Jaccard",
    "Lovasz",
    "Tversky",
    "dice",
    "generalized_dice",
    "jaccard",
    "lovasz",
    "tversky",
]

MODES = ("binary", "multiclass", "multilabel")
mode = one_of(*MODES)
#: Class weights: one number >= 0 per class, not all 0 (their sum divides).
class_weights = Check(
    "a list of numbers >= 0, one per class, not all 0",
    lambda v: (
        isinstance(v, (list, tuple))
        and len(v) > 0
        and all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x) and x >= 0 for x in v)
        and any(x > 0 for x in v)
    ),
    lambda size: [[1.0] * size, [0.0] * (size - 1) + [2.0]],
)
#: An axis, or a tuple of axes (Keras's ``axis`` of ``Dice`` and ``Tversky``).
axes = Check(
    "None, an integer axis or a tuple of them",
    lambda v: (
        v is None
        or (isinstance(v, int) and not isinstance(v, bool))
        or (isinstance(v, (list, tuple)) and all(isinstance(a, int) and not isinstance(a, bool) for a in v))
    ),
    lambda size: [None],
)

_REGION_CHECKS = dict(
    mode=mode,
    from_logits=boolean,
    smooth=non_negative,
    eps=positive,
    ignore_index=optional(integer),
    class_weight=optional(class_weights),
    per_image=boolean,
    log_loss=boolean,
)


def check_mode_options(mode: str, class_weight: Any = None, axis: Any = None, **others: Any) -> None:
    """Option combinations a mode refuses (``ValueError`` naming the argument); ``@checked``'s combination check."""
    if class_weight is not None and mode == "binary":
        raise ValueError(
            "Invalid value for argument `class_weight`: binary mode has one class. "
            "Use class_weight with mode='multiclass' or 'multilabel'."
        )
    if axis is not None:
        if mode != "binary":
            raise ValueError(f"Invalid value for argument `axis`: {axis!r}. Keras's `axis` needs mode='binary'.")
        for name in ("ignore_index", "per_image"):
            if others.get(name):
                raise ValueError(
                    f"Invalid value for argument `{name}`: {others[name]!r}. It cannot be combined with "
                    "Keras's `axis` (the axes summed); leave `axis=None`."
                )


# --- inputs ---------------------------------------------------------------------------------------


class RegionInputs(NamedTuple):
    """Targets and probabilities in their own shape, zero where ignored.

    ``(N, ..., C)``, or for binary mode ``(N, ...)``: one class, every value a
    position. (Statistics are sums over the axes themselves: flattening the
    positions first costs XLA a quarter more time.)
    """

    targets: Any
    probabilities: Any
    #: ``None``, or ``(N,)``: whether an image holds a bad label.
    bad: Any
    #: Whether there is no class axis (binary mode).
    binary: bool = False

    def position_axes(self, per_image: bool) -> tuple[int, ...]:
        """The axes a statistic sums over: every position of the batch, or of each image."""
        rank = len(self.probabilities.shape)
        return tuple(range(1 if per_image else 0, rank if self.binary else rank - 1))


def sum_over(x: Any, axes: tuple[int, ...]) -> Any:
    """``x`` summed over ``axes`` (none: ``x`` itself; torch's ``sum(dim=())`` would sum everything)."""
    return ops.sum(x, axis=axes) if axes else x


def _flat_positions(x: Any, classes: bool = False) -> Any:
    """``(N, ...)`` as ``(N, P)``, or with ``classes`` ``(N, ..., C)`` as ``(N, P, C)`` (static sizes where known)."""
    rest = tuple(x.shape[1:-1] if classes else x.shape[1:])
    tail = (x.shape[-1],) if classes else ()
    if None not in rest:  # also right for an empty batch, where -1 is ambiguous
        return ops.reshape(x, (-1, math.prod(rest), *tail))
    return ops.reshape(x, (ops.shape(x)[0], -1, *tail))


def _per_image_any(flags: Any) -> Any:
    """``(N,)``: whether any flag of each image is set."""
    rank = len(flags.shape)
    return ops.any(flags, axis=tuple(range(1, rank))) if rank > 1 else flags


def _mode_error(mode: str, y_true: Any, y_pred: Any, fits: str) -> ValueError:
    return ValueError(
        f"mode={mode!r} does not fit y_true.shape={_shape_str(tuple(y_true.shape))} and "
        f"y_pred.shape={_shape_str(tuple(y_pred.shape))}: {fits}"
    )


def _dense_targets(y_true: Any, y_pred: Any, mode: str) -> tuple[Any, Any]:
    """Binary and multilabel targets of ``y_pred``'s shape (Keras's rank rule), or a ``ValueError``."""
    y_true, y_pred = match_ranks(ops.cast(to_tensor(y_true), y_pred.dtype), y_pred)
    a, b = tuple(y_true.shape), tuple(y_pred.shape)
    if a == b or (len(a) == len(b) and all(x is None or y is None or x == y for x, y in zip(a, b, strict=True))):
        return y_true, y_pred
    if len(a) == len(b) - 1 and (b[-1] or 0) > 1:
        fits = f"y_pred has {b[-1]} channels and y_true one label per position: use mode='multiclass'."
    else:
        fits = "binary and multilabel modes need targets of y_pred's shape."
    raise _mode_error(mode, y_true, y_pred, fits)


def region_inputs(y_true: Any, y_pred: Any, mode: str, from_logits: bool, ignore_index: int | None) -> RegionInputs:
    """Targets and probabilities of a mode, ignored positions zeroed (smp's rule)."""
    y_pred = float_tensor(y_pred)
    if mode == "multiclass":
        classes = y_pred.shape[-1]
        labels = to_tensor(y_true)
        if classes == 1:
            raise _mode_error(mode, labels, y_pred, "one channel is mode='binary'.")
        if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] != 1:
            fits = "y_true has a class axis: use integer labels of shape y_pred.shape[:-1], or mode='multilabel'."
            raise _mode_error(mode, labels, y_pred, fits)
        probabilities = ops.softmax(y_pred, axis=-1) if from_logits else y_pred
        checked_labels = class_labels(labels, y_pred, ignore_index)
        targets = ops.one_hot(checked_labels.index, classes, dtype=y_pred.dtype)
        if checked_labels.valid is not None:
            keep = ops.expand_dims(ops.cast(checked_labels.valid, y_pred.dtype), -1)
            targets, probabilities = targets * keep, probabilities * keep
        bad = _per_image_any(checked_labels.bad)
        return RegionInputs(targets, probabilities, bad)
    y_true, y_pred = _dense_targets(y_true, y_pred, mode)
    probabilities = ops.sigmoid(y_pred) if from_logits else y_pred
    if ignore_index is not None:
        keep = ops.cast(ops.not_equal(y_true, ignore_index), y_pred.dtype)
        y_true, probabilities = y_true * keep, probabilities * keep
    return RegionInputs(y_true, probabilities, None, binary=mode == "binary")


# --- Dice, Jaccard, Tversky --------------------------------------------------------------------------


def _overlap(inputs: RegionInputs, per_image: bool) -> tuple[Any, Any, Any, Any]:
    """``(TP, FP, FN, ΣT)`` per class, of the batch or of each image.

    ``TP = (ΣP + ΣT - ‖P - T‖₁) / 2`` (smp): ``Σ p·t`` for 0/1 targets, and
    the overlap ``Σ min(p, t)`` of soft ones.
    """
    axes = inputs.position_axes(per_image)
    t, p = inputs.targets, inputs.probabilities
    p_sum, t_sum = sum_over(p, axes), sum_over(t, axes)
    tp = (p_sum + t_sum - sum_over(ops.abs(p - t), axes)) * 0.5
    statistics = (tp, p_sum - tp, t_sum - tp, t_sum)
    if inputs.binary:  # one class axis, as the other modes have
        statistics = tuple(ops.expand_dims(x, -1) for x in statistics)
    return statistics


def _class_mean(losses: Any, present: Any, class_weight: Sequence[float] | None) -> Any:
    """Mean over classes; an absent class has loss 0 but counts (smp), weighted by ``class_weight``."""
    losses = losses * ops.cast(present, losses.dtype)  # a product, not a select: NaN inputs stay NaN
    if class_weight is None:
        return ops.mean(losses, axis=-1)
    weight = class_vector(class_weight, losses, "class_weight")
    return ops.sum(losses * weight, axis=-1) / ops.sum(weight)


def _tversky_value(
    y_true: Any,
    y_pred: Any,
    *,
    alpha: float,
    beta: float,
    gamma: float = 1.0,
    axis: Any = None,
    mode: str,
    from_logits: bool,
    smooth: float,
    eps: float,
    ignore_index: int | None,
    class_weight: Sequence[float] | None,
    per_image: bool,
    log_loss: bool,
) -> Any:
    """The value of :func:`tversky` (Dice and Jaccard are its special cases)."""
    if axis is None:
        inputs = region_inputs(y_true, y_pred, mode, from_logits, ignore_index)
        tp, fp, fn, t_sum = _overlap(inputs, per_image)
    else:  # Keras's axis: sums over `axis` of same-shape inputs, one value per other position
        y_true, y_pred = _dense_targets(y_true, float_tensor(y_pred), mode)
        p = ops.sigmoid(y_pred) if from_logits else y_pred
        p_sum, t_sum = ops.sum(p, axis=axis), ops.sum(y_true, axis=axis)
        tp = (p_sum + t_sum - ops.sum(ops.abs(p - y_true), axis=axis)) * 0.5
        fp, fn = p_sum - tp, t_sum - tp
    eps_t = like(eps, tp)
    score = (tp + smooth) / ops.maximum(tp + alpha * fp + beta * fn + smooth, eps_t)
    losses = -ops.log(ops.maximum(score, eps_t)) if log_loss else 1.0 - score
    if axis is not None:
        return losses * ops.cast(t_sum > 0, losses.dtype)
    value = safe_power(_class_mean(losses, t_sum > 0, class_weight), gamma)
    if inputs.bad is None:
        return value
    return nan_where(inputs.bad if per_image else ops.any(inputs.bad), value)


_SHAPE_DOC = """
    Shape:
        binary: y_true ``(N, ...)`` or ``(N, ..., 1)``, y_pred ``(N, ..., 1)`` (any
        same-shape pair is pooled as one class). multiclass: y_true integer labels
        ``(N, ...)`` or ``(N, ..., 1)``, y_pred ``(N, ..., C)``. multilabel: both
        ``(N, ..., C)``. Any number of spatial axes. Output: ``()`` pooled, ``(N,)``
        with ``per_image=True``.
"""

_ARGS_DOC = """
        mode: ``"binary"``, ``"multiclass"`` or ``"multilabel"`` (module docstring).
        from_logits: whether ``y_pred`` are logits (sigmoid for binary and
            multilabel, softmax over the last axis for multiclass).
        smooth: added to numerator and denominator of the score.
        eps: the denominator is ``max(denominator, eps)`` (and ``log_loss``'s log
            ``log(max(score, eps))``).
        ignore_index: a target value whose positions count in no statistic.
        class_weight: one weight ``>= 0`` per class for the mean over classes
            (not in binary mode).
        per_image: one value per image instead of the batch-pooled one.
"""


@checked(check_mode_options, **_REGION_CHECKS, axis=axes)
def dice(
    y_true: Any,
    y_pred: Any,
    axis: Any = None,
    *,
    mode: str = "binary",
    from_logits: bool = False,
    smooth: float = 0.0,
    eps: float = 1e-7,
    ignore_index: int | None = None,
    class_weight: Sequence[float] | None = None,
    per_image: bool = False,
    log_loss: bool = False,
) -> Any:
    """Dice loss (Milletari et al. 2016), as segmentation_models_pytorch's ``DiceLoss``.

    Formula:
        Per class ``c``: ``score_c = (TP + s) / max(TP + (FP + FN) / 2 + s, eps)``,
        ``loss_c = 1 - score_c`` (``-log(max(score_c, eps))`` with ``log_loss``),
        0 for a class absent from the targets; the value is the mean of
        ``loss_c`` over every class (weighted by ``class_weight``).
        ``TP = (ΣP + ΣT - ‖P - T‖₁) / 2``, ``FP = ΣP - TP``, ``FN = ΣT - TP``.
    {shape}
    Args:
        axis: Keras's ``axis`` (binary mode only): the statistics are sums
            over these axes of same-shape inputs, one value per other position.
    {args}
        log_loss: ``-log(score)`` instead of ``1 - score``.

    Examples:
        >>> import keras_losses
        >>> y_true = [[[0], [1]], [[1], [1]]]                  # (N=2, H=2) labels
        >>> y_pred = [[[0.2], [0.8]], [[0.6], [0.9]]]          # (2, 2, 1) probabilities
        >>> round(float(keras_losses.dice(y_true, y_pred)), 4)  # 1 - 2·2.3 / (2.5 + 3)
        0.1636

    References:
        Milletari et al., "V-Net", 2016; ``segmentation_models_pytorch.losses.DiceLoss``.
    """
    options = dict(
        mode=mode,
        from_logits=from_logits,
        smooth=smooth,
        eps=eps,
        ignore_index=ignore_index,
        class_weight=class_weight,
        per_image=per_image,
        log_loss=log_loss,
    )
    return _tversky_value(y_true, y_pred, alpha=0.5, beta=0.5, axis=axis, **options)


@checked(check_mode_options, **_REGION_CHECKS)
def jaccard(
    y_true: Any,
    y_pred: Any,
    *,
    mode: str = "binary",
    from_logits: bool = False,
    smooth: float = 0.0,
    eps: float = 1e-7,
    ignore_index: int | None = None,
    class_weight: Sequence[float] | None = None,
    per_image: bool = False,
    log_loss: bool = False,
) -> Any:
    """Soft Jaccard (IoU) loss, as segmentation_models_pytorch's ``JaccardLoss``.

    Formula:
        Per class: ``score_c = (TP + s) / max(TP + FP + FN + s, eps)`` (the soft
        intersection over union), then as :func:`dice`.
    {shape}
    Args:
    {args}
        log_loss: ``-log(score)`` instead of ``1 - score``.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[[0], [1]], [[1], [1]]], [[[0.2], [0.8]], [[0.6], [0.9]]]
        >>> round(float(keras_losses.jaccard(y_true, y_pred)), 4)  # 1 - 2.3 / 3.2
        0.2812

    References:
        ``segmentation_models_pytorch.losses.JaccardLoss``.
    """
    options = dict(
        mode=mode,
        from_logits=from_logits,
        smooth=smooth,
        eps=eps,
        ignore_index=ignore_index,
        class_weight=class_weight,
        per_image=per_image,
        log_loss=log_loss,
    )
    return _tversky_value(y_true, y_pred, alpha=1.0, beta=1.0, **options)


@checked(check_mode_options, alpha=non_negative, beta=non_negative, **_REGION_CHECKS, axis=axes, gamma=positive)
def tversky(
    y_true: Any,
    y_pred: Any,
    alpha: float = 0.5,
    beta: float = 0.5,
    axis: Any = None,
    *,
    gamma: float = 1.0,
    mode: str = "binary",
    from_logits: bool = False,
    smooth: float = 0.0,
    eps: float = 1e-7,
    ignore_index: int | None = None,
    class_weight: Sequence[float] | None = None,
    per_image: bool = False,
    log_loss: bool = False,
) -> Any:
    """Tversky loss (Salehi et al. 2017) and focal Tversky (Abraham & Khan 2019), as smp's ``TverskyLoss``.

    Formula:
        Per class: ``score_c = (TP + s) / max(TP + alpha·FP + beta·FN + s, eps)``;
        value ``(mean_c loss_c) ** gamma`` (``gamma`` on the mean over classes, as
        smp). ``alpha = beta = 0.5, gamma = 1`` is :func:`dice`, ``1, 1`` is
        :func:`jaccard`.
    {shape}
    Args:
        alpha: weight of false positives (Keras's ``alpha`` weighs ``Σ y·(1 - p)``,
            the false negatives: see the README's differences).
        beta: weight of false negatives.
        axis: Keras's ``axis``, as in :func:`dice`.
        gamma: exponent of the class mean (``"focal_tversky"``: 0.75).
    {args}
        log_loss: ``-log(score)`` instead of ``1 - score``.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[[0], [1]], [[1], [1]]], [[[0.2], [0.8]], [[0.6], [0.9]]]
        >>> round(float(keras_losses.tversky(y_true, y_pred, alpha=0.3, beta=0.7)), 4)  # 1 - 2.3 / 2.85
        0.193

    References:
        Salehi et al., "Tversky loss function for image segmentation", 2017; Abraham &
        Khan, "A novel focal Tversky loss function", 2019; smp ``TverskyLoss``.
    """
    options = dict(
        mode=mode,
        from_logits=from_logits,
        smooth=smooth,
        eps=eps,
        ignore_index=ignore_index,
        class_weight=class_weight,
        per_image=per_image,
        log_loss=log_loss,
    )
    return _tversky_value(y_true, y_pred, alpha=alpha, beta=beta, gamma=gamma, axis=axis, **options)


for _function in (dice, jaccard, tversky):
    _function.__doc__ = _function.__doc__.replace("{shape}", _SHAPE_DOC.strip("\n")).replace(
        "    {args}\n", _ARGS_DOC.lstrip("\n")
    )


# --- Lovász -----------------------------------------------------------------------------------------


def _lovasz_extension(errors: Any, foreground: Any, valid: Any, hinge: bool) -> Any:
    """The Lovász extension of the Jaccard loss at ``errors``, over the last axis (Berman et al., Alg. 1).

    Positions are sorted by decreasing error; the gradient of the Jaccard loss
    along that order weighs them. Invalid positions sort last with weight 0,
    which is what removing them (smp) gives: an earlier position's weight
    depends only on the positions before it.
    """
    key = ops.where(valid, errors, ops.full_like(errors, -math.inf))
    order = ops.argsort(-ops.stop_gradient(key), axis=-1)
    sorted_errors = ops.take_along_axis(errors, order, axis=-1)
    sorted_fg = ops.take_along_axis(foreground, order, axis=-1)
    sorted_valid = ops.take_along_axis(valid, order, axis=-1)
    total = ops.sum(foreground, axis=-1, keepdims=True)
    intersection = total - ops.cumsum(sorted_fg, axis=-1)
    union = total + ops.cumsum(1.0 - sorted_fg, axis=-1)  # >= 1: never 0
    jaccard_curve = 1.0 - intersection / union
    weight = jaccard_curve - ops.pad(jaccard_curve[..., :-1], [(0, 0)] * (len(errors.shape) - 1) + [(1, 0)])
    if hinge:
        sorted_errors = ops.relu(sorted_errors)
    contribution = ops.where(sorted_valid, sorted_errors * weight, ops.zeros_like(weight))
    return ops.sum(contribution, axis=-1)


def check_lovasz_options(mode: str, from_logits: bool | None, **others: Any) -> None:
    """The binary Lovász loss is a hinge on logits; ``@checked``'s combination check."""
    if mode == "binary" and from_logits is False:
        raise ValueError(
            "Invalid value for argument `from_logits`: False. The binary Lovász loss is a hinge on logits "
            "(from_logits=True or None); for probabilities use mode='multiclass'."
        )


@checked(
    check_lovasz_options,
    mode=one_of("binary", "multiclass"),
    from_logits=optional(boolean),
    ignore_index=optional(integer),
    per_image=boolean,
)
def lovasz(
    y_true: Any,
    y_pred: Any,
    *,
    mode: str = "binary",
    from_logits: bool | None = None,
    ignore_index: int | None = None,
    per_image: bool = False,
) -> Any:
    """Lovász hinge (binary) and Lovász-Softmax (multiclass) losses (Berman et al. 2018), as smp's ``LovaszLoss``.

    Formula:
        Binary: errors ``e = 1 - x·(2y - 1)`` of the logits ``x``, sorted
        decreasingly; value ``Σ relu(e_(i)) · g_i`` where ``g`` is the
        gradient of the Jaccard loss along that order (the Lovász extension).
        Multiclass: per class, errors ``|[y = c] - p_c|`` with the same
        extension, averaged over the classes present in the targets (0 if none).
    Shape:
        binary: y_true ``(N, ...)`` or ``(N, ..., 1)`` of 0/1, y_pred logits of the
        same shape or ``(N, ..., 1)``. multiclass: y_true labels ``(N, ...)`` or
        ``(N, ..., 1)``, y_pred ``(N, ..., C)``. Output: ``()`` pooled, ``(N,)`` with
        ``per_image=True``.

    Args:
        mode: ``"binary"`` (a hinge on logits) or ``"multiclass"``.
        from_logits: ``None``: logits in binary mode, probabilities in
            multiclass mode. ``True`` in multiclass: softmax first (smp's
            ``LovaszLoss`` always applies it). Binary mode refuses ``False``.
        ignore_index: a target value whose positions are left out.
        per_image: one value per image (the extension per image) instead of
            the batch-pooled one.

    Examples:
        >>> import keras_losses
        >>> y_true, y_pred = [[[1], [0]]], [[[2.0], [-1.0]]]  # both right, margins 1 and 2
        >>> float(keras_losses.lovasz(y_true, y_pred))
        0.0

    References:
        Berman et al., "The Lovász-Softmax loss", CVPR 2018; smp ``LovaszLoss``.
    """
    if mode == "binary":
        y_pred = float_tensor(y_pred)
        y_true, y_pred = _dense_targets(y_true, y_pred, mode)
        logits, targets = _flat_positions(y_pred), _flat_positions(y_true)  # (N, P)
        if not per_image:
            logits, targets = ops.reshape(logits, (1, -1)), ops.reshape(targets, (1, -1))
        valid = ops.ones_like(targets, dtype="bool")
        if ignore_index is not None:
            valid = ops.not_equal(targets, ignore_index)
            targets = ops.where(valid, targets, ops.zeros_like(targets))
        errors = 1.0 - logits * (2.0 * targets - 1.0)
        values = _lovasz_extension(errors, targets, valid, hinge=True)
        return values if per_image else ops.squeeze(values, 0)
    inputs = region_inputs(y_true, y_pred, "multiclass", bool(from_logits), ignore_index)
    t, p = (_flat_positions(x, classes=True) for x in (inputs.targets, inputs.probabilities))  # (N, P, C)
    valid = ops.sum(t, axis=-1) > 0  # a valid label is one-hot; an ignored one all zero
    if not per_image:  # the whole batch is one image
        t, p, valid = (ops.reshape(x, (1, -1, *x.shape[2:])) for x in (t, p, valid))
    t, p = ops.moveaxis(t, -1, 1), ops.moveaxis(p, -1, 1)  # (N, C, P)
    valid = ops.broadcast_to(ops.expand_dims(valid, 1), ops.shape(t))
    per_class = _lovasz_extension(ops.abs(t - p), t, valid, hinge=False)  # (N, C)
    present = ops.cast(ops.sum(t, axis=-1) > 0, per_class.dtype)
    values = ops.sum(per_class * present, axis=-1) / ops.maximum(ops.sum(present, axis=-1), like(1.0, present))
    if per_image:
        return nan_where(inputs.bad, values)
    return nan_where(ops.any(inputs.bad), ops.squeeze(values, 0))


# --- generalized Dice -----------------------------------------------------------------------------


@checked(smooth=non_negative, from_logits=boolean, eps=positive)
def generalized_dice(
    y_true: Any, y_pred: Any, *, smooth: float = 1.0, from_logits: bool = False, eps: float = 1e-7
) -> Any:
    """Generalized Dice loss (Sudre et al. 2017), as optax's ``multiclass_generalized_dice_loss``.

    Formula:
        Class weights from the whole batch: ``w_c = 1 / ((Σ y_c)² + 1e-7)``,
        normalised to sum to ``C``. Per image and class:
        ``d_c = 1 - (I + s) / max(I + (ΣP - I)/2 + (ΣT - I)/2 + s, eps)`` with
        ``I = Σ p·t`` over the spatial axes; value ``mean_c(w_c · d_c)``.

    Shape:
        y_true: integer labels ``(N, ...)`` or ``(N, ..., 1)``, or one-hot targets
        ``(N, ..., C)``; y_pred ``(N, ..., C)``. Output: ``(N,)``.

    Args:
        smooth: added to numerator and denominator (optax's default 1).
        from_logits: softmax over the last axis first.
        eps: floor of the denominator (optax has none; it only matters with
            ``smooth=0``, where optax divides 0 by 0).

    Examples:
        >>> import keras_losses
        >>> y_true = [[0, 1]]                                  # (N=1, W=2) labels
        >>> y_pred = [[[0.9, 0.1], [0.2, 0.8]]]                # (1, 2, C=2)
        >>> round(float(keras_losses.generalized_dice(y_true, y_pred)[0]), 4)  # mean(1 - 1.9/2.05, 1 - 1.8/1.95)
        0.075

    References:
        Sudre et al., "Generalised Dice overlap as a deep learning loss function for highly
        unbalanced segmentations", 2017; ``optax.losses.multiclass_generalized_dice_loss``.
    """
    y_pred = float_tensor(y_pred)
    classes = y_pred.shape[-1]
    labels = to_tensor(y_true)
    bad = None
    if len(labels.shape) == len(y_pred.shape) and labels.shape[-1] == classes and classes != 1:
        targets = ops.cast(labels, y_pred.dtype)
    else:
        checked_labels = class_labels(labels, y_pred)
        targets = ops.one_hot(checked_labels.index, classes, dtype=y_pred.dtype)
        bad = _per_image_any(checked_labels.bad)
    p = ops.softmax(y_pred, axis=-1) if from_logits else y_pred
    spatial = tuple(range(1, len(p.shape) - 1))
    frequency = ops.sum(targets, axis=(0, *spatial))
    weight = 1.0 / (ops.square(frequency) + 1e-7)
    weight = weight / ops.sum(weight) * classes
    intersection = sum_over(p * targets, spatial)
    p_sum, t_sum = sum_over(p, spatial), sum_over(targets, spatial)
    denominator = intersection + 0.5 * (p_sum - intersection) + 0.5 * (t_sum - intersection) + smooth
    coefficient = (intersection + smooth) / ops.maximum(denominator, like(eps, denominator))
    values = ops.mean((1.0 - coefficient) * weight, axis=-1)
    return values if bad is None else nan_where(bad, values)


# --- classes ----------------------------------------------------------------------------------------


class RegionLoss(Loss):
    """A segmentation loss: labels stay as given (not rounded to half precision); a pooled
    value (``per_image=False``) has no per-sample values and refuses ``sample_weight``."""

    takes_class_indices = True

    @property
    def pooled(self) -> bool:
        """Whether the value is pooled over the batch (one value per batch)."""
        return self._options.get("per_image") is False and self._options.get("axis") is None

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Any:
        if sample_weight is not None and self.pooled:
            raise ValueError(
                f"{type(self).__name__} with per_image=False pools the batch into one value, which has no "
                "per-sample values to weigh: use per_image=True for sample_weight (or class_weight in fit)."
            )
        return super().__call__(y_true, y_pred, sample_weight)


@register_loss("dice_loss")
class Dice(RegionLoss):
    """Dice loss, smp's ``DiceLoss`` on every backend (see :func:`dice`); Keras's ``Dice`` signature first."""

    function = dice

    def __init__(
        self,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "dice",
        axis: Any = None,
        dtype: Any = None,
        *,
        mode: str = "binary",
        from_logits: bool = False,
        smooth: float = 0.0,
        eps: float = 1e-7,
        ignore_index: int | None = None,
        class_weight: Sequence[float] | None = None,
        per_image: bool = False,
        log_loss: bool = False,
    ) -> None:
        super().__init__(
            reduction=reduction,
            name=name,
            dtype=dtype,
            axis=axis,
            mode=mode,
            from_logits=from_logits,
            smooth=smooth,
            eps=eps,
            ignore_index=ignore_index,
            class_weight=class_weight,
            per_image=per_image,
            log_loss=log_loss,
        )


@register_loss("iou", "soft_iou")
class Jaccard(RegionLoss):
    """Soft Jaccard (IoU) loss, smp's ``JaccardLoss`` on every backend (see :func:`jaccard`)."""

    function = jaccard

    def __init__(
        self,
        mode: str = "binary",
        from_logits: bool = False,
        smooth: float = 0.0,
        eps: float = 1e-7,
        ignore_index: int | None = None,
        class_weight: Sequence[float] | None = None,
        per_image: bool = False,
        log_loss: bool = False,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "jaccard",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction=reduction,
            name=name,
            dtype=dtype,
            mode=mode,
            from_logits=from_logits,
            smooth=smooth,
            eps=eps,
            ignore_index=ignore_index,
            class_weight=class_weight,
            per_image=per_image,
            log_loss=log_loss,
        )


FOCAL_TVERSKY = {"alpha": 0.3, "beta": 0.7, "gamma": 0.75}


@register_loss(presets={"focal_tversky": FOCAL_TVERSKY})
class Tversky(RegionLoss):
    """Tversky and focal Tversky losses, smp's ``TverskyLoss`` on every backend (see :func:`tversky`);
    Keras's ``Tversky`` signature first."""

    function = tversky

    def __init__(
        self,
        alpha: float = 0.5,
        beta: float = 0.5,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "tversky",
        axis: Any = None,
        dtype: Any = None,
        *,
        gamma: float = 1.0,
        mode: str = "binary",
        from_logits: bool = False,
        smooth: float = 0.0,
        eps: float = 1e-7,
        ignore_index: int | None = None,
        class_weight: Sequence[float] | None = None,
        per_image: bool = False,
        log_loss: bool = False,
    ) -> None:
        super().__init__(
            reduction=reduction,
            name=name,
            dtype=dtype,
            alpha=alpha,
            beta=beta,
            axis=axis,
            gamma=gamma,
            mode=mode,
            from_logits=from_logits,
            smooth=smooth,
            eps=eps,
            ignore_index=ignore_index,
            class_weight=class_weight,
            per_image=per_image,
            log_loss=log_loss,
        )


@register_loss(presets={"lovasz_hinge": {"mode": "binary"}, "lovasz_softmax": {"mode": "multiclass"}})
class Lovasz(RegionLoss):
    """Lovász hinge and Lovász-Softmax losses, smp's ``LovaszLoss`` on every backend (see :func:`lovasz`)."""

    function = lovasz

    def __init__(
        self,
        mode: str = "binary",
        from_logits: bool | None = None,
        ignore_index: int | None = None,
        per_image: bool = False,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "lovasz",
        dtype: Any = None,
    ) -> None:
        super().__init__(
            reduction=reduction,
            name=name,
            dtype=dtype,
            mode=mode,
            from_logits=from_logits,
            ignore_index=ignore_index,
            per_image=per_image,
        )


@register_loss()
class GeneralizedDice(RegionLoss):
    """Generalized Dice loss, optax's ``multiclass_generalized_dice_loss`` (see :func:`generalized_dice`)."""

    function = generalized_dice

    def __init__(
        self,
        smooth: float = 1.0,
        from_logits: bool = False,
        eps: float = 1e-7,
        reduction: str | None = DEFAULT_REDUCTION,
        name: str | None = "generalized_dice",
        dtype: Any = None,
    ) -> None:
        super().__init__(reduction=reduction, name=name, dtype=dtype, smooth=smooth, from_logits=from_logits, eps=eps)
