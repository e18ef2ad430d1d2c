"""Margin heads and center loss: Keras layers that hold the trainable state a ``Loss`` cannot.

ArcFace, CosFace, SphereFace and the large-margin softmax (L-Softmax) are
classification heads: each holds one weight ``kernel`` of shape
``(embedding_dim, num_classes)`` (the layout of pytorch-metric-learning's
``W``) and, called as ``head([embeddings, labels], training=True)``, returns
logits whose target column carries the margin, for
``SparseCategoricalCrossentropy(from_logits=True)``. Called with
``training=False`` or ``None``, or on the embeddings alone, it returns the
plain logits (no margin): what a trained model predicts with.

:class:`CenterLoss` holds one center per class (a non-trainable weight
``centers``), adds the center loss to the model's losses with ``add_loss`` and
returns its input unchanged; each training call moves the centers by Wen et
al.'s rule.

Every layer is registered with ``keras.saving.register_keras_serializable``
(package ``"keras_losses"``), so a model holding one saves to ``.keras`` and
reloads without ``custom_objects``, on any backend. The heads and the loss are
computed in float32 (float64 if the embeddings or the weights are), also under
a mixed-precision policy: scale-64 logits overflow float16.

The formulas are pytorch-metric-learning 2.9's (``ArcFaceLoss``,
``CosFaceLoss``, ``SphereFaceLoss``, ``LargeMarginSoftmaxLoss``), except that
ArcFace's ``margin`` is in radians (PML takes degrees).
"""

from __future__ import annotations

import math
from typing import Any

import keras
from keras import ops

from keras_losses.core._keras_internals import drop_other_replicas_losses, scale_loss_for_distribution
from keras_losses.core.validation import Check, non_negative, positive, positive_integer, unit_interval

__all__ = [
    "LAYERS",
    "MARGIN_HEADS",
    "ArcFace",
    "CenterLoss",
    "CosFace",
    "LargeMarginSoftmax",
    "SphereFace",
    "arcface_logits",
    "center_loss",
    "center_update",
    "cosface_logits",
    "large_margin_softmax_logits",
    "sphereface_logits",
]

_PACKAGE = "keras_losses"
#: ``torch.nn.functional.normalize``'s ``eps``: norms below it divide by it instead.
_NORM_EPS = 1e-12

arcface_margin = Check(
    "a number of radians in [0, pi)",
    lambda v: isinstance(v, (int, float)) and not isinstance(v, bool) and 0 <= v < math.pi,
    lambda size: [0.0, 0.5, 3.0],
)


# ---------------------------------------------------------------------------------------------
# Pure functions: logits from embeddings, kernel and labels (differentiable in both).


def _compute_dtype(*tensors: Any) -> str:
    """float64 if any input is float64, else float32 (never half precision)."""
    return "float64" if any(keras.backend.standardize_dtype(t.dtype) == "float64" for t in tensors) else "float32"


def _as_float(x: Any, dtype: str) -> Any:
    x = ops.convert_to_tensor(x)
    return x if keras.backend.standardize_dtype(x.dtype) == dtype else ops.cast(x, dtype)


def _norm(x: Any, axis: int) -> Any:
    """The L2 norm along ``axis``, with gradient 0 (not NaN) at a zero vector."""
    squares = ops.sum(ops.square(x), axis=axis)
    positive_ = squares > 0
    return ops.where(positive_, ops.sqrt(ops.where(positive_, squares, ops.ones_like(squares))), 0.0 * squares)


def _cosines(embeddings: Any, kernel: Any) -> tuple[Any, Any, Any]:
    """Cosines ``(N, C)`` of the embeddings and the kernel's columns, and both norms.

    Normalised as ``torch.nn.functional.normalize`` does (divided by ``max(norm, 1e-12)``),
    in the forward pass: the gradient flows to the raw kernel.
    """
    x_norm, w_norm = _norm(embeddings, 1), _norm(kernel, 0)
    eps = ops.convert_to_tensor(_NORM_EPS, embeddings.dtype)
    x_unit = embeddings / ops.maximum(x_norm, eps)[:, None]
    w_unit = kernel / ops.maximum(w_norm, eps)[None, :]
    return ops.matmul(x_unit, w_unit), x_norm, w_norm


def _labels(labels: Any) -> Any:
    """Integer labels ``(N,)`` from ``(N,)`` or ``(N, 1)`` labels of any dtype."""
    labels = ops.convert_to_tensor(labels)
    if len(labels.shape) == 2 and labels.shape[-1] == 1:
        labels = ops.squeeze(labels, -1)
    if len(labels.shape) != 1:
        raise ValueError(f"`labels` must have shape (N,) or (N, 1); got labels.shape={tuple(labels.shape)}.")
    return ops.cast(labels, "int32")


def _prepare(embeddings: Any, kernel: Any, labels: Any | None = None) -> tuple[Any, Any, Any]:
    embeddings, kernel = ops.convert_to_tensor(embeddings), ops.convert_to_tensor(kernel)
    if len(embeddings.shape) != 2 or len(kernel.shape) != 2 or embeddings.shape[1] != kernel.shape[0]:
        raise ValueError(
            "`embeddings` must be (N, D) and `kernel` (D, num_classes); got "
            f"embeddings.shape={tuple(embeddings.shape)} and kernel.shape={tuple(kernel.shape)}."
        )
    dtype = _compute_dtype(embeddings, kernel)
    embeddings, kernel = _as_float(embeddings, dtype), _as_float(kernel, dtype)
    if labels is not None:
        labels = _labels(labels)
        if labels.shape[0] is not None and embeddings.shape[0] is not None and labels.shape[0] != embeddings.shape[0]:
            raise ValueError(
                "`labels` must hold one label per embedding; got "
                f"labels.shape={tuple(labels.shape)} and embeddings.shape={tuple(embeddings.shape)}."
            )
    return embeddings, kernel, labels


def _with_target(cosine: Any, labels: Any | None, modify: Any) -> Any:
    """The cosines with the target column ``c`` replaced by ``modify(c)`` (no labels: unchanged)."""
    if labels is None:
        return cosine
    onehot = ops.one_hot(labels, cosine.shape[-1], dtype=cosine.dtype)
    target = ops.sum(onehot * cosine, axis=-1)
    return ops.where(onehot > 0, ops.expand_dims(modify(target), -1), cosine)


def _sin_of_angle(cosine: Any) -> Any:
    """``sin(arccos(c)) = sqrt(1 - c^2)``: exact at ``c = ±1``, with gradient 0 there instead of infinity."""
    one_minus = 1.0 - ops.square(cosine)
    inside = one_minus > 0
    return ops.where(inside, ops.sqrt(ops.where(inside, one_minus, ops.ones_like(one_minus))), 0.0 * one_minus)


def _cos_multiple_angle(cosine: Any, margin: int) -> Any:
    """``cos(m θ)`` as a polynomial of ``c = cos θ`` (PML's equation 7): differentiable everywhere."""
    sin_squared = 1.0 - ops.square(cosine)
    cos_powers, sin_powers = [ops.ones_like(cosine)], [ops.ones_like(cosine)]
    for _ in range(margin):
        cos_powers.append(cos_powers[-1] * cosine)
    for _ in range(margin // 2):
        sin_powers.append(sin_powers[-1] * sin_squared)
    total = 0.0 * cosine
    for n in range(margin // 2 + 1):
        total = total + ((-1) ** n * math.comb(margin, 2 * n)) * cos_powers[margin - 2 * n] * sin_powers[n]
    return total


def _psi(cosine: Any, margin: int) -> Any:
    """``ψ(θ) = (-1)^k cos(mθ) - 2k``, ``k = ⌊θ m / π⌋`` (no gradient through ``k``).

    ``θ = arccos(c)`` of the cosine clipped to [-1, 1] serves only to choose ``k``; at
    ``θ = π`` exactly ``k`` stays ``m - 1`` (the limit from inside; ψ is continuous there).
    """
    angle = ops.arccos(ops.clip(ops.stop_gradient(cosine), -1.0, 1.0))
    k = ops.stop_gradient(ops.minimum(ops.floor(angle / (math.pi / margin)), float(margin - 1)))
    sign = 1.0 - 2.0 * ops.mod(k, 2.0)
    return sign * _cos_multiple_angle(cosine, margin) - 2.0 * k


def arcface_logits(
    embeddings: Any, kernel: Any, labels: Any | None = None, scale: float = 64.0, margin: float = 0.5
) -> Any:
    """ArcFace logits (Deng et al. 2019): ``s cos θ_j``, the target ``s cos(θ_y + m)``.

    Formula:
        ``s · cos θ_j`` for every class, the target ``s · cos(θ_y + m)`` while
        ``θ_y ≤ π − m`` and ``s · (cos θ_y − m sin m)`` beyond (PML's monotonic
        continuation). ``cos(θ + m) = cos θ cos m − sin θ sin m`` with ``sin θ = √(1 − cos²θ)``:
        no ``arccos``, exact and with finite gradients at ``θ = 0`` and ``π``.

    Shape:
        embeddings ``(N, D)``, kernel ``(D, C)``, labels ``(N,)`` or ``(N, 1)`` (or ``None``:
        no margin, PML's ``get_logits``); returns ``(N, C)``.

    Args:
        margin: the additive angular margin, in radians (PML's is in degrees).
    """
    positive("scale", scale)
    arcface_margin("margin", margin)
    embeddings, kernel, labels = _prepare(embeddings, kernel, labels)
    cosine, _, _ = _cosines(embeddings, kernel)

    def modify(c: Any) -> Any:
        with_margin = c * math.cos(margin) - _sin_of_angle(c) * math.sin(margin)
        return ops.where(c >= -math.cos(margin), with_margin, c - margin * math.sin(margin))

    return _with_target(cosine, labels, modify) * scale


def cosface_logits(
    embeddings: Any, kernel: Any, labels: Any | None = None, scale: float = 64.0, margin: float = 0.35
) -> Any:
    """CosFace logits (Wang et al. 2018): ``s cos θ_j``, the target ``s (cos θ_y − m)``.

    Shape:
        embeddings ``(N, D)``, kernel ``(D, C)``, labels ``(N,)``, ``(N, 1)`` or ``None``; returns ``(N, C)``.
    """
    positive("scale", scale)
    non_negative("margin", margin)
    embeddings, kernel, labels = _prepare(embeddings, kernel, labels)
    cosine, _, _ = _cosines(embeddings, kernel)
    return _with_target(cosine, labels, lambda c: c - margin) * scale


def sphereface_logits(
    embeddings: Any, kernel: Any, labels: Any | None = None, scale: float = 1.0, margin: int = 4
) -> Any:
    """SphereFace logits (Liu et al. 2017): ``s ‖x‖ cos θ_j``, the target ``s ‖x‖ ψ(θ_y)``.

    Formula:
        ``ψ(θ) = (−1)^k cos(mθ) − 2k``, ``k = ⌊θ m / π⌋``; ``W`` normalised, ``x`` not.

    Shape:
        embeddings ``(N, D)``, kernel ``(D, C)``, labels ``(N,)``, ``(N, 1)`` or ``None``; returns ``(N, C)``.
    """
    positive("scale", scale)
    positive_integer("margin", margin)
    embeddings, kernel, labels = _prepare(embeddings, kernel, labels)
    cosine, x_norm, _ = _cosines(embeddings, kernel)
    return _with_target(cosine, labels, lambda c: _psi(c, margin)) * (x_norm[:, None] * scale)


def large_margin_softmax_logits(
    embeddings: Any, kernel: Any, labels: Any | None = None, margin: int = 4, scale: float = 1.0
) -> Any:
    """L-Softmax logits (Liu et al. 2016): ``s ‖W_j‖ ‖x‖ cos θ_j``, the target ``s ‖W_y‖ ‖x‖ ψ(θ_y)``.

    Formula:
        ``ψ(θ) = (−1)^k cos(mθ) − 2k``, ``k = ⌊θ m / π⌋`` (no gradient through ``k``);
        ``cos(mθ)`` is the multiple-angle polynomial of ``cos θ``.

    Shape:
        embeddings ``(N, D)``, kernel ``(D, C)``, labels ``(N,)``, ``(N, 1)`` or ``None``; returns ``(N, C)``.
    """
    positive("scale", scale)
    positive_integer("margin", margin)
    embeddings, kernel, labels = _prepare(embeddings, kernel, labels)
    cosine, x_norm, w_norm = _cosines(embeddings, kernel)
    logits = _with_target(cosine, labels, lambda c: _psi(c, margin))
    return logits * (w_norm[None, :] * x_norm[:, None] * scale)


# ---------------------------------------------------------------------------------------------
# Center loss (Wen et al. 2016).


def center_loss(embeddings: Any, labels: Any, centers: Any) -> Any:
    """Per-sample center loss ``½ ‖x_i − c_{y_i}‖²``: shape ``(N,)``.

    Shape:
        embeddings ``(N, D)``, labels ``(N,)`` or ``(N, 1)``, centers ``(C, D)``.
    """
    embeddings, centers = ops.convert_to_tensor(embeddings), ops.convert_to_tensor(centers)
    dtype = _compute_dtype(embeddings, centers)
    embeddings, centers = _as_float(embeddings, dtype), _as_float(centers, dtype)
    onehot = ops.one_hot(_labels(labels), centers.shape[0], dtype=dtype)
    own = ops.matmul(onehot, centers)
    return 0.5 * ops.sum(ops.square(embeddings - own), axis=-1)


def _sum_over_replicas(x: Any) -> Any:
    """``x`` summed over the replicas of a ``tf.distribute`` strategy (itself elsewhere).

    Keras's synchronized ``moments`` all-reduces a mean over the replicas; times
    their number (the inverse of Keras's loss scale) it is the sum. On JAX and
    torch one program sees the whole batch, so ``x`` is already global.
    """
    if keras.backend.backend() != "tensorflow":
        return x
    mean, _ = ops.moments(ops.expand_dims(x, 0), axes=[0], synchronized=True)
    return mean / scale_loss_for_distribution(ops.ones((), dtype=x.dtype))


def center_update(embeddings: Any, labels: Any, centers: Any, alpha: float = 0.5) -> Any:
    """The centers after one step of Wen et al.'s rule.

    Formula:
        ``c_j ← c_j − α Σ_{i: y_i = j} (c_j − x_i) / (1 + n_j)``, ``n_j`` the number of
        samples of class ``j`` in the batch (classes absent from it stay). Under
        ``tf.distribute`` the sums run over the whole batch (every replica).

    Shape:
        embeddings ``(N, D)``, labels ``(N,)`` or ``(N, 1)``, centers ``(C, D)``; returns ``(C, D)``.
    """
    embeddings, centers = ops.stop_gradient(ops.convert_to_tensor(embeddings)), ops.convert_to_tensor(centers)
    dtype = _compute_dtype(embeddings, centers)
    embeddings, centers = _as_float(embeddings, dtype), _as_float(centers, dtype)
    onehot = ops.one_hot(_labels(labels), centers.shape[0], dtype=dtype)
    sums = ops.matmul(ops.transpose(onehot), embeddings)  # (C, D): sum of x_i per class
    counts = ops.sum(onehot, axis=0)  # (C,)
    both = _sum_over_replicas(ops.concatenate([sums, counts[:, None]], axis=1))
    sums, counts = both[:, :-1], both[:, -1:]
    return centers - alpha * (counts * centers - sums) / (1.0 + counts)


# ---------------------------------------------------------------------------------------------
# Layers.


def _split_inputs(inputs: Any) -> tuple[Any, Any | None]:
    if isinstance(inputs, (list, tuple)):
        if len(inputs) == 1:
            return inputs[0], None
        if len(inputs) != 2:
            raise ValueError(f"Expected `embeddings` or `[embeddings, labels]`; got {len(inputs)} inputs.")
        return inputs[0], inputs[1]
    return inputs, None


def _embedding_shape(input_shape: Any) -> tuple:
    """The embeddings' shape from ``build``'s argument (one shape, or ``[embeddings, labels]`` shapes)."""
    if isinstance(input_shape, (list, tuple)) and input_shape and isinstance(input_shape[0], (list, tuple)):
        input_shape = input_shape[0]
    shape = tuple(input_shape)
    if len(shape) != 2 or shape[-1] is None:
        raise ValueError(f"Expected embeddings of shape (N, D) with D known; got shape {shape}.")
    return shape


class _MarginHead(keras.layers.Layer):
    """A classification head with one ``kernel`` ``(embedding_dim, num_classes)``; subclasses set ``logits``."""

    def __init__(
        self,
        num_classes: int,
        scale: float,
        margin: float,
        kernel_initializer: Any = "glorot_uniform",
        **kwargs: Any,
    ) -> None:
        positive_integer("num_classes", num_classes)
        super().__init__(autocast=False, **kwargs)
        self.num_classes = num_classes
        self.scale = scale
        self.margin = margin
        self.kernel_initializer = keras.initializers.get(kernel_initializer)

    def build(self, input_shape: Any) -> None:
        dim = _embedding_shape(input_shape)[-1]
        self.kernel = self.add_weight(
            name="kernel", shape=(dim, self.num_classes), initializer=self.kernel_initializer, trainable=True
        )

    def logits(self, embeddings: Any, labels: Any | None) -> Any:
        raise NotImplementedError

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        embeddings, labels = _split_inputs(inputs)
        return self.logits(embeddings, labels if training else None)

    def get_config(self) -> dict[str, Any]:
        return {
            **super().get_config(),
            "num_classes": self.num_classes,
            "scale": self.scale,
            "margin": self.margin,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package=_PACKAGE)
class ArcFace(_MarginHead):
    """ArcFace head: additive angular margin (``margin`` in radians), see :func:`arcface_logits`.

    Examples:
        >>> head = keras_losses.ArcFace(num_classes=10)
        >>> x = keras.Input((64,))
        >>> y = keras.Input((), dtype="int32")
        >>> logits = head([x, y])  # margin logits in fit(), plain logits otherwise

    References:
        Deng et al. 2019, "ArcFace: Additive Angular Margin Loss for Deep Face Recognition".
    """

    def __init__(self, num_classes: int, scale: float = 64.0, margin: float = 0.5, **kwargs: Any) -> None:
        positive("scale", scale)
        arcface_margin("margin", margin)
        super().__init__(num_classes, scale, margin, **kwargs)

    def logits(self, embeddings: Any, labels: Any | None) -> Any:
        return arcface_logits(embeddings, self.kernel, labels, self.scale, self.margin)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CosFace(_MarginHead):
    """CosFace head: additive cosine margin, see :func:`cosface_logits`.

    References:
        Wang et al. 2018, "CosFace: Large Margin Cosine Loss for Deep Face Recognition".
    """

    def __init__(self, num_classes: int, scale: float = 64.0, margin: float = 0.35, **kwargs: Any) -> None:
        positive("scale", scale)
        non_negative("margin", margin)
        super().__init__(num_classes, scale, margin, **kwargs)

    def logits(self, embeddings: Any, labels: Any | None) -> Any:
        return cosface_logits(embeddings, self.kernel, labels, self.scale, self.margin)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class SphereFace(_MarginHead):
    """SphereFace head: multiplicative angular margin (integer ``margin``), see :func:`sphereface_logits`.

    References:
        Liu et al. 2017, "SphereFace: Deep Hypersphere Embedding for Face Recognition".
    """

    def __init__(self, num_classes: int, scale: float = 1.0, margin: int = 4, **kwargs: Any) -> None:
        positive("scale", scale)
        positive_integer("margin", margin)
        super().__init__(num_classes, scale, margin, **kwargs)

    def logits(self, embeddings: Any, labels: Any | None) -> Any:
        return sphereface_logits(embeddings, self.kernel, labels, self.scale, self.margin)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class LargeMarginSoftmax(_MarginHead):
    """L-Softmax head: multiplicative angular margin on unnormalised logits, see :func:`large_margin_softmax_logits`.

    References:
        Liu et al. 2016, "Large-Margin Softmax Loss for Convolutional Neural Networks".
    """

    def __init__(self, num_classes: int, margin: int = 4, scale: float = 1.0, **kwargs: Any) -> None:
        positive_integer("margin", margin)
        positive("scale", scale)
        super().__init__(num_classes, scale, margin, **kwargs)

    def logits(self, embeddings: Any, labels: Any | None) -> Any:
        return large_margin_softmax_logits(embeddings, self.kernel, labels, self.margin, self.scale)


@keras.saving.register_keras_serializable(package=_PACKAGE)
class CenterLoss(keras.layers.Layer):
    """Center loss (Wen et al. 2016) as a pass-through layer with one center per class.

    ``layer([embeddings, labels], training=True)`` returns the embeddings
    unchanged, adds ``weight · mean_i ½ ‖x_i − c_{y_i}‖²`` (with the centers
    before this step's update) to the model's losses, and moves the
    non-trainable ``centers`` ``(num_classes, D)`` (zeros at first) by
    :func:`center_update`. Inference (``training`` false or ``None``) adds and
    updates nothing. Pair it with a softmax head and
    ``SparseCategoricalCrossentropy``.

    Examples:
        >>> x = keras.Input((16,))
        >>> y = keras.Input((), dtype="int32")
        >>> embeddings = keras_losses.CenterLoss(num_classes=10, weight=0.01)([x, y])

    References:
        Wen et al. 2016, "A Discriminative Feature Learning Approach for Deep Face Recognition".
    """

    def __init__(self, num_classes: int, alpha: float = 0.5, weight: float = 1.0, **kwargs: Any) -> None:
        positive_integer("num_classes", num_classes)
        unit_interval("alpha", alpha)
        non_negative("weight", weight)
        super().__init__(autocast=False, **kwargs)
        self.num_classes = num_classes
        self.alpha = alpha
        self.weight = weight

    def build(self, input_shape: Any) -> None:
        dim = _embedding_shape(input_shape)[-1]
        # Every replica computes the same update from the global sums: take the first one's.
        self.centers = keras.Variable(
            initializer="zeros",
            shape=(self.num_classes, dim),
            dtype=self.variable_dtype,
            trainable=False,
            aggregation="only_first_replica",
            synchronization="on_read",
            name="centers",
        )

    def call(self, inputs: Any, training: bool | None = None) -> Any:
        embeddings, labels = _split_inputs(inputs)
        if training and labels is not None:
            centers = ops.convert_to_tensor(self.centers)  # before this step's update
            value = self.weight * ops.mean(center_loss(embeddings, labels, centers))
            self.centers.assign(ops.cast(center_update(embeddings, labels, centers, self.alpha), self.centers.dtype))
            # The update synchronises the replicas of a tf.distribute strategy, whose threads share
            # this layer: a replica may find the loss another one added (see drop_other_replicas_losses).
            drop_other_replicas_losses(self, value)
            self.add_loss(value)  # Keras divides it by the number of replicas under tf.distribute
        return ops.copy(embeddings)  # a new tensor: a layer that returns its input is no node of a model

    def get_config(self) -> dict[str, Any]:
        return {**super().get_config(), "num_classes": self.num_classes, "alpha": self.alpha, "weight": self.weight}


#: The margin heads: one ``kernel``, called on ``[embeddings, labels]``, return logits.
MARGIN_HEADS: tuple[type[keras.layers.Layer], ...] = (ArcFace, CosFace, SphereFace, LargeMarginSoftmax)
#: Every layer of keras_losses (the layer conformance tests run over this tuple).
LAYERS: tuple[type[keras.layers.Layer], ...] = (*MARGIN_HEADS, CenterLoss)
